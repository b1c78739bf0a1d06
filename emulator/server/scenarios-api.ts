// POST /_emulator/scenarios/run: runs scenarios (each in a state of its own, as `nango-emulator test`
// does) and streams what happens as newline-delimited JSON, so the editor's Testing view shows each
// step as it ends. Scenarios run side by side (every event names its scenario; results come in the
// order asked). The client closing the request cancels the run.
import type { IncomingMessage, ServerResponse } from 'node:http';
import * as z from 'zod';
import { defaultJobs, loadScenarios, runScenarios, selectScenarios, type ScenarioResult, type StepResult } from '../scenarios';
import type { LogEntry } from '../core/protocol';
import type { ServerContext } from './context';
import { HttpError } from './http';

const BodySchema = z.strictObject({
    /** Scenario ids ("<file>#<name>"), file names or scenario names, as `nango-emulator test` takes them; none: all. */
    scenarios: z.array(z.string().min(1)).optional()
});

/** One line of the stream. */
export type ScenarioEvent =
    | { type: 'scenario-start'; id: string }
    | { type: 'step-start'; id: string; index: number }
    | { type: 'step'; id: string; step: StepResult }
    | { type: 'log'; id: string; entry: LogEntry }
    | { type: 'scenario'; id: string; result: ScenarioResult }
    | { type: 'end' }
    | { type: 'error'; error: { type: string; message: string } };

export async function runScenarioStream(
    ctx: ServerContext,
    raw: unknown,
    req: IncomingMessage,
    res: ServerResponse,
    inspectPort: number | undefined
): Promise<void> {
    const parsed = BodySchema.safeParse(raw ?? {});
    if (!parsed.success) {
        throw new HttpError(
            400,
            'bad_usage',
            `POST /_emulator/scenarios/run: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ')}. Send { "scenarios": ["github.json#connect"] } or {}.`
        );
    }
    const loaded = loadScenarios(ctx.root, { fixtures: ctx.fixtures() });
    const { scenarios, unknown } = selectScenarios(loaded, parsed.data.scenarios ?? []);
    if (unknown.length) throw new HttpError(404, 'unknown_scenario', `no scenario ${unknown.map((u) => `"${u}"`).join(', ')} in ${loaded.dir}`);

    const abort = new AbortController();
    // The client went away before the end: stop the scenario in progress (its worker is killed).
    res.on('close', () => {
        if (!res.writableFinished) abort.abort();
    });
    res.writeHead(200, { 'content-type': 'application/x-ndjson; charset=utf-8', 'cache-control': 'no-store' });
    const redactor = ctx.redactor();
    const send = (event: ScenarioEvent): void => {
        if (!res.destroyed) res.write(JSON.stringify(redactor.value(event)) + '\n');
    };
    // Each scenario has a state folder of its own: of the server's options only the run limits apply.
    const { timeoutMs, captureBodies, maxBodyBytes, typecheck, memoryLimitMb, workerExecArgv } = ctx.runOptions(inspectPort);
    try {
        await runScenarios(ctx.root, scenarios, {
            ...(timeoutMs !== undefined ? { timeoutMs } : {}),
            ...(captureBodies ? { captureBodies } : {}),
            ...(maxBodyBytes !== undefined ? { maxBodyBytes } : {}),
            ...(typecheck === false ? { typecheck } : {}),
            ...(memoryLimitMb !== undefined ? { memoryLimitMb } : {}),
            ...(workerExecArgv ? { workerExecArgv } : {}),
            // Scenarios run side by side; every event names its scenario, and results come in order.
            jobs: defaultJobs(),
            signal: abort.signal,
            onScenarioStart: (s) => send({ type: 'scenario-start', id: s.id }),
            onStepStart: (step, s) => send({ type: 'step-start', id: s.id, index: step.index }),
            onStep: (step, s) => send({ type: 'step', id: s.id, step }),
            onLog: (entry, s) => send({ type: 'log', id: s.id, entry }),
            onScenario: (result) => send({ type: 'scenario', id: result.scenario.id, result })
        });
        send({ type: 'end' });
    } catch (err) {
        send({ type: 'error', error: { type: 'internal_error', message: err instanceof Error ? err.message : String(err) } });
    }
    req.resume();
    res.end();
}
