//! Enrollment: one-time codes for one unit, with an expiry; the hub keeps only hashes.

use axum::http::StatusCode;
use casedesk_hub::now_ms;
use casedesk_hub::secret::sha256_hex;
use casedesk_hub::store::HubStore;
use casedesk_proto::sync::EnrollResponse;
use uuid::Uuid;

use crate::support::Hub;

#[tokio::test]
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
    let mut file = std::fs::read(hub.dir.path().join("hub.db")).expect("db");
    file.extend(std::fs::read(hub.dir.path().join("hub.db-wal")).unwrap_or_default());
    let text = String::from_utf8_lossy(&file);
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

#[tokio::test]
async fn a_code_of_another_unit_is_refused_and_stays_usable() {
    let hub = Hub::new().await;
    let secret = hub.code("HX02", now_ms() + 60_000).await;
    hub.post_enroll(&secret, Uuid::now_v7(), "HX03")
        .await
        .expect(StatusCode::FORBIDDEN, "enroll_code_invalid");
    assert_eq!(hub.counts().await.devices, 0);
    assert_eq!(hub.post_enroll(&secret, Uuid::now_v7(), "HX02").await.status, StatusCode::OK);
}

#[tokio::test]
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

#[tokio::test]
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

#[tokio::test]
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
