// How the extension's terminal tasks (the Deploy command's and the nango task provider's) start a
// tool and print to a pseudoterminal: one place for the spawn options and the terminal's text form.
import { spawn, type ChildProcess } from 'node:child_process';

/** A pseudoterminal wants CRLF line ends. */
export const forTerminal = (text: string): string => text.replace(/\r?\n/g, '\r\n');

/** An argument as a POSIX shell would need it written, for the command line the terminal echoes. */
export function quote(arg: string): string {
    return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, "'\\''")}'`;
}

/** Starts the tool with piped stdio in `cwd`, the extension host's environment plus `env`. */
export function spawnTool(spec: { command: string; args: string[]; cwd: string; env: Record<string, string> }): ChildProcess {
    return spawn(spec.command, spec.args, {
        cwd: spec.cwd,
        env: { ...process.env, ...spec.env },
        stdio: ['pipe', 'pipe', 'pipe'],
        // node_modules/.bin/nango.cmd only runs through a shell on Windows.
        shell: process.platform === 'win32' && /\.cmd$/i.test(spec.command)
    });
}
