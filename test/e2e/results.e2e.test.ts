/**
 * Results at the handler's code, as a user sees them in a real VS Code (code-server + headless
 * Chromium): after "▶ Reconnect…" as another org, the nango.get line ends with the request's status and
 * duration, hovering it shows the request and response, the lens line says the run was rejected, and the
 * "Run Results" view lists the run. What only the screen shows (the after-text is drawn by the editor,
 * not reachable through the API) is checked here; screenshots land in test-results/e2e/results/.
 *
 * Needs `npm run build` and `bash scripts/e2e/setup-vscode.sh` (the extension is linked from dist/).
 * Run: npx mocha --no-config --node-option import=tsx --timeout 180000 test/e2e/results.e2e.test.ts
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { copyWorkspace, launchVSCode, repoRoot, until, type VSCodeSession } from './harness';

const EXTENSION_ID = 'nango-event-functions.nango-event-functions';
const HANDLER = 'nango-integrations/salesforce/on-events/validate-connection.ts';
const SEED = 'nango-integrations/github/on-events/seed-metadata.ts';
/** The nango.get line of the validate-connection example. */
const CALL_LINE_TEXT = 'const response = await nango.get<UserInfo>({';

describe('results at the code in a real VS Code', function () {
    let vscode: VSCodeSession | undefined;

    before(async function () {
        const workspace = copyWorkspace(path.join(repoRoot, 'examples', 'nango-integrations'));
        // seed-metadata asks for an endpoint no fixture answers: its line shows the failure in the error colour.
        const seed = path.join(workspace, SEED);
        writeFileSync(seed, readFileSync(seed, 'utf8').replace("endpoint: '/user/orgs'", "endpoint: '/user/organizations'"));
        vscode = await launchVSCode({ workspace, extensions: [{ path: repoRoot }], name: 'results' });
        await vscode.waitForExtensionActivated(EXTENSION_ID);
    });
    afterEach(async function () {
        const v = vscode;
        if (this.currentTest?.state === 'failed' && v) {
            const slug = (this.currentTest.title || 'test').replace(/[^a-z0-9]+/gi, '-').slice(0, 60);
            await v.screenshot(`FAILED-${slug}`).catch(() => undefined);
            v.saveLogs();
        }
    });
    after(async function () {
        await vscode?.close();
    });

    /** The after-text the editor draws at the end of the call line (a CSS ::after of an injected span). */
    async function afterTextOfCallLine(v: VSCodeSession, lineText = CALL_LINE_TEXT): Promise<{ text: string; color: string } | undefined> {
        return v.activeEditor.locator('.view-lines').evaluate((root, wanted) => {
            // Runs in the page: the DOM's getComputedStyle (the tests' tsconfig has no DOM types).
            const getComputedStyle = (globalThis as unknown as { getComputedStyle(el: unknown, pseudo?: string): { content: string; color: string } })
                .getComputedStyle;
            type Node = { textContent: string | null; querySelectorAll(selector: string): ArrayLike<Node> };
            const lines = Array.from((root as unknown as Node).querySelectorAll('.view-line'));
            const line = lines.find((l) => (l.textContent ?? '').replace(/\u00a0/g, ' ').includes(wanted));
            if (!line) return undefined;
            for (const span of Array.from(line.querySelectorAll('span'))) {
                const style = getComputedStyle(span, '::after');
                const content = style.content;
                if (content && content !== 'none' && content !== 'normal' && content.includes('→'))
                    return { text: content.replace(/^"|"$/g, '').replace(/\\a0|\u00a0/g, ' '), color: style.color };
                const own = (span.textContent ?? '').replace(/\u00a0/g, ' ');
                if (own.includes('→')) return { text: own, color: getComputedStyle(span).color };
            }
            return undefined;
        }, lineText);
    }

    it('after a rejected reconnect: the call line shows status and duration, the lens line the outcome', async function () {
        const v = vscode!;
        await v.openFile(HANDLER);
        await v.clickCodeLens('▶ Reconnect…');
        await v.pickQuickPickItem('sf-acme');
        await v.pickQuickPickItem('globex');
        await v.waitForNotification(/rejected by validate-connection: Salesforce org mismatch/, 60_000);
        await v.resetUI();
        const after = await until('the after-text on the nango.get line', () => afterTextOfCallLine(v), { timeoutMs: 20_000 });
        assert.match(after.text, /GET \/services\/oauth2\/userinfo → 200 · \d+ ms/);
        const lens = await v.waitForCodeLens(/rejected: Salesforce org mismatch/);
        assert.match((await lens.textContent()) ?? '', /rejected: Salesforce org mismatch: expected 00D5g00000AcmeXEAR/);
        await v.screenshot('call-line-and-lens');
    });

    it('hovering the call line shows the request, the account, the fixture and the response body', async function () {
        const v = vscode!;
        const line = v.activeEditor.locator('.view-line', { hasText: 'nango.get<UserInfo>' }).first();
        await line.hover({ position: { x: 120, y: 5 } });
        const hover = v.page.locator('.monaco-hover', { hasText: 'Nango emulator' }).first();
        await hover.waitFor({ state: 'visible', timeout: 20_000 });
        const text = await hover.innerText();
        assert.match(text, /GET https:\/\/globex\.my\.salesforce\.com\/services\/oauth2\/userinfo/);
        assert.match(text, /status 200 · \d+ ms · account globex/);
        assert.match(text, /"organization_id": "00D8c00000GlbxYEAQ"/);
        assert.doesNotMatch(text, /fake-access-token/);
        await v.screenshot('call-line-hover');
    });

    it('the lens opens the Run Results view: outcome once, the ActionError payload without its message, the request, the logs', async function () {
        const v = vscode!;
        await v.page.keyboard.press('Escape');
        await v.clickCodeLens(/rejected: Salesforce org mismatch/);
        const view = v.page.locator('.part.sidebar [id="workbench.view.extension.nango"]').first();
        let seen = '';
        const text = await until(
            'the Run Results view to show the run',
            async () => {
                const t = (seen = await view.innerText());
                return /rejected as intended/.test(t) && /GET \/services\/oauth2\/userinfo/.test(t) ? t : undefined;
            },
            { timeoutMs: 20_000 }
        ).catch((err: Error) => {
            throw new Error(`${err.message}\nThe view shows:\n${seen}`);
        });
        assert.match(text, /Dry run rejected as intended/);
        assert.match(text, /ActionError: Salesforce org mismatch/);
        assert.match(text, /expectedOrganizationId\s*"00D5g00000AcmeXEAR"/);
        assert.doesNotMatch(text, /^message\s/m);
        assert.match(text, /200 · \d+ ms · globex · validate-connection\.ts:28/);
        await v.screenshot('results-view');
    });

    it('a request no fixture answers: its line says so in the error colour, the line that was answered does not', async function () {
        const v = vscode!;
        await v.openFile(SEED);
        await v.clickCodeLens('▶ Dry run');
        await v.pickQuickPickItem('gh-admin');
        await v.waitForNotification(/Dry run failed: github\/seed-metadata: UnmatchedRequestError|Dry run failed: github\/seed-metadata/, 60_000);
        await v.resetUI();
        const answered = await until('the after-text of the /user call', () => afterTextOfCallLine(v, 'const user = await nango.get<GitHubUser>({'), {
            timeoutMs: 20_000
        });
        const unmatched = await until('the after-text of the /user/organizations call', () => afterTextOfCallLine(v, 'const organizations = await nango.get'), {
            timeoutMs: 20_000
        });
        assert.match(answered.text, /GET \/user → 200 · \d+ ms/);
        assert.match(unmatched.text, /GET \/user\/organizations → no fixture · \d+ ms/);
        assert.notEqual(unmatched.color, answered.color, 'the unmatched request is drawn in the same colour as the answered one');
        const [r, g, b] = (/\d+/g.exec(unmatched.color) ? unmatched.color.match(/\d+/g)!.map(Number) : []) as number[];
        assert.ok(r! > g! && r! > b!, `the unmatched request's colour is not an error red: ${unmatched.color}`);
        await v.waitForCodeLens(/failed: /);
        await v.screenshot('unmatched-request');
    });
});
