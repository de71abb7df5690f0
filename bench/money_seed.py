"""A big, consistent money database for the money-path benchmark (group 4).

The schema comes from the product (``Database.open`` runs the migrations); the rows are fed with
``executemany`` inside one transaction, a chunk of users at a time so memory stays small. Every
user gets exactly ``ROWS_PER_USER`` ledger rows, in time order: a welcome bonus, a Stars top-up
(a paid payment), a transfer (an approved payment), six charges (each a delivered job with the
same ref and price), and a seventh charge — or, for every second user, a refund of the sixth job,
which failed. ``balance_after`` runs along each user's rows and ``users.balance_minor`` is the
last of them, so the money invariant and the audit's rules hold from the start. Times spread over
180 days up to ``now`` (users' first contact, one every ~2.6 minutes), each user's activity
uniformly between their first contact and ``now``: about 3 % of the rows fall on the last day.
"""

from __future__ import annotations

import contextlib
import json
import random
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from trt_local.core import default_catalog

DAY_S = 86_400.0
ROWS_PER_USER = 10
FIRST_USER_ID = 10_000_000
SPAN_S = 180 * DAY_S
CHUNK = 5_000
NAMES = ("Ann", "Boris", "Clara", "Dmitri", "Eva", "Fedor", "Gala", "Hugo", "Irina", "Jan")

_USER_SQL = (
    "INSERT INTO users (id, username, first_name, last_name, tg_language, first_seen, last_seen, "
    "balance_minor, referral_code) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_LEDGER_SQL = (
    "INSERT INTO ledger (user_id, amount_minor, kind, ref, actor_id, reason, balance_after, "
    "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)
_PAYMENT_SQL = (
    "INSERT INTO payments (id, user_id, method, amount_minor, stars, payload, external_id, "
    "proof_file_id, status, actor_id, created_at, updated_at, decided_at, told) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_JOB_SQL = (
    "INSERT INTO jobs (ref, user_id, chat_id, model_id, title, category, output, params, "
    "kie_input, price_minor, basis, credits, status, task_id, error_code, error_detail, "
    "deadline_at, created_at, started_at, finished_at, delivered_at, updated_at, notified_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'paid', '4', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


@dataclass(frozen=True, slots=True)
class Seeded:
    users: int
    ledger_rows: int
    jobs: int
    payments: int
    first_user: int
    now: float


def _moment(rng: random.Random, start: float, now: float) -> float:
    """A time between ``start`` and ``now``, uniformly."""
    return now - (now - start) * rng.random()


def seed(path: Path, *, users: int, now: float, day: str, seed: int = 12) -> Seeded:
    """Fill a migrated database at ``path`` (see the module docstring); ``day`` is today's
    free-quota day."""
    rng = random.Random(seed)
    models = [m for m in default_catalog().models if m.supported][:12]
    jobs = payments = ledger_rows = 0
    with contextlib.closing(sqlite3.connect(path)) as conn:
        # Bench data needs no crash safety: no journal, no fsync; WAL again afterwards.
        conn.execute("PRAGMA journal_mode=OFF")
        conn.execute("PRAGMA synchronous=OFF")
        conn.execute("PRAGMA cache_size=-262144")
        with conn:  # one transaction
            for chunk_start in range(0, users, CHUNK):
                user_rows: list[tuple[object, ...]] = []
                ledger: list[tuple[object, ...]] = []
                pays: list[tuple[object, ...]] = []
                job_rows: list[tuple[object, ...]] = []
                for i in range(chunk_start, min(users, chunk_start + CHUNK)):
                    uid = FIRST_USER_ID + i
                    first = now - SPAN_S * (1 - i / users) * rng.uniform(0.9, 1.0)
                    events: list[tuple[float, int, str, str, int | None, str]] = []
                    events.append((first, 3_000, "bonus", f"welcome:{uid}", None, "welcome"))
                    for method in ("stars", "transfer"):
                        payments += 1
                        at = _moment(rng, first, now) if method == "transfer" else first + 60
                        amount = rng.randrange(20_000, 100_000, 100)
                        charge = f"charge-{payments}"
                        ref = f"stars:{charge}" if method == "stars" else f"transfer:{payments}"
                        pays.append(
                            (
                                payments,
                                uid,
                                method,
                                amount,
                                amount // 100 if method == "stars" else None,
                                f"topup-{payments}" if method == "stars" else None,
                                charge if method == "stars" else f"proof:{payments}",
                                None if method == "stars" else f"photo-{payments}",
                                "paid" if method == "stars" else "approved",
                                None if method == "stars" else 1,
                                at - 30,
                                at,
                                at,
                                None if method == "stars" else "approved",
                            )
                        )
                        actor = None if method == "stars" else 1
                        events.append((at, amount, "topup", ref, actor, f"{method} {payments}"))
                    failed = i % 2 == 0
                    for k in range(6 if failed else 7):
                        at = _moment(rng, first + 120, now)
                        model = models[rng.randrange(len(models))]
                        price = rng.randrange(500, 3_000, 10)
                        ref = f"seed-{uid}-{k}"
                        bad = failed and k == 5
                        job_rows.append(
                            (
                                ref,
                                uid,
                                uid,
                                model.id,
                                model.title,
                                model.category.id,
                                model.output.value,
                                json.dumps({"prompt": f"prompt {i} {k}"}),
                                "{}",
                                price,
                                "failed" if bad else "delivered",
                                f"task-{uid}-{k}",
                                "timeout" if bad else None,
                                "deadline passed while generating" if bad else None,
                                at + 4_200,
                                at,
                                at + 2,
                                at + 40,
                                None if bad else at + 45,
                                at + 45,
                                at + 41 if bad else None,
                            )
                        )
                        events.append((at, -price, "charge", ref, None, f"job: {model.id}"))
                        if bad:
                            events.append((at + 40, price, "refund", ref, None, "job: timeout"))
                    events.sort()
                    balance = 0
                    for at, amount, kind, ref, actor, reason in events:
                        balance += amount
                        ledger.append((uid, amount, kind, ref, actor, reason, balance, at))
                    ledger_rows += len(events)
                    jobs += 6 if failed else 7
                    last_seen = max(e[0] for e in events)
                    user_rows.append(
                        (
                            uid,
                            f"user{i}" if i % 5 else None,
                            f"{NAMES[i % len(NAMES)]}{i}",
                            None if i % 3 else f"Last{i}",
                            "ru" if i % 2 else "en",
                            first,
                            max(last_seen, _moment(rng, first, now)),
                            balance,
                            f"code{i}",
                        )
                    )
                conn.executemany(_USER_SQL, user_rows)
                conn.executemany(_PAYMENT_SQL, pays)
                conn.executemany(_JOB_SQL, job_rows)
                conn.executemany(_LEDGER_SQL, ledger)
            _extras(conn, rng, users, now, day)
        conn.execute("PRAGMA journal_mode=WAL")  # as the product leaves it
    return Seeded(users, ledger_rows, jobs, payments, FIRST_USER_ID, now)


def _extras(conn: sqlite3.Connection, rng: random.Random, users: int, now: float, day: str) -> None:
    """What the other admin screens read: today's free usage, referrals, errors, promo codes,
    pending transfers (no ledger rows: not credited yet) and a few finished broadcasts."""
    conn.executemany(
        "INSERT INTO free_usage (user_id, day, used) VALUES (?, ?, ?)",
        ((FIRST_USER_ID + i, day, 1 + i % 3) for i in range(0, users, 7)),
    )
    conn.executemany(
        "INSERT INTO referrals (referred_id, referrer_id, created_at) VALUES (?, ?, ?)",
        (
            (FIRST_USER_ID + i, FIRST_USER_ID + i // 50, now - DAY_S)
            for i in range(users // 2, users, 3)
        ),
    )
    conn.execute(
        "UPDATE users SET referrer_id = (SELECT referrer_id FROM referrals WHERE referred_id = id) "
        "WHERE id IN (SELECT referred_id FROM referrals)"
    )
    conn.executemany(
        "INSERT INTO errors (error_id, at, source, place, user_id, summary, traceback) "
        "VALUES (?, ?, 'update', 'a handler', ?, 'ValueError: bench', 'Traceback ...')",
        ((f"E{n:06d}", now - n * 60, FIRST_USER_ID + n) for n in range(500)),
    )
    conn.executemany(
        "INSERT INTO promo_codes (code, amount_minor, max_uses, uses, created_at) "
        "VALUES (?, 1000, 1000, ?, ?)",
        ((f"PROMO{n}", n, now - n * DAY_S) for n in range(40)),
    )
    top = conn.execute("SELECT COALESCE(MAX(id), 0) FROM payments").fetchone()[0]
    conn.executemany(
        "INSERT INTO payments (id, user_id, method, amount_minor, external_id, proof_file_id, "
        "status, created_at, updated_at, told) VALUES (?, ?, 'transfer', ?, ?, ?, 'pending', ?, ?, "
        "'pending')",
        (
            (
                top + n + 1,
                FIRST_USER_ID + rng.randrange(users),
                50_000,
                f"proof:p{n}",
                f"p{n}",
                now - n * 600,
                now - n * 600,
            )
            for n in range(30)
        ),
    )
    conn.executemany(
        "INSERT INTO broadcasts (author_id, text, status, total, sent, created_at, updated_at, "
        "started_at, finished_at) VALUES (1, 'news', 'done', ?, ?, ?, ?, ?, ?)",
        ((users, users, now - n * DAY_S, now - n * DAY_S, now - n * DAY_S, now) for n in range(30)),
    )
