"""
The container recipe and the Kubernetes manifests, checked where no image can be built: every
command they run is one of the project's scripts or commands, the probes ask for endpoints that
answer, and each container is limited and runs as a non-root user.
"""

import re
from pathlib import Path

import pytest
import yaml
from django.core.management import get_commands
from django.urls import resolve

ROOT = Path(__file__).resolve().parent.parent
K8S = ROOT / "deploy" / "k8s"


def manifests():
    documents = []
    for path in sorted(K8S.glob("*.yaml")):
        if path.name != "kustomization.yaml":
            documents += [d for d in yaml.safe_load_all(path.read_text()) if d]
    return documents


def pod_specs():
    for document in manifests():
        spec = document.get("spec", {})
        if document["kind"] == "CronJob":
            yield document, spec["jobTemplate"]["spec"]["template"]["spec"]
        elif document["kind"] in {"Deployment", "Job"}:
            yield document, spec["template"]["spec"]


def runs_something_real(command):
    if command[0] == "sh":
        return (ROOT / command[1]).is_file()
    if command[:2] == ["python", "manage.py"]:
        return command[2] in get_commands()
    return False


def test_kustomization_lists_every_manifest():
    listed = yaml.safe_load((K8S / "kustomization.yaml").read_text())["resources"]
    assert sorted(listed) == sorted(p.name for p in K8S.glob("*.yaml")
                                    if p.name != "kustomization.yaml")


def test_every_container_runs_a_project_script_or_command_limited_and_unprivileged():
    seen = 0
    for document, spec in pod_specs():
        assert spec["securityContext"]["runAsNonRoot"] is True, document["metadata"]["name"]
        for container in spec["containers"]:
            assert runs_something_real(container["command"]), container["command"]
            assert container["resources"]["limits"]["memory"]
            assert container["resources"]["limits"]["cpu"]
            assert container["securityContext"]["allowPrivilegeEscalation"] is False
            seen += 1
    assert seen >= 7  # web, worker, the migration job, four CronJobs


def test_there_is_a_web_a_worker_a_migration_job_and_the_reminders_cronjob():
    by_name = {(d["kind"], d["metadata"]["name"]): d for d in manifests()}
    assert ("Deployment", "tracker-worker") in by_name
    assert ("Service", "tracker-web") in by_name and ("Ingress", "tracker") in by_name
    reminders = by_name["CronJob", "tracker-reminders"]
    assert reminders["spec"]["concurrencyPolicy"] == "Forbid"
    job = reminders["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"][0]
    assert job["command"] == ["python", "manage.py", "send_reminders"]
    migrate = by_name["Job", "tracker-migrate"]["spec"]["template"]["spec"]["containers"][0]
    assert migrate["command"] == ["sh", "deploy/migrate.sh"]
    web = by_name["Deployment", "tracker-web"]["spec"]["template"]["spec"]["containers"][0]
    # The migration job migrates; the web pods wait for it through their readiness.
    assert {"name": "MIGRATE_ON_START", "value": "False"} in web["env"]


@pytest.mark.parametrize("probe, view", [("livenessProbe", "live"), ("readinessProbe", "ready")])
def test_the_web_probes_ask_for_the_health_endpoints(probe, view):
    web = next(d for d in manifests() if d["kind"] == "Deployment"
               and d["metadata"]["name"] == "tracker-web")
    container = web["spec"]["template"]["spec"]["containers"][0]
    path = container[probe]["httpGet"]["path"]
    assert resolve(path).url_name == view


def test_the_containerfile_is_multi_stage_non_root_and_runs_the_same_scripts():
    text = (ROOT / "Containerfile").read_text()
    assert len(re.findall(r"^FROM ", text, re.MULTILINE)) == 3
    assert re.search(r"^USER 10001$", text, re.MULTILINE)
    for script in re.findall(r"deploy/[\w.-]+\.sh", text):
        assert (ROOT / script).is_file(), script
    assert 'CMD ["sh", "deploy/web.sh"]' in text
    assert "deploy/release-check.sh" in text
