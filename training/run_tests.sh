#!/usr/bin/env bash
# Training pipeline tests: unit tests always; the end-to-end smoke test
# (harvest, a tiny training run, export, ONNX checks) only where ../shared is present.
set -euo pipefail
cd "$(dirname "$0")"
exec /usr/bin/python3 -m pytest -q -p no:cacheprovider tests "$@"
