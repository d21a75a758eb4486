//! Retention: anonymising a case at the end of its period, here and at a replica.

use casedesk_domain::event::*;
use casedesk_domain::types::*;
use casedesk_proto::Event;
use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

use super::query::ListQuery;
use super::*;
use crate::testutil::{at, founder, member, registration, store_at};

const NAME: &str = "才让卓玛";
const ID: &str = "632802198506123019";
const PHONE: &str = "13897712345";

fn log(s: &Store) -> Vec<Event> {
    let mut out = Vec::new();
    s.export_jsonl(&mut out).unwrap();
    String::from_utf8(out).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

/// A closed case with a note and a session record, its events, and the station.
fn closed_case(now: DateTime<Utc>) -> (Store, Uuid) {
    let mut s = store_at(now);
    let head = founder(&s);
    let c = s.register_case(&head, registration(at(2026, 3, 1, 1))).unwrap();
    s.act(c.id, &head, CaseEvent::Accepted { at: at(2026, 3, 2, 1), note: String::new() }).unwrap();
    s.act(c.id, &head, CaseEvent::NoteAdded { text: format!("{NAME} 来电 {PHONE}") }).unwrap();
    s.act(
        c.id,
        &head,
        CaseEvent::Closed(Closed {
            at: at(2026, 3, 4, 1),
            outcome: Outcome::Settled,
            recovered_fen: 259_900,
            doubled_fen: 0,
            note: String::new(),
        }),
    )
    .unwrap();
    (s, c.id)
}

fn stat_rows(s: &Store) -> Vec<String> {
    let mut out = Vec::new();
    s.scan_stat_cases(at(2025, 1, 1, 0), at(2030, 1, 1, 0), false, &mut |r| {
        out.push(format!("{r:?}"))
    })
    .unwrap();
    out
}

fn holds_personal(s: &Store, id: Uuid) -> bool {
    s.stream_events(id).unwrap().iter().any(|e| {
        let t = e.payload.to_string();
        t.contains(NAME) || t.contains(ID) || t.contains(PHONE)
    })
}

fn found(s: &Store, text: &str) -> usize {
    s.list(&ListQuery { text: Some(text.into()), limit: 50, ..Default::default() })
        .unwrap()
        .rows
        .len()
}

#[test]
fn a_case_is_anonymised_after_its_period_and_nothing_else_changes() {
    let later = at(2026, 3, 5, 1);
    let (mut s, id) = closed_case(later);
    assert_eq!(s.retention_days().unwrap(), DEFAULT_RETENTION_DAYS);
    let head = founder(&s);
    // Not due yet: refused, naming why.
    assert!(s.retention_due(None).unwrap().is_empty());
    let err = s.anonymize_op(None, id, &head).unwrap_err();
    assert_eq!(err.issues()[0].code, "retention.not_due", "{err:?}");

    // A clerk may not set the period, nor anonymise.
    let clerk = member(&mut s, "小周", &[StaffRole::Clerk]);
    assert!(s.set_retention_days(&clerk, 1).is_err());
    s.set_retention_days(&head, 30).unwrap();
    assert!(s.set_retention_days(&head, 40_000).is_err());
    let due_time = at(2026, 3, 4, 1) + Duration::days(30);
    s.set_clock(move || due_time);
    let due = s.retention_due(None).unwrap();
    assert_eq!(due.len(), 1);
    assert_eq!((due[0].id, due[0].events), (id, 2), "the registration and the note");
    let err = s.anonymize_op(None, id, &clerk).unwrap_err();
    assert_eq!(err.code(), "access.denied", "{err:?}");

    let stats = stat_rows(&s);
    assert_eq!(found(&s, NAME), 1);
    assert_eq!(found(&s, PHONE), 1);
    assert_eq!(found(&s, ID), 1);
    let ev = s.anonymize_op(Some("op-1"), id, &head).unwrap();
    assert_eq!(ev.kind, "case.anonymized");
    // The same operation again is the same event.
    assert_eq!(s.anonymize_op(Some("op-1"), id, &head).unwrap().id, ev.id);

    assert!(!holds_personal(&s, id), "no stored payload keeps a name, number or phone");
    assert_eq!(found(&s, NAME), 0);
    assert_eq!(found(&s, PHONE), 0);
    assert_eq!(found(&s, ID), 0);
    let st = s.case_state(id).unwrap();
    assert_eq!(st.reg.complainants.len(), 1);
    assert!(st.reg.complainants[0].name.is_empty());
    assert!(st.anonymized_at.is_some());
    assert_eq!(stat_rows(&s), stats, "the statistics read the same rows");
    let v = s.verify().unwrap();
    assert!(v.is_ok(), "{v:?}");
    assert!(s.retention_due(None).unwrap().is_empty());
    let err = s.anonymize_op(None, id, &head).unwrap_err();
    assert!(format!("{err:?}").contains("retention.nothing"), "{err:?}");
    // Nothing may bring personal data back.
    assert!(s.act(id, &head, CaseEvent::NoteAdded { text: NAME.into() }).is_err());
}

#[test]
fn a_replica_redacts_on_receipt_in_either_order() {
    let now = at(2026, 3, 5, 1);
    let (mut a, id) = closed_case(now);
    let before = log(&a);
    let head = founder(&a);
    a.set_retention_days(&head, 0).unwrap();
    a.anonymize_op(None, id, &head).unwrap();
    let after = log(&a);

    // B held the intact events, then receives the anonymisation.
    let mut b = store_at(now);
    let r = b.apply_remote(&before, Source::Pull).unwrap();
    assert!(r.quarantined.is_empty(), "{r:?}");
    assert!(holds_personal(&b, id));
    let r = b.apply_remote(&after, Source::Pull).unwrap();
    assert!(r.quarantined.is_empty(), "{r:?}");
    assert!(!holds_personal(&b, id));
    assert!(b.verify().unwrap().is_ok(), "{:?}", b.verify().unwrap());
    assert_eq!(found(&b, NAME), 0);

    // C receives the redacted forms first (as the hub serves them): taken and verified.
    let mut c = store_at(now);
    let r = c.apply_remote(&after, Source::Pull).unwrap();
    assert!(r.quarantined.is_empty(), "{r:?}");
    assert!(!holds_personal(&c, id));
    assert!(c.verify().unwrap().is_ok(), "{:?}", c.verify().unwrap());
    assert_eq!(c.case_state(id).unwrap(), b.case_state(id).unwrap());

    // D receives the anonymisation, then an old intact event late: stored redacted.
    let mut d = store_at(now);
    let anon: Vec<Event> =
        after.iter().filter(|e| e.stream != id || e.kind == "case.anonymized").cloned().collect();
    let r = d.apply_remote(&anon, Source::Pull).unwrap();
    assert!(r.quarantined.is_empty(), "{r:?}");
    let r = d.apply_remote(&before, Source::Pull).unwrap();
    assert!(r.quarantined.is_empty(), "{r:?}");
    assert!(!holds_personal(&d, id));
    assert!(d.verify().unwrap().is_ok(), "{:?}", d.verify().unwrap());
    assert_eq!(d.case_state(id).unwrap(), b.case_state(id).unwrap());
}

#[test]
fn crafted_anonymisations_are_quarantined_and_stop_nothing() {
    let now = at(2026, 3, 5, 1);
    let (mut a, id) = closed_case(now);
    let clerk = member(&mut a, "小周", &[StaffRole::Clerk]);
    let head = founder(&a);
    a.set_retention_days(&head, 0).unwrap();
    let intact = log(&a);
    a.anonymize_op(None, id, &head).unwrap();
    let after = log(&a);
    let pos = after.iter().position(|e| e.kind == "case.anonymized").unwrap();

    // The anonymisation by a clerk (re-sealed: a device of the unit could write it).
    let mut by_clerk = after.clone();
    by_clerk[pos].actor = Some(clerk.staff());
    by_clerk[pos] = by_clerk[pos].clone().seal();
    // Redacted forms then fail their check and go to quarantine too; the rest arrives.
    let mut b = store_at(now);
    let r = b.apply_remote(&by_clerk, Source::Pull).unwrap();
    let reasons: Vec<&str> = r.quarantined.iter().map(|(_, why)| why.as_str()).collect();
    assert!(reasons.contains(&"actor_forbidden: anonymize"), "{reasons:?}");
    assert!(b.staff().unwrap().iter().any(|m| m.name == "小周"), "the records behind it arrived");
    assert!(b.verify().unwrap().is_ok());

    // An anonymisation whose digests do not fit the events: quarantined; the case stays whole.
    let mut c = store_at(now);
    let r = c.apply_remote(&intact, Source::Pull).unwrap();
    assert!(r.quarantined.is_empty(), "{r:?}");
    let mut wrong = after[pos].clone();
    let mut list = casedesk_proto::redact::redactions_of(&wrong.payload).unwrap();
    list[0].digest = casedesk_proto::ZERO_HASH;
    wrong.payload["redactions"] = serde_json::to_value(&list).unwrap();
    let wrong = wrong.seal();
    let r = c.apply_remote(&[wrong], Source::Pull).unwrap();
    assert_eq!(r.quarantined.len(), 1, "{r:?}");
    assert!(r.quarantined[0].1.starts_with("anonymize_mismatch"), "{r:?}");
    assert!(c.case_state(id).unwrap().anonymized_at.is_none());
    assert!(c.verify().unwrap().is_ok());
}

/// The bytes of the database file and its write-ahead log.
fn file_bytes(path: &std::path::Path) -> Vec<u8> {
    let mut b = std::fs::read(path).unwrap();
    b.extend(std::fs::read(path.with_extension("db-wal")).unwrap_or_default());
    b
}

fn contains(hay: &[u8], needle: &str) -> bool {
    hay.windows(needle.len()).any(|w| w == needle.as_bytes())
}

#[test]
fn the_file_keeps_no_copy_of_what_was_removed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("station.db");
    let now = at(2026, 3, 5, 1);
    let id = {
        let mut s = Store::open(&path).unwrap();
        s.set_clock(move || now);
        s.init_station(crate::testutil::station_init()).unwrap();
        let head = founder(&s);
        let c = s.register_case(&head, registration(at(2026, 3, 1, 1))).unwrap();
        s.act(c.id, &head, CaseEvent::Accepted { at: at(2026, 3, 2, 1), note: String::new() })
            .unwrap();
        s.act(c.id, &head, CaseEvent::NoteAdded { text: format!("{NAME} 来电 {PHONE}") }).unwrap();
        s.act(
            c.id,
            &head,
            CaseEvent::Closed(Closed {
                at: at(2026, 3, 4, 1),
                outcome: Outcome::Settled,
                recovered_fen: 0,
                doubled_fen: 0,
                note: String::new(),
            }),
        )
        .unwrap();
        c.id
    };
    let before = file_bytes(&path);
    assert!(contains(&before, NAME) || contains(&before, ID), "the test can see the data");
    let mut s = Store::open(&path).unwrap();
    s.set_clock(move || now);
    let head = founder(&s);
    s.set_retention_days(&head, 0).unwrap();
    s.anonymize_op(None, id, &head).unwrap();
    drop(s);
    let after = file_bytes(&path);
    for needle in [NAME, ID, PHONE, "河西街道长江路12号"] {
        assert!(!contains(&after, needle), "the file still holds {needle}");
    }
    let s = Store::open(&path).unwrap();
    assert!(s.verify().unwrap().is_ok());
}

#[test]
fn a_push_carries_redacted_forms_with_their_anonymisation() {
    let now = at(2026, 3, 5, 1);
    let (mut s, id) = closed_case(now);
    let head = founder(&s);
    s.set_retention_days(&head, 0).unwrap();
    s.anonymize_op(None, id, &head).unwrap();
    // The smallest batch still reaches from the first redacted form to the anonymisation.
    let mut after = 0;
    loop {
        let batch = s.own_events_after(after, 1, 1).unwrap();
        let Some(last) = batch.last() else { break };
        let redacted: Vec<Uuid> =
            batch.iter().filter(|e| !e.hash_is_valid()).map(|e| e.id).collect();
        if !redacted.is_empty() {
            let listed: Vec<Uuid> = batch
                .iter()
                .filter(|e| e.kind == "case.anonymized")
                .flat_map(|e| casedesk_proto::redact::redactions_of(&e.payload).unwrap())
                .map(|r| r.event)
                .collect();
            assert!(redacted.iter().all(|r| listed.contains(r)), "{batch:?}");
        } else {
            assert_eq!(batch.len(), 1);
        }
        after = last.seq;
    }
    assert_eq!(after, s.device_head().unwrap().0);
}
