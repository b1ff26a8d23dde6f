//! An in-memory fixed-window limiter keyed by client address, for requests that cost the server work
//! but need no account (captcha images). One-time codes are limited in the store instead (`auth.rs`),
//! because those limits must survive a restart and hold across instances.
//!
//! Written here rather than taken from a crate (`governor`) because it reads time from the injected
//! [`Clock`](tokhai_core::Clock) like the rest of the service, so its tests need no sleeping.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;

use crate::store::Millis;

/// At most `max` requests per client address in each window of `window_ms`.
#[derive(Debug)]
pub(crate) struct WindowLimiter {
    window_ms: Millis,
    max: u32,
    /// Addresses tracked at once; beyond this, stale windows are dropped, and if every window is still
    /// live (a flood from many addresses) new addresses are refused until windows expire.
    max_keys: usize,
    windows: Mutex<HashMap<IpAddr, (Millis, u32)>>,
}

impl WindowLimiter {
    pub(crate) fn new(window_ms: Millis, max: u32, max_keys: usize) -> Self {
        Self {
            window_ms,
            max,
            max_keys,
            windows: Mutex::new(HashMap::new()),
        }
    }

    /// Counts one request from `client` at `now`; `Err(seconds)` says when to retry.
    pub(crate) fn check(&self, client: IpAddr, now: Millis) -> Result<(), u64> {
        let mut windows = self
            .windows
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if !windows.contains_key(&client) && windows.len() >= self.max_keys {
            windows.retain(|_, (start, _)| now - *start < self.window_ms);
            if windows.len() >= self.max_keys {
                return Err(self.retry_after(self.window_ms));
            }
        }
        let (start, count) = windows.entry(client).or_insert((now, 0));
        if now - *start >= self.window_ms {
            *start = now;
            *count = 0;
        }
        if *count >= self.max {
            return Err(self.retry_after(self.window_ms - (now - *start)));
        }
        *count += 1;
        Ok(())
    }

    fn retry_after(&self, remaining_ms: Millis) -> u64 {
        u64::try_from(remaining_ms.clamp(1_000, self.window_ms.max(1_000)))
            .unwrap_or(1_000)
            .div_ceil(1_000)
    }
}

#[cfg(test)]
mod tests {
    use std::net::Ipv4Addr;

    use super::*;

    fn ip(last: u8) -> IpAddr {
        IpAddr::V4(Ipv4Addr::new(192, 0, 2, last))
    }

    #[test]
    fn allows_max_per_window_then_tells_when_to_retry() {
        let limiter = WindowLimiter::new(60_000, 3, 100);
        for _ in 0..3 {
            assert_eq!(limiter.check(ip(1), 1_000), Ok(()));
        }
        assert_eq!(limiter.check(ip(1), 11_000), Err(50));
        // Another address has its own window.
        assert_eq!(limiter.check(ip(2), 11_000), Ok(()));
        // A new window starts once the old one is over.
        assert_eq!(limiter.check(ip(1), 61_000), Ok(()));
    }

    #[test]
    fn a_flood_from_many_addresses_is_bounded_in_memory() {
        let limiter = WindowLimiter::new(60_000, 3, 2);
        assert_eq!(limiter.check(ip(1), 0), Ok(()));
        assert_eq!(limiter.check(ip(2), 0), Ok(()));
        assert_eq!(limiter.check(ip(3), 30_000), Err(60));
        // Known addresses keep their allowance.
        assert_eq!(limiter.check(ip(1), 30_000), Ok(()));
        // Expired windows make room again.
        assert_eq!(limiter.check(ip(3), 60_000), Ok(()));
        assert!(limiter.windows.lock().unwrap().len() <= 2);
    }
}
