-- Issue 17: subsidies and rewards (财政补助与奖励; 001 中试 四(14), 004 五(二), 001 概念验证 四,
-- 000 五(二)). A grant is one programme of the center's profile for one year: proposed by
-- pocnet from the records (a recognition, an upgrade, a reward or support the bureau
-- confirmed after the evaluation), approved by the bureau within the programme's cap (the
-- once rule checked under the center's row lock) or refused, and paid in one or more
-- payments that never exceed the approved amount (a conditional update; the CHECK is the
-- last guard). Payments are append-only.
CREATE TABLE grants (
    id              INTEGER PRIMARY KEY,
    center_id       BIGINT  NOT NULL REFERENCES centers (id),
    profile_id      TEXT    NOT NULL,
    programme       TEXT    NOT NULL,
    label           TEXT    NOT NULL,
    article         TEXT    NOT NULL,
    year            INTEGER NOT NULL,
    basis           TEXT    NOT NULL,
    action_id       BIGINT  REFERENCES management_actions (id),
    proposed_yuan   BIGINT,
    cap_yuan        BIGINT,
    approved_yuan   BIGINT,
    paid_yuan       BIGINT  NOT NULL DEFAULT 0,
    state           TEXT    NOT NULL,
    reason          TEXT    NOT NULL DEFAULT '',
    version         BIGINT  NOT NULL DEFAULT 1,
    created_at      TEXT    NOT NULL,
    updated_at      TEXT    NOT NULL,
    UNIQUE (center_id, programme, year),
    CHECK (approved_yuan IS NULL OR approved_yuan > 0),
    CHECK (cap_yuan IS NULL OR approved_yuan IS NULL OR approved_yuan <= cap_yuan),
    CHECK (paid_yuan >= 0 AND (paid_yuan = 0 OR paid_yuan <= approved_yuan))
);
CREATE INDEX grants_year ON grants (year, id);
CREATE INDEX grants_state ON grants (state, id);
CREATE INDEX grants_center ON grants (center_id, id);

CREATE TABLE grant_payments (
    id           INTEGER PRIMARY KEY,
    grant_id     BIGINT NOT NULL REFERENCES grants (id),
    center_id    BIGINT NOT NULL REFERENCES centers (id),
    paid_on      TEXT   NOT NULL,
    amount_yuan  BIGINT NOT NULL,
    note         TEXT   NOT NULL,
    recorded_by  BIGINT REFERENCES users (id),
    recorded_at  TEXT   NOT NULL,
    CHECK (amount_yuan > 0)
);
CREATE INDEX grant_payments_grant ON grant_payments (grant_id, id);
CREATE INDEX grant_payments_day ON grant_payments (paid_on, center_id);
CREATE TRIGGER grant_payments_no_update BEFORE UPDATE ON grant_payments
BEGIN SELECT RAISE(ABORT, 'grant_payments is append-only'); END;
CREATE TRIGGER grant_payments_no_delete BEFORE DELETE ON grant_payments
BEGIN SELECT RAISE(ABORT, 'grant_payments is append-only'); END;
