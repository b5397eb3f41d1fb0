"""deploy/kubernetes: both overlays render with `kubectl kustomize`, validate against the
Kubernetes schemas (kubernetes-validate, strict), pass checkov with only justified skips, and
every workload carries the security settings the restricted Pod Security level asks for.

Custom resources (External Secrets, KEDA, Prometheus Operator, Argo CD) have no schema offline;
their required fields are checked here instead.
"""
import json
import re

import pytest
import yaml

from conftest import DEPLOY, run, tool

KUSTOMIZE = DEPLOY / "kubernetes"
ENVIRONMENTS = ["staging", "production"]
WORKLOADS = {"Deployment", "Job", "CronJob"}


@pytest.fixture(scope="module", params=ENVIRONMENTS)
def rendered(request, tmp_path_factory):
    result = run(["kubectl", "kustomize", str(KUSTOMIZE / "overlays" / request.param)])
    assert result.returncode == 0, result.stderr
    directory = tmp_path_factory.mktemp(request.param)
    documents = [document for document in yaml.safe_load_all(result.stdout) if document]
    # One file per object: checkov reads a multi-document kustomize output as nothing.
    for index, document in enumerate(documents):
        (directory / f"{index:02d}-{document['kind'].lower()}-{document['metadata']['name']}.yaml").write_text(yaml.safe_dump(document))
    (directory / "all.yaml.txt").write_text(result.stdout)
    return request.param, directory, documents


def render(path, directory):
    result = run(["kubectl", "kustomize", str(path)])
    assert result.returncode == 0, result.stderr
    documents = [document for document in yaml.safe_load_all(result.stdout) if document]
    # One file per object: checkov reads a multi-document kustomize output as nothing.
    for index, document in enumerate(documents):
        (directory / f"{index:02d}-{document['kind'].lower()}-{document['metadata']['name']}.yaml").write_text(yaml.safe_dump(document))
    (directory / "all.yaml.txt").write_text(result.stdout)
    return documents


@pytest.fixture(scope="module", params=ENVIRONMENTS)
def observability(request, tmp_path_factory):
    directory = tmp_path_factory.mktemp(f"observability-{request.param}")
    return request.param, directory, render(KUSTOMIZE / "observability" / "overlays" / request.param, directory)


@pytest.fixture(scope="module", params=ENVIRONMENTS)
def nodes(request, tmp_path_factory):
    directory = tmp_path_factory.mktemp(f"nodes-{request.param}")
    return request.param, directory, render(KUSTOMIZE / "nodes" / "overlays" / request.param, directory)


def by_kind(documents, kind):
    return [document for document in documents if document["kind"] == kind]


def one(documents, kind, name):
    found = [document for document in documents if document["kind"] == kind and document["metadata"]["name"].startswith(name)]
    assert len(found) == 1, f"{kind}/{name}: {len(found)}"
    return found[0]


def pod_spec(workload):
    if workload["kind"] == "CronJob":
        return workload["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    return workload["spec"]["template"]["spec"]


def test_core_objects_validate_against_the_kubernetes_schemas(rendered):
    _, directory, documents = rendered
    result = run([tool("kubernetes-validate"), "--strict", "--quiet", str(directory / "all.yaml.txt")])
    assert result.returncode == 0, result.stdout + result.stderr
    custom = {document["kind"] for document in documents if "." in document["apiVersion"].split("/")[0] and not document["apiVersion"].startswith(("apps/", "batch/", "policy/", "networking.k8s.io/", "autoscaling/"))}
    assert custom == {"ExternalSecret", "SecretStore", "ScaledObject", "TriggerAuthentication", "ServiceMonitor", "PrometheusRule", "AlertmanagerConfig", "Rollout", "AnalysisTemplate"}


def test_checkov_passes_with_only_justified_skips(rendered):
    _, directory, documents = rendered
    result = run([tool("checkov"), "-d", str(directory), "--framework", "kubernetes", "--skip-download", "--quiet", "--compact", "-o", "json"], cwd=directory)
    report = json.loads(result.stdout)
    failed = [(check["check_id"], check["resource"]) for check in report["results"]["failed_checks"]]
    assert failed == [] and result.returncode == 0, failed
    assert report["summary"]["passed"] > 300 and report["summary"]["resource_count"] >= len(documents)
    for document in documents:
        for key, value in document["metadata"].get("annotations", {}).items():
            if key.startswith("checkov.io/skip"):
                check, _, reason = value.partition("=")
                assert re.fullmatch(r"CKV_K8S_\d+", check) and len(reason) > 30, f"{document['metadata']['name']}: {value}"


def test_every_workload_runs_restricted(rendered):
    _, _, documents = rendered
    workloads = [document for document in documents if document["kind"] in WORKLOADS]
    assert {(workload["kind"], workload["metadata"]["name"]) for workload in workloads} == {
        ("Deployment", "zixly-api"), ("Deployment", "zixly-worker"), ("Job", "zixly-migrate"), ("CronJob", "zixly-backup")}
    for workload in workloads:
        name = workload["metadata"]["name"]
        spec = pod_spec(workload)
        assert spec["automountServiceAccountToken"] is False, name
        assert spec["serviceAccountName"] != "default", name
        context = spec["securityContext"]
        assert context["runAsNonRoot"] is True and context["runAsUser"] >= 10000, name
        assert context["seccompProfile"]["type"] == "RuntimeDefault", name
        for container in spec["containers"]:
            security = container["securityContext"]
            assert security["allowPrivilegeEscalation"] is False, name
            assert security["readOnlyRootFilesystem"] is True, name
            assert security["capabilities"]["drop"] == ["ALL"] and "add" not in security["capabilities"], name
            assert security["seccompProfile"]["type"] == "RuntimeDefault", name
            assert set(container["resources"]["requests"]) == {"cpu", "memory"}, name
            assert set(container["resources"]["limits"]) == {"cpu", "memory"}, name
            assert not any("secretKeyRef" in str(variable) for variable in container.get("env", [])), f"{name}: secrets are files"
            assert not any("secretRef" in source for source in container.get("envFrom", [])), f"{name}: secrets are files"
    for deployment in by_kind(documents, "Deployment"):
        container = pod_spec(deployment)["containers"][0]
        assert container["livenessProbe"]["httpGet"]["path"] == "/health"
        assert container["readinessProbe"]["httpGet"]["path"] == "/ready"
        assert container["ports"][0]["name"] == "http"
        zones = [constraint["topologyKey"] for constraint in pod_spec(deployment)["topologySpreadConstraints"]]
        assert "topology.kubernetes.io/zone" in zones
        assert deployment["spec"]["template"]["metadata"]["labels"]["app.kubernetes.io/name"] == "zixly"


def test_the_namespace_enforces_restricted_and_traffic_is_denied_by_default(rendered):
    _, _, documents = rendered
    namespace = one(documents, "Namespace", "zixly")
    assert namespace["metadata"]["labels"]["pod-security.kubernetes.io/enforce"] == "restricted"
    policies = {policy["metadata"]["name"]: policy["spec"] for policy in by_kind(documents, "NetworkPolicy")}
    assert policies["default-deny-all"] == {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}
    egress = policies["zixly-services-egress"]["egress"][0]["to"][0]["ipBlock"]
    assert "169.254.169.254/32" in egress["except"], "no instance metadata"
    assert policies["zixly-database-egress"]["egress"][0]["ports"] == [{"protocol": "TCP", "port": 5432}]
    # The ALB reaches the API from the environment's public subnets, and nothing else from outside.
    vpc = policies["zixly-database-egress"]["egress"][0]["to"][0]["ipBlock"]["cidr"]
    public = policies["zixly-api-ingress"]["ingress"][0]["from"][0]["ipBlock"]["cidr"]
    assert public == vpc.replace(".0.0/16", ".0.0/18"), (public, vpc)
    assert all("ipBlock" not in source or source["ipBlock"]["cidr"] == public for rule in policies["zixly-api-ingress"]["ingress"] for source in rule["from"])
    assert not by_kind(documents, "Secret"), "secrets come from the External Secrets Operator"
    assert not by_kind(documents, "Role") and not by_kind(documents, "ClusterRole"), "Zixly needs no Kubernetes API access"


def test_rollout_scaling_and_availability(rendered):
    environment, _, documents = rendered
    migrate = one(documents, "Job", "zixly-migrate")
    assert migrate["metadata"]["annotations"]["argocd.argoproj.io/hook"] == "PreSync"
    assert pod_spec(migrate)["containers"][0]["args"] == ["migrate"]
    for deployment in by_kind(documents, "Deployment"):
        assert "--no-migrate" in pod_spec(deployment)["containers"][0]["args"]
    hpa = one(documents, "HorizontalPodAutoscaler", "zixly-api")
    assert hpa["spec"]["scaleTargetRef"] == {"apiVersion": "argoproj.io/v1alpha1", "kind": "Rollout", "name": "zixly-api"} and hpa["spec"]["minReplicas"] >= 2
    scaled = one(documents, "ScaledObject", "zixly-worker")
    assert scaled["spec"]["scaleTargetRef"] == {"apiVersion": "argoproj.io/v1alpha1", "kind": "Rollout", "name": "zixly-worker"}
    trigger = scaled["spec"]["triggers"][0]
    assert trigger["type"] == "postgresql" and "state = 'queued'" in trigger["metadata"]["query"]
    auth = one(documents, "TriggerAuthentication", "zixly-database")
    assert auth["spec"]["secretTargetRef"][0]["name"] == "zixly-secrets"
    assert trigger["authenticationRef"]["name"] == auth["metadata"]["name"]
    budgets = {budget["spec"]["selector"]["matchLabels"]["app.kubernetes.io/component"] for budget in by_kind(documents, "PodDisruptionBudget")}
    assert budgets == {"api", "worker"}
    backup = one(documents, "CronJob", "zixly-backup")
    assert backup["spec"]["concurrencyPolicy"] == "Forbid"
    ingress = one(documents, "Ingress", "zixly")
    annotations = ingress["metadata"]["annotations"]
    assert ingress["spec"]["ingressClassName"] == "alb"
    assert annotations["alb.ingress.kubernetes.io/scheme"] == "internet-facing" and annotations["alb.ingress.kubernetes.io/target-type"] == "ip"
    assert annotations["alb.ingress.kubernetes.io/ssl-redirect"] == "443" and "TLS13" in annotations["alb.ingress.kubernetes.io/ssl-policy"]
    assert f":certificate/zixly-{environment}" in annotations["alb.ingress.kubernetes.io/certificate-arn"]
    assert f":regional/webacl/zixly-{environment}/" in annotations["alb.ingress.kubernetes.io/wafv2-acl-arn"]
    assert annotations["alb.ingress.kubernetes.io/healthcheck-path"] == "/ready"
    host = ingress["spec"]["rules"][0]["host"]
    assert (environment == "staging") == ("staging" in host)


def test_secrets_and_identities_point_at_this_environment(rendered):
    environment, _, documents = rendered
    external = one(documents, "ExternalSecret", "zixly-secrets")
    assert external["spec"]["secretStoreRef"]["name"] == one(documents, "SecretStore", "aws-secrets-manager")["metadata"]["name"]
    keys = {item["secretKey"] for item in external["spec"]["data"]}
    assert keys == {"ZIXLY_DATABASE_URL", "ZIXLY_WEBHOOK_SECRETS", "ZIXLY_ADMIN_API_KEY", "ZIXLY_SMTP_URL"}
    for secret in by_kind(documents, "ExternalSecret"):
        assert all(item["remoteRef"]["key"].startswith(f"zixly/{environment}/") for item in secret["spec"]["data"]), secret["metadata"]["name"]
    alerting = one(documents, "ExternalSecret", "zixly-alerting")
    assert {item["secretKey"] for item in alerting["spec"]["data"]} == {"pagerduty-routing-key", "slack-webhook-url", "smtp-password"}
    for account in by_kind(documents, "ServiceAccount"):
        assert account["automountServiceAccountToken"] is False
        role = account["metadata"].get("annotations", {}).get("eks.amazonaws.com/role-arn")
        if role:
            assert f"role/zixly-{environment}-" in role, role
    config = next(document for document in by_kind(documents, "ConfigMap") if document["metadata"]["name"].startswith("zixly-config"))
    assert f"zixly-{environment}-results" in config["data"]["ZIXLY_ARTIFACTS_URL"]


def test_monitoring_objects_match_the_prometheus_setup(rendered):
    _, _, documents = rendered
    monitor = one(documents, "ServiceMonitor", "zixly")
    assert monitor["spec"]["endpoints"][0]["port"] == "http"
    services = by_kind(documents, "Service")
    assert {service["metadata"]["labels"]["app.kubernetes.io/job"] for service in services} == {"zixly-api", "zixly-worker"}
    assert all(service["spec"]["ports"][0]["name"] == "http" for service in services)
    rule = one(documents, "PrometheusRule", "zixly")
    alerts = [item["alert"] for group in rule["spec"]["groups"] for item in group["rules"] if "alert" in item]
    assert len(alerts) == 19
    check = run(["python3", str(KUSTOMIZE / "generate-prometheusrule.py"), "--check"])
    assert check.returncode == 0, check.stderr


def test_argo_cd_applications_render_their_overlays():
    project = yaml.safe_load((KUSTOMIZE / "argocd/project.yaml").read_text())
    for environment in ENVIRONMENTS:
        for name, path, namespace in [
            (environment, f"overlays/{environment}", "zixly"),
            (f"observability-{environment}", f"observability/overlays/{environment}", "observability"),
            (f"nodes-{environment}", f"nodes/overlays/{environment}", "zixly"),
        ]:
            application = yaml.safe_load((KUSTOMIZE / f"argocd/{name}.yaml").read_text())
            assert application["spec"]["source"]["path"] == f"deploy/kubernetes/{path}"
            assert application["spec"]["project"] == project["metadata"]["name"]
            assert (KUSTOMIZE / path / "kustomization.yaml").exists()
            destination = application["spec"]["destination"]
            assert {"name": destination["name"], "namespace": destination["namespace"]} in project["spec"]["destinations"] and destination["namespace"] == namespace
            automated = "automated" in application["spec"].get("syncPolicy", {})
            assert automated == (environment == "staging"), "production syncs only after the approval"


def test_rollouts_canary_each_step_behind_an_analysis(rendered):
    _, _, documents = rendered
    templates = {template["metadata"]["name"]: template for template in by_kind(documents, "AnalysisTemplate")}
    rollouts = by_kind(documents, "Rollout")
    assert {rollout["metadata"]["name"] for rollout in rollouts} == {"zixly-api", "zixly-worker"}
    for rollout in rollouts:
        name = rollout["metadata"]["name"]
        reference = rollout["spec"]["workloadRef"]
        deployment = one(documents, "Deployment", reference["name"])
        assert reference["kind"] == "Deployment" and reference["name"] == name and reference["scaleDown"] == "progressively"
        assert "replicas" not in deployment["spec"], f"{name}: the Rollout owns the replica count"
        assert rollout["spec"]["selector"] == deployment["spec"]["selector"]
        steps = rollout["spec"]["strategy"]["canary"]["steps"]
        assert [step.get("setWeight") for step in steps if "setWeight" in step] == [10, 50]
        for index, step in enumerate(steps):
            if "setWeight" in step:
                analysis = steps[index + 1]["analysis"]  # every weight is analysed before the next
                for reference in analysis["templates"]:
                    template = templates[reference["templateName"]]
                    declared = {arg["name"] for arg in template["spec"]["args"]}
                    given = {arg["name"] for arg in analysis["args"]}
                    assert {arg["name"] for arg in template["spec"]["args"] if "value" not in arg} <= given <= declared
                    assert any(arg.get("valueFrom", {}).get("podTemplateHashValue") == "Latest" for arg in analysis["args"])


def exported_metrics():
    """Zixly's metric names as docs/metrics.md lists them (histograms with their series), each
    also a name in MetricNames.swift, plus the recording rules' names."""
    table = (DEPLOY.parent / "docs" / "metrics.md").read_text()
    swift = (DEPLOY.parent / "Sources" / "ZixlyCore" / "MetricNames.swift").read_text()
    names = set()
    for name, kind in re.findall(r"^\| `([a-z_]+)` \| (counter|gauge|histogram) \|", table, re.MULTILINE):
        assert f'"{name}"' in swift, f"{name} is documented but not exported"
        names |= {f"{name}_bucket", f"{name}_count", f"{name}_sum"} if kind == "histogram" else {name}
    for rules in (DEPLOY / "prometheus" / "rules").glob("*.yml"):
        names |= set(re.findall(r"record: ([a-z_:0-9]+)", rules.read_text()))
    return names


def metric_names(query):
    """The metric of every selector in a PromQL query: a name followed by its label matchers."""
    return set(re.findall(r"([a-zA-Z_:][a-zA-Z0-9_:]*)\s*\{", query))


def test_every_analysis_query_names_only_metrics_zixly_exports(rendered):
    _, _, documents = rendered
    known = exported_metrics()
    assert {"http_requests_total", "http_request_duration_seconds_bucket", "pipeline_jobs_processed_total"} <= known
    queries = [(template["metadata"]["name"], metric["name"], metric["provider"]["prometheus"]["query"])
               for template in by_kind(documents, "AnalysisTemplate") for metric in template["spec"]["metrics"]]
    assert len(queries) == 4
    for template, metric, query in queries:
        used = metric_names(query)
        assert used, f"{template}/{metric}: no metric in {query}"
        assert used <= known, f"{template}/{metric}: {used - known} is not a metric Zixly exports"
        assert 'rollouts_pod_template_hash="{{args.canary-hash}}"' in query, f"{template}/{metric}: not limited to the canary's pods"
    assert metric_names('sum(rate(http_requests_totl{job="x"}[5m]))') - known == {"http_requests_totl"}, "the check sees a misspelt name"
    monitor = one(documents, "ServiceMonitor", "zixly")
    assert monitor["spec"]["podTargetLabels"] == ["rollouts-pod-template-hash"]


def test_the_collector_validates_and_passes_checkov_with_justified_skips(observability):
    _, directory, documents = observability
    result = run([tool("kubernetes-validate"), "--strict", "--quiet", str(directory / "all.yaml.txt")])
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(run([tool("checkov"), "-d", str(directory), "--framework", "kubernetes", "--skip-download", "--quiet", "--compact", "-o", "json"], cwd=directory).stdout)
    assert [(check["check_id"], check["resource"]) for check in report["results"]["failed_checks"]] == []
    collector = one(documents, "DaemonSet", "otel-collector")
    for key, value in collector["metadata"]["annotations"].items():
        if key.startswith("checkov.io/skip"):
            check, _, reason = value.partition("=")
            assert re.fullmatch(r"CKV_K8S_\d+", check) and len(reason) > 20, value
    container = pod_spec(collector)["containers"][0]
    security = container["securityContext"]
    assert security["readOnlyRootFilesystem"] and not security["allowPrivilegeEscalation"]
    assert security["capabilities"] == {"drop": ["ALL"], "add": ["DAC_READ_SEARCH"]}
    mounts = {mount["name"]: mount for mount in container["volumeMounts"]}
    assert mounts["pod-logs"]["readOnly"] is True and mounts["pod-logs"]["mountPath"] == "/var/log/pods"


def test_the_collector_ships_zixlys_logs_and_traces_and_talks_to_nothing_else(observability, tmp_path):
    environment, _, documents = observability
    config_map = next(document for document in by_kind(documents, "ConfigMap") if document["metadata"]["name"].startswith("otel-collector-config"))
    config = yaml.safe_load(config_map["data"]["config.yaml"])
    pipelines = config["service"]["pipelines"]
    assert pipelines["traces"]["receivers"] == ["otlp"] and pipelines["logs"]["receivers"] == ["filelog"]
    for pipeline in pipelines.values():
        for kind in ["receivers", "processors", "exporters"]:
            assert set(pipeline[kind]) <= set(config[kind]), f"{kind} {pipeline[kind]} are not all defined"
    assert config["receivers"]["filelog"]["include"] == ["/var/log/pods/zixly_*/*/*.log"], "Zixly's namespace only"
    backend = next(document for document in by_kind(documents, "ConfigMap") if document["metadata"]["name"].startswith("otel-backend"))
    assert backend["data"]["ENVIRONMENT"] == environment and backend["data"]["OTLP_BACKEND_ENDPOINT"].startswith("https://")
    service = one(documents, "Service", "otel-collector")
    assert service["spec"]["internalTrafficPolicy"] == "Local" and service["spec"]["ports"][0]["port"] == 4318
    policies = {policy["metadata"]["name"]: policy["spec"] for policy in by_kind(documents, "NetworkPolicy")}
    assert policies["default-deny-all"] == {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}
    assert policies["otel-collector-ingress"]["ingress"] == [
        {"from": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "zixly"}}}], "ports": [{"protocol": "TCP", "port": 4318}]}
    ]
    out = policies["otel-collector-egress"]["egress"]
    assert [rule["ports"] for rule in out] == [[{"protocol": "UDP", "port": 53}, {"protocol": "TCP", "port": 53}], [{"protocol": "TCP", "port": 443}]]
    assert "169.254.169.254/32" in out[1]["to"][0]["ipBlock"]["except"]
    # Zixly's side: its pods send to exactly that Service, and may.
    zixly = render(KUSTOMIZE / "overlays" / environment, tmp_path)
    config = next(document for document in by_kind(zixly, "ConfigMap") if document["metadata"]["name"].startswith("zixly-config"))
    assert config["data"]["ZIXLY_OTLP_ENDPOINT"] == "http://otel-collector.observability.svc.cluster.local:4318"
    egress = {policy["metadata"]["name"]: policy["spec"] for policy in by_kind(zixly, "NetworkPolicy")}["zixly-services-egress"]["egress"]
    assert {"to": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "observability"}}}], "ports": [{"protocol": "TCP", "port": 4318}]} in egress


def test_nodes_on_demand_for_the_api_spot_with_fallback_for_workers(nodes, tmp_path):
    environment, _, documents = nodes
    assert all("namespace" not in document["metadata"] for document in documents), "NodePools and EC2NodeClasses are cluster-scoped"
    pools = {pool["metadata"]["name"]: pool["spec"] for pool in by_kind(documents, "NodePool")}
    assert set(pools) == {"zixly-api", "zixly-workers"}

    def requirement(pool, key):
        return next(item["values"] for item in pools[pool]["template"]["spec"]["requirements"] if item["key"] == key)

    assert requirement("zixly-api", "karpenter.sh/capacity-type") == ["on-demand"]
    assert requirement("zixly-workers", "karpenter.sh/capacity-type") == ["spot", "on-demand"], "spot first, on-demand when spot has none"
    taint = {"key": "zixly.io/spot-workers", "value": "true", "effect": "NoSchedule"}
    assert pools["zixly-workers"]["template"]["spec"]["taints"] == [taint] and "taints" not in pools["zixly-api"]["template"]["spec"]
    assert pools["zixly-workers"]["weight"] > pools["zixly-api"]["weight"], "workers that may use either pool take the spot one"
    for name, pool in pools.items():
        assert pool["disruption"]["consolidationPolicy"] == "WhenEmptyOrUnderutilized", name
        assert pool["template"]["spec"]["nodeClassRef"] == {"group": "karpenter.k8s.aws", "kind": "EC2NodeClass", "name": "zixly"}
    cpus = {name: int(pool["limits"]["cpu"]) for name, pool in pools.items()}
    assert cpus == ({"zixly-api": 8, "zixly-workers": 32} if environment == "staging" else {"zixly-api": 32, "zixly-workers": 256})

    # The node class finds what Terraform tagged, and launches with the role Terraform made.
    node_class = one(documents, "EC2NodeClass", "zixly")["spec"]
    assert node_class["role"] == f"zixly-{environment}-node"
    assert 'name               = "${var.name}-node"' in (DEPLOY / "terraform/modules/eks/main.tf").read_text()
    discovery = {"karpenter.sh/discovery": f"zixly-{environment}"}
    assert node_class["subnetSelectorTerms"] == [{"tags": discovery}] and node_class["securityGroupSelectorTerms"] == [{"tags": discovery}]
    assert '"karpenter.sh/discovery"          = var.name' in (DEPLOY / "terraform/modules/network/main.tf").read_text()
    assert 'key         = "karpenter.sh/discovery"' in (DEPLOY / "terraform/modules/karpenter/main.tf").read_text()
    assert node_class["metadataOptions"]["httpTokens"] == "required" and node_class["metadataOptions"]["httpPutResponseHopLimit"] == 1
    assert node_class["tags"]["Environment"] == environment and node_class["tags"]["Project"] == "zixly"

    # Workers tolerate the spot taint and drain within a spot warning; the API never lands there.
    zixly = render(KUSTOMIZE / "overlays" / environment, tmp_path)
    worker, api = pod_spec(one(zixly, "Deployment", "zixly-worker")), pod_spec(one(zixly, "Deployment", "zixly-api"))
    assert {"key": "zixly.io/spot-workers", "operator": "Equal", "value": "true", "effect": "NoSchedule"} in worker["tolerations"]
    assert not any(toleration.get("key") == "zixly.io/spot-workers" for toleration in api.get("tolerations", []))
    assert worker["terminationGracePeriodSeconds"] < 120, "a spot instance is reclaimed two minutes after its warning"
    grace = pools["zixly-workers"]["template"]["spec"]["terminationGracePeriod"]
    assert grace.endswith("m") and int(grace[:-1]) * 60 > worker["terminationGracePeriodSeconds"]

