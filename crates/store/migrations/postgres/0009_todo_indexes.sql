-- Issue 10: the to-do list (待办事项) counts each role's waiting work on every
-- dashboard and to-do page view; these indexes keep each count an index
-- search within the caller's scope instead of a scan of the whole table.

-- The bureau's open objections (an objection is open only while in notice).
CREATE INDEX objections_open ON objections (application_id) WHERE status = 'open';
-- The bureau's undecided change reports.
CREATE INDEX change_reports_pending ON change_reports (center_id) WHERE decision IS NULL;
-- Re-evaluations due (bureau: overdue; operator: its platforms due soon).
CREATE INDEX centers_status_reevaluation ON centers (status, reevaluation_due);
-- A researcher's unit's projects in verification (milestones returned or due).
CREATE INDEX research_results_owner_state ON research_results (owner_org_id, state);
