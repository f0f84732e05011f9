#!/bin/sh
# A throwaway PostgreSQL server on loopback for the tests (Debian's
# `postgresql` package; the test command installs it if missing).
#
#   tests/postgres.sh PORT
#
# creates a cluster in a new temporary folder, starts it on 127.0.0.1:PORT,
# prints one line `ready postgres://ocpolicy@127.0.0.1:PORT/postgres DIR` (DIR
# holds the cluster, `DIR/data`, and its sockets, for a test that restarts it), then
# waits for its standard input to close (its caller exiting, however it
# exits), and then stops the server and deletes the folder. As root, the
# server runs as the `postgres` user: PostgreSQL refuses to run as root.
set -eu
port="$1"
bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
[ -x "$bin/pg_ctl" ] || { echo "postgres.sh: PostgreSQL is not installed (apt-get install postgresql)" >&2; exit 1; }
dir="$(mktemp -d /tmp/ocpolicy-pg.XXXXXX)"
as=""
if [ "$(id -u)" = 0 ]; then
    chown postgres "$dir"
    as="runuser -u postgres --"
fi
cleanup() {
    $as "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$dir"
}
trap cleanup EXIT
$as "$bin/initdb" -D "$dir/data" -U ocpolicy --auth=trust -E UTF8 --no-sync >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; exit 1; }
$as "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-h 127.0.0.1 -p $port -k $dir -c max_connections=200" start >/dev/null \
    || { cat "$dir/server.log" >&2; exit 1; }
echo "ready postgres://ocpolicy@127.0.0.1:$port/postgres $dir"
cat >/dev/null || true
