#!/usr/bin/env bash
# The SDK this tool was built for, end to end: `retrace apply` (bundled
# rules) on a temporary copy of agentops 0.3.26 from the shared corpus, then
# every file compiles, the package imports in a venv holding its
# dependencies, agentops/session.py has moved to agentops/trace.py with every
# import following it, requests.Session is untouched and the collisions
# with `from opentelemetry import trace` are reported, not applied.
# Usage: scripts/agentops.sh [DEST]   (DEST as for scripts/corpus.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
dest=${1:-$HOME/.cache/retrace-corpus}
bash ../shared/corpus/fetch.sh "$dest" >/dev/null
if [ ! -x "$dest/venv/bin/python" ]; then
  python3 -m venv "$dest/venv"
  "$dest/venv/bin/pip" install -q agentops==0.3.26   # brings its dependencies
fi
cargo build --release -q
retrace=$PWD/target/release/retrace
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$dest"/tree/py/agentops-0.3.26-*/agentops "$work/"
cd "$work"

"$retrace" check > check.txt || true
"$retrace" apply | tail -n 4
grep -q "collision with trace at agentops/session.py:13:27" check.txt
grep -q "move agentops/session.py → agentops/trace.py" check.txt
echo "collisions reported: $(grep -cE '^[^ ]+:[0-9]+:[0-9]+: collision ' check.txt)"
grep -q "^from opentelemetry import trace$" agentops/trace.py
test ! -e agentops/session.py
echo "agentops/session.py is now agentops/trace.py"
if grep -rnE "^\s*(import|from)\s+(agentops)?\.session\b|^\s*from\s+\.\s+import\s.*\bsession\b" agentops; then
  echo "an import still refers to agentops.session" >&2
  exit 1
fi
echo "no import refers to agentops.session"
python3 -m compileall -q agentops >/dev/null
echo "all files compile"
# The rewritten copy (first on sys.path) must be the one imported.
"$dest/venv/bin/python" -c "import agentops, agentops.trace as t; assert agentops.__file__.startswith('$work'); assert hasattr(t, 'Trace') and not hasattr(t, 'Session')"
echo "import agentops: ok (from the rewritten copy)"
grep -q "_trace: Optional\[requests.Session\]" agentops/http_client.py
grep -q "= requests.Session()" agentops/http_client.py
echo "requests.Session in agentops/http_client.py: untouched"
test "$("$retrace" apply | grep -c '^files: .* 0 changed')" = 1
echo "second apply: no change"
