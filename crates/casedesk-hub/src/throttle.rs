//! Limits on how much a client can make the hub do: enrollment attempts per client address
//! (`EnrollLimiter`, a keyed GCRA limiter from `governor`) and pushes in progress (`PushSlots`:
//! a few at once for the whole hub, one at a time per device), so that no device can tie up the
//! blocking pool or the writer.

use std::collections::HashSet;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::middleware::NoOpMiddleware;
use governor::state::keyed::HashMapStateStore;
use governor::{Quota, RateLimiter};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use uuid::Uuid;

use crate::error::HubError;

/// Seconds a client is told to wait when every push slot is taken.
pub const BUSY_RETRY_SECS: u64 = 2;

/// Keys tracked before the limiter forgets those that are back to a full allowance.
const TRACKED_ADDRESSES: usize = 10_000;

/// At most `attempts` enrollment attempts per `period` from one client address (an IPv6
/// address counts by its /64 network), with the allowance coming back steadily.
pub struct EnrollLimiter<C: Clock = DefaultClock> {
    limiter: RateLimiter<IpAddr, HashMapStateStore<IpAddr>, C, NoOpMiddleware<C::Instant>>,
    clock: C,
}

impl EnrollLimiter<DefaultClock> {
    pub fn new(attempts: u32, period: Duration) -> EnrollLimiter<DefaultClock> {
        EnrollLimiter::with_clock(attempts, period, DefaultClock::default())
    }
}

impl<C: Clock + Clone> EnrollLimiter<C> {
    pub fn with_clock(attempts: u32, period: Duration, clock: C) -> EnrollLimiter<C> {
        let burst = NonZeroU32::new(attempts).unwrap_or(NonZeroU32::MIN);
        let interval = (period / burst.get()).max(Duration::from_millis(1));
        let quota = Quota::with_period(interval).unwrap_or(Quota::per_second(burst));
        let limiter = RateLimiter::hashmap_with_clock(quota.allow_burst(burst), clock.clone());
        EnrollLimiter { limiter, clock }
    }

    /// Counts one attempt from `addr`: `RateLimited` with the seconds to wait when it is over
    /// its allowance.
    pub fn check(&self, addr: IpAddr) -> Result<(), HubError> {
        if self.limiter.len() > TRACKED_ADDRESSES {
            self.limiter.retain_recent();
        }
        self.limiter.check_key(&key(addr)).map_err(|not_until| {
            let wait = not_until.wait_time_from(self.clock.now());
            HubError::RateLimited { retry_after_secs: wait.as_secs() + 1 }
        })
    }
}

/// The key of an address: IPv4 (also when mapped into IPv6) as it is, IPv6 by its /64.
fn key(addr: IpAddr) -> IpAddr {
    match addr.to_canonical() {
        IpAddr::V6(v6) => {
            let network = u128::from(v6) & !((1u128 << 64) - 1);
            IpAddr::V6(network.into())
        }
        v4 => v4,
    }
}

/// Pushes in progress: at most `max` at once for the hub, one per device.
pub struct PushSlots {
    hub: Arc<Semaphore>,
    devices: Arc<Mutex<HashSet<Uuid>>>,
}

/// A push in progress; frees its slot when dropped.
pub struct PushSlot {
    _permit: OwnedSemaphorePermit,
    devices: Arc<Mutex<HashSet<Uuid>>>,
    device: Uuid,
}

impl PushSlots {
    pub fn new(max: usize) -> PushSlots {
        PushSlots { hub: Arc::new(Semaphore::new(max.max(1))), devices: Arc::default() }
    }

    /// A slot for a push of `device`, or `Busy` (with a retry delay) when the device has a
    /// push in progress already or every slot is taken.
    pub fn try_acquire(&self, device: Uuid) -> Result<PushSlot, HubError> {
        let mut devices = self.devices.lock().unwrap_or_else(PoisonError::into_inner);
        if devices.contains(&device) {
            return Err(HubError::Busy {
                reason: "this device has a push in progress",
                retry_after_secs: BUSY_RETRY_SECS,
            });
        }
        let permit = Arc::clone(&self.hub).try_acquire_owned().map_err(|_| HubError::Busy {
            reason: "the hub is working on as many pushes as it takes at once",
            retry_after_secs: BUSY_RETRY_SECS,
        })?;
        devices.insert(device);
        Ok(PushSlot { _permit: permit, devices: Arc::clone(&self.devices), device })
    }
}

impl Drop for PushSlot {
    fn drop(&mut self) {
        self.devices.lock().unwrap_or_else(PoisonError::into_inner).remove(&self.device);
    }
}

#[cfg(test)]
mod tests {
    use std::net::{Ipv4Addr, Ipv6Addr};

    use governor::clock::FakeRelativeClock;

    use super::*;

    #[test]
    fn ten_attempts_per_ten_minutes_per_address() {
        let clock = FakeRelativeClock::default();
        let limiter = EnrollLimiter::with_clock(10, Duration::from_secs(600), clock.clone());
        let a = IpAddr::V4(Ipv4Addr::new(10, 20, 1, 5));
        let b = IpAddr::V4(Ipv4Addr::new(10, 20, 1, 6));
        for _ in 0..10 {
            limiter.check(a).expect("within the allowance");
        }
        let Err(HubError::RateLimited { retry_after_secs }) = limiter.check(a) else {
            panic!("the 11th attempt is refused");
        };
        assert!((1..=61).contains(&retry_after_secs), "{retry_after_secs}");
        limiter.check(b).expect("another address has its own allowance");
        // One attempt comes back every minute; all ten after ten minutes.
        clock.advance(Duration::from_secs(60));
        limiter.check(a).expect("one more after a minute");
        assert!(limiter.check(a).is_err());
        clock.advance(Duration::from_secs(600));
        for _ in 0..10 {
            limiter.check(a).expect("a full allowance again");
        }
        assert!(limiter.check(a).is_err());
    }

    #[test]
    fn an_ipv6_network_counts_as_one_address() {
        let limiter =
            EnrollLimiter::with_clock(2, Duration::from_secs(600), FakeRelativeClock::default());
        let one: Ipv6Addr = "2001:db8:1:2::1".parse().expect("ip");
        let two: Ipv6Addr = "2001:db8:1:2:ffff::9".parse().expect("ip");
        let other: Ipv6Addr = "2001:db8:1:3::1".parse().expect("ip");
        limiter.check(IpAddr::V6(one)).expect("first");
        limiter.check(IpAddr::V6(two)).expect("second, same /64");
        assert!(limiter.check(IpAddr::V6(one)).is_err());
        limiter.check(IpAddr::V6(other)).expect("another /64");
        // An IPv4 address mapped into IPv6 is that IPv4 address.
        let mapped = IpAddr::V6(Ipv4Addr::new(10, 0, 0, 1).to_ipv6_mapped());
        limiter.check(mapped).expect("first");
        limiter.check(IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1))).expect("second");
        assert!(limiter.check(mapped).is_err());
    }

    #[test]
    fn push_slots_per_hub_and_per_device() {
        let slots = PushSlots::new(2);
        let (a, b, c) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
        let first = slots.try_acquire(a).expect("free");
        assert!(matches!(slots.try_acquire(a), Err(HubError::Busy { .. })), "one per device");
        let second = slots.try_acquire(b).expect("free");
        assert!(matches!(slots.try_acquire(c), Err(HubError::Busy { .. })), "two at most");
        drop(first);
        let _third = slots.try_acquire(c).expect("freed");
        drop(second);
        let _again = slots.try_acquire(a).expect("a's push is over");
    }
}
