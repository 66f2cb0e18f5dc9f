//! A project's full record (secrets included — callers redact) and its
//! pipeline: each state change a compare-and-set on (state, version), the
//! step kept with actor and reasons, and the audit trail.

use crate::audit::{self, Change};
use crate::column::{Code, Day, Instant, MaybeDay};
use crate::{format_ts, parse_code, Actor, StoreError, StoreResult};
use chrono::{DateTime, NaiveDate, Utc};
use pocnet_domain::id::{CenterId, OrgId, ResultId};
use pocnet_domain::library::pipeline::{PipelineGuards, ResultAction, ResultTransition};
use pocnet_domain::library::intake::ResultStage;
use pocnet_domain::research_result::{ResultSource, ResultState};
use pocnet_domain::review::Aggregate;
use serde::Serialize;
use sqlx::{AnyConnection, AnyPool, FromRow};

/// A research result in a center's library, with every field. The trade
/// secrets (`secret_summary` and the parts named in `secret_parts`) must be
/// redacted by the caller for anyone who may not see them.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Project {
    /// Id.
    #[schema(value_type = i64)]
    pub id: ResultId,
    /// Title.
    pub title: String,
    /// Public summary.
    pub summary: String,
    /// Trade-secret summary (always secret).
    pub secret_summary: String,
    /// Field code.
    pub field: String,
    /// Sub-field code.
    pub sub_field: String,
    /// Source.
    pub source: ResultSource,
    /// Owner unit (成果所属单位).
    #[schema(value_type = i64)]
    pub owner_org_id: OrgId,
    /// Its name.
    pub owner_org_name: String,
    /// Its region (county department's scope).
    pub owner_region: String,
    /// The center handling it.
    #[schema(value_type = Option<i64>)]
    pub center_id: Option<CenterId>,
    /// Its name.
    pub center_name: Option<String>,
    /// The center's host unit (whose operators act for the center).
    #[schema(value_type = Option<i64>)]
    pub center_host_org_id: Option<OrgId>,
    /// The center's region.
    pub center_region: Option<String>,
    /// State.
    pub state: ResultState,
    /// Technology-readiness level at intake (1–9).
    pub trl: i64,
    /// The evidence for that level.
    pub trl_evidence: String,
    /// Level reached after verification.
    pub trl_after: Option<i64>,
    /// Stage code (`lab`, `prototype`, `pilot`, `industrialization`).
    #[schema(value_type = String)]
    pub stage: ResultStage,
    /// Team members.
    pub team: Vec<String>,
    /// Patents: `[{"number": …, "status": …}]`.
    pub patents: serde_json::Value,
    /// Parts marked as trade secret besides the secret summary (`team`, `patents`, `trl_evidence`).
    pub secret_parts: Vec<String>,
    /// The spreadsheet's own number, if imported.
    pub ref_no: Option<String>,
    /// Day submitted.
    #[schema(value_type = String)]
    pub submitted_on: NaiveDate,
    /// The score sheet of its screening (`screening` or `three_dimensional`).
    pub screening_sheet: String,
    /// The screening panel's result, as written back with the last score.
    pub screening_result: Option<Aggregate>,
    /// Reasons of the last decision (rejection, stop, withdrawal).
    pub decision_reason: String,
    /// Day of the admission or rejection.
    #[schema(value_type = Option<String>)]
    pub decided_on: Option<NaiveDate>,
    /// Optimistic-lock version.
    pub version: i64,
}

#[derive(FromRow)]
struct Row {
    id: i64,
    title: String,
    summary: String,
    secret_summary: String,
    field: String,
    sub_field: String,
    source: String,
    owner_org_id: i64,
    owner_org_name: String,
    owner_region: String,
    center_id: Option<i64>,
    center_name: Option<String>,
    center_host_org_id: Option<i64>,
    center_region: Option<String>,
    state: String,
    trl: i64,
    trl_evidence: String,
    trl_after: Option<i64>,
    stage: String,
    team: String,
    patents: String,
    secret_parts: String,
    ref_no: Option<String>,
    #[sqlx(try_from = "Day")]
    submitted_on: NaiveDate,
    screening_sheet: String,
    screening_result_json: Option<String>,
    decision_reason: String,
    #[sqlx(try_from = "MaybeDay")]
    decided_on: Option<NaiveDate>,
    version: i64,
}

impl TryFrom<Row> for Project {
    type Error = StoreError;
    fn try_from(r: Row) -> StoreResult<Self> {
        fn json<T: serde::de::DeserializeOwned>(id: i64, what: &str, s: &str) -> StoreResult<T> {
            serde_json::from_str(s).map_err(|e| StoreError::Corrupt(format!("result {id} {what}: {e}")))
        }
        Ok(Project {
            team: json(r.id, "team", &r.team)?,
            patents: json(r.id, "patents", &r.patents)?,
            secret_parts: json(r.id, "secret_parts", &r.secret_parts)?,
            screening_result: r.screening_result_json.as_deref().and_then(|j| serde_json::from_str(j).ok()),
            id: ResultId::new(r.id),
            title: r.title,
            summary: r.summary,
            secret_summary: r.secret_summary,
            field: r.field,
            sub_field: r.sub_field,
            source: parse_code(&r.source, ResultSource::parse)?,
            owner_org_id: OrgId::new(r.owner_org_id),
            owner_org_name: r.owner_org_name,
            owner_region: r.owner_region,
            center_id: r.center_id.map(CenterId::new),
            center_name: r.center_name,
            center_host_org_id: r.center_host_org_id.map(OrgId::new),
            center_region: r.center_region,
            state: parse_code(&r.state, ResultState::parse)?,
            trl: r.trl,
            trl_evidence: r.trl_evidence,
            trl_after: r.trl_after,
            stage: parse_code(&r.stage, ResultStage::parse)?,
            ref_no: r.ref_no,
            screening_sheet: r.screening_sheet,
            submitted_on: r.submitted_on,
            decision_reason: r.decision_reason,
            decided_on: r.decided_on,
            version: r.version,
        })
    }
}

const SELECT: &str = "SELECT r.id, r.title, r.summary, r.secret_summary, r.field, r.sub_field, r.source, r.owner_org_id, \
    o.name AS owner_org_name, o.region AS owner_region, r.center_id, c.name AS center_name, c.host_org_id AS center_host_org_id, \
    c.region AS center_region, r.state, r.trl, \
    r.trl_evidence, r.trl_after, r.stage, r.team, r.patents, r.secret_parts, r.ref_no, r.submitted_on, \
    r.screening_sheet, r.screening_result_json, r.decision_reason, r.decided_on, r.version \
    FROM research_results r JOIN organisations o ON o.id = r.owner_org_id LEFT JOIN centers c ON c.id = r.center_id";

/// Reads a project.
pub async fn get<'e, E>(executor: E, id: ResultId) -> StoreResult<Project>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    sqlx::query_as::<_, Row>(&format!("{SELECT} WHERE r.id = $1")).bind(id.get()).fetch_optional(executor).await?.ok_or(StoreError::NotFound)?.try_into()
}

/// What a step also sets.
#[derive(Debug, Clone, Default)]
pub struct StepEffects {
    /// The day of an admission, rejection, stop or withdrawal.
    pub decided_on: Option<NaiveDate>,
    /// The level reached (on issuing the report).
    pub trl_after: Option<i64>,
    /// The score sheet (on starting the screening).
    pub screening_sheet: Option<String>,
}

/// One step of the pipeline.
pub struct Step<'a> {
    /// The step the domain allowed (`ResultState::step`): action, actor, from, to.
    pub transition: ResultTransition,
    /// The version it was taken on.
    pub version: i64,
    /// Reasons and comments.
    pub comments: &'a str,
}

/// Takes a step: compare-and-set on state and version; the step recorded
/// with its reasons and in the audit trail. A stale version is a conflict.
pub async fn take_step(conn: &mut AnyConnection, actor: &Actor, now: DateTime<Utc>, id: ResultId, step: &Step<'_>, effects: &StepEffects) -> StoreResult<Project> {
    let ts = format_ts(now);
    let reason = step.transition.action().needs_comment().then_some(step.comments);
    let done = sqlx::query(
        "UPDATE research_results SET state = $1, version = version + 1, updated_at = $2, \
         decision_reason = COALESCE($3, decision_reason), decided_on = COALESCE($4, decided_on), trl_after = COALESCE($5, trl_after), \
         screening_sheet = COALESCE($9, screening_sheet) WHERE id = $6 AND version = $7 AND state = $8",
    )
    .bind(step.transition.to().as_str())
    .bind(&ts)
    .bind(reason)
    .bind(effects.decided_on.map(|d| d.to_string()))
    .bind(effects.trl_after)
    .bind(id.get())
    .bind(step.version)
    .bind(step.transition.from().as_str())
    .bind(&effects.screening_sheet)
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::VersionConflict { expected: step.version });
    }
    record_step(conn, actor, &ts, id, step.transition.action().as_str(), step.transition.from().as_str(), step.transition.to().as_str(), step.comments).await?;
    let after = get(&mut *conn, id).await?;
    audit::record(
        conn,
        actor,
        now,
        Change {
            action: &format!("result.{}", step.transition.action().as_str()),
            entity_type: "result",
            entity_id: id.to_string(),
            before: Some(serde_json::json!({"state": step.transition.from(), "version": step.version})),
            after: Some(serde_json::json!({"state": after.state, "version": after.version, "as": step.transition.actor()})),
            reason: (!step.comments.is_empty()).then_some(step.comments),
        },
    )
    .await?;
    Ok(after)
}

/// One result's way through the pipeline, for [`walk`].
#[derive(Debug, Clone)]
pub struct Walk {
    /// The result.
    pub id: ResultId,
    /// Its state and version as read.
    pub from: ResultState,
    /// Its version as read.
    pub version: i64,
    /// The steps, in order; each is taken by the one actor it allows.
    pub path: Vec<ResultAction>,
}

/// Moves many results along their paths at once, for a network the
/// platform writes itself (the load benchmark's 10^5 results): every step
/// of every path is decided by [`ResultState::step`] — a path the state
/// machine refuses refuses the whole walk — and written to the result's
/// history; the results move with compare-and-set on (state, version) in
/// chunked `UPDATE`s, their version advanced once per step; one audit record
/// names the walk. A step that must give reasons gives `comments`.
///
/// `guards` are the facts the caller vouches for every result: a synthetic
/// network keeps no panels, plans or reports behind its figures, so nothing
/// stored could answer them. Records people open take their steps one by
/// one with [`take_step`] on guards read from the store.
pub async fn walk(conn: &mut AnyConnection, actor: &Actor, now: DateTime<Utc>, guards: &PipelineGuards, comments: &str, walks: &[Walk]) -> StoreResult<usize> {
    let ts = format_ts(now);
    // (from, version, to, steps) → ids, and every step row.
    let mut moves: std::collections::BTreeMap<(&'static str, i64, &'static str, i64), Vec<i64>> = std::collections::BTreeMap::new();
    let mut steps: Vec<(i64, &'static str, &'static str, &'static str, &str)> = Vec::new();
    for w in walks {
        let mut state = w.from;
        for action in &w.path {
            let by = action.actors().first().copied().ok_or_else(|| StoreError::Corrupt(format!("no actor for {}", action.as_str())))?;
            let to = state.step(*action, by, guards).map_err(|e| StoreError::Corrupt(format!("result {}: {}", w.id, e.message)))?.to();
            steps.push((w.id.get(), action.as_str(), state.as_str(), to.as_str(), if action.needs_comment() { comments } else { "" }));
            state = to;
        }
        if !w.path.is_empty() {
            moves.entry((w.from.as_str(), w.version, state.as_str(), w.path.len() as i64)).or_default().push(w.id.get());
        }
    }
    let sqlite = conn.backend_name().eq_ignore_ascii_case("sqlite");
    let mark = |n: usize| if sqlite { "?".to_owned() } else { format!("${n}") };
    for ((from, version, to, n), ids) in &moves {
        for chunk in ids.chunks(900) {
            let list: Vec<String> = (0..chunk.len()).map(|i| mark(i + 7)).collect();
            let sql = format!(
                "UPDATE research_results SET state = {}, version = version + {}, updated_at = {}, \
                 decision_reason = CASE WHEN {} IN ('rejected', 'stopped', 'withdrawn') THEN {} ELSE decision_reason END \
                 WHERE state = {} AND version = {} AND id IN ({})",
                mark(1), mark(2), mark(3), mark(4), mark(5), mark(6), mark(7 + chunk.len()), list.join(", ")
            );
            // Plain `?` binds in order of appearance: the ids come before the version there.
            let mut q = sqlx::query(&sql).bind(*to).bind(*n).bind(&ts).bind(*to).bind(comments).bind(*from);
            if sqlite {
                q = q.bind(*version);
                for id in chunk {
                    q = q.bind(*id);
                }
            } else {
                for id in chunk {
                    q = q.bind(*id);
                }
                q = q.bind(*version);
            }
            let done = q.execute(&mut *conn).await?;
            if done.rows_affected() != chunk.len() as u64 {
                return Err(StoreError::VersionConflict { expected: *version });
            }
        }
    }
    let per = 30_000 / 8;
    for chunk in steps.chunks(per) {
        let mut sql = String::from("INSERT INTO result_steps (result_id, action, from_state, to_state, actor_id, actor_label, comments, at) VALUES ");
        for (r, _) in chunk.iter().enumerate() {
            if r > 0 {
                sql.push_str(", ");
            }
            let b = r * 8;
            let cols: Vec<String> = (1..=8).map(|c| mark(b + c)).collect();
            sql.push('(');
            sql.push_str(&cols.join(", "));
            sql.push(')');
        }
        let mut q = sqlx::query(&sql);
        for (id, action, from, to, comments) in chunk {
            q = q.bind(*id).bind(*action).bind(*from).bind(*to).bind(actor.user_column()).bind(&actor.label).bind(*comments).bind(&ts);
        }
        q.execute(&mut *conn).await?;
    }
    let change = Change {
        action: "result.walk",
        entity_type: "dataset",
        entity_id: "results".into(),
        before: None,
        after: Some(serde_json::json!({"results": walks.len(), "steps": steps.len()})),
        reason: (!comments.is_empty()).then_some(comments),
    };
    audit::record(conn, actor, now, change).await?;
    Ok(steps.len())
}

/// Appends a row to a result's pipeline history.
#[allow(clippy::too_many_arguments)]
pub async fn record_step(conn: &mut AnyConnection, actor: &Actor, ts: &str, id: ResultId, action: &str, from: &str, to: &str, comments: &str) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO result_steps (result_id, action, from_state, to_state, actor_id, actor_label, comments, at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(id.get())
    .bind(action)
    .bind(from)
    .bind(to)
    .bind(actor.user_column())
    .bind(&actor.label)
    .bind(comments)
    .bind(ts)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// A recorded step.
#[derive(Debug, Clone, Serialize, FromRow, utoipa::ToSchema)]
#[schema(as = ResultStepRecord)]
pub struct StepRecord {
    /// Action code (`submit` for the intake).
    #[sqlx(try_from = "Code<pocnet_domain::library::pipeline::RecordedAction>")]
    #[schema(value_type = String)]
    pub action: pocnet_domain::library::pipeline::RecordedAction,
    // '' for the intake step, which comes from no state: a code, not a ResultState.
    /// From state.
    pub from_state: String,
    /// To state.
    #[sqlx(try_from = "Code<ResultState>")]
    #[schema(value_type = String)]
    pub to_state: ResultState,
    /// Who (username).
    pub actor_label: String,
    /// Reasons and comments.
    pub comments: String,
    /// When (UTC).
    #[sqlx(try_from = "Instant")]
    #[serde(serialize_with = "crate::time::serde_ts::instant")]
    #[schema(value_type = String)]
    pub at: DateTime<Utc>,
}

/// The pipeline history of a result, oldest first.
pub async fn steps(pool: &AnyPool, id: ResultId) -> StoreResult<Vec<StepRecord>> {
    Ok(sqlx::query_as("SELECT action, from_state, to_state, actor_label, comments, at FROM result_steps WHERE result_id = $1 ORDER BY id")
        .bind(id.get())
        .fetch_all(pool)
        .await?)
}

/// Records that a caller was shown a project's trade secrets (查看商业秘密).
pub async fn record_secret_view(conn: &mut AnyConnection, actor: &Actor, now: DateTime<Utc>, id: ResultId, standing: &str) -> StoreResult<()> {
    audit::record(
        conn,
        actor,
        now,
        Change {
            action: "result.secret_view",
            entity_type: "result",
            entity_id: id.to_string(),
            before: None,
            after: Some(serde_json::json!({"as": standing})),
            reason: None,
        },
    )
    .await
}

/// The results a center is screening, oldest first (at most 2,000).
pub async fn in_screening(pool: &AnyPool, center_id: CenterId) -> StoreResult<Vec<ResultId>> {
    let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM research_results WHERE center_id = $1 AND state = 'screening' ORDER BY id LIMIT 2000")
        .bind(center_id.get())
        .fetch_all(pool)
        .await?;
    Ok(ids.into_iter().map(ResultId::new).collect())
}
