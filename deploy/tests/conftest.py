"""Shared paths and helpers for the deployment checks (run by scripts/test.sh with pytest)."""
import os
import pathlib
import shutil
import socket
import subprocess
import uuid

import pytest
import yaml

ROOT = pathlib.Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
VENV_BIN = pathlib.Path(os.environ.get("ZIXLY_DEPLOY_VENV", ROOT / ".venv-deploy")) / "bin"


def tool(name):
    """The path of a checking tool: the deploy venv's, else the system's. Fails if absent."""
    candidate = VENV_BIN / name
    if candidate.exists():
        return str(candidate)
    found = shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is not installed: run scripts/test.sh, which installs it")
    return found


def run(arguments, **kwargs):
    """Runs a command; returns the completed process (never raises on a non-zero exit)."""
    return subprocess.run(arguments, capture_output=True, text=True, **kwargs)


def load_yaml_documents(path):
    with open(path, encoding="utf-8") as handle:
        return [document for document in yaml.safe_load_all(handle) if document is not None]


def free_port():
    """A loopback port nobody listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fresh_database(prefix):
    """A new, empty database on the test PostgreSQL (ZIXLY_TEST_POSTGRES_URL); its URL."""
    admin = os.environ.get("ZIXLY_TEST_POSTGRES_URL")
    if not admin:
        pytest.fail("ZIXLY_TEST_POSTGRES_URL is not set: scripts/test.sh starts PostgreSQL and sets it")
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    created = run(["psql", admin, "-c", f"CREATE DATABASE {name}"])
    assert created.returncode == 0, created.stderr
    return admin.rsplit("/", 1)[0] + "/" + name
