import assert from 'node:assert/strict';
import { parseFixtures } from '../../../emulator/fixtures/fixtures';
import { EmulatorError } from '../../../emulator/core/errors';
import { salesforceFixtures } from './project';

const FILE = '/p/.nango-emulator/fixtures.json';

function rejects(value: unknown, code: string, pattern: RegExp): void {
    assert.throws(
        () => parseFixtures(typeof value === 'string' ? value : JSON.stringify(value), FILE),
        (err: unknown) => {
            assert.ok(err instanceof EmulatorError);
            assert.equal(err.code, code);
            assert.match(err.message, pattern);
            return true;
        }
    );
}

function withSalesforce(patch: (f: any) => void): object {
    const f = structuredClone(salesforceFixtures()) as any;
    patch(f);
    return f;
}

describe('fixtures', () => {
    it('accepts the documented shape and fills defaults', () => {
        const f = parseFixtures(JSON.stringify(salesforceFixtures()), FILE);
        assert.equal(f.integrations['salesforce']!.responses[0]!.status, 200);
        assert.equal(f.connections[0]!.status, 'active');
        assert.deepEqual(f.integrations['salesforce']!.accounts['globex']!.identity, { organization_id: '00DGLOBEX' });
    });

    it('malformed JSON names the file and the syntax error', () => {
        rejects('{ "integrations": { ', 'fixtures_invalid_json', /^\/p\/\.nango-emulator\/fixtures\.json: not valid JSON \(.+\)\. Fix the syntax/);
    });

    it('a wrong type names the field path', () => {
        rejects(
            withSalesforce((f) => (f.integrations.salesforce.responses[0].status = 'ok')),
            'fixtures_invalid',
            /fixtures\.json: integrations\.salesforce\.responses\.0\.status: .*number/
        );
    });

    it('an unknown credentials type lists the valid ones', () => {
        rejects(
            withSalesforce((f) => (f.integrations.salesforce.accounts.acme.credentials.type = 'OAUTH3')),
            'fixtures_invalid',
            /integrations\.salesforce\.accounts\.acme\.credentials\.type: .*OAUTH2/
        );
    });

    it('an unknown field is refused (typos do not pass silently)', () => {
        rejects(
            withSalesforce((f) => (f.integrations.salesforce.respones = [])),
            'fixtures_invalid',
            /integrations\.salesforce: .*respones/
        );
    });

    it('a connection of an unknown integration or account is refused with the known names', () => {
        rejects(
            withSalesforce((f) => (f.connections[0].integration = 'hubspot')),
            'fixtures_invalid',
            /connections\.0\.integration: unknown integration "hubspot": use one of "salesforce"/
        );
        rejects(
            withSalesforce((f) => (f.connections[0].account = 'initech')),
            'fixtures_invalid',
            /connections\.0\.account: unknown account "initech" of integration "salesforce": use one of "acme", "globex"/
        );
    });

    it('duplicate connection ids are refused', () => {
        rejects(
            withSalesforce((f) => f.connections.push({ ...f.connections[0] })),
            'fixtures_invalid',
            /connections\.1\.id: duplicate connection id "sf-1"/
        );
    });

    it('a response restricted to an unknown account is refused', () => {
        rejects(
            withSalesforce((f) => (f.integrations.salesforce.responses[0].account = 'initech')),
            'fixtures_invalid',
            /responses\.0\.account: unknown account "initech"/
        );
    });

    it('every error ends with the fix', () => {
        rejects(
            { integrations: 3 },
            'fixtures_invalid',
            /Fix these fields in \/p\/\.nango-emulator\/fixtures\.json; the README's "Fixtures" section documents every field\.$/
        );
    });
});
