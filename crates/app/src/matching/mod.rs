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
        Role::Center | Role::Expert | Role::Investor => Err(Error::Forbidden),
    }
}

/// The Chinese label of a field or sub-field code in any loaded catalogue (the code itself if none).
pub fn field_label(ctx: &Context, code: &str) -> String {
    ctx.policies().iter().find_map(|p| {
        p.catalogue.iter().find_map(|f| if f.code == code { Some(f.label.clone()) } else { f.sub_fields.iter().find(|(c, _)| c == code).map(|(_, l)| l.clone()) })
    }).unwrap_or_else(|| code.to_owned())
}

/// Whether `sub` is '' or a sub-field of `field` in a loaded catalogue, and `field` a field.
pub fn is_field_pair(ctx: &Context, field: &str, sub: &str) -> bool {
    ctx.policies().iter().any(|p| p.catalogue.iter().any(|f| f.code == field && (sub.is_empty() || f.sub_fields.iter().any(|(c, _)| c == sub))))
}
