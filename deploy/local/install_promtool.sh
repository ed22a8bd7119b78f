#!/usr/bin/env bash
# Installs promtool (Debian's `prometheus` package ships it) when missing, for the alert rules' tests in `make test`:
# as root, or with sudo when it needs no password; apt-get update only when the first try fails. Without it those
# tests fail, saying how to install it.
set -uo pipefail
command -v promtool >/dev/null 2>&1 && exit 0
echo "promtool is missing: apt-get install -y prometheus"
as_root=()
[[ "$(id -u)" -ne 0 ]] && command -v sudo >/dev/null 2>&1 && as_root=(sudo -n)
{ "${as_root[@]}" apt-get install -y prometheus >/dev/null 2>&1 \
  || { "${as_root[@]}" apt-get update -qq && "${as_root[@]}" apt-get install -y prometheus >/dev/null 2>&1; }; } \
  || echo "could not install promtool; the alert rules' tests will fail"
exit 0
