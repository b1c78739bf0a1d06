// Editor timings (issue #17): click "▶ Dry run" → quick pick, pick → result, first run of a session and
// warm, from a real VS Code (code-server + Chromium, the e2e harness). test/e2e/editor-timings.bench.ts
// drives it and writes the figures; this runs it (unless told not to) and reads them.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { EditorRun, EditorTimings } from '../test/e2e/editor-timings.bench';

const repo = path.resolve(__dirname, '..');
const TIMINGS_FILE = path.join(repo, 'test-results/e2e/editor-timings.json');

export interface EditorFigures {
    at: string;
    /** Fresh this run (false: read from an earlier run's file). */
    measuredNow: boolean;
    /** The page's click → quick pick (user-visible), the first click of a session (the slower of the two sessions). */
    firstClickToPickMs: number;
    /** The page's click → quick pick, the median of the later clicks (both sessions). */
    warmClickToPickMs: number[];
    /** Extension host marks, for where the time goes. */
    hostFirstClickToPickMs: number;
    hostWarmClickToPickMs: number[];
    /** Pick → result of the first run of a session whose caches are on disk (the usual case). */
    firstRunMs: number;
    /** Pick → result of the first run ever in a fresh project (nothing compiled or type-checked yet). */
    freshProjectFirstRunMs: number;
    warmRunMs: number[];
    /** Activation as the extension logged it in these sessions (the build of npm run build). */
    activationMs: number[];
}

function codeServerReady(): boolean {
    const cache = process.env['NANGO_E2E_CACHE'] ?? path.join(os.homedir(), '.cache/nango-ext-e2e');
    return existsSync(path.join(cache, 'current.json'));
}

/**
 * `run`: drive the real VS Code now (about a minute). Otherwise, or when code-server is not set up, the
 * figures of the last run are read (and say when they were measured); undefined when there are none.
 */
export function editorBench(run: boolean): EditorFigures | undefined {
    let measuredNow = false;
    if (run && codeServerReady()) {
        console.log('\n(editor timings: driving a real VS Code, test/e2e/editor-timings.bench.ts, about a minute)');
        const r = spawnSync(
            process.execPath,
            [
                path.join(repo, 'node_modules/mocha/bin/mocha.js'),
                '--no-config',
                '--node-option',
                'import=tsx',
                '--timeout',
                '600000',
                'test/e2e/editor-timings.bench.ts'
            ],
            { cwd: repo, encoding: 'utf8' }
        );
        if (r.status !== 0) console.log(`(editor timings failed; figures below are from an earlier run, if any)\n${r.stdout}${r.stderr}`);
        else measuredNow = true;
    } else if (run) {
        console.log('\n(editor timings: code-server is not set up; run bash scripts/e2e/setup-vscode.sh. Reading the last figures, if any)');
    }
    if (!existsSync(TIMINGS_FILE)) return undefined;
    const t = JSON.parse(readFileSync(TIMINGS_FILE, 'utf8')) as EditorTimings;
    const fresh = t.sessions.find((s) => s.name === 'fresh project')?.runs ?? [];
    const again = t.sessions.find((s) => s.name === 'new session')?.runs ?? [];
    const later = (runs: EditorRun[]): EditorRun[] => runs.filter((r) => !r.first);
    const warm = [...later(fresh), ...later(again)];
    const first = again.find((r) => r.first);
    const freshFirst = fresh.find((r) => r.first);
    if (!first || !freshFirst) return undefined;
    return {
        at: t.at,
        measuredNow,
        firstClickToPickMs: Math.max(first.pageClickToPickMs, freshFirst.pageClickToPickMs),
        warmClickToPickMs: warm.map((r) => r.pageClickToPickMs),
        hostFirstClickToPickMs: Math.max(first.clickToPickMs, freshFirst.clickToPickMs),
        hostWarmClickToPickMs: warm.map((r) => r.clickToPickMs),
        firstRunMs: first.pickToResultMs,
        freshProjectFirstRunMs: freshFirst.pickToResultMs,
        warmRunMs: warm.map((r) => r.pickToResultMs),
        activationMs: t.sessions.map((s) => s.activationMs).filter((x) => typeof x === 'number')
    };
}
