//! Liveness and the stylesheet.

use crate::error::AppError;
use crate::AppState;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

const STYLESHEET: &str = include_str!("../../static/pocnet.css");

pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(healthz)).route("/static/pocnet.css", get(stylesheet))
}

/// 200 when the database answers, 503 when it does not.
#[utoipa::path(get, path = "/healthz", tag = "system",
    responses((status = 200, description = "数据库可用"), (status = 503, description = "数据库不可用", body = crate::error::ErrorEnvelope)))]
pub async fn healthz(State(state): State<AppState>) -> Result<impl IntoResponse, AppError> {
    state.store().ping().await.map_err(|e| {
        tracing::error!(error = %e, "health check: database does not answer");
        AppError::Unavailable
    })?;
    Ok(axum::Json(serde_json::json!({"status": "ok"})))
}

async fn stylesheet() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=3600")],
        STYLESHEET,
    )
}
