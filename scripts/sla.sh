#!/usr/bin/env bash
# The project's entry point behind `npm start` / `npm test` (and `yarn start` / `yarn test`).
#
# Current Backstage needs Node 22 or 24. When the Node on PATH is older, this fetches a
# Node 22 binary (with its C headers, so native addons such as better-sqlite3 build from
# source) from the npm registry into .cache/node, inside the clone, and uses it for every
# step. With Node 22+ and yarn already installed nothing here is noticeable.
set -euo pipefail

caller_dir=$PWD
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

log() { printf '\033[1m[sla]\033[0m %s\n' "$*" >&2; }

ensure_node() {
  local major
  major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
  if [ "$major" -ge 22 ]; then
    return
  fi
  local dir="$root/.cache/node"
  if [ ! -x "$dir/bin/node" ]; then
    local platform pkg tmp
    platform=$(node -p 'process.platform + "-" + process.arch')
    pkg="node-$platform@22"
    log "Node $(node -v) is older than Backstage needs; fetching $pkg from the npm registry into .cache/node"
    tmp=$(mktemp -d)
    (cd "$tmp" && npm pack --silent "$pkg" >/dev/null)
    rm -rf "$dir" && mkdir -p "$dir"
    tar -xzf "$tmp"/*.tgz -C "$dir" --strip-components=1
    rm -rf "$tmp"
  fi
  export PATH="$dir/bin:$PATH"
  # node-gyp reads this: build native addons against the fetched Node's headers,
  # since prebuilt binaries and header tarballs cannot be downloaded everywhere.
  export npm_config_nodedir="$dir"
  export npm_config_build_from_source=true
}

yarn_release() {
  sed -n 's/^yarnPath: *//p' "$root/.yarnrc.yml"
}

yarn() {
  node "$root/$(yarn_release)" "$@"
}

install_needed() {
  local stamp="$root/node_modules/.yarn-state.yml"
  [ ! -f "$stamp" ] || [ "$root/yarn.lock" -nt "$stamp" ] ||
    [ -n "$(find "$root/package.json" "$root/packages" "$root/plugins" -maxdepth 2 \
      -name package.json -newer "$stamp" -print -quit)" ]
}

ensure_install() {
  install_needed || return 0
  # Two commands started at once (a test run and a build, say) must not run two installs
  # into one node_modules: their native builds delete each other's files. The second waits
  # for the first and then finds nothing left to do.
  mkdir -p "$root/node_modules"
  exec 9>"$root/node_modules/.sla-install.lock"
  flock 9
  if install_needed; then
    log "Installing dependencies (yarn install)"
    if [ "${CI:-}" = "true" ]; then
      yarn install --immutable
    else
      yarn install
    fi
    touch "$root/node_modules/.yarn-state.yml"
  fi
  flock -u 9
}

# Points the database tests at PostgreSQL when one answers on the default port and the
# caller has not chosen a server already.
ensure_postgres_env() {
  local var=BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING
  if [ -n "${!var:-}" ]; then
    log "PostgreSQL tests use \$$var"
    return
  fi
  if node -e 'const s=require("net").connect(5432,"127.0.0.1");s.on("connect",()=>process.exit(0));s.on("error",()=>process.exit(1));setTimeout(()=>process.exit(1),2000)'; then
    export "$var=postgresql://postgres@127.0.0.1:5432"
    log "PostgreSQL found on 127.0.0.1:5432; database tests run on SQLite and PostgreSQL"
  else
    log "No PostgreSQL on 127.0.0.1:5432 and $var unset; database tests run on SQLite only"
    # Without this, backend-test-utils would try to start PostgreSQL in Docker under CI=true.
    export BACKSTAGE_TEST_DISABLE_DOCKER=1
  fi
}

cmd=${1:-}
shift || true
ensure_node
case "$cmd" in
  start)
    ensure_install
    log "Starting the portal at http://localhost:3000 (backend on http://localhost:7007)"
    if [ "${SLA_DEMO_SEED:-1}" != "0" ]; then
      # Loads the demo incidents through POST /api/sla/incidents once the backend answers.
      node "$root/scripts/seed-demo.mjs" &
    fi
    exec node "$root/$(yarn_release)" backstage-cli repo start "$@"
    ;;
  test)
    ensure_install
    ensure_postgres_env
    log "Type-check (tsc)"
    yarn tsc
    log "OpenAPI generated files"
    node "$root/scripts/openapi.mjs" --check
    log "Lint"
    yarn backstage-cli repo lint
    log "Format (prettier --check)"
    yarn prettier --check .
    # Reads the declarations tsc just wrote to dist-types; fails when a report.api.md is stale.
    log "API reports (backstage-repo-tools api-reports --ci)"
    yarn api-reports:check
    log "Unit and database tests"
    mkdir -p "$root/.cache"
    local_results="$root/.cache/jest-results.json"
    rm -f "$local_results"
    status=0
    CI=true yarn backstage-cli repo test --maxWorkers=2 --json --outputFile="$local_results" "$@" || status=$?
    if [ -f "$local_results" ]; then
      node -e 'const r=require(process.argv[1]); console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests} skipped`)' "$local_results"
    fi
    exit "$status"
    ;;
  yarn)
    ensure_install
    cd "$caller_dir"
    exec node "$root/$(yarn_release)" "$@"
    ;;
  *)
    echo "usage: scripts/sla.sh start|test|yarn <args>" >&2
    exit 2
    ;;
esac
