-- pocnet foundation schema (SQLite twin of postgres/0001_foundation.sql).
-- Timestamps are UTC RFC 3339 text with microseconds ("2026-11-22T08:00:00.000000Z"):
-- they sort as text and read the same in both databases.
-- Booleans are INTEGER 0/1 here (BOOLEAN in PostgreSQL); queries read them through
-- CASE WHEN … THEN 1 ELSE 0 END so both answer the same integer.

CREATE TABLE organisations (
    id          INTEGER PRIMARY KEY,
    name        TEXT    NOT NULL UNIQUE,
    kind        TEXT    NOT NULL,
    region      TEXT    NOT NULL,
    version     BIGINT  NOT NULL DEFAULT 1,
    created_at  TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL
);
CREATE INDEX organisations_region ON organisations (region);

CREATE TABLE users (
    id                  INTEGER PRIMARY KEY,
    username            TEXT    NOT NULL UNIQUE,
    display_name        TEXT    NOT NULL,
    role                TEXT    NOT NULL,
    org_id              BIGINT  NOT NULL REFERENCES organisations (id),
    password_hash       TEXT    NOT NULL,
    is_active           INTEGER NOT NULL DEFAULT 1,
    is_demo             INTEGER NOT NULL DEFAULT 0,
    version             BIGINT  NOT NULL DEFAULT 1,
    created_at          TEXT    NOT NULL,
    updated_at          TEXT    NOT NULL,
    password_changed_at TEXT    NOT NULL
);
CREATE INDEX users_org ON users (org_id);

-- Server-side sessions; the id is the SHA-256 of the token the client holds,
-- so a copy of this table does not hand out live sessions.
CREATE TABLE sessions (
    id            TEXT    PRIMARY KEY,
    user_id       BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token    TEXT    NOT NULL,
    created_at    TEXT    NOT NULL,
    last_seen_at  TEXT    NOT NULL,
    expires_at    TEXT    NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE login_failures (
    id        INTEGER PRIMARY KEY,
    username  TEXT    NOT NULL,
    ip        TEXT    NOT NULL,
    at        TEXT    NOT NULL
);
CREATE INDEX login_failures_username_at ON login_failures (username, at);
CREATE INDEX login_failures_ip_at ON login_failures (ip, at);

-- Append-only: no code path updates or deletes a row (issue 9 chains and signs it).
CREATE TABLE audit_events (
    id           INTEGER PRIMARY KEY,
    at           TEXT    NOT NULL,
    actor_id     BIGINT  REFERENCES users (id),
    actor_label  TEXT    NOT NULL,
    action       TEXT    NOT NULL,
    entity_type  TEXT    NOT NULL,
    entity_id    TEXT    NOT NULL,
    before_json  TEXT,
    after_json   TEXT,
    reason       TEXT,
    ip           TEXT
);
CREATE INDEX audit_events_entity ON audit_events (entity_type, entity_id, id);
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END;
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END;

CREATE TABLE centers (
    id              INTEGER PRIMARY KEY,
    name            TEXT    NOT NULL UNIQUE,
    kind            TEXT    NOT NULL,
    host_org_id     BIGINT  NOT NULL REFERENCES organisations (id),
    region          TEXT    NOT NULL,
    level           TEXT    NOT NULL,
    stage           TEXT    NOT NULL,
    fields          TEXT    NOT NULL,
    admin_director  TEXT    NOT NULL,
    tech_director   TEXT    NOT NULL,
    summary         TEXT    NOT NULL,
    recognized_on   TEXT,
    version         BIGINT  NOT NULL DEFAULT 1,
    created_at      TEXT    NOT NULL,
    updated_at      TEXT    NOT NULL
);
CREATE INDEX centers_host ON centers (host_org_id);

CREATE TABLE experts (
    id          INTEGER PRIMARY KEY,
    user_id     BIGINT  UNIQUE REFERENCES users (id),
    name        TEXT    NOT NULL,
    kind        TEXT    NOT NULL,
    org_id      BIGINT  NOT NULL REFERENCES organisations (id),
    title       TEXT    NOT NULL,
    fields      TEXT    NOT NULL,
    sub_fields  TEXT    NOT NULL,
    keywords    TEXT    NOT NULL,
    region      TEXT    NOT NULL,
    bio         TEXT    NOT NULL,
    version     BIGINT  NOT NULL DEFAULT 1,
    created_at  TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL
);
CREATE INDEX experts_org ON experts (org_id);

CREATE TABLE research_results (
    id              INTEGER PRIMARY KEY,
    title           TEXT    NOT NULL,
    summary         TEXT    NOT NULL,
    secret_summary  TEXT    NOT NULL,
    field           TEXT    NOT NULL,
    sub_field       TEXT    NOT NULL,
    source          TEXT    NOT NULL,
    owner_org_id    BIGINT  NOT NULL REFERENCES organisations (id),
    center_id       BIGINT  REFERENCES centers (id),
    state           TEXT    NOT NULL,
    trl             BIGINT  NOT NULL,
    team            TEXT    NOT NULL,
    patents         TEXT    NOT NULL,
    submitted_on    TEXT    NOT NULL,
    version         BIGINT  NOT NULL DEFAULT 1,
    created_at      TEXT    NOT NULL,
    updated_at      TEXT    NOT NULL
);
CREATE INDEX research_results_center ON research_results (center_id, state);
CREATE INDEX research_results_owner ON research_results (owner_org_id);

-- Facts about this data directory (e.g. that the demo dataset was loaded).
CREATE TABLE settings (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL
);
