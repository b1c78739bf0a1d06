// Writes the JSON schemas of the files users write, schemas/fixtures.schema.json and
// schemas/scenarios.schema.json, from the zod schemas the emulator validates them with
// (emulator/fixtures/fixtures.ts FixturesSchema, emulator/scenarios/format.ts ScenarioFileSchema).
// VS Code applies them through package.json's contributes.jsonValidation: completion, hover texts
// (the zod schemas' .describe()) and validation while typing. The files are committed;
// test/unit/packaging/schemas.test.ts fails when they drift from the zod schemas.
//
//   npm run schemas        (tsx scripts/make-schemas.ts)
//
// What JSON Schema cannot say is left to the emulator's own check, so the editor never refuses what the
// emulator accepts: refinements across fields (a connection's account exists, a fault's fields go
// together, unique scenario names…) and connection id rules are not in the schemas. Where zod
// preprocesses (an HTTP method in any case) the schema takes what the emulator takes.
import { writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import * as z from 'zod';
import { FixturesSchema, IntegrationSchema, ResponseSchema } from '../emulator/fixtures/fixtures';
import { FaultSchema } from '../emulator/fakes/faults';
import { ExpectationsSchema, ScenarioFileSchema } from '../emulator/scenarios/format';

export const SCHEMAS_DIR = path.join(__dirname, '..', 'schemas');
export const FIXTURES_SCHEMA_FILE = 'fixtures.schema.json';
export const SCENARIOS_SCHEMA_FILE = 'scenarios.schema.json';

type JsonSchema = z.core.JSONSchema.BaseSchema;

/** The provider keys of Nango's catalogue (@nangohq/providers, the version package.json pins), sorted. */
export async function catalogueProviderKeys(): Promise<string[]> {
    const { loadProvidersYaml } = (await import('@nangohq/providers')) as { loadProvidersYaml: () => Record<string, unknown> | null | undefined };
    const all = loadProvidersYaml();
    if (!all) throw new Error('@nangohq/providers: providers.yaml could not be loaded');
    return Object.keys(all).sort();
}

// Fault fields, for hover (faults.ts keeps its meaning in comments; its zod schema has no descriptions).
const FAULT_FIELDS: Record<string, string> = {
    status: "Answer with this error status (400-599) instead of the response's own.",
    retryAfter: 'The Retry-After header of the faulted answer: seconds, or an HTTP date.',
    headers: 'Headers of the faulted answer.',
    body: 'JSON body of the faulted answer (default: {"error": "<status text>"}).',
    delayMs: 'Wait this long before answering (with the fault, or with the normal answer when only delayed).',
    timeout: 'Never answer: the SDK call fails with a timeout error (code ECONNABORTED) after this many ms (true: 1000 ms).',
    networkError: 'The connection fails with this Node error code: the SDK call fails like axios, with that code and no response.',
    malformedBody: 'Send a body that is not valid JSON with a JSON content type: true cuts the normal body in half; a string is sent as it is.',
    times: 'Only the first N matching requests of each handler run fail; later ones get the normal answer.',
    description: 'Free text.'
};

/** A pattern that matches each of `values` in any case ("get", "Get", "GET"). */
function anyCasePattern(values: readonly string[]): string {
    const letter = (c: string) => (c.toLowerCase() === c.toUpperCase() ? c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') : `[${c.toUpperCase()}${c.toLowerCase()}]`);
    return `^(?:${values.map((v) => [...v].map(letter).join('')).join('|')})$`;
}

/** The global registry (the .describe() texts), with an `id` for the schemas `ids` names: zod puts those under "definitions". */
function withDefinitionIds(ids: Map<z.core.$ZodType, string>): z.core.$ZodRegistry<z.core.GlobalMeta> {
    const registry = z.registry<z.core.GlobalMeta>();
    const get = (schema: z.core.$ZodType): z.core.GlobalMeta | undefined => {
        const meta = z.globalRegistry.get(schema);
        const id = ids.get(schema);
        return id === undefined ? meta : { ...meta, id };
    };
    registry.get = get as typeof registry.get;
    return registry;
}

function toJsonSchema(schema: z.ZodType, providers: readonly string[]): JsonSchema {
    return z.toJSONSchema(schema, {
        target: 'draft-07',
        io: 'input',
        unrepresentable: 'any',
        // Inline, but for the big parts both a scenario and its steps use: under "definitions", by name.
        metadata: withDefinitionIds(
            new Map<z.core.$ZodType, string>([
                [ResponseSchema, 'response'],
                [ExpectationsSchema, 'expectations']
            ])
        ),
        override: ({ zodSchema, jsonSchema }) => {
            const def = zodSchema._zod.def;
            // z.preprocess(upper-case, z.enum(...)): the emulator takes any case. The values stay offered
            // for completion; the pattern takes what the emulator takes.
            if (def.type === 'pipe' && def.in._zod.traits.has('$ZodTransform') && def.out._zod.def.type === 'enum') {
                const values = [...(def.out._zod.values ?? [])].filter((v): v is string => typeof v === 'string');
                delete jsonSchema.enum;
                Object.assign(jsonSchema, {
                    type: 'string',
                    pattern: anyCasePattern(values),
                    examples: values,
                    patternErrorMessage: `use one of ${values.join(', ')} (any case)`
                });
            }
            // z.number().int() without bounds of its own: zod writes the safe-integer range, which says nothing to a reader.
            if (jsonSchema.type === 'integer') {
                if (jsonSchema.maximum === Number.MAX_SAFE_INTEGER) delete jsonSchema.maximum;
                if (jsonSchema.minimum === Number.MIN_SAFE_INTEGER) delete jsonSchema.minimum;
            }
            // Any name the emulator takes (one without a catalogue entry needs a baseUrl, checked when a
            // request is made); the catalogue's keys are offered for completion.
            if (zodSchema === IntegrationSchema.shape.provider) jsonSchema.examples = [...providers];
            // z.record(...).refine(at least one): the one refinement JSON Schema says as it is.
            if (zodSchema === IntegrationSchema.shape.accounts) jsonSchema.minProperties = 1;
            if (zodSchema === FaultSchema) {
                for (const [field, description] of Object.entries(FAULT_FIELDS)) {
                    const property = jsonSchema.properties?.[field];
                    if (property && typeof property === 'object' && property.description === undefined) property.description = description;
                }
            }
        }
    });
}

/** A generated schema with its title and description first (after $schema). */
function titled(schema: JsonSchema, title: string, description: string): JsonSchema {
    const { $schema, title: _title, description: _description, ...rest } = schema;
    return { $schema, title, description, ...rest };
}

/** Both schemas, as objects. */
export async function makeSchemas(): Promise<{ fixtures: JsonSchema; scenarios: JsonSchema }> {
    const providers = await catalogueProviderKeys();
    const fixtures = titled(
        toJsonSchema(FixturesSchema, providers),
        'Nango emulator fixtures (.nango-emulator/fixtures.json)',
        'The emulator\'s integrations, provider accounts, provider API responses and the connections that exist at start. Generated from emulator/fixtures/fixtures.ts by npm run schemas; the README\'s "Fixtures" section documents every field.'
    );
    const scenarios = titled(
        toJsonSchema(ScenarioFileSchema, providers),
        'Nango emulator scenarios (.nango-emulator/scenarios/*.json)',
        'Lifecycle stories run like tests (nango-emulator test): connect, reconnect, delete, dry run, reset, and what each step must give. Generated from emulator/scenarios/format.ts by npm run schemas; the README\'s "Scenarios" section documents every field.'
    );
    return { fixtures, scenarios };
}

/** The files' text by file name, as written to schemas/. */
export async function schemaFiles(): Promise<Record<string, string>> {
    const { fixtures, scenarios } = await makeSchemas();
    const text = (schema: JsonSchema) => `${JSON.stringify(schema, null, 2)}\n`;
    return { [FIXTURES_SCHEMA_FILE]: text(fixtures), [SCENARIOS_SCHEMA_FILE]: text(scenarios) };
}

async function main(): Promise<void> {
    mkdirSync(SCHEMAS_DIR, { recursive: true });
    for (const [name, text] of Object.entries(await schemaFiles())) {
        writeFileSync(path.join(SCHEMAS_DIR, name), text);
        console.log(`wrote ${path.relative(process.cwd(), path.join(SCHEMAS_DIR, name))} (${text.length} bytes)`);
    }
}

if (require.main === module) {
    main().catch((err: unknown) => {
        console.error(err);
        process.exitCode = 1;
    });
}
