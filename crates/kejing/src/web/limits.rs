//! Limits per client address: how many sign-in attempts one address may make.
//!
//! The account lockout (five failures, in the database) stops guessing one account's password;
//! this stops one address from guessing across many accounts, and from spending the server's
//! password-hashing turns. An attempt is counted when it starts, before the password is checked,
//! so that parallel guesses cannot all slip in under the limit; a successful sign-in gives its
//! attempt back. The counts are kept in memory (a restart forgets them; the account lockout is
//! the lasting one).

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;

/// The address a connection comes from (set per connection by the server).
#[derive(Debug, Clone, Copy)]
pub struct PeerAddr(pub IpAddr);

/// Failed (or still running) sign-in attempts one address may have within a window.
pub const ADDRESS_ATTEMPTS: u32 = 30;
/// The window of [`ADDRESS_ATTEMPTS`], in seconds.
pub const ADDRESS_WINDOW: i64 = 900;
/// Addresses remembered at most (older windows are forgotten first).
const MAX_ADDRESSES: usize = 100_000;

/// Sign-in attempts per address.
#[derive(Default)]
pub struct AddressAttempts {
    seen: Mutex<HashMap<IpAddr, Window>>,
}

#[derive(Clone, Copy)]
struct Window {
    start: i64,
    count: u32,
}

/// An attempt that was allowed; [`AddressAttempts::succeeded`] gives it back.
#[derive(Debug, Clone, Copy)]
pub struct Attempt {
    addr: IpAddr,
    start: i64,
}

impl AddressAttempts {
    /// Counts an attempt from `addr` at unix second `now`; `Err(seconds)` when the address has
    /// used its attempts, with the seconds until its window ends.
    pub fn claim(&self, addr: IpAddr, now: i64) -> Result<Attempt, i64> {
        let Ok(mut seen) = self.seen.lock() else {
            return Ok(Attempt { addr, start: now });
        };
        if seen.len() >= MAX_ADDRESSES && !seen.contains_key(&addr) {
            seen.retain(|_, w| now - w.start < ADDRESS_WINDOW);
            if seen.len() >= MAX_ADDRESSES {
                // Under a flood of distinct addresses, forget those with few attempts.
                seen.retain(|_, w| w.count >= ADDRESS_ATTEMPTS / 2);
            }
        }
        let w = seen.entry(addr).or_insert(Window {
            start: now,
            count: 0,
        });
        if now - w.start >= ADDRESS_WINDOW {
            *w = Window {
                start: now,
                count: 0,
            };
        }
        if w.count >= ADDRESS_ATTEMPTS {
            return Err(w.start + ADDRESS_WINDOW - now);
        }
        w.count += 1;
        Ok(Attempt {
            addr,
            start: w.start,
        })
    }

    /// A sign-in that succeeded does not count against its address.
    pub fn succeeded(&self, attempt: Attempt) {
        if let Ok(mut seen) = self.seen.lock()
            && let Some(w) = seen.get_mut(&attempt.addr)
            && w.start == attempt.start
        {
            w.count = w.count.saturating_sub(1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn an_address_gets_its_attempts_then_waits_for_the_window() {
        let limits = AddressAttempts::default();
        for _ in 0..ADDRESS_ATTEMPTS {
            limits.claim(ip("10.0.0.1"), 100).unwrap();
        }
        assert_eq!(
            limits.claim(ip("10.0.0.1"), 160).unwrap_err(),
            ADDRESS_WINDOW - 60
        );
        // Another address is not affected.
        limits.claim(ip("10.0.0.2"), 160).unwrap();
        // The window ends.
        limits.claim(ip("10.0.0.1"), 100 + ADDRESS_WINDOW).unwrap();
    }

    #[test]
    fn a_success_gives_its_attempt_back() {
        let limits = AddressAttempts::default();
        for _ in 0..ADDRESS_ATTEMPTS * 3 {
            let a = limits.claim(ip("10.0.0.1"), 100).unwrap();
            limits.succeeded(a);
        }
    }

    #[test]
    fn a_flood_of_addresses_stays_bounded() {
        let limits = AddressAttempts::default();
        for i in 0..(MAX_ADDRESSES as u32 + 10) {
            let addr = IpAddr::V6(std::net::Ipv6Addr::from(u128::from(i)));
            limits.claim(addr, 100).unwrap();
        }
        assert!(limits.seen.lock().unwrap().len() <= MAX_ADDRESSES);
    }
}
