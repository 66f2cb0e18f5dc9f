//! Early-result pools and seed lists on the web (早期成果池、种子清单, 004 三(二)): a researcher's
//! concepts and a platform's pool (`/concepts`), the batch reviews (`/seed-batches`) and the public
//! seed list (`/seeds`), with the JSON API beside them.

pub mod api;
pub mod html;

use crate::AppState;
use utoipa_axum::router::OpenApiRouter;

pub(crate) fn router() -> OpenApiRouter<AppState> {
    api::router().merge(html::router().into())
}
