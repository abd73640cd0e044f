{%- if cookiecutter.cloud_provider == "none" -%}
"""Least-privilege roles live in the cloud's Terraform: this project has no cloud
(cloud_provider=none), so no roles to check. The server's Kubernetes service account
mounts no token (tests/unit/test_deploy.py)."""
{%- else -%}
"""Least privilege, read from the Terraform: each role holds its list and nothing more.

The rights are parsed from infra/terraform/{{ cookiecutter.cloud_provider }}/shared/roles.tf (python-hcl2) into
grants ``(access, bucket, objects)``: ``read``, ``list`` and ``write`` on the DVC remote
(``dvc``) or the model registry (``models``), ``objects`` a glob of object names. A grant
is allowed when one of its role's ALLOWED grants covers it (same access and bucket, and
the allowed glob matches the granted one); anything the parser does not know (another
action, another role, a whole-account scope) is a grant no list allows, so it fails.
Only ci_deployer may write ``registry/aliases/live.json``: moving the live alias is
promoting to live (src/{{ cookiecutter.package_name }}/registry/store.py keeps an alias per environment at
``aliases/<env>.json`` under the registry's URL).
"""

from __future__ import annotations

import fnmatch
import re
from pathlib import Path
from typing import Any

import hcl2
import pytest

ROLES_TF = Path(__file__).resolve().parents[2] / "infra/terraform/{{ cookiecutter.cloud_provider }}/shared/roles.tf"
LIVE_ALIAS = "registry/aliases/live.json"
Grant = tuple[str, str, str]
READ_REGISTRY: set[Grant] = {("read", "models", "*"), ("list", "models", "")}
# Each role's list (docs/environments-and-security.md shows the same table).
ALLOWED: dict[str, set[Grant]] = {
    "data_scientist": {
        ("read", "dvc", "*"),
        ("list", "dvc", ""),
        *READ_REGISTRY,
        ("write", "models", "registry/versions/*"),
        ("write", "models", "registry/aliases/dev.json"),
    },
    "ml_engineer": {
        *READ_REGISTRY,
        ("write", "models", "registry/aliases/test.json"),
        ("write", "models", "registry/aliases/uat.json"),
    },
    "ci_deployer": {*READ_REGISTRY, ("write", "models", LIVE_ALIAS)},
    "serving": READ_REGISTRY,
    "training": {("read", "dvc", "*"), ("list", "dvc", ""), ("write", "dvc", "*")},
}


def _unquote(text: Any) -> str:
    value = str(text)
    return value[1:-1] if len(value) >= 2 and value[0] == value[-1] == '"' else value


def _resources(parsed: dict[str, Any], kind: str) -> list[tuple[str, dict[str, Any]]]:
    return [
        (_unquote(name), body)
        for block in parsed.get("resource", [])
        for found_kind, named in block.items()
        if _unquote(found_kind) == kind
        for name, body in named.items()
        if not name.startswith("__")
    ]


def _bucket(reference: str) -> str:
    """``dvc`` or ``models`` from a reference to the bucket map's entry; ``*`` otherwise."""
    match = re.search(r'\.store\[\\?"(\w+)\\?"\]', reference)
    return match.group(1) if match else "*"
{%- if cookiecutter.cloud_provider == "aws" %}


# s3 and kms actions the roles may hold, as grants; KMS use follows the bucket rights.
ACTIONS = {
    "s3:GetObject": "read",
    "s3:ListBucket": "list",
    "s3:PutObject": "write",
    "kms:Decrypt": "key",
    "kms:GenerateDataKey": "key",
}


def grants_of(text: str) -> dict[str, set[Grant]]:
    """Each role's grants: the statements of the documents its inline policies attach."""
    parsed = hcl2.loads(text)
    documents = {
        _unquote(name): body
        for block in parsed.get("data", [])
        for kind, named in block.items()
        if _unquote(kind) == "aws_iam_policy_document"
        for name, body in named.items()
        if not name.startswith("__")
    }
    roles = {name for name, _ in _resources(parsed, "aws_iam_role")}
    found: dict[str, set[Grant]] = {role: set() for role in roles}
    for _, policy in _resources(parsed, "aws_iam_role_policy"):
        role = re.sub(r"^\$\{aws_iam_role\.(\w+)\.\w+\}$", r"\1", str(policy["role"]))
        document = re.sub(
            r"^\$\{data\.aws_iam_policy_document\.(\w+)\.json\}$", r"\1", str(policy["policy"])
        )
        for statement in documents[document].get("statement", []):
            found.setdefault(role, set()).update(_statement_grants(statement))
    # A managed policy attached to a role is rights this file does not spell out.
    for kind in ("aws_iam_role_policy_attachment", "aws_iam_policy_attachment"):
        for name, attachment in _resources(parsed, kind):
            role = re.sub(r"^\$\{aws_iam_role\.(\w+)\.\w+\}$", r"\1", str(attachment.get("role")))
            found.setdefault(role, set()).add(("managed", str(attachment["policy_arn"]), name))
    return found


def _statement_grants(statement: dict[str, Any]) -> set[Grant]:
    if _unquote(statement.get("effect", '"Allow"')) == "Deny":
        return set()
    if "not_actions" in statement or "not_resources" in statement:
        return {("not_actions", "*", "*")}
    grants: set[Grant] = set()
    for action in map(_unquote, statement.get("actions", [])):
        access = ACTIONS.get(action, action)
        for resource in map(_unquote, statement.get("resources", [])):
            if access == "key":
                if "aws_kms_key." not in resource:
                    grants.add((action, "*", resource))
                continue
            objects = resource.split("}", 1)[1].lstrip("/") if "}" in resource else "*"
            grants.add((access, _bucket(resource), objects))
    return grants


def widened(text: str) -> str:
    """The serving role's registry read widened to every s3 action."""
    head, found, tail = text.partition('data "aws_iam_policy_document" "serving" {')
    return head + found + tail.replace('actions   = ["s3:GetObject"]', 'actions   = ["s3:*"]', 1)
{%- elif cookiecutter.cloud_provider == "gcp" %}


VIEWER = "roles/storage.objectViewer"
WRITER = "${google_project_iam_custom_role.object_writer.id}"
WRITER_PERMISSIONS = {"storage.objects.create", "storage.objects.delete"}


def _role_of(member: str) -> str:
    group = re.fullmatch(r"group:\$\{var\.(\w+)s_group\}", member)
    account = re.fullmatch(
        r'serviceAccount:\$\{google_service_account\.workload\[\\?"([\w-]+)\\?"\]\.email\}',
        member,
    )
    if group:
        return group.group(1)
    return account.group(1).replace("-", "_") if account else member


def grants_of(text: str) -> dict[str, set[Grant]]:
    """Each role's grants: its bucket bindings, narrowed by their IAM conditions."""
    parsed = hcl2.loads(text)
    found: dict[str, set[Grant]] = {}
    for _, custom in _resources(parsed, "google_project_iam_custom_role"):
        extra = set(map(_unquote, custom["permissions"])) - WRITER_PERMISSIONS
        if extra:  # every binding of the writer role holds these
            found.setdefault("object_writer", set()).add(("permissions", "*", str(extra)))
    for _, binding in _resources(parsed, "google_storage_bucket_iam_member"):
        role = _role_of(_unquote(binding["member"]))
        bucket = _bucket(str(binding["bucket"]))
        objects = "*"
        for condition in binding.get("condition", []):
            expression = _unquote(condition["expression"]).replace('\\"', '"')
            match = re.fullmatch(
                r'resource\.name(?:\.startsWith\(| == )"projects/_/buckets/[^/]+/objects/([^"]*)"\)?',
                expression,
            )
            if match is None:
                objects = f"unreadable condition {expression}"
            elif "startsWith" in expression:
                objects = match.group(1) + "*"
            else:
                objects = match.group(1)
        kind = _unquote(binding["role"])
        if kind == VIEWER:
            new = {("read", bucket, objects), ("list", bucket, "" if objects == "*" else objects)}
        elif kind == WRITER:
            new = {("write", bucket, objects)}
        else:
            new = {(kind, bucket, objects)}
        found.setdefault(role, set()).update(new)
    # A project-wide role for a role's member reaches every bucket: never on the list.
    for _, member in _resources(parsed, "google_project_iam_member"):
        found.setdefault(_role_of(_unquote(member["member"])), set()).add(
            ("project", _unquote(member["role"]), "*")
        )
    for kind in ("google_storage_bucket_iam_binding", "google_storage_bucket_iam_policy"):
        for name, _ in _resources(parsed, kind):
            found.setdefault(f"{kind}.{name}", set()).add((kind, "*", "*"))
    return found


def widened(text: str) -> str:
    """The serving role's registry read widened to object admin."""
    return text.replace(
        'resource "google_storage_bucket_iam_member" "serving_read_models" {\n'
        '  bucket = google_storage_bucket.store["models"].name\n'
        '  role   = "roles/storage.objectViewer"',
        'resource "google_storage_bucket_iam_member" "serving_read_models" {\n'
        '  bucket = google_storage_bucket.store["models"].name\n'
        '  role   = "roles/storage.objectAdmin"',
        1,
    )
{%- elif cookiecutter.cloud_provider == "azure" %}


READER = "Storage Blob Data Reader"
CONTRIBUTOR = "Storage Blob Data Contributor"


def _role_of(principal: str) -> str:
    group = re.fullmatch(r"\$\{var\.(\w+)s_group\}", principal)
    identity = re.fullmatch(
        r'\$\{azurerm_user_assigned_identity\.workload\[\\?"([\w-]+)\\?"\]\.principal_id\}',
        principal,
    )
    if group:
        return group.group(1)
    return identity.group(1).replace("-", "_") if identity else principal


def grants_of(text: str) -> dict[str, set[Grant]]:
    """Each role's grants: its role assignments on a container, narrowed by their condition."""
    parsed = hcl2.loads(text)
    found: dict[str, set[Grant]] = {}
    for _, assignment in _resources(parsed, "azurerm_role_assignment"):
        role = _role_of(_unquote(assignment["principal_id"]))
        scope = str(assignment["scope"])
        bucket = _bucket(scope) if "azurerm_storage_container.store" in scope else "*"
        objects = "*"
        condition = _unquote(assignment.get("condition", ""))
        if condition:
            match = re.search(r"blobs:path\] (StringEquals|StringStartsWith) '([^']*)'", condition)
            if match is None:
                objects = f"unreadable condition {condition}"
            else:
                objects = match.group(2) + ("*" if match.group(1) == "StringStartsWith" else "")
        kind = _unquote(assignment["role_definition_name"])
        if kind == READER:
            new = {("read", bucket, objects), ("list", bucket, objects.rstrip("*"))}
        elif kind == CONTRIBUTOR:
            new = {("write", bucket, objects)}
        else:
            new = {(kind, bucket, objects)}
        found.setdefault(role, set()).update(new)
    return found


def widened(text: str) -> str:
    """The serving role's registry read widened to the contributor role."""
    return text.replace(
        'resource "azurerm_role_assignment" "serving_read_models" {\n'
        '  scope                = azurerm_storage_container.store["models"].resource_manager_id\n'
        '  role_definition_name = "Storage Blob Data Reader"',
        'resource "azurerm_role_assignment" "serving_read_models" {\n'
        '  scope                = azurerm_storage_container.store["models"].resource_manager_id\n'
        '  role_definition_name = "Storage Blob Data Contributor"',
        1,
    )
{%- endif %}


def _covered(grant: Grant, allowed: set[Grant]) -> bool:
    access, bucket, objects = grant
    return any(
        access == want_access
        and bucket == want_bucket
        and (objects == want_objects or fnmatch.fnmatchcase(objects, want_objects or "\0"))
        for want_access, want_bucket, want_objects in allowed
    )


def excess(grants: dict[str, set[Grant]]) -> dict[str, set[Grant]]:
    """The grants no list allows, by role (a role not on the list has no allowance)."""
    found = {
        role: {grant for grant in held if not _covered(grant, ALLOWED.get(role, set()))}
        for role, held in grants.items()
    }
    return {role: held for role, held in found.items() if held}


def live_writers(grants: dict[str, set[Grant]]) -> set[str]:
    return {
        role
        for role, held in grants.items()
        for access, bucket, objects in held
        if access not in {"read", "list", "key"}
        and bucket in {"models", "*"}
        and fnmatch.fnmatchcase(LIVE_ALIAS, objects)
    }


@pytest.fixture(scope="module")
def roles_tf() -> str:
    return ROLES_TF.read_text(encoding="utf-8")


def test_every_role_is_defined_and_holds_something(roles_tf: str) -> None:
    """The parser sees each role's rights: an empty reading would pass every other test."""
    grants = grants_of(roles_tf)
    assert set(ALLOWED) <= set(grants), f"roles missing from {ROLES_TF}"
    for role in ALLOWED:
        assert grants[role], f"{role}: no grant found in {ROLES_TF}"


def test_no_role_holds_more_than_its_list(roles_tf: str) -> None:
    assert excess(grants_of(roles_tf)) == {}


def test_only_the_ci_deployer_moves_the_live_alias(roles_tf: str) -> None:
    assert live_writers(grants_of(roles_tf)) == {"ci_deployer"}


def test_a_widened_policy_is_caught(roles_tf: str) -> None:
    """The serving role given more than reading the registry: both checks fail."""
    text = widened(roles_tf)
    assert text != roles_tf, "the widening found nothing to change in roles.tf"
    grants = grants_of(text)
    assert "serving" in excess(grants)
    assert "serving" in live_writers(grants)
{%- endif %}
