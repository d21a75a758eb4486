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
    let err = refused(&out, 6, &["sync failed [event_too_large]"]);
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
    // A settings change of the address to http is refused alike.
    {
        let mut store = casedesk_store::Store::open(&st.db).unwrap();
        let err = casedesk_sync::set_hub_address(&mut store, &proxy.http_url()).unwrap_err();
        assert_eq!(err.code(), "plain_http_refused", "{err}");
        assert!(err.is_permanent() && !err.is_network(), "{err}");
    }
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
    assert_eq!((list[0]["people"].as_u64(), list[0]["complaints"].as_u64()), (Some(4), Some(1)));
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
