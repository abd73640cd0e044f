"""Layer 3: personal data and the privacy audit in a ready project (issue 11).

- the PII scan in `validate` stops `make pipeline` on an e-mail column the contract does
  not declare, naming the column and never the value, and keeps the last good outputs;
  declared `pii: drop`, the pipeline passes and the column is in no split;
- the pre-commit hook `no-pii` refuses a CSV of e-mail addresses and phone numbers under
  tests/ (with a formula cell and a long crafted cell in it), naming file and column,
  and an exact allowlist line with its reason lets it through;
- an over-fitted model (fully grown random forest) trips the membership-inference audit
  through `make pipeline`, which keeps the last good metrics;
- docs/privacy.md's commands run as written.

Every change to the ready project is undone at the end of each test, outputs included.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator

import pytest

from tests.conftest import BakedProject, ready

pytestmark = [pytest.mark.slow, ready("default-b")]

EMAILS = ("ann.lee@example.com", "bob@example.org", "carl.diaz@example.net")
PHONES = ("+44 20 7946 0958", "(555) 123-4567", "020 7946 0018")


@contextlib.contextmanager
def restored(project: BakedProject, *files: str) -> Iterator[None]:
    """``files`` (relative paths) put back as they were, or removed if they did not exist."""
    saved = {name: project.read(name) if project.has_file(name) else None for name in files}
    try:
        yield
    finally:
        for name, text in saved.items():
            path = project.path / name
            if text is None:
                path.unlink(missing_ok=True)
            else:
                path.write_text(text, encoding="utf-8")


def pipeline(project: BakedProject) -> tuple[int, str]:
    result = project.run("make", "pipeline", check=False, timeout=900)
    return result.returncode, result.stdout + result.stderr


@pytest.fixture
def piped(project: BakedProject) -> Iterator[BakedProject]:
    """The ready project after a good `make pipeline`; run again at the end, so the next
    test finds the outputs of the project as generated."""
    code, output = pipeline(project)
    assert code == 0, output
    yield project
    code, output = pipeline(project)
    assert code == 0, output


def _set_param(project: BakedProject, key: str, line: str) -> None:
    """Replace the line of ``key`` (indented, unique) in params.yaml with ``line``."""
    text = project.read("params.yaml")
    pattern = re.compile(rf"^(\s*){re.escape(key)}:.*$", re.MULTILINE)
    assert len(pattern.findall(text)) == 1, key
    (project.path / "params.yaml").write_text(
        pattern.sub(lambda match: match[1] + line, text), encoding="utf-8"
    )


def test_the_pii_stage_stops_on_an_undeclared_column_and_drops_a_declared_one(
    piped: BakedProject,
) -> None:
    project = piped
    contract = f"contracts/{project.answers['example']}.yaml"
    source = "data/external/customers.csv"
    train_before = project.read("data/processed/train.csv")
    metrics_before = project.read("reports/metrics.json")
    with restored(project, "params.yaml", contract, source):
        lines = project.read("data/raw/dataset.csv").splitlines()
        rows = [f"{lines[0]},contact"] + [
            f"{line},{EMAILS[number % len(EMAILS)]}" for number, line in enumerate(lines[1:])
        ]
        (project.path / source).write_text("\n".join(rows) + "\n", encoding="utf-8")
        _set_param(project, "source", f"source: {source}")

        code, output = pipeline(project)
        assert code != 0, output
        assert "personal data in column(s) the contract" in output, output
        assert "column 'contact'" in output
        assert "are e-mail addresses (e.g. row 0)" in output
        assert not any(email in output for email in EMAILS), output
        assert project.read("data/processed/train.csv") == train_before  # last good kept
        assert project.read("reports/metrics.json") == metrics_before

        text = project.read(contract)
        assert text.count("\ncolumns:\n") == 1
        declared = text.replace("\ncolumns:\n", "\ncolumns:\n  contact: {dtype: text, pii: drop}\n")
        (project.path / contract).write_text(declared, encoding="utf-8")
        code, output = pipeline(project)
        assert code == 0, output
        for split in ("data/processed/train.csv", "data/processed/test.csv"):
            written = project.read(split)
            assert "contact" not in written.splitlines()[0]
            assert "@" not in written


def test_the_hook_refuses_a_csv_of_contacts_under_tests(project: BakedProject) -> None:
    fixture = "tests/contacts.csv"
    with restored(project, fixture, ".pii-allowlist"):
        crafted = "a" * 100_000 + "@"
        rows = ["name_of_pet,reach,phone_no,note"] + [
            f'rex,{EMAILS[i % 3]},"{PHONES[i % 3]}","=HYPERLINK(""http://example.com"",""x"")"'
            for i in range(5)
        ]
        rows.append(f"tom,{EMAILS[0]},{PHONES[0]},{crafted}")
        (project.path / fixture).write_text("\n".join(rows) + "\n", encoding="utf-8")
        hook = ("./tools/uv", "run", "--no-sync", "pre-commit", "run", "no-pii", "--files")
        result = project.run(*hook, fixture, check=False, timeout=300)
        output = result.stdout + result.stderr
        assert result.returncode != 0, output
        expected = f"{fixture}: personal data, column 'reach': 6 of 6 sampled values are e-mail"
        assert expected in output, output
        assert f"{fixture}: personal data, column 'phone_no'" in output
        assert not any(email in output for email in EMAILS), output
        allow = project.path / ".pii-allowlist"
        reason = f"{fixture}  # synthetic: documentation values only\n"
        allow.write_text(allow.read_text(encoding="utf-8") + reason, encoding="utf-8")
        result = project.run(*hook, fixture, check=False, timeout=300)
        assert result.returncode == 0, result.stdout + result.stderr


def test_an_over_fitted_model_trips_the_privacy_audit(piped: BakedProject) -> None:
    project = piped
    metrics_before = project.read("reports/metrics.json")
    assert '"privacy.membership_auc"' in metrics_before
    with restored(project, "params.yaml"):
        _set_param(project, "model", "model: random_forest")
        code, output = pipeline(project)
    assert code != 0, output
    assert "privacy audit: membership-inference AUC" in output, output
    assert "is above the limit 0.6 (evaluate.privacy.max_membership_auc" in output
    assert project.read("reports/metrics.json") == metrics_before  # last good kept


def test_the_privacy_doc_commands_run(piped: BakedProject) -> None:
    text = piped.read("docs/privacy.md")
    blocks = re.findall(r"```bash\n(.*?)```", text, re.DOTALL)
    assert len(blocks) == 2
    outputs = [piped.run("bash", "-euo", "pipefail", "-c", block).stdout for block in blocks]
    assert "no personal data in committed tables" in outputs[0]
    assert "Failed" not in outputs[0]
    assert "privacy.membership_auc" in outputs[1]
