//! Intake (成果入库申请) of one result: a researcher submits a result of its
//! own unit to a proof-of-concept center; a center operator enters one on
//! behalf of an owner unit. Lists of results come in through [`super::import`].

use super::receiving_center;
use crate::{Caller, Context, Error, Result};
use pocnet_domain::id::{CenterId, OrgId, ResultId};
use pocnet_domain::library::intake::ResultInput;
use pocnet_domain::role::Role;
use pocnet_domain::FieldError;
use pocnet_store::library::intake::{self, NewResult};
use pocnet_store::{orgs, StoreError};
use serde::Deserialize;

/// A result as sent for intake.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct IntakeInput {
    /// The result's fields.
    #[serde(flatten)]
    pub result: ResultInput,
    /// The proof-of-concept center it is submitted to.
    #[schema(value_type = i64)]
    pub center_id: CenterId,
    /// The owner unit (a center operator entering for it; a researcher's own unit otherwise).
    #[serde(default)]
    #[schema(value_type = Option<i64>)]
    pub owner_org_id: Option<OrgId>,
}

/// The owner unit an operator (or the console) names: it must be registered.
async fn named_owner(ctx: &Context, input: &IntakeInput) -> Result<OrgId> {
    let owner = input.owner_org_id.ok_or_else(|| FieldError::required("owner_org_id", "成果所属单位"))?;
    orgs::get(ctx.store().pool(), owner).await.map_err(|e| match e {
        StoreError::NotFound => Error::from(FieldError::unknown_value("owner_org_id", "成果所属单位")),
        other => other.into(),
    })?;
    Ok(owner)
}

/// Submits a result: a researcher to any active proof-of-concept center for
/// its own unit; a center operator to one of its own centers for a
/// registered owner unit. Every field error at once; nothing stored on error.
/// Answers the new result's id.
pub async fn create(ctx: &Context, caller: &Caller, input: &IntakeInput) -> Result<ResultId> {
    caller.require(&[Role::Researcher, Role::Center])?;
    let center = receiving_center(ctx, caller, Some(input.center_id)).await?;
    let owner = match caller.user() {
        None => named_owner(ctx, input).await?,
        Some(me) => match me.role {
            Role::Researcher => me.org_id,
            Role::Center => {
                if center.host_org_id != me.org_id {
                    return Err(Error::Forbidden);
                }
                named_owner(ctx, input).await?
            }
            Role::Bureau | Role::County | Role::Expert | Role::Investor | Role::Manager => return Err(Error::Forbidden),
        },
    };
    // Every profile has its own catalogue (issue 10): the receiving center's.
    let draft = input.result.parse_in(&crate::registry::catalogue_of(ctx, &center))?;
    let mut tx = ctx.store().write().await?;
    let new = NewResult {
        draft: &draft,
        owner_org_id: owner,
        center_id: Some(center.id),
        submitted_on: ctx.today(),
        entered_by: caller.user().map(|u| u.id),
    };
    let id = intake::create(&mut tx, &caller.actor(), ctx.now(), &new).await.map_err(|e| match e {
        StoreError::Duplicate { .. } => {
            Error::Conflict { code: "duplicate", message: "该中心已有相同成果编号的成果".into(), field: Some("ref_no".into()) }
        }
        other => other.into(),
    })?;
    tx.commit().await?;
    Ok(id)
}
