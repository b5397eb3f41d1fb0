"""deploy/terraform: no Terraform binary runs here, so every file is parsed (python-hcl2, as
checkov's fork bc-python-hcl2), the wiring between environments and modules is checked (every
argument a declared variable, every required variable given, every module output referenced
exists), the environments' choices are asserted, names agree with the Kubernetes overlays and
the backup script, and checkov passes with only justified skips.
"""
import json
import pathlib
import re

import hcl2
import pytest
import yaml

from conftest import DEPLOY, run, tool

TERRAFORM = DEPLOY / "terraform"
MODULES = ["network", "eks", "database", "storage", "secrets", "registry", "irsa", "ingress", "karpenter", "dr", "zixly"]
ENVIRONMENTS = ["staging", "production"]


def parse(path):
    with open(path, encoding="utf-8") as handle:
        return hcl2.load(handle)


def blocks(directory, kind):
    """Every block of `kind` in a directory's .tf files, as name -> body."""
    found = {}
    for path in sorted(pathlib.Path(directory).glob("*.tf")):
        for block in parse(path).get(kind, []):
            for name, body in block.items():
                found[name] = body
    return found


def value(body, key):
    item = body.get(key)
    return item[0] if isinstance(item, list) and len(item) == 1 else item


def test_every_file_parses():
    files = sorted(TERRAFORM.rglob("*.tf"))
    assert len(files) >= 30
    for path in files:
        parse(path)


@pytest.mark.parametrize("module", MODULES + ["storage/bucket"])
def test_modules_are_complete_and_documented(module):
    directory = TERRAFORM / "modules" / module
    assert {path.name for path in directory.glob("*.tf")} >= {"main.tf", "variables.tf", "outputs.tf", "versions.tf"}
    for name, body in blocks(directory, "variable").items():
        assert value(body, "description") and value(body, "type"), f"{module}: variable {name}"
    for name, body in blocks(directory, "output").items():
        assert value(body, "description"), f"{module}: output {name}"


def module_calls():
    """(caller directory, name, body) of every module block, environments and modules alike."""
    calls = []
    for directory in [TERRAFORM / "environments" / env for env in ENVIRONMENTS] + [TERRAFORM / "modules" / name for name in MODULES]:
        for name, body in blocks(directory, "module").items():
            calls.append((directory, name, body))
    return calls


def test_module_calls_match_the_modules_variables_and_outputs():
    calls = module_calls()
    assert len(calls) == 3 + 8 + 3 + 3 + 2, [(directory.name, name) for directory, name, _ in calls]
    for directory, name, body in calls:
        target = (directory / value(body, "source")).resolve()
        assert target.is_dir(), f"{directory.name}/{name}: {target}"
        variables = blocks(target, "variable")
        given = {key for key in body if not key.startswith("__") and key not in {"source", "providers"}}
        assert given <= set(variables), f"{directory.name}/{name}: unknown arguments {given - set(variables)}"
        required = {key for key, spec in variables.items() if "default" not in spec}
        assert required <= given, f"{directory.name}/{name}: missing {required - given}"
    for directory in {call[0] for call in calls}:
        outputs = {name: set(blocks((directory / value(body, "source")).resolve(), "output")) for _, name, body in [c for c in calls if c[0] == directory]}
        text = "\n".join(path.read_text() for path in directory.glob("*.tf"))
        for module, output in re.findall(r"module\.([\w-]+)\.([\w-]+)", text):
            assert output in outputs.get(module, set()), f"{directory.name}: module.{module}.{output} is not an output"


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_state_is_remote_encrypted_and_locked(environment):
    backend = parse(TERRAFORM / "environments" / environment / "backend.tf")["terraform"][0]["backend"][0]["s3"]
    assert value(backend, "encrypt") is True and value(backend, "use_lockfile") is True
    assert value(backend, "key") == f"{environment}/terraform.tfstate"


def environment_modules(environment):
    return blocks(TERRAFORM / "environments" / environment, "module")


def test_production_is_highly_available_and_protected():
    production, staging = environment_modules("production")["zixly"], environment_modules("staging")["zixly"]
    assert value(production, "database_multi_az") is True and value(production, "database_backup_retention_days") >= 14
    assert value(production, "single_nat_gateway") is False and value(staging, "single_nat_gateway") is True
    assert value(production, "environment") == "production" and value(staging, "environment") == "staging"
    stack = blocks(TERRAFORM / "modules" / "zixly", "module")
    assert value(stack["database"], "deletion_protection") is True
    assert value(stack["database"], "multi_az") == "${var.database_multi_az}"
    database = blocks(TERRAFORM / "modules" / "database", "resource")["aws_db_instance"]
    for setting in ["storage_encrypted", "manage_master_user_password", "iam_database_authentication_enabled", "performance_insights_enabled"]:
        assert value(database["this"], setting) is True, setting
    assert value(database["this"], "publicly_accessible") is False
    parameters = {value(item, "name"): value(item, "value") for item in database_parameters()}
    assert parameters["rds.force_ssl"] == "1"
    cluster = blocks(TERRAFORM / "modules" / "eks", "resource")["aws_eks_cluster"]["this"]
    assert value(value(cluster, "vpc_config"), "endpoint_public_access") is False
    assert value(value(cluster, "encryption_config"), "resources") == ["secrets"]


def database_parameters():
    group = blocks(TERRAFORM / "modules" / "database", "resource")["aws_db_parameter_group"]["this"]
    return group["parameter"]


def test_buckets_are_private_versioned_encrypted_and_logged():
    bucket = blocks(TERRAFORM / "modules" / "storage" / "bucket", "resource")
    access = value(bucket["aws_s3_bucket_public_access_block"], "this")
    assert all(value(access, key) is True for key in ["block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"])
    assert value(value(bucket["aws_s3_bucket_versioning"]["this"], "versioning_configuration"), "status") == "Enabled"
    storage = blocks(TERRAFORM / "modules" / "storage", "module")
    assert value(storage["results"], "access_log_bucket") == "${module.logs.id}"
    assert value(storage["backups"], "access_log_bucket") == "${module.logs.id}"
    lifecycle = (TERRAFORM / "modules/storage/bucket/main.tf").read_text()
    assert "abort_incomplete_multipart_upload" in lifecycle.split('id     = "abort-incomplete-uploads"')[1].split("dynamic")[0]
    # Failed dumps (deploy/backup/zixly-backup.sh writes them under .incomplete/) expire in a day.
    assert "postgres/.incomplete/" in (TERRAFORM / "modules/storage/main.tf").read_text()
    assert '"$target/.incomplete/$name"' in (DEPLOY / "backup/zixly-backup.sh").read_text()


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_names_agree_with_the_kubernetes_overlay(environment):
    assert value(environment_modules(environment)["zixly"], "environment") == environment
    assert 'name = "zixly-${var.environment}"' in (TERRAFORM / "modules/zixly/main.tf").read_text()
    cidr = value(environment_modules(environment)["zixly"], "cidr_block")
    overlay = (DEPLOY / "kubernetes" / "overlays" / environment)
    kustomization = yaml.safe_load((overlay / "kustomization.yaml").read_text())
    literals = dict(item.split("=", 1) for item in kustomization["configMapGenerator"][0]["literals"])
    assert literals["ZIXLY_ARTIFACTS_URL"].startswith(f"s3://zixly-{environment}-results/")
    assert literals["BACKUP_S3_URI"].startswith(f"s3://zixly-{environment}-backups/")
    assert literals["BACKUP_KMS_KEY_ID"] == f"alias/zixly-{environment}"
    patches = list(yaml.safe_load_all((overlay / "patches.yaml").read_text()))
    roles = {document["metadata"]["name"]: document["metadata"]["annotations"]["eks.amazonaws.com/role-arn"]
             for document in patches if document["kind"] == "ServiceAccount"}
    eks = (TERRAFORM / "modules/eks/main.tf").read_text()
    for account, purpose in [("zixly-api", "app"), ("zixly-worker", "app"), ("zixly-backup", "backup"), ("zixly-external-secrets", "external-secrets")]:
        assert roles[account].endswith(f":role/zixly-{environment}-{purpose}"), roles[account]
        assert re.search(rf'{re.escape(purpose)}\s+= \[[^\]]*"{account}"', eks), f"{account} may assume the {purpose} role"
    policy = next(document for document in patches if document["kind"] == "NetworkPolicy" and document["metadata"]["name"] == "zixly-database-egress")
    assert policy["spec"]["egress"][0]["to"][0]["ipBlock"]["cidr"] == cidr, "the pods may reach the VPC's database"
    secret_keys = {document["spec"]["data"][0]["remoteRef"]["key"] for document in patches if document["kind"] == "ExternalSecret"}
    assert secret_keys == {f"zixly/{environment}/app"}
    assert 'name                    = "zixly/${var.environment}/app"' in (TERRAFORM / "modules/secrets/main.tf").read_text()


def test_checkov_passes_with_only_justified_skips():
    result = run([tool("checkov"), "-d", str(TERRAFORM), "--framework", "terraform", "--skip-download", "--quiet", "--compact", "-o", "json"])
    reports = json.loads(result.stdout)
    reports = reports if isinstance(reports, list) else [reports]
    failed = [(check["check_id"], check["resource"]) for report in reports for check in report["results"]["failed_checks"]]
    assert failed == [] and result.returncode == 0, failed
    assert sum(report["summary"]["passed"] for report in reports) > 250
    for path in TERRAFORM.rglob("*.tf"):
        for check, reason in re.findall(r"#checkov:skip=(\S+?):(.*)", path.read_text()):
            assert re.fullmatch(r"CKV2?_AWS_\d+", check) and len(reason.strip()) > 40, f"{path}: {check}"


def test_karpenter_hears_of_interruptions_on_an_encrypted_queue():
    text = (TERRAFORM / "modules/karpenter/main.tf").read_text()
    for event in ["EC2 Spot Instance Interruption Warning", "EC2 Instance Rebalance Recommendation", "AWS Health Event", "EC2 Instance State-change Notification"]:
        assert f'"{event}"' in text, event
    assert "sqs_managed_sse_enabled   = true" in text and '"aws:SecureTransport"' in text
    assert 'service_account   = "kube-system/karpenter"' in text


def test_production_replicates_to_a_second_region_and_staging_does_not():
    production, staging = environment_modules("production"), environment_modules("staging")
    assert "dr" in production and "dr" not in staging
    versions = (TERRAFORM / "environments/production/versions.tf").read_text()
    assert 'alias  = "dr"' in versions and "region = var.dr_region" in versions
    region = value(blocks(TERRAFORM / "environments/production", "variable")["dr_region"], "default")
    primary = value(blocks(TERRAFORM / "environments/production", "variable")["region"], "default")
    assert region != primary, "the DR region is another region"
    dr = blocks(TERRAFORM / "modules/dr", "resource")
    replication = value(dr["aws_s3_bucket_replication_configuration"], "this")
    assert value(replication, "for_each") == "${local.sources}"
    text = (TERRAFORM / "modules/dr/main.tf").read_text()
    for needle in ["replica_kms_key_id = aws_kms_key.dr.arn", "delete_marker_replication", "sse_kms_encrypted_objects", "minutes = 15"]:
        assert needle in text, needle
    backups = value(dr["aws_db_instance_automated_backups_replication"], "this")
    assert value(backups, "provider") == "${aws.dr}" and value(backups, "kms_key_id") == "${aws_kms_key.dr.arn}"
    key = value(dr["aws_kms_key"], "dr")
    assert value(key, "provider") == "${aws.dr}" and value(key, "enable_key_rotation") is True
    replicas = blocks(TERRAFORM / "modules/dr", "module")
    assert {name: value(body, "providers") for name, body in replicas.items()} == {name: {"aws": "${aws.dr}"} for name in replicas}
