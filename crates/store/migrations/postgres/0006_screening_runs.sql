-- Issue 5: the panel assigner also staffs a center's screening panels
-- (入库评价遴选). A run belongs to a call (application review) or to a
-- center (screening).
ALTER TABLE assignment_runs ALTER COLUMN call_id DROP NOT NULL;
ALTER TABLE assignment_runs ADD COLUMN center_id BIGINT REFERENCES centers (id);
ALTER TABLE assignment_runs ADD COLUMN purpose TEXT NOT NULL DEFAULT 'application_review';
CREATE INDEX assignment_runs_center ON assignment_runs (center_id, id);

-- At most one hand-off of a project waits for an answer or stands accepted
-- (the check in the store, made safe against two senders at once).
CREATE UNIQUE INDEX handoffs_one_open ON handoffs (result_id) WHERE state IN ('sent', 'accepted');
