# Source this file (bash) to run the Pulumi CLI by hand, offline, against this project:
#
#   npm run engine                 # once: builds or finds the engine, installs the tls plugin
#   source scripts/pulumi-env.sh
#   pulumi stack init dev          # first time only
#   pulumi preview --stack dev
#
# It puts the engine chosen by `npm run engine` first on PATH (an official install when one of the right version
# was on PATH, otherwise the cached build) and sets:
#   PULUMI_HOME=<repo>/.pulumi-home                      project-owned plugin cache (holds the tls plugin)
#   PULUMI_BACKEND_URL=file://<repo>/.pulumi-state       local state, no Pulumi Cloud    (kept if already set)
#   PULUMI_SKIP_UPDATE_CHECK=true, PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
# It never sets a passphrase: set PULUMI_CONFIG_PASSPHRASE_FILE (or PULUMI_CONFIG_PASSPHRASE) yourself, or let
# pulumi prompt for it. Only the dev stack uses the public dev passphrase `cms-xmpp-dev` (npm run demo sets it).

_cms_repo="$(cd "$(dirname "${BASH_SOURCE[0]:-$0}")/.." && pwd)"
_cms_engine_json="$_cms_repo/.pulumi-home/engine.json"
if [ -f "$_cms_engine_json" ]; then
  _cms_bin="$(node -p 'require(process.argv[1]).bin' "$_cms_engine_json")"
  case ":$PATH:" in
    *":$_cms_bin:"*) ;;
    *) export PATH="$_cms_bin:$PATH" ;;
  esac
  export PULUMI_HOME="$_cms_repo/.pulumi-home"
  export PULUMI_BACKEND_URL="${PULUMI_BACKEND_URL:-file://$_cms_repo/.pulumi-state}"
  case "$PULUMI_BACKEND_URL" in
    file://*) mkdir -p "${PULUMI_BACKEND_URL#file://}" ;;
  esac
  export PULUMI_SKIP_UPDATE_CHECK=true
  export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
  # A postgres:// (or any) backend URL may carry a password: never print it.
  echo "pulumi-env: $(command -v pulumi) $(pulumi version), PULUMI_HOME=$PULUMI_HOME, backend $(printf '%s' "$PULUMI_BACKEND_URL" | sed -E 's#^([a-z0-9+]+://[^:/@]*):[^/@]*@#\1:****@#')"
else
  echo "pulumi-env: no engine recorded in $_cms_engine_json; run 'npm run engine' first" >&2
fi
unset _cms_repo _cms_engine_json _cms_bin
