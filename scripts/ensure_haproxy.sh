#!/usr/bin/env bash
# `make prod-local` and the fault tests put HAProxy in front of the app servers: Debian's
# package. Install it when missing and we are allowed to; otherwise say what to do. Only the
# program is wanted: Debian's own service is stopped and disabled if the package started it,
# so it never holds a port (our configuration is deploy/haproxy.cfg, run by the scripts).
set -euo pipefail
if command -v haproxy >/dev/null 2>&1 || [ -x /usr/sbin/haproxy ]; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's haproxy for the production-like run ..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq haproxy >/dev/null
  if command -v systemctl >/dev/null 2>&1; then
    systemctl disable --now haproxy >/dev/null 2>&1 || true
  fi
  if [ -x /etc/init.d/haproxy ]; then
    /etc/init.d/haproxy stop >/dev/null 2>&1 || true
  fi
  exit 0
fi
echo "The production-like run needs HAProxy: install it with 'sudo apt-get install -y haproxy'." >&2
exit 1
