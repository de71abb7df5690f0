"""Helpers shared by the core tests: a minimal valid catalog entry and model lookup."""

from __future__ import annotations

import copy
from typing import Any

from trt_local.core import Catalog, ModelSpec

MINIMAL_ENTRY: dict[str, Any] = {
    "id": "acme/painter",
    "title": "Acme Painter",
    "category": "text-to-image",
    "endpoint": "jobs",
    "inputs": [
        {"name": "prompt", "type": "string", "required": True, "max_length": 100},
        {
            "name": "size",
            "type": "enum",
            "required": False,
            "enum": ["small", "large"],
            "default": "small",
        },
    ],
    "output": "image",
    "pricing": {
        "unit": "image",
        "base_credits": 2,
        "by": [{"when": {"size": "large"}, "credits": 5}],
        "per": None,
        "source": "test",
        "confidence": "high",
    },
    "free": False,
    "doc_status": "listed",
    "notes": "",
}


def entry(**changes: Any) -> dict[str, Any]:
    """A deep copy of the minimal valid entry with top-level fields replaced."""
    result = copy.deepcopy(MINIMAL_ENTRY)
    result.update(changes)
    return result


def model(catalog: Catalog, model_id: str) -> ModelSpec:
    found = catalog.get(model_id)
    assert found is not None, model_id
    return found
