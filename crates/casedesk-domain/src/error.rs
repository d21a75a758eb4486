//! Errors of the domain. Each carries a message code (see `messages`), so that the CLI and
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

/// Why the domain refused something, or found data that cannot be.
#[derive(Debug, thiserror::Error)]
pub enum DomainError {
    #[error("invalid input: {0:?}")]
    Invalid(Vec<Issue>),
    #[error("illegal transition from {status} ({action})")]
    IllegalTransition { status: &'static str, action: &'static str },
    #[error("not found: {0}")]
    NotFound(String),
    #[error("integrity: {0}")]
    Integrity(String),
    #[error("unknown event kind {0}")]
    UnknownEventKind(String),
    #[error("json: {0}")]
    Json(#[from] serde_json::Error),
    /// The acting staff member's roles do not give the permission.
    #[error("permission missing: {0:?}")]
    Forbidden(crate::types::Permission),
}

pub type Result<T, E = DomainError> = std::result::Result<T, E>;

impl DomainError {
    pub fn invalid(path: impl Into<String>, code: &str) -> DomainError {
        DomainError::Invalid(vec![Issue::new(path, code)])
    }

    /// The message code of this error.
    pub fn code(&self) -> &'static str {
        match self {
            DomainError::Invalid(_) => "validation.failed",
            DomainError::IllegalTransition { .. } => "case.illegal_transition",
            DomainError::NotFound(_) => "not_found",
            DomainError::Integrity(_) => "integrity.error",
            DomainError::UnknownEventKind(_) => "event.unknown_kind",
            DomainError::Json(_) => "json.invalid",
            DomainError::Forbidden(_) => "access.denied",
        }
    }

    /// The problems with the input, each with its field path (empty for other errors).
    pub fn issues(&self) -> &[Issue] {
        match self {
            DomainError::Invalid(issues) => issues,
            _ => &[],
        }
    }

    /// The argument of this error's message.
    pub fn message_arg(&self, lang: Lang) -> String {
        match self {
            DomainError::Invalid(issues) => issues.len().to_string(),
            DomainError::IllegalTransition { status, .. } => {
                crate::types::Status::from_code(status)
                    .map_or((*status).to_owned(), |s| s.label(lang).to_owned())
            }
            DomainError::NotFound(s) | DomainError::Integrity(s) => s.clone(),
            DomainError::UnknownEventKind(s) => s.clone(),
            DomainError::Json(e) => e.to_string(),
            DomainError::Forbidden(p) => p.label(lang).to_owned(),
        }
    }

    /// A one-line message for a person, in `lang`; validation errors list every problem.
    pub fn message(&self, lang: Lang) -> String {
        message_with_issues(self.code(), &self.message_arg(lang), self.issues(), lang)
    }
}

/// The message of `code` with `arg`, followed by one line per issue.
pub fn message_with_issues(code: &str, arg: &str, issues: &[Issue], lang: Lang) -> String {
    let mut out = messages::text(code, lang, arg);
    for issue in issues {
        out.push_str(&format!("\n  {}: {}", issue.path, issue.message(lang)));
    }
    out
}
