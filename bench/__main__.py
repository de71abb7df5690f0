"""``python -m bench [--quick] [--only GROUP ...]``: every benchmark group, one table, results.json.

Each group runs in its own process (see :mod:`bench.report`); a group that crashes is reported
and the others still run. The table and the machine it ran on go to ``bench/results.json``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.report import Row, machine, read_rows, table

ROOT = Path(__file__).resolve().parent.parent
# In the order: update path, start-up, jobs under Kie's limits, money path, broadcast, binary.
GROUPS = ("update_path", "startup", "jobs", "money", "broadcast", "binary")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="smaller sizes, for a smoke run")
    parser.add_argument("--only", nargs="+", choices=GROUPS, default=list(GROUPS))
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results.json")
    args = parser.parse_args(argv)
    rows: list[Row] = []
    failed: dict[str, str] = {}
    seconds: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="trt-bench-") as scratch:
        for group in args.only:
            out = Path(scratch) / f"{group}.json"
            command = [sys.executable, "-m", f"bench.{group}", "--rows", str(out)]
            if args.quick:
                command.append("--quick")
            print(f"=== {group}", flush=True)
            started = time.monotonic()
            done = subprocess.run(command, cwd=ROOT, check=False)
            seconds[group] = round(time.monotonic() - started, 1)
            if done.returncode != 0 or not out.exists():
                failed[group] = f"exit {done.returncode}"
                continue
            rows += read_rows(out)
    where = machine()
    print(f"\n{where['cpu']}, {where['cores']} cores, {where['os']}, Python {where['python']}")
    print(table(rows))
    for group, why in failed.items():
        print(f"group {group} FAILED ({why})")
    result = {
        "machine": where,
        "quick": args.quick,
        "seconds": seconds,
        "failed": failed,
        "rows": [row.as_json() for row in rows],
    }
    args.out.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
