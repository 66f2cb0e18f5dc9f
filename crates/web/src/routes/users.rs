//! Accounts (账号管理), administered by the bureau.

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
use pocnet_app::accounts::{self, parse_org, parse_role};
pub use pocnet_app::accounts::{NewUserInput, UserEditInput};
use pocnet_domain::id::UserId;
use pocnet_domain::role::Role;
use pocnet_store::users::{self, User, UserFilter};
use pocnet_store::{orgs, Paged, SortDir};
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .route("/admin/users", get(list_page).post(create_form))
        .route("/admin/users/new", get(new_page))
        .route("/admin/users/{id}", get(edit_page).post(update_form))
        .routes(routes!(api_list, api_create))
        .routes(routes!(api_get, api_update))
}

/// Filters of the account list.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UserQuery {
    /// Role code.
    pub role: Option<String>,
    /// Organisation id.
    pub org_id: Option<String>,
}

impl UserQuery {
    fn filter(&self) -> AppResult<UserFilter> {
        Ok(UserFilter {
            role: non_empty(&self.role).map(parse_role).transpose()?,
            org_id: non_empty(&self.org_id).map(parse_org).transpose()?,
        })
    }
}

async fn create(state: &AppState, me: &CurrentUser, input: &NewUserInput) -> AppResult<User> {
    Ok(accounts::create(state.context(), &me.caller(), input).await?)
}

async fn update(state: &AppState, me: &CurrentUser, id: UserId, input: &UserEditInput) -> AppResult<User> {
    Ok(accounts::update(state.context(), &me.caller(), id, input).await?)
}

/// Lists accounts (bureau).
#[utoipa::path(get, path = "/api/v1/users", operation_id = "list_users", tag = "users", params(ListParams, UserQuery),
    responses((status = 200, body = Paged<User>), (status = 403, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_list(
    State(state): State<AppState>,
    me: CurrentUser,
    QueryParams(p): QueryParams<ListParams>,
    QueryParams(q): QueryParams<UserQuery>,
) -> AppResult<Json<Paged<User>>> {
    me.require(&[Role::Bureau])?;
    Ok(Json(users::list(state.store().pool(), &q.filter()?, p.sort_or("username"), p.dir(), p.page()).await?))
}

/// Creates an account (bureau).
#[utoipa::path(post, path = "/api/v1/users", operation_id = "create_user", tag = "users", request_body = NewUserInput,
    responses((status = 201, body = User), (status = 409, body = crate::error::ErrorEnvelope), (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_create(State(state): State<AppState>, me: CurrentUser, ApiJson(input): ApiJson<NewUserInput>) -> AppResult<Response> {
    let user = create(&state, &me, &input).await?;
    Ok((StatusCode::CREATED, Json(user)).into_response())
}

/// Reads an account (bureau).
#[utoipa::path(get, path = "/api/v1/users/{id}", operation_id = "get_user", tag = "users",
    responses((status = 200, body = User), (status = 404, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_get(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>) -> AppResult<Json<User>> {
    let id = UserId::new(id);
    me.require(&[Role::Bureau])?;
    Ok(Json(users::get(state.store().pool(), id).await?))
}

/// Updates an account (bureau); deactivating or changing the role ends its sessions.
#[utoipa::path(put, path = "/api/v1/users/{id}", operation_id = "update_user", tag = "users", request_body = UserEditInput,
    responses((status = 200, body = User), (status = 409, body = crate::error::ErrorEnvelope), (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_update(
    State(state): State<AppState>,
    me: CurrentUser,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<UserEditInput>,
) -> AppResult<Json<User>> {
    let id = UserId::new(id);
    Ok(Json(update(&state, &me, id, &input).await?))
}

fn roles() -> Vec<Choice> {
    Role::ALL.iter().map(|r| Choice::new(r.as_str(), r.label_zh())).collect()
}

async fn org_choices(state: &AppState) -> AppResult<Vec<Choice>> {
    Ok(orgs::all_names(state.store().pool())
        .await?
        .into_iter()
        .map(|(id, name)| Choice::new(id.to_string(), name))
        .collect())
}

struct UserRow {
    id: UserId,
    username: String,
    display_name: String,
    role: &'static str,
    org_name: String,
    active: bool,
    demo: bool,
    created_at: String,
}

#[derive(Template)]
#[template(path = "accounts/users.html")]
struct ListPage {
    chrome: Chrome,
    headers: Vec<SortHeader>,
    rows: Vec<UserRow>,
    pager: Pager,
    roles: Vec<Choice>,
    role: String,
}

async fn list_page(
    State(state): State<AppState>,
    me: CurrentUser,
    QueryParams(p): QueryParams<ListParams>,
    QueryParams(q): QueryParams<UserQuery>,
) -> AppResult<Response> {
    me.require(&[Role::Bureau])?;
    let sort = p.sort_or("username").to_owned();
    let list = users::list(state.store().pool(), &q.filter()?, &sort, p.dir(), p.page()).await?;
    let filters = vec![("role", q.role.clone().unwrap_or_default()), ("org_id", q.org_id.clone().unwrap_or_default())];
    let keep = p.keep(&filters, &sort);
    let columns = [("username", "用户名"), ("display_name", "姓名"), ("role", "角色"), ("created_at", "创建时间")];
    let page = ListPage {
        chrome: Chrome::signed_in(&me, "账号管理", "users"),
        headers: views::sort_headers("/admin/users", &columns, &sort, p.dir() == SortDir::Desc, &filters),
        rows: list
            .items
            .iter()
            .map(|u| UserRow {
                id: u.id,
                username: u.username.clone(),
                display_name: u.display_name.clone(),
                role: u.role.label_zh(),
                org_name: u.org_name.clone(),
                active: u.is_active,
                demo: u.is_demo,
                created_at: pocnet_domain::display::beijing(u.created_at).chars().take(10).collect(),
            })
            .collect(),
        pager: Pager::new("/admin/users", &list, &keep),
        roles: roles(),
        role: q.role.unwrap_or_default(),
    };
    Ok(render(&page))
}

#[derive(Template)]
#[template(path = "accounts/user_form.html")]
struct FormPage {
    chrome: Chrome,
    id: Option<UserId>,
    username: String,
    display_name: String,
    role: String,
    org_id: String,
    is_active: bool,
    version: i64,
    roles: Vec<Choice>,
    orgs: Vec<Choice>,
    error: Option<String>,
}

#[derive(Debug, Deserialize)]
struct NewQuery {
    org_id: Option<String>,
}

async fn new_page(State(state): State<AppState>, me: CurrentUser, QueryParams(q): QueryParams<NewQuery>) -> AppResult<Response> {
    me.require(&[Role::Bureau])?;
    Ok(render(&FormPage {
        chrome: Chrome::signed_in(&me, "新增账号", "users"),
        id: None,
        username: String::new(),
        display_name: String::new(),
        role: String::new(),
        org_id: q.org_id.unwrap_or_default(),
        is_active: true,
        version: 0,
        roles: roles(),
        orgs: org_choices(&state).await?,
        error: None,
    }))
}

async fn edit_page(State(state): State<AppState>, me: CurrentUser, Path(id): Path<UserId>) -> AppResult<Response> {
    me.require(&[Role::Bureau])?;
    let u = users::get(state.store().pool(), id).await?;
    Ok(render(&FormPage {
        chrome: Chrome::signed_in(&me, "编辑账号", "users"),
        id: Some(id),
        username: u.username,
        display_name: u.display_name,
        role: u.role.as_str().into(),
        org_id: u.org_id.to_string(),
        is_active: u.is_active,
        version: u.version,
        roles: roles(),
        orgs: org_choices(&state).await?,
        error: None,
    }))
}

fn is_form_error(e: &AppError) -> bool {
    matches!(e, AppError::Validation(_) | AppError::Conflict { .. })
}

async fn create_form(State(state): State<AppState>, me: CurrentUser, Form(input): Form<NewUserInput>) -> AppResult<Response> {
    match create(&state, &me, &input).await {
        Ok(u) => Ok(Redirect::to(&format!("/admin/users/{}", u.id)).into_response()),
        Err(e) if is_form_error(&e) => {
            let page = FormPage {
                chrome: Chrome::signed_in(&me, "新增账号", "users"),
                id: None,
                username: input.username,
                display_name: input.display_name,
                role: input.role,
                org_id: input.org_id,
                is_active: true,
                version: 0,
                roles: roles(),
                orgs: org_choices(&state).await?,
                error: Some(e.body().message),
            };
            Ok((e.status(), render(&page)).into_response())
        }
        Err(e) => Err(e),
    }
}

async fn update_form(State(state): State<AppState>, me: CurrentUser, Path(id): Path<UserId>, Form(input): Form<UserEditInput>) -> AppResult<Response> {
    match update(&state, &me, id, &input).await {
        Ok(u) => Ok(Redirect::to(&format!("/admin/users/{}", u.id)).into_response()),
        Err(e) if is_form_error(&e) => {
            let current = users::get(state.store().pool(), id).await?;
            let page = FormPage {
                chrome: Chrome::signed_in(&me, "编辑账号", "users"),
                id: Some(id),
                username: current.username,
                display_name: input.display_name,
                role: input.role,
                org_id: input.org_id,
                is_active: input.is_active,
                version: input.version.unwrap_or(0),
                roles: roles(),
                orgs: org_choices(&state).await?,
                error: Some(e.body().message),
            };
            Ok((e.status(), render(&page)).into_response())
        }
        Err(e) => Err(e),
    }
}
