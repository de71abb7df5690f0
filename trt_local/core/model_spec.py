"""Records for the model catalog: one :class:`ModelSpec` per model, and the :class:`Catalog`.

A model is *supported* when this release can run its API family (``SUPPORTED_ENDPOINTS``: the
Market ``jobs`` endpoint and the dedicated families implemented so far) and *enabled* when users
may pick it. Enabled is never true for an unsupported model, whatever the
catalog file or an admin override says.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from enum import StrEnum

from trt_local.core.categories import CATEGORIES, Category, category_by_id
from trt_local.core.inputs import InputSpec, wizard_order
from trt_local.core.jobs import OutputKind
from trt_local.core.pricing_rule import Confidence, PricingRule
from trt_local.core.scalars import Scalar, same_value

SUPPORTED_ENDPOINTS = frozenset(
    {"jobs", "suno", "veo3", "veo3-1080p", "veo3-4k", "runway", "flux-kontext", "gpt4o-image"}
)
LISTED = "listed"
# The languages a model card line must be written in (the bot's languages).
CARD_LANGUAGES = ("ru", "en")
CARD_MAX_LENGTH = 90


class DisabledReason(StrEnum):
    """Why a model is off by default (shown on the admin's model list)."""

    UNSUPPORTED = "unsupported"  # its API family is not implemented yet
    NOT_LISTED = "not_listed"  # missing from the later docs index: probe before enabling
    LOW_CONFIDENCE = "low_confidence"  # price unverified: one paid run must confirm it
    SWITCHED_OFF = "switched_off"  # the catalog file turns it off; its notes say why


def _matches(value: object, expected: Scalar) -> bool:
    """``value`` is ``expected``; a stored draft may hold text for a bool or a number."""
    if same_value(value, expected):
        return True
    if not isinstance(value, str) or isinstance(expected, str):
        return False
    text = ("true" if expected else "false") if isinstance(expected, bool) else str(expected)
    return value.strip().casefold() == text


def model_key(model_id: str) -> str:
    """A short stable key for callback data: 8 base32 chars of a hash of the id."""
    digest = hashlib.blake2b(model_id.encode("utf-8"), digest_size=5).digest()
    return base64.b32encode(digest).decode("ascii").lower()


@dataclass(frozen=True, slots=True)
class ModelSpec:
    id: str
    title: str
    category: Category
    endpoint: str
    inputs: tuple[InputSpec, ...]
    output: OutputKind
    pricing: PricingRule
    free: bool
    doc_status: str
    notes: str
    enabled: bool
    supported: bool
    key: str
    default_enabled: bool
    seed_price_rub: Decimal | None = None
    # With ``free``: the free quota covers only runs with these input values (the cheap variant).
    free_when: Mapping[str, Scalar] = field(default_factory=dict)
    # One short line per language on what the model is good at (the model card shows it).
    card: Mapping[str, str] = field(default_factory=dict)
    # When its price and availability were last checked against the source named in ``notes``.
    checked: dt.date | None = None
    # The file says ``"enabled": false`` (e.g. Kie paused the model); ``notes`` say why.
    switched_off: bool = False

    def card_line(self, lang: str) -> str:
        """The card line in ``lang`` (anything not Russian gets English), or "" if none."""
        return self.card.get("ru" if lang.lower().startswith("ru") else "en", "")

    # Offered only as a paid follow-up of a finished job (Veo's 1080p/4K upgrade), never in menus.
    follow_up: bool = False

    def input(self, name: str) -> InputSpec | None:
        return next((spec for spec in self.inputs if spec.name == name), None)

    def requires(self, spec: InputSpec, values: Mapping[str, object]) -> bool:
        """Whether ``spec`` must have a value, given the other inputs' ``values`` (or defaults)."""
        if spec.required:
            return True
        if not spec.required_when:
            return False
        for name, expected in spec.required_when:
            other = self.input(name)
            value = values.get(name, other.default if other is not None else None)
            if not _matches(value, expected):
                return False
        return True

    def wizard_inputs(self) -> tuple[InputSpec, ...]:
        """The inputs in the order the wizard asks for them."""
        return wizard_order(self.inputs)

    def disabled_reasons(self) -> tuple[DisabledReason, ...]:
        """Why the default rule keeps this model off (empty when it is on by default)."""
        reasons: list[DisabledReason] = []
        if not self.supported:
            reasons.append(DisabledReason.UNSUPPORTED)
        if self.doc_status != LISTED:
            reasons.append(DisabledReason.NOT_LISTED)
        if self.pricing.confidence is Confidence.LOW:
            reasons.append(DisabledReason.LOW_CONFIDENCE)
        if self.switched_off:
            reasons.append(DisabledReason.SWITCHED_OFF)
        return tuple(reasons)


@dataclass(frozen=True, slots=True)
class Catalog:
    """All models that passed validation, plus a description of every entry that did not."""

    models: tuple[ModelSpec, ...]
    problems: tuple[str, ...] = ()
    _by_id: Mapping[str, ModelSpec] = field(init=False, repr=False, compare=False)
    _by_key: Mapping[str, ModelSpec] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_id", {model.id: model for model in self.models})
        object.__setattr__(self, "_by_key", {model.key: model for model in self.models})

    def get(self, model_id: str) -> ModelSpec | None:
        return self._by_id.get(model_id)

    def by_key(self, key: str) -> ModelSpec | None:
        """The model for a callback-data key, or None for a stale or forged key."""
        return self._by_key.get(key)

    def enabled_models(self) -> tuple[ModelSpec, ...]:
        return tuple(model for model in self.models if model.enabled)

    def categories(self) -> tuple[Category, ...]:
        """Categories with at least one enabled model, in menu order."""
        used = {model.category.id for model in self.models if model.enabled and not model.follow_up}
        return tuple(category for category in CATEGORIES if category.id in used)

    def models_in(
        self, category: Category | str, *, include_disabled: bool = False
    ) -> tuple[ModelSpec, ...]:
        """Models of a category (by object or id), in catalog order; enabled ones by default.

        The default (a menu) leaves out follow-ups; with ``include_disabled`` (the admin's list)
        every model is there."""
        wanted = category if isinstance(category, Category) else category_by_id(category)
        if wanted is None:
            return ()
        return tuple(
            model
            for model in self.models
            if model.category == wanted
            and (include_disabled or (model.enabled and not model.follow_up))
        )

    def with_overrides(self, overrides: Mapping[str, bool]) -> Catalog:
        """A copy where each listed model is switched on/off; others get their default.

        Overrides are the admin's complete choice (settings), applied on top of the catalog
        defaults. An unsupported model stays disabled; unknown ids are ignored.
        """
        models = tuple(
            replace(
                model,
                enabled=model.supported and bool(overrides.get(model.id, model.default_enabled)),
            )
            for model in self.models
        )
        return Catalog(models, self.problems)
