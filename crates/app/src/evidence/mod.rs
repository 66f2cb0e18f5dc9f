//! Evidence (存证, issue 16) as workflows: the installation's keys
//! ([`notary`]), the log — appending what the triggers queued, signing
//! checkpoints, proofs, witnesses' cosignatures, the full verification — ([`log`]).

pub mod documents;
pub mod log;
pub mod mutual;
pub mod notary;
pub mod registration;
pub mod trust;
pub mod witness;

pub use notary::Notary;

use crate::{Caller, Context, Error, Result};

/// The center, if the caller operates it (its host unit's operator); otherwise forbidden.
pub(crate) async fn operated(ctx: &Context, caller: &Caller, center: pocnet_domain::id::CenterId) -> Result<pocnet_store::centers::Center> {
    let c = pocnet_store::centers::get(ctx.store().pool(), center).await?;
    match caller.user() {
        Some(u) if u.role == pocnet_domain::role::Role::Center && u.org_id == c.host_org_id => Ok(c),
        _ => Err(Error::Forbidden),
    }
}
