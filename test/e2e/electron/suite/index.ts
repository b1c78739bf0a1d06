/**
 * Entry point that VS Code loads in the extension host (`extensionTestsPath`): runs the bundled
 * *.<suite>.test.js files next to this file with mocha and rejects when a test fails. NANGO_E2E_SUITE
 * names the suite: "electron" (default; one folder open) or "multiroot" (a workspace of two folders).
 * Launched by ../runTest.ts through @vscode/test-electron's runTests(), in desktop VS Code or in
 * code-server (../code-server-stand-in.sh). With NANGO_E2E_REPORT_FILE set (the stand-in sets it), the
 * mocha report goes to that file (the web workbench's log forwarding would mangle mocha's printf-style
 * console output) and the stand-in prints it.
 */
import Mocha from 'mocha';
import { appendFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { format } from 'node:util';

export function run(): Promise<void> {
    const reportFile = process.env.NANGO_E2E_REPORT_FILE;
    if (reportFile) {
        writeFileSync(reportFile, '');
        Mocha.reporters.Base.consoleLog = (...args: unknown[]) => appendFileSync(reportFile, format(...args) + '\n');
    }
    const mocha = new Mocha({ ui: 'bdd', timeout: 60_000, color: !reportFile });
    const suffix = `.${process.env.NANGO_E2E_SUITE ?? 'electron'}.test.js`;
    for (const f of readdirSync(__dirname).filter((f) => f.endsWith(suffix))) mocha.addFile(path.join(__dirname, f));
    return new Promise((resolve, reject) => {
        mocha.run((failures) => (failures > 0 ? reject(new Error(`${failures} test(s) failed`)) : resolve()));
    });
}
