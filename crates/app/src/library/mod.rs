//! The project library (项目库) and verification (概念验证): results entering
//! a center's intake ([`intake`] one by one, [`import`] as lists, [`receiving_center`]), the pipeline as each
//! role works it and who sees which trade secrets ([`pipeline`]), and the
//! verification itself through the report and the hand-off ([`verification`]).
//! A result's screening panel is [`crate::panels`].

pub mod import;
pub mod intake;
pub mod pipeline;
pub mod verification;

pub use pipeline::*;
pub use verification::*;

use crate::{Caller, Error, Result};
use crate::Context;
use pocnet_domain::center::CenterKind;
use pocnet_domain::role::Role;
use pocnet_domain::supervision::CenterStatus;
use pocnet_domain::FieldError;
use pocnet_store::centers::{self, Center};
use pocnet_store::StoreError;

/// The center a result (or a list of them) enters: a proof-of-concept center
/// still in the register — a pilot platform or a revoked center takes no
/// results. (Whose center it must be is the calling workflow's rule.)
pub async fn receiving_center(ctx: &Context, caller: &Caller, center_id: Option<pocnet_domain::id::CenterId>) -> Result<Center> {
    caller.require(&[Role::Center, Role::Researcher])?;
    let center_id = center_id.ok_or_else(|| FieldError::required("center_id", "概念验证中心"))?;
    let center = centers::get(ctx.store().pool(), center_id).await.map_err(|e| match e {
        StoreError::NotFound => Error::from(FieldError::unknown_value("center_id", "概念验证中心")),
        other => other.into(),
    })?;
    if center.kind != CenterKind::PocCenter {
        let message = format!("“{}”是{}，不是概念验证中心：成果进入概念验证中心的项目库", center.name, center.kind.label_zh());
        return Err(FieldError::new("center_id", "not_a_poc_center", message).into());
    }
    if center.status != CenterStatus::Active {
        let message = format!("“{}”已{}，不在册的中心不再接收成果", center.name, center.status.label_zh());
        return Err(FieldError::new("center_id", "center_not_in_register", message).into());
    }
    Ok(center)
}
