// Test helpers for the emulator server: a throwaway copy of the example project, a server on a free
// port that records its log lines, and a small fetch wrapper.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer, type RunningServer, type ServerOptions } from '../../../emulator/server';

export const repo = path.resolve(__dirname, '../../..');
export const example = path.join(repo, 'examples/nango-integrations');
export const cli = path.join(repo, 'dist/emulator/cli.js');

/** The secret key the tests send: it must never show up in anything the server prints. */
export const SECRET_KEY = 'sk-test-5e5e5e5e-never-printed';

/** A copy of examples/nango-integrations without run output (state, cache, locks) or node_modules. */
export function copyExample(prefix = 'nango-emu-server-'): string {
    const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
    cpSync(example, dir, {
        recursive: true,
        filter: (src) =>
            !/node_modules|[\\/]build([\\/]|$)|state\.json|[\\/]cache([\\/]|$)|[\\/]locks([\\/]|$)|[\\/]tests([\\/]|$)/.test(path.relative(example, src))
    });
    return dir;
}

export function readJson<T = unknown>(file: string): T {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
}

export function editJson<T>(file: string, edit: (value: T) => void): void {
    const value = readJson<T>(file);
    edit(value);
    writeFileSync(file, JSON.stringify(value, null, 4) + '\n');
}

/** Every credential string of the example's fixtures (tokens, refresh tokens). */
export function exampleSecrets(root: string): string[] {
    const fixtures = readJson<{ integrations: Record<string, { accounts: Record<string, { credentials: Record<string, unknown> }> }> }>(
        path.join(root, '.nango-emulator/fixtures.json')
    );
    return Object.values(fixtures.integrations).flatMap((i) =>
        Object.values(i.accounts).flatMap((a) =>
            Object.entries(a.credentials)
                .filter(([k, v]) => k !== 'type' && k !== 'expires_at' && typeof v === 'string')
                .map(([, v]) => v as string)
        )
    );
}

export interface TestServer extends RunningServer {
    root: string;
    logs: string[];
    /** fetch relative to the server; JSON bodies are encoded; Nango routes get the bearer key by default. */
    call(
        method: string,
        route: string,
        init?: { body?: unknown; headers?: Record<string, string>; auth?: boolean }
    ): Promise<{ status: number; headers: Headers; text: string; json: unknown }>;
    stop(): Promise<void>;
}

export async function startTestServer(root: string, options: Partial<ServerOptions> = {}): Promise<TestServer> {
    const logs: string[] = [];
    const server = await startServer({ root, port: 0, log: (line) => logs.push(line), ...options });
    const call: TestServer['call'] = async (method, route, init = {}) => {
        const headers: Record<string, string> = { ...(init.auth === false ? {} : { authorization: `Bearer ${SECRET_KEY}` }), ...init.headers };
        let body: string | undefined;
        if (init.body !== undefined) {
            body = typeof init.body === 'string' ? init.body : JSON.stringify(init.body);
            headers['content-type'] ??= 'application/json';
        }
        const res = await fetch(server.url + route, { method, headers, ...(body !== undefined ? { body } : {}) });
        const text = await res.text();
        let json: unknown;
        try {
            json = text ? JSON.parse(text) : undefined;
        } catch {
            json = undefined;
        }
        return { status: res.status, headers: res.headers, text, json };
    };
    return {
        ...server,
        root,
        logs,
        call,
        stop: async () => {
            await server.close();
            rmSync(root, { recursive: true, force: true });
        }
    };
}
