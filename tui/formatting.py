"""Short text forms for the dashboard: money, ages, durations, times, secrets."""

from __future__ import annotations

from datetime import datetime

from trt_local.core.money import format_money


def money(minor: int, currency: str) -> str:
    return format_money(minor, currency, "en")


def signed_money(minor: int, currency: str) -> str:
    return ("+" if minor > 0 else "") + money(minor, currency)


def duration(seconds: float) -> str:
    """``42s``, ``5m 03s``, ``2h 07m``, ``3d 04h``: two units at most."""
    total = max(0, int(seconds))
    days, rest = divmod(total, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{days}d {hours:02d}h"
    if hours:
        return f"{hours}h {minutes:02d}m"
    if minutes:
        return f"{minutes}m {secs:02d}s"
    return f"{secs}s"


def age(then: float, now: float) -> str:
    """How long ago, in the single largest unit: ``12s``, ``4m``, ``3h``, ``20d``."""
    seconds = max(0, int(now - then))
    for size, unit in ((86400, "d"), (3600, "h"), (60, "m")):
        if seconds >= size:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def timestamp(when: float | None) -> str:
    """Local date and time to the second, or an en dash for "not yet"."""
    if when is None:
        return "–"
    return datetime.fromtimestamp(when).strftime("%Y-%m-%d %H:%M:%S")


def masked(secret: str) -> str:
    """A secret as the screens may show it: ``123…:***`` for tokens, ``sk-…9f`` for keys."""
    if not secret:
        return "(not set)"
    if ":" in secret:
        return f"{secret.split(':', 1)[0][:3]}…:***"
    return f"{secret[:3]}…{secret[-2:]}" if len(secret) > 8 else "***"
