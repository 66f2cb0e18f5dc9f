//! Who is calling and what they may do: password hashing, server-side
//! sessions (cookie or bearer token), CSRF protection, role checks.

pub mod csrf;
pub mod password;
pub mod session;

use crate::error::AppError;
use pocnet_domain::role::Role;
use pocnet_store::users::User;
use pocnet_store::Actor;

/// The signed-in caller, as handlers see it.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    /// The account.
    pub user: User,
    /// The session row id (SHA-256 of the token).
    pub session_id: String,
    /// The session's CSRF token (rendered into forms).
    pub csrf_token: String,
    /// The client address.
    pub ip: Option<String>,
    /// Records waiting in the caller's to-do list, read for pages (not for
    /// API calls): the navigation's badge on every page.
    pub todo_total: Option<i64>,
}

impl CurrentUser {
    /// Refuses callers whose role is not in `roles` (403, nothing leaked).
    pub fn require(&self, roles: &[Role]) -> Result<(), AppError> {
        if roles.contains(&self.user.role) {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }

    /// This caller as the actor of a change.
    pub fn actor(&self) -> Actor {
        Actor::user(self.user.id, &self.user.username, self.ip.clone())
    }

    /// This caller as the workflows see it.
    pub fn caller(&self) -> pocnet_app::Caller {
        pocnet_app::Caller::User { user: self.user.clone(), ip: self.ip.clone() }
    }

    /// The caller's role.
    pub fn role(&self) -> Role {
        self.user.role
    }
}
