//! Housekeeping (例行维护), the first background job: removes what no longer
//! counts — ended sessions and sign-in counters with nothing left to
//! remember — and keeps the planner's statistics current as the lists grow
//! (issue 13). A server runs it on a timer ([`every`]); a test or a command
//! runs it once ([`run`]).

use crate::{Context, Result};
use chrono::Duration;
use pocnet_domain::login_guard::LoginPolicy;

/// The settings housekeeping applies: the server's own.
#[derive(Debug, Clone)]
pub struct Settings {
    /// A session unused this long has ended.
    pub session_idle: Duration,
    /// The sign-in limits (which counters still matter).
    pub login_policy: LoginPolicy,
}

/// What one run removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Swept {
    /// Ended sessions deleted.
    pub sessions: u64,
    /// Sign-in counters deleted.
    pub login_counters: u64,
}

/// Runs housekeeping once: the deletions in one transaction, then the
/// statistics refresh.
pub async fn run(ctx: &Context, settings: &Settings) -> Result<Swept> {
    let now = ctx.now();
    let mut tx = ctx.store().write().await?;
    let sessions = pocnet_store::sessions::purge_expired(&mut tx, now, settings.session_idle).await?;
    let login_counters = pocnet_store::login_throttle::purge(&mut tx, &settings.login_policy, now).await?;
    tx.commit().await?;
    ctx.store().optimize().await?;
    Ok(Swept { sessions, login_counters })
}

/// Runs housekeeping every `period` for as long as the returned task lives
/// (a failed run is logged by the caller's `report` and retried next time).
pub fn every(ctx: Context, settings: Settings, period: std::time::Duration, report: fn(Result<Swept>)) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(period);
        loop {
            tick.tick().await;
            report(run(&ctx, &settings).await);
        }
    })
}
