// The limits a run is held to, in one place: the CLI, the server, the editor's settings and the worker read them here.

/**
 * How long an event function may run: Nango gives an on-event script 5 minutes from start to finish
 * (`executeOnEvent`'s `startedToCompleted: 5 * 60` in packages/orchestrator/lib/clients/client.ts).
 */
export const DEFAULT_TIMEOUT_MS = 300_000;

/** The worker's JavaScript heap limit: a runaway handler is stopped and named instead of taking the machine's memory. */
export const DEFAULT_MEMORY_LIMIT_MB = 1024;

/** The largest provider response body a run accepts. */
export const DEFAULT_MAX_BODY_BYTES = 5 * 1024 * 1024;

/** A run under the debugger may sit on a breakpoint for long: its limit is an hour. */
export const DEBUG_TIMEOUT_MS = 60 * 60 * 1000;
