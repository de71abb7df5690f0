"""Catalog loading: validation of entries, default enablement, overrides, categories, keys."""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

import pytest

from tests.core.support import MINIMAL_ENTRY, entry, model
from trt_local.core import (
    CATEGORIES,
    Catalog,
    DisabledReason,
    InputType,
    category_by_key,
    load_catalog,
)
from trt_local.core.model_spec import SUPPORTED_ENDPOINTS


def test_packaged_catalog_loads_without_problems(catalog: Catalog) -> None:
    assert catalog.problems == ()
    assert len(catalog.models) == 43
    assert catalog.get("z-image") is not None


def test_model_keys_are_short_unique_and_resolve(catalog: Catalog) -> None:
    keys = [m.key for m in catalog.models]
    assert len(set(keys)) == len(keys)
    for m in catalog.models:
        assert 1 <= len(m.key) <= 8 and m.key.isascii()
        assert catalog.by_key(m.key) is m
        # A model button's callback data must fit Telegram's 64 bytes with room to spare.
        assert len(f"m:{m.category.key}:{m.key}".encode()) <= 32


def test_model_key_does_not_depend_on_position() -> None:
    first = entry(id="a/one")
    second = entry(id="b/two")
    forward = load_catalog([first, second])
    backward = load_catalog([second, first])
    assert {m.id: m.key for m in forward.models} == {m.id: m.key for m in backward.models}


def test_category_keys_fit_callback_data() -> None:
    assert len(CATEGORIES) == 11
    assert len({c.key for c in CATEGORIES}) == 11
    for category in CATEGORIES:
        assert 1 <= len(category.key) <= 8
        assert category_by_key(category.key) is category
        assert category.title("ru") != category.title("en")


def test_default_enablement_rules(catalog: Catalog) -> None:
    # supported, listed, confident price → on
    assert model(catalog, "z-image").enabled
    # a family without an adapter (Midjourney's API is gone, §12) is not runnable
    midjourney = model(catalog, "mj_txt2img")
    assert not midjourney.supported and not midjourney.enabled
    assert DisabledReason.UNSUPPORTED in midjourney.disabled_reasons()
    # low-confidence price stays off until verified
    topaz = model(catalog, "topaz/image-upscale")
    assert topaz.supported and not topaz.enabled
    assert topaz.disabled_reasons() == (DisabledReason.LOW_CONFIDENCE,)
    # absent from the later docs index → probe first; the file also switches it off
    sfx = model(catalog, "elevenlabs/sound-effect-v2")
    assert sfx.supported and not sfx.enabled
    assert sfx.disabled_reasons() == (DisabledReason.NOT_LISTED, DisabledReason.SWITCHED_OFF)
    # switched off in the file (Kie's ElevenLabs tasks were failing) → off, and says so
    tts = model(catalog, "elevenlabs/text-to-speech-turbo-2-5")
    assert tts.supported and not tts.enabled
    assert tts.disabled_reasons() == (DisabledReason.SWITCHED_OFF,)
    for m in catalog.models:
        assert m.enabled == (m.endpoint in SUPPORTED_ENDPOINTS and not m.disabled_reasons())


def test_explicit_enabled_in_the_file_wins_over_the_default_rule() -> None:
    low = entry(pricing={**MINIMAL_ENTRY["pricing"], "confidence": "low"})
    verified = entry(id="acme/verified", pricing=low["pricing"], enabled=True)
    catalog = load_catalog([low, verified])
    assert not catalog.get("acme/painter").enabled  # type: ignore[union-attr]
    assert catalog.get("acme/verified").enabled  # type: ignore[union-attr]
    unsupported = load_catalog([entry(endpoint="midjourney", enabled=True)])
    assert not unsupported.models[0].enabled


def test_overrides_switch_models_but_never_enable_unsupported(catalog: Catalog) -> None:
    changed = catalog.with_overrides(
        {
            "z-image": False,
            "topaz/image-upscale": True,
            "runway": False,
            "mj_txt2img": True,
            "nope": True,
        }
    )
    assert not model(changed, "z-image").enabled
    assert model(changed, "topaz/image-upscale").enabled
    assert not model(changed, "runway").enabled  # a supported family switched off
    assert not model(changed, "mj_txt2img").enabled
    # the original is untouched and overrides start from the defaults each time
    assert model(catalog, "z-image").enabled
    assert model(changed.with_overrides({}), "z-image").enabled
    assert changed.with_overrides({}).models == catalog.models


def test_categories_only_list_those_with_enabled_models(catalog: Catalog) -> None:
    ids = [c.id for c in catalog.categories()]
    order = [c.id for c in CATEGORIES]
    assert ids == [c for c in order if c in ids]
    assert "text-to-image" in ids
    # the only video-edit and speech-to-text models are disabled by default
    assert "video-edit" not in ids and "speech-to-text" not in ids
    switched = catalog.with_overrides({"sora-watermark-remover": True})
    assert "video-edit" in [c.id for c in switched.categories()]


def test_models_in_category(catalog: Catalog) -> None:
    upscale = catalog.models_in("upscale")
    assert [m.id for m in upscale] == ["recraft/crisp-upscale"]
    every = catalog.models_in("upscale", include_disabled=True)
    assert [m.id for m in every] == ["recraft/crisp-upscale", "topaz/image-upscale"]
    assert catalog.models_in(CATEGORIES[0]) == catalog.models_in("text-to-image")
    assert catalog.models_in("no-such-category") == ()


def _mutate(path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    broken = copy.deepcopy(MINIMAL_ENTRY)
    target: Any = broken
    for step in path[:-1]:
        target = target[step]
    if value is _DELETE:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return broken


_DELETE = object()

BROKEN = [
    pytest.param(("id",), "", "'id'", id="empty-id"),
    pytest.param(("id",), _DELETE, "'id'", id="no-id"),
    pytest.param(("category",), "poetry", "poetry", id="unknown-category"),
    pytest.param(("output",), "hologram", "hologram", id="unknown-output"),
    pytest.param(("inputs",), [], "'inputs'", id="no-inputs"),
    pytest.param(("inputs", 0, "type"), "colour", "colour", id="unknown-input-type"),
    pytest.param(("inputs", 0, "max_lenght"), 5, "max_lenght", id="misspelt-input-field"),
    pytest.param(("inputs", 0, "max_length"), 0, "max_length", id="zero-max-length"),
    pytest.param(
        ("inputs", 1, "default"), "medium", "default 'medium'", id="enum-default-not-in-enum"
    ),
    pytest.param(("inputs", 1, "enum"), [], "non-empty 'enum'", id="empty-enum"),
    pytest.param(("inputs", 1, "enum"), ["a", "a"], "repeated", id="repeated-enum-member"),
    pytest.param(("inputs", 1, "name"), "prompt", "defined twice", id="duplicate-input-name"),
    pytest.param(
        ("inputs", 1),
        {"name": "n", "type": "int", "min": 5, "max": 1},
        "greater than max",
        id="min>max",
    ),
    pytest.param(
        ("inputs", 1), {"name": "n", "type": "int", "default": 1.5}, "default 1.5", id="int-float"
    ),
    pytest.param(
        ("inputs", 1), {"name": "b", "type": "bool", "default": 1}, "default 1 ", id="bool-as-1"
    ),
    pytest.param(
        ("inputs", 1),
        {"name": "u", "type": "image_url", "max_length": 3},
        "only allowed on string",
        id="misplaced",
    ),
    pytest.param(("pricing", "unit"), "per-vibe", "per-vibe", id="unknown-unit"),
    pytest.param(("pricing", "base_credits"), "cheap", "base_credits", id="credits-not-number"),
    pytest.param(("pricing", "base_credits"), -1, "negative", id="negative-credits"),
    pytest.param(("pricing", "confidence"), "certain", "certain", id="unknown-confidence"),
    pytest.param(
        ("pricing", "by", 0, "when"),
        {"colour": "red"},
        "unknown input 'colour'",
        id="by-unknown-input",
    ),
    pytest.param(
        ("pricing", "by", 0, "when"), {"size": "huge"}, "'huge'", id="by-value-not-in-enum"
    ),
    pytest.param(("pricing", "by", 0, "when"), {}, "empty", id="by-empty-when"),
    pytest.param(("pricing", "per"), "ghost", "ghost", id="per-unknown-input"),
    pytest.param(("pricing", "per"), "size", "not a bounded count", id="per-not-a-count"),
    pytest.param(("pricing", "unit"), "second", "needs 'per'", id="second-without-per"),
    pytest.param(("free",), "yes", "'free'", id="free-not-bool"),
    pytest.param(("key",), "Way-Too-Long", "'key'", id="bad-explicit-key"),
]


@pytest.mark.parametrize(("path", "value", "reason"), BROKEN)
def test_broken_entry_is_left_out_and_described(
    path: tuple[Any, ...], value: Any, reason: str
) -> None:
    good_before = entry(id="good/one")
    good_after = entry(id="good/two")
    catalog = load_catalog([good_before, _mutate(path, value), good_after])
    assert [m.id for m in catalog.models] == ["good/one", "good/two"]
    assert len(catalog.problems) == 1
    assert "entry 1" in catalog.problems[0]
    assert reason in catalog.problems[0]


def test_problem_names_the_entry_and_the_reason() -> None:
    catalog = load_catalog([_mutate(("pricing", "by", 0, "when"), {"colour": "red"})])
    (problem,) = catalog.problems
    assert "acme/painter" in problem and "colour" in problem


def test_non_object_entries_and_non_list_catalog() -> None:
    catalog = load_catalog([42, None, "x", entry()])
    assert [m.id for m in catalog.models] == ["acme/painter"]
    assert len(catalog.problems) == 3
    empty = load_catalog({"models": []})
    assert empty.models == () and len(empty.problems) == 1


def test_duplicate_id_keeps_the_first() -> None:
    first = entry(title="First")
    second = entry(title="Second")
    catalog = load_catalog([first, second])
    assert [m.title for m in catalog.models] == ["First"]
    assert "duplicate id" in catalog.problems[0]


def test_numeric_enum_and_by_values_keep_their_json_types(catalog: Catalog) -> None:
    runway = model(catalog, "runway")
    duration = runway.input("duration")
    assert duration is not None and duration.enum == (5, 10) and duration.default == 5
    assert all(isinstance(case.when["duration"], int) for case in runway.pricing.by)
    assert runway.pricing.by[1].credits == Decimal("30")
    assert model(catalog, "z-image").pricing.base_credits == Decimal("0.8")


def test_wizard_order_media_then_prompt_then_required_then_optional(catalog: Catalog) -> None:
    flux = model(catalog, "flux-2/pro-image-to-image")
    assert [s.name for s in flux.wizard_inputs()] == [
        "input_urls",
        "prompt",
        "aspect_ratio",
        "resolution",
    ]
    avatar = model(catalog, "infinitalk/from-audio")
    assert [s.name for s in avatar.wizard_inputs()][:3] == ["image_url", "audio_url", "prompt"]
    kling = model(catalog, "kling/v2-5-turbo-image-to-video-pro")
    order = kling.wizard_inputs()
    assert [s.type for s in order[:2]] == [InputType.IMAGE_URL, InputType.IMAGE_URL]
    assert order[2].name == "prompt"
    tts = model(catalog, "elevenlabs/text-to-speech-turbo-2-5")
    assert tts.wizard_inputs()[0].name == "text"
