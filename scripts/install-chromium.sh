#!/usr/bin/env bash
# Makes sure Debian's Chromium is at /usr/bin/chromium, for the access map's browser test
# (test/report/html.browser.test.ts drives it with playwright-core, which downloads no browser).
#
# Installed already: nothing to do. Otherwise, as root (or with password-less sudo) on a system with apt-get:
# `apt-get update && apt-get install -y chromium`, quietly and without questions. Anywhere else: says what to
# install, then exits 1 in CI (CI=true), so that CI stops here with the reason, and 0 on a developer's machine, where
# the browser test is then skipped with a warning (it fails in CI: it never passes without a browser).
# `npx projen test` runs this script first.
set -euo pipefail

cannot_install() {
  if [ "${CI:-}" = "true" ]; then exit 1; fi
  echo "install-chromium: not installed; the browser test (test/report/html.browser.test.ts) will be skipped" >&2
  exit 0
}

CHROMIUM=/usr/bin/chromium

if [ -x "$CHROMIUM" ]; then
  echo "install-chromium: $CHROMIUM is there ($("$CHROMIUM" --version 2>/dev/null || echo 'version unknown'))"
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-chromium: $CHROMIUM is missing and this system has no apt-get." >&2
  echo "  Install Chromium with the system's package manager so that it is at $CHROMIUM (for example 'dnf install chromium'," >&2
  echo "  'apk add chromium'), or run the browser test where Debian's chromium package can be installed." >&2
  cannot_install
fi

if [ "$(id -u)" -eq 0 ]; then
  AS_ROOT=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  AS_ROOT=(sudo -n)
else
  echo "install-chromium: $CHROMIUM is missing, and installing it needs root: run" >&2
  echo "  sudo apt-get update && sudo apt-get install -y chromium" >&2
  cannot_install
fi

echo "install-chromium: installing Debian's chromium with apt-get (takes a minute or two)"
export DEBIAN_FRONTEND=noninteractive
${AS_ROOT[@]+"${AS_ROOT[@]}"} apt-get update -qq
${AS_ROOT[@]+"${AS_ROOT[@]}"} apt-get install -y -qq chromium >/dev/null

if [ ! -x "$CHROMIUM" ]; then
  echo "install-chromium: apt-get installed chromium, but $CHROMIUM is still missing: check 'dpkg -L chromium'" >&2
  exit 1
fi
echo "install-chromium: installed $("$CHROMIUM" --version 2>/dev/null || echo "$CHROMIUM")"
