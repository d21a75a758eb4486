//! Errors of the station store: the domain's refusals, and what can go wrong with the file.

use casedesk_domain::error::message_with_issues;
use casedesk_domain::{DomainError, Issue, Lang};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The domain refused the input or found data that cannot be.
    #[error(transparent)]
    Domain(#[from] DomainError),
    #[error("station not initialized")]
    NotInitialized,
    #[error("station already initialized: {0}")]
    AlreadyInitialized(String),
    #[error("database schema {0} is newer than this program")]
    NewerSchema(i64),
    #[error("database: {0}")]
    Db(#[from] rusqlite::Error),
    #[error("io: {0}")]
    Io(#[from] std::io::Error),
    /// A file beside the log is missing or damaged (`blob.missing`, `blob.corrupt`).
    #[error("{code}: {hash}")]
    Blob { code: &'static str, hash: String },
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

impl From<serde_json::Error> for StoreError {
    fn from(e: serde_json::Error) -> StoreError {
        StoreError::Domain(DomainError::Json(e))
    }
}

impl StoreError {
    pub fn invalid(issues: Vec<Issue>) -> StoreError {
        StoreError::Domain(DomainError::Invalid(issues))
    }
    pub fn not_found(what: impl Into<String>) -> StoreError {
        StoreError::Domain(DomainError::NotFound(what.into()))
    }
    pub fn integrity(what: impl Into<String>) -> StoreError {
        StoreError::Domain(DomainError::Integrity(what.into()))
    }

    /// The message code of this error.
    pub fn code(&self) -> &'static str {
        match self {
            StoreError::Domain(e) => e.code(),
            StoreError::NotInitialized => "station.not_initialized",
            StoreError::AlreadyInitialized(_) => "station.already_initialized",
            StoreError::NewerSchema(_) => "db.newer_schema",
            StoreError::Db(_) => "db.error",
            StoreError::Io(_) => "io.error",
            StoreError::Blob { code, .. } => code,
        }
    }

    /// The problems with the input, each with its field path (empty for other errors).
    pub fn issues(&self) -> &[Issue] {
        match self {
            StoreError::Domain(e) => e.issues(),
            _ => &[],
        }
    }

    /// The argument of this error's message (`{0}` in its text), in `lang`.
    pub fn message_arg(&self, lang: Lang) -> String {
        match self {
            StoreError::Domain(e) => e.message_arg(lang),
            StoreError::AlreadyInitialized(s) => s.clone(),
            StoreError::NewerSchema(v) => v.to_string(),
            StoreError::Db(e) => e.to_string(),
            StoreError::Io(e) => e.to_string(),
            StoreError::NotInitialized => String::new(),
            StoreError::Blob { hash, .. } => hash.clone(),
        }
    }

    /// A one-line message for a person, in `lang`; validation errors list every problem.
    pub fn message(&self, lang: Lang) -> String {
        message_with_issues(self.code(), &self.message_arg(lang), self.issues(), lang)
    }
}
