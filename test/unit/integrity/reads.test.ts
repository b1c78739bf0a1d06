// Bounded reads (read-file.ts): fixtures, state and recordings that are FIFOs, devices, folders, too large
// or absurdly nested are refused with the file named, never read into memory or waited on.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EmulatorError } from '../../../emulator/core/errors';
import { parseFixtures } from '../../../emulator/fixtures/fixtures';
import { readTextFile } from '../../../emulator/fixtures/read-file';
import { importRecording } from '../../../emulator/recordings';
import { readState } from '../../../emulator/state/state';
import { salesforceFixtures } from '../emulator/project';

const repo = path.resolve(__dirname, '../../..');
const cli = path.join(repo, 'dist/emulator/cli.js');
const OPTS = { maxBytes: 1000, what: 'the test file', code: 'fixtures_invalid' as const, fix: 'Fix it.' };

function refused(fn: () => unknown, code: string, pattern: RegExp): void {
    assert.throws(fn, (err: unknown) => {
        assert.ok(err instanceof EmulatorError, String(err));
        assert.equal(err.code, code);
        assert.match(err.message, pattern);
        return true;
    });
}

describe('reads: readTextFile', () => {
    let dir: string;
    beforeEach(() => (dir = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'nango-reads-')))));
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it('reads a regular file and a symlink to one; a missing file is undefined', () => {
        writeFileSync(path.join(dir, 'a.json'), '{"x":1}');
        symlinkSync(path.join(dir, 'a.json'), path.join(dir, 'link.json'));
        assert.equal(readTextFile(path.join(dir, 'a.json'), OPTS), '{"x":1}');
        assert.equal(readTextFile(path.join(dir, 'link.json'), OPTS), '{"x":1}');
        assert.equal(readTextFile(path.join(dir, 'none.json'), OPTS), undefined);
    });

    it('refuses a folder, a link to /dev/zero, a FIFO (without opening it) and a file over the cap', () => {
        const file = path.join(dir, 'f.json');
        mkdirSync(file);
        refused(
            () => readTextFile(file, OPTS),
            'fixtures_invalid',
            new RegExp(`^${file}: is a folder; the test file must be a regular file of at most 1000 bytes\\. Fix it\\.$`)
        );
        rmSync(file, { recursive: true });
        symlinkSync('/dev/zero', file);
        refused(() => readTextFile(file, OPTS), 'fixtures_invalid', /: is a character device \(such as \/dev\/zero\)/);
        unlinkSync(file);
        execFileSync('mkfifo', [file]);
        refused(() => readTextFile(file, OPTS), 'fixtures_invalid', /: is a named pipe \(FIFO\)/);
        unlinkSync(file);
        writeFileSync(file, 'x'.repeat(1001));
        refused(() => readTextFile(file, OPTS), 'fixtures_invalid', /: is 1001 bytes; the test file must be a regular file/);
    });
});

describe('reads: fixtures, state and recordings', () => {
    let root: string;
    beforeEach(() => {
        root = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'nango-reads-')));
        cpSync(path.join(repo, 'test/corpus/unknown-connection'), root, { recursive: true, filter: (src) => path.basename(src) !== 'case.json' });
    });
    afterEach(() => rmSync(root, { recursive: true, force: true }));

    it('the CLI answers at once when state.json is a FIFO, naming the file and the way out', function () {
        assert.ok(existsSync(cli), `${cli} is missing: run "npm run build" first`);
        const state = path.join(root, '.nango-emulator/state.json');
        unlinkSync(state);
        execFileSync('mkfifo', [state]);
        const run = spawnSync(process.execPath, [cli, 'connections', '--root', root, '--json'], { encoding: 'utf8', timeout: 20_000 });
        assert.equal(run.signal, null, 'the CLI hung on the FIFO');
        assert.equal(run.status, 2, run.stdout + run.stderr);
        const error = (JSON.parse(run.stdout) as { error: { type: string; message: string } }).error;
        assert.equal(error.type, 'state_invalid');
        assert.match(
            error.message,
            new RegExp(`^${state}: is a named pipe \\(FIFO\\); the emulator state must be a regular file of at most 50 MB\\. .*run "nango-emulator reset"`)
        );
    });

    it('readState refuses state.json that is a folder (it used to start over from the fixtures silently)', () => {
        const state = path.join(root, '.nango-emulator/state.json');
        unlinkSync(state);
        mkdirSync(state);
        refused(() => readState(root, parseFixtures(JSON.stringify(salesforceFixtures()), '/p/f.json')), 'state_invalid', /state\.json: is a folder/);
    });

    it('refuses fixtures nested 10,000 levels deep with the file and the field, not a stack overflow', () => {
        const deep = '['.repeat(10_000) + ']'.repeat(10_000);
        const text = JSON.stringify(salesforceFixtures()).replace('"environment":', `"deep": ${deep}, "environment":`);
        refused(
            () => parseFixtures(text, '/p/fixtures.json'),
            'fixtures_invalid',
            /^\/p\/fixtures\.json: deep\.0\.0\.0\.0\.0\.…: nested more than 256 levels deep/
        );
    });

    it('refuses a recording that is a FIFO or a link to /dev/zero', () => {
        const recording = path.join(root, 'salesforce/tests/sync.test.json');
        mkdirSync(path.dirname(recording), { recursive: true });
        execFileSync('mkfifo', [recording]);
        refused(
            () => importRecording(root, recording),
            'bad_usage',
            /sync\.test\.json: is a named pipe \(FIFO\); a recording must be a regular file of at most 50 MB/
        );
        unlinkSync(recording);
        symlinkSync('/dev/zero', recording);
        refused(() => importRecording(root, recording), 'bad_usage', /: is a character device/);
    });

    it('refuses a scenario file nested 10,000 levels deep, or linked to /dev/zero, naming the file (nango-emulator test exits 2)', () => {
        const scenarios = path.join(root, '.nango-emulator/scenarios');
        mkdirSync(scenarios, { recursive: true });
        writeFileSync(path.join(scenarios, 'deep.json'), '{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000));
        const deep = spawnSync(process.execPath, [cli, 'test', 'deep', '--root', root], { encoding: 'utf8', timeout: 20_000 });
        assert.equal(deep.status, 2, deep.stdout + deep.stderr);
        assert.match(deep.stderr, new RegExp(`${path.join(scenarios, 'deep.json')}:1:1: a\\.a\\.a\\.a\\.a\\.a\\.…: nested more than 256 levels deep`));
        symlinkSync('/dev/zero', path.join(scenarios, 'zero.json'));
        const zero = spawnSync(process.execPath, [cli, 'test', 'zero', '--root', root], { encoding: 'utf8', timeout: 20_000 });
        assert.equal(zero.status, 2, zero.stdout + zero.stderr);
        assert.match(zero.stderr, /zero\.json: is a character device \(such as \/dev\/zero\); a scenario file must be a regular file of at most 10 MB/);
    });
});
