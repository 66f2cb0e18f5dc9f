//! Supporting policies (配套政策, 004 四(一)): the bureau lists, edits and
//! retires them; everyone reads the listed ones.

use crate::{Caller, Context, Error, Result};
use pocnet_domain::id::PolicyItemId;
use pocnet_domain::role::Role;
use pocnet_domain::sharing::{PolicyItemDraft, PolicyItemState, RawPolicyItem};
use pocnet_store::sharing::policies::{self, PolicyItem};
use pocnet_store::{Page, Paged};
use serde::Deserialize;

/// A policy entry as sent (form or JSON).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct PolicyItemInput {
    /// 政策名称, 4–100 characters.
    pub title: String,
    /// 发文单位.
    pub issuer: String,
    /// 发文日期, YYYY-MM-DD (not after today).
    pub issued_on: String,
    /// 条款, e.g. `四(一)` (optional).
    #[serde(default)]
    pub article: String,
    /// 支持内容, 10–2000 characters.
    pub summary: String,
    /// Field code ('' or absent: every field).
    #[serde(default)]
    pub field: String,
    /// When editing: `active` or `expired` (default `active`).
    #[serde(default)]
    pub state: String,
    /// The version read, when editing.
    #[serde(default, deserialize_with = "crate::input::empty_as_none")]
    pub version: Option<i64>,
}

impl PolicyItemInput {
    fn parse(&self, ctx: &Context) -> Result<PolicyItemDraft> {
        let raw = RawPolicyItem {
            title: &self.title,
            issuer: &self.issuer,
            issued_on: &self.issued_on,
            article: &self.article,
            summary: &self.summary,
            field: &self.field,
        };
        PolicyItemDraft::parse(&raw, ctx.today(), |f| crate::experts::is_field_pair(ctx, f, "")).map_err(Error::from)
    }
}

/// Whether the caller keeps the list (the bureau, the console).
pub fn keeps_list(caller: Option<&Caller>) -> bool {
    match caller {
        Some(Caller::Console { .. }) => true,
        Some(Caller::User { user, .. }) => user.role == Role::Bureau,
        None => false,
    }
}

/// Lists a policy entry (the bureau).
pub async fn create(ctx: &Context, caller: &Caller, input: &PolicyItemInput) -> Result<PolicyItem> {
    if !keeps_list(Some(caller)) {
        return Err(Error::Forbidden);
    }
    let draft = input.parse(ctx)?;
    let mut tx = ctx.store().write().await?;
    let id = policies::create(&mut tx, &caller.actor(), ctx.now(), &draft).await?;
    let p = policies::get(&mut *tx, id).await?;
    tx.commit().await?;
    Ok(p)
}

/// Edits (or retires, with `state = expired`) a policy entry at the version read (the bureau).
pub async fn edit(ctx: &Context, caller: &Caller, id: PolicyItemId, input: &PolicyItemInput) -> Result<PolicyItem> {
    if !keeps_list(Some(caller)) {
        return Err(Error::Forbidden);
    }
    policies::get(ctx.store().pool(), id).await?;
    let draft = input.parse(ctx)?;
    let state = match input.state.trim() {
        "" => PolicyItemState::Active,
        s => PolicyItemState::parse(s).map_err(|_| pocnet_domain::FieldError::unknown_value("state", "状态"))?,
    };
    let version = crate::input::version(input.version)?;
    let mut tx = ctx.store().write().await?;
    policies::update(&mut tx, &caller.actor(), ctx.now(), id, version, &draft, state).await?;
    let p = policies::get(&mut *tx, id).await?;
    tx.commit().await?;
    Ok(p)
}

/// One entry: a listed one for everyone, any for the bureau.
pub async fn get(ctx: &Context, caller: Option<&Caller>, id: PolicyItemId) -> Result<PolicyItem> {
    let p = policies::get(ctx.store().pool(), id).await?;
    if p.state != PolicyItemState::Active && !keeps_list(caller) {
        return Err(Error::NotFound);
    }
    Ok(p)
}

/// A page of entries: the listed ones, or every one for the bureau.
pub async fn list(ctx: &Context, caller: Option<&Caller>, page: Page) -> Result<Paged<PolicyItem>> {
    let state = if keeps_list(caller) { None } else { Some(PolicyItemState::Active) };
    Ok(policies::list(ctx.store().pool(), state, page).await?)
}
