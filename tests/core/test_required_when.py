"""Inputs required only in some cases (``required_when``): Suno's style and title in custom mode.

Kie's generate page: simple mode takes a prompt only; custom mode needs ``style`` and ``title``
(API.md §5.2). The wizard asks them once custom mode is chosen, and the check before paying
refuses a custom-mode run without them, instead of a paid 422 from Kie.
"""

from __future__ import annotations

from typing import Any

import pytest

from trt_local.core.catalog import load_catalog
from trt_local.core.errors import InputError, InputErrorCode
from trt_local.core.model_spec import ModelSpec
from trt_local.core.validation import build_kie_input
from trt_local.core.wizard import Draft, next_input, previous_input

CUSTOM = {"customMode": True}


def suno(**style: Any) -> dict[str, Any]:
    return {
        "id": "V5",
        "title": "Suno V5 (music)",
        "category": "audio",
        "endpoint": "suno",
        "inputs": [
            {"name": "prompt", "type": "string", "required": True, "max_length": 500},
            {"name": "customMode", "type": "bool", "required": True, "default": False},
            {"name": "instrumental", "type": "bool", "required": True, "default": False},
            {"name": "style", "type": "string", "required_when": CUSTOM, **style},
            {"name": "title", "type": "string", "max_length": 80, "required_when": CUSTOM},
        ],
        "output": "audio",
        "pricing": {"unit": "run", "base_credits": 12, "by": [], "per": None},
        "doc_status": "listed",
    }


@pytest.fixture
def model() -> ModelSpec:
    catalog = load_catalog([suno()])
    assert catalog.problems == ()
    found = catalog.get("V5")
    assert found is not None
    return found


def test_simple_mode_goes_to_confirm_after_the_prompt_and_the_two_switches(
    model: ModelSpec,
) -> None:
    draft = Draft(model.id, values={"prompt": "rain", "customMode": False, "instrumental": False})

    assert next_input(model, draft) is None
    assert build_kie_input(model, draft.values) == dict(draft.values)


def test_custom_mode_asks_style_then_title_and_back_walks_them(model: ModelSpec) -> None:
    draft = Draft(model.id, values={"prompt": "[Verse] rain", "customMode": True})
    draft = draft.with_value("instrumental", False)

    assert next_input(model, draft).name == "style"  # type: ignore[union-attr]
    assert previous_input(model, draft).name == "instrumental"  # type: ignore[union-attr]
    draft = draft.with_value("style", "lo-fi")
    assert next_input(model, draft).name == "title"  # type: ignore[union-attr]
    draft = draft.with_value("title", "Window Rain")
    assert next_input(model, draft) is None
    assert previous_input(model, draft).name == "title"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("values", "missing"),
    [
        ({"prompt": "x", "customMode": True, "title": "T"}, "style"),
        ({"prompt": "x", "customMode": True, "style": "pop"}, "title"),
        ({"prompt": "x", "customMode": "true", "style": "pop", "title": ""}, "title"),
    ],
)
def test_custom_mode_without_style_or_title_is_refused_before_paying(
    model: ModelSpec, values: dict[str, Any], missing: str
) -> None:
    with pytest.raises(InputError) as caught:
        build_kie_input(model, values)
    assert (caught.value.code, caught.value.field) == (InputErrorCode.MISSING_REQUIRED, missing)


def test_required_when_is_checked_when_the_catalog_loads() -> None:
    unknown = suno(required_when={"mode": True})
    wrong_type = suno(required_when={"customMode": "yes"})

    catalog = load_catalog([unknown, {**wrong_type, "id": "V4"}])

    assert catalog.models == ()
    assert "names no other input 'mode'" in catalog.problems[0]
    assert "does not fit 'customMode'" in catalog.problems[1]
