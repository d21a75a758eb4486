//! Files in USB bundles, with real processes: a photo attached at a station that never gets a
//! link reaches the hub in its bundle, whole and hash-checked, and a unit the case is
//! transferred to (also without a link) receives it in its return bundle; a file delivered by
//! bundle is not uploaded again when a link comes. Tampered bytes, bytes no event of the device
//! names and bytes the signed list does not name are refused one by one, reported, and the
//! events and the other files are still taken; tampered bytes in a return bundle are discarded
//! at the station and reported; repeated bundles are harmless.

use std::path::{Path, PathBuf};

use base64::Engine as _;
use casedesk_proto::bundle::{self, FileEntry, STATION_FORMAT, StationBundle};
use casedesk_proto::sign::SecretKey;
use casedesk_proto::sync::codes;
use casedesk_tests::hub::{Hub, HubOptions};
use casedesk_tests::station::{COMPLAINT, HX, HX0201, HX0202, Station, UNITS, units_csv};
use casedesk_tests::stdout;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::sync_files::{attach, hub_file_path, photo, station_file, station_in};

fn sha(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))
}

fn only_bundle(dir: &Path) -> PathBuf {
    let files: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("read dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "cdkb"))
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    files[0].clone()
}

fn export(st: &Station, out: &Path, code: Option<&str>) -> (PathBuf, Value) {
    let out_s = out.to_str().expect("path");
    let mut args = vec!["bundle", "export", "--json", "--out", out_s];
    if let Some(code) = code {
        args.extend(["--code", code]);
    }
    let v: Value = serde_json::from_str(&st.ok(&args)).expect("export --json");
    (PathBuf::from(v["file"].as_str().expect("file")), v)
}

/// `casedesk-hub bundle import`: the return bundle (always written when the bundle was
/// readable), the log, and whether it exited 0.
fn hub_import(hub: &Hub, file: &Path, out: &Path) -> (PathBuf, String, bool) {
    let o = hub.bundle_import(file, out);
    let log = format!("{}{}", stdout(&o), casedesk_tests::stderr(&o));
    (only_bundle(out), log, o.status.success())
}

fn station_import(st: &Station, file: &Path) -> Value {
    let out = st.ok(&["bundle", "import", "--json", file.to_str().expect("path")]);
    serde_json::from_str(&out).expect("import --json")
}

/// The device's signing key, as the station keeps it (a crafted bundle of an enrolled device).
fn device_key(st: &Station) -> SecretKey {
    SecretKey::from_seed_hex(&st.sync_state("device_key").expect("device key"))
        .expect("device key seed")
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

#[test]
fn a_photo_travels_by_bundle_to_the_hub_and_to_the_unit_a_transfer_names() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let hub = Hub::start(dir, HubOptions::default());
    hub.import_units(&units_csv(UNITS));
    // The association is on a link; A and B never get one.
    let hx = station_in(dir, &HX);
    hub.enroll(&hx, None);
    let a = station_in(dir, &HX0201);
    let b = station_in(dir, &HX0202);

    let (_, no) = a.add_case(COMPLAINT);
    let p1 = photo(600_000, 11);
    let p2 = photo(40_000, 12);
    let h1 = attach(&a, &no, &p1, "receipt.jpg");
    let h2 = attach(&a, &no, &p2, "goods.jpg");
    a.act(
        &no,
        "case.transferred",
        json!({"transfer": Uuid::now_v7().to_string(), "kind": "co_handle", "to_unit": "HX0202",
               "reason": "hard_case_joint"}),
    );
    assert_eq!(a.status()["status"]["files"]["to_upload"], 2);

    // A's first bundle: its enrollment, its events and both files.
    let code = hub.enroll_code("HX0201", None);
    let (ba, v) = export(&a, &dir.join("usb-a1"), Some(&code));
    assert_eq!((v["files"].clone(), v["files_waiting"].clone()), (json!(2), json!(0)), "{v}");
    assert_eq!(v["file_bytes"], (p1.len() + p2.len()) as u64);
    let (ra, log, ok) = hub_import(&hub, &ba, &dir.join("ret-a1"));
    assert!(ok, "{log}");
    assert!(log.contains("files from the station: 2 stored, 0 held already, 0 refused"), "{log}");
    assert_eq!(hub.acked_seq(&a.device), a.head(), "{log}");
    for (h, bytes) in [(&h1, &p1), (&h2, &p2)] {
        let at_hub = std::fs::read(hub_file_path(&hub, h)).expect("the hub holds the file");
        assert_eq!(&at_hub, bytes);
        assert_eq!(&sha(&at_hub), h);
    }
    let got = station_import(&a, &ra);
    assert_eq!(got["files_delivered"], 2, "{got}");
    assert_eq!(a.status()["status"]["files"]["to_upload"], 0);

    // The same bundle again: nothing stored twice, nothing new for the station.
    let (ra2, log, ok) = hub_import(&hub, &ba, &dir.join("ret-a1-again"));
    assert!(ok, "{log}");
    assert!(log.contains("0 stored, 2 held already"), "{log}");
    let got = station_import(&a, &ra2);
    assert_eq!(got["files_delivered"], 0, "{got}");
    // A's next bundle carries no file.
    let (ba2, v) = export(&a, &dir.join("usb-a2"), None);
    assert_eq!(v["files"], 0, "{v}");
    let (_, log, ok) = hub_import(&hub, &ba2, &dir.join("ret-a2"));
    assert!(ok && !log.contains("files from the station"), "{log}");

    // B enrolls by bundle; its return bundle brings the case sent to it and both photos.
    let code = hub.enroll_code("HX0202", None);
    let (bb, _) = export(&b, &dir.join("usb-b1"), Some(&code));
    let (rb, log, ok) = hub_import(&hub, &bb, &dir.join("ret-b1"));
    assert!(ok, "{log}");
    assert!(log.contains("files to the station: 2"), "{log}");
    let got = station_import(&b, &rb);
    assert_eq!(
        (got["files_received"].clone(), got["files_discarded"].clone()),
        (json!(2), json!([]))
    );
    assert_eq!(station_file(&b, &h1).as_deref(), Some(&p1[..]));
    assert_eq!(station_file(&b, &h2).as_deref(), Some(&p2[..]));
    assert_eq!(b.status()["status"]["files"]["to_download"], 0);
    b.verify_ok();
    // Imported again: held already, nothing written.
    let got = station_import(&b, &rb);
    assert_eq!((got["files_received"].clone(), got["files_known"].clone()), (json!(0), json!(2)));
    // B's next bundle asks for nothing and gets nothing.
    let (bb2, _) = export(&b, &dir.join("usb-b2"), None);
    let (rb2, log, _) = hub_import(&hub, &bb2, &dir.join("ret-b2"));
    assert!(!log.contains("files to the station"), "{log}");
    assert_eq!(station_import(&b, &rb2)["files_received"], 0);

    // The association, on its link, downloads both from the hub.
    let r = hx.sync_ok();
    assert_eq!(r["files_downloaded"], 2, "{r}");
    assert_eq!(station_file(&hx, &h1).as_deref(), Some(&p1[..]));

    // A gets a link at last: the files the bundle delivered are not uploaded again.
    let r = a.sync_ok();
    assert_eq!((r["files_uploaded"].clone(), r["files_failed"].clone()), (json!(0), json!(0)));
    a.verify_ok();
}

#[test]
fn bad_files_in_a_bundle_are_refused_one_by_one_and_the_rest_is_taken() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let hub = Hub::start(dir, HubOptions::default());
    hub.import_units(&units_csv(UNITS));
    let a = station_in(dir, &HX0201);
    let (_, no) = a.add_case(COMPLAINT);
    let code = hub.enroll_code("HX0201", None);
    let (b1, _) = export(&a, &dir.join("usb1"), Some(&code));
    let (r1, log, ok) = hub_import(&hub, &b1, &dir.join("ret1"));
    assert!(ok, "{log}");
    station_import(&a, &r1);

    // Two photos; in the bundle the bytes of the first are swapped for others (the device
    // signs the content again: the list still names the real hash).
    let p3 = photo(300_000, 13);
    let p4 = photo(20_000, 14);
    let h3 = attach(&a, &no, &p3, "p3.jpg");
    let h4 = attach(&a, &no, &p4, "p4.jpg");
    a.add_case(COMPLAINT);
    let (b2, v) = export(&a, &dir.join("usb2"), None);
    assert_eq!(v["files"], 2);
    let identity = hub.meta("bundle_key");
    let sealed = bundle::open(&std::fs::read(&b2).unwrap(), &identity).unwrap();
    let mut files = sealed.files.clone();
    let mut wrong = p3.clone();
    wrong[100_000] ^= 0x40;
    files.iter_mut().find(|f| f.sha256 == h3).unwrap().data = b64(&wrong);
    let hub_recipient = a.sync_state("hub_bundle_key").unwrap();
    let key = device_key(&a);
    let forged = bundle::seal_with_files(&sealed.content, files, &key, &hub_recipient).unwrap();
    let forged_path = dir.join("forged.cdkb");
    std::fs::write(&forged_path, forged).unwrap();
    let (r2, log, ok) = hub_import(&hub, &forged_path, &dir.join("ret2"));
    assert!(!ok, "a refused file is reported as a failure: {log}");
    assert!(log.contains(&format!("file {h3} refused")), "{log}");
    assert!(log.contains(codes::BLOB_HASH_MISMATCH), "{log}");
    assert!(log.contains("1 stored"), "{log}");
    // The events and the other file were taken; the bad bytes were not kept.
    assert_eq!(hub.acked_seq(&a.device), a.head(), "{log}");
    assert!(!hub_file_path(&hub, &h3).exists());
    assert_eq!(std::fs::read(hub_file_path(&hub, &h4)).unwrap(), p4);
    let got = station_import(&a, &r2);
    assert_eq!(got["files_delivered"], 1, "{got}");
    let refused = got["files_refused"].as_array().unwrap();
    assert_eq!(refused.len(), 1, "{got}");
    assert!(refused[0].as_str().unwrap().contains(codes::BLOB_HASH_MISMATCH), "{got}");
    let status = a.status();
    assert_eq!(status["status"]["files"]["to_upload"], 1, "{status}");

    // The next bundle carries the file again, whole this time.
    let (b3, v) = export(&a, &dir.join("usb3"), None);
    assert_eq!(v["files"], 1, "{v}");
    let (r3, log, ok) = hub_import(&hub, &b3, &dir.join("ret3"));
    assert!(ok, "{log}");
    assert_eq!(std::fs::read(hub_file_path(&hub, &h3)).unwrap(), p3);
    assert_eq!(station_import(&a, &r3)["files_delivered"], 1);

    // A crafted bundle of the enrolled device: a file none of its events names, and bytes the
    // signed list does not name. Both refused, neither kept; the bundle is otherwise taken.
    let stray = photo(5_000, 15);
    let unlisted = photo(6_000, 16);
    let crafted = StationBundle {
        format: STATION_FORMAT.into(),
        bundle_id: Uuid::now_v7(),
        device: a.device.parse().unwrap(),
        unit: "HX0201".into(),
        hub_id: a.sync_state("hub_id").map(|h| h.parse().unwrap()),
        created_ms: 0,
        head: a.head(),
        acked_known: a.head(),
        enroll: None,
        batches: Vec::new(),
        cursor: 0,
        checkpoint: None,
        reply_key: bundle::new_bundle_key().1,
        files: vec![FileEntry {
            sha256: sha(&stray),
            size: stray.len() as u64,
            media_type: "image/jpeg".into(),
        }],
        files_waiting: Vec::new(),
        files_wanted: Vec::new(),
    };
    let content = serde_json::to_string(&crafted).unwrap();
    let carried = vec![
        bundle::file_bytes(&sha(&stray), &stray),
        bundle::file_bytes(&sha(&unlisted), &unlisted),
    ];
    let bytes = bundle::seal_with_files(&content, carried, &key, &hub_recipient).unwrap();
    let crafted_path = dir.join("crafted.cdkb");
    std::fs::write(&crafted_path, bytes).unwrap();
    let (_, log, ok) = hub_import(&hub, &crafted_path, &dir.join("ret-crafted"));
    assert!(!ok, "{log}");
    assert!(log.contains(&format!("file {} refused", sha(&stray))), "{log}");
    assert!(log.contains(codes::BLOB_NOT_NAMED), "{log}");
    assert!(log.contains(&format!("file {} refused", sha(&unlisted))), "{log}");
    assert!(log.contains(codes::BLOB_NOT_LISTED), "{log}");
    assert!(!hub_file_path(&hub, &sha(&stray)).exists());
    assert!(!hub_file_path(&hub, &sha(&unlisted)).exists());
}

#[test]
fn tampered_files_in_a_return_bundle_are_discarded_at_the_station() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let hub = Hub::start(dir, HubOptions::default());
    hub.import_units(&units_csv(UNITS));
    let hx = station_in(dir, &HX);
    hub.enroll(&hx, None);
    let b = station_in(dir, &HX0202);
    // The association attaches two photos to a case it sends down to B (no link).
    let (_, no) = hx.add_case(COMPLAINT);
    let p5 = photo(200_000, 17);
    let p6 = photo(10_000, 18);
    let h5 = attach(&hx, &no, &p5, "p5.jpg");
    let h6 = attach(&hx, &no, &p6, "p6.jpg");
    hx.act(
        &no,
        "case.transferred",
        json!({"transfer": Uuid::now_v7().to_string(), "kind": "down", "to_unit": "HX0202",
               "reason": "small_case_down", "note": "小案下办"}),
    );
    let r = hx.sync_ok();
    assert_eq!(r["files_uploaded"], 2, "{r}");

    let code = hub.enroll_code("HX0202", None);
    let (bb, _) = export(&b, &dir.join("usb1"), Some(&code));
    let (rb, log, ok) = hub_import(&hub, &bb, &dir.join("ret1"));
    assert!(ok, "{log}");
    // Open the return bundle as the station, change one file's bytes, sign it again with the
    // hub's key (the list still names the real hash) and encrypt it to the station.
    let station_identity = b.sync_state("bundle_key").unwrap();
    let sealed = bundle::open(&std::fs::read(&rb).unwrap(), &station_identity).unwrap();
    assert_eq!(sealed.files.len(), 2);
    let mut files = sealed.files.clone();
    let mut wrong = p5.clone();
    wrong[7] ^= 1;
    files.iter_mut().find(|f| f.sha256 == h5).unwrap().data = b64(&wrong);
    let hub_key = SecretKey::from_seed_hex(&hub.meta("signing_key")).unwrap();
    let recipient = bundle::recipient_of(&station_identity).unwrap();
    let forged = bundle::seal_with_files(&sealed.content, files, &hub_key, &recipient).unwrap();
    let forged_path = dir.join("forged-return.cdkb");
    std::fs::write(&forged_path, forged).unwrap();
    let got = station_import(&b, &forged_path);
    assert_eq!(got["enrolled"], true, "the events and the enrollment are taken: {got}");
    assert_eq!(got["files_received"], 1, "{got}");
    assert_eq!(got["files_discarded"], json!([format!("{h5}: blob.corrupt")]), "{got}");
    assert!(station_file(&b, &h5).is_none());
    assert_eq!(station_file(&b, &h6).as_deref(), Some(&p6[..]));
    let status = b.status();
    assert_eq!(status["status"]["files"]["to_download"], 1, "{status}");
    assert!(status.to_string().contains("blob.corrupt"), "reported in sync status: {status}");

    // The station lists what it still lacks in its next bundle and gets it whole.
    let (bb2, _) = export(&b, &dir.join("usb2"), None);
    let (rb2, log, ok) = hub_import(&hub, &bb2, &dir.join("ret2"));
    assert!(ok, "{log}");
    let got = station_import(&b, &rb2);
    assert_eq!(got["files_received"], 1, "{got}");
    assert_eq!(station_file(&b, &h5).as_deref(), Some(&p5[..]));
    assert_eq!(b.status()["status"]["files"]["to_download"], 0);
    b.verify_ok();
}
