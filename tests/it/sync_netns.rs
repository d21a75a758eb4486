//! Sync across a real (virtual) link: the hub in one network namespace, a station and the
//! association in another, joined by a veth pair (sync-anchors.md §4.13 F4 and F5). Link
//! profiles come from `netns`: 2G (64 kbit/s, 2 % loss, +400 ms per round trip) and bad 2G
//! (16 kbit/s, 10 % loss, +800 ms), and a hard partition that heals while a sync is trying.
//!
//! Needs root and `ip netns`; elsewhere each test prints a SKIPPED line and passes.

use std::process::Stdio;
use std::time::{Duration, Instant};

use casedesk_tests::hub::{Hub, HubOptions};
use casedesk_tests::netns::{self, BAD_TWO_G, HUB_IP, LinkProfile, NetPair, NetProxy, TWO_G};
use casedesk_tests::replicas::{Hierarchy, assert_converged, assert_projections_equal};
use casedesk_tests::station::{HX, HX0201, Station, UNITS, units_csv};
use casedesk_tests::{stderr, stdout};

fn hub_in(net: &NetPair, dir: &std::path::Path, listen: &str) -> Hub {
    let opts = HubOptions {
        netns: Some(net.hub.clone()),
        listen: listen.into(),
        tls_names: vec![HUB_IP.into(), "127.0.0.1".into(), "localhost".into()],
        ..HubOptions::default()
    };
    let hub = Hub::start(dir, opts);
    hub.import_units(&units_csv(UNITS));
    hub
}

/// A station (with `cases` cases: demo data when `demo`, else bare accepted complaints) and
/// the association sync over `profile`: the station pushes its events, the association pulls
/// them, both twice; every replica ends equal to the hub.
fn sync_over(profile: &LinkProfile, cases: u64, demo: bool) {
    let dir = tempfile::tempdir().unwrap();
    let net = NetPair::create();
    let hub = hub_in(&net, dir.path(), "127.0.0.1:0");
    net.shape(profile);
    // The delaying proxy sits in the hub's namespace, in front of the hub.
    let proxy = NetProxy::start(&net.hub, HUB_IP, hub.addr(), profile.latency);
    let st = Station::new(dir.path(), &HX0201).in_netns(&net.station);
    let hx = Station::new(dir.path(), &HX).in_netns(&net.station);
    if demo {
        st.demo(cases, 700);
    } else {
        st.add_accepted_cases(cases as usize);
    }
    let started = Instant::now();
    for s in [&st, &hx] {
        hub.enroll(s, Some(&proxy.https_url()));
    }
    let pushed = st.sync_ok();
    let pulled = hx.sync_ok();
    st.sync_ok();
    hx.sync_ok();
    let took = started.elapsed();
    let (up, down) = proxy.bytes();
    eprintln!(
        "{}: {} events pushed, {} pulled, enroll + 4 syncs in {:.1} s, {up} B up, {down} B down",
        profile.name,
        pushed["pushed"],
        pulled["applied"],
        took.as_secs_f64()
    );
    assert!(pulled["applied"].as_u64().unwrap_or(0) > 0, "{pulled}");
    assert_converged(&hub, &[&st, &hx], &Hierarchy::of(UNITS));
    assert!(assert_projections_equal(&[&st, &hx]) as u64 >= cases);
}

#[test]
fn sync_over_2g() {
    if netns::skip("sync_netns::sync_over_2g") {
        return;
    }
    sync_over(&TWO_G, 12, true);
}

#[test]
fn sync_over_bad_2g() {
    if netns::skip("sync_netns::sync_over_bad_2g") {
        return;
    }
    // Tens of events: bad 2G moves about 2 KB/s.
    sync_over(&BAD_TWO_G, 12, false);
}

#[test]
fn a_partition_fails_the_sync_in_plain_words_and_healing_it_lets_sync_finish() {
    if netns::skip("sync_netns::a_partition_fails_the_sync_in_plain_words_and_healing_it") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let net = NetPair::create();
    let hub = hub_in(&net, dir.path(), &format!("{HUB_IP}:0"));
    let st = Station::new(dir.path(), &HX0201).in_netns(&net.station);
    hub.enroll(&st, None);
    st.demo(3, 800);

    // Partitioned: the sync gives up (connect timeout) with a plain network error, exit 4.
    net.partition();
    let started = Instant::now();
    st.sync_fails_on_network();
    eprintln!("partitioned sync failed after {:.1} s", started.elapsed().as_secs_f64());
    assert_eq!(hub.acked_seq(&st.device), 0);

    // Still partitioned, the next sync starts; the partition heals while it is trying.
    let dropped = net.partition_drops();
    let child = st
        .command()
        .args(["sync", "--json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(15);
    while net.partition_drops() == dropped {
        assert!(Instant::now() < deadline, "the sync sent nothing into the partition");
        std::thread::sleep(Duration::from_millis(20));
    }
    net.heal();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}\n{}", stdout(&out), stderr(&out));
    assert_eq!(hub.acked_seq(&st.device), st.head());
    st.sync_ok();
    assert_converged(&hub, &[&st], &Hierarchy::of(UNITS));
}
