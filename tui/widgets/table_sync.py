"""Bringing a DataTable up to date with the fewest changes (live tables reload every second).

When the same keys are shown in the same order only the cells whose value changed are rewritten
(an unchanged reload costs nothing on screen, and the cursor and scroll stay put); otherwise
the table is rebuilt and the cursor returns to the row it was on, if that row is still there.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual.widgets import DataTable

Row = tuple[str, tuple[object, ...]]  # (row key, one value per column)


class TableSync:
    def __init__(self, table: DataTable[object], columns: Sequence[str]) -> None:
        self._table = table
        self._columns = tuple(columns)
        self._shown: dict[str, tuple[object, ...]] = {}
        self._order: list[str] = []

    def show(self, rows: Sequence[Row]) -> None:
        table = self._table
        keys = [key for key, _ in rows]
        if keys == self._order:
            for key, cells in rows:
                before = self._shown[key]
                for column, old, new in zip(self._columns, before, cells, strict=True):
                    if old != new:
                        table.update_cell(key, column, new)
                self._shown[key] = cells
            return
        cursor_key = self.cursor_key()
        table.clear()
        for key, cells in rows:
            table.add_row(*cells, key=key)
        self._shown = dict(rows)
        self._order = keys
        if cursor_key in self._shown:
            table.move_cursor(row=keys.index(cursor_key), animate=False)

    def cursor_key(self) -> str | None:
        if not self._order or not 0 <= self._table.cursor_row < len(self._order):
            return None
        return self._order[self._table.cursor_row]
