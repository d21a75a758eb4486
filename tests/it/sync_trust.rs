//! Sync that no accident can wedge and no station can forge (issue 8), end to end with real
//! processes: each test is one failure that was seen, shown with `casedesk` and `casedesk-hub`
//! (and, for what no honest `casedesk` can send, a crafted push from a legitimately enrolled
//! device with the real client: `casedesk_tests::craft`). Every sync test ends with the
//! convergence oracle.

use std::path::Path;

use casedesk_proto::Hlc;
use casedesk_proto::sync::reasons;
use casedesk_sync::Transport;
use casedesk_tests::craft::{self, Crafter};
use casedesk_tests::hub::{Hub, HubOptions};
use casedesk_tests::proxy::Proxy;
use casedesk_tests::replicas::{Hierarchy, assert_converged, assert_converged_with};
use casedesk_tests::station::{
    COMPLAINT, DeviceCode, HX, HX02, HX0201, HX0202, HX0301, Init, Station, UNITS, UnitSpec,
    units_csv,
};
use casedesk_tests::{minutes_ago, stderr, stdout};
use serde_json::{Value, json};
use uuid::Uuid;

/// A hub (TLS unless `opts` says otherwise) with the test hierarchy.
fn hub_with(dir: &Path, opts: HubOptions) -> Hub {
    let hub = Hub::start(dir, opts);
    hub.import_units(&units_csv(UNITS));
    hub
}

fn hub(dir: &Path) -> Hub {
    hub_with(dir, HubOptions::default())
}

fn sync_all(stations: &[&Station]) {
    for st in stations {
        st.sync_ok();
    }
}

fn units() -> Hierarchy {
    Hierarchy::of(UNITS)
}

/// A station of each of `units`, enrolled (through `via` when given).
fn enrolled(dir: &Path, hub: &Hub, units: &[&UnitSpec], via: Option<&str>) -> Vec<Station> {
    let stations: Vec<Station> = units.iter().map(|u| Station::new(dir, u)).collect();
    for st in &stations {
        hub.enroll(st, via);
    }
    stations
}

/// The association and HX0201, enrolled (through `via`), with one case registered at HX0201;
/// both synced. Returns them, the case's number and its id.
fn association_and_a_case(
    dir: &Path,
    hub: &Hub,
    via: Option<&str>,
) -> (Station, Station, String, Uuid) {
    let mut stations = enrolled(dir, hub, &[&HX, &HX0201], via).into_iter();
    let (hx, st) = (stations.next().unwrap(), stations.next().unwrap());
    let (id, no) = st.add_case(COMPLAINT);
    sync_all(&[&st, &hx]);
    (hx, st, no, id.parse().expect("case id"))
}

/// The case id (stream) of case number `no` at `st`.
fn case_id(st: &Station, no: &str) -> Uuid {
    st.show(no)["case"]["id"].as_str().expect("id").parse().expect("case id")
}

/// Asserts that `out` exited with `code` and that its standard error holds every one of
/// `words`.
#[track_caller]
fn refused(out: &std::process::Output, code: i32, words: &[&str]) -> String {
    let err = stderr(out);
    assert_eq!(out.status.code(), Some(code), "{}\n{err}", stdout(out));
    for w in words {
        assert!(err.contains(w), "{w:?} not in: {err}");
    }
    err
}

/// A device of `st`'s unit that is enrolled and synced, taken over to craft pushes.
fn forger(dir: &Path, hub: &Hub, unit: &UnitSpec, label: &str) -> Crafter {
    let st = Station::init(dir, unit, &Init::device(label));
    hub.enroll(&st, None);
    st.sync_ok();
    Crafter::take_over(&st)
}

// 1. Two laptops of one station.

#[test]
fn two_laptops_of_one_station_get_their_own_device_codes_and_shared_numbers_get_a_suffix() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    let hub = hub(dir);
    let hx = Station::new(dir, &HX);
    // HX0201's two laptops were both set up with device code A1; HX0202's with none.
    let a = Station::init(dir, &HX0201, &Init::device("HX0201-a"));
    let b = Station::init(dir, &HX0201, &Init::device("HX0201-b"));
    let c = Station::init(dir, &HX0202, &Init::device("HX0202-a").code(DeviceCode::None));
    let d = Station::init(dir, &HX0202, &Init::device("HX0202-b").code(DeviceCode::None));
    let laptops = [&a, &b, &c, &d];

    // Offline, each registers two cases: A1's numbers are given out twice.
    let offline: Vec<Vec<String>> =
        laptops.iter().map(|st| (0..2).map(|_| st.add_case(COMPLAINT).1).collect()).collect();
    assert_eq!(offline[0], offline[1], "both laptops numbered as A1");
    assert!(offline[0][0].contains("-A1-"), "{:?}", offline[0]);

    // Enrolled, each gets a code of its own: the one asked for while it is free, else the
    // next number.
    for st in [&hx, &a, &b, &c, &d] {
        hub.enroll(st, None);
    }
    assert_eq!((a.device_code(), b.device_code()), ("A1".to_owned(), "A2".to_owned()));
    assert_ne!(c.device_code(), d.device_code());
    for st in laptops {
        assert_eq!(hub.device_code(&st.device), st.device_code(), "{}", st.label);
    }
    // Cases registered now carry the new codes: no number is given out twice again.
    let after: Vec<String> = laptops.iter().map(|st| st.add_case(COMPLAINT).1).collect();
    assert!(after[0].contains("-A1-") && after[1].contains("-A2-"), "{after:?}");
    let mut distinct = after.clone();
    distinct.sort();
    distinct.dedup();
    assert_eq!(distinct.len(), after.len(), "{after:?}");

    // Nobody's sync fails.
    let all = [&hx, &a, &b, &c, &d];
    sync_all(&all);
    sync_all(&all);

    // Both of the cases numbered HX0201-...-A1-00001 (and -00002) are shown with a suffix at
    // both laptops and at the association; the bare number asks which one is meant.
    for no in &offline[0] {
        for st in [&hx, &a, &b] {
            let shown: Vec<String> =
                st.case_numbers().into_iter().filter(|n| n.starts_with(no.as_str())).collect();
            assert_eq!(shown.len(), 2, "{}: {shown:?}", st.label);
            for n in &shown {
                assert!(n.starts_with(&format!("{no}~")), "{}: {n}", st.label);
                assert_eq!(st.show(n)["case"]["reg"]["case_no"], no.as_str());
            }
            refused(&st.run(&["case", "show", no]), 1, &["several cases have this number"]);
            let status = st.status();
            assert!(
                status["duplicate_numbers"].as_array().unwrap().contains(&json!([no, 2])),
                "{}: {status}",
                st.label
            );
            assert_eq!(status["status"]["duplicate_numbers"], 2, "{}", st.label);
        }
    }
    // HX0202's laptops never shared a number.
    for st in [&c, &d] {
        assert_eq!(st.status()["status"]["duplicate_numbers"], 0, "{}", st.label);
        assert_eq!(st.case_numbers().len(), 6);
    }
    assert_converged(&hub, &all, &units());
}

// 2. Ids copied from another unit; demo data with the default seed.

#[test]
fn session_and_transfer_ids_another_unit_used_and_default_seed_demo_data_never_collide() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    let hub = hub(dir);
    let [hx, s1, s2, s3] =
        <[Station; 4]>::try_from(enrolled(dir, &hub, &[&HX, &HX0201, &HX0202, &HX0301], None))
            .unwrap();
    let all = [&hx, &s1, &s2, &s3];

    // One JSON template, copied with its ids: HX0201 and HX0301 record a mediation session
    // with the same session id, and transfer a case with the same transfer id.
    let session = "019ac8a0-0000-7000-8000-000000000051";
    let transfer = "019ac8a0-0000-7000-8000-000000000052";
    let mut cases = Vec::new();
    for (st, to_unit, kind, reason) in
        [(&s1, "HX0202", "co_handle", "hard_case_joint"), (&s3, "HX", "up", "big_case_up")]
    {
        let (_, no) = st.add_case(COMPLAINT);
        st.ok(&["case", "accept", &no]);
        st.act(
            &no,
            "case.session_recorded",
            json!({"session": session, "held_at": minutes_ago(0), "mode": "on_site",
                   "mediator": "巴特尔", "record": "双方到场", "result": "continue"}),
        );
        st.act(
            &no,
            "case.transferred",
            json!({"transfer": transfer, "kind": kind, "to_unit": to_unit, "reason": reason}),
        );
        cases.push((st, no));
    }
    // Demo data with the default seed at two stations, and twice on one database.
    s1.ok(&["demo", "--cases", "20"]);
    s2.ok(&["demo", "--cases", "20"]);
    s3.ok(&["demo", "--cases", "20"]);
    s3.ok(&["demo", "--cases", "20"]);

    sync_all(&all);
    sync_all(&all);
    // The association and both stations hold both cases with their sessions and transfers.
    for (st, no) in &cases {
        let here = st.show(no);
        assert_eq!(hx.show(no), here, "{no} at HX");
        assert_eq!(here["case"]["sessions"][0]["id"], session, "{here}");
        assert_eq!(here["case"]["transfers"][0]["transfer"], transfer, "{here}");
    }
    assert_eq!(s2.show(&cases[0].1), s1.show(&cases[0].1));
    assert!(hub.quarantine().is_empty(), "{:?}", hub.quarantine());
    for st in all {
        assert!(st.quarantine().is_empty(), "{}: {:?}", st.label, st.quarantine());
    }
    let converged = assert_converged(&hub, &all, &units());
    assert_eq!(converged.held["HX"], converged.hub_events);
    // Nothing is left to move.
    for st in all {
        let r = st.sync_ok();
        assert_eq!((r["pushed"].as_u64(), r["applied"].as_u64()), (Some(0), Some(0)), "{r}");
    }
}

// 3. A case event and an organisation event on one stream.

#[test]
fn case_and_organisation_events_on_one_stream_are_quarantined_and_every_pull_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    let hub = hub(dir);
    let (hx, st, no, case) = association_and_a_case(dir, &hub, None);
    // An organisation stream: the station's device record (`device.registered`).
    let org: Uuid = st.device.parse().unwrap();

    // Another device of the unit pushes a roving session's end on the case's stream and a
    // case note on the device record's, then a good note on the case.
    let mut f = forger(dir, &hub, &HX0201, "HX0201-forger");
    let events = f.chain_of(vec![
        (case, "roving.ended", json!({"at": minutes_ago(0), "note": ""})),
        (org, "case.note_added", json!({"text": "不属于这里"})),
        (case, "case.note_added", json!({"text": "已电话联系投诉人"})),
    ]);
    let ids: Vec<String> = events.iter().map(|e| e.id.to_string()).collect();
    let receipt = f.push(events).expect("push");
    assert_eq!(receipt.stored, 3);
    let reasons_given: Vec<(String, String)> =
        receipt.quarantined.iter().map(|q| (q.id.to_string(), q.reason.clone())).collect();
    assert_eq!(
        reasons_given,
        [
            (ids[0].clone(), reasons::STREAM_KIND_MISMATCH.to_owned()),
            (ids[1].clone(), reasons::STREAM_KIND_MISMATCH.to_owned())
        ]
    );
    assert_eq!(hub.quarantine_reason(&ids[0]).as_deref(), Some(reasons::STREAM_KIND_MISMATCH));

    // The unit and the association pull on: the good note arrives, the others never do.
    for s in [&st, &hx] {
        let r = s.sync_ok();
        assert_eq!(r["quarantined_here"], 0, "{}: {r}", s.label);
        let notes = s.show(&no)["case"]["notes"].to_string();
        assert!(notes.contains("已电话联系投诉人"), "{}: {notes}", s.label);
        let held: Vec<String> = s.events().into_iter().map(|e| e.id).collect();
        assert!(!held.contains(&ids[0]) && !held.contains(&ids[1]), "{}", s.label);
    }
    // The same events carried to the association in a file: the two that mix stream kinds
    // are set aside there, the good one is a duplicate.
    let file = dir.join("mixed.jsonl");
    let lines: Vec<String> =
        f.chain().iter().rev().take(3).rev().map(|e| serde_json::to_string(e).unwrap()).collect();
    std::fs::write(&file, lines.join("\n") + "\n").unwrap();
    let out = hx.import(&file);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("0 new events, 1 already present, 2 quarantined"),
        "{}",
        stdout(&out)
    );
    let set_aside: Vec<(String, String)> =
        hx.quarantine().into_iter().map(|(id, _, reason)| (id, reason)).collect();
    for id in &ids[..2] {
        assert!(
            set_aside.contains(&(id.clone(), reasons::STREAM_KIND_MISMATCH.to_owned())),
            "{set_aside:?}"
        );
    }
    // Later work goes through as before.
    st.act(&no, "case.note_added", json!({"text": "第二次联系"}));
    sync_all(&[&st, &hx, &st, &hx]);
    assert!(hx.show(&no)["case"]["notes"].to_string().contains("第二次联系"));
    assert_converged_with(&hub, &[&st, &hx], &[&f], &units());
}

// 4. Another unit's case.

#[test]
fn a_device_cannot_take_or_void_another_units_case_and_siblings_never_see_each_others() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    let hub = hub(dir);
    let [hx, branch, s1, s2, s3] = <[Station; 5]>::try_from(enrolled(
        dir,
        &hub,
        &[&HX, &HX02, &HX0201, &HX0202, &HX0301],
        None,
    ))
    .unwrap();
    let all = [&hx, &branch, &s1, &s2, &s3];
    let nos: Vec<String> = all.iter().map(|st| st.add_case(COMPLAINT).1).collect();
    sync_all(&all);
    let target_no = nos[4].clone();
    let target = case_id(&s3, &target_no);

    // A device of HX02 hands HX0301's case to HX02 and voids it.
    let mut f = forger(dir, &hub, &HX02, "HX02-forger");
    let take = f.next(
        target,
        "case.transferred",
        json!({"transfer": Uuid::now_v7(), "kind": "down", "to_unit": "HX02",
               "reason": "small_case_down"}),
    );
    let receipt = f.push(vec![take.clone()]).expect("push");
    let void = f.next(target, "case.voided", json!({"reason": "重复登记"}));
    let receipt2 = f.push(vec![void.clone()]).expect("push");
    for (r, e) in [(&receipt, &take), (&receipt2, &void)] {
        assert_eq!(r.quarantined.len(), 1, "{r:?}");
        assert_eq!(r.quarantined[0].reason, reasons::STREAM_NOT_OWNED);
        assert_eq!(
            hub.quarantine_reason(&e.id.to_string()).as_deref(),
            Some(reasons::STREAM_NOT_OWNED)
        );
    }
    sync_all(&all);
    sync_all(&all);

    // HX02 never pulls HX0301's case, neither the forging device nor the branch's station.
    let pulled = f.pull_all();
    assert!(pulled.iter().all(|e| e.stream != target), "the forger pulled the case");
    let missing = |st: &Station, no: &str| {
        let o = st.run(&["case", "show", no]);
        assert!(stderr(&o).contains("not found"), "{} holds {no}: {}", st.label, stdout(&o));
    };
    missing(&branch, &target_no);
    // The void never reached HX0301 or the association.
    for st in [&s3, &hx] {
        let shown = st.show(&target_no);
        assert_eq!(shown["case"]["status"], "registered", "{}: {shown}", st.label);
        assert_eq!(shown["case"]["timeline"].as_array().unwrap().len(), 1, "{}", st.label);
        assert!(
            st.events().iter().all(|e| e.id != void.id.to_string() && e.id != take.id.to_string())
        );
    }
    // Siblings never see each other's cases; the branch sees its stations'; the association
    // sees everything.
    missing(&s1, &nos[3]);
    missing(&s2, &nos[2]);
    for no in [&nos[0], &nos[1], &nos[2], &nos[3]] {
        missing(&s3, no);
    }
    missing(&s1, &nos[1]);
    branch.show(&nos[2]);
    branch.show(&nos[3]);
    for no in &nos {
        hx.show(no);
    }
    assert_converged_with(&hub, &all, &[&f], &units());
}

// 5. Size limits.

#[test]
fn texts_and_events_over_the_limits_are_refused_where_typed_and_quarantined_where_pushed() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    // Plain HTTP behind the proxy, so that the proxy can answer a push as a refusing hub.
    let hub = hub_with(dir, HubOptions::plain_http());
    let proxy = Proxy::start(hub.addr());
    let st = Station::new(dir, &HX0201);
    let (id, no) = st.add_case(COMPLAINT);
    let case: Uuid = id.parse().unwrap();

    // A 5 MB note typed in is refused, naming the field, and nothing is written.
    let held = st.events();
    let out = st.try_act(&no, "case.note_added", json!({"text": "很".repeat(5 * 1024 * 1024 / 3)}));
    refused(&out, 1, &["text"]);
    assert_eq!(st.events(), held);
    st.verify_ok();
    let hx = Station::new(dir, &HX);
    for s in [&st, &hx] {
        hub.enroll(s, Some(&proxy.http_url()));
        s.sync_ok();
    }

    // Pushed anyway by another device of the unit: a text over the limit, and an event over
    // the size limit made of texts within it, are stored and quarantined.
    let st2 = Station::init(dir, &HX0201, &Init::device("HX0201-forger"));
    hub.enroll(&st2, Some(&proxy.http_url()));
    st2.sync_ok();
    let mut f = Crafter::take_over(&st2);
    let long = "x".repeat(casedesk_proto::limits::MAX_TEXT_CHARS + 1);
    let wide = vec!["y".repeat(casedesk_proto::limits::MAX_TEXT_CHARS - 1); 14];
    let events = f.chain_of(vec![
        (case, "case.note_added", json!({ "text": long })),
        (case, "case.note_added", json!({ "text": "ok", "parts": wide })),
        (case, "case.note_added", json!({ "text": "在限度之内" })),
    ]);
    let ids: Vec<String> = events.iter().map(|e| e.id.to_string()).collect();
    let receipt = f.push(events).expect("push");
    let got: Vec<&str> = receipt.quarantined.iter().map(|q| q.reason.as_str()).collect();
    assert_eq!(got, [reasons::TEXT_TOO_LONG, reasons::TOO_LARGE]);
    assert_eq!(hub.quarantine_reason(&ids[0]).as_deref(), Some(reasons::TEXT_TOO_LONG));
    st.sync_ok();
    let notes = st.show(&no)["case"]["notes"].to_string();
    assert!(notes.contains("在限度之内") && !notes.contains("xxxx"), "{notes}");

    // A hub that refuses a single event as too large (413): not a network failure, but its
    // own exit code and message; nothing is lost once the hub takes it.
    st.act(&no, "case.note_added", json!({"text": "第三次联系"}));
    proxy.refuse_pushes(Some((413, r#"{"code":"too_large","message":"the push is too large"}"#)));
    let out = st.sync();
    let seq = st.head().to_string();
    let words =
        casedesk_domain::messages::text("sync.event_too_large", casedesk_domain::Lang::En, &seq);
    let err = refused(&out, 6, &["sync failed [event_too_large]", &words]);
    assert!(!err.contains("[network]"), "{err}");
    assert!(proxy.refused() >= 1);
    proxy.refuse_pushes(None);
    sync_all(&[&st, &hx, &st, &hx]);
    assert_converged_with(&hub, &[&st, &hx], &[&f], &units());
}

// 6. Clocks.

#[test]
fn an_event_stamped_2099_is_quarantined_and_no_station_adopts_its_clock() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    let hub = hub(dir);
    let (hx, st, no, case) = association_and_a_case(dir, &hub, None);

    // Another device of the unit, its clock at 2099.
    let mut f = forger(dir, &hub, &HX0201, "HX0201-2099");
    let y2099 = chrono::DateTime::parse_from_rfc3339("2099-01-01T00:00:00Z").unwrap();
    let ahead = f.next_at(
        case,
        "case.note_added",
        json!({"text": "来自未来"}),
        Hlc::new(y2099.timestamp_millis() as u64, 0),
    );
    let receipt = f.push(vec![ahead.clone()]).expect("push");
    assert_eq!(receipt.quarantined.len(), 1);
    assert_eq!(receipt.quarantined[0].reason, reasons::CLOCK_AHEAD);
    assert_eq!(hub.quarantine_reason(&ahead.id.to_string()).as_deref(), Some(reasons::CLOCK_AHEAD));

    // Stations that pull never see it; the same event carried in by a file is set aside.
    sync_all(&[&st, &hx]);
    let file = dir.join("from-2099.jsonl");
    std::fs::write(&file, serde_json::to_string(&ahead).unwrap() + "\n").unwrap();
    let out = st.import(&file);
    assert!(out.status.success(), "{}", stderr(&out));
    let q = st.quarantine();
    assert_eq!(q.len(), 1, "{q:?}");
    assert_eq!((q[0].0.as_str(), q[0].2.as_str()), (ahead.id.to_string().as_str(), "clock_ahead"));

    // Their next events are stamped now, and the case shows now.
    let now = chrono::Utc::now().timestamp_millis() as u64;
    for s in [&st, &hx] {
        s.act(&no, "case.note_added", json!({"text": "现在"}));
        s.sync_ok();
        let last = s.own_chain(s.head(), s.head()).remove(0);
        let ms = last.hlc.ms();
        assert!(ms >= now - 60_000 && ms <= now + 600_000, "{}: stamped {ms}", s.label);
        let shown = s.show(&no);
        let last_hlc: u64 = shown["case"]["last_hlc"].as_str().unwrap().parse().unwrap();
        assert!(Hlc(last_hlc).ms() <= now + 600_000, "{}: case last_hlc {last_hlc}", s.label);
        let timeline = shown["case"]["timeline"].as_array().unwrap();
        let at = timeline.last().unwrap()["at"].as_str().unwrap();
        assert!(at.starts_with(&chrono::Utc::now().format("%Y-").to_string()), "{at}");
        assert!(!shown.to_string().contains("来自未来"));
    }
    sync_all(&[&st, &hx]);
    assert_converged_with(&hub, &[&st, &hx], &[&f], &units());
}

// 7. Import.

#[test]
fn import_refuses_this_devices_events_it_does_not_hold_and_takes_its_own_as_duplicates() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    let st = Station::new(dir, &HX0201);
    st.add_accepted_cases(2);
    let other = Station::init(dir, &HX0201, &Init::device("HX0201-b").code(DeviceCode::None));
    other.add_case(COMPLAINT);
    let mine = std::fs::read_to_string(st.export()).unwrap();
    let theirs = std::fs::read_to_string(other.export()).unwrap();

    // A file with another device's events, then one more of this device's chain (seq
    // head + 1) that this database never wrote.
    let last = st.own_chain(st.head(), st.head()).remove(0);
    let mut next = last.clone();
    next.id = Uuid::now_v7();
    next.seq = last.seq + 1;
    next.prev = last.hash;
    next.kind = "case.note_added".into();
    next.payload = json!({"text": "不是本机写的"});
    let next = next.seal();
    let lines = theirs.lines().count();
    let file = dir.join("forged.jsonl");
    std::fs::write(&file, format!("{theirs}{}\n", serde_json::to_string(&next).unwrap())).unwrap();
    let held = st.events();
    let out = st.import(&file);
    refused(&out, 1, &[&format!("line {}", lines + 1)]);
    assert_eq!(st.events(), held, "nothing is written");
    // An own event changed in place is refused alike.
    let mut changed = last.clone();
    changed.payload = json!({"at": minutes_ago(0), "note": "改过"});
    let changed = changed.seal();
    std::fs::write(&file, serde_json::to_string(&changed).unwrap() + "\n").unwrap();
    refused(&st.import(&file), 1, &["line 1"]);
    assert_eq!(st.events(), held);

    // Its own events exactly as held are duplicates; the other device's are new.
    let file = dir.join("mine.jsonl");
    std::fs::write(&file, format!("{mine}{theirs}")).unwrap();
    let out = st.import(&file);
    assert!(out.status.success(), "{}", stderr(&out));
    let report = stdout(&out);
    assert!(
        report.contains(&format!("{lines} new events, {} already present", mine.lines().count())),
        "{report}"
    );
    assert_eq!(st.events().len(), held.len() + lines);
    st.verify_ok();
    assert_eq!(st.head(), last.seq);
}

// 8. Transport.

#[test]
fn a_pinned_station_never_talks_plain_http_and_says_which_hub_failure_needs_a_person() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    let mut hub = hub(dir);
    let st = Station::new(dir, &HX0201);
    hub.enroll(&st, None);
    st.add_case(COMPLAINT);
    st.sync_ok();
    let token = st.sync_state("token").unwrap();
    let pinned = st.sync_state("fingerprint").unwrap();

    // A capturing proxy in front of the hub, offered as a plain-HTTP address.
    let proxy = Proxy::start(hub.addr());
    proxy.capture(true);
    let code = hub.enroll_code("HX0201", None);
    for extra in [&[][..], &["--allow-plain-http"]] {
        let mut args = vec!["enroll", code.as_str(), "--hub"];
        let url = proxy.http_url();
        args.push(&url);
        args.extend(extra);
        refused(&st.run(&args), 5, &["[plain_http_refused]"]);
    }
    // Nor does a code naming a plain-HTTP hub (it carries no fingerprint) drop the pin.
    let plain = hub.enroll_code("HX0201", Some(&proxy.http_url()));
    for args in [
        vec!["enroll", plain.as_str(), "--allow-plain-http"],
        vec!["enroll", plain.as_str(), "--hub", &proxy.http_url(), "--allow-plain-http"],
    ] {
        refused(&st.run(&args), 5, &["[plain_http_refused]"]);
    }
    // A settings change of the address to http is refused alike.
    let err = st.set_hub_address(&proxy.http_url()).unwrap_err();
    assert_eq!(err.code(), "plain_http_refused", "{err}");
    assert!(err.is_permanent() && !err.is_network(), "{err}");
    assert_eq!(st.sync_state("hub"), Some(hub.url()));
    assert_eq!(st.sync_state("fingerprint"), Some(pinned.clone()));
    st.sync_ok();
    assert_eq!(proxy.connections(), 0, "something went to the plain-HTTP address");
    assert_eq!(proxy.bytes(), (0, 0));
    assert!(proxy.exchanges().is_empty());

    // A plain code of the unit under this device id: refused, the token stays and works.
    refused(&st.run(&["enroll", &code]), 5, &["[device_enrolled]"]);
    assert_eq!(st.sync_state("token"), Some(token.clone()));
    st.add_case(COMPLAINT);
    st.sync_ok();

    // The hub is down: a network failure (exit 4).
    hub.stop();
    st.sync_fails_on_network();
    // The hub comes back with another certificate: not the network, a person must look
    // (exit 5), and nothing is sent to it.
    hub.restart_with_new_certificate();
    let count = hub.event_count();
    st.add_case(COMPLAINT);
    refused(&st.sync(), 5, &["sync failed [pin_mismatch]"]);
    assert_eq!(hub.event_count(), count);
    assert_eq!(st.status()["status"]["last_error_code"], "pin_mismatch");
    assert_eq!(st.sync_state("token"), Some(token));
}

// 9. Unit records.

#[test]
fn every_replica_shows_one_name_for_a_unit_whose_devices_registered_it_differently() {
    use rand::SeedableRng;
    use rand::seq::SliceRandom;
    let test = "sync_trust::every_replica_shows_one_name_for_a_unit";
    let seed = casedesk_tests::seed(test);
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    for round in 0..casedesk_tests::scale(test, 3, 10) {
        let dir = tempfile::tempdir().unwrap();
        let dir = dir.path();
        let hub = hub(dir);
        let hx = Station::new(dir, &HX);
        let mut stations = vec![hx.clone()];
        let mut last_names = Vec::new();
        for unit in [&HX0201, &HX0202] {
            let mut name = String::new();
            for (i, label) in ["a", "b"].into_iter().enumerate() {
                name = format!("{}（第{}台设备）", unit.name, i + 1);
                let init = Init::device(&format!("{}-{label}", unit.code))
                    .code(DeviceCode::None)
                    .unit_name(&name);
                stations.push(Station::init(dir, unit, &init));
            }
            last_names.push((unit.code, name));
        }
        for st in &stations {
            hub.enroll(st, None);
        }
        let mut order: Vec<&Station> = stations.iter().collect();
        for _ in 0..3 {
            order.shuffle(&mut rng);
            sync_all(&order);
        }
        sync_all(&order);
        let all: Vec<&Station> = stations.iter().collect();
        assert_converged(&hub, &all, &units());
        // The latest registration wins everywhere the unit is known.
        for (unit, name) in &last_names {
            for st in stations.iter().filter(|s| s.unit == *unit || s.unit == "HX") {
                assert_eq!(
                    st.unit_name(unit).as_deref(),
                    Some(name.as_str()),
                    "seed {seed} round {round}: {} shows {unit}",
                    st.label
                );
            }
        }
    }
}

// 10. What the log may hold.

#[test]
fn actions_that_could_not_have_happened_are_refused_and_consultations_are_counted_not_registered() {
    let dir = tempfile::tempdir().unwrap();
    let st = Station::new(dir.path(), &HX0201);
    let (_, no) = st.add_case(COMPLAINT);
    let in_a_day = (chrono::Utc::now() + chrono::Duration::days(1))
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let refuse = |kind: &str, payload: Value, words: &[&str]| {
        let held = st.events().len();
        refused(&st.try_act(&no, kind, payload), 1, words);
        assert_eq!(st.events().len(), held, "{kind} was written");
    };
    let before = ["at:", "before the case was received"];
    refuse("case.accepted", json!({"at": minutes_ago(60 * 24)}), &before);
    refuse("case.accepted", json!({"at": in_a_day}), &["at:", "in the future"]);
    st.ok(&["case", "accept", &no]);
    refuse("case.closed", json!({"at": "2020-05-01T08:00:00Z", "outcome": "settled"}), &before);
    refuse("case.closed", json!({"at": in_a_day, "outcome": "settled"}), &["at:", "in the future"]);

    // A terminated mediation cannot close as resolved by mediation.
    st.act(
        &no,
        "case.mediation_terminated",
        json!({"at": minutes_ago(0), "reason": "O121T-2", "note": "被投诉人拒绝调解"}),
    );
    let held = st.events().len();
    let out = st.try_act(
        &no,
        "case.closed",
        json!({"at": minutes_ago(0), "outcome": "mediated", "recovered_fen": 0}),
    );
    refused(&out, 1, &["outcome:"]);
    let err = stderr(&out);
    let after =
        casedesk_domain::messages::text("outcome.after_termination", casedesk_domain::Lang::En, "");
    assert!(err.contains(&after), "{err}");
    refused(&st.run(&["case", "close", &no, "--outcome", "mediated"]), 1, &["outcome"]);
    assert_eq!(st.events().len(), held);
    st.ok(&["case", "close", &no, "--outcome", "unresolved"]);

    // A consultation is not registered as a case: `casedesk consult` counts it.
    let out = st.run(&[
        "case",
        "add",
        "--type",
        "consultation",
        "--name",
        "王秀兰",
        "--phone",
        "13897712345",
        "--village",
        "德令哈市",
        "--respondent",
        "某手机店",
        "--facts",
        "咨询退货规定",
    ]);
    refused(&out, 1, &["case_type", "casedesk consult"]);

    // Roving intake: start, consultations and a complaint taken there, end.
    let out = st.ok(&["roving", "start", "--place", "天峻县织合玛乡牧委会", "--team", "扎西,卓玛"]);
    let roving = out.split_whitespace().last().unwrap().to_owned();
    st.ok(&[
        "consult",
        "--topic",
        "饲料质量",
        "--people",
        "3",
        "--channel",
        "roving",
        "--roving",
        &roving,
    ]);
    st.ok(&["consult", "--topic", "退货", "--roving", &roving]);
    let mut reg: Value = serde_json::from_str(COMPLAINT).unwrap();
    reg["roving_session"] = json!(roving);
    reg["channel"] = json!("roving");
    st.add_case(&reg.to_string());
    // A registration naming a roving session this station never held is refused.
    reg["roving_session"] = json!(Uuid::now_v7());
    let file = dir.path().join("unknown-roving.json");
    std::fs::write(&file, reg.to_string()).unwrap();
    let held = st.events().len();
    let out = st.run(&["case", "add", "--json", file.to_str().unwrap()]);
    refused(&out, 1, &["roving_session", "no such roving intake session"]);
    assert_eq!(st.events().len(), held);
    st.ok(&["roving", "end", &roving, "--note", "收工"]);
    let list: Value = serde_json::from_str(&st.ok(&["roving", "list", "--json"])).unwrap();
    assert_eq!(list[0]["id"], roving.as_str(), "{list}");
    // 接待人次: the 3 + 1 people who asked and the complaint's one complainant.
    assert_eq!((list[0]["people"].as_u64(), list[0]["complaints"].as_u64()), (Some(5), Some(1)));
    assert!(!list[0]["ended_at"].is_null(), "{list}");
    let text = st.ok(&["roving", "list"]);
    assert!(text.contains("天峻县织合玛乡牧委会"), "{text}");
    st.verify_ok();
}

// 11. A hub restored from a backup.

#[test]
fn a_hub_restored_from_a_backup_gets_back_what_it_lost_and_readers_pull_again() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    let mut hub = hub(dir);
    let [hx, a, b, c] =
        <[Station; 4]>::try_from(enrolled(dir, &hub, &[&HX, &HX0201, &HX0202, &HX0301], None))
            .unwrap();
    let all = [&hx, &a, &b, &c];
    for st in all {
        st.add_accepted_cases(1);
    }
    sync_all(&all);
    sync_all(&all);

    // The backup.
    hub.stop();
    let backup = dir.join("backup");
    hub.back_up(&backup);
    hub.start_again();
    // Work the backup will not hold: HX0201 and HX0301 push, the association pulls it.
    a.add_accepted_cases(3);
    c.add_accepted_cases(2);
    sync_all(&[&a, &c, &hx]);
    let cursor: u64 = hx.sync_state("cursor").unwrap().parse().unwrap();
    let checkpoint: Uuid = hx.sync_state("checkpoint").unwrap().parse().unwrap();

    // Restored.
    hub.stop();
    hub.restore(&backup);
    hub.start_again();
    // HX0202 pushes; HX0201 and HX0301 find the hub behind and push again what it lost.
    b.add_accepted_cases(3);
    let rb = b.sync_ok();
    assert_eq!(rb["hub_regressed"], false, "{rb}");
    a.add_accepted_cases(1);
    let (a_lost, c_lost) = (6, 4);
    for (st, lost, new) in [(&a, a_lost, 2), (&c, c_lost, 0)] {
        let r = st.sync_ok();
        assert_eq!(r["hub_regressed"], true, "{}: {r}", st.label);
        assert_eq!(r["pushed"].as_u64(), Some(lost + new), "{}: {r}", st.label);
    }
    // The association's cursor names a position the restored hub has handed out again, to
    // other events: the hub says so (cursor_unknown) rather than serve the page after it.
    let max_feed: u64 = rusqlite::Connection::open(hub.db())
        .unwrap()
        .query_row("SELECT max(pos) FROM feed WHERE unit = 'HX'", [], |r| r.get::<_, i64>(0))
        .unwrap() as u64;
    assert!(max_feed > cursor, "the restored feed ({max_feed}) must pass the cursor ({cursor})");
    let err = craft::transport(&hx).pull(cursor, Some(checkpoint), 100).unwrap_err();
    assert_eq!(err.code(), "cursor_unknown", "{err}");
    // So the association pulls again from the start, and misses nothing.
    let r = hx.sync_ok();
    assert_eq!(r["hub_regressed"], true, "{r}");
    assert_eq!(r["pushed"], 0, "{r}");
    assert!(r["applied"].as_u64().unwrap() >= 3 * 2 + 2, "{r}");
    sync_all(&all);
    sync_all(&all);
    assert!(hub.frozen().is_empty(), "frozen: {:?}", hub.frozen());
    let converged = assert_converged(&hub, &all, &units());
    assert_eq!(converged.held["HX"], converged.hub_events);
    for st in all {
        let r = st.sync_ok();
        assert_eq!((r["pushed"].as_u64(), r["applied"].as_u64()), (Some(0), Some(0)), "{r}");
    }
}

// 12. Chaos.

/// What the chaos run did, printed past the capture.
#[derive(Debug, Default)]
struct Figures {
    rounds: usize,
    actions: usize,
    refused: usize,
    syncs: usize,
    failed: usize,
    station_kills: usize,
    hub_kills: usize,
    failpoints: usize,
    cuts: usize,
    links: Vec<&'static str>,
    /// Seconds spent on the shaped links.
    link_secs: f64,
}

/// A case as the chaos run knows it: which units may write it (the registering unit, units a
/// transfer down named, co-handling units: no feedback is ever given, so their grant stays).
struct ModelCase {
    id: String,
    owner: String,
    writers: Vec<String>,
}

struct Chaos {
    test: &'static str,
    seed: u64,
    rng: rand::rngs::StdRng,
    hub: Hub,
    proxy: Proxy,
    devices: Vec<Station>,
    cases: Vec<ModelCase>,
    figures: Figures,
}

/// Units a case can be transferred down or co-handled to.
const STATION_UNITS: [&str; 3] = ["HX0201", "HX0202", "HX0301"];

impl Chaos {
    fn pick<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
        use rand::Rng;
        (!items.is_empty()).then(|| &items[self.rng.random_range(0..items.len())])
    }

    /// An outcome of a command on a case: done, or refused for a reason the station may
    /// have (the case has not reached it yet, the action does not fit its state there).
    #[track_caller]
    fn acted(&mut self, what: &str, out: &std::process::Output) -> bool {
        self.figures.actions += 1;
        if out.status.success() {
            return true;
        }
        let err = stderr(out);
        assert!(
            out.status.code() == Some(1)
                && (err.contains("not found") || err.contains("illegal_transition")),
            "seed {}: {what}: {}\n{err}",
            self.seed,
            out.status
        );
        self.figures.refused += 1;
        false
    }

    /// A random action of device `d` on the cases, or a sync with a random fault.
    fn step(&mut self, d: usize) {
        use rand::Rng;
        let st = self.devices[d].clone();
        let unit = st.unit.clone();
        let writable: Vec<usize> =
            (0..self.cases.len()).filter(|&i| self.cases[i].writers.contains(&unit)).collect();
        match self.rng.random_range(0..100) {
            0..20 => {
                let (id, _) = st.add_case(COMPLAINT);
                self.figures.actions += 1;
                self.cases.push(ModelCase { id, owner: unit.clone(), writers: vec![unit] });
            }
            20..30 => {
                if let Some(&i) = self.pick(&writable) {
                    let id = self.cases[i].id.clone();
                    let out = st.run(&["case", "accept", &id]);
                    self.acted(&format!("{} accepts {id}", st.label), &out);
                }
            }
            30..55 => {
                if let Some(&i) = self.pick(&writable) {
                    let id = self.cases[i].id.clone();
                    let text = format!("{} 第{}次联系", st.label, self.figures.actions);
                    let out = st.try_act(&id, "case.note_added", json!({ "text": text }));
                    self.acted(&format!("{} notes {id}", st.label), &out);
                }
            }
            55..70 => {
                let own: Vec<usize> =
                    (0..self.cases.len()).filter(|&i| self.cases[i].owner == unit).collect();
                let Some(&i) = self.pick(&own) else { return };
                // A unit that holds the case already is no place to send it.
                let others: Vec<&str> = STATION_UNITS
                    .iter()
                    .copied()
                    .filter(|u| !self.cases[i].writers.iter().any(|w| w == u))
                    .collect();
                if let Some(&to) = self.pick(&others) {
                    let (kind, reason) = if unit == "HX" {
                        ("down", "small_case_down")
                    } else {
                        ("co_handle", "hard_case_joint")
                    };
                    let id = self.cases[i].id.clone();
                    let out = st.try_act(
                        &id,
                        "case.transferred",
                        json!({"transfer": Uuid::now_v7(), "kind": kind, "to_unit": to,
                               "reason": reason}),
                    );
                    if self.acted(&format!("{} transfers {id} to {to}", st.label), &out) {
                        self.cases[i].writers.push(to.to_owned());
                    }
                }
            }
            _ => self.sync_with_a_fault(d),
        }
    }

    /// Judges a sync's outcome: done, failed for want of the hub (exit 4), or killed by us.
    #[track_caller]
    fn synced(&mut self, who: &str, out: &std::process::Output, killed: bool) {
        use std::os::unix::process::ExitStatusExt;
        self.figures.syncs += 1;
        if out.status.success() {
            return;
        }
        self.figures.failed += 1;
        let err = stderr(out);
        let by_us = killed && out.status.signal().is_some();
        assert!(
            by_us || (out.status.code() == Some(4) && err.contains("sync failed [")),
            "seed {}: {who}: sync {}\n{err}",
            self.seed,
            out.status
        );
    }

    /// `casedesk sync` of `st` started in the background.
    fn spawn_sync(st: &Station) -> std::process::Child {
        use std::process::Stdio;
        st.command()
            .args(["sync", "--json"])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn casedesk sync")
    }

    fn sync_with_a_fault(&mut self, d: usize) {
        use rand::Rng;
        use std::time::Duration;
        let st = self.devices[d].clone();
        let who = st.label.clone();
        let ms = |rng: &mut rand::rngs::StdRng| Duration::from_millis(rng.random_range(10..250));
        match self.rng.random_range(0..7) {
            0 => {
                let out = st.sync();
                self.synced(&who, &out, false);
            }
            1 => {
                // Killed (abort) before or after the push leaves, if there is one.
                let point = *self.pick(&["push_before_send", "push_after_send"]).unwrap();
                let out = st.command().env("CASEDESK_FAILPOINT", point).arg("sync").output();
                let out = out.expect("run casedesk sync");
                if !out.status.success() {
                    self.figures.failpoints += 1;
                }
                self.synced(&who, &out, true);
            }
            2 => {
                // kill -9 at a random moment.
                let mut child = Chaos::spawn_sync(&st);
                std::thread::sleep(ms(&mut self.rng));
                if child.try_wait().expect("try_wait").is_none() {
                    let _ = child.kill();
                    self.figures.station_kills += 1;
                }
                let out = child.wait_with_output().expect("wait");
                self.synced(&who, &out, true);
            }
            3 => {
                // The hub dies between its commit and its reply.
                self.hub.restart(Some("after_commit"));
                let out = st.sync();
                if !self.hub.is_running() {
                    self.figures.hub_kills += 1;
                    self.figures.failpoints += 1;
                }
                self.hub.restart(None);
                self.synced(&who, &out, false);
            }
            4 => {
                // kill -9 of the hub while the station syncs.
                let child = Chaos::spawn_sync(&st);
                std::thread::sleep(ms(&mut self.rng));
                self.hub.stop();
                self.figures.hub_kills += 1;
                let out = child.wait_with_output().expect("wait");
                self.hub.start_again();
                self.synced(&who, &out, false);
            }
            5 => {
                // A connection cut in the middle of a request or a reply.
                let fault = if self.rng.random_bool(0.5) {
                    casedesk_tests::proxy::Fault::CutUp { after: self.rng.random_range(100..8_000) }
                } else {
                    casedesk_tests::proxy::Fault::CutDown {
                        after_up: self.rng.random_range(100..6_000),
                        after_down: self.rng.random_range(0..2_000),
                    }
                };
                self.proxy.arm(fault);
                let out = st.sync();
                self.proxy.disarm();
                self.figures.cuts += self.proxy.take_fired().len();
                self.synced(&who, &out, false);
            }
            _ => {
                // Two devices at once (often the two laptops of HX0201).
                let other = self.devices[self.rng.random_range(0..self.devices.len())].clone();
                let (a, b) = (Chaos::spawn_sync(&st), Chaos::spawn_sync(&other));
                let (a, b) =
                    (a.wait_with_output().expect("wait"), b.wait_with_output().expect("wait"));
                self.synced(&who, &a, false);
                self.synced(&other.label, &b, false);
            }
        }
    }

    /// Syncs `st` until a round completes (a hub still finishing a killed client's push may
    /// answer busy for a moment).
    fn sync_until_done(&mut self, st: &Station) {
        for _ in 0..10 {
            let out = st.sync();
            self.synced(&st.label, &out, false);
            if out.status.success() {
                return;
            }
        }
        panic!("seed {}: {} never completed a sync", self.seed, st.label);
    }

    /// Every device syncs until nothing is left to move, twice over.
    fn quiesce(&mut self) {
        for _ in 0..2 {
            for st in self.devices.clone() {
                self.sync_until_done(&st);
            }
        }
    }

    /// The same rounds over a shaped link between network namespaces: the hub (and the
    /// delaying proxy) in one, the devices in the other.
    fn over_links(&mut self) {
        use casedesk_tests::netns::{BAD_TWO_G, HUB_IP, NetPair, NetProxy, TWO_G};
        if casedesk_tests::netns::skip(&format!("{} (2G, bad 2G, partition)", self.test)) {
            return;
        }
        self.quiesce();
        let started = std::time::Instant::now();
        let back = self.proxy.https_url();
        for profile in [TWO_G, BAD_TWO_G] {
            let net = NetPair::create();
            self.hub.relocate(Some(&net.hub), &format!("{HUB_IP}:0"));
            net.shape(&profile);
            let relay = NetProxy::start(&net.hub, HUB_IP, self.hub.addr(), profile.latency);
            let outside = std::mem::take(&mut self.devices);
            for st in &outside {
                st.set_hub_address(&relay.https_url()).expect("hub address");
                self.devices.push(st.in_netns(&net.station));
            }
            self.figures.links.push(profile.name);
            // A few notes by the two laptops of HX0201, moved over the link: one laptop
            // pushes, the other pulls (bad 2G moves about 2 KB/s).
            let laptops: Vec<usize> =
                (0..self.devices.len()).filter(|&i| self.devices[i].unit == "HX0201").collect();
            let case = self.cases.iter().find(|c| c.owner == "HX0201").map(|c| c.id.clone());
            let case = case.unwrap_or_else(|| self.devices[laptops[0]].add_case(COMPLAINT).0);
            for (n, &i) in laptops.iter().enumerate() {
                let st = self.devices[i].clone();
                st.try_act(
                    &case,
                    "case.note_added",
                    json!({"text": format!("{} 链路{n}", profile.name)}),
                );
                self.sync_until_done(&st);
            }
            if profile.name == TWO_G.name {
                // kill -9 in the middle of a push over the slow link.
                let st = self.devices[laptops[0]].clone();
                st.add_accepted_cases(2);
                let mut child = Chaos::spawn_sync(&st);
                std::thread::sleep(std::time::Duration::from_millis(1200));
                if child.try_wait().expect("try_wait").is_none() {
                    let _ = child.kill();
                    self.figures.station_kills += 1;
                }
                let out = child.wait_with_output().expect("wait");
                self.synced(&st.label, &out, true);
                // A partition that heals while a sync is trying.
                net.partition();
                let dropped = net.partition_drops();
                let child = Chaos::spawn_sync(&st);
                let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
                while net.partition_drops() == dropped {
                    assert!(
                        std::time::Instant::now() < deadline,
                        "nothing went into the partition"
                    );
                    std::thread::sleep(std::time::Duration::from_millis(20));
                }
                net.heal();
                let out = child.wait_with_output().expect("wait");
                self.synced(&st.label, &out, false);
                assert!(
                    out.status.success(),
                    "seed {}: after the partition healed: {}",
                    self.seed,
                    stderr(&out)
                );
                self.figures.links.push("partition");
                for &i in &laptops {
                    let st = self.devices[i].clone();
                    self.sync_until_done(&st);
                }
            }
            // Back on loopback behind the cutting proxy.
            drop(relay);
            self.hub.relocate(None, "127.0.0.1:0");
            self.proxy.set_upstream(self.hub.addr());
            for st in &outside {
                st.set_hub_address(&back).expect("hub address");
            }
            self.devices = outside;
            drop(net);
        }
        self.figures.link_secs = started.elapsed().as_secs_f64();
    }
}

#[test]
fn chaos_kills_cuts_and_bad_links_lose_double_and_fork_nothing() {
    use rand::{Rng, SeedableRng};
    use std::io::Write;
    const TEST: &str = "sync_trust::chaos_kills_cuts_and_bad_links_lose_double_and_fork_nothing";
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    let seed = casedesk_tests::seed(TEST);
    let hub = hub(dir);
    let proxy = Proxy::start(hub.addr());
    proxy.set_latency(casedesk_tests::proxy::Latency {
        delay: std::time::Duration::from_millis(3),
        jitter: std::time::Duration::from_millis(3),
    });
    let devices = vec![
        Station::new(dir, &HX),
        Station::init(dir, &HX0201, &Init::device("HX0201-a")),
        Station::init(dir, &HX0201, &Init::device("HX0201-b")),
        Station::new(dir, &HX0202),
        Station::new(dir, &HX0301),
    ];
    for st in &devices {
        hub.enroll(st, Some(&proxy.https_url()));
    }
    let mut chaos = Chaos {
        test: TEST,
        seed,
        rng: rand::rngs::StdRng::seed_from_u64(seed),
        hub,
        proxy,
        devices,
        cases: Vec::new(),
        figures: Figures { links: vec!["loopback"], ..Figures::default() },
    };
    let started = std::time::Instant::now();
    let rounds = casedesk_tests::scale(TEST, 24, 200);
    for round in 0..rounds {
        chaos.figures.rounds = round + 1;
        for _ in 0..chaos.devices.len() {
            let d = chaos.rng.random_range(0..chaos.devices.len());
            chaos.step(d);
        }
        if round == rounds / 2 {
            chaos.over_links();
        }
    }
    chaos.quiesce();

    let all: Vec<&Station> = chaos.devices.iter().collect();
    let census = casedesk_tests::replicas::census(&chaos.hub, &all, &units());
    let f = &chaos.figures;
    let _ = writeln!(
        std::io::stderr(),
        "CHAOS {TEST}: seed {seed}: {} rounds, {} actions ({} refused), {} syncs ({} failed), \
         kills: {} stations, {} hub, {} failpoints; {} cuts; links: {} ({:.0} s of {:.0} s); {} \
         events, {} lost, {} duplicated, {} diverged",
        f.rounds,
        f.actions,
        f.refused,
        f.syncs,
        f.failed,
        f.station_kills,
        f.hub_kills,
        f.failpoints,
        f.cuts,
        f.links.join(", "),
        f.link_secs,
        started.elapsed().as_secs_f64(),
        census.events,
        census.lost,
        census.duplicated,
        census.diverged
    );
    assert_eq!((census.lost, census.duplicated, census.diverged), (0, 0, 0), "seed {seed}");
    assert!(chaos.hub.quarantine().is_empty(), "seed {seed}: {:?}", chaos.hub.quarantine());
    assert!(chaos.hub.frozen().is_empty(), "seed {seed}: {:?}", chaos.hub.frozen());
    assert_converged(&chaos.hub, &all, &units());
}
