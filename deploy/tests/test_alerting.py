"""Alert routing and SLOs outside the Swift suite's promtool and amtool runs: the generated SLO
rules and dashboard are current, and the three copies of the Alertmanager routing tree (a VM's
alertmanager.yml, compose's, the cluster's AlertmanagerConfig) route, group and inhibit alike,
with every receiver's key read from a secret file or a Secret, never written inline.
"""
import yaml

from conftest import DEPLOY, run

ALERTMANAGER = DEPLOY / "alertmanager"


def config(name):
    return yaml.safe_load((ALERTMANAGER / name).read_text())


def cluster_config():
    documents = yaml.safe_load_all((DEPLOY / "kubernetes" / "base" / "alerting.yaml").read_text())
    return next(document for document in documents if document["kind"] == "AlertmanagerConfig")["spec"]


def matchers(items):
    return [f'{item["name"]}{item.get("matchType", "=")}"{item["value"]}"' for item in items]


def cluster_route(route):
    """The operator's camelCase route as Alertmanager's own configuration writes it."""
    converted = {"receiver": route["receiver"]}
    if "matchers" in route:
        converted["matchers"] = matchers(route["matchers"])
    for camel, snake in [("groupBy", "group_by"), ("groupWait", "group_wait"), ("groupInterval", "group_interval"), ("repeatInterval", "repeat_interval")]:
        if camel in route:
            converted[snake] = route[camel]
    if "routes" in route:
        converted["routes"] = [cluster_route(child) for child in route["routes"]]
    return converted


def plain_route(route):
    return {key: value for key, value in route.items() if key in {"receiver", "matchers", "group_by", "group_wait", "group_interval", "repeat_interval"}} | (
        {"routes": [plain_route(child) for child in route["routes"]]} if "routes" in route else {}
    )


def test_slo_rules_and_dashboard_are_generated_from_the_spec():
    result = run(["python3", str(DEPLOY / "prometheus" / "slo" / "generate.py"), "--check"])
    assert result.returncode == 0, result.stderr


def test_the_three_routing_trees_agree():
    production, compose, cluster = config("alertmanager.yml"), config("alertmanager.compose.yml"), cluster_config()
    assert plain_route(production["route"]) == plain_route(compose["route"]) == cluster_route(cluster["route"])
    assert production["inhibit_rules"] == compose["inhibit_rules"]
    assert production["inhibit_rules"] == [
        {"source_matchers": matchers(rule["sourceMatch"]), "target_matchers": matchers(rule["targetMatch"])} | ({"equal": rule["equal"]} if "equal" in rule else {})
        for rule in cluster["inhibitRules"]
    ]
    names = lambda receivers: sorted(receiver["name"] for receiver in receivers)
    assert names(production["receivers"]) == names(compose["receivers"]) == names(cluster["receivers"]) == ["on-call", "team"]


def test_pages_reach_pagerduty_and_slack_tickets_slack_and_email_with_keys_from_secrets():
    production = {receiver["name"]: receiver for receiver in config("alertmanager.yml")["receivers"]}
    assert set(production["on-call"]) == {"name", "pagerduty_configs", "slack_configs"}
    assert set(production["team"]) == {"name", "slack_configs", "email_configs"}
    assert all("routing_key_file" in item and "routing_key" not in item for item in production["on-call"]["pagerduty_configs"])
    assert all("api_url_file" in item and "api_url" not in item for name in production for item in production[name].get("slack_configs", []))
    global_settings = config("alertmanager.yml")["global"]
    assert "smtp_auth_password_file" in global_settings and "smtp_auth_password" not in global_settings
    cluster = {receiver["name"]: receiver for receiver in cluster_config()["receivers"]}
    assert cluster["on-call"]["pagerdutyConfigs"][0]["routingKey"] == {"name": "zixly-alerting", "key": "pagerduty-routing-key"}
    assert cluster["team"]["emailConfigs"][0]["authPassword"] == {"name": "zixly-alerting", "key": "smtp-password"}
    compose = {receiver["name"]: receiver for receiver in config("alertmanager.compose.yml")["receivers"]}
    assert all(set(receiver) == {"name", "email_configs"} for receiver in compose.values()), "compose mails everything to Mailpit"
    assert config("alertmanager.compose.yml")["global"]["smtp_smarthost"] == "mailpit:1025"


def test_compose_runs_alertmanager_on_the_mailpit_configuration():
    compose = yaml.safe_load((DEPLOY / "compose" / "compose.yaml").read_text())
    alertmanager = compose["services"]["alertmanager"]
    assert "../alertmanager/alertmanager.compose.yml:/etc/alertmanager/alertmanager.yml:ro" in alertmanager["volumes"]
    assert "mailpit" in alertmanager["depends_on"]
