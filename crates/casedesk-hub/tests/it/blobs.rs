//! Files (`/v1/blobs/{sha256}`): chunked, resumable uploads by the device whose accepted event
//! names the hash, checked against the hash; ranged downloads for the units whose feed carries
//! such an event; every refusal with its code. Run on both stores.

use axum::http::{Method, StatusCode};
use casedesk_proto::limits::{BLOB_CHUNK_BYTES, MAX_BLOB_BYTES};
use casedesk_proto::sync::{BlobUploadState, codes};
use serde_json::json;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::support::*;

fn sha(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// A photo-like file of `n` bytes (JPEG signature, then varied bytes).
fn photo(n: usize, seed: u8) -> Vec<u8> {
    let mut v = vec![0xFF, 0xD8, 0xFF, 0xE0];
    v.extend((0..n.saturating_sub(4)).map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed)));
    v
}

fn evidence(hash: &str, size: u64) -> serde_json::Value {
    json!({
        "evidence": Uuid::now_v7(),
        "sha256": hash,
        "size": size,
        "media_type": "image/jpeg",
        "name": "发票.jpg",
        "added_at": "2026-03-02T03:00:00Z",
    })
}

/// Writes a case with one evidence event naming `bytes` and pushes it.
async fn attach(hub: &Hub, st: &mut Station, bytes: &[u8]) -> (Uuid, String) {
    let case = st.new_case(0);
    let hash = sha(bytes);
    st.write(case, "case.evidence_added", evidence(&hash, bytes.len() as u64));
    let events = st.chain.clone();
    let from = hub.acked(st).await.0 + 1;
    hub.push_ok(st, events.into_iter().filter(|e| e.seq >= from).collect()).await;
    (case, hash)
}

async fn put(hub: &Hub, st: &Station, hash: &str, offset: u64, chunk: &[u8]) -> Reply {
    hub.send_as(
        st,
        Method::PUT,
        &format!("/v1/blobs/{hash}/upload?offset={offset}"),
        &[("content-type", "application/octet-stream".into())],
        chunk.to_vec(),
    )
    .await
}

async fn state(hub: &Hub, st: &Station, hash: &str) -> Reply {
    hub.send_as(st, Method::GET, &format!("/v1/blobs/{hash}/upload"), &[], Vec::new()).await
}

/// Uploads `bytes` whole, chunk by chunk.
async fn upload(hub: &Hub, st: &Station, bytes: &[u8]) -> BlobUploadState {
    let hash = sha(bytes);
    let mut last = None;
    for (i, chunk) in bytes.chunks(BLOB_CHUNK_BYTES).enumerate() {
        let reply = put(hub, st, &hash, (i * BLOB_CHUNK_BYTES) as u64, chunk).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", String::from_utf8_lossy(&reply.body));
        last = Some(reply.json::<BlobUploadState>());
    }
    last.expect("one chunk at least")
}

async fn download(hub: &Hub, st: &Station, hash: &str, range: Option<&str>) -> Reply {
    let headers: Vec<(&str, String)> = range.map(|r| ("range", r.to_owned())).into_iter().collect();
    hub.send_as(st, Method::GET, &format!("/v1/blobs/{hash}"), &headers, Vec::new()).await
}

conformance! {
async fn a_file_uploaded_in_chunks_resumes_and_reaches_the_unit_a_transfer_names() {
    let hub = Hub::new().await;
    let mut a = hub.station("HX02").await;
    let b = hub.station("HX03").await;
    let bytes = photo(3 * BLOB_CHUNK_BYTES + 1234, 7);
    let (case, hash) = attach(&hub, &mut a, &bytes).await;

    // Nothing held yet; the first chunk, then a "cut": the state says where to go on.
    let s: BlobUploadState = state(&hub, &a, &hash).await.json();
    assert_eq!((s.held, s.size, s.complete), (0, bytes.len() as u64, false));
    let first = &bytes[..BLOB_CHUNK_BYTES];
    assert_eq!(put(&hub, &a, &hash, 0, first).await.status, StatusCode::OK);
    // The same chunk again (the answer was lost) is refused with the offset the hub holds.
    put(&hub, &a, &hash, 0, first).await.expect(StatusCode::CONFLICT, codes::BLOB_OFFSET);
    let s: BlobUploadState = state(&hub, &a, &hash).await.json();
    assert_eq!(s.held, BLOB_CHUNK_BYTES as u64);
    let mut offset = s.held as usize;
    let mut last = None;
    while offset < bytes.len() {
        let end = (offset + BLOB_CHUNK_BYTES).min(bytes.len());
        let reply = put(&hub, &a, &hash, offset as u64, &bytes[offset..end]).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", String::from_utf8_lossy(&reply.body));
        last = Some(reply.json::<BlobUploadState>());
        offset = end;
    }
    let done = last.expect("chunks");
    assert!(done.complete);
    assert_eq!(done.held, bytes.len() as u64);

    // HX03 does not see the case: refused, whether or not the hub holds the file.
    download(&hub, &b, &hash, None).await.expect(StatusCode::FORBIDDEN, codes::BLOB_FORBIDDEN);
    // Once a transfer names HX03, it downloads the file whole, and by ranges.
    a.write(case, "case.transferred", transfer("co_handle", "HX03"));
    let from = hub.acked(&a).await.0 + 1;
    hub.push_ok(&a, a.events(from, a.chain.len() as u64)).await;
    let whole = download(&hub, &b, &hash, None).await;
    assert_eq!(whole.status, StatusCode::OK);
    assert_eq!(sha(&whole.body), hash);
    let part = download(&hub, &b, &hash, Some("bytes=100-199")).await;
    assert_eq!(part.status, StatusCode::PARTIAL_CONTENT);
    assert_eq!(&part.body[..], &bytes[100..200]);
    assert_eq!(
        part.headers.get("content-range").and_then(|v| v.to_str().ok()),
        Some(format!("bytes 100-199/{}", bytes.len()).as_str())
    );
    let tail = download(&hub, &b, &hash, Some(&format!("bytes={}-", bytes.len() - 10))).await;
    assert_eq!(&tail.body[..], &bytes[bytes.len() - 10..]);
    download(&hub, &b, &hash, Some(&format!("bytes={}-", bytes.len())))
        .await
        .expect(StatusCode::RANGE_NOT_SATISFIABLE, codes::BAD_REQUEST);
}
}

conformance! {
async fn a_hash_no_accepted_event_of_the_device_names_is_refused() {
    let hub = Hub::new().await;
    let mut a = hub.station("HX02").await;
    let mut other = hub.station("HX03").await;
    let bytes = photo(5000, 1);
    let (_, hash) = attach(&hub, &mut a, &bytes).await;

    // Another enrolled device may not upload A's file, nor a file no event names.
    state(&hub, &other, &hash).await.expect(StatusCode::FORBIDDEN, codes::BLOB_NOT_NAMED);
    put(&hub, &other, &hash, 0, &bytes).await.expect(StatusCode::FORBIDDEN, codes::BLOB_NOT_NAMED);
    let stray = photo(100, 9);
    put(&hub, &a, &sha(&stray), 0, &stray)
        .await
        .expect(StatusCode::FORBIDDEN, codes::BLOB_NOT_NAMED);
    // A quarantined event names nothing: HX03 writing evidence on A's case is not accepted.
    let case = a.chain[0].stream;
    let theirs = photo(700, 3);
    other.write(case, "case.evidence_added", evidence(&sha(&theirs), 700));
    let receipt = hub.push_ok(&other, other.chain.clone()).await;
    assert_eq!(reasons(&receipt).len(), 1, "quarantined");
    put(&hub, &other, &sha(&theirs), 0, &theirs)
        .await
        .expect(StatusCode::FORBIDDEN, codes::BLOB_NOT_NAMED);
    // Not a hash at all.
    assert_ne!(put(&hub, &a, "..%2F..%2Fetc%2Fpasswd", 0, b"x").await.status, StatusCode::OK);
    put(&hub, &a, &"A".repeat(64), 0, b"x").await.expect(StatusCode::BAD_REQUEST, codes::BAD_REQUEST);
    // Without a token nothing is answered.
    let reply = hub.get(None, &format!("/v1/blobs/{hash}")).await;
    reply.expect(StatusCode::UNAUTHORIZED, codes::UNAUTHORIZED);
}
}

conformance! {
async fn wrong_bytes_oversized_chunks_and_oversized_files_are_refused() {
    let hub = Hub::new().await;
    let mut a = hub.station("HX02").await;
    let bytes = photo(BLOB_CHUNK_BYTES + 10, 2);
    let (_, hash) = attach(&hub, &mut a, &bytes).await;

    // A chunk over the chunk limit, and one going past the named size.
    let big = vec![0u8; BLOB_CHUNK_BYTES + 1];
    put(&hub, &a, &hash, 0, &big).await.expect(StatusCode::PAYLOAD_TOO_LARGE, codes::BLOB_CHUNK_TOO_LARGE);
    let first = &bytes[..BLOB_CHUNK_BYTES];
    assert_eq!(put(&hub, &a, &hash, 0, first).await.status, StatusCode::OK);
    put(&hub, &a, &hash, BLOB_CHUNK_BYTES as u64, &[0u8; 11])
        .await
        .expect(StatusCode::PAYLOAD_TOO_LARGE, codes::BLOB_CHUNK_TOO_LARGE);
    // The right length with wrong bytes: refused, and the partial upload discarded.
    put(&hub, &a, &hash, BLOB_CHUNK_BYTES as u64, &[0u8; 10])
        .await
        .expect(StatusCode::UNPROCESSABLE_ENTITY, codes::BLOB_HASH_MISMATCH);
    let s: BlobUploadState = state(&hub, &a, &hash).await.json();
    assert_eq!((s.held, s.complete), (0, false), "started over");
    download(&hub, &a, &hash, None).await.expect(StatusCode::NOT_FOUND, codes::BLOB_NOT_HERE);
    // The right bytes then go through.
    assert!(upload(&hub, &a, &bytes).await.complete);
    // Uploading it again (dedup) changes nothing and says complete.
    let again = put(&hub, &a, &hash, 0, first).await;
    assert!(again.json::<BlobUploadState>().complete);

    // An event naming a file over the limit: the hub refuses to take any of it.
    let case = a.chain[0].stream;
    let huge = "ab".repeat(32);
    a.write(case, "case.evidence_added", evidence(&huge, MAX_BLOB_BYTES + 1));
    let from = hub.acked(&a).await.0 + 1;
    hub.push_ok(&a, a.events(from, a.chain.len() as u64)).await;
    state(&hub, &a, &huge).await.expect(StatusCode::PAYLOAD_TOO_LARGE, codes::BLOB_TOO_LARGE);
    put(&hub, &a, &huge, 0, b"x").await.expect(StatusCode::PAYLOAD_TOO_LARGE, codes::BLOB_TOO_LARGE);
}
}

conformance! {
async fn the_association_above_sees_the_file_and_an_unrelated_station_does_not() {
    let hub = Hub::new().await;
    let mut a = hub.station("HX0101").await;
    let assoc = hub.station("HX").await;
    let branch = hub.station("HX01").await;
    let other = hub.station("HX02").await;
    let bytes = photo(40_000, 5);
    let (_, hash) = attach(&hub, &mut a, &bytes).await;
    assert!(upload(&hub, &a, &bytes).await.complete);
    for st in [&assoc, &branch] {
        let reply = download(&hub, st, &hash, None).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", st.unit);
        assert_eq!(&reply.body[..], &bytes[..]);
    }
    download(&hub, &other, &hash, None).await.expect(StatusCode::FORBIDDEN, codes::BLOB_FORBIDDEN);
}
}
