#!/usr/bin/env bash
# The project's test command: system set-up (idempotent), then the Swift Testing suites.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
# Style (.swift-format): any warning fails the run.
swift format lint --strict --recursive Sources Tests
swift build
# The shards must load with Hugging Face datasets (installed here once if missing).
python3 -c "import datasets, zstandard" 2>/dev/null || python3 -m pip install -q datasets zstandard
python3 scripts/check_datasets_load.py
swift test
