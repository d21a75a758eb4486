//! The HTTP API (axum): the endpoints of `casedesk_proto::sync` and the layers around them.
//!
//! From the outside in, every request goes through: the request log (method, path, status,
//! latency, device id; never bodies), zstd response compression when asked for, the rewrite of
//! any bodiless error into an `ErrorBody`, the request timeout, the body size limit
//! (`MAX_PUSH_BYTES`), and the protocol header check. Endpoints other than health and enroll
//! then authenticate the bearer token (`Device` extractor).

use std::io::Read;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{DefaultBodyLimit, FromRequestParts, Query, Request, State};
use axum::http::header::{ALLOW, AUTHORIZATION, CONTENT_ENCODING, CONTENT_TYPE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use casedesk_proto::sync::{
    DeviceStatus, EnrollRequest, EnrollResponse, ErrorBody, Health, MAX_PULL_LIMIT, MAX_PUSH_BYTES,
    PROTOCOL_HEADER, PROTOCOL_VERSION, PullPage, PushBatch,
};
use serde::Deserialize;
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;
use tracing::Instrument;

use crate::error::{HubError, Result};
use crate::rules::{self, CheckedBatch};
use crate::secret::{bearer_token, random_secret, sha256_hex};
use crate::store::{DeviceRecord, Enrollment, HubStore};

/// Environment variable of the test failpoint: `after_commit` makes the hub abort right after a
/// push commits, before it replies (a stand-in for `kill -9` at the worst moment).
pub const FAILPOINT_ENV: &str = "CASEDESK_HUB_FAILPOINT";

/// Most bytes a zstd push body may expand to.
pub const MAX_DECODED_PUSH_BYTES: usize = 16 * MAX_PUSH_BYTES;

/// Longest device name or app version accepted at enrollment.
const MAX_LABEL_CHARS: usize = 200;

#[derive(Clone, Debug)]
pub struct HubConfig {
    /// Longest a request may take, body upload included.
    pub request_timeout: Duration,
    /// Abort the process after a push commits and before the reply (failpoint).
    pub abort_after_commit: bool,
}

impl Default for HubConfig {
    fn default() -> HubConfig {
        HubConfig { request_timeout: Duration::from_secs(120), abort_after_commit: false }
    }
}

impl HubConfig {
    /// The configuration; with the `failpoints` feature (only the workspace's end-to-end tests
    /// turn it on), the failpoint read from `CASEDESK_HUB_FAILPOINT`.
    pub fn from_env(request_timeout: Duration) -> HubConfig {
        let abort_after_commit = cfg!(feature = "failpoints")
            && std::env::var(FAILPOINT_ENV).is_ok_and(|v| v == "after_commit");
        HubConfig { request_timeout, abort_after_commit }
    }
}

struct AppState<S> {
    store: Arc<S>,
    config: Arc<HubConfig>,
}

impl<S> Clone for AppState<S> {
    fn clone(&self) -> Self {
        AppState { store: Arc::clone(&self.store), config: Arc::clone(&self.config) }
    }
}

/// The hub's router over `store`.
pub fn router<S: HubStore>(store: Arc<S>, config: HubConfig) -> Router {
    let timeout = config.request_timeout;
    let state = AppState { store, config: Arc::new(config) };
    Router::new()
        .route("/v1/health", get(health))
        .route("/v1/enroll", post(enroll::<S>))
        .route("/v1/status", get(status::<S>))
        .route("/v1/push", post(push::<S>))
        .route("/v1/pull", get(pull::<S>))
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
        StatusCode::PAYLOAD_TOO_LARGE => ("too_large", "request body too large"),
        StatusCode::REQUEST_TIMEOUT => ("timeout", "the request took too long"),
        StatusCode::NOT_FOUND => ("not_found", "no such endpoint"),
        StatusCode::METHOD_NOT_ALLOWED => ("method_not_allowed", "method not allowed here"),
        s if s.is_server_error() => ("internal", "internal error"),
        _ => ("bad_request", "bad request"),
    };
    let allow = response.headers().get(ALLOW).cloned();
    let body = ErrorBody { code: code.to_owned(), message: message.to_owned() };
    let mut fixed = (status, Json(body)).into_response();
    if let Some(allow) = allow {
        fixed.headers_mut().insert(ALLOW, allow);
    }
    fixed
}

async fn not_found() -> Response {
    HubError::NotFound("no such endpoint".into()).into_response()
}

/// An authenticated, active device: a known token that is neither revoked nor frozen.
struct Device(DeviceRecord);

impl<S: HubStore> FromRequestParts<AppState<S>> for Device {
    type Rejection = HubError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState<S>) -> Result<Device> {
        let token = parts
            .headers
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(bearer_token)
            .ok_or(HubError::Unauthorized)?;
        let device =
            state.store.device_by_token(sha256_hex(token)).await?.ok_or(HubError::Unauthorized)?;
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
    body: std::result::Result<Bytes, BytesRejection>,
) -> Result<Json<EnrollResponse>> {
    let body = read_body(body)?;
    let req: EnrollRequest = serde_json::from_slice(&body)
        .map_err(|e| HubError::BadRequest(format!("enroll request: {e}")))?;
    tracing::Span::current().record("device", tracing::field::display(req.device));
    if req.device_name.chars().count() > MAX_LABEL_CHARS
        || req.app_version.chars().count() > MAX_LABEL_CHARS
    {
        return Err(HubError::BadRequest("device name or app version too long".into()));
    }
    let token = random_secret();
    let device_code = req.device_code.clone();
    let unit = state
        .store
        .enroll(Enrollment {
            secret_sha256: sha256_hex(&req.secret),
            device: req.device,
            unit: req.unit,
            device_name: req.device_name,
            app_version: req.app_version,
            token_sha256: sha256_hex(&token),
            now_ms: crate::now_ms(),
        })
        .await?;
    Ok(Json(EnrollResponse {
        token,
        unit: unit.code,
        unit_name: unit.name,
        hub_id: state.store.hub_id(),
        device_code,
    }))
}

async fn status<S: HubStore>(
    State(state): State<AppState<S>>,
    Device(device): Device,
) -> Result<Json<DeviceStatus>> {
    Ok(Json(state.store.status(device.id, crate::now_ms()).await?))
}

async fn push<S: HubStore>(
    State(state): State<AppState<S>>,
    Device(device): Device,
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
    // Decompressing, parsing and hashing a batch is CPU work: off the async threads.
    let batch = tokio::task::spawn_blocking(move || -> Result<CheckedBatch> {
        let json = if zstd { decompress(&body)? } else { body.to_vec() };
        let batch: PushBatch = serde_json::from_slice(&json)
            .map_err(|e| HubError::BadRequest(format!("push batch: {e}")))?;
        rules::check_batch(device.id, &device.unit, batch)
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
}

async fn pull<S: HubStore>(
    State(state): State<AppState<S>>,
    Device(device): Device,
    query: std::result::Result<Query<PullQuery>, QueryRejection>,
) -> Result<Json<PullPage>> {
    let Query(q) = query.map_err(|e| HubError::BadRequest(e.body_text()))?;
    let limit = q.limit.unwrap_or(MAX_PULL_LIMIT);
    Ok(Json(state.store.pull(device.id, device.unit, q.after, limit).await?))
}

fn read_body(body: std::result::Result<Bytes, BytesRejection>) -> Result<Bytes> {
    body.map_err(|e| match e.status() {
        StatusCode::PAYLOAD_TOO_LARGE => HubError::TooLarge,
        _ => HubError::BadRequest("could not read the request body".into()),
    })
}

fn decompress(body: &[u8]) -> Result<Vec<u8>> {
    let not_zstd = |_| HubError::BadRequest("the body is not valid zstd".into());
    let decoder = zstd::stream::read::Decoder::new(body).map_err(not_zstd)?;
    let mut out = Vec::new();
    decoder.take(MAX_DECODED_PUSH_BYTES as u64 + 1).read_to_end(&mut out).map_err(not_zstd)?;
    if out.len() > MAX_DECODED_PUSH_BYTES {
        return Err(HubError::TooLarge);
    }
    Ok(out)
}
