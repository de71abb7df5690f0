"""One result table for every benchmark group: rows, targets, the printed table and results.json.

A group is a module ``bench/<name>.py`` whose ``run(quick)`` returns a list of :class:`Row` and
whose ``__main__`` is ``group_main(run)``. ``python -m bench`` starts each group in its own
process (a fresh event loop and a fresh heap, so one group's memory or warm caches never flatter
the next), collects the rows through a JSON file and prints them as one table.

Every figure that depends on machine speed is reported as a ratio to a baseline measured in the
same run, or against a bound derived from the limits (e.g. 1000 creates at 20 per 10 s cannot take
less than 500 s), never against an absolute time taken on another machine.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Target:
    """``value <op> limit``: ``at_most(50)`` for a latency, ``at_least(0.8)`` for a ratio."""

    op: str  # "<=" or ">="
    limit: float

    def met(self, value: float) -> bool:
        return value <= self.limit if self.op == "<=" else value >= self.limit

    def __str__(self) -> str:
        return f"{'≤' if self.op == '<=' else '≥'} {self.limit:g}"


def at_most(limit: float) -> Target:
    return Target("<=", limit)


def at_least(limit: float) -> Target:
    return Target(">=", limit)


@dataclass(frozen=True, slots=True)
class Row:
    """One measured figure.

    ``baseline`` is the side-by-side figure it is compared with (bare PTB's updates/s, the bound
    N/(2R), the source run's time), ``detail`` says in a few words how it was measured.
    """

    group: str
    metric: str
    value: float
    unit: str
    target: Target | None = None
    baseline: float | None = None
    detail: str = ""

    @property
    def ok(self) -> bool | None:
        return None if self.target is None else self.target.met(self.value)

    def as_json(self) -> dict[str, object]:
        data = asdict(self)
        data["target"] = None if self.target is None else str(self.target)
        data["target_op"] = None if self.target is None else self.target.op
        data["target_limit"] = None if self.target is None else self.target.limit
        data["ok"] = self.ok
        return data

    @classmethod
    def from_json(cls, data: dict[str, object]) -> Row:
        op, limit = data.get("target_op"), data.get("target_limit")
        target = Target(str(op), float(limit)) if isinstance(limit, int | float) and op else None
        baseline = data.get("baseline")
        return cls(
            group=str(data["group"]),
            metric=str(data["metric"]),
            value=float(data["value"]),  # type: ignore[arg-type]
            unit=str(data["unit"]),
            target=target,
            baseline=float(baseline) if isinstance(baseline, int | float) else None,
            detail=str(data.get("detail", "")),
        )


def percentile(values: Sequence[float], p: float) -> float:
    """Nearest rank: with 20 values p99 is the largest."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * p // 100))
    return ordered[int(rank) - 1]


def group_main_with_build(
    run: Callable[[bool, bool], list[Row]], argv: Sequence[str] | None = None
) -> int:
    """``group_main`` plus ``--build``: the groups that measure the binary build it first."""
    args = list(sys.argv[1:] if argv is None else argv)
    build = "--build" in args
    return group_main(lambda quick: run(quick, build), [arg for arg in args if arg != "--build"])


def machine() -> dict[str, object]:
    """What the numbers were measured on (printed above the table, stored in results.json)."""
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            names = [
                line.split(":", 1)[1].strip() for line in info if line.startswith("model name")
            ]
        cpu = names[0] if names else cpu
    except OSError:
        pass
    return {
        "date": time.strftime("%Y-%m-%d %H:%M %Z"),
        "os": f"{platform.system()} {platform.release()}",
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
    }


def _number(value: float) -> str:
    if value == 0 or abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.3g}"


def table(rows: Sequence[Row]) -> str:
    """The rows as one fixed-width table (also pasted into the README's performance section)."""
    head = ("group", "metric", "value", "baseline", "target", "")
    body = [
        (
            row.group,
            row.metric,
            f"{_number(row.value)} {row.unit}".strip(),
            "" if row.baseline is None else _number(row.baseline),
            "" if row.target is None else f"{row.target} {row.unit}".strip(),
            {None: "", True: "ok", False: "MISSED"}[row.ok],
        )
        for row in rows
    ]
    widths = [max(len(line[i]) for line in (head, *body)) for i in range(len(head))]

    def joined(cells: Sequence[str]) -> str:
        return "  ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True))

    lines = [joined(head), joined(["-" * width for width in widths])]
    lines += [joined(line) for line in body]
    return "\n".join(line.rstrip() for line in lines)


def write_rows(path: Path, rows: Sequence[Row]) -> None:
    path.write_text(json.dumps([row.as_json() for row in rows], indent=1), encoding="utf-8")


def read_rows(path: Path) -> list[Row]:
    return [Row.from_json(item) for item in json.loads(path.read_text(encoding="utf-8"))]


def group_main(run: Callable[[bool], list[Row]], argv: Sequence[str] | None = None) -> int:
    """``python -m bench.<group> [--quick] [--rows FILE]``: run one group, print its table."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="smaller sizes, for a smoke run")
    parser.add_argument("--rows", type=Path, help="also write the rows as JSON here")
    args = parser.parse_args(argv)
    rows = run(args.quick)
    print(table(rows))
    if args.rows is not None:
        write_rows(args.rows, rows)
    return 0


if __name__ == "__main__":  # pragma: no cover - a library module
    sys.exit("run `python -m bench` or `python -m bench.<group>`")
