//! Test harness: a hub on a temporary SQLite file driven in-process through its router
//! (`tower::ServiceExt::oneshot`), enrolled stations that write sealed, chained events, and
//! helpers for push and pull.

use std::sync::Arc;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, Method, Request, StatusCode};
use casedesk_hub::api::{HubConfig, router};
use casedesk_hub::store::sqlite::Counts;
use casedesk_hub::store::{HubStore, NewEnrollCode};
use casedesk_hub::{SqliteStore, now_ms, secret};
use casedesk_proto::sync::{
    EnrollRequest, EnrollResponse, ErrorBody, PROTOCOL_HEADER, PullPage, PushBatch, PushReceipt,
};
use casedesk_proto::{Event, EventHash, Hlc, ZERO_HASH};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use tempfile::TempDir;
use tower::ServiceExt;
use uuid::Uuid;

/// 海西州消协 (HX) above a branch HX01 with its station HX0101, and two stations HX02, HX03.
pub const UNITS_CSV: &str = "code,name,kind,parent\n\
    HX,海西州消费者协会,association,\n\
    HX01,德令哈市消协分会,branch,HX\n\
    HX0101,德令哈市河西投诉联络站,liaison_station,HX01\n\
    HX02,格尔木市投诉联络站,liaison_station,HX\n\
    HX03,乌兰县维权服务站,service_station,HX\n";

pub struct Hub {
    pub dir: TempDir,
    pub store: Arc<SqliteStore>,
    app: Router,
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Reply {
    pub fn json<T: DeserializeOwned>(&self) -> T {
        match serde_json::from_slice(&self.body) {
            Ok(v) => v,
            Err(e) => panic!("{e}: {} {}", self.status, String::from_utf8_lossy(&self.body)),
        }
    }

    /// The `ErrorBody` code; fails the test if the body is not an `ErrorBody`.
    pub fn code(&self) -> String {
        self.json::<ErrorBody>().code
    }

    #[track_caller]
    pub fn expect(&self, status: StatusCode, code: &str) {
        assert_eq!(self.status, status, "{}", String::from_utf8_lossy(&self.body));
        assert_eq!(self.code(), code);
    }
}

/// An enrolled device of a station, with its own chain of events.
pub struct Station {
    pub device: Uuid,
    pub unit: String,
    pub token: String,
    pub chain: Vec<Event>,
}

impl Station {
    /// Appends a sealed event to this device's chain and returns it.
    pub fn write(&mut self, stream: Uuid, kind: &str, payload: Value) -> Event {
        let seq = self.chain.len() as u64 + 1;
        let prev = self.chain.last().map_or(ZERO_HASH, |e| e.hash);
        let e = Event {
            id: Uuid::now_v7(),
            stream,
            device: self.device,
            seq,
            hlc: Hlc::new(1_760_000_000_000 + seq, 0),
            actor: None,
            unit: self.unit.clone(),
            kind: kind.to_owned(),
            v: 1,
            payload,
            prev,
            hash: ZERO_HASH,
        }
        .seal();
        self.chain.push(e.clone());
        e
    }

    /// Registers a new case received by this station's unit (history: registration, then
    /// `notes` notes) and returns the case id.
    pub fn new_case(&mut self, notes: usize) -> Uuid {
        let case = Uuid::now_v7();
        let unit = self.unit.clone();
        self.write(case, "case.registered", registration(&unit));
        for i in 0..notes {
            self.write(case, "case.note_added", json!({ "text": format!("note {i}") }));
        }
        case
    }

    /// The events with sequence numbers `from..=to`.
    pub fn events(&self, from: u64, to: u64) -> Vec<Event> {
        self.chain.iter().filter(|e| (from..=to).contains(&e.seq)).cloned().collect()
    }
}

/// A `case.registered` payload with personal data in it (the logs must never show it).
pub fn registration(unit: &str) -> Value {
    json!({
        "case_no": format!("{unit}-2026-01-{}", Uuid::now_v7().simple()),
        "case_type": "complaint",
        "mode": "own",
        "received_at": "2026-03-02T02:00:00Z",
        "channel": "visit",
        "unit": unit,
        "complainants": [{ "name": "才让卓玛", "phones": ["13997001234"] }],
        "respondents": [{ "name": "格尔木某商贸有限公司", "kind": "company" }],
        "facts": { "content": "购买的冰箱不制冷" },
    })
}

pub fn transfer(kind: &str, to_unit: &str) -> Value {
    json!({
        "transfer": Uuid::now_v7(),
        "kind": kind,
        "to_unit": to_unit,
        "reason": "small_case_down",
    })
}

pub fn zstd(bytes: &[u8]) -> Vec<u8> {
    zstd::encode_all(bytes, 3).expect("zstd")
}

impl Hub {
    pub async fn new() -> Hub {
        Hub::with_config(HubConfig::default()).await
    }

    pub async fn with_config(config: HubConfig) -> Hub {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Arc::new(SqliteStore::open(&dir.path().join("hub.db")).expect("open"));
        let units = casedesk_hub::units::parse_units(UNITS_CSV, |_| false).expect("units");
        store.import_units(units).await.expect("import");
        let app = router(Arc::clone(&store), config);
        Hub { dir, store, app }
    }

    /// A request builder with the protocol header.
    pub fn request(method: Method, path: &str) -> axum::http::request::Builder {
        Request::builder().method(method).uri(path).header(PROTOCOL_HEADER, "1")
    }

    pub async fn send(&self, req: Request<Body>) -> Reply {
        let resp = self.app.clone().oneshot(req).await.expect("infallible");
        let status = resp.status();
        let headers = resp.headers().clone();
        let body = axum::body::to_bytes(resp.into_body(), usize::MAX).await.expect("body");
        Reply { status, headers, body }
    }

    /// Stores an enrollment code for `unit` expiring at `expires_ms`; returns its secret.
    pub async fn code(&self, unit: &str, expires_ms: i64) -> String {
        let secret = secret::random_secret();
        self.store
            .create_enroll_code(NewEnrollCode {
                unit: unit.into(),
                secret_sha256: secret::sha256_hex(&secret),
                created_ms: now_ms(),
                expires_ms,
                device: None,
            })
            .await
            .expect("code");
        secret
    }

    pub async fn post_enroll(&self, secret: &str, device: Uuid, unit: &str) -> Reply {
        let req = EnrollRequest {
            secret: secret.into(),
            device,
            unit: unit.into(),
            device_name: "前台电脑".into(),
            app_version: "0.1.0".into(),
            device_code: String::new(),
        };
        let body = serde_json::to_vec(&req).expect("json");
        self.send(
            Hub::request(Method::POST, "/v1/enroll")
                .header("content-type", "application/json")
                .body(Body::from(body))
                .expect("request"),
        )
        .await
    }

    /// Enrolls a new device of `unit`.
    pub async fn station(&self, unit: &str) -> Station {
        let secret = self.code(unit, now_ms() + 3_600_000).await;
        let device = Uuid::now_v7();
        let reply = self.post_enroll(&secret, device, unit).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", String::from_utf8_lossy(&reply.body));
        let resp: EnrollResponse = reply.json();
        assert_eq!(resp.unit, unit);
        Station { device, unit: unit.into(), token: resp.token, chain: Vec::new() }
    }

    pub async fn get(&self, token: Option<&str>, path: &str) -> Reply {
        let mut req = Hub::request(Method::GET, path);
        if let Some(token) = token {
            req = req.header("authorization", format!("Bearer {token}"));
        }
        self.send(req.body(Body::empty()).expect("request")).await
    }

    /// Pushes raw bytes with the given token and content-encoding.
    pub async fn push_raw(
        &self,
        token: Option<&str>,
        body: Vec<u8>,
        encoding: Option<&str>,
    ) -> Reply {
        let mut req =
            Hub::request(Method::POST, "/v1/push").header("content-type", "application/json");
        if let Some(token) = token {
            req = req.header("authorization", format!("Bearer {token}"));
        }
        if let Some(encoding) = encoding {
            req = req.header("content-encoding", encoding);
        }
        self.send(req.body(Body::from(body)).expect("request")).await
    }

    /// Pushes `events` as `st`'s device, zstd-compressed.
    pub async fn push(&self, st: &Station, events: Vec<Event>) -> Reply {
        let batch = PushBatch { device: st.device, events };
        let json = serde_json::to_vec(&batch).expect("json");
        self.push_raw(Some(&st.token), zstd(&json), Some("zstd")).await
    }

    /// Pushes `events` and expects a receipt.
    pub async fn push_ok(&self, st: &Station, events: Vec<Event>) -> PushReceipt {
        let reply = self.push(st, events).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", String::from_utf8_lossy(&reply.body));
        reply.json()
    }

    pub async fn pull(&self, st: &Station, after: u64, limit: u32) -> PullPage {
        let reply =
            self.get(Some(&st.token), &format!("/v1/pull?after={after}&limit={limit}")).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", String::from_utf8_lossy(&reply.body));
        reply.json()
    }

    /// Every event `st` can pull, following `next` page by page.
    pub async fn pull_all(&self, st: &Station) -> Vec<Event> {
        let mut out = Vec::new();
        let mut after = 0;
        loop {
            let page = self.pull(st, after, 1000).await;
            out.extend(page.events);
            assert!(page.next >= after);
            after = page.next;
            if !page.more {
                return out;
            }
        }
    }

    pub async fn counts(&self) -> Counts {
        self.store.counts().await.expect("counts")
    }

    pub async fn acked(&self, st: &Station) -> (u64, EventHash) {
        let reply = self.get(Some(&st.token), "/v1/status").await;
        assert_eq!(reply.status, StatusCode::OK, "{}", String::from_utf8_lossy(&reply.body));
        let status: casedesk_proto::sync::DeviceStatus = reply.json();
        (status.acked_seq, status.head_hash)
    }
}

/// The ids of `events`, for comparing without caring about anything else.
pub fn ids(events: &[Event]) -> Vec<Uuid> {
    events.iter().map(|e| e.id).collect()
}
