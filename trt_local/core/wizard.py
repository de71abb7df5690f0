"""The generation wizard as pure state: which input to ask next, and what the draft holds.

The main path asks what a run cannot do without (required inputs), what users usually care about
(optional media, and the inputs that change the price or the shape: ratio, size, resolution,
duration), in the catalog's wizard order. Everything else keeps its default and can be changed from
the confirm screen's Edit list, so a ten-input model does not become a ten-step form.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from trt_local.core.inputs import InputSpec, InputType
from trt_local.core.model_spec import ModelSpec

_SHAPE_INPUT = re.compile(r"aspect|ratio|size|resolution|duration|n_frames|quality", re.I)


def _price_inputs(model: ModelSpec) -> set[str]:
    names = {key for case in model.pricing.by for key in case.when}
    if model.pricing.per:
        names.add(model.pricing.per)
    return names


def main_path(model: ModelSpec, values: Mapping[str, Any] | None = None) -> tuple[InputSpec, ...]:
    """The inputs the wizard asks, given what the draft holds (``values``): an input required only
    in some cases (``required_when``, e.g. Suno's title in custom mode) is asked in those."""
    priced = _price_inputs(model)
    values = values or {}

    def asked(spec: InputSpec) -> bool:
        if model.requires(spec, values) or spec.is_media:
            return True
        if spec.type not in (InputType.ENUM, InputType.BOOL, InputType.INT):
            return False
        return spec.name in priced or bool(_SHAPE_INPUT.search(spec.name))

    return tuple(spec for spec in model.wizard_inputs() if asked(spec))


def new_nonce() -> str:
    return secrets.token_hex(4)


@dataclass(frozen=True, slots=True)
class Draft:
    """One user's unfinished generation. ``nonce`` ties buttons to this draft (stale otherwise).

    ``seconds`` holds the length Telegram reported for an uploaded audio/video input, by input
    name: a per-second model is priced on it (see :func:`media_seconds`).
    """

    model_id: str
    nonce: str = field(default_factory=new_nonce)
    values: Mapping[str, Any] = field(default_factory=dict)
    skipped: frozenset[str] = frozenset()
    editing: str | None = None  # an input chosen from the confirm screen's Edit list
    seconds: Mapping[str, float] = field(default_factory=dict)

    def _seconds_without(self, name: str) -> dict[str, float]:
        return {k: v for k, v in self.seconds.items() if k != name}

    def with_value(self, name: str, value: Any) -> Draft:
        return replace(
            self,
            values={**self.values, name: value},
            skipped=self.skipped - {name},
            editing=None,
            seconds=self._seconds_without(name),  # a new value: the old length is not its own
        )

    def with_media(self, name: str, url: str, seconds: float | None) -> Draft:
        """An uploaded file for ``name`` and, when Telegram said, its length in seconds."""
        draft = self.with_value(name, url)
        if seconds is None:
            return draft
        return replace(draft, seconds={**draft.seconds, name: seconds})

    def without(self, name: str) -> Draft:
        values = {k: v for k, v in self.values.items() if k != name}
        return replace(
            self,
            values=values,
            skipped=self.skipped - {name},
            editing=None,
            seconds=self._seconds_without(name),
        )

    def skip(self, name: str) -> Draft:
        values = {k: v for k, v in self.values.items() if k != name}
        return replace(
            self,
            values=values,
            skipped=self.skipped | {name},
            editing=None,
            seconds=self._seconds_without(name),
        )

    def edit(self, name: str | None) -> Draft:
        return replace(self, editing=name)

    def renewed(self) -> Draft:
        """Same inputs, new nonce: "Again" must not collide with the job it repeats."""
        return replace(self, nonce=new_nonce(), editing=None)

    def to_json(self) -> dict[str, Any]:
        return {
            "model_id": self.model_id,
            "nonce": self.nonce,
            "values": {k: list(v) if isinstance(v, tuple) else v for k, v in self.values.items()},
            "skipped": sorted(self.skipped),
            "editing": self.editing,
            "seconds": dict(self.seconds),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Draft:
        return cls(
            model_id=str(data["model_id"]),
            nonce=str(data["nonce"]),
            values={k: tuple(v) if isinstance(v, list) else v for k, v in data["values"].items()},
            skipped=frozenset(data.get("skipped", ())),
            editing=data.get("editing"),
            seconds={str(k): float(v) for k, v in data.get("seconds", {}).items()},
        )


def media_seconds(model: ModelSpec, draft: Draft) -> float | None:
    """The length of the medium ``model`` is priced on, if the draft knows it (else None)."""
    per = model.pricing.per
    return draft.seconds.get(per) if per else None


def next_input(model: ModelSpec, draft: Draft) -> InputSpec | None:
    """The input to ask now, or None when the draft is ready for the confirm screen."""
    if draft.editing:
        return model.input(draft.editing)
    for spec in main_path(model, draft.values):
        if spec.name not in draft.values and spec.name not in draft.skipped:
            return spec
    return None


def previous_input(model: ModelSpec, draft: Draft) -> InputSpec | None:
    """The question before the current one (for Back), or None at the first question."""
    path = main_path(model, draft.values)
    current = next_input(model, draft)
    if current is None:  # on the confirm screen: back to the last question
        return path[-1] if path else None
    names = [spec.name for spec in path]
    index = names.index(current.name) if current.name in names else 0
    return path[index - 1] if index > 0 else None


def missing_required(model: ModelSpec, draft: Draft) -> list[InputSpec]:
    return [
        spec
        for spec in model.inputs
        if model.requires(spec, draft.values)
        and spec.default is None
        and spec.name not in draft.values
    ]
