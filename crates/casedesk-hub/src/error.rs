//! `HubError`: every failure of the hub, with the HTTP status and the stable `ErrorBody` code
//! each one answers with.

use axum::http::header::RETRY_AFTER;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use casedesk_proto::sync::ErrorBody;

pub type Result<T, E = HubError> = std::result::Result<T, E>;

/// Seconds a client is told to wait when the hub cannot reach its database.
pub const UNAVAILABLE_RETRY_SECS: u64 = 5;

#[derive(Debug, thiserror::Error)]
pub enum HubError {
    #[error("missing or wrong {header} header: this hub speaks protocol {expected}", header = casedesk_proto::sync::PROTOCOL_HEADER, expected = casedesk_proto::sync::PROTOCOL_VERSION)]
    ProtocolVersion,
    #[error("missing or unknown device token")]
    Unauthorized,
    #[error("the device token has been revoked")]
    TokenRevoked,
    #[error("forbidden: {0}")]
    Forbidden(String),
    #[error("bad request: {0}")]
    BadRequest(String),
    #[error("unsupported content-encoding {0:?} (use zstd or none)")]
    UnsupportedEncoding(String),
    #[error("request body too large")]
    TooLarge,
    #[error("tampered batch: {0}")]
    Tampered(String),
    #[error("gap: the hub holds events up to seq {acked_seq}; the batch starts at seq {first_seq}")]
    Gap { acked_seq: u64, first_seq: u64 },
    #[error("device forked: {0}")]
    DeviceForked(String),
    #[error("device frozen: {0}")]
    DeviceFrozen(String),
    #[error("enrollment code refused: {0}")]
    EnrollCodeInvalid(String),
    #[error("not found: {0}")]
    NotFound(String),
    /// A code without a device was used by a device the hub knows already.
    #[error(
        "device {0} is enrolled already: ask the hub administrator for a code for this device \
         (casedesk-hub enroll-code --unit UNIT --device {0})"
    )]
    DeviceEnrolled(uuid::Uuid),
    /// The pull cursor does not name what the hub holds at that position.
    #[error(
        "the hub holds another event at position {after} than the station last pulled (it was \
         restored from an older backup, or is another hub): pull again from position 0"
    )]
    CursorUnknown { after: u64 },
    #[error("too many enrollment attempts from this address: retry in {retry_after_secs} s")]
    RateLimited { retry_after_secs: u64 },
    #[error("busy: {reason}; retry in {retry_after_secs} s")]
    Busy { reason: &'static str, retry_after_secs: u64 },
    /// Bad input to an administrator's command (units file, arguments).
    #[error("{0}")]
    Invalid(String),
    #[error("database: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("database: {0}")]
    Postgres(#[from] tokio_postgres::Error),
    #[error("json: {0}")]
    Json(#[from] serde_json::Error),
    #[error("io: {0}")]
    Io(#[from] std::io::Error),
    #[error("tls: {0}")]
    Tls(String),
    /// The hub's database cannot be reached (PostgreSQL down, pool exhausted): retry later.
    #[error("the hub's database cannot be reached: {0}")]
    Unavailable(String),
    #[error("internal: {0}")]
    Internal(String),
    /// A file upload or download refused (`crate::blobs`).
    #[error("file: {0}")]
    Blob(#[from] crate::blobs::BlobError),
    /// The device may not upload this file: no accepted event it pushed names the hash.
    #[error("no accepted event of this device names the file {0}")]
    BlobNotNamed(String),
    /// The unit may not download this file: no event in its feed names the hash.
    #[error("no event in this unit's feed names the file {0}")]
    BlobForbidden(String),
    /// The hub keeps no files (PostgreSQL without a blob folder).
    #[error("this hub keeps no files (start it with --blobs DIR)")]
    BlobUnavailable,
}

impl HubError {
    /// The stable machine code of `ErrorBody`.
    pub fn code(&self) -> &'static str {
        use casedesk_proto::sync::codes;
        match self {
            HubError::ProtocolVersion => codes::PROTOCOL_VERSION,
            HubError::Unauthorized => codes::UNAUTHORIZED,
            HubError::TokenRevoked => codes::TOKEN_REVOKED,
            HubError::Forbidden(_) => codes::FORBIDDEN,
            HubError::BadRequest(_) | HubError::UnsupportedEncoding(_) | HubError::Invalid(_) => {
                codes::BAD_REQUEST
            }
            HubError::TooLarge => codes::TOO_LARGE,
            HubError::Tampered(_) => codes::TAMPERED,
            HubError::Gap { .. } => codes::GAP,
            HubError::DeviceForked(_) => codes::DEVICE_FORKED,
            HubError::DeviceFrozen(_) => codes::DEVICE_FROZEN,
            HubError::EnrollCodeInvalid(_) => codes::ENROLL_CODE_INVALID,
            HubError::NotFound(_) => codes::NOT_FOUND,
            HubError::DeviceEnrolled(_) => codes::DEVICE_ENROLLED,
            HubError::CursorUnknown { .. } => codes::CURSOR_UNKNOWN,
            HubError::RateLimited { .. } => codes::RATE_LIMITED,
            HubError::Busy { .. } | HubError::Unavailable(_) => codes::BUSY,
            HubError::Sqlite(_)
            | HubError::Postgres(_)
            | HubError::Json(_)
            | HubError::Io(_)
            | HubError::Tls(_)
            | HubError::Internal(_) => codes::INTERNAL,
            HubError::BlobNotNamed(_) => codes::BLOB_NOT_NAMED,
            HubError::BlobForbidden(_) => codes::BLOB_FORBIDDEN,
            HubError::BlobUnavailable => codes::BLOB_UNAVAILABLE,
            HubError::Blob(e) => {
                use crate::blobs::BlobError as B;
                match e {
                    B::BadName | B::Range => codes::BAD_REQUEST,
                    B::TooLarge { .. } => codes::BLOB_TOO_LARGE,
                    B::ChunkTooLarge { .. } => codes::BLOB_CHUNK_TOO_LARGE,
                    B::Offset { .. } => codes::BLOB_OFFSET,
                    B::HashMismatch { .. } => codes::BLOB_HASH_MISMATCH,
                    B::NotHere => codes::BLOB_NOT_HERE,
                    B::Io(_) => codes::INTERNAL,
                }
            }
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            HubError::ProtocolVersion => StatusCode::UPGRADE_REQUIRED,
            HubError::Unauthorized | HubError::TokenRevoked => StatusCode::UNAUTHORIZED,
            HubError::Forbidden(_) | HubError::EnrollCodeInvalid(_) => StatusCode::FORBIDDEN,
            HubError::BadRequest(_) | HubError::Invalid(_) => StatusCode::BAD_REQUEST,
            HubError::UnsupportedEncoding(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            HubError::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            HubError::Tampered(_) => StatusCode::UNPROCESSABLE_ENTITY,
            HubError::Gap { .. }
            | HubError::DeviceForked(_)
            | HubError::DeviceFrozen(_)
            | HubError::DeviceEnrolled(_)
            | HubError::CursorUnknown { .. } => StatusCode::CONFLICT,
            HubError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            HubError::Busy { .. } | HubError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            HubError::NotFound(_) => StatusCode::NOT_FOUND,
            HubError::Sqlite(_)
            | HubError::Postgres(_)
            | HubError::Json(_)
            | HubError::Io(_)
            | HubError::Tls(_)
            | HubError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
            HubError::BlobNotNamed(_) | HubError::BlobForbidden(_) => StatusCode::FORBIDDEN,
            HubError::BlobUnavailable => StatusCode::SERVICE_UNAVAILABLE,
            HubError::Blob(e) => {
                use crate::blobs::BlobError as B;
                match e {
                    B::BadName => StatusCode::BAD_REQUEST,
                    B::Range => StatusCode::RANGE_NOT_SATISFIABLE,
                    B::TooLarge { .. } | B::ChunkTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
                    B::Offset { .. } => StatusCode::CONFLICT,
                    B::HashMismatch { .. } => StatusCode::UNPROCESSABLE_ENTITY,
                    B::NotHere => StatusCode::NOT_FOUND,
                    B::Io(_) => StatusCode::INTERNAL_SERVER_ERROR,
                }
            }
        }
    }

    pub fn body(&self) -> ErrorBody {
        let message = if matches!(self, HubError::Unavailable(_)) {
            "the hub cannot reach its database: retry later".to_owned()
        } else if self.status().is_server_error()
            && !matches!(self, HubError::Busy { .. } | HubError::BlobUnavailable)
        {
            // Internal details stay in the hub's log.
            "internal error".to_owned()
        } else {
            self.to_string()
        };
        ErrorBody { code: self.code().to_owned(), message }
    }

    /// Seconds after which the request may be tried again (the `Retry-After` header), for the
    /// refusals that pass.
    pub fn retry_after_secs(&self) -> Option<u64> {
        match self {
            HubError::RateLimited { retry_after_secs }
            | HubError::Busy { retry_after_secs, .. } => Some(*retry_after_secs),
            HubError::Unavailable(_) => Some(UNAVAILABLE_RETRY_SECS),
            _ => None,
        }
    }
}

impl IntoResponse for HubError {
    fn into_response(self) -> Response {
        if self.status().is_server_error() {
            tracing::error!(error = %self, "request failed");
        }
        let mut response = (self.status(), axum::Json(self.body())).into_response();
        if let Some(secs) = self.retry_after_secs() {
            response.headers_mut().insert(RETRY_AFTER, HeaderValue::from(secs.max(1)));
        }
        response
    }
}
