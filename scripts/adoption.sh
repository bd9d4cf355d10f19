#!/usr/bin/env bash
# Adoption check: does a stock Backstage app work with our packages as published, wired
# exactly as README.md says? Runs on a fresh machine with Node and the npm registry only.
#
#   1. packs the four packages with prepack/postpack (package.json restored even on failure);
#   2. creates an app with @backstage/create-app --skip-install, this repo's yarn on PATH;
#   3. installs the tarballs (root `resolutions`, then the README's `yarn add` lines) and
#      applies the README's snippets, read from README.md (`<!-- adoption:<name> -->`);
#   4. runs the app's `yarn tsc` and `yarn build:backend`;
#   5. starts the built backend on its own port, checks /api/sla/health, POSTs an incident
#      with the README's static token, reads the entity's compliance;
#   6. opens the entity page in Chromium, asserts the SLA card, saves
#      docs/screenshots/adoption-card.png.
#
# Environment: ADOPTION_APP_NAME (app name, default sla-adoption-app), ADOPTION_PORT (7107),
# ADOPTION_DIR (work folder, default a new temp dir, removed at the end unless
# ADOPTION_KEEP=1), CREATE_APP_VERSION (default 0.9.2: pinned so that a new create-app
# release cannot change the check unnoticed; bump it on purpose), CHROMIUM (/usr/bin/chromium).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
app_name=${ADOPTION_APP_NAME:-sla-adoption-app}
port=${ADOPTION_PORT:-7107}
create_app_version=${CREATE_APP_VERSION:-0.9.2}
chromium=${CHROMIUM:-/usr/bin/chromium}
packages=(sla-common sla-node sla-backend sla-frontend)
started=$(date +%s)

log() { printf '[adoption] %s\n' "$*"; }
step=''
fail() {
  printf '[adoption] FAILED at %s: %s\n' "$step" "$*" >&2
  exit 1
}
begin() {
  step=$1
  step_started=$(date +%s)
  log "$step ..."
}
ok() { log "$step ok ($(($(date +%s) - step_started))s)"; }
# Runs a step that needs the npm registry (create-app, yarn install/up/add) up to 3 times:
# one transient registry error (a 5xx, a reset, a release whose tarballs are still being
# published) failed a whole CI run once. `registry LOG CMD...`: output to LOG; on the last
# failure the yarn errors and the log's tail go to stderr and the caller fails.
registry() {
  local out=$1 attempt
  shift
  for attempt in 1 2 3; do
    "$@" >"$out" 2>&1 && return 0
    log "  attempt $attempt of '$*' failed: $(grep -E 'YN0001|YN0009|YN0018|YN0035|YN0082|ERR!' "$out" | head -3 | tr '\n' ' ')" >&2
    [ "$attempt" -lt 3 ] && sleep $((attempt * 20))
  done
  grep -E 'YN0001|YN0009|YN0018|YN0035|YN0082|ERR!' "$out" >&2
  tail -30 "$out" >&2
  return 1
}

work=${ADOPTION_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/sla-adoption.XXXXXX")}
mkdir -p "$work"/{bin,tarballs,package-json,run}
app="$work/$app_name"
backend_pid=''

cleanup() {
  local status=$?
  set +e
  if [ -n "$backend_pid" ]; then
    kill -- "-$backend_pid" 2>/dev/null || kill "$backend_pid" 2>/dev/null
  fi
  # Restore every package.json that prepack rewrote and postpack did not put back.
  for pkg in "${packages[@]}"; do
    local saved="$work/package-json/$pkg.json" dir="$root/plugins/$pkg"
    if [ -f "$saved" ] && ! cmp -s "$saved" "$dir/package.json"; then
      cp -p "$saved" "$dir/package.json"
      rm -f "$dir/package.json-prepack"
      log "restored plugins/$pkg/package.json"
    fi
  done
  if [ "${ADOPTION_KEEP:-0}" = 1 ]; then
    log "work folder kept: $work ($(du -sh "$work" 2>/dev/null | cut -f1))"
  elif [ -z "${ADOPTION_DIR:-}" ]; then
    rm -rf "$work"
  fi
  if [ "$status" = 0 ]; then
    log "passed in $(($(date +%s) - started))s"
  else
    log "failed after $(($(date +%s) - started))s"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Node 22 and the repo's dependencies, as scripts/sla.sh provides them.
bash "$root/scripts/sla.sh" yarn --version >/dev/null
if [ "$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)" -lt 22 ]; then
  export PATH="$root/.cache/node/bin:$PATH"
  export npm_config_nodedir="$root/.cache/node"
  export npm_config_build_from_source=true
fi
yarn_release=$(sed -n 's/^yarnPath: *//p' "$root/.yarnrc.yml")
# The repo's own yarn as `yarn` on PATH, for create-app and in the app.
printf '#!/usr/bin/env bash\nexec node %q "$@"\n' "$root/$yarn_release" >"$work/bin/yarn"
chmod +x "$work/bin/yarn"
export PATH="$work/bin:$PATH"
readme() { node "$root/scripts/adoption/readme.mjs" "$@"; }
log "work folder $work; node $(node -v); yarn $(yarn --version); app $app_name; port $port"

# 1. Pack -----------------------------------------------------------------------------
begin 'pack'
(cd "$root" && yarn tsc) || fail 'tsc in the repo'
for pkg in "${packages[@]}"; do
  (cd "$root/plugins/$pkg" && yarn backstage-cli package build) >"$work/build-$pkg.log" 2>&1 ||
    { tail -30 "$work/build-$pkg.log"; fail "backstage-cli package build in plugins/$pkg"; }
done
for pkg in "${packages[@]}"; do
  dir="$root/plugins/$pkg"
  cp -p "$dir/package.json" "$work/package-json/$pkg.json"
  (cd "$dir" && yarn pack --out "$work/tarballs/$pkg.tgz") >"$work/pack-$pkg.log" 2>&1 ||
    { tail -30 "$work/pack-$pkg.log"; fail "yarn pack in plugins/$pkg"; }
  cmp -s "$work/package-json/$pkg.json" "$dir/package.json" ||
    fail "postpack did not restore plugins/$pkg/package.json"
  # Same content, and the same mtime, so that scripts/sla.sh sees no reason to reinstall.
  touch -r "$work/package-json/$pkg.json" "$dir/package.json"
  log "packed $pkg: $(du -h "$work/tarballs/$pkg.tgz" | cut -f1)"
done
# Every entry point of a packed package.json must be a file in its tarball.
node "$root/scripts/adoption/check-tarball.mjs" "$work"/tarballs/*.tgz || fail 'entry points of the tarballs'
ok

# 2. Create the app -------------------------------------------------------------------
begin 'create-app'
create_app() {
  rm -rf "$app"
  (cd "$work" && BACKSTAGE_APP_NAME="$app_name" npx -y "@backstage/create-app@$create_app_version" \
    --skip-install --path "$app" </dev/null)
}
registry "$work/create-app.log" create_app || fail "npx @backstage/create-app@$create_app_version"
log "created $app_name: Backstage $(node -p "require('$app/backstage.json').version")"
ok

# 3. Install and wire as README.md says -----------------------------------------------
begin 'install'
cd "$app"
# The packages are not on the registry here: every @servicelevel/* range resolves to its tarball.
node -e '
const fs = require("fs");
const [, dir, ...pkgs] = process.argv;
const p = JSON.parse(fs.readFileSync("package.json", "utf8"));
p.resolutions = p.resolutions ?? {};
for (const pkg of pkgs) p.resolutions[`@servicelevel/plugin-${pkg}`] = `file:${dir}/${pkg}.tgz`;
fs.writeFileSync("package.json", `${JSON.stringify(p, null, 2)}\n`);
' "$work/tarballs" "${packages[@]}"
# README: upgrade to the release line the packages need. versions:bump reads the release
# manifest from versions.backstage.io (or GitHub); where only the npm registry is reachable,
# `yarn up '@backstage/*'` (the newest release of every @backstage package) does the same.
manifest=https://versions.backstage.io/v1/tags/main/manifest.json
if node -e 'fetch(process.argv[1], { signal: AbortSignal.timeout(10000) }).then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))' "$manifest"; then
  registry "$work/install.log" yarn install || fail 'yarn install of the stock app'
  log 'stock app installed'
  while read -r line; do
    [ -z "$line" ] || [[ $line == \#* ]] && continue
    log "README: $line"
    registry "$work/upgrade.log" eval "$line" || fail "$line"
  done < <(readme block "$root/README.md" upgrade)
else
  log "README: $(readme block "$root/README.md" upgrade | grep -v '^#' | head -1)"
  log "  the release manifest ($manifest) is unreachable; yarn up '@backstage/*' instead"
  registry "$work/upgrade.log" yarn up '@backstage/*' || fail "yarn up '@backstage/*'"
fi
log "app upgraded: @backstage/backend-defaults $(node -p "require('$app/node_modules/@backstage/backend-defaults/package.json').version"), @backstage/frontend-plugin-api $(node -p "require('$app/node_modules/@backstage/frontend-plugin-api/package.json').version")"
# README: the `yarn add` lines, each package at the version of its tarball.
while read -r line; do
  [ -z "$line" ] || [[ $line == \#* ]] && continue
  [[ $line =~ ^yarn\ .*\ add\ (@servicelevel/plugin-[a-z-]+)$ ]] || fail "unexpected install line in README: $line"
  pkg=${BASH_REMATCH[1]}
  version=$(tar -xOzf "$work/tarballs/${pkg#@servicelevel/plugin-}.tgz" package/package.json | node -p 'JSON.parse(require("fs").readFileSync(0)).version')
  log "README: $line (as $pkg@^$version)"
  registry "$work/add.log" eval "${line}@^$version" || fail "$line"
done < <(readme block "$root/README.md" install)
readme apply-ts "$root/README.md" backend "$app" || fail 'README snippet adoption:backend'
if grep -qE '^\s*packages:\s*all' app-config.yaml; then
  log 'README: app.packages: all in app-config.yaml, so the frontend plugin is discovered; App.tsx unchanged'
else
  readme apply-ts "$root/README.md" app "$app" || fail 'README snippet adoption:app'
fi
readme block "$root/README.md" app-config >app-config.sla.yaml || fail 'README snippet adoption:app-config'
log 'README: static token config written to app-config.sla.yaml (merged over app-config.yaml)'
ok

# 4. Type-check and build -------------------------------------------------------------
begin 'tsc'
yarn tsc >"$work/tsc.log" 2>&1 || { cat "$work/tsc.log"; fail 'yarn tsc in the stock app'; }
ok
begin 'build:backend'
yarn build:backend >"$work/build-backend.log" 2>&1 || { tail -40 "$work/build-backend.log"; fail 'yarn build:backend in the stock app'; }
ok

# 5. Start the built backend and use the API ------------------------------------------
begin 'backend'
run="$work/run"
tar -xzf packages/backend/dist/bundle.tar.gz -C "$run"
# The bundle runs against the app's installed node_modules (instead of a production install).
ln -sfn "$app/node_modules" "$run/node_modules"
[ -d packages/backend/node_modules ] && ln -sfn "$app/packages/backend/node_modules" "$run/packages/backend/node_modules"
entity=sla-adoption-service
cat >"$run/entities.yaml" <<YAML
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: $entity
  annotations:
    servicelevel.io/service-hours: 24x7
    servicelevel.io/availability: 99.9%
    servicelevel.io/resolution-time: P1=4h P2=1d P3=3d
spec:
  type: service
  lifecycle: production
  owner: guests
YAML
# Only what the check itself needs: its port, guest sign-in for the built app, its entity.
cat >"$run/app-config.adoption.yaml" <<YAML
app:
  baseUrl: http://localhost:$port
backend:
  baseUrl: http://localhost:$port
  listen:
    port: $port
  cors:
    origin: http://localhost:$port
auth:
  providers:
    guest:
      dangerouslyAllowOutsideDevelopment: true
catalog:
  locations:
    - type: file
      target: $run/entities.yaml
    - type: file
      target: $app/examples/org.yaml
      rules:
        - allow: [User, Group]
YAML
export SLA_WEBHOOK_TOKEN="adoption-$(node -p 'require("crypto").randomBytes(16).toString("hex")')"
(cd "$run" && exec setsid node packages/backend --config "$app/app-config.yaml" \
  --config "$app/app-config.sla.yaml" --config "$run/app-config.adoption.yaml") \
  >"$work/backend.log" 2>&1 </dev/null &
backend_pid=$!
base="http://localhost:$port"
for _ in $(seq 1 120); do
  kill -0 "$backend_pid" 2>/dev/null || { tail -40 "$work/backend.log"; fail 'the backend exited'; }
  grep -q 'Plugin initialization complete' "$work/backend.log" &&
    curl -sf -o /dev/null "$base/api/sla/health" && break
  sleep 1
done
if grep -q 'startup failed' "$work/backend.log"; then
  grep 'startup failed' "$work/backend.log" | head -5
  fail 'a backend plugin failed to start'
fi
health=$(curl -sf "$base/api/sla/health") || { tail -40 "$work/backend.log"; fail "GET $base/api/sla/health"; }
log "health: GET /api/sla/health -> $health"
ok

begin 'ingest'
incident='{"incidents":[{"source":"adoption","id":"ADOPT-1","entityRef":"component:default/'$entity'","title":"Adoption check outage","priority":"P2","createdAt":"2026-12-01T08:00:00Z","resolvedAt":"2026-12-01T09:30:00Z"}]}'
code=$(curl -s -o "$work/ingest.json" -w '%{http_code}' -X POST "$base/api/sla/incidents" \
  -H "Authorization: Bearer $SLA_WEBHOOK_TOKEN" -H 'Content-Type: application/json' -d "$incident")
[ "$code" = 200 ] || fail "POST /api/sla/incidents with the README's static token -> $code $(cat "$work/ingest.json")"
log "POST /api/sla/incidents with the static token -> $code $(cat "$work/ingest.json")"
code=$(curl -s -o /dev/null -w '%{http_code}' "$base/api/sla/entities/component/default/$entity/compliance" \
  -H "Authorization: Bearer $SLA_WEBHOOK_TOKEN")
[ "$code" = 403 ] || fail "the static token may read compliance ($code); the README says it may only ingest"
log "the static token cannot read compliance (403), as the README says"
ok

begin 'compliance'
user_token=$(curl -sf -X POST "$base/api/auth/guest/refresh" -H 'X-Requested-With: XMLHttpRequest' |
  node -p 'JSON.parse(require("fs").readFileSync(0)).backstageIdentity.token') || fail 'guest sign-in'
for _ in $(seq 1 60); do
  code=$(curl -s -o "$work/compliance.json" -w '%{http_code}' \
    "$base/api/sla/entities/component/default/$entity/compliance" -H "Authorization: Bearer $user_token")
  [ "$code" = 200 ] && break
  sleep 2
done
[ "$code" = 200 ] || fail "GET /entities/component/default/$entity/compliance -> $code $(cat "$work/compliance.json")"
summary=$(node -e '
const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
const p2 = r.result.objectives.find(o => o.objective === "resolution-time:P2");
if (!p2 || !/^1\/1 met/.test(p2.actual.display)) {
  console.error(`resolution-time:P2 does not count the incident: ${JSON.stringify(p2)}`);
  process.exit(1);
}
console.log(`period ${r.period.key}, ${r.result.objectives.length} objectives: ` +
  r.result.objectives.map(o => `${o.objective} ${o.actual.display} (${o.status})`).join("; "));
' "$work/compliance.json") || fail 'the compliance does not count the ingested incident'
log "compliance of component:default/$entity: $summary"
ok

# 6. The card in Chromium -------------------------------------------------------------
begin 'card'
[ -x "$chromium" ] || fail "no Chromium at $chromium (set CHROMIUM; CI installs Debian's chromium package)"
(cd "$root" && CHROMIUM="$chromium" node scripts/adoption/card.mjs "$base" \
  "/catalog/default/component/$entity" "$root/docs/screenshots/adoption-card.png") ||
  { tail -30 "$work/backend.log"; fail 'the SLA card in Chromium'; }
ok
log "disk: work folder $(du -sh "$work" | cut -f1) (app $(du -sh "$app" | cut -f1))"
