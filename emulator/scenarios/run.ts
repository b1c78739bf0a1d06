// Running scenarios: each from the fixtures in a throwaway state folder, step by step through the
// emulator's operations, stopping at the first failing step.
import { accessSync, constants, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EmulatorError } from '../core/errors';
import { Emulator } from '../core/lifecycle';
import type { LogEntry } from '../core/protocol';
import type { HandlerWorker } from '../core/runner';
import { parseOperation, performOperation, type EmulatorOperation } from '../core/operation';
import type { RunResult } from '../core/result';
import { evaluateExpectations, type ExpectationFailure } from './expectations';
import type { Scenario, ScenarioStep, StepAction } from './format';
import type { SourceLocation } from './locations';

export type StepStatus = 'passed' | 'failed' | 'skipped' | 'cancelled';

export interface StepResult {
    index: number;
    title: string;
    action: StepAction;
    status: StepStatus;
    location: SourceLocation;
    failures: ExpectationFailure[];
    /** The emulator's result of the step (absent for reset, skipped steps and steps that could not run). */
    result?: RunResult;
    /** The step could not run (e.g. connect on a connection that exists): code and message. */
    error?: { code: string; message: string };
    durationMs: number;
}

export type ScenarioStatus = 'passed' | 'failed' | 'cancelled' | 'error';

export interface ScenarioResult {
    scenario: Scenario;
    /** passed; failed (an expectation, or a step that could not run); cancelled; error: bad input (fixtures, state), not a test failure. */
    status: ScenarioStatus;
    ok: boolean;
    steps: StepResult[];
    /** For status "error": what was wrong. */
    error?: { code: string; message: string };
    durationMs: number;
    /** The state folder of the run, when kept (keepState). */
    stateDir?: string;
}

export interface RunScenarioOptions {
    /** Handler timeout per run, ms. */
    timeoutMs?: number;
    captureBodies?: boolean;
    maxBodyBytes?: number;
    /** Node flags for the worker, e.g. ["--inspect-brk=9229"] to debug the handlers. */
    workerExecArgv?: string[];
    signal?: AbortSignal;
    /** Each log line of the scenario's handlers as it is written (scenarios may run side by side: it says whose). */
    onLog?: (entry: LogEntry, scenario: Scenario) => void;
    /** Called before each step runs, and with each step's result. */
    onStepStart?: (step: ScenarioStep, scenario: Scenario) => void;
    onStep?: (result: StepResult, scenario: Scenario) => void;
    /** Where the isolated state goes (default: a new temp folder, removed afterwards). */
    stateDir?: string;
    /** Keep the state folder after the run (its path is in the result). */
    keepState?: boolean;
    /** Type-check as `nango compile` does before running (default true). */
    typecheck?: boolean;
    /** The worker's JavaScript heap limit. */
    memoryLimitMb?: number;
    /** A worker lent by a pool (pool.ts), kept running afterwards; default: one of its own, ended afterwards. */
    worker?: HandlerWorker;
}

/**
 * Where throwaway state folders go: a memory file system when the machine has one (Linux's /dev/shm),
 * since state writes are made durable (fsync) and a scenario's state is removed right after it, so
 * that durability only costs time (most of the orchestrator's, measured on 500 scenarios); else the
 * temp folder.
 */
let throwawayRoot: string | undefined;
function throwawayDir(): string {
    if (throwawayRoot === undefined) {
        throwawayRoot = os.tmpdir();
        try {
            accessSync('/dev/shm', constants.W_OK);
            if (statSync('/dev/shm').isDirectory()) throwawayRoot = '/dev/shm';
        } catch {
            // no memory file system: the temp folder
        }
    }
    return throwawayRoot;
}

/** Fixtures or state the run cannot start from: bad input, not a failing test. */
const BAD_INPUT_CODES = new Set([
    'fixtures_missing',
    'fixtures_invalid_json',
    'fixtures_invalid',
    'state_invalid',
    'user_handlers_invalid',
    'typecheck_failed'
]);

/** Runs one scenario from the fixtures, in its own state folder; stops at the first failing step. */
export async function runScenario(root: string, scenario: Scenario, opts: RunScenarioOptions = {}): Promise<ScenarioResult> {
    const started = performance.now();
    const stateDir = opts.stateDir ?? mkdtempSync(path.join(opts.keepState ? os.tmpdir() : throwawayDir(), 'nango-scenario-'));
    mkdirSync(stateDir, { recursive: true });
    const emulator = new Emulator(root, {
        stateDir,
        ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
        ...(opts.captureBodies ? { captureBodies: true } : {}),
        ...(opts.maxBodyBytes !== undefined ? { maxBodyBytes: opts.maxBodyBytes } : {}),
        ...(opts.workerExecArgv ? { workerExecArgv: opts.workerExecArgv } : {}),
        ...(opts.signal ? { signal: opts.signal } : {}),
        ...(opts.onLog ? { onLog: (entry: LogEntry) => opts.onLog?.(entry, scenario) } : {}),
        ...(opts.typecheck === false ? { typecheck: false } : {}),
        ...(opts.memoryLimitMb !== undefined ? { memoryLimitMb: opts.memoryLimitMb } : {}),
        ...(opts.worker ? { worker: opts.worker } : {})
    });
    const steps: StepResult[] = [];
    let status: ScenarioStatus = 'passed';
    let error: ScenarioResult['error'];
    try {
        try {
            emulator.reset();
        } catch (err) {
            status = 'error';
            error = errorInfo(err);
        }
        for (const step of scenario.steps) {
            if (status !== 'passed' || opts.signal?.aborted) {
                if (opts.signal?.aborted && status === 'passed') status = 'cancelled';
                const skipped: StepResult = {
                    index: step.index,
                    title: step.title,
                    action: step.action,
                    status: 'skipped',
                    location: step.location,
                    failures: [],
                    durationMs: 0
                };
                steps.push(skipped);
                opts.onStep?.(skipped, scenario);
                continue;
            }
            opts.onStepStart?.(step, scenario);
            emulator.setResponseOverlay(
                step.responses.length ? { integration: scenario.integration, responses: step.responses, labels: step.responseLabels } : undefined
            );
            const stepStarted = performance.now();
            let result: RunResult | undefined;
            let stepError: StepResult['error'];
            try {
                result = await runStep(emulator, scenario, step);
            } catch (err) {
                stepError = errorInfo(err);
            }
            let stepStatus: StepStatus;
            let failures: ExpectationFailure[] = [];
            if (opts.signal?.aborted || result?.error?.type === 'cancelled') {
                stepStatus = 'cancelled';
                status = 'cancelled';
            } else if (stepError) {
                stepStatus = 'failed';
                status = BAD_INPUT_CODES.has(stepError.code) ? 'error' : 'failed';
                if (status === 'error') error = stepError;
            } else {
                failures = result ? evaluateExpectations(step, result) : [];
                stepStatus = failures.length ? 'failed' : 'passed';
                if (failures.length) status = 'failed';
            }
            const stepResult: StepResult = {
                index: step.index,
                title: step.title,
                action: step.action,
                status: stepStatus,
                location: step.location,
                failures,
                ...(result ? { result } : {}),
                ...(stepError ? { error: stepError } : {}),
                durationMs: Math.round(performance.now() - stepStarted)
            };
            steps.push(stepResult);
            opts.onStep?.(stepResult, scenario);
        }
    } finally {
        emulator.dispose();
        if (!opts.keepState && !opts.stateDir) rmSync(stateDir, { recursive: true, force: true });
    }
    return {
        scenario,
        status,
        ok: status === 'passed',
        steps,
        ...(error ? { error } : {}),
        durationMs: Math.round(performance.now() - started),
        ...(opts.keepState || opts.stateDir ? { stateDir } : {})
    };
}

/** The operation a step performs: the same model the CLI, the server and the editor use. */
export function stepOperation(scenario: Scenario, step: ScenarioStep): EmulatorOperation {
    const { connection: connectionId, account } = step;
    switch (step.action) {
        case 'connect':
        case 'reconnect':
            return parseOperation(
                { operation: step.action, integration: scenario.integration, connectionId, account },
                `${step.location.file}: step ${step.index + 1}`
            );
        case 'delete':
            return { operation: 'delete', integration: scenario.integration, connectionId };
        case 'dryrun':
            return parseOperation(
                {
                    operation: 'dryrun',
                    function: step.function,
                    connectionId,
                    integration: scenario.integration,
                    ...(account ? { account } : {}),
                    ...(step.reconnect ? { reconnect: true } : {})
                },
                `${step.location.file}: step ${step.index + 1}`
            );
        case 'reset':
            return { operation: 'reset' };
    }
}

async function runStep(emulator: Emulator, scenario: Scenario, step: ScenarioStep): Promise<RunResult | undefined> {
    const result = await performOperation(emulator, stepOperation(scenario, step));
    return result.operation === 'reset' ? undefined : result;
}

function errorInfo(err: unknown): { code: string; message: string } {
    if (err instanceof EmulatorError) return { code: err.code, message: err.message };
    return { code: 'internal_error', message: err instanceof Error ? err.message : String(err) };
}
