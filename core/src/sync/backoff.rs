//! Retry delays (pure): exponential backoff with full jitter, never sooner than the server's
//! `Retry-After`. The randomness is injected (`Jitter`) so tests are reproducible.

use std::time::Duration;

use chrono::{DateTime, Utc};

/// A source of uniform numbers in `[0, 1)`.
pub trait Jitter {
    /// The next number in `[0, 1)`.
    fn unit(&mut self) -> f64;
}

/// A small seeded generator (SplitMix64) for tests and simulations.
#[derive(Debug, Clone)]
pub struct SeededJitter(u64);

impl SeededJitter {
    /// A generator starting from `seed`.
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }
}

impl Jitter for SeededJitter {
    fn unit(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        (z >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// The operating system's random numbers (through `ring`).
#[derive(Debug, Default, Clone, Copy)]
pub struct OsJitter;

impl Jitter for OsJitter {
    fn unit(&mut self) -> f64 {
        use ring::rand::SecureRandom as _;
        let mut b = [0u8; 8];
        // Should the system generator fail, the middle of the range is still a valid delay.
        if ring::rand::SystemRandom::new().fill(&mut b).is_err() {
            return 0.5;
        }
        (u64::from_be_bytes(b) >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// How long to wait after failures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BackoffPolicy {
    /// The ceiling after the first failure.
    pub base: Duration,
    /// The largest ceiling.
    pub cap: Duration,
}

impl Default for BackoffPolicy {
    /// 5 seconds, doubling to at most 15 minutes.
    fn default() -> Self {
        Self {
            base: Duration::from_secs(5),
            cap: Duration::from_secs(15 * 60),
        }
    }
}

impl BackoffPolicy {
    /// The ceiling after `failures` failures in a row (≥ 1): `min(cap, base · 2^(failures−1))`.
    pub fn ceiling(&self, failures: u32) -> Duration {
        let doublings = failures.saturating_sub(1).min(30);
        self.base.saturating_mul(1u32 << doublings).min(self.cap)
    }

    /// The delay before the next attempt after `failures` failures in a row: uniform in
    /// `[0, ceiling)` ("full jitter"), and never shorter than `retry_after` when the server sent one.
    pub fn delay(&self, failures: u32, retry_after: Option<Duration>, jitter: &mut dyn Jitter) -> Duration {
        let u = jitter.unit().clamp(0.0, 1.0);
        let jittered = self.ceiling(failures).mul_f64(u);
        match retry_after {
            Some(r) => jittered.max(r),
            None => jittered,
        }
    }
}

/// Parses a `Retry-After` header: delay-seconds or an HTTP date (relative to `now`).
pub fn parse_retry_after(value: &str, now: DateTime<Utc>) -> Option<Duration> {
    let v = value.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs.min(24 * 3600)));
    }
    let at = DateTime::parse_from_rfc2822(v).ok()?.with_timezone(&Utc);
    Some((at - now).to_std().unwrap_or(Duration::ZERO))
}
