import assert from 'node:assert/strict';
import {
    listIntegrations,
    normalizeFunctionName,
    planNewEventFunction,
    suggestFunctionName,
    validateFunctionName,
    validateIntegrationName
} from '../../../src/workspace/new-event-function';
import { scaffoldEventFunction } from '../../../src/workspace/scaffold';
import { Project, at, handlerSource, textAt } from './helpers';

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
