#!/usr/bin/env bash
# The project's test command: system set-up (idempotent), then the Swift Testing suites.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
swift build
swift test
