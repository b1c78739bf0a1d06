// The JSON schemas VS Code applies to the files users write (schemas/*.schema.json, generated from the
// zod schemas by scripts/make-schemas.ts): the committed files are what the generator writes today, the
// manifest maps them to the right files and ships them, and real inputs pass or fail alike under the JSON
// schema (Ajv, draft-07, as the editor's JSON language service reads it) and under zod (the emulator).
// Ajv is not a dependency of ours: it is installed for @vscode/vsce (secretlint), hence the import below.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import { FixturesSchema } from '../../../emulator/fixtures/fixtures';
import { ScenarioFileSchema } from '../../../emulator/scenarios/format';
import { catalogueProviderKeys, FIXTURES_SCHEMA_FILE, SCENARIOS_SCHEMA_FILE, schemaFiles } from '../../../scripts/make-schemas';
import { example, repo } from '../server/helpers';

const schemasDir = path.join(repo, 'schemas');
const exampleFixtures = path.join(example, '.nango-emulator', 'fixtures.json');
const exampleScenarios = path.join(example, '.nango-emulator', 'scenarios');

interface Manifest {
    files: string[];
    scripts: Record<string, string>;
    contributes: { jsonValidation?: { fileMatch: string | string[]; url: string }[] };
}

function readJson(file: string): unknown {
    return JSON.parse(readFileSync(file, 'utf8')) as unknown;
}

function committed(name: string): string {
    return readFileSync(path.join(schemasDir, name), 'utf8');
}

/** Whether zod (the emulator's check) and the JSON schema (the editor's) take `value`, with why not. */
interface Verdicts {
    zod: boolean;
    json: boolean;
    why: string;
}

describe('JSON schemas of fixtures.json and scenario files', function () {
    this.timeout(60_000);

    let validateFixtures: ValidateFunction;
    let validateScenarios: ValidateFunction;

    before(() => {
        // strict: false: the schemas carry VS Code's own keywords (patternErrorMessage), which Ajv does not know.
        const ajv = new Ajv({ strict: false, allErrors: true });
        validateFixtures = ajv.compile(readJson(path.join(schemasDir, FIXTURES_SCHEMA_FILE)) as object);
        validateScenarios = ajv.compile(readJson(path.join(schemasDir, SCENARIOS_SCHEMA_FILE)) as object);
    });

    function fixtures(value: unknown): Verdicts {
        const zod = FixturesSchema.safeParse(value);
        const json = validateFixtures(value);
        return { zod: zod.success, json, why: `zod: ${JSON.stringify(zod.error?.issues)}\nJSON schema: ${JSON.stringify(validateFixtures.errors)}` };
    }

    function scenarios(value: unknown): Verdicts {
        const zod = ScenarioFileSchema.safeParse(value);
        const json = validateScenarios(value);
        return { zod: zod.success, json, why: `zod: ${JSON.stringify(zod.error?.issues)}\nJSON schema: ${JSON.stringify(validateScenarios.errors)}` };
    }

    function valid(v: Verdicts, what: string): void {
        assert.ok(v.zod && v.json, `${what} should be valid under zod and the JSON schema\n${v.why}`);
    }

    function invalid(v: Verdicts, what: string): void {
        assert.ok(!v.zod && !v.json, `${what} should be invalid under zod and the JSON schema\n${v.why}`);
    }

    it('the committed schemas are what scripts/make-schemas.ts generates from the zod schemas', async () => {
        const files = await schemaFiles();
        assert.deepEqual(Object.keys(files).sort(), readdirSync(schemasDir).sort(), 'schemas/ holds exactly the generated files: run npm run schemas');
        for (const [name, text] of Object.entries(files)) {
            assert.ok(committed(name) === text, `schemas/${name} is out of date with the zod schemas: run npm run schemas (and commit schemas/)`);
        }
    });

    it('package.json maps them to the files users write, ships them, and has the npm script', () => {
        const manifest = readJson(path.join(repo, 'package.json')) as Manifest;
        const byUrl = new Map((manifest.contributes.jsonValidation ?? []).map((v) => [v.url, [v.fileMatch].flat()]));
        assert.deepEqual(byUrl.get(`./schemas/${FIXTURES_SCHEMA_FILE}`), ['**/.nango-emulator/fixtures.json']);
        assert.ok(byUrl.get(`./schemas/${SCENARIOS_SCHEMA_FILE}`)?.includes('**/.nango-emulator/scenarios/*.json'));
        assert.ok(manifest.files.includes('schemas/*.json'), 'package.json "files" ships schemas/*.json');
        assert.equal(manifest.scripts['schemas'], 'tsx scripts/make-schemas.ts');
    });

    it('the example project`s fixtures.json and scenario files are valid under both', () => {
        valid(fixtures(readJson(exampleFixtures)), 'the example fixtures.json');
        const files = readdirSync(exampleScenarios).filter((f) => f.endsWith('.json'));
        assert.ok(files.length >= 2, 'the example has scenario files');
        for (const f of files) valid(scenarios(readJson(path.join(exampleScenarios, f))), `scenarios/${f}`);
    });

    it('an unknown top-level field, and a provider that is not a string, are invalid under both', () => {
        const base = readJson(exampleFixtures) as Record<string, unknown>;
        invalid(fixtures({ ...base, integraitons: {} }), 'a fixtures file with "integraitons"');
        const withProvider = (provider: unknown) => {
            const f = structuredClone(base) as { integrations: Record<string, { provider: unknown }> };
            f.integrations['salesforce']!.provider = provider;
            return f;
        };
        invalid(fixtures(withProvider(42)), '"provider": 42');
        invalid(fixtures(withProvider('')), '"provider": ""');
        // The emulator takes a provider outside the catalogue (its base URL comes from "baseUrl"): the editor must too.
        valid(fixtures(withProvider('my-internal-api')), 'a provider that is not in the catalogue');
    });

    it('provider offers the catalogue`s keys for completion without restricting it', async () => {
        const schema = readJson(path.join(schemasDir, FIXTURES_SCHEMA_FILE)) as {
            properties: { integrations: { additionalProperties: { properties: { provider: { examples?: string[]; enum?: unknown; description?: string } } } } };
        };
        const provider = schema.properties.integrations.additionalProperties.properties.provider;
        assert.deepEqual(provider.examples, await catalogueProviderKeys());
        for (const key of ['github', 'salesforce', 'hubspot']) assert.ok(provider.examples?.includes(key), key);
        assert.equal(provider.enum, undefined, 'an enum would refuse providers the emulator takes');
        assert.match(provider.description ?? '', /catalogue/);
    });

    it('what zod preprocesses or refines is judged as the emulator judges it, or left to the emulator', () => {
        const base = readJson(exampleFixtures) as { integrations: Record<string, { responses: { method: string }[]; accounts: object }> };
        const lower = structuredClone(base);
        lower.integrations['salesforce']!.responses[0]!.method = 'get';
        valid(fixtures(lower), 'a lower-case method (the emulator upper-cases it)');
        const bogus = structuredClone(base);
        bogus.integrations['salesforce']!.responses[0]!.method = 'FETCH';
        invalid(fixtures(bogus), 'method "FETCH"');
        const noAccounts = structuredClone(base);
        noAccounts.integrations['salesforce']!.accounts = {};
        invalid(fixtures(noAccounts), 'an integration without accounts');
    });

    it('scenario files: unknown fields and unknown actions are invalid under both', () => {
        const file = readdirSync(exampleScenarios).find((f) => f.endsWith('.json'));
        const base = readJson(path.join(exampleScenarios, file!)) as { scenarios: { steps: Record<string, unknown>[] }[] };
        const unknownField = structuredClone(base);
        unknownField.scenarios[0]!.steps[0]!['acount'] = 'acme';
        invalid(scenarios(unknownField), 'a step with "acount"');
        const unknownAction = structuredClone(base);
        unknownAction.scenarios[0]!.steps[0]!['action'] = 'disconnect';
        invalid(scenarios(unknownAction), 'a step with action "disconnect"');
        invalid(scenarios({ scenarios: [] }), 'a file without scenarios');
    });
});
