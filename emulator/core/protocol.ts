// Messages between the orchestrating process and the worker that runs user handler code.
import type { Credentials, EventName, IntegrationFixture, ResponseFixture } from '../fixtures/fixtures';
import type { ConnectionStatus } from '../state/state';
import type { ProviderInfo } from '../providers';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface LogEntry {
    level: LogLevel;
    message: string;
    /** Milliseconds since the handler started. */
    at: number;
    /** 'nango' for nango.log, 'console' for console.*, 'emulator' for the emulator's own notes. */
    source: 'nango' | 'console' | 'emulator';
    /** Why Nango would not keep this line (its logger level, or console output), when it would not. */
    hiddenInNango?: string;
}

/** Where in the user's TypeScript (the handler, or a module it imports) a call was made; 1-based. */
export interface CallSite {
    file: string;
    line: number;
    column: number;
}

export interface ProviderRequest {
    method: string;
    url: string;
    status: number | null;
    durationMs: number;
    /** The provider account whose credentials the request carried, if any. */
    account?: string;
    /** Set when no fixture matched; the run fails. */
    unmatched?: boolean;
    /** Which fixture answered, for people: "<fixtures file> integrations.<x>.responses[3]" or "handlers.ts". */
    matchedBy?: string;
    /** The same, as data for code (how the orchestrator names a scenario's responses without parsing matchedBy). */
    matched?: MatchedResponse;
    requestHeaders?: Record<string, string>;
    requestBody?: unknown;
    responseBody?: unknown;
    /** The `nango.get/post/proxy/paginate…` call that sent it, when the stack showed one in user code. */
    callSite?: CallSite;
}

/**
 * A `nango` call that is not a provider request (metadata, connection, token…), for the editor to show
 * at its line. `summary` names keys only, never values: metadata and tokens hold secrets and personal data.
 */
export interface SdkCall {
    method: string;
    /** "→ { organizationId, webhookId }" (what getMetadata read), "{ webhookId }" (what updateMetadata wrote), "→ gh-admin". */
    summary: string;
    durationMs: number;
    /** Set when the call threw; the summary then names the error's type. */
    failed?: true;
    callSite?: CallSite;
}

/**
 * The response that answered a provider request. In the worker, `fixtures` indexes the run's responses
 * (RunRequest.responses: a scenario's overlay first, then the integration's own); relabelRequest
 * (run-request.ts) splits them into `overlay` (the scenario's, by their index there) and `fixtures` (the
 * integration's, by their index in fixtures.json). `fault`: the taken fault's label ("503, 1 of 2").
 * `handlers`: the user's msw handlers (.nango-emulator/handlers.ts).
 */
export type MatchedResponse = { source: 'fixtures' | 'overlay'; index: number; fault?: string } | { source: 'handlers' };

export interface HandlerErrorInfo {
    /** 'ActionError', 'AxiosError', 'TypeError', 'timeout', 'process_exit', … */
    type: string;
    message: string;
    stack?: string;
    payload?: unknown;
    /** TS source location of the top user frame, when the stack has one. */
    location?: { file: string; line: number; column: number };
}

export interface AccountInfo {
    id: string;
    credentials: Credentials;
    identity: Record<string, unknown>;
    baseUrl: string;
    /**
     * Where the proxy puts this account's credentials: the provider's auth headers (names lower-cased)
     * and query parameters, as authFor gives them (emulator/fixtures/accounts.ts). A request carrying exactly
     * these values is this account's. Absent only where a caller does not build accounts with accountInfos.
     */
    auth: { headers: Record<string, string>; query: Record<string, string> };
}

export interface ConnectionSnapshot {
    id: string;
    numericId: number;
    integration: string;
    provider: string;
    credentials: Credentials;
    connectionConfig: Record<string, unknown>;
    metadata: Record<string, unknown> | null;
    status: ConnectionStatus;
    createdAt: string;
    updatedAt: string;
}

export interface RunRequest {
    type: 'run';
    id: number;
    compiledFile: string;
    /** The nango-integrations root: where the runtime's optional modules (soap, …) are looked up. */
    projectRoot: string;
    handlerFile: string;
    userMswFile?: string;
    fixturesFile: string;
    expectedEvent?: EventName;
    connection: ConnectionSnapshot;
    provider: ProviderInfo | undefined;
    baseUrl: string;
    accounts: AccountInfo[];
    responses: ResponseFixture[];
    environment: { name: string; variables: Record<string, string> };
    /** The connection's integration as fixtures.json has it: getIntegration, triggerAction and triggerSync answer from it. */
    integration: IntegrationFixture;
    /** The integration's created_at/updated_at, as the emulator's Nango API gives them. */
    integrationSince: string;
    captureBodies: boolean;
    /** Response bodies larger than this fail the request: it protects the editor from a runaway fixture. */
    maxBodyBytes: number;
}

export interface DescribeRequest {
    type: 'describe';
    id: number;
    compiledFile: string;
    projectRoot: string;
    handlerFile: string;
}

/**
 * One request of the server's /proxy, for the user's msw handlers (.nango-emulator/handlers.ts) to
 * answer: their code runs here, in the worker, never in the server.
 */
export interface AnswerRequest {
    type: 'answer';
    id: number;
    /** The compiled handlers.ts, as the orchestrator names runs by a file. */
    handlerFile: string;
    compiledFile: string;
    request: { method: string; url: string; headers: [string, string][]; body?: Uint8Array };
}

/** What a user msw handler answered; `response` is absent when none of them matched. */
export interface AnsweredResponse {
    status: number;
    statusText: string;
    headers: [string, string][];
    body: Uint8Array;
    /** HttpResponse.error(): a network error. */
    networkError: boolean;
}

export type WorkerRequest = RunRequest | DescribeRequest | AnswerRequest;

export interface HandlerDefinition {
    event: EventName;
    description: string;
    version: string;
}

/** The environment variable that names the worker's code cache file (emulator/boot/code-cache.ts). */
export const CODE_CACHE_ENV = 'NANGO_EMULATOR_WORKER_CODE_CACHE';

/** A fresh V8 code cache of the worker's bundle, made before the worker ran any user code; the parent stores it. */
export interface CodeCacheMessage {
    type: 'codeCache';
    data: Uint8Array;
}

export type WorkerMessage =
    | { type: 'ready' }
    | CodeCacheMessage
    /** The handler loaded (before it runs): a run stopped later (timeout, crash) still knows which event it handles. */
    | { type: 'loaded'; id: number; definition: HandlerDefinition }
    | { type: 'log'; id: number; entry: LogEntry }
    | { type: 'request'; id: number; entry: ProviderRequest }
    | { type: 'sdkCall'; id: number; entry: SdkCall }
    | { type: 'metadata'; id: number; metadata: Record<string, unknown> }
    | { type: 'described'; id: number; definition?: HandlerDefinition; error?: HandlerErrorInfo; retire?: true }
    /** `retire`: the run changed what the worker shares between runs; the next run needs a new worker. */
    | { type: 'answered'; id: number; response?: AnsweredResponse; error?: HandlerErrorInfo }
    | { type: 'done'; id: number; ok: boolean; definition?: HandlerDefinition; error?: HandlerErrorInfo; retire?: true };
