-- Issue 17: innovation vouchers (科技创新券; 001 概念验证 四, 中试 四(14); 004 四(一)).
-- A yearly scheme with the bureau's limits and budget, the providers it lists
-- (服务机构目录), each enterprise's quota (申领额度), each use of a voucher
-- (申请使用 → 服务 → 申请兑付 → 兑付) and the ledger (台账) of every yuan reserved,
-- released and paid. The running totals are kept on the scheme, the quota and
-- the provider and changed only by conditional updates, so two requests at once
-- cannot spend past a limit; the CHECKs are the last guard.
CREATE TABLE voucher_schemes (
    id                     INTEGER PRIMARY KEY,
    year                   INTEGER NOT NULL UNIQUE,
    title                  TEXT    NOT NULL,
    budget_yuan            BIGINT  NOT NULL,
    per_use_cap_yuan       BIGINT  NOT NULL,
    per_year_cap_yuan      BIGINT  NOT NULL,
    share_percent          INTEGER NOT NULL,
    full_cover_up_to_yuan  BIGINT  NOT NULL,
    reserved_yuan          BIGINT  NOT NULL DEFAULT 0,
    paid_yuan              BIGINT  NOT NULL DEFAULT 0,
    state                  TEXT    NOT NULL,
    version                BIGINT  NOT NULL DEFAULT 1,
    created_at             TEXT    NOT NULL,
    updated_at             TEXT    NOT NULL,
    CHECK (reserved_yuan >= 0 AND paid_yuan >= 0 AND reserved_yuan + paid_yuan <= budget_yuan)
);

CREATE TABLE voucher_providers (
    scheme_id   BIGINT NOT NULL REFERENCES voucher_schemes (id),
    center_id   BIGINT NOT NULL REFERENCES centers (id),
    uses        BIGINT NOT NULL DEFAULT 0,
    paid_yuan   BIGINT NOT NULL DEFAULT 0,
    added_at    TEXT   NOT NULL,
    PRIMARY KEY (scheme_id, center_id)
);

CREATE TABLE voucher_quotas (
    id              INTEGER PRIMARY KEY,
    scheme_id       BIGINT NOT NULL REFERENCES voucher_schemes (id),
    org_id          BIGINT NOT NULL REFERENCES organisations (id),
    requested_by    BIGINT REFERENCES users (id),
    requested_yuan  BIGINT NOT NULL,
    purpose         TEXT   NOT NULL,
    granted_yuan    BIGINT NOT NULL DEFAULT 0,
    reserved_yuan   BIGINT NOT NULL DEFAULT 0,
    paid_yuan       BIGINT NOT NULL DEFAULT 0,
    uses            BIGINT NOT NULL DEFAULT 0,
    state           TEXT   NOT NULL,
    reason          TEXT   NOT NULL DEFAULT '',
    version         BIGINT NOT NULL DEFAULT 1,
    created_at      TEXT   NOT NULL,
    updated_at      TEXT   NOT NULL,
    UNIQUE (scheme_id, org_id),
    CHECK (reserved_yuan >= 0 AND paid_yuan >= 0 AND reserved_yuan + paid_yuan <= granted_yuan)
);
CREATE INDEX voucher_quotas_scheme ON voucher_quotas (scheme_id, id);
CREATE INDEX voucher_quotas_state ON voucher_quotas (state, scheme_id, id);
CREATE INDEX voucher_quotas_org ON voucher_quotas (org_id, id);

CREATE TABLE voucher_uses (
    id            INTEGER PRIMARY KEY,
    scheme_id     BIGINT NOT NULL REFERENCES voucher_schemes (id),
    quota_id      BIGINT NOT NULL REFERENCES voucher_quotas (id),
    org_id        BIGINT NOT NULL REFERENCES organisations (id),
    center_id     BIGINT NOT NULL REFERENCES centers (id),
    offer_id      BIGINT NOT NULL REFERENCES service_offers (id),
    requested_by  BIGINT REFERENCES users (id),
    description   TEXT   NOT NULL,
    fee_yuan      BIGINT NOT NULL,
    covered_yuan  BIGINT NOT NULL,
    state         TEXT   NOT NULL,
    invoice_no    TEXT   NOT NULL DEFAULT '',
    reason        TEXT   NOT NULL DEFAULT '',
    version       BIGINT NOT NULL DEFAULT 1,
    created_at    TEXT   NOT NULL,
    updated_at    TEXT   NOT NULL,
    CHECK (fee_yuan >= 0 AND covered_yuan >= 0 AND covered_yuan <= fee_yuan)
);
CREATE INDEX voucher_uses_scheme ON voucher_uses (scheme_id, id);
CREATE INDEX voucher_uses_state ON voucher_uses (state, scheme_id, id);
CREATE INDEX voucher_uses_org ON voucher_uses (org_id, id);
CREATE INDEX voucher_uses_center ON voucher_uses (center_id, id);
CREATE INDEX voucher_uses_quota ON voucher_uses (quota_id, id);

CREATE TABLE voucher_ledger (
    id             INTEGER PRIMARY KEY,
    scheme_id      BIGINT NOT NULL REFERENCES voucher_schemes (id),
    quota_id       BIGINT NOT NULL REFERENCES voucher_quotas (id),
    use_id         BIGINT NOT NULL REFERENCES voucher_uses (id),
    entry          TEXT   NOT NULL,
    amount_yuan    BIGINT NOT NULL,
    reserved_after BIGINT NOT NULL,
    paid_after     BIGINT NOT NULL,
    recorded_by    BIGINT REFERENCES users (id),
    recorded_at    TEXT   NOT NULL
);
CREATE INDEX voucher_ledger_scheme ON voucher_ledger (scheme_id, id);
CREATE INDEX voucher_ledger_use ON voucher_ledger (use_id, id);
CREATE TRIGGER voucher_ledger_no_update BEFORE UPDATE ON voucher_ledger
BEGIN SELECT RAISE(ABORT, 'voucher_ledger is append-only'); END;
CREATE TRIGGER voucher_ledger_no_delete BEFORE DELETE ON voucher_ledger
BEGIN SELECT RAISE(ABORT, 'voucher_ledger is append-only'); END;
