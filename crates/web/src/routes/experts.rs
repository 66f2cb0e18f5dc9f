//! The expert library (专家库), as a searchable list. Issue 4 adds curation,
//! conflicts and panels.

use crate::auth::CurrentUser;
use crate::error::AppResult;
use crate::extract::{non_empty, ListParams, QueryParams};
use crate::views::{Choice, self, render, Chrome, Pager};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use axum::{Json, Router};
use pocnet_domain::expert::ExpertKind;
use pocnet_domain::industry;
use pocnet_domain::role::Role;
use pocnet_domain::FieldError;
use pocnet_store::experts::{self, Expert};
use pocnet_store::Paged;
use serde::Deserialize;

pub(crate) fn router() -> Router<AppState> {
    Router::new().route("/experts", get(page)).route("/api/v1/experts", get(api_list))
}

/// Who may browse the library: those who organise reviews.
const MAY_BROWSE: &[Role] = &[Role::Bureau, Role::County, Role::Center];

/// Filters of the expert list.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
pub struct ExpertQuery {
    /// `academic`, `industry` or `investment`.
    pub kind: Option<String>,
    /// Field code, e.g. `new_energy`.
    pub field: Option<String>,
}

impl ExpertQuery {
    fn parsed(&self) -> AppResult<(Option<ExpertKind>, Option<&str>)> {
        let kind = non_empty(&self.kind)
            .map(|k| ExpertKind::parse(k).map_err(|_| FieldError::unknown_value("kind", "专家类型")))
            .transpose()?;
        let field = non_empty(&self.field);
        if let Some(f) = field {
            if industry::field(f).is_none() {
                return Err(FieldError::unknown_value("field", "产业领域").into());
            }
        }
        Ok((kind, field))
    }
}

/// Lists experts (bureau, county, center).
#[utoipa::path(get, path = "/api/v1/experts", tag = "experts", params(ListParams, ExpertQuery),
    responses((status = 200, body = Vec<Expert>), (status = 403, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_list(
    State(state): State<AppState>,
    me: CurrentUser,
    QueryParams(p): QueryParams<ListParams>,
    QueryParams(q): QueryParams<ExpertQuery>,
) -> AppResult<Json<Paged<Expert>>> {
    me.require(MAY_BROWSE)?;
    let (kind, field) = q.parsed()?;
    Ok(Json(experts::list(state.store().pool(), kind, field, p.page()).await?))
}

struct Row {
    name: String,
    kind: &'static str,
    org: String,
    title: String,
    fields: String,
    keywords: String,
    region: &'static str,
}

#[derive(Template)]
#[template(path = "experts.html")]
struct ExpertsPage {
    chrome: Chrome,
    rows: Vec<Row>,
    pager: Pager,
    kinds: Vec<Choice>,
    fields: Vec<Choice>,
    kind: String,
    field: String,
}

async fn page(
    State(state): State<AppState>,
    me: CurrentUser,
    QueryParams(p): QueryParams<ListParams>,
    QueryParams(q): QueryParams<ExpertQuery>,
) -> AppResult<Response> {
    me.require(MAY_BROWSE)?;
    let (kind, field) = q.parsed()?;
    let list = experts::list(state.store().pool(), kind, field, p.page()).await?;
    let keep = vec![("kind", q.kind.clone().unwrap_or_default()), ("field", q.field.clone().unwrap_or_default())];
    Ok(render(&ExpertsPage {
        chrome: Chrome::signed_in(&me, "专家库", "experts"),
        rows: list
            .items
            .iter()
            .map(|e| Row {
                name: e.name.clone(),
                kind: e.kind.label_zh(),
                org: e.org_name.clone(),
                title: e.title.clone(),
                fields: views::field_labels(&e.fields),
                keywords: e.keywords.join("、"),
                region: e.region.label_zh(),
            })
            .collect(),
        pager: Pager::new("/experts", &list, &keep),
        kinds: ExpertKind::ALL.iter().map(|k| Choice::new(k.as_str(), k.label_zh())).collect(),
        fields: industry::WENZHOU.iter().map(|f| Choice::new(f.code, f.label)).collect(),
        kind: q.kind.unwrap_or_default(),
        field: q.field.unwrap_or_default(),
    }))
}
