// Runs one handler body in a throwaway project: what the SDK tests share.
import { Emulator } from '../../../emulator/core/lifecycle';
import type { RunResult } from '../../../emulator/core/result';
import { FIXTURES, makeProject, salesforceFixtures, type TestProject } from './project';

/** Dry runs a post-connection-creation handler whose exec body is `body`, against sf-1 (account acme). */
export async function runBody(
    body: string,
    opts: {
        fixtures?: object;
        files?: Record<string, string>;
        metadata?: string;
        timeoutMs?: number;
        captureBodies?: boolean;
        environment?: Record<string, string>;
    } = {}
): Promise<RunResult> {
    const fixtures = (opts.fixtures ?? salesforceFixtures()) as { environment?: unknown };
    if (opts.environment) fixtures.environment = { name: 'dev', variables: opts.environment };
    const project: TestProject = makeProject({
        [FIXTURES]: fixtures,
        'salesforce/on-events/fn.ts': `import { createOnEvent } from 'nango';
import * as z from 'zod';
export default createOnEvent({
    description: 'test',
    event: 'post-connection-creation',
    ${opts.metadata ? `metadata: ${opts.metadata},` : ''}
    exec: async (nango) => {
${body}
    }
});
`,
        ...opts.files
    });
    const emulator = new Emulator(project.root, { timeoutMs: opts.timeoutMs ?? 10_000, ...(opts.captureBodies ? { captureBodies: true } : {}) });
    try {
        return await emulator.dryrun('fn', { connectionId: 'sf-1' });
    } finally {
        emulator.dispose();
        project.cleanup();
    }
}
