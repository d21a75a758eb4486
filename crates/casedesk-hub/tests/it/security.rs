//! Refusals: tokens, ownership, malformed and oversized bodies, protocol version; each answers
//! an `ErrorBody` and stores nothing. And the request log shows no personal data.

use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};

use axum::body::Body;
use axum::http::{Method, StatusCode};
use casedesk_hub::now_ms;
use casedesk_hub::store::HubStore;
use casedesk_proto::sync::{MAX_PUSH_BYTES, PROTOCOL_HEADER, PushBatch};
use serde_json::json;

use crate::support::{Hub, zstd};

conformance! {
async fn tokens_are_required_and_revocable() {
    let hub = Hub::new().await;
    let mut st = hub.station("HX02").await;
    st.new_case(0);
    let batch = serde_json::to_vec(&st.batch(st.events(1, 1)))
        .expect("json");

    hub.push_raw(None, batch.clone(), None).await.expect(StatusCode::UNAUTHORIZED, "unauthorized");
    hub.push_raw(Some("0123456789abcdef"), batch.clone(), None)
        .await
        .expect(StatusCode::UNAUTHORIZED, "unauthorized");
    hub.get(None, "/v1/status").await.expect(StatusCode::UNAUTHORIZED, "unauthorized");
    hub.get(None, "/v1/pull").await.expect(StatusCode::UNAUTHORIZED, "unauthorized");
    let basic = hub
        .send(
            Hub::request(Method::GET, "/v1/status")
                .header("authorization", format!("Basic {}", st.token))
                .body(Body::empty())
                .expect("request"),
        )
        .await;
    basic.expect(StatusCode::UNAUTHORIZED, "unauthorized");

    hub.store.revoke_device(st.device, now_ms()).await.expect("revoke");
    hub.push_raw(Some(&st.token), batch, None)
        .await
        .expect(StatusCode::UNAUTHORIZED, "token_revoked");
    hub.get(Some(&st.token), "/v1/pull").await.expect(StatusCode::UNAUTHORIZED, "token_revoked");
    assert_eq!(hub.counts().await.events, 0);
}
}

conformance! {
async fn a_device_pushes_only_its_own_events_of_its_own_unit() {
    let hub = Hub::new().await;
    let mut a = hub.station("HX0101").await;
    let b = hub.station("HX02").await;
    a.new_case(1);

    // B's token pushing A's events, under A's device id or under its own.
    let as_a = a.batch(a.events(1, 2));
    let as_b = PushBatch { device: b.device, events: a.events(1, 2), signature: None };
    for batch in [as_a, as_b] {
        let json = serde_json::to_vec(&batch).expect("json");
        hub.push_raw(Some(&b.token), json, None).await.expect(StatusCode::FORBIDDEN, "forbidden");
    }
    // B's own device id on events claiming A's unit.
    let mut forged = crate::support::Station {
        device: b.device,
        unit: "HX0101".into(),
        token: b.token.clone(),
        chain: Vec::new(),
        key: b.key.clone(),
    };
    forged.new_case(0);
    hub.push(&forged, forged.events(1, 1)).await.expect(StatusCode::FORBIDDEN, "forbidden");

    let counts = hub.counts().await;
    assert_eq!((counts.events, counts.receipts, counts.feed), (0, 0, 0));
    assert_eq!(hub.acked(&a).await.0, 0);
}
}

conformance! {
async fn malformed_bodies_are_400() {
    let hub = Hub::new().await;
    let st = hub.station("HX02").await;
    let cases: Vec<(Vec<u8>, Option<&str>)> = vec![
        (b"{\"device\": ".to_vec(), None),
        (b"[]".to_vec(), None),
        (zstd(b"{\"device\": \"not a uuid\", \"events\": []}"), Some("zstd")),
        (b"this is not zstd".to_vec(), Some("zstd")),
    ];
    for (body, encoding) in cases {
        hub.push_raw(Some(&st.token), body, encoding)
            .await
            .expect(StatusCode::BAD_REQUEST, "bad_request");
    }
    let reply = hub.push_raw(Some(&st.token), b"{}".to_vec(), Some("br")).await;
    reply.expect(StatusCode::UNSUPPORTED_MEDIA_TYPE, "bad_request");
    let reply = hub.get(Some(&st.token), "/v1/pull?after=minus-one").await;
    reply.expect(StatusCode::BAD_REQUEST, "bad_request");
    assert_eq!(hub.counts().await.receipts, 0);
}
}

conformance! {
async fn oversized_bodies_are_413() {
    let hub = Hub::new().await;
    let st = hub.station("HX02").await;
    let big = vec![b' '; MAX_PUSH_BYTES + 1];
    // Streamed without a length, and announced with one.
    hub.push_raw(Some(&st.token), big.clone(), None)
        .await
        .expect(StatusCode::PAYLOAD_TOO_LARGE, "too_large");
    let reply = hub
        .send(
            Hub::request(Method::POST, "/v1/push")
                .header("authorization", format!("Bearer {}", st.token))
                .header("content-length", big.len().to_string())
                .body(Body::from(big))
                .expect("request"),
        )
        .await;
    reply.expect(StatusCode::PAYLOAD_TOO_LARGE, "too_large");
    assert_eq!(hub.counts().await.events, 0);
}
}

conformance! {
async fn the_protocol_header_is_required() {
    let hub = Hub::new().await;
    let mut st = hub.station("HX02").await;
    st.new_case(0);
    let batch = serde_json::to_vec(&st.batch(st.events(1, 1)))
        .expect("json");
    for version in [Some("2"), Some("one"), None] {
        let mut req = axum::http::Request::builder()
            .method(Method::POST)
            .uri("/v1/push")
            .header("authorization", format!("Bearer {}", st.token));
        if let Some(version) = version {
            req = req.header(PROTOCOL_HEADER, version);
        }
        let reply = hub.send(req.body(Body::from(batch.clone())).expect("request")).await;
        reply.expect(StatusCode::UPGRADE_REQUIRED, "protocol_version");
    }
    let health = hub
        .send(
            axum::http::Request::builder().uri("/v1/health").body(Body::empty()).expect("request"),
        )
        .await;
    health.expect(StatusCode::UPGRADE_REQUIRED, "protocol_version");
    assert_eq!(hub.counts().await.events, 0);
}
}

conformance! {
async fn every_error_has_an_error_body() {
    let hub = Hub::new().await;
    hub.get(None, "/v1/nothing-here").await.expect(StatusCode::NOT_FOUND, "not_found");
    let reply = hub
        .send(Hub::request(Method::DELETE, "/v1/push").body(Body::empty()).expect("request"))
        .await;
    reply.expect(StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed");
    let health = hub.get(None, "/v1/health").await;
    assert_eq!(health.status, StatusCode::OK);
    let health: casedesk_proto::sync::Health = health.json();
    assert!(health.ok);
    assert_eq!(health.protocol, casedesk_proto::sync::PROTOCOL_VERSION);
}
}

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("lock").extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Every log line of this test binary from the first call on. A global subscriber, because a
/// thread-scoped one misses events when other tests' threads race on callsite registration.
fn captured_logs() -> &'static Captured {
    static LOGS: OnceLock<Captured> = OnceLock::new();
    LOGS.get_or_init(|| {
        let captured = Captured::default();
        let writer = captured.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .with_max_level(tracing::Level::TRACE)
            .finish();
        tracing::subscriber::set_global_default(subscriber).expect("the only global subscriber");
        captured
    })
}

conformance! {
async fn request_logs_show_the_request_but_no_personal_data() {
    let captured = captured_logs();
    let hub = Hub::new().await;
    let mut st = hub.station("HX02").await;
    let case = st.new_case(0);
    st.write(case, "case.note_added", json!({ "text": "联系人电话13997005678" }));

    hub.push_ok(&st, st.events(1, 2)).await;
    let mut bad = st.events(1, 2);
    bad[1].payload = json!({ "text": "联系人电话13997005678 改" });
    hub.push(&st, bad).await.expect(StatusCode::UNPROCESSABLE_ENTITY, "tampered");
    hub.pull(&st, 0, 10).await;

    let log = String::from_utf8(captured.0.lock().expect("lock").clone()).expect("utf-8");
    let device = st.device.to_string();
    let ours: Vec<&str> = log.lines().filter(|l| l.contains(&device)).collect();
    let has = |path: &str, status: &str| {
        ours.iter().any(|l| {
            l.contains(path)
                && l.contains(status)
                && l.contains("latency_ms")
                && l.contains("method=")
        })
    };
    assert!(has("/v1/push", "status=200"), "{log}");
    assert!(has("/v1/push", "status=422"), "{log}");
    assert!(has("/v1/pull", "status=200"), "{log}");
    for secret in ["才让卓玛", "13997001234", "13997005678", "冰箱", &st.token] {
        assert!(!log.contains(secret), "{secret:?} in the log:\n{log}");
    }
}
}

/// A request body that never arrives.
struct Stalled;

impl axum::body::HttpBody for Stalled {
    type Data = axum::body::Bytes;
    type Error = std::convert::Infallible;

    fn poll_frame(
        self: std::pin::Pin<&mut Self>,
        _cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<http_body::Frame<Self::Data>, Self::Error>>> {
        std::task::Poll::Pending
    }
}

conformance! {
async fn a_stalled_upload_times_out_with_an_error_body() {
    let hub = Hub::with_config(casedesk_hub::api::HubConfig {
        request_timeout: std::time::Duration::from_millis(200),
        ..casedesk_hub::api::HubConfig::default()
    })
    .await;
    let st = hub.station("HX02").await;
    let reply = hub
        .send(
            Hub::request(Method::POST, "/v1/push")
                .header("authorization", format!("Bearer {}", st.token))
                .body(Body::new(Stalled))
                .expect("request"),
        )
        .await;
    reply.expect(StatusCode::REQUEST_TIMEOUT, "timeout");
}
}
