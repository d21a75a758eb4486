//! The hub decides who may write what: crafted pushes from legitimately enrolled devices, each
//! refused event quarantined (stored, acknowledged with its reason, in no feed), never a failed
//! batch, and never visible to anyone.

use casedesk_hub::store::HubStore;
use casedesk_proto::limits::{MAX_ARRAY_LEN, MAX_CLOCK_AHEAD_MS, MAX_DEPTH, MAX_TEXT_CHARS};
use casedesk_proto::sync::MAX_EVENT_BYTES;
use casedesk_proto::{Event, Hlc};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::support::{Hub, Station, ids, reasons, registration, streams, transfer};

/// Pushes everything `st` has not pushed yet; returns the receipt's quarantine reasons.
async fn push_rest(hub: &Hub, st: &Station) -> Vec<(u64, String)> {
    let acked = hub.acked(st).await.0;
    let receipt = hub.push_ok(st, st.events(acked + 1, st.chain.len() as u64)).await;
    assert_eq!(receipt.acked_seq, st.chain.len() as u64, "every event acknowledged");
    reasons(&receipt)
}

fn note(text: &str) -> Value {
    json!({ "text": text })
}

/// `(seq, reason)` pairs, for comparing with a receipt.
fn expect(pairs: &[(u64, &str)]) -> Vec<(u64, String)> {
    pairs.iter().map(|(s, r)| (*s, (*r).to_owned())).collect()
}

fn seq_of(st: &Station, e: &Event) -> u64 {
    st.chain.iter().find(|c| c.id == e.id).map(|c| c.seq).expect("in the chain")
}

conformance! {
async fn a_station_cannot_take_or_void_another_stations_case() {
    let hub = Hub::new().await;
    let mut owner = hub.station("HX03").await;
    let mut thief = hub.station("HX02").await;
    let watcher = hub.station("HX02").await;
    let case = owner.new_case(1);
    push_rest(&hub, &owner).await;

    // HX02 knows the case id (say it read it off a letter) and pushes events on it.
    let grab = thief.write(case, "case.transferred", transfer("down", "HX02"));
    let void =
        thief.write(case, "case.voided", json!({ "target": owner.chain[0].id, "reason": "dup" }));
    let co = thief.write(case, "case.transferred", transfer("co_handle", "HX02"));
    let own = thief.new_case(0);
    let quarantined = push_rest(&hub, &thief).await;
    assert_eq!(
        quarantined,
        expect(&[
            (seq_of(&thief, &grab), "stream_not_owned"),
            (seq_of(&thief, &void), "stream_not_owned"),
            (seq_of(&thief, &co), "stream_not_owned"),
        ])
    );

    // HX02 never sees HX03's case, by either device; HX03's case goes on untouched.
    for st in [&thief, &watcher] {
        let seen = hub.pull_all(st).await;
        assert!(seen.iter().all(|e| e.stream != case), "HX02 pulled HX03's case");
    }
    assert_eq!(streams(&hub.pull_all(&watcher).await), [own]);
    owner.write(case, "case.note_added", note("still ours"));
    assert!(push_rest(&hub, &owner).await.is_empty());
    let held = hub.store.list_quarantine().await.expect("quarantine");
    assert_eq!(held.iter().map(|q| q.event).collect::<Vec<_>>(), [grab.id, void.id, co.id]);
    assert!(held.iter().all(|q| q.reason == "stream_not_owned" && q.device == thief.device));
}
}

conformance! {
async fn transfers_decide_who_may_write_and_co_handling_ends_with_its_feedback() {
    let hub = Hub::new().await;
    let mut assoc = hub.station("HX").await;
    let mut b = hub.station("HX02").await;
    let mut c = hub.station("HX03").await;
    let mut d = hub.station("HX0101").await;
    let case = assoc.new_case(0);
    // A transfer to a department names no unit, even with a to_unit in it.
    assoc.write(
        case,
        "case.transferred",
        json!({ "transfer": Uuid::now_v7(), "kind": "to_department", "to_unit": "HX03",
                "to_department": "市场监督管理局", "reason": "letter" }),
    );
    assoc.write(case, "case.transferred", transfer("down", "HX02"));
    assert!(push_rest(&hub, &assoc).await.is_empty());

    let early = c.write(case, "case.note_added", note("not ours"));
    assert_eq!(push_rest(&hub, &c).await, expect(&[(seq_of(&c, &early), "stream_not_owned")]));

    // HX02 holds the case: it writes, and gives it to HX03 for co-handling.
    let co = Uuid::now_v7();
    b.write(case, "case.note_added", note("received"));
    b.write(
        case,
        "case.transferred",
        json!({ "transfer": co, "kind": "co_handle", "to_unit": "HX03", "reason": "joint" }),
    );
    assert!(push_rest(&hub, &b).await.is_empty());

    // HX03 co-handles until its feedback; after it, no more.
    c.write(
        case,
        "case.session_recorded",
        json!({ "session": Uuid::now_v7(), "result": "agreed" }),
    );
    c.write(case, "case.transfer_feedback", json!({ "transfer": co, "text": "调解成功" }));
    let late = c.write(case, "case.note_added", note("after the feedback"));
    assert_eq!(push_rest(&hub, &c).await, expect(&[(seq_of(&c, &late), "stream_not_owned")]));

    // The association (registering unit) and HX02 (named by a transfer down) still write,
    // even after HX02 passes the case on; HX0101 may write once HX02 sends it down.
    let before = d.write(case, "case.note_added", note("too soon"));
    assert_eq!(push_rest(&hub, &d).await, expect(&[(seq_of(&d, &before), "stream_not_owned")]));
    b.write(case, "case.transferred", transfer("down", "HX0101"));
    b.write(case, "case.note_added", note("a late event of a former holder"));
    assert!(push_rest(&hub, &b).await.is_empty());
    d.write(case, "case.note_added", note("now ours"));
    assert!(push_rest(&hub, &d).await.is_empty());
    assoc.write(case, "case.note_added", note("from the association"));
    assert!(push_rest(&hub, &assoc).await.is_empty());

    // Every unit involved pulls the accepted events only.
    let accepted: Vec<Uuid> = {
        let quarantined: Vec<Uuid> =
            hub.store.list_quarantine().await.expect("q").iter().map(|q| q.event).collect();
        let mut all: Vec<&Event> =
            assoc.chain.iter().chain(&b.chain).chain(&c.chain).chain(&d.chain).collect();
        all.retain(|e| !quarantined.contains(&e.id));
        let mut ids: Vec<Uuid> = all.iter().map(|e| e.id).collect();
        ids.sort();
        ids
    };
    let other = hub.station("HX03").await;
    let mut seen = ids(&hub.pull_all(&other).await);
    seen.sort();
    assert_eq!(seen, accepted, "HX03 sees the case (co-handled) without the quarantined events");
    assert_eq!(hub.counts().await.quarantined, 3);
}
}

conformance! {
async fn case_and_organisation_events_never_share_a_stream() {
    let hub = Hub::new().await;
    let mut st = hub.station("HX02").await;
    let mut other = hub.station("HX03").await;
    let case = st.new_case(0);
    let org = Uuid::now_v7();
    let mixed = st.write(case, "staff.registered", json!({ "unit": "HX02", "name": "卓玛" }));
    st.write(org, "unit.registered", json!({ "code": "HX02", "name": "格尔木站" }));
    st.write(org, "unit.registered", json!({ "code": "HX02", "name": "格尔木市投诉联络站" }));
    let case_on_org = st.write(org, "case.note_added", note("on a unit record"));
    let again = st.write(org, "case.registered", registration("HX02"));
    let twice = st.write(case, "case.registered", registration("HX02"));
    let quarantined = push_rest(&hub, &st).await;
    assert_eq!(
        quarantined,
        expect(&[
            (seq_of(&st, &mixed), "stream_kind_mismatch"),
            (seq_of(&st, &case_on_org), "stream_kind_mismatch"),
            (seq_of(&st, &again), "stream_exists"),
            (seq_of(&st, &twice), "stream_exists"),
        ])
    );
    // Another unit cannot write the organisation stream, nor start a case on it.
    let foreign = other.write(org, "unit.registered", json!({ "code": "HX03", "name": "乌兰" }));
    assert_eq!(
        push_rest(&hub, &other).await,
        expect(&[(seq_of(&other, &foreign), "stream_not_owned")])
    );
    // HX02's other devices see the accepted events only.
    let reader = hub.station("HX02").await;
    let seen = ids(&hub.pull_all(&reader).await);
    assert_eq!(seen, [st.chain[0].id, st.chain[2].id, st.chain[3].id]);
}
}

conformance! {
async fn a_unit_may_only_register_itself() {
    let hub = Hub::new().await;
    let mut branch = hub.station("HX01").await;
    let mut child = hub.station("HX0101").await;
    let record = Uuid::now_v7();
    branch.write(record, "unit.registered", json!({ "code": "HX01", "name": "德令哈市消协分会" }));
    assert!(push_rest(&hub, &branch).await.is_empty());

    // The child station rewrites its parent's record, on its stream or on a new one.
    let over = child.write(record, "unit.registered", json!({ "code": "HX0101", "name": "x" }));
    let forged =
        child.write(Uuid::now_v7(), "unit.registered", json!({ "code": "HX01", "name": "x" }));
    let staff = child.write(Uuid::now_v7(), "staff.registered", json!({ "unit": "HX01" }));
    let device = child.write(child.device, "device.registered", json!({ "unit": "HX01" }));
    let roving = child.write(Uuid::now_v7(), "roving.started", json!({ "unit": "HX01" }));
    let consult = child.write(Uuid::now_v7(), "consultation.recorded", json!({ "unit": "HX01" }));
    let case = child.write(Uuid::now_v7(), "case.registered", registration("HX01"));
    let own = child.write(Uuid::now_v7(), "unit.registered", json!({ "code": "HX0101" }));
    assert_eq!(
        push_rest(&hub, &child).await,
        expect(&[
            (seq_of(&child, &over), "stream_not_owned"),
            (seq_of(&child, &forged), "unit_mismatch"),
            (seq_of(&child, &staff), "unit_mismatch"),
            (seq_of(&child, &device), "unit_mismatch"),
            (seq_of(&child, &roving), "unit_mismatch"),
            (seq_of(&child, &consult), "unit_mismatch"),
            (seq_of(&child, &case), "unit_mismatch"),
        ])
    );
    // The branch sees its own record and its child's own record, nothing forged.
    let reader = hub.station("HX01").await;
    assert_eq!(ids(&hub.pull_all(&reader).await), [branch.chain[0].id, own.id]);
}
}

conformance! {
async fn sibling_associations_and_branches_never_see_each_others_cases() {
    let hub = Hub::new().await;
    hub.add_units(
        "code,name,kind,parent\n\
         HN,海南州消费者协会,association,\n\
         HN01,共和县消协分会,branch,HN\n\
         HX05,都兰县消协分会,branch,HX\n",
    )
    .await;
    let mut hx = hub.station("HX").await;
    let mut hn = hub.station("HN").await;
    let mut hx01 = hub.station("HX01").await;
    let mut hx05 = hub.station("HX05").await;
    let mut hn01 = hub.station("HN01").await;
    let case_hx = hx.new_case(1);
    let case_hn = hn.new_case(1);
    let case_hx01 = hx01.new_case(1);
    let case_hx05 = hx05.new_case(1);
    let case_hn01 = hn01.new_case(0);
    // HN01 registers a case "for" HX01: refused, and no one in Haixi sees it.
    let forged = hn01.write(Uuid::now_v7(), "case.registered", registration("HX01"));
    for st in [&hx, &hn, &hx01, &hx05] {
        assert!(push_rest(&hub, st).await.is_empty());
    }
    assert_eq!(push_rest(&hub, &hn01).await, expect(&[(seq_of(&hn01, &forged), "unit_mismatch")]));

    let sorted = |mut v: Vec<Uuid>| {
        v.sort();
        v
    };
    assert_eq!(streams(&hub.pull_all(&hx).await), sorted(vec![case_hx01, case_hx05]));
    assert_eq!(streams(&hub.pull_all(&hn).await), [case_hn01]);
    assert!(hub.pull_all(&hx01).await.is_empty(), "a branch sees neither its sibling nor above");
    assert!(hub.pull_all(&hx05).await.is_empty());
    assert!(hub.pull_all(&hn01).await.is_empty());
    let hx_again = hub.station("HX").await;
    assert_eq!(
        streams(&hub.pull_all(&hx_again).await),
        sorted(vec![case_hx, case_hx01, case_hx05])
    );
    let hn_again = hub.station("HN").await;
    assert_eq!(streams(&hub.pull_all(&hn_again).await), sorted(vec![case_hn, case_hn01]));
}
}

conformance! {
async fn every_reason_in_one_batch_and_the_batch_still_goes_through() {
    let hub = Hub::new().await;
    let mut st = hub.station("HX02").await;
    let mut other = hub.station("HX03").await;
    let foreign = other.new_case(0);
    let org = Uuid::now_v7();
    other.write(org, "staff.registered", json!({ "unit": "HX03", "name": "巴特尔" }));
    push_rest(&hub, &other).await;

    let case = Uuid::now_v7();
    let mut deep = json!("bottom");
    for _ in 0..=MAX_DEPTH {
        deep = json!({ "d": deep });
    }
    let mut expected = Vec::new();
    let mut bad = |st: &mut Station, stream: Uuid, kind: &str, payload: Value, reason: &str| {
        let e = st.write(stream, kind, payload);
        expected.push((e.seq, reason.to_owned()));
    };
    // The registration is accepted inside the batch, and what follows sees it.
    bad(&mut st, case, "case.note_added", note("before"), "stream_unknown");
    st.write(case, "case.registered", registration("HX02"));
    st.write(case, "case.note_added", note("after"));
    bad(&mut st, case, "case.registered", registration("HX02"), "stream_exists");
    bad(&mut st, case, "roving.ended", json!({}), "stream_kind_mismatch");
    bad(&mut st, foreign, "case.note_added", note("x"), "stream_not_owned");
    bad(&mut st, org, "staff.registered", json!({ "unit": "HX02" }), "stream_not_owned");
    bad(&mut st, Uuid::now_v7(), "case.registered", registration("HX03"), "unit_mismatch");
    bad(&mut st, case, "weather.reported", json!({}), "unknown_kind");
    bad(&mut st, case, "case.note_added", json!("text"), "payload_not_object");
    let long = "x".repeat(MAX_TEXT_CHARS + 1);
    bad(&mut st, case, "case.note_added", json!({ "text": long }), "text_too_long");
    let wide = vec![1; MAX_ARRAY_LEN + 1];
    bad(&mut st, case, "case.note_added", json!({ "items": wide }), "array_too_long");
    bad(&mut st, case, "case.note_added", deep, "too_deep");
    let parts = vec!["y".repeat(MAX_TEXT_CHARS); MAX_EVENT_BYTES / MAX_TEXT_CHARS + 1];
    bad(&mut st, case, "case.note_added", json!({ "parts": parts }), "too_large");
    // A clock a day and more ahead of the hub's.
    let seq = st.chain.len() as u64 + 1;
    let ahead = casedesk_hub::now_ms() as u64 + MAX_CLOCK_AHEAD_MS + 60_000;
    let mut e = st.write(case, "case.note_added", note("from the future"));
    st.chain.pop();
    e.hlc = Hlc::new(ahead, 0);
    let e = e.seal();
    st.chain.push(e);
    expected.push((seq, "clock_ahead".to_owned()));
    st.write(case, "case.note_added", note("the last"));

    let receipt = hub.push_ok(&st, st.events(1, st.chain.len() as u64)).await;
    assert_eq!(receipt.acked_seq, st.chain.len() as u64);
    assert_eq!(receipt.stored as usize, st.chain.len());
    assert_eq!(reasons(&receipt), expected);
    let held = hub.store.list_quarantine().await.expect("quarantine");
    let listed: Vec<(u64, String)> =
        held.iter().filter(|q| q.device == st.device).map(|q| (q.seq, q.reason.clone())).collect();
    assert_eq!(listed, expected, "listed by `casedesk-hub quarantine` alike");

    // HX02's other device pulls exactly the three accepted events of the case.
    let reader = hub.station("HX02").await;
    let accepted = [st.chain[1].id, st.chain[2].id, st.chain.last().expect("last").id];
    assert_eq!(ids(&hub.pull_all(&reader).await), accepted);
    // The same batch again: the same receipt, nothing stored twice.
    let again = hub.push_ok(&st, st.events(1, st.chain.len() as u64)).await;
    assert_eq!(again, receipt);
}
}

conformance! {
async fn a_co_handling_unit_cannot_hand_the_case_on_and_no_unit_starts_another_devices_record() {
    let hub = Hub::new().await;
    let mut owner = hub.station("HX03").await;
    let mut helper = hub.station("HX02").await;
    let case = owner.new_case(1);
    owner.write(case, "case.transferred", transfer("co_handle", "HX02"));
    assert!(push_rest(&hub, &owner).await.is_empty());
    // The helper may append, but not transfer the case to itself (or anyone) for good.
    let ok = helper.write(case, "case.note_added", note("协办：已联系经营者"));
    let grab = helper.write(case, "case.transferred", transfer("down", "HX02"));
    // Nor may it start the record of a device it is not.
    let other = Uuid::now_v7();
    let squat = helper.write(
        other,
        "device.registered",
        json!({ "unit": "HX02", "code": "A1", "name": "not mine" }),
    );
    let quarantined = push_rest(&hub, &helper).await;
    assert_eq!(
        quarantined,
        expect(&[
            (seq_of(&helper, &grab), "stream_not_owned"),
            (seq_of(&helper, &squat), "stream_not_owned"),
        ])
    );
    assert!(hub.pull_all(&owner).await.iter().any(|e| e.id == ok.id));
}
}
