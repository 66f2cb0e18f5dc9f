//! Pilot platforms at work on the web (中试平台): pilot projects from application or hand-off to
//! report (`/pilot-projects`), and the booking calendars of a resource (`/resources/{id}/calendar`)
//! and of a platform (`/centers/{id}/pilot-calendar`), with the JSON API beside them.

pub mod api;
pub mod html;

use crate::AppState;
use utoipa_axum::router::OpenApiRouter;

pub(crate) fn router() -> OpenApiRouter<AppState> {
    api::router().merge(html::router().into())
}
