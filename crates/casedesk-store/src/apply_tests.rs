//! What another device sends can never wedge this station: every way seen to break a pull,
//! each with an event a legitimately enrolled device could have written.

use casedesk_domain::event::*;
use casedesk_domain::types::*;
use casedesk_proto::{Event, Hlc, ZERO_HASH};
use chrono::{DateTime, Utc};
use proptest::prelude::*;
use serde_json::json;
use uuid::Uuid;

use super::query::ListQuery;
use super::*;
use crate::testutil::{at, founder, registration, station_init, store_at};

/// A station of `unit` with device code `code`, its clock at `now`.
fn station(unit: &str, code: &str, now: DateTime<Utc>) -> Store {
    let mut s = Store::open_in_memory().unwrap();
    s.set_clock(move || now);
    let mut init = station_init();
    init.unit = unit.into();
    init.device_code = code.into();
    if init.parent.as_deref() == Some(unit) {
        init.parent = None;
    }
    s.init_station(init).unwrap();
    s
}

/// Every event of `s`, in log order (what its device pushed).
fn log(s: &Store) -> Vec<Event> {
    let mut out = Vec::new();
    s.export_jsonl(&mut out).unwrap();
    String::from_utf8(out).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

/// An event a device of `unit` could have written: next in `chain`, sealed.
fn forged(
    chain: &mut Vec<Event>,
    unit: &str,
    stream: Uuid,
    kind: &str,
    payload: serde_json::Value,
) -> Event {
    let (device, seq, prev, hlc) = match chain.last() {
        Some(e) => (e.device, e.seq + 1, e.hash, Hlc(e.hlc.0 + 1)),
        None => {
            (Uuid::now_v7(), 1, ZERO_HASH, Hlc::new(at(2026, 3, 5, 1).timestamp_millis() as u64, 0))
        }
    };
    let e = Event {
        id: Uuid::now_v7(),
        stream,
        device,
        seq,
        hlc,
        actor: None,
        unit: unit.into(),
        kind: kind.into(),
        v: PAYLOAD_VERSION,
        payload,
        prev,
        hash: ZERO_HASH,
    }
    .seal();
    chain.push(e.clone());
    e
}

fn rows(s: &Store) -> Vec<(String, String)> {
    let mut r: Vec<(String, String)> = s
        .list(&ListQuery { limit: 500, ..Default::default() })
        .unwrap()
        .rows
        .into_iter()
        .map(|r| (r.id.to_string(), r.no))
        .collect();
    r.sort();
    r
}

#[test]
fn two_devices_that_share_a_device_code_never_wedge_a_replica() {
    let now = at(2026, 3, 5, 2);
    let mut a = station("HX0201", "A1", now);
    let mut b = station("HX0201", "A1", now);
    let ca = a.register_case(&founder(&a), registration(at(2026, 3, 4, 1))).unwrap();
    let cb = b.register_case(&founder(&b), registration(at(2026, 3, 4, 1))).unwrap();
    assert_eq!(ca.no, cb.no, "both devices gave out the same number");
    // The association receives both, in either order, and so does each device.
    let mut hx1 = station("HX", "Z1", now);
    let mut hx2 = station("HX", "Z2", now);
    hx1.apply_remote(&log(&a), Source::Pull).unwrap();
    hx1.apply_remote(&log(&b), Source::Pull).unwrap();
    hx2.apply_remote(&log(&b), Source::Pull).unwrap();
    hx2.apply_remote(&log(&a), Source::Pull).unwrap();
    let shown = rows(&hx1);
    assert_eq!(shown.len(), 2);
    assert!(shown.iter().all(|(_, no)| no.starts_with(&format!("{}~", ca.no))), "{shown:?}");
    assert_eq!(shown, rows(&hx2), "the same numbers whatever the order");
    assert_eq!(hx1.duplicate_case_numbers().unwrap(), vec![(ca.no.clone(), 2)]);
    assert!(hx1.verify().unwrap().is_ok());
    // The bare number is ambiguous; a suffixed one names one case.
    let err = hx1.find_case(&ca.no).unwrap_err();
    assert_eq!(err.issues()[0].code, "case.number_ambiguous");
    assert_eq!(hx1.find_case(&shown[0].1).unwrap().to_string(), shown[0].0);
    // Each device keeps working and sees the other's case.
    a.apply_remote(&log(&b), Source::Pull).unwrap();
    assert_eq!(rows(&a).len(), 2);
    a.act(ca.id, &founder(&a), CaseEvent::NoteAdded { text: "回访".into() }).unwrap();
    assert!(a.verify().unwrap().is_ok());
}

#[test]
fn a_session_or_transfer_id_another_case_uses_does_not_wedge_a_replica() {
    let now = at(2026, 3, 5, 2);
    let shared = Uuid::now_v7();
    let mut stores = Vec::new();
    for (unit, code) in [("HX0201", "A1"), ("HX0301", "B1")] {
        let mut s = station(unit, code, now);
        let c = s.register_case(&founder(&s), registration(at(2026, 3, 4, 1))).unwrap();
        s.act(
            c.id,
            &founder(&s),
            CaseEvent::Accepted { at: at(2026, 3, 4, 2), note: String::new() },
        )
        .unwrap();
        s.act(
            c.id,
            &founder(&s),
            CaseEvent::SessionRecorded(SessionRecorded {
                session: shared,
                held_at: at(2026, 3, 4, 3),
                mode: SessionMode::OnSite,
                place: String::new(),
                mediator: "马玉兰".into(),
                recorder: String::new(),
                interpreter: String::new(),
                language: Language::Zh,
                attendees: vec![],
                record: "双方到场".into(),
                result: SessionResult::Continue,
            }),
        )
        .unwrap();
        s.act(
            c.id,
            &founder(&s),
            CaseEvent::Transferred(Transferred {
                transfer: shared,
                kind: TransferKind::CoHandle,
                to_unit: "HX02".into(),
                to_unit_name: String::new(),
                to_department: String::new(),
                reason: TransferReason::HardCaseJoint,
                due: None,
                note: String::new(),
            }),
        )
        .unwrap();
        stores.push(s);
    }
    let mut hx = station("HX", "Z1", now);
    for s in &stores {
        let r = hx.apply_remote(&log(s), Source::Pull).unwrap();
        assert!(r.quarantined.is_empty(), "{r:?}");
    }
    assert_eq!(rows(&hx).len(), 2);
    for s in &stores {
        for (id, _) in rows(s) {
            let state = hx.case_state(Uuid::parse_str(&id).unwrap()).unwrap();
            assert_eq!(state.sessions.len(), 1);
            assert_eq!(state.transfers.len(), 1);
        }
    }
    assert!(hx.verify().unwrap().is_ok());
}

#[test]
fn one_bad_event_is_set_aside_and_the_rest_of_the_page_applies() {
    let now = at(2026, 3, 5, 2);
    let mut a = station("HX0201", "A1", now);
    let good = a.register_case(&founder(&a), registration(at(2026, 3, 4, 1))).unwrap();
    let mut page = log(&a);
    let mut chain = Vec::new();
    let case = Uuid::now_v7();
    let mut reg = registration(at(2026, 3, 4, 1));
    reg.case_no = "HX0202-2026-C1-00001".into();
    reg.unit = "HX0202".into();
    let reg = serde_json::to_value(&reg).unwrap();
    page.push(forged(&mut chain, "HX0202", case, "case.registered", reg));
    // An organisation event on a case's stream.
    page.push(forged(
        &mut chain,
        "HX0202",
        case,
        "roving.ended",
        json!({"at": "2026-03-04T05:00:00Z"}),
    ));
    // A note beyond the text limit.
    page.push(forged(
        &mut chain,
        "HX0202",
        case,
        "case.note_added",
        json!({"text": "字".repeat(25_000)}),
    ));
    // A clock far ahead.
    let mut ahead = forged(&mut chain, "HX0202", case, "case.note_added", json!({"text": "2099"}));
    ahead.hlc = Hlc::new(at(2099, 1, 1, 0).timestamp_millis() as u64, 0);
    let ahead = ahead.seal();
    page.push(ahead.clone());
    // A kind this version does not know, a tampered copy, and a second registration.
    page.push(forged(&mut chain, "HX0202", case, "case.from_the_future", json!({})));
    let mut tampered = page[0].clone();
    tampered.id = Uuid::now_v7();
    tampered.payload["case_no"] = json!("X");
    page.push(tampered);
    let again = serde_json::to_value(registration(at(2026, 3, 4, 1))).unwrap();
    page.push(forged(&mut chain, "HX0202", case, "case.registered", again));
    // And an event that is fine, after all of them.
    page.push(forged(&mut chain, "HX0202", case, "case.note_added", json!({"text": "已电话联系"})));

    let mut hx = station("HX", "Z1", now);
    let r = hx.apply_remote_and_set(&page, &[("cursor", Some("42".into()))], Source::Pull).unwrap();
    let reasons: Vec<&str> =
        r.quarantined.iter().map(|(_, why)| why.split(':').next().unwrap()).collect();
    assert_eq!(
        reasons,
        vec![
            "stream_kind_mismatch",
            "text_too_long",
            "clock_ahead",
            "event.unknown_kind",
            "stream_exists",
            // A broken hash is judged at the end of the page: it might have been the redacted
            // form of an event an anonymisation in the page lists.
            "hash"
        ],
        "{r:?}"
    );
    assert_eq!(hx.sync_get("cursor").unwrap().as_deref(), Some("42"), "the cursor moved on");
    assert_eq!(hx.case_state(good.id).unwrap().reg.case_no, good.no);
    let forged_case = hx.case_state(case).unwrap();
    assert_eq!(forged_case.notes.len(), 1, "the good note after the bad events applied");
    assert_eq!(hx.quarantine().unwrap().len(), 6);
    assert_eq!(hx.quarantine_count().unwrap(), 6);
    assert!(hx.verify().unwrap().is_ok());
    // The clock that ran ahead was not adopted.
    let next = hx.record_org(Uuid::now_v7(), &founder(&hx), consultation()).unwrap();
    assert!(next.hlc < ahead.hlc);
    // Pulling the same page again changes nothing.
    let again = hx.apply_remote(&page, Source::Pull).unwrap();
    assert_eq!((again.inserted, again.quarantined.len()), (0, 0));
}

fn consultation() -> OrgEvent {
    OrgEvent::ConsultationRecorded {
        unit: "HX".into(),
        at: at(2026, 3, 5, 1),
        channel: Channel::Phone,
        topic: "预付卡退费".into(),
        people: 1,
        roving_session: None,
        category: None,
    }
}

#[test]
fn a_too_long_text_is_refused_where_it_is_written_with_its_field() {
    let mut s = store_at(at(2026, 3, 5, 2));
    let c = s.register_case(&founder(&s), registration(at(2026, 3, 4, 1))).unwrap();
    let err = s
        .act(c.id, &founder(&s), CaseEvent::NoteAdded { text: "字".repeat(5_000_000) })
        .unwrap_err();
    let issue = &err.issues()[0];
    assert_eq!((issue.path.as_str(), issue.code.as_str()), ("text", "too_long"));
    assert_eq!(s.stream_events(c.id).unwrap().len(), 1, "nothing was written");
    // Many texts each under the limit, together too much for one event.
    let mut reg = registration(at(2026, 3, 4, 1));
    reg.facts.content = "字".repeat(20_000);
    reg.request_text = "字".repeat(20_000);
    for c in &mut reg.complainants {
        c.address = "地".repeat(300);
    }
    let ok = s.register_case(&founder(&s), reg);
    assert!(ok.is_ok(), "a registration at its field limits fits: {ok:?}");
}

#[test]
fn import_refuses_what_would_write_into_this_stations_own_chain() {
    let now = at(2026, 3, 5, 2);
    let mut a = station("HX0201", "A1", now);
    a.register_case(&founder(&a), registration(at(2026, 3, 4, 1))).unwrap();
    let mut own = log(&a);
    let mut text = String::new();
    for e in &own {
        text.push_str(&serde_json::to_string(e).unwrap());
        text.push('\n');
    }
    // Its own events, exactly as held: nothing new.
    let r = a.import_jsonl(&mut text.as_bytes()).unwrap();
    assert_eq!(r.inserted, 0);
    // An event of its own device that it never wrote (a higher seq, properly chained).
    let last = own.last().unwrap().clone();
    let extra = forged(&mut own, "HX0201", last.stream, "case.note_added", json!({"text": "x"}));
    assert_eq!(extra.device, last.device);
    let line = serde_json::to_string(&extra).unwrap() + "\n";
    let err = a.import_jsonl(&mut line.as_bytes()).unwrap_err();
    assert_eq!(err.issues()[0].code, "import.own_device");
    assert_eq!(err.issues()[0].path, "line 1");
    // An over-long line is refused by number, and the lines after it are numbered right.
    let long = format!("{}\n{}", "x".repeat(crate::exchange::MAX_IMPORT_LINE_BYTES + 10), "{bad\n");
    let err = a.import_jsonl(&mut long.as_bytes()).unwrap_err();
    let issues: Vec<(&str, &str)> =
        err.issues().iter().map(|i| (i.path.as_str(), i.code.as_str())).collect();
    assert_eq!(issues, vec![("line 1", "import.line_too_long"), ("line 2", "json.invalid")]);
    assert!(a.verify().unwrap().is_ok());
}

#[test]
fn a_registration_naming_an_unknown_roving_session_is_refused() {
    let mut s = store_at(at(2026, 3, 5, 2));
    let mut reg = registration(at(2026, 3, 4, 1));
    reg.roving_session = Some(Uuid::now_v7());
    let err = s.register_case(&founder(&s), reg).unwrap_err();
    assert_eq!(err.issues()[0].code, "roving.unknown");
}

/// `unit.registered` of one unit code on several streams (every device's init writes one).
fn unit_events(names: &[(String, u64)]) -> Vec<Event> {
    let mut out = Vec::new();
    for (name, hlc) in names {
        let mut chain = Vec::new();
        let mut e = forged(
            &mut chain,
            "HX0201",
            Uuid::now_v7(),
            "unit.registered",
            json!({"code": "HX0201", "name": name, "unit_kind": "liaison_station", "parent": "HX02"}),
        );
        e.hlc = Hlc(*hlc);
        out.push(e.seal());
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// The unit record is the same whatever order its registrations arrive in, pulled or
    /// rebuilt.
    #[test]
    fn a_unit_record_does_not_depend_on_arrival_order(
        names in proptest::collection::vec(("[a-z]{1,6}", 1u64..1_000_000), 2..6),
        order in proptest::collection::vec(any::<proptest::sample::Index>(), 6),
    ) {
        let names: Vec<(String, u64)> =
            names.into_iter().map(|(n, h)| (n, h << 16)).collect();
        let events = unit_events(&names);
        let mut shuffled = events.clone();
        for (i, ix) in order.iter().enumerate().take(shuffled.len()) {
            let j = ix.index(shuffled.len());
            shuffled.swap(i, j);
        }
        let now = at(2026, 3, 5, 2);
        let mut x = station("HX", "Z1", now);
        let mut y = station("HX", "Z2", now);
        for e in &events {
            x.apply_remote(std::slice::from_ref(e), Source::Pull).unwrap();
        }
        y.apply_remote(&shuffled, Source::Pull).unwrap();
        let unit = |s: &Store| s.unit("HX0201").unwrap().map(|u| u.name);
        let want = events.iter().max_by_key(|e| (e.hlc, e.device, e.seq, e.id))
            .map(|e| e.payload["name"].as_str().unwrap().to_owned());
        prop_assert_eq!(unit(&x), want.clone());
        prop_assert_eq!(unit(&y), want);
        prop_assert!(x.verify().unwrap().is_ok());
        prop_assert!(y.verify().unwrap().is_ok());
    }
}
