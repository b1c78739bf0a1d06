// How the extension's terminal tasks (the Deploy command's and the nango task provider's) start a
// tool and print to a pseudoterminal: one place for the spawn options and the terminal's text form.
import { spawn, type ChildProcess } from 'node:child_process';

/** A pseudoterminal wants CRLF line ends. */
export const forTerminal = (text: string): string => text.replace(/\r?\n/g, '\r\n');

/** An argument as a POSIX shell would need it written, for the command line the terminal echoes. */
export function quote(arg: string): string {
    return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, "'\\''")}'`;
}

/** Where a running tool's output goes; `end` is called once, with the exit code (undefined: it never ran or was killed). */
export interface ToolSink {
    stdout(text: string): void;
    stderr(text: string): void;
    end(code: number | undefined): void;
}

/**
 * Starts the tool and feeds its output to `sink`; a tool that cannot start is reported on stderr and
 * ended. Answers the process (for input and for killing it), or undefined when it did not start.
 */
export function runTool(spec: { command: string; args: string[]; cwd: string; env: Record<string, string> }, sink: ToolSink): ChildProcess | undefined {
    let ended = false;
    const end = (code: number | undefined): void => {
        if (ended) return;
        ended = true;
        sink.end(code);
    };
    let child: ChildProcess;
    try {
        child = spawnTool(spec);
    } catch (err) {
        sink.stderr(`${err instanceof Error ? err.message : String(err)}\n`);
        end(undefined);
        return undefined;
    }
    child.stdout?.on('data', (chunk: Buffer) => sink.stdout(chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => sink.stderr(chunk.toString()));
    child.on('error', (err) => {
        sink.stderr(`${err.message}\n`);
        end(undefined);
    });
    child.on('close', (code) => end(code ?? undefined));
    return child;
}

/** Starts the tool with piped stdio in `cwd`, the extension host's environment plus `env`. */
function spawnTool(spec: { command: string; args: string[]; cwd: string; env: Record<string, string> }): ChildProcess {
    return spawn(spec.command, spec.args, {
        cwd: spec.cwd,
        env: { ...process.env, ...spec.env },
        stdio: ['pipe', 'pipe', 'pipe'],
        // node_modules/.bin/nango.cmd only runs through a shell on Windows.
        shell: process.platform === 'win32' && /\.cmd$/i.test(spec.command)
    });
}
