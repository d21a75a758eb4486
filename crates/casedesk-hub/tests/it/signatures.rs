//! Signatures: the hub signs receipts and pull checkpoints with its own key (in every status
//! and enrollment answer); a device that enrolled with a key has every batch refused that it
//! did not sign, and the hub keeps the signature; a device enrolled without a key (before keys
//! existed) pushes unsigned batches as before.

use axum::http::StatusCode;
use casedesk_hub::store::HubStore;
use casedesk_proto::sign::{self, SecretKey};
use casedesk_proto::sync::{DeviceStatus, PullPage, PushBatch, PushReceipt, batch_id};
use serde_json::json;

use crate::support::Hub;

conformance! {
async fn receipts_and_checkpoints_carry_the_hubs_signature() {
    let hub = Hub::new().await;
    let mut writer = hub.station("HX02").await;
    let reader = hub.station("HX02").await;
    writer.new_case(2);
    let status: DeviceStatus = hub.get(Some(&writer.token), "/v1/status").await.json();
    let hub_key = status.hub_key.clone().expect("the hub's key in the status");
    assert_eq!(hub_key, hub.store.signing_key().public_hex());
    assert!(status.device_key_known);

    let first = hub.push(&writer, writer.events(1, 3)).await;
    let receipt: PushReceipt = first.json();
    let sig = receipt.signature.clone().expect("signed");
    assert!(sign::verify(&hub_key, &sign::receipt_message(&receipt), &sig));
    // A resent batch: the very same bytes, signature and all.
    assert_eq!(hub.push(&writer, writer.events(1, 3)).await.body, first.body);
    // A receipt changed on the way does not verify.
    let mut forged = receipt.clone();
    forged.acked_seq = 99;
    assert!(!sign::verify(&hub_key, &sign::receipt_message(&forged), &sig));

    let page: PullPage = hub.get(Some(&reader.token), "/v1/pull?after=0").await.json();
    let sig = page.checkpoint_signature.clone().expect("signed checkpoint");
    let message = sign::checkpoint_message("HX02", page.next, page.checkpoint);
    assert!(sign::verify(&hub_key, &message, &sig));
    assert!(!sign::verify(&hub_key, &sign::checkpoint_message("HX03", page.next, page.checkpoint), &sig));
}
}

conformance! {
async fn a_batch_without_the_devices_signature_is_refused_and_the_signature_is_kept() {
    let hub = Hub::new().await;
    let mut st = hub.station("HX02").await;
    st.new_case(1);
    let events = st.events(1, 2);
    for signature in [None, Some("00".repeat(64)), {
        // Signed by another key.
        let other = SecretKey::from_seed([7; 32]);
        Some(other.sign(&sign::batch_message(&batch_id(st.device, &events))))
    }] {
        let batch = PushBatch { device: st.device, events: events.clone(), signature };
        let json = serde_json::to_vec(&batch).expect("json");
        hub.push_raw(Some(&st.token), json, None)
            .await
            .expect(StatusCode::UNPROCESSABLE_ENTITY, "tampered");
    }
    assert_eq!(hub.counts().await.events, 0);

    // Signed by the device: taken, and the hub can show what the device signed.
    let batch = st.batch(events.clone());
    let receipt = hub.push_ok(&st, events.clone()).await;
    let kept = hub.store.batch_signature(receipt.batch_id.clone()).await.expect("read");
    assert_eq!(kept, batch.signature);
    let key = st.key.as_ref().expect("key").public_hex();
    assert!(sign::verify(&key, &sign::batch_message(&receipt.batch_id), &kept.expect("kept")));
}
}

conformance! {
async fn a_device_enrolled_without_a_key_pushes_unsigned_batches() {
    let hub = Hub::new().await;
    let mut old = hub.station_without_key("HX02").await;
    let status: DeviceStatus = hub.get(Some(&old.token), "/v1/status").await.json();
    assert!(!status.device_key_known);
    let case = old.new_case(0);
    old.write(case, "case.note_added", json!({"text": "unsigned"}));
    let batch = PushBatch { device: old.device, events: old.events(1, 2), signature: None };
    let reply = hub.push_raw(Some(&old.token), serde_json::to_vec(&batch).expect("json"), None).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", String::from_utf8_lossy(&reply.body));
    let receipt: PushReceipt = reply.json();
    assert!(receipt.signature.is_some(), "its receipts are signed all the same");
    assert_eq!(hub.store.batch_signature(receipt.batch_id).await.expect("read"), None);

    // Re-enrolled with a key (a code for the device): signed batches only from then on.
    let secret = hub.device_code_for("HX02", old.device).await;
    let key = SecretKey::from_seed([9; 32]);
    let reply = hub.post_enroll_keyed(&secret, old.device, "HX02", "", None, Some(&key)).await;
    assert_eq!(reply.status, StatusCode::OK);
    old.token = reply.json::<casedesk_proto::sync::EnrollResponse>().token;
    old.key = Some(key);
    old.write(case, "case.note_added", json!({"text": "signed"}));
    let unsigned = PushBatch { device: old.device, events: old.events(3, 3), signature: None };
    hub.push_raw(Some(&old.token), serde_json::to_vec(&unsigned).expect("json"), None)
        .await
        .expect(StatusCode::UNPROCESSABLE_ENTITY, "tampered");
    assert_eq!(hub.push_ok(&old, old.events(3, 3)).await.acked_seq, 3);
}
}

conformance! {
async fn a_malformed_device_key_is_refused_at_enrollment() {
    let hub = Hub::new().await;
    let secret = hub.code("HX02", casedesk_hub::now_ms() + 60_000).await;
    let req = json!({
        "secret": secret, "device": uuid::Uuid::now_v7(), "unit": "HX02",
        "device_name": "x", "app_version": "0", "device_key": "not a key"
    });
    let reply = hub
        .send(
            Hub::request(axum::http::Method::POST, "/v1/enroll")
                .header("content-type", "application/json")
                .body(axum::body::Body::from(serde_json::to_vec(&req).expect("json")))
                .expect("request"),
        )
        .await;
    reply.expect(StatusCode::BAD_REQUEST, "bad_request");
}
}
