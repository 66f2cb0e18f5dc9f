-- Issue 17: the centers' returns (中心收益, “反哺”; 000 二(四), 004 四(二)): per project,
-- the agreement between the center, the owner unit and the enterprise — the
-- instrument (服务费、成果转化收益分成、优先认股权、未来可转股权、服务换股权、孵化跟投),
-- its share (basis points) or amount, the trigger and the term — and what it
-- yields, recorded when it happens (append-only; the agreement keeps the total).
CREATE TABLE return_agreements (
    id             INTEGER PRIMARY KEY,
    center_id      BIGINT  NOT NULL REFERENCES centers (id),
    result_id      BIGINT  NOT NULL REFERENCES research_results (id),
    instrument     TEXT    NOT NULL,
    counterparty   TEXT    NOT NULL,
    share_bp       INTEGER,
    amount_yuan    BIGINT,
    trigger_terms  TEXT    NOT NULL,
    starts_on      TEXT    NOT NULL,
    ends_on        TEXT,
    note           TEXT    NOT NULL,
    realised_yuan  BIGINT  NOT NULL DEFAULT 0,
    state          TEXT    NOT NULL,
    end_reason     TEXT    NOT NULL DEFAULT '',
    version        BIGINT  NOT NULL DEFAULT 1,
    created_at     TEXT    NOT NULL,
    updated_at     TEXT    NOT NULL,
    CHECK (share_bp IS NULL OR (share_bp > 0 AND share_bp <= 10000)),
    CHECK (amount_yuan IS NULL OR amount_yuan > 0),
    CHECK (realised_yuan >= 0)
);
CREATE INDEX return_agreements_center ON return_agreements (center_id, id);
CREATE INDEX return_agreements_result ON return_agreements (result_id, id);

CREATE TABLE realised_returns (
    id            INTEGER PRIMARY KEY,
    agreement_id  BIGINT NOT NULL REFERENCES return_agreements (id),
    center_id     BIGINT NOT NULL REFERENCES centers (id),
    received_on   TEXT   NOT NULL,
    amount_yuan   BIGINT NOT NULL,
    form          TEXT   NOT NULL,
    note          TEXT   NOT NULL,
    recorded_by   BIGINT REFERENCES users (id),
    recorded_at   TEXT   NOT NULL,
    CHECK (amount_yuan > 0)
);
CREATE INDEX realised_returns_agreement ON realised_returns (agreement_id, id);
CREATE INDEX realised_returns_center ON realised_returns (center_id, received_on);
CREATE INDEX realised_returns_day ON realised_returns (received_on, center_id);
CREATE TRIGGER realised_returns_no_update BEFORE UPDATE ON realised_returns
BEGIN SELECT RAISE(ABORT, 'realised_returns is append-only'); END;
CREATE TRIGGER realised_returns_no_delete BEFORE DELETE ON realised_returns
BEGIN SELECT RAISE(ABORT, 'realised_returns is append-only'); END;
