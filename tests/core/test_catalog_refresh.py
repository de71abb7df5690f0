"""The packaged catalog as Kie serves it in December 2026 (kie/API.md §12).

Every model users may be offered is fully described (price, category, card line in both languages,
the date its price was checked); what Kie no longer serves is off; §12's prices are what we quote;
the dedicated API families carry the request fields their clients send.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tests.core.support import MINIMAL_ENTRY, entry, model
from trt_local.core import (
    Catalog,
    CreditEstimate,
    DisabledReason,
    InputType,
    credits_for,
    load_catalog,
)
from trt_local.core.model_spec import CARD_LANGUAGES, model_key
from trt_local.core.wizard import main_path


def test_every_model_on_by_default_is_fully_described(catalog: Catalog) -> None:
    # default_enabled, not enabled: the family models are on by default once their client exists.
    offered = [m for m in catalog.models if m.default_enabled]
    assert len(offered) >= 25
    for m in offered:
        assert credits_for(m, {}).credits > 0, m.id
        assert m.category is not None, m.id
        for lang in CARD_LANGUAGES:
            assert m.card_line(lang).strip(), (m.id, lang)
        assert m.card_line("ru") != m.card_line("en"), m.id
        assert m.checked is not None and m.checked >= dt.date(2026, 12, 1), m.id


def test_every_model_has_a_card_and_a_checked_date(catalog: Catalog) -> None:
    # Switched-off models too: an admin who turns one on shows users a complete card.
    missing = [m.id for m in catalog.models if not m.card or m.checked is None]
    assert missing == []


@pytest.mark.parametrize(
    "model_id",
    [
        "sora-2-text-to-video",
        "sora-2-image-to-video",
        "sora-watermark-remover",  # takes Sora 2 share links only
        "elevenlabs/text-to-speech-turbo-2-5",
        "elevenlabs/sound-effect-v2",
        "elevenlabs/speech-to-text",
        "mj_txt2img",
        "flux-kontext-pro",  # sources disagree on its price
    ],
)
def test_models_kie_no_longer_serves_are_switched_off(catalog: Catalog, model_id: str) -> None:
    m = model(catalog, model_id)
    assert not m.default_enabled and not m.enabled
    assert DisabledReason.SWITCHED_OFF in m.disabled_reasons()
    assert "Off (2026-" in m.notes  # the reason and its date are written down


def test_no_sora_2_or_elevenlabs_model_is_offered(catalog: Catalog) -> None:
    offered = [m.id for m in catalog.models if m.default_enabled]
    assert [i for i in offered if i.startswith(("sora-2-", "elevenlabs/", "sora-"))] == []
    # and the admin's "back to defaults" keeps them off
    reset = catalog.with_overrides({})
    assert not any(m.enabled for m in reset.models if m.id.startswith(("sora-", "elevenlabs/")))


@pytest.mark.parametrize(
    ("model_id", "params", "credits"),
    [
        # kie/API.md §12: Kie's price list differs from the seed
        ("ideogram/v3-text-to-image", {}, 5),
        ("ideogram/v3-text-to-image", {"rendering_speed": "BALANCED"}, 5),
        ("topaz/image-upscale", {}, 4),
        ("topaz/image-upscale", {"upscale_factor": "1"}, 4),
        # §12: the same as ours
        ("z-image", {}, Decimal("0.8")),
        ("google/nano-banana", {}, 4),
        ("nano-banana-pro", {}, 18),
        ("nano-banana-pro", {"resolution": "4K"}, 24),
        ("seedream/4.5-text-to-image", {}, Decimal("6.5")),
        ("recraft/remove-background", {}, 1),
        ("recraft/crisp-upscale", {}, Decimal("0.5")),
        # Veo 3.1: Fast 60 (cut from 80), quality 250, Lite 30
        ("veo3.1", {}, 60),
        ("veo3.1", {"model": "veo3_fast"}, 60),
        ("veo3.1", {"model": "veo3"}, 250),
        ("veo3.1", {"model": "veo3_lite"}, 30),
        ("runway", {}, 12),
        ("suno", {}, 12),
        ("flux-kontext-pro", {}, 4),
        ("flux-kontext-pro", {"model": "flux-kontext-max"}, 8),
        ("gpt4o-image", {}, 6),
        ("gpt4o-image", {"nVariants": 4}, 24),
        # Kie's published per-second tiers: 6 s at the default 720p
        ("grok-imagine/text-to-video", {}, 27),
    ],
)
def test_the_catalog_quotes_the_checked_prices(
    catalog: Catalog, model_id: str, params: dict[str, object], credits: Decimal | int
) -> None:
    assert credits_for(model(catalog, model_id), params) == CreditEstimate(Decimal(credits), True)


def test_infinitalk_costs_four_credits_a_second(catalog: Catalog) -> None:
    avatar = model(catalog, "infinitalk/from-audio")
    assert credits_for(avatar, {}, media_seconds=10).credits == 40  # 480p, §12
    assert credits_for(avatar, {"resolution": "480p"}, media_seconds=7).credits == 28


def test_the_packaged_catalog_has_no_problems_and_the_families_their_endpoints(
    catalog: Catalog,
) -> None:
    assert catalog.problems == ()
    endpoints = {m.id: m.endpoint for m in catalog.models if m.endpoint != "jobs"}
    assert endpoints == {
        "veo3.1": "veo3",
        "veo3.1-1080p": "veo3-1080p",  # paid follow-ups of a finished Veo video
        "veo3.1-4k": "veo3-4k",
        "suno": "suno",
        "runway": "runway",
        "flux-kontext-pro": "flux-kontext",
        "gpt4o-image": "gpt4o-image",
        "mj_txt2img": "midjourney",
    }
    on_by_default = {i for i in endpoints if model(catalog, i).default_enabled}
    assert on_by_default == {
        "veo3.1",
        "veo3.1-1080p",
        "veo3.1-4k",
        "suno",
        "runway",
        "gpt4o-image",
    }


def _enum(catalog: Catalog, model_id: str, name: str) -> tuple[object, ...]:
    spec = model(catalog, model_id).input(name)
    assert spec is not None and spec.enum is not None, (model_id, name)
    return spec.enum


def test_veo_is_one_entry_with_the_three_models(catalog: Catalog) -> None:
    veo = model(catalog, "veo3.1")
    assert catalog.get("veo3_fast") is None
    # Buttons sent for the old veo3_fast entry still name this one.
    assert veo.key == model_key("veo3_fast") and catalog.by_key(model_key("veo3_fast")) is veo
    assert _enum(catalog, "veo3.1", "model") == ("veo3_fast", "veo3", "veo3_lite")
    assert veo.input("model").default == "veo3_fast"  # type: ignore[union-attr]
    assert set(_enum(catalog, "veo3.1", "generationType")) == {
        "TEXT_2_VIDEO",
        "FIRST_AND_LAST_FRAMES_2_VIDEO",
        "REFERENCE_2_VIDEO",
    }
    images = veo.input("imageUrls")
    assert images is not None and images.type is InputType.IMAGE_URLS and images.max_items == 3
    assert _enum(catalog, "veo3.1", "aspect_ratio") == ("16:9", "9:16", "Auto")
    # The wizard asks for images (optional), the prompt, the Veo model (it sets the price), the
    # mode (what the images mean) and the ratio; seeds, translation and watermark keep defaults.
    asked = [spec.name for spec in main_path(veo)]
    assert asked == ["imageUrls", "prompt", "model", "generationType", "aspect_ratio"]


def test_suno_offers_the_versions_kie_serves_in_both_modes(catalog: Catalog) -> None:
    suno = model(catalog, "suno")
    assert catalog.get("V5") is None and suno.key == model_key("V5")
    versions = _enum(catalog, "suno", "model")
    assert set(versions) == {"V4_5", "V4_5PLUS", "V4_5ALL", "V5"} and "V3_5" not in versions
    prompt = suno.input("prompt")
    assert prompt is not None and prompt.required and prompt.max_length == 500
    for name in ("customMode", "instrumental"):
        spec = suno.input(name)
        assert spec is not None and spec.type is InputType.BOOL and spec.default is False
    for name in ("style", "title"):
        assert suno.input(name) is not None
    assert suno.output.value == "audio"


def test_runway_fields_follow_the_current_page(catalog: Catalog) -> None:
    runway = model(catalog, "runway")
    assert set(_enum(catalog, "runway", "aspectRatio")) == {"16:9", "4:3", "1:1", "3:4", "9:16"}
    assert runway.input("prompt").max_length == 1800  # type: ignore[union-attr]
    assert runway.input("duration").required and runway.input("quality").required  # type: ignore[union-attr]
    assert not runway.input("imageUrl").required  # type: ignore[union-attr]
    # 1080p is not offered with 10 s: that variant has no price of its own.
    assert credits_for(runway, {"duration": 10, "quality": "1080p"}).exact is False


def test_4o_image_and_flux_kontext_fields(catalog: Catalog) -> None:
    gpt = model(catalog, "gpt4o-image")
    assert _enum(catalog, "gpt4o-image", "size") == ("1:1", "3:2", "2:3")
    files = gpt.input("filesUrl")
    assert files is not None and files.max_items == 5 and not files.required
    assert _enum(catalog, "gpt4o-image", "nVariants") == (1, 2, 4)
    kontext = model(catalog, "flux-kontext-pro")
    assert kontext.input("inputImage").type is InputType.IMAGE_URL  # type: ignore[union-attr]
    assert _enum(catalog, "flux-kontext-pro", "model") == ("flux-kontext-pro", "flux-kontext-max")


def test_card_and_checked_are_read_into_the_model() -> None:
    (m,) = load_catalog(
        [entry(card={"ru": "Быстрые эскизы", "en": "Quick sketches"}, checked="2026-12-04")]
    ).models
    assert m.card_line("ru") == "Быстрые эскизы"
    assert m.card_line("en") == "Quick sketches"
    assert m.card_line("de") == "Quick sketches"  # any other language gets English
    assert m.checked == dt.date(2026, 12, 4)
    (bare,) = load_catalog([MINIMAL_ENTRY]).models
    assert bare.card_line("en") == "" and bare.checked is None


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"card": {"ru": "Только по-русски"}}, "languages"),
        ({"card": {"ru": "Да", "en": "Yes", "de": "Ja"}}, "languages"),
        ({"card": {"ru": "Да", "en": ""}}, "card['en']"),
        ({"card": {"ru": "Да", "en": "x" * 91}}, "at most 90"),
        ({"card": {"ru": "Да", "en": "two\nlines"}}, "one plain line"),
        ({"card": {"ru": "Да", "en": "<b>bold</b>"}}, "one plain line"),
        ({"card": "Good at everything"}, "'card'"),
        ({"checked": "04.12.2026"}, "YYYY-MM-DD"),
        ({"checked": "2026-02-30"}, "not a real date"),
        ({"checked": 20261204}, "YYYY-MM-DD"),
    ],
)
def test_a_broken_card_or_date_leaves_the_entry_out(
    changes: dict[str, object], reason: str
) -> None:
    catalog = load_catalog([entry(id="good/one"), entry(**changes)])
    assert [m.id for m in catalog.models] == ["good/one"]
    (problem,) = catalog.problems
    assert "acme/painter" in problem and reason in problem
