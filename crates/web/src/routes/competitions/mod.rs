//! Concept-verification competitions on the web (概念验证竞赛, 004 四(四)): `/competitions` and a
//! competition's page, with the JSON API beside them.

pub mod api;
pub mod html;

use crate::AppState;
use utoipa_axum::router::OpenApiRouter;

pub(crate) fn router() -> OpenApiRouter<AppState> {
    api::router().merge(html::router().into())
}
