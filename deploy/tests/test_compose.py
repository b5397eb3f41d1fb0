"""deploy/compose: the whole stack from one `docker compose up`, checked without a Docker engine.

podman-compose interpolates and merges the file as compose would; the rest checks what the
stack promises: health checks, start order, limits, named volumes, hardening and no credential
in the file.
"""
import re

import pytest
import yaml

from conftest import DEPLOY, ROOT, load_yaml_documents, run, tool

COMPOSE = DEPLOY / "compose" / "compose.yaml"
ENV_EXAMPLE = DEPLOY / "compose" / ".env.example"
ONE_SHOT = {"migrate", "minio-init"}
ZIXLY = {"migrate", "api", "worker"}


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """The stack as compose sees it once .env.example's values are filled in."""
    env = tmp_path_factory.mktemp("compose") / ".env"
    env.write_text(ENV_EXAMPLE.read_text())
    result = run([tool("podman-compose"), "--env-file", str(env), "-f", str(COMPOSE), "config"], cwd=COMPOSE.parent)
    assert result.returncode == 0, result.stderr
    return yaml.safe_load(result.stdout)


def test_every_required_service_is_there(rendered):
    services = set(rendered["services"])
    assert {
        "postgres", "minio", "minio-init", "migrate", "api", "worker", "prometheus", "alertmanager",
        "grafana", "otel-collector", "jaeger", "loki", "alloy",
    } <= services
    assert rendered["services"]["worker"]["deploy"]["replicas"] == 2


def test_a_missing_secret_stops_the_stack_naming_it(tmp_path):
    env = tmp_path / ".env"
    env.write_text("\n".join(line for line in ENV_EXAMPLE.read_text().splitlines() if not line.startswith("POSTGRES_PASSWORD=")))
    result = run([tool("podman-compose"), "--env-file", str(env), "-f", str(COMPOSE), "config"], cwd=tmp_path)
    assert result.returncode != 0
    assert "POSTGRES_PASSWORD" in result.stderr


def environments(document):
    """Every environment mapping in the raw file (services and the shared x- block)."""
    found = []
    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "environment" and isinstance(value, dict):
                    found.append(value)
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)
    walk(document)
    return found


def test_no_credential_is_written_in_the_file():
    raw = yaml.safe_load(COMPOSE.read_text())
    checked = 0
    for environment in environments(raw):
        for name, value in environment.items():
            value = str(value)
            if re.search(r"PASSWORD|SECRET|ACCESS_KEY|API_KEY", name):
                assert re.fullmatch(r"\$\{[A-Z_]+:\?[^}]*\}", value), f"{name} must come from .env as ${{VAR:?}}"
                checked += 1
            userinfo = re.search(r"://[^/@:]+:([^@]+)@", value)
            if userinfo:
                assert re.fullmatch(r"\$\{[A-Z_]+:\?[^}]*\}", userinfo.group(1)), f"{name}: password in a URL"
                checked += 1
    assert checked >= 8
    assert all("change-me" not in line for line in COMPOSE.read_text().splitlines() if not line.lstrip().startswith("#"))
    # .env.example holds placeholders only.
    for line in ENV_EXAMPLE.read_text().splitlines():
        if "=" in line and not line.startswith("#") and re.search(r"PASSWORD|SECRET|API_KEY", line.split("=")[0]):
            assert line.split("=", 1)[1] == "change-me", line


def test_long_running_services_have_health_checks_limits_and_pinned_images(rendered):
    for name, service in rendered["services"].items():
        image = service["image"]
        assert ":" in image and not image.endswith(":latest"), f"{name}: pin {image}"
        assert "limits" in service.get("deploy", {}).get("resources", {}) or name == "minio-init", f"{name}: resource limits"
    for name in ["postgres", "minio", "api", "worker", "prometheus", "alertmanager", "grafana"]:
        assert rendered["services"][name].get("healthcheck", {}).get("test"), f"{name}: health check"


def test_start_order_waits_for_health_and_one_shots(rendered):
    services = rendered["services"]
    assert services["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert services["minio-init"]["depends_on"]["minio"]["condition"] == "service_healthy"
    for name in ["api", "worker"]:
        depends = services[name]["depends_on"]
        assert depends["migrate"]["condition"] == "service_completed_successfully"
        assert depends["minio-init"]["condition"] == "service_completed_successfully"
    for name in ONE_SHOT:
        assert services[name]["restart"] == "no"
    # Migrations run once, in the one-shot; the long-running roles do not race it.
    assert services["migrate"]["command"] == ["migrate"]
    assert services["api"]["command"] == ["api", "--no-migrate"]
    assert services["worker"]["command"] == ["worker", "--no-migrate"]


def test_zixly_runs_hardened(rendered):
    for name in ZIXLY:
        service = rendered["services"][name]
        assert service["user"] == "65532:65532"
        assert service["read_only"] is True
        assert service["cap_drop"] == ["ALL"]
        assert "no-new-privileges:true" in service["security_opt"]
        environment = service["environment"]
        assert environment["ZIXLY_DATABASE_URL"].startswith("postgres://")
        assert environment["ZIXLY_ARTIFACTS_URL"].startswith("s3://")
        assert environment["ZIXLY_S3_ENDPOINT"] == "http://minio:9000"
        assert environment["ZIXLY_OTLP_ENDPOINT"] == "http://otel-collector:4318"


def test_state_lives_in_named_volumes(rendered):
    declared = set(rendered["volumes"])
    for name in ["postgres", "minio", "prometheus", "grafana", "loki"]:
        mounts = rendered["services"][name]["volumes"]
        named = [mount.split(":")[0] for mount in mounts if not mount.startswith((".", "/"))]
        assert named and set(named) <= declared, f"{name}: {mounts}"


def test_mounted_configuration_exists_and_parses(rendered):
    for name, service in rendered["services"].items():
        for mount in service.get("volumes", []):
            source = mount.split(":")[0]
            if source.startswith("."):
                path = (COMPOSE.parent / source).resolve()
                assert path.exists(), f"{name} mounts {source}, which does not exist"
                if path.suffix in (".yml", ".yaml"):
                    assert load_yaml_documents(path), f"{path} is empty"
    collector = yaml.safe_load((DEPLOY / "compose/config/otel-collector.yaml").read_text())
    assert collector["service"]["pipelines"]["traces"]["exporters"] == ["otlp/jaeger"]
    assert "4318" in collector["receivers"]["otlp"]["protocols"]["http"]["endpoint"]
    datasources = yaml.safe_load((DEPLOY / "compose/grafana/datasources.yml").read_text())["datasources"]
    assert {source["type"] for source in datasources} == {"loki", "jaeger"}


def test_prometheus_scrapes_every_worker_replica():
    config = yaml.safe_load((DEPLOY / "prometheus/prometheus.yml").read_text())
    jobs = {job["job_name"]: job for job in config["scrape_configs"]}
    assert jobs["zixly-worker"]["dns_sd_configs"][0]["names"] == ["worker"]
    assert jobs["zixly-worker"]["dns_sd_configs"][0]["port"] == 8081
    result = run(["promtool", "check", "config", str(DEPLOY / "prometheus/prometheus.yml")])
    assert result.returncode == 0, result.stdout + result.stderr
