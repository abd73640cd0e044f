"""Validate the answers before a single file is written.

Why a hook and not prompts alone: ``--no-input``, ``cruft create`` and
``extra_context`` all bypass interactive prompts, so every answer is checked
here. A bad answer prints exactly one ``ERROR: ...`` line on stderr and exits
with status 1; Cookiecutter then deletes the half-made directory, so nothing is
left behind. Standard library only, so the hook never depends on what happens
to be installed next to Cookiecutter (a lesson from cookiecutter-data-science).
"""

from __future__ import annotations

import json
import keyword
import re
import sys
from collections.abc import Mapping

# Import names of what the generated project installs: a package with one of
# these names would shadow the real library.
DEPENDENCY_IMPORT_NAMES = frozenset(
    {
        "dvc",
        "hypothesis",
        "joblib",
        "matplotlib",
        "mypy",
        "numpy",
        "pandas",
        "pandera",
        "pre_commit",
        "pytest",
        "ruff",
        "scipy",
        "sklearn",
        "scikit_learn",
        "yaml",
        "detect_secrets",
        "pre_commit_hooks",
        "uv",
    }
)
# Names that clash with the project layout or common tooling.
RESERVED_NAMES = frozenset({"test", "tests", "src", "docs", "data", "models", "setup", "site"})

SLUG_PATTERN = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
PACKAGE_PATTERN = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")
PROJECT_NAME_PUNCTUATION = frozenset(" ._-()&+,'")
EMAIL_PATTERN = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$")
TEAM_PATTERN = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
COST_CENTRE_PATTERN = re.compile(r"^[A-Z]{2,6}-[0-9]{3,8}$")
MAX_NAME_LENGTH = 63  # cloud labels and Kubernetes names stop at 63 characters
# Import lines must fit the formatter's 100 columns whatever the name, so that the
# generated code is formatted identically for every project.
MAX_PACKAGE_LENGTH = 32
MAX_DESCRIPTION_LENGTH = 200

CHOICES: Mapping[str, tuple[str, ...]] = {
    "python_version": ("3.11", "3.12", "3.13"),
    "cloud_provider": ("aws", "gcp", "azure", "none"),
    "ci_provider": ("github", "gitlab", "none"),
    "licence": ("MIT", "Apache-2.0", "BSD-3-Clause", "proprietary"),
}


class AnswerError(ValueError):
    """An answer that cannot produce a working project."""


def _clash(name: str) -> str | None:
    """Return why ``name`` (in import form) may not be used, or None."""
    if keyword.iskeyword(name) or keyword.issoftkeyword(name):
        return "is a Python keyword"
    if name in sys.stdlib_module_names:
        return "is a standard-library module"
    if name in DEPENDENCY_IMPORT_NAMES:
        return "is the name of one of the project's dependencies"
    if name in RESERVED_NAMES:
        return "is reserved by the project layout"
    return None


def check_project_name(value: str) -> None:
    allowed = all(c.isalnum() or c in PROJECT_NAME_PUNCTUATION for c in value)
    if not (1 <= len(value) <= MAX_NAME_LENGTH) or not value[:1].isalpha() or not allowed:
        raise AnswerError(
            f"project_name {value!r} is not valid: expected 1-{MAX_NAME_LENGTH} characters, "
            "starting with a letter, using letters, digits, spaces and . _ - ( ) & + , '"
        )


def check_slug(value: str) -> None:
    if not (2 <= len(value) <= MAX_PACKAGE_LENGTH) or not SLUG_PATTERN.match(value):
        raise AnswerError(
            f"project_slug {value!r} is not valid: expected 2-{MAX_PACKAGE_LENGTH} lower-case "
            "letters and digits in hyphen-separated words, starting with a letter, e.g. 'churn-model'"
        )
    reason = _clash(value.replace("-", "_"))
    if reason:
        raise AnswerError(
            f"project_slug {value!r} {reason}: choose another name, e.g. 'my-{value}'"
        )


def check_package_name(value: str) -> None:
    if not (2 <= len(value) <= MAX_PACKAGE_LENGTH) or not PACKAGE_PATTERN.match(value):
        raise AnswerError(
            f"package_name {value!r} is not valid: expected 2-{MAX_PACKAGE_LENGTH} lower-case "
            "letters and digits in underscore-separated words, starting with a letter, e.g. 'churn_model'"
        )
    reason = _clash(value)
    if reason:
        raise AnswerError(
            f"package_name {value!r} {reason}: choose another name, e.g. 'my_{value}'"
        )


def check_description(value: str) -> None:
    bad = [c for c in value if c in '"\\`{}' or not c.isprintable()]
    if not value.strip() or len(value) > MAX_DESCRIPTION_LENGTH or bad:
        raise AnswerError(
            f"description {value!r} is not valid: expected one printable line of 1-"
            f"{MAX_DESCRIPTION_LENGTH} characters without quotes, backslashes, backticks or braces"
        )


def check_author_name(value: str) -> None:
    bad = [c for c in value if c in '"\\`{}<>' or not c.isprintable()]
    if not value.strip() or len(value) > 100 or bad:
        raise AnswerError(
            f"author_name {value!r} is not valid: expected 1-100 printable characters "
            "without quotes, backslashes, backticks, braces or angle brackets"
        )


def check_email(value: str) -> None:
    if len(value) > 254 or not EMAIL_PATTERN.match(value):
        raise AnswerError(
            f"author_email {value!r} is not valid: expected an address like 'ada@example.com'"
        )


def check_team(value: str) -> None:
    if not (2 <= len(value) <= MAX_NAME_LENGTH) or not TEAM_PATTERN.match(value):
        raise AnswerError(
            f"team {value!r} is not valid: expected a cost-tag value of 2-{MAX_NAME_LENGTH} "
            "lower-case letters and digits in hyphen-separated words, e.g. 'data-science'"
        )


def check_cost_centre(value: str) -> None:
    if not COST_CENTRE_PATTERN.match(value):
        raise AnswerError(
            f"cost_centre {value!r} is not valid: expected 2-6 upper-case letters, a hyphen "
            "and 3-8 digits, e.g. 'CC-1234'"
        )


def check_choice(key: str, value: str) -> None:
    allowed = CHOICES[key]
    if value not in allowed:
        raise AnswerError(f"{key} {value!r} is not valid: expected one of {', '.join(allowed)}")


CHECKS = {
    "project_name": check_project_name,
    "project_slug": check_slug,
    "package_name": check_package_name,
    "description": check_description,
    "author_name": check_author_name,
    "author_email": check_email,
    "team": check_team,
    "cost_centre": check_cost_centre,
}


def validate(answers: Mapping[str, object]) -> None:
    """Raise AnswerError for the first answer that cannot work."""
    for key, check in CHECKS.items():
        value = answers.get(key)
        if not isinstance(value, str):
            raise AnswerError(f"{key} is missing or not text: found {value!r}")
        check(value)
    for key in CHOICES:
        value = answers.get(key)
        check_choice(key, value if isinstance(value, str) else repr(value))


def main(answers: Mapping[str, object]) -> int:
    try:
        validate(answers)
    except AnswerError as error:
        print(f"ERROR: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    # JSON never contains three double quotes in a row, so the raw string is safe
    # for any answer; json.loads turns the escapes back into the exact answers.
    ANSWERS = json.loads(
        r"""
{{ cookiecutter | jsonify }}
"""
    )
    sys.exit(main(ANSWERS))
