-- Synthetic rows for the to-do query plans (province scale).
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000)
INSERT INTO experts (name, kind, org_id, title, fields, sub_fields, keywords, region, bio, created_at, updated_at)
SELECT '合成专家' || i, 'industry', (SELECT MIN(id) FROM organisations), '教授', '[]', '[]', '[]', '鹿城区', '', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z' FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10)
INSERT INTO calls (title, profile_id, kind, body, opens_on, deadline_at, created_at)
SELECT '合成通知' || i, 'wenzhou-municipal-2025', 'recognition', '', '2026-01-01', '2026-12-31T15:59:59Z', '2026-01-01T00:00:00Z' FROM n;
INSERT INTO applications (call_id, center_id, host_org_id, region, proposed_name, state, notice_end, created_at, updated_at)
SELECT k.id, c.id, c.host_org_id, c.region, '合成申报' || c.id || '-' || k.id,
  CASE (c.id + k.id) % 9 WHEN 0 THEN 'draft' WHEN 1 THEN 'submitted' WHEN 2 THEN 'bureau_review' WHEN 3 THEN 'proposed'
    WHEN 4 THEN 'in_notice' WHEN 5 THEN 'approved' WHEN 6 THEN 'rejected' WHEN 7 THEN 'returned' ELSE 'withdrawn' END,
  CASE WHEN (c.id + k.id) % 9 = 4 THEN '2026-12-08' END, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z'
FROM centers c CROSS JOIN calls k;
INSERT INTO panel_reviews (application_id, expert_id, assigned_at, conflict_status)
SELECT a.id, e.id, '2026-01-01T00:00:00Z', CASE (a.id + e.id) % 3 WHEN 0 THEN 'pending' WHEN 1 THEN 'no_conflict' ELSE 'recused' END
FROM applications a JOIN experts e ON e.id % 1667 = a.id % 1667 AND e.name LIKE '合成专家%' AND e.id % 5 < 1;
INSERT INTO result_reviews (result_id, expert_id, assigned_at, conflict_status)
SELECT r.id, e.id, '2026-01-01T00:00:00Z', 'pending'
FROM research_results r JOIN experts e ON e.id % 4000 = r.id % 4000 AND e.name LIKE '合成专家%' AND e.id % 7 < 1
WHERE r.state IN ('screening', 'admitted', 'verifying', 'verified', 'rejected');
INSERT INTO milestones (result_id, kind, title, goal, due_on, budget_yuan, status, created_at)
SELECT r.id, 'technical', '合成里程碑', '', '2026-06-30', 100000,
  CASE r.id % 5 WHEN 0 THEN 'planned' WHEN 1 THEN 'submitted' WHEN 2 THEN 'accepted' WHEN 3 THEN 'failed' ELSE 'cancelled' END, '2026-01-01T00:00:00Z'
FROM research_results r WHERE r.state IN ('verifying', 'verified', 'handed_off');
INSERT INTO milestones (result_id, kind, title, goal, due_on, budget_yuan, status, created_at)
SELECT r.id, 'scenario', '合成里程碑2', '', '2026-09-30', 100000, 'accepted', '2026-01-01T00:00:00Z'
FROM research_results r WHERE r.state IN ('verifying', 'verified', 'handed_off');
INSERT INTO objections (application_id, name, contact, content, filed_at, status)
SELECT id, '合成异议人', '13800000000', '合成异议', '2026-01-01T00:00:00Z', CASE WHEN id % 10 = 0 THEN 'open' ELSE 'dismissed' END FROM applications WHERE state IN ('in_notice', 'approved', 'rejected');
INSERT INTO change_reports (center_id, kind, change_date, due_on, reported_on, overdue, description, decision, created_at)
SELECT id, 'merger', '2026-01-01', '2026-04-01', '2026-02-01', 0, '合成变化', CASE WHEN id % 10 = 0 THEN NULL ELSE 'keep' END, '2026-01-01T00:00:00Z' FROM centers;
UPDATE centers SET reevaluation_due = CASE WHEN id % 3 = 0 THEN '2026-06-01' ELSE '2027-06-01' END WHERE kind = 'pilot_platform';
