#!/usr/bin/env bash
# Does a rename keep real projects working? For each of a few pinned open
# source projects that speak of "sessions" and ship their own test suites
# (Python from PyPI sdists, JavaScript and TypeScript from npm tarballs):
#   1. a git copy of the release in DEST/NAME/work (commit "pristine"),
#   2. its tests run as released (the baseline: passed/failed),
#   3. `retrace check --format json` counts the `linked` findings,
#   4. `retrace apply` with the bundled rules over the whole copy, tests
#      included, counting the renames,
#   5. its tests run again.
# Then a table, and exit 0 only if every project passes at least as many tests
# after the rename as before (1 otherwise; 2 if a project could not be set up).
# `git -C DEST/NAME/work diff` shows what the rename did (new files are added
# with intent-to-add); DEST/NAME/logs/ holds every command's output.
#
# Everything third-party (downloads, venvs, node_modules) lives under DEST,
# outside the repository; nothing of it is committed. Re-running reuses the
# downloads and the dependency installs (each keyed by its pins) and starts
# each copy again from its pristine commit.
#
# Usage: scripts/real-suites.sh DEST [NAME...]   (NAMEs: run only those projects)
# Env:   RETRACE=path/to/retrace (default: the repo's release build, built if
#        absent), SUITE_TIMEOUT=seconds per test run (default 900).
# Needs: python3 >= 3.9 with venv, pip; node >= 20 and npm for the JS/TS
#        projects (tried with apt-get if missing; without them those are skipped).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
[ $# -ge 1 ] || { sed -n '2,26p' "$0" >&2; exit 2; }
mkdir -p "$1"
dest=$(cd "$1" && pwd)
shift
only=" $* "
case "$dest/" in "$repo"/*) echo "DEST must be outside the repository" >&2; exit 2 ;; esac
timeout_s=${SUITE_TIMEOUT:-900}

# ---------------------------------------------------------------- projects
# name | language | registry spec | runner
projects=(
  "flask|py|flask==3.1.0|pytest-src"
  "requests-toolbelt|py|requests-toolbelt==1.0.0|pytest"
  "requests-cache|py|requests-cache==1.2.1|pytest-unit"
  "memorystore|js|memorystore@1.6.8|mocha"
  "fastify-secure-session|js|@fastify/secure-session@8.4.0|nodetest-tstyche"
  "supabase-ssr|ts|@supabase/ssr@0.12.7|vitest-tsc"
)
# Test dependencies, pinned (what each release's own requirement files or
# package.json ask for, at versions of its time).
declare -A deps=(
  [flask]="werkzeug==3.1.3 jinja2==3.1.4 markupsafe==3.0.2 itsdangerous==2.2.0 click==8.1.7 blinker==1.9.0 pytest==8.3.3 iniconfig==2.0.0 packaging==24.2 pluggy==1.5.0 asgiref==3.8.1 python-dotenv==1.0.1"
  [requests-toolbelt]="requests==2.31.0 urllib3==1.26.18 certifi==2023.7.22 charset-normalizer==3.3.2 idna==3.4 pytest==7.4.3 betamax==0.8.1 trustme==1.1.0 pyopenssl==23.3.0 cryptography==41.0.7"
  [requests-cache]="requests==2.32.3 urllib3==2.2.2 certifi==2024.6.2 charset-normalizer==3.3.2 idna==3.7 attrs==23.2.0 cattrs==23.2.3 platformdirs==4.2.2 url-normalize==1.4.3 itsdangerous==2.2.0 pyyaml==6.0.1 ujson==5.10.0 pytest==8.2.2 requests-mock==1.12.1 responses==0.25.3 timeout-decorator==0.5.0 time-machine==2.14.2 rich==13.7.1 tenacity==8.4.2"
  [memorystore]="debug@4.4.3 lru-cache@4.1.5 mocha@9.2.0"
  [fastify-secure-session]="@fastify/cookie@11.1.5 fastify-plugin@6.0.1 sodium-native@5.1.0 @sinonjs/fake-timers@15.5.0 cookie@2.0.2 fastify@5.12.8 tstyche@7.2.5 typescript@5.9.3 @types/node@24.19.4"
  [supabase-ssr]="cookie@1.1.0 @supabase/supabase-js@2.114.0 typescript@5.9.3 vitest@4.1.12 @types/node@24.19.4"
)

log() { printf '[real-suites] %s\n' "$*" >&2; }

# ------------------------------------------------------------------- tools
py=$(command -v python3) || { echo "python3 is needed" >&2; exit 2; }
"$py" -c 'import sys; assert sys.version_info >= (3, 9), sys.version' \
  || { echo "python3 >= 3.9 is needed ($("$py" --version))" >&2; exit 2; }
log "python: $("$py" --version 2>&1)"
node_ok() { command -v node >/dev/null && command -v npm >/dev/null \
  && node -e 'process.exit(+process.versions.node.split(".")[0] >= 20 ? 0 : 1)'; }
if ! node_ok && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  log "node >= 20 and npm not found: trying Debian's nodejs and npm"
  { apt-get install -y -qq nodejs npm || { apt-get update -qq && apt-get install -y -qq nodejs npm; }; } >/dev/null 2>&1 || true
fi
if node_ok; then have_node=1; log "node: $(node --version), npm: $(npm --version)"
else have_node=0; log "no node >= 20 with npm: the JavaScript and TypeScript projects are skipped"; fi

retrace=${RETRACE:-${CARGO_TARGET_DIR:-$repo/target}/release/retrace}
if [ ! -x "$retrace" ]; then
  log "building retrace (cargo build --release)"
  (cd "$repo" && cargo build --release -q)
fi
[ -x "$retrace" ] || { echo "no retrace binary at $retrace" >&2; exit 2; }
retrace=$(cd "$(dirname "$retrace")" && pwd)/$(basename "$retrace")
log "retrace: $retrace"

# ------------------------------------------------------------- downloading
# Prints the path of the downloaded archive.
fetch() { # lang spec
  local lang=$1 spec=$2 dl=$dest/dl
  mkdir -p "$dl/py" "$dl/npm"
  if [ "$lang" = py ]; then
    local name=${spec%%==*} ver=${spec#*==} f
    f=$(find "$dl/py" -maxdepth 1 -iname "$(echo "$name" | sed 's/[-_]/[-_]/g')-$ver.tar.gz" | head -n 1)
    if [ -z "$f" ]; then
      pip download -q --no-binary :all: --no-deps -d "$dl/py" "$spec" >&2
      f=$(find "$dl/py" -maxdepth 1 -iname "$(echo "$name" | sed 's/[-_]/[-_]/g')-$ver.tar.gz" | head -n 1)
    fi
    echo "$f"
  else
    local base
    base=$(echo "${spec#@}" | sed 's#/#-#; s#@#-#').tgz
    [ -f "$dl/npm/$base" ] || (cd "$dl/npm" && npm pack -q "$spec" >/dev/null)
    echo "$dl/npm/$base"
  fi
}

# -------------------------------------------------------------- dependencies
setup_py() { # name
  local d=$dest/$1 pins=${deps[$1]}
  if [ ! -x "$d/venv/bin/python" ] || [ "$(cat "$d/venv/.pins" 2>/dev/null)" != "$pins" ]; then
    log "$1: venv with $pins"
    rm -rf "$d/venv"
    "$py" -m venv "$d/venv"
    # shellcheck disable=SC2086
    "$d/venv/bin/pip" install -q $pins >"$d/logs/pip.log" 2>&1 \
      || { tail -n 20 "$d/logs/pip.log" >&2; return 1; }
    "$d/venv/bin/pip" freeze >"$d/venv/.freeze"
    echo "$pins" >"$d/venv/.pins"
  fi
}
setup_node() { # name
  local d=$dest/$1 pins=${deps[$1]}
  if [ ! -d "$d/deps/node_modules" ] || [ "$(cat "$d/deps/.pins" 2>/dev/null)" != "$pins" ]; then
    log "$1: node_modules with $pins"
    rm -rf "$d/deps"; mkdir -p "$d/deps"
    echo '{"private": true}' >"$d/deps/package.json"
    # shellcheck disable=SC2086
    (cd "$d/deps" && npm install --save-exact --no-audit --no-fund --loglevel=error $pins) >"$d/logs/npm.log" 2>&1 \
      || { tail -n 20 "$d/logs/npm.log" >&2; return 1; }
    echo "$pins" >"$d/deps/.pins"
  fi
}

# ------------------------------------------------------------------ the copy
# DEST/NAME/work: the release as a git repository; node_modules is a symbolic
# link to DEST/NAME/deps/node_modules (retrace never follows one; git is told
# to ignore it through .git/info/exclude, not through the project's files).
make_work() { # name lang archive
  local d=$dest/$1 w=$dest/$1/work
  if [ -d "$w/.git" ] && git -C "$w" rev-parse -q --verify refs/tags/pristine >/dev/null; then
    git -C "$w" reset -q --hard pristine
    git -C "$w" clean -fdq
  else
    rm -rf "$w"; mkdir -p "$w"
    tar xzf "$3" -C "$w" --strip-components=1
    git -C "$w" init -q
    printf 'node_modules\n__pycache__/\n.pytest_cache/\n' >>"$w/.git/info/exclude"
    git -C "$w" add -A
    git -C "$w" -c user.name=real-suites -c user.email=real-suites@localhost \
      commit -q -m "$1 as released"
    git -C "$w" tag pristine
  fi
  [ "$2" = py ] || ln -sfn ../deps/node_modules "$w/node_modules"
}

# ------------------------------------------------------------------ test runs
# run_tests NAME RUNNER PHASE: runs the suite in DEST/NAME/work, logs to
# DEST/NAME/logs/PHASE-*.log, prints "PASSED FAILED" ("0 ?" if nothing was counted).
junit_counts() {
  "$py" - "$1" <<'PY'
import sys, xml.etree.ElementTree as ET
try:
    root = ET.parse(sys.argv[1]).getroot()
except Exception:
    print("0 ?"); sys.exit()
suites = [root] if root.tag == "testsuite" else list(root)
t = f = s = 0
for x in suites:
    t += int(x.get("tests", 0)); s += int(x.get("skipped", 0))
    f += int(x.get("failures", 0)) + int(x.get("errors", 0))
print(t - f - s, f)
PY
}
run_tests() {
  local name=$1 runner=$2 phase=$3 w=$dest/$1/work l=$dest/$1/logs/$3
  local p=0 f=0 out
  rm -f "$l"-*
  cd "$w"
  case $runner in
    pytest*)
      local pypath=$w tests=(tests)
      [ "$runner" = pytest-src ] && pypath=$w/src
      [ "$runner" = pytest-unit ] && tests=(tests/unit)
      PYTHONPATH=$pypath PYTHONDONTWRITEBYTECODE=1 timeout "$timeout_s" \
        "$dest/$name/venv/bin/python" -m pytest -p no:cacheprovider -q -rfE \
        --junitxml="$l-junit.xml" "${tests[@]}" >"$l-pytest.log" 2>&1 || true
      junit_counts "$l-junit.xml"
      ;;
    mocha)
      # the package's own `mocha --check-leaks --bail --no-exit test/`, without
      # --bail so that every test is counted
      timeout "$timeout_s" node_modules/.bin/mocha --check-leaks --no-exit test/ >"$l-mocha.log" 2>&1 || true
      p=$(sed -n 's/^ *\([0-9][0-9]*\) passing.*/\1/p' "$l-mocha.log" | tail -n 1)
      f=$(sed -n 's/^ *\([0-9][0-9]*\) failing.*/\1/p' "$l-mocha.log" | tail -n 1)
      [ -n "$p" ] || { echo "0 ?"; return; }
      echo "$p ${f:-0}"
      ;;
    nodetest-tstyche)
      # `npm run test:unit` without the coverage gate, then `npm run test:typescript`
      timeout "$timeout_s" node --test --test-reporter=tap >"$l-node-test.log" 2>&1 || true
      p=$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$l-node-test.log" | tail -n 1)
      f=$(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$l-node-test.log" | tail -n 1)
      [ -n "$p" ] || { echo "0 ?"; return; }
      timeout "$timeout_s" node_modules/.bin/tstyche >"$l-tstyche.log" 2>&1 || true
      # tstyche's summary counts "Tests:" where the file has test() blocks,
      # else "Assertions:" (top-level expect()s); a file that does not compile
      # gets neither
      out=$(sed 's/\x1b\[[0-9;]*m//g' "$l-tstyche.log" | grep -E '^ *Tests:' | tail -n 1 || true)
      [ -n "$out" ] || out=$(sed 's/\x1b\[[0-9;]*m//g' "$l-tstyche.log" | grep -E '^ *Assertions:' | tail -n 1 || true)
      p=$((p + $(echo "$out" | grep -oE '[0-9]+ passed' | grep -oE '[0-9]+' || echo 0)))
      f=$((${f:-0} + $(echo "$out" | grep -oE '[0-9]+ failed' | grep -oE '[0-9]+' || echo 0)))
      [ -n "$out" ] || f=$((f + 1))   # nothing counted: one failure
      echo "$p $f"
      ;;
    vitest-tsc)
      # `vitest` (run once), then the type check of `npm run build` (tsc
      # --noEmit) counted as one more test
      timeout "$timeout_s" node_modules/.bin/vitest run --reporter=default --reporter=json \
        --outputFile.json="$l-vitest.json" >"$l-vitest.log" 2>&1 || true
      read -r p f < <("$py" -c 'import json,sys
try:
    d = json.load(open(sys.argv[1])); print(d["numPassedTests"], d["numFailedTests"])
except Exception:
    print(0, "?")' "$l-vitest.json")
      [ "$f" != "?" ] || { echo "0 ?"; return; }
      if timeout "$timeout_s" node_modules/.bin/tsc --noEmit -p tsconfig.json >"$l-tsc.log" 2>&1
      then p=$((p + 1)); else f=$((f + 1)); fi
      echo "$p $f"
      ;;
    *) echo "unknown runner $runner" >&2; return 1 ;;
  esac
}

# --------------------------------------------------------------------- main
rows=()
status=0
for entry in "${projects[@]}"; do
  IFS='|' read -r name lang spec runner <<<"$entry"
  [ "$only" = "  " ] || [[ $only == *" $name "* ]] || continue
  version=${spec##*[=@]}
  d=$dest/$name
  mkdir -p "$d/logs"
  if [ "$lang" != py ] && [ "$have_node" = 0 ]; then
    rows+=("$name|$version|skipped (no node >= 20)|-|-|-"); continue
  fi
  log "$name $version: fetch and set up"
  if ! archive=$(fetch "$lang" "$spec") || [ ! -f "$archive" ] \
     || ! { if [ "$lang" = py ]; then setup_py "$name"; else setup_node "$name"; fi; }; then
    rows+=("$name|$version|set-up failed (see $d/logs)|-|-|-"); status=2; continue
  fi
  make_work "$name" "$lang" "$archive"
  w=$d/work

  log "$name: tests before the rename"
  read -r bp bf < <(run_tests "$name" "$runner" before)
  git -C "$w" clean -fdq   # whatever the tests left behind (coverage, caches)

  log "$name: retrace check --format json, then retrace apply"
  (cd "$w" && "$retrace" check --format json . >"$d/logs/check.jsonl" 2>"$d/logs/check.stderr") || true
  # a `linked` finding: one whose class or reason says "linked"
  read -r links findings < <("$py" -c 'import json, sys
links = findings = 0
for line in open(sys.argv[1]):
    try:
        o = json.loads(line)
    except ValueError:
        continue
    if o.get("type") == "finding":
        findings += 1
        links += "linked" in (str(o.get("class", "")) + " " + str(o.get("reason", "")))
print(links, findings)' "$d/logs/check.jsonl")
  if (cd "$w" && "$retrace" apply . >"$d/logs/apply.log" 2>&1); then :; else
    log "$name: retrace apply exited $? (see $d/logs/apply.log)"
  fi
  renames=$(sed -n 's/^renames: \([0-9]*\).*/\1/p' "$d/logs/apply.log" | tail -n 1)
  git -C "$w" add -N .   # new files show in `git diff` (intent-to-add)
  git -C "$w" diff --stat >"$d/logs/diff-stat.txt" || true
  git -C "$w" diff >"$d/logs/diff.patch" || true

  log "$name: tests after the rename"
  read -r ap af < <(run_tests "$name" "$runner" after)
  verdict=ok
  if [ "$bf" = "?" ] || [ "$af" = "?" ] || [ "$ap" -lt "$bp" ]; then verdict=BROKEN; status=$((status > 1 ? status : 1)); fi
  rows+=("$name|$version|$bp/$bf|$ap/$af|${renames:-?}|$links (of $findings findings)|$verdict")
done

printf '\n%-24s %-9s %-15s %-15s %-8s %-24s %s\n' project version "before (p/f)" "after (p/f)" renames "links reported" verdict
for r in "${rows[@]}"; do
  IFS='|' read -r a b c e g h i <<<"$r"
  printf '%-24s %-9s %-15s %-15s %-8s %-24s %s\n' "$a" "$b" "$c" "$e" "$g" "$h" "${i:-}"
done
echo "logs: $dest/NAME/logs; the rename: git -C $dest/NAME/work diff"
exit "$status"
