#!/usr/bin/env bash
# npm run build: compiles src/ to dist/ (JavaScript + types), which is what dynamic providers load at run time.
# This repository is also a Pulumi program, and its providers require `cms-xmpp-resiliency/providers/*` exactly as a
# user's program does. So it links the package into its own node_modules: a directory with the package's
# package.json and a link to dist/ (not a link to the repo itself, which would make node_modules recursive).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
npx tsc -p tsconfig.build.json
# The program entry (index.js) refuses to run a dist/ older than src/.
touch dist/.built
link=node_modules/cms-xmpp-resiliency
if [[ -L "$link" ]]; then rm "$link"; fi
mkdir -p "$link"
ln -sfn ../../dist "$link/dist"
node -e '
const p = require("./package.json");
const fields = { name: p.name, version: p.version, main: p.main, types: p.types, exports: p.exports };
require("fs").writeFileSync(process.argv[1], JSON.stringify(fields, null, 2) + "\n");
' "$link/package.json"
