//! Test harness: a hub on a temporary SQLite file or a fresh PostgreSQL schema, driven
//! in-process through its router (`tower::ServiceExt::oneshot`), enrolled stations that write
//! sealed, chained events, and helpers for push and pull.
//!
//! The conformance suite: every test written inside `conformance! { ... }` runs twice, as
//! `<name>::sqlite` and `<name>::postgres`; `Hub::new()` and the other constructors open the
//! store of the run they are in. The PostgreSQL runs need a server: `CDK_PG_URL` names one
//! where the tests may create schemas (`scripts/with-pg.sh` starts a throwaway one, as `make
//! test` does); without it they print a SKIPPED line and pass.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::ConnectInfo;
use axum::http::{HeaderMap, Method, Request, StatusCode};
use casedesk_hub::api::{HubConfig, router};
use casedesk_hub::rules::CheckedBatch;
use casedesk_hub::store::any::{AnyStore, Backend};
use casedesk_hub::store::{
    AdminAction, AdminRecord, AdminWrite, Counts, DeviceRecord, EnrollCodeRecord, Enrolled,
    Enrollment, HubStore, NewEnrollCode, QuarantineRecord, RawPullPage, Refusal, Unit, UnitImport,
};
use casedesk_hub::{HubError, Result};
use casedesk_hub::{now_ms, secret};
use casedesk_proto::sign::SecretKey;
use casedesk_proto::sync::batch_id;
use casedesk_proto::sync::{
    DeviceStatus, EnrollRequest, EnrollResponse, ErrorBody, PROTOCOL_HEADER, PullPage, PushBatch,
    PushReceipt,
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
    pub store: Arc<AnyStore>,
    /// The database argument the store was opened with (a file path or a URL).
    pub db: String,
    app: Router,
}

tokio::task_local! {
    /// The store the current conformance run uses.
    static BACKEND: Backend;
}

/// Runs `body` with the hubs it makes on `backend`.
pub async fn on_backend(backend: Backend, body: impl std::future::Future<Output = ()>) {
    BACKEND.scope(backend, body).await;
}

/// The store of the current run (SQLite outside a conformance run).
pub fn backend() -> Backend {
    BACKEND.try_with(|b| *b).unwrap_or(Backend::Sqlite)
}

/// The PostgreSQL server the tests may use (`CDK_PG_URL`), or `None` after printing why the
/// test is skipped.
pub fn postgres_or_skip(test: &str) -> Option<String> {
    match std::env::var("CDK_PG_URL") {
        Ok(url) if !url.trim().is_empty() => Some(url),
        _ => {
            // Straight to the process's stderr: the test harness would swallow `println!`.
            use std::io::Write;
            let _ = writeln!(
                std::io::stderr(),
                "SKIPPED {test}: no PostgreSQL (set CDK_PG_URL, or run scripts/with-pg.sh)"
            );
            None
        }
    }
}

/// A fresh, empty schema on the test server; returns the database URL that uses it.
pub async fn fresh_postgres_db(server: &str) -> String {
    let schema = format!("hub_{}", Uuid::now_v7().simple());
    let (client, conn) = tokio_postgres::connect(server, tokio_postgres::NoTls)
        .await
        .expect("connect to CDK_PG_URL");
    let task = tokio::spawn(conn);
    client.batch_execute(&format!("CREATE SCHEMA {schema}")).await.expect("create schema");
    drop(client);
    let _ = task.await;
    let sep = if server.contains('?') { '&' } else { '?' };
    format!("{server}{sep}options=-csearch_path%3D{schema}")
}

/// One test of the conformance suite, run on every store: `conformance! { async fn name() { ...
/// } }` makes `name::sqlite` and `name::postgres`.
#[macro_export]
macro_rules! conformance {
    ($(#[$meta:meta])* async fn $name:ident() $body:block) => {
        $(#[$meta])*
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            async fn body() $body

            #[tokio::test]
            async fn sqlite() {
                $crate::support::on_backend(
                    casedesk_hub::store::any::Backend::Sqlite,
                    body(),
                )
                .await;
            }

            #[tokio::test]
            async fn postgres() {
                if $crate::support::postgres_or_skip(concat!(stringify!($name), "::postgres"))
                    .is_some()
                {
                    $crate::support::on_backend(
                        casedesk_hub::store::any::Backend::Postgres,
                        body(),
                    )
                    .await;
                }
            }
        }
    };
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

    /// The `Retry-After` header, in seconds; fails the test without one.
    pub fn retry_after(&self) -> u64 {
        self.headers
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse().ok())
            .expect("a Retry-After in seconds")
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
    /// The device's signing key, when it enrolled with one: its batches are signed.
    pub key: Option<SecretKey>,
}

impl Station {
    /// A batch of `events`, signed with the device's key when it has one.
    pub fn batch(&self, events: Vec<Event>) -> PushBatch {
        let mut sorted = events.clone();
        sorted.sort_by_key(|e| e.seq);
        let signature = self
            .key
            .as_ref()
            .map(|k| k.sign(&casedesk_proto::sign::batch_message(&batch_id(self.device, &sorted))));
        PushBatch { device: self.device, events, signature }
    }

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

/// `config` keeping the hub's files in `blobs/` of `dir` unless it names a folder already.
fn with_blobs(mut config: HubConfig, dir: &TempDir) -> HubConfig {
    if config.blobs.is_none() {
        let blobs = casedesk_hub::blobs::BlobDir::open(dir.path().join("blobs")).expect("blobs");
        config.blobs = Some(Arc::new(blobs));
    }
    config
}

pub fn zstd(bytes: &[u8]) -> Vec<u8> {
    zstd::encode_all(bytes, 3).expect("zstd")
}

impl Hub {
    pub async fn new() -> Hub {
        Hub::with_config(HubConfig::default()).await
    }

    pub async fn with_config(config: HubConfig) -> Hub {
        let (dir, db, store) = Hub::open().await;
        let app = router(Arc::clone(&store), with_blobs(config, &dir));
        Hub { dir, store, db, app }
    }

    /// A hub over the SQLite database `hub.db` in `dir`, as it is (migrated on open).
    pub async fn at(dir: TempDir) -> Hub {
        let db = dir.path().join("hub.db").to_string_lossy().into_owned();
        let store = Arc::new(AnyStore::open(&db).await.expect("open"));
        let app = router(Arc::clone(&store), with_blobs(HubConfig::default(), &dir));
        Hub { dir, store, db, app }
    }

    /// A hub whose pushes wait at the store until the test lets them through (`Gate`).
    pub async fn gated(config: HubConfig) -> (Hub, Arc<Gate>) {
        let (dir, db, store) = Hub::open().await;
        let gate = Arc::new(Gate::default());
        let gated = Gated { inner: Arc::clone(&store), gate: Arc::clone(&gate) };
        let app = router(Arc::new(gated), with_blobs(config, &dir));
        (Hub { dir, store, db, app }, gate)
    }

    /// A fresh database of the current run's store, with the test units.
    async fn open() -> (TempDir, String, Arc<AnyStore>) {
        let dir = tempfile::tempdir().expect("tempdir");
        let db = match backend() {
            Backend::Sqlite => dir.path().join("hub.db").to_string_lossy().into_owned(),
            Backend::Postgres => {
                let server = std::env::var("CDK_PG_URL").expect("CDK_PG_URL");
                fresh_postgres_db(&server).await
            }
        };
        let store = Arc::new(AnyStore::open(&db).await.expect("open"));
        let units = casedesk_hub::units::parse_units(UNITS_CSV, |_| false).expect("units");
        store.import_units(units).await.expect("import");
        (dir, db, store)
    }

    /// Everything the database holds as text (to show what it does not hold in clear).
    pub async fn stored_text(&self) -> String {
        match self.store.backend() {
            Backend::Sqlite => {
                let mut file = std::fs::read(self.dir.path().join("hub.db")).expect("db");
                file.extend(std::fs::read(self.dir.path().join("hub.db-wal")).unwrap_or_default());
                String::from_utf8_lossy(&file).into_owned()
            }
            Backend::Postgres => {
                let (client, conn) = tokio_postgres::connect(&self.db, tokio_postgres::NoTls)
                    .await
                    .expect("connect");
                let task = tokio::spawn(conn);
                let mut text = String::new();
                for table in ["devices", "enroll_codes", "meta", "events", "receipts"] {
                    let sql =
                        format!("SELECT coalesce(string_agg(t::text, ' '), '') FROM {table} t");
                    let row = client.query_one(&sql, &[]).await.expect("dump");
                    text.push_str(row.get::<_, &str>(0));
                }
                drop(client);
                let _ = task.await;
                text
            }
        }
    }

    /// Adds units to the hierarchy (CSV with a header row).
    pub async fn add_units(&self, csv: &str) {
        let held: Vec<String> =
            self.store.list_units().await.expect("units").into_iter().map(|u| u.code).collect();
        let units =
            casedesk_hub::units::parse_units(csv, |c| held.iter().any(|h| h == c)).expect("units");
        self.store.import_units(units).await.expect("import");
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

    /// Stores an enrollment code for a new device of `unit` expiring at `expires_ms`; returns
    /// its secret.
    pub async fn code(&self, unit: &str, expires_ms: i64) -> String {
        self.make_code(unit, expires_ms, None).await
    }

    /// Stores an enrollment code made for `device` of `unit`; returns its secret.
    pub async fn device_code_for(&self, unit: &str, device: Uuid) -> String {
        self.make_code(unit, now_ms() + 3_600_000, Some(device)).await
    }

    async fn make_code(&self, unit: &str, expires_ms: i64, device: Option<Uuid>) -> String {
        let secret = secret::random_secret();
        let code = NewEnrollCode {
            unit: unit.into(),
            secret_sha256: secret::sha256_hex(&secret),
            created_ms: now_ms(),
            expires_ms,
            device,
        };
        self.store.create_enroll_code(code).await.expect("code");
        secret
    }

    pub async fn post_enroll(&self, secret: &str, device: Uuid, unit: &str) -> Reply {
        self.post_enroll_as(secret, device, unit, "", None).await
    }

    /// An enrollment asking for `device_code`, from `from` (as the connection's peer address)
    /// or, without it, from the in-process client.
    pub async fn post_enroll_as(
        &self,
        secret: &str,
        device: Uuid,
        unit: &str,
        device_code: &str,
        from: Option<SocketAddr>,
    ) -> Reply {
        self.post_enroll_keyed(secret, device, unit, device_code, from, None).await
    }

    /// An enrollment sending `key`'s public key (or none).
    pub async fn post_enroll_keyed(
        &self,
        secret: &str,
        device: Uuid,
        unit: &str,
        device_code: &str,
        from: Option<SocketAddr>,
        key: Option<&SecretKey>,
    ) -> Reply {
        let req = EnrollRequest {
            secret: secret.into(),
            device,
            unit: unit.into(),
            device_name: "前台电脑".into(),
            app_version: "0.1.0".into(),
            device_code: device_code.into(),
            device_key: key.map(SecretKey::public_hex),
        };
        let body = serde_json::to_vec(&req).expect("json");
        let mut req = Hub::request(Method::POST, "/v1/enroll")
            .header("content-type", "application/json")
            .body(Body::from(body))
            .expect("request");
        if let Some(from) = from {
            req.extensions_mut().insert(ConnectInfo(from));
        }
        self.send(req).await
    }

    /// Enrolls a new device of `unit`, with a signing key.
    pub async fn station(&self, unit: &str) -> Station {
        let key = SecretKey::from_seed(secret::random_seed());
        let mut st = self.station_keyed(unit, Some(key.clone())).await;
        st.key = Some(key);
        st
    }

    /// Enrolls a new device of `unit` without a signing key (as stations did before keys).
    pub async fn station_without_key(&self, unit: &str) -> Station {
        self.station_keyed(unit, None).await
    }

    async fn station_keyed(&self, unit: &str, key: Option<SecretKey>) -> Station {
        let secret = self.code(unit, now_ms() + 3_600_000).await;
        let device = Uuid::now_v7();
        let reply = self.post_enroll_keyed(&secret, device, unit, "", None, key.as_ref()).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", String::from_utf8_lossy(&reply.body));
        let resp: EnrollResponse = reply.json();
        assert_eq!(resp.unit, unit);
        Station { device, unit: unit.into(), token: resp.token, chain: Vec::new(), key: None }
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
        let batch = st.batch(events);
        let json = serde_json::to_vec(&batch).expect("json");
        self.push_raw(Some(&st.token), zstd(&json), Some("zstd")).await
    }

    /// Pushes `events` and expects a receipt.
    pub async fn push_ok(&self, st: &Station, events: Vec<Event>) -> PushReceipt {
        let reply = self.push(st, events).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", String::from_utf8_lossy(&reply.body));
        reply.json()
    }

    /// A pull passing `checkpoint`.
    pub async fn pull_at(&self, st: &Station, after: u64, checkpoint: Option<Uuid>) -> Reply {
        let mut path = format!("/v1/pull?after={after}");
        if let Some(checkpoint) = checkpoint {
            path.push_str(&format!("&checkpoint={checkpoint}"));
        }
        self.get(Some(&st.token), &path).await
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

    /// A request with `st`'s token.
    pub async fn send_as(
        &self,
        st: &Station,
        method: Method,
        path: &str,
        headers: &[(&str, String)],
        body: Vec<u8>,
    ) -> Reply {
        let mut req =
            Hub::request(method, path).header("authorization", format!("Bearer {}", st.token));
        for (k, v) in headers {
            req = req.header(*k, v);
        }
        self.send(req.body(Body::from(body)).expect("request")).await
    }

    pub async fn counts(&self) -> Counts {
        self.store.counts().await.expect("counts")
    }

    pub async fn acked(&self, st: &Station) -> (u64, EventHash) {
        let reply = self.get(Some(&st.token), "/v1/status").await;
        assert_eq!(reply.status, StatusCode::OK, "{}", String::from_utf8_lossy(&reply.body));
        let status: DeviceStatus = reply.json();
        (status.acked_seq, status.head_hash)
    }
}

/// The ids of `events`, for comparing without caring about anything else.
pub fn ids(events: &[Event]) -> Vec<Uuid> {
    events.iter().map(|e| e.id).collect()
}

/// Holds pushes at the store: each waits for a permit the test adds.
pub struct Gate {
    permits: tokio::sync::Semaphore,
    waiting: AtomicUsize,
}

impl Default for Gate {
    fn default() -> Gate {
        Gate { permits: tokio::sync::Semaphore::new(0), waiting: AtomicUsize::new(0) }
    }
}

impl Gate {
    /// Lets `n` held pushes through.
    pub fn open(&self, n: usize) {
        self.permits.add_permits(n);
    }

    /// Waits until `n` pushes are held at the store.
    pub async fn wait_for(&self, n: usize) {
        for _ in 0..500 {
            if self.waiting.load(Ordering::SeqCst) >= n {
                return;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("{n} pushes never reached the store");
    }
}

/// A `HubStore` whose pushes wait at a `Gate`; everything else goes straight to `inner`.
struct Gated {
    inner: Arc<AnyStore>,
    gate: Arc<Gate>,
}

impl HubStore for Gated {
    fn hub_id(&self) -> Uuid {
        self.inner.hub_id()
    }
    async fn import_units(&self, units: Vec<Unit>) -> Result<UnitImport> {
        self.inner.import_units(units).await
    }
    async fn list_units(&self) -> Result<Vec<Unit>> {
        self.inner.list_units().await
    }
    async fn create_enroll_code(&self, code: NewEnrollCode) -> Result<()> {
        self.inner.create_enroll_code(code).await
    }
    async fn enroll(&self, enrollment: Enrollment) -> Result<Enrolled> {
        self.inner.enroll(enrollment).await
    }
    async fn device_by_token(&self, token_sha256: String) -> Result<Option<DeviceRecord>> {
        self.inner.device_by_token(token_sha256).await
    }
    async fn list_devices(&self) -> Result<Vec<DeviceRecord>> {
        self.inner.list_devices().await
    }
    async fn revoke_device(&self, device: Uuid, now_ms: i64) -> Result<()> {
        self.inner.revoke_device(device, now_ms).await
    }
    async fn unfreeze_device(&self, device: Uuid) -> Result<()> {
        self.inner.unfreeze_device(device).await
    }
    async fn status(&self, device: Uuid, now_ms: i64) -> Result<DeviceStatus> {
        self.inner.status(device, now_ms).await
    }
    fn signing_key(&self) -> &SecretKey {
        self.inner.signing_key()
    }
    async fn batch_signature(&self, batch_id: String) -> Result<Option<String>> {
        self.inner.batch_signature(batch_id).await
    }
    async fn push(&self, batch: CheckedBatch, now_ms: i64) -> Result<String> {
        self.gate.waiting.fetch_add(1, Ordering::SeqCst);
        let permit = self.gate.permits.acquire().await;
        self.gate.waiting.fetch_sub(1, Ordering::SeqCst);
        permit.map_err(|e| HubError::Internal(e.to_string()))?.forget();
        self.inner.push(batch, now_ms).await
    }
    async fn pull_raw(
        &self,
        device: Uuid,
        unit: String,
        after: u64,
        limit: u32,
        checkpoint: Option<Uuid>,
    ) -> Result<RawPullPage> {
        self.inner.pull_raw(device, unit, after, limit, checkpoint).await
    }
    async fn list_quarantine(&self) -> Result<Vec<QuarantineRecord>> {
        self.inner.list_quarantine().await
    }
    fn bundle_identity(&self) -> &str {
        self.inner.bundle_identity()
    }
    async fn record_contact(&self, device: Uuid, now_ms: i64, head: Option<u64>) -> Result<()> {
        self.inner.record_contact(device, now_ms, head).await
    }
    async fn list_enroll_codes(&self) -> Result<Vec<EnrollCodeRecord>> {
        self.inner.list_enroll_codes().await
    }
    async fn write_admin(
        &self,
        name: String,
        password_hash: String,
        now_ms: i64,
        how: AdminWrite,
    ) -> Result<()> {
        self.inner.write_admin(name, password_hash, now_ms, how).await
    }
    async fn admin_password_hash(&self, name: String) -> Result<Option<String>> {
        self.inner.admin_password_hash(name).await
    }
    async fn list_admins(&self) -> Result<Vec<AdminRecord>> {
        self.inner.list_admins().await
    }
    async fn record_admin_action(&self, action: AdminAction) -> Result<()> {
        self.inner.record_admin_action(action).await
    }
    async fn list_admin_actions(&self, limit: u32) -> Result<Vec<AdminAction>> {
        self.inner.list_admin_actions(limit).await
    }
    async fn record_refusal(&self, refusal: Refusal) -> Result<()> {
        self.inner.record_refusal(refusal).await
    }
    async fn list_refusals(&self, limit: u32) -> Result<Vec<Refusal>> {
        self.inner.list_refusals(limit).await
    }
    async fn blob_named_by(
        &self,
        device: Uuid,
        sha256: String,
    ) -> Result<Option<casedesk_hub::store::BlobRef>> {
        self.inner.blob_named_by(device, sha256).await
    }
    async fn blob_in_feed(&self, unit: String, sha256: String) -> Result<bool> {
        self.inner.blob_in_feed(unit, sha256).await
    }
}

/// The quarantine reasons of a receipt, by sequence number.
pub fn reasons(receipt: &PushReceipt) -> Vec<(u64, String)> {
    receipt.quarantined.iter().map(|q| (q.seq, q.reason.clone())).collect()
}

/// The streams among `events`.
pub fn streams(events: &[Event]) -> Vec<Uuid> {
    let mut streams: Vec<Uuid> = events.iter().map(|e| e.stream).collect();
    streams.sort();
    streams.dedup();
    streams
}
