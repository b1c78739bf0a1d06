// `nango-emulator test --watch` (the built CLI): after the first run, each change re-runs only the
// scenarios it affects (a handler's helper, a helper shared by all, one integration's fixtures, a
// scenario file) and prints only those; Ctrl+C ends it with the exit code of the latest results.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { generateScenarioProject, type ScenarioProject } from '../../../bench/scenario-project';

const repo = path.resolve(__dirname, '../../..');
const cli = process.env['NANGO_EMULATOR_CLI'] ?? path.join(repo, 'dist/emulator/cli.js');

/** The CLI's output so far, and a wait for the next report after a given point. */
class Watch {
    readonly child: ChildProcess;
    output = '';
    private waiters: (() => void)[] = [];

    constructor(root: string) {
        this.child = spawn(process.execPath, [cli, 'test', '--watch', '--jobs', '2', '--root', root], { env: { ...process.env, NO_COLOR: '1' } });
        const take = (chunk: Buffer): void => {
            this.output += chunk.toString();
            for (const w of this.waiters.splice(0)) w();
        };
        this.child.stdout!.on('data', take);
        this.child.stderr!.on('data', take);
    }

    /** Waits until the output after `from` matches `pattern`, and returns that part. */
    async until(pattern: RegExp, from: number): Promise<string> {
        for (;;) {
            const part = this.output.slice(from);
            if (pattern.test(part)) return part;
            if (this.child.exitCode !== null) throw new Error(`the watch ended: ${this.output}`);
            await new Promise<void>((resolve) => this.waiters.push(resolve));
        }
    }

    /** Makes a change and returns the report of the re-run it causes. */
    async after(change: () => void): Promise<string> {
        const from = this.output.length;
        change();
        return this.until(/\nScenarios: .*\n/, from);
    }

    stop(): Promise<number | null> {
        return new Promise((resolve) => {
            this.child.once('exit', (code) => resolve(code));
            this.child.kill('SIGINT');
        });
    }
}

/** The scenarios a report printed, as "<integration> <name>". */
const ran = (report: string): string[] => [...report.matchAll(/^ {2}[✔✖○] (.+) \((integration-\d+), \d+ ms\)$/gm)].map((m) => `${m[2]} ${m[1]}`);

describe('nango-emulator test --watch', function () {
    this.timeout(180_000);
    let project: ScenarioProject;
    let watch: Watch;

    before(async () => {
        project = generateScenarioProject({ integrations: 3, scenariosPerIntegration: 2 });
        watch = new Watch(project.root);
        await watch.until(/Scenarios: 6 passed, 0 failed\n[\s\S]*Watching for changes/, 0);
    });
    after(async () => {
        if (watch.child.exitCode === null) await watch.stop();
        project.cleanup();
    });

    it("a change to one integration's helper re-runs that integration's scenarios only", async () => {
        const report = await watch.after(() => appendFileSync(path.join(project.root, 'integration-001/helpers/account.ts'), '// edited\n'));
        assert.match(report, /^integration-001\/helpers\/account\.ts changed: re-running 2 scenarios$/m);
        assert.deepEqual(ran(report), ['integration-001 story 0', 'integration-001 story 1']);
        assert.match(report, /^Scenarios: 2 passed, 0 failed \(all 6: 6 passed, 0 failed\)$/m);
    });

    it('a change to a helper every handler imports re-runs every scenario', async () => {
        const report = await watch.after(() => appendFileSync(path.join(project.root, 'shared/label.ts'), '// edited\n'));
        assert.equal(ran(report).length, 6);
    });

    it("a change to one integration's fixtures re-runs its scenarios, and shows the failure it causes", async () => {
        const file = path.join(project.root, '.nango-emulator/fixtures.json');
        const fixtures = JSON.parse(readFileSync(file, 'utf8')) as { integrations: Record<string, { responses: { body?: { login?: string } }[] }> };
        fixtures.integrations['integration-002']!.responses[0]!.body!.login = 'someone-else';
        const report = await watch.after(() => writeFileSync(file, JSON.stringify(fixtures, null, 2)));
        assert.deepEqual(ran(report), ['integration-002 story 0', 'integration-002 story 1']);
        assert.match(report, /✖ story 0 \(integration-002/);
        assert.match(report, /metadata\.login: expected "alpha-2", got "someone-else"/);
        assert.match(report, /^Scenarios: 1 passed, 1 failed \(all 6: 5 passed, 1 failed\)$/m);
    });

    it('a scenario file re-runs its scenarios; Ctrl+C ends with the latest results (1: one still fails)', async () => {
        const file = path.join(project.root, '.nango-emulator/scenarios/integration-000.json');
        const report = await watch.after(() => writeFileSync(file, readFileSync(file, 'utf8').replace('"story 1"', '"story 1, renamed"')));
        assert.deepEqual(ran(report), ['integration-000 story 0', 'integration-000 story 1, renamed']);
        assert.match(report, /\(all 6: 5 passed, 1 failed\)/);
        assert.equal(await watch.stop(), 1);
    });
});
