//! Supervision forms on a center's page: each posts, then returns to the page
//! (or shows it again with the error).

use super::*;
use pocnet_store::supervision;
use crate::auth::session::Auth;
use crate::routes::registry::html::detail_with_error;
use axum::extract::State;
use crate::extract::Path;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use axum::Form;

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/centers/{id}/changes", post(change_form))
        .route("/changes/{id}/decision", post(decision_form))
        .route("/centers/{id}/revocation", post(revoke_form))
        .route("/centers/{id}/reevaluations", post(reevaluate_form))
}

async fn back<T>(state: &AppState, auth: &Auth, id: CenterId, anchor: &str, r: AppResult<T>) -> AppResult<Response> {
    match r {
        Ok(_) => Ok(Redirect::to(&format!("/centers/{id}#{anchor}")).into_response()),
        Err(e) => detail_with_error(state, auth, id, e).await,
    }
}

async fn change_form(State(state): State<AppState>, auth: Auth, me: CurrentUser, Path(id): Path<CenterId>, Form(input): Form<ChangeInput>) -> AppResult<Response> {
    let r = file_change(&state, &me, id, &input).await;
    back(&state, &auth, id, "changes", r).await
}

async fn decision_form(State(state): State<AppState>, auth: Auth, me: CurrentUser, Path(id): Path<ChangeReportId>, Form(input): Form<DecisionInput>) -> AppResult<Response> {
    let center = supervision::change(state.store().pool(), id).await?.center_id;
    let r = decide_change(&state, &me, id, &input).await;
    back(&state, &auth, center, "changes", r).await
}

async fn revoke_form(State(state): State<AppState>, auth: Auth, me: CurrentUser, Path(id): Path<CenterId>, Form(input): Form<RevokeInput>) -> AppResult<Response> {
    let r = revoke(&state, &me, id, &input).await;
    back(&state, &auth, id, "history", r).await
}

async fn reevaluate_form(State(state): State<AppState>, auth: Auth, me: CurrentUser, Path(id): Path<CenterId>, Form(input): Form<ReevaluationInput>) -> AppResult<Response> {
    let r = reevaluate(&state, &me, id, &input).await;
    back(&state, &auth, id, "history", r).await
}
