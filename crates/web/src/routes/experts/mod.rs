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
use pocnet_domain::expert::{ExpertInput, ExpertKind};
use pocnet_domain::region::Region;
use pocnet_domain::role::Role;
use pocnet_domain::validation::text;
use pocnet_domain::FieldError;
use pocnet_store::experts::{self, Expert, ExpertFilter};
use serde::Deserialize;

pub(crate) fn router() -> Router<AppState> {
    Router::new().merge(api::router()).merge(html::router()).merge(accounts::router()).merge(registrations::router())
}

/// Those who browse and curate the library.
pub const CURATORS: &[Role] = &[Role::Bureau, Role::Center];
/// Those who may browse it (county departments look, do not edit).
pub const BROWSERS: &[Role] = &[Role::Bureau, Role::County, Role::Center];

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
    state.config().policies.iter().any(|p| p.catalogue.iter().any(|f| f.code == code))
}

/// Whether a code is a sub-field of any loaded profile's catalogue.
pub fn is_sub_field(state: &AppState, code: &str) -> bool {
    state.config().policies.iter().any(|p| p.catalogue.iter().any(|f| f.sub_fields.iter().any(|(c, _)| c == code)))
}

/// The field code for a code or a Chinese label, if any catalogue knows it.
pub fn field_code(state: &AppState, raw: &str) -> Option<String> {
    let t = raw.trim();
    for p in state.config().policies.iter() {
        for f in &p.catalogue {
            if f.code == t || f.label == t {
                return Some(f.code.clone());
            }
        }
    }
    None
}

/// The sub-field code for a code or a Chinese label.
pub fn sub_field_code(state: &AppState, raw: &str) -> Option<String> {
    let t = raw.trim();
    for p in state.config().policies.iter() {
        for f in &p.catalogue {
            if let Some((c, _)) = f.sub_fields.iter().find(|(c, l)| c == t || l == t) {
                return Some(c.clone());
            }
        }
    }
    None
}

/// The caller's own expert profile, if it is an expert account.
pub async fn own(state: &AppState, me: &CurrentUser) -> AppResult<Option<Expert>> {
    if me.role() != Role::Expert {
        return Ok(None);
    }
    Ok(experts::of_user(state.store().pool(), me.user.id).await?)
}

/// Reads an expert: curators and county departments see any; an expert itself.
pub async fn read(state: &AppState, me: &CurrentUser, id: i64) -> AppResult<Expert> {
    let e = experts::get(state.store().pool(), id).await?;
    if BROWSERS.contains(&me.role()) || e.user_id == Some(me.user.id) {
        Ok(e)
    } else {
        Err(AppError::NotFound)
    }
}

/// Adds an expert (bureau, centers).
pub async fn create(state: &AppState, me: &CurrentUser, input: &ExpertInput) -> AppResult<Expert> {
    me.require(CURATORS)?;
    let draft = input.parse(&|c| is_field(state, c), &|c| is_sub_field(state, c))?;
    let mut tx = state.store().write().await?;
    let e = experts::create(&mut tx, &me.actor(), state.now(), &draft).await.map_err(|e| match e {
        pocnet_store::StoreError::NotFound => AppError::from(FieldError::unknown_value("org_id", "所在单位")),
        other => other.into(),
    })?;
    tx.commit().await?;
    Ok(e)
}

/// Edits an expert: curators any, an expert its own profile (not its kind).
pub async fn update(state: &AppState, me: &CurrentUser, id: i64, input: &ExpertInput) -> AppResult<Expert> {
    let current = read(state, me, id).await?;
    let is_self = current.user_id == Some(me.user.id);
    if !(CURATORS.contains(&me.role()) || is_self) {
        return Err(AppError::Forbidden);
    }
    let mut draft = input.parse(&|c| is_field(state, c), &|c| is_sub_field(state, c))?;
    if is_self && !CURATORS.contains(&me.role()) {
        // The library's curators decide an expert's kind and unit.
        draft.kind = current.kind;
        draft.org_id = current.org_id;
    }
    let version = input.version.ok_or_else(|| FieldError::required("version", "版本号"))?;
    let mut tx = state.store().write().await?;
    let e = experts::update(&mut tx, &me.actor(), state.now(), id, version, &draft).await.map_err(|e| match e {
        pocnet_store::StoreError::NotFound => AppError::from(FieldError::unknown_value("org_id", "所在单位")),
        other => other.into(),
    })?;
    tx.commit().await?;
    Ok(e)
}

/// A curation step, as sent.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct StatusInput {
    /// `deactivate`, `activate`, `blacklist` or `unblacklist`.
    pub action: String,
    /// Why (required for deactivate and blacklist).
    #[serde(default)]
    pub reason: String,
}

/// Takes an expert out of reviews or back (curators), or blacklists it (bureau).
pub async fn set_status(state: &AppState, me: &CurrentUser, id: i64, input: &StatusInput) -> AppResult<Expert> {
    me.require(CURATORS)?;
    experts::get(state.store().pool(), id).await?;
    let needs_reason = matches!(input.action.as_str(), "deactivate" | "blacklist");
    let reason = text("reason", "理由", &input.reason, usize::from(needs_reason) * 2, 500)?;
    let mut tx = state.store().write().await?;
    let (now, actor) = (state.now(), me.actor());
    let e = match input.action.as_str() {
        "deactivate" => experts::set_active(&mut tx, &actor, now, id, false, &reason).await?,
        "activate" => experts::set_active(&mut tx, &actor, now, id, true, &reason).await?,
        "blacklist" | "unblacklist" => {
            me.require(&[Role::Bureau])?;
            let r = (input.action == "blacklist").then_some(reason.as_str());
            experts::set_blacklist(&mut tx, &actor, now, id, r).await?
        }
        _ => return Err(FieldError::unknown_value("action", "操作").into()),
    };
    tx.commit().await?;
    Ok(e)
}

/// Whether the caller sees contact details of `e`.
pub fn sees_contact(me: &CurrentUser, e: &Expert) -> bool {
    CURATORS.contains(&me.role()) || e.user_id == Some(me.user.id)
}
