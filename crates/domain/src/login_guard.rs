//! How sign-in attempts are limited (登录限制): slow a password guesser down
//! without letting anyone lock a colleague out.
//!
//! Three counters; each forgets its failures after 15 quiet minutes:
//! - **one name from one address** ([`Scope::Pair`]): after 5 failures that
//!   pair is refused for 15 minutes. It stops a guesser at one address and
//!   touches nobody else — the same person at another address, or a
//!   colleague behind the same office NAT, still signs in.
//! - **one name from anywhere** ([`Scope::Username`]): after 10 failures every
//!   further attempt waits a growing delay (1 s, 2 s, 4 s … at most 60 s).
//!   Guessing from many addresses gets about one try a minute; the real
//!   owner waits at most a minute, never a lockout.
//! - **one address for any name** ([`Scope::Address`]): after 50 failures the
//!   same growing delay, against password spraying from one address.
//!
//! An address where the name signed in successfully during the last 30 days
//! (a *known address*) is exempt from the name-wide and address-wide delays
//! — only its own pair counter applies — so an attack elsewhere never keeps
//! the owner out at their usual desk. Attempts are counted *before* the
//! password is checked, so parallel requests cannot slip past a limit; a
//! success gives its attempt back. The bureau can lift any limit at once.

use chrono::{DateTime, Duration, Utc};

/// What a counter counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scope {
    /// One login name from one address.
    Pair,
    /// One login name from any address.
    Username,
    /// Any login name from one address.
    Address,
}

impl Scope {
    /// All scopes, in the order their rows are locked (one order for every
    /// request, so concurrent sign-ins never deadlock).
    pub const ALL: [Scope; 3] = [Scope::Pair, Scope::Username, Scope::Address];

    /// Stored code.
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Pair => "pair",
            Scope::Username => "username",
            Scope::Address => "address",
        }
    }

    /// Chinese label.
    pub fn label_zh(self) -> &'static str {
        match self {
            Scope::Pair => "账号＋地址",
            Scope::Username => "账号",
            Scope::Address => "网络地址",
        }
    }

    /// From the stored code.
    pub fn parse(s: &str) -> Option<Scope> {
        Scope::ALL.into_iter().find(|sc| sc.as_str() == s)
    }
}

/// The limits (the bureau's defaults; the policies say nothing about sign-in).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoginPolicy {
    /// A counter starts afresh after this long without an attempt.
    pub window: Duration,
    /// Failures of one name from one address before that pair is refused.
    pub pair_failures: u32,
    /// How long a refused pair waits.
    pub pair_lockout: Duration,
    /// Failures of one name (any address) before delays begin.
    pub username_free: u32,
    /// Failures from one address (any name) before delays begin.
    pub address_free: u32,
    /// The first delay; each further failure doubles it.
    pub first_delay: Duration,
    /// The longest delay.
    pub max_delay: Duration,
    /// An address stays known for a name this long after a successful sign-in.
    pub known_for: Duration,
}

impl Default for LoginPolicy {
    fn default() -> Self {
        Self {
            window: Duration::minutes(15),
            pair_failures: 5,
            pair_lockout: Duration::minutes(15),
            username_free: 10,
            address_free: 50,
            first_delay: Duration::seconds(1),
            max_delay: Duration::seconds(60),
            known_for: Duration::days(30),
        }
    }
}

/// One counter as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counter {
    /// Failures (and attempts still being checked) since the last quiet window.
    pub failures: u32,
    /// When the last attempt was counted.
    pub last_attempt: DateTime<Utc>,
    /// No attempt is taken before this instant.
    pub blocked_until: Option<DateTime<Utc>>,
    /// The last successful sign-in (kept on pair counters).
    pub last_success: Option<DateTime<Utc>>,
}

impl Counter {
    /// A counter that has seen nothing.
    pub fn fresh(now: DateTime<Utc>) -> Self {
        Self { failures: 0, last_attempt: now, blocked_until: None, last_success: None }
    }
}

/// The three counters of one attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counters {
    /// One name from one address.
    pub pair: Counter,
    /// One name from anywhere.
    pub username: Counter,
    /// One address for any name.
    pub address: Counter,
}

/// Why an attempt was refused before its password was checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refusal {
    /// The counter that refused (the one that waits longest).
    pub scope: Scope,
    /// When to try again.
    pub until: DateTime<Utc>,
}

/// The growing delay after `over` failures beyond the free ones (0 → first delay).
pub fn delay(policy: &LoginPolicy, over: u32) -> Duration {
    let factor = 1_i64.checked_shl(over.min(30)).unwrap_or(i64::MAX);
    let ms = policy.first_delay.num_milliseconds().saturating_mul(factor);
    Duration::milliseconds(ms.min(policy.max_delay.num_milliseconds()))
}

/// Whether the pair's address is a known address for the name.
pub fn is_known_address(policy: &LoginPolicy, pair: &Counter, now: DateTime<Utc>) -> bool {
    pair.last_success.is_some_and(|at| now - at <= policy.known_for)
}

/// Counts one attempt against its counters before the password is checked:
/// the counters to store, or why the attempt is refused (then nothing changes).
pub fn admit(policy: &LoginPolicy, current: Counters, now: DateTime<Utc>) -> Result<Counters, Refusal> {
    let known = is_known_address(policy, &current.pair, now);
    let mut applies = vec![(Scope::Pair, current.pair)];
    if !known {
        applies.push((Scope::Username, current.username));
        applies.push((Scope::Address, current.address));
    }
    let refusal = applies
        .iter()
        .filter_map(|(scope, c)| c.blocked_until.filter(|until| *until > now).map(|until| Refusal { scope: *scope, until }))
        .max_by_key(|r| r.until);
    if let Some(r) = refusal {
        return Err(r);
    }
    let count = |scope: Scope, c: Counter| -> Counter {
        let mut c = if now - c.last_attempt >= policy.window {
            Counter { failures: 0, blocked_until: None, ..c }
        } else {
            c
        };
        c.failures = c.failures.saturating_add(1);
        c.last_attempt = now;
        c.blocked_until = match scope {
            Scope::Pair => (c.failures >= policy.pair_failures).then(|| now + policy.pair_lockout),
            Scope::Username => c.failures.checked_sub(policy.username_free).map(|over| now + delay(policy, over)),
            Scope::Address => c.failures.checked_sub(policy.address_free).map(|over| now + delay(policy, over)),
        };
        c
    };
    Ok(Counters {
        pair: count(Scope::Pair, current.pair),
        username: if known { current.username } else { count(Scope::Username, current.username) },
        address: if known { current.address } else { count(Scope::Address, current.address) },
    })
}

/// What a proven password does to the counters of its attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Success {
    /// The pair starts afresh and remembers the success (its address becomes known).
    pub reset_pair: bool,
    /// The name-wide and address-wide counters get the attempt back (they
    /// did not count it when the address was already known).
    pub give_back_shared: bool,
}

/// After the password proved right, for an attempt admitted with `admitted`.
pub fn on_success(policy: &LoginPolicy, admitted: &Counters, now: DateTime<Utc>) -> Success {
    Success { reset_pair: true, give_back_shared: !is_known_address(policy, &admitted.pair, now) }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

/// The counters after `success`: the model of what `store::login_throttle::succeeded`
/// writes in SQL (relative to what concurrent attempts wrote meanwhile).
fn apply_success(c: Counters, success: Success, now: DateTime<Utc>) -> Counters {
    let give_back = |c: Counter| if success.give_back_shared { Counter { failures: c.failures.saturating_sub(1), ..c } } else { c };
    Counters {
        pair: if success.reset_pair {
            Counter { failures: 0, last_attempt: now, blocked_until: None, last_success: Some(now) }
        } else {
            c.pair
        },
        username: give_back(c.username),
        address: give_back(c.address),
    }
}

    fn t(s: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_790_000_000 + s, 0).unwrap_or_default()
    }

    fn counters(pair: u32, username: u32, address: u32) -> Counters {
        let c = |n| Counter { failures: n, ..Counter::fresh(t(0)) };
        Counters { pair: c(pair), username: c(username), address: c(address) }
    }

    /// Admits `n` attempts at the same instant (as parallel requests would be).
    fn burst(policy: &LoginPolicy, mut c: Counters, n: usize, now: DateTime<Utc>) -> (usize, Counters) {
        let mut admitted = 0;
        for _ in 0..n {
            if let Ok(next) = admit(policy, c, now) {
                c = next;
                admitted += 1;
            }
        }
        (admitted, c)
    }

    #[test]
    fn delays_double_up_to_the_cap() {
        let p = LoginPolicy::default();
        let cases = [(0, 1), (1, 2), (2, 4), (5, 32), (6, 60), (40, 60)];
        for (over, secs) in cases {
            assert_eq!(delay(&p, over), Duration::seconds(secs), "over {over}");
        }
    }

    #[test]
    fn each_counter_takes_what_its_rule_allows_in_one_instant() {
        let p = LoginPolicy::default();
        // (counters before, attempts at once, admitted, refusing scope)
        let cases = [
            (counters(0, 0, 0), 61, 5, Some(Scope::Pair)),
            (counters(4, 4, 4), 3, 1, Some(Scope::Pair)),
            (counters(0, 9, 0), 5, 1, Some(Scope::Username)),
            (counters(0, 0, 49), 5, 1, Some(Scope::Address)),
            (counters(0, 0, 48), 5, 2, Some(Scope::Address)),
            (counters(0, 0, 0), 1, 1, None),
        ];
        for (before, n, want, scope) in cases {
            let (admitted, after) = burst(&p, before, n, t(10));
            assert_eq!(admitted, want, "{before:?} × {n}");
            assert_eq!(admit(&p, after, t(10)).err().map(|r| r.scope), scope, "{before:?} × {n}");
        }
    }

    #[test]
    fn a_locked_pair_waits_the_lockout_and_then_a_new_window_begins() {
        let p = LoginPolicy::default();
        let (_, c) = burst(&p, counters(0, 0, 0), 5, t(0));
        let r = admit(&p, c, t(60)).unwrap_err();
        assert_eq!((r.scope, r.until), (Scope::Pair, t(15 * 60)));
        let c = admit(&p, c, t(15 * 60)).unwrap();
        assert_eq!(c.pair.failures, 1, "the window started afresh");
        assert_eq!(c.pair.blocked_until, None);
    }

    #[test]
    fn a_distributed_guesser_gets_slower_and_slower_but_never_a_lockout() {
        let p = LoginPolicy::default();
        let mut c = counters(0, 0, 0);
        let mut now = t(0);
        let mut waits = Vec::new();
        for _ in 0..15 {
            // Each guess from a fresh address: the pair and address counters are new.
            c.pair = Counter::fresh(now);
            c.address = Counter::fresh(now);
            match admit(&p, c, now) {
                Ok(next) => c = next,
                Err(r) => {
                    waits.push((r.until - now).num_seconds());
                    now = r.until;
                    c = admit(&p, c, now).unwrap();
                }
            }
        }
        assert_eq!(waits, vec![1, 2, 4, 8, 16], "the 11th guess waits 1 s, then 2 s …");
        let r = admit(&p, Counters { pair: Counter::fresh(now), address: Counter::fresh(now), ..c }, now).unwrap_err();
        assert_eq!((r.until - now).num_seconds(), 32);
    }

    #[test]
    fn the_owner_at_a_known_address_is_not_held_up_by_an_attack_elsewhere() {
        let p = LoginPolicy::default();
        let blocked = Counter { failures: 30, blocked_until: Some(t(70)), ..Counter::fresh(t(0)) };
        let known = Counter { last_success: Some(t(-86_400)), ..Counter::fresh(t(0)) };
        let c = Counters { pair: known, username: blocked, address: Counter { blocked_until: Some(t(50)), ..blocked } };
        let admitted = admit(&p, c, t(10)).unwrap();
        assert_eq!(admitted.username, blocked, "not counted against the name either");
        // Older than 30 days the address is no longer known.
        let stale = Counter { last_success: Some(t(10) - Duration::days(31)), ..known };
        assert_eq!(admit(&p, Counters { pair: stale, ..c }, t(10)).unwrap_err().scope, Scope::Username);
        // The pair's own limit still applies at a known address.
        let (n, _) = burst(&p, c, 10, t(10));
        assert_eq!(n, 5);
    }

    #[test]
    fn a_success_clears_the_pair_and_gives_the_attempt_back() {
        let p = LoginPolicy::default();
        let admitted = admit(&p, counters(3, 10, 7), t(10)).unwrap();
        assert_eq!(admitted.username.blocked_until, Some(t(12)), "the 11th failure of the name: 2 s");
        let after = apply_success(admitted, on_success(&p, &admitted, t(10)), t(10));
        assert_eq!((after.pair.failures, after.pair.last_success), (0, Some(t(10))));
        assert_eq!((after.username.failures, after.address.failures), (10, 7));
        // Signing in often never builds up a delay.
        let mut c = counters(0, 0, 0);
        for i in 0..100 {
            let admitted = admit(&p, c, t(i)).unwrap();
            c = apply_success(admitted, on_success(&p, &admitted, t(i)), t(i));
        }
        assert_eq!((c.username.failures, c.address.failures, c.pair.failures), (0, 0, 0));
    }
}
