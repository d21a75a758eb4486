use serde_json::json;
use uuid::Uuid;

use super::*;

fn sample() -> Event {
    Event {
        id: Uuid::parse_str("019ac8a0-0000-7000-8000-000000000001").unwrap(),
        stream: Uuid::parse_str("019ac8a0-0000-7000-8000-0000000000c1").unwrap(),
        device: Uuid::parse_str("019ac8a0-0000-7000-8000-0000000000d1").unwrap(),
        seq: 1,
        hlc: Hlc::new(1_764_300_000_000, 3),
        actor: None,
        unit: "632802001".into(),
        kind: "case.registered".into(),
        v: 1,
        payload: json!({"z": 1, "a": {"y": "藏文 ཀ", "b": [1, 2]}}),
        prev: ZERO_HASH,
        hash: ZERO_HASH,
    }
    .seal()
}

#[test]
fn canonical_sorts_keys_and_strips_space() {
    let v = json!({"b": 1, "a": [true, null, "x\"y"], "é": {"d": 2, "c": 3}});
    assert_eq!(canonical_json(&v), r#"{"a":[true,null,"x\"y"],"b":1,"é":{"c":3,"d":2}}"#);
}

#[test]
fn golden_event_json_and_hash() {
    let e = sample();
    let text = serde_json::to_string(&e).unwrap();
    assert_eq!(
        text,
        r#"{"id":"019ac8a0-0000-7000-8000-000000000001","stream":"019ac8a0-0000-7000-8000-0000000000c1","device":"019ac8a0-0000-7000-8000-0000000000d1","seq":1,"hlc":"115625164800000003","unit":"632802001","kind":"case.registered","v":1,"payload":{"a":{"b":[1,2],"y":"藏文 ཀ"},"z":1},"prev":"0000000000000000000000000000000000000000000000000000000000000000","hash":"__HASH__"}"#
            .replace("__HASH__", &e.hash.to_hex())
    );
    // The hash is pinned: a change here breaks every stored chain.
    assert_eq!(e.hash.to_hex(), "f00ef61f7216f51f3cd14699e89927855023c983198eebe09abbdaecc5bf157c");
    let back: Event = serde_json::from_str(&text).unwrap();
    assert_eq!(back, e);
    assert!(back.hash_is_valid());
}

#[test]
fn any_field_change_breaks_the_hash() {
    let e = sample();
    let mut f = e.clone();
    f.seq = 2;
    assert!(!f.hash_is_valid());
    let mut f = e.clone();
    f.payload = json!({"z": 2, "a": {"y": "藏文 ཀ", "b": [1, 2]}});
    assert!(!f.hash_is_valid());
    let mut f = e.clone();
    f.actor = Some(Uuid::nil());
    assert!(!f.hash_is_valid());
}

#[test]
fn hlc_never_goes_backwards() {
    let h = Hlc::new(1000, 0);
    assert_eq!(h.tick(2000), Hlc::new(2000, 0));
    assert_eq!(h.tick(500), Hlc::new(1000, 1));
    assert_eq!(Hlc::new(1000, u16::MAX).tick(10), Hlc::new(1001, 0));
    assert_eq!(h.observe(Hlc::new(5000, 7), 100), Hlc::new(5000, 8));
}

proptest::proptest! {
    /// The fast path of canonical strings writes what serde_json writes, and the size the
    /// limits count is the canonical form's.
    #[test]
    fn canonical_strings_and_sizes_are_serde_jsons(s in "\\PC*", t in "[a-z\"\\\\\n\t\u{1}藏文]{0,12}") {
        let v = json!({ "s": s, "t": t, "n": [1, -2, true, null] });
        let canonical = canonical_json(&v);
        let parsed: serde_json::Value = serde_json::from_str(&canonical).unwrap();
        proptest::prop_assert_eq!(&parsed, &v);
        proptest::prop_assert_eq!(canonical.len(), serde_json::to_string(&v).unwrap().len());
        proptest::prop_assert_eq!(canonical_json(&json!(t.clone())), serde_json::to_string(&t).unwrap());
        let mut e = sample();
        e.payload = v;
        let e = e.seal();
        proptest::prop_assert_eq!(
            crate::limits::check_event(&e).is_ok(),
            canonical_json(&serde_json::to_value(&e).unwrap()).len() <= crate::limits::MAX_EVENT_BYTES
        );
    }

    #[test]
    fn hlc_tick_is_monotonic(start in 0u64..(1u64 << 47), now in 0u64..(1u64 << 47)) {
        let h = Hlc(start);
        proptest::prop_assert!(h.tick(now) > h);
    }
}

#[test]
fn enroll_code_round_trips_and_tolerates_line_breaks() {
    use crate::sync::EnrollCode;
    let code = EnrollCode {
        hub: "https://10.20.1.5:8443".into(),
        unit: "HX0201".into(),
        secret: "s3cr3t".into(),
        fingerprint: Some("ab".repeat(32)),
        device: None,
        hub_key: None,
        bundle_key: None,
    };
    let text = code.encode();
    assert!(text.starts_with("CDE1-"));
    let broken = format!("{}\n {}", &text[..20], &text[20..]);
    assert_eq!(EnrollCode::decode(&broken), Some(code.clone()));
    assert_eq!(EnrollCode::decode("CDE1-zz"), None);
    // The capitals a QR code carries read back alike.
    assert_eq!(EnrollCode::decode(&code.encode_upper()), Some(code));
}

#[test]
fn golden_sync_messages() {
    use crate::sync::*;
    let e = sample();
    let receipt = PushReceipt {
        batch_id: batch_id(e.device, std::slice::from_ref(&e)),
        device: e.device,
        acked_seq: 1,
        head_hash: e.hash,
        stored: 1,
        duplicates: 0,
        quarantined: vec![],
        signature: None,
    };
    assert_eq!(
        serde_json::to_string(&receipt).unwrap(),
        format!(
            r#"{{"batch_id":"{}","device":"019ac8a0-0000-7000-8000-0000000000d1","acked_seq":1,"head_hash":"{}","stored":1,"duplicates":0,"quarantined":[]}}"#,
            receipt.batch_id,
            e.hash.to_hex()
        )
    );
    let status = DeviceStatus {
        device: e.device,
        unit: "HX0201".into(),
        acked_seq: 0,
        head_hash: ZERO_HASH,
        hub_time_ms: 5,
        hub_id: None,
        device_code: String::new(),
        hub_key: None,
        device_key_known: false,
        bundle_key: None,
    };
    assert_eq!(
        serde_json::to_string(&status).unwrap(),
        r#"{"device":"019ac8a0-0000-7000-8000-0000000000d1","unit":"HX0201","acked_seq":0,"head_hash":"0000000000000000000000000000000000000000000000000000000000000000","hub_time_ms":5}"#
    );
    let err = ErrorBody { code: "gap".into(), message: "m".into() };
    assert_eq!(serde_json::to_string(&err).unwrap(), r#"{"code":"gap","message":"m"}"#);
}

#[test]
fn golden_signed_messages_and_signatures() {
    use crate::sign::{self, SecretKey};
    use crate::sync::*;
    let e = sample();
    let receipt = PushReceipt {
        batch_id: "b1".into(),
        device: e.device,
        acked_seq: 7,
        head_hash: ZERO_HASH,
        stored: 2,
        duplicates: 1,
        quarantined: vec![Quarantined { id: e.id, seq: 6, reason: "unknown_kind".into() }],
        signature: None,
    };
    let message = String::from_utf8(sign::receipt_message(&receipt)).unwrap();
    assert_eq!(
        message,
        format!(
            "casedesk-receipt-v1\nb1\n{}\n7\n{}\n2\n1\n{} 6 unknown_kind\n",
            e.device,
            ZERO_HASH.to_hex(),
            e.id
        )
    );
    assert_eq!(sign::batch_message("abc"), b"casedesk-batch-v1\nabc");
    assert_eq!(sign::checkpoint_message("HX02", 0, None), b"casedesk-checkpoint-v1\nHX02\n0\n");
    // Ed25519 is deterministic: a fixed seed gives fixed keys and signatures.
    let key = SecretKey::from_seed([1; 32]);
    let again = SecretKey::from_seed_hex(&key.seed_hex()).unwrap();
    assert_eq!(again.public_hex(), key.public_hex());
    let sig = key.sign(b"m");
    assert_eq!(sig, again.sign(b"m"));
    assert!(sign::verify(&key.public_hex(), b"m", &sig));
    assert!(!sign::verify(&key.public_hex(), b"n", &sig));
    assert!(!sign::verify("zz", b"m", &sig));
    assert!(!sign::verify(&key.public_hex(), b"m", "00"));
    assert!(sign::is_public_key(&key.public_hex()));
    assert!(!sign::is_public_key("00"));
    assert!(!format!("{key:?}").contains(&key.seed_hex()), "Debug never shows the seed");
}

#[test]
fn hlc_never_wraps_at_the_end_of_its_range() {
    let end = Hlc::new(Hlc::MAX_MS, u16::MAX);
    assert_eq!(end.tick(0), end);
    assert_eq!(end.tick(u64::MAX), end);
    let near = Hlc::new(Hlc::MAX_MS - 1, u16::MAX);
    assert_eq!(near.tick(0), Hlc::new(Hlc::MAX_MS, 0));
    assert_eq!(Hlc::new(u64::MAX, 0).ms(), Hlc::MAX_MS, "new clamps instead of shifting bits out");
    assert!(Hlc::new(10 + crate::limits::MAX_CLOCK_AHEAD_MS + 1, 0).is_ahead_of(10));
    assert!(!Hlc::new(10 + crate::limits::MAX_CLOCK_AHEAD_MS, 0).is_ahead_of(10));
}

#[test]
fn limits_name_the_field_that_breaks_them() {
    use crate::limits::*;
    let mut e = sample();
    assert_eq!(check_event(&e), Ok(()));
    e.payload = json!({"record": "字".repeat(MAX_TEXT_CHARS)});
    assert_eq!(check_event(&e), Ok(()), "the limit counts characters, not bytes");
    e.payload = json!({"complainants": [{"name": "x"}, {"name": "字".repeat(MAX_TEXT_CHARS + 1)}]});
    assert_eq!(check_event(&e), Err(LimitViolation::TextTooLong("complainants[1].name".into())));
    e.payload = json!({"attendees": vec!["a"; MAX_ARRAY_LEN + 1]});
    assert_eq!(check_event(&e), Err(LimitViolation::ArrayTooLong("attendees".into())));
    let mut deep = json!(1);
    for _ in 0..MAX_DEPTH + 1 {
        deep = json!([deep]);
    }
    e.payload = json!({ "x": deep });
    assert_eq!(check_event(&e), Err(LimitViolation::TooDeep));
    // Many strings each under the limit can still make the event too large.
    e.payload = json!({ "a": "x".repeat(MAX_TEXT_CHARS), "b": vec!["y".repeat(1000); 300] });
    assert!(matches!(check_event(&e), Err(LimitViolation::EventTooLarge(_))));
}
