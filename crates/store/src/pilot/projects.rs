//! Pilot projects (中试项目) and their plans' milestones. Every change is a compare-and-set on the
//! project's version and is audited; the milestone counts and the fee total are kept on the
//! project by the statements that change them.

use crate::audit::{self, Change};
use crate::column::{Code, Instant, MaybeCode, MaybeDay};
use crate::listing::{self, ListRow, Order};
use crate::sql_where::{contains, Arg, Where};
use crate::{format_ts, Actor, Page, Paged, SortDir, StoreError, StoreResult};
use chrono::{DateTime, NaiveDate, Utc};
use pocnet_domain::id::{CenterId, OrgId};
use pocnet_domain::pilot::project::{ApplicationDraft, MilestoneDraft, ReportDraft, ReviewDraft};
use pocnet_domain::pilot::{MarketFit, MassProduction, PilotSource, PilotStage, PilotState};
use serde::Serialize;
use sqlx::{AnyConnection, AnyPool, FromRow};

/// A pilot project with its platform's and applicant's names.
#[derive(Debug, Clone, Serialize, FromRow, utoipa::ToSchema)]
pub struct PilotProject {
    /// Id.
    pub id: i64,
    /// The pilot platform.
    #[sqlx(try_from = "i64")]
    #[schema(value_type = i64)]
    pub platform_center_id: CenterId,
    /// Its name.
    pub platform_name: String,
    /// Its host unit (whose operators run the project).
    #[sqlx(try_from = "i64")]
    #[schema(value_type = i64)]
    pub platform_host_org_id: OrgId,
    /// Hand-off or direct application.
    #[sqlx(try_from = "Code<PilotSource>")]
    pub source: PilotSource,
    /// The hand-off it came from.
    pub handoff_id: Option<i64>,
    /// The verified project it scales up (a hand-off's).
    pub result_id: Option<i64>,
    /// The applicant: the enterprise or team, or the PoC center's host unit for a hand-off.
    #[sqlx(try_from = "i64")]
    #[schema(value_type = i64)]
    pub applicant_org_id: OrgId,
    /// Its name.
    pub applicant_name: String,
    /// 项目名称.
    pub title: String,
    /// Field code.
    pub field: String,
    /// 中试目标与需求.
    pub goal: String,
    /// Where it stands.
    #[sqlx(try_from = "Code<PilotState>")]
    pub state: PilotState,
    /// 论证人 (the chief expert or chief engineer).
    pub reviewer: String,
    /// 论证意见.
    pub opinion: String,
    /// Day of the feasibility review.
    #[sqlx(try_from = "MaybeDay")]
    #[schema(value_type = Option<String>)]
    pub reviewed_on: Option<NaiveDate>,
    /// The plan's fees, yuan.
    pub fee_total_yuan: i64,
    /// Milestones in the plan.
    pub milestones_total: i32,
    /// Milestones done.
    pub milestones_done: i32,
    /// 量产可行性 (the report's).
    #[sqlx(try_from = "MaybeCode<MassProduction>")]
    pub mass_production: Option<MassProduction>,
    /// 市场适配性 (the report's).
    #[sqlx(try_from = "MaybeCode<MarketFit>")]
    pub market_fit: Option<MarketFit>,
    /// 中试结论与数据.
    pub summary: String,
    /// 反馈需求 (fed back to the PoC center or team).
    pub needs: String,
    /// Day the report was issued.
    #[sqlx(try_from = "MaybeDay")]
    #[schema(value_type = Option<String>)]
    pub reported_on: Option<NaiveDate>,
    /// Why it was declined, found infeasible, withdrawn or terminated.
    pub reason: String,
    /// Optimistic-lock version; send it back with each step.
    pub version: i64,
    /// Opened at (UTC).
    #[sqlx(try_from = "Instant")]
    #[serde(serialize_with = "crate::time::serde_ts::instant")]
    #[schema(value_type = String)]
    pub created_at: DateTime<Utc>,
    /// Last changed at (UTC).
    #[sqlx(try_from = "Instant")]
    #[serde(serialize_with = "crate::time::serde_ts::instant")]
    #[schema(value_type = String)]
    pub updated_at: DateTime<Utc>,
}

impl ListRow for PilotProject {
    fn list_id(&self) -> i64 {
        self.id
    }
}

impl PilotProject {
    /// Milestones not done yet.
    pub fn open_milestones(&self) -> usize {
        usize::try_from(self.milestones_total - self.milestones_done).unwrap_or(0)
    }

    /// Done milestones as a share of the plan, in percent (0 without a plan).
    pub fn progress_percent(&self) -> i32 {
        if self.milestones_total == 0 {
            0
        } else {
            self.milestones_done * 100 / self.milestones_total
        }
    }
}

const SELECT: &str = "SELECT p.id, p.platform_center_id, c.name AS platform_name, c.host_org_id AS platform_host_org_id, p.source, p.handoff_id, p.result_id, \
    p.applicant_org_id, o.name AS applicant_name, p.title, p.field, p.goal, p.state, p.reviewer, p.opinion, p.reviewed_on, p.fee_total_yuan, p.milestones_total, \
    p.milestones_done, p.mass_production, p.market_fit, p.summary, p.needs, p.reported_on, p.reason, p.version, p.created_at, p.updated_at \
    FROM pilot_projects p CROSS JOIN centers c CROSS JOIN organisations o";
const BASE: &str = "FROM pilot_projects p CROSS JOIN centers c CROSS JOIN organisations o";
const JOINED: &str = "c.id = p.platform_center_id AND o.id = p.applicant_org_id";

/// Where a new project comes from.
#[derive(Debug, Clone, Copy)]
pub struct Origin {
    /// Hand-off or direct.
    pub source: PilotSource,
    /// The hand-off.
    pub handoff_id: Option<i64>,
    /// The verified project.
    pub result_id: Option<i64>,
    /// The applicant unit.
    pub applicant: OrgId,
    /// The state it opens in: `applied` (direct) or `reviewing` (a hand-off the platform accepted).
    pub state: PilotState,
}

/// Opens a pilot project at `platform`.
pub async fn open(conn: &mut AnyConnection, actor: &Actor, now: DateTime<Utc>, platform: CenterId, origin: &Origin, d: &ApplicationDraft) -> StoreResult<i64> {
    let ts = format_ts(now);
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO pilot_projects (platform_center_id, source, handoff_id, result_id, applicant_org_id, applied_by, title, field, goal, state, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id",
    )
    .bind(platform.get())
    .bind(origin.source.as_str())
    .bind(origin.handoff_id)
    .bind(origin.result_id)
    .bind(origin.applicant.get())
    .bind(actor.user_column())
    .bind(&d.title)
    .bind(&d.field)
    .bind(&d.goal)
    .bind(origin.state.as_str())
    .bind(&ts)
    .fetch_one(&mut *conn)
    .await
    .map_err(StoreError::on_unique("handoff_id"))?;
    let after = serde_json::json!({"platform_center_id": platform, "source": origin.source, "handoff_id": origin.handoff_id, "title": d.title, "state": origin.state});
    audit::record(conn, actor, now, change("pilot_project.open", id, after, None)).await?;
    Ok(id)
}

fn change<'a>(action: &'a str, id: i64, after: serde_json::Value, reason: Option<&'a str>) -> Change<'a> {
    Change { action, entity_type: "pilot_project", entity_id: id.to_string(), before: None, after: Some(after), reason }
}

/// Moves the project from `from` at `version` to `to`, keeping `reason` (a decline, withdrawal,
/// infeasibility or termination).
#[allow(clippy::too_many_arguments)]
pub async fn step(conn: &mut AnyConnection, actor: &Actor, now: DateTime<Utc>, id: i64, version: i64, from: PilotState, to: PilotState, reason: &str) -> StoreResult<()> {
    let n = sqlx::query("UPDATE pilot_projects SET state = $1, reason = $2, version = version + 1, updated_at = $3 WHERE id = $4 AND version = $5 AND state = $6")
        .bind(to.as_str())
        .bind(reason)
        .bind(format_ts(now))
        .bind(id)
        .bind(version)
        .bind(from.as_str())
        .execute(&mut *conn)
        .await?
        .rows_affected();
    if n == 0 {
        return Err(StoreError::VersionConflict { expected: version });
    }
    let reason = (!reason.is_empty()).then_some(reason);
    audit::record(conn, actor, now, change("pilot_project.step", id, serde_json::json!({"from": from, "to": to}), reason)).await
}

/// Records the chief expert's feasibility review and its outcome state.
#[allow(clippy::too_many_arguments)]
pub async fn review(conn: &mut AnyConnection, actor: &Actor, now: DateTime<Utc>, id: i64, version: i64, r: &ReviewDraft, to: PilotState, today: NaiveDate) -> StoreResult<()> {
    let reason = if to == PilotState::Infeasible { r.opinion.as_str() } else { "" };
    let n = sqlx::query(
        "UPDATE pilot_projects SET state = $1, reviewer = $2, opinion = $3, reviewed_on = $4, reason = $5, version = version + 1, updated_at = $6 \
         WHERE id = $7 AND version = $8 AND state = 'reviewing'",
    )
    .bind(to.as_str())
    .bind(&r.reviewer)
    .bind(&r.opinion)
    .bind(today.to_string())
    .bind(reason)
    .bind(format_ts(now))
    .bind(id)
    .bind(version)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if n == 0 {
        return Err(StoreError::VersionConflict { expected: version });
    }
    let after = serde_json::json!({"state": to, "reviewer": r.reviewer, "opinion": r.opinion});
    audit::record(conn, actor, now, change("pilot_project.review", id, after, None)).await
}

/// Replaces the plan of a project in planning at `version` with `milestones`.
pub async fn plan(conn: &mut AnyConnection, actor: &Actor, now: DateTime<Utc>, id: i64, version: i64, milestones: &[MilestoneDraft]) -> StoreResult<()> {
    let total: i64 = milestones.iter().map(|m| m.fee_yuan).sum();
    let n = sqlx::query(
        "UPDATE pilot_projects SET fee_total_yuan = $1, milestones_total = $2, milestones_done = 0, version = version + 1, updated_at = $3 \
         WHERE id = $4 AND version = $5 AND state = 'planning'",
    )
    .bind(total)
    .bind(i32::try_from(milestones.len()).unwrap_or(i32::MAX))
    .bind(format_ts(now))
    .bind(id)
    .bind(version)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if n == 0 {
        return Err(StoreError::VersionConflict { expected: version });
    }
    sqlx::query("DELETE FROM pilot_milestones WHERE project_id = $1").bind(id).execute(&mut *conn).await?;
    for (i, m) in milestones.iter().enumerate() {
        sqlx::query("INSERT INTO pilot_milestones (project_id, seq, stage, title, due_on, fee_yuan) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(id)
            .bind(i32::try_from(i + 1).unwrap_or(i32::MAX))
            .bind(m.stage.as_str())
            .bind(&m.title)
            .bind(m.due_on.to_string())
            .bind(m.fee_yuan)
            .execute(&mut *conn)
            .await?;
    }
    let after = serde_json::json!({"milestones": milestones.iter().map(|m| serde_json::json!({"stage": m.stage, "title": m.title, "due_on": m.due_on, "fee_yuan": m.fee_yuan})).collect::<Vec<_>>(), "fee_total_yuan": total});
    audit::record(conn, actor, now, change("pilot_project.plan", id, after, None)).await
}

/// Records milestone `seq` of a running project at `version` as done on `today`.
#[allow(clippy::too_many_arguments)]
pub async fn milestone_done(conn: &mut AnyConnection, actor: &Actor, now: DateTime<Utc>, id: i64, version: i64, seq: i32, note: &str, today: NaiveDate) -> StoreResult<()> {
    let n = sqlx::query("UPDATE pilot_milestones SET done_on = $1, note = $2 WHERE project_id = $3 AND seq = $4 AND done_on IS NULL")
        .bind(today.to_string())
        .bind(note)
        .bind(id)
        .bind(seq)
        .execute(&mut *conn)
        .await?
        .rows_affected();
    if n == 0 {
        return Err(StoreError::Refused { code: "milestone_done", message: format!("第{seq}个节点不存在或已完成") });
    }
    let n = sqlx::query(
        "UPDATE pilot_projects SET milestones_done = milestones_done + 1, version = version + 1, updated_at = $1 WHERE id = $2 AND version = $3 AND state = 'running'",
    )
    .bind(format_ts(now))
    .bind(id)
    .bind(version)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if n == 0 {
        return Err(StoreError::VersionConflict { expected: version });
    }
    audit::record(conn, actor, now, change("pilot_project.milestone", id, serde_json::json!({"seq": seq, "note": note}), None)).await
}

/// Issues the pilot report of a running project at `version` (every milestone done).
pub async fn report(conn: &mut AnyConnection, actor: &Actor, now: DateTime<Utc>, id: i64, version: i64, r: &ReportDraft, today: NaiveDate) -> StoreResult<()> {
    let n = sqlx::query(
        "UPDATE pilot_projects SET state = 'reported', mass_production = $1, market_fit = $2, summary = $3, needs = $4, reported_on = $5, version = version + 1, \
         updated_at = $6 WHERE id = $7 AND version = $8 AND state = 'running' AND milestones_done = milestones_total",
    )
    .bind(r.mass_production.as_str())
    .bind(r.market_fit.as_str())
    .bind(&r.summary)
    .bind(&r.needs)
    .bind(today.to_string())
    .bind(format_ts(now))
    .bind(id)
    .bind(version)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if n == 0 {
        return Err(StoreError::VersionConflict { expected: version });
    }
    let after = serde_json::json!({"mass_production": r.mass_production, "market_fit": r.market_fit, "summary": r.summary, "needs": r.needs});
    audit::record(conn, actor, now, change("pilot_project.report", id, after, None)).await
}

/// One project.
pub async fn get<'e, E>(executor: E, id: i64) -> StoreResult<PilotProject>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    sqlx::query_as(&format!("{SELECT} WHERE {JOINED} AND p.id = $1")).bind(id).fetch_optional(executor).await?.ok_or(StoreError::NotFound)
}

/// A milestone of a plan.
#[derive(Debug, Clone, Serialize, FromRow, utoipa::ToSchema)]
pub struct PilotMilestone {
    /// Its place in the plan, from 1.
    pub seq: i32,
    /// Stage.
    #[sqlx(try_from = "Code<PilotStage>")]
    pub stage: PilotStage,
    /// 节点内容.
    pub title: String,
    /// Due day.
    #[sqlx(try_from = "crate::column::Day")]
    #[schema(value_type = String)]
    pub due_on: NaiveDate,
    /// Fee, yuan.
    pub fee_yuan: i64,
    /// Day done.
    #[sqlx(try_from = "MaybeDay")]
    #[schema(value_type = Option<String>)]
    pub done_on: Option<NaiveDate>,
    /// What was done.
    pub note: String,
}

/// The plan of a project, in order.
pub async fn milestones<'e, E>(executor: E, id: i64) -> StoreResult<Vec<PilotMilestone>>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    Ok(sqlx::query_as("SELECT seq, stage, title, due_on, fee_yuan, done_on, note FROM pilot_milestones WHERE project_id = $1 ORDER BY seq").bind(id).fetch_all(executor).await?)
}

/// Which projects a list shows.
#[derive(Debug, Clone, Default)]
pub struct ProjectFilter {
    /// Those of these platforms (an operator's); `None`: no such condition.
    pub platforms: Option<Vec<CenterId>>,
    /// With `platforms`: also those this unit applied for (an operator whose unit hosts a platform
    /// and a PoC center that hands projects off).
    pub or_applicant: Option<OrgId>,
    /// One platform's.
    pub platform: Option<CenterId>,
    /// One applicant unit's.
    pub applicant: Option<OrgId>,
    /// One state.
    pub state: Option<PilotState>,
    /// Words in the title.
    pub q: Option<String>,
}

impl ProjectFilter {
    fn condition(&self) -> Where {
        let mut w = Where::default();
        w.and_raw(JOINED);
        if let Some(ps) = &self.platforms {
            let list = ps.iter().map(|c| c.get().to_string()).collect::<Vec<_>>().join(",");
            match (list.is_empty(), self.or_applicant) {
                (true, None) => {
                    w.and_raw("1 = 0");
                }
                (true, Some(o)) => {
                    w.and("p.applicant_org_id = ?", Arg::Int(o.get()));
                }
                (false, None) => {
                    w.and_raw(&format!("p.platform_center_id IN ({list})"));
                }
                (false, Some(o)) => {
                    w.and(&format!("(p.platform_center_id IN ({list}) OR p.applicant_org_id = ?)"), Arg::Int(o.get()));
                }
            }
        }
        if let Some(p) = self.platform {
            w.and("p.platform_center_id = ?", Arg::Int(p.get()));
        }
        if let Some(a) = self.applicant {
            w.and("p.applicant_org_id = ?", Arg::Int(a.get()));
        }
        if let Some(s) = self.state {
            w.and("p.state = ?", Arg::Text(s.as_str().into()));
        }
        if let Some(q) = self.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
            w.and("p.title LIKE ? ESCAPE '\\'", Arg::Text(contains(q)));
        }
        w
    }
}

fn newest() -> Order {
    Order { table: "pilot_projects", alias: "p", column: "id", int: true, dir: SortDir::Desc }
}

/// A page of projects, newest first.
pub async fn list(pool: &AnyPool, filter: &ProjectFilter, page: Page) -> StoreResult<Paged<PilotProject>> {
    listing::page_of(pool, SELECT, BASE, &filter.condition(), newest(), page, listing::Total::Unknown).await
}

/// The statements [`list`] runs (the planner test).
pub fn list_statements(filter: &ProjectFilter) -> Vec<String> {
    listing::statements(SELECT, BASE, &filter.condition(), newest(), false)
}
