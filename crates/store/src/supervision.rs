//! Supervision of the registry (动态管理): every status change of a center
//! with actor, reason and article; recognition's effect on the center;
//! major-change reports; revocation and its bar on re-applying; pilot
//! platforms' re-evaluation.

use crate::audit::{self, Change};
use crate::centers::{self, snapshot, Center};
use crate::column::{Code, Day, Instant, MaybeCode, MaybeDay, MaybeInstant};
use crate::{format_ts, Actor, StoreError, StoreResult};
use chrono::{DateTime, NaiveDate, Utc};
use pocnet_domain::center::{CenterLevel, CenterStage};
use pocnet_domain::id::{CenterId, ChangeReportId, OrgId, RevocationId};
use pocnet_domain::supervision::CenterStatus;
use serde::Serialize;
use sqlx::{AnyConnection, AnyPool, FromRow};

/// A status change of a center.
#[derive(Debug, Clone, Serialize, FromRow, utoipa::ToSchema)]
pub struct CenterEvent {
    /// When (UTC).
    #[sqlx(try_from = "Instant")]
    #[serde(serialize_with = "crate::time::serde_ts::instant")]
    #[schema(value_type = String)]
    pub at: DateTime<Utc>,
    /// Who (username or `system:…`).
    pub actor_label: String,
    /// What, e.g. `recognize`, `revoke`.
    pub action: String,
    /// Before.
    pub from_value: String,
    /// After.
    pub to_value: String,
    /// Why.
    pub reason: String,
    /// The article it rests on.
    pub article: String,
}

/// The history of a center, oldest first.
pub async fn events(pool: &AnyPool, center_id: CenterId) -> StoreResult<Vec<CenterEvent>> {
    Ok(sqlx::query_as(
        "SELECT at, actor_label, action, from_value, to_value, reason, article FROM center_events WHERE center_id = $1 ORDER BY id",
    )
    .bind(center_id.get())
    .fetch_all(pool)
    .await?)
}

/// What a status change is.
pub struct Event<'a> {
    /// Action code.
    pub action: &'a str,
    /// Before.
    pub from: String,
    /// After.
    pub to: String,
    /// Why.
    pub reason: &'a str,
    /// Article.
    pub article: &'a str,
}

async fn record_event(
    conn: &mut AnyConnection,
    actor: &Actor,
    now: DateTime<Utc>,
    center_id: CenterId,
    before: &Center,
    e: &Event<'_>,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO center_events (center_id, at, actor_id, actor_label, action, from_value, to_value, reason, article) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(center_id.get())
    .bind(format_ts(now))
    .bind(actor.user_column())
    .bind(&actor.label)
    .bind(e.action)
    .bind(&e.from)
    .bind(&e.to)
    .bind(e.reason)
    .bind(e.article)
    .execute(&mut *conn)
    .await?;
    let after = centers::get(&mut *conn, center_id).await?;
    let reason = format!("{}（依据：{}）", e.reason, e.article);
    audit::record(
        conn,
        actor,
        now,
        Change {
            action: &format!("center.{}", e.action),
            entity_type: "center",
            entity_id: center_id.to_string(),
            before: Some(snapshot(before)),
            after: Some(snapshot(&after)),
            reason: Some(&reason),
        },
    )
    .await
}

/// What approval of an application does to its center.
pub struct Recognition<'a> {
    /// The official name.
    pub name: &'a str,
    /// Stage granted (创建中 or 已认定).
    pub stage: CenterStage,
    /// Level of the profile.
    pub level: CenterLevel,
    /// Profile id.
    pub profile_id: &'a str,
    /// Day of the decision.
    pub on: NaiveDate,
    /// Certificate number prefix, e.g. `温州市概认〔2026〕`.
    pub certificate_prefix: &'a str,
    /// Pilot platforms: first re-evaluation due.
    pub reevaluation_due: Option<NaiveDate>,
    /// Article of the procedure.
    pub article: &'a str,
}

/// The next number under a certificate prefix. Numbers once issued stay
/// issued (a center's record keeps only its latest certificate, so counting
/// the records would hand a number out twice), and two approvals at once
/// must not both take the same one: the counter lives in one row per prefix,
/// bumped by an upsert that locks it until the transaction ends. It starts
/// after the certificates already recorded in the centers' history.
async fn next_certificate_seq(conn: &mut AnyConnection, prefix: &str) -> StoreResult<i64> {
    let issued: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM center_events WHERE action = 'recognize' AND to_value LIKE $1")
        .bind(format!("%（{prefix}%"))
        .fetch_one(&mut *conn)
        .await?;
    let value: String = sqlx::query_scalar(
        "INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE \
         SET value = CAST(CAST(settings.value AS BIGINT) + 1 AS TEXT) RETURNING value",
    )
    .bind(format!("certificate_seq:{prefix}"))
    .bind((issued + 1).to_string())
    .fetch_one(&mut *conn)
    .await?;
    value.trim().parse().map_err(|_| StoreError::Corrupt(format!("certificate counter of {prefix}: {value}")))
}

/// Applies an approved application `a` to its center under `profile`: what
/// the profile's stage grants on `on` (`domain::recognition::grant`: stage,
/// level, certificate prefix, a pilot platform's first re-evaluation) with
/// the approved name. The one way an approval reaches a center — the
/// workflow and the demo story both call it.
pub async fn apply_approval(
    conn: &mut AnyConnection,
    actor: &Actor,
    now: DateTime<Utc>,
    a: &crate::applications::Application,
    profile: &pocnet_domain::policy::Profile,
    on: chrono::NaiveDate,
) -> StoreResult<Center> {
    let g = pocnet_domain::recognition::grant(profile, a.kind, on)
        .ok_or_else(|| StoreError::Corrupt(format!("profile {} has no {:?} stage", profile.id, a.kind)))?;
    let r = Recognition {
        name: &a.proposed_name,
        stage: g.stage,
        level: g.level,
        profile_id: &profile.id,
        on,
        certificate_prefix: &g.certificate_prefix,
        reevaluation_due: g.reevaluation_due,
        article: &g.article,
    };
    recognize(conn, actor, now, a.center_id, &r).await
}

/// Applies an approval to the center: name, stage, level, certificate.
pub async fn recognize(conn: &mut AnyConnection, actor: &Actor, now: DateTime<Utc>, center_id: CenterId, r: &Recognition<'_>) -> StoreResult<Center> {
    let before = centers::get(&mut *conn, center_id).await?;
    let seq = next_certificate_seq(&mut *conn, r.certificate_prefix).await?;
    let certificate = format!("{}{:03}号", r.certificate_prefix, seq);
    let recognized_on = (r.stage != CenterStage::Creating).then(|| r.on.to_string());
    sqlx::query(
        "UPDATE centers SET name = $1, stage = $2, level = $3, profile_id = $4, certificate_no = $5, \
         recognized_on = COALESCE($6, recognized_on), reevaluation_due = $7, status = 'active', version = version + 1, updated_at = $8 WHERE id = $9",
    )
    .bind(r.name)
    .bind(r.stage.as_str())
    .bind(r.level.as_str())
    .bind(r.profile_id)
    .bind(&certificate)
    .bind(recognized_on)
    .bind(r.reevaluation_due.map(|d| d.to_string()))
    .bind(format_ts(now))
    .bind(center_id.get())
    .execute(&mut *conn)
    .await
    .map_err(StoreError::on_unique("name"))?;
    let e = Event {
        action: "recognize",
        from: format!("{}·{}", before.stage.label_zh(), before.level.label_zh()),
        to: format!("{}·{}（{}）", r.stage.label_zh(), r.level.label_zh(), certificate),
        reason: "公示期满无异议，予以通过",
        article: r.article,
    };
    record_event(conn, actor, now, center_id, &before, &e).await?;
    centers::get(&mut *conn, center_id).await
}

/// Sets a center's status (revoked, terminated) or stage, recording why.
#[allow(clippy::too_many_arguments)]
pub async fn set_status(
    conn: &mut AnyConnection,
    actor: &Actor,
    now: DateTime<Utc>,
    center_id: CenterId,
    status: CenterStatus,
    action: &str,
    reason: &str,
    article: &str,
) -> StoreResult<Center> {
    let before = centers::get(&mut *conn, center_id).await?;
    if before.status != CenterStatus::Active {
        return Err(StoreError::VersionConflict { expected: before.version });
    }
    let china_day = (now + chrono::Duration::hours(8)).date_naive().to_string();
    sqlx::query("UPDATE centers SET status = $1, status_from = $2, version = version + 1, updated_at = $3 WHERE id = $4 AND status = 'active'")
        .bind(status.as_str())
        .bind(china_day)
        .bind(format_ts(now))
        .bind(center_id.get())
        .execute(&mut *conn)
        .await?;
    let e = Event { action, from: before.status.label_zh().into(), to: status.label_zh().into(), reason, article };
    record_event(conn, actor, now, center_id, &before, &e).await?;
    centers::get(&mut *conn, center_id).await
}

/// Records an event on a center's history that leaves its status as it is
/// (a rectification, a caution, a reward or support after its evaluation).
pub async fn note(conn: &mut AnyConnection, actor: &Actor, now: DateTime<Utc>, center_id: CenterId, action: &str, reason: &str, article: &str) -> StoreResult<()> {
    let before = centers::get(&mut *conn, center_id).await?;
    let status = before.status.label_zh().to_owned();
    let e = Event { action, from: status.clone(), to: status, reason, article };
    record_event(conn, actor, now, center_id, &before, &e).await
}

/// Sets the day from which a center's status holds, when it differs from the
/// day of the decision ("自条件变化年度起取消", 000 指引 五).
pub async fn set_status_from(conn: &mut AnyConnection, center_id: CenterId, day: NaiveDate) -> StoreResult<()> {
    sqlx::query("UPDATE centers SET status_from = $1 WHERE id = $2").bind(day.to_string()).bind(center_id.get()).execute(&mut *conn).await?;
    Ok(())
}

/// Changes a center's stage (e.g. to key cultivation) or level, recording why.
#[allow(clippy::too_many_arguments)]
pub async fn set_stage_level(
    conn: &mut AnyConnection,
    actor: &Actor,
    now: DateTime<Utc>,
    center_id: CenterId,
    version: i64,
    stage: CenterStage,
    level: CenterLevel,
    reason: &str,
    article: &str,
) -> StoreResult<Center> {
    let before = centers::get(&mut *conn, center_id).await?;
    let done = sqlx::query("UPDATE centers SET stage = $1, level = $2, version = version + 1, updated_at = $3 WHERE id = $4 AND version = $5")
        .bind(stage.as_str())
        .bind(level.as_str())
        .bind(format_ts(now))
        .bind(center_id.get())
        .bind(version)
        .execute(&mut *conn)
        .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::VersionConflict { expected: version });
    }
    let e = Event {
        action: "regrade",
        from: format!("{}·{}", before.stage.label_zh(), before.level.label_zh()),
        to: format!("{}·{}", stage.label_zh(), level.label_zh()),
        reason,
        article,
    };
    record_event(conn, actor, now, center_id, &before, &e).await?;
    centers::get(&mut *conn, center_id).await
}

/// A revocation and its bar.
#[derive(Debug, Clone, Serialize, FromRow, utoipa::ToSchema)]
pub struct RevocationRecord {
    /// Id.
    #[sqlx(try_from = "i64")]
    #[schema(value_type = i64)]
    pub id: RevocationId,
    /// Center.
    #[sqlx(try_from = "i64")]
    #[schema(value_type = i64)]
    pub center_id: CenterId,
    /// Host unit barred.
    #[sqlx(try_from = "i64")]
    #[schema(value_type = i64)]
    pub host_org_id: OrgId,
    /// Reason code from the profile.
    pub reason_code: String,
    /// Reason as worded.
    pub reason_label: String,
    /// Article.
    pub article: String,
    /// Details given.
    pub details: String,
    /// Day revoked.
    #[sqlx(try_from = "Day")]
    #[schema(value_type = String)]
    pub revoked_on: NaiveDate,
    /// First day the host may apply again (equal to `revoked_on` without a bar).
    #[sqlx(try_from = "Day")]
    #[schema(value_type = String)]
    pub may_apply_from: NaiveDate,
}

/// Revokes a center and records the bar on its host.
#[allow(clippy::too_many_arguments)]
pub async fn revoke(
    conn: &mut AnyConnection,
    actor: &Actor,
    now: DateTime<Utc>,
    center_id: CenterId,
    reason_code: &str,
    reason_label: &str,
    article: &str,
    details: &str,
    revoked_on: NaiveDate,
    may_apply_from: NaiveDate,
) -> StoreResult<Center> {
    let center = centers::get(&mut *conn, center_id).await?;
    sqlx::query(
        "INSERT INTO revocations (center_id, host_org_id, reason_code, reason_label, article, details, revoked_on, may_apply_from, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(center_id.get())
    .bind(center.host_org_id.get())
    .bind(reason_code)
    .bind(reason_label)
    .bind(article)
    .bind(details)
    .bind(revoked_on.to_string())
    .bind(may_apply_from.to_string())
    .bind(actor.user_column())
    .bind(format_ts(now))
    .execute(&mut *conn)
    .await?;
    let reason = format!("{reason_label}：{details}");
    set_status(conn, actor, now, center_id, CenterStatus::Revoked, "revoke", &reason, article).await
}

/// The bar in force on a host unit on `today` (YYYY-MM-DD), if any: the latest one.
pub async fn bar_on(pool: &AnyPool, host_org_id: OrgId, today: NaiveDate) -> StoreResult<Option<RevocationRecord>> {
    Ok(sqlx::query_as(
        "SELECT id, center_id, host_org_id, reason_code, reason_label, article, details, revoked_on, may_apply_from FROM revocations \
         WHERE host_org_id = $1 AND may_apply_from > $2 ORDER BY may_apply_from DESC LIMIT 1",
    )
    .bind(host_org_id.get())
    .bind(today.to_string())
    .fetch_optional(pool)
    .await?)
}

/// The revocations of a center.
pub async fn revocations(pool: &AnyPool, center_id: CenterId) -> StoreResult<Vec<RevocationRecord>> {
    Ok(sqlx::query_as(
        "SELECT id, center_id, host_org_id, reason_code, reason_label, article, details, revoked_on, may_apply_from FROM revocations \
         WHERE center_id = $1 ORDER BY id",
    )
    .bind(center_id.get())
    .fetch_all(pool)
    .await?)
}

/// A major-change report.
#[derive(Debug, Clone, Serialize, FromRow, utoipa::ToSchema)]
pub struct ChangeReport {
    /// Id.
    #[sqlx(try_from = "i64")]
    #[schema(value_type = i64)]
    pub id: ChangeReportId,
    /// Center.
    #[sqlx(try_from = "i64")]
    #[schema(value_type = i64)]
    pub center_id: CenterId,
    /// Kind code.
    #[sqlx(try_from = "Code<pocnet_domain::supervision::ChangeKind>")]
    #[schema(value_type = String)]
    pub kind: pocnet_domain::supervision::ChangeKind,
    /// Day of the change.
    #[sqlx(try_from = "Day")]
    #[schema(value_type = String)]
    pub change_date: NaiveDate,
    /// Last day to report, when the policy sets one.
    #[sqlx(try_from = "MaybeDay")]
    #[schema(value_type = Option<String>)]
    pub due_on: Option<NaiveDate>,
    /// Day reported.
    #[sqlx(try_from = "Day")]
    #[schema(value_type = String)]
    pub reported_on: NaiveDate,
    /// 1 if reported after the deadline.
    pub overdue: i64,
    /// What changed.
    pub description: String,
    /// `keep` or `revoke`, once decided.
    #[sqlx(try_from = "MaybeCode<pocnet_domain::supervision::ChangeDecision>")]
    #[schema(value_type = Option<String>)]
    pub decision: Option<pocnet_domain::supervision::ChangeDecision>,
    /// Why.
    pub decision_reason: String,
    /// When decided.
    #[sqlx(try_from = "MaybeInstant")]
    #[serde(serialize_with = "crate::time::serde_ts::option")]
    #[schema(value_type = Option<String>)]
    pub decided_at: Option<DateTime<Utc>>,
    /// Optimistic-lock version.
    pub version: i64,
}

const CHANGE_SELECT: &str = "SELECT id, center_id, kind, change_date, due_on, reported_on, overdue, description, decision, \
    decision_reason, decided_at, version FROM change_reports";

/// Files a change report.
#[allow(clippy::too_many_arguments)]
pub async fn file_change(
    conn: &mut AnyConnection,
    actor: &Actor,
    now: DateTime<Utc>,
    center_id: CenterId,
    kind: pocnet_domain::supervision::ChangeKind,
    change_date: NaiveDate,
    due_on: Option<NaiveDate>,
    reported_on: NaiveDate,
    overdue: bool,
    description: &str,
) -> StoreResult<ChangeReport> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO change_reports (center_id, kind, change_date, due_on, reported_on, overdue, description, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(center_id.get())
    .bind(kind.as_str())
    .bind(change_date.to_string())
    .bind(due_on.map(|d| d.to_string()))
    .bind(reported_on.to_string())
    .bind(i64::from(overdue))
    .bind(description)
    .bind(actor.user_column())
    .bind(format_ts(now))
    .fetch_one(&mut *conn)
    .await?;
    audit::record(
        &mut *conn,
        actor,
        now,
        Change {
            action: "center.change_report",
            entity_type: "center",
            entity_id: center_id.to_string(),
            before: None,
            after: Some(serde_json::json!({"report_id": id, "kind": kind, "change_date": change_date, "overdue": overdue})),
            reason: Some(description),
        },
    )
    .await?;
    change(&mut *conn, ChangeReportId::new(id)).await
}

/// Reads one change report.
pub async fn change<'e, E>(executor: E, id: ChangeReportId) -> StoreResult<ChangeReport>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    sqlx::query_as(&format!("{CHANGE_SELECT} WHERE id = $1")).bind(id.get()).fetch_optional(executor).await?.ok_or(StoreError::NotFound)
}

/// Change reports of one center, or of all (with `None`), newest first.
pub async fn changes(pool: &AnyPool, center_id: Option<CenterId>) -> StoreResult<Vec<ChangeReport>> {
    Ok(sqlx::query_as(&format!("{CHANGE_SELECT} WHERE ($1 IS NULL OR center_id = $1) ORDER BY id DESC"))
        .bind(center_id.map(CenterId::get))
        .fetch_all(pool)
        .await?)
}

/// Records the bureau's decision on a change report.
pub async fn decide_change(
    conn: &mut AnyConnection,
    actor: &Actor,
    now: DateTime<Utc>,
    id: ChangeReportId,
    version: i64,
    decision: pocnet_domain::supervision::ChangeDecision,
    reason: &str,
) -> StoreResult<ChangeReport> {
    let done = sqlx::query(
        "UPDATE change_reports SET decision = $1, decision_reason = $2, decided_by = $3, decided_at = $4, version = version + 1 \
         WHERE id = $5 AND version = $6 AND decision IS NULL",
    )
    .bind(decision.as_str())
    .bind(reason)
    .bind(actor.user_column())
    .bind(format_ts(now))
    .bind(id.get())
    .bind(version)
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::VersionConflict { expected: version });
    }
    let r = change(&mut *conn, id).await?;
    audit::record(
        &mut *conn,
        actor,
        now,
        Change {
            action: "center.change_decision",
            entity_type: "center",
            entity_id: r.center_id.to_string(),
            before: None,
            after: Some(serde_json::json!({"report_id": id, "decision": decision.as_str()})),
            reason: Some(reason),
        },
    )
    .await?;
    Ok(r)
}

/// A re-evaluation of a pilot platform.
#[derive(Debug, Clone, Serialize, FromRow, utoipa::ToSchema)]
pub struct Reevaluation {
    /// Day evaluated.
    #[sqlx(try_from = "Day")]
    #[schema(value_type = String)]
    pub evaluated_on: NaiveDate,
    /// `pass` or `fail`.
    #[sqlx(try_from = "Code<pocnet_domain::supervision::ReevaluationResult>")]
    #[schema(value_type = String)]
    pub result: pocnet_domain::supervision::ReevaluationResult,
    /// Comments.
    pub comments: String,
    /// The next one due (after a pass).
    #[sqlx(try_from = "MaybeDay")]
    #[schema(value_type = Option<String>)]
    pub next_due: Option<NaiveDate>,
    /// Recorded (UTC).
    #[sqlx(try_from = "Instant")]
    #[serde(serialize_with = "crate::time::serde_ts::instant")]
    #[schema(value_type = String)]
    pub recorded_at: DateTime<Utc>,
}

/// Records a re-evaluation and moves the due date.
#[allow(clippy::too_many_arguments)]
pub async fn record_reevaluation(
    conn: &mut AnyConnection,
    actor: &Actor,
    now: DateTime<Utc>,
    center_id: CenterId,
    evaluated_on: NaiveDate,
    result: pocnet_domain::supervision::ReevaluationResult,
    comments: &str,
    next_due: Option<NaiveDate>,
    article: &str,
) -> StoreResult<Center> {
    let before = centers::get(&mut *conn, center_id).await?;
    sqlx::query(
        "INSERT INTO reevaluations (center_id, evaluated_on, result, comments, next_due, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(center_id.get())
    .bind(evaluated_on.to_string())
    .bind(result.as_str())
    .bind(comments)
    .bind(next_due.map(|d| d.to_string()))
    .bind(actor.user_column())
    .bind(format_ts(now))
    .execute(&mut *conn)
    .await?;
    sqlx::query("UPDATE centers SET reevaluation_due = $1, version = version + 1, updated_at = $2 WHERE id = $3")
        .bind(next_due.map(|d| d.to_string()))
        .bind(format_ts(now))
        .bind(center_id.get())
        .execute(&mut *conn)
        .await?;
    let e = Event {
        action: "reevaluate",
        from: before.reevaluation_due.map(|d| format!("复评到期 {d}")).unwrap_or_default(),
        to: format!("复评{}（{}）", result.label_zh(), evaluated_on),
        reason: comments,
        article,
    };
    record_event(conn, actor, now, center_id, &before, &e).await?;
    centers::get(&mut *conn, center_id).await
}

/// The re-evaluations of a center.
pub async fn reevaluations(pool: &AnyPool, center_id: CenterId) -> StoreResult<Vec<Reevaluation>> {
    Ok(sqlx::query_as("SELECT evaluated_on, result, comments, next_due, recorded_at FROM reevaluations WHERE center_id = $1 ORDER BY id")
        .bind(center_id.get())
        .fetch_all(pool)
        .await?)
}
