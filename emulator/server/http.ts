// Small HTTP helpers for the emulator server (node:http only): bodies, JSON answers, errors.
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Nango's own local port (`nango … -e local` without NANGO_HOSTPORT talks to localhost:3003). */
export const DEFAULT_PORT = 3003;
export const DEFAULT_HOST = '127.0.0.1';

/** An error answered as JSON. Nango's routes answer `{ error: { code, message, ... } }`. */
export class HttpError extends Error {
    constructor(
        readonly status: number,
        readonly code: string,
        message: string,
        readonly extra: Record<string, unknown> = {}
    ) {
        super(message);
    }
}

export const MAX_REQUEST_BODY_BYTES = 10 * 1024 * 1024;

export async function readRequestBody(req: IncomingMessage, limit = MAX_REQUEST_BODY_BYTES): Promise<Buffer> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (size > limit) throw new HttpError(413, 'payload_too_large', `the request body is over ${limit} bytes`);
        chunks.push(chunk);
    }
    return Buffer.concat(chunks);
}

/** Parses a JSON request body; an empty body is `undefined`. */
export function parseJsonBody(body: Buffer, route: string): unknown {
    if (body.length === 0) return undefined;
    try {
        return JSON.parse(body.toString('utf8')) as unknown;
    } catch (err) {
        throw new HttpError(400, 'invalid_body', `${route}: the body is not valid JSON (${(err as Error).message})`);
    }
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(text)), ...headers });
    res.end(text);
}

export function sendEmpty(res: ServerResponse, status: number): void {
    res.writeHead(status, { 'content-length': '0' });
    res.end();
}

/** The shape of Nango's API errors. */
export function nangoErrorBody(err: HttpError): { error: Record<string, unknown> } {
    return { error: { code: err.code, message: err.message, ...err.extra } };
}

/** Loopback names and addresses: 127.0.0.0/8, ::1 (also IPv4-mapped), localhost. */
export function isLoopbackHost(host: string): boolean {
    const h = host.replace(/^\[|\]$/g, '').toLowerCase();
    return h === 'localhost' || h.endsWith('.localhost') || h === '::1' || /^(::ffff:)?127(\.\d{1,3}){3}$/.test(h);
}

/** The host name of a Host header ("127.0.0.1:3003", "[::1]:3003", "localhost"). */
export function hostOfHeader(header: string | undefined): string | undefined {
    if (!header) return undefined;
    const m = /^(\[[^\]]+\]|[^:]+)(?::\d+)?$/.exec(header.trim());
    return m?.[1];
}
