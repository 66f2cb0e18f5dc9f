//! The list of key PoC platform projects on the web (重点推进项目清单, 004 二(二)): `/key-projects`
//! and a project's page, with the JSON API beside them.

pub mod api;
pub mod html;

use crate::AppState;
use utoipa_axum::router::OpenApiRouter;

pub(crate) fn router() -> OpenApiRouter<AppState> {
    api::router().merge(html::router().into())
}
