//! The HTTP API (axum): the endpoints of `casedesk_proto::sync` and the layers around them.
//!
//! From the outside in, every request goes through: the request log (method, path, status,
//! latency, device id; never bodies), zstd response compression when asked for, the rewrite of
//! any bodiless error into an `ErrorBody`, the request timeout, the body size limit
//! (`MAX_PUSH_BYTES`), and the protocol header check. Endpoints other than health and enroll
//! then authenticate the bearer token (`Device` extractor).
//!
//! Enrollment attempts are counted per client address (`throttle::EnrollLimiter`, 429
//! `rate_limited` with `Retry-After`). A push takes a slot (`throttle::PushSlots`: a few at
//! once, one per device; 503 `busy` with `Retry-After` otherwise) once its body has arrived,
//! and its body is decoded within bounds (`body`) off the async threads.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{ConnectInfo, DefaultBodyLimit, FromRequestParts, Path, Query, Request, State};
use axum::http::header::{
    ACCEPT_RANGES, ALLOW, AUTHORIZATION, CONTENT_ENCODING, CONTENT_RANGE, CONTENT_TYPE, RANGE,
    RETRY_AFTER,
};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use casedesk_proto::sync::{
    BlobUploadState, DeviceStatus, EnrollRequest, EnrollResponse, ErrorBody, Health,
    MAX_PULL_LIMIT, MAX_PUSH_BYTES, PROTOCOL_HEADER, PROTOCOL_VERSION, PushBatch, StatusQuery,
    codes,
};
use serde::Deserialize;
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;
use tracing::Instrument;

use crate::blobs::{BlobDir, BlobError, is_sha256};
use crate::body::decode_push_body;
use crate::error::{HubError, Result};
use crate::rules::{self, CheckedBatch};
use crate::secret::{bearer_token, random_secret, sha256_hex};
use crate::store::{DeviceRecord, Enrollment, HubStore, Refusal};
use crate::throttle::{EnrollLimiter, PushSlots};

/// Environment variable of the test failpoint: `after_commit` makes the hub abort right after a
/// push commits, before it replies (a stand-in for `kill -9` at the worst moment).
pub const FAILPOINT_ENV: &str = "CASEDESK_HUB_FAILPOINT";

/// Longest device name or app version accepted at enrollment.
const MAX_LABEL_CHARS: usize = 200;

#[derive(Clone, Debug)]
pub struct HubConfig {
    /// Longest a request may take, body upload included.
    pub request_timeout: Duration,
    /// Abort the process after a push commits and before the reply (failpoint).
    pub abort_after_commit: bool,
    /// Enrollment attempts allowed per client address in `enroll_period`.
    pub enroll_attempts: u32,
    pub enroll_period: Duration,
    /// Pushes the hub works on at once (each device one at a time).
    pub concurrent_pushes: usize,
    /// Where the files events name are kept (`None`: the hub keeps no files and refuses
    /// uploads and downloads with `blob_unavailable`).
    pub blobs: Option<Arc<BlobDir>>,
}

impl Default for HubConfig {
    fn default() -> HubConfig {
        HubConfig {
            request_timeout: Duration::from_secs(120),
            abort_after_commit: false,
            enroll_attempts: 10,
            enroll_period: Duration::from_secs(600),
            concurrent_pushes: 4,
            blobs: None,
        }
    }
}

impl HubConfig {
    /// The configuration; with the `failpoints` feature (only the workspace's end-to-end tests
    /// turn it on), the failpoint read from `CASEDESK_HUB_FAILPOINT`.
    pub fn from_env(request_timeout: Duration) -> HubConfig {
        let abort_after_commit = cfg!(feature = "failpoints")
            && std::env::var(FAILPOINT_ENV).is_ok_and(|v| v == "after_commit");
        HubConfig { request_timeout, abort_after_commit, ..HubConfig::default() }
    }
}

struct AppState<S> {
    store: Arc<S>,
    config: Arc<HubConfig>,
    enroll_limiter: Arc<EnrollLimiter>,
    push_slots: Arc<PushSlots>,
}

impl<S> Clone for AppState<S> {
    fn clone(&self) -> Self {
        AppState {
            store: Arc::clone(&self.store),
            config: Arc::clone(&self.config),
            enroll_limiter: Arc::clone(&self.enroll_limiter),
            push_slots: Arc::clone(&self.push_slots),
        }
    }
}

/// The hub's router over `store`. Served with `into_make_service_with_connect_info::
/// <SocketAddr>()`, enrollment attempts are counted per client address; without it (in-process
/// use), all together.
pub fn router<S: HubStore>(store: Arc<S>, config: HubConfig) -> Router {
    let timeout = config.request_timeout;
    let enroll_limiter = Arc::new(EnrollLimiter::new(config.enroll_attempts, config.enroll_period));
    let push_slots = Arc::new(PushSlots::new(config.concurrent_pushes));
    let state = AppState { store, config: Arc::new(config), enroll_limiter, push_slots };
    Router::new()
        .route("/v1/health", get(health))
        .route("/v1/enroll", post(enroll::<S>))
        .route("/v1/status", get(status::<S>))
        .route("/v1/push", post(push::<S>))
        .route("/v1/pull", get(pull::<S>))
        .route("/v1/blobs/{sha256}", get(blob_download::<S>))
        .route("/v1/blobs/{sha256}/upload", get(blob_upload_state::<S>).put(blob_upload::<S>))
        .fallback(not_found)
        .with_state(state)
        .layer(DefaultBodyLimit::max(MAX_PUSH_BYTES))
        .layer(middleware::from_fn(check_protocol))
        .layer(RequestBodyLimitLayer::new(MAX_PUSH_BYTES))
        .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, timeout))
        .layer(middleware::map_response(error_bodies))
        .layer(CompressionLayer::new())
        .layer(middleware::from_fn(log_request))
}

/// Logs one line per request inside a span that the `Device` extractor fills with the device
/// id. Only the path is logged (no query, no body, no headers).
async fn log_request(req: Request, next: Next) -> Response {
    let method = req.method().clone();
    let path: String = req.uri().path().chars().take(100).collect();
    let span = tracing::info_span!("request", %method, %path, device = tracing::field::Empty);
    let started = Instant::now();
    let response = next.run(req).instrument(span.clone()).await;
    let latency_ms = started.elapsed().as_secs_f64() * 1000.0;
    span.in_scope(|| {
        tracing::info!(status = response.status().as_u16(), latency_ms, "request");
    });
    response
}

async fn check_protocol(req: Request, next: Next) -> Response {
    let version = req
        .headers()
        .get(PROTOCOL_HEADER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u32>().ok());
    if version != Some(PROTOCOL_VERSION) {
        return HubError::ProtocolVersion.into_response();
    }
    next.run(req).await
}

/// Gives every error response a JSON `ErrorBody`, also those made by layers (timeout, body
/// limit) and by axum itself (unknown method).
async fn error_bodies(response: Response) -> Response {
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let is_json = response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if is_json {
        return response;
    }
    let (code, message) = match status {
        StatusCode::PAYLOAD_TOO_LARGE => (codes::TOO_LARGE, "request body too large"),
        StatusCode::REQUEST_TIMEOUT => (codes::TIMEOUT, "the request took too long"),
        StatusCode::NOT_FOUND => (codes::NOT_FOUND, "no such endpoint"),
        StatusCode::METHOD_NOT_ALLOWED => ("method_not_allowed", "method not allowed here"),
        StatusCode::TOO_MANY_REQUESTS => (codes::RATE_LIMITED, "too many requests"),
        StatusCode::SERVICE_UNAVAILABLE => (codes::BUSY, "the hub is busy"),
        s if s.is_server_error() => (codes::INTERNAL, "internal error"),
        _ => (codes::BAD_REQUEST, "bad request"),
    };
    let body = ErrorBody { code: code.to_owned(), message: message.to_owned() };
    let mut fixed = (status, Json(body)).into_response();
    for name in [ALLOW, RETRY_AFTER] {
        if let Some(value) = response.headers().get(&name) {
            fixed.headers_mut().insert(name, value.clone());
        }
    }
    fixed
}

async fn not_found() -> Response {
    HubError::NotFound("no such endpoint".into()).into_response()
}

/// The client's address, when the router is served with connect info; the unspecified address
/// otherwise (every in-process client is one client).
struct ClientAddr(IpAddr);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = HubError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<ClientAddr> {
        let addr = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip());
        Ok(ClientAddr(addr.unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED))))
    }
}

/// A device authenticated in the process itself, by other means than a token: the USB bundle
/// import (`crate::bundle`) puts it in a request's extensions once the bundle's signature by
/// the device's registered key has been checked. A request from the network cannot carry one.
#[derive(Clone, Copy, Debug)]
pub struct InProcessDevice(pub uuid::Uuid);

/// An authenticated, active device: a known token that is neither revoked nor frozen.
struct Device(DeviceRecord);

impl<S: HubStore> FromRequestParts<AppState<S>> for Device {
    type Rejection = HubError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState<S>) -> Result<Device> {
        let device = if let Some(InProcessDevice(id)) = parts.extensions.get::<InProcessDevice>() {
            let id = *id;
            state
                .store
                .list_devices()
                .await?
                .into_iter()
                .find(|d| d.id == id)
                .ok_or(HubError::Unauthorized)?
        } else {
            let token = parts
                .headers
                .get(AUTHORIZATION)
                .and_then(|v| v.to_str().ok())
                .and_then(bearer_token)
                .ok_or(HubError::Unauthorized)?;
            state.store.device_by_token(sha256_hex(token)).await?.ok_or(HubError::Unauthorized)?
        };
        tracing::Span::current().record("device", tracing::field::display(device.id));
        if device.revoked_ms.is_some() {
            return Err(HubError::TokenRevoked);
        }
        if let Some(reason) = &device.frozen_reason {
            return Err(HubError::DeviceFrozen(reason.clone()));
        }
        Ok(Device(device))
    }
}

async fn health() -> Json<Health> {
    Json(Health { ok: true, protocol: PROTOCOL_VERSION, version: env!("CARGO_PKG_VERSION").into() })
}

async fn enroll<S: HubStore>(
    State(state): State<AppState<S>>,
    ClientAddr(addr): ClientAddr,
    body: std::result::Result<Bytes, BytesRejection>,
) -> Result<Json<EnrollResponse>> {
    state.enroll_limiter.check(addr)?;
    let body = read_body(body)?;
    let req: EnrollRequest = serde_json::from_slice(&body)
        .map_err(|e| HubError::BadRequest(format!("enroll request: {e}")))?;
    tracing::Span::current().record("device", tracing::field::display(req.device));
    if req.device_name.chars().count() > MAX_LABEL_CHARS
        || req.app_version.chars().count() > MAX_LABEL_CHARS
    {
        return Err(HubError::BadRequest("device name or app version too long".into()));
    }
    if let Some(key) = &req.device_key
        && !casedesk_proto::sign::is_public_key(key)
    {
        return Err(HubError::BadRequest("the device key is not an Ed25519 public key".into()));
    }
    let token = random_secret();
    let enrolled = state
        .store
        .enroll(Enrollment {
            secret_sha256: sha256_hex(&req.secret),
            device: req.device,
            unit: req.unit,
            device_name: req.device_name,
            app_version: req.app_version,
            token_sha256: sha256_hex(&token),
            device_code: req.device_code,
            sign_key: req.device_key,
            now_ms: crate::now_ms(),
        })
        .await?;
    Ok(Json(EnrollResponse {
        token,
        unit: enrolled.unit.code,
        unit_name: enrolled.unit.name,
        hub_id: state.store.hub_id(),
        device_code: enrolled.device_code,
        hub_key: Some(state.store.signing_key().public_hex()),
        bundle_key: casedesk_proto::bundle::recipient_of(state.store.bundle_identity()),
    }))
}

/// A station's status request is its contact: recorded with the head it reports (the console
/// shows last contact and the events waiting), then answered.
async fn status<S: HubStore>(
    State(state): State<AppState<S>>,
    Device(device): Device,
    query: std::result::Result<Query<StatusQuery>, QueryRejection>,
) -> Result<Json<DeviceStatus>> {
    // An unreadable query is ignored, as older hubs ignore every query here.
    let head = query.ok().and_then(|Query(q)| q.head);
    let now = crate::now_ms();
    state.store.record_contact(device.id, now, head).await?;
    Ok(Json(state.store.status(device.id, now).await?))
}

/// A push; a refused one is recorded with its error for the console (`casedesk-hub` lists
/// them), except a busy hub, which refused nothing.
async fn push<S: HubStore>(
    State(state): State<AppState<S>>,
    Device(device): Device,
    headers: HeaderMap,
    body: std::result::Result<Bytes, BytesRejection>,
) -> Result<Response> {
    let store = Arc::clone(&state.store);
    let id = device.id;
    let result = push_inner(state, device, headers, body).await;
    if let Err(e) = &result
        && !matches!(e, HubError::Busy { .. } | HubError::Unavailable(_))
    {
        let refusal = Refusal {
            at_ms: crate::now_ms(),
            device: id,
            code: e.code().to_owned(),
            message: e.to_string().chars().take(500).collect(),
        };
        if let Err(record) = store.record_refusal(refusal).await {
            tracing::warn!(error = %record, "could not record a refused push");
        }
    }
    result
}

async fn push_inner<S: HubStore>(
    state: AppState<S>,
    device: DeviceRecord,
    headers: HeaderMap,
    body: std::result::Result<Bytes, BytesRejection>,
) -> Result<Response> {
    let body = read_body(body)?;
    let zstd = match headers.get(CONTENT_ENCODING).map(|v| v.to_str().unwrap_or("?").trim()) {
        None | Some("") => false,
        Some(v) if v.eq_ignore_ascii_case("identity") => false,
        Some(v) if v.eq_ignore_ascii_case("zstd") => true,
        Some(v) => return Err(HubError::UnsupportedEncoding(v.chars().take(40).collect())),
    };
    // The body has arrived; from here on the push holds one of the few slots until it is
    // answered. The decoding task holds it too, so a timed-out request frees its slot only
    // once that work is over.
    let slot = state.push_slots.try_acquire(device.id)?;
    // Decompressing, parsing and hashing a batch is CPU work: off the async threads.
    let (batch, _slot) = tokio::task::spawn_blocking(move || -> Result<(CheckedBatch, _)> {
        let json = decode_push_body(&body, zstd)?;
        let batch: PushBatch = serde_json::from_slice(&json)
            .map_err(|e| HubError::BadRequest(format!("push batch: {e}")))?;
        Ok((rules::check_batch(device.id, &device.unit, device.sign_key.as_deref(), batch)?, slot))
    })
    .await
    .map_err(|e| HubError::Internal(format!("batch check task: {e}")))??;
    let receipt = state.store.push(batch, crate::now_ms()).await?;
    if state.config.abort_after_commit {
        tracing::error!("failpoint after_commit: aborting before the reply");
        std::process::abort();
    }
    Ok(([(CONTENT_TYPE, HeaderValue::from_static("application/json"))], receipt).into_response())
}

#[derive(Debug, Deserialize)]
struct PullQuery {
    #[serde(default)]
    after: u64,
    limit: Option<u32>,
    /// The `checkpoint` of the page that gave `after`.
    checkpoint: Option<uuid::Uuid>,
}

async fn pull<S: HubStore>(
    State(state): State<AppState<S>>,
    Device(device): Device,
    query: std::result::Result<Query<PullQuery>, QueryRejection>,
) -> Result<Response> {
    let Query(q) = query.map_err(|e| HubError::BadRequest(e.body_text()))?;
    let limit = q.limit.unwrap_or(MAX_PULL_LIMIT);
    let page =
        state.store.pull_raw(device.id, device.unit.clone(), q.after, limit, q.checkpoint).await?;
    // A `PullPage`'s JSON, the events' stored JSON copied in as they are.
    let body = page.signed_json(&device.unit, state.store.signing_key());
    Ok(([(CONTENT_TYPE, HeaderValue::from_static("application/json"))], body).into_response())
}

fn read_body(body: std::result::Result<Bytes, BytesRejection>) -> Result<Bytes> {
    body.map_err(|e| match e.status() {
        StatusCode::PAYLOAD_TOO_LARGE => HubError::TooLarge,
        _ => HubError::BadRequest("could not read the request body".into()),
    })
}

/// The folder of the hub's files and the size the event naming `sha` gives, when `device` may
/// upload it: an accepted event it pushed names the hash.
async fn upload_target<'a, S: HubStore>(
    state: &'a AppState<S>,
    device: &DeviceRecord,
    sha: &str,
) -> Result<(&'a BlobDir, u64)> {
    let dir = state.config.blobs.as_deref().ok_or(HubError::BlobUnavailable)?;
    if !is_sha256(sha) {
        return Err(BlobError::BadName.into());
    }
    let named = state
        .store
        .blob_named_by(device.id, sha.to_owned())
        .await?
        .ok_or_else(|| HubError::BlobNotNamed(sha.to_owned()))?;
    let size = named
        .size
        .ok_or_else(|| HubError::BadRequest("the event naming the file gives no size".into()))?;
    Ok((dir, size))
}

/// Where the upload of a file stands: how many bytes the hub holds (the next chunk's offset).
async fn blob_upload_state<S: HubStore>(
    State(state): State<AppState<S>>,
    Device(device): Device,
    Path(sha): Path<String>,
) -> Result<Json<BlobUploadState>> {
    let (dir, size) = upload_target(&state, &device, &sha).await?;
    Ok(Json(dir.upload_state(&sha, size).await?))
}

#[derive(Debug, Deserialize)]
struct UploadQuery {
    offset: u64,
}

/// One chunk of a file at `offset` (which must be what the hub holds); the answer says how
/// many bytes the hub holds now and whether the file is complete (its hash checked).
async fn blob_upload<S: HubStore>(
    State(state): State<AppState<S>>,
    Device(device): Device,
    Path(sha): Path<String>,
    query: std::result::Result<Query<UploadQuery>, QueryRejection>,
    body: std::result::Result<Bytes, BytesRejection>,
) -> Result<Json<BlobUploadState>> {
    let Query(q) = query.map_err(|e| HubError::BadRequest(e.body_text()))?;
    let (dir, size) = upload_target(&state, &device, &sha).await?;
    let body = read_body(body)?;
    Ok(Json(dir.put_chunk(&sha, size, q.offset, body.to_vec()).await?))
}

/// A file, whole or the range asked for (`Range: bytes=START-[END]`), to a unit whose feed
/// carries an event naming it.
async fn blob_download<S: HubStore>(
    State(state): State<AppState<S>>,
    Device(device): Device,
    Path(sha): Path<String>,
    headers: HeaderMap,
) -> Result<Response> {
    let dir = state.config.blobs.as_deref().ok_or(HubError::BlobUnavailable)?;
    if !is_sha256(&sha) {
        return Err(BlobError::BadName.into());
    }
    if !state.store.blob_in_feed(device.unit.clone(), sha.clone()).await? {
        return Err(HubError::BlobForbidden(sha));
    }
    let range = match headers.get(RANGE) {
        None => None,
        Some(v) => Some(parse_range(v.to_str().unwrap_or("")).ok_or(BlobError::Range)?),
    };
    let (start, end) = range.unwrap_or((0, None));
    let (bytes, start, size) = dir.read_range(&sha, start, end).await?;
    let octets = HeaderValue::from_static("application/octet-stream");
    let ranges = HeaderValue::from_static("bytes");
    if range.is_none() {
        return Ok(([(CONTENT_TYPE, octets), (ACCEPT_RANGES, ranges)], bytes).into_response());
    }
    let last = start + (bytes.len() as u64).saturating_sub(1);
    let content_range = HeaderValue::from_str(&format!("bytes {start}-{last}/{size}"))
        .map_err(|e| HubError::Internal(e.to_string()))?;
    Ok((
        StatusCode::PARTIAL_CONTENT,
        [(CONTENT_TYPE, octets), (ACCEPT_RANGES, ranges), (CONTENT_RANGE, content_range)],
        bytes,
    )
        .into_response())
}

/// `bytes=START-` or `bytes=START-END` (one range; suffix ranges are not offered).
fn parse_range(v: &str) -> Option<(u64, Option<u64>)> {
    let spec = v.trim().strip_prefix("bytes=")?;
    let (a, b) = spec.split_once('-')?;
    let start = a.trim().parse().ok()?;
    let end = match b.trim() {
        "" => None,
        b => Some(b.parse().ok()?),
    };
    if end.is_some_and(|e| e < start) {
        return None;
    }
    Some((start, end))
}
