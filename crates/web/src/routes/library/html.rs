//! Pages of the project library: a project's page per role with the forms of
//! its pipeline, the hand-offs a platform answers, and the report lookup.

use super::*;

pub(crate) fn router() -> Router<AppState> {
    Router::new()
}
