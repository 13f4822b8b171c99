#!/usr/bin/env bash
# The browser tests drive Debian's chromium (Playwright's own browser download cannot work on
# these machines). Install it when missing and we are allowed to; otherwise say what to do.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's chromium for the browser tests ..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  exit 0
fi
echo "The browser tests need chromium: install it with 'sudo apt-get install -y chromium'." >&2
exit 1
