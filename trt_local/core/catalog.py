"""Loading the model catalog (``trt_local/data/models.json``) into validated records.

:func:`load_catalog` is a pure function of the decoded JSON: every entry is checked on its own, and
a broken one is left out and described in ``Catalog.problems`` instead of failing the whole load.
:func:`default_catalog` reads the packaged file once.

Besides the fields kie/API.md describes, an entry may carry ``card`` (``{"ru": …, "en": …}``: one
plain line of at most 90 characters on what the model is good at, shown on the model card),
``checked`` (``YYYY-MM-DD``: when its price and availability were last checked against the source
named in ``notes``) and ``enabled: false`` (switched off whatever the default rule says; ``notes``
say why).
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Mapping
from importlib import resources

from trt_local.core.catalog_fields import (
    EntryError,
    as_object,
    opt_bool,
    opt_credits,
    opt_date,
    opt_str,
    req_str,
)
from trt_local.core.categories import Category, category_by_id
from trt_local.core.errors import InputError
from trt_local.core.inputs import InputSpec, check_value, parse_input_spec
from trt_local.core.jobs import OutputKind
from trt_local.core.model_spec import (
    CARD_LANGUAGES,
    CARD_MAX_LENGTH,
    LISTED,
    SUPPORTED_ENDPOINTS,
    Catalog,
    DisabledReason,
    ModelSpec,
    model_key,
)
from trt_local.core.pricing_rule import Confidence, PricingRule, parse_pricing_rule
from trt_local.core.scalars import Scalar

__all__ = [
    "Catalog",
    "Category",
    "DisabledReason",
    "InputSpec",
    "ModelSpec",
    "PricingRule",
    "default_catalog",
    "load_catalog",
    "parse_model",
]

_KEY = re.compile(r"[a-z0-9]{1,8}")
_MAX_ID_LENGTH = 128


def load_catalog(data: object) -> Catalog:
    """Validate decoded catalog JSON (a list of model objects) into a :class:`Catalog`."""
    if not isinstance(data, list):
        return Catalog((), (f"catalog: expected a list of models, got {type(data).__name__}",))
    models: list[ModelSpec] = []
    problems: list[str] = []
    ids: set[str] = set()
    keys: dict[str, str] = {}
    for index, raw in enumerate(data):
        label = _label(raw, index)
        try:
            model = parse_model(raw)
        except EntryError as exc:
            problems.append(f"{label}: {exc}; left out")
            continue
        if model.id in ids:
            problems.append(f"{label}: duplicate id; left out")
            continue
        if model.key in keys:
            problems.append(
                f"{label}: key {model.key!r} already used by {keys[model.key]}; left out"
            )
            continue
        ids.add(model.id)
        keys[model.key] = model.id
        models.append(model)
    return Catalog(tuple(models), tuple(problems))


@functools.cache
def default_catalog() -> Catalog:
    """The catalog packaged with the bot (read and validated once per process)."""
    path = resources.files("trt_local") / "data" / "models.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return Catalog((), (f"catalog: cannot read the packaged models.json ({exc})",))
    return load_catalog(data)


def parse_model(raw: object) -> ModelSpec:
    """Build one :class:`ModelSpec` from a decoded JSON object, or raise ``EntryError``."""
    obj = as_object(raw, "model entry")
    model_id = req_str(obj, "id")
    if len(model_id) > _MAX_ID_LENGTH or any(ch.isspace() for ch in model_id):
        raise EntryError("'id' must be at most 128 characters without spaces")
    category = category_by_id(req_str(obj, "category"))
    if category is None:
        raise EntryError(f"category {obj.get('category')!r} is unknown")
    try:
        output = OutputKind(req_str(obj, "output"))
    except ValueError:
        raise EntryError(f"output {obj.get('output')!r} is unknown") from None
    inputs = _parse_inputs(obj.get("inputs"))
    pricing = parse_pricing_rule(obj.get("pricing"), {spec.name: spec for spec in inputs})
    endpoint = req_str(obj, "endpoint")
    doc_status = req_str(obj, "doc_status")
    supported = endpoint in SUPPORTED_ENDPOINTS
    explicit = opt_bool(obj, "enabled", None)
    default_enabled = (
        explicit
        if explicit is not None
        else doc_status == LISTED and pricing.confidence is not Confidence.LOW
    )
    return ModelSpec(
        id=model_id,
        title=req_str(obj, "title"),
        category=category,
        endpoint=endpoint,
        inputs=inputs,
        output=output,
        pricing=pricing,
        free=bool(opt_bool(obj, "free", False)),
        doc_status=doc_status,
        notes=opt_str(obj, "notes"),
        enabled=supported and default_enabled,
        supported=supported,
        key=_key(obj, model_id),
        default_enabled=default_enabled,
        seed_price_rub=opt_credits(obj, "seed_price_rub"),
        free_when=_free_when(obj.get("free_when"), inputs),
        card=_card(obj.get("card")),
        checked=opt_date(obj, "checked"),
        switched_off=explicit is False,
        follow_up=bool(opt_bool(obj, "follow_up", False)),
    )


def _card(raw: object) -> dict[str, str]:
    """``card``: one plain line per bot language on what the model is good at."""
    if raw is None:
        return {}
    obj = as_object(raw, "'card'")
    if set(obj) != set(CARD_LANGUAGES):
        raise EntryError(f"'card' needs exactly the languages {', '.join(CARD_LANGUAGES)}")
    card: dict[str, str] = {}
    for lang in CARD_LANGUAGES:
        line = obj[lang]
        if not isinstance(line, str) or not line.strip():
            raise EntryError(f"card[{lang!r}] must be a non-empty string")
        if len(line) > CARD_MAX_LENGTH or not line.isprintable() or "<" in line or ">" in line:
            raise EntryError(
                f"card[{lang!r}] must be one plain line of at most {CARD_MAX_LENGTH} characters"
            )
        card[lang] = line.strip()
    return card


def _free_when(raw: object, inputs: tuple[InputSpec, ...]) -> dict[str, Scalar]:
    """``free_when``: input → value pairs naming the variant the free quota covers."""
    if raw is None:
        return {}
    obj = as_object(raw, "'free_when'")
    specs = {spec.name: spec for spec in inputs}
    when: dict[str, Scalar] = {}
    for name, value in obj.items():
        spec = specs.get(name)
        if spec is None or not spec.enum or value not in spec.enum:
            raise EntryError(f"'free_when' needs an enum input and one of its values, not {name!r}")
        when[name] = value
    return when


def _parse_inputs(raw: object) -> tuple[InputSpec, ...]:
    if not isinstance(raw, list) or not raw:
        raise EntryError("'inputs' must be a non-empty list")
    specs: list[InputSpec] = []
    for index, item in enumerate(raw):
        try:
            spec = parse_input_spec(item)
        except EntryError as exc:
            raise EntryError(f"inputs[{index}]: {exc}") from None
        if any(seen.name == spec.name for seen in specs):
            raise EntryError(f"input '{spec.name}' is defined twice")
        specs.append(spec)
    by_name = {spec.name: spec for spec in specs}
    for spec in specs:
        for name, value in spec.required_when:
            other = by_name.get(name)
            if other is None or other is spec:
                raise EntryError(
                    f"input '{spec.name}': 'required_when' names no other input {name!r}"
                )
            try:
                check_value(other, value)
            except InputError:
                raise EntryError(
                    f"input '{spec.name}': 'required_when' value {value!r} does not fit {name!r}"
                ) from None
    return tuple(specs)


def _key(obj: Mapping[str, object], model_id: str) -> str:
    explicit = obj.get("key")
    if explicit is None:
        return model_key(model_id)
    if not isinstance(explicit, str) or not _KEY.fullmatch(explicit):
        raise EntryError("'key' must be 1-8 lowercase letters or digits")
    return explicit


def _label(raw: object, index: int) -> str:
    """How a problem names an entry: its id when it has a usable one, else its position."""
    if isinstance(raw, dict):
        model_id = raw.get("id")
        if isinstance(model_id, str) and model_id.strip():
            return f"model {model_id[:_MAX_ID_LENGTH]!r} (entry {index})"
    return f"entry {index}"
