#!/usr/bin/env bash
# What the database tests need, installed from the package registries when
# missing: PostgreSQL's server programs (Debian's postgresql), the
# migration linter squawk (PyPI's squawk-cli) and ClickHouse's embedded
# engine chDB (PyPI's chdb), both into TOOLS_DIR. The tests
# start their own throwaway servers (src/database/server.rs: a cluster in a
# temporary directory on a Unix socket, removed afterwards); so that none is
# left running, Debian's install is told not to create and start its own.
# Usage: scripts/database.sh TOOLS_DIR
# Prints `squawk=PATH` (the binary) and `chdb=PATH` (for PYTHONPATH).
set -euo pipefail
tools=${1:?usage: scripts/database.sh TOOLS_DIR}
squawk_version=2.70.0
# The last chdb whose wheel carries the engine (4.x downloads it at run time).
chdb_version=3.7.2

have_postgres() {
    command -v initdb >/dev/null && return 0
    compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null
}
if ! have_postgres; then
    echo "scripts/database.sh: installing PostgreSQL (Debian's postgresql)" >&2
    mkdir -p /etc/postgresql-common
    echo "create_main_cluster = false" >/etc/postgresql-common/createcluster.conf
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq -o Dpkg::Options::=--force-confold postgresql >&2
fi

squawk="$tools/squawk-$squawk_version/bin/squawk"
if [ ! -x "$squawk" ]; then
    echo "scripts/database.sh: installing squawk-cli $squawk_version from PyPI" >&2
    python3 -m pip install --quiet --disable-pip-version-check \
        --target "$tools/squawk-$squawk_version" "squawk-cli==$squawk_version" >&2
fi
chdb="$tools/chdb-$chdb_version"
if [ ! -d "$chdb/chdb" ]; then
    echo "scripts/database.sh: installing chdb $chdb_version from PyPI" >&2
    python3 -m pip install --quiet --disable-pip-version-check \
        --target "$chdb" "chdb==$chdb_version" >&2
fi
echo "squawk=$squawk"
echo "chdb=$chdb"
