#!/usr/bin/env bash
# What the TypeScript compat test needs, installed from npm when missing:
# the TypeScript compiler, pinned, into TOOLS_DIR.
# Usage: scripts/typescript.sh TOOLS_DIR
# Prints `tsc=PATH` (the binary) and `node_modules=PATH` (where
# `require('typescript')` resolves, for tests/typescript/deprecations.js).
set -euo pipefail
tools=${1:?usage: scripts/typescript.sh TOOLS_DIR}
mkdir -p "$tools"
tools=$(cd "$tools" && pwd)
version=5.6.3

prefix="$tools/typescript-$version"
tsc="$prefix/node_modules/.bin/tsc"
if [ ! -x "$tsc" ]; then
    echo "scripts/typescript.sh: installing typescript $version from npm" >&2
    npm install --silent --no-audit --no-fund --prefix "$prefix" "typescript@$version" >&2
fi
echo "tsc=$tsc"
echo "node_modules=$prefix/node_modules"
