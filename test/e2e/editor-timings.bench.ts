/**
 * Editor timings for `npm run bench` (issue #17), read from a real VS Code (code-server + headless
 * Chromium): click "▶ Dry run" → quick pick shown, pick → result, for the first run of a session and
 * warm runs. Figures, not a timed test: nothing here asserts a duration; the test fails only when a run
 * does not happen. Two sessions on one project: a fresh copy (nothing compiled or type-checked yet), then
 * a new VS Code on the same folder (the caches on disk as the first session left them: a user's usual
 * "first run of the day"). Writes test-results/e2e/editor-timings.json, which bench/editor.ts reads.
 *
 * The extension logs each lens run's own marks ("timing: … quick pick shown X ms after the click, result
 * Y ms after the pick"): from the command's start in the extension host to showQuickPick, and from the
 * pick's answer to the result shown. The page measures click → quick pick as the user sees it (mousedown
 * on the lens → the quick input in the DOM with its rows), which adds the workbench's round trip.
 *
 * Needs `npm run build` and `bash scripts/e2e/setup-vscode.sh` (the extension is linked from dist/).
 * Not part of npm test (a benchmark, not a test): npm run bench runs it, or alone:
 *   npx mocha --no-config --node-option import=tsx --timeout 600000 test/e2e/editor-timings.bench.ts
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { copyWorkspace, launchVSCode, repoRoot, until, type VSCodeSession } from './harness';

const EXTENSION_ID = 'nango-event-functions.nango-event-functions';
const HANDLER = 'nango-integrations/github/on-events/seed-metadata.ts';
const CONNECTION = 'gh-admin';
const RUNS = 6;
/** A user's reading time before the first click (the server's start is measured apart: "listening" in the output). */
const READING_MS = 1000;
export const TIMINGS_FILE = path.join(repoRoot, 'test-results/e2e/editor-timings.json');

export interface EditorRun {
    /** Extension host: the lens command's start → showQuickPick. */
    clickToPickMs: number;
    /** Extension host: the pick's answer → the result in the output and its notification. */
    pickToResultMs: number;
    /** The page: mousedown on the lens → the quick input shown with its rows. */
    pageClickToPickMs: number;
    first: boolean;
}

export interface EditorTimings {
    at: string;
    handler: string;
    /** Activation as the extension logs it ("activated in X ms"), per session. */
    sessions: { name: string; activationMs: number; runs: EditorRun[] }[];
}

const TIMING_LINE = /timing: .*: quick pick shown ([\d.]+) ms after the click, result ([\d.]+) ms after the pick \((first run of this session|warm)\)/g;

/** Installs (once per page) a recorder of the lens's mousedown and of the quick input's appearance, and clears it. */
async function armPageRecorder(v: VSCodeSession): Promise<void> {
    await v.page.evaluate(() => {
        // Runs in the page; no named inner functions (see the harness README's pitfalls).
        const g = globalThis as any;
        const doc = g.document;
        g.__nangoTiming = { click: 0, shown: 0 };
        if (g.__nangoTimingObserver) return;
        doc.addEventListener(
            'mousedown',
            (e: any) => {
                if (e.target?.closest?.('.codelens-decoration')) g.__nangoTiming.click = g.performance.now();
            },
            true
        );
        g.__nangoTimingObserver = new g.MutationObserver(() => {
            const t = g.__nangoTiming;
            if (!t.click || t.shown) return;
            const w = doc.querySelector('.quick-input-widget');
            if (w && w.style.display !== 'none' && w.querySelector('.quick-input-list .monaco-list-row')) t.shown = g.performance.now();
        });
        g.__nangoTimingObserver.observe(doc.body, { subtree: true, childList: true, attributes: true });
    });
}

async function pageClickToPick(v: VSCodeSession): Promise<number> {
    const t = await v.page.evaluate(() => (globalThis as any).__nangoTiming as { click: number; shown: number });
    assert.ok(t.click > 0 && t.shown > t.click, `the page saw no lens click → quick pick: ${JSON.stringify(t)}`);
    return Math.round((t.shown - t.click) * 10) / 10;
}

async function session(workspace: string, name: string): Promise<{ activationMs: number; runs: EditorRun[] }> {
    const v = await launchVSCode({ workspace, extensions: [{ path: repoRoot }], name });
    try {
        await v.waitForExtensionActivated(EXTENSION_ID);
        await v.openFile(path.join(workspace, HANDLER));
        await v.waitForCodeLens('▶ Dry run');
        // The extension starts the folder's server when a handler is shown. A user reads the lens before
        // the first click: the scenario is a click READING_MS after the server listens, not a wait for a test.
        await v.waitForOutput('Nango Emulator', /emulator server for .* listening on/, 60_000);
        await new Promise((r) => setTimeout(r, READING_MS));
        const pageMs: number[] = [];
        for (let i = 0; i < RUNS; i++) {
            await v.focusEditor();
            await armPageRecorder(v);
            await v.clickCodeLens('▶ Dry run');
            await v.pickQuickPickItem(CONNECTION);
            pageMs.push(await pageClickToPick(v));
            await until(`the timing line of run ${i + 1}`, async () => [...(await v.readOutput('Nango Emulator')).matchAll(TIMING_LINE)].length > i, {
                timeoutMs: 120_000,
                intervalMs: 300
            });
        }
        const text = await v.readOutput('Nango Emulator');
        writeFileSync(path.join(v.artifactsDir, 'nango-emulator-output.log'), text);
        const lines = [...text.matchAll(TIMING_LINE)];
        assert.equal(lines.length, RUNS, text);
        assert.match(text, /passed/);
        const activation = /activated in ([\d.]+) ms/.exec(text);
        assert.ok(activation, text);
        const runs = lines.map((m, i) => ({
            clickToPickMs: Number(m[1]),
            pickToResultMs: Number(m[2]),
            pageClickToPickMs: pageMs[i]!,
            first: m[3] === 'first run of this session'
        }));
        return { activationMs: Number(activation[1]), runs };
    } catch (err) {
        await v.screenshot('FAILED').catch(() => undefined);
        v.saveLogs();
        throw err;
    } finally {
        await v.close();
    }
}

describe('editor timings in a real VS Code (figures for npm run bench)', function () {
    const workspace = copyWorkspace(path.join(repoRoot, 'examples', 'nango-integrations'));
    const timings: EditorTimings = { at: new Date().toISOString(), handler: HANDLER, sessions: [] };

    it('dry runs from the lens in a fresh project (nothing compiled or type-checked yet)', async function () {
        timings.sessions.push({ name: 'fresh project', ...(await session(workspace, 'timings-fresh')) });
    });

    it('dry runs from the lens in a new session on the same project (caches on disk)', async function () {
        timings.sessions.push({ name: 'new session', ...(await session(workspace, 'timings-session')) });
        mkdirSync(path.dirname(TIMINGS_FILE), { recursive: true });
        writeFileSync(TIMINGS_FILE, JSON.stringify(timings, null, 2));
    });
});
