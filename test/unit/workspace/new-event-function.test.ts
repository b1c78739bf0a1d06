import assert from 'node:assert/strict';
import {
    fixturesFileOf,
    listIntegrations,
    normalizeFunctionName,
    planNewEventFunction,
    suggestFunctionName,
    validateFunctionName,
    validateIntegrationName
} from '../../../src/workspace/new-event-function';
import type { NewEventFunctionPlan, NewEventFunctionRequest } from '../../../src/workspace/new-event-function';
import { scaffoldEventFunction } from '../../../src/workspace/scaffold';
import type { TemplateId } from '../../../src/workspace/scaffold';
import type { TextEdit } from '../../../src/workspace/types';
import { Project, ROOT, at, handlerSource, textAt } from './helpers';

function project(): Project {
    return new Project({
        'index.ts': "import './salesforce/on-events/validate-connection';\n",
        'salesforce/on-events/validate-connection.ts': handlerSource('validate-connection'),
        'github/syncs/issues.ts': 'export default 1;\n',
        'notes.md': ''
    });
}

describe('New Event Function command logic', () => {
    it('lists the integrations of a root', () => {
        assert.deepEqual(listIntegrations(project().model), ['github', 'salesforce']);
    });

    describe('validateIntegrationName', () => {
        const { model } = project();
        it('accepts existing integrations and new kebab-case names', () => {
            assert.equal(validateIntegrationName('salesforce', model), undefined);
            assert.equal(validateIntegrationName(' google-calendar ', model), undefined);
            assert.equal(validateIntegrationName('zendesk2', model), undefined);
        });
        it('explains what is wrong with other names', () => {
            assert.match(validateIntegrationName('', model)!, /Enter an integration name/);
            assert.match(validateIntegrationName('Google Calendar', model)!, /not kebab-case/);
            assert.match(validateIntegrationName('google_calendar', model)!, /not kebab-case/);
            assert.match(validateIntegrationName('a--b', model)!, /not kebab-case/);
            assert.match(validateIntegrationName('dist', model)!, /choose another name/);
        });
        it('refuses a name taken by a file', () => {
            const withFile = new Project({ 'index.ts': '', hubspot: '' });
            assert.match(validateIntegrationName('hubspot', withFile.model)!, /A file named 'hubspot' already exists/);
        });
    });

    describe('validateFunctionName', () => {
        const { model } = project();
        it('accepts a new kebab-case name, with or without .ts', () => {
            assert.equal(validateFunctionName('register-webhook', 'salesforce', model), undefined);
            assert.equal(validateFunctionName('register-webhook.ts', 'salesforce', model), undefined);
            assert.equal(normalizeFunctionName(' cleanup.ts '), 'cleanup');
        });
        it('refuses bad names and names taken in the integration', () => {
            assert.match(validateFunctionName('', 'salesforce', model)!, /Enter a file name/);
            assert.match(validateFunctionName('registerWebhook', 'salesforce', model)!, /not kebab-case/);
            assert.match(validateFunctionName('validate-connection', 'salesforce', model)!, /salesforce\/on-events\/validate-connection\.ts already exists/);
            assert.match(
                validateFunctionName('issues', 'github', model)!,
                /github\/syncs\/issues\.ts already exists: function names must be unique within an integration/
            );
            assert.equal(validateFunctionName('validate-connection', 'github', model), undefined);
        });
        it('suggests a free name', () => {
            assert.equal(suggestFunctionName('salesforce', 'validate-connection', model), 'validate-connection-2');
            assert.equal(suggestFunctionName('salesforce', 'pre-connection-deletion', model), 'pre-connection-deletion');
            assert.equal(suggestFunctionName('salesforce', 'same-account-validation', model), 'same-account');
        });
    });

    describe('planNewEventFunction', () => {
        it('creates the handler from the scaffold and imports it from index.ts, leaving no problem', () => {
            const p = project();
            const plan = planNewEventFunction(p.model, {
                integration: 'hubspot',
                name: 'register-webhook.ts',
                template: 'post-connection-creation',
                description: 'Register the webhook'
            });
            assert.equal(plan.file, at('hubspot/on-events/register-webhook.ts'));
            assert.equal(plan.contents, scaffoldEventFunction('post-connection-creation', { description: 'Register the webhook' }));
            assert.equal(textAt(plan.contents, plan.selection), 'Register the webhook');
            p.apply({ title: 'new', createFiles: plan.createFiles, edits: plan.edits });
            assert.equal(p.text('index.ts'), "import './salesforce/on-events/validate-connection';\nimport './hubspot/on-events/register-webhook';\n");
            assert.deepEqual(p.problems(), []);
            assert.equal(p.model.handler(plan.file)?.event, 'post-connection-creation');
        });

        it('creates index.ts when the project has none', () => {
            const p = new Project({ 'package.json': '{"devDependencies":{"nango":"0.71.10"}}' });
            const plan = planNewEventFunction(p.model, { integration: 'slack', name: 'setup', template: 'validate-connection' });
            assert.deepEqual(plan.edits, []);
            assert.deepEqual(
                plan.createFiles.map((c) => c.file),
                [at('slack/on-events/setup.ts'), at('index.ts')]
            );
            p.apply({ title: 'new', createFiles: plan.createFiles, edits: plan.edits });
            assert.equal(p.text('index.ts'), "import './slack/on-events/setup';\n");
            assert.deepEqual(p.problems(), []);
        });

        it('follows the line breaks of index.ts', () => {
            const p = new Project({ 'index.ts': "import 'zod';\r\n" });
            const plan = planNewEventFunction(p.model, { integration: 'slack', name: 'setup', template: 'pre-connection-deletion' });
            assert.ok(plan.contents.includes('\r\n'));
        });

        it('refuses a request the validators reject', () => {
            assert.throws(
                () => planNewEventFunction(project().model, { integration: 'salesforce', name: 'validate-connection', template: 'validate-connection' }),
                /already exists/
            );
            assert.throws(
                () => planNewEventFunction(project().model, { integration: 'Sales Force', name: 'x', template: 'validate-connection' }),
                /not kebab-case/
            );
        });
    });
});

// A fixtures file in the README's style, two-space indented, with an inline response body.
const FIXTURES = `{
  "integrations": {
    "github": {
      "provider": "github",
      "accounts": {
        "octo-admin": { "credentials": { "type": "OAUTH2", "access_token": "gho_a" }, "identity": { "id": 91000001 } },
        "octo-readonly": { "credentials": { "type": "OAUTH2", "access_token": "gho_b" } }
      },
      "responses": [
        { "method": "GET", "path": "/user/orgs", "body": [] }
      ]
    },
    "crm": {
      "provider": "hubspot",
      "accounts": {
        "acme": { "credentials": { "type": "OAUTH2", "access_token": "t" } }
      }
    },
    "custom": {
      "provider": "unknown-provider",
      "baseUrl": "https://api.custom.example",
      "accounts": {
        "a": {}
      }
    }
  }
}
`;

function fixtureEdits(plan: NewEventFunctionPlan): TextEdit[] {
    return plan.edits.filter((e) => e.file === fixturesFileOf(ROOT));
}

function withFixtures(text = FIXTURES): Project {
    return new Project({ 'index.ts': '', '.nango-emulator/fixtures.json': text });
}

function request(p: Project, integration: string, template: TemplateId = 'validate-connection'): NewEventFunctionRequest {
    return { integration, name: 'check', template, fixtures: { file: fixturesFileOf(p.model.root), text: p.text('.nango-emulator/fixtures.json') } };
}

/** Every line of `before` is in `after`, in order, and what `after` adds is one block of lines (and the comma that precedes it). */
function assertLinesInserted(before: string, after: string): string[] {
    const a = before.split('\n');
    const b = after.split('\n');
    let start = 0;
    while (start < a.length && a[start] === b[start]) start++;
    if (start < a.length && b[start] === `${a[start]},`) start++;
    let end = 0;
    while (end < a.length - start && a[a.length - 1 - end] === b[b.length - 1 - end]) end++;
    assert.equal(start + end, a.length, `lines changed, not only added:\n${after}`);
    return b.slice(start, b.length - end);
}

describe('New Event Function: the provider identity call', () => {
    it('a github integration calls GET /user and reads id, and each account gets its answer in fixtures.json, formatting kept', () => {
        const p = withFixtures();
        const plan = planNewEventFunction(p.model, request(p, 'github'));
        assert.equal(plan.provider, 'github');
        assert.deepEqual(plan.identity, { method: 'GET', endpoint: '/user', accountIdField: 'id', accountIdType: 'number' });
        assert.match(plan.contents, /await nango\.get<\{ id\?: string \| number \}>\(\{\n\s+endpoint: '\/user'\n/);
        assert.match(plan.contents, /if \(response\.data\?\.id === undefined\)/);
        assert.doesNotMatch(plan.contents, /\/\/ .*fixtures\.json/);
        assert.deepEqual(plan.fixtureAccounts, ['octo-admin', 'octo-readonly']);

        const before = p.text('.nango-emulator/fixtures.json');
        p.apply({ title: 'new', createFiles: plan.createFiles, edits: plan.edits });
        const after = p.text('.nango-emulator/fixtures.json');
        const added = assertLinesInserted(before, after);
        assert.ok(
            added.every((line) => /^ {8}/.test(line)),
            `added lines follow the file's two-space indentation:\n${added.join('\n')}`
        );
        const responses = (JSON.parse(after) as { integrations: { github: { responses: { path: string; account?: string; body: unknown }[] } } }).integrations
            .github.responses;
        assert.deepEqual(
            responses.map((r) => [r.path, r.account, r.body]),
            [
                ['/user/orgs', undefined, []],
                ['/user', 'octo-admin', { id: 91000001 }],
                ['/user', 'octo-readonly', { id: 2 }]
            ]
        );
        assert.deepEqual(p.problems(), []);
    });

    it('adds no answer for an account the fixtures already answer, whatever the pattern spelling', () => {
        const answered = FIXTURES.replace(
            '{ "method": "GET", "path": "/user/orgs", "body": [] }',
            '{ "method": "get", "path": "/USER/", "account": "octo-admin", "body": { "id": 1 } }'
        );
        const p = withFixtures(answered);
        assert.deepEqual(planNewEventFunction(p.model, request(p, 'github')).fixtureAccounts, ['octo-readonly']);

        for (const path of ['/:resource', '*', 'https://api.github.com/user']) {
            const all = withFixtures(FIXTURES.replace('"path": "/user/orgs"', `"path": "${path}"`));
            const plan = planNewEventFunction(all.model, request(all, 'github'));
            assert.deepEqual(plan.fixtureAccounts, [], path);
            assert.deepEqual(fixtureEdits(plan), [], path);
        }
        const other = withFixtures(FIXTURES.replace('"path": "/user/orgs"', '"path": "/users/:id"'));
        assert.deepEqual(planNewEventFunction(other.model, request(other, 'github')).fixtureAccounts, ['octo-admin', 'octo-readonly']);
    });

    it("uses the fixtures' provider, and creates the responses list when the integration has none", () => {
        const p = withFixtures();
        const plan = planNewEventFunction(p.model, request(p, 'crm', 'same-account-validation'));
        assert.equal(plan.provider, 'hubspot');
        assert.match(plan.contents, /nango\.get<\{ portalId\?: string \| number \}>\(\{\n\s+endpoint: '\/account-info\/v3\/details'/);
        assert.match(plan.contents, /const rawAccountId = response\.data\?\.portalId;/);
        const before = p.text('.nango-emulator/fixtures.json');
        p.apply({ title: 'new', createFiles: plan.createFiles, edits: plan.edits });
        const after = p.text('.nango-emulator/fixtures.json');
        assert.equal(after.replace(/(?<="access_token": "t" \} \}\n {6}\}),\n {6}"responses": \[[\s\S]*?\n {6}\]/, ''), before);
        assert.deepEqual((JSON.parse(after) as { integrations: { crm: { responses: unknown[] } } }).integrations.crm.responses, [
            {
                description: "Who the credentials belong to (added by New Event Function: edit it to the provider's real answer)",
                method: 'GET',
                path: '/account-info/v3/details',
                account: 'acme',
                body: { portalId: 1 }
            }
        ]);
    });

    it('an unknown provider keeps the placeholder, and the file says which fixture response to add, and where', () => {
        const p = withFixtures();
        const plan = planNewEventFunction(p.model, request(p, 'custom'));
        assert.equal(plan.identity, undefined);
        assert.deepEqual(fixtureEdits(plan), []);
        assert.match(plan.contents, /endpoint: '\/me'/);
        assert.match(
            plan.contents,
            new RegExp(
                [
                    " {8}// '/me' is a placeholder: use the unknown-provider API endpoint that says which account the\n",
                    " {8}// credentials belong to, and 'id' the field of its answer that holds the account id.\n",
                    ' {8}// For dry runs, add its answer to .nango-emulator/fixtures.json, in integrations.custom.responses\n',
                    ' {8}// \\(one per account, with "account": "<account>"\\): \\{ "method": "GET", "path": "/me", "body": \\{ "id": "1" \\} \\}\n',
                    ' {8}const response = await nango.get'
                ].join('')
            )
        );
        assert.equal(textAt(plan.contents, plan.selection), 'Reject credentials that cannot read the provider account');
        p.apply({ title: 'new', createFiles: plan.createFiles, edits: plan.edits });
        assert.deepEqual(p.problems(), []);
    });

    it('without fixtures, an integration named after a known provider gets its call, and a comment for the fixture answer', () => {
        const p = new Project({ 'index.ts': '' });
        const plan = planNewEventFunction(p.model, { integration: 'github', name: 'check', template: 'validate-connection' });
        assert.equal(plan.provider, 'github');
        assert.match(plan.contents, /endpoint: '\/user'/);
        assert.doesNotMatch(plan.contents, /placeholder/);
        assert.match(plan.contents, /\/\/ \(one per account, with "account": "<account>"\): \{ "method": "GET", "path": "\/user", "body": \{ "id": 1 \} \}\n/);
        assert.deepEqual(fixtureEdits(plan), []);

        const unknown = planNewEventFunction(p.model, { integration: 'acme', name: 'check', template: 'same-account-validation' });
        assert.match(unknown.contents, /'\/me' is a placeholder: use the acme API endpoint/);
    });

    it('invalid fixtures are left alone; templates without an identity call change nothing', () => {
        const broken = withFixtures('{ "integrations": ');
        const plan = planNewEventFunction(broken.model, request(broken, 'github'));
        assert.deepEqual(fixtureEdits(plan), []);
        assert.match(plan.contents, /endpoint: '\/user'/);

        const p = withFixtures();
        const webhook = planNewEventFunction(p.model, request(p, 'github', 'post-connection-creation'));
        assert.equal(webhook.identity, undefined);
        assert.deepEqual(fixtureEdits(webhook), []);
        assert.equal(webhook.contents, scaffoldEventFunction('post-connection-creation'));
    });
});
