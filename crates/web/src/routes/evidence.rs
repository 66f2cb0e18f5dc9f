//! The evidence log on the web (存证日志): its state, signed checkpoints with
//! witnesses' cosignatures, inclusion and consistency proofs (anyone: hashes
//! only), the public keys at a well-known address, and for the bureau the
//! leaves with their records, the witnesses and the full verification.

use crate::auth::session::Auth;
use crate::auth::CurrentUser;
use crate::error::AppResult;
use crate::extract::QueryParams;
use crate::views::{render, Chrome};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use crate::extract::Path;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use pocnet_app::evidence::log::{self as workflow, CheckpointView, LeafView, LogState, Proof, Verification, WitnessInput};
use pocnet_store::evidence::keys::TrustedKey;
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(crate) fn router() -> OpenApiRouter<AppState> {
    let html: Router<AppState> = Router::new()
        .route("/log", get(page))
        .route("/log/checkpoint", axum::routing::post(sign_form))
        .route("/log/trusted", axum::routing::post(trusted_form))
        .route("/log/witnesses", axum::routing::post(witness_form)).route("/.well-known/pocnet-log-keys", get(well_known_keys));
    OpenApiRouter::new()
        .routes(routes!(api_state))
        .routes(routes!(api_checkpoints, api_sign))
        .routes(routes!(api_checkpoint))
        .routes(routes!(api_cosign))
        .routes(routes!(api_inclusion))
        .routes(routes!(api_consistency))
        .routes(routes!(api_leaf))
        .routes(routes!(api_witnesses, api_add_witness))
        .routes(routes!(api_verify))
        .routes(routes!(api_trusted, api_add_trusted))
        .routes(routes!(api_remove_trusted))
        .merge(html.into())
}

/// The log now: origin, size, root, the newest checkpoint and every public key (public).
#[utoipa::path(get, path = "/api/v1/log", tag = "evidence", responses((status = 200, body = LogState)))]
pub async fn api_state(State(state): State<AppState>) -> AppResult<Json<LogState>> {
    Ok(Json(workflow::state(state.context()).await?))
}

/// A page of checkpoints.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CheckpointsQuery {
    /// Only checkpoints of a smaller size (the next page: the last size shown).
    pub before: Option<u64>,
    /// How many (1–100, default 20).
    pub limit: Option<i64>,
}

/// Signed checkpoints, newest first, with the witnesses that cosigned each (public).
#[utoipa::path(get, path = "/api/v1/log/checkpoints", tag = "evidence", params(CheckpointsQuery), responses((status = 200, body = Vec<CheckpointView>)))]
pub async fn api_checkpoints(State(state): State<AppState>, QueryParams(q): QueryParams<CheckpointsQuery>) -> AppResult<Json<Vec<CheckpointView>>> {
    Ok(Json(workflow::checkpoints_page(state.context(), q.before, q.limit.unwrap_or(20)).await?))
}

/// Appends what is queued and signs a checkpoint now (the bureau; the server signs by itself
/// every minute the log grows). `null` while the log is empty.
#[utoipa::path(post, path = "/api/v1/log/checkpoints", tag = "evidence",
    responses((status = 200, body = Option<CheckpointView>), (status = 403, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_sign(State(state): State<AppState>, me: CurrentUser) -> AppResult<Json<Option<CheckpointView>>> {
    Ok(Json(workflow::sign_now(state.context(), &me.caller()).await?))
}

/// The checkpoint of this size with its cosignatures (public).
#[utoipa::path(get, path = "/api/v1/log/checkpoints/{size}", tag = "evidence", params(("size" = u64, Path, description = "Tree size")),
    responses((status = 200, body = CheckpointView), (status = 404, body = crate::error::ErrorEnvelope)))]
pub async fn api_checkpoint(State(state): State<AppState>, Path(size): Path<u64>) -> AppResult<Json<CheckpointView>> {
    Ok(Json(workflow::checkpoint_of(state.context(), size).await?))
}

/// A witness's cosignature lines.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct CosignatureInput {
    /// One or more lines `— <witness name> <base64>` (C2SP tlog-cosignature v1) over this checkpoint.
    pub lines: String,
}

/// Witnesses who cosigned.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Cosigned {
    /// The witnesses whose cosignature was kept now (a repeat is kept once).
    pub accepted: Vec<String>,
}

/// Submits a witness's cosignature of a checkpoint. No account: the signature is the
/// credential — it must verify with a witness the bureau listed.
#[utoipa::path(post, path = "/api/v1/log/checkpoints/{size}/cosignatures", tag = "evidence", params(("size" = u64, Path, description = "Tree size")),
    request_body = CosignatureInput,
    responses((status = 201, body = Cosigned), (status = 404, body = crate::error::ErrorEnvelope), (status = 422, body = crate::error::ErrorEnvelope)))]
pub async fn api_cosign(State(state): State<AppState>, Path(size): Path<u64>, crate::extract::ApiJson(input): crate::extract::ApiJson<CosignatureInput>) -> AppResult<Response> {
    let accepted = workflow::add_cosignatures(state.context(), size, &input.lines).await?;
    Ok((StatusCode::CREATED, Json(Cosigned { accepted })).into_response())
}

/// Which leaf in which tree.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InclusionQuery {
    /// The leaf's index (from 0).
    pub index: u64,
    /// The tree size (a checkpoint's).
    pub size: u64,
}

/// The RFC 9162 inclusion proof of a leaf (public: hashes only).
#[utoipa::path(get, path = "/api/v1/log/proofs/inclusion", tag = "evidence", params(InclusionQuery),
    responses((status = 200, body = Proof), (status = 422, body = crate::error::ErrorEnvelope)))]
pub async fn api_inclusion(State(state): State<AppState>, QueryParams(q): QueryParams<InclusionQuery>) -> AppResult<Json<Proof>> {
    Ok(Json(workflow::inclusion(state.context(), q.index, q.size).await?))
}

/// Which two trees.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ConsistencyQuery {
    /// The older size.
    pub old: u64,
    /// The newer size.
    pub new: u64,
}

/// The RFC 9162 consistency proof between two tree sizes (public).
#[utoipa::path(get, path = "/api/v1/log/proofs/consistency", tag = "evidence", params(ConsistencyQuery),
    responses((status = 200, body = Proof), (status = 422, body = crate::error::ErrorEnvelope)))]
pub async fn api_consistency(State(state): State<AppState>, QueryParams(q): QueryParams<ConsistencyQuery>) -> AppResult<Json<Proof>> {
    Ok(Json(workflow::consistency(state.context(), q.old, q.new).await?))
}

/// A leaf with the record it commits to, as rebuilt now, and whether they still match (the bureau).
#[utoipa::path(get, path = "/api/v1/log/leaves/{index}", tag = "evidence", params(("index" = u64, Path, description = "Leaf index")),
    responses((status = 200, body = LeafView), (status = 403, body = crate::error::ErrorEnvelope), (status = 404, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_leaf(State(state): State<AppState>, me: CurrentUser, Path(index): Path<u64>) -> AppResult<Json<LeafView>> {
    Ok(Json(workflow::leaf(state.context(), &me.caller(), index).await?))
}

/// The witnesses whose cosignatures the log accepts (the bureau).
#[utoipa::path(get, path = "/api/v1/log/witnesses", tag = "evidence",
    responses((status = 200, body = Vec<TrustedKey>), (status = 403, body = crate::error::ErrorEnvelope)), security(("bearer" = []), ("cookie" = [])))]
pub async fn api_witnesses(State(state): State<AppState>, me: CurrentUser) -> AppResult<Json<Vec<TrustedKey>>> {
    Ok(Json(workflow::witnesses(state.context(), &me.caller()).await?))
}

/// A witness added.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct WitnessAdded {
    /// Its id.
    pub id: i64,
}

/// Lists a witness (another bureau, the province) by its cosignature/v1 public key (the bureau).
#[utoipa::path(post, path = "/api/v1/log/witnesses", tag = "evidence", request_body = WitnessInput,
    responses((status = 201, body = WitnessAdded), (status = 403, body = crate::error::ErrorEnvelope), (status = 409, body = crate::error::ErrorEnvelope), (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_add_witness(State(state): State<AppState>, me: CurrentUser, crate::extract::ApiJson(input): crate::extract::ApiJson<WitnessInput>) -> AppResult<Response> {
    let id = workflow::add_witness(state.context(), &me.caller(), &input).await?;
    Ok((StatusCode::CREATED, Json(WitnessAdded { id })).into_response())
}

/// Recomputes the whole log from the records and reports every leaf whose record was changed
/// or deleted, every tile, head or checkpoint that disagrees (the bureau; `pocnet log verify`
/// does the same from the command line).
#[utoipa::path(post, path = "/api/v1/log/verification", operation_id = "verify_log", tag = "evidence",
    responses((status = 200, body = Verification), (status = 403, body = crate::error::ErrorEnvelope)), security(("bearer" = []), ("cookie" = [])))]
pub async fn api_verify(State(state): State<AppState>, me: CurrentUser) -> AppResult<Json<Verification>> {
    static ONE_AT_A_TIME: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(1);
    let _permit = ONE_AT_A_TIME.acquire().await.map_err(|e| crate::error::AppError::Internal(e.into()))?;
    Ok(Json(workflow::verify_for(state.context(), &me.caller()).await?))
}

/// The bureau's button: sign a checkpoint now, then back to the log.
async fn sign_form(State(state): State<AppState>, me: CurrentUser) -> AppResult<Response> {
    workflow::sign_now(state.context(), &me.caller()).await?;
    Ok(axum::response::Redirect::to("/log").into_response())
}

/// The installations whose signed documents this one accepts (互认信任列表; public).
#[utoipa::path(get, path = "/api/v1/trusted-logs", tag = "evidence", responses((status = 200, body = Vec<TrustedKey>)))]
pub async fn api_trusted(State(state): State<AppState>) -> AppResult<Json<Vec<TrustedKey>>> {
    Ok(Json(pocnet_app::evidence::trust::list(state.context()).await?))
}

/// Adds an installation to the trust list by its origin and published keys (the bureau).
#[utoipa::path(post, path = "/api/v1/trusted-logs", tag = "evidence", request_body = pocnet_app::evidence::trust::TrustedInput,
    responses((status = 201, body = WitnessAdded), (status = 403, body = crate::error::ErrorEnvelope), (status = 409, body = crate::error::ErrorEnvelope), (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_add_trusted(State(state): State<AppState>, me: CurrentUser, crate::extract::ApiJson(input): crate::extract::ApiJson<pocnet_app::evidence::trust::TrustedInput>) -> AppResult<Response> {
    let id = pocnet_app::evidence::trust::add(state.context(), &me.caller(), &input).await?;
    Ok((StatusCode::CREATED, Json(WitnessAdded { id })).into_response())
}

/// Why an installation leaves the trust list.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct RemoveInput {
    /// The reason (kept in the audit trail).
    pub reason: String,
}

/// Takes an installation off the trust list (the bureau).
#[utoipa::path(post, path = "/api/v1/trusted-logs/{id}/remove", tag = "evidence", params(("id" = i64, Path, description = "Entry id")), request_body = RemoveInput,
    responses((status = 204), (status = 403, body = crate::error::ErrorEnvelope), (status = 404, body = crate::error::ErrorEnvelope), (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_remove_trusted(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>, crate::extract::ApiJson(input): crate::extract::ApiJson<RemoveInput>) -> AppResult<StatusCode> {
    pocnet_app::evidence::trust::remove(state.context(), &me.caller(), id, &input.reason).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Every public key this installation has signed with, one C2SP vkey a line (current first).
async fn well_known_keys(State(state): State<AppState>) -> AppResult<Response> {
    let keys = pocnet_store::evidence::keys::published(state.store().pool()).await?;
    let body: String = keys.iter().map(|k| format!("{}\n", k.vkey)).collect();
    Ok(([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], body).into_response())
}

#[derive(Template)]
#[template(path = "evidence/log.html")]
struct Page {
    chrome: Chrome,
    log: LogState,
    checkpoints: Vec<CheckpointView>,
    bureau: bool,
    trusted: Vec<TrustedKey>,
    witnesses: Vec<TrustedKey>,
    error: Option<String>,
}

async fn page_with(state: &AppState, auth: &Auth, error: Option<String>) -> AppResult<Response> {
    let ctx = state.context();
    let log = workflow::state(ctx).await?;
    let checkpoints = workflow::checkpoints_page(ctx, None, 20).await?;
    let bureau = auth.current.as_ref().is_some_and(|u| u.user.role == pocnet_domain::role::Role::Bureau);
    let witnesses = match auth.current.as_ref() {
        Some(u) if bureau => workflow::witnesses(ctx, &u.caller()).await?,
        _ => Vec::new(),
    };
    let trusted = pocnet_app::evidence::trust::list(ctx).await?;
    Ok(render(&Page { chrome: Chrome::public(Some(auth), "存证日志", "log"), log, checkpoints, bureau, trusted, witnesses, error }))
}

async fn page(State(state): State<AppState>, auth: Auth) -> AppResult<Response> {
    page_with(&state, &auth, None).await
}

/// The bureau's form: trust another installation.
async fn trusted_form(State(state): State<AppState>, auth: Auth, me: CurrentUser, axum::Form(input): axum::Form<pocnet_app::evidence::trust::TrustedInput>) -> AppResult<Response> {
    match pocnet_app::evidence::trust::add(state.context(), &me.caller(), &input).await {
        Ok(_) => Ok(axum::response::Redirect::to("/log#trusted").into_response()),
        Err(pocnet_app::Error::Validation(e)) => page_with(&state, &auth, Some(e.message)).await,
        Err(e) => Err(e.into()),
    }
}

/// The bureau's form: list a witness.
async fn witness_form(State(state): State<AppState>, auth: Auth, me: CurrentUser, axum::Form(input): axum::Form<WitnessInput>) -> AppResult<Response> {
    match workflow::add_witness(state.context(), &me.caller(), &input).await {
        Ok(_) => Ok(axum::response::Redirect::to("/log#witnesses").into_response()),
        Err(pocnet_app::Error::Validation(e)) => page_with(&state, &auth, Some(e.message)).await,
        Err(e) => Err(e.into()),
    }
}
