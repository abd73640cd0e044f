"""The errors every module raises, and how a user's value is quoted in them.

An :class:`InputError` is a problem the user can fix: the command line reports it as
one ``error:`` line and exits 2, without a traceback. Any module may raise one, the
reusable feature transformers included, without importing the application's config.
"""

from __future__ import annotations

from typing import Any

QUOTE_LIMIT = 80  # characters of a user's value quoted in an error message


class InputError(ValueError):
    """A problem the user can fix (bad input, a file that cannot be written).

    The CLI reports it as one ``error:`` line, without a traceback, and exits 2.
    """


class ConfigError(InputError):
    """A parameter file that does not match the expected shape."""


def shorten(text: str, limit: int = QUOTE_LIMIT) -> str:
    """``text`` cut to ``limit`` characters, saying how long it really was."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}... ({len(text):,} characters)"


def quote(value: Any, limit: int = QUOTE_LIMIT) -> str:
    """A value for an error message: ``41.5`` not ``np.float64(41.5)``, at most ``limit`` long.

    A long string keeps its quotes around the part shown: ``'xxxx...'... (5,000,000
    characters)``.
    """
    if type(value).__module__ == "numpy" and hasattr(value, "item"):
        value = value.item()
    if isinstance(value, str) and len(value) > limit:
        return f"{value[:limit]!r}... ({len(value):,} characters)"
    return shorten(repr(value), limit)


def quote_all(values: Any, shown: int = 10) -> str:
    """A list for an error message: each item quoted, at most ``shown`` of them."""
    items = list(values)
    text = ", ".join(quote(item) for item in items[:shown])
    more = f", ... and {len(items) - shown} more" if len(items) > shown else ""
    return f"[{text}{more}]"
