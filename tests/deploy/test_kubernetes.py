"""The Kubernetes manifests, rendered by kustomize and checked against Kubernetes', Strimzi's and Keycloak's schemas
(Keycloak's own resources are checked in test_keycloak_kubernetes.py)."""

import copy
from typing import Any

import pytest

from shared.settings import KafkaSettings, trusted_networks
from tests.deploy import platform, schemas
from tests.deploy.kustomize import KUBERNETES, OVERLAYS, of_kind, render

# Keycloak's resources beside the services' of the same kinds
KEYCLOAK_OWN = {
    "Service": {"keycloak-postgres"},
    "NetworkPolicy": {"keycloak", "keycloak-postgres"},
    "PodDisruptionBudget": {"keycloak"},
}


def checked(documents: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every resource whose schema is vendored: all but the Keycloak (schemas.NOT_VENDORED says why)."""
    return [doc for doc in documents if (doc["apiVersion"].rpartition("/")[0], doc["kind"]) not in schemas.NOT_VENDORED]


@pytest.fixture(scope="module", params=OVERLAYS)
def overlay(request: pytest.FixtureRequest) -> tuple[str, list[dict[str, Any]]]:
    return request.param, render(KUBERNETES / "overlays" / request.param)


def settings_of(documents: list[dict[str, Any]], prefix: str) -> dict[str, str]:
    [config_map] = [config for name, config in of_kind(documents, "ConfigMap").items() if name.startswith(prefix)]
    data: dict[str, str] = config_map["data"]
    return data


def test_every_resource_of_every_overlay_follows_its_schema(overlay: tuple[str, list[dict[str, Any]]]) -> None:
    _, documents = overlay
    found = {f"{doc['kind']}/{doc['metadata']['name']}": schemas.problems(doc) for doc in checked(documents)}
    assert {resource: problems for resource, problems in found.items() if problems} == {}
    kinds = {doc["kind"] for doc in checked(documents)}
    assert kinds >= {"Deployment", "KafkaTopic", "NetworkPolicy", "Ingress", "KeycloakRealmImport", "StatefulSet"}


def test_the_base_renders_and_follows_the_schemas_too() -> None:
    documents = render(KUBERNETES / "base")
    assert [problem for doc in checked(documents) for problem in schemas.problems(doc)] == []


def test_a_deployment_with_a_misspelt_or_mistyped_field_is_refused() -> None:
    deployment = of_kind(render(KUBERNETES / "base"), "Deployment")["enrolment"]
    misspelt = copy.deepcopy(deployment)
    misspelt["spec"]["replica"] = 2
    mistyped = copy.deepcopy(deployment)
    mistyped["spec"]["template"]["spec"]["containers"][0]["ports"][0]["containerPort"] = "eight thousand"
    assert schemas.problems(misspelt) != []
    assert schemas.problems(mistyped) != []
    assert schemas.problems({"apiVersion": "apps/v1", "kind": "Deploymint", "metadata": {"name": "x"}}) != []


def test_a_kafka_topic_that_strimzis_schema_refuses_is_refused() -> None:
    topic = {
        "apiVersion": "kafka.strimzi.io/v1",
        "kind": "KafkaTopic",
        "metadata": {"name": "enrolment.events", "labels": {"strimzi.io/cluster": "pembinaan"}},
        "spec": {"partitions": 3, "replicas": 3, "config": {"min.insync.replicas": 2}},
    }
    assert schemas.problems(topic) == []
    assert schemas.problems({**topic, "spec": {**topic["spec"], "partitions": 0}}) != []
    assert schemas.problems({**topic, "spec": {**topic["spec"], "replicas": "3"}}) != []
    assert schemas.problems({**topic, "spec": {**topic["spec"], "replication": 3}}) != []
    assert schemas.problems({**topic, "apiVersion": "kafka.strimzi.io/v1beta1"}) != []


def test_each_service_has_its_deployment_service_settings_autoscaler_budget_and_network_policy(
    overlay: tuple[str, list[dict[str, Any]]],
) -> None:
    _, documents = overlay
    for kind in ["Deployment", "Service", "HorizontalPodAutoscaler", "PodDisruptionBudget", "NetworkPolicy"]:
        assert set(of_kind(documents, kind)) == set(platform.SERVICES) | KEYCLOAK_OWN.get(kind, set()), kind
    for service in platform.SERVICES:
        assert settings_of(documents, f"{service}-settings")[f"{service.upper()}_HTTP_HOST"] == "0.0.0.0"


def test_deployments_probe_health_bound_resources_and_run_as_non_root_on_a_read_only_root(
    overlay: tuple[str, list[dict[str, Any]]],
) -> None:
    _, documents = overlay
    for service, deployment in of_kind(documents, "Deployment").items():
        pod = deployment["spec"]["template"]["spec"]
        [container] = pod["containers"]
        assert container["livenessProbe"]["httpGet"]["path"] == "/health/live", service
        assert container["readinessProbe"]["httpGet"]["path"] == "/health/ready", service
        assert container["ports"] == [{"name": "http", "containerPort": platform.http_port(service), "protocol": "TCP"}]
        assert set(container["resources"]) == {"requests", "limits"}, service
        assert {"cpu", "memory"} <= set(container["resources"]["limits"]), service
        assert pod["securityContext"]["runAsNonRoot"] is True
        assert pod["securityContext"]["runAsUser"] != 0
        assert container["securityContext"]["readOnlyRootFilesystem"] is True, service
        assert container["securityContext"]["allowPrivilegeEscalation"] is False, service
        [tmp] = [mount for mount in container["volumeMounts"] if mount["mountPath"] == "/tmp"]
        assert {"name": tmp["name"], "emptyDir": {"sizeLimit": "64Mi"}} in pod["volumes"], service


def test_deployments_take_the_database_and_kafka_credentials_from_secrets(
    overlay: tuple[str, list[dict[str, Any]]],
) -> None:
    _, documents = overlay
    for service, deployment in of_kind(documents, "Deployment").items():
        [container] = deployment["spec"]["template"]["spec"]["containers"]
        secrets = {env["name"]: env["valueFrom"]["secretKeyRef"] for env in container["env"] if "valueFrom" in env}
        assert secrets["MONGODB_URL"]["name"].startswith(f"{service}-mongodb"), service
        assert secrets["KAFKA_SASL_PASSWORD"]["name"].startswith(f"{service}-kafka"), service


def test_the_production_overlay_commits_no_secret() -> None:
    assert of_kind(render(KUBERNETES / "overlays/production"), "Secret") == {}


def test_every_setting_handed_to_a_service_is_one_it_reads(overlay: tuple[str, list[dict[str, Any]]]) -> None:
    _, documents = overlay
    platform_wide = set(settings_of(documents, "platform-settings"))
    for service, deployment in of_kind(documents, "Deployment").items():
        [container] = deployment["spec"]["template"]["spec"]["containers"]
        given = platform_wide | set(settings_of(documents, f"{service}-settings"))
        given |= {env["name"] for env in container["env"]}
        assert given - platform.setting_names(service) == set(), service


def test_the_kafka_settings_handed_to_a_service_pass_its_own_checks_and_production_logs_in_over_tls(
    overlay: tuple[str, list[dict[str, Any]]],
) -> None:
    name, documents = overlay
    for service, deployment in of_kind(documents, "Deployment").items():
        pod = deployment["spec"]["template"]["spec"]
        [container] = pod["containers"]
        given: dict[str, str] = {**settings_of(documents, "platform-settings")}
        given |= {env["name"]: env.get("value", "from-a-secret") for env in container["env"]}
        kafka = KafkaSettings(**given)
        if name == "local":
            assert kafka.kafka_security_protocol == "PLAINTEXT", service
            continue
        assert (kafka.kafka_security_protocol, kafka.kafka_sasl_mechanism) == ("SASL_SSL", "SCRAM-SHA-512"), service
        assert kafka.kafka_sasl_username == service  # the Strimzi KafkaUser of the service's name
        assert kafka.kafka_ssl_ca_file is not None
        [mount] = [m for m in container["volumeMounts"] if kafka.kafka_ssl_ca_file.startswith(m["mountPath"] + "/")]
        [volume] = [volume for volume in pod["volumes"] if volume["name"] == mount["name"]]
        assert volume["secret"]["secretName"] == "pembinaan-cluster-ca-cert", service


def test_the_topics_are_the_services_topics_with_the_partitions_they_are_told(
    overlay: tuple[str, list[dict[str, Any]]],
) -> None:
    name, documents = overlay
    topics = of_kind(documents, "KafkaTopic")
    settings = settings_of(documents, "platform-settings")
    assert {topic["spec"]["topicName"] for topic in topics.values()} == set(platform.topics())
    for topic in topics.values():
        spec = topic["spec"]
        assert spec["partitions"] == int(settings["KAFKA_TOPIC_PARTITIONS"]), spec["topicName"]
        assert spec["replicas"] == int(settings["KAFKA_REPLICATION_FACTOR"]), spec["topicName"]
        assert spec["config"]["min.insync.replicas"] == int(settings["KAFKA_MIN_INSYNC_REPLICAS"])
        compacted = spec["config"].get("cleanup.policy") == "compact"
        assert compacted == platform.topics()[spec["topicName"]], spec["topicName"]
        assert topic["metadata"]["labels"]["strimzi.io/cluster"] == "pembinaan"
    if name == "production":
        assert {(t["spec"]["replicas"], t["spec"]["config"]["min.insync.replicas"]) for t in topics.values()} == {
            (3, 2)
        }


def test_autoscalers_never_outgrow_the_partitions(overlay: tuple[str, list[dict[str, Any]]]) -> None:
    _, documents = overlay
    partitions = int(settings_of(documents, "platform-settings")["KAFKA_TOPIC_PARTITIONS"])
    for service, autoscaler in of_kind(documents, "HorizontalPodAutoscaler").items():
        assert autoscaler["spec"]["scaleTargetRef"]["name"] == service
        assert 1 <= autoscaler["spec"]["minReplicas"] <= autoscaler["spec"]["maxReplicas"] <= partitions, service


def test_only_the_ingress_controller_and_prometheus_reach_the_http_ports(
    overlay: tuple[str, list[dict[str, Any]]],
) -> None:
    _, documents = overlay
    for service in platform.SERVICES:
        spec = of_kind(documents, "NetworkPolicy")[service]["spec"]
        assert spec["podSelector"]["matchLabels"] == {"app.kubernetes.io/name": service}
        assert set(spec["policyTypes"]) == {"Ingress", "Egress"}
        [rule] = spec["ingress"]
        assert rule["ports"] == [{"port": "http", "protocol": "TCP"}]
        sources = [source["namespaceSelector"]["matchLabels"]["kubernetes.io/metadata.name"] for source in rule["from"]]
        assert sources == ["ingress-nginx", "monitoring"], service
        reached = {port["port"] for egress in spec["egress"] for port in egress["ports"]}
        assert {53, 9092, 27017, 8080} <= reached, service  # 8080: Keycloak, for the realm's keys
    ingress = of_kind(documents, "Ingress")["pembinaan"]
    backends = {
        path["backend"]["service"]["name"] for rule in ingress["spec"]["rules"] for path in rule["http"]["paths"]
    }
    assert backends == {*platform.SERVICES, "keycloak-service"}


def test_every_service_trusts_the_forwarded_header_of_the_ingress_pod_network_only(
    overlay: tuple[str, list[dict[str, Any]]],
) -> None:
    _, documents = overlay
    given = settings_of(documents, "platform-settings")
    networks = trusted_networks(given["TRUSTED_PROXIES"])
    assert networks, "no proxy trusted: behind the ingress every anonymous client would share one bucket"
    assert all(network.is_private for network in networks)  # never `*` nor a public range
    assert given["FORWARDED_HEADER"] == "x-forwarded-for"  # what ingress-nginx appends to
