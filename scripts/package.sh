#!/usr/bin/env bash
# Builds one release archive from an already built binary, in the layout the GitHub release,
# the Action and the container image expect:
#
#   apidiff-v<version>-<target>/{apidiff[.exe], README.md, LICENSE-MIT, LICENSE-APACHE,
#                               completions/{apidiff.bash,_apidiff,apidiff.fish,_apidiff.ps1,apidiff.elv},
#                               man/apidiff.1}
#   -> <out>/apidiff-v<version>-<target>.tar.gz (.zip for Windows targets), and <out>/SHA256SUMS
#      rewritten over every archive in <out>.
#
# usage: scripts/package.sh --bin PATH --target TRIPLE [--version X.Y.Z] [--out DIR] [--gen PATH]
#   --version  default: the version in Cargo.toml
#   --out      default: dist
#   --gen      a binary that runs on this machine, used to generate completions and the man
#              page when --bin is cross-compiled (default: --bin itself)
#        scripts/package.sh --sums DIR    only rewrite DIR/SHA256SUMS
set -euo pipefail
cd "$(dirname "$0")/.."

sums() {
  (cd "$1" && {
    files=$(ls apidiff-v*.tar.gz apidiff-v*.zip 2>/dev/null || true)
    [ -n "$files" ] || { echo "package.sh: no archives in $1" >&2; exit 2; }
    if command -v sha256sum >/dev/null; then sha256sum $files; else shasum -a 256 $files; fi
  } > SHA256SUMS.tmp && mv SHA256SUMS.tmp SHA256SUMS)
}

bin="" target="" version="" out="dist" gen=""
while [ $# -gt 0 ]; do
  case "$1" in
    --bin) bin=$2; shift 2 ;;
    --target) target=$2; shift 2 ;;
    --version) version=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --gen) gen=$2; shift 2 ;;
    --sums) sums "$2"; exit 0 ;;
    *) echo "package.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
[ -n "$bin" ] && [ -n "$target" ] || { echo "usage: scripts/package.sh --bin PATH --target TRIPLE [--version X.Y.Z] [--out DIR] [--gen PATH]" >&2; exit 2; }
[ -x "$bin" ] || { echo "package.sh: $bin is not an executable" >&2; exit 2; }
[ -n "$version" ] || version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -1)
[ -n "$gen" ] || gen=$bin

name="apidiff-v$version-$target"
exe=apidiff
case "$target" in *windows*) exe=apidiff.exe ;; esac
mkdir -p "$out"
out=$(cd "$out" && pwd)
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
dir="$stage/$name"
mkdir -p "$dir/completions" "$dir/man"
cp "$bin" "$dir/$exe"
cp README.md LICENSE-MIT LICENSE-APACHE "$dir/"
"$gen" completions bash > "$dir/completions/apidiff.bash"
"$gen" completions zsh > "$dir/completions/_apidiff"
"$gen" completions fish > "$dir/completions/apidiff.fish"
"$gen" completions powershell > "$dir/completions/_apidiff.ps1"
"$gen" completions elvish > "$dir/completions/apidiff.elv"
"$gen" man > "$dir/man/apidiff.1"

case "$target" in
  *windows*)
    rm -f "$out/$name.zip"
    if command -v 7z >/dev/null; then (cd "$stage" && 7z a -tzip -bd "$out/$name.zip" "$name" >/dev/null)
    else (cd "$stage" && zip -qr "$out/$name.zip" "$name"); fi
    archive="$out/$name.zip" ;;
  *)
    tar -C "$stage" -czf "$out/$name.tar.gz" "$name"
    archive="$out/$name.tar.gz" ;;
esac
sums "$out"
echo "$archive"
