#!/usr/bin/env bash
# Installs a real VS Code (code-server) for the extension-host and e2e suites, cached OUTSIDE the
# clone and keyed by version, so CI can reuse it and a fresh machine still gets one.
# code-server's own install scripts download things this machine cannot reach, so it is installed
# from the npm registry with scripts off and its native parts are built one by one (DESIGN §4).
#
#   scripts/install-code-server.sh            # installs (or finds) it; prints the binary's path last
#   BLUEGREEN_CODE_SERVER_VERSION=4.100.3     # VS Code 1.100.3; newer ones need Node 22+
#   BLUEGREEN_CODE_SERVER_DIR=/some/dir       # where it goes (default /var/cache/bluegreen/code-server-VERSION)
#
# Idempotent: a finished install leaves a marker; anything without it is wiped and redone.
# Needs no stdin; apt and npm run non-interactively.
set -euo pipefail

VERSION="${BLUEGREEN_CODE_SERVER_VERSION:-4.100.3}"
DIR="${BLUEGREEN_CODE_SERVER_DIR:-/var/cache/bluegreen/code-server-$VERSION}"
MARKER="$DIR/.bluegreen-installed"
BIN="$DIR/bin/code-server"
export npm_config_yes=true npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false
export DEBIAN_FRONTEND=noninteractive NEEDRESTART_SUSPEND=1

started=$(date +%s)
say() { echo "[install-code-server +$(( $(date +%s) - started ))s] $*" >&2; }

check() {
  # --version prints "4.100.3 <commit> with Code 1.100.3" (after a log line on its very first
  # run, when it writes its default config file)
  local out line
  out=$("$BIN" --version 2>/dev/null) || return 1
  while IFS= read -r line; do
    [[ "$line" == "$VERSION "* ]] && { echo "$line"; return 0; }
  done <<< "$out"
  return 1
}

mkdir -p "$(dirname "$DIR")"
# One installer at a time per cache folder (parallel CI jobs, or two engineers).
exec 9>"$DIR.lock"
flock 9

if [[ -f "$MARKER" ]] && version_line=$(check); then
  say "already installed: $version_line"
  echo "$BIN"
  exit 0
fi

apt_get() {
  # Waits for another apt/dpkg rather than failing on its lock.
  apt-get -y -q -o DPkg::Lock::Timeout=600 "$@" < /dev/null
}
missing=()
for pkg in libkrb5-dev pkg-config ripgrep python3 make g++; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if (( ${#missing[@]} )); then
  say "apt-get install ${missing[*]}"
  apt_get update > /dev/null
  apt_get install --no-install-recommends "${missing[@]}" > /dev/null
fi

say "installing code-server@$VERSION into $DIR"
rm -rf "$DIR"
mkdir -p "$DIR"
cd "$DIR"
echo '{"name":"bluegreen-code-server","private":true}' > package.json
npm install --ignore-scripts --no-save --loglevel=error "code-server@$VERSION" < /dev/null
CS="$DIR/node_modules/code-server"
VS="$CS/lib/vscode"

say "lib/vscode: npm install --omit=dev --ignore-scripts"
(cd "$VS" && npm install --omit=dev --ignore-scripts --loglevel=error < /dev/null)

# @vscode/ripgrep's postinstall downloads rg from GitHub; Debian's rg is the same program.
mkdir -p "$VS/node_modules/@vscode/ripgrep/bin"
cp "$(command -v rg)" "$VS/node_modules/@vscode/ripgrep/bin/rg"

say "lib/vscode: building native modules"
# node-pty's last step (compile_commands) may fail after pty.node is built; judge by the files.
(cd "$VS" && npm rebuild kerberos @parcel/watcher @vscode/deviceid @vscode/spdlog native-watchdog node-pty \
  --loglevel=error < /dev/null) || say "npm rebuild reported an error; checking the built files"
for built in \
  node_modules/node-pty/build/Release/pty.node \
  node_modules/@vscode/spdlog/build/Release/spdlog.node \
  node_modules/kerberos/build/Release/kerberos.node \
  node_modules/native-watchdog/build/Release/watchdog.node \
  node_modules/@vscode/deviceid/build/Release/windows.node; do
  [[ "$built" == *deviceid* ]] && continue   # deviceid builds a native part only on Windows
  [[ -f "$VS/$built" ]] || { say "missing after rebuild: $built"; exit 1; }
done
ls "$VS"/node_modules/@parcel/watcher/build/Release/*.node > /dev/null 2>&1 \
  || ls "$VS"/node_modules/@parcel/watcher-linux-x64-glibc/*.node > /dev/null 2>&1 \
  || { say "missing after rebuild: @parcel/watcher native module"; exit 1; }

# The server looks for the packed node_modules of a VS Code release; the plain folder serves.
ln -sfn node_modules "$VS/node_modules.asar"
ln -sfn code-linux.sh "$VS/bin/remote-cli/code-server"
ln -sfn browser-linux.sh "$VS/bin/helpers/browser.sh"

say "lib/vscode/extensions: npm install --omit=dev --ignore-scripts"
(cd "$VS/extensions" && npm install --omit=dev --ignore-scripts --loglevel=error < /dev/null)

say "argon2 (password hashing; loaded even with --auth none)"
npm rebuild argon2 --loglevel=error < /dev/null

mkdir -p "$DIR/bin"
cat > "$BIN" <<WRAPPER
#!/bin/sh
exec node "$CS/out/node/entry.js" "\$@"
WRAPPER
chmod +x "$BIN"

version_line=$(check) || { say "code-server does not run: $("$BIN" --version 2>&1 | tail -n5)"; exit 1; }
touch "$MARKER"
say "done: $version_line"
echo "$BIN"
