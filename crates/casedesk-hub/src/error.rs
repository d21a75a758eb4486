//! `HubError`: every failure of the hub, with the HTTP status and the stable `ErrorBody` code
//! each one answers with.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use casedesk_proto::sync::ErrorBody;

pub type Result<T, E = HubError> = std::result::Result<T, E>;

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
    /// Bad input to an administrator's command (units file, arguments).
    #[error("{0}")]
    Invalid(String),
    #[error("database: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("json: {0}")]
    Json(#[from] serde_json::Error),
    #[error("io: {0}")]
    Io(#[from] std::io::Error),
    #[error("tls: {0}")]
    Tls(String),
    #[error("internal: {0}")]
    Internal(String),
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
            HubError::Sqlite(_)
            | HubError::Json(_)
            | HubError::Io(_)
            | HubError::Tls(_)
            | HubError::Internal(_) => codes::INTERNAL,
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
            HubError::Gap { .. } | HubError::DeviceForked(_) | HubError::DeviceFrozen(_) => {
                StatusCode::CONFLICT
            }
            HubError::NotFound(_) => StatusCode::NOT_FOUND,
            HubError::Sqlite(_)
            | HubError::Json(_)
            | HubError::Io(_)
            | HubError::Tls(_)
            | HubError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn body(&self) -> ErrorBody {
        let message = if self.status().is_server_error() {
            // Internal details stay in the hub's log.
            "internal error".to_owned()
        } else {
            self.to_string()
        };
        ErrorBody { code: self.code().to_owned(), message }
    }
}

impl IntoResponse for HubError {
    fn into_response(self) -> Response {
        if self.status().is_server_error() {
            tracing::error!(error = %self, "request failed");
        }
        (self.status(), axum::Json(self.body())).into_response()
    }
}
