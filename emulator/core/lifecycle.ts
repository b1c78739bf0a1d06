// Connection lifecycle with Nango's semantics (DESIGN.md, docs/parity.md "The lifecycle"):
// - connect: the connection is upserted (metadata null or {} by auth mode, auth-modes.ts), then
//   validate-connection runs (never for a GitHub App); a throw rejects the attempt and the connection is
//   hard-deleted (connection_validation_failed). On success the connect returns, then
//   post-connection-creation runs, not awaited; its failures are reported, the connection stays.
// - reconnect: credentials, connection_config (and, by auth mode, metadata {}) are upserted BEFORE
//   validation; a throw marks the connection refresh_exhausted (kept, auth error); success clears it
//   and runs post-connection-creation, as after a connect.
// - delete: pre-connection-deletion runs, then the connection is deleted whatever the hooks did.
import path from 'node:path';
import { compileFile } from '../project/compile';
import { accountMismatchError, EmulatorError, handlerLoadError, noConnectionToRunOn, nothingToDelete, otherIntegration, unknownConnection } from './errors';
import { fixturesPath, loadFixtures, requireAccount, requireIntegration, userMswHandlersPath, type EventName, type Fixtures } from '../fixtures/fixtures';
import { Redactor, fixtureSecrets } from './redact';
import type { HandlerResult, Operation, Outcome, RunResult } from './result';
import { DEFAULT_MAX_BODY_BYTES, DEFAULT_TIMEOUT_MS } from './limits';
import { HandlerWorker, type RunOptions } from './runner';
import { resolveHandler, type HandlerFile } from '../project/project';
import { checkTypesAsNangoCompiles, requireImported, runnableHandlers } from './runnable';
import { finishRun, startRun, type RunContext } from './run-context';
import { buildRunRequest, relabelRequest, type ResponseOverlay } from './run-request';
import { newConnectionRecord, reconnectedRecord, validatorsToRun } from './upsert';

export type { ResponseOverlay } from './run-request';
import { readState, resetState, saveConnection, withConnectionLock, type ConnectionRecord, type EmulatorState } from '../state/state';

export interface EmulatorOptions {
    timeoutMs?: number;
    /** Record request and response bodies in results (redacted). */
    captureBodies?: boolean;
    maxBodyBytes?: number;
    /** Node flags for the worker, e.g. to attach a debugger. */
    workerExecArgv?: string[];
    onLog?: RunOptions['onLog'];
    signal?: AbortSignal;
    /**
     * Folder for state.json and the run locks (default `<root>/.nango-emulator`). Scenario runs use a
     * throwaway folder here, so they start from the fixtures and never touch the user's state.
     */
    stateDir?: string;
    /** Type-check the project as `nango compile` does before running (default true). */
    typecheck?: boolean;
    /** The worker's heap limit in MB. */
    memoryLimitMb?: number;
    /**
     * A worker lent by a pool (scenario runs reuse workers): used instead of starting one, and left
     * running by dispose(). Each run still gets a fresh context in it (emulator/sandbox/context.ts).
     */
    worker?: HandlerWorker;
}

export { DEFAULT_MAX_BODY_BYTES } from './limits';

interface CompiledHandler extends HandlerFile {
    compiled: string;
    /** Undefined until a run loads it: a plain dry run needs no separate look at which event it handles. */
    event?: EventName;
}

interface DescribedHandler extends CompiledHandler {
    event: EventName;
}

export class Emulator {
    readonly root: string;
    private readonly worker: HandlerWorker;
    private fixturesCache: Fixtures | undefined;
    private overlay: ResponseOverlay | undefined;
    /** The emulator has no integration rows: their created_at is when it started, as the server's is. */
    private readonly startedAt = new Date();

    constructor(
        root: string,
        private readonly options: EmulatorOptions = {}
    ) {
        this.root = path.resolve(root);
        this.worker =
            options.worker ??
            new HandlerWorker({
                projectRoot: this.root,
                ...(options.workerExecArgv ? { execArgv: options.workerExecArgv } : {}),
                ...(options.memoryLimitMb ? { memoryLimitMb: options.memoryLimitMb } : {})
            });
    }

    get fixturesFile(): string {
        return fixturesPath(this.root);
    }

    fixtures(): Fixtures {
        return (this.fixturesCache ??= loadFixtures(this.root));
    }

    /** Answers tried first for one integration's provider requests (undefined: none). */
    setResponseOverlay(overlay: ResponseOverlay | undefined): void {
        this.overlay = overlay;
    }

    /** Starts the handler worker now, while the caller prepares the run (see HandlerWorker.warmUp). */
    warmUp(): void {
        this.worker.warmUp();
    }

    dispose(): void {
        // A lent worker goes back to its pool, which ends it.
        if (!this.options.worker) this.worker.dispose();
    }

    // ---- Queries ---------------------------------------------------------------------------------

    /** Connections with their status and metadata; credentials redacted. */
    connections(): ConnectionRecord[] {
        const fixtures = this.fixtures();
        const state = readState(this.root, fixtures, this.options.stateDir);
        const redactor = this.redactorFor(fixtures);
        return Object.values(state.connections).map((c) => redactor.value(c));
    }

    reset(): EmulatorState {
        return resetState(this.root, this.fixtures(), this.options.stateDir);
    }

    // ---- Lifecycle -------------------------------------------------------------------------------

    async connect(integration: string, connectionId: string, account: string): Promise<RunResult> {
        const fixtures = this.fixtures();
        requireAccount(fixtures, integration, account, this.fixturesFile);
        const typeWarnings = this.checkTypes();
        return this.withConnectionLock(connectionId, async () => {
            const existing = this.liveConnection(connectionId);
            if (existing) {
                throw new EmulatorError(
                    'connection_exists',
                    `connection "${connectionId}" already exists (${existing.integration}, account "${existing.account}", ${existing.status}). Use "reconnect" to authorize it again, or "delete" it first.`
                );
            }
            const { handlers, warnings } = await this.handlersFor(integration, typeWarnings);
            const ctx = this.newContext('connect', integration, connectionId, account, this.newConnection(integration, connectionId, account), warnings);
            return this.firstConnect(ctx, handlers);
        });
    }

    async reconnect(integration: string, connectionId: string, account: string): Promise<RunResult> {
        requireAccount(this.fixtures(), integration, account, this.fixturesFile);
        const typeWarnings = this.checkTypes();
        return this.withConnectionLock(connectionId, async () => {
            const existing = this.requireConnection(connectionId, integration);
            const { handlers, warnings } = await this.handlersFor(integration, typeWarnings);
            const ctx = this.newContext('reconnect', integration, connectionId, account, this.upsertAccount(existing, account, warnings), warnings, existing);
            return this.reconnectValidation(ctx, handlers);
        });
    }

    async delete(integration: string, connectionId: string): Promise<RunResult> {
        const typeWarnings = this.checkTypes();
        return this.withConnectionLock(connectionId, async () => {
            const existing = this.requireConnection(connectionId, integration);
            const { handlers, warnings } = await this.handlersFor(integration, typeWarnings);
            const ctx = this.newContext('delete', integration, connectionId, existing.account, structuredClone(existing), warnings);
            for (const h of handlers.filter((d) => d.event === 'pre-connection-deletion')) await this.runHandler(ctx, h);
            // Hook failures are logged; they never block the deletion.
            const now = new Date().toISOString();
            ctx.connection = { ...ctx.connection, status: 'deleted', deletedAt: now, updatedAt: now };
            await this.saveConnection(ctx.connection);
            return finishRun(ctx, 'deleted', ['pre-connection-deletion'], 'pre-connection-deletion');
        });
    }

    /**
     * Runs one handler, like `nango dryrun`. Against an existing connection it just runs (metadata writes
     * persist, as they do against Nango). With --reconnect, the connection is first re-authorized as
     * --account (credentials and connection_config upserted), and a validate-connection handler's outcome
     * sets the status. Against a connection that does not exist yet (needs --account), it is a first connect.
     */
    async dryrun(ref: string, opts: { connectionId: string; account?: string; reconnect?: boolean; integration?: string }): Promise<RunResult> {
        const handlerFile = resolveHandler(this.root, ref, opts.integration);
        const integration = handlerFile.integration;
        const fixtures = this.fixtures();
        requireIntegration(fixtures, integration, this.fixturesFile);
        if (opts.account) requireAccount(fixtures, integration, opts.account, this.fixturesFile);
        requireImported(this.root, handlerFile);
        // Before the lock: the type check is synchronous, and a lock holder must keep refreshing its lock.
        const warnings = this.checkTypes();
        return this.withConnectionLock(opts.connectionId, async () => {
            const existing = this.liveConnection(opts.connectionId);
            if (existing && !opts.reconnect) {
                this.assertIntegration(existing, integration);
                if (opts.account && opts.account !== existing.account) throw accountMismatchError(opts.connectionId, existing.account, opts.account);
                // It just runs, whatever event the file handles: the run says which, so no describe first.
                const ctx = this.newContext('dryrun', integration, opts.connectionId, existing.account, structuredClone(existing), warnings);
                return this.runAndSave(ctx, { ...handlerFile, compiled: (await compileFile(this.root, handlerFile.file)).compiled });
            }
            const handler = await this.describeOne(handlerFile);
            if (!existing) {
                if (!opts.account)
                    throw noConnectionToRunOn(opts.connectionId, Object.keys(requireIntegration(fixtures, integration, this.fixturesFile).accounts));
                if (handler.event === 'pre-connection-deletion') throw nothingToDelete(integration, opts.connectionId, opts.account);
                const connection = this.newConnection(integration, opts.connectionId, opts.account);
                return this.firstConnect(
                    this.newContext('dryrun', integration, opts.connectionId, opts.account, connection, warnings),
                    [handler],
                    handler.event
                );
            }
            this.assertIntegration(existing, integration);
            const account = opts.account ?? existing.account;
            const connection = this.upsertAccount(existing, account, warnings);
            const ctx = this.newContext('dryrun', integration, opts.connectionId, account, connection, warnings, existing);
            // validate-connection decides the status; post-connection-creation runs after a successful reconnect.
            if (handler.event !== 'pre-connection-deletion') return this.reconnectValidation(ctx, [handler], handler.event);
            return this.runAndSave(ctx, handler);
        });
    }

    /** One handler run on a connection that exists, its metadata writes saved. */
    private async runAndSave(ctx: RunContext, handler: CompiledHandler): Promise<RunResult> {
        const { event } = await this.runHandler(ctx, handler);
        await this.saveConnection(ctx.connection);
        return finishRun(ctx, 'ran', [event], event);
    }

    // ---- Lifecycle steps -------------------------------------------------------------------------

    private async firstConnect(ctx: RunContext, handlers: DescribedHandler[], single?: EventName): Promise<RunResult> {
        const validators = this.validatorsFor(ctx, handlers);
        for (const h of validators) {
            const result = await this.runHandler(ctx, h);
            if (!result.ok) {
                // The connection was created for the attempt only: it is hard-deleted, nothing is saved.
                const run = finishRun(ctx, 'connection_validation_failed', ['validate-connection'], single ?? null, 'not_created');
                run.authError = {
                    type: 'connection_validation_failed',
                    message: result.error?.message ?? 'validation failed',
                    ...(result.error?.payload !== undefined ? { payload: result.error.payload } : {})
                };
                return run;
            }
        }
        await this.saveConnection(ctx.connection);
        const events: EventName[] = validators.length ? ['validate-connection'] : [];
        return this.afterUpsert(ctx, handlers, events, 'created', single);
    }

    /**
     * After a successful connect or reconnect Nango answers the auth call, then starts every
     * post-connection-creation function without waiting for it (packages/server/lib/hooks/hooks.ts
     * connectionCreated, called with `void` by each auth controller; on/post-connection-creation.ts
     * triggers each script with `async: true`). The emulator runs them after that point, one after
     * another, marks them as not awaited, and says when the auth call returned.
     */
    private async afterUpsert(ctx: RunContext, handlers: DescribedHandler[], events: EventName[], outcome: Outcome, single?: EventName): Promise<RunResult> {
        const returnedAtMs = Math.round(performance.now() - ctx.started);
        const setup = handlers.filter((h) => h.event === 'post-connection-creation');
        for (const h of setup) {
            await this.runHandler(ctx, h, { awaited: false });
            await this.saveConnection(ctx.connection);
        }
        if (setup.length) events.push('post-connection-creation');
        return { ...finishRun(ctx, outcome, events, single ?? null), ...(setup.length ? { returnedAtMs } : {}) };
    }

    /** Reconnect: the validators decide (the first failure stops them); a success runs post-connection-creation too, as Nango does. */
    private async reconnectValidation(ctx: RunContext, handlers: DescribedHandler[], single?: EventName): Promise<RunResult> {
        const validators = this.validatorsFor(ctx, handlers);
        let failed = false;
        for (const h of validators) {
            if (!(await this.runHandler(ctx, h)).ok) {
                failed = true;
                break;
            }
        }
        ctx.connection = { ...ctx.connection, status: failed ? 'refresh_exhausted' : 'active', updatedAt: new Date().toISOString() };
        await this.saveConnection(ctx.connection);
        const events: EventName[] = validators.length ? ['validate-connection'] : [];
        if (failed) return finishRun(ctx, 'refresh_exhausted', events, single ?? null);
        return this.afterUpsert(ctx, handlers, events, 'reconnected', single);
    }

    /** The validate-connection functions Nango runs for this connection (none for a GitHub App), saying so when it skips them. */
    private validatorsFor(ctx: RunContext, handlers: DescribedHandler[]): DescribedHandler[] {
        return validatorsToRun(this.fixtures(), ctx.connection, handlers, ctx.warnings);
    }

    private newConnection(integration: string, connectionId: string, account: string): ConnectionRecord {
        const fixtures = this.fixtures();
        // The numeric id is provisional: saveConnection assigns the real one under the state lock.
        return newConnectionRecord(fixtures, this.fixturesFile, {
            integration,
            connectionId,
            account,
            numericId: readState(this.root, fixtures, this.options.stateDir).nextNumericId
        });
    }

    private upsertAccount(existing: ConnectionRecord, account: string, notes: string[]): ConnectionRecord {
        return reconnectedRecord(this.fixtures(), this.fixturesFile, existing, account, notes);
    }

    private async runHandler(
        ctx: RunContext,
        handler: CompiledHandler,
        opts: { awaited: boolean } = { awaited: true }
    ): Promise<HandlerResult & { event: EventName }> {
        const startedAtMs = Math.round(performance.now() - ctx.started);
        const overlay = this.overlay?.integration === ctx.integration ? this.overlay : undefined;
        const userMsw = userMswHandlersPath(this.root);
        const request = buildRunRequest({
            fixtures: this.fixtures(),
            fixturesFile: this.fixturesFile,
            connection: ctx.connection,
            handler,
            overlay,
            ...(userMsw ? { userMswCompiled: await this.compileUserHandlers(userMsw) } : {}),
            integrationSince: this.startedAt,
            captureBodies: this.options.captureBodies ?? false,
            maxBodyBytes: this.options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES
        });
        const label = `${handler.integration}/${handler.name}`;
        const outcome = await this.worker.run(request, {
            timeoutMs: this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
            ...(this.options.signal ? { signal: this.options.signal } : {}),
            ...(this.options.onLog ? { onLog: this.options.onLog } : {})
        });
        // A broken .nango-emulator/handlers.ts is bad input, found before the handler ran: nothing to save.
        if (outcome.error?.type === 'UserHandlersError' && userMsw) {
            const at = outcome.error.location;
            const where = at && path.resolve(at.file) === userMsw ? `${userMsw}:${at.line}:${at.column}` : userMsw;
            throw new EmulatorError('user_handlers_invalid', `${where}: ${ctx.redactor.text(outcome.error.message)}`);
        }
        // A file that did not load is bad input, as when a describe finds it: nothing ran.
        const event = handler.event ?? outcome.definition?.event;
        if (!event) throw handlerLoadError(handler.file, outcome.error);
        // Metadata writes are API calls in Nango: they persist even when the handler fails later.
        if (outcome.metadataWritten) ctx.connection = { ...ctx.connection, metadata: outcome.metadataWritten, updatedAt: new Date().toISOString() };
        for (const entry of outcome.logs) ctx.logs.push({ ...entry, handler: label });
        for (const entry of outcome.requests)
            ctx.requests.push({ ...(overlay ? relabelRequest(entry, this.fixturesFile, ctx.integration, overlay) : entry), handler: label });
        for (const entry of outcome.sdkCalls ?? []) ctx.sdkCalls.push({ ...entry, handler: label });
        const result: HandlerResult & { event: EventName } = {
            integration: handler.integration,
            name: handler.name,
            file: handler.file,
            event,
            ok: outcome.ok,
            startedAtMs,
            durationMs: outcome.durationMs,
            awaited: opts.awaited,
            ...(outcome.error ? { error: ctx.redactor.value(outcome.error) } : {})
        };
        ctx.handlers.push(result);
        return result;
    }

    // ---- Helpers ---------------------------------------------------------------------------------

    /** Compiles .nango-emulator/handlers.ts; its syntax errors are user_handlers_invalid, like its other mistakes. */
    private async compileUserHandlers(file: string): Promise<string> {
        try {
            return (await compileFile(this.root, file, 'fixture-code')).compiled;
        } catch (err) {
            if (err instanceof EmulatorError && err.code === 'handler_compile_failed') throw new EmulatorError('user_handlers_invalid', err.message);
            throw err;
        }
    }

    /** The integration's handlers Nango would run (imported by index.ts, type-checked), and warnings for the rest. */
    private async handlersFor(integration: string, typeWarnings: string[]): Promise<{ handlers: DescribedHandler[]; warnings: string[] }> {
        requireIntegration(this.fixtures(), integration, this.fixturesFile);
        const runnable = runnableHandlers(this.root, integration);
        return { handlers: await this.describe(runnable.files), warnings: [...typeWarnings, ...runnable.warnings] };
    }

    private checkTypes(): string[] {
        return this.options.typecheck === false ? [] : checkTypesAsNangoCompiles(this.root);
    }

    /** Compiles handlers and asks the worker which event each handles (top-level code runs there, not here). */
    private async describe(files: HandlerFile[]): Promise<DescribedHandler[]> {
        const out: DescribedHandler[] = [];
        for (const h of files) out.push(await this.describeOne(h));
        return out;
    }

    private async describeOne(h: HandlerFile): Promise<DescribedHandler> {
        const { compiled } = await compileFile(this.root, h.file);
        const described = await this.worker.describe(compiled, h.file, this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS, this.options.signal);
        if (!described.definition) throw handlerLoadError(h.file, described.error);
        return { ...h, compiled, event: described.definition.event };
    }

    /** `before`: the connection as it was before a reconnect upserted it (the metadata diff starts there). */
    private newContext(
        operation: Operation,
        integration: string,
        connectionId: string,
        account: string | null,
        connection: ConnectionRecord,
        warnings: string[],
        before?: ConnectionRecord
    ): RunContext {
        const ctx = startRun({ operation, integration, connectionId, account, connection, warnings }, this.redactorFor(this.fixtures()));
        if (before) ctx.metadataBefore = structuredClone(before.metadata);
        return ctx;
    }

    private liveConnection(connectionId: string): ConnectionRecord | undefined {
        const c = readState(this.root, this.fixtures(), this.options.stateDir).connections[connectionId];
        return c && c.status !== 'deleted' ? c : undefined;
    }

    private requireConnection(connectionId: string, integration: string): ConnectionRecord {
        const c = this.liveConnection(connectionId);
        if (!c)
            throw unknownConnection(
                integration,
                connectionId,
                this.connections().filter((x) => x.status !== 'deleted')
            );
        this.assertIntegration(c, integration);
        return c;
    }

    private assertIntegration(c: ConnectionRecord, integration: string): void {
        if (c.integration !== integration) throw otherIntegration(c, integration);
    }

    private async saveConnection(connection: ConnectionRecord): Promise<void> {
        await saveConnection(this.root, this.fixtures(), connection, this.options.stateDir);
    }

    /** Runs on one connection are serialized (across processes); runs on different connections overlap. */
    private withConnectionLock<T>(connectionId: string, fn: () => Promise<T>): Promise<T> {
        return withConnectionLock(this.root, this.options.stateDir, connectionId, (this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS) + 10_000, fn);
    }

    private redactorFor(fixtures: Fixtures): Redactor {
        return new Redactor(fixtureSecrets(fixtures));
    }
}
