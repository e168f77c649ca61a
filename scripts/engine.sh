#!/usr/bin/env bash
# npm run engine: make a real Pulumi engine available with no internet.
#
#   1. If a `pulumi` on PATH reports the version that package-lock.json's @pulumi/pulumi implies, and has its
#      nodejs language host next to it, use it (an official install).
#   2. Otherwise use (or build once, from the Go module proxy) the engine cached outside the clone in
#      ${CMS_XMPP_ENGINE_CACHE:-~/.cache/cms-xmpp-resiliency}/engine-v<pulumi>-tls<tls>/bin:
#      pulumi, pulumi-language-nodejs, pulumi-resource-pulumi-nodejs (from node_modules); and ../tls/pulumi-resource-tls.
#   3. Install the tls provider with `pulumi plugin install --file` into the project's PULUMI_HOME (.pulumi-home/)
#      and record the chosen engine in .pulumi-home/engine.json (read by test/support/engine.ts and
#      scripts/pulumi-env.sh).
#
# Options: --rebuild (ignore the cache), --update-go-mods (write re-resolved go.mod/go.sum back to scripts/engine/).
# Env: CMS_XMPP_ENGINE_CACHE (cache root), PULUMI_ENGINE_IGNORE_PATH=1 (never use a pulumi found on PATH).
set -Eeuo pipefail

# Everything is inside main(), so that bash has read the whole file before running it (edits to this file do
# not disturb a build in progress).
main() {

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STEPS=5
STEP=0
STEP_NAME=""
STEP_LOG=""
T0=$SECONDS
REBUILD=0
UPDATE_MODS=0
for a in "$@"; do
  case "$a" in
    --rebuild) REBUILD=1 ;;
    --update-go-mods) UPDATE_MODS=1 ;;
    -h | --help)
      sed -n '2,16p' "${BASH_SOURCE[0]}"
      exit 0
      ;;
    *)
      echo "[engine] unknown option: $a" >&2
      exit 2
      ;;
  esac
done

say() { echo "[engine] $*"; }
step() {
  STEP=$1
  STEP_NAME=$2
  STEP_LOG=""
  say "step $STEP/$STEPS: $STEP_NAME ($((SECONDS - T0))s elapsed)"
}
on_error() {
  local rc=$?
  echo "[engine] FAILED at step $STEP/$STEPS: $STEP_NAME (exit $rc)" >&2
  if [[ -n "$STEP_LOG" && -f "$STEP_LOG" ]]; then
    echo "[engine] log file: $STEP_LOG -- last lines:" >&2
    tail -n 25 "$STEP_LOG" | sed 's/^/[engine]   /' >&2
  fi
  exit "$rc"
}
trap on_error ERR
# run LOG CMD...: run a command with its output in a log file (shown on failure).
run() {
  STEP_LOG="$1"
  shift
  echo "+ $*" >>"$STEP_LOG"
  "$@" >>"$STEP_LOG" 2>&1
}

# ---------------------------------------------------------------------------------------------------------------
step 1 "resolving versions from package-lock.json"
command -v node >/dev/null || {
  echo "[engine] node is required" >&2
  false
}
read -r PULUMI_VERSION TLS_VERSION < <(node -e '
  const p = require(process.argv[1]).packages;
  const v = (n) => (p["node_modules/" + n] || {}).version || "missing";
  console.log(v("@pulumi/pulumi"), v("@pulumi/tls"));
' "$REPO/package-lock.json")
if [[ "$PULUMI_VERSION" == missing || "$TLS_VERSION" == missing ]]; then
  echo "[engine] package-lock.json lacks @pulumi/pulumi or @pulumi/tls" >&2
  false
fi
LAUNCHER="$REPO/node_modules/@pulumi/pulumi/pulumi-resource-pulumi-nodejs"
if [[ ! -x "$LAUNCHER" ]]; then
  echo "[engine] $LAUNCHER is missing: run 'npm ci --ignore-scripts' first" >&2
  false
fi
CACHE_ROOT="${CMS_XMPP_ENGINE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/cms-xmpp-resiliency}"
KEY="engine-v${PULUMI_VERSION}-tls${TLS_VERSION}"
ENGINE_DIR="$CACHE_ROOT/$KEY"
BIN="$ENGINE_DIR/bin"
BUILD="$ENGINE_DIR/build"
LOGS="$ENGINE_DIR/logs"
PULUMI_HOME_DIR="$REPO/.pulumi-home"
say "@pulumi/pulumi $PULUMI_VERSION, @pulumi/tls $TLS_VERSION; cache $ENGINE_DIR"
mkdir -p "$BIN" "$BUILD" "$LOGS" "$PULUMI_HOME_DIR"

# One build at a time per cache entry (a second `npm run engine` waits).
exec 9>"$ENGINE_DIR/.lock"
if ! flock -n 9; then
  say "another engine build holds $ENGINE_DIR/.lock; waiting"
  flock 9
fi
[[ $REBUILD == 1 ]] && rm -f "$ENGINE_DIR/.complete" "$ENGINE_DIR"/.done-*

export GOFLAGS="-modcacherw -buildvcs=false -mod=readonly"
export CGO_ENABLED=0
export PULUMI_SKIP_UPDATE_CHECK=true
export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
export PULUMI_HOME="$PULUMI_HOME_DIR"

# An official install on PATH? (Not one of our own cached engines, which pulumi-env.sh may have put there.)
OFFICIAL_BIN=""
if [[ "${PULUMI_ENGINE_IGNORE_PATH:-}" != 1 ]] && command -v pulumi >/dev/null; then
  p="$(readlink -f "$(command -v pulumi)")"
  d="$(dirname "$p")"
  case "$d" in
    "$CACHE_ROOT"/*) ;;
    *)
      v="$("$p" version 2>/dev/null || true)"
      if [[ "$v" == "v$PULUMI_VERSION" && -x "$d/pulumi-language-nodejs" ]]; then
        OFFICIAL_BIN="$d"
        say "using the pulumi on PATH: $p ($v)"
      else
        say "ignoring the pulumi on PATH ($p reports '${v:-nothing}', need v$PULUMI_VERSION with pulumi-language-nodejs beside it)"
      fi
      ;;
  esac
fi

if [[ -f "$ENGINE_DIR/.complete" ]]; then
  say "cached engine found ($(cat "$ENGINE_DIR/.complete"))"
fi
need_go() {
  command -v go >/dev/null || {
    echo "[engine] Go is required to build the engine (no usable pulumi v$PULUMI_VERSION on PATH, nothing cached)" >&2
    false
  }
}

# prepare_module NAME: copy scripts/engine/NAME into the build dir (fresh each time).
prepare_module() {
  rm -rf "$BUILD/$1"
  cp -r "$REPO/scripts/engine/$1" "$BUILD/$1"
}
# pin_module NAME MODULE... VERSION: make the build copy require MODULE@VERSION (re-resolving go.sum when the
# committed go.mod pins something else, e.g. after an @pulumi/pulumi upgrade in package-lock.json).
pin_module() {
  local name=$1 version=${*: -1} mods=("${@:2:$#-2}") m stale=0
  for m in "${mods[@]}"; do
    grep -qE "^[[:space:]]*(require )?$m $version( |$)" "$BUILD/$name/go.mod" || stale=1
  done
  [[ $stale == 0 ]] && return 0
  say "scripts/engine/$name/go.mod does not pin $version: re-resolving (GOSUMDB=off, hashes recorded in go.sum)"
  local args=()
  for m in "${mods[@]}"; do args+=("$m@$version"); done
  GOFLAGS="-modcacherw -buildvcs=false" GOSUMDB=off run "$LOGS/$name.log" go -C "$BUILD/$name" get "${args[@]}"
  GOFLAGS="-modcacherw -buildvcs=false" GOSUMDB=off run "$LOGS/$name.log" go -C "$BUILD/$name" mod tidy
  if [[ $UPDATE_MODS == 1 ]]; then
    cp "$BUILD/$name/go.mod" "$BUILD/$name/go.sum" "$REPO/scripts/engine/$name/"
    say "wrote scripts/engine/$name/go.mod and go.sum: commit them"
  else
    say "rerun with --update-go-mods to write the re-resolved go.mod/go.sum back to scripts/engine/$name"
  fi
}
gobuild() { # gobuild DIR LOG OUT PKG LDFLAGS [extra...]
  local dir=$1 log=$2 out=$3 pkg=$4 ld=$5
  shift 5
  run "$log" nice -n 10 go -C "$dir" build -trimpath "$@" -ldflags "-s -w $ld" -o "$out" "$pkg"
}

# ---------------------------------------------------------------------------------------------------------------
step 2 "pulumi CLI v$PULUMI_VERSION"
if [[ -n "$OFFICIAL_BIN" ]]; then
  say "skipped: official install"
elif [[ -f "$ENGINE_DIR/.done-cli" && -x "$BIN/pulumi" ]]; then
  say "cached: $BIN/pulumi"
else
  need_go
  say "building pulumi CLI v$PULUMI_VERSION from the Go module proxy (cold: ~6 min on 2 cores) ..."
  : >"$LOGS/pulumi.log"
  prepare_module pulumi
  pin_module pulumi github.com/pulumi/pulumi/pkg/v3 github.com/pulumi/pulumi/sdk/v3 "v$PULUMI_VERSION"
  gobuild "$BUILD/pulumi" "$LOGS/pulumi.log" "$BIN/pulumi.tmp" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi \
    "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$PULUMI_VERSION" -tags osusergo,grpcnotrace
  mv "$BIN/pulumi.tmp" "$BIN/pulumi"
  STEP_LOG="$LOGS/pulumi.log"
  [[ "$("$BIN/pulumi" version)" == "v$PULUMI_VERSION" ]]
  touch "$ENGINE_DIR/.done-cli"
fi

# ---------------------------------------------------------------------------------------------------------------
# The nodejs language host of the matching release lives in its own nested module
# (github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3) that is only reachable by pseudo-version,
# and the module proxy here does not serve it. The newest release whose language host is part of a published
# module is sdk/v3 v3.68.0; scripts/engine/langhost pins that. The host only spawns
# node_modules/@pulumi/pulumi/cmd/run with the engine's arguments; the program itself runs on the @pulumi/pulumi
# from the lockfile.
LANGHOST_VERSION="$(awk '$1 == "github.com/pulumi/pulumi/sdk/v3" {print $2; exit} $1 == "require" && $2 == "github.com/pulumi/pulumi/sdk/v3" {print $3; exit}' "$REPO/scripts/engine/langhost/go.mod")"
step 3 "pulumi-language-nodejs (from sdk/v3 $LANGHOST_VERSION)"
[[ "$LANGHOST_VERSION" =~ ^v[0-9]+\.[0-9]+\.[0-9]+$ ]]
if [[ -n "$OFFICIAL_BIN" ]]; then
  say "skipped: official install"
elif [[ -f "$ENGINE_DIR/.done-langhost" && -x "$BIN/pulumi-language-nodejs" ]]; then
  say "cached: $BIN/pulumi-language-nodejs"
else
  need_go
  : >"$LOGS/langhost.log"
  prepare_module langhost
  gobuild "$BUILD/langhost" "$LOGS/langhost.log" "$BIN/pulumi-language-nodejs" \
    github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs \
    "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$LANGHOST_VERSION"
  touch "$ENGINE_DIR/.done-langhost"
fi
if [[ -z "$OFFICIAL_BIN" ]]; then
  cp "$LAUNCHER" "$BIN/pulumi-resource-pulumi-nodejs"
  chmod 0755 "$BIN/pulumi-resource-pulumi-nodejs"
fi

# ---------------------------------------------------------------------------------------------------------------
ENGINE_BIN="${OFFICIAL_BIN:-$BIN}"
tls_installed() {
  "$ENGINE_BIN/pulumi" plugin ls --json 2>/dev/null | node -e '
    const l = JSON.parse(require("fs").readFileSync(0, "utf8") || "[]");
    process.exit(l.some((p) => p.kind === "resource" && p.name === "tls" && p.version === process.argv[1]) ? 0 : 1);
  ' "$TLS_VERSION"
}
step 4 "pulumi-resource-tls v$TLS_VERSION"
# Not in bin/: the Automation API puts the CLI's directory on PATH, and a pulumi-resource-tls found there would be
# used "ambiently" (any version, with a warning on every run) instead of the plugin installed in PULUMI_HOME.
TLS_BIN="$ENGINE_DIR/tls/pulumi-resource-tls"
rm -f "$BIN/pulumi-resource-tls"
mkdir -p "$ENGINE_DIR/tls"
build_tls() {
  need_go
  : >"$LOGS/tls.log"
  prepare_module tls
  TLS_LD="-X cms-xmpp-resiliency.local/engine/tls/tlsinfo.Version=$TLS_VERSION"
  say "building the schema generator (pulumi-tfgen-tls) ..."
  gobuild "$BUILD/tls" "$LOGS/tls.log" "$BUILD/pulumi-tfgen-tls" ./cmd/pulumi-tfgen-tls "$TLS_LD"
  rm -rf "$BUILD/tls-schema" && mkdir -p "$BUILD/tls-schema"
  run "$LOGS/tls.log" "$BUILD/pulumi-tfgen-tls" schema --skip-docs --skip-examples --out "$BUILD/tls-schema"
  # Same as upstream's generate.go: schema-embed.json is schema.json with the version filled in. Also check that
  # every token the @pulumi/tls SDK in node_modules uses exists in the generated schema.
  run "$LOGS/tls.log" node -e '
    const fs = require("fs");
    const [schemaPath, out, version, sdkDir] = process.argv.slice(1);
    const s = JSON.parse(fs.readFileSync(schemaPath, "utf8"));
    s.version = version;
    fs.writeFileSync(out, JSON.stringify(s));
    const known = new Set([...Object.keys(s.resources), ...Object.keys(s.functions)]);
    const used = new Set();
    for (const f of fs.readdirSync(sdkDir).filter((f) => f.endsWith(".js")))
      for (const m of fs.readFileSync(sdkDir + "/" + f, "utf8").matchAll(/"(tls:index\/[A-Za-z]+:[A-Za-z]+)"/g)) used.add(m[1]);
    const missing = [...used].filter((t) => !known.has(t));
    if (missing.length) { console.error("schema lacks tokens used by @pulumi/tls:", missing); process.exit(1); }
    console.log("schema covers the", used.size, "tokens used by @pulumi/tls");
  ' "$BUILD/tls-schema/schema.json" "$BUILD/tls/cmd/pulumi-resource-tls/schema-embed.json" "$TLS_VERSION" \
    "$REPO/node_modules/@pulumi/tls"
  cp "$BUILD/tls-schema/bridge-metadata.json" "$BUILD/tls/cmd/pulumi-resource-tls/"
  say "building pulumi-resource-tls ..."
  gobuild "$BUILD/tls" "$LOGS/tls.log" "$TLS_BIN" ./cmd/pulumi-resource-tls "$TLS_LD"
  touch "$ENGINE_DIR/.done-tls"
}
TLS_OK=1
if [[ -f "$ENGINE_DIR/.done-tls" && -x "$TLS_BIN" ]]; then
  say "cached: $TLS_BIN"
elif [[ -n "$OFFICIAL_BIN" && $REBUILD == 0 ]] && tls_installed; then
  say "already installed in $PULUMI_HOME_DIR"
else
  # A failed tls build is reported but not fatal: the engine still runs programs without @pulumi/tls, and the
  # smoke test then says that @pulumi/tls is unavailable.
  set +e
  (
    set -e
    build_tls
  )
  rc=$?
  set -e
  if [[ $rc != 0 ]]; then
    TLS_OK=0
    say "WARNING: pulumi-resource-tls could not be built (step 4/5, log $LOGS/tls.log); @pulumi/tls is unavailable"
  fi
fi

# ---------------------------------------------------------------------------------------------------------------
step 5 "installing the tls plugin into $PULUMI_HOME_DIR and checking the engine"
STEP_LOG="$LOGS/install.log"
: >"$STEP_LOG"
if [[ $TLS_OK == 1 ]] && { [[ $REBUILD == 1 ]] || ! tls_installed; }; then
  run "$STEP_LOG" "$ENGINE_BIN/pulumi" plugin install resource tls "$TLS_VERSION" --file "$TLS_BIN" --reinstall
fi
GOT="$("$ENGINE_BIN/pulumi" version)"
[[ "$GOT" == "v$PULUMI_VERSION" ]]
# A root whose bin/ is the engine: what the Automation API's PulumiCommand.get({ root }) wants.
rm -rf "$PULUMI_HOME_DIR/engine-root"
mkdir -p "$PULUMI_HOME_DIR/engine-root"
ln -s "$ENGINE_BIN" "$PULUMI_HOME_DIR/engine-root/bin"
source_kind=$([[ -n "$OFFICIAL_BIN" ]] && echo official || echo built)
node -e '
  const [file, bin, root, pv, tv, lh, kind] = process.argv.slice(1);
  require("fs").writeFileSync(file, JSON.stringify({ bin, root, pulumiVersion: pv, tlsVersion: tv || null,
    languageHost: kind === "built" ? lh : "official", source: kind }, null, 2) + "\n");
' "$PULUMI_HOME_DIR/engine.json" "$ENGINE_BIN" "$PULUMI_HOME_DIR/engine-root" "$PULUMI_VERSION" "$([[ $TLS_OK == 1 ]] && echo "$TLS_VERSION")" \
  "$LANGHOST_VERSION" "$source_kind"
if [[ -z "$OFFICIAL_BIN" && $TLS_OK == 1 && ! -f "$ENGINE_DIR/.complete" ]] &&
  [[ -x "$BIN/pulumi" && -x "$BIN/pulumi-language-nodejs" && -x "$BIN/pulumi-resource-pulumi-nodejs" && -x "$TLS_BIN" ]]; then
  # Written last: marks the cached engine as complete.
  echo "pulumi v$PULUMI_VERSION, pulumi-language-nodejs $LANGHOST_VERSION, pulumi-resource-tls $TLS_VERSION; built $(date -u +%FT%TZ) in $((SECONDS - T0))s" >"$ENGINE_DIR/.complete"
fi
if [[ $TLS_OK == 1 ]]; then
  say "engine ready in $((SECONDS - T0))s: pulumi $GOT ($source_kind), tls $TLS_VERSION installed in $PULUMI_HOME_DIR"
else
  say "engine ready in $((SECONDS - T0))s WITHOUT the tls provider: pulumi $GOT ($source_kind)"
fi
say "bin dir: $ENGINE_BIN"
say "to use it by hand: source scripts/pulumi-env.sh && pulumi preview --stack dev"
}

main "$@"; exit $?
