// nango-emulator serve: a local HTTP server that answers the subset of Nango's API that the real
// `nango` CLI (dryrun) and SDK use, from the emulator's fixtures and state, so that
// `NANGO_HOSTPORT=http://127.0.0.1:<port> nango dryrun …` runs offline against the emulator. It also
// serves /_emulator/* (run a lifecycle event, list connections, read one, reset) for the editor.
// Loopback only unless a host is chosen explicitly. Any `Authorization: Bearer <key>` is accepted on
// Nango's routes; the key is never printed.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EmulatorError, type EmulatorErrorCode } from '../core/errors';
import { ServerContext, type ServerContextOptions } from './context';
import { emulatedConnection, journal, listEmulatedConnections, listIntegrations, resetEmulator, runOperation } from './control';
import { runScenarioStream } from './scenarios-api';
import {
    DEFAULT_HOST,
    DEFAULT_PORT,
    HttpError,
    MAX_JSON_BODY_BYTES,
    MAX_REQUEST_BODY_BYTES,
    hostOfHeader,
    isLoopbackHost,
    nangoErrorBody,
    parseJsonBody,
    readRequestBody,
    sendEmpty,
    sendJson
} from './http';
import { startSync, triggerAction, triggerSync } from './flow-api';
import { DEPLOY_BODY_BYTES, listDeployments, postConfirmation, postDeploy } from './deploy-api';
import { environmentVariables, getConnection, getIntegration, listConnections, writeMetadata } from './nango-api';
import { ProxyService } from './proxy';

export { DEFAULT_HOST, DEFAULT_PORT };

export interface ServerOptions extends ServerContextOptions {
    /** The nango-integrations folder. */
    root: string;
    /** Default 127.0.0.1. A non-loopback host is refused unless allowNonLoopback is set. */
    host?: string;
    /** Default 3003; 0 picks a free port. */
    port?: number;
    /** Set when the user chose the host explicitly (`--host`): then a non-loopback host is allowed. */
    allowNonLoopback?: boolean;
}

export interface RunningServer {
    /** e.g. http://127.0.0.1:3003: the value for NANGO_HOSTPORT. */
    url: string;
    host: string;
    port: number;
    context: ServerContext;
    close(): Promise<void>;
}

const EMULATOR_PREFIX = '/_emulator';

/** Routes we know the CLI/SDK may call but the emulator deliberately does not serve. */
const UNSUPPORTED_HINTS: [RegExp, string][] = [
    [/^\/action\//, 'the emulator answers POST /action/trigger (triggerAction) from the fixtures\' "actions"; async actions are not emulated'],
    [/^\/records\/?$/, 'records belong to syncs; event functions cannot read or save records'],
    [
        /^\/sync\//,
        'syncs are not run: the emulator answers POST /sync/trigger and /sync/start from the fixtures\' "syncs" list, and POST /sync/deploy[/confirmation] (kept in memory, GET /_emulator/deployments)'
    ],
    [/^\/api\/v1\/environments/, 'pass -e <environment> (and --no-interactive) to the nango CLI: the emulator has one environment, from the fixtures'],
    [/^\/connection\/[^/]+\/metadata$/, 'the SDK of nango 0.71 writes metadata with POST/PATCH /connections/metadata, which the emulator serves']
];

function errorStatus(code: EmulatorErrorCode): number {
    switch (code) {
        case 'unknown_integration':
        case 'unknown_account':
        case 'unknown_connection':
        case 'unknown_function':
            return 404;
        case 'connection_exists':
        case 'connection_busy':
            return 409;
        case 'bad_usage':
            return 400;
        case 'handler_compile_failed':
        case 'handler_invalid':
        case 'handler_not_imported':
        case 'typecheck_failed':
            return 422;
        default:
            return 500;
    }
}

function notImplemented(method: string, path: string): HttpError {
    const hint = UNSUPPORTED_HINTS.find(([re]) => re.test(path))?.[1];
    return new HttpError(
        501,
        'not_implemented',
        `nango-emulator does not implement ${method} ${path}${hint ? `: ${hint}` : ''}. It serves what "nango dryrun" and the SDK of event functions call: GET /connections, GET /connection(s)/:id, GET /integrations[/:key], POST|PATCH /connections/metadata, GET /environment-variables, POST /action/trigger, POST /sync/trigger, POST /sync/start, POST /sync/deploy[/confirmation], /proxy/*, POST /cli/telemetry, and /_emulator/*.`
    );
}

/** ?inspect=<port>: run the handlers' worker under the Node inspector on that loopback port (the editor's Debug). */
function inspectPortOf(query: URLSearchParams): number | undefined {
    const raw = query.get('inspect');
    if (raw === null) return undefined;
    const port = Number(raw);
    if (!Number.isInteger(port) || port < 1024 || port > 65535)
        throw new HttpError(400, 'bad_usage', `inspect: expected a port number from 1024 to 65535, got "${raw}"`);
    return port;
}

function requireBearer(req: IncomingMessage): void {
    const header = req.headers.authorization;
    if (!header) {
        throw new HttpError(
            401,
            'missing_auth_header',
            'Authentication failed. The request is missing the Authorization header. Send "Authorization: Bearer <any secret key>" (the emulator accepts any key; set NANGO_SECRET_KEY_<ENV> for the nango CLI).'
        );
    }
    if (!/^Bearer \S+/.test(header)) {
        throw new HttpError(
            401,
            'malformed_auth_header',
            'Authentication failed. The Authorization header must be "Bearer <secret key>" (the emulator accepts any key).'
        );
    }
}

export function createEmulatorServer(options: ServerOptions): { server: Server; context: ServerContext } {
    const { root, host: _host, port: _port, allowNonLoopback: _allow, ...contextOptions } = options;
    const context = new ServerContext(root, contextOptions);
    const proxy = new ProxyService(context);
    const loopbackOnly = isLoopbackHost(options.host ?? DEFAULT_HOST);

    const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
        const method = (req.method ?? 'GET').toUpperCase();
        const url = new URL(req.url ?? '/', 'http://emulator.invalid');
        const path = url.pathname;
        const control = path === EMULATOR_PREFIX || path.startsWith(`${EMULATOR_PREFIX}/`);
        const started = performance.now();
        res.on('finish', () => {
            if (!path.startsWith('/proxy/')) context.log(`${method} ${path} → ${res.statusCode} (${Math.round(performance.now() - started)} ms)`);
        });
        try {
            // Bound to loopback: refuse requests addressed to another name (DNS rebinding from a web page).
            const hostName = hostOfHeader(req.headers.host);
            if (loopbackOnly && hostName && !isLoopbackHost(hostName)) {
                throw new HttpError(
                    403,
                    'forbidden_host',
                    `Host "${req.headers.host}" is not a loopback address; the emulator only answers requests to 127.0.0.1, ::1 or localhost.`
                );
            }
            if (control) return await handleControl(method, path.slice(EMULATOR_PREFIX.length) || '/', url.searchParams, req, res);

            if (method === 'POST' && path === '/cli/telemetry') return sendEmpty(res, 204); // accepted, dropped
            if (path === '/proxy' || path.startsWith('/proxy/')) {
                requireBearer(req);
                const raw = req.url ?? '/';
                return await proxy.handle(
                    req,
                    res,
                    await readRequestBody(req, MAX_REQUEST_BODY_BYTES),
                    raw.slice(raw.indexOf('/proxy') + '/proxy'.length) || '/'
                );
            }
            let m: RegExpExecArray | null;
            if (method === 'GET' && (path === '/connections' || path === '/connection')) {
                requireBearer(req);
                return sendJson(res, 200, listConnections(context, url.searchParams));
            }
            if ((method === 'POST' || method === 'PATCH') && (path === '/connections/metadata' || path === '/connection/metadata')) {
                requireBearer(req);
                const body = await readRequestBody(req, MAX_JSON_BODY_BYTES);
                const written = await writeMetadata(context, method, parseJsonBody(body, `${method} ${path}`), `${method} ${path}`);
                return sendJson(res, method === 'POST' ? 201 : 200, written);
            }
            if (method === 'GET' && (m = /^\/connections?\/([^/]+)$/.exec(path))) {
                requireBearer(req);
                const connection = getConnection(context, decodeURIComponent(m[1] ?? ''), url.searchParams, `GET ${path}`);
                // `nango dryrun` starts with this lookup (the legacy singular path, flagged as a dry run).
                if (path.startsWith('/connection/') && req.headers['nango-is-dry-run'] === 'true')
                    context.startedDryRun(String(connection['provider_config_key']), String(connection['connection_id']));
                return sendJson(res, 200, connection);
            }
            if (method === 'GET' && (m = /^\/integrations(?:\/([^/]+))?$/.exec(path))) {
                requireBearer(req);
                return sendJson(res, 200, getIntegration(context, m[1] === undefined ? undefined : decodeURIComponent(m[1]), url.searchParams));
            }
            if (method === 'GET' && path === '/environment-variables') {
                requireBearer(req);
                return sendJson(res, 200, environmentVariables(context));
            }
            if (method === 'POST' && (path === '/action/trigger' || path === '/sync/trigger' || path === '/sync/start')) {
                requireBearer(req);
                const body = parseJsonBody(await readRequestBody(req, MAX_JSON_BODY_BYTES), `${method} ${path}`);
                const answer =
                    path === '/action/trigger'
                        ? triggerAction(context, req.headers, url.searchParams, body)
                        : path === '/sync/trigger'
                          ? triggerSync(context, req.headers, url.searchParams, body)
                          : startSync(context, body);
                return sendJson(res, answer.status, answer.data);
            }
            if (method === 'POST' && (path === '/sync/deploy' || path === '/sync/deploy/confirmation')) {
                requireBearer(req);
                const body = parseJsonBody(await readRequestBody(req, DEPLOY_BODY_BYTES), `${method} ${path}`);
                const answer = path === '/sync/deploy' ? postDeploy(context, url.searchParams, body) : postConfirmation(context, url.searchParams, body);
                return sendJson(res, answer.status, answer.data);
            }
            throw notImplemented(method, path);
        } catch (err) {
            if (res.headersSent) {
                res.destroy(err as Error);
                return;
            }
            const httpError =
                err instanceof HttpError
                    ? err
                    : err instanceof EmulatorError
                      ? new HttpError(errorStatus(err.code), err.code, err.message)
                      : new HttpError(500, 'server_error', `nango-emulator: ${(err as Error).message ?? String(err)}`);
            if (httpError.status >= 500 && httpError.status !== 501) context.log(`${method} ${path} failed: ${httpError.message}`);
            const safe = new HttpError(httpError.status, httpError.code, context.redactor().text(httpError.message), httpError.extra);
            sendJson(res, safe.status, control ? { ok: false, error: { type: safe.code, message: safe.message } } : nangoErrorBody(safe));
        }
    };

    const handleControl = async (method: string, sub: string, query: URLSearchParams, req: IncomingMessage, res: ServerResponse): Promise<void> => {
        if (method === 'POST' && !/^application\/json\b/i.test(req.headers['content-type'] ?? '')) {
            // Also keeps web pages from posting here with a plain form (no CORS preflight for those).
            throw new HttpError(415, 'bad_usage', `POST ${EMULATOR_PREFIX}${sub}: send "Content-Type: application/json"`);
        }
        let m: RegExpExecArray | null;
        if (method === 'GET' && sub === '/health')
            return sendJson(res, 200, { ok: true, root: context.root, pid: process.pid, fixturesFile: context.fixturesFile });
        if (method === 'GET' && sub === '/connections') return sendJson(res, 200, listEmulatedConnections(context));
        if (method === 'GET' && (m = /^\/connections\/([^/]+)$/.exec(sub)))
            return sendJson(res, 200, emulatedConnection(context, decodeURIComponent(m[1] ?? '')));
        if (method === 'GET' && sub === '/integrations') return sendJson(res, 200, listIntegrations(context));
        if (method === 'POST' && sub === '/run') {
            const body = await readRequestBody(req, MAX_JSON_BODY_BYTES);
            const left = new AbortController();
            res.on('close', () => {
                if (!res.writableFinished) left.abort();
            });
            return sendJson(res, 200, await runOperation(context, parseJsonBody(body, `POST ${EMULATOR_PREFIX}/run`), inspectPortOf(query), left.signal));
        }
        if (method === 'POST' && sub === '/scenarios/run') {
            const body = await readRequestBody(req, MAX_JSON_BODY_BYTES);
            return runScenarioStream(context, parseJsonBody(body, `POST ${EMULATOR_PREFIX}/scenarios/run`), req, res, inspectPortOf(query));
        }
        if (method === 'POST' && sub === '/reset') return sendJson(res, 200, await resetEmulator(context));
        if (method === 'GET' && sub === '/deployments') return sendJson(res, 200, listDeployments(context));
        if (method === 'GET' && sub === '/requests') return sendJson(res, 200, journal(context, query));
        if (method === 'DELETE' && sub === '/requests') {
            context.journal.clear();
            return sendJson(res, 200, { ok: true });
        }
        throw new HttpError(
            501,
            'not_implemented',
            `nango-emulator does not implement ${method} ${EMULATOR_PREFIX}${sub}. Available: GET /_emulator/health, GET /_emulator/connections, GET /_emulator/connections/:id, GET /_emulator/integrations, POST /_emulator/run[?inspect=<port>], POST /_emulator/scenarios/run[?inspect=<port>], POST /_emulator/reset, GET|DELETE /_emulator/requests, GET /_emulator/deployments.`
        );
    };

    const server = createServer((req, res) => void handle(req, res));
    server.on('close', () => proxy.dispose());
    return { server, context };
}

/** Starts the server; resolves once it listens (with the actual port when `port` is 0). */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
    const host = options.host ?? DEFAULT_HOST;
    if (!isLoopbackHost(host) && !options.allowNonLoopback) {
        throw new EmulatorError(
            'bad_usage',
            `refusing to serve on "${host}": it is not a loopback address, and the emulator hands out (fake) credentials and runs your handlers. Pass --host ${host} explicitly to expose it anyway.`
        );
    }
    const { server, context } = createEmulatorServer(options);
    // Fail early on bad fixtures, with the file, the field and the fix.
    context.fixtures();
    const port = options.port ?? DEFAULT_PORT;
    await new Promise<void>((resolve, reject) => {
        const onError = (err: NodeJS.ErrnoException): void => {
            reject(
                err.code === 'EADDRINUSE'
                    ? new EmulatorError(
                          'bad_usage',
                          `port ${port} on ${host} is already in use (another emulator or Nango?). Pass --port <another port>, or --port 0 for any free port.`
                      )
                    : err.code === 'EADDRNOTAVAIL' || err.code === 'ENOTFOUND'
                      ? new EmulatorError('bad_usage', `cannot listen on "${host}" (${err.code}): pass a local address with --host`)
                      : err
            );
        };
        server.once('error', onError);
        server.listen(port, host, () => {
            server.off('error', onError);
            resolve();
        });
    });
    const address = server.address() as AddressInfo;
    const urlHost = address.family === 'IPv6' || address.address.includes(':') ? `[${address.address}]` : address.address;
    return {
        url: `http://${urlHost}:${address.port}`,
        host: address.address,
        port: address.port,
        context,
        close: () =>
            new Promise<void>((resolve) => {
                server.close(() => resolve());
                server.closeAllConnections();
                context.dispose();
            })
    };
}
