// Helpers for the scenario and fault-injection tests: throwaway projects (see ../emulator/project.ts),
// handlers whose exec body is given, and a Slack fixture (a provider whose Nango catalogue entry reads
// Retry-After, unlike Salesforce's).
import assert from 'node:assert/strict';
import { Emulator } from '../../../emulator/core/lifecycle';
import type { RunResult } from '../../../emulator/core/result';
import { FIXTURES, makeProject, salesforceFixtures, type TestProject } from '../emulator/project';

export { FIXTURES, makeProject, salesforceFixtures, type TestProject };

export const SLACK_TOKEN = 'xoxb-slack-secret-token-0001';

export function slackFixtures(responses: object[]): object {
    return {
        integrations: {
            slack: {
                provider: 'slack',
                accounts: { acme: { credentials: { type: 'OAUTH2', access_token: SLACK_TOKEN }, identity: { team: 'Acme' } } },
                responses
            }
        },
        connections: [{ id: 'slack-1', integration: 'slack', account: 'acme' }]
    };
}

export function handlerSource(event: string, body: string): string {
    return `import { createOnEvent } from 'nango';
export default createOnEvent({
    description: 'test',
    event: '${event}',
    exec: async (nango) => {
${body}
    }
});
`;
}

/** Dry runs a post-connection-creation handler with this exec body against `connection` of `integration`. */
export async function runBody(
    body: string,
    opts: { fixtures: object; integration?: string; connection?: string; timeoutMs?: number; captureBodies?: boolean }
): Promise<RunResult> {
    const integration = opts.integration ?? 'salesforce';
    const project: TestProject = makeProject({
        [FIXTURES]: opts.fixtures,
        [`${integration}/on-events/fn.ts`]: handlerSource('post-connection-creation', body)
    });
    const emulator = new Emulator(project.root, { timeoutMs: opts.timeoutMs ?? 15_000, ...(opts.captureBodies ? { captureBodies: true } : {}) });
    try {
        return await emulator.dryrun('fn', { connectionId: opts.connection ?? 'sf-1' });
    } finally {
        emulator.dispose();
        project.cleanup();
    }
}

export const messages = (r: RunResult): string[] => r.logs.filter((l) => l.source !== 'emulator').map((l) => l.message);
export const notes = (r: RunResult): string[] => r.logs.filter((l) => l.source === 'emulator').map((l) => l.message);

/** 1-based line of the first occurrence of `needle` in `text` at or after `from`. */
export function lineOf(text: string, needle: string, from = 0): number {
    const at = text.indexOf(needle, from);
    assert.ok(at >= 0, `"${needle}" not in the text`);
    return text.slice(0, at).split('\n').length;
}
