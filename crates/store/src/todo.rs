//! Counts of the work waiting for one caller (待办事项), within its scope: the
//! county's region, the operator's host unit, the expert's own seats, the
//! researcher's unit. Each role's counts are one round trip of indexed
//! `COUNT(*)` queries (`UNION ALL`), so the list is cheap at province scale;
//! the records behind a count are read only for the to-do page, a few at a time.

use crate::StoreResult;
use pocnet_domain::id::{ExpertId, OrgId, UserId};
use pocnet_domain::todo::{Tally, TodoKind, Window};
use sqlx::AnyPool;

/// Whose work is counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TodoScope<'a> {
    /// The bureau: the whole network.
    Bureau,
    /// A county department: its region (code).
    Region(&'a str),
    /// A center operator: the centers its unit hosts.
    HostOrg(OrgId),
    /// An expert: its own seats on panels (library expert id).
    Expert(ExpertId),
    /// A researcher: its unit's results.
    OwnerOrg(OrgId),
    /// An investor: its unit's interests in projects.
    Investor(OrgId),
    /// A project manager: the projects it carries.
    Manager(UserId),
    /// Nobody's work (an expert account without a library profile).
    Nothing,
}

const BUREAU: &str = "SELECT 'to_propose', COUNT(*), CAST(NULL AS TEXT) FROM applications WHERE state = 'bureau_review' \
    UNION ALL SELECT 'to_publish', COUNT(*), CAST(NULL AS TEXT) FROM applications WHERE state = 'proposed' \
    UNION ALL SELECT 'notice_ending', COUNT(*), MIN(notice_end) FROM applications WHERE state = 'in_notice' \
    UNION ALL SELECT 'open_objections', COUNT(*), CAST(NULL AS TEXT) FROM objections WHERE status = 'open' \
    UNION ALL SELECT 'change_reports', COUNT(*), CAST(NULL AS TEXT) FROM change_reports WHERE decision IS NULL \
    UNION ALL SELECT 'overdue_reevaluations', COUNT(*), MIN(reevaluation_due) FROM centers \
        WHERE status = 'active' AND reevaluation_due < $1 \
    UNION ALL SELECT 'expert_registrations', COUNT(*), CAST(NULL AS TEXT) FROM expert_registrations WHERE status = 'pending' \
    UNION ALL SELECT 'evaluations_to_grade', COUNT(*), CAST(NULL AS TEXT) FROM evaluations \
        WHERE state = 'pending' AND round_id IN (SELECT id FROM evaluation_rounds WHERE state = 'open') \
    UNION ALL SELECT 'actions_to_decide', COUNT(*), CAST(NULL AS TEXT) FROM management_actions WHERE state = 'proposed' \
    UNION ALL SELECT 'voucher_quotas_to_decide', COUNT(*), CAST(NULL AS TEXT) FROM voucher_quotas WHERE state = 'applied' \
    UNION ALL SELECT 'voucher_redemptions_to_pay', COUNT(*), CAST(NULL AS TEXT) FROM voucher_uses WHERE state = 'redeeming' \
    UNION ALL SELECT 'grants_to_decide', COUNT(*), CAST(NULL AS TEXT) FROM grants WHERE state = 'proposed' \
    UNION ALL SELECT 'grants_to_pay', COUNT(*), CAST(NULL AS TEXT) FROM grants WHERE state = 'approved' AND paid_yuan < approved_yuan \
    UNION ALL SELECT 'key_projects_to_launch', COUNT(*), CAST(NULL AS TEXT) FROM key_projects \
        WHERE state = 'reserve' AND readiness_met = 5 AND lead_org_id IS NOT NULL \
    UNION ALL SELECT 'competitions_to_judge', COUNT(*), MIN(closes_on) FROM competitions \
        WHERE state = 'judging' OR (state = 'open' AND closes_on < $1)";

const COUNTY: &str = "SELECT 'county_review', COUNT(*), CAST(NULL AS TEXT) FROM applications WHERE state = 'submitted' AND region = $1";

const EXPERT: &str = "SELECT 'applications_to_declare', COUNT(*), MIN(p.due_on) FROM panel_seats p \
        JOIN applications a ON a.id = p.subject_id \
        WHERE p.expert_id = $1 AND p.subject_kind = 'application' AND p.status = 'pending' AND a.state = 'bureau_review' \
    UNION ALL SELECT 'applications_to_score', COUNT(*), MIN(p.due_on) FROM panel_seats p \
        JOIN applications a ON a.id = p.subject_id \
        WHERE p.expert_id = $1 AND p.subject_kind = 'application' AND p.status = 'no_conflict' AND p.total_hundredths IS NULL AND a.state = 'bureau_review' \
    UNION ALL SELECT 'screenings_to_declare', COUNT(*), MIN(v.due_on) FROM panel_seats v \
        JOIN research_results r ON r.id = v.subject_id \
        WHERE v.expert_id = $1 AND v.subject_kind = 'result' AND v.status = 'pending' AND r.state = 'screening' \
    UNION ALL SELECT 'screenings_to_score', COUNT(*), MIN(v.due_on) FROM panel_seats v \
        JOIN research_results r ON r.id = v.subject_id \
        WHERE v.expert_id = $1 AND v.subject_kind = 'result' AND v.status = 'no_conflict' AND v.total_hundredths IS NULL AND r.state = 'screening' \
    UNION ALL SELECT 'evaluations_to_declare', COUNT(*), MIN(v.due_on) FROM panel_seats v \
        JOIN evaluations e ON e.id = v.subject_id \
        WHERE v.expert_id = $1 AND v.subject_kind = 'evaluation' AND v.status = 'pending' AND e.state = 'pending' \
    UNION ALL SELECT 'evaluations_to_score', COUNT(*), MIN(v.due_on) FROM panel_seats v \
        JOIN evaluations e ON e.id = v.subject_id \
        WHERE v.expert_id = $1 AND v.subject_kind = 'evaluation' AND v.status = 'no_conflict' AND v.total_hundredths IS NULL AND e.state = 'pending'";

const CENTER: &str = "SELECT 'milestones_to_accept', COUNT(*), MIN(m.due_on) FROM centers c \
        JOIN research_results r ON r.center_id = c.id JOIN milestones m ON m.result_id = r.id \
        WHERE c.host_org_id = $1 AND r.state = 'verifying' AND m.status = 'submitted' \
    UNION ALL SELECT 'screening_to_start', COUNT(*), CAST(NULL AS TEXT) FROM centers c \
        JOIN research_results r ON r.center_id = c.id WHERE c.host_org_id = $1 AND r.state = 'submitted' \
    UNION ALL SELECT 'milestones_overdue', COUNT(*), MIN(m.due_on) FROM centers c \
        JOIN research_results r ON r.center_id = c.id JOIN milestones m ON m.result_id = r.id \
        WHERE c.host_org_id = $1 AND r.state = 'verifying' AND m.status IN ('planned', 'failed') AND m.due_on < $2 \
    UNION ALL SELECT 'reevaluation_due', COUNT(*), MIN(reevaluation_due) FROM centers \
        WHERE host_org_id = $1 AND status = 'active' AND reevaluation_due <= $3 \
    UNION ALL SELECT 'reports_to_file', COUNT(*), MIN(r.report_due) FROM centers c \
        JOIN annual_reports a ON a.center_id = c.id JOIN evaluation_rounds r ON r.id = a.round_id \
        WHERE c.host_org_id = $1 AND a.state = 'draft' AND r.state = 'open' \
    UNION ALL SELECT 'center_matches_to_answer', COUNT(*), CAST(NULL AS TEXT) FROM demand_matches \
        WHERE stage = 'proposed' AND supply_answer = 'pending' \
        AND (supply_host_org_id = $1 OR (subject_kind = 'center' AND supply_org_id = $1)) \
    UNION ALL SELECT 'resource_requests_to_answer', COUNT(*), MIN(q.wanted_from) FROM centers c \
        JOIN resource_requests q ON q.center_id = c.id WHERE c.host_org_id = $1 AND q.state = 'requested' \
    UNION ALL SELECT 'voucher_orders_to_answer', COUNT(*), CAST(NULL AS TEXT) FROM centers c \
        JOIN voucher_uses u ON u.center_id = c.id WHERE c.host_org_id = $1 AND u.state = 'requested' \
    UNION ALL SELECT 'voucher_services_to_deliver', COUNT(*), CAST(NULL AS TEXT) FROM centers c \
        JOIN voucher_uses u ON u.center_id = c.id WHERE c.host_org_id = $1 AND u.state = 'accepted' \
    UNION ALL SELECT 'center_interests_to_answer', COUNT(*), CAST(NULL AS TEXT) FROM centers c \
        JOIN investor_interests i ON i.center_id = c.id WHERE c.host_org_id = $1 AND i.state = 'expressed' AND i.center_accepted = 0 \
    UNION ALL SELECT 'pilot_projects_to_accept', COUNT(*), CAST(NULL AS TEXT) FROM centers c \
        JOIN pilot_projects p ON p.platform_center_id = c.id WHERE c.host_org_id = $1 AND p.state = 'applied' \
    UNION ALL SELECT 'pilot_projects_to_review', COUNT(*), CAST(NULL AS TEXT) FROM centers c \
        JOIN pilot_projects p ON p.platform_center_id = c.id WHERE c.host_org_id = $1 AND p.state = 'reviewing' \
    UNION ALL SELECT 'pilot_reports_to_issue', COUNT(*), CAST(NULL AS TEXT) FROM centers c \
        JOIN pilot_projects p ON p.platform_center_id = c.id WHERE c.host_org_id = $1 AND p.state = 'running' AND p.milestones_done = p.milestones_total \
    UNION ALL SELECT 'center_pilot_plans_to_confirm', COUNT(*), CAST(NULL AS TEXT) FROM pilot_projects \
        WHERE applicant_org_id = $1 AND state = 'planning' AND milestones_total > 0 \
    UNION ALL SELECT 'concepts_to_batch', COUNT(*), CAST(NULL AS TEXT) FROM centers c \
        JOIN early_concepts k ON k.center_id = c.id WHERE c.host_org_id = $1 AND k.state = 'pooled' \
    UNION ALL SELECT 'seed_batches_to_publish', COUNT(*), MIN(b.review_on) FROM centers c \
        JOIN seed_batches b ON b.center_id = c.id WHERE c.host_org_id = $1 AND b.state = 'reviewing'";

const RESEARCHER: &str = "SELECT 'milestones_returned', COUNT(*), MIN(m.due_on) FROM research_results r \
        JOIN milestones m ON m.result_id = r.id WHERE r.owner_org_id = $1 AND r.state = 'verifying' AND m.status = 'failed' \
    UNION ALL SELECT 'milestones_to_submit', COUNT(*), MIN(m.due_on) FROM research_results r \
        JOIN milestones m ON m.result_id = r.id WHERE r.owner_org_id = $1 AND r.state = 'verifying' AND m.status = 'planned' \
        AND m.due_on <= $2 \
    UNION ALL SELECT 'matches_to_answer', COUNT(*), CAST(NULL AS TEXT) FROM demand_matches \
        WHERE stage = 'proposed' AND ((subject_kind = 'result' AND supply_org_id = $1 AND supply_answer = 'pending') \
        OR (demand_org_id = $1 AND demand_answer = 'pending')) \
    UNION ALL SELECT 'voucher_uses_to_redeem', COUNT(*), CAST(NULL AS TEXT) FROM voucher_uses WHERE org_id = $1 AND state = 'delivered' \
    UNION ALL SELECT 'interests_to_answer', COUNT(*), CAST(NULL AS TEXT) FROM investor_interests \
        WHERE owner_org_id = $1 AND state = 'expressed' AND owner_accepted = 0 \
    UNION ALL SELECT 'pilot_plans_to_confirm', COUNT(*), CAST(NULL AS TEXT) FROM pilot_projects \
        WHERE applicant_org_id = $1 AND state = 'planning' AND milestones_total > 0";

const INVESTOR: &str = "SELECT 'interests_to_pledge', COUNT(*), CAST(NULL AS TEXT) FROM investor_interests WHERE investor_org_id = $1 AND state = 'accepted' \
    UNION ALL SELECT 'finance_applications_to_answer', COUNT(*), CAST(NULL AS TEXT) FROM finance_applications WHERE provider_org_id = $1 AND state = 'applied'";

const MANAGER: &str = "SELECT 'managed_projects_to_update', COUNT(*), MIN(last_entry_on) FROM manager_assignments \
    WHERE manager_id = $1 AND state = 'active' AND last_entry_on < $2";

/// The statement that counts a scope's work, with its binds.
fn statement<'a>(scope: TodoScope<'a>, w: &Window) -> Option<(&'static str, Vec<Bind<'a>>)> {
    let day = |d: chrono::NaiveDate| Bind::Text(d.to_string());
    Some(match scope {
        TodoScope::Bureau => (BUREAU, vec![day(w.today)]),
        TodoScope::Region(r) => (COUNTY, vec![Bind::Str(r)]),
        TodoScope::Expert(e) => (EXPERT, vec![Bind::Int(e.get())]),
        TodoScope::HostOrg(o) => (CENTER, vec![Bind::Int(o.get()), day(w.today), day(w.reevaluations_until)]),
        TodoScope::OwnerOrg(o) => (RESEARCHER, vec![Bind::Int(o.get()), day(w.milestones_until)]),
        TodoScope::Investor(o) => (INVESTOR, vec![Bind::Int(o.get())]),
        TodoScope::Manager(m) => (MANAGER, vec![Bind::Int(m.get()), day(w.updates_before)]),
        TodoScope::Nothing => return None,
    })
}

enum Bind<'a> {
    Int(i64),
    Str(&'a str),
    Text(String),
}

type Row = (String, i64, Option<String>);
type EntryRow = (String, String, String, i64, Option<String>);

impl Bind<'_> {
    fn onto<'q, O>(self, q: sqlx::query::QueryAs<'q, sqlx::Any, O, sqlx::any::AnyArguments<'q>>) -> sqlx::query::QueryAs<'q, sqlx::Any, O, sqlx::any::AnyArguments<'q>> {
        match self {
            Bind::Int(n) => q.bind(n),
            Bind::Str(s) => q.bind(s.to_owned()),
            Bind::Text(s) => q.bind(s),
        }
    }
}

/// The statement counting the work of `scope` (for reading its query plan).
pub fn count_statement(scope: TodoScope<'_>) -> Option<&'static str> {
    statement(scope, &Window::of(chrono::NaiveDate::MIN)).map(|(sql, _)| sql)
}

/// Counts the work waiting in `scope`, one tally per kind, in one round trip.
pub async fn tallies(pool: &AnyPool, scope: TodoScope<'_>, w: &Window) -> StoreResult<Vec<Tally>> {
    let Some((sql, binds)) = statement(scope, w) else {
        return Ok(Vec::new());
    };
    let mut q = sqlx::query_as::<_, Row>(sql);
    for b in binds {
        q = b.onto(q);
    }
    let rows = q.fetch_all(pool).await?;
    Ok(rows
        .into_iter()
        .filter_map(|(kind, count, due)| TodoKind::parse(&kind).ok().map(|kind| Tally { kind, count, due }))
        .collect())
}

/// One record behind a to-do count, for the to-do page.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct TodoEntry {
    /// What it is (a center, an application, a project, with detail).
    pub title: String,
    /// Where the work on it is done.
    pub href: String,
    /// Its date that matters (YYYY-MM-DD), if any.
    #[schema(value_type = Option<String>)]
    pub due: Option<chrono::NaiveDate>,
}

/// The first `limit` records behind a count of `kind` in `scope`, earliest
/// date first; empty for kinds whose list page already shows them.
pub async fn entries(pool: &AnyPool, scope: TodoScope<'_>, kind: TodoKind, w: &Window, limit: i64) -> StoreResult<Vec<TodoEntry>> {
    let day = |d: chrono::NaiveDate| Bind::Text(d.to_string());
    // Each statement returns (title, a detail code, link kind, id, due) and ends with `LIMIT` on the last bind.
    let (sql, mut binds): (&str, Vec<Bind<'_>>) = match (kind, scope) {
        (TodoKind::ChangeReports, TodoScope::Bureau) => (
            "SELECT c.name, x.kind, 'center', c.id, x.due_on FROM change_reports x JOIN centers c ON c.id = x.center_id \
             WHERE x.decision IS NULL ORDER BY x.id LIMIT $1",
            vec![],
        ),
        (TodoKind::OverdueReevaluations, TodoScope::Bureau) => (
            "SELECT name, '', 'center', id, reevaluation_due FROM centers WHERE status = 'active' AND reevaluation_due < $1 \
             ORDER BY reevaluation_due LIMIT $2",
            vec![day(w.today)],
        ),
        (TodoKind::OpenObjections, TodoScope::Bureau) => (
            "SELECT a.proposed_name, '', 'application', a.id, a.notice_end FROM objections o JOIN applications a ON a.id = o.application_id \
             WHERE o.status = 'open' ORDER BY o.id LIMIT $1",
            vec![],
        ),
        (TodoKind::ReevaluationDue, TodoScope::HostOrg(o)) => (
            "SELECT name, '', 'center', id, reevaluation_due FROM centers WHERE host_org_id = $1 AND status = 'active' AND reevaluation_due <= $2 \
             ORDER BY reevaluation_due LIMIT $3",
            vec![Bind::Int(o.get()), day(w.reevaluations_until)],
        ),
        (TodoKind::MilestonesToAccept, TodoScope::HostOrg(o)) => (
            "SELECT r.title || '：' || m.title, '', 'result', r.id, m.due_on FROM centers c JOIN research_results r ON r.center_id = c.id \
             JOIN milestones m ON m.result_id = r.id WHERE c.host_org_id = $1 AND r.state = 'verifying' AND m.status = 'submitted' \
             ORDER BY m.due_on LIMIT $2",
            vec![Bind::Int(o.get())],
        ),
        (TodoKind::MilestonesOverdue, TodoScope::HostOrg(o)) => (
            "SELECT r.title || '：' || m.title, '', 'result', r.id, m.due_on FROM centers c JOIN research_results r ON r.center_id = c.id \
             JOIN milestones m ON m.result_id = r.id WHERE c.host_org_id = $1 AND r.state = 'verifying' \
             AND m.status IN ('planned', 'failed') AND m.due_on < $2 ORDER BY m.due_on LIMIT $3",
            vec![Bind::Int(o.get()), day(w.today)],
        ),
        (TodoKind::ReportsToFile, TodoScope::HostOrg(o)) => (
            "SELECT c.name || '（' || CAST(r.year AS TEXT) || '年度）', '', 'annual_report', a.id, r.report_due FROM centers c \
             JOIN annual_reports a ON a.center_id = c.id JOIN evaluation_rounds r ON r.id = a.round_id \
             WHERE c.host_org_id = $1 AND a.state = 'draft' AND r.state = 'open' ORDER BY r.report_due, a.id LIMIT $2",
            vec![Bind::Int(o.get())],
        ),
        (TodoKind::EvaluationsToDeclare | TodoKind::EvaluationsToScore, TodoScope::Expert(x)) => (
            if kind == TodoKind::EvaluationsToDeclare {
                "SELECT c.name || '（' || CAST(r.year AS TEXT) || '年度）', '', 'evaluation', e.id, v.due_on FROM panel_seats v \
                 JOIN evaluations e ON e.id = v.subject_id JOIN centers c ON c.id = e.center_id JOIN evaluation_rounds r ON r.id = e.round_id \
                 WHERE v.expert_id = $1 AND v.subject_kind = 'evaluation' AND v.status = 'pending' AND e.state = 'pending' ORDER BY v.due_on, e.id LIMIT $2"
            } else {
                "SELECT c.name || '（' || CAST(r.year AS TEXT) || '年度）', '', 'evaluation', e.id, v.due_on FROM panel_seats v \
                 JOIN evaluations e ON e.id = v.subject_id JOIN centers c ON c.id = e.center_id JOIN evaluation_rounds r ON r.id = e.round_id \
                 WHERE v.expert_id = $1 AND v.subject_kind = 'evaluation' AND v.status = 'no_conflict' AND v.total_hundredths IS NULL \
                 AND e.state = 'pending' ORDER BY v.due_on, e.id LIMIT $2"
            },
            vec![Bind::Int(x.get())],
        ),
        (TodoKind::MilestonesReturned, TodoScope::OwnerOrg(o)) => (
            "SELECT r.title || '：' || m.title, '', 'result', r.id, m.due_on FROM research_results r JOIN milestones m ON m.result_id = r.id \
             WHERE r.owner_org_id = $1 AND r.state = 'verifying' AND m.status = 'failed' ORDER BY m.due_on LIMIT $2",
            vec![Bind::Int(o.get())],
        ),
        (TodoKind::MilestonesToSubmit, TodoScope::OwnerOrg(o)) => (
            "SELECT r.title || '：' || m.title, '', 'result', r.id, m.due_on FROM research_results r JOIN milestones m ON m.result_id = r.id \
             WHERE r.owner_org_id = $1 AND r.state = 'verifying' AND m.status = 'planned' AND m.due_on <= $2 ORDER BY m.due_on LIMIT $3",
            vec![Bind::Int(o.get()), day(w.milestones_until)],
        ),
        (TodoKind::CenterMatchesToAnswer, TodoScope::HostOrg(o)) => (
            "SELECT d.title, '', 'demand', d.id, CAST(NULL AS TEXT) FROM demand_matches m JOIN demands d ON d.id = m.demand_id \
             WHERE m.stage = 'proposed' AND m.supply_answer = 'pending' AND (m.supply_host_org_id = $1 OR (m.subject_kind = 'center' AND m.supply_org_id = $1)) \
             ORDER BY m.id LIMIT $2",
            vec![Bind::Int(o.get())],
        ),
        (TodoKind::ResourceRequestsToAnswer, TodoScope::HostOrg(o)) => (
            "SELECT o.name || '（' || g.name || '）', '', 'resource_request', q.id, q.wanted_from FROM centers c \
             JOIN resource_requests q ON q.center_id = c.id JOIN service_offers o ON o.id = q.offer_id JOIN organisations g ON g.id = q.requester_org_id \
             WHERE c.host_org_id = $1 AND q.state = 'requested' ORDER BY q.wanted_from, q.id LIMIT $2",
            vec![Bind::Int(o.get())],
        ),
        (TodoKind::MatchesToAnswer, TodoScope::OwnerOrg(o)) => (
            "SELECT d.title, '', 'demand', d.id, CAST(NULL AS TEXT) FROM demand_matches m JOIN demands d ON d.id = m.demand_id \
             WHERE m.stage = 'proposed' AND ((m.subject_kind = 'result' AND m.supply_org_id = $1 AND m.supply_answer = 'pending') \
             OR (m.demand_org_id = $1 AND m.demand_answer = 'pending')) ORDER BY m.id LIMIT $2",
            vec![Bind::Int(o.get())],
        ),
        (TodoKind::ManagedProjectsToUpdate, TodoScope::Manager(m)) => (
            "SELECT r.title || '（' || c.name || '）', '', 'manager_assignment', a.id, a.last_entry_on FROM manager_assignments a \
             JOIN research_results r ON r.id = a.result_id JOIN centers c ON c.id = a.center_id \
             WHERE a.manager_id = $1 AND a.state = 'active' AND a.last_entry_on < $2 ORDER BY a.last_entry_on, a.id LIMIT $3",
            vec![Bind::Int(m.get()), day(w.updates_before)],
        ),
        _ => return Ok(Vec::new()),
    };
    binds.push(Bind::Int(limit));
    let mut q = sqlx::query_as::<_, EntryRow>(sql);
    for b in binds {
        q = b.onto(q);
    }
    q.fetch_all(pool)
        .await?
        .into_iter()
        .map(|(name, detail, link, id, due)| Ok(TodoEntry {
            // A change report names its kind in Chinese, never its code.
            title: match pocnet_domain::supervision::ChangeKind::parse(&detail) {
                Ok(k) => format!("{name}：{}", k.label_zh()),
                Err(_) => name,
            },
            href: match link.as_str() {
                "center" => format!("/centers/{id}"),
                "application" => format!("/applications/{id}"),
                "annual_report" => format!("/annual-reports/{id}"),
                "evaluation" => format!("/evaluations/{id}"),
                "demand" => format!("/demands/{id}"),
                "resource_request" => format!("/resource-requests/{id}"),
                "manager_assignment" => format!("/manager-assignments/{id}"),
                _ => format!("/results/{id}"),
            },
            due: due.as_deref().map(|d| crate::read_day("to-do entry due", d)).transpose()?,
        }))
        .collect()
}
