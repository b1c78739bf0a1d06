// What a deploy's output says, for the notification: the tool's own error line, not "see the
// terminal". The emulator CLI answers one JSON object (--json); the real nango CLI prints its error
// in red (FORCE_COLOR=1) after a "✗ <step>" line. Pure: no vscode import.

export interface DeployOutcome {
    ok: boolean;
    /** One line for the notification. */
    summary: string;
    /** What the terminal shows after the process output (the emulator CLI's JSON, made readable). */
    lines: string[];
}

interface DeployedScriptJson {
    providerConfigKey?: string;
    name?: string;
    event?: string;
    version?: string;
}

/**
 * What `nango-emulator deploy <env> --json` prints (emulator/deploy/cli.ts, read defensively):
 * { ok: true, environment, hostport, deployed: [{ providerConfigKey, name, version, event }], plan, … }
 * or { ok: false, error: { type, message, status? }, hostport, plan? }.
 */
interface EmulatorDeployJson {
    ok?: boolean;
    environment?: string;
    hostport?: string;
    deployed?: DeployedScriptJson[];
    /** The shape GET /_emulator/deployments uses, accepted too. */
    onEventScripts?: DeployedScriptJson[];
    message?: string;
    error?: { type?: string; message?: string; status?: number };
}

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;?]*[A-Za-z]|\u001b\][^\u0007]*\u0007/g;
// eslint-disable-next-line no-control-regex
const RED = /\u001b\[(?:[0-9;]*;)?(?:31|91)m/;
const FAILURE_MARK = /^\s*(?:✖|✗|×|Error\b|error\b)/;

export function stripAnsi(text: string): string {
    return text.replace(ANSI, '');
}

/** Output lines as the terminal last showed them (a spinner rewrites a line after "\r"). */
function screenLines(output: string): string[] {
    return output.split(/\r?\n/).map((line) => line.slice(line.lastIndexOf('\r') + 1));
}

/**
 * The line a failed CLI run is best described by: its last red line (not a "- removed" plan row),
 * else its last "✖"/"✗"/"Error" line, else its last non-empty line.
 */
export function lastErrorLine(output: string): string | undefined {
    const lines = screenLines(output)
        .map((raw) => ({ raw, text: stripAnsi(raw).trim() }))
        .filter((l) => l.text);
    const red = lines.filter((l) => RED.test(l.raw) && !/^[-+]\s/.test(l.text) && /[A-Za-z]{2}/.test(l.text));
    const marked = lines.filter((l) => FAILURE_MARK.test(l.text));
    return (red.at(-1) ?? marked.at(-1) ?? lines.at(-1))?.text;
}

function plural(n: number, word: string): string {
    return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function nangoDeployOutcome(exitCode: number | undefined, output: string): DeployOutcome {
    if (exitCode === 0) return { ok: true, summary: 'deployed', lines: [] };
    const line = lastErrorLine(output);
    return { ok: false, summary: line ?? `nango exited with code ${exitCode ?? 'unknown'} and printed nothing`, lines: [] };
}

function parseJson(stdout: string): EmulatorDeployJson | undefined {
    const text = stdout.trim();
    for (const candidate of [text, text.slice(text.indexOf('{')), text.split(/\r?\n/).at(-1) ?? '']) {
        try {
            const parsed: unknown = JSON.parse(candidate);
            if (parsed && typeof parsed === 'object') return parsed as EmulatorDeployJson;
        } catch {
            // try the next way of reading it
        }
    }
    return undefined;
}

export function emulatorDeployOutcome(exitCode: number | undefined, stdout: string, stderr: string, environment: string): DeployOutcome {
    const json = parseJson(stdout);
    if (!json) {
        const line = lastErrorLine(stderr) ?? lastErrorLine(stdout);
        const summary = line ?? `the emulator CLI exited with code ${exitCode ?? 'unknown'} and printed nothing`;
        return { ok: false, summary, lines: [`✖ ${summary}`] };
    }
    if (json.ok === false || json.error || exitCode !== 0) {
        const message = json.error?.message ?? json.message ?? `the emulator CLI exited with code ${exitCode ?? 'unknown'}`;
        const summary = json.error?.type && !message.includes(json.error.type) ? `${message} (${json.error.type})` : message;
        return { ok: false, summary, lines: [`✖ ${summary}`] };
    }
    const scripts = json.deployed ?? json.onEventScripts ?? [];
    const to = json.environment ?? environment;
    const summary = scripts.length ? `deployed ${plural(scripts.length, 'event function')} to ${to}` : (json.message ?? `deployed to ${to}`);
    return {
        ok: true,
        summary,
        lines: [
            `✓ ${summary.charAt(0).toUpperCase()}${summary.slice(1)}${json.hostport ? ` (${json.hostport})` : ''}`,
            ...scripts.map((s) => `  + ${s.providerConfigKey ?? '?'} → ${s.name ?? '?'}${s.version ? `@v${s.version}` : ''}${s.event ? ` (${s.event})` : ''}`)
        ]
    };
}
