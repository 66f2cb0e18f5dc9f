//! The recognition workflow (创建/认定) on the web: pages in [`html`], JSON in
//! [`api`]. The workflow — calls, applications and their review chain, site
//! visits, the notice with objections, recognition — is
//! `pocnet_app::recognition`, the application's panel `pocnet_app::panels`;
//! these wrappers hand them the caller and the context.

pub mod api;
pub mod html;

use crate::auth::CurrentUser;
use crate::error::AppResult;
use crate::AppState;
use axum::Router;
use pocnet_app::recognition as workflow;
use pocnet_domain::id::{ApplicationId, CallId, ExpertId, ObjectionId};
use pocnet_domain::center::CenterKind;
use pocnet_domain::policy::Profile;
use pocnet_domain::recognition::ActorKind;
use pocnet_store::applications::{Application, ApplicationScope, Objection};
use pocnet_store::calls::Call;
use pocnet_store::panels::Subject;

pub use pocnet_app::panels::{DeclarationInput, ScoreInput};
pub use pocnet_app::recognition::{
    parse_day, ApplicationDetail, ApplyInput, BatchResolutionInput, BatchResolved, CallInput, ObjectionInput, ResolutionInput, SiteVisitInput,
    Standing, StepInput,
};

pub(crate) fn router() -> utoipa_axum::router::OpenApiRouter<AppState> {
    api::router().merge(html::router().into())
}

/// Publishes a call (bureau).
pub async fn publish_call(state: &AppState, me: &CurrentUser, input: &CallInput) -> AppResult<Call> {
    Ok(workflow::publish_call(state.context(), &me.caller(), input).await?)
}

/// The profile of a call (an error if a bureau removed the file since).
pub fn profile_of<'a>(state: &'a AppState, profile_id: &str) -> AppResult<&'a Profile> {
    Ok(workflow::profile_of(state.context(), profile_id)?)
}

/// The expert-library id of an expert account, if linked.
pub async fn expert_id(state: &AppState, me: &CurrentUser) -> AppResult<Option<ExpertId>> {
    Ok(pocnet_app::panels::expert_of(state.context(), &me.caller()).await?)
}

/// Which applications a caller sees.
pub async fn scope_for(state: &AppState, me: &CurrentUser) -> AppResult<ApplicationScope> {
    Ok(workflow::scope_for(state.context(), &me.caller()).await?)
}

/// Reads an application the caller may see, with its standing (404 otherwise).
pub async fn load(state: &AppState, me: &CurrentUser, id: ApplicationId) -> AppResult<(Application, Standing)> {
    Ok(workflow::load(state.context(), &me.caller(), id).await?)
}

/// What the caller acts as in the review chain of `a`, if anything.
pub async fn actor_kind(state: &AppState, me: &CurrentUser, a: &Application) -> AppResult<Option<ActorKind>> {
    Ok(workflow::standing(state.context(), &me.caller(), a).await?.and_then(Standing::actor_kind))
}

/// Opens a draft application (the host unit's operator).
pub async fn apply(state: &AppState, me: &CurrentUser, input: &ApplyInput) -> AppResult<Application> {
    Ok(workflow::apply(state.context(), &me.caller(), input).await?)
}

/// Renames a draft or returned application.
pub async fn rename(state: &AppState, me: &CurrentUser, id: ApplicationId, name: &str, version: i64) -> AppResult<Application> {
    Ok(workflow::rename(state.context(), &me.caller(), id, name, version).await?)
}

/// Reads an application with all a caller may see.
pub async fn detail(state: &AppState, me: &CurrentUser, id: ApplicationId) -> AppResult<ApplicationDetail> {
    Ok(workflow::detail(state.context(), &me.caller(), id).await?)
}

/// Takes a step of the review chain.
pub async fn take_step(state: &AppState, me: &CurrentUser, id: ApplicationId, input: &StepInput) -> AppResult<Application> {
    Ok(workflow::take_step(state.context(), &me.caller(), id, input).await?)
}

/// Puts a library expert on an application's panel (bureau, during bureau review).
pub async fn assign_expert(state: &AppState, me: &CurrentUser, id: ApplicationId, expert_id: ExpertId, replaces: Option<ExpertId>) -> AppResult<()> {
    Ok(pocnet_app::panels::invite(state.context(), &me.caller(), Subject::application(id), expert_id, replaces).await?)
}

/// The calling expert declares no conflict (with the pledge), recuses or declines.
pub async fn declare(state: &AppState, me: &CurrentUser, id: ApplicationId, input: &DeclarationInput) -> AppResult<()> {
    Ok(pocnet_app::panels::declare(state.context(), &me.caller(), Subject::application(id), input).await?)
}

/// Records the calling expert's score.
pub async fn score(state: &AppState, me: &CurrentUser, id: ApplicationId, input: &ScoreInput) -> AppResult<()> {
    pocnet_app::panels::score(state.context(), &me.caller(), Subject::application(id), input).await?;
    Ok(())
}

/// Records a site visit (bureau, or the county during its review).
pub async fn add_site_visit(state: &AppState, me: &CurrentUser, id: ApplicationId, input: &SiteVisitInput) -> AppResult<()> {
    Ok(workflow::add_site_visit(state.context(), &me.caller(), id, input).await?)
}

/// Files an objection while the notice runs (anyone).
pub async fn file_objection(state: &AppState, ip: Option<String>, id: ApplicationId, input: &ObjectionInput) -> AppResult<Objection> {
    Ok(workflow::file_objection(state.context(), ip, id, input).await?)
}

/// Resolves an objection (bureau).
pub async fn resolve_objection(state: &AppState, me: &CurrentUser, oid: ObjectionId, input: &ResolutionInput) -> AppResult<Objection> {
    Ok(workflow::resolve_objection(state.context(), &me.caller(), oid, input).await?)
}

/// Resolves several open objections of an application with one reason (bureau), all or none.
pub async fn resolve_objections(state: &AppState, me: &CurrentUser, id: ApplicationId, input: &BatchResolutionInput) -> AppResult<BatchResolved> {
    Ok(workflow::resolve_objections(state.context(), &me.caller(), id, input).await?)
}

/// The experts the bureau may put on a panel.
pub async fn expert_choices(state: &AppState) -> AppResult<Vec<pocnet_store::experts::Expert>> {
    Ok(workflow::expert_choices(state.context()).await?)
}

/// The centers of the caller's unit that may apply to a call.
pub async fn own_centers(state: &AppState, me: &CurrentUser, kind: CenterKind) -> AppResult<Vec<pocnet_store::centers::Center>> {
    Ok(workflow::own_centers(state.context(), &me.caller(), kind).await?)
}
