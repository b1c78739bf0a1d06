// What the type check `nango compile` does costs a dry run, beside the same run without it (the
// baseline): first check, an unchanged project (content cache), and one edited handler in a warm process.
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Emulator } from '../emulator/core/lifecycle';
import { dropWarmState } from '../emulator/typecheck';

interface Figures {
    median: number;
    min: number;
    max: number;
}

function figures(samples: number[]): Figures {
    const s = [...samples].sort((a, b) => a - b);
    const round = (x: number): number => Math.round(x * 10) / 10;
    return { median: round(s[Math.floor(s.length / 2)] ?? 0), min: round(s[0] ?? 0), max: round(s[s.length - 1] ?? 0) };
}

const show = (f: Figures): string => `${f.median} ms (${f.min}–${f.max})`;

/**
 * `copyExample` gives a fresh copy of the example project without node_modules; the example's own
 * node_modules (installed by npm run test:examples) are linked in so the check has nango's types.
 */
export async function typecheckBench(cli: string, example: string, copyExample: () => string, repeat: number): Promise<Record<string, unknown> | undefined> {
    const modules = path.join(example, 'node_modules');
    if (!existsSync(path.join(modules, 'nango'))) {
        console.log('\n(no type-check figures: the example has no node_modules; run npm run test:examples first)');
        return undefined;
    }
    const root = copyExample();
    symlinkSync(modules, path.join(root, 'node_modules'));
    const cache = path.join(root, '.nango-emulator', 'cache', 'typecheck.json');
    const run = (...extra: string[]): number => {
        const started = performance.now();
        const r = spawnSync(process.execPath, [cli, 'dryrun', 'github/seed-metadata', '--connection', 'gh-admin', '--root', root, '--json', ...extra], {
            encoding: 'utf8'
        });
        if (r.status !== 0) throw new Error(`bench dry run failed: ${r.stdout}${r.stderr}`);
        return performance.now() - started;
    };
    try {
        run('--no-typecheck'); // compile cache warm: the runs below differ by the type check only
        const baseline: number[] = [];
        const first: number[] = [];
        const unchanged: number[] = [];
        for (let i = 0; i < repeat; i++) {
            baseline.push(run('--no-typecheck'));
            rmSync(cache, { force: true });
            first.push(run());
            unchanged.push(run());
        }
        // A warm process (the server, the editor): one handler edited between checks.
        const handler = path.join(root, 'github/on-events/seed-metadata.ts');
        const original = readFileSync(handler, 'utf8');
        const emulator = new Emulator(root);
        const warmBaseline: number[] = [];
        const warmEdited: number[] = [];
        const timed = async (e: Emulator): Promise<number> => {
            const started = performance.now();
            const r = await e.dryrun('github/seed-metadata', { connectionId: 'gh-admin' });
            if (!r.ok) throw new Error(JSON.stringify(r.error));
            return performance.now() - started;
        };
        const noCheck = new Emulator(root, { typecheck: false });
        try {
            await timed(emulator);
            await timed(noCheck);
            for (let i = 0; i < repeat; i++) {
                appendFileSync(handler, `\n// edit ${i}\n`);
                warmBaseline.push(await timed(noCheck));
                writeFileSync(handler, `${original}\n// edit ${i} again\n`);
                warmEdited.push(await timed(emulator));
            }
        } finally {
            emulator.dispose();
            noCheck.dispose();
            writeFileSync(handler, original);
            dropWarmState();
        }
        const out = {
            cliBaseline: figures(baseline),
            cliFirstCheck: figures(first),
            cliUnchanged: figures(unchanged),
            warmBaseline: figures(warmBaseline),
            warmEditedHandler: figures(warmEdited)
        };
        const added = (with_: Figures, without: Figures): string =>
            `${with_.median >= without.median ? '+' : ''}${Math.round((with_.median - without.median) * 10) / 10} ms (×${(with_.median / without.median).toFixed(2)})`;
        console.log('\nType check as nango compile does (github/seed-metadata; baseline: the same run with --no-typecheck)');
        const rows = [
            ['CLI dry run, --no-typecheck (baseline)', show(out.cliBaseline), '', ''],
            ['CLI dry run, first check (no cache)', show(out.cliFirstCheck), added(out.cliFirstCheck, out.cliBaseline), 'measured only'],
            ['CLI dry run, unchanged project (cache)', show(out.cliUnchanged), added(out.cliUnchanged, out.cliBaseline), 'goal ≤ +5 ms'],
            ['warm dry run, handler edited, --no-typecheck (baseline)', show(out.warmBaseline), '', ''],
            ['warm dry run, handler edited, checked', show(out.warmEditedHandler), added(out.warmEditedHandler, out.warmBaseline), 'goal ≤ +500 ms']
        ];
        const widths = [0, 1, 2].map((c) => Math.max(...rows.map((r) => r[c]?.length ?? 0)));
        for (const r of rows) console.log(`${r.map((cell, c) => cell.padEnd(widths[c] ?? 0)).join('  ')}`);
        return out;
    } finally {
        rmSync(root, { recursive: true, force: true });
    }
}
