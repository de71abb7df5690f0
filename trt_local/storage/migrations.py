"""Numbered schema migrations; number N sets ``PRAGMA user_version = N``. Never edit a shipped one."""

from __future__ import annotations

M0001_FOUNDATION = """
CREATE TABLE users (
    id             INTEGER PRIMARY KEY,           -- Telegram user id
    username       TEXT,
    first_name     TEXT NOT NULL DEFAULT '',
    last_name      TEXT,
    tg_language    TEXT,                          -- Telegram's language_code at last contact
    language       TEXT,                          -- chosen by the user; NULL = follow tg_language
    first_seen     REAL NOT NULL,
    last_seen      REAL NOT NULL,
    blocked        INTEGER NOT NULL DEFAULT 0,
    is_admin       INTEGER NOT NULL DEFAULT 0,
    referrer_id    INTEGER,
    balance_minor  INTEGER NOT NULL DEFAULT 0 CHECK (balance_minor >= 0)
);
CREATE INDEX users_last_seen ON users(last_seen);
CREATE INDEX users_username ON users(username COLLATE NOCASE);

-- Durable inbox: every fetched update is stored before Telegram can be told it was received.
CREATE TABLE inbox (
    update_id   INTEGER PRIMARY KEY,
    payload     TEXT NOT NULL,
    status      TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done')),
    received_at REAL NOT NULL,
    handled_at  REAL
);
CREATE INDEX inbox_pending ON inbox(status) WHERE status = 'pending';

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE bot_state (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
)
"""

M0002_GENERATION = """
-- Append-only money log. users.balance_minor always equals the sum of a user's rows (doctor checks).
CREATE TABLE ledger (
    id            INTEGER PRIMARY KEY,
    user_id       INTEGER NOT NULL REFERENCES users(id),
    amount_minor  INTEGER NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN
                  ('topup', 'charge', 'refund', 'promo', 'referral', 'admin_adjust')),
    ref           TEXT NOT NULL,                 -- idempotency key, unique per kind
    actor_id      INTEGER,                       -- the admin who did it; NULL = the bot itself
    reason        TEXT NOT NULL DEFAULT '',
    balance_after INTEGER NOT NULL,
    created_at    REAL NOT NULL,
    UNIQUE (kind, ref)
);
CREATE INDEX ledger_user ON ledger(user_id, id);
CREATE INDEX ledger_created ON ledger(created_at);

CREATE TABLE free_usage (
    user_id INTEGER NOT NULL REFERENCES users(id),
    day     TEXT NOT NULL,                       -- calendar day in the configured timezone
    used    INTEGER NOT NULL CHECK (used >= 0),
    PRIMARY KEY (user_id, day)
);

CREATE TABLE jobs (
    id                INTEGER PRIMARY KEY,
    ref               TEXT NOT NULL UNIQUE,      -- from the confirm button: double taps collide here
    user_id           INTEGER NOT NULL REFERENCES users(id),
    chat_id           INTEGER NOT NULL,
    model_id          TEXT NOT NULL,
    title             TEXT NOT NULL DEFAULT '',  -- the model's title when confirmed
    category          TEXT NOT NULL,
    output            TEXT NOT NULL,
    params            TEXT NOT NULL,             -- JSON: what the user chose (media as Kie URLs)
    kie_input         TEXT NOT NULL,             -- JSON: the createTask input built at confirm
    media_seconds     REAL,                      -- length of the uploaded medium, when priced by it
    price_minor       INTEGER NOT NULL CHECK (price_minor >= 0),
    basis             TEXT NOT NULL CHECK (basis IN ('paid', 'free', 'admin')),
    free_day          TEXT,                      -- the quota day a free job used
    credits           TEXT NOT NULL,             -- Kie credits quoted (decimal as text)
    status            TEXT NOT NULL CHECK (status IN
                      ('queued', 'creating', 'running', 'succeeded', 'delivered', 'failed')),
    task_id           TEXT,
    create_attempts   INTEGER NOT NULL DEFAULT 0,
    reached_failures  INTEGER NOT NULL DEFAULT 0, -- failed creates that may have reached Kie
    poll_failures     INTEGER NOT NULL DEFAULT 0, -- consecutive failed polls
    delivery_attempts INTEGER NOT NULL DEFAULT 0,
    next_poll_at      REAL,                      -- when the engine next acts (create/poll/deliver)
    deadline_at       REAL NOT NULL,
    status_message_id INTEGER,
    result            TEXT,                      -- JSON: result urls, Telegram file ids, text
    error_code        TEXT,
    error_detail      TEXT,
    created_at        REAL NOT NULL,
    started_at        REAL,
    finished_at       REAL,
    delivered_at      REAL,
    updated_at        REAL NOT NULL
);
CREATE INDEX jobs_open ON jobs(status, next_poll_at)
    WHERE status IN ('queued', 'creating', 'running', 'succeeded');
CREATE INDEX jobs_user ON jobs(user_id, id);
CREATE INDEX jobs_created ON jobs(created_at);
CREATE INDEX jobs_model ON jobs(model_id);

-- The wizard's state per user, so a restart loses nothing.
CREATE TABLE drafts (
    user_id    INTEGER PRIMARY KEY REFERENCES users(id),
    model_id   TEXT NOT NULL,
    data       TEXT NOT NULL,                    -- JSON: values, current step, nonce
    updated_at REAL NOT NULL
)
"""

M0003_JOB_STATUS_INDEX = """
-- The dashboard filters jobs by a rare finished status (failed) and pages by id.
CREATE INDEX jobs_status ON jobs(status, id)
"""

M0004_NOTHING_LOST = """
-- Job ids are never reused: AUTOINCREMENT keeps ids of deleted rows out of reach. notified_at
-- records that the user was told of a failure, so a notice lost to a crash is sent after restart.
CREATE TABLE jobs_new (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    ref               TEXT NOT NULL UNIQUE,
    user_id           INTEGER NOT NULL REFERENCES users(id),
    chat_id           INTEGER NOT NULL,
    model_id          TEXT NOT NULL,
    title             TEXT NOT NULL DEFAULT '',
    category          TEXT NOT NULL,
    output            TEXT NOT NULL,
    params            TEXT NOT NULL,
    kie_input         TEXT NOT NULL,
    media_seconds     REAL,
    price_minor       INTEGER NOT NULL CHECK (price_minor >= 0),
    basis             TEXT NOT NULL CHECK (basis IN ('paid', 'free', 'admin')),
    free_day          TEXT,
    credits           TEXT NOT NULL,
    status            TEXT NOT NULL CHECK (status IN
                      ('queued', 'creating', 'running', 'succeeded', 'delivered', 'failed')),
    task_id           TEXT,
    create_attempts   INTEGER NOT NULL DEFAULT 0,
    reached_failures  INTEGER NOT NULL DEFAULT 0,
    poll_failures     INTEGER NOT NULL DEFAULT 0,
    delivery_attempts INTEGER NOT NULL DEFAULT 0,
    next_poll_at      REAL,
    deadline_at       REAL NOT NULL,
    status_message_id INTEGER,
    result            TEXT,                      -- JSON: urls, text, parts sent, Telegram file ids
    error_code        TEXT,
    error_detail      TEXT,
    created_at        REAL NOT NULL,
    started_at        REAL,
    finished_at       REAL,
    delivered_at      REAL,
    updated_at        REAL NOT NULL,
    notified_at       REAL                       -- the user was told of the failure
);
INSERT INTO jobs_new SELECT *, CASE WHEN status = 'failed' THEN finished_at END FROM jobs;
DROP TABLE jobs;
ALTER TABLE jobs_new RENAME TO jobs;
CREATE INDEX jobs_open ON jobs(status, next_poll_at)
    WHERE status IN ('queued', 'creating', 'running', 'succeeded');
CREATE INDEX jobs_user ON jobs(user_id, id);
CREATE INDEX jobs_created ON jobs(created_at);
CREATE INDEX jobs_model ON jobs(model_id);
CREATE INDEX jobs_status ON jobs(status, id);
CREATE INDEX jobs_unnotified ON jobs(finished_at) WHERE status = 'failed' AND notified_at IS NULL;

-- A free generation that fails is given back to the day it fails on, which may take that day
-- below zero used (one extra free generation today): the CHECK (used >= 0) goes.
CREATE TABLE free_usage_new (
    user_id INTEGER NOT NULL REFERENCES users(id),
    day     TEXT NOT NULL,
    used    INTEGER NOT NULL,
    PRIMARY KEY (user_id, day)
);
INSERT INTO free_usage_new SELECT user_id, day, used FROM free_usage;
DROP TABLE free_usage;
ALTER TABLE free_usage_new RENAME TO free_usage
"""

M0005_MONEY_IN = """
-- Ledger kinds for the money-in side: 'bonus' (welcome bonus), 'payment_refund' (a Stars payment
-- given back). The ledger is rebuilt to widen its CHECK; ids and rows are kept as they were.
CREATE TABLE ledger_new (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id       INTEGER NOT NULL REFERENCES users(id),
    amount_minor  INTEGER NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('topup', 'charge', 'refund', 'promo', 'referral',
                  'admin_adjust', 'bonus', 'payment_refund')),
    ref           TEXT NOT NULL,
    actor_id      INTEGER,
    reason        TEXT NOT NULL DEFAULT '',
    balance_after INTEGER NOT NULL,
    created_at    REAL NOT NULL,
    UNIQUE (kind, ref)
);
INSERT INTO ledger_new SELECT * FROM ledger;
DROP TABLE ledger;
ALTER TABLE ledger_new RENAME TO ledger;
CREATE INDEX ledger_user ON ledger(user_id, id);
CREATE INDEX ledger_created ON ledger(created_at);
CREATE INDEX ledger_kind ON ledger(kind, created_at);

-- Free generations granted on top of the daily quota (promo codes, referral and welcome bonuses).
-- users.bonus_free always equals the sum of a user's free_grants rows, like money and the ledger.
ALTER TABLE users ADD COLUMN bonus_free INTEGER NOT NULL DEFAULT 0 CHECK (bonus_free >= 0);
ALTER TABLE users ADD COLUMN referral_code TEXT;
CREATE UNIQUE INDEX users_referral_code ON users(referral_code) WHERE referral_code IS NOT NULL;
CREATE INDEX users_referrer ON users(referrer_id) WHERE referrer_id IS NOT NULL;
CREATE TABLE free_grants (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id       INTEGER NOT NULL REFERENCES users(id),
    amount        INTEGER NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('promo', 'referral', 'welcome', 'admin', 'job',
                  'refund')),
    ref           TEXT NOT NULL,                 -- idempotency key, unique per kind
    actor_id      INTEGER,
    balance_after INTEGER NOT NULL,
    created_at    REAL NOT NULL,
    UNIQUE (kind, ref)
);
CREATE INDEX free_grants_user ON free_grants(user_id, id);
-- Which free generation a free job used: today's quota ('daily') or a granted one ('bonus').
ALTER TABLE jobs ADD COLUMN free_source TEXT CHECK (free_source IN ('daily', 'bonus'));
UPDATE jobs SET free_source = 'daily' WHERE basis = 'free';

-- Top-ups: Telegram Stars invoices and manual transfers with their proof.
CREATE TABLE payments (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id       INTEGER NOT NULL REFERENCES users(id),
    method        TEXT NOT NULL CHECK (method IN ('stars', 'transfer')),
    amount_minor  INTEGER NOT NULL CHECK (amount_minor > 0),
    stars         INTEGER,                       -- XTR price of a Stars invoice
    payload       TEXT UNIQUE,                   -- the invoice payload that names this top-up
    external_id   TEXT UNIQUE,                   -- telegram_payment_charge_id, or proof:<file_unique_id>
    proof_file_id TEXT,
    comment       TEXT NOT NULL DEFAULT '',
    status        TEXT NOT NULL CHECK (status IN
                  ('open', 'paid', 'refunded', 'pending', 'approved', 'rejected', 'expired')),
    reason        TEXT NOT NULL DEFAULT '',      -- why rejected or refunded
    actor_id      INTEGER,                       -- the admin who decided
    created_at    REAL NOT NULL,
    updated_at    REAL NOT NULL,
    decided_at    REAL
);
CREATE INDEX payments_status ON payments(status, id);
CREATE INDEX payments_user ON payments(user_id, id);
CREATE INDEX payments_created ON payments(created_at);

CREATE TABLE promo_codes (
    code             TEXT PRIMARY KEY COLLATE NOCASE,
    amount_minor     INTEGER NOT NULL DEFAULT 0 CHECK (amount_minor >= 0),
    free_generations INTEGER NOT NULL DEFAULT 0 CHECK (free_generations >= 0),
    max_uses         INTEGER CHECK (max_uses IS NULL OR max_uses > 0),
    uses             INTEGER NOT NULL DEFAULT 0,
    expires_at       REAL,                       -- end of the last valid day
    active           INTEGER NOT NULL DEFAULT 1,
    created_by       INTEGER,
    created_at       REAL NOT NULL,
    CHECK (amount_minor > 0 OR free_generations > 0),
    CHECK (max_uses IS NULL OR uses <= max_uses)
);
CREATE TABLE promo_redemptions (
    code       TEXT NOT NULL COLLATE NOCASE REFERENCES promo_codes(code),
    user_id    INTEGER NOT NULL REFERENCES users(id),
    created_at REAL NOT NULL,
    PRIMARY KEY (code, user_id)
);

CREATE TABLE referrals (
    referred_id INTEGER PRIMARY KEY REFERENCES users(id),
    referrer_id INTEGER NOT NULL REFERENCES users(id),
    created_at  REAL NOT NULL,
    CHECK (referred_id != referrer_id)
);
CREATE INDEX referrals_referrer ON referrals(referrer_id)
"""

M0006_TRANSFERS = """
-- Manual transfers. payments.told is the status the user and the admins were last told about:
-- a transfer whose status differs is owed a message (the proof to the admins, the outcome to the
-- user), so a stop between a decision and its message loses nothing.
ALTER TABLE payments ADD COLUMN told TEXT;
CREATE INDEX payments_untold ON payments(id) WHERE method = 'transfer' AND told IS NOT status;

-- Each admin's copy of a proof, updated with the outcome once someone decides.
CREATE TABLE transfer_messages (
    payment_id INTEGER NOT NULL REFERENCES payments(id),
    admin_id   INTEGER NOT NULL,
    message_id INTEGER NOT NULL,
    PRIMARY KEY (payment_id, admin_id)
);

-- Whose next message the bot takes for a transfer: a user's proof, an admin's reject reason.
CREATE TABLE transfer_waits (
    user_id      INTEGER PRIMARY KEY,             -- a user, or an admin typing a reason
    kind         TEXT NOT NULL CHECK (kind IN ('proof', 'reason')),
    amount_minor INTEGER,                        -- proof: the amount the user is paying
    payment_id   INTEGER REFERENCES payments(id), -- reason: the transfer being rejected
    since        REAL NOT NULL
)
"""

M0007_ADMIN = """
-- Unexpected errors (a handler's or an engine step's), for the admin panel and /error <id>. The
-- traceback is redacted before it is stored; only the newest rows are kept (ErrorsRepo prunes).
CREATE TABLE errors (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    error_id  TEXT NOT NULL,                     -- the id the log line and the user's message show
    at        REAL NOT NULL,
    source    TEXT NOT NULL CHECK (source IN ('update', 'job')),
    place     TEXT NOT NULL,                     -- which update or job step
    user_id   INTEGER,
    summary   TEXT NOT NULL,                     -- exception type and message
    traceback TEXT NOT NULL
);
CREATE INDEX errors_error_id ON errors(error_id);

-- The admin panel's statistics: new users per period, jobs per period with their model and
-- status without reading the rows, top-ups by the time they were paid or approved.
CREATE INDEX users_first_seen ON users(first_seen);
CREATE INDEX users_admins ON users(id) WHERE is_admin = 1;
CREATE INDEX jobs_created_model ON jobs(created_at, model_id, status);
CREATE INDEX payments_decided ON payments(decided_at) WHERE decided_at IS NOT NULL
"""

M0008_BROADCASTS = """
-- Broadcasts: a message for many users, sent in the background. The recipients are written when
-- the broadcast starts and each is marked right after Telegram accepted (or refused) its copy,
-- so a restart resumes where it stopped and nobody gets a second copy. At most one broadcast is
-- being sent at a time (the partial unique index).
CREATE TABLE broadcasts (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    author_id           INTEGER NOT NULL,            -- Telegram id of the admin; 0 = the dashboard
    text                TEXT NOT NULL DEFAULT '',    -- Telegram HTML; the caption of a photo
    photo_file_id       TEXT,                        -- a photo Telegram already has
    button_text         TEXT,
    button_url          TEXT,
    audience            TEXT NOT NULL DEFAULT 'all' CHECK (audience IN
                        ('all', 'active', 'paid', 'balance', 'joined')),
    audience_days       INTEGER,                     -- for 'active' and 'joined'
    status              TEXT NOT NULL DEFAULT 'draft' CHECK (status IN
                        ('draft', 'sending', 'paused', 'cancelled', 'done')),
    total               INTEGER NOT NULL DEFAULT 0,  -- recipients written at the start
    sent                INTEGER NOT NULL DEFAULT 0,
    failed              INTEGER NOT NULL DEFAULT 0,
    blocked             INTEGER NOT NULL DEFAULT 0,
    progress_chat_id    INTEGER,                     -- the message showing the progress
    progress_message_id INTEGER,
    created_at          REAL NOT NULL,
    updated_at          REAL NOT NULL,
    started_at          REAL,
    finished_at         REAL,
    CHECK ((button_text IS NULL) = (button_url IS NULL))
);
CREATE UNIQUE INDEX broadcasts_one_sending ON broadcasts(status) WHERE status = 'sending';
CREATE INDEX broadcasts_drafts ON broadcasts(author_id, id) WHERE status = 'draft';

CREATE TABLE broadcast_recipients (
    broadcast_id INTEGER NOT NULL REFERENCES broadcasts(id),
    user_id      INTEGER NOT NULL REFERENCES users(id),
    status       TEXT NOT NULL DEFAULT 'pending' CHECK (status IN
                 ('pending', 'sent', 'failed', 'blocked')),
    sent_at      REAL,                               -- when Telegram answered for this copy
    error        TEXT,                               -- Telegram's refusal, for failed copies
    PRIMARY KEY (broadcast_id, user_id)
) WITHOUT ROWID;
CREATE INDEX broadcast_recipients_pending ON broadcast_recipients(broadcast_id, user_id)
    WHERE status = 'pending';

-- When a send found that the user blocked the bot (not the admin's users.blocked). Such users
-- are left out of later broadcasts until they write to the bot again (last_seen moves past it).
ALTER TABLE users ADD COLUMN bot_blocked_at REAL
"""

M0009_PAYMENTS_BY_METHOD = """
-- The dashboard's recent Stars payments, newest first: without it, listing them walks every
-- transfer too.
CREATE INDEX payments_method ON payments(method, id)
"""

M0010_DASHBOARD_AT_SCALE = """
-- Measured with bench/money.py on 100 000 users, 1 000 000 ledger rows and 650 000 jobs: each
-- of these made a dashboard or admin-panel query take 100 ms to 2 s.
-- The user search's name filter runs on the index it walks (newest contact first): only the
-- matches are read from the table.
DROP INDEX users_last_seen;
CREATE INDEX users_last_seen ON users(last_seen, username, first_name, last_name);
-- The Stats' top models of 30 days: one index range per model instead of sorting every job.
CREATE INDEX jobs_model_created ON jobs(model_id, created_at);
-- The dashboard's recent failures: the newest failed jobs, without reading every failed job.
CREATE INDEX jobs_failed ON jobs(status, created_at) WHERE status = 'failed';
-- Money in per method (by when it was decided, and all time) and refunds and the ledger per hour
-- by kind: answered from the index alone, no row lookups.
DROP INDEX payments_decided;
CREATE INDEX payments_decided ON payments(method, decided_at, status, amount_minor)
    WHERE decided_at IS NOT NULL;
CREATE INDEX payments_money ON payments(method, status, amount_minor);
DROP INDEX ledger_kind;
CREATE INDEX ledger_kind ON ledger(kind, created_at, amount_minor);
-- The "paid" broadcast audience asks for every user whether they ever topped up: one probe of
-- this small index each, without reading their ledger rows.
CREATE INDEX ledger_topups ON ledger(user_id, kind) WHERE kind = 'topup'
"""

M0011_RUNNING_TOTALS = """
-- Measured with bench/money.py on 100 000 users, 1 000 000 ledger rows and 650 000 jobs: the
-- Stats' all-time totals (every job counted, every payment summed) and the "paid" broadcast
-- audience (one index probe per user) grew with history to 60-70 ms. Both are now kept up to
-- date by triggers, in the transaction of the write that changes them, whoever writes.

-- When the user first topped up: their first ledger 'topup' row (a Stars payment, an approved
-- transfer, an admin's top-up: every paid or approved payment posts one in its transaction).
ALTER TABLE users ADD COLUMN paid_at REAL;
UPDATE users SET paid_at = first.at FROM (SELECT user_id, MIN(created_at) AS at FROM ledger
    WHERE kind = 'topup' GROUP BY user_id) AS first WHERE first.user_id = users.id;
CREATE TRIGGER users_paid_at AFTER INSERT ON ledger WHEN NEW.kind = 'topup' BEGIN
    UPDATE users SET paid_at = NEW.created_at
    WHERE id = NEW.user_id AND (paid_at IS NULL OR paid_at > NEW.created_at);
END;
DROP INDEX ledger_topups;

-- All-time totals: 'jobs', 'jobs_failed', and 'revenue:<method>' (the money of paid and approved
-- payments: a Stars payment refunded later leaves it).
CREATE TABLE totals (
    name  TEXT PRIMARY KEY,
    value INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO totals (name, value)
    SELECT 'jobs', COUNT(*) FROM jobs
    UNION ALL SELECT 'jobs_failed', COUNT(*) FROM jobs WHERE status = 'failed'
    UNION ALL SELECT 'revenue:stars', COALESCE(SUM(amount_minor), 0) FROM payments
        WHERE method = 'stars' AND status IN ('paid', 'approved')
    UNION ALL SELECT 'revenue:transfer', COALESCE(SUM(amount_minor), 0) FROM payments
        WHERE method = 'transfer' AND status IN ('paid', 'approved');
DROP INDEX payments_money;  -- it served only the all-time sums of money in
CREATE TRIGGER totals_job_added AFTER INSERT ON jobs BEGIN
    UPDATE totals SET value = value + 1
    WHERE name = 'jobs' OR (name = 'jobs_failed' AND NEW.status = 'failed');
END;
CREATE TRIGGER totals_job_removed AFTER DELETE ON jobs BEGIN
    UPDATE totals SET value = value - 1
    WHERE name = 'jobs' OR (name = 'jobs_failed' AND OLD.status = 'failed');
END;
CREATE TRIGGER totals_job_failed AFTER UPDATE OF status ON jobs
WHEN (OLD.status = 'failed') != (NEW.status = 'failed') BEGIN
    UPDATE totals SET value = value + IIF(NEW.status = 'failed', 1, -1) WHERE name = 'jobs_failed';
END;
CREATE TRIGGER totals_payment_added AFTER INSERT ON payments
WHEN NEW.status IN ('paid', 'approved') BEGIN
    UPDATE totals SET value = value + NEW.amount_minor WHERE name = 'revenue:' || NEW.method;
END;
CREATE TRIGGER totals_payment_removed AFTER DELETE ON payments
WHEN OLD.status IN ('paid', 'approved') BEGIN
    UPDATE totals SET value = value - OLD.amount_minor WHERE name = 'revenue:' || OLD.method;
END;
CREATE TRIGGER totals_payment_changed AFTER UPDATE OF status, method, amount_minor ON payments
WHEN OLD.status IN ('paid', 'approved') OR NEW.status IN ('paid', 'approved') BEGIN
    UPDATE totals SET value = value - OLD.amount_minor
    WHERE name = 'revenue:' || OLD.method AND OLD.status IN ('paid', 'approved');
    UPDATE totals SET value = value + NEW.amount_minor
    WHERE name = 'revenue:' || NEW.method AND NEW.status IN ('paid', 'approved');
END
"""

MIGRATIONS: tuple[str, ...] = (
    M0001_FOUNDATION,
    M0002_GENERATION,
    M0003_JOB_STATUS_INDEX,
    M0004_NOTHING_LOST,
    M0005_MONEY_IN,
    M0006_TRANSFERS,
    M0007_ADMIN,
    M0008_BROADCASTS,
    M0009_PAYMENTS_BY_METHOD,
    M0010_DASHBOARD_AT_SCALE,
    M0011_RUNNING_TOTALS,
)
