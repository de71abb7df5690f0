"""User text → typed values, and the createTask ``input`` object for real catalog models."""

from __future__ import annotations

import pytest

from tests.core.support import model
from trt_local.core import (
    Catalog,
    InputError,
    InputErrorCode,
    InputSpec,
    InputType,
    append_media,
    build_kie_input,
    check_media_duration,
    validate_value,
)

URL = "https://tempfile.redpandaai.co/kieai/tg/2025-01-01/a1.png"
TELEGRAM_URL = "https://api.telegram.org/file/bot123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/p.jpg"


def _code(spec: InputSpec, raw: str) -> InputErrorCode:
    with pytest.raises(InputError) as caught:
        validate_value(spec, raw)
    assert caught.value.field == spec.name
    return caught.value.code


def test_z_image_prompt_and_ratio(catalog: Catalog) -> None:
    z = model(catalog, "z-image")
    prompt, ratio = z.input("prompt"), z.input("aspect_ratio")
    assert prompt is not None and ratio is not None
    assert validate_value(prompt, "  a red fox  ") == "a red fox"
    assert validate_value(ratio, "16:9") == "16:9"
    assert _code(ratio, "auto") is InputErrorCode.NOT_IN_ENUM
    with pytest.raises(InputError) as caught:
        validate_value(prompt, "x" * 1001)
    assert caught.value.code is InputErrorCode.TOO_LONG
    assert dict(caught.value.params) == {"limit": 1000, "length": 1001}
    assert _code(prompt, "   ") is InputErrorCode.EMPTY
    assert build_kie_input(z, {"prompt": "a red fox"}) == {
        "prompt": "a red fox",
        "aspect_ratio": "1:1",  # required: the default is filled in
    }


def test_numbers_bools_and_ranges(catalog: Catalog) -> None:
    qwen = model(catalog, "qwen/text-to-image")
    steps, guidance = qwen.input("num_inference_steps"), qwen.input("guidance_scale")
    safety = qwen.input("enable_safety_checker")
    assert steps is not None and guidance is not None and safety is not None
    assert validate_value(steps, " 40 ") == 40
    assert _code(steps, "4.5") is InputErrorCode.NOT_INT
    assert _code(steps, "1") is InputErrorCode.OUT_OF_RANGE
    assert _code(steps, "251") is InputErrorCode.OUT_OF_RANGE
    assert validate_value(guidance, "7,5") == 7.5
    assert _code(guidance, "nan") is InputErrorCode.NOT_NUMBER
    assert _code(guidance, "21") is InputErrorCode.OUT_OF_RANGE
    assert validate_value(safety, "Да") is True
    assert validate_value(safety, "off") is False
    assert _code(safety, "maybe") is InputErrorCode.NOT_BOOL


def test_enum_matching_ignores_case_but_returns_the_catalog_value(catalog: Catalog) -> None:
    ideogram = model(catalog, "ideogram/v3-text-to-image")
    speed = ideogram.input("rendering_speed")
    assert speed is not None
    assert validate_value(speed, "turbo") == "TURBO"


def test_nano_banana_edit_image_urls(catalog: Catalog) -> None:
    edit = model(catalog, "google/nano-banana-edit")
    images = edit.input("image_urls")
    assert images is not None and images.type is InputType.IMAGE_URLS
    collected: tuple[str, ...] = ()
    for index in range(10):
        collected = append_media(images, collected, f"{URL}?n={index}")
    with pytest.raises(InputError) as caught:
        append_media(images, collected, URL)
    assert caught.value.code is InputErrorCode.TOO_MANY_ITEMS
    assert caught.value.params["limit"] == 10
    payload = build_kie_input(edit, {"prompt": "make it blue", "image_urls": collected[:2]})
    assert payload == {"prompt": "make it blue", "image_urls": list(collected[:2])}
    assert isinstance(payload["image_urls"], list)
    with pytest.raises(InputError) as missing:
        build_kie_input(edit, {"prompt": "make it blue"})
    assert (missing.value.code, missing.value.field) == (
        InputErrorCode.MISSING_REQUIRED,
        "image_urls",
    )
    with pytest.raises(InputError) as too_many:
        build_kie_input(edit, {"prompt": "p", "image_urls": [URL] * 11})
    assert too_many.value.code is InputErrorCode.TOO_MANY_ITEMS


def test_telegram_file_urls_never_reach_kie(catalog: Catalog) -> None:
    edit = model(catalog, "google/nano-banana-edit")
    images = edit.input("image_urls")
    assert images is not None
    with pytest.raises(InputError) as caught:
        append_media(images, (), TELEGRAM_URL)
    assert caught.value.code is InputErrorCode.FORBIDDEN_URL
    assert "AAHdq" not in str(caught.value) and not caught.value.params
    with pytest.raises(InputError):
        build_kie_input(edit, {"prompt": "p", "image_urls": [TELEGRAM_URL]})
    assert _code(images, "ftp://example.com/a.png") is InputErrorCode.BAD_URL


def test_runway_numeric_enum_stays_a_number(catalog: Catalog) -> None:
    runway = model(catalog, "runway")
    duration = runway.input("duration")
    assert duration is not None
    assert validate_value(duration, "10") == 10 and isinstance(validate_value(duration, "10"), int)
    assert _code(duration, "7") is InputErrorCode.NOT_IN_ENUM
    payload = build_kie_input(runway, {"prompt": "waves", "duration": 10})
    assert payload["duration"] == 10 and isinstance(payload["duration"], int)
    assert payload["quality"] == "720p"
    # a draft stored as text converts to the catalog's number, too
    assert build_kie_input(runway, {"prompt": "waves", "duration": "10"})["duration"] == 10


def test_string_enums_stay_strings(catalog: Catalog) -> None:
    kling = model(catalog, "kling-2.6/text-to-video")
    payload = build_kie_input(kling, {"prompt": "a cat", "duration": "10", "sound": True})
    assert payload == {"prompt": "a cat", "sound": True, "aspect_ratio": "1:1", "duration": "10"}
    with pytest.raises(InputError) as caught:
        build_kie_input(kling, {"prompt": "a cat", "duration": 10})
    assert caught.value.code is InputErrorCode.NOT_IN_ENUM


def test_build_input_drops_unknown_fields_and_skips_unset_optionals(catalog: Catalog) -> None:
    seedream = model(catalog, "bytedance/seedream")
    payload = build_kie_input(seedream, {"prompt": "a tree", "colour": "red", "seed": None})
    # image_size is optional and priceless: left to Kie's own default
    assert payload == {"prompt": "a tree"}
    with pytest.raises(InputError) as caught:
        build_kie_input(seedream, {"prompt": "a tree", "guidance_scale": 11})
    assert caught.value.code is InputErrorCode.OUT_OF_RANGE
    with pytest.raises(InputError) as empty:
        build_kie_input(seedream, {"prompt": ""})
    assert empty.value.code is InputErrorCode.MISSING_REQUIRED


def test_price_relevant_defaults_are_always_sent(catalog: Catalog) -> None:
    # The quote assumed these defaults; sending them makes Kie bill the quoted variant.
    wan = model(catalog, "wan/2-6-text-to-video")
    assert build_kie_input(wan, {"prompt": "rain"}) == {
        "prompt": "rain",
        "duration": "5",
        "resolution": "1080p",
    }
    seedream = model(catalog, "bytedance/seedream-v4-text-to-image")
    assert build_kie_input(seedream, {"prompt": "p"})["max_images"] == 1


def test_media_length_cap(catalog: Catalog) -> None:
    avatar = model(catalog, "infinitalk/from-audio")
    check_media_duration(avatar, 15)
    with pytest.raises(InputError) as caught:
        check_media_duration(avatar, 15.5)
    assert caught.value.code is InputErrorCode.MEDIA_TOO_LONG
    assert caught.value.params["limit_seconds"] == 15
    check_media_duration(model(catalog, "z-image"), 10_000)  # not priced by length: no cap
