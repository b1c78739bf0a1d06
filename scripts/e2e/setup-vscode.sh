#!/usr/bin/env bash
# Installs a real VS Code (the one bundled in the npm package `code-server`) and Debian's Chromium,
# so that test/e2e can drive a real VS Code workbench headless with playwright-core.
#
# Why code-server: @vscode/test-electron downloads VS Code from update.code.visualstudio.com, which
# these machines cannot reach. code-server ships VS Code's server + web workbench through npm, and its
# Node extension host loads extensions from --extensions-dir exactly like desktop VS Code.
#
# Idempotent. Installs OUTSIDE the repo into ${NANGO_E2E_CACHE:-$HOME/.cache/nango-ext-e2e}:
#   <cache>/code-server-<version>/            the npm install (complete only when .stamp exists)
#   <cache>/current.json                      what test/e2e/harness.ts reads (entry point, versions)
# A second run on the same machine checks the stamp and apt packages and exits in about a second.
# Any failure exits non-zero with a message; nothing is skipped silently.
#
# Environment:
#   NANGO_E2E_CACHE                 cache dir (default ~/.cache/nango-ext-e2e)
#   NANGO_E2E_CODE_SERVER_VERSION   code-server version (default below; its VS Code must be 1.100.x)
#   NANGO_E2E_FORCE=1               reinstall code-server even when the stamp matches
set -euo pipefail

# code-server 4.100.3 bundles VS Code 1.100.3 (package.json "engines.vscode": "^1.100.0").
CODE_SERVER_VERSION="${NANGO_E2E_CODE_SERVER_VERSION:-4.100.3}"
EXPECTED_VSCODE_MINOR="${NANGO_E2E_EXPECTED_VSCODE:-1.100}"
# Bump when the install steps below change, so that warm caches are rebuilt.
RECIPE_REV=1
CACHE="${NANGO_E2E_CACHE:-$HOME/.cache/nango-ext-e2e}"
APT_PACKAGES=(chromium ripgrep libkrb5-dev fonts-liberation fonts-dejavu-core build-essential python3 pkg-config)

T0=$(date +%s)
log() { printf '[setup-vscode %3ss] %s\n' "$(($(date +%s) - T0))" "$*" >&2; }
die() { printf '\n[setup-vscode] ERROR: %s\n\n' "$*" >&2; exit 1; }
trap 'rc=$?; [ $rc -eq 0 ] || printf "[setup-vscode] FAILED (exit %s) at line %s: %s\n" "$rc" "$LINENO" "$BASH_COMMAND" >&2' EXIT

[ "$(uname -s)" = Linux ] || die "this script supports Linux (Debian/Ubuntu) only; on other systems use test/e2e/electron/runTest.ts"
command -v node >/dev/null || die "node is not on PATH"
command -v npm >/dev/null || die "npm is not on PATH"
NODE_MAJOR=$(node -p 'process.versions.node.split(".")[0]')
[ "$NODE_MAJOR" = 20 ] || die "code-server $CODE_SERVER_VERSION requires Node 20 (its native modules are built for the Node that runs it); found $(node -v)"

# ---------------------------------------------------------------------------------------------
# 1. Debian packages (only the missing ones)
# ---------------------------------------------------------------------------------------------
missing=()
for p in "${APT_PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then missing+=("$p"); fi
done
if [ ${#missing[@]} -gt 0 ]; then
    command -v apt-get >/dev/null || die "apt-get not found; install these packages yourself: ${missing[*]}"
    SUDO=()
    if [ "$(id -u)" != 0 ]; then
        command -v sudo >/dev/null && sudo -n true 2>/dev/null || die "need root (or passwordless sudo) to install: ${missing[*]}"
        SUDO=(sudo -n)
    fi
    log "apt: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    "${SUDO[@]}" apt-get update -qq || die "apt-get update failed"
    "${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
        || die "apt-get install failed for: ${missing[*]}"
fi
[ -x /usr/bin/chromium ] || die "/usr/bin/chromium missing after installing the chromium package"
[ -x /usr/bin/rg ] || die "/usr/bin/rg missing after installing the ripgrep package"
log "apt packages ok ($(/usr/bin/chromium --version 2>/dev/null | head -1); rg $(/usr/bin/rg --version | head -1 | cut -d' ' -f2))"

# ---------------------------------------------------------------------------------------------
# 2. code-server, cached; the stamp says a complete install for this recipe/node ABI exists
# ---------------------------------------------------------------------------------------------
NODE_ABI=$(node -p process.versions.modules)
ARCH=$(node -p 'process.platform + "-" + process.arch')
STAMP_KEY="code-server=$CODE_SERVER_VERSION recipe=$RECIPE_REV node-abi=$NODE_ABI arch=$ARCH"
DEST="$CACHE/code-server-$CODE_SERVER_VERSION"
mkdir -p "$CACHE"

# One installer at a time per cache (parallel CI jobs on one machine share it).
exec 9>"$CACHE/.lock"
flock -w 1800 9 || die "timed out waiting for another setup-vscode.sh holding $CACHE/.lock"

write_current() {
    local vscode_version
    vscode_version=$(node -p "require('$DEST/node_modules/code-server/lib/vscode/package.json').version")
    cat > "$CACHE/current.json.tmp" <<EOF
{
  "codeServerVersion": "$CODE_SERVER_VERSION",
  "vscodeVersion": "$vscode_version",
  "root": "$DEST/node_modules/code-server",
  "entry": "$DEST/node_modules/code-server/out/node/entry.js",
  "chromium": "/usr/bin/chromium",
  "nodeAbi": "$NODE_ABI",
  "recipe": $RECIPE_REV
}
EOF
    mv -f "$CACHE/current.json.tmp" "$CACHE/current.json"
}

if [ "${NANGO_E2E_FORCE:-}" != 1 ] && [ -f "$DEST/.stamp" ] && [ "$(cat "$DEST/.stamp")" = "$STAMP_KEY" ] \
    && [ -f "$DEST/node_modules/code-server/out/node/entry.js" ]; then
    write_current
    log "warm cache: $DEST ($STAMP_KEY)"
    exit 0
fi

# Build in a staging dir and rename at the end: an interrupted run never leaves a half install.
rm -rf "$CACHE"/code-server-*.staging-* 2>/dev/null || true
STAGE="$DEST.staging-$$"
mkdir -p "$STAGE"
# NANGO_E2E_KEEP_STAGE=1 keeps a failed staging dir for inspection.
cleanup_stage() { [ "${NANGO_E2E_KEEP_STAGE:-}" = 1 ] || rm -rf "$STAGE"; }
trap 'rc=$?; cleanup_stage; [ $rc -eq 0 ] || printf "[setup-vscode] FAILED (exit %s)\n" "$rc" >&2' EXIT

# node-gyp must find headers for THIS node locally: it would otherwise download them from
# nodejs.org, which is unreachable. NodeSource/official builds ship them in <prefix>/include/node.
if [ -z "${npm_config_nodedir:-}" ]; then
    NODE_PREFIX=$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")
    if [ -f "$NODE_PREFIX/include/node/node.h" ]; then
        export npm_config_nodedir="$NODE_PREFIX"
    elif [ -d "$HOME/.cache/node-gyp/$(node -p process.versions.node)/include/node" ]; then
        : # node-gyp's own cache already holds the headers
    else
        die "no Node headers for $(node -v): expected $NODE_PREFIX/include/node/node.h (node-gyp cannot download them here). Install a Node build that ships its headers (NodeSource nodejs does) or set npm_config_nodedir."
    fi
fi
HDR="${npm_config_nodedir:-}/include/node/node_version.h"
if [ -f "$HDR" ]; then
    hv=$(awk '/define NODE_(MAJOR|MINOR|PATCH)_VERSION/{v=v (v?".":"") $3} END{print v}' "$HDR")
    [ "v$hv" = "$(node -v)" ] || die "Node headers in $npm_config_nodedir are v$hv but node is $(node -v)"
fi
# code-server's install scripts read the package manager from this; some natives check it too.
export npm_config_user_agent="npm/$(npm -v 2>/dev/null) node/$(node -v) linux $(node -p process.arch)"
export npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false
export JOBS=max # node-gyp: make -j<cores>
NODE_GYP="$(npm root -g 2>/dev/null)/npm/node_modules/node-gyp/bin/node-gyp.js"
[ -f "$NODE_GYP" ] || die "npm's bundled node-gyp not found at $NODE_GYP"

log "npm: code-server@$CODE_SERVER_VERSION into $STAGE (--ignore-scripts: its postinstall downloads ripgrep from GitHub)"
echo '{ "private": true, "name": "nango-ext-e2e-code-server" }' > "$STAGE/package.json"
(cd "$STAGE" && npm install --ignore-scripts --no-audit --no-fund --loglevel=error "code-server@$CODE_SERVER_VERSION") \
    || die "npm install code-server@$CODE_SERVER_VERSION failed"
CS="$STAGE/node_modules/code-server"
VS="$CS/lib/vscode"
vscode_version=$(node -p "require('$VS/package.json').version")
case "$vscode_version" in "$EXPECTED_VSCODE_MINOR".*) ;; *) die "code-server $CODE_SERVER_VERSION bundles VS Code $vscode_version, expected $EXPECTED_VSCODE_MINOR.x" ;; esac

log "native: argon2 (code-server's own; built from source)"
(cd "$STAGE" && npm rebuild argon2 --build-from-source --loglevel=error) || die "building argon2 failed"

log "npm: VS Code $vscode_version server dependencies (lib/vscode)"
(cd "$VS" && npm install --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error) \
    || die "npm install in $VS failed"

log "ripgrep: @vscode/ripgrep/bin/rg -> /usr/bin/rg"
mkdir -p "$VS/node_modules/@vscode/ripgrep/bin"
ln -sfn /usr/bin/rg "$VS/node_modules/@vscode/ripgrep/bin/rg"

# Every package with a binding.gyp gets compiled for this Node (their install scripts were skipped;
# some would try to download prebuilt binaries from GitHub). Windows-only ones compile to nothing.
mapfile -t GYP_PKGS < <(cd "$VS/node_modules" && find . -mindepth 2 -maxdepth 3 -name binding.gyp -not -path '*/node_modules/*/node_modules/*' -printf '%h\n' | sed 's|^\./||' | sort)
[ ${#GYP_PKGS[@]} -gt 0 ] || die "no native packages found under $VS/node_modules (unexpected layout)"
for pkg in "${GYP_PKGS[@]}"; do
    case "$pkg" in
        @vscode/windows-*) log "native: $pkg skipped (Windows-only; VS Code loads it only on win32)"; continue ;;
    esac
    log "native: $pkg"
    (cd "$VS/node_modules/$pkg" && node "$NODE_GYP" rebuild --loglevel=error >"$STAGE/gyp-${pkg//\//_}.log" 2>&1) \
        || { tail -40 "$STAGE/gyp-${pkg//\//_}.log" >&2; die "node-gyp rebuild failed for $pkg (log above)"; }
done

# Load every native package in this Node: a broken build fails here, not later inside the workbench.
# (require, not dlopen of each .node: some packages, e.g. @vscode/deviceid, compile an empty
# Windows-only addon on Linux that is never loaded there.)
BUILT=()
for pkg in "${GYP_PKGS[@]}"; do case "$pkg" in @vscode/windows-*) ;; *) BUILT+=("$VS/node_modules/$pkg") ;; esac; done
BUILT+=("$STAGE/node_modules/argon2")
for dir in "${BUILT[@]}"; do
    node -e 'require(process.argv[1])' "$dir" || die "native package does not load in $(node -v): $dir"
done
for required in @vscode/spdlog node-pty native-watchdog kerberos; do
    ls "$VS/node_modules/$required/build/Release/"*.node >/dev/null 2>&1 || die "no compiled addon for $required"
done
log "native: ${#BUILT[@]} packages load: $(for d in "${BUILT[@]}"; do printf '%s ' "${d##*/node_modules/}"; done)"

log "layout: node_modules.asar link, bin scripts"
ln -sfn node_modules "$VS/node_modules.asar"
(cd "$VS/bin/remote-cli" && ln -sfn code-linux.sh code-server)
(cd "$VS/bin/helpers" && ln -sfn browser-linux.sh browser.sh)

log "npm: built-in extensions' shared dependencies (lib/vscode/extensions: typescript)"
(cd "$VS/extensions" && npm install --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error) \
    || die "npm install in $VS/extensions failed"
(cd "$VS/extensions" && node postinstall.mjs >/dev/null) || die "extensions/postinstall.mjs failed"

log "check: code-server --version"
# (its own config dir: code-server writes a default config.yaml on start)
ver_out=$(XDG_CONFIG_HOME="$STAGE/.xdg" XDG_DATA_HOME="$STAGE/.xdg" node "$CS/out/node/entry.js" --version 2>&1) || die "code-server does not start: $ver_out"
log "  $ver_out"

rm -rf "$STAGE"/gyp-*.log "$STAGE/.xdg"
echo "$STAMP_KEY" > "$STAGE/.stamp"
rm -rf "$DEST"
mv "$STAGE" "$DEST"
trap - EXIT
write_current
log "done: $DEST (VS Code $vscode_version)"
