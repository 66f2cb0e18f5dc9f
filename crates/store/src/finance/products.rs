//! The catalogue of loans and insurance (金融产品目录, migration 0033): products and enterprises'
//! applications to them, one open application per enterprise and product.

use crate::audit::{self, Change};
use crate::column::{Code, Flag, Instant};
use crate::listing::{self, ListRow, Order, Total};
use crate::sql_where::{Arg, Where};
use crate::{format_ts, Actor, Page, Paged, SortDir, StoreError, StoreResult};
use chrono::{DateTime, Utc};
use pocnet_domain::finance::product::{ProductApplicationState, ProductDraft, ProductKind};
use pocnet_domain::id::OrgId;
use pocnet_domain::money::Yuan;
use serde::Serialize;
use sqlx::{AnyConnection, AnyPool, FromRow};

/// A product with its provider's name.
#[derive(Debug, Clone, Serialize, FromRow, utoipa::ToSchema)]
pub struct Product {
    /// Id.
    pub id: i64,
    /// The bank or insurer.
    #[sqlx(try_from = "i64")]
    #[schema(value_type = i64)]
    pub provider_org_id: OrgId,
    /// Its name.
    pub provider_name: String,
    /// Kind.
    #[sqlx(try_from = "Code<ProductKind>")]
    pub kind: ProductKind,
    /// Name.
    pub name: String,
    /// Terms in words.
    pub terms: String,
    /// Most it lends or covers, yuan.
    #[sqlx(try_from = "i64")]
    pub max_amount_yuan: Yuan,
    /// Term in months.
    pub term_months: i32,
    /// Annual rate or premium rate, basis points.
    pub rate_bp: i32,
    /// Government guarantee fee, basis points.
    pub guarantee_fee_bp: Option<i32>,
    /// Serves small and micro firms.
    #[sqlx(try_from = "Flag")]
    pub for_small_firms: bool,
    /// Who may apply.
    pub eligibility: String,
    /// Contact.
    pub contact: String,
    /// `open` or `withdrawn`.
    pub state: String,
    /// Applications received.
    pub applications: i64,
    /// Optimistic-lock version.
    pub version: i64,
}

impl Product {
    /// The rate as people read it.
    pub fn rate_label(&self) -> String {
        pocnet_domain::finance::product::percent_label(u32::try_from(self.rate_bp).unwrap_or(0))
    }

    /// The guarantee fee as people read it, if any.
    pub fn fee_label(&self) -> Option<String> {
        self.guarantee_fee_bp.map(|b| pocnet_domain::finance::product::percent_label(u32::try_from(b).unwrap_or(0)))
    }

    /// Whether it takes applications.
    pub fn is_open(&self) -> bool {
        self.state == "open"
    }
}

impl ListRow for Product {
    fn list_id(&self) -> i64 {
        self.id
    }
}

const SELECT: &str = "SELECT p.id, p.provider_org_id, o.name AS provider_name, p.kind, p.name, p.terms, p.max_amount_yuan, p.term_months, p.rate_bp, \
    p.guarantee_fee_bp, p.for_small_firms, p.eligibility, p.contact, p.state, p.applications, p.version FROM finance_products p CROSS JOIN organisations o";
const BASE: &str = "FROM finance_products p CROSS JOIN organisations o";
const JOINED: &str = "o.id = p.provider_org_id";

/// Publishes a product of `provider`.
pub async fn publish(conn: &mut AnyConnection, actor: &Actor, now: DateTime<Utc>, provider: OrgId, d: &ProductDraft) -> StoreResult<i64> {
    let ts = format_ts(now);
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO finance_products (provider_org_id, kind, name, terms, max_amount_yuan, term_months, rate_bp, guarantee_fee_bp, for_small_firms, eligibility, contact, \
         state, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'open', $12, $12) RETURNING id",
    )
    .bind(provider.get())
    .bind(d.kind.as_str())
    .bind(&d.name)
    .bind(&d.terms)
    .bind(d.max_amount.get())
    .bind(i32::try_from(d.term_months).unwrap_or(i32::MAX))
    .bind(i32::try_from(d.rate_bp).unwrap_or(i32::MAX))
    .bind(d.guarantee_fee_bp.map(|b| i32::try_from(b).unwrap_or(i32::MAX)))
    .bind(i64::from(d.for_small_firms))
    .bind(&d.eligibility)
    .bind(&d.contact)
    .bind(&ts)
    .fetch_one(&mut *conn)
    .await?;
    let after = serde_json::json!({"kind": d.kind, "name": d.name, "max_amount_yuan": d.max_amount, "rate_bp": d.rate_bp, "guarantee_fee_bp": d.guarantee_fee_bp});
    audit::record(conn, actor, now, Change { action: "finance_product.publish", entity_type: "finance_product", entity_id: id.to_string(), before: None, after: Some(after), reason: None }).await?;
    Ok(id)
}

/// Withdraws a product at `version` (it takes no more applications).
pub async fn withdraw(conn: &mut AnyConnection, actor: &Actor, now: DateTime<Utc>, id: i64, version: i64) -> StoreResult<()> {
    let n = sqlx::query("UPDATE finance_products SET state = 'withdrawn', version = version + 1, updated_at = $1 WHERE id = $2 AND version = $3 AND state = 'open'")
        .bind(format_ts(now))
        .bind(id)
        .bind(version)
        .execute(&mut *conn)
        .await?
        .rows_affected();
    if n == 0 {
        return Err(StoreError::VersionConflict { expected: version });
    }
    audit::record(conn, actor, now, Change { action: "finance_product.withdraw", entity_type: "finance_product", entity_id: id.to_string(), before: None, after: None, reason: None }).await
}

/// One product.
pub async fn get<'e, E>(executor: E, id: i64) -> StoreResult<Product>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    sqlx::query_as(&format!("{SELECT} WHERE {JOINED} AND p.id = $1")).bind(id).fetch_optional(executor).await?.ok_or(StoreError::NotFound)
}

/// Which products a list shows.
#[derive(Debug, Clone, Default)]
pub struct ProductFilter {
    /// One kind.
    pub kind: Option<ProductKind>,
    /// One provider's (its own list, withdrawn ones included); otherwise the open ones.
    pub provider: Option<OrgId>,
}

impl ProductFilter {
    fn condition(&self) -> Where {
        let mut w = Where::default();
        w.and_raw(JOINED);
        match self.provider {
            Some(p) => {
                w.and("p.provider_org_id = ?", Arg::Int(p.get()));
            }
            None => {
                w.and_raw("p.state = 'open'");
            }
        }
        if let Some(k) = self.kind {
            w.and("p.kind = ?", Arg::Text(k.as_str().into()));
        }
        w
    }
}

fn by_id(table: &'static str, alias: &'static str) -> Order {
    Order { table, alias, column: "id", int: true, dir: SortDir::Desc }
}

/// A page of the catalogue, newest first.
pub async fn list(pool: &AnyPool, filter: &ProductFilter, page: Page) -> StoreResult<Paged<Product>> {
    listing::page_of(pool, SELECT, BASE, &filter.condition(), by_id("finance_products", "p"), page, Total::Unknown).await
}

/// The statements [`list`] runs (the planner test).
pub fn list_statements(filter: &ProductFilter) -> Vec<String> {
    listing::statements(SELECT, BASE, &filter.condition(), by_id("finance_products", "p"), false)
}

/// An enterprise's application.
#[derive(Debug, Clone, Serialize, FromRow, utoipa::ToSchema)]
#[schema(as = FinanceApplication)]
pub struct Application {
    /// Id.
    pub id: i64,
    /// The product.
    pub product_id: i64,
    /// Its name.
    pub product_name: String,
    /// Its provider.
    #[sqlx(try_from = "i64")]
    #[schema(value_type = i64)]
    pub provider_org_id: OrgId,
    /// The enterprise.
    #[sqlx(try_from = "i64")]
    #[schema(value_type = i64)]
    pub org_id: OrgId,
    /// Its name.
    pub org_name: String,
    /// The amount asked, yuan.
    #[sqlx(try_from = "i64")]
    pub amount_yuan: Yuan,
    /// What for.
    pub purpose: String,
    /// Where it stands.
    #[sqlx(try_from = "Code<ProductApplicationState>")]
    pub state: ProductApplicationState,
    /// The amount approved, yuan.
    pub approved_yuan: Option<i64>,
    /// The reason of a decline.
    pub reason: String,
    /// Optimistic-lock version.
    pub version: i64,
    /// Applied at (UTC).
    #[sqlx(try_from = "Instant")]
    #[serde(serialize_with = "crate::time::serde_ts::instant")]
    #[schema(value_type = String)]
    pub created_at: DateTime<Utc>,
}

impl ListRow for Application {
    fn list_id(&self) -> i64 {
        self.id
    }
}

const APP_SELECT: &str = "SELECT a.id, a.product_id, p.name AS product_name, a.provider_org_id, a.org_id, o.name AS org_name, a.amount_yuan, a.purpose, a.state, \
    a.approved_yuan, a.reason, a.version, a.created_at FROM finance_applications a CROSS JOIN finance_products p CROSS JOIN organisations o";
const APP_BASE: &str = "FROM finance_applications a CROSS JOIN finance_products p CROSS JOIN organisations o";
const APP_JOINED: &str = "p.id = a.product_id AND o.id = a.org_id";

/// Records an application; a second open one of the same enterprise to the same product is a duplicate.
pub async fn apply(conn: &mut AnyConnection, actor: &Actor, now: DateTime<Utc>, p: &Product, org: OrgId, amount: Yuan, purpose: &str) -> StoreResult<i64> {
    let ts = format_ts(now);
    let n = sqlx::query("UPDATE finance_products SET applications = applications + 1 WHERE id = $1 AND state = 'open'").bind(p.id).execute(&mut *conn).await?.rows_affected();
    if n == 0 {
        return Err(StoreError::Refused { code: "product_withdrawn", message: "该产品已下架，不再受理申请".into() });
    }
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO finance_applications (product_id, provider_org_id, org_id, applied_by, amount_yuan, purpose, state, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, 'applied', $7, $7) RETURNING id",
    )
    .bind(p.id)
    .bind(p.provider_org_id.get())
    .bind(org.get())
    .bind(actor.user_column())
    .bind(amount.get())
    .bind(purpose)
    .bind(&ts)
    .fetch_one(&mut *conn)
    .await
    .map_err(StoreError::on_unique("product_id"))?;
    let after = serde_json::json!({"product_id": p.id, "amount_yuan": amount, "purpose": purpose});
    audit::record(conn, actor, now, Change { action: "finance_application.apply", entity_type: "finance_application", entity_id: id.to_string(), before: None, after: Some(after), reason: None }).await?;
    Ok(id)
}

/// Where an answer takes an application.
pub struct Outcome<'a> {
    /// Approved, declined or withdrawn.
    pub to: ProductApplicationState,
    /// The amount approved.
    pub approved: Option<Yuan>,
    /// The reason of a decline.
    pub reason: &'a str,
}

/// Moves an open application at `version` to the outcome's state (approved with an amount, declined with a reason, withdrawn).
pub async fn answer(conn: &mut AnyConnection, actor: &Actor, now: DateTime<Utc>, id: i64, version: i64, o: &Outcome<'_>) -> StoreResult<()> {
    let (to, approved, reason) = (o.to, o.approved, o.reason);
    let n = sqlx::query("UPDATE finance_applications SET state = $1, approved_yuan = $2, reason = $3, version = version + 1, updated_at = $4 WHERE id = $5 AND version = $6 AND state = 'applied'")
        .bind(to.as_str())
        .bind(approved.map(Yuan::get))
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
    let after = serde_json::json!({"state": to, "approved_yuan": approved});
    let reason = (!reason.is_empty()).then_some(reason);
    audit::record(conn, actor, now, Change { action: "finance_application.answer", entity_type: "finance_application", entity_id: id.to_string(), before: None, after: Some(after), reason }).await
}

/// One application.
pub async fn application<'e, E>(executor: E, id: i64) -> StoreResult<Application>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    sqlx::query_as(&format!("{APP_SELECT} WHERE {APP_JOINED} AND a.id = $1")).bind(id).fetch_optional(executor).await?.ok_or(StoreError::NotFound)
}

/// Which applications a list shows.
#[derive(Debug, Clone, Default)]
pub struct ApplicationFilter {
    /// Those to one product.
    pub product: Option<i64>,
    /// One enterprise's.
    pub org: Option<OrgId>,
    /// Those to one provider.
    pub provider: Option<OrgId>,
    /// One state.
    pub state: Option<ProductApplicationState>,
}

impl ApplicationFilter {
    fn condition(&self) -> Where {
        let mut w = Where::default();
        w.and_raw(APP_JOINED);
        if let Some(p) = self.product {
            w.and("a.product_id = ?", Arg::Int(p));
        }
        if let Some(o) = self.org {
            w.and("a.org_id = ?", Arg::Int(o.get()));
        }
        if let Some(p) = self.provider {
            w.and("a.provider_org_id = ?", Arg::Int(p.get()));
        }
        if let Some(s) = self.state {
            w.and("a.state = ?", Arg::Text(s.as_str().into()));
        }
        w
    }
}

/// A page of applications, newest first.
pub async fn applications(pool: &AnyPool, filter: &ApplicationFilter, page: Page) -> StoreResult<Paged<Application>> {
    listing::page_of(pool, APP_SELECT, APP_BASE, &filter.condition(), by_id("finance_applications", "a"), page, Total::Unknown).await
}

/// The statements [`applications`] runs (the planner test).
pub fn applications_statements(filter: &ApplicationFilter) -> Vec<String> {
    listing::statements(APP_SELECT, APP_BASE, &filter.condition(), by_id("finance_applications", "a"), false)
}
