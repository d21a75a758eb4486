//! Errors of the core library. Each carries a message code (see `messages`), so that the CLI and
//! the desktop can show it in Chinese or English, and validation errors carry every problem at once.

use serde::Serialize;

use crate::messages::{self, Lang};

/// One problem with an input: where (a field path such as `complainants[0].id_number`), what (a
/// message code) and an optional argument for the message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Issue {
    pub path: String,
    pub code: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub arg: String,
}

impl Issue {
    pub fn new(path: impl Into<String>, code: &str) -> Issue {
        Issue { path: path.into(), code: code.to_owned(), arg: String::new() }
    }
    pub fn with_arg(path: impl Into<String>, code: &str, arg: impl ToString) -> Issue {
        Issue { path: path.into(), code: code.to_owned(), arg: arg.to_string() }
    }
    pub fn message(&self, lang: Lang) -> String {
        messages::text(&self.code, lang, &self.arg)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum CoreError {
    #[error("invalid input: {0:?}")]
    Invalid(Vec<Issue>),
    #[error("illegal transition from {status} ({action})")]
    IllegalTransition { status: &'static str, action: &'static str },
    #[error("not found: {0}")]
    NotFound(String),
    #[error("station not initialized")]
    NotInitialized,
    #[error("station already initialized: {0}")]
    AlreadyInitialized(String),
    #[error("database schema {0} is newer than this program")]
    NewerSchema(i64),
    #[error("integrity: {0}")]
    Integrity(String),
    #[error("unknown event kind {0}")]
    UnknownEventKind(String),
    #[error("database: {0}")]
    Db(#[from] rusqlite::Error),
    #[error("json: {0}")]
    Json(#[from] serde_json::Error),
    #[error("io: {0}")]
    Io(#[from] std::io::Error),
}

pub type Result<T, E = CoreError> = std::result::Result<T, E>;

impl CoreError {
    pub fn invalid(path: impl Into<String>, code: &str) -> CoreError {
        CoreError::Invalid(vec![Issue::new(path, code)])
    }

    /// The message code of this error.
    pub fn code(&self) -> &'static str {
        match self {
            CoreError::Invalid(_) => "validation.failed",
            CoreError::IllegalTransition { .. } => "case.illegal_transition",
            CoreError::NotFound(_) => "not_found",
            CoreError::NotInitialized => "station.not_initialized",
            CoreError::AlreadyInitialized(_) => "station.already_initialized",
            CoreError::NewerSchema(_) => "db.newer_schema",
            CoreError::Integrity(_) => "integrity.error",
            CoreError::UnknownEventKind(_) => "event.unknown_kind",
            CoreError::Db(_) => "db.error",
            CoreError::Json(_) => "json.invalid",
            CoreError::Io(_) => "io.error",
        }
    }

    /// The problems with the input, each with its field path (empty for other errors).
    pub fn issues(&self) -> &[Issue] {
        match self {
            CoreError::Invalid(issues) => issues,
            _ => &[],
        }
    }

    /// A one-line message for a person, in `lang`; validation errors list every problem.
    pub fn message(&self, lang: Lang) -> String {
        let arg = match self {
            CoreError::Invalid(issues) => issues.len().to_string(),
            CoreError::IllegalTransition { status, .. } => {
                crate::domain::types::Status::from_code(status)
                    .map_or((*status).to_owned(), |s| s.label(lang).to_owned())
            }
            CoreError::NotFound(s) | CoreError::AlreadyInitialized(s) | CoreError::Integrity(s) => {
                s.clone()
            }
            CoreError::UnknownEventKind(s) => s.clone(),
            CoreError::NewerSchema(v) => v.to_string(),
            CoreError::Db(e) => e.to_string(),
            CoreError::Json(e) => e.to_string(),
            CoreError::Io(e) => e.to_string(),
            CoreError::NotInitialized => String::new(),
        };
        let mut out = messages::text(self.code(), lang, &arg);
        for issue in self.issues() {
            out.push_str(&format!("\n  {}: {}", issue.path, issue.message(lang)));
        }
        out
    }
}
