#!/usr/bin/env bash
# npm run demo: the main job on the embedded default. Starts three simulated CMS 2.x nodes on loopback,
# then runs the real Pulumi engine on the `dev` stack: preview, up, a second preview (no changes), the
# cluster status on every node and a status table. The site then stays up for a second terminal until Ctrl-C.
# `npm run demo -- --down` destroys the stack and stops the site. Nothing leaves 127.0.0.0/8.
set -Eeuo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

PID_FILE=.tmp/demo-sim.pid
if [[ "${1:-}" == "--down" ]]; then
  # shellcheck disable=SC1091
  source scripts/pulumi-env.sh
  export PULUMI_CONFIG_PASSPHRASE=cms-xmpp-dev
  unset PULUMI_CONFIG_PASSPHRASE_FILE
  say "pulumi destroy: joiners leave first, the initializer last"
  pulumi destroy --stack dev --yes --skip-preview
  if [[ -f "$PID_FILE" ]]; then
    kill -- "-$(cat "$PID_FILE")" 2>/dev/null || true
    rm -f "$PID_FILE"
    say "the simulated site is stopped"
  fi
  exit 0
fi

bash scripts/engine.sh
# Dynamic providers run the compiled package (dist/).
bash scripts/build.sh
# shellcheck disable=SC1091
source scripts/pulumi-env.sh
# The dev stack's secrets (simulator passwords) are encrypted with the public dev passphrase; no other stack is.
export PULUMI_CONFIG_PASSPHRASE=cms-xmpp-dev
unset PULUMI_CONFIG_PASSPHRASE_FILE

say "starting 3 simulated CMS nodes (npm run sim -- --nodes 3 --ssh-port 2201 --api-port 4441)"
mkdir -p .tmp
setsid npx tsx sim/cli.ts --nodes 3 --ssh-port 2201 --api-port 4441 --keepalive 200 >.tmp/demo-sim.log 2>&1 &
SIM_PID=$!
cleanup() {
  kill -- "-$SIM_PID" 2>/dev/null || true
  rm -f "$PID_FILE"
}
trap cleanup EXIT
for _ in $(seq 1 100); do
  grep -q "cb3" .tmp/demo-sim.log 2>/dev/null && break
  kill -0 "$SIM_PID" 2>/dev/null || { cat .tmp/demo-sim.log; exit 1; }
  sleep 0.2
done
cat .tmp/demo-sim.log

# Every command names the stack: another Pulumi run in this project may change the selected stack meanwhile.
S=(--stack dev)
# The simulator forgets everything when it stops, so the demo starts from a fresh `dev` state every time
# (the stack's config file, with its encrypted dev passwords, is kept).
pulumi stack rm dev --force --yes --preserve-config >/dev/null 2>&1 || true
pulumi stack init dev --secrets-provider passphrase
pulumi config get "${S[@]}" mmpPassword >/dev/null 2>&1 || pulumi config set "${S[@]}" --secret mmpPassword admin
pulumi config get "${S[@]}" apiPassword >/dev/null 2>&1 || pulumi config set "${S[@]}" --secret apiPassword admin

say "pulumi preview: what up would do"
pulumi preview "${S[@]}" --diff
say "pulumi up"
pulumi up "${S[@]}" --yes --skip-preview
say "pulumi preview again: a converged cluster has nothing to do"
pulumi preview "${S[@]}"
say "xmpp cluster status on every node, as an admin would check it"
npx tsx scripts/cluster-status.ts 127.0.1.1:2201 127.0.1.2:2202 127.0.1.3:2203
say "status: nodes, leader, Call Bridges, certificates, DNS"
npx tsx scripts/demo-status.ts --stack dev
echo "$SIM_PID" >"$PID_FILE"
say "the simulated site stays up; try from a second terminal"
cat <<TRY
  cd $PWD && source scripts/pulumi-env.sh && export PULUMI_CONFIG_PASSPHRASE=cms-xmpp-dev
  pulumi preview --stack dev                  # a converged cluster: nothing to do
  ssh -p 2202 admin@127.0.1.2                 # password admin; then 'xmpp disable' to make drift by hand
  pulumi refresh --stack dev --yes            # finds the drift (the plan the next up runs)
  pulumi up --stack dev --yes                 # repairs it
  npm run drill -- --stack dev                # failover drill: the leader disabled, timed, enabled again
  npm run demo -- --down                      # destroy the stack and stop the site

Ctrl-C here stops the site (the dev state stays; the next 'npm run demo' starts afresh).
TRY
wait "$SIM_PID"
