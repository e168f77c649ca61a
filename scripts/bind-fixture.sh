#!/usr/bin/env bash
# A throwaway BIND9 primary on 127.0.0.1 for tests and demos: one TSIG key allowed to update the zones,
# one key the server knows but never allows, and zones with only SOA, NS and ns1.
#
#   scripts/bind-fixture.sh start DIR [ZONE...]   start in the background, print the port (default zone example.com)
#   scripts/bind-fixture.sh run DIR [ZONE...]     same, in the foreground, logging to the terminal
#   scripts/bind-fixture.sh stop DIR              stop it and wait until it has exited
#
# DIR holds named.conf, the zones, tsig.key (key cms-test-key, allowed) and other.key (cms-other-key, not allowed).
# Set BIND_PORT to choose the port; otherwise a free one is picked. As root, named drops to user nobody
# (DIR's parents must be searchable by nobody, as /tmp/<dir> is).
set -euo pipefail

usage() { sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
[[ $# -ge 2 ]] || usage
cmd=$1 dir=$2
shift 2

for tool in named tsig-keygen dig; do
  command -v "$tool" >/dev/null || { echo "bind-fixture: $tool not found; apt-get install bind9 bind9-utils bind9-dnsutils" >&2; exit 3; }
done

configure() {
  local port=$1; shift
  local zones=("$@")
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  [[ -f $dir/tsig.key ]] || tsig-keygen -a hmac-sha256 cms-test-key >"$dir/tsig.key"
  [[ -f $dir/other.key ]] || tsig-keygen -a hmac-sha256 cms-other-key >"$dir/other.key"
  {
    echo "include \"$dir/tsig.key\";"
    echo "include \"$dir/other.key\";"
    cat <<EOF
options {
  directory "$dir";
  pid-file "$dir/named.pid";
  session-keyfile "$dir/session.key";
  listen-on port $port { 127.0.0.1; };
  listen-on-v6 { none; };
  recursion no;
  dnssec-validation no;
  notify no;
  allow-transfer { none; };
};
controls { };
EOF
    for zone in "${zones[@]}"; do
      cat <<EOF
zone "$zone" {
  type primary;
  file "$dir/$zone.db";
  update-policy { grant cms-test-key zonesub ANY; };
  allow-transfer { key cms-test-key; };
};
EOF
    done
  } >"$dir/named.conf"
  for zone in "${zones[@]}"; do
    [[ -f $dir/$zone.db ]] || cat >"$dir/$zone.db" <<EOF
\$TTL 3600
@   IN SOA ns1.$zone. hostmaster.$zone. ( 1 3600 600 86400 60 )
    IN NS  ns1.$zone.
ns1 IN A   127.0.0.1
EOF
  done
  if [[ $(id -u) -eq 0 ]]; then
    chown -R nobody "$dir"
    chmod 755 "$dir"
  fi
}

# As root, named runs as nobody when nobody can reach DIR (its parents must be searchable), else as root.
named_args() {
  local args=(-g -n 1 -c "$dir/named.conf")
  if [[ $(id -u) -eq 0 ]]; then
    if runuser -u nobody -- test -r "$dir/named.conf" 2>/dev/null; then
      args+=(-u nobody)
    else
      echo "bind-fixture: nobody cannot reach $dir; named runs as root" >&2
    fi
  fi
  echo "${args[@]}"
}

free_port() { echo $((20000 + RANDOM % 40000)); }

start() {
  local zones=("$@")
  [[ ${#zones[@]} -gt 0 ]] || zones=(example.com)
  for _ in 1 2 3 4 5 6 7 8; do
    local port=${BIND_PORT:-$(free_port)}
    configure "$port" "${zones[@]}"
    : >"$dir/named.log"
    # shellcheck disable=SC2046
    setsid named $(named_args) </dev/null >>"$dir/named.log" 2>&1 &
    local pid=$!
    echo "$pid" >"$dir/named.child"
    for _ in $(seq 100); do
      if grep -q "running$" "$dir/named.log"; then echo "$port"; return 0; fi
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.05
    done
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    if ! grep -q "address in use" "$dir/named.log" || [[ -n ${BIND_PORT:-} ]]; then
      echo "bind-fixture: named did not start; its log:" >&2
      tail -20 "$dir/named.log" >&2
      return 1
    fi
  done
  echo "bind-fixture: no free port found" >&2
  return 1
}

stop() {
  [[ -f $dir/named.child ]] || { echo "bind-fixture: nothing to stop in $dir" >&2; return 0; }
  local pid
  pid=$(cat "$dir/named.child")
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 100); do
    kill -0 "$pid" 2>/dev/null || { rm -f "$dir/named.child"; return 0; }
    sleep 0.05
  done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$dir/named.child"
}

case $cmd in
  start) start "$@" ;;
  run)
    zones=("$@")
    [[ ${#zones[@]} -gt 0 ]] || zones=(example.com)
    port=${BIND_PORT:-$(free_port)}
    configure "$port" "${zones[@]}"
    echo "bind-fixture: 127.0.0.1 port $port, key file $dir/tsig.key" >&2
    # shellcheck disable=SC2046
    exec named $(named_args)
    ;;
  stop) stop ;;
  *) usage ;;
esac
