#!/usr/bin/env bash
# Points an Argo CD application at a git revision and at images pinned by digest, syncs it
# (the zixly-migrate PreSync hook runs first) and waits until its canary rollouts are promoted:
# Argo CD reports a Rollout Progressing or Suspended through its steps (10%, analysis, 50%,
# analysis: about 12 minutes), Healthy once promoted, Degraded once an analysis failed and the
# Rollout aborted (the stable version serving everything again), which fails this script.
#
#   deploy/ci/argocd-deploy.sh APPLICATION REVISION IMAGE_TAG
#
# ARGOCD_SERVER and ARGOCD_AUTH_TOKEN name the Argo CD and a token of a project role that may
# only get, update and sync Zixly's applications. IMAGE_OWNER defaults to zixly.
set -euo pipefail
application=${1:?application}
revision=${2:?git revision}
tag=${3:?image tag}
owner=${IMAGE_OWNER:-zixly}
: "${ARGOCD_SERVER:?ARGOCD_SERVER is not set}" "${ARGOCD_AUTH_TOKEN:?ARGOCD_AUTH_TOKEN is not set}"

digest() {
  docker buildx imagetools inspect "ghcr.io/$owner/$1:$tag" --format '{{json .Manifest.Digest}}' | tr -d '"'
}
app_digest=$(digest zixly)
backup_digest=$(digest zixly-backup)
[[ "$app_digest" == sha256:* && "$backup_digest" == sha256:* ]] || { echo "no image for tag $tag" >&2; exit 1; }

argocd app set "$application" --grpc-web --revision "$revision" \
  --kustomize-image "ghcr.io/zixly/zixly=ghcr.io/$owner/zixly@$app_digest" \
  --kustomize-image "ghcr.io/zixly/zixly-backup=ghcr.io/$owner/zixly-backup@$backup_digest"
argocd app sync "$application" --grpc-web --timeout 900

deadline=$((SECONDS + ${ROLLOUT_TIMEOUT_SECONDS:-1800}))
while :; do
  health=$(argocd app get "$application" --grpc-web -o json | jq -r '.status.health.status')
  case "$health" in
    Healthy) break ;;
    Degraded)
      echo "$application: a canary analysis failed and the rollout was aborted; the stable version serves" >&2
      argocd app get "$application" --grpc-web >&2 || true
      exit 1 ;;
  esac
  if (( SECONDS >= deadline )); then
    echo "$application: still $health after ${ROLLOUT_TIMEOUT_SECONDS:-1800} s" >&2
    exit 1
  fi
  sleep 20
done
argocd app wait "$application" --grpc-web --sync --health --timeout 60
echo "$application is at $revision with zixly@$app_digest"
