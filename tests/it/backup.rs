//! Encryption at rest and backups, with real processes: the station file, its WAL and its
//! backups hold nothing readable; a damaged or wrong-key backup is refused and changes nothing;
//! a station restored from a backup (an older copy of a device that kept working) never forks
//! its chain at the hub and loses nothing that reached it.

use casedesk_tests::hub::{Hub, HubOptions};
use casedesk_tests::replicas::{Hierarchy, assert_converged};
use casedesk_tests::station::{COMPLAINT, HX, HX0201, HX0202, Station, UNITS, units_csv};
use casedesk_tests::*;
use serde_json::{Value, json};

/// Strings of the complaint (`COMPLAINT`) and of the station that must not appear in clear.
const SECRETS: &[&str] = &["才让卓玛", "13897712345", "天峻县丰源饲料店", "格尔木市河西投诉联络站"];

fn contains(hay: &[u8], needle: &str) -> bool {
    hay.windows(needle.len()).any(|w| w == needle.as_bytes())
}

#[track_caller]
fn assert_opaque(path: &std::path::Path) {
    let bytes = std::fs::read(path).unwrap();
    for s in SECRETS {
        assert!(!contains(&bytes, s), "{} holds {s:?} in clear", path.display());
    }
    assert!(!bytes.starts_with(b"SQLite format 3"), "{} is a plain SQLite file", path.display());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{} is not owner-only", path.display());
    }
}

#[test]
fn the_station_file_its_wal_and_its_backups_hold_nothing_readable() {
    let dir = tempfile::tempdir().unwrap();
    let st = Station::new(dir.path(), &HX0201);
    let (_, no) = st.add_case(COMPLAINT);
    let backup = st.back_up();
    // A write after the backup leaves the WAL with content in it.
    st.act(&no, "case.note_added", json!({"text": "才让卓玛来电询问进度"}));
    let wal = casedesk_store::crypt::sibling(&st.db, "-wal");
    for p in [&st.db, &backup] {
        assert_opaque(p);
    }
    if wal.exists() {
        assert_opaque(&wal);
    }
    // The plain sqlite library cannot read it.
    let conn = rusqlite::Connection::open(&st.db).unwrap();
    let err = conn.query_row("SELECT count(*) FROM events", [], |r| r.get::<_, i64>(0));
    assert!(err.is_err(), "a plain open read the encrypted file");
    // The key note beside it holds no key: its custody and the salt.
    let note = std::fs::read_to_string(casedesk_keys::note_path(&st.db)).unwrap();
    assert!(note.contains("\"passphrase\"") && note.contains("salt"), "{note}");
    assert!(!note.contains(&*station_key(&st.db).to_hex()), "the key note holds the key");
    // With the passphrase it all reads.
    assert!(st.ok(&["search", "才让卓玛"]).contains(&no));
    let check = st.ok(&["backup", "check", backup.to_str().unwrap()]);
    assert!(check.contains("The backup is sound"), "{check}");
}

#[test]
fn a_wrong_passphrase_a_damaged_or_foreign_backup_is_refused_in_words_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let st = Station::new(dir.path(), &HX0201);
    st.add_case(COMPLAINT);
    let backup = st.back_up();
    let before = st.case_numbers();

    let wrong = st
        .command()
        .env("CASEDESK_PASSPHRASE", "另一个口令 wrong")
        .args(["case", "list"])
        .output()
        .unwrap();
    assert_eq!(wrong.status.code(), Some(1));
    assert!(stderr(&wrong).contains("[db.wrong_key]"), "{}", stderr(&wrong));

    // Damaged: a page in the middle overwritten.
    let damaged = dir.path().join("damaged.cdkbak");
    let mut bytes = std::fs::read(&backup).unwrap();
    let mid = bytes.len() / 2;
    for b in &mut bytes[mid..mid + 512] {
        *b ^= 0x5a;
    }
    std::fs::write(&damaged, &bytes).unwrap();
    std::fs::copy(
        casedesk_store::crypt::sibling(&backup, ".key"),
        casedesk_store::crypt::sibling(&damaged, ".key"),
    )
    .unwrap();
    let o = st.run(&["backup", "restore", damaged.to_str().unwrap(), "--yes"]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(stderr(&o).contains("[backup.unusable]"), "{}", stderr(&o));

    // Another station's backup (another passphrase salt: another key).
    let other = Station::init(dir.path(), &HX0202, &station::Init::device("other"));
    let foreign = other.back_up();
    let copied = dir.path().join("foreign.cdkbak");
    std::fs::copy(&foreign, &copied).unwrap();
    let o = st.run(&["backup", "restore", copied.to_str().unwrap(), "--yes"]);
    // No key note beside it: tried with this station's key, which does not open it.
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("[backup.wrong_key]"), "{}", stderr(&o));
    // With its note but the wrong passphrase.
    std::fs::copy(
        casedesk_store::crypt::sibling(&foreign, ".key"),
        casedesk_store::crypt::sibling(&copied, ".key"),
    )
    .unwrap();
    let o = st
        .command()
        .env("CASEDESK_PASSPHRASE", "另一个口令 wrong")
        .args(["backup", "check", copied.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("[backup.wrong_key]"), "{}", stderr(&o));

    // Not confirmed.
    let o = st.run(&["backup", "restore", backup.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("[backup.restore_needs_confirm]"), "{}", stderr(&o));

    assert_eq!(st.case_numbers(), before, "a refused restore changed the station");
    st.verify_ok();
}

#[test]
fn rotation_keeps_the_newest_backups_and_a_second_folder_gets_them_too() {
    let dir = tempfile::tempdir().unwrap();
    let st = Station::new(dir.path(), &HX0201);
    let usb = dir.path().join("usb");
    for _ in 0..13 {
        st.ok(&["backup", "now", "--to", usb.to_str().unwrap()]);
    }
    let list: Value = serde_json::from_str(&st.ok(&["backup", "list", "--json"])).unwrap();
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), casedesk_store::backup::DEFAULT_KEEP, "{list:?}");
    assert!(list.iter().all(|b| b["reason"] == "manual"), "the daily one rotated away: {list:?}");
    let on_usb = casedesk_store::backup::list(&usb).unwrap();
    assert_eq!(on_usb.len(), casedesk_store::backup::DEFAULT_KEEP);
    for b in &on_usb {
        assert_opaque(&b.path);
    }
}

/// Writes, syncs, backs up, writes more and syncs, restores, writes and syncs: the hub and every
/// replica agree, nothing is frozen, and nothing that reached the hub is lost.
#[test]
fn a_restored_station_forks_nothing_and_loses_nothing_that_reached_the_hub() {
    let dir = tempfile::tempdir().unwrap();
    let hub = Hub::start(dir.path(), HubOptions::default());
    hub.import_units(&units_csv(UNITS));
    let hx = Station::new(dir.path(), &HX);
    let mut s1 = Station::new(dir.path(), &HX0201);
    let s2 = Station::new(dir.path(), &HX0202);
    for (i, st) in [&hx, &s1, &s2].iter().enumerate() {
        st.demo(4, 300 + i as u64);
        hub.enroll(st, None);
    }
    let (_, first) = s1.add_case(COMPLAINT);
    for st in [&s1, &s2, &hx] {
        st.sync_ok();
    }

    let backup = s1.back_up();
    // The device works on after the backup, and what it writes reaches the hub.
    let (_, after) = s1.add_case(COMPLAINT);
    s1.act(&first, "case.note_added", json!({"text": "备份之后写的记录"}));
    s1.sync_ok();
    let old_device = s1.device.clone();
    let old_head = hub.acked_seq(&old_device);

    // The disk fails; the station is restored from the backup.
    let report = s1.restore(&backup);
    assert!(report["replaced"].as_str().is_some(), "the replaced database is kept: {report}");
    // Until its new identity is enrolled, sync says so in words (a person must act: exit 5).
    let o = s1.sync();
    assert_eq!(o.status.code(), Some(5), "{}", stderr(&o));
    assert!(stderr(&o).contains("[restored_enroll]"), "{}", stderr(&o));
    // It works offline meanwhile, as the new device.
    let (_, offline) = s1.add_case(COMPLAINT);
    hub.enroll(&s1, None);
    s1.sync_ok();
    s1.sync_ok();
    for st in [&s2, &hx, &s1] {
        st.sync_ok();
    }

    assert!(hub.frozen().is_empty(), "frozen: {:?}", hub.frozen());
    assert_eq!(hub.acked_seq(&old_device), old_head, "the old device's chain grew or forked");
    let c = assert_converged(&hub, &[&hx, &s1, &s2], &Hierarchy::of(UNITS));
    assert!(c.hub_events > 0);
    // What the old device wrote after the backup came back from the hub.
    let shown = s1.show(&after);
    assert_eq!(shown["case"]["reg"]["case_no"], after.as_str(), "{shown}");
    let notes = s1.show(&first).to_string();
    assert!(notes.contains("备份之后写的记录"), "{notes}");
    // The association sees the restored station's new case.
    assert_eq!(hx.show(&offline)["case"]["reg"]["case_no"], offline.as_str());
}

/// The backup holds events the device never managed to push before it failed: the restored
/// station pushes them under the old identity first, so they are not lost either.
#[test]
fn events_only_the_backup_holds_reach_the_hub_under_the_old_identity() {
    let dir = tempfile::tempdir().unwrap();
    let hub = Hub::start(dir.path(), HubOptions::default());
    hub.import_units(&units_csv(UNITS));
    let hx = Station::new(dir.path(), &HX);
    let mut s1 = Station::new(dir.path(), &HX0201);
    for st in [&hx, &s1] {
        hub.enroll(st, None);
    }
    s1.add_case(COMPLAINT);
    s1.sync_ok();
    // Written, backed up, never synced: the station dies here.
    let (_, unsynced) = s1.add_case(COMPLAINT);
    let backup = s1.back_up();
    let old_device = s1.device.clone();
    let before = hub.acked_seq(&old_device);

    s1.restore(&backup);
    hub.enroll(&s1, None);
    s1.sync_ok();
    hx.sync_ok();
    assert!(hub.acked_seq(&old_device) > before, "the backup's own events did not reach the hub");
    assert!(hub.frozen().is_empty(), "frozen: {:?}", hub.frozen());
    assert_converged(&hub, &[&hx, &s1], &Hierarchy::of(UNITS));
    assert_eq!(hx.show(&unsynced)["case"]["reg"]["case_no"], unsynced.as_str());
}
