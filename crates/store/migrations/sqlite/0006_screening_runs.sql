-- Issue 5: the panel assigner also staffs a center's screening panels
-- (入库评价遴选). A run belongs to a call (application review) or to a
-- center (screening); SQLite cannot drop NOT NULL in place, so the table is
-- rebuilt with its rows.
CREATE TABLE assignment_runs_new (
    id              INTEGER PRIMARY KEY,
    call_id         BIGINT REFERENCES calls (id),
    center_id       BIGINT REFERENCES centers (id),
    purpose         TEXT   NOT NULL DEFAULT 'application_review',
    input_json      TEXT   NOT NULL,
    output_json     TEXT   NOT NULL,
    seed            BIGINT,
    objective_micro BIGINT NOT NULL,
    bound_micro     BIGINT NOT NULL,
    status          TEXT   NOT NULL,
    created_by      BIGINT REFERENCES users (id),
    created_at      TEXT   NOT NULL,
    confirmed_at    TEXT
);
INSERT INTO assignment_runs_new (id, call_id, center_id, purpose, input_json, output_json, seed, objective_micro, bound_micro, status, created_by, created_at, confirmed_at)
    SELECT id, call_id, NULL, 'application_review', input_json, output_json, seed, objective_micro, bound_micro, status, created_by, created_at, confirmed_at
    FROM assignment_runs;
DROP TABLE assignment_runs;
ALTER TABLE assignment_runs_new RENAME TO assignment_runs;
CREATE INDEX assignment_runs_call ON assignment_runs (call_id, id);
CREATE INDEX assignment_runs_center ON assignment_runs (center_id, id);

-- At most one hand-off of a project waits for an answer or stands accepted
-- (the check in the store, made safe against two senders at once).
CREATE UNIQUE INDEX handoffs_one_open ON handoffs (result_id) WHERE state IN ('sent', 'accepted');
