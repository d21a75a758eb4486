//! Sync benchmarks: figures printed beside baselines measured in the same run (they assert
//! nothing about time).
//!
//! ```text
//! cargo run --release -p casedesk-tests --example sync_bench
//! cargo run --release -p casedesk-tests --example sync_bench -- --devices 50 --events 2000 --batch 200
//! ```
//!
//! (a) Hub ingest: `--devices` client threads, each with its own enrolled device, push
//!     `--events` realistic events each (from `casedesk demo`, re-chained per device) in batches
//!     of `--batch`, at once, over loopback HTTPS with the station's own client
//!     (`casedesk_sync::http`); beside a bare INSERT of the same rows into a one-table
//!     SQLite database with the same durability (WAL, synchronous=FULL), same batches.
//! (b) Bytes on the wire per event: `casedesk sync` of a station holding about 1,000 demo
//!     events, counted at a TCP proxy (TLS, HTTP, status, pushes, receipts and pull included);
//!     beside the same events as canonical JSON lines compressed with zstd level 3.
//! (c) Time to push those events over the 2G profile (network namespaces; needs root), beside
//!     the link's own limit: the bytes on the wire at 64 kbit/s.
//!
//! Targets (sync-anchors.md §5): ingest ≥ 5,000 events/s; wire ≤ 1.3 × compressed JSON; 2G push
//! within 1.5 × the link limit.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use casedesk_proto::sync::{EnrollCode, EnrollRequest, PushBatch};
use casedesk_proto::{Event, ZERO_HASH, canonical_json};
use casedesk_sync::HubEndpoint;
use casedesk_sync::Transport;
use casedesk_sync::http::{self, HttpTransport};
use casedesk_tests::hub::{Hub, HubOptions};
use casedesk_tests::netns::{self, HUB_IP, NetPair, NetProxy, TWO_G};
use casedesk_tests::proxy::Proxy;
use casedesk_tests::station::{HX, HX02, HX0201, Station, units_csv};
use uuid::Uuid;

/// Demo cases that make about 1,000 events (with the default seed).
const DEMO_CASES: u64 = 160;

struct Args {
    devices: usize,
    events: usize,
    batch: usize,
    skip_netns: bool,
}

fn args() -> Args {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    let num = |name: &str, default: usize| {
        argv.iter()
            .position(|a| a == name)
            .and_then(|i| argv.get(i + 1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    Args {
        devices: num("--devices", 50),
        events: num("--events", 2000),
        batch: num("--batch", 200).max(1),
        skip_netns: argv.iter().any(|a| a == "--skip-netns"),
    }
}

fn main() {
    let args = args();
    let dir = tempfile::tempdir().expect("tempdir");
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
    let profile = if cfg!(debug_assertions) { "debug (use --release)" } else { "release" };
    println!("CaseDesk sync benchmarks — {profile} build, {cpus} CPUs");
    println!();

    // The realistic events every part uses: a station's demo log.
    let source = Station::new(&mkdir(&dir.path().join("source")), &HX0201);
    source.demo(DEMO_CASES, 20261128);
    let demo = source.own_chain(1, u64::MAX);

    ingest(dir.path(), &demo, &args);
    wire(dir.path());
    if args.skip_netns {
        println!("(c) 2G push: skipped (--skip-netns)");
    } else if let Some(why) = netns::unavailable() {
        println!("(c) 2G push: SKIPPED: {why}");
    } else {
        two_g(dir.path());
    }
}

fn mkdir(path: &Path) -> PathBuf {
    std::fs::create_dir_all(path).expect("mkdir");
    path.to_path_buf()
}

fn verdict(ok: bool, missed: String) -> String {
    if ok { "met".into() } else { format!("MISSED ({missed})") }
}

fn thousands(n: f64) -> String {
    let s = format!("{:.0}", n);
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// CPU seconds (user + system) a process has used.
fn cpu_seconds(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // Fields after the command name (which ends with ')'): utime is the 12th, stime the 13th.
    let fields: Vec<&str> =
        stat.rsplit_once(')').map_or("", |(_, r)| r).split_whitespace().collect();
    let ticks: f64 =
        fields.get(11..13).map_or(0.0, |f| f.iter().filter_map(|v| v.parse::<f64>().ok()).sum());
    let hz = Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8_lossy(&o.stdout).trim().parse::<f64>().ok())
        .unwrap_or(100.0);
    ticks / hz
}

/// `events` events for `device` of `unit`: the demo log's kinds and payloads, in its order,
/// on streams of this device's own, sealed into a new chain.
fn rechain(demo: &[Event], device: Uuid, unit: &str, events: usize) -> Vec<Event> {
    let mut streams: HashMap<(usize, Uuid), Uuid> = HashMap::new();
    let mut prev = ZERO_HASH;
    (0..events)
        .map(|i| {
            let t = &demo[i % demo.len()];
            let round = i / demo.len();
            let stream = *streams.entry((round, t.stream)).or_insert_with(Uuid::now_v7);
            let mut payload = t.payload.clone();
            if t.kind == "case.registered" {
                payload["unit"] = unit.into();
            }
            let e = Event {
                id: Uuid::now_v7(),
                stream,
                device,
                seq: i as u64 + 1,
                hlc: t.hlc,
                actor: t.actor,
                unit: unit.to_owned(),
                kind: t.kind.clone(),
                v: t.v,
                payload,
                prev,
                hash: ZERO_HASH,
            }
            .seal();
            prev = e.hash;
            e
        })
        .collect()
}

/// (a) Hub ingest beside a bare INSERT.
fn ingest(dir: &Path, demo: &[Event], args: &Args) {
    let dir = mkdir(&dir.join("ingest"));
    let hub = Hub::start(&dir, HubOptions::default());
    // The association above one station unit per device.
    let codes: Vec<String> = (1..=args.devices).map(|i| format!("HXS{i:02}")).collect();
    let mut csv = units_csv(&[HX]);
    for code in &codes {
        csv.push_str(&format!("{code},{code} 投诉联络站,liaison_station,HX\n"));
    }
    hub.import_units(&csv);

    // Enroll every device and build its batches before the clock starts.
    let mut clients = Vec::new();
    for code in &codes {
        let text = hub.enroll_code(code, None);
        let enroll = EnrollCode::decode(&text).expect("enrollment code");
        let endpoint = HubEndpoint {
            url: hub.url(),
            fingerprint: enroll.fingerprint.clone(),
            allow_plain_http: false,
        };
        let device = Uuid::now_v7();
        let resp = http::enroll(
            &endpoint,
            &EnrollRequest {
                secret: enroll.secret,
                device,
                unit: code.clone(),
                device_name: format!("bench {code}"),
                app_version: "bench".into(),
                device_code: String::new(),
                device_key: None,
            },
        )
        .expect("enroll");
        let events = rechain(demo, device, code, args.events);
        let batches: Vec<PushBatch> = events
            .chunks(args.batch)
            .map(|c| PushBatch { device, events: c.to_vec(), signature: None })
            .collect();
        clients.push((endpoint, resp.token, batches));
    }
    let total = args.devices * args.events;

    // What the clients do besides waiting for the hub: JSON and zstd-9 of every batch.
    let started = Instant::now();
    let mut json_bytes = 0usize;
    for (_, _, batches) in &clients {
        for b in batches {
            let json = serde_json::to_vec(b).expect("json");
            json_bytes += json.len();
            let _ = zstd::encode_all(&json[..], 9).expect("zstd");
        }
    }
    let client_work = started.elapsed();

    let barrier = Arc::new(Barrier::new(clients.len() + 1));
    let threads: Vec<_> = clients
        .into_iter()
        .map(|(endpoint, token, batches)| {
            let barrier = Arc::clone(&barrier);
            std::thread::spawn(move || {
                let mut t = HttpTransport::new(&endpoint, &token).expect("transport");
                t.status(0).expect("status"); // connect and shake hands before the clock starts
                barrier.wait();
                for b in &batches {
                    let receipt = t.push(b).expect("push");
                    assert_eq!(receipt.acked_seq, b.events.last().map_or(0, |e| e.seq));
                }
            })
        })
        .collect();
    let pid = hub.pid().expect("hub pid");
    let cpu_before = cpu_seconds(pid);
    barrier.wait();
    let started = Instant::now();
    for t in threads {
        t.join().expect("client thread");
    }
    let took = started.elapsed().as_secs_f64();
    let hub_cpu = cpu_seconds(pid) - cpu_before;
    assert_eq!(hub.event_count() as usize, total, "the hub holds every pushed event");
    drop(hub);

    let rate = total as f64 / took;
    let bare = bare_insert(&dir, demo, args);
    println!(
        "(a) hub ingest — {} devices × {} events at once, batches of {}, HTTPS over loopback",
        args.devices, args.events, args.batch
    );
    println!(
        "    hub ingest    {:>9} events/s  ({} events in {took:.2} s; hub CPU {hub_cpu:.2} s = {} events per CPU-second)",
        thousands(rate),
        thousands(total as f64),
        thousands(total as f64 / hub_cpu.max(1e-9))
    );
    println!(
        "    bare INSERT   {:>9} rows/s    (the same rows into one table: WAL, synchronous=FULL, {} rows per transaction)",
        thousands(bare),
        args.batch
    );
    println!(
        "    client side   {client_work:.2?} on one thread to serialize and zstd-9 the batches ({} MB of JSON), sharing the CPUs with the hub",
        json_bytes / 1_000_000
    );
    println!(
        "    target ≥ 5,000 events/s: {}",
        verdict(rate >= 5000.0, format!("{:.0} % short", (1.0 - rate / 5000.0) * 100.0))
    );
    println!();
}

/// The same rows as the ingest, inserted into a one-table SQLite database; rows per second.
fn bare_insert(dir: &Path, demo: &[Event], args: &Args) -> f64 {
    let rows: Vec<Vec<Event>> = (0..args.devices)
        .map(|i| rechain(demo, Uuid::now_v7(), &format!("HXS{:02}", i + 1), args.events))
        .collect();
    let mut conn = rusqlite::Connection::open(dir.join("bare.db")).expect("open");
    conn.pragma_update(None, "journal_mode", "WAL").expect("wal");
    conn.pragma_update(None, "synchronous", "FULL").expect("sync");
    conn.execute_batch(
        "CREATE TABLE events (pos INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, stream TEXT NOT NULL,
         device TEXT NOT NULL, seq INTEGER NOT NULL, hash TEXT NOT NULL, kind TEXT NOT NULL,
         json TEXT NOT NULL, UNIQUE (device, seq))",
    )
    .expect("table");
    let started = Instant::now();
    for chain in &rows {
        for batch in chain.chunks(args.batch) {
            let tx = conn.transaction().expect("tx");
            {
                let mut stmt = tx
                    .prepare_cached(
                        "INSERT INTO events (id, stream, device, seq, hash, kind, json)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                    )
                    .expect("prepare");
                for e in batch {
                    let json = serde_json::to_string(e).expect("json");
                    stmt.execute(rusqlite::params![
                        e.id.to_string(),
                        e.stream.to_string(),
                        e.device.to_string(),
                        e.seq as i64,
                        e.hash.to_hex(),
                        e.kind,
                        json
                    ])
                    .expect("insert");
                }
            }
            tx.commit().expect("commit");
        }
    }
    (args.devices * args.events) as f64 / started.elapsed().as_secs_f64()
}

/// A station with about 1,000 demo events, as `casedesk sync` will push them.
fn demo_station(dir: &Path, name: &str) -> (PathBuf, Station) {
    let dir = mkdir(&dir.join(name));
    let st = Station::new(&dir, &HX0201);
    st.demo(DEMO_CASES, 20261128);
    (dir, st)
}

/// zstd-3 of the canonical JSON lines of `events`, and their raw size.
fn compressed_canonical(events: &[Event]) -> (usize, usize) {
    let mut text = String::new();
    for e in events {
        text.push_str(&canonical_json(&serde_json::to_value(e).expect("json")));
        text.push('\n');
    }
    (zstd::encode_all(text.as_bytes(), 3).expect("zstd").len(), text.len())
}

/// (b) Bytes on the wire per event.
fn wire(dir: &Path) {
    let (dir, st) = demo_station(dir, "wire");
    let hub = Hub::start(&dir, HubOptions::default());
    hub.import_units(&units_csv(&[HX, HX02, HX0201]));
    let proxy = Proxy::start(hub.addr());
    hub.enroll(&st, Some(&proxy.https_url()));
    assert!(proxy.wait_idle(Duration::from_secs(30)));
    let (up0, down0) = proxy.bytes();
    let report = st.sync_ok();
    assert!(proxy.wait_idle(Duration::from_secs(30)));
    let (up1, down1) = proxy.bytes();
    let (up, down) = (up1 - up0, down1 - down0);
    let events = st.own_chain(1, u64::MAX);
    let n = events.len();
    assert_eq!(report["pushed"].as_u64(), Some(n as u64));
    let (compressed, raw) = compressed_canonical(&events);
    let per_event = (up + down) as f64 / n as f64;
    let baseline = compressed as f64 / n as f64;
    println!("(b) bytes on the wire — `casedesk sync` of {n} demo events through a counting proxy");
    println!(
        "    on the wire   {per_event:>7.1} B/event  ({up} B up + {down} B down: TLS, HTTP, status, {} pushes, receipts, pull)",
        report["batches"]
    );
    println!(
        "    zstd-3 JSON   {baseline:>7.1} B/event  (canonical JSON lines, {:.1} B/event before compression)",
        raw as f64 / n as f64
    );
    let ratio = per_event / baseline;
    println!(
        "    ratio {ratio:.2} × — target ≤ 1.3 ×: {}",
        verdict(ratio <= 1.3, format!("{:.0} % over", (ratio / 1.3 - 1.0) * 100.0))
    );
    println!();
}

/// (c) Time to push the demo events over 2G, beside the link's own limit.
fn two_g(dir: &Path) {
    let (dir, st) = demo_station(dir, "2g");
    let net = NetPair::create();
    let hub = Hub::start(
        &dir,
        HubOptions {
            netns: Some(net.hub.clone()),
            tls_names: vec![HUB_IP.into(), "127.0.0.1".into()],
            ..HubOptions::default()
        },
    );
    hub.import_units(&units_csv(&[HX, HX02, HX0201]));
    net.shape(&TWO_G);
    let proxy = NetProxy::start(&net.hub, HUB_IP, hub.addr(), TWO_G.latency);
    let st = st.in_netns(&net.station);
    hub.enroll(&st, Some(&proxy.https_url()));
    let (up0, down0) = proxy.bytes();
    let (tx0, rx0) = net.station_link_bytes();
    let started = Instant::now();
    let report = st.sync_ok();
    let took = started.elapsed().as_secs_f64();
    let (up1, down1) = proxy.bytes();
    let (tx1, rx1) = net.station_link_bytes();
    let (up, down) = (up1 - up0, down1 - down0);
    let rate = f64::from(TWO_G.rate_kbit) * 1000.0 / 8.0; // bytes per second
    let limit = (up + down) as f64 / rate;
    let n = report["pushed"].as_u64().unwrap_or(0);
    println!(
        "(c) 2G push — {n} events, 64 kbit/s and 2 % loss each way, {} ± {} ms each way at the proxy",
        TWO_G.latency.delay.as_millis(),
        TWO_G.latency.jitter.as_millis()
    );
    println!(
        "    push took     {took:>7.1} s     (`casedesk sync`, {} batches)",
        report["batches"]
    );
    println!(
        "    link limit    {limit:>7.1} s     ({up} B up + {down} B down at 64 kbit/s; {:.1} B/event; upstream alone {:.1} s)",
        (up + down) as f64 / n.max(1) as f64,
        up as f64 / rate
    );
    println!(
        "    on the link   {} B sent, {} B received by the station's interface (IP and TCP headers, retransmissions)",
        tx1 - tx0,
        rx1 - rx0
    );
    let ratio = took / limit;
    println!(
        "    ratio {ratio:.2} × — target ≤ 1.5 ×: {}",
        verdict(ratio <= 1.5, format!("{:.0} % over", (ratio / 1.5 - 1.0) * 100.0))
    );
}
