//! The convergence oracle: after every station has synced (twice), compare every replica with
//! the hub's database.
//!
//! What a station may see is computed here from the hub's events and the unit hierarchy, by the
//! rules of the sync design (not by asking the hub which units it fed): a unit sees a stream
//! when the stream addresses it or a unit below it. A case registration addresses the receiving
//! unit and the writer's; a transfer down, up or to co-handling addresses its target unit; an
//! organisation event (unit, staff, device, roving, consultation) addresses its writer's unit.
//! Quarantined events are seen by no one but their writer.

use std::collections::{BTreeMap, BTreeSet};

use casedesk_proto::Event;
use serde_json::Value;

use crate::craft::Crafter;
use crate::hub::{Hub, HubEvent};
use crate::station::{Station, UnitSpec};

/// Unit → parent.
pub struct Hierarchy(BTreeMap<String, Option<String>>);

impl Hierarchy {
    pub fn of(units: &[UnitSpec]) -> Hierarchy {
        Hierarchy(units.iter().map(|u| (u.code.to_owned(), u.parent.map(str::to_owned))).collect())
    }

    /// Whether `viewer` is `unit` or one of its ancestors.
    pub fn covers(&self, viewer: &str, unit: &str) -> bool {
        let mut at = Some(unit.to_owned());
        let mut steps = 0;
        while let Some(u) = at {
            if u == viewer {
                return true;
            }
            steps += 1;
            assert!(steps < 64, "unit hierarchy loop at {u}");
            at = self.0.get(&u).cloned().flatten();
        }
        false
    }
}

/// The units an event addresses (see the module documentation).
pub fn addressed(e: &Event) -> Vec<String> {
    let text = |key: &str| match e.payload.get(key) {
        Some(Value::String(s)) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        _ => None,
    };
    let org = ["unit.", "staff.", "device.", "roving.", "consultation."];
    match e.kind.as_str() {
        "case.registered" => text("unit").into_iter().chain([e.unit.clone()]).collect(),
        "case.transferred" => match text("kind").as_deref() {
            Some("down" | "up" | "co_handle") => text("to_unit").into_iter().collect(),
            _ => Vec::new(),
        },
        k if org.iter().any(|p| k.starts_with(p)) => vec![e.unit.clone()],
        _ => Vec::new(),
    }
}

/// Counts, for the test's own messages.
#[derive(Debug, Default)]
pub struct Converged {
    pub hub_events: usize,
    /// Station label (its unit code unless it is a second device) → events held.
    pub held: BTreeMap<String, usize>,
}

/// Checks, and panics with the first difference found:
/// - no duplicates: event ids, and (device, seq) pairs, are unique at the hub and at every
///   station;
/// - nothing lost: every station's own events are at the hub with the same hash, and the hub
///   acknowledges each device up to its last event; the hub holds nothing no station wrote;
/// - each station holds exactly its own events plus the events of the streams its unit may
///   see, with the hub's hashes (all replicas equal where they overlap);
/// - `casedesk verify` passes on every station.
#[track_caller]
pub fn assert_converged(hub: &Hub, stations: &[&Station], units: &Hierarchy) -> Converged {
    assert_converged_with(hub, stations, &[], units)
}

/// `assert_converged`, with devices whose chains were extended by hand (`craft`): each of
/// their events is at the hub exactly as sent, the hub acknowledges their whole chain, and
/// nothing else of theirs is there. What they hold themselves is not checked (their databases
/// never saw the crafted events).
#[track_caller]
pub fn assert_converged_with(
    hub: &Hub,
    stations: &[&Station],
    crafted: &[&Crafter],
    units: &Hierarchy,
) -> Converged {
    let hub_events = hub.events();
    let mut by_id: BTreeMap<String, (&Event, bool)> = BTreeMap::new();
    let mut pairs = BTreeSet::new();
    for h in &hub_events {
        let id = h.event.id.to_string();
        assert!(
            by_id.insert(id.clone(), (&h.event, h.quarantined)).is_none(),
            "hub: event {id} twice"
        );
        assert!(
            pairs.insert((h.event.device.to_string(), h.event.seq)),
            "hub: device {} seq {} twice",
            h.event.device,
            h.event.seq
        );
    }

    let audience = audiences(&hub_events);

    let acked = hub.acked();
    let crafted_ids: Vec<String> = crafted.iter().map(|c| c.device.to_string()).collect();
    let devices: BTreeSet<&str> = stations
        .iter()
        .flat_map(|s| {
            std::iter::once(s.device.as_str()).chain(s.former_devices.iter().map(String::as_str))
        })
        .chain(crafted_ids.iter().map(String::as_str))
        .collect();
    for h in &hub_events {
        let d = h.event.device.to_string();
        assert!(
            devices.contains(d.as_str()),
            "hub holds event {} of unknown device {d}",
            h.event.id
        );
    }
    let mut out = Converged { hub_events: hub_events.len(), ..Converged::default() };
    let mut own_total = 0;
    for c in crafted {
        for e in c.chain() {
            let Some((at_hub, _)) = by_id.get(&e.id.to_string()) else {
                panic!("{}: event {} (seq {}, {}) is not at the hub", c.label, e.id, e.seq, e.kind)
            };
            assert_eq!(at_hub.hash, e.hash, "{}: event {} differs at the hub", c.label, e.id);
        }
        own_total += c.chain().len();
        let head = c.chain().last().map_or(0, |e| e.seq);
        assert_eq!(
            acked.get(&c.device.to_string()).copied(),
            Some(head),
            "{}: hub acknowledged seq",
            c.label
        );
    }
    for st in stations {
        // A device a restore retired: its chain at the hub is whole (acknowledged to its end,
        // no gaps) and counts as this station's; what the station holds of it is checked below
        // like any replica's.
        for former in &st.former_devices {
            let seqs: BTreeSet<u64> = hub_events
                .iter()
                .filter(|h| h.event.device.to_string() == *former)
                .map(|h| h.event.seq)
                .collect();
            let head = seqs.iter().max().copied().unwrap_or(0);
            assert_eq!(seqs.len() as u64, head, "{}: former device {former} has gaps", st.label);
            assert_eq!(
                acked.get(former).copied().unwrap_or(0),
                head,
                "{}: hub acknowledged seq of former device {former}",
                st.label
            );
            own_total += seqs.len();
        }
        let held = st.events();
        let mut ids = BTreeSet::new();
        let mut seqs = BTreeSet::new();
        for e in &held {
            assert!(ids.insert(e.id.clone()), "{}: event {} twice", st.label, e.id);
            assert!(
                seqs.insert((e.device.clone(), e.seq)),
                "{}: {} seq {} twice",
                st.label,
                e.device,
                e.seq
            );
        }
        // Nothing lost.
        let own: Vec<_> = held.iter().filter(|e| e.device == st.device).collect();
        own_total += own.len();
        for e in &own {
            let Some((at_hub, _)) = by_id.get(&e.id) else {
                panic!(
                    "{}: own event {} (seq {}, {}) never reached the hub",
                    st.label, e.id, e.seq, e.kind
                )
            };
            assert_eq!(
                at_hub.hash.to_hex(),
                e.hash,
                "{}: event {} differs at the hub",
                st.label,
                e.id
            );
        }
        let head = own.iter().map(|e| e.seq).max().unwrap_or(0);
        assert_eq!(own.len() as u64, head, "{}: own sequence has gaps", st.label);
        assert_eq!(
            acked.get(&st.device).copied(),
            Some(head),
            "{}: hub acknowledged seq",
            st.label
        );

        // Exactly what the unit may see.
        let expected = expected_at(st, &hub_events, &audience, units);
        let missing: Vec<String> =
            expected.difference(&ids).map(|id| describe(id, &by_id)).take(5).collect();
        let extra: Vec<String> =
            ids.difference(&expected).map(|id| describe(id, &by_id)).take(5).collect();
        assert!(
            missing.is_empty() && extra.is_empty(),
            "{} holds {} events, expected {}: missing {missing:?}, unexpected {extra:?}",
            st.label,
            ids.len(),
            expected.len()
        );
        for e in &held {
            let (at_hub, _) = by_id[&e.id];
            assert_eq!(
                at_hub.hash.to_hex(),
                e.hash,
                "{}: event {} differs from the hub's",
                st.label,
                e.id
            );
        }
        st.verify_ok();
        out.held.insert(st.label.clone(), held.len());
    }
    assert_eq!(own_total, hub_events.len(), "the hub holds events no station wrote");
    out
}

/// Which units each stream addresses (accepted events only).
fn audiences(hub_events: &[HubEvent]) -> BTreeMap<String, BTreeSet<String>> {
    let mut audience: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for h in hub_events.iter().filter(|h| !h.quarantined) {
        audience.entry(h.event.stream.to_string()).or_default().extend(addressed(&h.event));
    }
    audience
}

/// The ids of the events `st` must hold: its own, and the accepted events of every stream
/// that addresses its unit or a unit below it.
fn expected_at(
    st: &Station,
    hub_events: &[HubEvent],
    audience: &BTreeMap<String, BTreeSet<String>>,
    units: &Hierarchy,
) -> BTreeSet<String> {
    hub_events
        .iter()
        .filter(|h| {
            let e = &h.event;
            e.device.to_string() == st.device
                || st.former_devices.contains(&e.device.to_string())
                || (!h.quarantined
                    && audience
                        .get(&e.stream.to_string())
                        .is_some_and(|to| to.iter().any(|u| units.covers(&st.unit, u))))
        })
        .map(|h| h.event.id.to_string())
        .collect()
}

/// What a long randomised run reports before the oracle judges it: counts, not a verdict.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Census {
    /// Events at the hub.
    pub events: usize,
    /// Events some station wrote that the hub does not hold (with the same hash).
    pub lost: usize,
    /// Event ids, and (device, seq) pairs, the hub holds more than once.
    pub duplicated: usize,
    /// Stations that do not hold exactly what their unit may see.
    pub diverged: usize,
}

/// Counts what `assert_converged` would judge (without the `verify` runs).
pub fn census(hub: &Hub, stations: &[&Station], units: &Hierarchy) -> Census {
    let hub_events = hub.events();
    let ids: BTreeMap<String, String> =
        hub_events.iter().map(|h| (h.event.id.to_string(), h.event.hash.to_hex())).collect();
    let pairs: BTreeSet<(String, u64)> =
        hub_events.iter().map(|h| (h.event.device.to_string(), h.event.seq)).collect();
    let audience = audiences(&hub_events);
    let mut out = Census {
        events: hub_events.len(),
        duplicated: (hub_events.len() - ids.len()) + (hub_events.len() - pairs.len()),
        ..Census::default()
    };
    for st in stations {
        let held = st.events();
        out.lost += held
            .iter()
            .filter(|e| e.device == st.device && ids.get(&e.id) != Some(&e.hash))
            .count();
        let held: BTreeSet<String> = held.into_iter().map(|e| e.id).collect();
        if held != expected_at(st, &hub_events, &audience, units) {
            out.diverged += 1;
        }
    }
    out
}

fn describe(id: &str, by_id: &BTreeMap<String, (&Event, bool)>) -> String {
    match by_id.get(id) {
        Some((e, q)) => format!(
            "{id} ({} of {} seq {}{})",
            e.kind,
            e.unit,
            e.seq,
            if *q { ", quarantined" } else { "" }
        ),
        None => format!("{id} (not at the hub)"),
    }
}

/// Every case held by two or more stations has the same row (`case list --json`) everywhere.
/// Returns how many (case, station pair) comparisons were made.
#[track_caller]
pub fn assert_projections_equal(stations: &[&Station]) -> usize {
    let rows: Vec<(String, BTreeMap<String, Value>)> =
        stations.iter().map(|s| (s.label.clone(), s.case_rows())).collect();
    let mut compared = 0;
    for (i, (unit_a, a)) in rows.iter().enumerate() {
        for (unit_b, b) in &rows[i + 1..] {
            for (id, row) in a {
                if let Some(other) = b.get(id) {
                    assert_eq!(row, other, "case {id} differs between {unit_a} and {unit_b}");
                    compared += 1;
                }
            }
        }
    }
    compared
}
