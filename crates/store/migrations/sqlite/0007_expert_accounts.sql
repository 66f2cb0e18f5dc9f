-- Issue 10: experts are people with accounts.

-- One-time activation codes (激活码): an account opened from a library
-- expert's record has no usable password until the expert sets one with the
-- code. Only the SHA-256 of a code is kept; a code is used once.
CREATE TABLE activation_codes (
    id          INTEGER PRIMARY KEY,
    user_id     BIGINT NOT NULL REFERENCES users (id),
    code_hash   TEXT   NOT NULL UNIQUE,
    expires_at  TEXT   NOT NULL,
    used_at     TEXT,
    created_by  BIGINT REFERENCES users (id),
    created_at  TEXT   NOT NULL
);
CREATE INDEX activation_codes_user ON activation_codes (user_id);

-- Applications to join the expert library (专家入库申请), pending until the
-- bureau decides. The password hash is kept only while pending: approval moves
-- it into the new account, rejection clears it.
CREATE TABLE expert_registrations (
    id             INTEGER PRIMARY KEY,
    username       TEXT   NOT NULL,
    password_hash  TEXT   NOT NULL,
    profile_json   TEXT   NOT NULL,
    name           TEXT   NOT NULL,
    org_name       TEXT   NOT NULL,
    org_kind       TEXT   NOT NULL,
    status         TEXT   NOT NULL,
    reason         TEXT   NOT NULL DEFAULT '',
    ip             TEXT   NOT NULL,
    expert_id      BIGINT REFERENCES experts (id),
    decided_by     BIGINT REFERENCES users (id),
    decided_at     TEXT,
    created_at     TEXT   NOT NULL
);
-- One pending application per login name.
CREATE UNIQUE INDEX expert_registrations_pending_username ON expert_registrations (username) WHERE status = 'pending';
CREATE INDEX expert_registrations_status ON expert_registrations (status, id);
CREATE INDEX expert_registrations_ip ON expert_registrations (ip, created_at);

-- A center manages the accounts of its own advisory experts: find an
-- expert's centers without scanning the advisory teams.
CREATE INDEX center_advisors_expert ON center_advisors (expert_id);
