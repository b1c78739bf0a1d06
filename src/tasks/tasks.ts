// The `nango` tasks ("Tasks: Run Task", tasks.json), decided without VS Code: which tasks a workspace
// folder offers, what a tasks.json entry `{ "type": "nango", "command": "compile" | "deploy", … }`
// runs, and the `$nango-compile` problem matchers applied to text, so all of it is unit-tested.
// - `nango: compile` runs the project's own `nango compile` (the CLI findNangoCli finds).
// - `nango: deploy <env>` runs src/deploy/plan.ts's planDeploy, non-interactively: no Problems panel
//   check (the tool compiles and the matchers report its errors), no scope picker (the definition's
//   `integration`); the plan's confirmation (prod, the emulator CLI) is asked in the task's terminal.
// Pure: no vscode import (fs only for the probe).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { DEPLOY_ENVIRONMENTS, findNangoCli, planDeploy, type DeployConfirmation, type DeployEnvironmentProbe, type DeployRequest } from '../deploy/plan';
import type { FunctionCounts } from '../workspace/function-kinds';

export const NANGO_TASK_TYPE = 'nango';
export const TASK_COMMANDS = ['compile', 'deploy'] as const;
export type NangoTaskCommand = (typeof TASK_COMMANDS)[number];

/** package.json contributes.taskDefinitions[type=nango]. */
export interface NangoTaskDefinition {
    type: typeof NANGO_TASK_TYPE;
    command: NangoTaskCommand;
    environment?: string;
    integration?: string;
    /** The nango-integrations folder, relative to the workspace folder (needed when it holds several). */
    project?: string;
}

/** One nango-integrations folder, as the model knows it. */
export interface TaskProject {
    root: string;
    /** The workspace folder holding it. */
    folder: string;
    integrations: readonly string[];
    /** `nango.defaultEnvironment` for this root. */
    defaultEnvironment: string;
}

export interface ProvidedTask {
    definition: NangoTaskDefinition;
    /** The task's name ("nango: <name>" in Run Task). */
    name: string;
    detail: string;
    root: string;
    folder: string;
    build: boolean;
}

/** The problem matchers every nango task carries (package.json contributes.problemMatchers). */
export const PROBLEM_MATCHERS = ['$nango-compile', '$nango-compile-file'] as const;

/**
 * The regexes of package.json's problem matchers (the unit test checks they are the same). nango
 * 0.71.10 prints each error as two lines (zeroYaml/utils.js fileErrorToText):
 *   `err - <file relative to the project>:<line>[:<column>] ` then `  <message>`.
 * It leaves out `:<line>` when the line is the first (or unknown): `$nango-compile-file` reports
 * those on the file.
 */
export const COMPILE_LOCATION_REGEXP = String.raw`^err - (.+?):(\d+)(?::(\d+))?\s*$`;
export const COMPILE_FILE_REGEXP = String.raw`^err - (?!.*:\d+\s*$)(.+?)\s*$`;
export const COMPILE_MESSAGE_REGEXP = String.raw`^\s+(\S.*?)\s*$`;

export interface MatchedProblem {
    /** As printed (an absolute path once the task rewrote it). */
    file: string;
    /** 1-based; undefined for a problem on the whole file. */
    line?: number;
    column?: number;
    message: string;
    severity: 'error';
}

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;?]*[A-Za-z]|\u001b\][^\u0007]*\u0007/g;

/** A terminal line as VS Code's problem matching sees it: no colour codes, no carriage return. */
export function terminalLine(raw: string): string {
    const plain = raw.replace(ANSI, '');
    return plain.slice(plain.lastIndexOf('\r', plain.length - 2) + 1).replace(/\r$/, '');
}

/** Applies the two problem matchers to output, line by line, as VS Code's multi-line matching does. */
export function matchProblems(output: string): MatchedProblem[] {
    const location = new RegExp(COMPILE_LOCATION_REGEXP);
    const fileOnly = new RegExp(COMPILE_FILE_REGEXP);
    const message = new RegExp(COMPILE_MESSAGE_REGEXP);
    const lines = output.split('\n').map(terminalLine);
    const problems: MatchedProblem[] = [];
    for (let i = 0; i < lines.length - 1; i++) {
        const text = lines[i] ?? '';
        const head = location.exec(text) ?? fileOnly.exec(text);
        const body = head && message.exec(lines[i + 1] ?? '');
        const [, file, line, column] = head ?? [];
        if (!file || !body?.[1]) continue;
        problems.push({
            file,
            ...(line ? { line: Number(line) } : {}),
            ...(column ? { column: Number(column) } : {}),
            message: body[1],
            severity: 'error'
        });
        i++;
    }
    return problems;
}

/**
 * nango prints paths relative to the project, and VS Code resolves a matcher's relative paths
 * against the workspace folder only (a task's cwd is not used: microsoft/vscode#58980), while the
 * nango-integrations folder is often a subfolder. So the task's terminal shows each `err - <file>`
 * line with the absolute path; the matchers' fileLocation is autoDetect (absolute first).
 * Streams: complete lines are rewritten; a partial line is passed through at once (a prompt must
 * show) unless it may still become an `err - ` line.
 */
export class ErrorPathRewriter {
    private pending = '';
    private midLine = false;

    constructor(private readonly root: string) {}

    push(text: string): string {
        let out = '';
        let rest = this.pending + text;
        this.pending = '';
        for (let nl = rest.indexOf('\n'); nl >= 0; nl = rest.indexOf('\n')) {
            const line = rest.slice(0, nl + 1);
            out += this.midLine ? line : this.rewriteLine(line);
            this.midLine = false;
            rest = rest.slice(nl + 1);
        }
        if (rest) {
            // A colour code may be cut in two: its start is held too.
            // eslint-disable-next-line no-control-regex -- an ANSI escape is a control character
            const plain = rest.replace(ANSI, '').replace(/\u001b(?:\[[0-9;?]*)?$/, '');
            if (!this.midLine && ('err - '.startsWith(plain) || plain.startsWith('err - '))) this.pending = rest;
            else {
                out += rest;
                this.midLine = true;
            }
        }
        return out;
    }

    end(): string {
        const rest = this.pending;
        this.pending = '';
        return rest ? this.rewriteLine(rest) : '';
    }

    rewriteLine(line: string): string {
        const eol = /\r?\n$/.exec(line)?.[0] ?? '';
        const plain = terminalLine(line.slice(0, line.length - eol.length));
        const m = /^err - (.+?)((?::\d+){0,2})\s*$/.exec(plain);
        const file = m?.[1];
        if (!file || path.isAbsolute(file)) return line;
        return `err - ${path.join(this.root, file)}${m[2]} ${eol}`;
    }
}

function slash(p: string): string {
    return p.split(path.sep).join('/');
}

/** The tasks a workspace folder offers: compile per project, deploy per project and environment. */
export function providedTasks(projects: readonly TaskProject[]): ProvidedTask[] {
    const tasks: ProvidedTask[] = [];
    for (const p of projects) {
        const project = slash(path.relative(p.folder, p.root)) || '.';
        const several = projects.filter((o) => o.folder === p.folder).length > 1;
        const suffix = several ? ` (${project})` : '';
        tasks.push({
            definition: { type: NANGO_TASK_TYPE, command: 'compile', project },
            name: `compile${suffix}`,
            detail: `nango compile in ${p.root}`,
            root: p.root,
            folder: p.folder,
            build: true
        });
        for (const environment of new Set([p.defaultEnvironment, ...DEPLOY_ENVIRONMENTS])) {
            if (!environment.trim()) continue;
            tasks.push({
                definition: { type: NANGO_TASK_TYPE, command: 'deploy', environment, project },
                name: `deploy ${environment}${suffix}`,
                detail: `Deploy ${p.root} to ${environment}${environment === 'prod' ? ' (asks for confirmation)' : ''}`,
                root: p.root,
                folder: p.folder,
                build: false
            });
        }
    }
    return tasks;
}

export type ResolvedDefinition = { ok: true; definition: NangoTaskDefinition; project: TaskProject; name: string } | { ok: false; message: string };

/**
 * A tasks.json entry → what it runs. `projects`: the nango-integrations folders of the entry's
 * workspace folder (`folder`). Fails with a message saying what to write instead.
 */
export function resolveDefinition(raw: Readonly<Record<string, unknown>>, folder: string | undefined, projects: readonly TaskProject[]): ResolvedDefinition {
    const where = 'tasks.json "type": "nango"';
    if (raw['type'] !== NANGO_TASK_TYPE) return { ok: false, message: `${where}: not a nango task (type ${JSON.stringify(raw['type'])}).` };
    const command = raw['command'];
    if (typeof command !== 'string' || !(TASK_COMMANDS as readonly string[]).includes(command)) {
        return { ok: false, message: `${where}: "command" must be "compile" or "deploy", not ${JSON.stringify(command)}.` };
    }
    for (const key of ['environment', 'integration', 'project']) {
        if (raw[key] !== undefined && typeof raw[key] !== 'string')
            return { ok: false, message: `${where}: "${key}" must be a string, not ${JSON.stringify(raw[key])}.` };
    }
    const environment = raw['environment'] as string | undefined;
    const integration = raw['integration'] as string | undefined;
    const projectPath = raw['project'] as string | undefined;
    if (command === 'compile' && (environment !== undefined || integration !== undefined)) {
        return {
            ok: false,
            message: `${where}, "command": "compile": nango compile takes no ${environment !== undefined ? '"environment"' : '"integration"'} (it compiles the whole project); remove it, or use "command": "deploy".`
        };
    }
    const candidates = projects.filter((p) => folder === undefined || p.folder === folder);
    let project: TaskProject | undefined;
    if (projectPath !== undefined) {
        project = candidates.find((p) => path.resolve(p.folder, projectPath) === p.root);
        if (!project) {
            const known = candidates.map((p) => `"${slash(path.relative(p.folder, p.root)) || '.'}"`).join(', ');
            return {
                ok: false,
                message: `${where}: "project": "${projectPath}" is not a nango-integrations folder of ${folder ?? 'this workspace'}${known ? ` (there: ${known})` : ''}.`
            };
        }
    } else if (candidates.length === 1 && candidates[0]) {
        project = candidates[0];
    } else if (!candidates.length) {
        return {
            ok: false,
            message: `${where}: ${folder ?? 'this workspace'} has no nango-integrations folder (index.ts). Open one, or set "nango.integrationsPath".`
        };
    } else {
        const known = candidates.map((p) => `"${slash(path.relative(p.folder, p.root)) || '.'}"`).join(', ');
        return { ok: false, message: `${where}: ${folder ?? 'this workspace'} has several nango-integrations folders: say which with "project" (${known}).` };
    }
    let env: string | undefined;
    if (command === 'deploy') {
        env = (environment ?? project.defaultEnvironment).trim();
        if (!/^[A-Za-z0-9_-]+$/.test(env))
            return {
                ok: false,
                message: `${where}: "environment": ${JSON.stringify(environment ?? project.defaultEnvironment)} is not an environment name; use the name of a Nango environment, e.g. "dev" or "prod".`
            };
        if (integration !== undefined && !project.integrations.includes(integration)) {
            return {
                ok: false,
                message: `${where}: "integration": "${integration}" is not an integration of ${project.root} (${project.integrations.map((i) => `"${i}"`).join(', ') || 'it has none'}).`
            };
        }
    }
    const definition: NangoTaskDefinition = {
        type: NANGO_TASK_TYPE,
        command: command as NangoTaskCommand,
        ...(env !== undefined ? { environment: env } : {}),
        ...(integration !== undefined ? { integration } : {}),
        ...(projectPath !== undefined ? { project: projectPath } : {})
    };
    const name = command === 'compile' ? 'compile' : `deploy ${env}${integration ? ` (${integration})` : ''}`;
    return { ok: true, definition, project, name };
}

/** What a task runs, decided when it starts (the CLI, the key and the tool are looked up then). */
export interface TaskRun {
    ok: true;
    command: string;
    args: string[];
    cwd: string;
    env: Record<string, string>;
    label: string;
    /** Printed before the command. */
    header: string[];
    /** Asked in the terminal before running (deploy plan: prod, and the emulator CLI). */
    confirmation: DeployConfirmation | undefined;
    /** Deploy through the emulator CLI: stdout is JSON, shown rendered at the end. */
    emulatorJson: boolean;
    environment: string | undefined;
}

export interface TaskRunFailure {
    ok: false;
    message: string;
    fix: string;
}

export interface TaskRunContext {
    /** What index.ts imports (countFunctions), for the deploy tool. */
    functions: FunctionCounts;
    /** The extension's dist/emulator/cli.js and the Node that runs it. */
    emulatorCli: string;
    node: string;
}

/** The definition → the command line: compile finds the project's CLI; deploy is planDeploy's plan. */
export function taskRun(
    definition: NangoTaskDefinition,
    project: TaskProject,
    context: TaskRunContext,
    probe: DeployEnvironmentProbe
): TaskRun | TaskRunFailure {
    if (definition.command === 'compile') {
        const cli = findNangoCli(project.root, probe);
        if (!cli)
            return {
                ok: false,
                message: `The nango CLI is not installed in ${project.root} nor on PATH.`,
                fix: `Run "npm install --save-dev nango" in ${project.root} (or "npm install -g nango").`
            };
        return {
            ok: true,
            command: cli,
            args: ['compile'],
            cwd: project.root,
            env: { FORCE_COLOR: '1' },
            label: 'nango compile',
            header: [`nango compile: the project's own CLI, ${cli}.`],
            confirmation: undefined,
            emulatorJson: false,
            environment: undefined
        };
    }
    const environment = definition.environment ?? project.defaultEnvironment;
    // Non-interactive: the tool compiles the project itself (its errors become problems through the
    // matchers), so the Problems panel check that "Deploy anyway" overrides in the command is skipped.
    const request: DeployRequest = {
        root: project.root,
        environment,
        functions: context.functions,
        emulatorCli: context.emulatorCli,
        node: context.node,
        ignoreErrors: true,
        ...(definition.integration ? { integration: definition.integration } : {})
    };
    const plan = planDeploy(request, probe);
    if (!plan.ok) return { ok: false, message: plan.message, fix: plan.fix };
    const header = [`${plan.label}: ${plan.detail}.`, `The secret key comes from ${plan.secretFrom}.`];
    if (definition.integration && !plan.scoped)
        header.push(`"integration": "${definition.integration}" does not apply: the emulator CLI deploys every event function index.ts imports.`);
    return {
        ok: true,
        command: plan.command,
        args: plan.args,
        cwd: plan.cwd,
        env: plan.env,
        label: plan.label,
        header,
        confirmation: plan.confirmation,
        emulatorJson: plan.tool === 'emulator',
        environment: environment.trim()
    };
}

/** The probe on the real file system and process environment. */
export function processProbe(): DeployEnvironmentProbe {
    return {
        exists: (file) => existsSync(file),
        read: (file) => {
            try {
                return readFileSync(file, 'utf8');
            } catch {
                return undefined;
            }
        },
        env: process.env,
        platform: process.platform
    };
}
