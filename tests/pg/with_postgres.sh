#!/usr/bin/env bash
# Runs a command against a throwaway PostgreSQL server:
#
#   with_postgres.sh CMD [ARGS...]
#
# initdb into a fresh temporary directory (trust authentication, UTF8, locale
# C), a server listening only on 127.0.0.1 on a free port (its unix socket in
# that directory, fsync off: the data is thrown away), a database
# `moisson_test`, then CMD runs with
#
#   MOISSON_TEST_PG=postgresql://postgres@127.0.0.1:PORT/moisson_test
#
# in its environment. The server is stopped and the directory removed however
# CMD ends (exit, Ctrl-C, a ctest timeout's TERM); the exit code is CMD's.
# A server that does not start is an error that shows the tail of its log,
# never a silent skip. Two copies may run at once (ctest -j): each has its
# own directory and port (a port taken between the pick and the bind is
# retried with another one).
#
# The newest /usr/lib/postgresql/*/bin is used (Debian's postgresql package),
# or $PG_BINDIR. initdb refuses to run as root, so as root (CI, containers)
# the server runs as the `postgres` system user (runuser); otherwise as the
# caller.
set -uo pipefail

me="with_postgres.sh"
if [[ $# -eq 0 ]]; then
  echo "usage: $me CMD [ARGS...]" >&2
  exit 2
fi

bindir=${PG_BINDIR:-}
if [[ -z "$bindir" ]]; then
  bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
fi
if [[ -z "$bindir" || ! -x "$bindir/initdb" || ! -x "$bindir/pg_ctl" ]]; then
  echo "$me: no PostgreSQL server binaries (looked for /usr/lib/postgresql/*/bin/initdb; install Debian's postgresql, or set PG_BINDIR)" >&2
  exit 1
fi

as_pg=()
if [[ $(id -u) -eq 0 ]]; then
  if ! id -u postgres >/dev/null 2>&1; then
    echo "$me: running as root but there is no 'postgres' system user to run the server as" >&2
    exit 1
  fi
  as_pg=(runuser -u postgres --)
fi

# /tmp rather than $TMPDIR: the postgres user must be able to reach it, and a
# unix socket path must stay under ~100 bytes.
tmp=$(mktemp -d /tmp/moisson-pg.XXXXXX) || { echo "$me: mktemp failed" >&2; exit 1; }
data="$tmp/data"
log="$tmp/server.log"
started=0
child=

cleanup() {
  if [[ $started -eq 1 ]]; then
    (cd "$tmp" && "${as_pg[@]}" "$bindir/pg_ctl" -D "$data" -m immediate -w -t 30 stop >/dev/null 2>&1)
    # pg_ctl failed (or timed out): kill the postmaster by its pid.
    if [[ -f "$data/postmaster.pid" ]]; then
      pid=$(head -n 1 "$data/postmaster.pid" 2>/dev/null)
      [[ "$pid" =~ ^[0-9]+$ ]] && kill -KILL "$pid" 2>/dev/null
    fi
    started=0
  fi
  rm -rf "$tmp"
}
on_signal() {  # on_signal EXIT_CODE
  trap - INT TERM
  if [[ -n "$child" ]]; then
    kill -TERM "$child" 2>/dev/null
    wait "$child" 2>/dev/null
  fi
  exit "$1"   # the EXIT trap cleans up
}
trap cleanup EXIT
trap 'on_signal 130' INT
trap 'on_signal 143' TERM

fail() {  # fail MESSAGE: the message and the server log's tail, exit 1
  echo "$me: $1" >&2
  if [[ -s "$log" ]]; then
    echo "--- last lines of the server log ($log) ---" >&2
    tail -n 40 "$log" >&2
    echo "---" >&2
  fi
  exit 1
}

free_port() {
  if command -v python3 >/dev/null 2>&1; then
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
  else
    echo $((20000 + RANDOM % 40000))
  fi
}

if [[ ${#as_pg[@]} -gt 0 ]]; then
  chown postgres: "$tmp" || fail "cannot give $tmp to the postgres user"
fi
chmod 700 "$tmp"

# Run the server's tools from the temporary directory: the postgres user may
# not be allowed into the caller's working directory.
if ! init_out=$(cd "$tmp" && "${as_pg[@]}" "$bindir/initdb" -D "$data" -U postgres --auth=trust -E UTF8 --locale=C \
                  --no-instructions 2>&1); then
  echo "$init_out" | tail -n 20 >&2
  fail "initdb failed ($bindir/initdb)"
fi
cat >>"$data/postgresql.conf" <<CONF

# with_postgres.sh: a throwaway test server.
listen_addresses = '127.0.0.1'
unix_socket_directories = '$tmp'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 60
logging_collector = off
CONF

port=
for attempt in 1 2 3 4 5; do
  port=$(free_port)
  # The pid file marks a server that may be running: from here on, stop it on exit.
  started=1
  if (cd "$tmp" && "${as_pg[@]}" "$bindir/pg_ctl" -D "$data" -l "$log" -o "-p $port" -w -t 60 start >/dev/null 2>&1); then
    break
  fi
  if grep -q 'could not bind\|Address already in use\|could not create any TCP/IP sockets' "$log" 2>/dev/null; then
    echo "$me: port $port was taken, trying another one" >&2
    (cd "$tmp" && "${as_pg[@]}" "$bindir/pg_ctl" -D "$data" -m immediate -w stop >/dev/null 2>&1)
    port=
    continue
  fi
  fail "the PostgreSQL server did not start on 127.0.0.1:$port"
done
[[ -n "$port" ]] || fail "no free port for the PostgreSQL server after 5 attempts"

ready=0
for _ in $(seq 1 60); do
  if "$bindir/pg_isready" -q -h 127.0.0.1 -p "$port" -U postgres -d postgres; then
    ready=1
    break
  fi
  sleep 0.5
done
[[ $ready -eq 1 ]] || fail "the PostgreSQL server on 127.0.0.1:$port does not accept connections"

if ! out=$("$bindir/createdb" -h 127.0.0.1 -p "$port" -U postgres moisson_test 2>&1); then
  echo "$out" >&2
  fail "cannot create the database moisson_test on 127.0.0.1:$port"
fi

export MOISSON_TEST_PG="postgresql://postgres@127.0.0.1:$port/moisson_test"
echo "$me: PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on 127.0.0.1:$port ($tmp)" >&2

# In the background so that a TERM (ctest's timeout) reaches the trap at once;
# stdin passed on explicitly (a background job would get /dev/null).
"$@" <&0 &
child=$!
wait "$child"
rc=$?
child=
exit "$rc"
