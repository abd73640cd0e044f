"""The Dockerfile and the Kubernetes manifests are checked here, offline, in `make lint`.

No Docker engine or cluster is needed, so the deployment files are checked where the
code is: a broken manifest fails the commit that breaks it, not a deploy days later.

1. The Dockerfile: hadolint (from the dev dependencies, next to this Python) with zero
   findings; an ignore goes inline (``# hadolint ignore=DL3008``) under a comment
   giving its reason, never in a config file. Then what hadolint does not check: a
   multi-stage build whose final stage runs as a numeric non-root user, has a
   HEALTHCHECK and exposes the server's port, with the uv that tools/uv pins.
2. Every overlay of ``infra/k8s/overlays/`` is rendered by the small renderer below,
   which implements exactly the kustomize features the manifests use and refuses any
   other, naming it, so what is checked is what ``kubectl kustomize`` renders
   (tests/unit/test_deploy.py compares them where kubectl is installed).
3. Every rendered object is validated against the Kubernetes schemas of
   ``KUBERNETES_VERSION`` that kubernetes-validate ships (strict: unknown fields fail).
4. Rules of this project: a rolling update that never reduces ready pods, probes on
   /ready, /health, requests and limits on every container, a non-root and read-only
   container, an autoscaler and a disruption budget aimed at the Deployment, and each
   overlay following its own environment's alias.

Usage: ``python tools/check_deploy.py [PROJECT_ROOT]`` (default: the current directory).
Exit 1, with one line per finding naming the file, the object and the rule.
"""

from __future__ import annotations

import copy
import json
import math
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import kubernetes_validate  # type: ignore[import-untyped]
import yaml

from {{ cookiecutter.package_name }}.config import ENVIRONMENT_VARIABLE, ENVIRONMENTS

PROGRAM = "tools/check_deploy.py"
# The oldest Kubernetes the manifests must run on; kubernetes-validate ships its schemas.
KUBERNETES_VERSION = "1.30"
DOCKERFILE = Path("Dockerfile")
UV_WRAPPER = Path("tools/uv")
OVERLAYS = Path("infra/k8s/overlays")
KUSTOMIZATION = "kustomization.yaml"
SERVER_PORT = 8000
READY_PATH = "/ready"
HEALTH_PATH = "/health"
HADOLINT_CONFIGS = (".hadolint.yaml", ".hadolint.yml")

Manifest = dict[str, Any]


@dataclass(frozen=True)
class Finding:
    """One broken rule: where (a file), which object, which rule, and what was found."""

    file: str
    obj: str
    rule: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.obj}: {self.rule}: {self.message}"


class RenderError(Exception):
    """A kustomization the renderer cannot render exactly."""


# --- 1. The Dockerfile ---------------------------------------------------------------


@dataclass(frozen=True)
class Instruction:
    keyword: str
    arguments: str


def parse_dockerfile(text: str) -> list[Instruction]:
    """Instructions with continuation lines joined; comments and blank lines dropped."""
    instructions: list[Instruction] = []
    pending: list[str] = []
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("#") or not (line or pending):
            continue
        pending.append(line.removesuffix("\\").strip())
        if not line.endswith("\\"):
            keyword, _, arguments = " ".join(pending).partition(" ")
            instructions.append(Instruction(keyword.upper(), arguments.strip()))
            pending = []
    return instructions


def final_stage(instructions: list[Instruction]) -> list[Instruction]:
    starts = [index for index, item in enumerate(instructions) if item.keyword == "FROM"]
    return instructions[starts[-1] :] if starts else instructions


def hadolint_findings(path: Path, shown: str) -> list[Finding]:
    """hadolint's findings, every level; none (with a note) if hadolint is not installed."""
    binary = Path(sys.executable).parent / "hadolint"
    if not binary.is_file():
        print(
            f"{PROGRAM}: note: {binary} not found, Dockerfile not linted (make setup installs it)"
        )
        return []
    result = subprocess.run(  # noqa: S603  (this project's own linter, on its own file)
        [str(binary), "--no-fail", "--no-color", "--format", "json", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        return [Finding(shown, "hadolint", "hadolint", result.stderr.strip() or "failed")]
    return [
        Finding(
            f"{shown}:{item['line']}",
            "Dockerfile",
            f"hadolint {item['code']}",
            f"{item['message']} ({item['level']})",
        )
        for item in json.loads(result.stdout or "[]")
    ]


def ignore_reasons(text: str, shown: str) -> list[Finding]:
    """Each ``# hadolint [global] ignore=`` line comes right under a comment giving the reason."""
    lines = text.splitlines()
    found = []
    for index, line in enumerate(lines):
        if re.match(r"\s*#\s*hadolint\s+(global\s+)?ignore=", line):
            above = lines[index - 1].strip() if index else ""
            if not above.startswith("#") or "hadolint" in above:
                found.append(
                    Finding(
                        f"{shown}:{index + 1}",
                        "Dockerfile",
                        "ignore-reason",
                        "expected a comment giving the reason on the line above the ignore, "
                        f"found {above!r}",
                    )
                )
    return found


def uv_pin(root: Path) -> str | None:
    wrapper = root / UV_WRAPPER
    if not wrapper.is_file():
        return None
    match = re.search(r"^pin=(\S+)$", wrapper.read_text(encoding="utf-8"), re.MULTILINE)
    return match.group(1) if match else None


def dockerfile_rules(text: str, shown: str, uv_version: str | None) -> list[Finding]:
    """What hadolint does not check: the build's shape and how the image runs."""
    instructions = parse_dockerfile(text)
    found = []

    def finding(rule: str, message: str) -> None:
        found.append(Finding(shown, "Dockerfile", rule, message))

    stages = [item for item in instructions if item.keyword == "FROM"]
    if len(stages) < 2:
        finding("multi-stage", f"expected a builder and a runtime stage, found {len(stages)} FROM")
    runtime = final_stage(instructions)
    users = [item.arguments for item in runtime if item.keyword == "USER"]
    user = users[-1].split(":")[0] if users else None
    if user is None or not user.isdigit() or int(user) == 0:
        finding(
            "non-root",
            f"expected the final stage to end as a numeric non-root USER, found {user or 'none (root)'}",
        )
    checks = [item.arguments for item in runtime if item.keyword == "HEALTHCHECK"]
    if not checks or checks[-1].upper().startswith("NONE"):
        finding("healthcheck", f"expected a HEALTHCHECK calling {HEALTH_PATH} in the final stage")
    elif HEALTH_PATH not in checks[-1]:
        finding(
            "healthcheck", f"expected the HEALTHCHECK to call {HEALTH_PATH}, found {checks[-1]}"
        )
    exposed = {
        port for item in runtime if item.keyword == "EXPOSE" for port in item.arguments.split()
    }
    if str(SERVER_PORT) not in exposed:
        finding("expose", f"expected EXPOSE {SERVER_PORT}, found {sorted(exposed) or 'none'}")
    pins = re.findall(r"\bUV_VERSION=(\S+)", text)
    if uv_version is not None and pins != [uv_version]:
        finding(
            "uv-version", f"expected ARG UV_VERSION={uv_version} as {UV_WRAPPER} pins, found {pins}"
        )
    return found


def check_dockerfile(root: Path) -> list[Finding]:
    path = root / DOCKERFILE
    shown = str(DOCKERFILE)
    if not path.is_file():
        return [Finding(shown, "Dockerfile", "exists", "expected a Dockerfile, found none")]
    text = path.read_text(encoding="utf-8")
    found = [
        Finding(
            name,
            "hadolint",
            "ignore-inline",
            "expected ignores inline in the Dockerfile with their reason, found a config file",
        )
        for name in HADOLINT_CONFIGS
        if (root / name).exists()
    ]
    return (
        found
        + hadolint_findings(path, shown)
        + ignore_reasons(text, shown)
        + dockerfile_rules(text, shown, uv_pin(root))
    )


# --- 2. The renderer -------------------------------------------------------------------
#
# Transformers run in kustomize's order: patches, namespace, labels, images.

SUPPORTED_KEYS = frozenset(
    {"apiVersion", "kind", "resources", "namespace", "labels", "patches", "images"}
)
# The kinds the renderer knows: all namespaced, none with references it would rename.
KNOWN_KINDS = frozenset(
    {
        "Deployment",
        "Service",
        "ServiceAccount",
        "HorizontalPodAutoscaler",
        "PodDisruptionBudget",
        "NetworkPolicy",
        "ConfigMap",
        "CronJob",
        "Job",
    }
)
POD_SPEC = ("spec", "template", "spec")
# Where each kind keeps its templates, the pod template last: labels (includeTemplates)
# reach each one's metadata and images the pod's containers, as kustomize's built-in
# field specs do.
TEMPLATES: dict[str, tuple[tuple[str, ...], ...]] = {
    "Deployment": (("spec", "template"),),
    "Job": (("spec", "template"),),
    "CronJob": (("spec", "jobTemplate"), ("spec", "jobTemplate", "spec", "template")),
}


def templates(resource: Resource) -> list[Manifest]:
    """The templates of a Deployment, Job or CronJob (created if absent), the pod's last."""
    found = []
    for path in TEMPLATES.get(resource.kind, ()):
        node = resource.manifest
        for key in path:
            node = node.setdefault(key, {})
        found.append(node)
    return found


# The lists a strategic-merge patch merges element by element, by their merge key (the
# Kubernetes API's patchMergeKey); a list anywhere else is refused, not guessed.
MERGE_KEYS: dict[tuple[str, ...], str] = {
    (*POD_SPEC, "containers"): "name",
    (*POD_SPEC, "containers", "env"): "name",
    (*POD_SPEC, "containers", "ports"): "containerPort",
    (*POD_SPEC, "containers", "volumeMounts"): "mountPath",
    (*POD_SPEC, "volumes"): "name",
}
# Lists a strategic-merge patch replaces whole (no merge strategy in the API).
REPLACED_LISTS = frozenset(
    {
        (*POD_SPEC, "containers", "args"),
        (*POD_SPEC, "containers", "command"),
        (*POD_SPEC, "containers", "securityContext", "capabilities", "drop"),
        (*POD_SPEC, "containers", "lifecycle", "preStop", "exec", "command"),
        ("spec", "metrics"),
    }
)
PATCH_KEYS = frozenset({"path", "patch", "target"})
TARGET_KEYS = frozenset({"group", "version", "kind", "name", "namespace"})
LABEL_KEYS = frozenset({"pairs", "includeSelectors", "includeTemplates"})
IMAGE_KEYS = frozenset({"name", "newName", "newTag", "digest"})


@dataclass
class Resource:
    """A rendered object and the file it came from."""

    manifest: Manifest
    source: Path

    @property
    def kind(self) -> str:
        return str(self.manifest.get("kind", "?"))

    @property
    def name(self) -> str:
        return str(self.manifest.get("metadata", {}).get("name", "?"))

    @property
    def label(self) -> str:
        return f"{self.kind}/{self.name}"


def _read_yaml(path: Path) -> list[Any]:
    if not path.is_file():
        raise RenderError(f"{path}: expected a file, found none")
    try:
        return [
            doc for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")) if doc is not None
        ]
    except yaml.YAMLError as error:
        raise RenderError(f"{path}: not YAML: {error}") from error


def _refuse_unknown(found: object, known: frozenset[str], where: str) -> None:
    if not isinstance(found, dict):
        raise RenderError(f"{where}: expected a mapping, found {found!r}")
    unknown = sorted(set(found) - known)
    if unknown:
        raise RenderError(
            f"{where}: {', '.join(unknown)} not implemented by {PROGRAM}'s renderer "
            f"(it implements {', '.join(sorted(known))}); keep the manifests to that subset"
        )


def render(directory: Path) -> list[Resource]:
    """The objects ``kubectl kustomize directory`` renders, for the subset implemented."""
    path = directory / KUSTOMIZATION
    documents = _read_yaml(path)
    if len(documents) != 1:
        raise RenderError(f"{path}: expected one document, found {len(documents)}")
    kustomization = documents[0]
    _refuse_unknown(kustomization, SUPPORTED_KEYS, str(path))
    resources: list[Resource] = []
    for entry in kustomization.get("resources", []):
        target = (directory / str(entry)).resolve()
        if target.is_dir():
            resources += render(target)
            continue
        for manifest in _read_yaml(target):
            resource = Resource(manifest, target)
            if resource.kind not in KNOWN_KINDS:
                raise RenderError(
                    f"{target}: kind {resource.kind} not implemented by {PROGRAM}'s renderer"
                )
            resources.append(resource)
    for number, patch in enumerate(kustomization.get("patches", [])):
        apply_patch(resources, patch, directory, f"{path}: patches[{number}]")
    if "namespace" in kustomization:
        for resource in resources:
            resource.manifest.setdefault("metadata", {})["namespace"] = kustomization["namespace"]
    for number, entry in enumerate(kustomization.get("labels", [])):
        apply_labels(resources, entry, f"{path}: labels[{number}]")
    for number, entry in enumerate(kustomization.get("images", [])):
        apply_image(resources, entry, f"{path}: images[{number}]")
    return resources


def apply_labels(resources: list[Resource], entry: object, where: str) -> None:
    _refuse_unknown(entry, LABEL_KEYS, where)
    assert isinstance(entry, dict)
    if entry.get("includeSelectors"):
        raise RenderError(f"{where}: includeSelectors not implemented by {PROGRAM}'s renderer")
    pairs = {str(key): str(value) for key, value in (entry.get("pairs") or {}).items()}
    for resource in resources:
        metadata = resource.manifest.setdefault("metadata", {})
        metadata["labels"] = {**(metadata.get("labels") or {}), **pairs}
        for template in templates(resource) if entry.get("includeTemplates") else []:
            template_metadata = template.setdefault("metadata", {})
            template_metadata["labels"] = {**(template_metadata.get("labels") or {}), **pairs}


def split_image(image: str) -> tuple[str, str]:
    """``registry:5000/name:tag`` -> (``registry:5000/name``, ``:tag``); digests too."""
    if "@" in image:
        name, digest = image.split("@", 1)
        return name, f"@{digest}"
    slash = image.rfind("/")
    colon = image.rfind(":")
    if colon > slash:
        return image[:colon], image[colon:]
    return image, ""


def apply_image(resources: list[Resource], entry: object, where: str) -> None:
    _refuse_unknown(entry, IMAGE_KEYS, where)
    assert isinstance(entry, dict)
    if "newTag" in entry and "digest" in entry:
        raise RenderError(f"{where}: newTag with digest not implemented by {PROGRAM}'s renderer")
    for resource in resources:
        found = templates(resource)
        if not found:
            continue
        pod = found[-1].get("spec", {})
        for container in [*pod.get("initContainers", []), *pod.get("containers", [])]:
            name, suffix = split_image(str(container.get("image", "")))
            if name != entry.get("name"):
                continue
            if "newTag" in entry:
                suffix = f":{entry['newTag']}"
            elif "digest" in entry:
                suffix = f"@{entry['digest']}"
            container["image"] = f"{entry.get('newName', name)}{suffix}"


def _group_version(api_version: str) -> tuple[str, str]:
    group, _, version = api_version.rpartition("/")
    return group, version


def _targets(resources: list[Resource], target: dict[str, Any]) -> list[Resource]:
    def matches(resource: Resource) -> bool:
        group, version = _group_version(str(resource.manifest.get("apiVersion", "")))
        namespace = resource.manifest.get("metadata", {}).get("namespace")
        wanted = {
            "group": group,
            "version": version,
            "kind": resource.kind,
            "name": resource.name,
            "namespace": namespace,
        }
        return all(wanted[key] == value for key, value in target.items())

    return [resource for resource in resources if matches(resource)]


def apply_patch(resources: list[Resource], entry: object, directory: Path, where: str) -> None:
    """A strategic-merge patch (a mapping) or a JSON 6902 patch (a list of operations)."""
    _refuse_unknown(entry, PATCH_KEYS, where)
    assert isinstance(entry, dict)
    if ("path" in entry) == ("patch" in entry):
        raise RenderError(f"{where}: expected one of path or patch")
    if "path" in entry:
        documents = _read_yaml(directory / str(entry["path"]))
        where = f"{where} ({entry['path']})"
    else:
        documents = [doc for doc in yaml.safe_load_all(str(entry["patch"])) if doc is not None]
    if len(documents) != 1:
        raise RenderError(f"{where}: expected one patch document, found {len(documents)}")
    patch = documents[0]
    target = entry.get("target")
    if target is not None:
        _refuse_unknown(target, TARGET_KEYS, f"{where}: target")
    if isinstance(patch, list):
        if target is None:
            raise RenderError(f"{where}: a JSON 6902 patch needs a target")
        chosen = _targets(resources, target)
        for resource in chosen:
            resource.manifest = json6902(resource.manifest, patch, where)
    elif isinstance(patch, dict):
        group, version = _group_version(str(patch.get("apiVersion", "")))
        identity = {
            "group": group,
            "version": version,
            "kind": patch.get("kind"),
            "name": patch.get("metadata", {}).get("name"),
        }
        chosen = _targets(resources, target if target is not None else identity)
        for resource in chosen:
            merged = strategic_merge(resource.manifest, patch, (), where)
            if target is not None:  # the target, not the patch, names the object
                merged["metadata"]["name"] = resource.name
            resource.manifest = merged
    else:
        raise RenderError(f"{where}: expected a mapping or a list of operations, found {patch!r}")
    if not chosen:
        raise RenderError(f"{where}: the patch matches no object")


def strategic_merge(base: Any, patch: Any, path: tuple[str, ...], where: str) -> Any:
    """``patch`` merged into ``base`` as kubectl's strategic merge does, for MERGE_KEYS."""
    if isinstance(base, dict) and isinstance(patch, dict):
        merged = dict(base)
        for key, value in patch.items():
            if str(key).startswith("$"):
                raise RenderError(
                    f"{where}: directive {key} not implemented by {PROGRAM}'s renderer"
                )
            if value is None:
                merged.pop(key, None)
            else:
                old = merged.get(key, {} if isinstance(value, dict) else None)
                merged[key] = strategic_merge(old, value, (*path, str(key)), where)
        return merged
    if isinstance(patch, list):
        if path in MERGE_KEYS:
            return merge_list(base if isinstance(base, list) else [], patch, path, where)
        if path not in REPLACED_LISTS:
            raise RenderError(
                f"{where}: a list at {'.'.join(path)} not implemented by {PROGRAM}'s renderer "
                "(it merges or replaces only known lists); use a JSON 6902 patch"
            )
    return copy.deepcopy(patch)


def merge_list(base: list[Any], patch: list[Any], path: tuple[str, ...], where: str) -> list[Any]:
    """The patch's items first, in its order (each merged into the base item with its
    key), then the base items it does not name: the order kustomize renders."""
    key = MERGE_KEYS[path]
    for item in patch:
        if not isinstance(item, dict) or key not in item:
            raise RenderError(f"{where}: each item of {'.'.join(path)} needs its merge key {key}")
    old = {item.get(key): item for item in base if isinstance(item, dict)}
    named = {item[key] for item in patch}
    merged = [strategic_merge(old.get(item[key], {}), item, path, where) for item in patch]
    return merged + [
        item for item in base if not (isinstance(item, dict) and item.get(key) in named)
    ]


def _pointer(pointer: str, where: str) -> list[str]:
    if not pointer.startswith("/"):
        raise RenderError(f"{where}: expected a JSON pointer starting with /, found {pointer!r}")
    return [part.replace("~1", "/").replace("~0", "~") for part in pointer[1:].split("/")]


def _index(container: list[Any], part: str, where: str, *, append: bool) -> int:
    if append and part == "-":
        return len(container)
    if not part.isdigit() or int(part) > len(container) - (0 if append else 1):
        raise RenderError(f"{where}: no list item {part!r}")
    return int(part)


def json6902(manifest: Manifest, operations: list[Any], where: str) -> Manifest:
    """The add, replace and remove operations of RFC 6902 (the others are refused)."""
    document = copy.deepcopy(manifest)
    for operation in operations:
        _refuse_unknown(operation, frozenset({"op", "path", "value"}), where)
        assert isinstance(operation, dict)
        op = operation.get("op")
        if op not in ("add", "replace", "remove"):
            raise RenderError(
                f"{where}: op {op!r} not implemented by {PROGRAM}'s renderer (add, replace, remove)"
            )
        *parents, last = _pointer(str(operation.get("path", "")), where)
        node: Any = document
        for part in parents:
            node = (
                node[_index(node, part, where, append=False)]
                if isinstance(node, list)
                else node.get(part)
            )
            if not isinstance(node, dict | list):
                raise RenderError(f"{where}: {operation['path']} does not exist")
        value = copy.deepcopy(operation.get("value"))
        if isinstance(node, list):
            index = _index(node, last, where, append=op == "add")
            if op == "add":
                node.insert(index, value)
            elif op == "replace":
                node[index] = value
            else:
                del node[index]
        elif op == "add":
            node[last] = value
        elif last not in node:
            raise RenderError(f"{where}: {operation['path']} does not exist")
        elif op == "replace":
            node[last] = value
        else:
            del node[last]
    return document


# --- 3. Schemas ----------------------------------------------------------------------


def schema_findings(resources: list[Resource], shown: str) -> list[Finding]:
    found = []
    for resource in resources:
        try:
            kubernetes_validate.validate(resource.manifest, KUBERNETES_VERSION, strict=True)
        except kubernetes_validate.ValidationError as error:
            at = ".".join(str(part) for part in error.path) or "(top level)"
            found.append(
                Finding(
                    shown,
                    resource.label,
                    f"schema (Kubernetes {KUBERNETES_VERSION})",
                    f"{at}: {error.message}",
                )
            )
        except kubernetes_validate.SchemaNotFoundError as error:
            found.append(Finding(shown, resource.label, "schema", str(error.message)))
    return found


# --- 4. This project's rules ---------------------------------------------------------


def _containers(deployment: Manifest) -> list[Manifest]:
    pod = deployment.get("spec", {}).get("template", {}).get("spec", {})
    return [*pod.get("initContainers", []), *pod.get("containers", [])]


def _is_zero(value: object) -> bool:
    return value in (0, "0", "0%")


def _count(value: object, replicas: int) -> int | None:
    """A PDB count or percentage of ``replicas`` (percentages round up, as Kubernetes does)."""
    if isinstance(value, int):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d+%", value):
        return math.ceil(replicas * int(value[:-1]) / 100)
    return None


def rolling_update_rules(deployment: Manifest) -> Iterator[tuple[str, str]]:
    strategy = deployment.get("spec", {}).get("strategy", {})
    rolling = strategy.get("rollingUpdate", {})
    if strategy.get("type", "RollingUpdate") != "RollingUpdate":
        yield (
            "rolling-update",
            f"expected strategy.type RollingUpdate, found {strategy.get('type')}",
        )
    if not _is_zero(rolling.get("maxUnavailable", "25%")):
        yield (
            "rolling-update",
            f"expected maxUnavailable 0 (ready pods never drop), found {rolling.get('maxUnavailable', '25% (default)')}",
        )
    if _is_zero(rolling.get("maxSurge", "25%")):
        yield (
            "rolling-update",
            "expected maxSurge above 0, found 0: with maxUnavailable 0 no pod could be replaced",
        )


def probe_rules(container: Manifest) -> Iterator[tuple[str, str]]:
    for probe, path in (
        ("readinessProbe", READY_PATH),
        ("livenessProbe", HEALTH_PATH),
        ("startupProbe", HEALTH_PATH),
    ):
        found = container.get(probe, {}).get("httpGet", {}).get("path")
        if found != path:
            yield (
                "probes",
                f"container {container.get('name')}: expected {probe} GET {path}, found {found or 'none'}",
            )


def resource_rules(container: Manifest) -> Iterator[tuple[str, str]]:
    resources = container.get("resources", {})
    for kind in ("requests", "limits"):
        missing = [name for name in ("cpu", "memory") if name not in resources.get(kind, {})]
        if missing:
            yield (
                "resources",
                f"container {container.get('name')}: expected {kind} for cpu and memory, missing {', '.join(missing)}",
            )


def security_rules(deployment: Manifest, container: Manifest) -> Iterator[tuple[str, str]]:
    pod = deployment.get("spec", {}).get("template", {}).get("spec", {}).get("securityContext", {})
    own = container.get("securityContext", {})

    def setting(key: str) -> Any:
        return own.get(key, pod.get(key))

    name = container.get("name")
    if setting("runAsNonRoot") is not True:
        yield (
            "non-root",
            f"container {name}: expected runAsNonRoot true, found {setting('runAsNonRoot')}",
        )
    if setting("runAsUser") == 0:
        yield "non-root", f"container {name}: expected a non-zero runAsUser, found 0"
    if own.get("allowPrivilegeEscalation") is not False:
        yield (
            "non-root",
            f"container {name}: expected allowPrivilegeEscalation false, found {own.get('allowPrivilegeEscalation')}",
        )
    if own.get("readOnlyRootFilesystem") is not True:
        yield (
            "read-only",
            f"container {name}: expected readOnlyRootFilesystem true, found {own.get('readOnlyRootFilesystem')}",
        )
    if "ALL" not in own.get("capabilities", {}).get("drop", []):
        yield "capabilities", f"container {name}: expected capabilities.drop [ALL]"
    if (setting("seccompProfile") or {}).get("type") != "RuntimeDefault":
        yield "seccomp", f"container {name}: expected seccompProfile RuntimeDefault"


def image_rules(container: Manifest) -> Iterator[tuple[str, str]]:
    _, suffix = split_image(str(container.get("image", "")))
    if suffix in ("", ":latest"):
        yield (
            "image-tag",
            f"container {container.get('name')}: expected a tag or digest other than latest, found {container.get('image')!r}",
        )


def env_rules(container: Manifest, environment: str) -> Iterator[tuple[str, str]]:
    values = [
        item.get("value")
        for item in container.get("env", [])
        if item.get("name") == ENVIRONMENT_VARIABLE
    ]
    if values != [environment]:
        yield (
            "environment",
            f"container {container.get('name')}: expected {ENVIRONMENT_VARIABLE}={environment} (the overlay's folder), found {values}",
        )


def shutdown_rules(deployment: Manifest, server: Manifest) -> Iterator[tuple[str, str]]:
    grace = (
        deployment.get("spec", {})
        .get("template", {})
        .get("spec", {})
        .get("terminationGracePeriodSeconds", 30)
    )
    command = server.get("lifecycle", {}).get("preStop", {}).get("exec", {}).get("command", [])
    if len(command) != 2 or command[0] != "sleep" or not str(command[1]).isdigit():
        yield (
            "graceful-shutdown",
            f"expected a preStop [sleep, SECONDS] so in-flight requests finish, found {command}",
        )
    elif int(command[1]) >= grace:
        yield (
            "graceful-shutdown",
            f"expected the preStop sleep ({command[1]} s) below terminationGracePeriodSeconds ({grace})",
        )


def _selects(selector: Manifest, labels: Manifest) -> bool:
    return bool(selector) and all(labels.get(key) == value for key, value in selector.items())


def deployment_rules(deployment: Manifest, environment: str) -> Iterator[tuple[str, str]]:
    yield from rolling_update_rules(deployment)
    containers = (
        deployment.get("spec", {}).get("template", {}).get("spec", {}).get("containers", [])
    )
    for container in _containers(deployment):
        yield from resource_rules(container)
        yield from security_rules(deployment, container)
        yield from image_rules(container)
    if len(containers) != 1:
        yield "server", f"expected one container (the server), found {len(containers)}"
        return
    yield from probe_rules(containers[0])
    yield from env_rules(containers[0], environment)
    yield from shutdown_rules(deployment, containers[0])


def scaling_rules(
    deployment: Resource, by_kind: dict[str, list[Resource]]
) -> Iterator[tuple[str, str, str]]:
    pod_labels = (
        deployment.manifest.get("spec", {})
        .get("template", {})
        .get("metadata", {})
        .get("labels", {})
    )
    hpas = [
        hpa
        for hpa in by_kind.get("HorizontalPodAutoscaler", [])
        if hpa.manifest.get("spec", {}).get("scaleTargetRef", {}).get("name") == deployment.name
        and hpa.manifest.get("spec", {}).get("scaleTargetRef", {}).get("kind") == "Deployment"
    ]
    pdbs = [
        pdb
        for pdb in by_kind.get("PodDisruptionBudget", [])
        if _selects(
            pdb.manifest.get("spec", {}).get("selector", {}).get("matchLabels", {}), pod_labels
        )
    ]
    if len(hpas) != 1:
        yield (
            deployment.label,
            "autoscaler",
            f"expected one HorizontalPodAutoscaler targeting it, found {len(hpas)}",
        )
    if len(pdbs) != 1:
        yield (
            deployment.label,
            "disruption-budget",
            f"expected one PodDisruptionBudget selecting its pods, found {len(pdbs)}",
        )
    if len(hpas) != 1 or len(pdbs) != 1:
        return
    hpa, pdb = hpas[0], pdbs[0]
    spec = hpa.manifest.get("spec", {})
    low, high = spec.get("minReplicas", 1), spec.get("maxReplicas", 0)
    if not 1 <= low <= high:
        yield (
            hpa.label,
            "autoscaler",
            f"expected 1 <= minReplicas <= maxReplicas, found {low}..{high}",
        )
    if not any(
        metric.get("resource", {}).get("name") == "cpu" for metric in spec.get("metrics", [])
    ):
        yield hpa.label, "autoscaler", "expected a CPU metric"
    minimum = pdb.manifest.get("spec", {}).get("minAvailable")
    count = _count(minimum, low)
    if count is None or count < 1:
        yield (
            pdb.label,
            "disruption-budget",
            f"expected minAvailable of at least 1 pod (the last ready pod stays), found {minimum}",
        )
    elif count >= low:
        yield (
            pdb.label,
            "disruption-budget",
            f"expected minAvailable ({minimum} = {count} of {low}) below minReplicas, or a drain could never evict a pod",
        )
    for service in by_kind.get("Service", []):
        if not _selects(service.manifest.get("spec", {}).get("selector", {}), pod_labels):
            yield service.label, "service", "expected its selector to match the Deployment's pods"


def policy_findings(resources: list[Resource], environment: str, shown: str) -> list[Finding]:
    by_kind: dict[str, list[Resource]] = {}
    for resource in resources:
        by_kind.setdefault(resource.kind, []).append(resource)
    deployments = by_kind.get("Deployment", [])
    if len(deployments) != 1:
        return [
            Finding(
                shown, "Deployment", "server", f"expected one Deployment, found {len(deployments)}"
            )
        ]
    deployment = deployments[0]
    found = [
        Finding(shown, deployment.label, rule, message)
        for rule, message in deployment_rules(deployment.manifest, environment)
    ]
    found += [
        Finding(shown, label, rule, message)
        for label, rule, message in scaling_rules(deployment, by_kind)
    ]
    return found


def check_overlay(root: Path, environment: str) -> list[Finding]:
    directory = root / OVERLAYS / environment
    shown = str(OVERLAYS / environment)
    try:
        resources = render(directory)
    except RenderError as error:
        return [
            Finding(shown, "kustomization", "render", str(error).replace(f"{root.resolve()}/", ""))
        ]
    # The rules read fields the schemas guarantee: a malformed object stops here.
    return schema_findings(resources, shown) or policy_findings(resources, environment, shown)


def check_overlays(root: Path) -> list[Finding]:
    folders = sorted(path.name for path in (root / OVERLAYS).glob("*") if path.is_dir())
    found = []
    if sorted(folders) != sorted(ENVIRONMENTS):
        found.append(
            Finding(
                str(OVERLAYS),
                "overlays",
                "environments",
                f"expected one overlay per environment {sorted(ENVIRONMENTS)}, found {folders}",
            )
        )
    for environment in ENVIRONMENTS:
        if environment in folders:
            found += check_overlay(root, environment)
    return found


CHECKS: tuple[Callable[[Path], list[Finding]], ...] = (check_dockerfile, check_overlays)


def main(argv: list[str]) -> int:
    root = Path(argv[0]) if argv else Path.cwd()
    found = [finding for check in CHECKS for finding in check(root)]
    for finding in found:
        print(f"{PROGRAM}: {finding}", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
