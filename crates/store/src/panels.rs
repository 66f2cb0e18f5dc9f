//! Expert panels (评审专家组), one table whatever they judge: the seats of an
//! application's review panel and of a result's screening panel (and next, a
//! center's annual evaluation) are rows of `panel_seats` keyed by the
//! [`Subject`]. A seat is invited (possibly into the seat of one who left),
//! declared on ([`SeatStep`] from the domain's machine, a compare-and-set on
//! the status it was read in), and scored; each score writes the panel's
//! aggregate back to its subject in the same transaction. Every change is
//! audited as `<subject>.panel.<what>`.

use crate::audit::{self, Change};
use crate::{format_ts, read_day, read_ts, Actor, StoreError, StoreResult};
use chrono::{DateTime, NaiveDate, Utc};
use crate::column::NullableId;
use pocnet_domain::expert::ExpertKind;
use pocnet_domain::id::{of, ApplicationId, CenterId, EvaluationId, ExpertId, Id, ResultId};
use pocnet_domain::panel::seat::{PanelSubject, Occupancy, SeatStatus, SeatStep};
use pocnet_domain::review::{aggregate, Aggregate, ScoreSheet};
use serde::Serialize;
use sqlx::{AnyConnection, AnyPool, FromRow};

/// What one panel judges: an application or a result, by id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Subject {
    /// The review panel of an application (申报评审).
    Application(ApplicationId),
    /// The screening panel of a result (入库遴选).
    Result(ResultId),
    /// The evaluation panel of a center's year (年度绩效评价).
    Evaluation(EvaluationId),
}

impl Subject {
    /// The review panel of an application (申报评审).
    pub fn application(id: ApplicationId) -> Self {
        Self::Application(id)
    }

    /// The screening panel of a result (入库遴选).
    pub fn result(id: ResultId) -> Self {
        Self::Result(id)
    }

    /// Which kind of record it is.
    pub fn kind(self) -> PanelSubject {
        match self {
            Self::Application(_) => PanelSubject::Application,
            Self::Result(_) => PanelSubject::Result,
            Self::Evaluation(_) => PanelSubject::Evaluation,
        }
    }

    /// Its id as `panel_seats.subject_id` stores it.
    fn raw(self) -> i64 {
        match self {
            Self::Application(id) => id.get(),
            Self::Result(id) => id.get(),
            Self::Evaluation(id) => id.get(),
        }
    }

    fn change<'a>(self, action: &'a str, after: serde_json::Value, reason: Option<&'a str>) -> Change<'a> {
        Change { action, entity_type: self.kind().as_str(), entity_id: self.raw().to_string(), before: None, after: Some(after), reason }
    }

    fn action(self, what: &str) -> String {
        format!("{}.panel.{what}", self.kind().as_str())
    }
}

/// A kind of record a panel judges, named by its id's marker
/// ([`of::Application`], [`of::Result`]).
pub trait Judged {
    /// The panels' name for it.
    const KIND: PanelSubject;
}

impl Judged for of::Application {
    const KIND: PanelSubject = PanelSubject::Application;
}

impl Judged for of::Result {
    const KIND: PanelSubject = PanelSubject::Result;
}

impl Judged for of::Evaluation {
    const KIND: PanelSubject = PanelSubject::Evaluation;
}

/// An expert's seat on a panel, as the panel's managers read it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = PanelSeat)]
pub struct Seat {
    /// Expert id (library).
    #[schema(value_type = i64)]
    pub expert_id: ExpertId,
    /// Name.
    pub name: String,
    /// The expert's kind (industry, investment, academic …).
    pub kind: ExpertKind,
    /// Organisation.
    pub org_name: String,
    /// `pending` (must declare before seeing materials), `no_conflict`, `recused` or `declined`.
    pub conflict_status: SeatStatus,
    /// Why the expert recused or declined (kept for the record).
    pub recusal_reason: String,
    /// When the declaration was made.
    #[serde(serialize_with = "crate::time::serde_ts::option")]
    #[schema(value_type = Option<String>)]
    pub declared_at: Option<DateTime<Utc>>,
    /// Scores per dimension (JSON object; `{}` for one overall score).
    pub scores_json: String,
    /// Weighted total in hundredths of a point, once scored.
    pub total_hundredths: Option<i64>,
    /// The total rounded to a whole point (0–100), once scored.
    pub score: Option<i64>,
    /// Comments.
    pub comments: String,
    /// When scored.
    #[serde(serialize_with = "crate::time::serde_ts::option")]
    #[schema(value_type = Option<String>)]
    pub scored_at: Option<DateTime<Utc>>,
    /// The vacated seat (recused or declined expert) this expert fills.
    #[schema(value_type = Option<i64>)]
    pub replaces_expert_id: Option<ExpertId>,
    /// The invitation's deadline (评审截止日期).
    #[schema(value_type = Option<String>)]
    pub due_on: Option<NaiveDate>,
}

impl Seat {
    /// Whether the expert left the panel (recused or declined).
    pub fn vacated(&self) -> bool {
        self.conflict_status.vacated()
    }

    /// Whether the expert has scored.
    pub fn scored(&self) -> bool {
        self.total_hundredths.is_some()
    }

    /// The seat as the replacement rule reads it.
    pub fn occupancy(&self) -> Occupancy {
        Occupancy { expert_id: self.expert_id, status: self.conflict_status, replaces: self.replaces_expert_id }
    }
}

#[derive(FromRow)]
struct SeatRow {
    #[sqlx(try_from = "i64")]
    expert_id: ExpertId,
    name: String,
    kind: String,
    org_name: String,
    status: String,
    reason: String,
    declared_at: Option<String>,
    scores_json: String,
    total_hundredths: Option<i64>,
    comments: String,
    scored_at: Option<String>,
    #[sqlx(try_from = "NullableId")]
    replaces_expert_id: Option<ExpertId>,
    due_on: Option<String>,
}

fn corrupt(what: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("{what}: {e}"))
}

impl TryFrom<SeatRow> for Seat {
    type Error = StoreError;

    fn try_from(r: SeatRow) -> StoreResult<Self> {
        Ok(Seat {
            expert_id: r.expert_id,
            name: r.name,
            kind: ExpertKind::parse(&r.kind).map_err(|e| corrupt("expert kind", e))?,
            org_name: r.org_name,
            conflict_status: SeatStatus::parse(&r.status).map_err(|e| corrupt("seat status", e))?,
            recusal_reason: r.reason,
            declared_at: r.declared_at.as_deref().map(|t| read_ts("seat declared_at", t)).transpose()?,
            scores_json: r.scores_json,
            score: r.total_hundredths.map(|t| (t + 50) / 100),
            total_hundredths: r.total_hundredths,
            comments: r.comments,
            scored_at: r.scored_at.as_deref().map(|t| read_ts("seat scored_at", t)).transpose()?,
            replaces_expert_id: r.replaces_expert_id,
            due_on: r.due_on.as_deref().map(|d| read_day("seat due_on", d)).transpose()?,
        })
    }
}

const SEATS: &str = "SELECT s.expert_id, e.name, e.kind, o.name AS org_name, s.status, s.reason, s.declared_at, s.scores_json, \
     s.total_hundredths, s.comments, s.scored_at, s.replaces_expert_id, s.due_on FROM panel_seats s \
     JOIN experts e ON e.id = s.expert_id JOIN organisations o ON o.id = e.org_id";

/// The seats of a panel, by the experts' names.
pub async fn seats<'e, E>(executor: E, subject: Subject) -> StoreResult<Vec<Seat>>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let rows: Vec<SeatRow> = sqlx::query_as(&format!("{SEATS} WHERE s.subject_kind = $1 AND s.subject_id = $2 ORDER BY e.name, s.expert_id"))
        .bind(subject.kind().as_str())
        .bind(subject.raw())
        .fetch_all(executor)
        .await?;
    rows.into_iter().map(Seat::try_from).collect()
}

/// One expert's seat on a panel, if invited.
pub async fn seat(pool: &AnyPool, subject: Subject, expert_id: ExpertId) -> StoreResult<Option<Seat>> {
    let row: Option<SeatRow> = sqlx::query_as(&format!("{SEATS} WHERE s.subject_kind = $1 AND s.subject_id = $2 AND s.expert_id = $3"))
        .bind(subject.kind().as_str())
        .bind(subject.raw())
        .bind(expert_id.get())
        .fetch_optional(pool)
        .await?;
    row.map(Seat::try_from).transpose()
}

/// Whether the subject has any seat yet.
pub async fn staffed(pool: &AnyPool, subject: Subject) -> StoreResult<bool> {
    let n: Option<i64> = sqlx::query_scalar("SELECT 1 FROM panel_seats WHERE subject_kind = $1 AND subject_id = $2 LIMIT 1")
        .bind(subject.kind().as_str())
        .bind(subject.raw())
        .fetch_optional(pool)
        .await?;
    Ok(n.is_some())
}

/// Invites an expert to a panel (once), possibly into the seat of one who
/// left; the invitation is due [`pocnet_domain::review::review_due`].
pub async fn invite(conn: &mut AnyConnection, actor: &Actor, now: DateTime<Utc>, subject: Subject, expert_id: ExpertId, replaces: Option<ExpertId>) -> StoreResult<()> {
    let due = pocnet_domain::review::review_due(crate::time::china_day(now));
    sqlx::query(
        "INSERT INTO panel_seats (subject_kind, subject_id, expert_id, assigned_at, replaces_expert_id, due_on) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(subject.kind().as_str())
    .bind(subject.raw())
    .bind(expert_id.get())
    .bind(format_ts(now))
    .bind(replaces.map(ExpertId::get))
    .bind(due.to_string())
    .execute(&mut *conn)
    .await
    .map_err(|e| match &e {
        sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Duplicate { field: "expert_id" },
        sqlx::Error::Database(db) if db.is_foreign_key_violation() => StoreError::NotFound,
        _ => StoreError::Db(e),
    })?;
    let action = subject.action("assign");
    audit::record(conn, actor, now, subject.change(&action, serde_json::json!({"expert_id": expert_id, "replaces": replaces}), None)).await
}

/// Writes an expert's declaration: a step of the seat's machine, applied only
/// if the seat is still in the status the step was made from (of two
/// declarations at once, one wins; the other gets `VersionConflict`).
pub async fn declare(conn: &mut AnyConnection, actor: &Actor, now: DateTime<Utc>, subject: Subject, expert_id: ExpertId, step: &SeatStep) -> StoreResult<()> {
    let d = step.declaration();
    let done = sqlx::query(
        "UPDATE panel_seats SET status = $1, reason = $2, declared_at = $3 \
         WHERE subject_kind = $4 AND subject_id = $5 AND expert_id = $6 AND status = $7",
    )
    .bind(step.to().as_str())
    .bind(d.reason())
    .bind(format_ts(now))
    .bind(subject.kind().as_str())
    .bind(subject.raw())
    .bind(expert_id.get())
    .bind(step.from().as_str())
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::VersionConflict { expected: 0 });
    }
    let action = subject.action(d.verb());
    let after = serde_json::json!({"expert_id": expert_id, "status": step.to().as_str(), "pledge": step.to().pledged()});
    let reason = Some(d.reason()).filter(|r| !r.is_empty());
    audit::record(conn, actor, now, subject.change(&action, after, reason)).await
}

/// One expert's score card, checked against the panel's sheet.
#[derive(Debug, Clone)]
pub struct Card<'a> {
    /// Scores per dimension (JSON object; `{}` for one overall score).
    pub scores_json: &'a str,
    /// Weighted total in hundredths.
    pub total_hundredths: i64,
    /// Comments.
    pub comments: &'a str,
}

/// Records (or revises) a pledged expert's score, then writes the panel's
/// aggregate back to the subject; returns it. A seat that has not declared
/// no conflict is `NotFound`.
pub async fn score(conn: &mut AnyConnection, actor: &Actor, now: DateTime<Utc>, subject: Subject, expert_id: ExpertId, card: &Card<'_>, sheet: &ScoreSheet) -> StoreResult<Option<Aggregate>> {
    let done = sqlx::query(
        "UPDATE panel_seats SET total_hundredths = $1, scores_json = $2, comments = $3, scored_at = $4 \
         WHERE subject_kind = $5 AND subject_id = $6 AND expert_id = $7 AND status = 'no_conflict'",
    )
    .bind(card.total_hundredths)
    .bind(card.scores_json)
    .bind(card.comments)
    .bind(format_ts(now))
    .bind(subject.kind().as_str())
    .bind(subject.raw())
    .bind(expert_id.get())
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    let scores = serde_json::from_str::<serde_json::Value>(card.scores_json).unwrap_or_default();
    let after = serde_json::json!({"expert_id": expert_id, "total": card.total_hundredths as f64 / 100.0, "scores": scores, "comments": card.comments});
    let action = subject.action("score");
    audit::record(&mut *conn, actor, now, subject.change(&action, after, None)).await?;
    write_back(conn, subject, sheet).await
}

/// Aggregates the panel's totals and writes the result to its subject: an
/// application's `panel_result_json` and mean, a result's `screening_result_json`.
async fn write_back(conn: &mut AnyConnection, subject: Subject, sheet: &ScoreSheet) -> StoreResult<Option<Aggregate>> {
    let totals: Vec<i64> =
        sqlx::query_scalar("SELECT total_hundredths FROM panel_seats WHERE subject_kind = $1 AND subject_id = $2 AND total_hundredths IS NOT NULL")
            .bind(subject.kind().as_str())
            .bind(subject.raw())
            .fetch_all(&mut *conn)
            .await?;
    let totals: Vec<u32> = totals.into_iter().filter_map(|t| u32::try_from(t).ok()).collect();
    let result = aggregate(sheet, &totals);
    let json = result.as_ref().map(|r| serde_json::to_string(r).unwrap_or_default());
    match subject {
        Subject::Application(id) => {
            let mean = result.as_ref().map(|r| (r.mean * 100.0).round() as i64);
            sqlx::query("UPDATE applications SET panel_result_json = $1, panel_mean_hundredths = $2 WHERE id = $3")
                .bind(json)
                .bind(mean)
                .bind(id.get())
                .execute(&mut *conn)
                .await?;
        }
        Subject::Result(id) => {
            sqlx::query("UPDATE research_results SET screening_result_json = $1 WHERE id = $2").bind(json).bind(id.get()).execute(&mut *conn).await?;
        }
        // An evaluation's scorecard combines the panel's means per dimension with
        // the records under its round's plan: the workflow recomputes it.
        Subject::Evaluation(_) => {}
    }
    Ok(result)
}

/// An expert's own seat on the panel of a `T` ([`of::Application`] or
/// [`of::Result`]), as its to-do list and lists read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnSeat<T> {
    /// The application or result.
    pub subject_id: Id<T>,
    /// Its status.
    pub status: SeatStatus,
    /// Whether the expert has scored.
    pub scored: bool,
    /// The invitation's deadline, if it has one.
    pub due_on: Option<NaiveDate>,
}

/// The expert's seats on the panels of one kind of record (`T`), by subject id.
pub async fn of_expert<T: Judged>(pool: &AnyPool, expert_id: ExpertId) -> StoreResult<Vec<OwnSeat<T>>> {
    let rows: Vec<(i64, String, Option<i64>, Option<String>)> = sqlx::query_as(
        "SELECT subject_id, status, total_hundredths, due_on FROM panel_seats WHERE expert_id = $1 AND subject_kind = $2 ORDER BY subject_id",
    )
    .bind(expert_id.get())
    .bind(T::KIND.as_str())
    .fetch_all(pool)
    .await?;
    rows.into_iter()
        .map(|(subject_id, status, total, due_on)| {
            Ok(OwnSeat {
                subject_id: Id::new(subject_id),
                status: SeatStatus::parse(&status).map_err(|e| corrupt("seat status", e))?,
                scored: total.is_some(),
                due_on: due_on.as_deref().map(|d| read_day("seat due_on", d)).transpose()?,
            })
        })
        .collect()
}

/// The results a center is screening that have no panel yet, oldest first (at most 2,000).
pub async fn unstaffed_results(pool: &AnyPool, center_id: CenterId) -> StoreResult<Vec<ResultId>> {
    let ids: Vec<i64> = sqlx::query_scalar(
        "SELECT r.id FROM research_results r WHERE r.center_id = $1 AND r.state = 'screening' \
         AND NOT EXISTS (SELECT 1 FROM panel_seats s WHERE s.subject_kind = 'result' AND s.subject_id = r.id) ORDER BY r.id LIMIT 2000",
    )
    .bind(center_id.get())
    .fetch_all(pool)
    .await?;
    Ok(ids.into_iter().map(ResultId::new).collect())
}

/// The scored seats' cards of a panel (dimension → 0–100 each).
pub async fn score_cards(pool: &AnyPool, subject: Subject) -> StoreResult<Vec<std::collections::BTreeMap<String, i64>>> {
    let rows: Vec<String> =
        sqlx::query_scalar("SELECT scores_json FROM panel_seats WHERE subject_kind = $1 AND subject_id = $2 AND total_hundredths IS NOT NULL")
            .bind(subject.kind().as_str())
            .bind(subject.raw())
            .fetch_all(pool)
            .await?;
    rows.iter().map(|j| serde_json::from_str(j).map_err(|e| StoreError::Corrupt(format!("panel_seats.scores_json: {e}")))).collect()
}

/// The pending evaluations of a round that have no panel yet, in center order (at most 2,000).
pub async fn unstaffed_evaluations(pool: &AnyPool, round_id: pocnet_domain::id::RoundId) -> StoreResult<Vec<pocnet_domain::id::EvaluationId>> {
    let ids: Vec<i64> = sqlx::query_scalar(
        "SELECT e.id FROM evaluations e WHERE e.round_id = $1 AND e.state = 'pending' \
         AND NOT EXISTS (SELECT 1 FROM panel_seats s WHERE s.subject_kind = 'evaluation' AND s.subject_id = e.id) ORDER BY e.center_id LIMIT 2000",
    )
    .bind(round_id.get())
    .fetch_all(pool)
    .await?;
    Ok(ids.into_iter().map(pocnet_domain::id::EvaluationId::new).collect())
}
