//! The engine against an in-memory hub with injected faults: lost replies, failed requests,
//! random interleavings of writes, pushes and pulls at several stations. Whatever happens,
//! after the links heal every replica holds every event once and the same projections.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use casedesk_proto::sync::*;
use casedesk_proto::{Event, EventHash, ZERO_HASH};
use proptest::prelude::*;
use uuid::Uuid;

use super::*;
use casedesk_domain::event::CaseEvent;
use casedesk_store::query::ListQuery;
use casedesk_store::testutil::{at, founder, registration, station_init};

#[derive(Default)]
struct FakeHub {
    log: Vec<Event>,
    ids: HashSet<Uuid>,
    heads: HashMap<Uuid, (u64, EventHash)>,
    /// Fail this many requests before doing anything.
    fail_next: u32,
    /// Do the next push, then lose the reply.
    lose_next_reply: bool,
    /// Refuse with 413 a push of more events than this.
    max_push_events: Option<usize>,
    /// Refuse with 413 a push that holds this device sequence number.
    too_large_seq: Option<u64>,
    stored_twice: u32,
    /// The hub's signing key: receipts and checkpoints are signed, the status names it.
    key: Option<casedesk_proto::sign::SecretKey>,
    /// Change the next receipt after signing it (as a forger on the way would).
    tamper_next_receipt: bool,
}

struct Link {
    hub: Rc<RefCell<FakeHub>>,
    device: Uuid,
    unit: String,
}

impl Link {
    fn fault(&self) -> Result<(), SyncError> {
        let mut h = self.hub.borrow_mut();
        if h.fail_next > 0 {
            h.fail_next -= 1;
            return Err(SyncError::Network("injected".into()));
        }
        Ok(())
    }
}

impl Transport for Link {
    fn health(&mut self) -> Result<(), SyncError> {
        self.fault()
    }

    fn status(&mut self, _head: u64) -> Result<DeviceStatus, SyncError> {
        self.fault()?;
        let h = self.hub.borrow();
        let (acked_seq, head_hash) = h.heads.get(&self.device).copied().unwrap_or((0, ZERO_HASH));
        Ok(DeviceStatus {
            device: self.device,
            unit: self.unit.clone(),
            acked_seq,
            head_hash,
            hub_time_ms: 0,
            hub_id: None,
            device_code: String::new(),
            hub_key: h.key.as_ref().map(|k| k.public_hex()),
            device_key_known: false,
            bundle_key: None,
        })
    }

    fn push(&mut self, batch: &PushBatch) -> Result<PushReceipt, SyncError> {
        self.fault()?;
        let mut h = self.hub.borrow_mut();
        let too_many = h.max_push_events.is_some_and(|n| batch.events.len() > n);
        let too_big = h.too_large_seq.is_some_and(|seq| batch.events.iter().any(|e| e.seq == seq));
        if too_many || too_big {
            return Err(SyncError::Hub {
                status: 413,
                body: ErrorBody { code: codes::TOO_LARGE.into(), message: "too large".into() },
            });
        }
        let (mut acked, mut head) = h.heads.get(&self.device).copied().unwrap_or((0, ZERO_HASH));
        let (mut stored, mut dups) = (0, 0);
        for e in &batch.events {
            assert!(e.hash_is_valid());
            if e.seq <= acked {
                dups += 1;
                continue;
            }
            assert_eq!(e.seq, acked + 1, "the engine sent a non-contiguous batch");
            assert_eq!(e.prev, head, "the engine broke the chain");
            if !h.ids.insert(e.id) {
                h.stored_twice += 1;
            }
            h.log.push(e.clone());
            acked = e.seq;
            head = e.hash;
            stored += 1;
        }
        h.heads.insert(self.device, (acked, head));
        let mut receipt = PushReceipt {
            batch_id: batch_id(self.device, &batch.events),
            device: self.device,
            acked_seq: acked,
            head_hash: head,
            stored,
            duplicates: dups,
            quarantined: vec![],
            signature: None,
        };
        if let Some(key) = &h.key {
            receipt.signature = Some(key.sign(&casedesk_proto::sign::receipt_message(&receipt)));
        }
        if h.tamper_next_receipt {
            h.tamper_next_receipt = false;
            receipt.stored += 1;
        }
        if h.lose_next_reply {
            h.lose_next_reply = false;
            return Err(SyncError::Network("reply lost".into()));
        }
        Ok(receipt)
    }

    fn pull(
        &mut self,
        after: u64,
        _checkpoint: Option<Uuid>,
        limit: u32,
    ) -> Result<PullPage, SyncError> {
        self.fault()?;
        let h = self.hub.borrow();
        if after as usize > h.log.len() {
            // A restored hub answers with its real end (see the hub's pull).
            return Ok(h.signed(
                &self.unit,
                PullPage {
                    events: vec![],
                    next: h.log.len() as u64,
                    more: false,
                    checkpoint: None,
                    checkpoint_signature: None,
                },
            ));
        }
        let start = after as usize;
        let end = (start + limit as usize).min(h.log.len());
        let events: Vec<Event> =
            h.log[start..end].iter().filter(|e| e.device != self.device).cloned().collect();
        let page = PullPage {
            events,
            next: end as u64,
            more: end < h.log.len(),
            checkpoint: None,
            checkpoint_signature: None,
        };
        Ok(h.signed(&self.unit, page))
    }
}

impl FakeHub {
    fn signed(&self, unit: &str, mut page: PullPage) -> PullPage {
        if let Some(key) = &self.key {
            let message =
                casedesk_proto::sign::checkpoint_message(unit, page.next, page.checkpoint);
            page.checkpoint_signature = Some(key.sign(&message));
        }
        page
    }
}

fn station(unit: &str, device_code: &str) -> Store {
    let mut s = Store::open_in_memory().unwrap();
    s.set_clock(|| at(2026, 3, 5, 2));
    let mut init = station_init();
    init.unit = unit.into();
    init.device_code = device_code.into();
    if init.parent.as_deref() == Some(unit) {
        init.parent = None;
    }
    s.init_station(init).unwrap();
    s
}

fn link(hub: &Rc<RefCell<FakeHub>>, s: &Store) -> Link {
    let st = s.station().unwrap();
    Link { hub: hub.clone(), device: st.device, unit: st.unit.clone() }
}

/// One round for station `s`.
fn round(hub: &Rc<RefCell<FakeHub>>, s: &mut Store) -> Result<SyncReport, SyncError> {
    let mut l = link(hub, s);
    sync_once(s, &mut l)
}

fn rows(s: &Store) -> Vec<(String, String, i64)> {
    let mut q = ListQuery { limit: 500, ..Default::default() };
    let mut out = Vec::new();
    loop {
        let page = s.list(&q).unwrap();
        out.extend(page.rows.into_iter().map(|r| (r.no, r.status, r.recovered_fen)));
        match page.next {
            Some(n) => q.after = Some(n),
            None => break,
        }
    }
    out.sort();
    out
}

#[test]
fn a_lost_reply_is_harmless_and_the_round_resumes() {
    let hub = Rc::new(RefCell::new(FakeHub::default()));
    let mut a = station("HX01", "A1");
    for day in 1..=5 {
        a.register_case(&founder(&a), registration(at(2026, 3, day, 1))).unwrap();
    }
    hub.borrow_mut().lose_next_reply = true;
    let err = round(&hub, &mut a).unwrap_err();
    assert_eq!(err.code(), "network");
    assert_eq!(sync_status(&a).unwrap().last_error_code.as_deref(), Some("network"));
    // The hub stored the batch; the next round learns that from status and sends nothing twice.
    let report = round(&hub, &mut a).unwrap();
    assert_eq!(report.pushed, 0);
    assert_eq!(hub.borrow().log.len(), 8); // founder, unit, device, 5 cases
    assert_eq!(hub.borrow().stored_twice, 0);
    let st = sync_status(&a).unwrap();
    assert_eq!((st.waiting, st.last_error_code), (0, None));
}

#[test]
fn stations_exchange_cases_and_converge() {
    let hub = Rc::new(RefCell::new(FakeHub::default()));
    let mut a = station("HX01", "A1");
    let mut b = station("HX02", "B1");
    let c = a.register_case(&founder(&a), registration(at(2026, 3, 1, 1))).unwrap();
    round(&hub, &mut a).unwrap();
    round(&hub, &mut b).unwrap();
    // B now holds A's case and can act on it (co-handling); A gets B's action back.
    b.act(c.id, &founder(&b), CaseEvent::NoteAdded { text: "协办单位已联系商家".into() }).unwrap();
    round(&hub, &mut b).unwrap();
    round(&hub, &mut a).unwrap();
    assert_eq!(a.case_state(c.id).unwrap().notes.len(), 1);
    assert_eq!(rows(&a), rows(&b));
    assert!(a.verify().unwrap().is_ok() && b.verify().unwrap().is_ok());
}

#[test]
fn a_hub_restored_from_an_older_backup_loses_nothing() {
    let hub = Rc::new(RefCell::new(FakeHub::default()));
    let mut a = station("HX01", "A1");
    let mut b = station("HX02", "B1");
    for day in 1..=3 {
        a.register_case(&founder(&a), registration(at(2026, 3, day, 1))).unwrap();
    }
    round(&hub, &mut a).unwrap();
    round(&hub, &mut b).unwrap();
    // The hub is restored from a backup taken before anything arrived.
    *hub.borrow_mut() = FakeHub::default();
    // A re-sends everything (the hub's status is behind its receipts); B starts over.
    let r = round(&hub, &mut a).unwrap();
    assert!(r.hub_regressed);
    let c = a.register_case(&founder(&a), registration(at(2026, 3, 4, 1))).unwrap();
    round(&hub, &mut a).unwrap();
    let r = round(&hub, &mut b).unwrap();
    assert!(r.hub_regressed);
    assert!(b.case_state(c.id).is_ok(), "the case written after the restore reached B");
    assert_eq!(rows(&a), rows(&b));
}

#[test]
fn receipts_are_verified_kept_and_verify_later_and_a_tampered_one_is_refused() {
    let hub = Rc::new(RefCell::new(FakeHub {
        key: Some(casedesk_proto::sign::SecretKey::from_seed([3; 32])),
        ..FakeHub::default()
    }));
    let mut a = station("HX01", "A1");
    a.register_case(&founder(&a), registration(at(2026, 3, 1, 1))).unwrap();
    // An old station learns the hub's key from the status; the receipt is verified and kept.
    round(&hub, &mut a).unwrap();
    let key = hub.borrow().key.as_ref().unwrap().public_hex();
    assert_eq!(a.sync_get(keys::HUB_KEY).unwrap(), Some(key));
    let kept = verify_stored_receipt(&a).unwrap().expect("a signed receipt is kept");
    assert_eq!(kept.acked_seq, a.device_head().unwrap().0);
    assert!(a.sync_get(keys::CHECKPOINT_SIGNATURE).unwrap().is_some());

    // A receipt changed on the way: refused, nothing recorded, a person must look.
    a.register_case(&founder(&a), registration(at(2026, 3, 2, 1))).unwrap();
    hub.borrow_mut().tamper_next_receipt = true;
    let err = round(&hub, &mut a).unwrap_err();
    assert_eq!(err.code(), client::UNVERIFIED);
    assert!(err.is_permanent());
    assert_eq!(verify_stored_receipt(&a).unwrap().unwrap(), kept, "the old receipt stays");

    // The next round (the hub holds the events already) gets a true receipt of the rest.
    round(&hub, &mut a).unwrap();
    // A stored receipt that was changed no longer verifies with the hub's public key.
    let mut json: serde_json::Value =
        serde_json::from_str(&a.sync_get(keys::RECEIPT).unwrap().unwrap()).unwrap();
    json["acked_seq"] = serde_json::json!(1);
    a.sync_set(&[(keys::RECEIPT, Some(json.to_string()))]).unwrap();
    assert_eq!(verify_stored_receipt(&a).unwrap_err().code(), client::UNVERIFIED);
}

#[test]
fn a_page_with_a_forged_checkpoint_is_refused() {
    let hub = Rc::new(RefCell::new(FakeHub {
        key: Some(casedesk_proto::sign::SecretKey::from_seed([4; 32])),
        ..FakeHub::default()
    }));
    let mut a = station("HX01", "A1");
    round(&hub, &mut a).unwrap();
    // Another key signs from now on (a hub that is not the one the station knows).
    hub.borrow_mut().key = Some(casedesk_proto::sign::SecretKey::from_seed([5; 32]));
    let err = round(&hub, &mut a).unwrap_err();
    assert_eq!(err.code(), client::UNVERIFIED, "{err}");
}

#[derive(Clone, Debug)]
enum Op {
    Register(usize),
    Act(usize, usize),
    Sync(usize),
    SyncLostReply(usize),
    SyncFailing(usize, u32),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (0..3usize).prop_map(Op::Register),
        3 => (0..3usize, 0..20usize).prop_map(|(s, c)| Op::Act(s, c)),
        3 => (0..3usize).prop_map(Op::Sync),
        1 => (0..3usize).prop_map(Op::SyncLostReply),
        1 => (0..3usize, 1..4u32).prop_map(|(s, n)| Op::SyncFailing(s, n)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// Random interleavings of writes, pushes, pulls, lost replies and failed requests at three
    /// stations: once the links heal, the hub holds every event exactly once, and every station
    /// holds every event and the same cases in the same states.
    #[test]
    fn replicas_converge_whatever_the_interleaving(ops in proptest::collection::vec(op(), 1..40)) {
        let hub = Rc::new(RefCell::new(FakeHub::default()));
        let mut st = vec![station("HX01", "A1"), station("HX02", "B1"), station("HX03", "C1")];
        let mut day = 0u32;
        for op in ops {
            match op {
                Op::Register(i) => {
                    day = day % 4 + 1;
                    let who = founder(&st[i]);
                    st[i].register_case(&who, registration(at(2026, 3, day, 1))).unwrap();
                }
                Op::Act(i, k) => {
                    let cases = st[i].list(&ListQuery { limit: 50, ..Default::default() }).unwrap().rows;
                    if let Some(r) = cases.get(k % cases.len().max(1)) {
                        let ev = if r.status == "registered" {
                            CaseEvent::Accepted { at: at(2026, 3, 4, 2), note: String::new() }
                        } else {
                            CaseEvent::NoteAdded { text: format!("备注 {k}") }
                        };
                        // Two stations may accept the same case while apart: the second is
                        // refused locally if it already knows, or flagged when they meet.
                        let who = founder(&st[i]);
                        let _ = st[i].act(r.id, &who, ev);
                    }
                }
                Op::Sync(i) => {
                    let mut l = link(&hub, &st[i]);
                    sync_once(&mut st[i], &mut l).unwrap();
                }
                Op::SyncLostReply(i) => {
                    hub.borrow_mut().lose_next_reply = true;
                    let mut l = link(&hub, &st[i]);
                    let _ = sync_once(&mut st[i], &mut l);
                    hub.borrow_mut().lose_next_reply = false;
                }
                Op::SyncFailing(i, n) => {
                    hub.borrow_mut().fail_next = n;
                    let mut l = link(&hub, &st[i]);
                    let _ = sync_once(&mut st[i], &mut l);
                    hub.borrow_mut().fail_next = 0;
                }
            }
        }
        // Heal: everyone pushes, then everyone pulls.
        for _ in 0..2 {
            for s in st.iter_mut() {
                let mut l = link(&hub, s);
                sync_once(s, &mut l).unwrap();
            }
        }
        let h = hub.borrow();
        prop_assert_eq!(h.stored_twice, 0);
        let total: u64 = st.iter().map(|s| s.device_head().unwrap().0).sum();
        prop_assert_eq!(h.log.len() as u64, total);
        let expected = rows(&st[0]);
        for s in &st {
            let n = s.event_count().unwrap() as i64;
            prop_assert_eq!(n as usize, h.log.len());
            prop_assert_eq!(&rows(s), &expected);
            prop_assert!(s.verify().unwrap().is_ok());
            prop_assert_eq!(sync_status(s).unwrap().waiting, 0);
        }
    }
}

#[test]
fn batches_the_hub_finds_too_large_shrink_and_one_event_too_large_stops_in_words() {
    let hub = Rc::new(RefCell::new(FakeHub { max_push_events: Some(3), ..Default::default() }));
    let mut a = station("HX0201", "A1");
    for _ in 0..12 {
        a.register_case(&founder(&a), registration(at(2026, 3, 4, 1))).unwrap();
    }
    let mut l = link(&hub, &a);
    let r = sync_once(&mut a, &mut l).unwrap();
    assert_eq!(sync_status(&a).unwrap().waiting, 0, "{r:?}");
    assert!(r.batches >= 5, "at most three events a batch: {r:?}");

    hub.borrow_mut().max_push_events = None;
    let stuck = a.register_case(&founder(&a), registration(at(2026, 3, 4, 1))).unwrap();
    let seq = a.stream_events(stuck.id).unwrap()[0].seq;
    hub.borrow_mut().too_large_seq = Some(seq);
    let err = sync_once(&mut a, &mut l).unwrap_err();
    assert!(matches!(err, SyncError::EventTooLarge { seq: s } if s == seq), "{err:?}");
    assert!(err.is_stuck() && err.is_permanent() && !err.is_network());
    assert_eq!(err.code(), "event_too_large");
    assert!(err.plain(Lang::En).contains(&seq.to_string()), "{}", err.plain(Lang::En));
}

#[test]
fn hub_addresses_that_would_drop_the_pin_or_go_plain_are_refused() {
    let pin = Some("ab".repeat(32));
    let e = |url: &str, fingerprint: Option<String>, allow: bool| HubEndpoint {
        url: url.into(),
        fingerprint,
        allow_plain_http: allow,
    };
    assert!(e("https://10.0.0.1:8443", pin.clone(), false).check().is_ok());
    assert!(matches!(
        e("http://10.0.0.1:8080", pin.clone(), true).check(),
        Err(SyncError::PlainHttpRefused(_))
    ));
    assert!(matches!(
        e("http://10.0.0.1:8080", None, false).check(),
        Err(SyncError::PlainHttpRefused(_))
    ));
    assert!(e("http://127.0.0.1:8080", None, true).check().is_ok());
    assert!(e("https://10.0.0.1:8443", None, false).check().is_err());
    assert!(e("ftp://10.0.0.1", pin, false).check().is_err());
    assert!(SyncError::PinMismatch.is_permanent());
    assert!(SyncError::PinMismatch.plain(Lang::Zh).contains("证书"));
}
