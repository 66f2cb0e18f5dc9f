-- Issue 5: the panel assigner also staffs a center's screening panels
-- (入库评价遴选). A run belongs to a call (application review) or to a
-- center (screening).
ALTER TABLE assignment_runs ALTER COLUMN call_id DROP NOT NULL;
ALTER TABLE assignment_runs ADD COLUMN center_id BIGINT REFERENCES centers (id);
ALTER TABLE assignment_runs ADD COLUMN purpose TEXT NOT NULL DEFAULT 'application_review';
CREATE INDEX assignment_runs_center ON assignment_runs (center_id, id);
