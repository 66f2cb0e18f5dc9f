-- Issue 18: project managers (项目经理人, 004 三(三)(五)): accounts a PoC platform assigns to its projects,
-- who keep a log through decision, progress and exit, and whom the platform assesses once a year on
-- technical and commercial value (“技术价值+商业价值”双重考核).
CREATE TABLE manager_assignments (
    id              INTEGER PRIMARY KEY,
    result_id       BIGINT  NOT NULL REFERENCES research_results (id),
    center_id       BIGINT  NOT NULL REFERENCES centers (id),
    manager_id      BIGINT  NOT NULL REFERENCES users (id),
    state           TEXT    NOT NULL,
    assigned_on     TEXT    NOT NULL,
    trl_at_start    INTEGER NOT NULL,
    brief           TEXT    NOT NULL DEFAULT '',
    exited_on       TEXT,
    exit_route      TEXT,
    exit_reason     TEXT    NOT NULL DEFAULT '',
    last_entry_on   TEXT    NOT NULL,
    entry_count     INTEGER NOT NULL DEFAULT 0,
    version         BIGINT  NOT NULL DEFAULT 1,
    created_at      TEXT    NOT NULL,
    updated_at      TEXT    NOT NULL
);
-- One manager carries a project at a time.
CREATE UNIQUE INDEX manager_assignments_active ON manager_assignments (result_id) WHERE state = 'active';
CREATE INDEX manager_assignments_result ON manager_assignments (result_id, id);
CREATE INDEX manager_assignments_manager ON manager_assignments (manager_id, id);
CREATE INDEX manager_assignments_center ON manager_assignments (center_id, id);
CREATE INDEX manager_assignments_state ON manager_assignments (state, id);

CREATE TABLE manager_entries (
    id              INTEGER PRIMARY KEY,
    assignment_id   BIGINT  NOT NULL REFERENCES manager_assignments (id),
    kind            TEXT    NOT NULL,
    decision        TEXT,
    body            TEXT    NOT NULL,
    recorded_on     TEXT    NOT NULL,
    recorded_by     TEXT    NOT NULL,
    created_at      TEXT    NOT NULL
);
CREATE INDEX manager_entries_assignment ON manager_entries (assignment_id, id);

CREATE TABLE manager_assessments (
    id                   INTEGER PRIMARY KEY,
    center_id            BIGINT  NOT NULL REFERENCES centers (id),
    manager_id           BIGINT  NOT NULL REFERENCES users (id),
    year                 INTEGER NOT NULL,
    technical            INTEGER NOT NULL,
    commercial           INTEGER NOT NULL,
    grade                TEXT    NOT NULL,
    suggested_technical  INTEGER,
    suggested_commercial INTEGER,
    facts                TEXT    NOT NULL,
    opinion              TEXT    NOT NULL,
    assessed_by          TEXT    NOT NULL,
    created_at           TEXT    NOT NULL,
    CHECK (technical BETWEEN 0 AND 100),
    CHECK (commercial BETWEEN 0 AND 100)
);
CREATE UNIQUE INDEX manager_assessments_once ON manager_assessments (center_id, manager_id, year);
CREATE INDEX manager_assessments_manager ON manager_assessments (manager_id, id);
CREATE INDEX manager_assessments_center ON manager_assessments (center_id, id);
