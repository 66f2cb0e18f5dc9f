//! Lifting sign-in limits (登录限制): the bureau forgets the failures of a
//! login name (every address), an address (every name), or both — for the
//! owner who mistyped too often, or an office whose shared address was abused.

use crate::{Caller, Context, Result};
use pocnet_domain::role::Role;
use pocnet_domain::FieldError;
use pocnet_store::audit::{self, Change};
use pocnet_store::login_throttle;
use serde::{Deserialize, Serialize};

/// Which limits to lift: a login name (every address), an address (every name), or both.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[schema(as = LoginBlockReleaseInput)]
pub struct ReleaseInput {
    /// Login name.
    pub username: Option<String>,
    /// Client address.
    pub address: Option<String>,
}

/// What lifting did.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Released {
    /// Counters whose failures were forgotten.
    pub lifted: u64,
}

/// The trimmed value, if any was given.
fn given(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// Lifts the limits of a login name and/or an address at once (bureau), recorded in the audit trail.
pub async fn release(ctx: &Context, caller: &Caller, input: &ReleaseInput) -> Result<Released> {
    caller.require(&[Role::Bureau])?;
    let username = given(&input.username).map(str::to_lowercase);
    let address = given(&input.address).map(str::to_owned);
    if username.is_none() && address.is_none() {
        return Err(FieldError::new("username", "required", "请填写要解除限制的账号或网络地址").into());
    }
    if let Some(a) = &address {
        if a.parse::<std::net::IpAddr>().is_err() {
            return Err(FieldError::new("address", "invalid_address", "网络地址格式不正确（如 203.0.113.7）").into());
        }
    }
    let mut tx = ctx.store().write().await?;
    let lifted = login_throttle::release(&mut tx, username.as_deref(), address.as_deref()).await?;
    let change = Change {
        action: "login.release",
        entity_type: "login_guard",
        entity_id: username.clone().or_else(|| address.clone()).unwrap_or_default(),
        before: None,
        after: Some(serde_json::json!({"username": username, "address": address, "lifted": lifted})),
        reason: None,
    };
    audit::record(&mut tx, &caller.actor(), ctx.now(), change).await?;
    tx.commit().await?;
    Ok(Released { lifted })
}
