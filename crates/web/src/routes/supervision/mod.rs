//! Lifecycle and supervision (动态管理) on the web: pages in [`html`], JSON in
//! [`api`]; the workflows are `pocnet_app::supervision`.

pub mod api;
pub mod html;

use crate::auth::CurrentUser;
use crate::error::AppResult;
use crate::AppState;
use axum::Router;
use pocnet_domain::id::{CenterId, ChangeReportId};
use pocnet_app::supervision as workflow;
use pocnet_store::centers::Center;
use pocnet_store::supervision::ChangeReport;

pub use pocnet_app::supervision::{ChangeInput, DecisionInput, ReevaluationInput, RegradeInput, RevokeInput};

pub(crate) fn router() -> utoipa_axum::router::OpenApiRouter<AppState> {
    api::router().merge(html::router().into())
}

/// See `pocnet_app::supervision::file_change`.
pub async fn file_change(state: &AppState, me: &CurrentUser, center_id: CenterId, input: &ChangeInput) -> AppResult<ChangeReport> {
    Ok(workflow::file_change(state.context(), &me.caller(), center_id, input).await?)
}

/// See `pocnet_app::supervision::decide_change`.
pub async fn decide_change(state: &AppState, me: &CurrentUser, report_id: ChangeReportId, input: &DecisionInput) -> AppResult<ChangeReport> {
    Ok(workflow::decide_change(state.context(), &me.caller(), report_id, input).await?)
}

/// See `pocnet_app::supervision::revoke`.
pub async fn revoke(state: &AppState, me: &CurrentUser, center_id: CenterId, input: &RevokeInput) -> AppResult<Center> {
    Ok(workflow::revoke(state.context(), &me.caller(), center_id, input).await?)
}

/// See `pocnet_app::supervision::reevaluate`.
pub async fn reevaluate(state: &AppState, me: &CurrentUser, center_id: CenterId, input: &ReevaluationInput) -> AppResult<Center> {
    Ok(workflow::reevaluate(state.context(), &me.caller(), center_id, input).await?)
}

/// See `pocnet_app::supervision::regrade`.
pub async fn regrade(state: &AppState, me: &CurrentUser, center_id: CenterId, input: &RegradeInput) -> AppResult<Center> {
    Ok(workflow::regrade(state.context(), &me.caller(), center_id, input).await?)
}
