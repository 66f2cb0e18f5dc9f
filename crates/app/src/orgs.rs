//! Organisations (单位): the bureau registers and edits them; every account
//! and every conflict-of-interest check hangs on them. The console (`pocnet
//! org add`) registers through the same workflow.

use crate::{Caller, Context, Result};
use pocnet_domain::id::OrgId;
use pocnet_domain::org::OrgDraft;
use pocnet_domain::role::Role;
use pocnet_store::orgs::{self, Organisation};
use serde::Deserialize;

/// A new or edited organisation.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct OrgInput {
    /// Full name (2–100 characters, unique on its folded form).
    pub name: String,
    /// Kind code, e.g. `university`.
    pub kind: String,
    /// Region, e.g. `瑞安市`.
    pub region: String,
    /// When editing: the version read (optimistic lock).
    pub version: Option<i64>,
}

/// Registers an organisation (bureau, console).
pub async fn create(ctx: &Context, caller: &Caller, input: &OrgInput) -> Result<Organisation> {
    caller.require(&[Role::Bureau])?;
    let draft = OrgDraft::parse(&input.name, &input.kind, &input.region)?;
    let mut tx = ctx.store().write().await?;
    let org = orgs::create(&mut tx, &caller.actor(), ctx.now(), &draft).await?;
    tx.commit().await?;
    Ok(org)
}

/// Edits an organisation if nobody changed it since the version read (bureau).
pub async fn update(ctx: &Context, caller: &Caller, id: OrgId, input: &OrgInput) -> Result<Organisation> {
    caller.require(&[Role::Bureau])?;
    let draft = OrgDraft::parse(&input.name, &input.kind, &input.region)?;
    let version = crate::input::version(input.version)?;
    let mut tx = ctx.store().write().await?;
    let org = orgs::update(&mut tx, &caller.actor(), ctx.now(), id, version, &draft).await?;
    tx.commit().await?;
    Ok(org)
}
