import assert from 'node:assert/strict';
import { REDACTED, Redactor, secretsOf } from '../../../emulator/core/redact';

describe('redaction', () => {
    it('finds the secrets of each credential type, including the Basic auth header value', () => {
        assert.deepEqual(secretsOf({ type: 'OAUTH2', access_token: 'at-123456', refresh_token: 'rt-123456' }).sort(), ['at-123456', 'rt-123456']);
        assert.deepEqual(secretsOf({ type: 'API_KEY', apiKey: 'key-123456' }), ['key-123456']);
        const basic = secretsOf({ type: 'BASIC', username: 'bob', password: 'hunter22' });
        assert.ok(basic.includes('hunter22'));
        assert.ok(basic.includes(Buffer.from('bob:hunter22').toString('base64')));
    });

    it('replaces known secrets anywhere in text and values, and masks secret-named fields', () => {
        const r = new Redactor(['at-123456']);
        assert.equal(r.text('Bearer at-123456 and at-123456'), `Bearer ${REDACTED} and ${REDACTED}`);
        assert.deepEqual(r.value({ msg: 'token at-123456', nested: [{ access_token: 'unknown-but-named' }], n: 1 }), {
            msg: `token ${REDACTED}`,
            nested: [{ access_token: REDACTED }],
            n: 1
        });
    });

    it('ignores very short values that would shred ordinary text', () => {
        assert.equal(new Redactor(['ab']).text('abc'), 'abc');
    });
});
