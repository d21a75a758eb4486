//! Bounded work per push: the decoded size and the zstd window are capped before anything is
//! parsed, and only a few pushes (one per device) are worked on at once.

use std::time::Duration;

use axum::http::StatusCode;
use casedesk_hub::api::HubConfig;
use casedesk_proto::limits::{MAX_DECODED_PUSH_BYTES, ZSTD_WINDOW_LOG_MAX};
use casedesk_proto::sync::{MAX_PUSH_BYTES, PushReceipt};

use crate::support::{Hub, Station, zstd};

fn batch_json(st: &Station) -> Vec<u8> {
    let batch = st.batch(st.events(1, st.chain.len() as u64));
    serde_json::to_vec(&batch).expect("json")
}

/// A zstd frame (RFC 8878) holding `data` in one raw block, whose header asks for a window of
/// `2^window_log` bytes.
fn frame_with_window(data: &[u8], window_log: u32) -> Vec<u8> {
    let mut frame = vec![0x28, 0xB5, 0x2F, 0xFD];
    frame.push(0x00); // no content size, not single-segment, no checksum, no dictionary
    frame.push(u8::try_from((window_log - 10) << 3).expect("window log"));
    let header = (u32::try_from(data.len()).expect("size") << 3) | 1; // raw block, the last
    frame.extend_from_slice(&header.to_le_bytes()[..3]);
    frame.extend_from_slice(data);
    frame
}

/// Decodes `frame` with a decoder that accepts windows up to `2^log`.
fn decode_with_window(frame: &[u8], log: u32) -> Vec<u8> {
    let mut decoder = ::zstd::stream::read::Decoder::new(frame).expect("decoder");
    decoder.window_log_max(log).expect("window");
    let mut out = Vec::new();
    std::io::Read::read_to_end(&mut decoder, &mut out).expect("decodes");
    out
}

conformance! {
async fn a_zstd_frame_asking_for_a_huge_window_is_refused_undecoded() {
    let hub = Hub::new().await;
    let mut st = hub.station("HX02").await;
    st.new_case(1);
    let json = batch_json(&st);
    // The hand-made frame decodes fine with a window at the cap ...
    let fits = frame_with_window(&json, ZSTD_WINDOW_LOG_MAX);
    assert_eq!(zstd::decode_all(&fits[..]).expect("valid frame"), json);
    // ... and one asking for 1 GiB is refused from its header.
    for log in [ZSTD_WINDOW_LOG_MAX + 1, 30] {
        let huge = frame_with_window(&json, log);
        assert_eq!(decode_with_window(&huge, log), json, "a valid frame all the same");
        hub.push_raw(Some(&st.token), huge, Some("zstd"))
            .await
            .expect(StatusCode::PAYLOAD_TOO_LARGE, "too_large");
    }
    // What a real encoder makes with such a window, too.
    let mut encoder = ::zstd::stream::write::Encoder::new(Vec::new(), 3).expect("encoder");
    encoder.window_log(ZSTD_WINDOW_LOG_MAX + 2).expect("window");
    std::io::Write::write_all(&mut encoder, &json).expect("write");
    let packed = encoder.finish().expect("finish");
    hub.push_raw(Some(&st.token), packed, Some("zstd"))
        .await
        .expect(StatusCode::PAYLOAD_TOO_LARGE, "too_large");
    assert_eq!(hub.counts().await.events, 0);

    let receipt: PushReceipt = hub.push_raw(Some(&st.token), fits, Some("zstd")).await.json();
    assert_eq!(receipt.acked_seq, 2);
}
}

conformance! {
async fn a_body_that_expands_past_the_cap_is_too_large() {
    let hub = Hub::new().await;
    let mut st = hub.station("HX02").await;
    st.new_case(0);
    // A real batch padded with whitespace (valid JSON) to just past the cap: tiny compressed.
    let mut json = batch_json(&st);
    json.resize(MAX_DECODED_PUSH_BYTES + 1, b' ');
    let packed = zstd(&json);
    assert!(packed.len() < MAX_PUSH_BYTES / 100);
    hub.push_raw(Some(&st.token), packed, Some("zstd"))
        .await
        .expect(StatusCode::PAYLOAD_TOO_LARGE, "too_large");
    // Sent plain, below the upload limit but above the cap: the same.
    hub.push_raw(Some(&st.token), json.clone(), None)
        .await
        .expect(StatusCode::PAYLOAD_TOO_LARGE, "too_large");
    // A bomb: a megabyte-scale frame of zeros behind a few bytes.
    let bomb = zstd(&vec![0u8; 64 * MAX_DECODED_PUSH_BYTES]);
    hub.push_raw(Some(&st.token), bomb, Some("zstd"))
        .await
        .expect(StatusCode::PAYLOAD_TOO_LARGE, "too_large");
    assert_eq!(hub.counts().await.events, 0);
    // At the cap, it goes through.
    json.truncate(MAX_DECODED_PUSH_BYTES);
    let receipt: PushReceipt =
        hub.push_raw(Some(&st.token), zstd(&json), Some("zstd")).await.json();
    assert_eq!(receipt.acked_seq, 1);
}
}

conformance! {
async fn only_a_few_pushes_at_once_and_one_per_device() {
    let config = HubConfig { concurrent_pushes: 4, ..HubConfig::default() };
    let (hub, gate) = Hub::gated(config).await;
    let hub = std::sync::Arc::new(hub);
    let mut stations = Vec::new();
    for unit in ["HX02", "HX02", "HX03", "HX03", "HX0101"] {
        let mut st = hub.station(unit).await;
        st.new_case(1);
        stations.push(st);
    }
    let stations = std::sync::Arc::new(stations);

    // Four devices push; the store holds them.
    let mut held = Vec::new();
    for i in 0..4 {
        let (hub, stations) = (std::sync::Arc::clone(&hub), std::sync::Arc::clone(&stations));
        held.push(tokio::spawn(async move {
            let st = &stations[i];
            hub.push(st, st.events(1, 2)).await
        }));
    }
    gate.wait_for(4).await;

    // A fifth device: busy, retry soon. One of the four again: busy too.
    let fifth = &stations[4];
    let reply = hub.push(fifth, fifth.events(1, 2)).await;
    reply.expect(StatusCode::SERVICE_UNAVAILABLE, "busy");
    let retry = reply.retry_after();
    assert!((1..=60).contains(&retry));
    let first = &stations[0];
    hub.push(first, first.events(1, 2)).await.expect(StatusCode::SERVICE_UNAVAILABLE, "busy");
    // Status and pull are not pushes: they are answered meanwhile.
    assert_eq!(hub.acked(fifth).await.0, 0);
    assert_eq!(hub.get(Some(&fifth.token), "/v1/pull").await.status, StatusCode::OK);

    // Let one through: a slot is free again, and the fifth device's push is taken.
    gate.open(1);
    let mut done = 0;
    while done == 0 {
        tokio::time::sleep(Duration::from_millis(10)).await;
        done = held.iter().filter(|h| h.is_finished()).count();
    }
    gate.open(4);
    let receipt: PushReceipt = hub.push(fifth, fifth.events(1, 2)).await.json();
    assert_eq!(receipt.acked_seq, 2);
    for h in held {
        let reply = h.await.expect("task");
        assert_eq!(reply.status, StatusCode::OK, "{}", String::from_utf8_lossy(&reply.body));
    }
    assert_eq!(hub.counts().await.events, 10);
}
}
