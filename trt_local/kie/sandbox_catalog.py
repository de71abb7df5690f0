"""The sandbox's answers to Kie's catalog and price endpoints (API.md §12).

By default it lists the packaged catalog at its own prices, so the demo's drift check finds no
drift. Tests steer it: :meth:`SandboxCatalog.drop` (Kie no longer lists a model),
:meth:`SandboxCatalog.reprice` (Kie charges other credits), :meth:`SandboxCatalog.missing` (the
endpoint answers 404, as before Kie had it) and :meth:`SandboxCatalog.garble` (an answer in an
unknown shape). Items carry ``model``, ``taskType`` and a ``pricingDesc`` text, the fields the
third-party notes name.
"""

from __future__ import annotations

from decimal import Decimal

import httpx

from trt_local.core.catalog import default_catalog
from trt_local.core.model_spec import Catalog, ModelSpec
from trt_local.kie.sandbox_http import SandboxReject, envelope

MODELS_PATH = "/api/v1/models"
PRICE_SUFFIX = "/price"


def is_catalog_path(path: str) -> bool:
    return path.rstrip("/").endswith(MODELS_PATH)


def price_model(path: str) -> str | None:
    """``wan/v2-2-t2v`` for ``/api/v1/models/wan/v2-2-t2v/price``; None for other paths."""
    _, marker, tail = path.partition(MODELS_PATH + "/")
    if not marker or not tail.endswith(PRICE_SUFFIX):
        return None
    model = tail.removesuffix(PRICE_SUFFIX)
    return model or None


def credits_of(model: ModelSpec) -> list[Decimal]:
    """Every per-unit price the catalog entry charges, cheapest first."""
    rule = model.pricing
    return sorted({rule.base_credits, *(case.credits for case in rule.by)})


def pricing_desc(credits: list[Decimal], unit: str) -> str:
    return " or ".join(f"{c:f} credits" for c in credits) + f" per {unit}"


class SandboxCatalog:
    """What the simulated Kie lists; built lazily from the packaged catalog."""

    def __init__(self, catalog: Catalog | None = None) -> None:
        self._catalog = catalog
        self._gone: set[str] = set()
        self._prices: dict[str, list[Decimal]] = {}
        self._missing = False
        self._garbled = False

    # -- switches -------------------------------------------------------------------------------

    def drop(self, model_id: str) -> None:
        """Kie stops listing ``model_id``."""
        self._gone.add(model_id)

    def reprice(self, model_id: str, *credits: Decimal | int | str) -> None:
        """Kie lists ``model_id`` at ``credits`` (per unit) from now on."""
        self._prices[model_id] = sorted(Decimal(str(c)) for c in credits)

    def missing(self, value: bool = True) -> None:
        """The catalog and price endpoints answer 404, as on a Kie without them."""
        self._missing = value

    def garble(self, value: bool = True) -> None:
        """The catalog endpoint answers 200 with data in a shape no reader knows."""
        self._garbled = value

    # -- answers --------------------------------------------------------------------------------

    def _models(self) -> Catalog:
        if self._catalog is None:
            self._catalog = default_catalog()
        return self._catalog

    def _item(self, model: ModelSpec) -> dict[str, object]:
        credits = self._prices.get(model.id) or credits_of(model)
        return {
            "model": model.id,
            "taskType": model.category.id,
            "pricingDesc": pricing_desc(credits, model.pricing.unit.value),
        }

    def listing(self, request: httpx.Request, content: bytes) -> httpx.Response:
        if self._missing:
            raise SandboxReject(404, "Not found", http_status=404)
        if self._garbled:
            return envelope({"catalogue": "see kie.ai/market", "count": 3})
        items = [self._item(m) for m in self._models().models if m.id not in self._gone]
        return envelope({"models": items, "total": len(items)})

    def price(self, request: httpx.Request, content: bytes) -> httpx.Response:
        model_id = price_model(request.url.path) or ""
        model = self._models().get(model_id)
        if self._missing:
            raise SandboxReject(404, "Not found", http_status=404)
        if model is None or model_id in self._gone:
            raise SandboxReject(404, f"Model {model_id} not found")
        return envelope(self._item(model))
