//! Pull: the hub decides what a unit sees (its own cases, everything below it, cases
//! transferred or given to it for co-handling, with their full history), pages with a cursor,
//! and never hands a device its own events.

use axum::body::Body;
use axum::http::{Method, StatusCode};
use casedesk_proto::sync::PullPage;
use serde_json::json;
use uuid::Uuid;

use crate::support::{Hub, Station, ids, transfer};

async fn push_all(hub: &Hub, st: &Station) {
    let acked = hub.acked(st).await.0;
    let last = st.chain.len() as u64;
    if last > acked {
        hub.push_ok(st, st.events(acked + 1, last)).await;
    }
}

fn cases(events: &[casedesk_proto::Event]) -> Vec<Uuid> {
    let mut streams: Vec<Uuid> = events.iter().map(|e| e.stream).collect();
    streams.sort();
    streams.dedup();
    streams
}

conformance! {
async fn a_station_sees_its_units_cases_and_not_another_stations() {
    let hub = Hub::new().await;
    let mut a1 = hub.station("HX02").await;
    let a2 = hub.station("HX02").await;
    let mut b = hub.station("HX03").await;
    let case_a = a1.new_case(2);
    let case_b = b.new_case(1);
    push_all(&hub, &a1).await;
    push_all(&hub, &b).await;

    let seen_by_a2 = hub.pull_all(&a2).await;
    assert_eq!(ids(&seen_by_a2), ids(&a1.chain), "the other device of A sees A's case in order");
    assert_eq!(cases(&seen_by_a2), [case_a]);
    let seen_by_b = hub.pull_all(&b).await;
    assert!(seen_by_b.iter().all(|e| e.stream != case_a), "B must not see A's case");
    assert!(seen_by_b.iter().all(|e| e.stream != case_b), "B's own events are not sent back");
    // Pulled events are the very events pushed, hashes and all.
    assert!(seen_by_a2.iter().all(|e| e.hash_is_valid()));
    assert_eq!(seen_by_a2[0], a1.chain[0]);
}
}

conformance! {
async fn the_association_sees_everything_below_it() {
    let hub = Hub::new().await;
    let assoc = hub.station("HX").await;
    let branch = hub.station("HX01").await;
    let mut station = hub.station("HX0101").await;
    let mut other = hub.station("HX02").await;
    let deep = station.new_case(1);
    let side = other.new_case(0);
    push_all(&hub, &station).await;
    push_all(&hub, &other).await;

    let mut expected = vec![deep, side];
    expected.sort();
    assert_eq!(cases(&hub.pull_all(&assoc).await), expected);
    assert_eq!(cases(&hub.pull_all(&branch).await), [deep], "a branch sees its stations only");
}
}

conformance! {
async fn a_case_transferred_down_reaches_the_station_with_its_history() {
    let hub = Hub::new().await;
    let mut assoc = hub.station("HX").await;
    let b = hub.station("HX02").await;
    let c = hub.station("HX03").await;
    let case = assoc.new_case(2);
    push_all(&hub, &assoc).await;
    assert!(hub.pull_all(&b).await.is_empty(), "not B's case yet");

    assoc.write(case, "case.transferred", transfer("down", "HX02"));
    push_all(&hub, &assoc).await;
    let seen = hub.pull_all(&b).await;
    assert_eq!(ids(&seen), ids(&assoc.chain), "registration, notes and the transfer");

    // Later events follow; the unit not involved sees nothing.
    assoc.write(case, "case.note_added", json!({ "text": "after the transfer" }));
    push_all(&hub, &assoc).await;
    assert_eq!(ids(&hub.pull_all(&b).await), ids(&assoc.chain));
    assert!(hub.pull_all(&c).await.is_empty());
}
}

conformance! {
async fn a_co_handling_unit_sees_the_case() {
    let hub = Hub::new().await;
    let mut b = hub.station("HX02").await;
    let mut c = hub.station("HX03").await;
    let case = b.new_case(1);
    b.write(case, "case.transferred", transfer("co_handle", "HX03"));
    b.write(case, "case.transferred", json!({ "transfer": Uuid::now_v7(), "kind": "to_department", "to_department": "格尔木市市场监督管理局", "reason": "letter" }));
    push_all(&hub, &b).await;
    assert_eq!(ids(&hub.pull_all(&c).await), ids(&b.chain));

    // C writes on the case; B (other device of HX02) gets C's events too.
    c.write(
        case,
        "case.session_recorded",
        json!({ "session": Uuid::now_v7(), "result": "agreed" }),
    );
    push_all(&hub, &c).await;
    let b2 = hub.station("HX02").await;
    let seen = hub.pull_all(&b2).await;
    assert_eq!(seen.len(), b.chain.len() + 1);
    assert_eq!(seen.last().map(|e| e.id), Some(c.chain[0].id));
}
}

conformance! {
async fn events_before_their_registration_are_quarantined_and_never_delivered() {
    let hub = Hub::new().await;
    let mut writer = hub.station("HX02").await;
    let mut early = hub.station("HX02").await;
    let reader = hub.station("HX02").await;
    let case = Uuid::now_v7();
    // A second device wrote on a case whose registration the hub has not seen: the hub cannot
    // tell who may write it, so the event is quarantined (and acknowledged).
    early.write(case, "case.note_added", json!({ "text": "early" }));
    let receipt = hub.push_ok(&early, early.events(1, 1)).await;
    assert_eq!(receipt.acked_seq, 1);
    assert_eq!(receipt.quarantined[0].reason, "stream_unknown");
    assert!(hub.pull_all(&reader).await.is_empty());

    // The registration then starts the stream; the early event stays quarantined.
    writer.write(case, "case.registered", crate::support::registration("HX02"));
    writer.write(case, "case.note_added", json!({ "text": "after" }));
    push_all(&hub, &writer).await;
    assert_eq!(ids(&hub.pull_all(&reader).await), ids(&writer.chain));
    assert_eq!(hub.counts().await.quarantined, 1);
}
}

conformance! {
async fn pages_follow_the_cursor_and_skip_the_devices_own_events() {
    let hub = Hub::new().await;
    let mut a1 = hub.station("HX02").await;
    let mut a2 = hub.station("HX02").await;
    a1.new_case(4);
    push_all(&hub, &a1).await;

    let first = hub.pull(&a2, 0, 2).await;
    assert_eq!(ids(&first.events), ids(&a1.events(1, 2)));
    assert!(first.more);
    let second = hub.pull(&a2, first.next, 2).await;
    assert_eq!(ids(&second.events), ids(&a1.events(3, 4)));
    assert!(second.more);
    let third = hub.pull(&a2, second.next, 2).await;
    assert_eq!(ids(&third.events), ids(&a1.events(5, 5)));
    assert!(!third.more);
    let empty = hub.pull(&a2, third.next, 2).await;
    assert!(empty.events.is_empty() && !empty.more);
    assert_eq!(empty.next, third.next);

    // a2 writes: its own events are in the unit's feed but never come back to it, and the
    // cursor moves past them so they are not scanned again.
    a2.new_case(2);
    push_all(&hub, &a2).await;
    let own = hub.pull(&a2, third.next, 2).await;
    assert!(own.events.is_empty() && !own.more);
    assert!(own.next > third.next);
    let again = hub.pull(&a2, own.next, 100).await;
    assert!(again.events.is_empty());
    assert_eq!(again.next, own.next);
    // a1 gets a2's events.
    assert_eq!(ids(&hub.pull(&a1, 0, 100).await.events), ids(&a2.chain));
}
}

conformance! {
async fn pull_pages_are_zstd_when_asked() {
    let hub = Hub::new().await;
    let mut a1 = hub.station("HX02").await;
    let a2 = hub.station("HX02").await;
    a1.new_case(3);
    push_all(&hub, &a1).await;
    let reply = hub
        .send(
            Hub::request(Method::GET, "/v1/pull?after=0")
                .header("authorization", format!("Bearer {}", a2.token))
                .header("accept-encoding", "zstd")
                .body(Body::empty())
                .expect("request"),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.headers.get("content-encoding").map(|v| v.as_bytes()), Some(&b"zstd"[..]));
    let json = zstd::decode_all(&reply.body[..]).expect("zstd");
    let page: PullPage = serde_json::from_slice(&json).expect("page");
    assert_eq!(ids(&page.events), ids(&a1.chain));
}
}

conformance! {
async fn pages_carry_a_checkpoint_that_the_next_pull_must_match() {
    let hub = Hub::new().await;
    let mut a1 = hub.station("HX02").await;
    let a2 = hub.station("HX02").await;
    let empty = hub.pull(&a2, 0, 10).await;
    assert_eq!((empty.next, empty.checkpoint), (0, None), "no checkpoint at position 0");
    a1.new_case(3);
    push_all(&hub, &a1).await;

    let first = hub.pull(&a2, 0, 2).await;
    assert_eq!(first.checkpoint, Some(a1.chain[1].id), "the event at position next");
    let reply = hub.pull_at(&a2, first.next, first.checkpoint).await;
    assert_eq!(reply.status, StatusCode::OK);
    let second: PullPage = reply.json();
    assert_eq!(ids(&second.events), ids(&a1.events(3, 4)));
    assert_eq!(second.checkpoint, Some(a1.chain[3].id));

    // A checkpoint that is not what the feed holds there: pull from the start.
    let wrong = Some(a1.chain[0].id);
    hub.pull_at(&a2, second.next, wrong).await.expect(StatusCode::CONFLICT, "cursor_unknown");
    hub.pull_at(&a2, second.next, Some(Uuid::now_v7()))
        .await
        .expect(StatusCode::CONFLICT, "cursor_unknown");
    // A position of another unit's feed, or past the end, with any checkpoint: the same.
    hub.pull_at(&a2, second.next + 1000, second.checkpoint)
        .await
        .expect(StatusCode::CONFLICT, "cursor_unknown");
    // From the start, any checkpoint is fine; without one, today's behaviour.
    assert_eq!(hub.pull_at(&a2, 0, wrong).await.status, StatusCode::OK);
    let legacy = hub.get(Some(&a2.token), &format!("/v1/pull?after={}", second.next)).await;
    assert_eq!(legacy.status, StatusCode::OK);
    let bad = hub.get(Some(&a2.token), "/v1/pull?after=1&checkpoint=nope").await;
    bad.expect(StatusCode::BAD_REQUEST, "bad_request");

    // A page that skips the device's own events still names the event at `next`.
    let mut a2 = a2;
    a2.new_case(0);
    push_all(&hub, &a2).await;
    let own = hub.pull(&a2, second.next, 10).await;
    assert!(own.events.is_empty() && own.next > second.next);
    assert_eq!(own.checkpoint, Some(a2.chain[0].id));
    assert_eq!(hub.pull_at(&a2, own.next, own.checkpoint).await.status, StatusCode::OK);
}
}
