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

/** Provider request bodies sent through /proxy. */
export const MAX_REQUEST_BODY_BYTES = 10 * 1024 * 1024;
/** JSON bodies of Nango's API and /_emulator/* (metadata, run requests). */
export const MAX_JSON_BODY_BYTES = 1024 * 1024;
/** All request bodies being read at once: past it, a new body is refused (503) instead of buffered. */
export const MAX_BUFFERED_BODY_BYTES = 4 * MAX_REQUEST_BODY_BYTES;

let bufferedBytes = 0;

/**
 * Reads the body of a request once its route, auth and content type were checked: nothing is buffered
 * for a request that would be refused anyway. A declared Content-Length over the limit is refused
 * before a byte is read; a body growing past it is cut off.
 */
export async function readRequestBody(req: IncomingMessage, limit: number): Promise<Buffer> {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > limit) throw new HttpError(413, 'payload_too_large', `the request body is ${declared} bytes, over this route's limit of ${limit} bytes`);
    if (bufferedBytes + Math.max(declared, 0) > MAX_BUFFERED_BODY_BYTES) {
        throw new HttpError(503, 'busy', `the emulator is already reading ${bufferedBytes} bytes of request bodies; retry shortly`, { retryAfter: 1 });
    }
    const chunks: Buffer[] = [];
    let size = 0;
    try {
        for await (const chunk of req as AsyncIterable<Buffer>) {
            size += chunk.length;
            bufferedBytes += chunk.length;
            if (size > limit) throw new HttpError(413, 'payload_too_large', `the request body is over this route's limit of ${limit} bytes`);
            if (bufferedBytes > MAX_BUFFERED_BODY_BYTES)
                throw new HttpError(503, 'busy', 'the emulator is reading too many request bodies at once; retry shortly', { retryAfter: 1 });
            chunks.push(chunk);
        }
    } finally {
        bufferedBytes -= size;
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
