"""Kie's catalog, price and status-probe calls: what Kie says it serves, for the drift check.

API.md §12 [3P, unverified]: ``GET /api/v1/models`` (filters ``taskType``, ``provider``, ``q``;
each model carries ``pricingDesc``), ``GET /api/v1/models/{model}/price``, ``/success-rate`` and
``/schema``, together limited to 1 request/s. Kie's agent skill "kie-models"
(https://supercode.sh/en/skills/kie.ai/kie-models) confirms the ``{code, msg, data}`` envelope and
that model names keep their slash in the path (``/api/v1/models/wan/v2-2-t2v/schema``). No page
we could read shows the item fields, so answers are read defensively: a list of models in
``data`` or under a usual key of it, a model name under a usual key, and the credits either as
numbers or from a ``pricingDesc`` text ("18 credits … 24 credits"). Anything else is
:class:`CatalogShapeError`, and the caller falls back to probing.

The probe costs nothing: the status call of a family (:func:`trt_local.kie.families.family`)
for a task id that cannot exist. 404 or 422 means the endpoint lives, 505 that Kie switched the
feature off. Never ``createTask``: that spends credits.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from trt_local.kie.client import KieClient
from trt_local.kie.errors import (
    FeatureDisabledError,
    InvalidParametersError,
    KieError,
    KieProtocolError,
    NotFoundError,
)
from trt_local.kie.families import HttpCall, family, family_names
from trt_local.kie.limits import Limiter

MODELS_PATH = "/api/v1/models"
PROBE_TASK_ID = "trt-drift-probe-0000000000"  # no Kie task id looks like this

_LIST_KEYS = ("models", "list", "records", "items", "rows", "data")
_TOTAL_KEYS = ("total", "totalCount", "total_count")
_NAME_KEYS = ("model", "modelName", "model_name", "name", "id", "modelId")
_PRICE_KEYS = ("credits", "creditPrice", "credit_price", "price", "unitPrice", "credit", "cost")
_DESC_KEYS = ("pricingDesc", "pricing_desc", "priceDesc", "pricing")
_CREDITS_IN_TEXT = re.compile(r"(\d+(?:\.\d+)?)\s*credits?\b", re.IGNORECASE)


class CatalogShapeError(KieProtocolError):
    """Kie's catalog (or price) endpoint answered, but not in a shape we can read."""


@dataclass(frozen=True, slots=True)
class KieListing:
    """One model as Kie's catalog lists it; ``credits`` empty when no price could be read."""

    model: str
    credits: frozenset[Decimal]


@dataclass(frozen=True, slots=True)
class KieModels:
    """The catalog answer: listings by model name; ``complete`` False when Kie says it holds more
    than it sent (a paged answer), so a model not in ``listings`` may still be there."""

    listings: dict[str, KieListing]
    complete: bool = True


class ProbeResult(StrEnum):
    ALIVE = "alive"  # 404/422 for the unknown task: the endpoint is there
    DISABLED = "disabled"  # 505: Kie switched the feature off


@dataclass(frozen=True, slots=True)
class Probe:
    result: ProbeResult | None  # None: the endpoint answered something else (see ``detail``)
    detail: str = ""


class CatalogAPI:
    """The catalog/price/probe calls of one Kie account, 1 request/s together."""

    def __init__(self, client: KieClient, *, limiter: Limiter) -> None:
        self._client = client
        self._limiter = limiter

    async def _send(self, call: HttpCall) -> Any:
        await self._limiter.acquire()
        return await self._client.send_once(call)

    async def models(self) -> KieModels:
        """The models Kie lists, by name; raises ``KieError`` (404: no such endpoint)."""
        return parse_models(await self._send(HttpCall("GET", MODELS_PATH)))

    async def price(self, model: str) -> frozenset[Decimal]:
        """The credits Kie's price endpoint gives ``model`` (empty when it names none)."""
        data = await self._send(HttpCall("GET", f"{MODELS_PATH}/{model}/price"))
        if isinstance(data, Mapping):
            return _credits_of(data)
        number = _number(data)
        if number is None:
            raise CatalogShapeError("the price endpoint did not answer in a known shape")
        return frozenset({number})

    async def probe(self, family_name: str) -> Probe:
        """Ask ``family_name``'s status endpoint about a task that cannot exist."""
        call = family(family_name).status_call(PROBE_TASK_ID)
        try:
            await self._send(call)
        except (NotFoundError, InvalidParametersError):
            return Probe(ProbeResult.ALIVE)
        except FeatureDisabledError:
            return Probe(ProbeResult.DISABLED)
        except KieError as exc:
            return Probe(None, str(exc))
        return Probe(ProbeResult.ALIVE)  # it answered 200: the endpoint certainly lives


def status_path(family_name: str) -> str:
    """The path :meth:`CatalogAPI.probe` asks for ``family_name``."""
    return family(family_name).status_call(PROBE_TASK_ID).path


def registered_families() -> frozenset[str]:
    """The families the probe can ask (adapters register themselves in kie.families)."""
    return family_names()


def parse_models(data: object) -> KieModels:
    """The catalog answer's ``data`` as listings by model name, or ``CatalogShapeError``."""
    items = _items(data)
    listings: dict[str, KieListing] = {}
    for item in items:
        if not isinstance(item, Mapping):
            continue
        name = next(
            (v for k in _NAME_KEYS if isinstance(v := item.get(k), str) and v.strip()), None
        )
        if name is None:
            continue
        listings[name.strip()] = KieListing(name.strip(), _credits_of(item))
    if items and not listings:
        raise CatalogShapeError("no model in the catalog answer carries a name")
    return KieModels(listings, complete=_total(data) <= len(items))


def _total(data: object) -> int:
    """How many models a paged answer says exist (0 when it does not say)."""
    if not isinstance(data, Mapping):
        return 0
    for key in _TOTAL_KEYS:
        value = data.get(key)
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    return 0


def _items(data: object) -> list[Any]:
    if isinstance(data, list):
        return data
    if isinstance(data, Mapping):
        for key in _LIST_KEYS:
            inner = data.get(key)
            if isinstance(inner, list):
                return inner
    raise CatalogShapeError("the catalog endpoint did not answer with a list of models")


def _credits_of(item: Mapping[str, Any]) -> frozenset[Decimal]:
    found: set[Decimal] = set()
    for key in _PRICE_KEYS:
        value = item.get(key)
        values = value if isinstance(value, list) else [value]
        found.update(n for n in map(_number, values) if n is not None)
    if found:
        return frozenset(found)
    for key in _DESC_KEYS:
        text = item.get(key)
        if isinstance(text, str):
            found.update(Decimal(match) for match in _CREDITS_IN_TEXT.findall(text))
    return frozenset(found)


def _number(value: object) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    return number if number.is_finite() and number >= 0 else None
