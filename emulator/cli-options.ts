// The CLI's global options, and what they mean for a run: one mapping for every command that runs
// handlers (dryrun and the lifecycle commands, serve, test).
import type { EmulatorOptions } from './core/lifecycle';

export interface GlobalOptions {
    root?: string;
    json?: boolean;
    timeout?: number;
    bodies?: boolean;
    maxBodyBytes?: number;
    /** false with --no-typecheck. */
    typecheck?: boolean;
    memoryLimit?: number;
}

export type RunLimits = Pick<EmulatorOptions, 'timeoutMs' | 'captureBodies' | 'maxBodyBytes' | 'typecheck' | 'memoryLimitMb'>;

export function runLimitsOf(opts: GlobalOptions): RunLimits {
    return {
        ...(opts.timeout ? { timeoutMs: opts.timeout } : {}),
        ...(opts.bodies ? { captureBodies: true } : {}),
        ...(opts.maxBodyBytes ? { maxBodyBytes: opts.maxBodyBytes } : {}),
        ...(opts.typecheck === false ? { typecheck: false } : {}),
        ...(opts.memoryLimit ? { memoryLimitMb: opts.memoryLimit } : {})
    };
}
