//! Documents issued and evidence files: numbers under two devices of one unit, blobs written
//! before their events and checked by `verify`, the size and type limits.

use casedesk_domain::event::*;
use casedesk_domain::types::*;
use casedesk_proto::limits;
use chrono::{DateTime, Utc};

use super::*;
use crate::testutil::{at, founder, registration, station_init};

fn station(code: &str, now: DateTime<Utc>, dir: &std::path::Path) -> Store {
    let mut s = Store::open_in_memory().unwrap();
    s.set_clock(move || now);
    s.set_blob_dir(dir.join("blobs"));
    let mut init = station_init();
    init.device_code = code.into();
    s.init_station(init).unwrap();
    s
}

fn log(s: &Store) -> Vec<Event> {
    let mut out = Vec::new();
    s.export_jsonl(&mut out).unwrap();
    String::from_utf8(out).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

/// A tiny PNG (1×1), as a photo of a receipt would be.
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0\x90wS\xde\0\0\0\x0cIDAT\x08\xd7c\xf8\xff\xff?\0\x05\xfe\x02\xfe\xdc\xccY\xe7\0\0\0\0IEND\xaeB`\x82";

fn accepted_case(s: &mut Store) -> Uuid {
    let id = s.register_case(&founder(s), registration(at(2026, 3, 1, 1))).unwrap().id;
    s.act(id, &founder(s), CaseEvent::Accepted { at: at(2026, 3, 2, 1), note: String::new() })
        .unwrap();
    id
}

/// A 受理通知书 for the complainant, numbered `number`, issued now.
fn acceptance(s: &Store, number: String, pdf: &[u8]) -> NewDocument {
    NewDocument {
        kind: DocKind::Acceptance,
        subject: None,
        recipient: Recipient::Complainant,
        delivery: Delivery::InPerson,
        items: vec![],
        due: None,
        template: "acceptance@1".into(),
        number,
        issued_at: s.now(),
        pdf: pdf.to_vec(),
    }
}

fn issue(s: &mut Store, case: Uuid, pdf: &[u8]) -> Result<DocumentIssued> {
    let number =
        s.next_document_number(s.case_state(case)?.rule_set, DocKind::Acceptance, s.now())?;
    let doc = acceptance(s, number, pdf);
    s.issue_document_op(None, case, &founder(s), doc)
}

#[test]
fn two_devices_of_one_unit_never_give_out_the_same_number_offline() {
    let dir = tempfile::tempdir().unwrap();
    let now = at(2026, 3, 3, 2);
    let mut a = station("A1", now, dir.path());
    let mut b = station("A2", now, dir.path());
    let mut numbers = Vec::new();
    for (s, n) in [(&mut a, 3), (&mut b, 3)] {
        for i in 0..n {
            let case = accepted_case(s);
            let doc = issue(s, case, format!("%PDF-1.7 {i}").as_bytes()).unwrap();
            numbers.push(doc.number);
        }
    }
    assert_eq!(numbers[0], "消协受〔2026〕第 A1-1 号");
    assert_eq!(numbers[3], "消协受〔2026〕第 A2-1 号");
    let mut unique = numbers.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), numbers.len(), "{numbers:?}");
    // Each station applies the other's events: six documents, each number once.
    let (la, lb) = (log(&a), log(&b));
    a.apply_remote(&lb, Source::Import).unwrap();
    b.apply_remote(&la, Source::Import).unwrap();
    let n: i64 =
        a.conn.query_row("SELECT count(DISTINCT number) FROM documents", [], |r| r.get(0)).unwrap();
    assert_eq!(n, 6);
    // The PDFs of the other station's documents are files still to come.
    assert_eq!(a.missing_blobs().unwrap().len(), 0, "one blob folder here: all are held");
    let report = a.verify().unwrap();
    assert!(report.is_ok(), "{report:?}");
}

#[test]
fn a_number_that_is_no_longer_next_is_refused_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = station("A1", at(2026, 3, 3, 2), dir.path());
    let case = accepted_case(&mut s);
    issue(&mut s, case, b"%PDF-1.7 a").unwrap();
    let before = s.event_count().unwrap();
    let mut doc = acceptance(&s, "消协受〔2026〕第 A1-1 号".into(), b"%PDF-1.7 b");
    let err = s.issue_document_op(None, case, &founder(&s), doc.clone()).unwrap_err();
    assert_eq!(err.issues()[0].code, "doc.number_taken");
    assert_eq!(s.event_count().unwrap(), before);
    // A kind the case's state does not offer.
    doc.kind = DocKind::Termination;
    doc.number = s.next_document_number(RuleSet::Own, DocKind::Termination, s.now()).unwrap();
    let err = s.issue_document_op(None, case, &founder(&s), doc).unwrap_err();
    assert_eq!(err.issues()[0].code, "doc.not_available");
    // Documents go through issue_document_op, never through act.
    let payload = s.documents(case).unwrap()[0].doc.clone();
    let err = s.act(case, &founder(&s), CaseEvent::DocumentIssued(payload)).unwrap_err();
    assert_eq!(err.issues()[0].code, "doc.issue_elsewhere");
}

use casedesk_domain::reference::RuleSet;

#[test]
fn evidence_is_a_blob_beside_the_log_and_verify_checks_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = station("A1", at(2026, 3, 3, 2), dir.path());
    let case = accepted_case(&mut s);
    let file = |bytes: &[u8]| NewEvidence {
        name: "小票.png".into(),
        description: "购物小票".into(),
        original_returned: true,
        for_document: None,
        bytes: bytes.to_vec(),
    };
    let added = s.add_evidence_op(None, case, &founder(&s), file(PNG)).unwrap();
    assert_eq!(added.media_type, "image/png");
    assert_eq!(added.sha256, sha256_hex(PNG));
    let path = s.blob_path(&added.sha256).unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), PNG);
    let rows = s.evidence(case).unwrap();
    assert!(rows[0].file_here && rows[0].item.original_returned);
    assert!(s.verify().unwrap().is_ok());

    // A signed copy of an issued document names its number.
    let doc = issue(&mut s, case, b"%PDF-1.7 signed").unwrap();
    let mut signed = file(b"%PDF-1.7 scan of the signed copy");
    signed.for_document = Some(doc.number.clone());
    assert_eq!(
        s.add_evidence_op(None, case, &founder(&s), signed).unwrap().for_document,
        Some(doc.number)
    );
    let mut unknown = file(b"%PDF-1.7 another");
    unknown.for_document = Some("没有的文号".into());
    let err = s.add_evidence_op(None, case, &founder(&s), unknown).unwrap_err();
    assert_eq!(err.issues()[0].code, "doc.unknown_number");

    // Limits: too large, not a photo or a scan, empty.
    let big = vec![0xFFu8; limits::MAX_BLOB_BYTES as usize + 1];
    let err = s.add_evidence_op(None, case, &founder(&s), file(&big)).unwrap_err();
    assert_eq!(err.issues()[0].code, "evidence.too_large");
    assert!(
        err.message(casedesk_domain::Lang::Zh).contains("最多 20 MB"),
        "{}",
        err.message(casedesk_domain::Lang::Zh)
    );
    let err =
        s.add_evidence_op(None, case, &founder(&s), file(b"MZ\x90\0 not a scan")).unwrap_err();
    assert_eq!(err.issues()[0].code, "evidence.media_type");
    let err = s.add_evidence_op(None, case, &founder(&s), file(b"")).unwrap_err();
    assert_eq!(err.issues()[0].code, "evidence.empty");

    // A damaged file and a lost one are found.
    std::fs::write(&path, b"\x89PNG damaged").unwrap();
    let report = s.verify().unwrap();
    assert!(!report.is_ok());
    assert!(report.blobs.errors[0].contains("blob.corrupt"), "{:?}", report.blobs);
    std::fs::remove_file(&path).unwrap();
    let report = s.verify().unwrap();
    assert!(report.blobs.errors[0].contains("blob.missing"), "{:?}", report.blobs);
    assert_eq!(s.blob(&added.sha256).unwrap_err().code(), "blob.missing");
}

#[test]
fn a_station_without_the_file_lists_it_as_still_to_come() {
    let (d1, d2) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let now = at(2026, 3, 3, 2);
    let mut a = station("A1", now, d1.path());
    let mut b = station("A2", now, d2.path());
    let case = accepted_case(&mut a);
    let head = founder(&a);
    let added = a
        .add_evidence_op(
            None,
            case,
            &head,
            NewEvidence {
                name: "p.png".into(),
                description: String::new(),
                original_returned: false,
                for_document: None,
                bytes: PNG.to_vec(),
            },
        )
        .unwrap();
    b.apply_remote(&log(&a), Source::Import).unwrap();
    assert_eq!(b.missing_blobs().unwrap(), vec![added.sha256.clone()]);
    let rows = b.evidence(case).unwrap();
    assert!(!rows[0].file_here);
    let report = b.verify().unwrap();
    assert!(report.is_ok(), "a file still to come is no error: {report:?}");
    assert_eq!(report.blobs.missing, 1);
}

#[test]
fn the_blob_lane_uploads_once_and_keeps_only_received_bytes_that_match() {
    let now = at(2026, 3, 2, 2);
    let dir = tempfile::tempdir().unwrap();
    let mut a = station("A1", now, &dir.path().join("a"));
    let mut b = station("B1", now, &dir.path().join("b"));
    let case = accepted_case(&mut a);
    let head = founder(&a);
    let file = |bytes: &[u8]| NewEvidence {
        name: "p.png".into(),
        description: String::new(),
        original_returned: false,
        for_document: None,
        bytes: bytes.to_vec(),
    };
    let added = a.add_evidence_op(None, case, &head, file(PNG)).unwrap();
    let sha = added.sha256.clone();
    // A's file waits for the hub; its chunks are its bytes.
    let up = a.blobs_to_upload(10).unwrap();
    assert_eq!(up.len(), 1);
    assert_eq!((up[0].sha256.as_str(), up[0].size), (sha.as_str(), PNG.len() as u64));
    assert_eq!(a.blob_chunk(&sha, 3, 5).unwrap(), &PNG[3..8]);
    a.blob_failed(&sha, BlobDirection::Up, "network", "cut", false).unwrap();
    let s = a.blob_sync_summary().unwrap();
    assert_eq!((s.to_upload, s.problems.len(), s.problems[0].refused), (1, 1, false));
    a.blob_uploaded(&sha).unwrap();
    assert!(a.blobs_to_upload(10).unwrap().is_empty());
    assert_eq!(a.blob_sync_summary().unwrap(), BlobSyncSummary::default());

    // B is owed the file; damaged bytes are discarded and reported, the right ones kept.
    b.apply_remote(&log(&a), Source::Import).unwrap();
    let down = b.blobs_to_download(10).unwrap();
    assert_eq!(down.len(), 1);
    assert_eq!(down[0].media_type, "image/png");
    let mut bad = PNG.to_vec();
    bad[20] ^= 1;
    assert_eq!(b.blob_partial_append(&sha, down[0].size, 0, &bad[..10]).unwrap(), 10);
    assert_eq!(b.blob_partial_len(&sha).unwrap(), 10, "a cut download resumes from here");
    assert!(b.blob_partial_append(&sha, down[0].size, 0, &bad[10..]).is_err(), "wrong offset");
    b.blob_partial_append(&sha, down[0].size, 10, &bad[10..]).unwrap();
    let err = b.blob_partial_finish(&sha, "image/png").unwrap_err();
    assert_eq!(err.code(), "blob.corrupt");
    assert_eq!(b.blob_partial_len(&sha).unwrap(), 0, "discarded");
    assert!(!b.has_blob(&sha).unwrap());
    // More bytes than the event names are refused before they are kept.
    let err = b.blob_partial_append(&sha, down[0].size, 0, &[PNG, b"x"].concat()).unwrap_err();
    assert_eq!(err.code(), "blob.too_large");
    b.blob_partial_append(&sha, down[0].size, 0, PNG).unwrap();
    b.blob_partial_finish(&sha, "image/png").unwrap();
    assert!(b.has_blob(&sha).unwrap());
    assert_eq!(b.blob(&sha).unwrap(), PNG);
    assert!(b.blobs_to_download(10).unwrap().is_empty());
    // A file received from the hub is not sent back to it.
    assert!(b.blobs_to_upload(10).unwrap().is_empty());
    assert!(b.verify().unwrap().is_ok());
}
