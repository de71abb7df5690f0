"""User search for the admin screens: by id, @username prefix or a piece of the name.

Results come newest-contact first through the ``users_last_seen`` index, so a search stops after
``limit`` matches instead of sorting the whole table; ``@name`` uses the ``users_username``
(NOCASE) index and an id the primary key. A piece of a name can match anywhere in it, so that
search walks the ``users_last_seen`` index until a page is full (at worst every row once:
about 10 ms for 50 000 users).
"""

from __future__ import annotations

from dataclasses import dataclass

from trt_local.storage.db import Database, Row

_COLUMNS = (
    "u.id, u.username, u.first_name, u.last_name, u.balance_minor, u.blocked, u.is_admin, "
    "u.last_seen, COALESCE(f.used, 0) AS free_used"
)


@dataclass(frozen=True, slots=True)
class UserRow:
    id: int
    username: str | None
    first_name: str
    last_name: str | None
    balance_minor: int
    blocked: bool
    is_admin: bool  # the stored flag (admins from the config are added by the service)
    last_seen: float
    free_used: int  # free generations used on the day asked for

    @classmethod
    def from_row(cls, row: Row) -> UserRow:
        return cls(
            id=int(row["id"]),
            username=row["username"],
            first_name=str(row["first_name"]),
            last_name=row["last_name"],
            balance_minor=int(row["balance_minor"]),
            blocked=bool(row["blocked"]),
            is_admin=bool(row["is_admin"]),
            last_seen=float(row["last_seen"]),
            free_used=int(row["free_used"]),
        )


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


async def search(
    db: Database, text: str, *, day: str, limit: int, offset: int = 0
) -> list[UserRow]:
    """Users matching ``text`` (empty: everyone), most recently seen first.

    A number also finds the user with that id, listed first.
    """
    text = text.strip()
    base = (
        f"SELECT {_COLUMNS} FROM users u LEFT JOIN free_usage f ON f.user_id = u.id AND f.day = ?"
    )
    params: list[object] = [day]
    if not text:
        where, order = "", "ORDER BY u.last_seen DESC"
    elif text.startswith("@"):
        where = "WHERE u.username LIKE ? ESCAPE '\\'"
        params.append(_like_escape(text[1:]) + "%")
        order = "ORDER BY u.username COLLATE NOCASE"
    else:
        pattern = "%" + _like_escape(text) + "%"
        where = (
            "WHERE u.username LIKE ? ESCAPE '\\' OR u.first_name LIKE ? ESCAPE '\\' "
            "OR u.last_name LIKE ? ESCAPE '\\'"
        )
        params += [_like_escape(text) + "%", pattern, pattern]
        order = "ORDER BY u.last_seen DESC"
    rows = await db.fetch_all(f"{base} {where} {order} LIMIT ? OFFSET ?", (*params, limit, offset))
    found = [UserRow.from_row(row) for row in rows]
    if text.isdigit() and offset == 0:
        exact = await get(db, int(text), day=day)
        if exact is not None:
            found = [exact, *(row for row in found if row.id != exact.id)][:limit]
    return found


async def get(db: Database, user_id: int, *, day: str) -> UserRow | None:
    row = await db.fetch_one(
        f"SELECT {_COLUMNS} FROM users u "
        "LEFT JOIN free_usage f ON f.user_id = u.id AND f.day = ? WHERE u.id = ?",
        (day, user_id),
    )
    return None if row is None else UserRow.from_row(row)


async def by_username(db: Database, username: str, *, day: str) -> UserRow | None:
    """The user with exactly this username, any case (the ``users_username`` NOCASE index)."""
    row = await db.fetch_one(
        f"SELECT {_COLUMNS} FROM users u "
        "LEFT JOIN free_usage f ON f.user_id = u.id AND f.day = ? "
        "WHERE u.username = ? COLLATE NOCASE ORDER BY u.last_seen DESC LIMIT 1",
        (day, username),
    )
    return None if row is None else UserRow.from_row(row)


@dataclass(frozen=True, slots=True)
class CardFacts:
    """What a user card adds to the search row: granted free generations, referrer, counts."""

    bonus_free: int
    referrer_id: int | None
    jobs: int
    payments: int


async def card_facts(db: Database, user_id: int) -> CardFacts:
    row = await db.fetch_one(
        "SELECT bonus_free, referrer_id, "
        "(SELECT COUNT(*) FROM jobs WHERE user_id = u.id) AS jobs, "
        "(SELECT COUNT(*) FROM payments WHERE user_id = u.id) AS payments "
        "FROM users u WHERE u.id = ?",
        (user_id,),
    )
    if row is None:
        return CardFacts(0, None, 0, 0)
    return CardFacts(
        bonus_free=int(row["bonus_free"]),
        referrer_id=row["referrer_id"],
        jobs=int(row["jobs"]),
        payments=int(row["payments"]),
    )


async def count(db: Database) -> int:
    return int(await db.scalar("SELECT COUNT(*) FROM users") or 0)
