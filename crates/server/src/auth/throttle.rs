//! Login throttling per client address, in memory: after [`MAX_FAILURES`] failed logins
//! within [`WINDOW`] an address must wait until the window has passed. A successful login
//! does not clear the count, or an account holder could alternate guesses at other
//! accounts with sign-ins to their own. (Accounts are locked
//! in the database after repeated failures as well, which all server instances share.)

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Failed logins per address and window before further attempts are refused.
pub const MAX_FAILURES: u32 = 20;
/// The window.
pub const WINDOW: Duration = Duration::from_secs(15 * 60);
/// Addresses remembered at most (oldest windows are dropped first).
const MAX_TRACKED: usize = 100_000;

/// Failed logins per address.
#[derive(Debug, Default)]
pub struct Throttle {
    failures: Mutex<HashMap<IpAddr, (Instant, u32)>>,
}

impl Throttle {
    /// How long `addr` must still wait, if it is throttled.
    pub fn wait(&self, addr: IpAddr) -> Option<Duration> {
        let now = Instant::now();
        let failures = self.failures.lock().ok()?;
        let (start, count) = failures.get(&addr)?;
        let elapsed = now.duration_since(*start);
        (*count >= MAX_FAILURES && elapsed < WINDOW).then(|| WINDOW.saturating_sub(elapsed))
    }

    /// Records a failed login from `addr`.
    pub fn fail(&self, addr: IpAddr) {
        let now = Instant::now();
        let Ok(mut failures) = self.failures.lock() else { return };
        if failures.len() >= MAX_TRACKED {
            failures.retain(|_, (start, _)| now.duration_since(*start) < WINDOW);
        }
        let entry = failures.entry(addr).or_insert((now, 0));
        if now.duration_since(entry.0) >= WINDOW {
            *entry = (now, 0);
        }
        entry.1 = entry.1.saturating_add(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_is_throttled_after_the_limit_whatever_succeeds_in_between() {
        let t = Throttle::default();
        let a: IpAddr = "127.0.0.2".parse().unwrap();
        for _ in 0..MAX_FAILURES - 1 {
            t.fail(a);
        }
        assert_eq!(t.wait(a), None);
        t.fail(a);
        assert!(t.wait(a).is_some());
        // Nothing but the window's end clears the count (a successful sign-in has no way to):
        // guesses at other accounts stay counted for the whole window.
        assert!(t.wait(a).is_some_and(|w| w > WINDOW - Duration::from_secs(60)));
        let other: IpAddr = "127.0.0.3".parse().unwrap();
        assert_eq!(t.wait(other), None);
    }
}
