//! The HTTP transport to the hub: ureq (blocking, no async runtime in the core), zstd bodies,
//! and TLS pinned to the hub certificate's SHA-256 fingerprint from the enrollment code, so a
//! self-hosted hub with a self-signed certificate is trusted exactly, and nothing else is.

use std::io::{Read, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use casedesk_proto::limits;
use casedesk_proto::sync::{
    BlobUploadState, DeviceStatus, EnrollRequest, EnrollResponse, ErrorBody, Health,
    PROTOCOL_HEADER, PROTOCOL_VERSION, PullPage, PushBatch, PushReceipt,
};
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{ClientConfig, ClientConnection, DigitallySignedStruct, SignatureScheme, StreamOwned};
use sha2::{Digest, Sha256};
use ureq::unversioned::resolver::DefaultResolver;
use ureq::unversioned::transport::{
    Buffers, ConnectionDetails, Connector, Either, LazyBuffers, NextTimeout, TcpConnector,
    Transport as UreqTransport, TransportAdapter,
};

use crate::{HubEndpoint, SyncError, Transport};

pub struct HttpTransport {
    agent: ureq::Agent,
    base: String,
    token: String,
    /// Raised by the certificate check when the hub shows another certificate than the pin.
    pin_mismatch: Arc<AtomicBool>,
}

/// Generous: a 2G link moves 8 KB/s at best.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(180);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(20);

/// An agent for `endpoint`, and the flag its certificate check raises on a pin mismatch.
fn agent(endpoint: &HubEndpoint) -> Result<(ureq::Agent, Arc<AtomicBool>), SyncError> {
    endpoint.check()?;
    let config = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_connect(Some(CONNECT_TIMEOUT))
        .timeout_global(Some(REQUEST_TIMEOUT))
        .user_agent(concat!("casedesk/", env!("CARGO_PKG_VERSION")))
        .build();
    let mismatch = Arc::new(AtomicBool::new(false));
    let Some(fingerprint) = endpoint.fingerprint.as_deref() else {
        // `check` let a plain http address through: the development flag is set.
        let agent =
            ureq::Agent::with_parts(config, TcpConnector::default(), DefaultResolver::default());
        return Ok((agent, mismatch));
    };
    let fingerprint = Some(fingerprint.trim().to_ascii_lowercase())
        .filter(|f| f.len() == 64 && f.chars().all(|c| c.is_ascii_hexdigit()))
        .ok_or_else(|| {
            SyncError::Protocol(
                "the certificate fingerprint from the enrollment code is not 64 hex digits".into(),
            )
        })?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let tls = ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| SyncError::Protocol(e.to_string()))?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(Pinned {
            fingerprint,
            provider,
            mismatch: Arc::clone(&mismatch),
        }))
        .with_no_client_auth();
    let connector = ().chain(TcpConnector::default()).chain(PinnedTls { config: Arc::new(tls) });
    Ok((ureq::Agent::with_parts(config, connector, DefaultResolver::default()), mismatch))
}

impl HttpTransport {
    pub fn new(endpoint: &HubEndpoint, token: &str) -> Result<HttpTransport, SyncError> {
        let (agent, pin_mismatch) = agent(endpoint)?;
        Ok(HttpTransport {
            agent,
            base: endpoint.url.trim_end_matches('/').to_owned(),
            token: token.to_owned(),
            pin_mismatch,
        })
    }

    /// A failed request: a pin mismatch if the certificate check said so, else the network.
    fn failed(&self, e: ureq::Error) -> SyncError {
        failure(&self.pin_mismatch, e)
    }

    /// `GET /v1/health`: does the hub answer at all?
    pub fn health_info(&self) -> Result<Health, SyncError> {
        let resp = self
            .agent
            .get(format!("{}/v1/health", self.base))
            .header(PROTOCOL_HEADER, PROTOCOL_VERSION.to_string())
            .call()
            .map_err(|e| self.failed(e))?;
        read_json(resp)
    }
}

/// Enrolls this device with the code's secret; the answer carries the device token.
pub fn enroll(endpoint: &HubEndpoint, req: &EnrollRequest) -> Result<EnrollResponse, SyncError> {
    let (agent, mismatch) = agent(endpoint)?;
    let body = serde_json::to_vec(req).map_err(|e| SyncError::Protocol(e.to_string()))?;
    let resp = agent
        .post(format!("{}/v1/enroll", endpoint.url.trim_end_matches('/')))
        .header(PROTOCOL_HEADER, PROTOCOL_VERSION.to_string())
        .header("content-type", "application/json")
        .send(&body[..])
        .map_err(|e| failure(&mismatch, e))?;
    read_json(resp)
}

fn failure(pin_mismatch: &AtomicBool, e: ureq::Error) -> SyncError {
    if pin_mismatch.load(Ordering::Relaxed) {
        SyncError::PinMismatch
    } else {
        SyncError::Network(e.to_string())
    }
}

/// Reads an answer of at most `limits::MAX_RESPONSE_BYTES` (and as much once decompressed):
/// a hub, or something posing as one, cannot make the station read without end.
fn read_json<T: serde::de::DeserializeOwned>(
    resp: ureq::http::Response<ureq::Body>,
) -> Result<T, SyncError> {
    let status = resp.status().as_u16();
    let zstd = resp.headers().get("content-encoding").is_some_and(|v| v.as_bytes() == b"zstd");
    let cap = limits::MAX_RESPONSE_BYTES as u64;
    let mut raw = Vec::new();
    resp.into_body()
        .into_reader()
        .take(cap + 1)
        .read_to_end(&mut raw)
        .map_err(|e| SyncError::Network(e.to_string()))?;
    if raw.len() as u64 > cap {
        return Err(SyncError::Protocol(format!("the hub's answer is larger than {cap} bytes")));
    }
    let bytes = if zstd {
        let mut decoder = zstd::stream::read::Decoder::new(&raw[..])
            .map_err(|e| SyncError::Protocol(format!("zstd: {e}")))?;
        decoder
            .window_log_max(limits::ZSTD_WINDOW_LOG_MAX)
            .map_err(|e| SyncError::Protocol(format!("zstd: {e}")))?;
        let mut out = Vec::new();
        decoder
            .take(cap + 1)
            .read_to_end(&mut out)
            .map_err(|e| SyncError::Protocol(format!("zstd: {e}")))?;
        if out.len() as u64 > cap {
            return Err(SyncError::Protocol(format!(
                "the hub's answer expands to more than {cap} bytes"
            )));
        }
        out
    } else {
        raw
    };
    if !(200..300).contains(&status) {
        let body = serde_json::from_slice::<ErrorBody>(&bytes).unwrap_or_else(|_| ErrorBody {
            code: format!("http_{status}"),
            message: String::from_utf8_lossy(&bytes).chars().take(200).collect(),
        });
        return Err(SyncError::Hub { status, body });
    }
    serde_json::from_slice(&bytes).map_err(|e| SyncError::Protocol(format!("bad answer: {e}")))
}

/// The HTTP transport to `endpoint` with `token`, for the worker.
pub fn connect(endpoint: &HubEndpoint, token: &str) -> Result<Box<dyn Transport>, SyncError> {
    Ok(Box::new(HttpTransport::new(endpoint, token)?))
}

impl Transport for HttpTransport {
    fn health(&mut self) -> Result<(), SyncError> {
        self.health_info().map(|_| ())
    }

    fn status(&mut self, head: u64) -> Result<DeviceStatus, SyncError> {
        let resp = self
            .agent
            .get(format!("{}/v1/status?head={head}", self.base))
            .header(PROTOCOL_HEADER, PROTOCOL_VERSION.to_string())
            .header("authorization", format!("Bearer {}", self.token))
            .call()
            .map_err(|e| self.failed(e))?;
        read_json(resp)
    }

    fn push(&mut self, batch: &PushBatch) -> Result<PushReceipt, SyncError> {
        let json = serde_json::to_vec(batch).map_err(|e| SyncError::Protocol(e.to_string()))?;
        let body =
            zstd::encode_all(&json[..], 9).map_err(|e| SyncError::Protocol(e.to_string()))?;
        crate::failpoint("push_before_send");
        let resp = self
            .agent
            .post(format!("{}/v1/push", self.base))
            .header(PROTOCOL_HEADER, PROTOCOL_VERSION.to_string())
            .header("authorization", format!("Bearer {}", self.token))
            .header("content-type", "application/json")
            .header("content-encoding", "zstd")
            .send(&body[..])
            .map_err(|e| self.failed(e))?;
        crate::failpoint("push_after_send");
        read_json(resp)
    }

    fn pull(
        &mut self,
        after: u64,
        checkpoint: Option<uuid::Uuid>,
        limit: u32,
    ) -> Result<PullPage, SyncError> {
        let at = checkpoint.map(|c| format!("&checkpoint={c}")).unwrap_or_default();
        let resp = self
            .agent
            .get(format!("{}/v1/pull?after={after}&limit={limit}{at}", self.base))
            .header(PROTOCOL_HEADER, PROTOCOL_VERSION.to_string())
            .header("authorization", format!("Bearer {}", self.token))
            .header("accept-encoding", "zstd")
            .call()
            .map_err(|e| self.failed(e))?;
        read_json(resp)
    }

    fn blob_state(&mut self, sha256: &str) -> Result<BlobUploadState, SyncError> {
        check_name(sha256)?;
        let resp = self
            .agent
            .get(format!("{}/v1/blobs/{sha256}/upload", self.base))
            .header(PROTOCOL_HEADER, PROTOCOL_VERSION.to_string())
            .header("authorization", format!("Bearer {}", self.token))
            .call()
            .map_err(|e| self.failed(e))?;
        read_json(resp)
    }

    fn blob_put(
        &mut self,
        sha256: &str,
        offset: u64,
        chunk: &[u8],
    ) -> Result<BlobUploadState, SyncError> {
        check_name(sha256)?;
        let resp = self
            .agent
            .put(format!("{}/v1/blobs/{sha256}/upload?offset={offset}", self.base))
            .header(PROTOCOL_HEADER, PROTOCOL_VERSION.to_string())
            .header("authorization", format!("Bearer {}", self.token))
            .header("content-type", "application/octet-stream")
            .send(chunk)
            .map_err(|e| self.failed(e))?;
        read_json(resp)
    }

    fn blob_get(&mut self, sha256: &str, offset: u64, len: u64) -> Result<Vec<u8>, SyncError> {
        check_name(sha256)?;
        let last = offset + len.max(1) - 1;
        let resp = self
            .agent
            .get(format!("{}/v1/blobs/{sha256}", self.base))
            .header(PROTOCOL_HEADER, PROTOCOL_VERSION.to_string())
            .header("authorization", format!("Bearer {}", self.token))
            .header("range", format!("bytes={offset}-{last}"))
            .call()
            .map_err(|e| self.failed(e))?;
        let status = resp.status().as_u16();
        if status != 206 && status != 200 {
            return read_json::<serde_json::Value>(resp).and_then(|v| {
                Err(SyncError::Protocol(format!("the hub answered {status} with {v}")))
            });
        }
        // A hub that ignored the range (200) sends the whole file: take the part asked for.
        let skip = if status == 200 { offset } else { 0 };
        let mut raw = Vec::new();
        let mut reader = resp.into_body().into_reader();
        std::io::copy(&mut (&mut reader).take(skip), &mut std::io::sink())
            .map_err(|e| SyncError::Network(e.to_string()))?;
        reader
            .take(len + 1)
            .read_to_end(&mut raw)
            .map_err(|e| SyncError::Network(e.to_string()))?;
        if raw.len() as u64 > len {
            raw.truncate(len as usize);
        }
        Ok(raw)
    }
}

/// A file name is a SHA-256 in lower-case hex (it goes into a URL path).
fn check_name(sha256: &str) -> Result<(), SyncError> {
    if sha256.len() == 64
        && sha256.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    {
        Ok(())
    } else {
        Err(SyncError::Protocol(format!("not a file hash: {sha256:?}")))
    }
}

/// Accepts exactly the certificate whose SHA-256 is `fingerprint`, whatever name it carries;
/// the handshake signatures are still checked against that certificate's key.
#[derive(Debug)]
struct Pinned {
    fingerprint: String,
    provider: Arc<rustls::crypto::CryptoProvider>,
    mismatch: Arc<AtomicBool>,
}

impl ServerCertVerifier for Pinned {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let got = hex::encode(Sha256::digest(end_entity.as_ref()));
        if got == self.fingerprint {
            Ok(ServerCertVerified::assertion())
        } else {
            self.mismatch.store(true, Ordering::Relaxed);
            Err(rustls::Error::General(format!(
                "hub certificate fingerprint {got} is not the pinned one"
            )))
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider.signature_verification_algorithms.supported_schemes()
    }
}

/// A ureq connector that wraps the TCP stream in rustls with our pinned configuration.
#[derive(Debug)]
struct PinnedTls {
    config: Arc<ClientConfig>,
}

impl<In: UreqTransport> Connector<In> for PinnedTls {
    type Out = Either<In, PinnedTransport>;

    fn connect(
        &self,
        details: &ConnectionDetails,
        chained: Option<In>,
    ) -> Result<Option<Self::Out>, ureq::Error> {
        let Some(transport) = chained else { return Ok(None) };
        if !details.needs_tls() || transport.is_tls() {
            return Ok(Some(Either::A(transport)));
        }
        let host = details
            .uri
            .host()
            .unwrap_or("casedesk-hub")
            .trim_start_matches('[')
            .trim_end_matches(']');
        let name = ServerName::try_from(host.to_owned())
            .unwrap_or_else(|_| ServerName::try_from("casedesk-hub").expect("a valid DNS name"));
        let mut conn = ClientConnection::new(self.config.clone(), name)
            .map_err(|e| ureq::Error::Io(std::io::Error::other(e)))?;
        let mut sock = TransportAdapter::new(transport.boxed(), details.current_time.clone());
        sock.set_timeout(details.timeout);
        conn.complete_io(&mut sock)?;
        let buffers = LazyBuffers::new(
            details.config.input_buffer_size(),
            details.config.output_buffer_size(),
        );
        Ok(Some(Either::B(PinnedTransport { buffers, stream: StreamOwned { conn, sock } })))
    }
}

struct PinnedTransport {
    buffers: LazyBuffers,
    stream: StreamOwned<ClientConnection, TransportAdapter>,
}

impl std::fmt::Debug for PinnedTransport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PinnedTransport").finish_non_exhaustive()
    }
}

impl UreqTransport for PinnedTransport {
    fn buffers(&mut self) -> &mut dyn Buffers {
        &mut self.buffers
    }

    fn transmit_output(&mut self, amount: usize, timeout: NextTimeout) -> Result<(), ureq::Error> {
        self.stream.get_mut().set_timeout(timeout);
        let output = &self.buffers.output()[..amount];
        self.stream.write_all(output)?;
        Ok(())
    }

    fn await_input(&mut self, timeout: NextTimeout) -> Result<bool, ureq::Error> {
        self.stream.get_mut().set_timeout(timeout);
        let input = self.buffers.input_append_buf();
        let amount = self.stream.read(input)?;
        self.buffers.input_appended(amount);
        Ok(amount > 0)
    }

    fn is_open(&mut self) -> bool {
        self.stream.get_mut().get_mut().is_open()
    }

    fn is_tls(&self) -> bool {
        true
    }
}
