#!/usr/bin/env bash
# Type-checks the example Nango project against the real `nango` package (the versions pinned in its
# package-lock.json), the way a user who copies it would. Works from any directory; exits non-zero
# when the install or the type-check fails.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
example="$root/examples/nango-integrations"

# npm ci deletes and rewrites node_modules: serialize concurrent runs on the same checkout.
if command -v flock >/dev/null 2>&1; then
    exec 9>"${TMPDIR:-/tmp}/check-examples-$(printf '%s' "$example" | cksum | cut -d' ' -f1).lock"
    flock 9
fi

cd "$example"
# --ignore-scripts: nothing in the example needs install scripts, and they may reach the network.
npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null
npx --no-install tsc --noEmit -p tsconfig.json
echo "examples/nango-integrations: tsc --noEmit passed"
