//! Project managers on the web (项目经理人, 004 三(三)(五)): `/managers` (assignments: a platform's,
//! a manager's portfolio, the bureau's overview), an assignment's page with its log and exit, and
//! `/manager-assessments` (the yearly double assessment and each manager's record), with the JSON
//! API beside them.

pub mod api;
pub mod html;

use crate::AppState;
use utoipa_axum::router::OpenApiRouter;

pub(crate) fn router() -> OpenApiRouter<AppState> {
    api::router().merge(html::router().into())
}
