//! Files over sync, with real processes: a photo attached at one station (`casedesk evidence
//! add`) reaches the hub after the events that name it and then the units that see the case
//! (the association above, a unit a transfer names), whole and hash-checked; an unrelated
//! station gets neither. Crafted requests of a legitimately enrolled device (the real client
//! outside `casedesk`) are refused with their codes, and bytes the hub serves that do not match
//! their hash are discarded by the station and reported.

use std::path::{Path, PathBuf};

use casedesk_proto::limits::{BLOB_CHUNK_BYTES, MAX_BLOB_BYTES};
use casedesk_proto::sync::codes;
use casedesk_sync::{SyncError, Transport};
use casedesk_tests::craft::{self, Crafter};
use casedesk_tests::hub::{Hub, HubOptions};
use casedesk_tests::station::{COMPLAINT, HX, HX0201, HX0202, HX0301, Station, UNITS, units_csv};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use uuid::Uuid;

fn sha(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// A JPEG-looking file of about `n` bytes, different for each `seed`.
pub fn photo(n: usize, seed: u64) -> Vec<u8> {
    let mut v = vec![0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F', 0];
    let mut x = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
    while v.len() < n {
        x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        v.push((x >> 33) as u8);
    }
    v.extend([0xFF, 0xD9]);
    v
}

/// A station in a folder of its own (each station keeps its files in `blobs/` beside its
/// database: stations sharing a folder would share files).
pub fn station_in(dir: &Path, unit: &casedesk_tests::station::UnitSpec) -> Station {
    let own = dir.join(format!("st-{}", unit.code));
    std::fs::create_dir_all(&own).unwrap();
    Station::new(&own, unit)
}

/// Attaches `bytes` to case `no` at `st`; returns the file's hash.
pub fn attach(st: &Station, no: &str, bytes: &[u8], name: &str) -> String {
    let file = st.db.with_extension(name);
    std::fs::write(&file, bytes).unwrap();
    st.ok(&["evidence", "add", no, file.to_str().unwrap(), "--description", "购物小票照片"]);
    sha(bytes)
}

/// `evidence list NO --json` at `st`.
pub fn evidence(st: &Station, no: &str) -> Vec<Value> {
    let out = st.ok(&["evidence", "list", no, "--json"]);
    serde_json::from_str::<Value>(out.trim()).unwrap().as_array().unwrap().clone()
}

/// The content of the file the station holds under `hash` (its `blobs/` folder, sealed with
/// the station's key: opened through the store, which checks it against the hash), if any.
pub fn station_file(st: &Station, hash: &str) -> Option<Vec<u8>> {
    let path = st.db.parent().unwrap().join("blobs").join(&hash[..2]).join(hash);
    if !path.exists() {
        return None;
    }
    let note = casedesk_keys::read_note(&st.db).unwrap().expect("the station's key note");
    let key = casedesk_keys::key_for(&note, Some(casedesk_tests::PASSPHRASE)).unwrap();
    let store = casedesk_store::Store::open_reader_encrypted(&st.db, &key).unwrap();
    Some(store.blob(hash).unwrap())
}

/// The file the hub holds under `hash` (`<db>.blobs/`), if any.
pub fn hub_file_path(hub: &Hub, hash: &str) -> PathBuf {
    hub.blob_dir().join(&hash[..2]).join(hash)
}

fn hub_code(e: SyncError) -> String {
    match e {
        SyncError::Hub { body, .. } => body.code,
        other => panic!("not a refusal of the hub: {other}"),
    }
}

#[test]
fn a_photo_reaches_the_hub_and_the_units_that_see_the_case_whole() {
    let dir = tempfile::tempdir().unwrap();
    let hub = Hub::start(dir.path(), HubOptions::default());
    hub.import_units(&units_csv(UNITS));
    let a = station_in(dir.path(), &HX0201);
    let b = station_in(dir.path(), &HX0202);
    let hx = station_in(dir.path(), &HX);
    let c = station_in(dir.path(), &HX0301);
    for st in [&a, &b, &hx, &c] {
        hub.enroll(st, None);
    }
    let (_, no) = a.add_case(COMPLAINT);
    // Three chunks and a bit: the upload goes chunk by chunk.
    let bytes = photo(3 * BLOB_CHUNK_BYTES + 4321, 1);
    let hash = attach(&a, &no, &bytes, "receipt.jpg");
    assert_eq!(a.status()["status"]["files"]["to_upload"], 1);

    let r = a.sync_ok();
    assert_eq!(r["files_uploaded"], 1, "{r}");
    assert_eq!(r["files_failed"], 0, "{r}");
    let at_hub = std::fs::read(hub_file_path(&hub, &hash)).expect("the hub holds the file");
    assert_eq!(sha(&at_hub), hash);
    assert_eq!(a.status()["status"]["files"]["to_upload"], 0);
    // Nothing more to send the next time.
    let again = a.sync_ok();
    assert_eq!(again["files_uploaded"], 0, "{again}");

    // The association above sees the case and receives the file.
    let r = hx.sync_ok();
    assert_eq!(r["files_downloaded"], 1, "{r}");
    assert_eq!(station_file(&hx, &hash).as_deref(), Some(&bytes[..]));
    assert_eq!(evidence(&hx, &no)[0]["file_here"], true);
    hx.verify_ok();

    // A station the case was not sent to has neither the case nor the file.
    let r = c.sync_ok();
    assert_eq!(r["files_downloaded"], 0, "{r}");
    assert!(station_file(&c, &hash).is_none());
    // Asking anyway (the real client, with its own token) is refused.
    let err = craft::transport(&c).blob_get(&hash, 0, 100).unwrap_err();
    assert_eq!(hub_code(err), codes::BLOB_FORBIDDEN);

    // B sees nothing until a transfer names it; then the case and the file arrive.
    b.sync_ok();
    assert!(station_file(&b, &hash).is_none());
    a.act(
        &no,
        "case.transferred",
        json!({"transfer": Uuid::now_v7().to_string(), "kind": "co_handle", "to_unit": "HX0202",
               "reason": "hard_case_joint"}),
    );
    a.sync_ok();
    let r = b.sync_ok();
    assert_eq!(r["files_downloaded"], 1, "{r}");
    assert_eq!(station_file(&b, &hash).as_deref(), Some(&bytes[..]));
    let listed = evidence(&b, &no);
    assert_eq!(
        (listed[0]["file_here"].clone(), listed[0]["sha256"].clone()),
        (json!(true), json!(hash))
    );
    assert_eq!(b.status()["status"]["files"]["to_download"], 0);
    b.verify_ok();
}

#[test]
fn crafted_file_requests_of_an_enrolled_device_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let hub = Hub::start(dir.path(), HubOptions::default());
    hub.import_units(&units_csv(UNITS));
    let a = station_in(dir.path(), &HX0201);
    let c = station_in(dir.path(), &HX0301);
    hub.enroll(&a, None);
    hub.enroll(&c, None);
    let (id, no) = a.add_case(COMPLAINT);
    let bytes = photo(50_000, 2);
    let hash = attach(&a, &no, &bytes, "photo.jpg");
    a.sync_ok();

    // C may not upload A's file (no event of C names it), nor a hash no event names at all.
    let mut tc = craft::transport(&c);
    assert_eq!(hub_code(tc.blob_state(&hash).unwrap_err()), codes::BLOB_NOT_NAMED);
    assert_eq!(hub_code(tc.blob_put(&hash, 0, &bytes[..1000]).unwrap_err()), codes::BLOB_NOT_NAMED);
    let stray = photo(2000, 3);
    let mut ta = craft::transport(&a);
    assert_eq!(hub_code(ta.blob_put(&sha(&stray), 0, &stray).unwrap_err()), codes::BLOB_NOT_NAMED);

    // A's device names a file in a crafted event and sends other bytes of that size: refused,
    // nothing kept; over the size limit: refused before any byte is taken.
    let mut crafter = Crafter::take_over(&a);
    let case: Uuid = id.parse().unwrap();
    let real = photo(9000, 4);
    let named = sha(&real);
    let item = |hash: &str, size: u64| {
        json!({"evidence": Uuid::now_v7(), "sha256": hash, "size": size,
               "media_type": "image/jpeg", "name": "伪造.jpg", "added_at": "2026-03-02T03:00:00Z"})
    };
    crafter.send(case, "case.evidence_added", item(&named, real.len() as u64));
    let mut wrong = real.clone();
    wrong[5000] ^= 0x55;
    let err = ta.blob_put(&named, 0, &wrong).unwrap_err();
    assert_eq!(hub_code(err), codes::BLOB_HASH_MISMATCH);
    assert_eq!(ta.blob_state(&named).unwrap().held, 0, "the wrong bytes were discarded");
    assert!(!hub_file_path(&hub, &named).exists());
    // A chunk larger than the chunk limit.
    let big = vec![0u8; BLOB_CHUNK_BYTES + 1];
    assert_eq!(hub_code(ta.blob_put(&named, 0, &big).unwrap_err()), codes::BLOB_CHUNK_TOO_LARGE);
    let huge = "ab".repeat(32);
    crafter.send(case, "case.evidence_added", item(&huge, MAX_BLOB_BYTES + 1));
    assert_eq!(hub_code(ta.blob_state(&huge).unwrap_err()), codes::BLOB_TOO_LARGE);
    assert_eq!(hub_code(ta.blob_put(&huge, 0, b"x").unwrap_err()), codes::BLOB_TOO_LARGE);
    // The right bytes still go through.
    let done = ta.blob_put(&named, 0, &real).unwrap();
    assert!(done.complete);
    assert_eq!(sha(&std::fs::read(hub_file_path(&hub, &named)).unwrap()), named);
}

#[test]
fn bytes_from_the_hub_that_do_not_match_their_hash_are_discarded_and_reported() {
    let dir = tempfile::tempdir().unwrap();
    let hub = Hub::start(dir.path(), HubOptions::default());
    hub.import_units(&units_csv(UNITS));
    let a = station_in(dir.path(), &HX0201);
    let hx = station_in(dir.path(), &HX);
    hub.enroll(&a, None);
    hub.enroll(&hx, None);
    let (_, no) = a.add_case(COMPLAINT);
    let bytes = photo(20_000, 5);
    let hash = attach(&a, &no, &bytes, "photo.jpg");
    a.sync_ok();
    // The hub's copy is damaged on its disk (same size, one byte changed).
    let path = hub_file_path(&hub, &hash);
    let mut bad = std::fs::read(&path).unwrap();
    bad[100] ^= 0xFF;
    std::fs::write(&path, &bad).unwrap();

    let r = hx.sync_ok();
    assert_eq!(
        (r["files_downloaded"].clone(), r["files_failed"].clone()),
        (json!(0), json!(1)),
        "{r}"
    );
    assert!(station_file(&hx, &hash).is_none(), "not stored");
    assert_eq!(evidence(&hx, &no)[0]["file_here"], false);
    let status = hx.status()["status"]["files"].clone();
    assert_eq!(status["to_download"], 1, "{status}");
    assert_eq!(status["problems"][0]["code"], "blob.corrupt", "{status}");
    assert_eq!(status["problems"][0]["sha256"], json!(hash));
    // The events came through all the same.
    assert_eq!(hx.show(&no)["case"]["evidence"][0]["sha256"], json!(hash));

    // Repaired at the hub, the next round brings the file.
    std::fs::write(&path, &bytes).unwrap();
    let r = hx.sync_ok();
    assert_eq!(r["files_downloaded"], 1, "{r}");
    assert_eq!(station_file(&hx, &hash).as_deref(), Some(&bytes[..]));
    assert!(hx.status()["status"]["files"]["problems"].as_array().unwrap().is_empty());
}

/// The figure: a 2 MB photo over the 2G profile (64 kbit/s, 2 % loss, +400 ms per
/// round trip), cut by a partition in the middle of its upload (the sync is killed while the
/// link is down, as a clerk closing the laptop would), arrives whole after the link heals,
/// the second sync sending only what the hub did not hold. Takes about five minutes: 2 MB at
/// 64 kbit/s is 260 s on the wire alone.
#[test]
fn a_2_mb_photo_over_2g_cut_by_a_partition_resumes_and_arrives_whole() {
    use std::process::Stdio;
    use std::time::{Duration, Instant};

    use casedesk_tests::netns::{self, HUB_IP, NetPair, NetProxy, TWO_G};

    if netns::skip("sync_files::a_2_mb_photo_over_2g_cut_by_a_partition_resumes") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let net = NetPair::create();
    let opts = HubOptions {
        netns: Some(net.hub.clone()),
        listen: "127.0.0.1:0".into(),
        tls_names: vec![HUB_IP.into(), "127.0.0.1".into(), "localhost".into()],
        ..HubOptions::default()
    };
    let hub = Hub::start(dir.path(), opts);
    hub.import_units(&units_csv(UNITS));
    net.shape(&TWO_G);
    let proxy = NetProxy::start(&net.hub, HUB_IP, hub.addr(), TWO_G.latency);
    let st = station_in(dir.path(), &HX0201).in_netns(&net.station);
    hub.enroll(&st, Some(&proxy.https_url()));
    let (_, no) = st.add_case(COMPLAINT);
    let bytes = photo(2 * 1024 * 1024, 7);
    let hash = attach(&st, &no, &bytes, "photo.jpg");
    let partial = hub.blob_dir().join("partial").join(&hash);

    // The first sync pushes the events, then starts on the file; once the hub holds a chunk,
    // the link goes down and the sync is killed.
    let started = Instant::now();
    let mut child = st
        .command()
        .args(["sync", "--json"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(240);
    let held_at_cut = loop {
        let held = std::fs::metadata(&partial).map(|m| m.len()).unwrap_or(0);
        if held >= 2 * BLOB_CHUNK_BYTES as u64 {
            break held;
        }
        assert!(Instant::now() < deadline, "two chunks did not reach the hub in 240 s");
        assert!(child.try_wait().unwrap().is_none(), "the sync ended before a chunk arrived");
        std::thread::sleep(Duration::from_millis(200));
    };
    net.partition();
    std::thread::sleep(Duration::from_secs(3));
    child.kill().unwrap();
    let _ = child.wait();
    eprintln!(
        "2G: {held_at_cut} B of {} held at the hub when the link was cut after {:.1} s",
        bytes.len(),
        started.elapsed().as_secs_f64()
    );
    assert_eq!(hub.acked_seq(&st.device), st.head(), "the events went first");
    assert!(!hub_file_path(&hub, &hash).exists());
    let waiting = st.status()["status"]["files"].clone();
    assert_eq!(waiting["to_upload"], 1, "{waiting}");

    // The link heals; the next sync goes on from what the hub holds.
    net.heal();
    let (tx_before, _) = net.station_link_bytes();
    let resumed = Instant::now();
    let r = st.sync_ok();
    let (tx_after, _) = net.station_link_bytes();
    let sent = tx_after - tx_before;
    eprintln!(
        "2G: resumed upload done in {:.1} s, {sent} B sent on the link for {} B left",
        resumed.elapsed().as_secs_f64(),
        bytes.len() as u64 - held_at_cut
    );
    assert_eq!(r["files_uploaded"], 1, "{r}");
    let at_hub = std::fs::read(hub_file_path(&hub, &hash)).expect("the hub holds the file");
    assert_eq!(at_hub.len(), bytes.len());
    assert_eq!(sha(&at_hub), hash, "whole and unchanged");
    // Resumed, not sent again from the start: the link carried less than the whole file.
    assert!(sent < bytes.len() as u64, "{sent} B sent: the upload started over");
    assert_eq!(st.status()["status"]["files"]["to_upload"], 0);
}
