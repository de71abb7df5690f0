"""Real result files for the Kie sandbox: drawn PNGs, tone WAVs, a shipped MP4, transcripts.

Outputs are genuine files so that everything downstream (Telegram upload by type, size checks,
previews) behaves as with Kie. PNGs are drawn with zlib + struct (colours derived from the
prompt), WAVs with :mod:`wave`. The MP4 clips under ``trt_local/data/sandbox/`` are 2-second
H.264 test patterns of about 20 KB, made once with::

    ffmpeg -f lavfi -i "testsrc2=size=320x180:rate=12:duration=2" -c:v libx264 -preset veryslow \
        -crf 30 -pix_fmt yuv420p -movflags +faststart -an -map_metadata -1 video-landscape.mp4

(and 180x320 ``video-portrait.mp4``, 240x240 ``video-square.mp4``).
"""

from __future__ import annotations

import array
import colorsys
import functools
import hashlib
import io
import math
import struct
import sys
import wave
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any, Literal

OutputKind = Literal["image", "video", "audio", "text"]

LONG_SIDE = 512
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_SAMPLE_RATE = 16_000

# Checked in order: "infinitalk/from-audio" makes video, "elevenlabs/speech-to-text" makes text.
_KIND_MARKERS: tuple[tuple[OutputKind, tuple[str, ...]], ...] = (
    ("text", ("speech-to-text", "transcri")),
    (
        "video",
        ("video", "sora", "veo", "runway", "kling", "hailuo", "wan/", "infinitalk", "seedance"),
    ),
    ("audio", ("elevenlabs", "suno", "audio", "music", "speech", "sound", "tts")),
)
_SUNO_MODELS = frozenset({"V3_5", "V4", "V4_5", "V4_5PLUS", "V4_5ALL", "V5"})

_NAMED_RATIOS = {
    "square": (1, 1),
    "square_hd": (1, 1),
    "portrait": (9, 16),
    "landscape": (16, 9),
    "portrait_4_3": (3, 4),
    "portrait_3_2": (2, 3),
    "portrait_16_9": (9, 16),
    "landscape_4_3": (4, 3),
    "landscape_3_2": (3, 2),
    "landscape_16_9": (16, 9),
    "landscape_21_9": (21, 9),
}
_RATIO_KEYS = ("aspect_ratio", "aspectRatio", "image_size")


@dataclass(frozen=True, slots=True)
class MediaFile:
    """One generated result file."""

    content: bytes
    content_type: str
    ext: str


def output_kind_for(model: str) -> OutputKind:
    """Guess what a model produces from its id (the catalog's ``output`` field says it exactly)."""
    if model in _SUNO_MODELS:
        return "audio"
    lowered = model.lower()
    for kind, markers in _KIND_MARKERS:
        if any(marker in lowered for marker in markers):
            return kind
    return "image"


def aspect_ratio(params: Mapping[str, Any]) -> tuple[int, int]:
    """Width:height from ``aspect_ratio``/``aspectRatio``/``image_size``; 1:1 when unknown."""
    for key in _RATIO_KEYS:
        raw = params.get(key)
        if not isinstance(raw, str):
            continue
        if raw in _NAMED_RATIOS:
            return _NAMED_RATIOS[raw]
        left, sep, right = raw.partition(":")
        if sep and left.isdigit() and right.isdigit() and int(left) > 0 and int(right) > 0:
            return int(left), int(right)
    return 1, 1


def image_dimensions(params: Mapping[str, Any], long_side: int = LONG_SIDE) -> tuple[int, int]:
    """Pixel size with ``long_side`` on the longer edge and the requested ratio."""
    ratio_w, ratio_h = aspect_ratio(params)
    if ratio_w >= ratio_h:
        return long_side, max(1, round(long_side * ratio_h / ratio_w))
    return max(1, round(long_side * ratio_w / ratio_h)), long_side


def _png_chunk(kind: bytes, payload: bytes) -> bytes:
    crc = zlib.crc32(kind + payload) & 0xFFFFFFFF
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", crc)


def _palette(digest: bytes) -> list[tuple[float, float, float]]:
    hue = digest[0] / 255.0
    return [
        colorsys.hsv_to_rgb((hue + offset) % 1.0, 0.55 + digest[i + 1] / 600.0, 0.95)
        for i, offset in enumerate((0.0, 0.12, 0.5, 0.62))
    ]


def render_png(width: int, height: int, digest: bytes) -> bytes:
    """A bilinear four-colour gradient with a light grid, coloured by ``digest``."""
    top_left, top_right, bottom_left, bottom_right = _palette(digest)
    bands = max(1, min(height, 64))  # few distinct rows keep pure-Python drawing fast
    rows: list[bytes] = []
    for band in range(bands):
        t = band / (bands - 1) if bands > 1 else 0.0
        left = [a + (b - a) * t for a, b in zip(top_left, bottom_left, strict=True)]
        right = [a + (b - a) * t for a, b in zip(top_right, bottom_right, strict=True)]
        row = bytearray()
        for x in range(width):
            u = x / (width - 1) if width > 1 else 0.0
            shade = 0.8 if x % 64 == 0 else 1.0
            row.extend(
                int(255 * shade * (a + (b - a) * u)) for a, b in zip(left, right, strict=True)
            )
        rows.append(bytes(row))
    raw = bytearray()
    for y in range(height):
        raw.append(0)  # filter type "None" for every scanline
        scanline = rows[y * bands // height]
        raw += bytes(int(v * 0.8) for v in scanline) if y % 64 == 0 else scanline
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        _PNG_SIGNATURE
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", zlib.compress(bytes(raw), 6))
        + _png_chunk(b"IEND", b"")
    )


def render_wav(seconds: float, frequency: float) -> bytes:
    """A mono 16-bit sine tone with short fades (no clicks), as a WAV file."""
    count = max(1, int(_SAMPLE_RATE * seconds))
    fade = min(count // 2, _SAMPLE_RATE // 50)
    samples = array.array("h")
    for n in range(count):
        envelope = min(1.0, n / fade, (count - 1 - n) / fade) if fade else 1.0
        value = 0.4 * envelope * math.sin(2 * math.pi * frequency * n / _SAMPLE_RATE)
        samples.append(int(32767 * value))
    if sys.byteorder == "big":
        samples.byteswap()  # WAV is little-endian
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(_SAMPLE_RATE)
        out.writeframes(samples.tobytes())
    return buffer.getvalue()


@functools.cache
def video_asset(orientation: Literal["landscape", "portrait", "square"]) -> bytes:
    """The shipped MP4 clip for an orientation."""
    asset = resources.files("trt_local").joinpath("data", "sandbox", f"video-{orientation}.mp4")
    return asset.read_bytes()


def _digest(model: str, params: Mapping[str, Any], seed: int, index: int) -> bytes:
    prompt = params.get("prompt") or params.get("text") or ""
    return hashlib.sha256(f"{model}|{prompt}|{seed}|{index}".encode()).digest()


def _count(params: Mapping[str, Any]) -> int:
    for key in ("num_images", "max_images", "n"):
        raw = params.get(key)
        if isinstance(raw, int | str) and not isinstance(raw, bool) and str(raw).isdigit():
            return max(1, min(6, int(raw)))
    return 1


def _seconds(params: Mapping[str, Any]) -> float:
    raw = params.get("duration_seconds") or params.get("duration")
    try:
        value = float(raw) if isinstance(raw, int | float | str) else 2.0
    except ValueError:
        value = 2.0
    return max(1.0, min(5.0, value))  # a real length is pointless here; keep files small


def render_files(
    kind: OutputKind, model: str, params: Mapping[str, Any], seed: int, count: int | None = None
) -> list[MediaFile]:
    """The result files for a finished media task (none for text results); ``count`` images."""
    if kind == "image":
        width, height = image_dimensions(params)
        return [
            MediaFile(
                render_png(width, height, _digest(model, params, seed, i)), "image/png", "png"
            )
            for i in range(count or _count(params))
        ]
    if kind == "video":
        ratio_w, ratio_h = aspect_ratio(params)
        orientation: Literal["landscape", "portrait", "square"] = (
            "landscape" if ratio_w > ratio_h else "portrait" if ratio_w < ratio_h else "square"
        )
        return [MediaFile(video_asset(orientation), "video/mp4", "mp4")]
    if kind == "audio":
        frequency = 220.0 + _digest(model, params, seed, 0)[0] * 2.5
        return [MediaFile(render_wav(_seconds(params), frequency), "audio/wav", "wav")]
    return []


def transcript(params: Mapping[str, Any]) -> dict[str, Any]:
    """A speech-to-text ``resultObject`` in the shape ElevenLabs returns through Kie."""
    words = ["This", "is", "a", "sandbox", "transcript."]
    language = params.get("language_code")
    return {
        "language_code": language if isinstance(language, str) and language else "en",
        "language_probability": 0.99,
        "text": " ".join(words),
        "words": [
            {"text": word, "start": 0.4 * i, "end": 0.4 * i + 0.35, "type": "word"}
            for i, word in enumerate(words)
        ],
    }
