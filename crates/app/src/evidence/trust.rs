//! The trust list (互认信任列表): other pocnet installations — another city's
//! bureau, the province — whose signed documents this one accepts, each by its
//! log origin and public keys as published at its well-known address. The
//! bureau keeps it; [`crate::evidence::documents::trusted_keys`] reads it.

use crate::{Caller, Context, Error, Result};
use pocnet_domain::FieldError;
use pocnet_evidence::note::{Algorithm, Verifier};
use pocnet_store::evidence::keys::{self, TrustedKey};
use serde::Deserialize;

/// An installation as the bureau enters it.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct TrustedInput {
    /// Its log origin, e.g. `kjj.hangzhou.gov.cn/pocnet`.
    pub origin: String,
    /// Who runs it (e.g. 杭州市科学技术局).
    pub name: String,
    /// Its public keys (Ed25519 and/or SM2, C2SP vkey form), one a line — the text of its
    /// `/.well-known/pocnet-log-keys`.
    pub vkeys: String,
}

/// Adds an installation to the trust list (the bureau). Every key must parse, sign documents
/// (Ed25519 or SM2) and be named by the origin.
pub async fn add(ctx: &Context, caller: &Caller, input: &TrustedInput) -> Result<i64> {
    caller.require(&[pocnet_domain::role::Role::Bureau])?;
    let origin = input.origin.trim();
    crate::evidence::notary::check_origin(origin)?;
    let name = input.name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(FieldError::new("name", "required", "请填写平台运营单位名称（100字以内）").into());
    }
    if ctx.notary().is_ok_and(|n| n.origin() == origin) {
        return Err(FieldError::new("origin", "own_origin", "这是本平台自己的日志标识，无需加入信任列表").into());
    }
    let mut lines = Vec::new();
    for line in input.vkeys.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let v = Verifier::parse(line).map_err(|e| Error::from(FieldError::new("vkeys", "invalid_key", format!("公钥格式无效：{e}"))))?;
        if v.name() != origin {
            return Err(FieldError::new("vkeys", "wrong_origin", format!("公钥 {} 不属于日志 {origin}", v.name())).into());
        }
        if !matches!(v.algorithm(), Algorithm::Ed25519 | Algorithm::Sm2) {
            return Err(FieldError::new("vkeys", "not_signing_key", "须为签署文件的 Ed25519 或 SM2 公钥").into());
        }
        lines.push(line.to_owned());
    }
    if lines.is_empty() {
        return Err(FieldError::new("vkeys", "required", "请粘贴对方平台公布的公钥（/.well-known/pocnet-log-keys）").into());
    }
    Ok(keys::add_trusted(ctx.store(), &caller.actor(), ctx.now(), origin, name, &lines.join("\n")).await?)
}

/// Takes an installation off the list (the bureau), with a reason.
pub async fn remove(ctx: &Context, caller: &Caller, id: i64, reason: &str) -> Result<()> {
    caller.require(&[pocnet_domain::role::Role::Bureau])?;
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(FieldError::new("reason", "required", "请填写移出信任列表的原因").into());
    }
    Ok(keys::remove_trusted(ctx.store(), &caller.actor(), ctx.now(), id, reason).await?)
}

/// The installations trusted now (anyone may read whom this bureau trusts).
pub async fn list(ctx: &Context) -> Result<Vec<TrustedKey>> {
    Ok(keys::trusted(ctx.store().pool()).await?)
}
