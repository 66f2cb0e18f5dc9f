//! Innovation vouchers (科技创新券, migration 0029): the yearly schemes, their providers,
//! enterprises' quotas, each use and the ledger. Money moves only by conditional updates of
//! the running totals (scheme, quota, provider) in the caller's transaction, each with its
//! ledger entry, so concurrent requests never spend past the budget or a quota.

use crate::audit::{self, Change};
use crate::column::{Code, Instant};
use crate::listing::{self, ListRow, Order, Total};
use crate::sql_where::{Arg, Where};
use crate::{format_ts, Actor, Page, Paged, SortDir, StoreError, StoreResult};
use chrono::{DateTime, Utc};
use pocnet_domain::finance::voucher::{QuotaState, UseState, VoucherRules};
use pocnet_domain::id::{CenterId, OfferId, OrgId, UserId, VoucherQuotaId, VoucherSchemeId, VoucherUseId};
use pocnet_domain::money::Yuan;
use serde::Serialize;
use sqlx::{AnyConnection, AnyPool, FromRow};

/// A year's scheme with its limits and where its budget stands.
#[derive(Debug, Clone, Serialize, FromRow, utoipa::ToSchema)]
pub struct Scheme {
    /// Id.
    #[sqlx(try_from = "i64")]
    #[schema(value_type = i64)]
    pub id: VoucherSchemeId,
    /// The year.
    pub year: i32,
    /// Its title (e.g. 2027年度科技创新券).
    pub title: String,
    /// 年度预算 (yuan).
    #[sqlx(try_from = "i64")]
    pub budget_yuan: Yuan,
    /// 单次兑付上限 (yuan).
    #[sqlx(try_from = "i64")]
    pub per_use_cap_yuan: Yuan,
    /// 每家企业年度额度上限 (yuan).
    #[sqlx(try_from = "i64")]
    pub per_year_cap_yuan: Yuan,
    /// 兑付比例 (%).
    pub share_percent: i32,
    /// 全额兑付线 (yuan, inclusive).
    #[sqlx(try_from = "i64")]
    pub full_cover_up_to_yuan: Yuan,
    /// Reserved by open uses (yuan).
    #[sqlx(try_from = "i64")]
    pub reserved_yuan: Yuan,
    /// Paid (yuan).
    #[sqlx(try_from = "i64")]
    pub paid_yuan: Yuan,
    /// `open` (enterprises may apply and use) or `closed`.
    pub state: String,
    /// Optimistic-lock version.
    pub version: i64,
    /// Last changed (UTC).
    #[sqlx(try_from = "Instant")]
    #[serde(serialize_with = "crate::time::serde_ts::instant")]
    #[schema(value_type = String)]
    pub updated_at: DateTime<Utc>,
}

impl Scheme {
    /// Its limits.
    pub fn rules(&self) -> VoucherRules {
        VoucherRules {
            budget: self.budget_yuan,
            per_use_cap: self.per_use_cap_yuan,
            per_year_cap: self.per_year_cap_yuan,
            share_percent: u8::try_from(self.share_percent).unwrap_or(100),
            full_cover_up_to: self.full_cover_up_to_yuan,
        }
    }

    /// What is left of the budget for new uses.
    pub fn available(&self) -> Yuan {
        self.budget_yuan - self.reserved_yuan - self.paid_yuan
    }

    /// Whether enterprises may apply and use vouchers.
    pub fn is_open(&self) -> bool {
        self.state == "open"
    }
}

const SCHEME_SELECT: &str = "SELECT id, year, title, budget_yuan, per_use_cap_yuan, per_year_cap_yuan, share_percent, full_cover_up_to_yuan, \
    reserved_yuan, paid_yuan, state, version, updated_at FROM voucher_schemes";

/// Opens a year's scheme; a second one for the same year is a duplicate.
pub async fn create_scheme(conn: &mut AnyConnection, actor: &Actor, now: DateTime<Utc>, year: i32, title: &str, r: &VoucherRules) -> StoreResult<VoucherSchemeId> {
    let ts = format_ts(now);
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO voucher_schemes (year, title, budget_yuan, per_use_cap_yuan, per_year_cap_yuan, share_percent, full_cover_up_to_yuan, state, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'open', $8, $8) RETURNING id",
    )
    .bind(year)
    .bind(title)
    .bind(r.budget.get())
    .bind(r.per_use_cap.get())
    .bind(r.per_year_cap.get())
    .bind(i32::from(r.share_percent))
    .bind(r.full_cover_up_to.get())
    .bind(&ts)
    .fetch_one(&mut *conn)
    .await
    .map_err(StoreError::on_unique("year"))?;
    audit::record(conn, actor, now, Change { action: "voucher_scheme.create", entity_type: "voucher_scheme", entity_id: id.to_string(), before: None,
        after: Some(serde_json::json!({"year": year, "title": title, "rules": r})), reason: None }).await?;
    Ok(VoucherSchemeId::new(id))
}

/// Changes a scheme's title, limits and state if still at `version`; the budget may not fall
/// below what is reserved and paid (refused as `budget_below_spent`).
#[allow(clippy::too_many_arguments)]
pub async fn update_scheme(conn: &mut AnyConnection, actor: &Actor, now: DateTime<Utc>, id: VoucherSchemeId, version: i64, title: &str, r: &VoucherRules, open: bool) -> StoreResult<()> {
    let n = sqlx::query(
        "UPDATE voucher_schemes SET title = $1, budget_yuan = $2, per_use_cap_yuan = $3, per_year_cap_yuan = $4, share_percent = $5, full_cover_up_to_yuan = $6, \
         state = $7, version = version + 1, updated_at = $8 WHERE id = $9 AND version = $10 AND reserved_yuan + paid_yuan <= $2",
    )
    .bind(title)
    .bind(r.budget.get())
    .bind(r.per_use_cap.get())
    .bind(r.per_year_cap.get())
    .bind(i32::from(r.share_percent))
    .bind(r.full_cover_up_to.get())
    .bind(if open { "open" } else { "closed" })
    .bind(format_ts(now))
    .bind(id.get())
    .bind(version)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if n == 0 {
        let s = scheme_in(conn, id).await?;
        if s.version != version {
            return Err(StoreError::VersionConflict { expected: version });
        }
        return Err(StoreError::Refused { code: "budget_below_spent", message: format!("年度预算不能少于已预留和已兑付的{}", (s.reserved_yuan + s.paid_yuan).wan()) });
    }
    audit::record(conn, actor, now, Change { action: "voucher_scheme.update", entity_type: "voucher_scheme", entity_id: id.to_string(), before: None,
        after: Some(serde_json::json!({"title": title, "rules": r, "open": open})), reason: None }).await
}

async fn scheme_in(conn: &mut AnyConnection, id: VoucherSchemeId) -> StoreResult<Scheme> {
    sqlx::query_as(&format!("{SCHEME_SELECT} WHERE id = $1")).bind(id.get()).fetch_optional(&mut *conn).await?.ok_or(StoreError::NotFound)
}

/// One scheme.
pub async fn scheme<'e, E>(executor: E, id: VoucherSchemeId) -> StoreResult<Scheme>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    sqlx::query_as(&format!("{SCHEME_SELECT} WHERE id = $1")).bind(id.get()).fetch_optional(executor).await?.ok_or(StoreError::NotFound)
}

/// Every scheme, newest year first (one a year).
pub async fn schemes(pool: &AnyPool) -> StoreResult<Vec<Scheme>> {
    Ok(sqlx::query_as(&format!("{SCHEME_SELECT} ORDER BY year DESC LIMIT 100")).fetch_all(pool).await?)
}

/// A provider of a scheme with its totals (the per-provider report).
#[derive(Debug, Clone, Serialize, FromRow, utoipa::ToSchema)]
pub struct Provider {
    /// The center or pilot platform.
    #[sqlx(try_from = "i64")]
    #[schema(value_type = i64)]
    pub center_id: CenterId,
    /// Its name.
    pub center_name: String,
    /// Uses asked of it.
    pub uses: i64,
    /// Paid for its services (yuan).
    #[sqlx(try_from = "i64")]
    pub paid_yuan: Yuan,
}

impl ListRow for Provider {
    fn list_id(&self) -> i64 {
        self.center_id.get()
    }
}

/// Lists a provider (服务机构目录); listing it twice is a duplicate.
pub async fn add_provider(conn: &mut AnyConnection, actor: &Actor, now: DateTime<Utc>, scheme: VoucherSchemeId, center: CenterId) -> StoreResult<()> {
    sqlx::query("INSERT INTO voucher_providers (scheme_id, center_id, added_at) VALUES ($1, $2, $3)")
        .bind(scheme.get())
        .bind(center.get())
        .bind(format_ts(now))
        .execute(&mut *conn)
        .await
        .map_err(StoreError::on_unique("center_id"))?;
    audit::record(conn, actor, now, Change { action: "voucher_scheme.provider", entity_type: "voucher_scheme", entity_id: scheme.to_string(), before: None,
        after: Some(serde_json::json!({"center_id": center})), reason: None }).await
}

/// Whether a center is a provider of the scheme.
pub async fn is_provider<'e, E>(executor: E, scheme: VoucherSchemeId, center: CenterId) -> StoreResult<bool>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let n: Option<i64> = sqlx::query_scalar("SELECT 1 FROM voucher_providers WHERE scheme_id = $1 AND center_id = $2").bind(scheme.get()).bind(center.get()).fetch_optional(executor).await?;
    Ok(n.is_some())
}

/// A scheme's providers by name (the bureau lists them: at most the network's 500 centers).
pub async fn providers(pool: &AnyPool, scheme: VoucherSchemeId) -> StoreResult<Vec<Provider>> {
    Ok(sqlx::query_as(
        "SELECT p.center_id, c.name AS center_name, p.uses, p.paid_yuan FROM voucher_providers p CROSS JOIN centers c \
         WHERE c.id = p.center_id AND p.scheme_id = $1 ORDER BY c.name, p.center_id LIMIT 1000",
    )
    .bind(scheme.get())
    .fetch_all(pool)
    .await?)
}

/// An enterprise's quota for a year.
#[derive(Debug, Clone, Serialize, FromRow, utoipa::ToSchema)]
pub struct Quota {
    /// Id.
    #[sqlx(try_from = "i64")]
    #[schema(value_type = i64)]
    pub id: VoucherQuotaId,
    /// The scheme.
    #[sqlx(try_from = "i64")]
    #[schema(value_type = i64)]
    pub scheme_id: VoucherSchemeId,
    /// Its year.
    pub year: i32,
    /// The enterprise.
    #[sqlx(try_from = "i64")]
    #[schema(value_type = i64)]
    pub org_id: OrgId,
    /// Its name.
    pub org_name: String,
    /// Asked for (yuan).
    #[sqlx(try_from = "i64")]
    pub requested_yuan: Yuan,
    /// What it will use vouchers for.
    pub purpose: String,
    /// Granted (yuan; 0 until granted).
    #[sqlx(try_from = "i64")]
    pub granted_yuan: Yuan,
    /// Reserved by its open uses (yuan).
    #[sqlx(try_from = "i64")]
    pub reserved_yuan: Yuan,
    /// Paid (yuan).
    #[sqlx(try_from = "i64")]
    pub paid_yuan: Yuan,
    /// Uses asked.
    pub uses: i64,
    /// Where it stands.
    #[sqlx(try_from = "Code<QuotaState>")]
    pub state: QuotaState,
    /// The bureau's reason (refusal, or a grant below what was asked).
    pub reason: String,
    /// Optimistic-lock version.
    pub version: i64,
    /// Applied at (UTC).
    #[sqlx(try_from = "Instant")]
    #[serde(serialize_with = "crate::time::serde_ts::instant")]
    #[schema(value_type = String)]
    pub created_at: DateTime<Utc>,
}

impl Quota {
    /// What is left of it for new uses.
    pub fn available(&self) -> Yuan {
        self.granted_yuan - self.reserved_yuan - self.paid_yuan
    }
}

impl ListRow for Quota {
    fn list_id(&self) -> i64 {
        self.id.get()
    }
}

const QUOTA_SELECT: &str = "SELECT q.id, q.scheme_id, s.year, q.org_id, g.name AS org_name, q.requested_yuan, q.purpose, q.granted_yuan, q.reserved_yuan, \
    q.paid_yuan, q.uses, q.state, q.reason, q.version, q.created_at FROM voucher_quotas q CROSS JOIN voucher_schemes s CROSS JOIN organisations g";
const QUOTA_JOINED: &str = "s.id = q.scheme_id AND g.id = q.org_id";

/// Records an enterprise's application for the year's quota; one per enterprise and year.
#[allow(clippy::too_many_arguments)]
pub async fn apply(conn: &mut AnyConnection, actor: &Actor, now: DateTime<Utc>, scheme: VoucherSchemeId, org: OrgId, by: Option<UserId>, requested: Yuan, purpose: &str) -> StoreResult<VoucherQuotaId> {
    let ts = format_ts(now);
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO voucher_quotas (scheme_id, org_id, requested_by, requested_yuan, purpose, state, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id",
    )
    .bind(scheme.get())
    .bind(org.get())
    .bind(by.map(|u| u.get()))
    .bind(requested.get())
    .bind(purpose)
    .bind(QuotaState::Applied.as_str())
    .bind(&ts)
    .fetch_one(&mut *conn)
    .await
    .map_err(StoreError::on_unique("scheme_id"))?;
    audit::record(conn, actor, now, Change { action: "voucher_quota.apply", entity_type: "voucher_quota", entity_id: id.to_string(), before: None,
        after: Some(serde_json::json!({"scheme_id": scheme, "org_id": org, "requested_yuan": requested, "purpose": purpose})), reason: None }).await?;
    Ok(VoucherQuotaId::new(id))
}

/// The bureau's decision on an applied quota (`granted` = `Some(amount)`, or refused), if still at `version`.
pub async fn decide(conn: &mut AnyConnection, actor: &Actor, now: DateTime<Utc>, id: VoucherQuotaId, version: i64, granted: Option<Yuan>, reason: &str) -> StoreResult<()> {
    let state = if granted.is_some() { QuotaState::Granted } else { QuotaState::Refused };
    let n = sqlx::query("UPDATE voucher_quotas SET state = $1, granted_yuan = $2, reason = $3, version = version + 1, updated_at = $4 WHERE id = $5 AND version = $6 AND state = $7")
        .bind(state.as_str())
        .bind(granted.unwrap_or(Yuan::ZERO).get())
        .bind(reason)
        .bind(format_ts(now))
        .bind(id.get())
        .bind(version)
        .bind(QuotaState::Applied.as_str())
        .execute(&mut *conn)
        .await?
        .rows_affected();
    if n == 0 {
        return Err(StoreError::VersionConflict { expected: version });
    }
    audit::record(conn, actor, now, Change { action: "voucher_quota.decide", entity_type: "voucher_quota", entity_id: id.to_string(), before: None,
        after: Some(serde_json::json!({"state": state, "granted_yuan": granted})), reason: (!reason.is_empty()).then_some(reason) }).await
}

/// One quota.
pub async fn quota<'e, E>(executor: E, id: VoucherQuotaId) -> StoreResult<Quota>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    sqlx::query_as(&format!("{QUOTA_SELECT} WHERE {QUOTA_JOINED} AND q.id = $1")).bind(id.get()).fetch_optional(executor).await?.ok_or(StoreError::NotFound)
}

/// An enterprise's quota in a scheme, if it applied.
pub async fn quota_of(pool: &AnyPool, scheme: VoucherSchemeId, org: OrgId) -> StoreResult<Option<Quota>> {
    Ok(sqlx::query_as(&format!("{QUOTA_SELECT} WHERE {QUOTA_JOINED} AND q.scheme_id = $1 AND q.org_id = $2")).bind(scheme.get()).bind(org.get()).fetch_optional(pool).await?)
}

/// Which quotas a list shows.
#[derive(Debug, Clone, Default)]
pub struct QuotaFilter {
    /// The scheme.
    pub scheme: Option<VoucherSchemeId>,
    /// One enterprise.
    pub org: Option<OrgId>,
    /// One state.
    pub state: Option<QuotaState>,
}

impl QuotaFilter {
    fn condition(&self) -> Where {
        let mut w = Where::default();
        w.and_raw(QUOTA_JOINED);
        if let Some(s) = self.scheme {
            w.and("q.scheme_id = ?", Arg::Int(s.get()));
        }
        if let Some(o) = self.org {
            w.and("q.org_id = ?", Arg::Int(o.get()));
        }
        if let Some(s) = self.state {
            w.and("q.state = ?", Arg::Text(s.as_str().into()));
        }
        w
    }
}

fn by_id(table: &'static str, alias: &'static str) -> Order {
    Order { table, alias, column: "id", int: true, dir: SortDir::Desc }
}

/// A page of quotas, newest first (keyset pages).
pub async fn quotas(pool: &AnyPool, filter: &QuotaFilter, page: Page) -> StoreResult<Paged<Quota>> {
    let w = filter.condition();
    listing::page_of(pool, QUOTA_SELECT, "FROM voucher_quotas q CROSS JOIN voucher_schemes s CROSS JOIN organisations g", &w, by_id("voucher_quotas", "q"), page, Total::Unknown).await
}

/// The statements [`quotas`] runs (the planner test).
pub fn quotas_statements(filter: &QuotaFilter) -> Vec<String> {
    listing::statements(QUOTA_SELECT, "FROM voucher_quotas q CROSS JOIN voucher_schemes s CROSS JOIN organisations g", &filter.condition(), by_id("voucher_quotas", "q"), false)
}

/// One use of a voucher.
#[derive(Debug, Clone, Serialize, FromRow, utoipa::ToSchema)]
pub struct VoucherUse {
    /// Id.
    #[sqlx(try_from = "i64")]
    #[schema(value_type = i64)]
    pub id: VoucherUseId,
    /// The scheme.
    #[sqlx(try_from = "i64")]
    #[schema(value_type = i64)]
    pub scheme_id: VoucherSchemeId,
    /// The quota it draws on.
    #[sqlx(try_from = "i64")]
    #[schema(value_type = i64)]
    pub quota_id: VoucherQuotaId,
    /// The enterprise.
    #[sqlx(try_from = "i64")]
    #[schema(value_type = i64)]
    pub org_id: OrgId,
    /// Its name.
    pub org_name: String,
    /// The provider.
    #[sqlx(try_from = "i64")]
    #[schema(value_type = i64)]
    pub center_id: CenterId,
    /// Its name.
    pub center_name: String,
    /// Its host unit (whose operators answer).
    #[sqlx(try_from = "i64")]
    #[schema(value_type = i64)]
    pub host_org_id: OrgId,
    /// The listed service.
    #[sqlx(try_from = "i64")]
    #[schema(value_type = i64)]
    pub offer_id: OfferId,
    /// Its name.
    pub offer_name: String,
    /// What is to be done.
    pub description: String,
    /// The fee (the estimate, then the final one; yuan).
    #[sqlx(try_from = "i64")]
    pub fee_yuan: Yuan,
    /// What the voucher covers (yuan).
    #[sqlx(try_from = "i64")]
    pub covered_yuan: Yuan,
    /// Where it stands.
    #[sqlx(try_from = "Code<UseState>")]
    pub state: UseState,
    /// The invoice number given at redemption.
    pub invoice_no: String,
    /// The last decline's or refusal's reason.
    pub reason: String,
    /// Optimistic-lock version.
    pub version: i64,
    /// Asked at (UTC).
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

impl ListRow for VoucherUse {
    fn list_id(&self) -> i64 {
        self.id.get()
    }
}

const USE_SELECT: &str = "SELECT u.id, u.scheme_id, u.quota_id, u.org_id, g.name AS org_name, u.center_id, c.name AS center_name, c.host_org_id, u.offer_id, \
    o.name AS offer_name, u.description, u.fee_yuan, u.covered_yuan, u.state, u.invoice_no, u.reason, u.version, u.created_at, u.updated_at \
    FROM voucher_uses u CROSS JOIN organisations g CROSS JOIN centers c CROSS JOIN service_offers o";
const USE_BASE: &str = "FROM voucher_uses u CROSS JOIN organisations g CROSS JOIN centers c CROSS JOIN service_offers o";
const USE_JOINED: &str = "g.id = u.org_id AND c.id = u.center_id AND o.id = u.offer_id";

/// Which uses a list shows.
#[derive(Debug, Clone, Default)]
pub struct UseFilter {
    /// The scheme.
    pub scheme: Option<VoucherSchemeId>,
    /// One enterprise's.
    pub org: Option<OrgId>,
    /// Those asked of these providers (an operator's centers; empty = no such condition).
    pub centers: Vec<CenterId>,
    /// One state.
    pub state: Option<UseState>,
}

impl UseFilter {
    fn condition(&self) -> Where {
        let mut w = Where::default();
        w.and_raw(USE_JOINED);
        if let Some(s) = self.scheme {
            w.and("u.scheme_id = ?", Arg::Int(s.get()));
        }
        if let Some(o) = self.org {
            w.and("u.org_id = ?", Arg::Int(o.get()));
        }
        w.and_among("u.center_id", self.centers.iter().map(|c| c.get()));
        if let Some(s) = self.state {
            w.and("u.state = ?", Arg::Text(s.as_str().into()));
        }
        w
    }
}

/// A page of uses, newest first (keyset pages).
pub async fn uses(pool: &AnyPool, filter: &UseFilter, page: Page) -> StoreResult<Paged<VoucherUse>> {
    let w = filter.condition();
    listing::page_of(pool, USE_SELECT, USE_BASE, &w, by_id("voucher_uses", "u"), page, Total::Unknown).await
}

/// The statements [`uses`] runs (the planner test).
pub fn uses_statements(filter: &UseFilter) -> Vec<String> {
    listing::statements(USE_SELECT, USE_BASE, &filter.condition(), by_id("voucher_uses", "u"), false)
}

/// One use.
pub async fn get_use<'e, E>(executor: E, id: VoucherUseId) -> StoreResult<VoucherUse>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    sqlx::query_as(&format!("{USE_SELECT} WHERE {USE_JOINED} AND u.id = $1")).bind(id.get()).fetch_optional(executor).await?.ok_or(StoreError::NotFound)
}

/// A use as asked.
pub struct NewUse<'a> {
    /// The quota it draws on.
    pub quota: &'a Quota,
    /// The provider.
    pub center: CenterId,
    /// The listed service.
    pub offer: OfferId,
    /// Who asked.
    pub by: Option<UserId>,
    /// What is to be done.
    pub description: &'a str,
    /// The estimated fee.
    pub fee: Yuan,
    /// What the voucher covers of it.
    pub covered: Yuan,
}

/// Where a scheme's running totals stand after a movement (for the ledger).
async fn scheme_totals(conn: &mut AnyConnection, scheme: VoucherSchemeId) -> StoreResult<(i64, i64)> {
    Ok(sqlx::query_as("SELECT reserved_yuan, paid_yuan FROM voucher_schemes WHERE id = $1").bind(scheme.get()).fetch_one(&mut *conn).await?)
}

async fn ledger(conn: &mut AnyConnection, actor: &Actor, ts: &str, u: (VoucherSchemeId, VoucherQuotaId, VoucherUseId), entry: &str, amount: Yuan) -> StoreResult<()> {
    let (reserved, paid) = scheme_totals(conn, u.0).await?;
    sqlx::query(
        "INSERT INTO voucher_ledger (scheme_id, quota_id, use_id, entry, amount_yuan, reserved_after, paid_after, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(u.0.get())
    .bind(u.1.get())
    .bind(u.2.get())
    .bind(entry)
    .bind(amount.get())
    .bind(reserved)
    .bind(paid)
    .bind(actor.user_column())
    .bind(ts)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Records a use and reserves what the voucher covers from the enterprise's quota and the
/// year's budget, both by conditional updates: if either has not enough left (even because a
/// request at the same moment took it) nothing is written and the refusal says which.
pub async fn request_use(conn: &mut AnyConnection, actor: &Actor, now: DateTime<Utc>, u: &NewUse<'_>) -> StoreResult<VoucherUseId> {
    let ts = format_ts(now);
    let q = u.quota;
    let c = u.covered.get();
    let n = sqlx::query(
        "UPDATE voucher_quotas SET reserved_yuan = reserved_yuan + $1, uses = uses + 1, version = version + 1, updated_at = $2 \
         WHERE id = $3 AND state = $4 AND reserved_yuan + paid_yuan + $1 <= granted_yuan",
    )
    .bind(c)
    .bind(&ts)
    .bind(q.id.get())
    .bind(QuotaState::Granted.as_str())
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if n == 0 {
        return Err(StoreError::Refused { code: "quota_exceeded", message: format!("本年度额度剩余不足以支付本次兑付额{}", u.covered.wan()) });
    }
    let n = sqlx::query(
        "UPDATE voucher_schemes SET reserved_yuan = reserved_yuan + $1, updated_at = $2 WHERE id = $3 AND state = 'open' AND reserved_yuan + paid_yuan + $1 <= budget_yuan",
    )
    .bind(c)
    .bind(&ts)
    .bind(q.scheme_id.get())
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if n == 0 {
        return Err(StoreError::Refused { code: "budget_exhausted", message: "本年度创新券预算已用完或已停止受理".into() });
    }
    sqlx::query("UPDATE voucher_providers SET uses = uses + 1 WHERE scheme_id = $1 AND center_id = $2").bind(q.scheme_id.get()).bind(u.center.get()).execute(&mut *conn).await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO voucher_uses (scheme_id, quota_id, org_id, center_id, offer_id, requested_by, description, fee_yuan, covered_yuan, state, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id",
    )
    .bind(q.scheme_id.get())
    .bind(q.id.get())
    .bind(q.org_id.get())
    .bind(u.center.get())
    .bind(u.offer.get())
    .bind(u.by.map(|x| x.get()))
    .bind(u.description)
    .bind(u.fee.get())
    .bind(c)
    .bind(UseState::Requested.as_str())
    .bind(&ts)
    .fetch_one(&mut *conn)
    .await?;
    let id = VoucherUseId::new(id);
    ledger(conn, actor, &ts, (q.scheme_id, q.id, id), "reserve", u.covered).await?;
    audit::record(conn, actor, now, Change { action: "voucher_use.request", entity_type: "voucher_use", entity_id: id.to_string(), before: None,
        after: Some(serde_json::json!({"quota_id": q.id, "center_id": u.center, "offer_id": u.offer, "fee_yuan": u.fee, "covered_yuan": u.covered})), reason: None }).await?;
    Ok(id)
}

/// Moves a use to `to`, if still at `version`, moving its money: a decline, cancellation or
/// refusal releases what it reserved; a delivery sets the final fee and releases what the
/// final cover (`covered`, at most what was reserved) no longer needs; a payment turns the
/// reservation into a payment of the quota, the budget and the provider.
#[allow(clippy::too_many_arguments)]
pub async fn step_use(
    conn: &mut AnyConnection,
    actor: &Actor,
    now: DateTime<Utc>,
    u: &VoucherUse,
    version: i64,
    to: UseState,
    fee: Yuan,
    covered: Yuan,
    invoice_no: &str,
    reason: &str,
) -> StoreResult<()> {
    let ts = format_ts(now);
    let n = sqlx::query(
        "UPDATE voucher_uses SET state = $1, fee_yuan = $2, covered_yuan = $3, invoice_no = $4, reason = $5, version = version + 1, updated_at = $6 \
         WHERE id = $7 AND version = $8 AND covered_yuan >= $3",
    )
    .bind(to.as_str())
    .bind(fee.get())
    .bind(covered.get())
    .bind(invoice_no)
    .bind(reason)
    .bind(&ts)
    .bind(u.id.get())
    .bind(version)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if n == 0 {
        return Err(StoreError::VersionConflict { expected: version });
    }
    let keys = (u.scheme_id, u.quota_id, u.id);
    let release = match to {
        UseState::Declined | UseState::Cancelled | UseState::Refused => u.covered_yuan,
        UseState::Delivered => u.covered_yuan - covered,
        _ => Yuan::ZERO,
    };
    if release > Yuan::ZERO {
        move_money(conn, keys, &ts, -release.get(), 0).await?;
        ledger(conn, actor, &ts, keys, "release", release).await?;
    }
    if to == UseState::Paid {
        move_money(conn, keys, &ts, -u.covered_yuan.get(), u.covered_yuan.get()).await?;
        sqlx::query("UPDATE voucher_providers SET paid_yuan = paid_yuan + $1 WHERE scheme_id = $2 AND center_id = $3")
            .bind(u.covered_yuan.get())
            .bind(u.scheme_id.get())
            .bind(u.center_id.get())
            .execute(&mut *conn)
            .await?;
        ledger(conn, actor, &ts, keys, "pay", u.covered_yuan).await?;
    }
    let after = serde_json::json!({"state": to, "fee_yuan": fee, "covered_yuan": covered, "invoice_no": invoice_no});
    audit::record(conn, actor, now, Change { action: "voucher_use.step", entity_type: "voucher_use", entity_id: u.id.to_string(), before: None,
        after: Some(after), reason: (!reason.is_empty()).then_some(reason) }).await
}

/// Adds `reserved` and `paid` (either may be negative) to the quota's and the scheme's totals.
async fn move_money(conn: &mut AnyConnection, keys: (VoucherSchemeId, VoucherQuotaId, VoucherUseId), ts: &str, reserved: i64, paid: i64) -> StoreResult<()> {
    sqlx::query("UPDATE voucher_quotas SET reserved_yuan = reserved_yuan + $1, paid_yuan = paid_yuan + $2, updated_at = $3 WHERE id = $4")
        .bind(reserved)
        .bind(paid)
        .bind(ts)
        .bind(keys.1.get())
        .execute(&mut *conn)
        .await?;
    sqlx::query("UPDATE voucher_schemes SET reserved_yuan = reserved_yuan + $1, paid_yuan = paid_yuan + $2, updated_at = $3 WHERE id = $4")
        .bind(reserved)
        .bind(paid)
        .bind(ts)
        .bind(keys.0.get())
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// One entry of the ledger (台账).
#[derive(Debug, Clone, Serialize, FromRow, utoipa::ToSchema)]
pub struct LedgerEntry {
    /// Id.
    pub id: i64,
    /// The use.
    pub use_id: i64,
    /// `reserve`, `release` or `pay`.
    pub entry: String,
    /// The amount (yuan).
    #[sqlx(try_from = "i64")]
    pub amount_yuan: Yuan,
    /// The scheme's reserved total after it.
    #[sqlx(try_from = "i64")]
    pub reserved_after: Yuan,
    /// The scheme's paid total after it.
    #[sqlx(try_from = "i64")]
    pub paid_after: Yuan,
    /// When (UTC).
    pub recorded_at: String,
}

impl ListRow for LedgerEntry {
    fn list_id(&self) -> i64 {
        self.id
    }
}

/// A page of a scheme's ledger, newest first.
pub async fn ledger_page(pool: &AnyPool, scheme: VoucherSchemeId, page: Page) -> StoreResult<Paged<LedgerEntry>> {
    let mut w = Where::default();
    w.and("l.scheme_id = ?", Arg::Int(scheme.get()));
    let select = "SELECT l.id, l.use_id, l.entry, l.amount_yuan, l.reserved_after, l.paid_after, l.recorded_at FROM voucher_ledger l";
    listing::page_of(pool, select, "FROM voucher_ledger l", &w, by_id("voucher_ledger", "l"), page, Total::Unknown).await
}

/// A listed provider's open service, as the enterprise's form offers it.
#[derive(Debug, Clone, Serialize, FromRow, utoipa::ToSchema)]
pub struct ListedService {
    /// The service (a shared resource).
    pub offer_id: i64,
    /// Its name.
    pub offer_name: String,
    /// Its provider.
    pub center_id: i64,
    /// The provider's name.
    pub center_name: String,
}

/// The open services of a scheme's providers, by provider and name (at most `limit`).
pub async fn listed_services(pool: &AnyPool, scheme: VoucherSchemeId, limit: i64) -> StoreResult<Vec<ListedService>> {
    Ok(sqlx::query_as(
        "SELECT o.id AS offer_id, o.name AS offer_name, c.id AS center_id, c.name AS center_name FROM voucher_providers p \
         CROSS JOIN centers c CROSS JOIN service_offers o WHERE p.scheme_id = $1 AND c.id = p.center_id AND o.center_id = p.center_id AND o.state = 'open' \
         ORDER BY c.name, o.name, o.id LIMIT $2",
    )
    .bind(scheme.get())
    .bind(limit)
    .fetch_all(pool)
    .await?)
}
