"""CSV exports of users, payments and the ledger, for a spreadsheet.

UTF-8 with a byte order mark (Excel then reads Cyrillic names right), one header row, times in
the bot's time zone, money in major units (``150.50``) with the currency in the column name.
Rows are streamed from the database a page at a time into the caller's file, so a million rows
are never all in memory. A text cell that a spreadsheet would run as a formula (a name starting
with ``=``, say) gets a leading apostrophe.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import datetime
from typing import IO, Any
from zoneinfo import ZoneInfo

from trt_local.core.money import MINOR_PER_MAJOR
from trt_local.services.runtime_settings import RuntimeSettings
from trt_local.storage import exports
from trt_local.storage.db import Database

KINDS = tuple(exports.COLUMNS)  # users, payments, ledger
_MONEY = {"balance_minor": "balance", "amount_minor": "amount", "balance_after": "balance_after"}
_TIMES = frozenset({"first_seen", "last_seen", "created_at", "decided_at"})
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _money(minor: int) -> str:
    sign = "-" if minor < 0 else ""
    major, cents = divmod(abs(minor), MINOR_PER_MAJOR)
    return f"{sign}{major}.{cents:02d}"


def _text(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


class Exporter:
    def __init__(self, db: Database, settings: RuntimeSettings) -> None:
        self._db = db
        self._settings = settings

    def header(self, kind: str) -> list[str]:
        currency = self._settings.prices.currency
        return [
            f"{_MONEY[name]} ({currency})" if name in _MONEY else name
            for name in exports.COLUMNS[kind]
        ]

    async def write(self, kind: str, out: IO[bytes]) -> int:
        """Write the ``kind`` export as CSV into ``out``; returns the number of data rows."""
        if kind not in exports.COLUMNS:
            raise ValueError(f"no export {kind!r}")
        zone = ZoneInfo(self._settings.prices.timezone)
        names = exports.COLUMNS[kind]
        cells: list[Callable[[Any], object]] = [self._cell(name, zone) for name in names]
        text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="")
        try:
            writer = csv.writer(text)
            writer.writerow(self.header(kind))
            count = 0
            async for page in exports.pages(self._db, kind):
                writer.writerows(
                    [cell(row[index]) for index, cell in enumerate(cells)] for row in page
                )
                count += len(page)
            text.flush()
        finally:
            text.detach()  # the caller owns ``out``: leave it open
        return count

    @staticmethod
    def _cell(name: str, zone: ZoneInfo) -> Callable[[Any], object]:
        def cell(value: Any) -> object:
            if value is None:
                return ""
            if name in _MONEY:
                return _money(int(value))
            if name in _TIMES:
                return datetime.fromtimestamp(float(value), zone).strftime("%Y-%m-%d %H:%M:%S")
            if isinstance(value, str):
                return _text(value)
            return value

        return cell
