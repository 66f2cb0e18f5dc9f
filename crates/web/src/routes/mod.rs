//! Features, one module each, each with its pages and its API endpoints.

pub mod account;
pub mod activation;
pub mod assignment;
pub mod audit;
pub mod auth;
pub mod calendar;
pub mod centers;
pub mod dashboard;
pub mod evaluation;
pub mod experts;
pub mod figures;
pub mod health;
pub mod orgs;
pub mod competitions;
pub mod key_projects;
pub mod managers;
pub mod pilot;
pub mod seeds;
pub mod recognition;
pub mod registry;
pub mod library;
pub mod login_blocks;
pub mod matching;
pub mod results;
pub mod data_sets;
pub mod documents;
pub mod evidence;
pub mod search;
pub mod service_map;
pub mod finance;
pub mod sharing;
pub mod supervision;
pub mod todo;
pub mod white_paper;
pub mod users;

use crate::error::AppError;
use crate::AppState;
use axum::Router;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

/// The id of the record a request created.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Created {
    /// Id.
    pub id: i64,
}

/// Every route of the application with the OpenAPI operations of its JSON
/// API ([`crate::openapi`] adds the security schemes and the errors).
pub(crate) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(crate::openapi::ApiDoc::openapi())
        .merge(health::router())
        .merge(auth::router())
        .merge(activation::router())
        .merge(centers::router())
        .merge(calendar::router())
        .merge(dashboard::router())
        .merge(account::router())
        .merge(orgs::router())
        .merge(users::router())
        .merge(login_blocks::router())
        .merge(audit::router())
        .merge(experts::router())
        .merge(results::router())
        .merge(search::router())
        .merge(matching::router())
        .merge(service_map::router())
        .merge(sharing::router())
        .merge(pilot::router())
        .merge(seeds::router())
        .merge(key_projects::router())
        .merge(managers::router())
        .merge(competitions::router())
        .merge(finance::vouchers_api::router())
        .merge(finance::returns::router())
        .merge(finance::investment_api::router())
        .merge(finance::grants::router())
        .merge(finance::products::router())
        .merge(finance::investment_html::router().into())
        .merge(finance::vouchers_html::router().into())
        .merge(evidence::router())
        .merge(documents::router())
        .merge(data_sets::router())
        .merge(library::router())
        .merge(registry::router())
        .merge(recognition::router())
        .merge(supervision::router())
        .merge(evaluation::router())
        .merge(white_paper::router())
        .merge(assignment::router())
        .merge(todo::router())
        .merge(crate::openapi::router())
        .merge(crate::metrics::router())
}

/// Every route of the application.
pub fn router() -> Router<AppState> {
    let (router, _) = routes().split_for_parts();
    router
        .fallback(|| async { AppError::NotFound })
        .method_not_allowed_fallback(|| async { AppError::MethodNotAllowed })
}
