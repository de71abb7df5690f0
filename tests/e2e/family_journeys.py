"""The Runway, Flux Kontext and 4o Image journeys the family tests share, and their catalog.

The catalog is chosen by the tests (the packaged one is being rewritten elsewhere): entries shaped
like models.json's, whose input names are the families' body fields (API.md §5).
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.harness import ledger
from tests.e2e.journeys import Person
from trt_local import app as app_module
from trt_local.core.catalog import load_catalog
from trt_local.emulator import EmulatedUser
from trt_local.kie.sandbox_media import render_png

PHOTO = render_png(64, 48, hashlib.sha256(b"family-photo").digest())

PRICING = {"unit": "run", "by": [], "per": None, "source": "test", "confidence": "high"}


def entry(
    model_id: str, title: str, category: str, endpoint: str, output: str, *inputs: Any
) -> dict[str, Any]:
    return {
        "id": model_id,
        "title": title,
        "category": category,
        "endpoint": endpoint,
        "inputs": list(inputs),
        "output": output,
        "pricing": {**PRICING, "base_credits": 12},
        "free": False,
        "doc_status": "listed",
        "notes": "",
    }


def enum(name: str, values: list[Any], default: Any, *, required: bool = True) -> dict[str, Any]:
    return {"name": name, "type": "enum", "required": required, "enum": values, "default": default}


PROMPT = {"name": "prompt", "type": "string", "required": True, "max_length": 1800}
CATALOG = [
    entry(
        "runway",
        "Runway",
        "text-to-video",
        "runway",
        "video",
        PROMPT,
        enum("duration", [5, 10], 5),
        enum("quality", ["720p", "1080p"], "720p"),
        enum("aspectRatio", ["16:9", "9:16"], "16:9", required=False),
    ),
    entry(
        "flux-kontext-pro",
        "FLUX Kontext",
        "image-edit",
        "flux-kontext",
        "image",
        {"name": "inputImage", "type": "image_url", "required": False},
        PROMPT,
        {
            "name": "safetyTolerance",
            "type": "int",
            "required": False,
            "default": 6,
            "min": 0,
            "max": 6,
        },
    ),
    entry(
        "gpt4o-image",
        "GPT-4o Image",
        "text-to-image",
        "gpt4o-image",
        "image",
        PROMPT,
        enum("size", ["1:1", "3:2", "2:3"], "1:1"),
    ),
]


def use_family_catalog(monkeypatch: pytest.MonkeyPatch) -> None:
    """The bot runs with the three families' models (its configuration, not a mock)."""
    catalog = load_catalog(CATALOG)
    assert catalog.problems == ()
    monkeypatch.setattr(app_module, "default_catalog", lambda: catalog)


def money(home: Path, user_id: int) -> list[tuple[str, int]]:
    return ledger(home / "trt.db", user_id)


async def media(user: EmulatedUser, kind: str, count: int) -> None:
    await user.wait_for(
        lambda m: sum(x.media_kind == kind for x in user.messages) >= count, timeout=20
    )


async def runway_job(person: Person) -> None:
    await person.open_model("Text to video", "Runway")
    await person.send("a cat dances in the rain")
    await person.press("10")
    await person.press("720p")
    await person.press("9:16")
    await person.confirm()


async def flux_edit(person: Person, prompt: str) -> None:
    question = await person.open_model("Image editing", "FLUX Kontext")
    assert "Send a photo" in question.content
    await person.user.send_photo(PHOTO)
    await person.user.wait_for(lambda m: "prompt" in m.content and "Send a photo" not in m.content)
    await person.send(prompt)
    await person.confirm()


async def gpt4o_job(person: Person, prompt: str) -> None:
    await person.open_model("Text to image", "GPT-4o Image")
    await person.send(prompt)
    await person.press("2:3")
    await person.confirm()
