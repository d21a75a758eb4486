//! Enrollment: one-time codes for one unit (and maybe one device), with an expiry; the hub
//! keeps only hashes; device codes unique within a unit; attempts limited per address.

use std::net::SocketAddr;

use axum::http::StatusCode;
use casedesk_hub::secret::sha256_hex;
use casedesk_hub::store::{HubStore, NewEnrollCode};
use casedesk_hub::{HubError, now_ms};
use casedesk_proto::sync::{DeviceStatus, EnrollResponse, ErrorBody};
use serde_json::json;
use uuid::Uuid;

use crate::support::{Hub, Station};

conformance! {
async fn a_code_enrolls_once() {
    let hub = Hub::new().await;
    let secret = hub.code("HX02", now_ms() + 60_000).await;
    let device = Uuid::now_v7();
    let first = hub.post_enroll(&secret, device, "HX02").await;
    assert_eq!(first.status, StatusCode::OK);
    let resp: EnrollResponse = first.json();
    assert_eq!(resp.unit, "HX02");
    assert_eq!(resp.unit_name, "格尔木市投诉联络站");
    assert_eq!(resp.hub_id, hub.store.hub_id());
    assert!(resp.token.len() >= 43, "32 random bytes");

    // The token works, and the hub holds its hash only.
    assert_eq!(hub.get(Some(&resp.token), "/v1/status").await.status, StatusCode::OK);
    let devices = hub.store.list_devices().await.expect("devices");
    assert_eq!(devices.len(), 1);
    assert_eq!(devices[0].id, device);
    let text = hub.stored_text().await;
    assert!(!text.contains(&resp.token), "token stored in clear");
    assert!(!text.contains(&secret), "secret stored in clear");
    assert!(text.contains(&sha256_hex(&resp.token)));

    // Second use, by the same or another device: refused.
    hub.post_enroll(&secret, device, "HX02")
        .await
        .expect(StatusCode::FORBIDDEN, "enroll_code_invalid");
    hub.post_enroll(&secret, Uuid::now_v7(), "HX02")
        .await
        .expect(StatusCode::FORBIDDEN, "enroll_code_invalid");
    assert_eq!(hub.counts().await.devices, 1);
}
}

conformance! {
async fn a_code_of_another_unit_is_refused_and_stays_usable() {
    let hub = Hub::new().await;
    let secret = hub.code("HX02", now_ms() + 60_000).await;
    hub.post_enroll(&secret, Uuid::now_v7(), "HX03")
        .await
        .expect(StatusCode::FORBIDDEN, "enroll_code_invalid");
    assert_eq!(hub.counts().await.devices, 0);
    assert_eq!(hub.post_enroll(&secret, Uuid::now_v7(), "HX02").await.status, StatusCode::OK);
}
}

conformance! {
async fn expired_and_unknown_codes_are_refused() {
    let hub = Hub::new().await;
    let expired = hub.code("HX02", now_ms() - 1).await;
    hub.post_enroll(&expired, Uuid::now_v7(), "HX02")
        .await
        .expect(StatusCode::FORBIDDEN, "enroll_code_invalid");
    hub.post_enroll("not-a-code", Uuid::now_v7(), "HX02")
        .await
        .expect(StatusCode::FORBIDDEN, "enroll_code_invalid");
    assert_eq!(hub.counts().await.devices, 0);
}
}

conformance! {
async fn codes_are_only_made_for_known_units() {
    let hub = Hub::new().await;
    let err = hub
        .store
        .create_enroll_code(casedesk_hub::store::NewEnrollCode {
            unit: "NOPE".into(),
            secret_sha256: sha256_hex("x"),
            created_ms: now_ms(),
            expires_ms: now_ms() + 1000,
            device: None,
        })
        .await;
    assert!(matches!(err, Err(casedesk_hub::HubError::NotFound(_))));
}
}

conformance! {
async fn bad_enroll_requests_are_400() {
    let hub = Hub::new().await;
    let reply = hub
        .send(
            Hub::request(axum::http::Method::POST, "/v1/enroll")
                .body(axum::body::Body::from("{\"secret\": 1"))
                .expect("request"),
        )
        .await;
    reply.expect(StatusCode::BAD_REQUEST, "bad_request");
}
}

/// Enrolls a new device of `unit` asking for `code`; returns the response.
async fn enroll_asking(hub: &Hub, unit: &str, code: &str) -> (Uuid, EnrollResponse) {
    let secret = hub.code(unit, now_ms() + 60_000).await;
    let device = Uuid::now_v7();
    let reply = hub.post_enroll_as(&secret, device, unit, code, None).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", String::from_utf8_lossy(&reply.body));
    (device, reply.json())
}

conformance! {
async fn device_codes_are_unique_within_a_unit() {
    let hub = Hub::new().await;
    let (a, first) = enroll_asking(&hub, "HX02", "A1").await;
    assert_eq!(first.device_code, "A1", "a free code is granted as asked");
    let (_, second) = enroll_asking(&hub, "HX02", "A1").await;
    assert_eq!(second.device_code, "A2", "same letters, next number");
    let (_, third) = enroll_asking(&hub, "HX02", "a-1").await;
    assert_eq!(third.device_code, "A3", "letters and digits only, upper-cased");
    let (_, other_unit) = enroll_asking(&hub, "HX03", "A1").await;
    assert_eq!(other_unit.device_code, "A1", "another unit has its own codes");
    let (_, none) = enroll_asking(&hub, "HX02", "").await;
    assert_eq!(none.device_code, "D1");
    let (_, long) = enroll_asking(&hub, "HX02", "前台电脑ABCDEFGHIJ").await;
    assert_eq!(long.device_code, "ABCDEFGH", "at most 8");

    // The status and the administrator's list carry the code.
    let status: DeviceStatus = hub.get(Some(&first.token), "/v1/status").await.json();
    assert_eq!((status.device, status.device_code.as_str()), (a, "A1"));
    assert_eq!(status.hub_id, Some(hub.store.hub_id()));
    let devices = hub.store.list_devices().await.expect("devices");
    let mut codes: Vec<(String, String)> =
        devices.into_iter().map(|d| (d.unit, d.device_code)).collect();
    codes.sort();
    let expected = [
        ("HX02", "A1"),
        ("HX02", "A2"),
        ("HX02", "A3"),
        ("HX02", "ABCDEFGH"),
        ("HX02", "D1"),
        ("HX03", "A1"),
    ];
    assert_eq!(codes, expected.map(|(u, c)| (u.to_owned(), c.to_owned())));
}
}

conformance! {
async fn a_code_for_no_device_cannot_take_an_enrolled_device_over() {
    let hub = Hub::new().await;
    let st = hub.station("HX02").await;
    let secret = hub.code("HX02", now_ms() + 60_000).await;
    let reply = hub.post_enroll(&secret, st.device, "HX02").await;
    reply.expect(StatusCode::CONFLICT, "device_enrolled");
    let message = reply.json::<ErrorBody>().message;
    assert!(message.contains("--device") && message.contains(&st.device.to_string()), "{message}");
    // The device keeps its token; the code stays usable for a new device.
    assert_eq!(hub.get(Some(&st.token), "/v1/status").await.status, StatusCode::OK);
    assert_eq!(hub.post_enroll(&secret, Uuid::now_v7(), "HX02").await.status, StatusCode::OK);

    // Through a code of another unit, the same.
    let secret = hub.code("HX03", now_ms() + 60_000).await;
    hub.post_enroll(&secret, st.device, "HX03")
        .await
        .expect(StatusCode::CONFLICT, "device_enrolled");
    assert_eq!(hub.get(Some(&st.token), "/v1/status").await.status, StatusCode::OK);

    // A revoked device stays revoked: a plain code does not bring it back.
    hub.store.revoke_device(st.device, now_ms()).await.expect("revoke");
    let secret = hub.code("HX02", now_ms() + 60_000).await;
    hub.post_enroll(&secret, st.device, "HX02")
        .await
        .expect(StatusCode::CONFLICT, "device_enrolled");
    hub.get(Some(&st.token), "/v1/status").await.expect(StatusCode::UNAUTHORIZED, "token_revoked");
}
}

conformance! {
async fn a_code_for_a_device_replaces_its_token_and_lifts_a_revocation_only() {
    let hub = Hub::new().await;
    let (device, first) = enroll_asking(&hub, "HX02", "K7").await;
    let mut st = Station { device, unit: "HX02".into(), token: first.token, chain: Vec::new(), key: None };
    hub.store.revoke_device(device, now_ms()).await.expect("revoke");

    // Only that device may use it.
    let secret = hub.device_code_for("HX02", device).await;
    hub.post_enroll(&secret, Uuid::now_v7(), "HX02")
        .await
        .expect(StatusCode::FORBIDDEN, "enroll_code_invalid");
    let reply = hub.post_enroll_as(&secret, device, "HX02", "Z9", None).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", String::from_utf8_lossy(&reply.body));
    let again: EnrollResponse = reply.json();
    assert_eq!(again.device_code, "K7", "a device keeps its code");
    hub.get(Some(&st.token), "/v1/status").await.expect(StatusCode::UNAUTHORIZED, "unauthorized");
    st.token = again.token;
    assert_eq!(hub.get(Some(&st.token), "/v1/status").await.status, StatusCode::OK);
    hub.post_enroll(&secret, device, "HX02")
        .await
        .expect(StatusCode::FORBIDDEN, "enroll_code_invalid");

    // A fork freeze is not lifted by re-enrolling.
    let case = st.new_case(1);
    hub.push_ok(&st, st.events(1, 2)).await;
    let mut clone =
        Station {
        device,
        unit: "HX02".into(),
        token: st.token.clone(),
        chain: st.events(1, 1),
        key: None,
    };
    clone.write(case, "case.note_added", json!({ "text": "on the copy" }));
    hub.push(&clone, clone.events(2, 2)).await.expect(StatusCode::CONFLICT, "device_forked");
    let secret = hub.device_code_for("HX02", device).await;
    let reply = hub.post_enroll(&secret, device, "HX02").await;
    assert_eq!(reply.status, StatusCode::OK);
    let token = reply.json::<EnrollResponse>().token;
    hub.get(Some(&token), "/v1/status").await.expect(StatusCode::CONFLICT, "device_frozen");
}
}

conformance! {
async fn codes_for_a_device_are_made_for_a_device_of_the_unit() {
    let hub = Hub::new().await;
    let st = hub.station("HX02").await;
    let code = |device| NewEnrollCode {
        unit: "HX03".into(),
        secret_sha256: sha256_hex(&Uuid::now_v7().to_string()),
        created_ms: now_ms(),
        expires_ms: now_ms() + 1000,
        device: Some(device),
    };
    let unknown = hub.store.create_enroll_code(code(Uuid::now_v7())).await;
    assert!(matches!(unknown, Err(HubError::NotFound(_))), "{unknown:?}");
    let other_unit = hub.store.create_enroll_code(code(st.device)).await;
    assert!(matches!(other_unit, Err(HubError::Invalid(_))), "{other_unit:?}");
}
}

conformance! {
async fn enrollment_attempts_are_limited_per_address() {
    let hub = Hub::new().await;
    let a: SocketAddr = "10.20.1.5:40000".parse().expect("addr");
    let b: SocketAddr = "10.20.1.6:40000".parse().expect("addr");
    // Ten attempts (good or bad) from one address ...
    let secret = hub.code("HX02", now_ms() + 60_000).await;
    let ok = hub.post_enroll_as(&secret, Uuid::now_v7(), "HX02", "", Some(a)).await;
    assert_eq!(ok.status, StatusCode::OK);
    for _ in 0..9 {
        hub.post_enroll_as("guess", Uuid::now_v7(), "HX02", "", Some(a))
            .await
            .expect(StatusCode::FORBIDDEN, "enroll_code_invalid");
    }
    // ... then it waits, even with a good code; another address does not.
    let secret = hub.code("HX02", now_ms() + 60_000).await;
    let refused = hub.post_enroll_as(&secret, Uuid::now_v7(), "HX02", "", Some(a)).await;
    refused.expect(StatusCode::TOO_MANY_REQUESTS, "rate_limited");
    let retry = refused.retry_after();
    assert!((1..=60).contains(&retry), "{retry}");
    let other = hub.post_enroll_as(&secret, Uuid::now_v7(), "HX02", "", Some(b)).await;
    assert_eq!(other.status, StatusCode::OK, "the code was not used by the refused attempt");
    assert_eq!(hub.counts().await.devices, 2);
}
}
