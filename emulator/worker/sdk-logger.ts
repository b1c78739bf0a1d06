// Which log lines Nango keeps. Its runner drops every nango.log line below the environment's logger
// level: NANGO_LOGGER_LEVEL among the environment variables, "warn" when unset or invalid
// (packages/shared/lib/services/environment.service.ts getSdkLogger); nango.setLogger changes it for
// the run, except when it is "off" (packages/runner-sdk/lib/action.ts setLogger; runner/lib/sdk/sdk.ts
// log() and its oldLevelToNewLevel). The emulator shows every line and marks the ones Nango drops.
import type { LogLevel } from '../core/protocol';

export type LoggerLevel = LogLevel | 'off';

const ORDER: Record<LoggerLevel, number> = { debug: 0, info: 1, warn: 2, error: 3, off: 4 };
const LOGGER_LEVELS = Object.keys(ORDER) as LoggerLevel[];
/** The level names nango.log accepts, as Nango maps them (winston's old names included). */
const USER_LEVELS: Record<string, LogLevel> = { debug: 'debug', info: 'info', warn: 'warn', error: 'error', verbose: 'debug', silly: 'debug', http: 'info' };
export const DEFAULT_LOGGER_LEVEL: LoggerLevel = 'warn';

export class NangoLogger {
    private level: LoggerLevel | { unknown: unknown };
    private source: string;

    constructor(environmentVariables: Record<string, string>) {
        const configured = environmentVariables['NANGO_LOGGER_LEVEL'];
        const valid = LOGGER_LEVELS.includes(configured as LoggerLevel);
        this.level = valid ? (configured as LoggerLevel) : DEFAULT_LOGGER_LEVEL;
        // Unset is the common case: the short mark says it all there (README: "Logs").
        this.source = valid ? 'NANGO_LOGGER_LEVEL' : '';
    }

    /** nango.setLogger: ignored once logging is off, as in Nango. */
    set(logger: unknown): void {
        if (this.level === 'off') return;
        const level = logger && typeof logger === 'object' ? (logger as { level?: unknown }).level : undefined;
        // Nango stores whatever it is given; a level it does not know compares false with every line.
        this.level = LOGGER_LEVELS.includes(level as LoggerLevel) ? (level as LoggerLevel) : { unknown: level };
        this.source = 'nango.setLogger';
    }

    /** The level a nango.log call's last argument asks for ({ level: 'warn' }), as Nango reads it. */
    static levelOf(requested: unknown): LogLevel {
        return (typeof requested === 'string' && USER_LEVELS[requested]) || 'info';
    }

    /** Why Nango would not keep a line of this level; undefined when it keeps it. */
    dropReason(level: LogLevel): string | undefined {
        if (this.level === 'off') return 'hidden in Nango: logging is off';
        if (typeof this.level === 'object')
            return `hidden in Nango: nango.setLogger set level ${JSON.stringify(this.level.unknown)}, which Nango does not know, so it keeps no line (use ${LOGGER_LEVELS.join(', ')})`;
        if (ORDER[level] >= ORDER[this.level]) return undefined;
        return `hidden in Nango: level ${level} < ${this.level}${this.source ? ` (${this.source})` : ''}`;
    }
}

/** Nango's runtime gives user code a console that writes nowhere (packages/runner/lib/exec.ts). */
export const CONSOLE_DROPPED = 'console output is not kept by Nango';

/** One log line from nango.log's arguments: strings as they are, errors with their stack, the rest as JSON. */
export function formatLogArgs(args: unknown[]): string {
    return args.map((a) => (typeof a === 'string' ? a : a instanceof Error ? (a.stack ?? a.message) : safeJson(a))).join(' ');
}

function safeJson(v: unknown): string {
    try {
        return JSON.stringify(v) ?? String(v);
    } catch {
        return String(v);
    }
}
