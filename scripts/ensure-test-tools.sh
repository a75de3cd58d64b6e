#!/usr/bin/env bash
# Tools the test suite drives for real, from Debian's packages: chromium for the browser
# test (Playwright's own browser download cannot work here) and 7-Zip to open the
# AES-encrypted archives as a user would; promtool (package prometheus) checks and unit-tests
# the shipped alerting rules; pgbouncer runs a job through transaction pooling (the test
# starts its own on a free port: Debian's service is kept off, see the end).
set -euo pipefail
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium chromium-driver)
command -v 7zz >/dev/null || missing+=(7zip)
command -v promtool >/dev/null || missing+=(prometheus)
[ -x /usr/sbin/pgbouncer ] || missing+=(pgbouncer)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "The tests need: sudo apt-get install ${missing[*]}" >&2; exit 1
fi
echo "Installing ${missing[*]} for the tests" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq "${missing[@]}" >/dev/null
# Debian starts pgbouncer as a service on 127.0.0.1:6432 where an init system runs; the
# tests need only the binary, and a listener nobody configured must not stay up.
if [[ " ${missing[*]} " == *" pgbouncer "* ]]; then
  if command -v systemctl >/dev/null && [ -d /run/systemd/system ]; then
    systemctl disable --now pgbouncer.service >/dev/null 2>&1 || true
  elif [ -x /etc/init.d/pgbouncer ]; then
    /etc/init.d/pgbouncer stop >/dev/null 2>&1 || true
    command -v update-rc.d >/dev/null && update-rc.d pgbouncer disable >/dev/null 2>&1 || true
  fi
fi
