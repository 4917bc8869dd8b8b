"""deploy/ starts Rasa with the file promotion writes, and trains in its own worker, never in the web pod."""

from __future__ import annotations

from pathlib import Path

import yaml

from bot.settings import PROJECT_ROOT
from bot.training.paths import ProjectPaths

DEPLOY = PROJECT_ROOT / "deploy"
SERVED = str(ProjectPaths(root=Path(".")).served_model)  # models/current.tar.gz


def _k8s() -> dict[tuple[str, str], dict]:
    kustomization = yaml.safe_load((DEPLOY / "k8s" / "kustomization.yml").read_text())
    objects = {}
    for name in kustomization["resources"]:
        for doc in yaml.safe_load_all((DEPLOY / "k8s" / name).read_text()):
            if doc:
                objects[(doc["kind"], doc["metadata"]["name"])] = doc
    return objects


def _container(deployment: dict) -> dict:
    return deployment["spec"]["template"]["spec"]["containers"][0]


def test_compose_serves_what_promotion_writes_and_trains_in_a_worker() -> None:
    services = yaml.safe_load((DEPLOY / "docker-compose.yml").read_text())["services"]
    rasa = services["rasa"]["command"]
    assert rasa[rasa.index("--model") + 1] == SERVED
    assert "models:/app/models:ro" in services["rasa"]["volumes"]
    trainer = services["trainer"]
    assert trainer["command"] == ["python", "-m", "bot.training.worker"]
    assert "models:/app/models" in trainer["volumes"]  # writable: it replaces current.tar.gz
    assert trainer["environment"]["RASA_REPLICA_URLS"] == "dns+http://rasa:5005"
    assert "training" not in " ".join(services["web"]["command"])


def test_kubernetes_serves_what_promotion_writes_and_reloads_every_pod() -> None:
    objects = _k8s()
    rasa = _container(objects[("Deployment", "rasa")])
    assert rasa["command"][rasa["command"].index("--model") + 1] == SERVED
    trainer_pod = objects[("Deployment", "trainer")]["spec"]["template"]["spec"]
    trainer = trainer_pod["containers"][0]
    assert trainer["command"] == ["python", "-m", "bot.training.worker"]
    assert {"name": "models", "mountPath": "/app/models"} in trainer["volumeMounts"]  # not read-only
    env = {e["name"]: e["value"] for e in trainer["env"]}
    headless = objects[("Service", "rasa-replicas")]
    assert env["RASA_REPLICA_URLS"] == "dns+http://rasa-replicas:5005"
    assert headless["spec"]["clusterIP"] == "None" and headless["spec"]["selector"] == {"app": "rasa"}
    assert objects[("PersistentVolumeClaim", "tthc-models")]["spec"]["accessModes"] == ["ReadWriteMany"]
    claims = {v["persistentVolumeClaim"]["claimName"] for v in trainer_pod["volumes"]}
    assert claims == {"tthc-models"}
    web = _container(objects[("Deployment", "web")])
    assert web["resources"]["limits"]["memory"] == "384Mi" and "volumeMounts" not in web
