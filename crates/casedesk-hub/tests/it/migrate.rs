//! Opening a hub database of an older schema: the stream registry is filled from the events
//! it holds (in arrival order), and every device gets a code, unique within its unit.

use casedesk_hub::store::HubStore;
use casedesk_hub::{SqliteStore, secret};
use casedesk_proto::ZERO_HASH;
use rusqlite::{Connection, params};
use serde_json::json;
use uuid::Uuid;

use crate::support::{Hub, Station, UNITS_CSV, reasons, registration, transfer};

fn station(unit: &str) -> Station {
    Station {
        device: Uuid::now_v7(),
        unit: unit.into(),
        token: secret::random_secret(),
        chain: vec![],
        key: None,
    }
}

/// A database as schema version 1 left it: units, devices and their events (each device's
/// chain, in the order given), accepted.
fn old_database(path: &std::path::Path, devices: &[&Station], order: &[(usize, u64)]) {
    let conn = Connection::open(path).expect("open");
    conn.execute_batch(include_str!("../../migrations/0001_init.sql")).expect("schema 1");
    conn.pragma_update(None, "user_version", 1).expect("version");
    for line in UNITS_CSV.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        let parent = Some(f[3]).filter(|p| !p.is_empty());
        conn.execute(
            "INSERT INTO units (code, name, kind, parent) VALUES (?1, ?2, ?3, ?4)",
            params![f[0], f[1], f[2], parent],
        )
        .expect("unit");
    }
    for (i, st) in devices.iter().enumerate() {
        let head = st.chain.last().map_or(ZERO_HASH, |e| e.hash);
        conn.execute(
            "INSERT INTO devices (id, unit, name, app_version, token_sha256, enrolled_ms,
                acked_seq, head_hash) VALUES (?1, ?2, 'old', '0.1.0', ?3, ?4, ?5, ?6)",
            params![
                st.device.to_string(),
                st.unit,
                secret::sha256_hex(&st.token),
                1_000 + i as i64,
                st.chain.len() as i64,
                head.to_hex()
            ],
        )
        .expect("device");
    }
    for &(d, seq) in order {
        let e = &devices[d].chain[seq as usize - 1];
        conn.execute(
            "INSERT INTO events (id, stream, device, seq, hash, kind, json, received_ms)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 0)",
            params![
                e.id.to_string(),
                e.stream.to_string(),
                e.device.to_string(),
                e.seq as i64,
                e.hash.to_hex(),
                e.kind,
                serde_json::to_string(e).expect("json")
            ],
        )
        .expect("event");
    }
}

#[tokio::test]
async fn an_older_database_gets_its_stream_registry_and_device_codes() {
    let mut owner = station("HX03");
    let mut first = station("HX02");
    let mut second = station("HX02");
    let quiet = station("HX03");
    let case = Uuid::now_v7();
    let co = Uuid::now_v7();
    owner.write(case, "case.registered", registration("HX03"));
    first.write(first.device, "device.registered", json!({ "unit": "HX02", "code": "A1" }));
    first.write(case, "case.note_added", json!({ "text": "accepted by the old hub" }));
    owner.write(
        case,
        "case.transferred",
        json!({ "transfer": co, "kind": "co_handle", "to_unit": "HX02", "reason": "joint" }),
    );
    second.write(second.device, "device.registered", json!({ "unit": "HX02", "code": "a1" }));
    let own = Uuid::now_v7();
    first.write(own, "case.note_added", json!({ "text": "before its registration" }));
    second.write(own, "case.registered", registration("HX02"));
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("hub.db");
    let devices = [&owner, &first, &second, &quiet];
    old_database(&path, &devices, &[(0, 1), (1, 1), (1, 2), (0, 2), (2, 1), (1, 3), (2, 2)]);

    let store = SqliteStore::open(&path).expect("migrates");
    let mut codes: Vec<(Uuid, String)> = store
        .list_devices()
        .await
        .expect("devices")
        .into_iter()
        .map(|d| (d.id, d.device_code))
        .collect();
    codes.sort();
    let mut expected = vec![
        (owner.device, "D1".to_owned()),
        (first.device, "A1".to_owned()),
        (second.device, "A2".to_owned()),
        (quiet.device, "D2".to_owned()),
    ];
    expected.sort();
    assert_eq!(codes, expected, "from device.registered, made unique; D1, D2 for the rest");
    drop(store);

    // The registry works on: HX02 co-handles HX03's case until the feedback; its own case
    // (registered after an early event) is its own.
    let hub = Hub::at(dir).await;
    first.write(case, "case.note_added", json!({ "text": "co-handling" }));
    first.write(own, "case.note_added", json!({ "text": "ours" }));
    assert!(reasons(&hub.push_ok(&first, first.events(4, 5)).await).is_empty());
    owner.write(case, "case.transfer_feedback", json!({ "transfer": co, "text": "好" }));
    owner.write(own, "case.transferred", transfer("down", "HX03"));
    let receipt = hub.push_ok(&owner, owner.events(3, 4)).await;
    assert_eq!(reasons(&receipt), [(4, "stream_not_owned".to_owned())]);
    first.write(case, "case.note_added", json!({ "text": "after the feedback" }));
    let receipt = hub.push_ok(&first, first.events(6, 6)).await;
    assert_eq!(reasons(&receipt), [(6, "stream_not_owned".to_owned())]);
    // Opened again, nothing is migrated twice and the codes stay.
    let dir = hub.dir;
    drop(hub.store);
    let store = SqliteStore::open(&dir.path().join("hub.db")).expect("reopen");
    let again = store.list_devices().await.expect("devices");
    assert!(again.iter().any(|d| d.id == quiet.device && d.device_code == "D2"));
}
