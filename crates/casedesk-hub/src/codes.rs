//! Enrollment codes, as `casedesk-hub enroll-code` and the console make them: the code's
//! secret is stored as its SHA-256 only; the code's text carries the hub's address, the
//! certificate fingerprint to pin, and the hub's signing and bundle keys.

use casedesk_proto::sync::EnrollCode;
use uuid::Uuid;

use crate::error::{HubError, Result};
use crate::secret;
use crate::store::{HubStore, NewEnrollCode};

/// What a code is made for.
#[derive(Clone, Debug)]
pub struct CodeRequest {
    pub unit: String,
    /// An enrolled device of the unit that needs a new token; `None` for a new device.
    pub device: Option<Uuid>,
    /// The hub's URL as stations reach it.
    pub hub_url: String,
    pub valid_hours: u32,
    /// SHA-256 of the hub's certificate, for an `https://` URL.
    pub fingerprint: Option<String>,
}

/// The hub URL as a code carries it (no trailing slash), and whether it is https.
pub fn normalize_hub_url(url: &str) -> Result<(String, bool)> {
    let hub = url.trim().trim_end_matches('/').to_owned();
    let https = hub.starts_with("https://");
    if !https && !hub.starts_with("http://") {
        return Err(HubError::Invalid("the hub URL must start with https:// or http://".into()));
    }
    if hub.len() > 300 || hub.chars().any(char::is_whitespace) {
        return Err(HubError::Invalid("the hub URL is not a URL".into()));
    }
    Ok((hub, https))
}

/// Stores a new one-time code and returns it.
pub async fn make_code<S: HubStore>(
    store: &S,
    req: CodeRequest,
    now_ms: i64,
) -> Result<EnrollCode> {
    if !(1..=24 * 30).contains(&req.valid_hours) {
        return Err(HubError::Invalid("a code is valid for 1 to 720 hours".into()));
    }
    let (hub, https) = normalize_hub_url(&req.hub_url)?;
    let secret = secret::random_secret();
    store
        .create_enroll_code(NewEnrollCode {
            unit: req.unit.clone(),
            secret_sha256: secret::sha256_hex(&secret),
            created_ms: now_ms,
            expires_ms: now_ms + i64::from(req.valid_hours) * 3_600_000,
            device: req.device,
        })
        .await?;
    Ok(EnrollCode {
        hub,
        unit: req.unit,
        secret,
        fingerprint: if https { req.fingerprint } else { None },
        device: req.device,
        hub_key: Some(store.signing_key().public_hex()),
        bundle_key: casedesk_proto::bundle::recipient_of(store.bundle_identity()),
    })
}
