"""Credits per variant, the user's quote (admin / free / paid), rounding, and the quota day."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.core.support import entry, model
from trt_local.core import (
    Catalog,
    CreditEstimate,
    InputType,
    PriceSettings,
    PricingUnit,
    QuoteBasis,
    credits_for,
    credits_to_minor,
    load_catalog,
    local_day,
    quote,
)

SETTINGS = PriceSettings()


def _credits(catalog: Catalog, model_id: str, **params: object) -> tuple[Decimal, bool]:
    estimate = credits_for(model(catalog, model_id), params)
    return estimate.credits, estimate.exact


def test_paid_quote_converts_credits_to_kopecks(catalog: Catalog) -> None:
    q = quote(
        model(catalog, "kling-2.6/text-to-video"),
        {},
        is_admin=False,
        free_used_today=0,
        settings=SETTINGS,
    )
    # 55 credits × $0.005 × 78.6 ₽/$ × 2 = 43.23 ₽ exactly
    assert (q.price_minor, q.credits, q.basis) == (4323, Decimal(55), QuoteBasis.PAID)
    assert q.list_price_minor == 4323 and q.exact


def test_admin_pays_nothing_and_keeps_the_free_quota(catalog: Catalog) -> None:
    z = model(catalog, "z-image")
    q = quote(z, {}, is_admin=True, free_used_today=2, settings=SETTINGS)
    assert (q.price_minor, q.basis, q.free_left) == (0, QuoteBasis.ADMIN, 3)
    assert q.list_price_minor == 63


def test_free_model_is_free_while_quota_lasts(catalog: Catalog) -> None:
    z = model(catalog, "z-image")
    with_quota = quote(z, {}, is_admin=False, free_used_today=4, settings=SETTINGS)
    assert (with_quota.price_minor, with_quota.basis, with_quota.free_left) == (
        0,
        QuoteBasis.FREE,
        1,
    )
    used_up = quote(z, {}, is_admin=False, free_used_today=5, settings=SETTINGS)
    assert (used_up.price_minor, used_up.basis, used_up.free_left) == (63, QuoteBasis.PAID, 0)
    no_quota = quote(
        z, {}, is_admin=False, free_used_today=0, settings=PriceSettings(free_per_day=0)
    )
    assert no_quota.basis is QuoteBasis.PAID


def test_free_quota_covers_only_the_free_variant(catalog: Catalog) -> None:
    ideogram = model(catalog, "ideogram/v3-text-to-image")
    turbo = quote(
        ideogram, {"rendering_speed": "TURBO"}, is_admin=False, free_used_today=0, settings=SETTINGS
    )
    assert (turbo.basis, turbo.price_minor) == (QuoteBasis.FREE, 0)
    quality = quote(
        ideogram,
        {"rendering_speed": "QUALITY"},
        is_admin=False,
        free_used_today=0,
        settings=SETTINGS,
    )
    assert (quality.basis, quality.price_minor) == (QuoteBasis.PAID, 786)  # 10 credits
    default = quote(ideogram, {}, is_admin=False, free_used_today=0, settings=SETTINGS)
    assert default.basis is QuoteBasis.PAID  # BALANCED is the default: not the free variant


def test_free_when_must_name_an_enum_value() -> None:
    broken = entry(id="broken/free-when", free=True, free_when={"prompt": "x"})
    catalog = load_catalog([broken, entry(id="fine/model")])
    assert catalog.get("broken/free-when") is None and catalog.get("fine/model") is not None
    assert any("free_when" in problem for problem in catalog.problems)


def test_paid_model_ignores_the_free_quota(catalog: Catalog) -> None:
    q = quote(
        model(catalog, "nano-banana-pro"),
        {},
        is_admin=False,
        free_used_today=0,
        settings=SETTINGS,
    )
    assert q.basis is QuoteBasis.PAID and q.price_minor > 0 and q.free_left == 5


def test_price_follows_the_settings(catalog: Catalog) -> None:
    z = model(catalog, "recraft/remove-background")  # 1 credit
    cheap = PriceSettings(markup=Decimal("1"), rub_per_usd=Decimal("100"))
    q = quote(z, {}, is_admin=False, free_used_today=0, settings=cheap)
    assert q.price_minor == 50  # 1 × 0.005 × 100 × 1 = 0.50


@given(
    credits=st.decimals(min_value=0, max_value=10_000, places=3),
    usd=st.decimals(min_value=Decimal("0.0001"), max_value=1, places=4),
    rate=st.decimals(min_value=Decimal("0.01"), max_value=500, places=2),
    markup=st.decimals(min_value=1, max_value=10, places=3),
)
def test_rounding_is_up_to_the_next_kopeck_and_never_more(
    credits: Decimal, usd: Decimal, rate: Decimal, markup: Decimal
) -> None:
    settings = PriceSettings(usd_per_credit=usd, rub_per_usd=rate, markup=markup)
    exact = Fraction(credits) * Fraction(usd) * Fraction(rate) * Fraction(markup) * 100
    minor = credits_to_minor(credits, settings)
    assert isinstance(minor, int)
    assert exact <= minor < exact + 1


def _unit_params(
    m_unit: PricingUnit, per_type: InputType | None, per: str | None
) -> dict[str, object]:
    """Params that make a per-unit model cost exactly one unit (seed prices are per unit)."""
    if per is None or m_unit in (PricingUnit.RUN, PricingUnit.IMAGE, PricingUnit.MEGAPIXEL):
        return {}
    if per_type is InputType.STRING:
        return {per: "x"}
    if per_type in (InputType.INT, InputType.FLOAT):
        return {per: 1}
    return {}


def test_every_packaged_model_quotes_with_defaults_near_its_seed_price(catalog: Catalog) -> None:
    for m in catalog.models:
        rule = m.pricing
        per_spec = m.input(rule.per) if rule.per else None
        params = _unit_params(rule.unit, per_spec.type if per_spec else None, rule.per)
        media = 60.0 if rule.unit is PricingUnit.MINUTE else 1.0
        q = quote(
            m, params, is_admin=False, free_used_today=99, settings=SETTINGS, media_seconds=media
        )
        assert q.price_minor > 0, m.id
        # A price refreshed from a newer source (kie/API.md §12) may leave the old bot's price.
        if m.seed_price_rub is not None and rule.source == "seed":
            ratio = Decimal(q.price_minor) / (m.seed_price_rub * 100)
            assert Decimal("0.75") <= ratio <= Decimal("1.5"), (m.id, q.price_minor)


@pytest.mark.parametrize(
    ("model_id", "params", "credits"),
    [
        ("nano-banana-pro", {"resolution": "4K"}, 24),
        ("nano-banana-pro", {"resolution": "2K"}, 18),
        ("ideogram/v3-text-to-image", {"rendering_speed": "TURBO"}, Decimal("3.5")),
        ("kling-2.6/text-to-video", {"duration": "10", "sound": True}, 220),
        ("kling-2.6/text-to-video", {"duration": "5", "sound": True}, 110),
        ("kling-2.6/image-to-video", {"duration": "10"}, 110),  # sound defaults to false
        ("hailuo/2-3-image-to-video-standard", {"resolution": "1080P"}, 50),
        ("wan/2-6-text-to-video", {"duration": "15", "resolution": "720p"}, 210),
        ("runway", {"duration": 10}, 30),  # JSON numbers, as the catalog types them
        ("runway", {"duration": 5, "quality": "1080p"}, 30),
        ("topaz/image-upscale", {"upscale_factor": "8"}, 40),
    ],
)
def test_by_cases_match_exact_variants(
    catalog: Catalog, model_id: str, params: dict[str, object], credits: Decimal | int
) -> None:
    assert _credits(catalog, model_id, **params) == (Decimal(credits), True)


def test_unmatched_variant_quotes_the_dearest_case(catalog: Catalog) -> None:
    # 10 s at 1080P is not a valid hailuo combination: quote the upper bound, marked inexact.
    assert _credits(
        catalog, "hailuo/2-3-image-to-video-standard", duration="10", resolution="1080P"
    ) == (Decimal(50), False)
    # "10" (text) is not the catalog's 10 (number): no exact match, never undercharged.
    assert _credits(catalog, "runway", duration="10") == (Decimal(30), False)
    assert _credits(catalog, "kling-2.6/text-to-video", sound=1) == (Decimal(220), False)


def test_most_specific_case_wins_regardless_of_file_order() -> None:
    priced = entry(
        pricing={
            "unit": "run",
            "base_credits": 1,
            "by": [
                {"when": {"size": "large"}, "credits": 5},
                {"when": {"size": "large", "prompt": "special"}, "credits": 9},
            ],
            "confidence": "high",
        }
    )
    (m,) = load_catalog([priced]).models
    assert credits_for(m, {"size": "large", "prompt": "special"}).credits == 9
    assert credits_for(m, {"size": "large", "prompt": "plain"}).credits == 5
    # no case matches (size defaults to small): the dearest case, marked as an upper bound
    assert credits_for(m, {"prompt": "plain"}) == CreditEstimate(Decimal(9), False)


def test_per_image_counts_multiply(catalog: Catalog) -> None:
    assert _credits(catalog, "bytedance/seedream-v4-text-to-image", max_images=3) == (
        Decimal(15),
        False,  # max_images is a ceiling; Kie bills what it returns
    )
    assert _credits(catalog, "bytedance/seedream-v4-text-to-image") == (Decimal(5), True)
    assert _credits(catalog, "google/imagen4-fast", num_images="3") == (Decimal(12), True)


def test_per_thousand_characters(catalog: Catalog) -> None:
    tts = "elevenlabs/text-to-speech-turbo-2-5"
    assert _credits(catalog, tts, text="a" * 1000) == (Decimal(6), True)
    assert _credits(catalog, tts, text="a" * 1001) == (Decimal(12), True)
    assert _credits(catalog, tts, text="hi") == (Decimal(6), True)
    # unknown text: the longest allowed (5000 chars = 5 units)
    assert _credits(catalog, tts) == (Decimal(30), False)


def test_per_second_of_a_duration_input(catalog: Catalog) -> None:
    sfx = "elevenlabs/sound-effect-v2"
    assert _credits(catalog, sfx, duration_seconds=5) == (Decimal("1.20"), True)
    assert _credits(catalog, sfx, duration_seconds=2.5) == (Decimal("0.72"), False)
    assert _credits(catalog, sfx) == (Decimal("5.28"), False)  # omitted: the 22 s maximum


def test_per_second_and_minute_of_uploaded_media(catalog: Catalog) -> None:
    avatar = model(catalog, "infinitalk/from-audio")
    assert credits_for(avatar, {"resolution": "720p"}, media_seconds=9.2).credits == 160
    assert credits_for(avatar, {}, media_seconds=10).exact
    unknown = credits_for(avatar, {})
    assert (unknown.credits, unknown.exact) == (Decimal(60), False)  # 15 s upper bound
    stt = model(catalog, "elevenlabs/speech-to-text")
    assert credits_for(stt, {}, media_seconds=61).credits == Decimal("7.0")
    with pytest.raises(ValueError):
        credits_for(stt, {}, media_seconds=-1)


def test_megapixels_follow_the_image_size_preset(catalog: Catalog) -> None:
    qwen = "qwen/image-edit"
    assert _credits(catalog, qwen, image_size="square_hd") == (Decimal(12), False)  # 1.05 MP → 2
    assert _credits(catalog, qwen, image_size="landscape_16_9") == (Decimal(6), False)
    assert _credits(catalog, qwen, image_size="square_hd", num_images="3") == (Decimal(36), False)


def test_price_settings_validation() -> None:
    assert PriceSettings().validate() == ()
    broken = PriceSettings(
        usd_per_credit=Decimal(0),
        markup=Decimal("0.5"),
        currency="DOGE",
        free_per_day=-1,
        timezone="Mars/Olympus",
    )
    problems = " ".join(broken.validate())
    for word in ("usd_per_credit", "markup", "currency", "free_per_day", "timezone"):
        assert word in problems


def test_local_day_uses_the_configured_zone() -> None:
    late_utc = datetime(2025, 3, 1, 22, 30, tzinfo=UTC)
    assert local_day(late_utc, "Europe/Moscow") == date(2025, 3, 2)  # 01:30 in Moscow
    assert local_day(late_utc, "UTC") == date(2025, 3, 1)
    assert local_day(late_utc, timezone(timedelta(hours=-5))) == date(2025, 3, 1)
    with pytest.raises(ValueError):
        local_day(datetime(2025, 3, 1, 12, 0), "UTC")
