//! The expert library (专家库). Issue 4 adds conflicts, curation and panels.

use crate::{parse_code, Page, Paged, StoreError, StoreResult};
use pocnet_domain::expert::ExpertKind;
use pocnet_domain::region::Region;
use serde::Serialize;
use sqlx::{AnyPool, FromRow};

/// An expert of the library.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Expert {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Academic, industry or investment.
    pub kind: ExpertKind,
    /// Organisation id.
    pub org_id: i64,
    /// Organisation name.
    pub org_name: String,
    /// Title (职称/职务).
    pub title: String,
    /// Field codes.
    pub fields: Vec<String>,
    /// Sub-field codes.
    pub sub_fields: Vec<String>,
    /// Keywords.
    pub keywords: Vec<String>,
    /// Region.
    pub region: Region,
    /// Short biography.
    pub bio: String,
}

#[derive(FromRow)]
struct Row {
    id: i64,
    name: String,
    kind: String,
    org_id: i64,
    org_name: String,
    title: String,
    fields: String,
    sub_fields: String,
    keywords: String,
    region: String,
    bio: String,
}

fn json_list(s: &str) -> StoreResult<Vec<String>> {
    serde_json::from_str(s).map_err(|e| StoreError::Corrupt(e.to_string()))
}

impl TryFrom<Row> for Expert {
    type Error = StoreError;
    fn try_from(r: Row) -> StoreResult<Self> {
        Ok(Self {
            id: r.id,
            name: r.name,
            kind: parse_code(&r.kind, ExpertKind::parse)?,
            org_id: r.org_id,
            org_name: r.org_name,
            title: r.title,
            fields: json_list(&r.fields)?,
            sub_fields: json_list(&r.sub_fields)?,
            keywords: json_list(&r.keywords)?,
            region: parse_code(&r.region, Region::parse)?,
            bio: r.bio,
        })
    }
}

const SELECT: &str = "SELECT e.id, e.name, e.kind, e.org_id, o.name AS org_name, e.title, e.fields, \
    e.sub_fields, e.keywords, e.region, e.bio FROM experts e JOIN organisations o ON o.id = e.org_id";

/// Lists experts, optionally of one kind and/or serving one field.
pub async fn list(pool: &AnyPool, kind: Option<ExpertKind>, field: Option<&str>, page: Page) -> StoreResult<Paged<Expert>> {
    // Fields are a JSON array of codes; codes are plain ASCII, so a quoted match is exact.
    let field_like = field.map(|f| format!("%\"{}\"%", f.replace(['%', '_', '"'], "")));
    const WHERE: &str = "WHERE ($1 IS NULL OR e.kind = $1) AND ($2 IS NULL OR e.fields LIKE $2)";
    let total: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM experts e {WHERE}"))
        .bind(kind.map(|k| k.as_str()))
        .bind(&field_like)
        .fetch_one(pool)
        .await?;
    let rows = sqlx::query_as::<_, Row>(&format!("{SELECT} {WHERE} ORDER BY e.name, e.id LIMIT $3 OFFSET $4"))
        .bind(kind.map(|k| k.as_str()))
        .bind(&field_like)
        .bind(page.limit())
        .bind(page.offset())
        .fetch_all(pool)
        .await?;
    let items = rows.into_iter().map(Expert::try_from).collect::<StoreResult<_>>()?;
    Ok(Paged { items, total, page: page.number, per_page: page.size })
}

/// The expert profile linked to an account, if any.
pub async fn of_user(pool: &AnyPool, user_id: i64) -> StoreResult<Option<Expert>> {
    let row = sqlx::query_as::<_, Row>(&format!("{SELECT} WHERE e.user_id = $1"))
        .bind(user_id)
        .fetch_optional(pool)
        .await?;
    row.map(Expert::try_from).transpose()
}
