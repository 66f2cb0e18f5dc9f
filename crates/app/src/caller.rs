//! Who asks a workflow to act: a signed-in account (whose role and unit decide
//! its standing toward each record), or an operator at the server's console
//! (the CLI, with the data directory in hand: every right, recorded by name).

use crate::error::Error;
use pocnet_domain::role::Role;
use pocnet_store::users::User;
use pocnet_store::Actor;

/// The one asking.
#[derive(Debug, Clone)]
pub enum Caller {
    /// A signed-in account, from the address it called from.
    User {
        /// The account.
        user: User,
        /// The client address.
        ip: Option<String>,
    },
    /// The console (`pocnet …` commands), named for the audit trail.
    Console {
        /// What acts, e.g. `import`.
        name: &'static str,
    },
}

impl Caller {
    /// The account, when a signed-in user asks.
    pub fn user(&self) -> Option<&User> {
        match self {
            Caller::User { user, .. } => Some(user),
            Caller::Console { .. } => None,
        }
    }

    /// The unit of a signed-in caller (the console has none).
    pub fn org_id(&self) -> Option<pocnet_domain::id::OrgId> {
        self.user().map(|u| u.org_id)
    }

    /// Refuses a signed-in caller whose role is not in `roles`; the console may do anything.
    pub fn require(&self, roles: &[Role]) -> Result<(), Error> {
        match self {
            Caller::User { user, .. } if !roles.contains(&user.role) => Err(Error::Forbidden),
            _ => Ok(()),
        }
    }

    /// This caller as the actor of a change.
    pub fn actor(&self) -> Actor {
        match self {
            Caller::User { user, ip } => Actor::user(user.id, &user.username, ip.clone()),
            Caller::Console { name } => Actor::system(name),
        }
    }
}
