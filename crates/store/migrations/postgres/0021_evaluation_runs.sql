-- Issue 14: the panel assigner also staffs a round's evaluation panels
-- (年度绩效评价专家组). A run belongs to a call (application review), a center
-- (screening) or an evaluation round (evaluation).
ALTER TABLE assignment_runs ADD COLUMN round_id BIGINT REFERENCES evaluation_rounds (id);
CREATE INDEX assignment_runs_round ON assignment_runs (round_id, id);
