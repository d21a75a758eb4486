//! Push: idempotent receipts, overlap, gaps, tampering, forks and quarantine.

use axum::http::StatusCode;
use casedesk_hub::store::HubStore;
use casedesk_proto::ZERO_HASH;
use casedesk_proto::limits::MAX_TEXT_CHARS;
use casedesk_proto::sync::{MAX_EVENT_BYTES, PushReceipt, batch_id};
use serde_json::json;
use uuid::Uuid;

use crate::support::{Hub, ids};

conformance! {
async fn a_resent_batch_gets_the_identical_receipt_and_stores_nothing_twice() {
    let hub = Hub::new().await;
    let mut st = hub.station("HX02").await;
    st.new_case(2);
    let first = hub.push(&st, st.events(1, 3)).await;
    assert_eq!(first.status, StatusCode::OK);
    let receipt: PushReceipt = first.json();
    assert_eq!(receipt.batch_id, batch_id(st.device, &st.events(1, 3)));
    assert_eq!((receipt.acked_seq, receipt.stored, receipt.duplicates), (3, 3, 0));
    assert_eq!(receipt.head_hash, st.chain[2].hash);
    let counts = hub.counts().await;
    assert_eq!((counts.events, counts.receipts), (3, 1));

    for _ in 0..2 {
        let again = hub.push(&st, st.events(1, 3)).await;
        assert_eq!(again.status, StatusCode::OK);
        assert_eq!(again.body, first.body, "byte-identical receipt");
    }
    // Uncompressed, in another order: the same batch.
    let mut shuffled = st.events(1, 3);
    shuffled.reverse();
    let json =
        serde_json::to_vec(&st.batch(shuffled)).expect("json");
    let again = hub.push_raw(Some(&st.token), json, None).await;
    assert_eq!(again.body, first.body);
    assert_eq!(hub.counts().await, counts);
    assert_eq!(hub.acked(&st).await, (3, st.chain[2].hash));
}
}

conformance! {
async fn an_overlapping_batch_skips_what_is_stored() {
    let hub = Hub::new().await;
    let mut st = hub.station("HX02").await;
    st.new_case(4);
    hub.push_ok(&st, st.events(1, 3)).await;
    let receipt = hub.push_ok(&st, st.events(2, 5)).await;
    assert_eq!((receipt.acked_seq, receipt.stored, receipt.duplicates), (5, 2, 2));
    assert_eq!(receipt.head_hash, st.chain[4].hash);
    // Entirely stored already: acknowledged as duplicates.
    let receipt = hub.push_ok(&st, st.events(1, 2)).await;
    assert_eq!((receipt.acked_seq, receipt.stored, receipt.duplicates), (5, 0, 2));
    assert_eq!(hub.counts().await.events, 5);
}
}

conformance! {
async fn uncompressed_json_is_accepted() {
    let hub = Hub::new().await;
    let mut st = hub.station("HX02").await;
    st.new_case(0);
    let json = serde_json::to_vec(&st.batch(st.events(1, 1)))
        .expect("json");
    let reply = hub.push_raw(Some(&st.token), json, Some("identity")).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.json::<PushReceipt>().acked_seq, 1);
}
}

conformance! {
async fn a_batch_beyond_the_acknowledged_end_is_a_gap() {
    let hub = Hub::new().await;
    let mut st = hub.station("HX02").await;
    st.new_case(4);
    hub.push_ok(&st, st.events(1, 2)).await;
    let before = hub.counts().await;
    hub.push(&st, st.events(4, 5)).await.expect(StatusCode::CONFLICT, "gap");
    assert_eq!(hub.counts().await, before);
    assert_eq!(hub.acked(&st).await.0, 2);
    // The client re-reads the status and sends from acked_seq + 1.
    assert_eq!(hub.push_ok(&st, st.events(3, 5)).await.acked_seq, 5);
}
}

conformance! {
async fn a_changed_payload_under_the_old_hash_is_tampering() {
    let hub = Hub::new().await;
    let mut st = hub.station("HX02").await;
    st.new_case(2);
    let mut events = st.events(1, 3);
    events[1].payload = json!({ "text": "改过的内容" });
    hub.push(&st, events).await.expect(StatusCode::UNPROCESSABLE_ENTITY, "tampered");
    let counts = hub.counts().await;
    assert_eq!((counts.events, counts.receipts, counts.feed), (0, 0, 0));
    assert_eq!(hub.acked(&st).await, (0, ZERO_HASH));
}
}

conformance! {
async fn a_broken_prev_link_is_tampering() {
    let hub = Hub::new().await;
    let mut st = hub.station("HX02").await;
    st.new_case(3);
    // Inside the batch: event 3 re-sealed with a prev that is not event 2's hash.
    let mut events = st.events(1, 3);
    events[2].prev = events[0].hash;
    events[2] = events[2].clone().seal();
    hub.push(&st, events).await.expect(StatusCode::UNPROCESSABLE_ENTITY, "tampered");
    assert_eq!(hub.counts().await.events, 0);

    // At the hub's head: event 3 alone, re-sealed to link to nothing.
    hub.push_ok(&st, st.events(1, 2)).await;
    let mut third = st.events(3, 3);
    third[0].prev = ZERO_HASH;
    third[0] = third[0].clone().seal();
    hub.push(&st, third).await.expect(StatusCode::UNPROCESSABLE_ENTITY, "tampered");
    assert_eq!(hub.counts().await.events, 2);
    assert_eq!(hub.push_ok(&st, st.events(3, 4)).await.acked_seq, 4);
}
}

conformance! {
async fn a_fork_freezes_the_device() {
    let hub = Hub::new().await;
    let mut st = hub.station("HX02").await;
    let case = st.new_case(1);
    hub.push_ok(&st, st.events(1, 2)).await;

    // A restored copy of the database writes another event 2.
    let mut clone = crate::support::Station {
        device: st.device,
        unit: st.unit.clone(),
        token: st.token.clone(),
        chain: st.events(1, 1),
        key: st.key.clone(),
    };
    clone.write(case, "case.note_added", json!({ "text": "written on the copy" }));
    clone.write(case, "case.note_added", json!({ "text": "and more" }));
    let before = hub.counts().await;
    hub.push(&clone, clone.events(2, 3)).await.expect(StatusCode::CONFLICT, "device_forked");
    assert_eq!(hub.counts().await, before, "nothing of the fork stored");

    // Frozen: every later request of the device is refused, the true chain too.
    hub.get(Some(&st.token), "/v1/status").await.expect(StatusCode::CONFLICT, "device_frozen");
    st.write(case, "case.note_added", json!({ "text": "n" }));
    hub.push(&st, st.events(3, 3)).await.expect(StatusCode::CONFLICT, "device_frozen");
    hub.get(Some(&st.token), "/v1/pull").await.expect(StatusCode::CONFLICT, "device_frozen");
    let devices = hub.store.list_devices().await.expect("devices");
    let reason = devices[0].frozen_reason.clone().expect("frozen with a reason");
    assert!(reason.contains("seq 2"), "{reason}");

    // An administrator lifts the freeze once the fork is dealt with.
    hub.store.unfreeze_device(st.device).await.expect("unfreeze");
    assert_eq!(hub.push_ok(&st, st.events(3, 3)).await.acked_seq, 3);
}
}

conformance! {
async fn problem_events_are_quarantined_acknowledged_and_never_block() {
    let hub = Hub::new().await;
    let mut st = hub.station("HX02").await;
    let reader = hub.station("HX02").await;
    let case = st.new_case(0);
    st.write(case, "weather.reported", json!({ "sky": "clear" }));
    st.write(case, "case.note_added", json!({ "text": "x".repeat(MAX_TEXT_CHARS + 1) }));
    st.write(case, "case.note_added", json!(["not", "an", "object"]));
    st.write(case, "case.note_added", json!({ "text": "fine" }));
    // Every string within its limit, but too much of them for one event.
    let parts = vec!["y".repeat(MAX_TEXT_CHARS); MAX_EVENT_BYTES / MAX_TEXT_CHARS + 1];
    st.write(case, "case.note_added", json!({ "parts": parts }));
    let receipt = hub.push_ok(&st, st.events(1, 6)).await;
    assert_eq!((receipt.acked_seq, receipt.stored), (6, 6));
    let reasons: Vec<(u64, &str)> =
        receipt.quarantined.iter().map(|q| (q.seq, q.reason.as_str())).collect();
    assert_eq!(
        reasons,
        [(2, "unknown_kind"), (3, "text_too_long"), (4, "payload_not_object"), (6, "too_large")]
    );
    let held = hub.store.list_quarantine().await.expect("quarantine");
    let mut expected = ids(&st.events(2, 4));
    expected.push(st.chain[5].id);
    assert_eq!(held.iter().map(|q| q.event).collect::<Vec<_>>(), expected);
    assert_eq!(held[0].kind, "weather.reported");

    // Later events are accepted; quarantined ones are in no feed.
    st.write(case, "case.note_added", json!({ "text": "later" }));
    assert_eq!(hub.push_ok(&st, st.events(7, 7)).await.acked_seq, 7);
    let pulled = hub.pull_all(&reader).await;
    let expected: Vec<Uuid> = [1, 5, 7].iter().map(|&s| st.chain[s - 1].id).collect();
    assert_eq!(ids(&pulled), expected);
    assert_eq!(hub.counts().await.quarantined, 4);
}
}

conformance! {
async fn an_empty_batch_is_a_bad_request() {
    let hub = Hub::new().await;
    let st = hub.station("HX02").await;
    hub.push(&st, Vec::new()).await.expect(StatusCode::BAD_REQUEST, "bad_request");
    assert_eq!(hub.counts().await.receipts, 0);
}
}

conformance! {
async fn an_event_id_cannot_be_reused() {
    let hub = Hub::new().await;
    let mut a = hub.station("HX02").await;
    let mut b = hub.station("HX02").await;
    a.new_case(0);
    hub.push_ok(&a, a.events(1, 1)).await;
    let stolen = a.chain[0].id;
    b.write(Uuid::now_v7(), "case.note_added", json!({}));
    b.chain[0].id = stolen;
    b.chain[0] = b.chain[0].clone().seal();
    hub.push(&b, b.events(1, 1)).await.expect(StatusCode::UNPROCESSABLE_ENTITY, "tampered");
    assert_eq!(hub.counts().await.events, 1);
}
}
