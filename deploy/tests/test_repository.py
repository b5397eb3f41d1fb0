"""The repository as a whole: no secret anywhere in the tracked files (detect-secrets, against an
audited baseline of known placeholders), and the GitHub workflows are valid (actionlint) and keep
the promised gates: actions pinned by commit, least-privilege tokens, HIGH/CRITICAL failing the
scans, SARIF uploaded, signed images with SBOM and provenance, production behind an approval.
"""
import json
import re

import pytest
import yaml

from conftest import ROOT, run, tool

WORKFLOWS = ROOT / ".github" / "workflows"


def detect_secrets():
    """PyPI's detect-secrets, from the main venv: checkov depends on a fork (bc-detect-secrets)
    that installs the same module, so .venv-deploy's copy may be the fork."""
    path = ROOT / ".venv" / "bin" / "detect-secrets"
    if not path.exists():
        pytest.fail("detect-secrets is not in .venv: run scripts/test.sh, which installs it")
    version = run([str(path), "--version"]).stdout.strip()
    assert version == "1.5.0", f"detect-secrets {version}: the baseline was made with 1.5.0"
    return str(path)


def test_no_unaudited_secret_in_any_tracked_file():
    result = run([detect_secrets(), "scan", "--exclude-files", r"^\.secrets\.baseline$"], cwd=ROOT)
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)["results"]
    baseline = json.loads((ROOT / ".secrets.baseline").read_text())["results"]
    audited = {(name, entry["hashed_secret"], entry["type"]) for name, entries in baseline.items() for entry in entries if entry.get("is_secret") is False}
    unaudited = [
        f"{name}:{entry['line_number']} {entry['type']}"
        for name, entries in found.items() for entry in entries
        if (name, entry["hashed_secret"], entry["type"]) not in audited
    ]
    assert unaudited == [], "possible secrets (audit them into .secrets.baseline only if they are placeholders)"
    assert all(entry.get("is_secret") is False for entries in baseline.values() for entry in entries), "the baseline holds only audited placeholders"


def load(name):
    return yaml.safe_load((WORKFLOWS / name).read_text())


def steps(workflow):
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


def test_actionlint_passes():
    result = run([tool("actionlint"), "-color=false"], cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_action_is_pinned_to_a_commit_and_tokens_are_read_only_by_default():
    for path in sorted(WORKFLOWS.glob("*.yml")):
        text = path.read_text()
        for action in re.findall(r"uses:\s*(\S+)", text):
            assert re.fullmatch(r"[\w.-]+/[\w./-]+@[0-9a-f]{40}", action), f"{path.name}: {action} is not pinned to a commit"
        workflow = yaml.safe_load(text)
        assert workflow["permissions"] == {"contents": "read"}, path.name
        for name, job in workflow["jobs"].items():
            for step in job.get("steps", []):
                if step.get("uses", "").startswith("actions/checkout@"):
                    assert step["with"]["persist-credentials"] is False, f"{path.name}/{name}"


def test_ci_runs_the_same_test_command_as_dot_ci_run():
    workflow = load("ci.yml")
    commands = [step.get("run", "") for step in steps(workflow)]
    assert "bash .ci/run" in commands
    assert workflow["jobs"]["test"]["timeout-minutes"] <= 90


def test_security_scans_fail_on_high_and_critical_and_upload_sarif():
    workflow = load("security.yml")
    assert {"push", "pull_request", "schedule"} <= set(workflow[True] if True in workflow else workflow["on"])
    trivy = [step["with"] for step in steps(workflow) if "trivy-action" in step.get("uses", "")]
    assert {scan.get("scan-type", "image") for scan in trivy} == {"fs", "image"}
    for scan in trivy:
        assert scan["severity"] == "HIGH,CRITICAL" and scan["format"] == "sarif"
    # ADR 0030: each target has a gate failing on fixable findings and a report of all of them.
    gates = [scan for scan in trivy if scan["exit-code"] == "1"]
    reports = [scan for scan in trivy if scan["exit-code"] == "0"]
    assert len(gates) == len(reports) == 2 and all(scan["ignore-unfixed"] is True for scan in gates)
    assert all(scan["ignore-unfixed"] is False for scan in reports)
    gitleaks = [step["run"] for step in steps(workflow) if "gitleaks" in step.get("run", "")]
    assert gitleaks and "--exit-code 1" in gitleaks[0]
    assert workflow["jobs"]["secrets"]["steps"][0]["with"]["fetch-depth"] == 0, "every commit is scanned"
    uploads = [step for step in steps(workflow) if "upload-sarif" in step.get("uses", "")]
    assert len(uploads) == 6 and all(step["if"] == "always()" for step in uploads)
    checkov = next(step["with"] for step in steps(workflow) if "checkov-action" in step.get("uses", ""))
    assert checkov["soft_fail"] is False


def test_release_publishes_signed_images_with_sbom_provenance_and_latest_only_for_tags():
    workflow = load("release.yml")
    triggers = workflow[True] if True in workflow else workflow["on"]
    assert triggers["push"]["tags"] == ["v*.*.*"] and triggers["push"]["branches"] == ["main"]
    job = workflow["jobs"]["image"]
    assert job["permissions"]["id-token"] == "write" and job["permissions"]["packages"] == "write"
    meta = next(step for step in job["steps"] if "metadata-action" in step.get("uses", ""))
    tags = meta["with"]["tags"]
    assert "type=semver,pattern={{version}}" in tags and "type=sha,prefix=sha-" in tags
    assert "type=raw,value=latest,enable=${{ startsWith(github.ref, 'refs/tags/v') }}" in tags
    assert meta["with"]["flavor"].strip() == "latest=false"
    build = next(step["with"] for step in job["steps"] if "build-push-action" in step.get("uses", ""))
    assert build["sbom"] is True and build["provenance"] == "mode=max" and build["push"] is True
    assert any("cosign sign --yes" in step.get("run", "") for step in job["steps"])
    assert any("attest-build-provenance" in step.get("uses", "") for step in job["steps"])


def test_deploy_goes_to_staging_from_main_and_to_production_after_approval():
    workflow = load("deploy.yml")
    jobs = workflow["jobs"]
    assert jobs["staging"]["environment"]["name"] == "staging" and "'main'" in jobs["staging"]["if"]
    assert jobs["production"]["environment"]["name"] == "production"
    assert "startsWith(github.event.workflow_run.head_branch, 'v')" in jobs["production"]["if"]
    for job in jobs.values():
        assert any("deploy/ci/argocd-deploy.sh" in step.get("run", "") for step in job["steps"])
    script = (ROOT / "deploy/ci/argocd-deploy.sh").read_text()
    assert "--kustomize-image" in script and "@$app_digest" in script and "--health" in script
    assert "Degraded)" in script and "exit 1" in script, "an aborted canary fails the deploy"
