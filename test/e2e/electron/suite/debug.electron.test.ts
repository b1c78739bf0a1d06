// The "Debug" code lens (nango.debugHandler → DryRunController.debug): VS Code's JavaScript debugger
// (js-debug, built into VS Code and code-server) attaches to the emulator worker that runs the handler.
// A breakpoint in the handler's TypeScript binds and is hit at its line, continuing finishes the run
// with its result, and ending the session while paused cancels the run. What the debugger does is read
// from the Debug Adapter Protocol messages a tracker sees.
import assert from 'node:assert/strict';
import { realpathSync } from 'node:fs';
import * as vscode from 'vscode';
import {
    activateExtension,
    projectUri,
    recordDebugAdapterMessages,
    runAcceptingFirstPick,
    startAcceptingFirstPicks,
    until,
    type RecordedDapMessage
} from './util';

interface RunResult {
    ok: boolean;
    operation: string;
    event: string;
    connectionId: string;
    handlers: Array<{ name: string; ok: boolean }>;
    logs: Array<{ message: string }>;
    error: unknown;
}

interface StackFrame {
    name: string;
    line: number;
    column: number;
    source?: { path?: string; name?: string };
}

const HANDLER = 'github/on-events/seed-metadata.ts';
const BREAK_AT = 'const defaultOrg = organizations.data[0]?.login ?? null;';

const real = (file: string): string => realpathSync.native(file);

/** The lens's own command and arguments. */
async function lensCommand(title: string): Promise<vscode.Command> {
    const doc = await vscode.workspace.openTextDocument(projectUri(HANDLER));
    const lenses = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri)) ?? [];
    const command = lenses.find((l) => l.command?.title === title)?.command;
    assert.ok(command, `no "${title}" lens on ${HANDLER}: ${lenses.map((l) => l.command?.title).join(' | ')}`);
    return command;
}

/** The 1-based line of BREAK_AT, checked to be inside exec. */
async function breakpointLine(): Promise<number> {
    const doc = await vscode.workspace.openTextDocument(projectUri(HANDLER));
    const lines = doc.getText().split('\n');
    const line = lines.findIndex((l) => l.includes(BREAK_AT)) + 1;
    const exec = lines.findIndex((l) => /^\s*exec: async/.test(l)) + 1;
    assert.ok(line > 0 && exec > 0 && line > exec, `${HANDLER}: "${BREAK_AT}" is not inside exec (line ${line}, exec at ${exec})`);
    return line;
}

function addBreakpoint(line: number): vscode.SourceBreakpoint {
    const bp = new vscode.SourceBreakpoint(new vscode.Location(projectUri(HANDLER), new vscode.Position(line - 1, 0)));
    vscode.debug.addBreakpoints([bp]);
    return bp;
}

/** The first `stopped` event (and the session it came from). */
const stoppedEvent = (messages: RecordedDapMessage[]): RecordedDapMessage | undefined =>
    messages.find((m) => m.direction === 'fromAdapter' && m.message.type === 'event' && m.message.event === 'stopped');

/** The top frame of the first stackTrace VS Code got from `session` after the stop. */
function topFrameAfter(messages: RecordedDapMessage[], stop: RecordedDapMessage): StackFrame | undefined {
    const response = messages
        .slice(messages.indexOf(stop))
        .find(
            (m) =>
                m.session === stop.session &&
                m.direction === 'fromAdapter' &&
                m.message.type === 'response' &&
                m.message.command === 'stackTrace' &&
                m.message.success === true
        );
    return (response?.message.body?.['stackFrames'] as StackFrame[] | undefined)?.[0];
}

const rootOf = (session: vscode.DebugSession): vscode.DebugSession => (session.parentSession ? rootOf(session.parentSession) : session);

describe('Debug lens: a breakpoint in the handler under the JavaScript debugger', function () {
    let recorder: ReturnType<typeof recordDebugAdapterMessages>;
    let breakpoint: vscode.SourceBreakpoint | undefined;

    before(async function () {
        await activateExtension();
        assert.ok(
            vscode.extensions.getExtension('ms-vscode.js-debug'),
            "VS Code's JavaScript debugger (ms-vscode.js-debug) is not installed: the Debug lens needs it"
        );
    });
    beforeEach(() => (recorder = recordDebugAdapterMessages()));
    afterEach(async function () {
        if (breakpoint) vscode.debug.removeBreakpoints([breakpoint]);
        breakpoint = undefined;
        // Nothing of a test's sessions may outlive it (the run's end ends them).
        try {
            if (this.currentTest?.state !== 'passed') {
                // A failed test may leave its run paused: end its sessions, so the rest of the suite runs.
                for (const s of [...recorder.live].filter((s) => !s.parentSession)) await vscode.debug.stopDebugging(s);
            }
            await until(
                'the debug sessions to end',
                () => [...recorder.live].map((s) => `${s.type} ${s.name}`),
                (l) => l.length === 0,
                30_000
            );
        } finally {
            recorder.dispose();
        }
    });

    it('stops at the TypeScript line of the breakpoint; continuing finishes the run with its result', async function () {
        this.timeout(180_000);
        const line = await breakpointLine();
        breakpoint = addBreakpoint(line);
        const debugLens = await lensCommand('Debug');
        const run = startAcceptingFirstPicks<RunResult | undefined>(() => recorder.live.size > 0, debugLens.command, ...(debugLens.arguments ?? []));
        let settled = false;
        void run.finally(() => (settled = true));

        const stop = await until(
            'the debugger to stop',
            () => stoppedEvent(recorder.messages) ?? (settled ? 'the command ended' : undefined),
            (m) => m !== undefined,
            120_000
        );
        assert.ok(typeof stop === 'object', `the debug run ended without stopping at the breakpoint; DAP events: ${events(recorder.messages)}`);
        assert.equal(stop.message.body?.['reason'], 'breakpoint', JSON.stringify(stop.message.body));
        const frame = await until(
            'the stack of the stop',
            () => topFrameAfter(recorder.messages, stop),
            (f) => f !== undefined,
            20_000
        );
        assert.ok(frame?.source?.path, `the top frame has no source: ${JSON.stringify(frame)}`);
        assert.equal(real(frame.source.path), real(projectUri(HANDLER).fsPath), `paused in ${frame.source.path}, not the handler's TypeScript`);
        assert.equal(frame.line, line, `paused at line ${frame.line}, the breakpoint is at ${line}`);
        assert.equal(settled, false, 'the run ended while paused');

        const threadId = stop.message.body?.['threadId'];
        await stop.session.customRequest('continue', { threadId });
        const result = await run;
        assert.ok(result, 'the debug run returned no result');
        assert.equal(result.ok, true, JSON.stringify(result.error));
        assert.equal(result.operation, 'dryrun');
        assert.equal(result.event, 'post-connection-creation');
        assert.deepEqual(
            result.handlers.map((h) => [h.name, h.ok]),
            [['seed-metadata', true]]
        );
        assert.ok(
            result.logs.some((l) => l.message.startsWith('Seeded metadata for GitHub user')),
            JSON.stringify(result.logs)
        );
    });

    it('ending the session while paused cancels the run; the next dry run works', async function () {
        this.timeout(180_000);
        breakpoint = addBreakpoint(await breakpointLine());
        const debugLens = await lensCommand('Debug');
        const run = startAcceptingFirstPicks<RunResult | undefined>(() => recorder.live.size > 0, debugLens.command, ...(debugLens.arguments ?? []));
        let settled = false;
        void run.finally(() => (settled = true));
        const stop = await until(
            'the debugger to stop',
            () => stoppedEvent(recorder.messages) ?? (settled ? 'the command ended' : undefined),
            (m) => m !== undefined,
            120_000
        );
        assert.ok(typeof stop === 'object', `the debug run ended without stopping at the breakpoint; DAP events: ${events(recorder.messages)}`);

        await vscode.debug.stopDebugging(rootOf(stop.session));
        assert.equal(await run, undefined, 'a debug run whose session was ended still returned a result');

        vscode.debug.removeBreakpoints([breakpoint]);
        breakpoint = undefined;
        const dryRun = await lensCommand('▶ Dry run');
        const result = await runAcceptingFirstPick<RunResult | undefined>(dryRun.command, ...(dryRun.arguments ?? []));
        assert.ok(result, 'the dry run after the ended debug session returned no result');
        assert.equal(result.ok, true, JSON.stringify(result.error));
    });
});

/** The DAP events seen, for failure messages. */
function events(messages: RecordedDapMessage[]): string {
    return JSON.stringify(
        messages.filter((m) => m.message.type === 'event' && m.message.event !== 'output').map((m) => `${m.session.type}:${m.message.event}`)
    ).slice(0, 2000);
}
