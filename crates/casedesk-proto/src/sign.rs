//! Ed25519 signatures of what crosses between a station and the hub, so that either side can
//! later prove what the other said with nothing but public keys:
//! - the hub signs every `PushReceipt` (`receipt_message`) and every pull checkpoint
//!   (`checkpoint_message`) with its key, made on its first start; its public key is in the
//!   enrollment code, the enrollment answer and every status;
//! - a device signs every `PushBatch` (`batch_message`) with the key it made at enrollment
//!   and whose public key it sent then; the hub keeps the signature with the receipt.
//!
//! Keys and signatures are written as lower-case hex (32 and 64 bytes). The signed messages
//! are fixed texts, each starting with its own tag, so a signature of one kind can never pass
//! for another. Making a key needs randomness, which this crate does not have: the caller gives
//! the 32-byte seed.

use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use uuid::Uuid;

use crate::sync::PushReceipt;

/// A signing key (the 32-byte seed). Never serialized; `Debug` shows only the public key.
#[derive(Clone)]
pub struct SecretKey(SigningKey);

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SecretKey(public {})", self.public_hex())
    }
}

impl SecretKey {
    pub fn from_seed(seed: [u8; 32]) -> SecretKey {
        SecretKey(SigningKey::from_bytes(&seed))
    }

    /// A key from the hex of its seed, as `seed_hex` writes it.
    pub fn from_seed_hex(hex_seed: &str) -> Option<SecretKey> {
        let bytes: [u8; 32] = hex::decode(hex_seed.trim()).ok()?.try_into().ok()?;
        Some(SecretKey::from_seed(bytes))
    }

    /// The seed as hex, for the one place that stores it.
    pub fn seed_hex(&self) -> String {
        hex::encode(self.0.to_bytes())
    }

    /// The public key, hex.
    pub fn public_hex(&self) -> String {
        hex::encode(self.0.verifying_key().to_bytes())
    }

    /// The signature of `message`, hex.
    pub fn sign(&self, message: &[u8]) -> String {
        hex::encode(self.0.sign(message).to_bytes())
    }
}

/// Whether `signature` (hex) is `public_key`'s (hex) signature of `message`.
pub fn verify(public_key: &str, message: &[u8], signature: &str) -> bool {
    let Some(key) = hex::decode(public_key.trim())
        .ok()
        .and_then(|b| <[u8; 32]>::try_from(b).ok())
        .and_then(|b| VerifyingKey::from_bytes(&b).ok())
    else {
        return false;
    };
    let Some(sig) = hex::decode(signature.trim()).ok().and_then(|b| <[u8; 64]>::try_from(b).ok())
    else {
        return false;
    };
    key.verify(message, &Signature::from_bytes(&sig)).is_ok()
}

/// Whether `key` is a well-formed public key (hex of 32 bytes on the curve).
pub fn is_public_key(key: &str) -> bool {
    hex::decode(key.trim())
        .ok()
        .and_then(|b| <[u8; 32]>::try_from(b).ok())
        .is_some_and(|b| VerifyingKey::from_bytes(&b).is_ok())
}

/// What a device signs for a batch: its batch id (`sync::batch_id`, which covers the device,
/// the sequence numbers and the hashes, and so the content, of every event).
pub fn batch_message(batch_id: &str) -> Vec<u8> {
    format!("casedesk-batch-v1\n{batch_id}").into_bytes()
}

/// What the hub signs for a receipt: every field but the signature.
pub fn receipt_message(r: &PushReceipt) -> Vec<u8> {
    let mut m = format!(
        "casedesk-receipt-v1\n{}\n{}\n{}\n{}\n{}\n{}\n",
        r.batch_id,
        r.device,
        r.acked_seq,
        r.head_hash.to_hex(),
        r.stored,
        r.duplicates
    );
    for q in &r.quarantined {
        m.push_str(&format!("{} {} {}\n", q.id, q.seq, q.reason));
    }
    m.into_bytes()
}

/// What the hub signs for a pull checkpoint: in `unit`'s feed, position `next` holds the event
/// `checkpoint` (none at position 0).
pub fn checkpoint_message(unit: &str, next: u64, checkpoint: Option<Uuid>) -> Vec<u8> {
    let id = checkpoint.map(|c| c.to_string()).unwrap_or_default();
    format!("casedesk-checkpoint-v1\n{unit}\n{next}\n{id}").into_bytes()
}
