#!/usr/bin/env bash
# Tools the test suite drives for real, from Debian's packages: chromium for the browser
# test (Playwright's own browser download cannot work here) and 7-Zip to open the
# AES-encrypted archives as a user would; promtool (package prometheus) checks and unit-tests
# the shipped alerting rules.
set -euo pipefail
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium chromium-driver)
command -v 7zz >/dev/null || missing+=(7zip)
command -v promtool >/dev/null || missing+=(prometheus)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "The tests need: sudo apt-get install ${missing[*]}" >&2; exit 1
fi
echo "Installing ${missing[*]} for the tests" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq "${missing[@]}" >/dev/null
