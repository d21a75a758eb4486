//! Files (`blobs/`) at rest on an encrypted station: each file is sealed with XChaCha20-Poly1305
//! under a key derived from the database key (HKDF-SHA256, its own `info`), so a copied
//! `blobs/` folder shows nothing of the evidence photos and issued documents, as the station
//! file shows nothing of the cases.
//!
//! A sealed file is `MAGIC` (8 bytes), then the ciphertext with its 16-byte tag. The nonce is
//! derived from the key and the file's name (the SHA-256 of its content), and the name is the
//! associated data: the same content always seals to the same bytes (the name already tells
//! that much), two contents never share a nonce, and a sealed file put under another name does
//! not open. A file without `MAGIC` is plain: a station without a key, or a file kept before
//! this (`Store::seal_plain_blobs` seals those); reading checks the hash either way.

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use hkdf::Hkdf;
use sha2::Sha256;
use zeroize::Zeroizing;

use crate::crypt::DbKey;
use crate::error::StoreError;

/// The first bytes of a sealed file.
pub(crate) const MAGIC: &[u8; 8] = b"CDKBLOB1";

/// The blob key of a station, derived from its database key.
pub(crate) struct BlobKey {
    hk: Hkdf<Sha256>,
    cipher: XChaCha20Poly1305,
}

impl BlobKey {
    pub(crate) fn derive(db: &DbKey) -> BlobKey {
        let hk = Hkdf::<Sha256>::new(Some(b"casedesk blobs"), db.bytes());
        let mut key = Zeroizing::new([0u8; 32]);
        // 32 bytes are always within HKDF-SHA256's output length.
        let _ = hk.expand(b"casedesk blob key v1", &mut *key);
        let cipher = XChaCha20Poly1305::new((&*key).into());
        BlobKey { hk, cipher }
    }

    fn nonce(&self, name: &str) -> XNonce {
        let mut n = [0u8; 24];
        let info = [b"casedesk blob nonce v1 ".as_slice(), name.as_bytes()].concat();
        let _ = self.hk.expand(&info, &mut n);
        XNonce::from(n)
    }

    /// `plain` sealed under `name` (an error only past the cipher's length limit, far above
    /// `limits::MAX_BLOB_BYTES`: never an empty or partial file).
    pub(crate) fn seal(&self, name: &str, plain: &[u8]) -> Result<Vec<u8>, StoreError> {
        let sealed = self
            .cipher
            .encrypt(&self.nonce(name), Payload { msg: plain, aad: name.as_bytes() })
            .map_err(|_| StoreError::Blob { code: "blob.too_large", hash: name.to_owned() })?;
        Ok([MAGIC.as_slice(), &sealed].concat())
    }

    /// The content of a sealed file named `name`; None when it does not open (changed, cut
    /// short, under another name, or sealed with another key).
    pub(crate) fn open(&self, name: &str, file: &[u8]) -> Option<Vec<u8>> {
        let body = file.strip_prefix(MAGIC.as_slice())?;
        self.cipher.decrypt(&self.nonce(name), Payload { msg: body, aad: name.as_bytes() }).ok()
    }
}

/// Whether a file's bytes are sealed.
pub(crate) fn is_sealed(file: &[u8]) -> bool {
    file.starts_with(MAGIC)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seals_deterministically_opens_only_whole_under_its_name_and_key() {
        let key = BlobKey::derive(&DbKey::from_bytes([7; 32]));
        let (a, b) = ("a".repeat(64), "b".repeat(64));
        let sealed = key.seal(&a, b"receipt photo").unwrap();
        assert!(is_sealed(&sealed) && !is_sealed(b"receipt photo"));
        assert!(!sealed.windows(7).any(|w| w == b"receipt"));
        assert_eq!(key.seal(&a, b"receipt photo").unwrap(), sealed, "same content, same bytes");
        assert_eq!(key.open(&a, &sealed).as_deref(), Some(&b"receipt photo"[..]));
        assert_eq!(key.open(&b, &sealed), None, "under another name");
        let other = BlobKey::derive(&DbKey::from_bytes([8; 32]));
        assert_eq!(other.open(&a, &sealed), None, "with another key");
        let mut changed = sealed.clone();
        *changed.last_mut().unwrap() ^= 1;
        assert_eq!(key.open(&a, &changed), None, "changed");
        assert_eq!(key.open(&a, &sealed[..sealed.len() - 1]), None, "cut short");
        assert_eq!(key.open(&a, b"receipt photo"), None, "plain bytes are not sealed ones");
    }
}
