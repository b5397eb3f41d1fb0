#!/usr/bin/env bash
# Backs Zixly's PostgreSQL database up to S3 and restores it, with pg_dump's custom format.
#
#   zixly-backup backup            dump the database to $BACKUP_S3_URI/zixly-<UTC time>.dump
#   zixly-backup list              the backups there, oldest first
#   zixly-backup restore KEY|latest restore one (into an empty or existing database: objects are replaced)
#
# Environment: ZIXLY_DATABASE_URL (postgres://...) or ZIXLY_DATABASE_URL_FILE, BACKUP_S3_URI (s3://bucket/prefix), the usual
# AWS credentials (IRSA in Kubernetes), BACKUP_KMS_KEY_ID to encrypt with a KMS key (else SSE-S3),
# AWS_ENDPOINT_URL for an S3-compatible store. Retention is the bucket's lifecycle rule.
set -euo pipefail

die() { echo "zixly-backup: $*" >&2; exit 1; }
database=${ZIXLY_DATABASE_URL:-}
if [ -z "$database" ] && [ -n "${ZIXLY_DATABASE_URL_FILE:-}" ]; then
  [ -r "$ZIXLY_DATABASE_URL_FILE" ] || die "ZIXLY_DATABASE_URL_FILE ($ZIXLY_DATABASE_URL_FILE) cannot be read"
  database=$(<"$ZIXLY_DATABASE_URL_FILE")
fi
[ -n "$database" ] || die "ZIXLY_DATABASE_URL (or ZIXLY_DATABASE_URL_FILE) is not set"
target=${BACKUP_S3_URI:-}
[[ "$target" == s3://* ]] || die "BACKUP_S3_URI must be s3://bucket/prefix (got '${target}')"
target=${target%/}
aws_s3() { aws ${AWS_ENDPOINT_URL:+--endpoint-url "$AWS_ENDPOINT_URL"} s3 "$@"; }

backup() {
  local name key encryption
  name="zixly-$(date -u +%Y%m%dT%H%M%SZ).dump"
  key="$target/$name"
  if [ -n "${BACKUP_KMS_KEY_ID:-}" ]; then
    encryption=(--sse aws:kms --sse-kms-key-id "$BACKUP_KMS_KEY_ID")
  else
    encryption=(--sse AES256)
  fi
  # The dump streams to an .incomplete/ key and becomes a backup only once pg_dump succeeded
  # (pipefail), so a failed or partial dump is never listed or restored.
  local partial="$target/.incomplete/$name"
  if ! pg_dump --format=custom --compress=6 --no-owner --no-privileges "$database" \
      | aws_s3 cp - "$partial" "${encryption[@]}" --only-show-errors; then
    aws_s3 rm "$partial" --only-show-errors >/dev/null 2>&1 || true
    die "the dump failed; nothing was backed up"
  fi
  aws_s3 mv "$partial" "$key" "${encryption[@]}" --only-show-errors
  local size
  size=$(aws_s3 ls "$key" | awk '{ print $3 }')
  [ -n "$size" ] && [ "$size" -gt 0 ] || die "the upload of $key is missing or empty"
  echo "backed up to $key ($size bytes)"
}

list() {
  local listing status=0
  # `aws s3 ls` exits 1 for a prefix with nothing under it; anything else is an error.
  listing=$(aws_s3 ls "$target/") || status=$?
  if [ "$status" -ne 0 ] && { [ "$status" -ne 1 ] || [ -n "$listing" ]; }; then
    die "cannot list $target (aws exited $status)"
  fi
  awk '$4 ~ /^zixly-.*\.dump$/ { print $4 }' <<<"$listing" | sort
}

restore() {
  local which=${1:-} key
  [ -n "$which" ] || die "restore needs a backup name (see 'list') or 'latest'"
  if [ "$which" = latest ]; then
    which=$(list | tail -n 1)
    [ -n "$which" ] || die "no backups under $target"
  fi
  key="$target/${which##*/}"
  aws_s3 cp "$key" - --only-show-errors | pg_restore --clean --if-exists --no-owner --no-privileges --single-transaction --dbname "$database"
  echo "restored $key"
}

case "${1:-}" in
  backup) backup ;;
  list) list ;;
  restore) restore "${2:-}" ;;
  *) die "usage: zixly-backup backup | list | restore NAME|latest" ;;
esac
