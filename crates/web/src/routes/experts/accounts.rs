//! An expert's account (专家账号): the bureau — and a center, for the experts
//! of its own advisory team — links an existing expert account to a library
//! expert, or opens the account from the record and hands the expert a
//! one-time activation code; unlinking keeps the expert's history. The
//! workflows are `pocnet_app::expert_accounts` (the CLI's `pocnet expert …`
//! calls them too); here are the expert page's forms and the JSON API.

use super::*;
use crate::extract::ApiJson;
use crate::views::{render, Chrome};
use askama::Template;
use axum::extract::State;
use crate::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use axum::{Form, Json};
use pocnet_app::expert_accounts as workflow;
pub use pocnet_app::expert_accounts::{Invitation, LinkInput};
use pocnet_store::expert_accounts::LinkedAccount;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(api_account, api_link, api_unlink))
        .routes(routes!(api_invite))
        .route("/experts/{id}/account", post(link_form))
        .route("/experts/{id}/account/unlink", post(unlink_form))
        .route("/experts/{id}/invitation", post(invite_form))
}

/// Whether the caller may manage the account of library expert `id`: the
/// bureau any; a center only the experts of its own advisory team (顾问专家).
pub async fn may_manage(state: &AppState, me: &CurrentUser, id: ExpertId) -> AppResult<bool> {
    Ok(workflow::may_manage(state.context(), &me.caller(), id).await?)
}

/// Links an existing expert account.
pub async fn link(state: &AppState, me: &CurrentUser, id: ExpertId, input: &LinkInput) -> AppResult<Expert> {
    Ok(workflow::link(state.context(), &me.caller(), id, input).await?)
}

/// Opens the account from the expert's record (or, for a linked account not
/// yet activated, issues a fresh code) and returns the code, once.
pub async fn invite(state: &AppState, me: &CurrentUser, id: ExpertId, input: &LinkInput) -> AppResult<Invitation> {
    Ok(workflow::invite(state.context(), &me.caller(), id, input).await?)
}

/// Ends the link; the expert keeps its history.
pub async fn unlink(state: &AppState, me: &CurrentUser, id: ExpertId, input: &LinkInput) -> AppResult<Expert> {
    Ok(workflow::unlink(state.context(), &me.caller(), id, input).await?)
}

/// The account linked to an expert (curators who may manage it, and the expert itself).
pub async fn account(state: &AppState, me: &CurrentUser, id: ExpertId) -> AppResult<Option<LinkedAccount>> {
    Ok(workflow::account(state.context(), &me.caller(), id).await?)
}

/// The account linked to a library expert (`null` if none).
#[utoipa::path(get, path = "/api/v1/experts/{id}/account", tag = "experts",
    responses((status = 200, body = Option<LinkedAccount>), (status = 403, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_account(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>) -> AppResult<Json<Option<LinkedAccount>>> {
    let id = ExpertId::new(id);
    Ok(Json(account(&state, &me, id).await?))
}

/// Links an existing expert account (`username`) to the library expert. Codes:
/// `unknown_account`, `not_expert_account`, `account_inactive`, `account_taken`,
/// `already_linked`, `not_own_advisor`, `account_other_unit`.
#[utoipa::path(post, path = "/api/v1/experts/{id}/account", tag = "experts", request_body = LinkInput,
    responses((status = 200, body = Expert), (status = 409, body = crate::error::ErrorEnvelope), (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_link(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>, ApiJson(input): ApiJson<LinkInput>) -> AppResult<Json<Expert>> {
    let id = ExpertId::new(id);
    Ok(Json(link(&state, &me, id, &input).await?))
}

/// Unlinks the expert's account (`reason` optional); panels and scores stay the expert's.
#[utoipa::path(delete, path = "/api/v1/experts/{id}/account", tag = "experts", request_body = LinkInput,
    responses((status = 200, body = Expert), (status = 409, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_unlink(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>, body: axum::body::Bytes) -> AppResult<Json<Expert>> {
    let id = ExpertId::new(id);
    let input: LinkInput = if body.is_empty() { LinkInput::default() } else { serde_json::from_slice(&body).unwrap_or_default() };
    Ok(Json(unlink(&state, &me, id, &input).await?))
}

/// Opens an expert account (`username`) from the expert's record, or issues a
/// new code for its account not yet activated; answers the one-time code.
#[utoipa::path(post, path = "/api/v1/experts/{id}/invitation", tag = "experts", request_body = LinkInput,
    responses((status = 201, body = Invitation), (status = 409, body = crate::error::ErrorEnvelope), (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_invite(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>, ApiJson(input): ApiJson<LinkInput>) -> AppResult<Response> {
    let id = ExpertId::new(id);
    Ok((StatusCode::CREATED, Json(invite(&state, &me, id, &input).await?)).into_response())
}

#[derive(Template)]
#[template(path = "experts/expert_invitation.html")]
struct InvitationPage {
    chrome: Chrome,
    expert_id: ExpertId,
    expert_name: String,
    invitation: Invitation,
    expires_local: String,
}

/// Reports a refusal on the expert page itself, with the refusal's status.
async fn back_with_error(state: &AppState, me: &CurrentUser, id: ExpertId, e: AppError) -> AppResult<Response> {
    match e {
        AppError::Validation(_) | AppError::Conflict { .. } | AppError::Rule { .. } => {
            let status = e.status();
            let page = super::html::detail(state, me, id, Some(e.body().message)).await?;
            Ok((status, page).into_response())
        }
        other => Err(other),
    }
}

async fn link_form(State(state): State<AppState>, me: CurrentUser, Path(id): Path<ExpertId>, Form(input): Form<LinkInput>) -> AppResult<Response> {
    match link(&state, &me, id, &input).await {
        Ok(_) => Ok(Redirect::to(&format!("/experts/{id}")).into_response()),
        Err(e) => back_with_error(&state, &me, id, e).await,
    }
}

async fn unlink_form(State(state): State<AppState>, me: CurrentUser, Path(id): Path<ExpertId>, Form(input): Form<LinkInput>) -> AppResult<Response> {
    match unlink(&state, &me, id, &input).await {
        Ok(_) => Ok(Redirect::to(&format!("/experts/{id}")).into_response()),
        Err(e) => back_with_error(&state, &me, id, e).await,
    }
}

async fn invite_form(State(state): State<AppState>, me: CurrentUser, Path(id): Path<ExpertId>, Form(input): Form<LinkInput>) -> AppResult<Response> {
    match invite(&state, &me, id, &input).await {
        Ok(invitation) => {
            let e = experts::get(state.store().pool(), id).await?;
            let expires_local = pocnet_domain::display::beijing_time(&invitation.expires_at);
            Ok(render(&InvitationPage { chrome: Chrome::signed_in(&me, "专家账号激活码", "experts"), expert_id: id, expert_name: e.name, invitation, expires_local }))
        }
        Err(e) => back_with_error(&state, &me, id, e).await,
    }
}
