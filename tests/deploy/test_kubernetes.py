"""The example manifest parses and has what a Streamlit deployment needs."""

from pathlib import Path

import yaml

from ui.input_picker import MAX_UPLOAD_MB

MANIFEST = Path(__file__).resolve().parents[2] / "deploy" / "kubernetes.yaml"


def documents() -> dict[str, dict]:
    return {d["kind"]: d for d in yaml.safe_load_all(MANIFEST.read_text())}


def test_three_kinds_that_point_at_each_other():
    docs = documents()
    assert set(docs) == {"Deployment", "Service", "Ingress"}
    labels = docs["Deployment"]["spec"]["template"]["metadata"]["labels"]
    assert docs["Service"]["spec"]["selector"] == labels
    backend = docs["Ingress"]["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]
    assert backend["name"] == docs["Service"]["metadata"]["name"]


def test_probes_ask_streamlits_health_endpoint():
    container = documents()["Deployment"]["spec"]["template"]["spec"]["containers"][0]
    assert container["ports"][0]["containerPort"] == 8501
    for probe in ("readinessProbe", "livenessProbe"):
        assert container[probe]["httpGet"]["path"] == "/_stcore/health"


def test_sessions_are_sticky_and_websockets_last_a_lesson():
    docs = documents()
    annotations = docs["Ingress"]["metadata"]["annotations"]
    assert annotations["nginx.ingress.kubernetes.io/affinity"] == "cookie"
    assert int(annotations["nginx.ingress.kubernetes.io/proxy-read-timeout"]) >= 3600
    assert annotations["nginx.ingress.kubernetes.io/proxy-body-size"] == f"{MAX_UPLOAD_MB}m"
    assert docs["Service"]["spec"]["sessionAffinity"] == "ClientIP"


def test_runs_as_the_images_non_root_user():
    security = documents()["Deployment"]["spec"]["template"]["spec"]["securityContext"]
    assert security == {"runAsNonRoot": True, "runAsUser": 10001}
