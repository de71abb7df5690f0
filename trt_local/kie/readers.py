"""Tolerant readers of single fields in Kie.ai answers, shared by the records and every family.

Kie's answers vary in the wild (API.md §3.2, §5, §12): numbers may come as strings, strings as
numbers or null, URL lists as one bare string, and objects (``resultJson``, ``param``,
``paramJson``) JSON-encoded, decoded, empty or malformed. Each reader turns every spelling into
one Python shape and never raises.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any


def text(raw: object) -> str:
    """A string; null is ""; a number is its ``str``."""
    if raw is None:
        return ""
    return raw if isinstance(raw, str) else str(raw)


def integer(raw: object) -> int | None:
    """An int from an int, a float or a numeric string ("12", "12.7" → 12); else None."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float):
        return int(raw)
    if isinstance(raw, str):
        try:
            return int(float(raw))
        except ValueError:
            return None
    return None


def strings(raw: object) -> tuple[str, ...]:
    """The non-empty strings of a list, or a bare string as one; anything else is ()."""
    if isinstance(raw, str):
        return (raw,) if raw else ()
    if isinstance(raw, list | tuple):
        return tuple(item for item in raw if isinstance(item, str) and item)
    return ()


def json_object(raw: object) -> dict[str, Any]:
    """An object that may also arrive JSON-encoded, empty, null or malformed ({} then)."""
    if isinstance(raw, Mapping):
        return dict(raw)
    if isinstance(raw, str | bytes) and raw.strip():
        try:
            decoded = json.loads(raw)
        except ValueError:
            return {}
        return dict(decoded) if isinstance(decoded, Mapping) else {}
    return {}
