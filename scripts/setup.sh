#!/usr/bin/env bash
# Installs the system libraries corpus-clean builds against, only when they are missing.
# Safe to run again: it does nothing when everything is present.
set -euo pipefail
need=()
for pkg in libzstd-dev libxml2-dev libicu-dev libssl-dev libsimdjson-dev pkg-config zstd; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
  echo "setup: installing ${need[*]}" >&2
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi
