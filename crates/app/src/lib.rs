//! The workflow layer (issue 12): each capability's use cases — load the
//! records, check the caller's standing and the guards, ask the domain, write
//! in one transaction — written once, called by the web handlers (which keep
//! only extraction and rendering), the CLI and future background jobs.
//!
//! `cli → web → app → store → domain`: nothing here knows HTTP or a terminal.
//! A workflow takes a [`Context`] (the store, the policies in effect, the
//! calendar, the clock), a [`Caller`] (who asks, and with what standing), and
//! typed input; it answers a typed result or an [`Error`].

pub mod accounts;
pub mod assignment;
pub mod calendar;
pub mod caller;
pub mod clock;
pub mod competitions;
pub mod context;
pub mod error;
pub mod evaluation;
pub mod evidence;
pub mod expert_accounts;
pub mod experts;
pub mod finance;
pub mod housekeeping;
pub mod input;
pub mod key_projects;
pub mod library;
pub mod login_blocks;
pub mod managers;
pub mod matching;
pub mod orgs;
pub mod panels;
pub mod password;
pub mod pilot;
pub mod recognition;
pub mod registry;
pub mod search;
pub mod seeds;
pub mod sharing;
pub mod supervision;
pub mod white_paper;

pub use caller::Caller;
pub use context::Context;
pub use error::{Error, Result};
