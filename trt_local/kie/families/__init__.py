"""Kie's API families behind one interface: create → task id, status → :class:`TaskRecord`.

Most models run on the Market API (``jobs``); some families have their own endpoints and status
encodings (API.md §5, §12). Each :class:`Family` turns a create into one HTTP request and a status
answer into the one :class:`TaskRecord` shape (running / success with urls and items / fail with
code and reason), so the engine, pricing, refunds, delivery and history never branch on a family.
The catalog names a model's family in its ``endpoint`` field; :func:`family` looks it up.
"""

from __future__ import annotations

from trt_local.kie.families.base import Family, HttpCall
from trt_local.kie.families.flux_kontext import FLUX_KONTEXT
from trt_local.kie.families.gpt4o_image import GPT4O_IMAGE
from trt_local.kie.families.market import MARKET
from trt_local.kie.families.runway import RUNWAY
from trt_local.kie.families.suno import SUNO
from trt_local.kie.families.veo import VEO
from trt_local.kie.families.veo_upgrade import VEO_4K, VEO_1080P

_FAMILIES: dict[str, Family] = {
    adapter.name: adapter
    for adapter in (MARKET, SUNO, VEO, VEO_1080P, VEO_4K, RUNWAY, FLUX_KONTEXT, GPT4O_IMAGE)
}


def family(name: str) -> Family:
    """The family called ``name`` in the catalog's ``endpoint`` field; KeyError if unknown."""
    return _FAMILIES[name]


def family_names() -> frozenset[str]:
    return frozenset(_FAMILIES)


__all__ = ["Family", "HttpCall", "family", "family_names"]
