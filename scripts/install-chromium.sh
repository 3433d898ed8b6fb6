#!/usr/bin/env bash
# Headless Chromium for the e2e suite: Debian's package, driven by playwright-core with
# executablePath /usr/bin/chromium (playwright's own browser download cannot happen here).
# Idempotent; needs no stdin.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive NEEDRESTART_SUSPEND=1
CHROMIUM="${BLUEGREEN_CHROMIUM:-/usr/bin/chromium}"

if [[ -x "$CHROMIUM" ]]; then
  echo "[install-chromium] already installed: $("$CHROMIUM" --version 2>/dev/null || echo "$CHROMIUM")" >&2
  echo "$CHROMIUM"
  exit 0
fi
started=$(date +%s)
echo "[install-chromium] apt-get install chromium" >&2
apt-get -y -q -o DPkg::Lock::Timeout=600 update < /dev/null > /dev/null
apt-get -y -q -o DPkg::Lock::Timeout=600 install --no-install-recommends chromium fonts-dejavu-core < /dev/null > /dev/null
[[ -x "$CHROMIUM" ]] || { echo "[install-chromium] $CHROMIUM still missing" >&2; exit 1; }
echo "[install-chromium] done in $(( $(date +%s) - started ))s: $("$CHROMIUM" --version)" >&2
echo "$CHROMIUM"
