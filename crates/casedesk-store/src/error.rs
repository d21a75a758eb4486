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
    /// The key does not open the file (a wrong passphrase, another station's key), or the file
    /// is not a database.
    #[error("the key does not open this database, or it is not a CaseDesk database")]
    WrongKey,
    /// A backup that cannot be used: damaged, not a station's, or from a newer version.
    #[error("backup {file}: {why}")]
    BadBackup { file: String, why: String },
    /// The key does not open this backup.
    #[error("backup {0}: made with another key or passphrase")]
    BackupWrongKey(String),
    #[error("backup not found: {0}")]
    BackupNotFound(String),
    #[error("database: {0}")]
    Db(#[from] rusqlite::Error),
    #[error("io: {0}")]
    Io(#[from] std::io::Error),
    /// Signing in, or acting as someone, failed.
    #[error("sign-in: {0:?}")]
    Auth(AuthError),
    /// A file beside the log is missing or damaged (`blob.missing`, `blob.corrupt`).
    #[error("{code}: {hash}")]
    Blob { code: &'static str, hash: String },
}

/// Why signing in or acting as a staff member failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AuthError {
    /// No one is signed in (the desktop is locked, the CLI got no `--as`).
    Required,
    UnknownStaff(String),
    /// Several active staff members have the name: the ids.
    AmbiguousStaff(String),
    Inactive(String),
    /// No password or PIN on this device.
    NoCredential(String),
    /// Wrong password or PIN; `left` more wrong tries before a lock-out.
    Failed {
        left: u32,
    },
    Locked {
        seconds: u64,
    },
    /// Too short, not a PIN of 4–8 digits, or too long.
    Weak,
    PasswordRequired,
    /// Someone already has a password or PIN on this device: the first head was made.
    FirstHeadDone,
}

impl From<AuthError> for StoreError {
    fn from(e: AuthError) -> StoreError {
        StoreError::Auth(e)
    }
}

impl AuthError {
    pub fn code(&self) -> &'static str {
        match self {
            AuthError::Required => "auth.required",
            AuthError::UnknownStaff(_) => "auth.unknown_staff",
            AuthError::AmbiguousStaff(_) => "auth.ambiguous_staff",
            AuthError::Inactive(_) => "auth.inactive",
            AuthError::NoCredential(_) => "auth.no_credential",
            AuthError::Failed { left: 0 } => "auth.failed",
            AuthError::Failed { .. } => "auth.failed_left",
            AuthError::Locked { .. } => "auth.locked",
            AuthError::Weak => "auth.password_weak",
            AuthError::PasswordRequired => "auth.password_required",
            AuthError::FirstHeadDone => "auth.first_head_done",
        }
    }

    pub fn arg(&self) -> String {
        match self {
            AuthError::UnknownStaff(s)
            | AuthError::AmbiguousStaff(s)
            | AuthError::Inactive(s)
            | AuthError::NoCredential(s) => s.clone(),
            AuthError::Failed { left } => left.to_string(),
            AuthError::Locked { seconds } => seconds.to_string(),
            AuthError::Required
            | AuthError::Weak
            | AuthError::PasswordRequired
            | AuthError::FirstHeadDone => String::new(),
        }
    }
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
            StoreError::WrongKey => "db.wrong_key",
            StoreError::BadBackup { .. } => "backup.unusable",
            StoreError::BackupWrongKey(_) => "backup.wrong_key",
            StoreError::BackupNotFound(_) => "backup.not_found",
            StoreError::Db(_) => "db.error",
            StoreError::Io(_) => "io.error",
            StoreError::Auth(e) => e.code(),
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
            StoreError::NotInitialized | StoreError::WrongKey => String::new(),
            StoreError::Auth(e) => e.arg(),
            StoreError::BadBackup { file, why } => format!("{file}: {why}"),
            StoreError::BackupWrongKey(f) | StoreError::BackupNotFound(f) => f.clone(),
            StoreError::Blob { hash, .. } => hash.clone(),
        }
    }

    /// A one-line message for a person, in `lang`; validation errors list every problem.
    pub fn message(&self, lang: Lang) -> String {
        message_with_issues(self.code(), &self.message_arg(lang), self.issues(), lang)
    }
}
