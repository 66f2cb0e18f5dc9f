//! The expert library (专家库): experts of the three kinds with their fields,
//! keywords, profile, availability and declared conflicts. The bureau and the
//! centers curate it (one by one or by Excel import); an expert keeps its own
//! profile; the bureau keeps the blacklist. [`api`] and [`html`] call the
//! functions here; [`excel`] reads and writes the spreadsheets clerks use.

pub mod accounts;
pub mod api;
pub mod excel;
pub mod html;
pub mod registrations;

use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::extract::non_empty;
use crate::AppState;
use axum::Router;
use pocnet_domain::id::{ExpertId, RegistrationId};
use pocnet_domain::expert::{ExpertInput, ExpertKind};
use pocnet_domain::region::Region;
use pocnet_domain::role::Role;
use pocnet_domain::FieldError;
use pocnet_app::experts as workflow;
use pocnet_store::experts::{self, Expert, ExpertFilter};
use serde::Deserialize;

pub(crate) fn router() -> utoipa_axum::router::OpenApiRouter<AppState> {
    api::router().merge(html::router().into()).merge(accounts::router()).merge(registrations::router())
}

pub use pocnet_app::experts::{field_code, StatusInput, BROWSERS, CURATORS};

/// Filters of the expert list, from the query string.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExpertQuery {
    /// `academic`, `industry` or `investment`.
    pub kind: Option<String>,
    /// Field code, e.g. `new_energy`.
    pub field: Option<String>,
    /// Region, e.g. `瑞安市`.
    pub region: Option<String>,
    /// Search: name, organisation, title, keywords or profile contains.
    pub q: Option<String>,
}

impl ExpertQuery {
    /// The store filter; bad values name their parameter.
    pub fn filter(&self, state: &AppState) -> AppResult<ExpertFilter> {
        let kind = non_empty(&self.kind)
            .map(|k| ExpertKind::parse(k).map_err(|_| FieldError::unknown_value("kind", "专家类型")))
            .transpose()?;
        let field = non_empty(&self.field).map(str::to_owned);
        if let Some(f) = &field {
            if !is_field(state, f) {
                return Err(FieldError::unknown_value("field", "产业领域").into());
            }
        }
        let region = non_empty(&self.region)
            .map(|r| Region::parse(r).map_err(|_| FieldError::unknown_value("region", "所在地区")))
            .transpose()?;
        Ok(ExpertFilter { kind, field, region, q: non_empty(&self.q).map(str::to_owned), available_only: false })
    }
}

/// Whether a code is a field of any loaded profile's catalogue.
pub fn is_field(state: &AppState, code: &str) -> bool {
    workflow::is_field(state.context(), code)
}

/// Whether a code is a sub-field of any loaded profile's catalogue.
pub fn is_sub_field(state: &AppState, code: &str) -> bool {
    workflow::is_sub_field(state.context(), code)
}

/// The sub-field code for a code or a Chinese label.
pub fn sub_field_code(state: &AppState, raw: &str) -> Option<String> {
    workflow::sub_field_code(state.context(), raw)
}

/// The caller's own expert profile, if it is an expert account.
pub async fn own(state: &AppState, me: &CurrentUser) -> AppResult<Option<Expert>> {
    Ok(workflow::own(state.context(), &me.caller()).await?)
}

/// Reads an expert: curators and county departments see any; an expert itself.
pub async fn read(state: &AppState, me: &CurrentUser, id: ExpertId) -> AppResult<Expert> {
    Ok(workflow::read(state.context(), &me.caller(), id).await?)
}

/// Adds an expert (bureau, centers).
pub async fn create(state: &AppState, me: &CurrentUser, input: &ExpertInput) -> AppResult<Expert> {
    Ok(workflow::create(state.context(), &me.caller(), input).await?)
}

/// Edits an expert: curators any, an expert its own profile (not its kind).
pub async fn update(state: &AppState, me: &CurrentUser, id: ExpertId, input: &ExpertInput) -> AppResult<Expert> {
    Ok(workflow::update(state.context(), &me.caller(), id, input).await?)
}

/// Takes an expert out of reviews or back (curators), or blacklists it (bureau).
pub async fn set_status(state: &AppState, me: &CurrentUser, id: ExpertId, input: &StatusInput) -> AppResult<Expert> {
    Ok(workflow::set_status(state.context(), &me.caller(), id, input).await?)
}

/// Whether the caller sees contact details of `e`.
pub fn sees_contact(me: &CurrentUser, e: &Expert) -> bool {
    workflow::sees_contact(&me.caller(), e)
}
