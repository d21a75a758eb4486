//! Encryption at rest and backups, on real files.

use std::path::Path;

use super::*;
use crate::testutil::{at, registration, station_init};

fn key(b: u8) -> DbKey {
    DbKey::from_bytes([b; 32])
}

/// Known strings of the fixture registration that a plain file holds in its projections.
const NEEDLES: [&str; 3] = ["才让卓玛", "91350100M000100Y43", "HX0201"];

fn contains(path: &Path, needle: &str) -> bool {
    let bytes = std::fs::read(path).unwrap_or_default();
    let n = needle.as_bytes();
    bytes.windows(n.len()).any(|w| w == n)
}

fn station(path: &Path, k: &DbKey, cases: usize) -> Store {
    let mut s = Store::open_encrypted(path, k, None).unwrap();
    s.init_station(station_init()).unwrap();
    for _ in 0..cases {
        s.register_case(&crate::testutil::founder(&s), registration(at(2026, 3, 1, 1))).unwrap();
    }
    s
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn an_encrypted_file_and_its_wal_show_nothing_readable() {
    let dir = tempfile::tempdir().unwrap();
    // The control: a plain file holds the strings, so the search below can find them.
    let plain = dir.path().join("plain.db");
    {
        let mut s = Store::open(&plain).unwrap();
        s.init_station(station_init()).unwrap();
        s.register_case(&crate::testutil::founder(&s), registration(at(2026, 3, 1, 1))).unwrap();
    }
    assert!(NEEDLES.iter().all(|n| contains(&plain, n)), "the control file holds the strings");

    let db = dir.path().join("st.db");
    let s = station(&db, &key(7), 20);
    // While the store is open, the WAL holds the latest pages: encrypted too.
    let wal = crypt::sibling(&db, "-wal");
    assert!(wal.exists());
    for f in [&db, &wal] {
        for n in NEEDLES {
            assert!(!contains(f, n), "{} holds {n} in clear", f.display());
        }
        assert!(!contains(f, "SQLite format 3"), "{} has a plain header", f.display());
    }
    #[cfg(unix)]
    {
        assert_eq!(mode(&db), 0o600);
        assert_eq!(mode(&wal), 0o600);
    }
    drop(s);
    // The plain SQLite library cannot read it.
    let conn = rusqlite::Connection::open(&db).unwrap();
    let err = conn.query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get::<_, i64>(0));
    assert!(err.is_err(), "read without a key: {err:?}");
    drop(conn);
    // Nor a wrong key; the right one can.
    assert!(matches!(Store::open_encrypted(&db, &key(8), None), Err(StoreError::WrongKey)));
    assert!(matches!(Store::open_reader_encrypted(&db, &key(8)), Err(StoreError::WrongKey)));
    let s = Store::open_encrypted(&db, &key(7), None).unwrap();
    assert_eq!(s.station().unwrap().unit, "HX0201");
    let r = Store::open_reader_encrypted(&db, &key(7)).unwrap();
    assert_eq!(r.event_count().unwrap(), s.event_count().unwrap());
}

#[test]
fn a_plain_station_file_is_encrypted_on_first_open_with_a_key() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("st.db");
    let (events, cases) = {
        let mut s = Store::open(&db).unwrap();
        s.init_station(station_init()).unwrap();
        for _ in 0..5 {
            s.register_case(&crate::testutil::founder(&s), registration(at(2026, 3, 1, 1)))
                .unwrap();
        }
        (
            s.event_count().unwrap(),
            s.list(&query::ListQuery { limit: 100, ..Default::default() }).unwrap().rows.len(),
        )
    };
    assert_eq!(crypt::file_kind(&db).unwrap(), crypt::FileKind::Plain);
    let s = Store::open_encrypted(&db, &key(1), None).unwrap();
    assert_eq!(s.event_count().unwrap(), events);
    assert_eq!(
        s.list(&query::ListQuery { limit: 100, ..Default::default() }).unwrap().rows.len(),
        cases
    );
    assert!(s.verify().unwrap().is_ok(), "the encrypted copy verifies");
    drop(s);
    assert_eq!(crypt::file_kind(&db).unwrap(), crypt::FileKind::Opaque);
    for n in NEEDLES {
        assert!(!contains(&db, n));
    }
    // No plain copy stays behind.
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("unencrypted") || n.contains("encrypting"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn backups_are_encrypted_checked_listed_and_rotated() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("st.db");
    let s = station(&db, &key(3), 3);
    let mut policy = BackupPolicy::new(dir.path().join("backups"));
    policy.keep = 3;
    policy.key_note = Some("{\"custody\":\"test\"}".into());
    let first = s.backup(&policy, BackupReason::Manual).unwrap();
    assert_eq!(first.written.len(), 1);
    let b = &first.written[0].path;
    for n in NEEDLES {
        assert!(!contains(b, n), "the backup holds {n} in clear");
    }
    #[cfg(unix)]
    assert_eq!(mode(b), 0o600);
    assert!(crypt::sibling(b, ".key").exists());
    let summary = backup::inspect(b, Some(&key(3))).unwrap();
    assert_eq!(summary.unit, "HX0201");
    assert_eq!(summary.cases, 3);
    assert_eq!(summary.events, s.event_count().unwrap());
    for _ in 0..4 {
        s.backup(&policy, BackupReason::Daily).unwrap();
    }
    let listed = backup::list(&policy.dirs[0]).unwrap();
    assert_eq!(listed.len(), 3, "rotation keeps 3");
    assert!(listed.windows(2).all(|w| w[0].created >= w[1].created), "newest first");
    assert!(listed.iter().all(|b| b.reason == BackupReason::Daily));
    assert!(!b.exists(), "the oldest went");
    assert!(!crypt::sibling(b, ".key").exists(), "with its key note");
    // Today's exists: no second daily backup.
    assert!(s.backup_if_due(&policy).unwrap().is_none());
}

#[test]
fn a_wrong_key_a_damaged_file_and_a_stranger_are_refused_as_backups() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("st.db");
    let s = station(&db, &key(3), 2);
    let policy = BackupPolicy::new(dir.path().join("backups"));
    let b = s.backup(&policy, BackupReason::Manual).unwrap().written.remove(0).path;
    assert!(matches!(backup::inspect(&b, Some(&key(4))), Err(StoreError::BackupWrongKey(_))));
    let e = backup::inspect(&b, Some(&key(4))).unwrap_err();
    assert_eq!(e.code(), "backup.wrong_key");
    assert!(
        e.message(casedesk_domain::Lang::Zh).contains("密钥"),
        "{}",
        e.message(casedesk_domain::Lang::Zh)
    );
    // Damage a page in the middle.
    let damaged = dir.path().join("damaged.cdkbak");
    let mut bytes = std::fs::read(&b).unwrap();
    let mid = bytes.len() / 2;
    for x in &mut bytes[mid..mid + 64] {
        *x ^= 0x5a;
    }
    std::fs::write(&damaged, &bytes).unwrap();
    let e = backup::inspect(&damaged, Some(&key(3))).unwrap_err();
    assert!(matches!(e, StoreError::BadBackup { .. }), "{e:?}");
    // A truncated file.
    let cut = dir.path().join("cut.cdkbak");
    std::fs::write(&cut, &bytes[..1000]).unwrap();
    assert!(backup::inspect(&cut, Some(&key(3))).is_err());
    // Not a database at all, and missing.
    let junk = dir.path().join("junk.cdkbak");
    std::fs::write(&junk, "hello").unwrap();
    assert!(backup::inspect(&junk, Some(&key(3))).is_err());
    assert!(matches!(
        backup::inspect(&dir.path().join("none.cdkbak"), Some(&key(3))),
        Err(StoreError::BackupNotFound(_))
    ));
    // A database that is no station's.
    let other = dir.path().join("other.db");
    drop(Store::open_encrypted(&other, &key(3), None).unwrap());
    assert!(matches!(backup::inspect(&other, Some(&key(3))), Err(StoreError::BadBackup { .. })));
}

#[test]
fn a_restore_brings_back_the_backed_up_state() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("st.db");
    let mut s = station(&db, &key(5), 2);
    let policy = BackupPolicy::new(dir.path().join("backups"));
    let b = s.backup(&policy, BackupReason::Manual).unwrap().written.remove(0).path;
    let at_backup = s.event_count().unwrap();
    s.register_case(&crate::testutil::founder(&s), registration(at(2026, 3, 1, 1))).unwrap();
    let (staged, summary) = backup::stage_restore(&b, Some(&key(5)), &db).unwrap();
    assert_eq!(summary.events, at_backup);
    drop(s);
    backup::commit_restore(&staged, &db).unwrap();
    let s = Store::open_encrypted(&db, &key(5), None).unwrap();
    assert_eq!(s.event_count().unwrap(), at_backup);
    assert!(s.verify().unwrap().is_ok());
    assert!(!staged.exists());
}

#[test]
fn a_migration_is_preceded_by_a_backup() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("st.db");
    drop(station(&db, &key(9), 1));
    // Pretend the file is one schema behind (the last migration's objects stay: it only has to
    // run again without harm for this test, so take a migration that is idempotent to re-run
    // only in its version number).
    {
        let conn = rusqlite::Connection::open(&db).unwrap();
        crypt::apply_key(&conn, &key(9)).unwrap();
        let latest = migrate::MIGRATIONS.len() as i64;
        conn.pragma_update(None, "user_version", latest - 1).unwrap();
    }
    let policy = BackupPolicy::new(dir.path().join("backups"));
    let conn = rusqlite::Connection::open(&db).unwrap();
    crypt::apply_key(&conn, &key(9)).unwrap();
    assert!(migrate::pending(&conn).unwrap());
    drop(conn);
    // The migration itself may or may not re-run cleanly; the backup comes first either way.
    let _ = Store::open_encrypted(&db, &key(9), Some(&policy));
    let listed = backup::list(&policy.dirs[0]).unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].reason, BackupReason::PreMigration);
    let summary = backup::inspect(&listed[0].path, Some(&key(9))).unwrap();
    assert_eq!(summary.schema, migrate::MIGRATIONS.len() as i64 - 1);
}

#[test]
fn sqlcipher_memory_security_is_off_and_pages_are_4k_with_hmac() {
    // Memory security (wiping every freed allocation) costs every query; SQLCipher 4.20 has it
    // off unless a connection turns it on (it cannot be turned off again), and nothing here does.
    let dir = tempfile::tempdir().unwrap();
    let s = station(&dir.path().join("st.db"), &key(4), 1);
    let q = |p: &str| -> String {
        s.conn.query_row(&format!("PRAGMA {p}"), [], |r| r.get::<_, String>(0)).unwrap()
    };
    assert_eq!(q("cipher_memory_security"), "0");
    assert_eq!(q("cipher_page_size"), "4096");
    assert_eq!(q("cipher_hmac_algorithm"), "HMAC_SHA512");
    assert_eq!(q("cipher_use_hmac"), "1");
}

/// On an encrypted station the files in `blobs/` are sealed (nothing of them readable on disk)
/// and read back whole; a sealed file changed or put under another name is `blob.corrupt`;
/// files kept plain before are sealed at the next open, once; a plain station keeps them plain.
#[test]
fn files_of_an_encrypted_station_are_sealed() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("station.db");
    let mut s = station(&db, &key(7), 0);
    let case =
        s.register_case(&crate::testutil::founder(&s), registration(at(2026, 3, 1, 1))).unwrap().id;
    let photo = b"\x89PNG\r\n\x1a\n receipt of the Golmud shop, 632801199001010019".to_vec();
    let evidence = |bytes: &[u8]| crate::files::NewEvidence {
        name: "小票.png".into(),
        description: "购物小票".into(),
        original_returned: false,
        for_document: None,
        bytes: bytes.to_vec(),
    };
    let added =
        s.add_evidence_op(None, case, &crate::testutil::founder(&s), evidence(&photo)).unwrap();
    let path = s.blob_path(&added.sha256).unwrap();
    assert!(!contains(&path, "632801199001010019"), "the file on disk is sealed");
    assert_eq!(s.blob(&added.sha256).unwrap(), photo);
    assert_eq!(s.blob_chunk(&added.sha256, 4, 6).unwrap(), photo[4..10].to_vec());
    assert!(s.verify().unwrap().is_ok());
    let reader = Store::open_reader_encrypted(&db, &key(7)).unwrap();
    assert_eq!(reader.blob(&added.sha256).unwrap(), photo, "readers open it too");

    // Changed on disk: refused, never returned.
    let sealed = std::fs::read(&path).unwrap();
    let mut changed = sealed.clone();
    *changed.last_mut().unwrap() ^= 1;
    std::fs::write(&path, &changed).unwrap();
    assert!(matches!(s.blob(&added.sha256), Err(StoreError::Blob { code: "blob.corrupt", .. })));
    std::fs::write(&path, &sealed).unwrap();

    // A file kept plain (as before files were sealed) reads, and the next open seals it once.
    std::fs::write(&path, &photo).unwrap();
    assert_eq!(s.blob(&added.sha256).unwrap(), photo);
    s.conn.execute("DELETE FROM settings WHERE key = 'blobs_sealed'", []).unwrap();
    drop(s);
    let s = Store::open_encrypted(&db, &key(7), None).unwrap();
    assert!(!contains(&path, "632801199001010019"), "sealed at the open");
    assert_eq!(std::fs::read(&path).unwrap(), sealed, "the same bytes: sealing is deterministic");
    assert_eq!(s.blob(&added.sha256).unwrap(), photo);
    assert_eq!(s.seal_plain_blobs().unwrap(), 0, "nothing left to seal");

    // A plain station keeps its files as they are.
    let plain_dir = tempfile::tempdir().unwrap();
    let mut p = Store::open(&plain_dir.path().join("plain.db")).unwrap();
    p.init_station(station_init()).unwrap();
    let id =
        p.register_case(&crate::testutil::founder(&p), registration(at(2026, 3, 1, 1))).unwrap().id;
    let added =
        p.add_evidence_op(None, id, &crate::testutil::founder(&p), evidence(&photo)).unwrap();
    assert_eq!(std::fs::read(p.blob_path(&added.sha256).unwrap()).unwrap(), photo);
}
