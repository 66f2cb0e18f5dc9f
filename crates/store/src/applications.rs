//! Applications (申报) and their review chain: each step with decision,
//! comments, actor and time; the manual expert panel and its scores; site
//! visits; the public notice and the objections filed during it.
//!
//! A state change is a compare-and-set on (state, version): of two reviewers
//! acting at once on the same version, one wins and the other gets a conflict.

use crate::audit::{self, Change};
use crate::column::{Code, Day, Instant, MaybeDay, MaybeInstant};
use crate::sql_where::{Arg, Where};
use crate::{format_ts, parse_code, Actor, Page, Paged, StoreError, StoreResult};
use chrono::{DateTime, NaiveDate, Utc};
use pocnet_domain::id::{ApplicationId, CallId, CenterId, ExpertId, ObjectionId, OrgId, SiteVisitId};
use pocnet_domain::objection::{ObjectionFinding, ObjectionStatus};
use pocnet_domain::policy::StageKind;
use pocnet_domain::recognition::{ActorKind, ApplicationState, ApplicationTransition, ReviewAction};
use pocnet_domain::region::Region;
use pocnet_domain::review::Aggregate;
use serde::Serialize;
use sqlx::{AnyConnection, AnyPool, FromRow};

/// An application.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Application {
    /// Id.
    #[schema(value_type = i64)]
    pub id: ApplicationId,
    /// Call id.
    #[schema(value_type = i64)]
    pub call_id: CallId,
    /// Call title.
    pub call_title: String,
    /// Policy profile of the call.
    pub profile_id: String,
    /// Creation or recognition.
    pub kind: StageKind,
    /// Deadline of the call (UTC).
    #[serde(serialize_with = "crate::time::serde_ts::instant")]
    #[schema(value_type = String)]
    pub deadline_at: DateTime<Utc>,
    /// The center applying.
    #[schema(value_type = i64)]
    pub center_id: CenterId,
    /// Host unit id.
    #[schema(value_type = i64)]
    pub host_org_id: OrgId,
    /// Host unit name.
    pub host_org_name: String,
    /// Region of the host unit (decides the county reviewer).
    pub region: Region,
    /// The name applied for.
    pub proposed_name: String,
    /// Where it stands.
    pub state: ApplicationState,
    /// The eligibility result frozen at submission (JSON), if submitted.
    pub eligibility_json: Option<String>,
    /// When submitted (UTC).
    #[serde(serialize_with = "crate::time::serde_ts::option")]
    #[schema(value_type = Option<String>)]
    pub submitted_at: Option<DateTime<Utc>>,
    /// First day of the public notice.
    #[schema(value_type = Option<String>)]
    pub notice_start: Option<NaiveDate>,
    /// Last day of the public notice.
    #[schema(value_type = Option<String>)]
    pub notice_end: Option<NaiveDate>,
    /// Day of the final decision.
    #[schema(value_type = Option<String>)]
    pub decided_on: Option<NaiveDate>,
    /// Optimistic-lock version.
    pub version: i64,
    /// Created (UTC).
    #[serde(serialize_with = "crate::time::serde_ts::instant")]
    #[schema(value_type = String)]
    pub created_at: DateTime<Utc>,
    /// The panel's result as last written back (mean, trimmed mean, spread,
    /// disagreement), refreshed with every score.
    pub panel_result: Option<Aggregate>,
}

impl Application {
    /// The application as a panel member may see it: never the others'
    /// scores (an expert scores independently), and the frozen eligibility
    /// only once it has declared no conflict and taken the pledge.
    pub fn reduced_for_panel_member(mut self, declared_no_conflict: bool) -> Self {
        self.panel_result = None;
        if !declared_no_conflict {
            self.eligibility_json = None;
        }
        self
    }
}

#[derive(FromRow)]
struct Row {
    id: i64,
    call_id: i64,
    call_title: String,
    profile_id: String,
    kind: String,
    #[sqlx(try_from = "Instant")]
    deadline_at: DateTime<Utc>,
    center_id: i64,
    host_org_id: i64,
    host_org_name: String,
    region: String,
    proposed_name: String,
    state: String,
    eligibility_json: Option<String>,
    #[sqlx(try_from = "MaybeInstant")]
    submitted_at: Option<DateTime<Utc>>,
    #[sqlx(try_from = "MaybeDay")]
    notice_start: Option<NaiveDate>,
    #[sqlx(try_from = "MaybeDay")]
    notice_end: Option<NaiveDate>,
    #[sqlx(try_from = "MaybeDay")]
    decided_on: Option<NaiveDate>,
    version: i64,
    #[sqlx(try_from = "Instant")]
    created_at: DateTime<Utc>,
    panel_result_json: Option<String>,
}

impl TryFrom<Row> for Application {
    type Error = StoreError;
    fn try_from(r: Row) -> StoreResult<Self> {
        Ok(Application {
            id: ApplicationId::new(r.id),
            call_id: CallId::new(r.call_id),
            call_title: r.call_title,
            profile_id: r.profile_id,
            kind: parse_code(&r.kind, StageKind::parse)?,
            deadline_at: r.deadline_at,
            center_id: CenterId::new(r.center_id),
            host_org_id: OrgId::new(r.host_org_id),
            host_org_name: r.host_org_name,
            region: parse_code(&r.region, Region::parse)?,
            proposed_name: r.proposed_name,
            state: parse_code(&r.state, ApplicationState::parse)?,
            eligibility_json: r.eligibility_json,
            submitted_at: r.submitted_at,
            notice_start: r.notice_start,
            notice_end: r.notice_end,
            decided_on: r.decided_on,
            version: r.version,
            created_at: r.created_at,
            panel_result: r.panel_result_json.as_deref().and_then(|j| serde_json::from_str(j).ok()),
        })
    }
}

const SELECT: &str = "SELECT a.id, a.call_id, k.title AS call_title, k.profile_id, k.kind, k.deadline_at, a.center_id, \
    a.host_org_id, o.name AS host_org_name, a.region, a.proposed_name, a.state, a.eligibility_json, a.submitted_at, \
    a.notice_start, a.notice_end, a.decided_on, a.version, a.created_at, a.panel_result_json \
    FROM applications a JOIN calls k ON k.id = a.call_id JOIN organisations o ON o.id = a.host_org_id";

/// Which applications a caller may see.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApplicationScope {
    /// Every one (the bureau).
    All,
    /// Submitted ones of a region (a county department; drafts, even withdrawn unsent, stay private).
    Region(Region),
    /// The host unit's own.
    Host(OrgId),
    /// Those on which an expert sits on the panel.
    Expert(ExpertId),
}

/// Filters of the list.
#[derive(Debug, Clone, Default)]
pub struct ApplicationFilter {
    /// Only this state.
    pub state: Option<ApplicationState>,
    /// Only this call.
    pub call_id: Option<CallId>,
    /// Only applications from this region.
    pub region: Option<Region>,
}

/// Lists applications in scope, newest first.
pub async fn list(pool: &AnyPool, scope: ApplicationScope, filter: &ApplicationFilter, page: Page) -> StoreResult<Paged<Application>> {
    let mut w = Where::default();
    match scope {
        ApplicationScope::All => {}
        ApplicationScope::Region(r) => {
            w.and("a.region = ?", Arg::Text(r.as_str().into())).and_raw("a.submitted_at IS NOT NULL");
        }
        ApplicationScope::Host(h) => {
            w.and("a.host_org_id = ?", Arg::Int(h.get()));
        }
        ApplicationScope::Expert(e) => {
            w.and("a.id IN (SELECT subject_id FROM panel_seats WHERE expert_id = ? AND subject_kind = 'application')", Arg::Int(e.get()));
        }
    }
    if let Some(s) = filter.state {
        w.and("a.state = ?", Arg::Text(s.as_str().into()));
    }
    if let Some(c) = filter.call_id {
        w.and("a.call_id = ?", Arg::Int(c.get()));
    }
    if let Some(r) = filter.region {
        w.and("a.region = ?", Arg::Text(r.as_str().into()));
    }
    let total: i64 = w.bind_scalar(sqlx::query_scalar(&format!("SELECT COUNT(*) FROM applications a {}", w.sql()))).fetch_one(pool).await?;
    let n = w.next();
    let sql = format!("{SELECT} {} ORDER BY a.updated_at DESC, a.id DESC LIMIT ${n} OFFSET ${}", w.sql(), n + 1);
    let rows = w.bind_as(sqlx::query_as::<_, Row>(&sql)).bind(page.limit()).bind(page.offset()).fetch_all(pool).await?;
    let items = rows.into_iter().map(Application::try_from).collect::<StoreResult<_>>()?;
    Ok(Paged::exact(items, total, page))
}

/// Reads one application.
pub async fn get<'e, E>(executor: E, id: ApplicationId) -> StoreResult<Application>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    sqlx::query_as::<_, Row>(&format!("{SELECT} WHERE a.id = $1"))
        .bind(id.get())
        .fetch_optional(executor)
        .await?
        .ok_or(StoreError::NotFound)?
        .try_into()
}

/// Applications on public notice now or approved, for the public pages.
pub async fn public_notices(pool: &AnyPool) -> StoreResult<Vec<Application>> {
    let rows = sqlx::query_as::<_, Row>(&format!(
        "{SELECT} WHERE a.notice_start IS NOT NULL ORDER BY a.notice_start DESC, a.id"
    ))
    .fetch_all(pool)
    .await?;
    rows.into_iter().map(Application::try_from).collect()
}

fn snapshot(a: &Application) -> serde_json::Value {
    serde_json::json!({"state": a.state, "proposed_name": a.proposed_name, "version": a.version,
        "notice_start": a.notice_start, "notice_end": a.notice_end})
}

/// Opens a draft application of a center under a call (one per center and call).
pub async fn create(
    conn: &mut AnyConnection,
    actor: &Actor,
    now: DateTime<Utc>,
    call_id: CallId,
    center_id: CenterId,
    proposed_name: &str,
) -> StoreResult<Application> {
    let ts = format_ts(now);
    let (host, region): (i64, String) = sqlx::query_as("SELECT host_org_id, region FROM centers WHERE id = $1")
        .bind(center_id.get())
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(StoreError::NotFound)?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO applications (call_id, center_id, host_org_id, region, proposed_name, state, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, 'draft', $6, $6) RETURNING id",
    )
    .bind(call_id.get())
    .bind(center_id.get())
    .bind(host)
    .bind(region)
    .bind(proposed_name)
    .bind(&ts)
    .fetch_one(&mut *conn)
    .await
    .map_err(StoreError::on_unique("call_id"))?;
    let a = get(&mut *conn, ApplicationId::new(id)).await?;
    audit::record(
        conn,
        actor,
        now,
        Change { action: "application.create", entity_type: "application", entity_id: id.to_string(), before: None, after: Some(snapshot(&a)), reason: None },
    )
    .await?;
    Ok(a)
}

/// Renames a draft or returned application.
pub async fn rename(conn: &mut AnyConnection, actor: &Actor, now: DateTime<Utc>, id: ApplicationId, version: i64, name: &str) -> StoreResult<Application> {
    let before = get(&mut *conn, id).await?;
    let done = sqlx::query(
        "UPDATE applications SET proposed_name = $1, version = version + 1, updated_at = $2 \
         WHERE id = $3 AND version = $4 AND state IN ('draft', 'returned')",
    )
    .bind(name)
    .bind(format_ts(now))
    .bind(id.get())
    .bind(version)
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::VersionConflict { expected: version });
    }
    let after = get(&mut *conn, id).await?;
    audit::record(
        conn,
        actor,
        now,
        Change { action: "application.rename", entity_type: "application", entity_id: id.to_string(), before: Some(snapshot(&before)), after: Some(snapshot(&after)), reason: None },
    )
    .await?;
    Ok(after)
}

/// What a state change also sets.
#[derive(Debug, Clone, Default)]
pub struct StepEffects {
    /// The eligibility result to freeze (on submission).
    pub eligibility_json: Option<String>,
    /// Notice start and end days (on publishing the notice).
    pub notice: Option<(NaiveDate, NaiveDate)>,
    /// The day of a final decision.
    pub decided_on: Option<NaiveDate>,
}

/// One step of the review chain.
pub struct Step<'a> {
    /// The step the domain allowed (`ApplicationState::step`): action, actor, from, to.
    pub transition: ApplicationTransition,
    /// The version it was taken on.
    pub version: i64,
    /// Reasons and comments.
    pub comments: &'a str,
}

/// Takes a step: compare-and-set on state and version, the step recorded in
/// the chain and the audit trail. A stale version or state is a conflict.
pub async fn take_step(
    conn: &mut AnyConnection,
    actor: &Actor,
    now: DateTime<Utc>,
    id: ApplicationId,
    step: &Step<'_>,
    effects: &StepEffects,
) -> StoreResult<Application> {
    let ts = format_ts(now);
    let submitted = matches!(step.transition.action(), ReviewAction::Submit).then(|| ts.clone());
    let (notice_start, notice_end) = effects.notice.map(|(s, e)| (s.to_string(), e.to_string())).unzip();
    let done = sqlx::query(
        "UPDATE applications SET state = $1, version = version + 1, updated_at = $2, \
         eligibility_json = COALESCE($3, eligibility_json), submitted_at = COALESCE($4, submitted_at), \
         notice_start = COALESCE($5, notice_start), notice_end = COALESCE($6, notice_end), \
         decided_on = COALESCE($7, decided_on) WHERE id = $8 AND version = $9 AND state = $10",
    )
    .bind(step.transition.to().as_str())
    .bind(&ts)
    .bind(&effects.eligibility_json)
    .bind(submitted)
    .bind(notice_start)
    .bind(notice_end)
    .bind(effects.decided_on.map(|d| d.to_string()))
    .bind(id.get())
    .bind(step.version)
    .bind(step.transition.from().as_str())
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::VersionConflict { expected: step.version });
    }
    sqlx::query(
        "INSERT INTO application_steps (application_id, action, from_state, to_state, actor_id, actor_label, actor_kind, comments, at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(id.get())
    .bind(step.transition.action().as_str())
    .bind(step.transition.from().as_str())
    .bind(step.transition.to().as_str())
    .bind(actor.user_column())
    .bind(&actor.label)
    .bind(step.transition.actor().as_str())
    .bind(step.comments)
    .bind(&ts)
    .execute(&mut *conn)
    .await?;
    let after = get(&mut *conn, id).await?;
    audit::record(
        conn,
        actor,
        now,
        Change {
            action: &format!("application.{}", step.transition.action().as_str()),
            entity_type: "application",
            entity_id: id.to_string(),
            before: Some(serde_json::json!({"state": step.transition.from(), "version": step.version})),
            after: Some(snapshot(&after)),
            reason: (!step.comments.is_empty()).then_some(step.comments),
        },
    )
    .await?;
    Ok(after)
}

/// A recorded step.
#[derive(Debug, Clone, Serialize, FromRow, utoipa::ToSchema)]
#[schema(as = ApplicationStepRecord)]
pub struct StepRecord {
    /// Action code.
    #[sqlx(try_from = "Code<pocnet_domain::recognition::ReviewAction>")]
    #[schema(value_type = String)]
    pub action: pocnet_domain::recognition::ReviewAction,
    /// From state.
    #[sqlx(try_from = "Code<ApplicationState>")]
    #[schema(value_type = String)]
    pub from_state: ApplicationState,
    /// To state.
    #[sqlx(try_from = "Code<ApplicationState>")]
    #[schema(value_type = String)]
    pub to_state: ApplicationState,
    /// Who (username).
    pub actor_label: String,
    /// As what (applicant / county / bureau).
    #[sqlx(try_from = "Code<ActorKind>")]
    #[schema(value_type = String)]
    pub actor_kind: ActorKind,
    /// Comments.
    pub comments: String,
    /// When (UTC).
    #[sqlx(try_from = "Instant")]
    #[serde(serialize_with = "crate::time::serde_ts::instant")]
    #[schema(value_type = String)]
    pub at: DateTime<Utc>,
}

/// The review chain of an application, oldest first.
pub async fn steps(pool: &AnyPool, id: ApplicationId) -> StoreResult<Vec<StepRecord>> {
    Ok(sqlx::query_as(
        "SELECT action, from_state, to_state, actor_label, actor_kind, comments, at FROM application_steps \
         WHERE application_id = $1 ORDER BY id",
    )
    .bind(id.get())
    .fetch_all(pool)
    .await?)
}

/// A site visit.
#[derive(Debug, Clone, Serialize, FromRow, utoipa::ToSchema)]
pub struct SiteVisit {
    /// Id.
    #[sqlx(try_from = "i64")]
    #[schema(value_type = i64)]
    pub id: SiteVisitId,
    /// Day of the visit.
    #[sqlx(try_from = "Day")]
    #[schema(value_type = String)]
    pub visited_on: NaiveDate,
    /// Who visited.
    pub visitors: String,
    /// What they found.
    pub findings: String,
    /// Recorded (UTC).
    #[sqlx(try_from = "Instant")]
    #[serde(serialize_with = "crate::time::serde_ts::instant")]
    #[schema(value_type = String)]
    pub recorded_at: DateTime<Utc>,
}

/// Records a site visit.
pub async fn add_site_visit(
    conn: &mut AnyConnection,
    actor: &Actor,
    now: DateTime<Utc>,
    id: ApplicationId,
    visited_on: NaiveDate,
    visitors: &str,
    findings: &str,
) -> StoreResult<()> {
    sqlx::query("INSERT INTO site_visits (application_id, visited_on, visitors, findings, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(id.get())
        .bind(visited_on.to_string())
        .bind(visitors)
        .bind(findings)
        .bind(actor.user_column())
        .bind(format_ts(now))
        .execute(&mut *conn)
        .await?;
    audit::record(
        conn,
        actor,
        now,
        Change { action: "application.site_visit", entity_type: "application", entity_id: id.to_string(), before: None, after: Some(serde_json::json!({"visited_on": visited_on, "visitors": visitors, "findings": findings})), reason: None },
    )
    .await
}

/// The site visits of an application.
pub async fn site_visits<'e, E>(executor: E, id: ApplicationId) -> StoreResult<Vec<SiteVisit>>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    Ok(sqlx::query_as("SELECT id, visited_on, visitors, findings, recorded_at FROM site_visits WHERE application_id = $1 ORDER BY id")
        .bind(id.get())
        .fetch_all(executor)
        .await?)
}

/// An objection (异议).
#[derive(Debug, Clone, Serialize, FromRow, utoipa::ToSchema)]
pub struct Objection {
    /// Id.
    #[sqlx(try_from = "i64")]
    #[schema(value_type = i64)]
    pub id: ObjectionId,
    /// Application.
    #[sqlx(try_from = "i64")]
    #[schema(value_type = i64)]
    pub application_id: ApplicationId,
    /// Who objects (name or unit).
    pub name: String,
    /// How to reach them (only the bureau sees it).
    pub contact: String,
    /// The objection.
    pub content: String,
    /// Filed (UTC).
    #[sqlx(try_from = "Instant")]
    #[serde(serialize_with = "crate::time::serde_ts::instant")]
    #[schema(value_type = String)]
    pub filed_at: DateTime<Utc>,
    /// Open, upheld (成立) or dismissed (不成立).
    #[sqlx(try_from = "Code<ObjectionStatus>")]
    pub status: ObjectionStatus,
    /// How it was resolved.
    pub resolution: String,
    /// Resolved (UTC).
    #[sqlx(try_from = "MaybeInstant")]
    #[serde(serialize_with = "crate::time::serde_ts::option")]
    #[schema(value_type = Option<String>)]
    pub resolved_at: Option<DateTime<Utc>>,
    /// Optimistic-lock version.
    pub version: i64,
}

/// Files an objection (anyone, no login) while the notice runs.
pub async fn file_objection(
    conn: &mut AnyConnection,
    actor: &Actor,
    now: DateTime<Utc>,
    id: ApplicationId,
    name: &str,
    contact: &str,
    content: &str,
) -> StoreResult<Objection> {
    use sha2::{Digest, Sha256};
    // The same objection twice is one objection: compare the text with its spacing normalised.
    let normalised: String = content.split_whitespace().collect::<Vec<_>>().join(" ");
    let digest = hex::encode(Sha256::digest(normalised.as_bytes()));
    let oid: i64 = sqlx::query_scalar(
        "INSERT INTO objections (application_id, name, contact, content, filed_at, status, ip, content_hash) \
         VALUES ($1, $2, $3, $4, $5, 'open', $6, $7) RETURNING id",
    )
    .bind(id.get())
    .bind(name)
    .bind(contact)
    .bind(content)
    .bind(format_ts(now))
    .bind(actor.ip.clone().unwrap_or_default())
    .bind(digest)
    .fetch_one(&mut *conn)
    .await
    .map_err(StoreError::on_unique("content"))?;
    audit::record(
        &mut *conn,
        actor,
        now,
        Change { action: "objection.file", entity_type: "application", entity_id: id.to_string(), before: None, after: Some(serde_json::json!({"objection_id": oid, "name": name})), reason: None },
    )
    .await?;
    objection(&mut *conn, ObjectionId::new(oid)).await
}

/// Objections filed against application `id` since `since`, from any address
/// and from `ip`; the notice's row is locked first, so two filings at once
/// (two web nodes on PostgreSQL) count one after the other.
pub async fn recent_objections(conn: &mut AnyConnection, id: ApplicationId, ip: &str, since: DateTime<Utc>) -> StoreResult<(i64, i64, i64)> {
    let id = id.get();
    sqlx::query("UPDATE applications SET version = version WHERE id = $1").bind(id).execute(&mut *conn).await?;
    let since = format_ts(since);
    let on_notice: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM objections WHERE application_id = $1 AND filed_at >= $2")
        .bind(id)
        .bind(&since)
        .fetch_one(&mut *conn)
        .await?;
    let from_ip: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM objections WHERE ip = $1 AND filed_at >= $2")
        .bind(ip)
        .bind(&since)
        .fetch_one(&mut *conn)
        .await?;
    let from_ip_on_notice: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM objections WHERE application_id = $1 AND ip = $2")
        .bind(id)
        .bind(ip)
        .fetch_one(&mut *conn)
        .await?;
    Ok((on_notice, from_ip, from_ip_on_notice))
}

/// Reads one objection.
pub async fn objection<'e, E>(executor: E, oid: ObjectionId) -> StoreResult<Objection>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    sqlx::query_as(
        "SELECT id, application_id, name, contact, content, filed_at, status, resolution, resolved_at, version FROM objections WHERE id = $1",
    )
    .bind(oid.get())
    .fetch_optional(executor)
    .await?
    .ok_or(StoreError::NotFound)
}

/// The objections of an application.
pub async fn objections<'e, E>(executor: E, id: ApplicationId) -> StoreResult<Vec<Objection>>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    Ok(sqlx::query_as(
        "SELECT id, application_id, name, contact, content, filed_at, status, resolution, resolved_at, version FROM objections \
         WHERE application_id = $1 ORDER BY id",
    )
    .bind(id.get())
    .fetch_all(executor)
    .await?)
}

/// Resolves several open objections of application `id` with one reason (a
/// batch, e.g. many objections saying the same): `ids` names them, none means
/// every open one. All or nothing: a named objection that is not open, or not
/// this application's, refuses the batch (`not_open`). Returns how many.
pub async fn resolve_open_objections(
    conn: &mut AnyConnection,
    actor: &Actor,
    now: DateTime<Utc>,
    id: ApplicationId,
    ids: &[ObjectionId],
    finding: ObjectionFinding,
    resolution: &str,
) -> StoreResult<usize> {
    let open: Vec<(i64, i64)> = sqlx::query_as("SELECT id, version FROM objections WHERE application_id = $1 AND status = 'open' ORDER BY id")
        .bind(id.get())
        .fetch_all(&mut *conn)
        .await?;
    let open = open.into_iter().map(|(o, v)| (ObjectionId::new(o), v));
    let chosen: Vec<(ObjectionId, i64)> = if ids.is_empty() { open.collect() } else { open.filter(|(o, _)| ids.contains(o)).collect() };
    if chosen.len() != ids.len() && !ids.is_empty() {
        return Err(StoreError::Refused { code: "not_open", message: "所选异议中有已处理或不属于本申报的异议，请刷新后重新选择".into() });
    }
    for (oid, version) in &chosen {
        resolve_objection(&mut *conn, actor, now, *oid, *version, finding, resolution).await?;
    }
    Ok(chosen.len())
}

/// Resolves an open objection with the bureau's finding (成立 or 不成立).
pub async fn resolve_objection(
    conn: &mut AnyConnection,
    actor: &Actor,
    now: DateTime<Utc>,
    oid: ObjectionId,
    version: i64,
    finding: ObjectionFinding,
    resolution: &str,
) -> StoreResult<Objection> {
    let done = sqlx::query(
        "UPDATE objections SET status = $1, resolution = $2, resolved_by = $3, resolved_at = $4, version = version + 1 \
         WHERE id = $5 AND version = $6 AND status = 'open'",
    )
    .bind(finding.status().as_str())
    .bind(resolution)
    .bind(actor.user_column())
    .bind(format_ts(now))
    .bind(oid.get())
    .bind(version)
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::VersionConflict { expected: version });
    }
    let o = objection(&mut *conn, oid).await?;
    audit::record(
        conn,
        actor,
        now,
        Change {
            action: "objection.resolve",
            entity_type: "application",
            entity_id: o.application_id.to_string(),
            before: None,
            after: Some(serde_json::json!({"objection_id": oid, "status": finding.status()})),
            reason: Some(resolution),
        },
    )
    .await?;
    Ok(o)
}
