#!/usr/bin/env bash
# Fuzz engine::rewrite for SECONDS (default 60) on one job, coverage-guided
# by libFuzzer through cargo-fuzz, from a seed corpus made of the golden
# cases' inputs (first byte: the language's index in Lang::ALL).
#
#   fuzz/run.sh [SECONDS]
#
# Needs `cargo install cargo-fuzz`. cargo-fuzz uses nightly flags; on a
# stable toolchain RUSTC_BOOTSTRAP=1 lets it. Findings land in
# fuzz/artifacts/rewrite/; replay one with
#   fuzz/run.sh replay fuzz/artifacts/rewrite/crash-…
set -euo pipefail

cd "$(dirname "$0")"
export RUSTC_BOOTSTRAP=1
# One process, one compile job: the machine is shared.
export CARGO_BUILD_JOBS=${CARGO_BUILD_JOBS:-1}
# No sanitizer: the code under test is safe Rust (tree-sitter's C is not
# ours to fix), and without ASan each run is about twice as fast. Debug
# assertions are on, so an arithmetic overflow is a finding too.
flags=(--sanitizer none --debug-assertions)

if [ "${1:-}" = replay ]; then
    exec cargo fuzz run "${flags[@]}" rewrite "$2"
fi
seconds=${1:-60}

# Seeds: every input file of the golden cases, prefixed with its language.
corpus=corpus/rewrite
mkdir -p "$corpus" artifacts/rewrite
while IFS= read -r -d '' file; do
    case "$file" in
        *.py | *.pyi) index=0 ;;
        *.ts | *.mts | *.cts) index=1 ;;
        *.tsx) index=2 ;;
        *.js | *.mjs | *.cjs | *.jsx) index=3 ;;
        *.sql) index=4 ;;
        *) continue ;;
    esac
    name=$(sha1sum "$file" | cut -c1-16)
    { printf "\\x0$index"; cat "$file"; } > "$corpus/seed-$index-$name"
    # The golden cases hold few JavaScript files: TypeScript ones, read
    # as JavaScript, seed it too.
    if [ "$index" = 1 ]; then
        { printf '\x03'; cat "$file"; } > "$corpus/seed-3-$name"
    fi
done < <(find ../testdata/cases -path '*/in/*' -type f -print0)

exec cargo fuzz run "${flags[@]}" rewrite "$corpus" -- \
    -dict=rewrite.dict -max_len=4096 -max_total_time="$seconds" \
    -print_final_stats=1
