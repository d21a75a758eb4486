//! Sync under faults, with real processes over loopback (sync-anchors.md §4.13):
//! - F3: the hub dies between its commit and its reply (failpoint `after_commit`);
//! - the client dies in the middle of a push (`push_before_send`, `push_after_send`);
//! - F4: connections cut in the middle of a request and of a reply, then a random series of
//!   cuts with latency and jitter;
//! - F6: every push duplicated on the wire, and captured requests replayed, in order and
//!   reversed, before and after later pushes.
//!
//! Every test ends with the convergence oracle: nothing lost, nothing doubled, every replica
//! equal to the hub, `verify` OK.

use std::os::unix::process::ExitStatusExt;
use std::time::Duration;

use casedesk_proto::sign::SecretKey;
use casedesk_proto::sync::PushReceipt;
use casedesk_sync::Transport;
use casedesk_sync::http::HttpTransport;
use casedesk_sync::{HubEndpoint, signed_batch};
use casedesk_tests::http1;
use casedesk_tests::hub::{Hub, HubOptions};
use casedesk_tests::proxy::{Fault, Latency, Proxy};
use casedesk_tests::replicas::{Hierarchy, assert_converged};
use casedesk_tests::station::{HX, HX0201, Station, UNITS, units_csv};
use casedesk_tests::stderr;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

const SIGABRT: i32 = 6;

/// A hub with the test hierarchy, a station (HX0201) and the association (HX).
fn world(dir: &std::path::Path, opts: HubOptions) -> (Hub, Station, Station) {
    let hub = Hub::start(dir, opts);
    hub.import_units(&units_csv(UNITS));
    (hub, Station::new(dir, &HX0201), Station::new(dir, &HX))
}

fn converge(hub: &Hub, st: &Station, hx: &Station) {
    for s in [st, hx, st, hx] {
        s.sync_ok();
    }
    assert_converged(hub, &[st, hx], &Hierarchy::of(UNITS));
}

/// Pushes `from..=to` of `st`'s chain again with the real client, as a station resending a
/// batch whose receipt it never got.
fn resend(st: &Station, from: u64, to: u64) -> PushReceipt {
    let endpoint = HubEndpoint {
        url: st.sync_state("hub").expect("hub"),
        fingerprint: st.sync_state("fingerprint"),
        allow_plain_http: st.sync_state("allow_plain_http").is_some(),
    };
    let token = st.sync_state("token").expect("token");
    let mut t = HttpTransport::new(&endpoint, &token).expect("transport");
    let device = st.device.parse().expect("device id");
    let key = st.sync_state("device_key").and_then(|k| SecretKey::from_seed_hex(&k));
    t.push(&signed_batch(key.as_ref(), device, st.own_chain(from, to))).expect("resend")
}

#[test]
fn hub_killed_between_commit_and_reply_loses_and_doubles_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (mut hub, st, hx) = world(dir.path(), HubOptions::default());
    hub.enroll(&st, None);
    hub.enroll(&hx, None);
    for cycle in 0..3 {
        // Enough for several batches, so the hub dies in the middle of the push.
        st.demo(12, 300 + cycle);
        let before = hub.acked_seq(&st.device);
        let held = hub.receipts(&st.device);
        hub.restart(Some("after_commit"));
        st.sync_fails_on_network();
        let status = hub.wait_for_death(Duration::from_secs(30));
        assert_eq!(status.signal(), Some(SIGABRT), "cycle {cycle}: {status}");

        // The batch was committed, and only that batch.
        let acked = hub.acked_seq(&st.device);
        assert!(acked > before && acked <= st.head(), "cycle {cycle}: {before} → {acked}");
        let receipts = hub.receipts(&st.device);
        let fresh: Vec<&String> = receipts.keys().filter(|k| !held.contains_key(*k)).collect();
        assert_eq!(fresh.len(), 1, "cycle {cycle}: {fresh:?}");
        let stored: PushReceipt = serde_json::from_str(&receipts[fresh[0]]).unwrap();
        assert_eq!((stored.acked_seq, u64::from(stored.stored)), (acked, acked - before));

        // Restarted without the failpoint, the hub answers a resend of the same batch with the
        // receipt it stored, and stores nothing again.
        hub.restart(None);
        let count = hub.event_count();
        assert_eq!(resend(&st, before + 1, acked), stored, "cycle {cycle}");
        assert_eq!(hub.event_count(), count);

        // The station carries on from what the hub holds.
        let r = st.sync_ok();
        assert_eq!(r["pushed"].as_u64(), Some(st.head() - acked), "cycle {cycle}: {r}");
        assert_eq!(r["push_duplicates"], 0, "{r}");
        hx.sync_ok();
    }
    converge(&hub, &st, &hx);
}

#[test]
fn client_killed_in_the_middle_of_a_push_loses_and_doubles_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (hub, st, hx) = world(dir.path(), HubOptions::default());
    hub.enroll(&st, None);
    hub.enroll(&hx, None);
    for round in 0..2 {
        st.demo(12, 400 + round);
        let before = hub.acked_seq(&st.device);
        // Killed before the push leaves: the hub has nothing new.
        st.sync_aborted_at("push_before_send");
        assert_eq!(hub.acked_seq(&st.device), before);
        // Killed after the hub answered, before the station recorded the receipt.
        st.sync_aborted_at("push_after_send");
        let acked = hub.acked_seq(&st.device);
        assert!(acked > before, "round {round}: the first batch was not stored");
        let local: u64 = st.sync_state("acked_seq").and_then(|v| v.parse().ok()).unwrap_or(0);
        assert!(local < acked, "round {round}: the station recorded a receipt it never read");
        st.verify_ok();

        let r = st.sync_ok();
        assert_eq!(r["pushed"].as_u64(), Some(st.head() - acked), "round {round}: {r}");
        hx.sync_ok();
    }
    converge(&hub, &st, &hx);
}

#[test]
fn connections_cut_in_the_middle_of_requests_and_replies() {
    let dir = tempfile::tempdir().unwrap();
    let (hub, st, hx) = world(dir.path(), HubOptions::default());
    let proxy = Proxy::start(hub.addr());
    hub.enroll(&st, Some(&proxy.https_url()));
    hub.enroll(&hx, Some(&proxy.https_url()));
    st.demo(15, 500);
    hx.demo(3, 501);

    // A request cut in the middle (past the TLS handshake and the status request, inside the
    // first push): the hub stores nothing.
    proxy.arm(Fault::CutUp { after: 6_000 });
    st.sync_fails_on_network();
    assert_eq!(proxy.take_fired().len(), 1);
    assert_eq!(hub.acked_seq(&st.device), 0);

    // A reply cut in the middle: the hub stored the batch, the station never heard.
    proxy.arm(Fault::CutDown { after_up: 6_000, after_down: 7 });
    st.sync_fails_on_network();
    assert_eq!(proxy.take_fired().len(), 1);
    let acked = hub.acked_seq(&st.device);
    assert!(acked > 0, "the cut reply's batch was not stored");
    let local: u64 = st.sync_state("acked_seq").and_then(|v| v.parse().ok()).unwrap_or(0);
    assert!(local < acked);
    let r = st.sync_ok();
    assert_eq!(r["pushed"].as_u64(), Some(st.head() - acked), "{r}");

    // Then a series of random cuts, either way, at any point (handshakes, status, pushes,
    // pulls), over a link with latency and jitter.
    let seed =
        casedesk_tests::seed("sync_faults::connections_cut_in_the_middle_of_requests_and_replies");
    let mut rng = StdRng::seed_from_u64(seed);
    proxy.set_latency(Latency {
        delay: Duration::from_millis(15),
        jitter: Duration::from_millis(10),
    });
    let (mut failed, mut cuts) = (0, 0);
    for round in 0..casedesk_tests::scale(
        "sync_faults::connections_cut_in_the_middle_of_requests_and_replies",
        8,
        60,
    ) {
        let s = if rng.random_bool(0.6) { &st } else { &hx };
        s.demo(2, 510 + round as u64);
        proxy.arm(if rng.random_bool(0.5) {
            Fault::CutUp { after: rng.random_range(100..20_000) }
        } else {
            Fault::CutDown {
                after_up: rng.random_range(100..20_000),
                after_down: rng.random_range(0..2_000),
            }
        });
        let o = s.sync();
        if !o.status.success() {
            failed += 1;
            assert_eq!(o.status.code(), Some(4), "seed {seed} round {round}: {}", stderr(&o));
            assert!(stderr(&o).contains("[network]"), "seed {seed} round {round}: {}", stderr(&o));
        }
        proxy.disarm();
        cuts += proxy.take_fired().len();
    }
    eprintln!("nemesis: {cuts} cuts, {failed} failed syncs of 8");
    proxy.set_latency(Latency::default());
    converge(&hub, &st, &hx);
}

/// A sync through the duplicating proxy, tried again when the hub was busy with the proxy's
/// copy of this device's push (as the station's own retry would).
#[track_caller]
fn sync_past_busy(st: &Station) {
    for _ in 0..20 {
        let out = st.sync();
        if out.status.success() {
            return;
        }
        assert!(stderr(&out).contains("sync failed [busy]"), "{}: {}", st.label, stderr(&out));
    }
    panic!("{}: the hub stayed busy", st.label);
}

#[test]
fn duplicated_and_replayed_requests_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    // Plain HTTP, so that the proxy can read and replay requests.
    let (hub, st, hx) = world(dir.path(), HubOptions::plain_http());
    let proxy = Proxy::start(hub.addr());
    proxy.capture(true);
    proxy.duplicate_pushes(true);
    hub.enroll(&st, Some(&proxy.http_url()));
    hub.enroll(&hx, Some(&proxy.http_url()));
    st.demo(15, 600);
    hx.demo(3, 601);
    sync_past_busy(&st);
    sync_past_busy(&hx);

    // Every push reached the hub twice, concurrently. Whichever copy arrived while the other
    // was being applied (the proxy's, or the station's own) is told the hub is busy with this
    // device (one push per device at a time); the others got the stored receipt. Either way
    // nothing was stored twice.
    let duplicates = proxy.take_duplicates();
    assert!(duplicates.len() >= 3, "only {} pushes", duplicates.len());
    let mut receipts = hub.receipts(&st.device);
    receipts.extend(hub.receipts(&hx.device));
    for d in &duplicates {
        let copy = d.response.as_ref().expect("the duplicate was answered");
        if copy.status() == 503 {
            assert!(copy.body_text().contains("\"busy\""), "{}", copy.body_text());
            continue;
        }
        assert_eq!(copy.status(), 200, "{}", copy.body_text());
        let r: PushReceipt = serde_json::from_slice(&copy.body).unwrap();
        assert_eq!(copy.body_text(), receipts[&r.batch_id]);
    }
    // The station's own copies were answered with the same bytes.
    let exchanges = proxy.exchanges();
    let originals: Vec<_> = exchanges.iter().filter(|(req, _)| req.is_push()).collect();
    assert_eq!(originals.len(), duplicates.len());
    for (_, resp) in originals {
        let resp = resp.as_ref().expect("answered");
        if resp.status() == 503 {
            assert!(resp.body_text().contains("\"busy\""), "{}", resp.body_text());
            continue;
        }
        let r: PushReceipt = serde_json::from_slice(&resp.body).unwrap();
        assert_eq!(resp.body_text(), receipts[&r.batch_id]);
    }

    // Replaying every captured request, in order and then reversed, changes nothing: pushes
    // get their stored receipts back, reads read.
    let (enrollments, requests): (Vec<_>, Vec<_>) =
        exchanges.into_iter().map(|(req, _)| req).partition(|m| m.start.contains("/v1/enroll"));
    // A replayed enrollment is refused: its code was for one use.
    assert_eq!(enrollments.len(), 2);
    for req in &enrollments {
        let resp = http1::exchange(hub.addr(), &req.raw).expect("replay");
        assert_eq!(resp.status(), 403, "{}", resp.body_text());
        assert!(resp.body_text().contains("enroll_code_invalid"), "{}", resp.body_text());
    }
    let pushes = requests.iter().filter(|m| m.is_push()).count();
    assert_eq!(pushes, duplicates.len());
    let replay = |requests: &[http1::Message]| {
        for req in requests {
            let resp = http1::exchange(hub.addr(), &req.raw).expect("replay");
            assert_eq!(resp.status(), 200, "{}: {}", req.start, resp.body_text());
            if req.is_push() {
                let r: PushReceipt = serde_json::from_slice(&resp.body).unwrap();
                assert_eq!(resp.body_text(), receipts[&r.batch_id], "replayed {}", r.batch_id);
            }
        }
    };
    let (events, held) = (hub.event_count(), receipts.len());
    replay(&requests);
    replay(&requests.iter().rev().cloned().collect::<Vec<_>>());
    assert_eq!(hub.event_count(), events);

    // Old pushes replayed after newer ones still change nothing.
    st.demo(3, 602);
    sync_past_busy(&st);
    let events = hub.event_count();
    replay(&requests);
    assert_eq!(hub.event_count(), events);
    let now_held = hub.receipts(&st.device).len() + hub.receipts(&hx.device).len();
    assert!(now_held > held);
    converge(&hub, &st, &hx);
}
