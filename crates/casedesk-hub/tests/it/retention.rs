//! Anonymisation at the hub (`case.anonymized`, `casedesk_proto::redact`): what an accepted
//! anonymisation lists is stored redacted, held before or arriving after; a batch may carry the
//! redacted forms its own anonymisation lists; an anonymisation that does not fit is
//! quarantined and stops nothing.

use axum::http::StatusCode;
use casedesk_hub::store::HubStore;
use casedesk_proto::Event;
use casedesk_proto::redact::{self, Redaction};
use serde_json::{Value, json};

use crate::support::Hub;

const NAME: &str = "才让卓玛";
const PHONE: &str = "13997001234";

/// The redaction of `e` removing `paths`.
fn redaction(e: &Event, paths: &[&str]) -> Redaction {
    let paths: Vec<String> = paths.iter().map(|p| (*p).to_owned()).collect();
    Redaction {
        event: e.id,
        hash: e.hash,
        digest: redact::digest(&redact::redacted(&e.payload, &paths)),
        paths,
    }
}

fn anonymized(list: &[Redaction]) -> Value {
    json!({"at": "2029-03-05T00:00:00Z", "retention_days": 1095, "redactions": list})
}

const REG_PATHS: &[&str] = &["complainants[0].name", "complainants[0].phones", "facts.content"];

conformance! {
async fn an_anonymisation_redacts_what_the_hub_holds_and_what_comes_later() {
    let hub = Hub::new().await;
    let mut st = hub.station("HX02").await;
    let case = st.new_case(0);
    let note = st.write(case, "case.note_added", json!({"text": format!("{NAME} {PHONE}")}));
    hub.push_ok(&st, st.events(1, 2)).await;
    assert!(hub.stored_text().await.contains(PHONE), "the test sees the data");
    let reg = st.chain[0].clone();
    let list = vec![redaction(&reg, REG_PATHS), redaction(&note, &["text"])];
    st.write(case, "case.anonymized", anonymized(&list));
    let receipt = hub.push_ok(&st, st.events(3, 3)).await;
    assert!(receipt.quarantined.is_empty(), "{receipt:?}");
    // Another device of the unit pulls the case.
    let other = hub.station("HX02").await;
    let pulled = hub.pull_all(&other).await;
    let text = serde_json::to_string(&pulled).unwrap();
    assert!(!text.contains(NAME) && !text.contains(PHONE), "{text}");
    for (e, r) in pulled.iter().take(2).zip(&list) {
        assert!(redact::verify(e, r), "the pulled event is the listed redacted form");
        assert!(!e.hash_is_valid());
    }
    assert!(pulled[2].hash_is_valid(), "the anonymisation itself is intact");
    let stored = hub.stored_text().await;
    assert!(!stored.contains(PHONE), "no stored copy keeps the phone");
}
}

conformance! {
async fn a_batch_carries_the_redacted_forms_its_anonymisation_lists() {
    let hub = Hub::new().await;
    let mut st = hub.station("HX02").await;
    let case = st.new_case(0);
    let reg = st.chain[0].clone();
    let list = vec![redaction(&reg, REG_PATHS)];
    st.write(case, "case.anonymized", anonymized(&list));
    // The station anonymised before it ever pushed: its registration is the redacted form.
    let mut events = st.events(1, 2);
    events[0].payload = redact::redacted(&reg.payload, &list[0].paths);
    let receipt = hub.push_ok(&st, events.clone()).await;
    assert!(receipt.quarantined.is_empty(), "{receipt:?}");
    assert!(!hub.stored_text().await.contains(PHONE));

    // A redacted form without its anonymisation is tampering.
    let mut other = hub.station("HX02").await;
    let c2 = other.new_case(0);
    let reg2 = other.chain[0].clone();
    let mut alone = other.events(1, 1);
    alone[0].payload = redact::redacted(&reg2.payload, &["complainants[0].name".into()]);
    hub.push(&other, alone).await.expect(StatusCode::UNPROCESSABLE_ENTITY, "tampered");
    let _ = c2;
}
}

conformance! {
async fn an_anonymisation_that_does_not_fit_is_quarantined_and_stops_nothing() {
    let hub = Hub::new().await;
    let mut st = hub.station("HX02").await;
    let case = st.new_case(0);
    hub.push_ok(&st, st.events(1, 1)).await;
    let reg = st.chain[0].clone();
    let mut wrong = redaction(&reg, REG_PATHS);
    wrong.digest = casedesk_proto::ZERO_HASH;
    st.write(case, "case.anonymized", anonymized(&[wrong]));
    let later = st.write(case, "case.note_added", json!({"text": "已回访"}));
    let receipt = hub.push_ok(&st, st.events(2, 3)).await;
    assert_eq!(receipt.quarantined.len(), 1, "{receipt:?}");
    assert_eq!(receipt.quarantined[0].reason, "anonymize_mismatch");
    assert_eq!(receipt.acked_seq, 3, "the note behind it was stored");
    let pulled = hub.pull_all(&hub.station("HX").await).await;
    assert!(pulled.iter().any(|e| e.id == later.id));
    assert!(pulled[0].hash_is_valid(), "the registration stays whole");
    let held = hub.store.list_quarantine().await.expect("quarantine");
    assert_eq!(held.len(), 1);
}
}
