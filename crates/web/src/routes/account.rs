//! The caller's own account: who am I, change my password.

use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::extract::ApiJson;
use crate::views::{render, Chrome};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Json};
use pocnet_domain::FieldError;
use pocnet_store::users::User;
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .route("/account", get(page))
        .route("/account/password", post(password_form))
        .routes(routes!(me))
        .routes(routes!(api_password))
}

/// The signed-in account.
#[utoipa::path(get, path = "/api/v1/me", tag = "auth",
    responses((status = 200, body = User), (status = 401, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn me(current: CurrentUser) -> Json<User> {
    Json(current.user)
}

/// A password change.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct PasswordChange {
    /// The password in use now.
    pub current_password: String,
    /// The new password (10–128 characters, not containing the username).
    pub new_password: String,
}

/// Checks the current password, applies the new one, ends the account's other sessions.
async fn change_password(state: &AppState, me: &CurrentUser, current: String, new: String) -> AppResult<()> {
    Ok(pocnet_app::accounts::change_password(state.context(), &me.caller(), current, new, Some(&me.session_id)).await?)
}

/// Changes the caller's password; other sessions of the account end.
#[utoipa::path(post, path = "/api/v1/me/password", tag = "auth", request_body = PasswordChange,
    responses((status = 204), (status = 422, description = "密码不符合规则或当前密码错误", body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_password(State(state): State<AppState>, me: CurrentUser, ApiJson(body): ApiJson<PasswordChange>) -> AppResult<StatusCode> {
    change_password(&state, &me, body.current_password, body.new_password).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Template)]
#[template(path = "accounts/account.html")]
struct AccountPage {
    chrome: Chrome,
    user: User,
    role_label: &'static str,
    error: Option<String>,
    done: bool,
}

async fn page(me: CurrentUser) -> Response {
    render(&AccountPage {
        chrome: Chrome::signed_in(&me, "账号设置", "account"),
        role_label: me.user.role.label_zh(),
        user: me.user.clone(),
        error: None,
        done: false,
    })
}

#[derive(Debug, Deserialize)]
struct PasswordForm {
    current_password: String,
    new_password: String,
    new_password_confirm: String,
}

async fn password_form(State(state): State<AppState>, me: CurrentUser, Form(form): Form<PasswordForm>) -> AppResult<Response> {
    let result = if form.new_password != form.new_password_confirm {
        Err(AppError::Validation(FieldError::new("new_password_confirm", "mismatch", "两次输入的新密码不一致")))
    } else {
        change_password(&state, &me, form.current_password, form.new_password).await
    };
    let (status, error, done) = match result {
        Ok(()) => (StatusCode::OK, None, true),
        Err(AppError::Validation(e)) => (StatusCode::UNPROCESSABLE_ENTITY, Some(e.message), false),
        Err(e) => return Err(e),
    };
    let page = AccountPage {
        chrome: Chrome::signed_in(&me, "账号设置", "account"),
        role_label: me.user.role.label_zh(),
        user: me.user.clone(),
        error,
        done,
    };
    Ok((status, render(&page)).into_response())
}
