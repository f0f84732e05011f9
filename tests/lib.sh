# Shell helpers for the scripts that run `ocpolicy serve` (tests/api-fuzz.sh,
# benches/load/load.sh). Source it; `work` must name a scratch folder.

# serve_demo BIN DB [ARGS...]: start `BIN serve --demo` on a free loopback
# port with the store DB; sets `pid`, `addr` (http://...) and `token` (the
# demo admin token), or prints the server's log and exits.
serve_demo() {
    bin_="$1" db_="$2"
    shift 2
    : > "$work/log"
    "$bin_" serve --demo --db "$db_" --listen 127.0.0.1:0 "$@" 2> "$work/log" &
    pid=$!
    for _ in $(seq 1 240); do
        grep -q "serving on" "$work/log" && break
        kill -0 "$pid" 2>/dev/null || { cat "$work/log" >&2; exit 1; }
        sleep 0.25
    done
    addr="$(grep -o 'serving on http://[0-9.:]*' "$work/log" | sed 's/serving on //')"
    token="$(grep -o 'ocp_[0-9a-f]*' "$work/log" | head -1)"
    [ -n "$addr" ] && [ -n "$token" ] || { echo "the server did not start" >&2; cat "$work/log" >&2; exit 1; }
}

# serve_stop: stop the server serve_demo started.
serve_stop() {
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    pid=""
}

# postgres_start ROOT: a throwaway PostgreSQL (tests/postgres.sh) that runs
# while fd 3 is open, that is until the calling script exits; sets `pg_url`.
postgres_start() {
    port_="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
    mkfifo "$work/pg.in"
    "$1/tests/postgres.sh" "$port_" < "$work/pg.in" > "$work/pg.out" &
    exec 3> "$work/pg.in"
    for _ in $(seq 1 120); do
        grep -q '^ready ' "$work/pg.out" && break
        sleep 0.5
    done
    pg_url="$(awk '/^ready / {print $2}' "$work/pg.out")"
    [ -n "$pg_url" ] || { echo "PostgreSQL did not start" >&2; exit 1; }
}
