"""What the sandbox renders, checked without the HTTP layer."""

from __future__ import annotations

import json
from importlib import resources
from typing import Literal

import pytest

from trt_local.kie import output_kind_for
from trt_local.kie.sandbox_media import image_dimensions, video_asset


def test_output_kind_agrees_with_the_shipped_catalog() -> None:
    catalog = json.loads(
        resources.files("trt_local").joinpath("data", "models.json").read_text("utf-8")
    )

    wrong = {m["id"]: m["output"] for m in catalog if output_kind_for(m["id"]) != m["output"]}

    assert wrong == {}


@pytest.mark.parametrize(
    ("model", "kind"),
    [
        ("infinitalk/from-audio", "video"),
        ("elevenlabs/speech-to-text", "text"),
        ("elevenlabs/text-to-speech-turbo-2-5", "audio"),
        ("V5", "audio"),
        ("some-new/model", "image"),
    ],
)
def test_output_kind_edge_cases(model: str, kind: str) -> None:
    assert output_kind_for(model) == kind


@pytest.mark.parametrize(
    ("params", "size"),
    [
        ({"aspect_ratio": "auto"}, (512, 512)),
        ({"aspect_ratio": "0:5"}, (512, 512)),
        ({"aspect_ratio": "portrait"}, (288, 512)),
        ({"image_size": "landscape_3_2"}, (512, 341)),
    ],
)
def test_odd_ratios_fall_back_sensibly(params: dict[str, str], size: tuple[int, int]) -> None:
    assert image_dimensions(params) == size


@pytest.mark.parametrize("orientation", ["landscape", "portrait", "square"])
def test_video_assets_ship_and_are_small(
    orientation: Literal["landscape", "portrait", "square"],
) -> None:
    clip = video_asset(orientation)

    assert clip[4:8] == b"ftyp"
    assert b"moov" in clip
    assert 1_000 < len(clip) < 100_000
