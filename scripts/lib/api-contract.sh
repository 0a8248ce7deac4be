# shellcheck shell=bash
# Holds the served REST API to its OpenAPI document: schemathesis (PyPI) with all checks, a
# fixed seed and a bounded number of examples per operation, against the debug server binary
# on a fresh database, as an admin service account's API token, so that every operation is
# reached (as an agent, the admin operations answered only 403 and were never checked; who may
# reach what is the access table's test). Needs tools.sh and pg.sh sourced.

SCHEMATHESIS_VERSION=4.32.5

# ensure_schemathesis: installs schemathesis once into the tools cache; prints its `st`.
ensure_schemathesis() {
  local venv="$TOOLS_DIR/schemathesis-$SCHEMATHESIS_VERSION"
  if [ ! -x "$venv/bin/st" ]; then
    log "installing schemathesis $SCHEMATHESIS_VERSION into $venv"
    python3 -m venv "$venv" || die "python3 -m venv failed (Debian: apt-get install python3-venv)"
    "$venv/bin/pip" install --quiet "schemathesis==$SCHEMATHESIS_VERSION" \
      || die "could not install schemathesis from PyPI"
  fi
  printf '%s/bin/st' "$venv"
}

# api_contract RUNTIME_URL OWNER_URL PORT: migrates, adds an admin service account with a token,
# serves the API on 127.0.0.1:PORT and runs schemathesis against it; fails on any failure.
# Runs in a subshell, so the variables it sets stay there.
api_contract() (
  local runtime=$1 owner=$2 port=$3 st dir token server status=0
  local bin="${CARGO_TARGET_DIR:-target}/debug/server"
  st=$(ensure_schemathesis)
  dir=$(mktemp -d)
  export DATABASE_URL="$runtime" MIGRATION_DATABASE_URL="$owner" DATA_DIR="$dir/data"
  "$bin" user add --service --email contract@test.example --name Vertragstest \
    --role admin >/dev/null
  token=$("$bin" token add --user contract@test.example --name schemathesis | tail -n 1)
  LEPTOS_OUTPUT_NAME=anrufe LEPTOS_SITE_ADDR="127.0.0.1:$port" IMPORT_DIR="$dir/import" \
    DEMO_CALLS=60 API_REQUESTS_PER_MINUTE=1000000 RUST_LOG=warn \
    "$bin" >"$dir/server.log" 2>&1 &
  server=$!
  "$st" --config-file scripts/lib/schemathesis.toml run \
    "http://127.0.0.1:$port/api/v1/openapi.json" --wait-for-schema 60 \
    -H "Authorization: Bearer $token" --checks all --seed 1 --max-examples 40 \
    --generation-database none --workers 1 --no-color || status=$?
  kill "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
  if [ "$status" -ne 0 ]; then
    log "the server's log:"
    tail -n 50 "$dir/server.log" >&2
  fi
  rm -rf "$dir"
  exit "$status"
)
