#!/usr/bin/env bash
# Disaster-recovery drill: restores the newest backup held in the secondary region into an empty
# database and proves Zixly runs on it, timing each step (the drill's RTO).
#
#   zixly-dr-drill.sh
#
# Environment:
#   DR_BACKUP_S3_URI    s3://bucket/prefix of the backups' replica in the secondary region
#   DR_REGION           that region (the AWS CLI reads the bucket there)
#   ZIXLY_DATABASE_URL  the EMPTY database to restore into (a scratch RDS instance, or one
#                       restored from RDS's replicated automated backups); refused if it has tables
#   ZIXLY_BINARY        the zixly binary (default: zixly on PATH)
#   DR_MAX_AGE_HOURS    the newest backup may be this old (default 26: nightly dumps, RPO 24 h)
#   DR_ARTIFACTS_URL    where the smoke sweep's data and results live (default: a local folder;
#                       s3://<replica of the results bucket>/results checks that replica too)
#   SMOKE_TICKER        the smoke sweep's ticker (default GOOG, a shipped sample)
#   AWS_ENDPOINT_URL    an S3-compatible endpoint (the tests use moto's)
#
# The restored copy is a scratch database: before Zixly starts on it, the drill holds every
# restored queued job and removes the outbound webhook endpoints, so nothing restored runs and
# no customer receives a callback; then one smoke sweep goes through the API and a worker.
set -euo pipefail

die() { echo "zixly-dr-drill: $*" >&2; exit 1; }
here=$(cd "$(dirname "$0")" && pwd)
: "${DR_BACKUP_S3_URI:?DR_BACKUP_S3_URI (s3://bucket/prefix in the secondary region) is not set}"
: "${DR_REGION:?DR_REGION (the secondary region) is not set}"
: "${ZIXLY_DATABASE_URL:?ZIXLY_DATABASE_URL (an empty database to restore into) is not set}"
zixly=${ZIXLY_BINARY:-$(command -v zixly || true)}
[ -x "$zixly" ] || die "no zixly binary (set ZIXLY_BINARY)"
max_age_hours=${DR_MAX_AGE_HOURS:-26}
ticker=${SMOKE_TICKER:-GOOG}
export AWS_DEFAULT_REGION=$DR_REGION AWS_REGION=$DR_REGION BACKUP_S3_URI=$DR_BACKUP_S3_URI
started=$(date +%s)
step() { echo "[$(( $(date +%s) - started )) s] $*"; }
sql() { psql "$ZIXLY_DATABASE_URL" -v ON_ERROR_STOP=1 -At -c "$1"; }

step "checking that the target database is empty"
tables=$(sql "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'") || die "cannot reach the target database"
[ "$tables" = 0 ] || die "the target database has $tables tables: the drill restores only into an empty database"

step "finding the newest backup in $DR_BACKUP_S3_URI ($DR_REGION)"
newest=$(bash "$here/zixly-backup.sh" list | tail -1)
[ -n "$newest" ] || die "no backups in $DR_BACKUP_S3_URI: is replication from the primary region running?"
stamp=${newest#zixly-}
stamp=${stamp%.dump}
taken=$(date -u -d "${stamp:0:4}-${stamp:4:2}-${stamp:6:2}T${stamp:9:2}:${stamp:11:2}:${stamp:13:2}Z" +%s) || die "cannot read the time of $newest"
age_hours=$(( ($(date +%s) - taken) / 3600 ))
[ "$age_hours" -le "$max_age_hours" ] || die "the newest backup, $newest, is $age_hours hours old (more than $max_age_hours): the recovery point is missed"
step "newest backup: $newest, $age_hours h old"

step "restoring it"
bash "$here/zixly-backup.sh" restore "$newest" >/dev/null
jobs=$(sql "SELECT count(*) FROM jobs")
step "restored $jobs jobs"

step "checking the schema is current (zixly migrate applies nothing)"
migrate_log=$("$zixly" migrate 2>&1) || die "zixly migrate failed: $migrate_log"
applied=$(grep -c "applied migration" <<<"$migrate_log" || true)
[ "$applied" = 0 ] || die "zixly migrate applied $applied migrations: the backup's schema was behind this binary's"

step "holding restored queued jobs and removing outbound endpoints (a scratch copy: nothing restored runs or calls out)"
sql "UPDATE jobs SET run_at = 'infinity' WHERE state = 'queued'" >/dev/null
sql "DELETE FROM webhook_endpoints" >/dev/null

step "smoke sweep: $ticker through the API and a worker"
work=$(mktemp -d)
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
key="zk_dr_drill_$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
ZIXLY_ADMIN_API_KEY=$key ZIXLY_ARTIFACTS_URL=${DR_ARTIFACTS_URL:-file://$work/artifacts} ZIXLY_LOG_LEVEL=warning \
  "$zixly" up --no-migrate --port "$port" --data-dir "$work" >"$work/up.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$work"' EXIT
base="http://127.0.0.1:$port"
for _ in $(seq 1 150); do curl -fs "$base/ready" >/dev/null 2>&1 && break; sleep 0.2; done
curl -fs "$base/ready" >/dev/null || die "zixly did not become ready on the restored database: $(tail -5 "$work/up.log")"
listed=$(curl -fsS -H "Authorization: Bearer $key" "$base/api/pipelines?limit=1" | python3 -c 'import json, sys; print(json.load(sys.stdin)["total_jobs"])')
[ "$listed" = "$jobs" ] || die "the API lists $listed jobs, the database holds $jobs"
job=$(curl -fsS -X POST -H "Authorization: Bearer $key" -H "Content-Type: application/json" \
  -d "{\"job_type\": \"trading-sweep\", \"config\": {\"ticker\": \"$ticker\", \"fast_range\": [5, 10], \"slow_range\": [20, 30], \"min_trades\": 10}}" \
  "$base/api/pipelines" | python3 -c 'import json, sys; print(json.load(sys.stdin)["job"]["id"])')
status=queued
for _ in $(seq 1 600); do
  status=$(curl -fsS -H "Authorization: Bearer $key" "$base/api/pipelines/$job" | python3 -c 'import json, sys; print(json.load(sys.stdin)["status"])')
  case "$status" in completed|failed|cancelled) break ;; esac
  sleep 0.5
done
[ "$status" = completed ] || die "the smoke sweep $job ended $status: $(curl -fsS -H "Authorization: Bearer $key" "$base/api/pipelines/$job")"
best=$(curl -fsS -H "Authorization: Bearer $key" "$base/api/pipelines/$job/results?limit=1" | python3 -c 'import json, sys; row = json.load(sys.stdin)["results"][0]; print("fast %s / slow %s" % (row["fast_period"], row["slow_period"]))')
step "smoke sweep $job completed (best $best)"
echo "DR drill passed in $(( $(date +%s) - started )) s: $newest ($age_hours h old), $jobs jobs restored, schema current, a sweep ran"
