"""Answers are data, never code: a Jinja extension that guards every environment.

Cookiecutter renders the answers it is given on the command line, through
``extra_context`` or a user config as Jinja templates before any hook runs, so
``description={{ 7*7 }}`` becomes ``49`` and an answer that reaches ``os.system``
through Jinja's globals runs a shell command. Cookiecutter loads the extensions
named in cookiecutter.json's ``_extensions`` each time it builds a Jinja
environment: for the prompts, for the files, for each hook. This one

- makes that environment a sandbox (``jinja2.sandbox.SandboxedEnvironment``),
  so no template or answer can reach Python's internals;
- refuses any answer that holds template syntax, before it is rendered;
- once every answer is final (the environment that renders the files), checks
  them all with the pre-generation hook's rules, before the project folder is
  created: an empty, ``.`` or ``..`` slug is refused here, where the hook would
  come too late.

A refusal raises ``FailedHookException`` with one ``ERROR: ...`` line: the
command line prints exactly that line and exits 1, and the Python API raises it.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from types import FrameType, ModuleType
from typing import Any

from cookiecutter.environment import ExtensionLoaderMixin
from cookiecutter.exceptions import FailedHookException
from jinja2 import Environment
from jinja2.ext import Extension
from jinja2.sandbox import SandboxedEnvironment, safe_range

TEMPLATE_ROOT = Path(__file__).resolve().parent

_SANDBOXED_CLASSES: dict[type[Environment], type[Environment]] = {}


def _sandbox(environment: Environment) -> None:
    """Turn an environment under construction into a sandboxed one of the same kind.

    Cookiecutter picks the environment's class (StrictEnvironment); an extension only
    sees the instance, while its constructor runs. So the instance moves to a subclass
    that puts SandboxedEnvironment first in the method order, and gets the attributes
    SandboxedEnvironment.__init__ sets (jinja2 3.1); tests/test_answers_are_data.py
    checks the result against a real SandboxedEnvironment.
    """
    if isinstance(environment, SandboxedEnvironment):
        return
    base = type(environment)
    if base not in _SANDBOXED_CLASSES:
        _SANDBOXED_CLASSES[base] = type(
            f"Sandboxed{base.__name__}", (SandboxedEnvironment, base), {}
        )
    environment.__class__ = _SANDBOXED_CLASSES[base]
    sandboxed: Any = environment
    sandboxed.globals["range"] = safe_range
    sandboxed.binop_table = SandboxedEnvironment.default_binop_table.copy()
    sandboxed.unop_table = SandboxedEnvironment.default_unop_table.copy()


def _context_being_built(frame: FrameType | None) -> Mapping[str, Any] | None:
    """The context Cookiecutter passes to the environment, which does not keep it.

    ExtensionLoaderMixin.__init__ receives it and loads the extensions from inside
    its own call, so that call is on the stack, with the context in its locals.
    """
    while frame is not None:
        if frame.f_code is ExtensionLoaderMixin.__init__.__code__:
            context = frame.f_locals.get("context")
            return context if isinstance(context, Mapping) else None
        frame = frame.f_back
    return None


def _rules() -> ModuleType:
    """The pre-generation hook as a module: the answer rules are kept there, once."""
    spec = importlib.util.spec_from_file_location(
        "_template_answer_rules", TEMPLATE_ROOT / "hooks" / "pre_gen_project.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _texts(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from _texts(key)
            yield from _texts(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _texts(item)


def template_markers(environment: Environment) -> tuple[str, ...]:
    """What starts template syntax in this environment."""
    markers = (
        environment.variable_start_string,
        environment.block_start_string,
        environment.comment_start_string,
        environment.line_statement_prefix,
        environment.line_comment_prefix,
    )
    return tuple(marker for marker in markers if marker)


def check_answers(answers: Mapping[str, Any], environment: Environment) -> None:
    """Raise FailedHookException for an answer holding template syntax, or a bad final answer."""
    defaults = json.loads((TEMPLATE_ROOT / "cookiecutter.json").read_text(encoding="utf-8"))
    markers = template_markers(environment)
    for key, value in answers.items():
        # Private keys and the template's own defaults (the derived names) are the
        # template's code; everything else came from whoever answered.
        if key.startswith("_") or value == defaults.get(key):
            continue
        for text in _texts(value):
            if any(marker in text for marker in markers):
                raise FailedHookException(
                    f"ERROR: {key} {text!r} must not contain template syntax "
                    f"({', '.join(markers)}): answers are used as text, never run"
                )
    # The answers are final once every question holds text without template syntax:
    # before the prompts, choices are still lists and derived names still templates.
    questions = [key for key in defaults if not key.startswith("_")]
    final = all(
        isinstance(answers.get(key), str) and not any(marker in answers[key] for marker in markers)
        for key in questions
    )
    if final:
        rules = _rules()
        try:
            rules.validate(answers)
        except rules.AnswerError as error:
            raise FailedHookException(f"ERROR: {error}") from None


class AnswersAreData(Extension):
    """Sandbox the environment; refuse answers that are code or cannot work."""

    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        _sandbox(environment)
        context = _context_being_built(sys._getframe(1))
        if context is not None:
            check_answers(context.get("cookiecutter", {}), environment)
        elif isinstance(environment, ExtensionLoaderMixin):
            # Cookiecutter changed how it builds environments: refuse to run unchecked.
            raise FailedHookException(
                "ERROR: this Cookiecutter version hides the answers from the template's "
                "checks (local_extensions.py): use Cookiecutter 2.x"
            )
