// `nango-emulator serve` for an e2e test, on a port chosen before VS Code starts: the extension host's
// NANGO_HOSTPORT is fixed at launch, and the server only runs during the test that needs it.
import { createServer } from 'node:net';
import { serve, stopServing } from '../nango-cli/serve';

/** A loopback port free right now. */
export function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const server = createServer();
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => {
            const address = server.address();
            server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
        });
    });
}

export interface ServedEmulator {
    url: string;
    output: () => string;
    stop: () => Promise<void>;
}

/** `nango-emulator serve --root <root> --port <port> --json`; resolves once it listens. */
export async function serveEmulator(root: string, port: number): Promise<ServedEmulator> {
    const served = await serve(root, port);
    return { url: served.url, output: served.output, stop: () => stopServing(served) };
}
