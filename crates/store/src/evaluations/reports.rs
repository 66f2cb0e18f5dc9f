//! Annual reports (年度运行报告, 003 六(二)): the figures pocnet computed,
//! the center's corrections with reasons, the narrative sections; saved as a
//! draft (compare-and-set on the version) and submitted once, late or not.

use crate::audit::{self, Change};
use crate::column::{Code, MaybeDay};
use crate::{format_ts, Actor, StoreError, StoreResult};
use chrono::{DateTime, NaiveDate, Utc};
use pocnet_domain::evaluation::{Correction, ReportState, YearFigures};
use pocnet_domain::id::{AnnualReportId, CenterId, RoundId};
use serde::Serialize;
use sqlx::{AnyConnection, AnyPool, FromRow};

/// An annual report.
#[derive(Debug, Clone, Serialize, FromRow, utoipa::ToSchema)]
#[schema(as = AnnualReport)]
pub struct AnnualReport {
    /// Id.
    #[sqlx(try_from = "i64")]
    #[schema(value_type = i64)]
    pub id: AnnualReportId,
    /// Round.
    #[sqlx(try_from = "i64")]
    #[schema(value_type = i64)]
    pub round_id: RoundId,
    /// Center.
    #[sqlx(try_from = "i64")]
    #[schema(value_type = i64)]
    pub center_id: CenterId,
    /// Center name.
    pub center_name: String,
    /// Center region.
    pub region: String,
    /// `draft` or `submitted`.
    #[sqlx(try_from = "Code<ReportState>")]
    #[schema(value_type = String)]
    pub state: ReportState,
    /// Figures computed from the records (JSON by metric code).
    #[serde(skip)]
    pub figures_json: String,
    /// Corrections (JSON list).
    #[serde(skip)]
    pub corrections_json: String,
    /// 服务能力.
    pub capability: String,
    /// 服务成效.
    pub effectiveness: String,
    /// 可持续发展能力.
    pub sustainability: String,
    /// 社会效益.
    pub social_benefit: String,
    /// 下一年度工作计划.
    pub next_year_plan: String,
    /// Day submitted.
    #[sqlx(try_from = "MaybeDay")]
    #[schema(value_type = Option<String>)]
    pub submitted_on: Option<NaiveDate>,
    /// 1 when submitted after the due day.
    pub late: i64,
    /// Optimistic-lock version.
    pub version: i64,
}

impl AnnualReport {
    /// The computed figures.
    pub fn figures(&self) -> YearFigures {
        serde_json::from_str(&self.figures_json).unwrap_or_default()
    }

    /// The corrections.
    pub fn corrections(&self) -> Vec<Correction> {
        serde_json::from_str(&self.corrections_json).unwrap_or_default()
    }
}

const SELECT: &str = "SELECT a.id, a.round_id, a.center_id, c.name AS center_name, c.region, a.state, a.figures_json, a.corrections_json, \
    a.capability, a.effectiveness, a.sustainability, a.social_benefit, a.next_year_plan, a.submitted_on, a.late, a.version \
    FROM annual_reports a JOIN centers c ON c.id = a.center_id";

/// Reads one report.
pub async fn get<'e, E>(executor: E, id: AnnualReportId) -> StoreResult<AnnualReport>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    sqlx::query_as(&format!("{SELECT} WHERE a.id = $1")).bind(id.get()).fetch_optional(executor).await?.ok_or(StoreError::NotFound)
}

/// The report of a center in a round.
pub async fn of<'e, E>(executor: E, round_id: RoundId, center_id: CenterId) -> StoreResult<AnnualReport>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    sqlx::query_as(&format!("{SELECT} WHERE a.round_id = $1 AND a.center_id = $2"))
        .bind(round_id.get())
        .bind(center_id.get())
        .fetch_optional(executor)
        .await?
        .ok_or(StoreError::NotFound)
}

/// A center's reports, newest round first.
pub async fn of_center(pool: &AnyPool, center_id: CenterId) -> StoreResult<Vec<AnnualReport>> {
    Ok(sqlx::query_as(&format!("{SELECT} WHERE a.center_id = $1 ORDER BY a.round_id DESC")).bind(center_id.get()).fetch_all(pool).await?)
}

/// What a center writes.
#[derive(Debug, Clone, Default)]
pub struct ReportText<'a> {
    /// 服务能力.
    pub capability: &'a str,
    /// 服务成效.
    pub effectiveness: &'a str,
    /// 可持续发展能力.
    pub sustainability: &'a str,
    /// 社会效益.
    pub social_benefit: &'a str,
    /// 下一年度工作计划.
    pub next_year_plan: &'a str,
    /// Corrections of computed figures.
    pub corrections: &'a [Correction],
}

/// Saves a draft's text and refreshed figures (compare-and-set on `version`; a draft only).
pub async fn save(conn: &mut AnyConnection, actor: &Actor, now: DateTime<Utc>, id: AnnualReportId, version: i64, text: &ReportText<'_>, figures: &YearFigures) -> StoreResult<AnnualReport> {
    let done = sqlx::query(
        "UPDATE annual_reports SET capability = $1, effectiveness = $2, sustainability = $3, social_benefit = $4, next_year_plan = $5, \
         corrections_json = $6, figures_json = $7, updated_at = $8, version = version + 1 WHERE id = $9 AND version = $10 AND state = 'draft'",
    )
    .bind(text.capability)
    .bind(text.effectiveness)
    .bind(text.sustainability)
    .bind(text.social_benefit)
    .bind(text.next_year_plan)
    .bind(serde_json::to_string(text.corrections).unwrap_or_else(|_| "[]".into()))
    .bind(serde_json::to_string(figures).unwrap_or_else(|_| "{}".into()))
    .bind(format_ts(now))
    .bind(id.get())
    .bind(version)
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::VersionConflict { expected: version });
    }
    let r = get(&mut *conn, id).await?;
    let after = serde_json::json!({"corrections": text.corrections});
    audit::record(&mut *conn, actor, now, Change { action: "annual_report.save", entity_type: "annual_report", entity_id: id.to_string(), before: None, after: Some(after), reason: None }).await?;
    Ok(r)
}

/// Submits a draft (compare-and-set), late or not.
pub async fn submit(conn: &mut AnyConnection, actor: &Actor, now: DateTime<Utc>, id: AnnualReportId, version: i64, day: NaiveDate, late: bool) -> StoreResult<AnnualReport> {
    let done = sqlx::query(
        "UPDATE annual_reports SET state = 'submitted', submitted_on = $1, late = $2, updated_at = $3, version = version + 1 \
         WHERE id = $4 AND version = $5 AND state = 'draft'",
    )
    .bind(day.to_string())
    .bind(i64::from(late))
    .bind(format_ts(now))
    .bind(id.get())
    .bind(version)
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::VersionConflict { expected: version });
    }
    let r = get(&mut *conn, id).await?;
    audit::record(
        &mut *conn,
        actor,
        now,
        Change { action: "annual_report.submit", entity_type: "annual_report", entity_id: id.to_string(), before: None, after: Some(serde_json::json!({"submitted_on": day, "late": late})), reason: None },
    )
    .await?;
    Ok(r)
}

/// The bureau refuses or accepts a correction (by metric) of a submitted report.
pub async fn set_corrections(conn: &mut AnyConnection, actor: &Actor, now: DateTime<Utc>, id: AnnualReportId, corrections: &[Correction], reason: &str) -> StoreResult<AnnualReport> {
    sqlx::query("UPDATE annual_reports SET corrections_json = $1, updated_at = $2, version = version + 1 WHERE id = $3")
        .bind(serde_json::to_string(corrections).unwrap_or_else(|_| "[]".into()))
        .bind(format_ts(now))
        .bind(id.get())
        .execute(&mut *conn)
        .await?;
    let r = get(&mut *conn, id).await?;
    let after = serde_json::json!({"corrections": corrections});
    audit::record(&mut *conn, actor, now, Change { action: "annual_report.corrections", entity_type: "annual_report", entity_id: id.to_string(), before: None, after: Some(after), reason: Some(reason) }).await?;
    Ok(r)
}

/// Drafts of open rounds of the given centers (the center's to-do list), with the due day.
pub async fn drafts_of(pool: &AnyPool, centers: &[CenterId]) -> StoreResult<Vec<(AnnualReportId, CenterId, i64, String)>> {
    if centers.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<String> = centers.iter().map(|c| c.get().to_string()).collect();
    Ok(sqlx::query_as(&format!(
        "SELECT a.id, a.center_id, r.year, r.report_due FROM annual_reports a JOIN evaluation_rounds r ON r.id = a.round_id \
         WHERE a.center_id IN ({}) AND a.state = 'draft' AND r.state = 'open' ORDER BY r.report_due, a.id",
        ids.join(", ")
    ))
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(|(id, c, y, due): (i64, i64, i64, String)| (AnnualReportId::new(id), CenterId::new(c), y, due))
    .collect())
}
