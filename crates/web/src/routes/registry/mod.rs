//! A center's own record (中心档案) on the web: pages in [`html`], JSON in
//! [`api`]. The workflows — registering, editing, the file, evidence, the
//! eligibility check, and who may see what — are `pocnet_app::registry`;
//! these wrappers hand them the caller and the context.

pub mod api;
pub mod html;

use crate::auth::CurrentUser;
use crate::error::AppResult;
use crate::views::Choice;
use crate::AppState;
use pocnet_app::registry as workflow;
use pocnet_domain::eligibility::Eligibility;
use pocnet_domain::id::CenterId;
use pocnet_domain::policy::StageKind;
use pocnet_store::centers::Center;
use pocnet_store::registry;

pub use pocnet_app::registry::{sniff_mime, Access, CenterInput, FileInput};

pub(crate) fn router() -> utoipa_axum::router::OpenApiRouter<AppState> {
    api::router().merge(html::router().into())
}

/// Reads a center and requires `need` of the caller (app::registry::load).
pub async fn load(state: &AppState, me: Option<&CurrentUser>, id: CenterId, need: Access) -> AppResult<(Center, Access)> {
    Ok(workflow::load(state.context(), me.map(CurrentUser::caller).as_ref(), id, need).await?)
}

/// The catalogue a center's fields and results are checked against.
pub fn catalogue_of(state: &AppState, c: &Center) -> pocnet_domain::catalogue::Catalogue {
    workflow::catalogue_of(state.context(), c)
}

/// Every catalogue code of the loaded profiles, with its label.
/// Sub-fields follow their field (`领域 · 细分领域`): a center may serve a
/// sub-field (000 二(一) 眼脑健康、人形机器人 …), which coverage counts.
pub fn catalogue_labels(state: &AppState) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for p in state.config().policies.iter() {
        for f in &p.catalogue {
            if !out.iter().any(|(c, _)| *c == f.code) {
                out.push((f.code.clone(), f.label.clone()));
            }
            for (code, label) in &f.sub_fields {
                if !out.iter().any(|(c, _)| c == code) {
                    out.push((code.clone(), format!("{} · {label}", f.label)));
                }
            }
        }
    }
    out
}

/// The label of a field code in any loaded catalogue.
pub fn field_label(state: &AppState, code: &str) -> String {
    pocnet_app::experts::field_label(state.context(), code)
}

/// The fields of every loaded catalogue, once each (a form's or a filter's choices).
pub fn field_choices(state: &AppState) -> Vec<Choice> {
    let mut seen = std::collections::BTreeSet::new();
    state.context().policies().iter().flat_map(|p| p.catalogue.iter()).filter(|f| seen.insert(f.code.clone())).map(|f| Choice::new(f.code.clone(), f.label.clone())).collect()
}

/// The sub-fields of every loaded catalogue, once each, labelled with their field.
pub fn sub_field_choices(state: &AppState) -> Vec<Choice> {
    catalogue_labels(state)
        .into_iter()
        .filter(|(code, _)| pocnet_app::experts::is_sub_field(state.context(), code))
        .map(|(c, l)| Choice::new(c, l))
        .collect()
}

/// Labels of several field codes.
pub fn field_labels(state: &AppState, codes: &[String]) -> String {
    codes.iter().map(|c| field_label(state, c)).collect::<Vec<_>>().join("、")
}

/// Registers a center: an operator for its own unit, the bureau for any.
pub async fn create(state: &AppState, me: &CurrentUser, input: &CenterInput) -> AppResult<Center> {
    Ok(workflow::create(state.context(), &me.caller(), input).await?)
}

/// Edits a center's details (its operators, the bureau).
pub async fn update(state: &AppState, me: &CurrentUser, id: CenterId, input: &CenterInput) -> AppResult<Center> {
    Ok(workflow::update(state.context(), &me.caller(), id, input).await?)
}

/// Applies one edit of a center's file.
pub async fn edit_file(state: &AppState, me: &CurrentUser, id: CenterId, input: &FileInput) -> AppResult<()> {
    Ok(workflow::edit_file(state.context(), &me.caller(), id, input).await?)
}

/// Checks and stores an uploaded evidence document (up to the configured size).
pub async fn upload(state: &AppState, me: &CurrentUser, id: CenterId, topic: &str, filename: &str, content: &[u8]) -> AppResult<registry::Document> {
    let evidence = workflow::Evidence { topic, filename, content, max_bytes: state.config().max_upload_bytes };
    Ok(workflow::upload(state.context(), &me.caller(), id, evidence).await?)
}

/// What evidence can be about: declared facts and declaration criteria of the loaded profiles.
pub fn evidence_topics(state: &AppState) -> Vec<(String, String)> {
    workflow::evidence_topics(state.context())
}

/// Checks a center against a profile's stage.
pub async fn check(state: &AppState, center_id: CenterId, profile_id: &str, kind: StageKind) -> AppResult<Eligibility> {
    Ok(workflow::check(state.context(), center_id, profile_id, kind).await?)
}

/// The profile a center is checked against by default: the one it was
/// recognized under, else the first of its kind.
pub fn default_profile<'a>(state: &'a AppState, c: &Center) -> Option<&'a pocnet_domain::policy::Profile> {
    workflow::default_profile(state.context(), c)
}
