//! The JSON API of early concepts, batch reviews and the seed list.

use crate::auth::CurrentUser;
use crate::error::AppResult;
use crate::extract::{ApiJson, ListParams, Path, QueryParams};
use crate::xlsx::{workbook, Sheet};
use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use pocnet_app::seeds::batches::{self as batch_flow, SeedAssessmentsInput, SeedBatchInput, SeedBatchQuery, SeedBatchView, SeedPublishInput};
use pocnet_app::seeds::concepts::{self as concept_flow, ConceptInput, ConceptQuery, ConceptView, ConceptWithdrawInput, SeedQuery};
use pocnet_store::seeds::batches::SeedBatch;
use pocnet_store::seeds::concepts::{Concept, Seed};
use pocnet_store::Paged;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(api_concepts, api_pool))
        .routes(routes!(api_concept))
        .routes(routes!(api_withdraw))
        .routes(routes!(api_batches, api_open))
        .routes(routes!(api_batch))
        .routes(routes!(api_assess))
        .routes(routes!(api_publish))
        .routes(routes!(api_seeds))
        .routes(routes!(api_seeds_export))
}

/// The caller's early concepts: a researcher those it proposed, a PoC platform's operators those
/// pooled with their platforms, the bureau all; newest first (no core idea, no team).
#[utoipa::path(get, path = "/api/v1/concepts", operation_id = "list_concepts", tag = "seeds", params(ListParams, ConceptQuery),
    responses((status = 200, body = Paged<Concept>), (status = 403, body = crate::error::ErrorEnvelope), (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_concepts(State(state): State<AppState>, me: CurrentUser, QueryParams(p): QueryParams<ListParams>, QueryParams(q): QueryParams<ConceptQuery>) -> AppResult<Json<Paged<Concept>>> {
    Ok(Json(concept_flow::list(state.context(), &me.caller(), &q, p.page()).await?))
}

/// Pools an early concept (TRL 1–3) with an active PoC platform (a researcher of a university,
/// research institute or hospital, 004 三(二)).
#[utoipa::path(post, path = "/api/v1/concepts", operation_id = "pool_concept", tag = "seeds", request_body = ConceptInput,
    responses((status = 201, body = ConceptView), (status = 403, body = crate::error::ErrorEnvelope), (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_pool(State(state): State<AppState>, me: CurrentUser, ApiJson(input): ApiJson<ConceptInput>) -> AppResult<Response> {
    let v = concept_flow::pool(state.context(), &me.caller(), &input).await?;
    Ok((StatusCode::CREATED, Json(v)).into_response())
}

/// One early concept with its core idea and team (its proposer, the platform's operators, the bureau).
#[utoipa::path(get, path = "/api/v1/concepts/{id}", operation_id = "get_concept", tag = "seeds", params(("id" = i64, Path, description = "概念编号")),
    responses((status = 200, body = ConceptView), (status = 404, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_concept(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>) -> AppResult<Json<ConceptView>> {
    Ok(Json(concept_flow::view(state.context(), &me.caller(), id).await?))
}

/// Takes a concept back (its proposer, while it waits in the pool).
#[utoipa::path(post, path = "/api/v1/concepts/{id}/withdraw", operation_id = "withdraw_concept", tag = "seeds", params(("id" = i64, Path, description = "概念编号")),
    request_body = ConceptWithdrawInput,
    responses((status = 200, body = ConceptView), (status = 403, body = crate::error::ErrorEnvelope), (status = 404, body = crate::error::ErrorEnvelope),
        (status = 409, body = crate::error::ErrorEnvelope), (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_withdraw(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>, ApiJson(input): ApiJson<ConceptWithdrawInput>) -> AppResult<Json<ConceptView>> {
    Ok(Json(concept_flow::withdraw(state.context(), &me.caller(), id, &input).await?))
}

/// The caller's batch reviews: a PoC platform's operators those of their platforms, the bureau all; newest first.
#[utoipa::path(get, path = "/api/v1/seed-batches", operation_id = "list_seed_batches", tag = "seeds", params(ListParams, SeedBatchQuery),
    responses((status = 200, body = Paged<SeedBatch>), (status = 403, body = crate::error::ErrorEnvelope), (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_batches(State(state): State<AppState>, me: CurrentUser, QueryParams(p): QueryParams<ListParams>, QueryParams(q): QueryParams<SeedBatchQuery>) -> AppResult<Json<Paged<SeedBatch>>> {
    Ok(Json(batch_flow::list(state.context(), &me.caller(), &q, p.page()).await?))
}

/// Opens a batch review over what waits in the platform's pool (its operators; 定期、批量组织论证):
/// the concepts pooled first, at most 200. 422 `pool_empty` when nothing waits.
#[utoipa::path(post, path = "/api/v1/seed-batches", operation_id = "open_seed_batch", tag = "seeds", request_body = SeedBatchInput,
    responses((status = 201, body = SeedBatchView), (status = 403, body = crate::error::ErrorEnvelope), (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_open(State(state): State<AppState>, me: CurrentUser, ApiJson(input): ApiJson<SeedBatchInput>) -> AppResult<Response> {
    let v = batch_flow::open(state.context(), &me.caller(), &input).await?;
    Ok((StatusCode::CREATED, Json(v)).into_response())
}

/// One batch with its concepts and their assessments (the platform's operators and the bureau).
#[utoipa::path(get, path = "/api/v1/seed-batches/{id}", operation_id = "get_seed_batch", tag = "seeds", params(("id" = i64, Path, description = "批次编号")),
    responses((status = 200, body = SeedBatchView), (status = 404, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_batch(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>) -> AppResult<Json<SeedBatchView>> {
    Ok(Json(batch_flow::view(state.context(), &me.caller(), id).await?))
}

/// Keeps the review group's scores (技术可行性, 市场前景), verdicts and opinions for any of the
/// batch's concepts (the platform's operators, before publishing); rows named `assessments[i].field` on error.
#[utoipa::path(put, path = "/api/v1/seed-batches/{id}/assessments", operation_id = "assess_seed_batch", tag = "seeds", params(("id" = i64, Path, description = "批次编号")),
    request_body = SeedAssessmentsInput,
    responses((status = 200, body = SeedBatchView), (status = 403, body = crate::error::ErrorEnvelope), (status = 404, body = crate::error::ErrorEnvelope),
        (status = 409, body = crate::error::ErrorEnvelope), (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_assess(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>, ApiJson(input): ApiJson<SeedAssessmentsInput>) -> AppResult<Json<SeedBatchView>> {
    Ok(Json(batch_flow::assess(state.context(), &me.caller(), id, &input).await?))
}

/// Publishes the seed list (the platform's operators, every concept assessed): the seeds enter the
/// platform's project library as results submitted for intake.
#[utoipa::path(post, path = "/api/v1/seed-batches/{id}/publish", operation_id = "publish_seed_batch", tag = "seeds", params(("id" = i64, Path, description = "批次编号")),
    request_body = SeedPublishInput,
    responses((status = 200, body = SeedBatchView), (status = 403, body = crate::error::ErrorEnvelope), (status = 404, body = crate::error::ErrorEnvelope),
        (status = 409, body = crate::error::ErrorEnvelope), (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_publish(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>, ApiJson(input): ApiJson<SeedPublishInput>) -> AppResult<Json<SeedBatchView>> {
    Ok(Json(batch_flow::publish(state.context(), &me.caller(), id, &input).await?))
}

/// The published seed list (种子清单, public): title, summary, field, level, demand, unit and
/// platform of each seed; newest first.
#[utoipa::path(get, path = "/api/v1/seeds", operation_id = "list_seeds", tag = "seeds", params(ListParams, SeedQuery),
    responses((status = 200, body = Paged<Seed>), (status = 422, body = crate::error::ErrorEnvelope)))]
pub async fn api_seeds(State(state): State<AppState>, QueryParams(p): QueryParams<ListParams>, QueryParams(q): QueryParams<SeedQuery>) -> AppResult<Json<Paged<Seed>>> {
    Ok(Json(concept_flow::seeds(state.context(), &q, p.page()).await?))
}

const HEADER: [(&str, f64); 8] = [
    ("概念名称", 30.0),
    ("提出单位", 24.0),
    ("概念验证平台", 24.0),
    ("产业领域", 14.0),
    ("技术就绪度", 10.0),
    ("概念简介", 50.0),
    ("潜在应用与产业需求", 40.0),
    ("发布日期", 12.0),
];

/// The seed list, filtered as the page (every page), as an Excel workbook (public).
#[utoipa::path(get, path = "/api/v1/seeds/export.xlsx", operation_id = "export_seeds", tag = "seeds", params(SeedQuery),
    responses((status = 200, description = "Excel 工作簿", content(("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 422, body = crate::error::ErrorEnvelope)))]
pub async fn api_seeds_export(State(state): State<AppState>, QueryParams(q): QueryParams<SeedQuery>) -> AppResult<Response> {
    let page = pocnet_store::Page::new(Some(1), Some(200)).all();
    let list = concept_flow::seeds(state.context(), &q, page).await?;
    let rows = list
        .items
        .iter()
        .map(|s| {
            vec![
                s.title.clone(),
                s.org_name.clone(),
                s.center_name.clone(),
                crate::routes::registry::field_label(&state, &s.field),
                format!("{}级", s.trl),
                s.summary.clone(),
                s.demand.clone(),
                s.published_on.map(|d| d.to_string()).unwrap_or_default(),
            ]
        })
        .collect();
    let bytes = workbook(&[Sheet { name: "种子清单", header: &HEADER, rows }])?;
    Ok(crate::routes::experts::api::xlsx(bytes, "种子清单.xlsx"))
}
