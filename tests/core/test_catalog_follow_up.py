"""Follow-up models (a Veo 1080p/4K upgrade): runnable, but never listed in a menu."""

from __future__ import annotations

from tests.core.support import entry, model
from trt_local.core import Catalog, load_catalog


def test_a_follow_up_is_enabled_but_left_out_of_the_menus() -> None:
    catalog = load_catalog(
        [
            entry(),
            entry(id="acme/upscale", category="text-to-video", output="video", follow_up=True),
        ]
    )
    upscale = model(catalog, "acme/upscale")
    assert upscale.follow_up and upscale.enabled
    assert not model(catalog, "acme/painter").follow_up
    # The menus: a category that has only a follow-up is not shown, nor is the follow-up.
    assert [c.id for c in catalog.categories()] == ["text-to-image"]
    assert catalog.models_in("text-to-video") == ()
    # The admin's list still shows it, so it can be switched off.
    assert catalog.models_in("text-to-video", include_disabled=True) == (upscale,)


def test_the_packaged_veo_upgrades_are_follow_ups(catalog: Catalog) -> None:
    for model_id in ("veo3.1-1080p", "veo3.1-4k"):
        upgrade = model(catalog, model_id)
        assert upgrade.follow_up and upgrade.enabled and upgrade.endpoint.startswith("veo3-")
        assert upgrade not in catalog.models_in(upgrade.category)
