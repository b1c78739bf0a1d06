// The payload nango's CLI would post for the example's event functions, from its real `nango compile`.
// Each field names the Nango file it follows.
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { runNangoCompile } from '../../../emulator/deploy/nango-compile';
import {
    buildOnEventScriptsByProvider,
    confirmationBody,
    deployBody,
    eventFunctionsOf,
    flowsOf,
    projectNangoVersion,
    readDefinitions,
    sdkVersionOf
} from '../../../emulator/deploy/payload';
import { compilableExample } from './helpers';

describe('deploy payload (nango 0.71.10 zeroYaml/deploy.js createDeployConfirmationPackage)', function () {
    this.timeout(120_000);
    let root: string;
    before(async () => {
        root = compilableExample();
        await runNangoCompile(root);
    });
    after(() => rmSync(root, { recursive: true, force: true }));

    it('reads the definitions nango compile wrote (.nango/nango.json, zeroYaml/compile.js generateNangoJson)', () => {
        const defs = readDefinitions(root);
        assert.deepEqual(
            defs.map((d) => d.providerConfigKey),
            ['salesforce', 'github']
        ); // index.ts import order
        assert.deepEqual(flowsOf(defs), []);
        assert.equal(eventFunctionsOf(defs).length, 5);
    });

    it('onEventScriptsByProvider: { providerConfigKey, scripts: [{ name, fileBody: { js, ts }, event }] } (deploy.js loadScriptFiles)', () => {
        const scripts = buildOnEventScriptsByProvider(root, readDefinitions(root));
        assert.deepEqual(
            scripts.map((p) => ({ providerConfigKey: p.providerConfigKey, scripts: p.scripts.map((s) => `${s.event}:${s.name}`) })),
            [
                {
                    providerConfigKey: 'salesforce',
                    scripts: [
                        'post-connection-creation:post-connection-setup',
                        'pre-connection-deletion:pre-connection-cleanup',
                        'validate-connection:validate-connection'
                    ]
                },
                { providerConfigKey: 'github', scripts: ['post-connection-creation:seed-metadata', 'validate-connection:validate-scopes'] }
            ]
        );
        for (const p of scripts) {
            for (const s of p.scripts) {
                // server/lib/controllers/sync/deploy/validation.ts: strict { name, fileBody, event }, fileBody strict { js, ts }.
                assert.deepEqual(Object.keys(s), ['name', 'fileBody', 'event']);
                assert.deepEqual(Object.keys(s.fileBody), ['js', 'ts']);
                // loadScriptJsFile: build/<integration>_on-events_<name>.cjs; loadScriptTsFile: <integration>/on-events/<name>.ts
                assert.equal(s.fileBody.js, readFileSync(path.join(root, 'build', `${p.providerConfigKey}_on-events_${s.name}.cjs`), 'utf8'));
                assert.equal(s.fileBody.ts, readFileSync(path.join(root, p.providerConfigKey, 'on-events', `${s.name}.ts`), 'utf8'));
                assert.match(s.fileBody.js, /type: "onEvent"/);
            }
        }
    });

    it('top-level fields: confirmation and deploy bodies as deploy.js deploy() sends them, reconcile false by default', () => {
        const scripts = buildOnEventScriptsByProvider(root, readDefinitions(root));
        const sdkVersion = sdkVersionOf(projectNangoVersion(root)!);
        assert.equal(sdkVersion, '0.71.10-zero'); // deploy.js: `${NANGO_VERSION}-zero`
        const confirmation = confirmationBody(scripts, { sdkVersion });
        assert.deepEqual(Object.keys(confirmation), ['flowConfigs', 'onEventScriptsByProvider', 'deployMode', 'reconcile', 'debug', 'sdkVersion']);
        assert.deepEqual(confirmation.flowConfigs, []);
        assert.equal(confirmation.reconcile, false); // postLegacyConfirmation: reconcile: false
        assert.equal(confirmation.deployMode, 'all'); // no --integration/--sync/--action
        const deploy = deployBody(scripts, { sdkVersion, reconcile: false });
        // postLegacyDeploy: { ...package, reconcile, debug, nangoYamlBody: '', sdkVersion, source } (no jsonSchema, no singleDeployMode)
        assert.deepEqual(Object.keys(deploy), [
            'flowConfigs',
            'onEventScriptsByProvider',
            'deployMode',
            'reconcile',
            'debug',
            'nangoYamlBody',
            'sdkVersion',
            'source'
        ]);
        assert.equal(deploy.nangoYamlBody, '');
        assert.equal(deploy.source, 'repo');
        assert.equal(deploy.reconcile, false);
    });
});
