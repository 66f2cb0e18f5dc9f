-- Issue 15: industry demand (重点产业需求清单, 002 三(九)) and the matches that
-- become the 精准对接清单. A demand is published by an enterprise, a county
-- department or the bureau; the bureau lists it in the year's list of its
-- industry chain. A match is a proposal either side has answered: both sides
-- accepting puts it on the docking list, whose follow-up runs to `landed`.
CREATE TABLE demands (
    id           INTEGER PRIMARY KEY,
    title        TEXT   NOT NULL,
    problem      TEXT   NOT NULL,
    field        TEXT   NOT NULL,
    sub_field    TEXT   NOT NULL,
    target_trl   BIGINT NOT NULL,
    budget_yuan  BIGINT,
    region       TEXT   NOT NULL,
    deadline     TEXT   NOT NULL,
    org_id       BIGINT NOT NULL REFERENCES organisations (id),
    state        TEXT   NOT NULL,
    listed_year  BIGINT,
    created_by   BIGINT REFERENCES users (id),
    version      BIGINT NOT NULL DEFAULT 1,
    created_at   TEXT   NOT NULL,
    updated_at   TEXT   NOT NULL
);
-- The list's orders (newest, deadline) and filters, each ending in the id (keyset pages).
CREATE INDEX demands_created ON demands (created_at, id);
CREATE INDEX demands_deadline ON demands (deadline, id);
CREATE INDEX demands_state ON demands (state, created_at, id);
CREATE INDEX demands_field ON demands (field, created_at, id);
CREATE INDEX demands_region ON demands (region, created_at, id);
CREATE INDEX demands_org ON demands (org_id, created_at, id);

CREATE TABLE demand_matches (
    id             INTEGER PRIMARY KEY,
    demand_id      BIGINT NOT NULL REFERENCES demands (id),
    subject_kind   TEXT   NOT NULL,
    subject_id     BIGINT NOT NULL,
    demand_org_id  BIGINT NOT NULL REFERENCES organisations (id),
    supply_org_id  BIGINT REFERENCES organisations (id),
    supply_host_org_id BIGINT REFERENCES organisations (id),
    region         TEXT   NOT NULL,
    score          BIGINT NOT NULL,
    components     TEXT   NOT NULL,
    demand_answer  TEXT   NOT NULL,
    demand_reason  TEXT   NOT NULL,
    supply_answer  TEXT   NOT NULL,
    supply_reason  TEXT   NOT NULL,
    stage          TEXT   NOT NULL,
    contract_yuan  BIGINT,
    note           TEXT   NOT NULL,
    version        BIGINT NOT NULL DEFAULT 1,
    created_at     TEXT   NOT NULL,
    updated_at     TEXT   NOT NULL,
    UNIQUE (demand_id, subject_kind, subject_id)
);
CREATE INDEX demand_matches_stage ON demand_matches (stage, updated_at, id);
CREATE INDEX demand_matches_updated ON demand_matches (updated_at, id);
CREATE INDEX demand_matches_subject ON demand_matches (subject_kind, subject_id, updated_at, id);
-- The docking list as each caller may read it: its unit on either side, its
-- center's host unit, its region (county departments).
CREATE INDEX demand_matches_demand_org ON demand_matches (demand_org_id, updated_at, id);
CREATE INDEX demand_matches_supply_org ON demand_matches (supply_org_id, updated_at, id);
CREATE INDEX demand_matches_host_org ON demand_matches (supply_host_org_id, updated_at, id);
CREATE INDEX demand_matches_region ON demand_matches (region, updated_at, id);

CREATE TRIGGER search_outbox_demand_insert AFTER INSERT ON demands BEGIN
    INSERT INTO search_outbox (kind, entity_id) VALUES ('demand', NEW.id);
END;
CREATE TRIGGER search_outbox_demand_update AFTER UPDATE ON demands BEGIN
    INSERT INTO search_outbox (kind, entity_id) VALUES ('demand', NEW.id);
END;
CREATE TRIGGER search_outbox_demand_delete AFTER DELETE ON demands BEGIN
    INSERT INTO search_outbox (kind, entity_id) VALUES ('demand', OLD.id);
END;
