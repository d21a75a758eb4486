//! TLS for the hub: a self-signed certificate made on first start (rcgen, ECDSA P-256) and kept
//! next to the database as `<db>.crt` and `<db>.key`, its SHA-256 fingerprint (hex of the DER,
//! which enrollment codes carry so that stations can pin it), and the rustls server config on
//! the ring crypto provider.

use std::ffi::OsString;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls::ServerConfig;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use sha2::{Digest, Sha256};

use crate::error::{HubError, Result};

/// Subject alternative names of a generated certificate when none are given.
pub const DEFAULT_TLS_NAMES: &[&str] = &["localhost", "127.0.0.1"];

/// Where a certificate and its key are.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TlsFiles {
    pub cert: PathBuf,
    pub key: PathBuf,
}

impl TlsFiles {
    /// `<db>.crt` and `<db>.key`.
    pub fn beside(db: &Path) -> TlsFiles {
        let with = |ext: &str| {
            let mut name = OsString::from(db.as_os_str());
            name.push(ext);
            PathBuf::from(name)
        };
        TlsFiles { cert: with(".crt"), key: with(".key") }
    }
}

/// Makes a self-signed certificate for `names` (DNS names or IP addresses) and writes it, the
/// key readable by its owner only, unless both files exist already. Returns whether it made one.
pub fn ensure_self_signed(files: &TlsFiles, names: &[String]) -> Result<bool> {
    if files.cert.exists() && files.key.exists() {
        return Ok(false);
    }
    let names = if names.is_empty() {
        DEFAULT_TLS_NAMES.iter().map(|s| (*s).to_owned()).collect()
    } else {
        names.to_vec()
    };
    let mut params = rcgen::CertificateParams::new(names)
        .map_err(|e| HubError::Tls(format!("certificate names: {e}")))?;
    params.distinguished_name = rcgen::DistinguishedName::new();
    params.distinguished_name.push(rcgen::DnType::CommonName, "CaseDesk hub");
    let key = rcgen::KeyPair::generate().map_err(|e| HubError::Tls(format!("key: {e}")))?;
    let cert = params.self_signed(&key).map_err(|e| HubError::Tls(format!("certificate: {e}")))?;
    write_private(&files.key, key.serialize_pem().as_bytes())?;
    fs::write(&files.cert, cert.pem())?;
    Ok(true)
}

fn write_private(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    Ok(())
}

/// The certificates of a PEM file, leaf first.
fn read_certs(path: &Path) -> Result<Vec<CertificateDer<'static>>> {
    let certs = CertificateDer::pem_file_iter(path)
        .and_then(|it| it.collect::<std::result::Result<Vec<_>, _>>())
        .map_err(|e| HubError::Tls(format!("{}: {e}", path.display())))?;
    if certs.is_empty() {
        return Err(HubError::Tls(format!("{}: no certificate", path.display())));
    }
    Ok(certs)
}

/// SHA-256 of the DER of `der`, as 64 lower-case hex digits.
pub fn fingerprint(der: &[u8]) -> String {
    hex::encode(Sha256::digest(der))
}

/// The fingerprint of the first (leaf) certificate of a PEM file.
pub fn fingerprint_of_file(cert: &Path) -> Result<String> {
    let certs = read_certs(cert)?;
    Ok(fingerprint(&certs[0]))
}

/// A rustls server config (ring provider, TLS 1.3 and 1.2, HTTP/1.1) for a PEM certificate
/// chain and key.
pub fn server_config(files: &TlsFiles) -> Result<Arc<ServerConfig>> {
    let certs = read_certs(&files.cert)?;
    let key = PrivateKeyDer::from_pem_file(&files.key)
        .map_err(|e| HubError::Tls(format!("{}: {e}", files.key.display())))?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| HubError::Tls(e.to_string()))?
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .map_err(|e| HubError::Tls(e.to_string()))?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_once_and_fingerprint_is_stable() {
        let dir = tempfile::tempdir().expect("tempdir");
        let files = TlsFiles::beside(&dir.path().join("hub.db"));
        assert_eq!(files.cert, dir.path().join("hub.db.crt"));
        assert!(
            ensure_self_signed(&files, &["hub.example".into(), "10.0.0.5".into()]).expect("make")
        );
        let fp = fingerprint_of_file(&files.cert).expect("fingerprint");
        assert_eq!(fp.len(), 64);
        assert!(!ensure_self_signed(&files, &[]).expect("keep"));
        assert_eq!(fingerprint_of_file(&files.cert).expect("fingerprint"), fp);
        server_config(&files).expect("config");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&files.key).expect("key").permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
