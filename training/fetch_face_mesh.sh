#!/usr/bin/env bash
# Fetches MediaPipe's face landmark network (face_landmark.tflite, 468 points;
# Apache-2.0 per the package's package.json) from the npm registry into
# ~/.cache/deepfake-check/face_mesh/ and checks it byte for byte. Training only:
# its landmarks shape the pseudo-fakes' blend masks; the app never loads it.
#
#   bash training/fetch_face_mesh.sh [DEST]
set -euo pipefail
PACKAGE="@mediapipe/face_mesh@0.4.1657299874"
DEST="${1:-$HOME/.cache/deepfake-check/face_mesh}"
EXPECTED="c603fa6149219a3e9487dc9abd7a0c24474c77263273d24868378cdf40aa26d1  face_landmark.tflite"
# Where the file lies in the package's asset bundle, as its
# face_mesh_solution_packed_assets_loader.js lists it.
START=2495952
END=3737848

source "$(dirname "$0")/npm_files.sh"
if files_match "$DEST" "$EXPECTED"; then
  echo "face landmark model already in $DEST"
  exit 0
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
unpack_npm_package "$PACKAGE" "$work" package/face_mesh_solution_packed_assets.data package/package.json
mkdir -p "$DEST"
dd if="$work/package/face_mesh_solution_packed_assets.data" of="$DEST/face_landmark.tflite" status=none \
  iflag=skip_bytes,count_bytes skip=$START count=$((END - START))
cp "$work/package/package.json" "$DEST/package.json.face_mesh"
files_match "$DEST" "$EXPECTED" || { echo "face landmark model in $DEST differs from $PACKAGE's expected one" >&2; exit 1; }
echo "face landmark model in $DEST"
