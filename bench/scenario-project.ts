// A generated nango-integrations project the size of a real integrations repository, for the scenario
// benchmark (bench/scenarios.ts) and the parallel-versus-serial tests (test/unit/scenarios/): N
// integrations, each with three event functions that call the provider (answered by fixtures.json)
// and import a helper of their own and one shared by all, and scenario files of lifecycle stories.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface ScenarioProjectOptions {
    integrations: number;
    /** Scenarios per integration (each file holds one integration's). */
    scenariosPerIntegration: number;
    /** Every k-th scenario expects what does not happen, so reports have failures to show (0: none). */
    failEvery?: number;
}

export interface ScenarioProject {
    root: string;
    integrations: string[];
    scenarioCount: number;
    stepCount: number;
    cleanup(): void;
}

const SHARED_HELPER = `export function label(integration: string, login: string): string {
    return integration + ':' + login;
}
`;

const accountHelper = (integration: string): string => `import { label } from '../../shared/label';

export function accountLabel(login: string): string {
    return label('${integration}', login);
}
`;

const VALIDATE = `import { createOnEvent } from 'nango';
import { accountLabel } from '../helpers/account';

export default createOnEvent({
    description: 'the same account on reconnect',
    event: 'validate-connection',
    exec: async (nango) => {
        const metadata = (await nango.getMetadata()) as { login?: string } | null;
        const res = await nango.get<{ login: string }>({ endpoint: '/user' });
        if (metadata?.login && metadata.login !== res.data.login) {
            throw new nango.ActionError({ message: 'account changed to ' + accountLabel(res.data.login) });
        }
        await nango.log('validated ' + accountLabel(res.data.login));
    }
});
`;

const SEED = `import { createOnEvent } from 'nango';
import { accountLabel } from '../helpers/account';

export default createOnEvent({
    description: 'remember the account',
    event: 'post-connection-creation',
    exec: async (nango) => {
        const res = await nango.get<{ login: string; id: number }>({ endpoint: '/user' });
        await nango.setMetadata({ login: res.data.login, accountId: res.data.id, label: accountLabel(res.data.login) });
    }
});
`;

const CLEANUP = `import { createOnEvent } from 'nango';

export default createOnEvent({
    description: 'remove the webhook',
    event: 'pre-connection-deletion',
    exec: async (nango) => {
        await nango.delete({ endpoint: '/hooks/1' });
        await nango.log('webhook removed');
    }
});
`;

function fixtures(integrations: string[]): object {
    const account = (login: string, id: number): object => ({
        credentials: { type: 'OAUTH2', access_token: `gho_fake0${login}0token` },
        identity: { login, id }
    });
    return {
        environment: { name: 'dev', variables: {} },
        integrations: Object.fromEntries(
            integrations.map((name, i) => [
                name,
                {
                    provider: 'github',
                    accounts: { alpha: account(`alpha-${i}`, 1000 + i), beta: account(`beta-${i}`, 2000 + i) },
                    responses: [
                        { method: 'GET', path: '/user', account: 'alpha', body: { login: `alpha-${i}`, id: 1000 + i } },
                        { method: 'GET', path: '/user', account: 'beta', body: { login: `beta-${i}`, id: 2000 + i } },
                        { method: 'DELETE', path: '/hooks/:id', status: 204 }
                    ]
                }
            ])
        ),
        connections: []
    };
}

/** Four lifecycle stories, turned by index: 2 to 4 steps each. */
function scenario(integration: string, i: number, index: number, fail: boolean): { json: object; steps: number } {
    const connection = `conn-${index}`;
    const login = `alpha-${i}`;
    const kinds = [
        [
            { action: 'connect', account: 'alpha', expect: { outcome: 'created', metadata: { login: fail ? 'nobody' : login } } },
            { action: 'reconnect', account: 'beta', expect: { ok: false, status: 'refresh_exhausted', error: { message: 'account changed' } } },
            { action: 'reconnect', account: 'alpha', expect: { status: 'active' } },
            { action: 'delete', expect: { requests: [{ method: 'DELETE', path: '/hooks/:id', status: 204, count: 1 }] } }
        ],
        [
            { action: 'connect', account: 'beta', expect: { status: 'active', logs: [`validated ${integration}:beta-${i}`] } },
            { action: 'dryrun', function: 'seed', expect: { metadata: { accountId: fail ? 0 : 2000 + i } } }
        ],
        [
            { action: 'connect', account: 'alpha' },
            { action: 'reset' },
            { action: 'connect', account: 'beta', expect: { metadataEquals: { login: `beta-${i}`, accountId: 2000 + i, label: `${integration}:beta-${i}` } } }
        ],
        [
            { action: 'connect', account: 'alpha', expect: { requestCount: fail ? 9 : 2 } },
            { action: 'delete', expect: { logs: ['webhook removed'] } }
        ]
    ];
    const steps = kinds[index % kinds.length]!;
    return { json: { name: `story ${index}`, integration, connection, steps }, steps: steps.length };
}

export function generateScenarioProject(opts: ScenarioProjectOptions): ScenarioProject {
    const root = mkdtempSync(path.join(os.tmpdir(), 'nango-scenario-project-'));
    const write = (relative: string, text: string): void => {
        const file = path.join(root, relative);
        mkdirSync(path.dirname(file), { recursive: true });
        writeFileSync(file, text);
    };
    const integrations = Array.from({ length: opts.integrations }, (_, i) => `integration-${String(i).padStart(3, '0')}`);
    const imports: string[] = [];
    let scenarioCount = 0;
    let stepCount = 0;
    write('shared/label.ts', SHARED_HELPER);
    integrations.forEach((integration, i) => {
        write(`${integration}/helpers/account.ts`, accountHelper(integration));
        for (const [name, source] of [
            ['validate', VALIDATE],
            ['seed', SEED],
            ['cleanup', CLEANUP]
        ] as const) {
            write(`${integration}/on-events/${name}.ts`, source);
            imports.push(`import './${integration}/on-events/${name}.js';`);
        }
        const scenarios = Array.from({ length: opts.scenariosPerIntegration }, (_, index) => {
            const global = scenarioCount + index + 1;
            const made = scenario(integration, i, index, Boolean(opts.failEvery && global % opts.failEvery === 0));
            stepCount += made.steps;
            return made.json;
        });
        scenarioCount += scenarios.length;
        write(`.nango-emulator/scenarios/${integration}.json`, JSON.stringify({ scenarios }, null, 2) + '\n');
    });
    write('index.ts', imports.join('\n') + '\n');
    write('.nango-emulator/fixtures.json', JSON.stringify(fixtures(integrations), null, 2) + '\n');
    return { root, integrations, scenarioCount, stepCount, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}
