"""What history shows of a job's request: the prompt, the options in wizard order, media as counts."""

from __future__ import annotations

from trt_local.core.catalog import default_catalog
from trt_local.services.job_summary import JobSummary, Media, MediaKind, summarize

PHOTO = "https://kie.example/uploads/a.png"


def test_options_follow_the_wizard_and_media_are_counted_by_kind() -> None:
    model = default_catalog().get("infinitalk/from-audio")
    assert model is not None
    params = {
        "resolution": "480p",
        "audio_url": "https://kie.example/uploads/voice.mp3",
        "prompt": "a calm narrator",
        "image_url": PHOTO,
    }
    summary = summarize(params, model)
    assert summary == JobSummary(
        "a calm narrator",
        (("resolution", "480p"),),
        (Media(MediaKind.IMAGE, 1), Media(MediaKind.AUDIO, 1)),
    )


def test_a_model_gone_from_the_catalog_still_shows_the_prompt_and_never_a_url() -> None:
    params = {"prompt": "a red fox in snow", "image_urls": [PHOTO, PHOTO], "steps": 20, "hd": True}
    summary = summarize(params, None)
    assert summary.prompt == "a red fox in snow"
    assert summary.options == (("steps", 20), ("hd", True))
    assert summary.media == (Media(MediaKind.FILE, 2),)
