#!/usr/bin/env bash
# Run retrace over real code: builds the corpus from pinned registry packages
# (../shared/corpus/fetch.sh, kept outside the repository) and runs the
# opt-in corpus test against it.
# Usage: scripts/corpus.sh [DEST]   (DEST defaults to $HOME/.cache/retrace-corpus)
set -euo pipefail
cd "$(dirname "$0")/.."
dest=${1:-$HOME/.cache/retrace-corpus}
bash ../shared/corpus/fetch.sh "$dest" >/dev/null
RETRACE_CORPUS="$dest/tree" cargo test --release --test corpus -- --ignored --nocapture
