//! Supply–demand matching as workflows (三单联动, 002 三(九)): units publish
//! industry demands and the bureau lists them ([`demands`]); pocnet proposes,
//! for each demand, the results and centers that fit it and, for each result,
//! the demands it fits, each with its score's components ([`propose`]); both
//! sides answer, and accepted matches are followed up to landing ([`answers`]).

pub mod answers;
pub mod cultivation;
pub mod demands;
pub mod propose;

use crate::{Caller, Context, Error, Result};
use pocnet_domain::org::OrgKind;
use pocnet_domain::role::Role;

/// Whether the caller may publish demands, and for which unit: the bureau and a
/// county department for their own unit; a unit account (科研人员 role) of an enterprise.
pub async fn publisher_org(ctx: &Context, caller: &Caller) -> Result<pocnet_domain::id::OrgId> {
    let user = caller.user().ok_or(Error::Forbidden)?;
    match user.role {
        Role::Bureau | Role::County => Ok(user.org_id),
        Role::Researcher => {
            let org = pocnet_store::orgs::get(ctx.store().pool(), user.org_id).await?;
            if org.kind == OrgKind::Enterprise {
                Ok(user.org_id)
            } else {
                Err(Error::Rule { code: "not_an_enterprise", message: "只有企业、县（市、区）科技部门和市科技局可以发布产业需求".into() })
            }
        }
        Role::Center | Role::Expert | Role::Investor | Role::Manager => Err(Error::Forbidden),
    }
}

pub use crate::experts::{field_label, is_field_pair};
