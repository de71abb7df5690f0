"""The wizard's pure state: which question comes next, back, and the draft's round trip."""

from __future__ import annotations

from trt_local.core.catalog import default_catalog
from trt_local.core.wizard import Draft, main_path, next_input, previous_input


def names(specs: object) -> list[str]:
    return [spec.name for spec in specs]  # type: ignore[attr-defined]


def test_main_path_asks_media_first_and_leaves_fine_tuning_to_edit() -> None:
    catalog = default_catalog()
    assert names(main_path(catalog.get("google/nano-banana-edit"))) == [
        "image_urls",
        "prompt",
        "image_size",
    ]
    # qwen has ten inputs; seed, steps, guidance, negative prompt… stay on the Edit list.
    assert names(main_path(catalog.get("qwen/text-to-image"))) == [
        "prompt",
        "image_size",
        "acceleration",
    ]
    # Inputs that change the price are always asked.
    assert "sound" in names(main_path(catalog.get("kling-2.6/text-to-video")))


def test_next_and_previous_walk_the_path() -> None:
    model = default_catalog().get("seedream/4.5-text-to-image")
    draft = Draft(model.id)
    assert next_input(model, draft).name == "prompt"
    assert previous_input(model, draft) is None
    draft = draft.with_value("prompt", "a fox").skip("aspect_ratio")
    assert next_input(model, draft).name == "quality"
    assert previous_input(model, draft).name == "aspect_ratio"
    draft = draft.with_value("quality", "high")
    assert next_input(model, draft) is None  # the confirm screen
    assert previous_input(model, draft).name == "quality"
    back = draft.edit("prompt")
    assert next_input(model, back).name == "prompt" and previous_input(model, back) is None


def test_draft_survives_json_with_tuples_and_skips() -> None:
    draft = Draft("google/nano-banana-edit").with_value("image_urls", ("https://a", "https://b"))
    draft = draft.skip("image_size").edit("prompt")
    assert Draft.from_json(draft.to_json()) == draft
    assert draft.renewed().nonce != draft.nonce and draft.renewed().values == draft.values
