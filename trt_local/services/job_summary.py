"""What a job was asked to do, for history: the prompt, the options and the media as counts.

A job's ``params`` are what the user chose, media as Kie URLs. History shows the prompt and the
options so a user can find "that fox picture" again; media appear only as a count by kind (a URL
is meaningless to the user and expires at Kie). The model's spec orders the options as the wizard
asked them; a model gone from the catalog falls back to the stored order and to guessing media
from the values.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from trt_local.core.inputs import TEXT_INPUT_NAMES, InputSpec, InputType
from trt_local.core.model_spec import ModelSpec
from trt_local.core.scalars import Scalar, is_scalar


class MediaKind(StrEnum):
    IMAGE = "image"
    AUDIO = "audio"
    VIDEO = "video"
    FILE = "file"  # the model is gone from the catalog: the kind is unknown


_KIND_OF = {
    InputType.IMAGE_URL: MediaKind.IMAGE,
    InputType.IMAGE_URLS: MediaKind.IMAGE,
    InputType.AUDIO_URL: MediaKind.AUDIO,
    InputType.VIDEO_URL: MediaKind.VIDEO,
}


@dataclass(frozen=True, slots=True)
class Media:
    kind: MediaKind
    count: int


@dataclass(frozen=True, slots=True)
class JobSummary:
    prompt: str  # "" when the model takes none
    options: tuple[tuple[str, Scalar], ...]  # (input name, value) in the wizard's order
    media: tuple[Media, ...]  # one count per kind: two photo inputs are "2 images"


def summarize(params: Mapping[str, Any], model: ModelSpec | None) -> JobSummary:
    specs: dict[str, InputSpec] = (
        {spec.name: spec for spec in model.wizard_inputs()} if model is not None else {}
    )
    names = [name for name in specs if name in params]
    names += [name for name in params if name not in specs]
    prompt = ""
    options: list[tuple[str, Scalar]] = []
    media: dict[MediaKind, int] = {}
    for name in names:
        value, spec = params[name], specs.get(name)
        is_prompt = spec.is_text if spec is not None else name in TEXT_INPUT_NAMES
        if is_prompt and isinstance(value, str) and not prompt:
            prompt = value
        elif (counted := _media(spec, value)) is not None:
            if counted.count:
                media[counted.kind] = media.get(counted.kind, 0) + counted.count
        elif is_scalar(value):
            options.append((name, value))
    return JobSummary(
        prompt, tuple(options), tuple(Media(kind, count) for kind, count in media.items())
    )


def _media(spec: InputSpec | None, value: object) -> Media | None:
    count = len(value) if isinstance(value, list | tuple) else 1
    if spec is not None:
        return Media(_KIND_OF[spec.type], count) if spec.is_media else None
    items = value if isinstance(value, list | tuple) else [value]
    if items and all(isinstance(item, str) and _is_url(item) for item in items):
        return Media(MediaKind.FILE, count)
    return None


def _is_url(text: str) -> bool:
    return text.startswith(("http://", "https://"))
