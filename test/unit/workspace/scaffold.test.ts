import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { analyzeHandler } from '../../../src/workspace/handler-analysis';
import { identityEndpoint, identityProviders } from '../../../src/workspace/identity-endpoints';
import {
    EVENT_FUNCTION_TEMPLATES,
    expandSnippet,
    identityPlaceholders,
    renderScaffold,
    scaffoldEventFunction,
    snippetDefinitions
} from '../../../src/workspace/scaffold';
import { ProblemCode } from '../../../src/workspace/types';
import { Project } from './helpers';

interface SnippetFileEntry {
    prefix: string;
    scope: string;
    description: string;
    body: string[];
}

const SNIPPETS_FILE = path.resolve(__dirname, '../../../snippets/nango.code-snippets');
const snippetsText = readFileSync(SNIPPETS_FILE, 'utf8');
const snippets = JSON.parse(snippetsText) as Record<string, SnippetFileEntry>;
const PROVIDERS_FILE = path.resolve(__dirname, '../../../dist/emulator/providers.json');

describe('snippets and scaffolds', () => {
    it('the snippets file offers the four documented prefixes', () => {
        assert.deepEqual(
            Object.values(snippets)
                .map((s) => s.prefix)
                .sort(),
            ['nango-post-connection-creation', 'nango-pre-connection-deletion', 'nango-same-account', 'nango-validate-connection']
        );
        for (const snippet of Object.values(snippets)) assert.equal(snippet.scope, 'typescript');
    });

    it('the snippets file is exactly what the templates define', () => {
        assert.deepEqual(snippets, JSON.parse(JSON.stringify(snippetDefinitions())));
        // Regenerate it with: npx tsx -e 'import { snippetDefinitions } from "./src/workspace/scaffold"; process.stdout.write(JSON.stringify(snippetDefinitions(), null, 4) + "\n")' > snippets/nango.code-snippets
        assert.equal(snippetsText, JSON.stringify(snippetDefinitions(), null, 4) + '\n');
    });

    for (const template of EVENT_FUNCTION_TEMPLATES) {
        describe(template.snippetPrefix, () => {
            const snippet = Object.values(snippets).find((s) => s.prefix === template.snippetPrefix);

            it('expands, with every default accepted, to the text the New Event Function command writes', () => {
                assert.ok(snippet, `no snippet with prefix ${template.snippetPrefix}`);
                assert.equal(expandSnippet(snippet.body.join('\n')).text, scaffoldEventFunction(template.id));
            });

            it('imports createOnEvent and zod, declares a metadata schema and the right event', () => {
                const text = scaffoldEventFunction(template.id);
                assert.ok(text.startsWith("import { createOnEvent } from 'nango';\nimport * as z from 'zod';\n"));
                const facts = analyzeHandler(text);
                assert.equal(facts.defaultExport.kind, 'create-on-event');
                assert.equal(facts.createOnEvent?.hasMetadataSchema, true);
                assert.deepEqual(facts.createOnEvent?.event.kind === 'literal' && facts.createOnEvent.event.value, template.event);
            });

            it('has no problem of its own once imported', () => {
                const project = new Project({
                    'index.ts': "import './salesforce/on-events/new-function';\n",
                    'salesforce/on-events/new-function.ts': scaffoldEventFunction(template.id)
                });
                assert.deepEqual(project.problems(), []);
            });
        });
    }

    it('the same-account pattern compares metadata with a live identity call, merges the lock into metadata and throws ActionError on mismatch', () => {
        const text = scaffoldEventFunction('same-account-validation');
        assert.match(text, /event: 'validate-connection'/);
        assert.match(text, /await nango\.getMetadata\(\)/);
        assert.match(text, /await nango\.get<\{ id\?: string \| number \}>\(\{\n\s+endpoint: '\/me'/);
        assert.match(text, /const accountId = String\(rawAccountId\);/);
        assert.match(text, /await nango\.updateMetadata\(\{ accountId: accountId \}\)/);
        assert.doesNotMatch(text, /nango\.setMetadata/);
        assert.match(
            text,
            /if \(lockedAccountId !== accountId\) \{\n\s+throw new nango\.ActionError\(`Account mismatch: expected \$\{lockedAccountId\}, got \$\{accountId\}`\)/
        );
        assert.equal(
            new Project({ 'index.ts': "import './a/on-events/v';\n", 'a/on-events/v.ts': text }).problems(ProblemCode.ConnectionConfigAccountCheck).length,
            0
        );
    });

    it('no template replaces all metadata: they merge with updateMetadata, as the example project does', () => {
        for (const template of EVENT_FUNCTION_TEMPLATES) assert.doesNotMatch(scaffoldEventFunction(template.id), /nango\.setMetadata/, template.id);
        assert.match(scaffoldEventFunction('post-connection-creation'), /await nango\.updateMetadata\(\{\n\s+webhookId: response\.data\.id/);
    });

    describe('identity call', () => {
        it('validate-connection and same-account make one, with placeholders the command can fill', () => {
            assert.deepEqual(identityPlaceholders('validate-connection'), { endpoint: '/me', accountIdField: 'id' });
            assert.deepEqual(identityPlaceholders('same-account-validation'), { endpoint: '/me', accountIdField: 'id' });
            assert.equal(identityPlaceholders('post-connection-creation'), undefined);
            assert.equal(identityPlaceholders('pre-connection-deletion'), undefined);
        });

        it("fills in a provider's endpoint and account id field", () => {
            const github = renderScaffold('validate-connection', { identity: { endpoint: '/user', accountIdField: 'id' } }).text;
            assert.match(github, /await nango\.get<\{ id\?: string \| number \}>\(\{\n\s+endpoint: '\/user'\n/);
            assert.match(github, /if \(response\.data\?\.id === undefined\) \{/);
            const salesforce = scaffoldEventFunction('same-account-validation', {
                identity: { endpoint: '/services/oauth2/userinfo', accountIdField: 'organization_id' }
            });
            assert.match(salesforce, /nango\.get<\{ organization_id\?: string \| number \}>\(\{\n\s+endpoint: '\/services\/oauth2\/userinfo'/);
            assert.match(salesforce, /const rawAccountId = response\.data\?\.organization_id;/);
            assert.deepEqual(new Project({ 'index.ts': "import './salesforce/on-events/v';\n", 'salesforce/on-events/v.ts': salesforce }).problems(), []);
            assert.throws(() => renderScaffold('validate-connection', { identity: { endpoint: '/me', accountIdField: 'data.gid' } }), /not a field name/);
        });

        it('writes comment lines above the call, at its indentation, keeping the description where it says', () => {
            const scaffold = renderScaffold('same-account-validation', { description: 'Same org', identityComment: ['first', '', 'second'], eol: '\r\n' });
            assert.match(scaffold.text, /\r\n {8}\/\/ first\r\n {8}\/\/\r\n {8}\/\/ second\r\n {8}const response = await nango\.get</);
            assert.equal(scaffold.text.slice(scaffold.description.start, scaffold.description.end), 'Same org');
            assert.equal(renderScaffold('post-connection-creation', { identityComment: ['x'] }).text, scaffoldEventFunction('post-connection-creation'));
        });

        it("every known provider is a key of Nango's catalogue with a base URL, and its field is one the template can read", function () {
            let catalogue: Record<string, { proxy?: { base_url?: string } }>;
            try {
                catalogue = JSON.parse(readFileSync(PROVIDERS_FILE, 'utf8')) as typeof catalogue;
            } catch {
                this.skip();
            }
            assert.ok(identityProviders().length >= 10);
            for (const provider of identityProviders()) {
                assert.ok(catalogue[provider]?.proxy?.base_url, `${provider} is not in the catalogue with a proxy base URL`);
                const identity = identityEndpoint(provider);
                assert.ok(identity?.endpoint.startsWith('/'), provider);
                assert.doesNotThrow(() => renderScaffold('validate-connection', { identity }), provider);
            }
            assert.deepEqual(identityEndpoint('github'), { method: 'GET', endpoint: '/user', accountIdField: 'id', accountIdType: 'number' });
            assert.equal(identityEndpoint('salesforce')?.accountIdField, 'organization_id');
            assert.equal(identityEndpoint('linear'), undefined);
            assert.equal(identityEndpoint('constructor'), undefined);
        });
    });

    it('fills in a description, escaped for its quotes, and says where it is', () => {
        const scaffold = renderScaffold('post-connection-creation', { description: "Set up the team's webhook" });
        assert.match(scaffold.text, /description: 'Set up the team\\'s webhook',/);
        assert.equal(scaffold.text.slice(scaffold.description.start, scaffold.description.end), "Set up the team\\'s webhook");
        assert.equal(analyzeHandler(scaffold.text).createOnEvent?.description, "Set up the team's webhook");
    });

    it('writes CRLF line breaks when asked', () => {
        const text = scaffoldEventFunction('validate-connection', { eol: '\r\n' });
        assert.ok(text.includes('\r\n'));
        assert.ok(!/[^\r]\n/.test(text));
    });
});

describe('expandSnippet', () => {
    it('replaces placeholders and their mirrors by defaults or given values, and removes $0', () => {
        const body = 'a ${1:one} b $1 c ${2:two} ${2} $0\\$x \\} \\\\';
        assert.equal(expandSnippet(body).text, 'a one b one c two two $x } \\');
        const expanded = expandSnippet(body, new Map([[1, 'ONE']]));
        assert.equal(expanded.text, 'a ONE b ONE c two two $x } \\');
        assert.deepEqual(expanded.tabStops.get(1), [
            { start: 2, end: 5 },
            { start: 8, end: 11 }
        ]);
    });

    it('refuses syntax it does not model', () => {
        assert.throws(() => expandSnippet('${TM_FILENAME}'), /variables/);
        assert.throws(() => expandSnippet('$TM_FILENAME'), /variables/);
        assert.throws(() => expandSnippet('${1|a,b|}'), /choices/);
        assert.throws(() => expandSnippet('${1:a ${2:b}}'), /nested/);
        assert.throws(() => expandSnippet('${1:open'), /unclosed/);
    });
});
