//! Events a legitimately enrolled device sends without `casedesk` having written them: a
//! forged, tampered or buggy station. A `Crafter` takes over an enrolled station's device (its
//! token, its pinned hub, its chain as the hub holds it), seals new events onto that chain and
//! pushes them with the real client (`casedesk_sync::http::HttpTransport`), as
//! `sync_faults::resend` does.
//!
//! The station's database never holds the crafted events, so it must not run `casedesk sync`
//! again (the hub would hold more of its chain than it does); the oracle takes the crafter's
//! chain instead (`replicas::assert_converged_with`).

use casedesk_proto::sign::SecretKey;
use casedesk_proto::sync::PushReceipt;
use casedesk_proto::{Event, Hlc};
use casedesk_sync::http::HttpTransport;
use casedesk_sync::{HubEndpoint, SyncError, Transport, signed_batch};
use serde_json::Value;
use uuid::Uuid;

use crate::station::Station;

/// An enrolled device's chain, extended by hand.
pub struct Crafter {
    pub label: String,
    pub unit: String,
    pub device: Uuid,
    endpoint: HubEndpoint,
    token: String,
    /// The device's signing key, as the station holds it (batches are signed like the real
    /// client's; a device enrolled before keys existed has none).
    key: Option<SecretKey>,
    /// The device's whole chain: what its station wrote, then what was crafted and pushed.
    chain: Vec<Event>,
}

impl Crafter {
    /// Takes over `st`'s device. Its events must all be at the hub (sync it first).
    pub fn take_over(st: &Station) -> Crafter {
        let (endpoint, token) = endpoint(st);
        let chain = st.own_chain(1, u64::MAX);
        assert_eq!(chain.len() as u64, st.head(), "{}: chain", st.label);
        Crafter {
            label: format!("{} (crafted)", st.label),
            unit: st.unit.clone(),
            device: st.device.parse().expect("device id"),
            endpoint,
            token,
            key: st.sync_state("device_key").and_then(|k| SecretKey::from_seed_hex(&k)),
            chain,
        }
    }

    /// The next event of the chain, stamped now: `kind` with `payload` on `stream`. Not pushed.
    pub fn next(&self, stream: Uuid, kind: &str, payload: Value) -> Event {
        let now = chrono::Utc::now().timestamp_millis().max(0) as u64;
        self.next_at(stream, kind, payload, Hlc::new(now, 0))
    }

    /// The next event of the chain with the clock `hlc`.
    pub fn next_at(&self, stream: Uuid, kind: &str, payload: Value, hlc: Hlc) -> Event {
        self.after(self.chain.last(), stream, kind, payload, hlc)
    }

    /// The event after `prev` (None: the first of the chain).
    fn after(
        &self,
        prev: Option<&Event>,
        stream: Uuid,
        kind: &str,
        payload: Value,
        hlc: Hlc,
    ) -> Event {
        Event {
            id: Uuid::now_v7(),
            stream,
            device: self.device,
            seq: prev.map_or(1, |p| p.seq + 1),
            hlc,
            actor: None,
            unit: self.unit.clone(),
            kind: kind.into(),
            v: 1,
            payload,
            prev: prev.map_or(casedesk_proto::ZERO_HASH, |p| p.hash),
            hash: casedesk_proto::ZERO_HASH,
        }
        .seal()
    }

    /// Several events chained one after the other (not pushed): `(stream, kind, payload)`.
    pub fn chain_of(&self, items: Vec<(Uuid, &str, Value)>) -> Vec<Event> {
        let mut out: Vec<Event> = Vec::new();
        for (stream, kind, payload) in items {
            let now = chrono::Utc::now().timestamp_millis().max(0) as u64;
            let prev = out.last().or(self.chain.last());
            let e = self.after(prev, stream, kind, payload, Hlc::new(now, out.len() as u16));
            out.push(e);
        }
        out
    }

    /// Pushes `events` (which must continue the chain) in one batch with the real client; on
    /// success they are part of the chain.
    pub fn push(&mut self, events: Vec<Event>) -> Result<PushReceipt, SyncError> {
        let mut t = HttpTransport::new(&self.endpoint, &self.token)?;
        let receipt = t.push(&signed_batch(self.key.as_ref(), self.device, events.clone()))?;
        self.chain.extend(events);
        Ok(receipt)
    }

    /// `next` then `push`; panics if the push fails. Returns the event and the receipt.
    #[track_caller]
    pub fn send(&mut self, stream: Uuid, kind: &str, payload: Value) -> (Event, PushReceipt) {
        let e = self.next(stream, kind, payload);
        let r =
            self.push(vec![e.clone()]).unwrap_or_else(|err| panic!("{}: push: {err}", self.label));
        (e, r)
    }

    /// Everything the hub lets this device's unit pull, from the start.
    pub fn pull_all(&self) -> Vec<Event> {
        let mut t = HttpTransport::new(&self.endpoint, &self.token).expect("transport");
        pull_all(&mut t)
    }

    /// The device's whole chain (the station's events and the crafted ones pushed).
    pub fn chain(&self) -> &[Event] {
        &self.chain
    }
}

/// The hub `st` is enrolled with, and its device token.
pub fn endpoint(st: &Station) -> (HubEndpoint, String) {
    let endpoint = HubEndpoint {
        url: st.sync_state("hub").expect("enrolled: hub"),
        fingerprint: st.sync_state("fingerprint"),
        allow_plain_http: st.sync_state("allow_plain_http").is_some(),
    };
    (endpoint, st.sync_state("token").expect("enrolled: token"))
}

/// The real client of `st`'s device, outside `casedesk` (its database is not touched).
pub fn transport(st: &Station) -> HttpTransport {
    let (endpoint, token) = endpoint(st);
    HttpTransport::new(&endpoint, &token).expect("transport")
}

/// Every page of the unit's feed from position 0.
pub fn pull_all(t: &mut dyn Transport) -> Vec<Event> {
    let (mut after, mut checkpoint, mut out) = (0, None, Vec::new());
    loop {
        let page = t.pull(after, checkpoint, 500).expect("pull");
        let done = !page.more || page.events.is_empty();
        out.extend(page.events);
        (after, checkpoint) = (page.next, page.checkpoint);
        if done {
            return out;
        }
    }
}
