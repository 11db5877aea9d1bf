#!/usr/bin/env bash
# Tuning must not change results: run two retrace binaries over the same
# tree and require byte-identical `diff` and `check --format json` output.
# Usage: bench/compare.sh OLD_BINARY NEW_BINARY TREE
set -euo pipefail
old=$(realpath "$1") new=$(realpath "$2") tree=$3
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
cd "$tree"
for bin in old new; do
  "${!bin}" diff . > "$out/$bin.diff" 2>/dev/null
  "${!bin}" check --format json . > "$out/$bin.json" || true
done
cmp "$out/old.diff" "$out/new.diff"
cmp "$out/old.json" "$out/new.json"
echo "same diff ($(wc -l < "$out/new.diff") lines) and findings ($(wc -l < "$out/new.json") JSON lines)"
