//! Organisations (单位管理), curated by the bureau.

use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::extract::{non_empty, ApiJson, ListParams, QueryParams};
use crate::views::{Choice, self, render, Chrome, Pager, SortHeader};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use crate::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Form, Json};
use pocnet_domain::id::{OrgId, UserId};
use pocnet_domain::org::OrgKind;
use pocnet_domain::region::Region;
use pocnet_domain::role::Role;
use pocnet_store::orgs::{self, OrgFilter, Organisation};
use pocnet_store::users::{self, UserFilter};
use pocnet_store::{Page, Paged, SortDir};
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .route("/admin/orgs", get(list_page).post(create_form))
        .route("/admin/orgs/new", get(new_page))
        .route("/admin/orgs/{id}", get(edit_page).post(update_form))
        .routes(routes!(api_list, api_create))
        .routes(routes!(api_get, api_update))
}

/// Filters of the organisation list.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OrgQuery {
    /// Kind code.
    pub kind: Option<String>,
    /// Region.
    pub region: Option<String>,
    /// Name contains.
    pub q: Option<String>,
}

impl OrgQuery {
    fn filter(&self) -> AppResult<OrgFilter> {
        Ok(OrgFilter {
            kind: non_empty(&self.kind)
                .map(|k| OrgKind::parse(k).map_err(|_| pocnet_domain::FieldError::unknown_value("kind", "单位类型")))
                .transpose()?,
            region: non_empty(&self.region)
                .map(|r| Region::parse(r).map_err(|_| pocnet_domain::FieldError::unknown_value("region", "所在地区")))
                .transpose()?,
            q: non_empty(&self.q).map(str::to_owned),
        })
    }
}

pub use pocnet_app::orgs::OrgInput;

/// Lists organisations (bureau).
#[utoipa::path(get, path = "/api/v1/organisations", operation_id = "list_organisations", tag = "organisations", params(ListParams, OrgQuery),
    responses((status = 200, body = Paged<Organisation>), (status = 403, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_list(
    State(state): State<AppState>,
    me: CurrentUser,
    QueryParams(p): QueryParams<ListParams>,
    QueryParams(q): QueryParams<OrgQuery>,
) -> AppResult<Json<Paged<Organisation>>> {
    me.require(&[Role::Bureau])?;
    Ok(Json(orgs::list(state.store().pool(), &q.filter()?, p.sort_or("name"), p.dir(), p.page()).await?))
}

/// Creates an organisation (bureau).
#[utoipa::path(post, path = "/api/v1/organisations", operation_id = "create_organisation", tag = "organisations", request_body = OrgInput,
    responses((status = 201, body = Organisation), (status = 409, body = crate::error::ErrorEnvelope),
        (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_create(State(state): State<AppState>, me: CurrentUser, ApiJson(input): ApiJson<OrgInput>) -> AppResult<Response> {
    let org = create(&state, &me, &input).await?;
    Ok((StatusCode::CREATED, Json(org)).into_response())
}

/// Reads an organisation (bureau).
#[utoipa::path(get, path = "/api/v1/organisations/{id}", operation_id = "get_organisation", tag = "organisations",
    responses((status = 200, body = Organisation), (status = 404, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_get(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>) -> AppResult<Json<Organisation>> {
    let id = OrgId::new(id);
    me.require(&[Role::Bureau])?;
    Ok(Json(orgs::get(state.store().pool(), id).await?))
}

/// Updates an organisation (bureau); `version` must be the one read, else 409.
#[utoipa::path(put, path = "/api/v1/organisations/{id}", operation_id = "update_organisation", tag = "organisations", request_body = OrgInput,
    responses((status = 200, body = Organisation), (status = 409, description = "已被他人修改", body = crate::error::ErrorEnvelope),
        (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_update(
    State(state): State<AppState>,
    me: CurrentUser,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<OrgInput>,
) -> AppResult<Json<Organisation>> {
    let id = OrgId::new(id);
    Ok(Json(update(&state, &me, id, &input).await?))
}

async fn create(state: &AppState, me: &CurrentUser, input: &OrgInput) -> AppResult<Organisation> {
    Ok(pocnet_app::orgs::create(state.context(), &me.caller(), input).await?)
}

async fn update(state: &AppState, me: &CurrentUser, id: OrgId, input: &OrgInput) -> AppResult<Organisation> {
    Ok(pocnet_app::orgs::update(state.context(), &me.caller(), id, input).await?)
}

fn kinds() -> Vec<Choice> {
    OrgKind::ALL.iter().map(|k| Choice::new(k.as_str(), k.label_zh())).collect()
}

struct OrgRow {
    id: OrgId,
    name: String,
    kind: &'static str,
    region: &'static str,
    user_count: i64,
    created_at: String,
    updated_at: String,
}

#[derive(Template)]
#[template(path = "orgs/orgs.html")]
struct ListPage {
    chrome: Chrome,
    headers: Vec<SortHeader>,
    rows: Vec<OrgRow>,
    pager: Pager,
    kinds: Vec<Choice>,
    regions: Vec<Choice>,
    kind: String,
    region: String,
    q: String,
}

async fn list_page(
    State(state): State<AppState>,
    me: CurrentUser,
    QueryParams(p): QueryParams<ListParams>,
    QueryParams(q): QueryParams<OrgQuery>,
) -> AppResult<Response> {
    me.require(&[Role::Bureau])?;
    let sort = p.sort_or("name").to_owned();
    let list = orgs::list(state.store().pool(), &q.filter()?, &sort, p.dir(), p.page()).await?;
    let filters = vec![
        ("kind", q.kind.clone().unwrap_or_default()),
        ("region", q.region.clone().unwrap_or_default()),
        ("q", q.q.clone().unwrap_or_default()),
    ];
    let keep = p.keep(&filters, &sort);
    let columns = [("name", "单位名称"), ("kind", "类型"), ("region", "地区"), ("created_at", "登记时间")];
    let page = ListPage {
        chrome: Chrome::signed_in(&me, "单位管理", "orgs"),
        headers: views::sort_headers("/admin/orgs", &columns, &sort, p.dir() == SortDir::Desc, &filters),
        rows: list
            .items
            .iter()
            .map(|o| OrgRow {
                id: o.id,
                name: o.name.clone(),
                kind: o.kind.label_zh(),
                region: o.region.label_zh(),
                user_count: o.user_count,
                created_at: pocnet_domain::display::beijing(o.created_at).chars().take(10).collect(),
                updated_at: pocnet_domain::display::beijing(o.updated_at).chars().take(10).collect(),
            })
            .collect(),
        pager: Pager::new("/admin/orgs", &list, &keep),
        kinds: kinds(),
        regions: crate::views::region_choices(),
        kind: q.kind.unwrap_or_default(),
        region: q.region.unwrap_or_default(),
        q: q.q.unwrap_or_default(),
    };
    Ok(render(&page))
}

struct MemberRow {
    id: UserId,
    username: String,
    display_name: String,
    role: &'static str,
    active: bool,
}

#[derive(Template)]
#[template(path = "orgs/org_form.html")]
struct FormPage {
    chrome: Chrome,
    id: Option<OrgId>,
    name: String,
    kind: String,
    region: String,
    version: i64,
    kinds: Vec<Choice>,
    regions: Vec<Choice>,
    error: Option<String>,
    members: Vec<MemberRow>,
}

fn form_page(me: &CurrentUser, id: Option<OrgId>, input: &OrgInput, error: Option<String>, members: Vec<MemberRow>) -> FormPage {
    FormPage {
        chrome: Chrome::signed_in(me, if id.is_some() { "编辑单位" } else { "新增单位" }, "orgs"),
        id,
        name: input.name.clone(),
        kind: input.kind.clone(),
        region: input.region.clone(),
        version: input.version.unwrap_or(0),
        kinds: kinds(),
        regions: crate::views::region_choices(),
        error,
        members,
    }
}

async fn new_page(me: CurrentUser) -> AppResult<Response> {
    me.require(&[Role::Bureau])?;
    let blank = OrgInput { name: String::new(), kind: String::new(), region: String::new(), version: None };
    Ok(render(&form_page(&me, None, &blank, None, vec![])))
}

async fn members(state: &AppState, org_id: OrgId) -> AppResult<Vec<MemberRow>> {
    let filter = UserFilter { role: None, org_id: Some(org_id) };
    let list = users::list(state.store().pool(), &filter, "username", SortDir::Asc, Page::new(Some(1), Some(200))).await?;
    Ok(list
        .items
        .into_iter()
        .map(|u| MemberRow { id: u.id, username: u.username, display_name: u.display_name, role: u.role.label_zh(), active: u.is_active })
        .collect())
}

async fn edit_page(State(state): State<AppState>, me: CurrentUser, Path(id): Path<OrgId>) -> AppResult<Response> {
    me.require(&[Role::Bureau])?;
    let org = orgs::get(state.store().pool(), id).await?;
    let input = OrgInput {
        name: org.name,
        kind: org.kind.as_str().into(),
        region: org.region.as_str().into(),
        version: Some(org.version),
    };
    Ok(render(&form_page(&me, Some(id), &input, None, members(&state, id).await?)))
}

/// Re-shows a form with the user's input and the error, or fails the request.
async fn form_failure(state: &AppState, me: &CurrentUser, id: Option<OrgId>, input: &OrgInput, e: AppError) -> AppResult<Response> {
    match e {
        AppError::Validation(_) | AppError::Conflict { .. } => {
            let status = e.status();
            let members = match id {
                Some(id) => members(state, id).await?,
                None => vec![],
            };
            Ok((status, render(&form_page(me, id, input, Some(e.body().message), members))).into_response())
        }
        other => Err(other),
    }
}

async fn create_form(State(state): State<AppState>, me: CurrentUser, Form(input): Form<OrgInput>) -> AppResult<Response> {
    match create(&state, &me, &input).await {
        Ok(org) => Ok(Redirect::to(&format!("/admin/orgs/{}", org.id)).into_response()),
        Err(e) => form_failure(&state, &me, None, &input, e).await,
    }
}

async fn update_form(State(state): State<AppState>, me: CurrentUser, Path(id): Path<OrgId>, Form(input): Form<OrgInput>) -> AppResult<Response> {
    match update(&state, &me, id, &input).await {
        Ok(org) => Ok(Redirect::to(&format!("/admin/orgs/{}", org.id)).into_response()),
        Err(e) => form_failure(&state, &me, Some(id), &input, e).await,
    }
}
