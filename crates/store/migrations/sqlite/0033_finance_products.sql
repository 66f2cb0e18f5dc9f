-- Issue 17: the catalogue of loans and insurance for verification and pilot work (001 概念验证 12,
-- 001 中试 15, 004 五(一)): banks publish 概念验证贷款 and 研发贷, insurers 科技保险 and 中试险,
-- each with its terms and rates (a government guarantee fee for small firms at most 0.8 %);
-- an enterprise applies with the amount and purpose; the provider approves (with the amount)
-- or declines (with the reason). One open application per enterprise and product.
CREATE TABLE finance_products (
    id                INTEGER PRIMARY KEY,
    provider_org_id   BIGINT  NOT NULL REFERENCES organisations (id),
    kind              TEXT    NOT NULL,
    name              TEXT    NOT NULL,
    terms             TEXT    NOT NULL,
    max_amount_yuan   BIGINT  NOT NULL,
    term_months       INTEGER NOT NULL,
    rate_bp           INTEGER NOT NULL,
    guarantee_fee_bp  INTEGER,
    for_small_firms   INTEGER NOT NULL,
    eligibility       TEXT    NOT NULL,
    contact           TEXT    NOT NULL,
    state             TEXT    NOT NULL,
    applications      BIGINT  NOT NULL DEFAULT 0,
    version           BIGINT  NOT NULL DEFAULT 1,
    created_at        TEXT    NOT NULL,
    updated_at        TEXT    NOT NULL,
    CHECK (max_amount_yuan > 0),
    CHECK (guarantee_fee_bp IS NULL OR for_small_firms = 0 OR guarantee_fee_bp <= 80)
);
CREATE INDEX finance_products_kind ON finance_products (state, kind, id);
CREATE INDEX finance_products_provider ON finance_products (provider_org_id, id);

CREATE TABLE finance_applications (
    id              INTEGER PRIMARY KEY,
    product_id      BIGINT NOT NULL REFERENCES finance_products (id),
    provider_org_id BIGINT NOT NULL REFERENCES organisations (id),
    org_id          BIGINT NOT NULL REFERENCES organisations (id),
    applied_by      BIGINT REFERENCES users (id),
    amount_yuan     BIGINT NOT NULL,
    purpose         TEXT   NOT NULL,
    state           TEXT   NOT NULL,
    approved_yuan   BIGINT,
    reason          TEXT   NOT NULL DEFAULT '',
    version         BIGINT NOT NULL DEFAULT 1,
    created_at      TEXT   NOT NULL,
    updated_at      TEXT   NOT NULL,
    CHECK (amount_yuan > 0),
    CHECK (approved_yuan IS NULL OR approved_yuan > 0)
);
CREATE UNIQUE INDEX finance_applications_open ON finance_applications (product_id, org_id) WHERE state = 'applied';
CREATE INDEX finance_applications_org ON finance_applications (org_id, id);
CREATE INDEX finance_applications_provider ON finance_applications (provider_org_id, state, id);
CREATE INDEX finance_applications_product ON finance_applications (product_id, id);
