#!/usr/bin/env bash
# A throwaway PostgreSQL from Debian's packages on 127.0.0.1 for tests and for trying team state by hand:
# one database `pulumi` owned by the login role `pulumi` (password in DIR/password), reachable over TCP with
# scram-sha-256; the superuser `postgres` only through the unix socket in DIR/run.
#
#   scripts/postgres-fixture.sh start DIR   start in the background, print the port
#   scripts/postgres-fixture.sh stop DIR    stop it and wait until it has exited
#
# Set PG_PORT to choose the port; otherwise a free one is picked. PostgreSQL refuses to run as root: as root the
# server runs as the `postgres` system user (or `nobody`), which then owns DIR (its parents must be searchable,
# as /tmp/<dir> is). No SSL: it listens on loopback only. Durability is off (fsync), it is for throwaway data.
set -euo pipefail

usage() { sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
[[ $# -eq 2 ]] || usage
cmd=$1 dir=$2

# Debian keeps the server binaries out of PATH, under /usr/lib/postgresql/<version>/bin.
pg_bin() {
  local bin
  bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  if [[ -n $bin && -x $bin/postgres ]]; then echo "$bin"; return 0; fi
  if command -v pg_ctl >/dev/null && command -v initdb >/dev/null; then dirname "$(command -v pg_ctl)"; return 0; fi
  echo "postgres-fixture: no PostgreSQL server found (/usr/lib/postgresql/*/bin); apt-get install postgresql" >&2
  exit 3
}
BIN=$(pg_bin)
for tool in psql openssl; do
  command -v "$tool" >/dev/null || { echo "postgres-fixture: $tool not found; apt-get install postgresql openssl" >&2; exit 3; }
done

# The user the server runs as, and how to run a command as that user.
server_user() {
  if [[ $(id -u) -ne 0 ]]; then id -un; elif id postgres >/dev/null 2>&1; then echo postgres; else echo nobody; fi
}
USER_NAME=$(server_user)
as_server() {
  if [[ $(id -u) -eq 0 ]]; then runuser -u "$USER_NAME" -- "$@"; else "$@"; fi
}

init() {
  mkdir -p "$dir/run"
  dir=$(cd "$dir" && pwd)
  [[ -f $dir/password ]] || (umask 077 && openssl rand -hex 16 >"$dir/password")
  [[ $(id -u) -ne 0 ]] || chown -R "$USER_NAME" "$dir"
  chmod 700 "$dir/run"
  [[ -d $dir/data ]] && return 0
  as_server "$BIN/initdb" -D "$dir/data" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
    --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 || {
    echo "postgres-fixture: initdb failed; its log:" >&2
    tail -20 "$dir/initdb.log" >&2
    return 1
  }
}

free_port() { echo $((20000 + RANDOM % 40000)); }

server_running() { [[ -f $dir/port ]] && as_server "$BIN/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; }

create_role_and_db() {
  local port=$1
  # psql reads the password from its file: never on a command line.
  as_server psql -X -q -h "$dir/run" -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 >/dev/null <<EOF
\\set pw \`cat '$dir/password'\`
SELECT format('CREATE ROLE pulumi LOGIN PASSWORD %L', :'pw')
  WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'pulumi') \\gexec
SELECT 'CREATE DATABASE pulumi OWNER pulumi'
  WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'pulumi') \\gexec
EOF
}

start() {
  init
  if server_running; then cat "$dir/port"; return 0; fi
  for _ in 1 2 3 4 5 6 7 8; do
    local port=${PG_PORT:-$(free_port)}
    : >"$dir/postgres.log"
    [[ $(id -u) -ne 0 ]] || chown "$USER_NAME" "$dir/postgres.log"
    if as_server "$BIN/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 30 -s start \
      -o "-p $port -k $dir/run -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
      >/dev/null 2>&1; then
      echo "$port" >"$dir/port"
      create_role_and_db "$port"
      echo "$port"
      return 0
    fi
    if ! grep -q "already in use" "$dir/postgres.log" || [[ -n ${PG_PORT:-} ]]; then
      echo "postgres-fixture: postgres did not start; its log:" >&2
      tail -20 "$dir/postgres.log" >&2
      return 1
    fi
  done
  echo "postgres-fixture: no free port found" >&2
  return 1
}

stop() {
  [[ -d $dir/data && -f $dir/data/postmaster.pid ]] || { echo "postgres-fixture: nothing to stop in $dir" >&2; return 0; }
  as_server "$BIN/pg_ctl" -D "$dir/data" -m fast -w -t 30 -s stop
  rm -f "$dir/port"
}

case $cmd in
  start) start ;;
  stop) stop ;;
  *) usage ;;
esac
