-- Issue 18: the list of key PoC platform projects (重点推进项目清单, 004 二(二)): platforms the bureau
-- plans top-down, held in reserve until the builder meets the five conditions of 004 二(四), then
-- launched (“成熟一个、启动一个”), built as a PoC center of the register, or dropped with the reason.
CREATE TABLE key_projects (
    id              INTEGER PRIMARY KEY,
    title           TEXT    NOT NULL,
    category        TEXT    NOT NULL,
    direction       TEXT    NOT NULL,
    goal            TEXT    NOT NULL,
    area            TEXT    NOT NULL DEFAULT '',
    budget_wan      BIGINT  NOT NULL DEFAULT 0,
    lead_org_id     BIGINT  REFERENCES organisations (id),
    readiness       TEXT    NOT NULL DEFAULT '',
    readiness_met   INTEGER NOT NULL DEFAULT 0,
    state           TEXT    NOT NULL,
    launched_on     TEXT,
    center_id       BIGINT  REFERENCES centers (id),
    built_on        TEXT,
    reason          TEXT    NOT NULL DEFAULT '',
    version         BIGINT  NOT NULL DEFAULT 1,
    created_at      TEXT    NOT NULL,
    updated_at      TEXT    NOT NULL,
    CHECK (budget_wan >= 0),
    CHECK (readiness_met BETWEEN 0 AND 5)
);
CREATE INDEX key_projects_state ON key_projects (state, id);
CREATE INDEX key_projects_category ON key_projects (category, id);
CREATE INDEX key_projects_lead ON key_projects (lead_org_id, id);
CREATE UNIQUE INDEX key_projects_center ON key_projects (center_id);
