//! When to talk to the hub. Pure: the caller passes the time, the number of unsent events and
//! whether a person (or a local write) asked for a sync; `decide` answers what to do now.
//!
//! - Healthy link: a round starts at once when there is unsent work or a nudge, and at least
//!   every `PULL_EVERY_MS` anyway, to bring down cases transferred to the station.
//! - After a failure: full rounds back off exponentially with jitter, capped at
//!   `MAX_BACKOFF_MS` (5 minutes). Meanwhile, while there is unsent work, a cheap probe
//!   (`GET /v1/health`) runs every `PROBE_EVERY_MS`; when it succeeds the backoff ends, so
//!   an attempt starts within 30 seconds of the hub becoming reachable.

use std::time::Duration;

pub const PULL_EVERY_MS: i64 = 60_000;
pub const PROBE_EVERY_MS: i64 = 20_000;
pub const BASE_BACKOFF_MS: i64 = 5_000;
pub const MAX_BACKOFF_MS: i64 = 300_000;
/// The longest the worker sleeps before deciding again.
pub const TICK_MS: i64 = 5_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// Run a full round (push, then pull).
    Attempt,
    /// Check whether the hub answers at all.
    Probe,
    Wait(Duration),
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Schedule {
    pub failures: u32,
    /// Earliest time the next full round may start.
    pub next_attempt_ms: i64,
    pub last_probe_ms: i64,
    pub last_success_ms: i64,
}

fn wait(ms: i64) -> Action {
    Action::Wait(Duration::from_millis(ms.clamp(1, TICK_MS) as u64))
}

impl Schedule {
    pub fn decide(&self, now_ms: i64, unsent: u64, nudged: bool) -> Action {
        let wants = unsent > 0 || nudged;
        if self.failures == 0 {
            let pull_due = self.last_success_ms + PULL_EVERY_MS;
            if wants || now_ms >= pull_due {
                return Action::Attempt;
            }
            return wait(pull_due - now_ms);
        }
        if now_ms >= self.next_attempt_ms {
            return Action::Attempt;
        }
        let probe_due = self.last_probe_ms + PROBE_EVERY_MS;
        if wants && now_ms >= probe_due {
            return Action::Probe;
        }
        let until = if wants { probe_due.min(self.next_attempt_ms) } else { self.next_attempt_ms };
        wait(until - now_ms)
    }

    pub fn on_success(&mut self, now_ms: i64) {
        self.failures = 0;
        self.last_success_ms = now_ms;
        self.next_attempt_ms = now_ms;
    }

    /// `jitter` is a random number in [0, 1).
    pub fn on_failure(&mut self, now_ms: i64, jitter: f64) {
        self.failures = self.failures.saturating_add(1);
        let exp =
            BASE_BACKOFF_MS.saturating_mul(1i64 << (self.failures - 1).min(20)).min(MAX_BACKOFF_MS);
        let delay = exp / 2 + ((exp / 2) as f64 * jitter.clamp(0.0, 1.0)) as i64;
        self.next_attempt_ms = now_ms + delay;
        self.last_probe_ms = now_ms;
    }

    pub fn on_probe(&mut self, now_ms: i64, reachable: bool) {
        self.last_probe_ms = now_ms;
        if reachable {
            self.next_attempt_ms = now_ms;
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// Simulates the worker against a hub whose reachability changes over time.
    /// Returns the times full rounds started and whether each succeeded.
    fn simulate(
        outages: &[(i64, i64)],
        horizon: i64,
        jitters: &[f64],
        unsent_from: i64,
    ) -> Vec<(i64, bool)> {
        let reachable = |t: i64| !outages.iter().any(|(a, b)| t >= *a && t < *b);
        let mut s = Schedule::default();
        let mut t = 0;
        let mut rounds = Vec::new();
        let mut unsent = 0u64;
        let mut j = 0;
        while t < horizon {
            if t >= unsent_from && unsent == 0 && rounds.iter().all(|(rt, _)| *rt < unsent_from) {
                unsent = 5;
            }
            match s.decide(t, unsent, false) {
                Action::Attempt => {
                    let ok = reachable(t);
                    rounds.push((t, ok));
                    if ok {
                        s.on_success(t);
                        unsent = 0;
                    } else {
                        s.on_failure(t, jitters[j % jitters.len()]);
                        j += 1;
                    }
                    t += 1_000; // a round takes a second
                }
                Action::Probe => {
                    s.on_probe(t, reachable(t));
                    t += 200;
                }
                Action::Wait(d) => t += d.as_millis() as i64,
            }
        }
        rounds
    }

    #[test]
    fn healthy_link_syncs_at_once_and_pulls_every_minute() {
        let s = Schedule { last_success_ms: 1_000, ..Default::default() };
        assert_eq!(s.decide(2_000, 1, false), Action::Attempt);
        assert_eq!(s.decide(2_000, 0, true), Action::Attempt);
        assert_eq!(s.decide(2_000, 0, false), Action::Wait(Duration::from_millis(5_000)));
        assert_eq!(s.decide(61_000, 0, false), Action::Attempt);
    }

    #[test]
    fn backoff_doubles_and_is_capped() {
        let mut s = Schedule::default();
        let mut delays = Vec::new();
        for _ in 0..12 {
            s.on_failure(0, 1.0);
            delays.push(s.next_attempt_ms);
        }
        assert_eq!(&delays[..4], &[5_000, 10_000, 20_000, 40_000]);
        assert!(delays.iter().all(|d| *d <= MAX_BACKOFF_MS));
        assert_eq!(*delays.last().unwrap(), MAX_BACKOFF_MS);
    }

    proptest! {
        /// Liveness: with unsent work, once the hub is reachable (and stays so), a round starts
        /// within 30 seconds. And while it is unreachable, rounds are never closer than the
        /// backoff allows after the first few failures, nor further apart than 5 minutes.
        #[test]
        fn attempts_start_within_30s_of_reachability(
            outage_start in 0i64..600_000,
            outage_len in 1_000i64..3_600_000,
            jitters in proptest::collection::vec(0.0f64..1.0, 1..8),
        ) {
            let outage_end = outage_start + outage_len;
            let horizon = outage_end + 120_000;
            let rounds = simulate(&[(outage_start, outage_end)], horizon, &jitters, outage_start);
            let first_after = rounds.iter().find(|(t, ok)| *t >= outage_end && *ok);
            prop_assert!(first_after.is_some(), "no successful round after the outage: {rounds:?}");
            let (t, _) = first_after.unwrap();
            prop_assert!(*t - outage_end <= 30_000, "first round {} ms after the hub came back", t - outage_end);
            let failed: Vec<i64> = rounds.iter().filter(|(_, ok)| !ok).map(|(t, _)| *t).collect();
            for w in failed.windows(2) {
                prop_assert!(w[1] - w[0] <= MAX_BACKOFF_MS + 1_000 + TICK_MS);
            }
        }
    }
}
