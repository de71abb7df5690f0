"""Model input specifications, checks of typed values against them, and the wizard order.

An :class:`InputSpec` is one field of a model's createTask ``input`` object, as described in the
catalog. :func:`check_value` is the single place that decides whether a typed value fits a spec; the
catalog loader uses it for defaults and pricing conditions, the validator for user values.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from enum import StrEnum
from urllib.parse import urlsplit

from trt_local.core.catalog_fields import (
    EntryError,
    as_object,
    opt_bool,
    opt_number,
    opt_positive_int,
    opt_str,
    reject_unknown,
    req_str,
)
from trt_local.core.errors import InputError, InputErrorCode
from trt_local.core.scalars import Scalar, Value, is_scalar, same_value


class InputType(StrEnum):
    STRING = "string"
    ENUM = "enum"
    BOOL = "bool"
    INT = "int"
    FLOAT = "float"
    IMAGE_URL = "image_url"
    IMAGE_URLS = "image_urls"
    AUDIO_URL = "audio_url"
    VIDEO_URL = "video_url"


MEDIA_TYPES = frozenset(
    {InputType.IMAGE_URL, InputType.IMAGE_URLS, InputType.AUDIO_URL, InputType.VIDEO_URL}
)
TEXT_INPUT_NAMES = ("prompt", "text")
MAX_URL_LENGTH = 2048

# Telegram file URLs look like https://api.telegram.org/file/bot<TOKEN>/<path>; a token is
# "<digits>:<35 url-safe chars>". Such a URL must never reach Kie (API.md §11).
_BOT_TOKEN = re.compile(r"bot\d{3,}:[A-Za-z0-9_-]{20,}")


@dataclass(frozen=True, slots=True)
class InputSpec:
    """One input of a model, exactly as the Kie docs define it."""

    name: str
    type: InputType
    required: bool = False
    enum: tuple[Scalar, ...] | None = None
    default: Scalar | None = None
    min: float | None = None
    max: float | None = None
    max_length: int | None = None
    max_items: int | None = None
    note: str = ""
    # Required only while other inputs hold these values (Suno: style and title in custom mode).
    required_when: tuple[tuple[str, Scalar], ...] = ()

    @property
    def is_media(self) -> bool:
        return self.type in MEDIA_TYPES

    @property
    def is_text(self) -> bool:
        """The free-text prompt of the model (``prompt`` or ``text``)."""
        return self.type is InputType.STRING and self.name in TEXT_INPUT_NAMES

    @property
    def is_list(self) -> bool:
        return self.type is InputType.IMAGE_URLS


def wizard_order(inputs: Iterable[InputSpec]) -> tuple[InputSpec, ...]:
    """Media first, then the prompt/text, then required params, then optional ones (stable)."""
    specs = tuple(inputs)

    def rank(spec: InputSpec) -> int:
        if spec.is_media:
            return 0
        if spec.is_text:
            return 1
        return 2 if spec.required else 3

    return tuple(sorted(specs, key=rank))


def validate_media_url(url: str, *, field: str | None = None) -> str:
    """An http(s) URL usable as a media input; Telegram file URLs are refused."""
    candidate = url.strip()
    if not candidate:
        raise InputError(InputErrorCode.EMPTY, field=field)
    if _BOT_TOKEN.search(candidate) or "api.telegram.org/file" in candidate.lower():
        raise InputError(InputErrorCode.FORBIDDEN_URL, field=field)
    if len(candidate) > MAX_URL_LENGTH or any(ch.isspace() for ch in candidate):
        raise InputError(InputErrorCode.BAD_URL, field=field)
    try:
        parts = urlsplit(candidate)
    except ValueError:
        raise InputError(InputErrorCode.BAD_URL, field=field) from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InputError(InputErrorCode.BAD_URL, field=field)
    return candidate


def check_value(spec: InputSpec, value: object) -> Value:
    """Return ``value`` normalised for ``spec`` (enum members as the catalog types them).

    Raises :class:`InputError` when the value has the wrong type or breaks a limit.
    """
    kind = spec.type
    if kind is InputType.ENUM:
        for member in spec.enum or ():
            if same_value(member, value):
                return member
        if not is_scalar(value):
            raise InputError(InputErrorCode.WRONG_TYPE, field=spec.name)
        raise InputError(
            InputErrorCode.NOT_IN_ENUM, field=spec.name, params={"options": spec.enum or ()}
        )
    if kind is InputType.BOOL:
        if not isinstance(value, bool):
            raise InputError(InputErrorCode.NOT_BOOL, field=spec.name)
        return value
    if kind is InputType.INT:
        if not isinstance(value, int) or isinstance(value, bool):
            raise InputError(InputErrorCode.NOT_INT, field=spec.name)
        return _in_range(spec, value)
    if kind is InputType.FLOAT:
        if not isinstance(value, int | float) or isinstance(value, bool):
            raise InputError(InputErrorCode.NOT_NUMBER, field=spec.name)
        if not math.isfinite(value):
            raise InputError(InputErrorCode.NOT_NUMBER, field=spec.name)
        return _in_range(spec, value)
    if kind is InputType.STRING:
        if not isinstance(value, str):
            raise InputError(InputErrorCode.WRONG_TYPE, field=spec.name)
        if spec.max_length is not None and len(value) > spec.max_length:
            raise InputError(
                InputErrorCode.TOO_LONG,
                field=spec.name,
                params={"limit": spec.max_length, "length": len(value)},
            )
        return value
    if kind is InputType.IMAGE_URLS:
        return _check_url_list(spec, value)
    if not isinstance(value, str):
        raise InputError(InputErrorCode.WRONG_TYPE, field=spec.name)
    return validate_media_url(value, field=spec.name)


def _in_range(spec: InputSpec, value: int | float) -> int | float:
    too_small = spec.min is not None and value < spec.min
    too_big = spec.max is not None and value > spec.max
    if too_small or too_big:
        raise InputError(
            InputErrorCode.OUT_OF_RANGE,
            field=spec.name,
            params={"min": spec.min, "max": spec.max},
        )
    return value


def _check_url_list(spec: InputSpec, value: object) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, list | tuple):
        raise InputError(InputErrorCode.WRONG_TYPE, field=spec.name)
    if not value:
        raise InputError(InputErrorCode.EMPTY, field=spec.name)
    if spec.max_items is not None and len(value) > spec.max_items:
        raise InputError(
            InputErrorCode.TOO_MANY_ITEMS, field=spec.name, params={"limit": spec.max_items}
        )
    urls: list[str] = []
    for item in value:
        if not isinstance(item, str):
            raise InputError(InputErrorCode.WRONG_TYPE, field=spec.name)
        urls.append(validate_media_url(item, field=spec.name))
    return tuple(urls)


_INPUT_FIELDS = (
    "name",
    "type",
    "required",
    "enum",
    "default",
    "min",
    "max",
    "max_length",
    "max_items",
    "note",
    "required_when",
)
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def parse_input_spec(raw: object) -> InputSpec:
    """Build an :class:`InputSpec` from a decoded JSON object, or raise ``EntryError``."""
    obj = as_object(raw, "input")
    name = req_str(obj, "name")
    if not _NAME.fullmatch(name):
        raise EntryError(f"input name {name!r} is not an identifier")
    reject_unknown(obj, _INPUT_FIELDS, f"input '{name}'")
    try:
        kind = InputType(req_str(obj, "type"))
    except ValueError:
        raise EntryError(f"input '{name}' has an unknown type {obj.get('type')!r}") from None
    try:
        spec = InputSpec(
            name=name,
            type=kind,
            required=bool(opt_bool(obj, "required", False)),
            enum=_parse_enum(obj, kind),
            min=_only_for(obj, "min", kind, (InputType.INT, InputType.FLOAT)),
            max=_only_for(obj, "max", kind, (InputType.INT, InputType.FLOAT)),
            max_length=_limit_for(obj, "max_length", kind, InputType.STRING),
            max_items=_limit_for(obj, "max_items", kind, InputType.IMAGE_URLS),
            note=opt_str(obj, "note"),
            required_when=_required_when(obj.get("required_when")),
        )
    except EntryError as exc:
        raise EntryError(f"input '{name}': {exc}") from None
    if spec.min is not None and spec.max is not None and spec.min > spec.max:
        raise EntryError(f"input '{name}': min {spec.min} is greater than max {spec.max}")
    if kind is InputType.INT and any(
        bound is not None and not isinstance(bound, int) for bound in (spec.min, spec.max)
    ):
        raise EntryError(f"input '{name}': an int input needs integer bounds")
    return _with_default(spec, obj.get("default"))


def _required_when(raw: object) -> tuple[tuple[str, Scalar], ...]:
    """``required_when``: {other input: value}; the catalog loader checks the names and values."""
    if raw is None:
        return ()
    obj = as_object(raw, "'required_when'")
    if not obj:
        raise EntryError("'required_when' must name at least one input")
    pairs: list[tuple[str, Scalar]] = []
    for name, value in obj.items():
        if not isinstance(value, str | int | float | bool):
            raise EntryError(f"'required_when' value for {name!r} is not a scalar")
        pairs.append((name, value))
    return tuple(pairs)


def _parse_enum(obj: Mapping[str, object], kind: InputType) -> tuple[Scalar, ...] | None:
    raw = obj.get("enum")
    if kind is not InputType.ENUM:
        if raw is not None:
            raise EntryError("'enum' is only allowed on enum inputs")
        return None
    if not isinstance(raw, list) or not raw:
        raise EntryError("an enum input needs a non-empty 'enum' list")
    members: list[Scalar] = []
    for item in raw:
        if not is_scalar(item):
            raise EntryError(f"enum member {item!r} is not a string, number or bool")
        if any(same_value(item, seen) for seen in members):
            raise EntryError(f"enum member {item!r} is repeated")
        members.append(item)
    return tuple(members)


def _only_for(
    obj: Mapping[str, object], key: str, kind: InputType, kinds: tuple[InputType, ...]
) -> float | None:
    value = opt_number(obj, key)
    if value is not None and kind not in kinds:
        raise EntryError(f"'{key}' is not allowed on {kind.value} inputs")
    return value


def _limit_for(obj: Mapping[str, object], key: str, kind: InputType, only: InputType) -> int | None:
    value = opt_positive_int(obj, key)
    if value is not None and kind is not only:
        raise EntryError(f"'{key}' is only allowed on {only.value} inputs")
    return value


def _with_default(spec: InputSpec, raw: object) -> InputSpec:
    if raw is None:
        return spec
    try:
        value = check_value(spec, raw)
    except InputError as exc:
        raise EntryError(f"input '{spec.name}': default {raw!r} is invalid ({exc})") from None
    if spec.is_media or isinstance(value, tuple):
        raise EntryError(f"input '{spec.name}': media inputs cannot have a default")
    return replace(spec, default=value)
