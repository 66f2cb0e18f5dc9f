//! The expert library (专家库): experts of the three kinds with their fields,
//! keywords, profile, availability and declared conflicts. The bureau and the
//! centers curate it (one by one or by Excel import); an expert keeps its own
//! profile; the bureau keeps the blacklist.

pub mod import;

use crate::{Caller, Context, Error, Result};
use pocnet_domain::expert::ExpertInput;
use pocnet_domain::id::ExpertId;
use pocnet_domain::role::Role;
use pocnet_domain::validation::text;
use pocnet_domain::FieldError;
use pocnet_store::experts::{self, Expert};
use serde::Deserialize;

/// Those who browse and curate the library.
pub const CURATORS: &[Role] = &[Role::Bureau, Role::Center];
/// Those who may browse it (county departments look, do not edit).
pub const BROWSERS: &[Role] = &[Role::Bureau, Role::County, Role::Center];

/// Whether a code is a field of any loaded profile's catalogue.
pub fn is_field(ctx: &Context, code: &str) -> bool {
    ctx.policies().iter().any(|p| p.catalogue.iter().any(|f| f.code == code))
}

/// Whether a code is a sub-field of any loaded profile's catalogue.
pub fn is_sub_field(ctx: &Context, code: &str) -> bool {
    ctx.policies().iter().any(|p| p.catalogue.iter().any(|f| f.sub_fields.iter().any(|(c, _)| c == code)))
}

/// The Chinese label of a field or sub-field code in any loaded catalogue (the code itself if none).
pub fn field_label(ctx: &Context, code: &str) -> String {
    ctx.policies()
        .iter()
        .find_map(|p| {
            p.catalogue.iter().find_map(|f| if f.code == code { Some(f.label.clone()) } else { f.sub_fields.iter().find(|(c, _)| c == code).map(|(_, l)| l.clone()) })
        })
        .unwrap_or_else(|| code.to_owned())
}

/// Whether `field` is a field of a loaded catalogue and `sub` is '' or one of that field's sub-fields.
pub fn is_field_pair(ctx: &Context, field: &str, sub: &str) -> bool {
    ctx.policies().iter().any(|p| p.catalogue.iter().any(|f| f.code == field && (sub.is_empty() || f.sub_fields.iter().any(|(c, _)| c == sub))))
}

/// The field code for a code or a Chinese label, if any catalogue knows it.
pub fn field_code(ctx: &Context, raw: &str) -> Option<String> {
    let t = raw.trim();
    for p in ctx.policies().iter() {
        for f in &p.catalogue {
            if f.code == t || f.label == t {
                return Some(f.code.clone());
            }
        }
    }
    None
}

/// The sub-field code for a code or a Chinese label.
pub fn sub_field_code(ctx: &Context, raw: &str) -> Option<String> {
    let t = raw.trim();
    for p in ctx.policies().iter() {
        for f in &p.catalogue {
            if let Some((c, _)) = f.sub_fields.iter().find(|(c, l)| c == t || l == t) {
                return Some(c.clone());
            }
        }
    }
    None
}

/// The caller's own expert profile, if it is an expert account.
pub async fn own(ctx: &Context, caller: &Caller) -> Result<Option<Expert>> {
    match caller.user() {
        Some(u) if u.role == Role::Expert => Ok(experts::of_user(ctx.store().pool(), u.id).await?),
        _ => Ok(None),
    }
}

/// Reads an expert: curators and county departments see any; an expert itself.
pub async fn read(ctx: &Context, caller: &Caller, id: ExpertId) -> Result<Expert> {
    let e = experts::get(ctx.store().pool(), id).await?;
    if is_among(caller, BROWSERS) || is_own(caller, &e) {
        Ok(e)
    } else {
        Err(Error::NotFound)
    }
}

/// Adds an expert (bureau, centers).
pub async fn create(ctx: &Context, caller: &Caller, input: &ExpertInput) -> Result<Expert> {
    caller.require(CURATORS)?;
    let draft = input.parse(&|c| is_field(ctx, c), &|c| is_sub_field(ctx, c))?;
    let mut tx = ctx.store().write().await?;
    let e = experts::create(&mut tx, &caller.actor(), ctx.now(), &draft).await.map_err(|e| match e {
        pocnet_store::StoreError::NotFound => Error::from(FieldError::unknown_value("org_id", "所在单位")),
        other => other.into(),
    })?;
    tx.commit().await?;
    Ok(e)
}

/// Edits an expert: curators any, an expert its own profile (not its kind).
pub async fn update(ctx: &Context, caller: &Caller, id: ExpertId, input: &ExpertInput) -> Result<Expert> {
    let current = read(ctx, caller, id).await?;
    let is_self = is_own(caller, &current);
    if !(is_among(caller, CURATORS) || is_self) {
        return Err(Error::Forbidden);
    }
    let mut draft = input.parse(&|c| is_field(ctx, c), &|c| is_sub_field(ctx, c))?;
    if is_self && !is_among(caller, CURATORS) {
        // The library's curators decide an expert's kind and unit.
        draft.kind = current.kind;
        draft.org_id = current.org_id;
    }
    let version = crate::input::version(input.version)?;
    let mut tx = ctx.store().write().await?;
    let e = experts::update(&mut tx, &caller.actor(), ctx.now(), id, version, &draft).await.map_err(|e| match e {
        pocnet_store::StoreError::NotFound => Error::from(FieldError::unknown_value("org_id", "所在单位")),
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
pub async fn set_status(ctx: &Context, caller: &Caller, id: ExpertId, input: &StatusInput) -> Result<Expert> {
    caller.require(CURATORS)?;
    experts::get(ctx.store().pool(), id).await?;
    let needs_reason = matches!(input.action.as_str(), "deactivate" | "blacklist");
    let reason = text("reason", "理由", &input.reason, usize::from(needs_reason) * 2, 500)?;
    let mut tx = ctx.store().write().await?;
    let (now, actor) = (ctx.now(), caller.actor());
    let e = match input.action.as_str() {
        "deactivate" => experts::set_active(&mut tx, &actor, now, id, false, &reason).await?,
        "activate" => experts::set_active(&mut tx, &actor, now, id, true, &reason).await?,
        "blacklist" | "unblacklist" => {
            caller.require(&[Role::Bureau])?;
            let r = (input.action == "blacklist").then_some(reason.as_str());
            experts::set_blacklist(&mut tx, &actor, now, id, r).await?
        }
        _ => return Err(FieldError::unknown_value("action", "操作").into()),
    };
    tx.commit().await?;
    Ok(e)
}

/// Whether the caller sees contact details of `e`.
pub fn sees_contact(caller: &Caller, e: &Expert) -> bool {
    is_among(caller, CURATORS) || is_own(caller, e)
}

/// Whether the caller acts in one of `roles` (the console acts in every role).
fn is_among(caller: &Caller, roles: &[Role]) -> bool {
    caller.user().is_none_or(|u| roles.contains(&u.role))
}

/// Whether `e` is the caller's own expert profile.
fn is_own(caller: &Caller, e: &Expert) -> bool {
    caller.user().is_some_and(|u| e.user_id == Some(u.id))
}
