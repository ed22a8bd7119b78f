#!/usr/bin/env bash
# `make test`: lint, then all tests. Uses KAFKA_BOOTSTRAP_SERVERS / MONGODB_URL when given, testcontainers
# where a Docker engine answers, else this project's own Kafka and SecantusDB (stopped again if it started them).
set -uo pipefail
cd "$(dirname "$0")/../.."
VENV=.venv

make --no-print-directory lint || exit 1
# the deployment checks need kustomize, built once into CACHE_DIR from the Go module proxy
python3 deploy/local/tools.py || exit 1
bash deploy/local/asyncapi_cli.sh || exit 1  # the AsyncAPI CLI that validates docs/events/asyncapi.yaml
bash deploy/local/axe_core.sh || exit 1  # axe-core, which the console's browser tests scan every page with

started_here=no
stop_own_servers() {
  KAFKA_BOOTSTRAP_SERVERS="$given_kafka" MONGODB_URL="$given_mongodb" KEYCLOAK_URL="$given_keycloak" \
    python3 deploy/local/infra.py down
  rm -rf "$DATA_DIR"
}
given_kafka="${KAFKA_BOOTSTRAP_SERVERS:-}" given_mongodb="${MONGODB_URL:-}" given_keycloak="${KEYCLOAK_URL:-}"
if [[ -z "${KAFKA_BOOTSTRAP_SERVERS:-}" || -z "${MONGODB_URL:-}" ]] && ! docker info >/dev/null 2>&1; then
  if ! python3 deploy/local/infra.py status >/dev/null 2>&1; then
    # nothing running: servers of our own on a throwaway data folder, so tests never touch `make run` data
    started_here=yes
    DATA_DIR="$(mktemp -d -t pembinaan-test-XXXXXX)"
    export DATA_DIR
    # whatever happens from here (a failed start, a failed or interrupted run), stop what this run started
    trap stop_own_servers EXIT
  fi
  python3 deploy/local/infra.py up || exit 1
  export KAFKA_BOOTSTRAP_SERVERS="${KAFKA_BOOTSTRAP_SERVERS:-127.0.0.1:${KAFKA_PORT:-9092}}"
  export MONGODB_URL="${MONGODB_URL:-mongodb://127.0.0.1:${MONGODB_PORT:-27017}}"
fi
# Keycloak for the sign-in tests: KEYCLOAK_URL when given, else the project's own (stopped again if started here)
if [[ -z "${KEYCLOAK_URL:-}" ]]; then
  if [[ "$started_here" == no ]] && ! python3 deploy/local/infra.py status keycloak >/dev/null 2>&1; then
    trap 'KEYCLOAK_URL= python3 deploy/local/infra.py down keycloak' EXIT
  fi
  python3 deploy/local/infra.py up keycloak || exit 1
  export KEYCLOAK_URL="http://127.0.0.1:${KEYCLOAK_PORT:-8080}"
fi

# the storefront's and the console's tests drive Debian's Chromium: installed here when missing (as root, or with sudo when it needs
# no password); without it those tests fail and say how to install it
CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
if ! command -v "$CHROMIUM" >/dev/null 2>&1; then
  echo "chromium is missing: apt-get install -y chromium"
  as_root=()
  [[ "$(id -u)" -ne 0 ]] && command -v sudo >/dev/null 2>&1 && as_root=(sudo -n)
  { "${as_root[@]}" apt-get install -y chromium >/dev/null 2>&1 \
    || { "${as_root[@]}" apt-get update -qq && "${as_root[@]}" apt-get install -y chromium >/dev/null 2>&1; }; } \
    || echo "could not install chromium; the storefront's browser tests will fail"
fi
export CHROMIUM
bash deploy/local/install_promtool.sh  # promtool, for the alert rules' tests

"$VENV/bin/python" -m pytest -n "${TEST_WORKERS:-2}" --dist loadfile -q "$@"
