"""deploy/docker: the Dockerfile (hadolint and what it promises) and the image that
deploy/docker/build-local-image.sh built here without a Docker daemon (an OCI layout), run
under podman: `zixly up` in the read-only container completes a sweep, and `zixly api`
migrates and serves against the test PostgreSQL.

scripts/test.sh builds the image first and passes ZIXLY_IMAGE (podman's reference) and
ZIXLY_OCI_LAYOUT (the OCI layout directory).
"""
import json
import os
import pathlib
import re
import subprocess
import time
import urllib.error
import urllib.request
import uuid

import pytest

from conftest import DEPLOY, ROOT, free_port, fresh_database, run, tool

DOCKERFILE = DEPLOY / "docker" / "Dockerfile"
PODMAN_CONF = ROOT / "deploy" / "docker" / "podman-containers.conf"


def test_hadolint_finds_nothing():
    result = run([tool("hadolint"), str(DOCKERFILE)])
    assert result.returncode == 0, result.stdout + result.stderr


def test_dockerfile_builds_small_and_runs_unprivileged():
    text = DOCKERFILE.read_text()
    stages = re.findall(r"^FROM\s+(\S+)(?:\s+AS\s+(\S+))?", text, re.MULTILINE)
    assert len(stages) == 2 and stages[0][1] == "build", stages
    runtime = text.split("FROM ${RUNTIME_IMAGE}")[1]
    assert "--static-swift-stdlib" in text and "--mount=type=cache,target=/src/.build" in text
    assert "distroless" in text
    assert re.search(r"^USER 65532:65532$", runtime, re.MULTILINE)
    assert re.search(r"^HEALTHCHECK .*zixly\", \"health\"\]$", runtime, re.MULTILINE)
    assert 'ENTRYPOINT ["/usr/local/bin/zixly"]' in runtime and 'VOLUME ["/data"]' in runtime
    for label in ["version", "revision", "source", "title"]:
        assert f"org.opencontainers.image.{label}=" in runtime
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".git", ".build", ".venv", "test-artifacts"} <= set(ignored)


def image_reference():
    reference = os.environ.get("ZIXLY_IMAGE")
    if not reference:
        pytest.fail("ZIXLY_IMAGE is not set: scripts/test.sh builds the image and sets it")
    return reference


def oci_config():
    layout = pathlib.Path(os.environ.get("ZIXLY_OCI_LAYOUT", ""))
    if not (layout / "index.json").exists():
        pytest.fail("ZIXLY_OCI_LAYOUT is not an OCI layout: scripts/test.sh builds it")
    def blob(digest):
        algorithm, value = digest.split(":")
        return layout / "blobs" / algorithm / value
    index = json.loads((layout / "index.json").read_text())
    manifest = json.loads(blob(index["manifests"][0]["digest"]).read_text())
    config = json.loads(blob(manifest["config"]["digest"]).read_text())
    return manifest, config


def test_oci_layout_has_the_user_entrypoint_labels_and_a_small_size():
    manifest, config = oci_config()
    settings = config["config"]
    assert settings["User"] == "65532:65532"
    assert settings["Entrypoint"] == ["/usr/local/bin/zixly"] and settings["Cmd"] == ["api"]
    assert set(settings["ExposedPorts"]) == {"8080/tcp", "8081/tcp"} and set(settings["Volumes"]) == {"/data"}
    assert "ZIXLY_HOST=0.0.0.0" in settings["Env"]
    labels = settings["Labels"]
    version = re.search(r'static let current = "([^"]+)"', (ROOT / "Sources/ZixlyApp/ZixlyVersion.swift").read_text()).group(1)
    revision = run(["git", "rev-parse", "HEAD"], cwd=ROOT).stdout.strip()
    assert labels["org.opencontainers.image.version"] == version
    assert labels["org.opencontainers.image.revision"] == revision
    assert labels["org.opencontainers.image.source"].startswith("https://")
    size = sum(layer["size"] for layer in manifest["layers"])
    print(f"\nimage: {len(manifest['layers'])} layer(s), {size / 1e6:.1f} MB compressed")
    assert size < 120e6, f"{size / 1e6:.1f} MB"


def podman(*arguments, check=True, timeout=120):
    environment = dict(os.environ, CONTAINERS_CONF=str(PODMAN_CONF))
    result = subprocess.run(["podman", *arguments], capture_output=True, text=True, env=environment, timeout=timeout)
    if check:
        assert result.returncode == 0, f"podman {' '.join(arguments)}: {result.stderr}"
    return result


def test_tags_are_semver_and_sha_without_latest():
    reference = image_reference()
    tags = podman("image", "inspect", reference, "--format", "{{json .RepoTags}}").stdout
    names = [tag.split(":")[-1] for tag in json.loads(tags)]
    assert any(re.fullmatch(r"\d+\.\d+\.\d+", tag) for tag in names), names
    assert any(re.fullmatch(r"sha-[0-9a-f]{12}", tag) for tag in names), names
    assert "latest" not in names, "latest is for releases only"
    health = json.loads(podman("image", "inspect", reference, "--format", "{{json .Config.Healthcheck}}").stdout)
    assert health["Test"] == ["CMD", "/usr/local/bin/zixly", "health"]


def request(url, body=None, key=None, timeout=5):
    headers = {"Content-Type": "application/json"} if body is not None else {}
    if key:
        headers["Authorization"] = "Bearer " + key
    data = json.dumps(body).encode() if body is not None else None
    with urllib.request.urlopen(urllib.request.Request(url, data=data, headers=headers), timeout=timeout) as answer:
        return answer.status, json.loads(answer.read() or b"null")


def wait_for(url, seconds=60):
    deadline = time.time() + seconds
    while True:
        try:
            return request(url)
        except (urllib.error.URLError, ConnectionError, OSError):
            if time.time() > deadline:
                raise
            time.sleep(0.5)


@pytest.fixture
def container_name():
    name = "zixly-test-" + uuid.uuid4().hex[:8]
    yield name
    logs = podman("logs", "--tail", "30", name, check=False)
    print(logs.stdout[-3000:], logs.stderr[-3000:])
    podman("rm", "-f", "-t", "0", name, check=False)


def test_the_image_runs_zixly_up_read_only_and_completes_a_sweep(container_name):
    reference = image_reference()
    version = podman("run", "--rm", "--no-healthcheck", reference, "--version").stdout
    assert version.startswith("zixly ")
    port = free_port()
    admin_key = "zk_" + uuid.uuid4().hex
    podman(
        "run", "-d", "--name", container_name, "--no-healthcheck", "--read-only", "--cap-drop", "ALL",
        "--security-opt", "no-new-privileges", "--tmpfs", "/tmp", "--tmpfs", "/data:U",
        "-p", f"127.0.0.1:{port}:8080", "-e", f"ZIXLY_ADMIN_API_KEY={admin_key}", reference, "up")
    base = f"http://127.0.0.1:{port}"
    status, health = wait_for(base + "/health")
    assert status == 200 and health["status"] == "ok"
    assert request(base + "/ready")[1]["status"] == "ready"
    sweep = {"job_type": "trading-sweep", "ticker": "GOOG", "config": {"fast_range": [5, 20], "slow_range": [30, 60], "step": 5, "min_trades": 10}}
    status, created = request(base + "/api/pipelines", sweep, key=admin_key)
    assert status == 201
    job_id = created["job"]["id"]
    deadline = time.time() + 60
    while True:
        job = request(f"{base}/api/pipelines/{job_id}", key=admin_key)[1]
        if job["status"] in ("completed", "failed", "cancelled") or time.time() > deadline:
            break
        time.sleep(0.5)
    assert job["status"] == "completed", job
    assert job["result_summary"]["total_combinations"] == 28, job
    # The results were written to the artifact store in /data and read back through the API.
    status, results = request(f"{base}/api/pipelines/{job_id}/results?limit=5", key=admin_key)
    assert status == 200 and len(results["results"]) == 5, results
    # The image's own health check passes in the running container.
    check = podman("exec", container_name, "/usr/local/bin/zixly", "health")
    assert "healthy" in check.stdout
    user = podman("exec", container_name, "/usr/local/bin/zixly", "health", "--url", "http://127.0.0.1:1/health", check=False)
    assert user.returncode != 0 and "unhealthy" in (user.stdout + user.stderr)


def test_the_image_migrates_and_serves_the_api_on_postgresql(container_name):
    reference = image_reference()
    url = fresh_database("zixly_image")
    migrate = podman("run", "--rm", "--no-healthcheck", "--network", "host", "-e", f"ZIXLY_DATABASE_URL={url}", reference, "migrate")
    assert migrate.returncode == 0
    port = free_port()
    podman(
        "run", "-d", "--name", container_name, "--no-healthcheck", "--read-only", "--network", "host",
        "-e", f"ZIXLY_DATABASE_URL={url}", "-e", f"ZIXLY_PORT={port}", "-e", "ZIXLY_HOST=127.0.0.1",
        "-e", "ZIXLY_ADMIN_API_KEY=zk_" + uuid.uuid4().hex, "-e", "ZIXLY_WEBHOOK_SECRETS=whsec_" + "A" * 43 + "=",
        reference, "api", "--no-migrate")
    status, ready = wait_for(f"http://127.0.0.1:{port}/ready")
    assert status == 200 and ready["status"] == "ready"
