#!/usr/bin/env bash
# Builds the Zixly image here, without a Docker daemon: a static-stdlib release binary, the few
# libraries it links, and the same user, entrypoint, health check and labels as the Dockerfile,
# assembled FROM scratch by podman, then written as an OCI layout.
#
#   deploy/docker/build-local-image.sh [OUT_DIR]     (default test-artifacts/image)
#
# Prints ZIXLY_IMAGE=<podman reference> and ZIXLY_OCI_LAYOUT=<directory>, for `eval`. Tags: <version>, <version>-<sha> and
# sha-<sha>; `latest` only when ZIXLY_RELEASE=1 (as the release workflow does for tags).
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
out=${1:-$root/test-artifacts/image}
version=$(sed -nE 's/.*static let current = "([^"]+)".*/\1/p' Sources/ZixlyApp/ZixlyVersion.swift)
revision=$(git rev-parse HEAD 2>/dev/null || echo unknown)
short=${revision:0:12}

log() { printf '== %s\n' "$*" >&2; }

log "release build with the static Swift standard library"
swift build -c release --product zixly --static-swift-stdlib -Xlinker -s --scratch-path .build-release >&2
binary=.build-release/release/zixly

stage=$(mktemp -d /tmp/zixly-image.XXXXXX)
trap 'rm -rf "$stage"' EXIT
rootfs=$stage/rootfs
mkdir -p "$rootfs/usr/local/bin" "$rootfs/etc/ssl/certs" "$rootfs/data" "$rootfs/tmp"
cp "$binary" "$rootfs/usr/local/bin/zixly"
cp -R .build-release/release/zixly_ZixlyDatasets.resources "$rootfs/usr/local/bin/"
# Every shared library the binary loads (glibc, libstdc++, SQLite, zlib), at the same paths.
for library in $(ldd "$binary" | awk '/=>/ { print $3 } /^\t\/lib/ { print $1 }'); do
  cp -L --parents "$library" "$rootfs/"
done
cp /etc/ssl/certs/ca-certificates.crt "$rootfs/etc/ssl/certs/"
printf 'root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/data:/sbin/nologin\n' > "$rootfs/etc/passwd"
printf 'root:x:0:\nnonroot:x:65532:\n' > "$rootfs/etc/group"
chown 65532:65532 "$rootfs/data"
chmod 1777 "$rootfs/tmp"

# The runtime stage's instructions (labels, environment, user, volume, ports, health check,
# entrypoint) are the Dockerfile's own, with its build arguments filled in, so both images agree.
source="https://github.com/zixly/zixly"
{
  echo "FROM scratch"
  echo "COPY rootfs/ /"
  sed -n '/^FROM ${RUNTIME_IMAGE}/,$p' deploy/docker/Dockerfile | sed '1d' | grep -vE '^(ARG|COPY|#)' \
    | sed -e "s|\${VERSION}|$version|g" -e "s|\${REVISION}|$revision|g" -e "s|\${SOURCE}|$source|g"
} > "$stage/Containerfile"
if grep -q '\${' "$stage/Containerfile"; then
  echo "build-local-image: an unfilled build argument in the runtime stage: $(grep '\${' "$stage/Containerfile")" >&2
  exit 1
fi

image=localhost/zixly
log "podman build (docker format, which keeps the health check)"
podman build --quiet --format docker --tag "$image:$version" --tag "$image:$version-$short" --tag "$image:sha-$short" "$stage" >&2
if [ "${ZIXLY_RELEASE:-0}" = 1 ]; then podman tag "$image:$version" "$image:latest"; fi

rm -rf "$out"
mkdir -p "$out"
skopeo copy --quiet "containers-storage:$image:$version-$short" "oci:$out/zixly-oci:$version-$short" >&2
echo "ZIXLY_IMAGE=$image:$version-$short"
echo "ZIXLY_OCI_LAYOUT=$out/zixly-oci"
