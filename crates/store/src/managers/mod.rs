//! Project managers (项目经理人, 004 三(三)(五)): their assignments with the log, and the platform's
//! yearly double assessment with the portfolio facts it starts from.

pub mod assessments;
pub mod assignments;

use crate::sql_where::{Arg, Where};
use pocnet_domain::id::{OrgId, UserId};

/// Whose assignments or assessments a list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ManagerScope {
    /// Every platform's (the bureau).
    All,
    /// Those of the platforms a unit hosts (its operators).
    HostOrg(OrgId),
    /// One manager's own (its portfolio and record).
    Manager(UserId),
}

impl ManagerScope {
    /// The scope's condition on the list's table (`alias`, with `center_id` and `manager_id`), added to `w`.
    pub(crate) fn restrict(self, alias: &str, w: &mut Where) {
        match self {
            ManagerScope::All => {}
            ManagerScope::HostOrg(o) => {
                w.and(&format!("{alias}.center_id IN (SELECT id FROM centers WHERE host_org_id = ?)"), Arg::Int(o.get()));
            }
            ManagerScope::Manager(m) => {
                w.and(&format!("{alias}.manager_id = ?"), Arg::Int(m.get()));
            }
        }
    }
}
