#!/bin/sh
# A stand-in for the VS Code executable that @vscode/test-electron's runTests() launches (its
# `vscodeExecutablePath`), for machines that cannot download desktop VS Code: it takes the same
# command line (workspace, --extensionDevelopmentPath=, --extensionTestsPath=, --user-data-dir=, …)
# and runs the suite in this machine's code-server instead (./codeServerStandIn.ts).
# Exit code: the suite's (0 = every test passed), as VS Code's would be.
here=$(CDPATH= cd -- "$(dirname -- "$0")" && pwd)
exec "$here/../../../node_modules/.bin/tsx" "$here/codeServerStandIn.ts" "$@"
