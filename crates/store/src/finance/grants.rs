//! Subsidies and rewards (财政补助与奖励, migration 0032): one grant per center, programme and
//! year; the bureau's decision; payments that never pass the approved amount.

use crate::audit::{self, Change};
use crate::column::{Code, Day, Instant, NullableId};
use crate::listing::{self, ListRow, Order, Total};
use crate::sql_where::{Arg, Where};
use crate::{format_ts, Actor, Page, Paged, SortDir, StoreError, StoreResult};
use chrono::{DateTime, NaiveDate, Utc};
use pocnet_domain::finance::grant::{GrantProgramme, GrantState};
use pocnet_domain::id::CenterId;
use pocnet_domain::money::Yuan;
use serde::Serialize;
use sqlx::{AnyConnection, AnyPool, FromRow};

/// A grant with its center's name.
#[derive(Debug, Clone, Serialize, FromRow, utoipa::ToSchema)]
pub struct Grant {
    /// Id.
    pub id: i64,
    /// The center.
    #[sqlx(try_from = "i64")]
    #[schema(value_type = i64)]
    pub center_id: CenterId,
    /// Its name.
    pub center_name: String,
    /// Its host unit (whose operators read it).
    #[sqlx(try_from = "i64")]
    #[schema(value_type = i64)]
    pub host_org_id: pocnet_domain::id::OrgId,
    /// The profile whose programme it is.
    pub profile_id: String,
    /// The programme's code.
    pub programme: String,
    /// Its Chinese name.
    pub label: String,
    /// Its article.
    pub article: String,
    /// The year it is for.
    pub year: i64,
    /// Why pocnet proposed it (the records it rests on).
    pub basis: String,
    /// The management action it follows, for an evaluation's reward or support.
    #[sqlx(try_from = "NullableId")]
    #[schema(value_type = Option<i64>)]
    pub action_id: Option<i64>,
    /// The amount proposed (none: the bureau sets it), yuan.
    pub proposed_yuan: Option<i64>,
    /// The programme's cap, yuan.
    pub cap_yuan: Option<i64>,
    /// The amount approved, yuan.
    pub approved_yuan: Option<i64>,
    /// Paid so far, yuan.
    #[sqlx(try_from = "i64")]
    pub paid_yuan: Yuan,
    /// Where it stands.
    #[sqlx(try_from = "Code<GrantState>")]
    pub state: GrantState,
    /// The bureau's reason (a refusal, or less than proposed).
    pub reason: String,
    /// Optimistic-lock version.
    pub version: i64,
    /// Proposed at (UTC).
    #[sqlx(try_from = "Instant")]
    #[serde(serialize_with = "crate::time::serde_ts::instant")]
    #[schema(value_type = String)]
    pub created_at: DateTime<Utc>,
}

impl Grant {
    /// What is still to be paid (yuan).
    pub fn unpaid(&self) -> Yuan {
        Yuan::new(self.approved_yuan.unwrap_or(0) - self.paid_yuan.get())
    }
}

impl ListRow for Grant {
    fn list_id(&self) -> i64 {
        self.id
    }
}

const SELECT: &str = "SELECT g.id, g.center_id, c.name AS center_name, c.host_org_id, g.profile_id, g.programme, g.label, g.article, CAST(g.year AS BIGINT) AS year, \
    g.basis, g.action_id, g.proposed_yuan, g.cap_yuan, g.approved_yuan, g.paid_yuan, g.state, g.reason, g.version, g.created_at FROM grants g CROSS JOIN centers c";
const BASE: &str = "FROM grants g CROSS JOIN centers c";
const JOINED: &str = "c.id = g.center_id";

/// A grant as pocnet proposes it.
pub struct NewGrant<'a> {
    /// The center.
    pub center: CenterId,
    /// Its profile.
    pub profile_id: &'a str,
    /// The programme.
    pub programme: &'a GrantProgramme,
    /// The year.
    pub year: i32,
    /// The records it rests on, in words.
    pub basis: String,
    /// The management action it follows.
    pub action_id: Option<i64>,
    /// The amount proposed.
    pub proposed: Option<i64>,
}

/// Records a proposal unless the center already has this programme for this year; its id if new.
pub async fn propose(conn: &mut AnyConnection, actor: &Actor, now: DateTime<Utc>, g: &NewGrant<'_>) -> StoreResult<Option<i64>> {
    let ts = format_ts(now);
    let id: Option<i64> = sqlx::query_scalar(
        "INSERT INTO grants (center_id, profile_id, programme, label, article, year, basis, action_id, proposed_yuan, cap_yuan, state, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'proposed', $11, $11) ON CONFLICT (center_id, programme, year) DO NOTHING RETURNING id",
    )
    .bind(g.center.get())
    .bind(g.profile_id)
    .bind(&g.programme.code)
    .bind(&g.programme.label)
    .bind(&g.programme.article)
    .bind(g.year)
    .bind(&g.basis)
    .bind(g.action_id)
    .bind(g.proposed)
    .bind(g.programme.cap_yuan)
    .bind(&ts)
    .fetch_optional(&mut *conn)
    .await?;
    if let Some(id) = id {
        let after = serde_json::json!({"center_id": g.center, "programme": g.programme.code, "year": g.year, "proposed_yuan": g.proposed, "basis": g.basis});
        audit::record(conn, actor, now, Change { action: "grant.propose", entity_type: "grant", entity_id: id.to_string(), before: None, after: Some(after), reason: None }).await?;
    }
    Ok(id)
}

/// The years in which the center holds the programme (approved, or any not refused with `pending`).
pub async fn held_years(conn: &mut AnyConnection, center: CenterId, programme: &str, pending: bool) -> StoreResult<Vec<i32>> {
    let states = if pending { "('approved', 'proposed')" } else { "('approved')" };
    let years: Vec<i64> = sqlx::query_scalar(&format!("SELECT CAST(year AS BIGINT) FROM grants WHERE center_id = $1 AND programme = $2 AND state IN {states}"))
        .bind(center.get())
        .bind(programme)
        .fetch_all(&mut *conn)
        .await?;
    Ok(years.into_iter().filter_map(|y| i32::try_from(y).ok()).collect())
}

/// Takes the center's row lock until the transaction ends (the once rule is checked under it).
pub async fn lock_center(conn: &mut AnyConnection, center: CenterId) -> StoreResult<()> {
    sqlx::query("UPDATE centers SET version = version WHERE id = $1").bind(center.get()).execute(&mut *conn).await?;
    Ok(())
}

/// Approves (`Some(amount)`) or refuses a proposed grant read at `version`.
pub async fn decide(conn: &mut AnyConnection, actor: &Actor, now: DateTime<Utc>, id: i64, version: i64, approved: Option<i64>, reason: &str) -> StoreResult<()> {
    let state = if approved.is_some() { "approved" } else { "refused" };
    let n = sqlx::query("UPDATE grants SET state = $1, approved_yuan = $2, reason = $3, version = version + 1, updated_at = $4 WHERE id = $5 AND version = $6 AND state = 'proposed'")
        .bind(state)
        .bind(approved)
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
    let after = serde_json::json!({"state": state, "approved_yuan": approved});
    let reason = (!reason.is_empty()).then_some(reason);
    audit::record(conn, actor, now, Change { action: "grant.decide", entity_type: "grant", entity_id: id.to_string(), before: None, after: Some(after), reason }).await
}

/// Records a payment of an approved grant; refused when it would pass the approved amount.
pub async fn pay(conn: &mut AnyConnection, actor: &Actor, now: DateTime<Utc>, g: &Grant, paid_on: NaiveDate, amount: Yuan, note: &str) -> StoreResult<i64> {
    let ts = format_ts(now);
    let n = sqlx::query("UPDATE grants SET paid_yuan = paid_yuan + $1, updated_at = $2 WHERE id = $3 AND state = 'approved' AND paid_yuan + $1 <= approved_yuan")
        .bind(amount.get())
        .bind(&ts)
        .bind(g.id)
        .execute(&mut *conn)
        .await?
        .rows_affected();
    if n == 0 {
        return Err(StoreError::Refused { code: "exceeds_approved", message: "拨付金额累计不能超过核定金额".into() });
    }
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO grant_payments (grant_id, center_id, paid_on, amount_yuan, note, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(g.id)
    .bind(g.center_id.get())
    .bind(paid_on.to_string())
    .bind(amount.get())
    .bind(note)
    .bind(actor.user_column())
    .bind(&ts)
    .fetch_one(&mut *conn)
    .await?;
    let after = serde_json::json!({"grant_id": g.id, "paid_on": paid_on, "amount_yuan": amount, "note": note});
    audit::record(conn, actor, now, Change { action: "grant.pay", entity_type: "grant_payment", entity_id: id.to_string(), before: None, after: Some(after), reason: None }).await?;
    Ok(id)
}

/// One grant.
pub async fn get<'e, E>(executor: E, id: i64) -> StoreResult<Grant>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    sqlx::query_as(&format!("{SELECT} WHERE {JOINED} AND g.id = $1")).bind(id).fetch_optional(executor).await?.ok_or(StoreError::NotFound)
}

/// Which grants a list shows.
#[derive(Debug, Clone, Default)]
pub struct GrantFilter {
    /// One year.
    pub year: Option<i32>,
    /// One state.
    pub state: Option<GrantState>,
    /// Those of these centers (an operator's; empty = no such condition).
    pub centers: Vec<CenterId>,
}

impl GrantFilter {
    fn condition(&self) -> Where {
        let mut w = Where::default();
        w.and_raw(JOINED);
        if let Some(y) = self.year {
            w.and("g.year = ?", Arg::Int(i64::from(y)));
        }
        if let Some(s) = self.state {
            w.and("g.state = ?", Arg::Text(s.as_str().into()));
        }
        w.and_among("g.center_id", self.centers.iter().map(|c| c.get()));
        w
    }
}

fn by_id() -> Order {
    Order { table: "grants", alias: "g", column: "id", int: true, dir: SortDir::Desc }
}

/// A page of grants, newest first (keyset pages).
pub async fn list(pool: &AnyPool, filter: &GrantFilter, page: Page) -> StoreResult<Paged<Grant>> {
    listing::page_of(pool, SELECT, BASE, &filter.condition(), by_id(), page, Total::Unknown).await
}

/// The statements [`list`] runs (the planner test).
pub fn list_statements(filter: &GrantFilter) -> Vec<String> {
    listing::statements(SELECT, BASE, &filter.condition(), by_id(), false)
}

/// A payment.
#[derive(Debug, Clone, Serialize, FromRow, utoipa::ToSchema)]
pub struct Payment {
    /// Id.
    pub id: i64,
    /// Day paid.
    #[sqlx(try_from = "Day")]
    #[schema(value_type = String)]
    pub paid_on: NaiveDate,
    /// Amount, yuan.
    #[sqlx(try_from = "i64")]
    pub amount_yuan: Yuan,
    /// Voucher number or note.
    pub note: String,
}

/// A grant's payments in order.
pub async fn payments(pool: &AnyPool, id: i64) -> StoreResult<Vec<Payment>> {
    Ok(sqlx::query_as("SELECT id, paid_on, amount_yuan, note FROM grant_payments WHERE grant_id = $1 ORDER BY id LIMIT 200").bind(id).fetch_all(pool).await?)
}

/// The original value of a center's equipment on record, yuan.
pub async fn equipment_total(conn: &mut AnyConnection, center: CenterId) -> StoreResult<i64> {
    Ok(sqlx::query_scalar("SELECT CAST(COALESCE(SUM(value_yuan), 0) AS BIGINT) FROM center_equipment WHERE center_id = $1").bind(center.get()).fetch_one(&mut *conn).await?)
}

/// A center that may be entitled: (id, profile, level code, recognized on).
pub type Candidate = (i64, String, String, Option<String>);

/// Centers recognized in `year` and centers at national level, with a profile (a yearly batch; a province has about 500).
pub async fn candidates(conn: &mut AnyConnection, year: i32) -> StoreResult<Vec<Candidate>> {
    Ok(sqlx::query_as(
        "SELECT id, profile_id, level, recognized_on FROM centers WHERE profile_id IS NOT NULL AND status = 'active' \
         AND ((recognized_on >= $1 AND recognized_on <= $2) OR level = 'national') ORDER BY id",
    )
    .bind(format!("{year:04}-01-01"))
    .bind(format!("{year:04}-12-31"))
    .fetch_all(&mut *conn)
    .await?)
}

/// A confirmed reward or support of an evaluation year: (action, center, kind, amount, profile).
pub type ConfirmedAction = (i64, i64, String, Option<i64>, String);

/// The rewards and supports the bureau confirmed for `year`'s evaluation.
pub async fn confirmed_actions(conn: &mut AnyConnection, year: i32) -> StoreResult<Vec<ConfirmedAction>> {
    Ok(sqlx::query_as(
        "SELECT a.id, a.center_id, a.kind, a.amount_yuan, r.profile_id FROM evaluation_rounds r JOIN management_actions a ON a.round_id = r.id \
         WHERE r.year = $1 AND a.state = 'confirmed' AND a.kind IN ('reward', 'support') ORDER BY a.id",
    )
    .bind(i64::from(year))
    .fetch_all(&mut *conn)
    .await?)
}

/// Proposes `year`'s grants under each center's profile (`profiles`) from the records: a
/// recognition that year, an upgrade to national level, the rewards and supports the bureau
/// confirmed after that year's evaluation. A center's programme is proposed once a year; an
/// entitlement the once rule bars is skipped with its reason. Returns (proposed, skipped).
pub async fn propose_year(conn: &mut AnyConnection, actor: &Actor, now: DateTime<Utc>, profiles: &[pocnet_domain::policy::Profile], year: i32) -> StoreResult<(usize, Vec<String>)> {
    use pocnet_domain::finance::grant::{once_rule, proposed_amount, GrantBasis, GrantFacts, GrantTrigger};
    let profile = |id: &str| profiles.iter().find(|p| p.id == id);
    let mut wanted: Vec<(CenterId, String, GrantProgramme, String, Option<i64>, GrantFacts)> = Vec::new();
    for (center, profile_id, level, recognized_on) in candidates(conn, year).await? {
        let Some(p) = profile(&profile_id) else { continue };
        let center = CenterId::new(center);
        for f in &p.funding {
            let basis = match f.trigger {
                GrantTrigger::Recognized if recognized_on.as_deref().is_some_and(|d| d.starts_with(&format!("{year:04}-"))) => {
                    format!("{}认定", recognized_on.as_deref().unwrap_or_default())
                }
                GrantTrigger::UpgradedNational if level == "national" => "已升级为国家级".to_owned(),
                _ => continue,
            };
            let facts = GrantFacts { equipment_yuan: equipment_total(conn, center).await?, action_yuan: None };
            wanted.push((center, profile_id.clone(), f.clone(), basis, None, facts));
        }
    }
    for (action, center, kind, amount, profile_id) in confirmed_actions(conn, year).await? {
        let Some(p) = profile(&profile_id) else { continue };
        let trigger = if kind == "reward" { GrantTrigger::EvaluationReward } else { GrantTrigger::EvaluationSupport };
        for f in p.funding.iter().filter(|f| f.trigger == trigger) {
            let basis = format!("{year}年度绩效评价，动态管理已确认“{}”{}", trigger.label_zh(), amount.map(|a| format!("，金额{}", pocnet_domain::money::wan(a))).unwrap_or_default());
            wanted.push((CenterId::new(center), profile_id.clone(), f.clone(), basis, Some(action), GrantFacts { equipment_yuan: 0, action_yuan: amount }));
        }
    }
    let (mut proposed, mut skipped) = (0, Vec::new());
    for (center, profile_id, f, mut basis, action, facts) in wanted {
        let held = held_years(conn, center, &f.code, true).await?;
        if let Err(why) = once_rule(&f, year, &held) {
            skipped.push(format!("中心{center}：{why}"));
            continue;
        }
        if f.basis == GrantBasis::NewEquipment {
            basis.push_str(&format!("；登记设备原值{}", pocnet_domain::money::wan(facts.equipment_yuan)));
        }
        let g = NewGrant { center, profile_id: &profile_id, programme: &f, year, basis, action_id: action, proposed: proposed_amount(&f, facts) };
        if propose(conn, actor, now, &g).await?.is_some() {
            proposed += 1;
        }
    }
    Ok((proposed, skipped))
}
