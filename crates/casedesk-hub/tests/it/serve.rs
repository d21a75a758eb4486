//! The `casedesk-hub` binary over loopback: TLS with a self-signed certificate that a client
//! pins by fingerprint, the after-commit failpoint (the hub dies between commit and reply; the
//! resend gets the stored receipt), graceful shutdown on SIGTERM, and the administrator's
//! commands.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;

use casedesk_proto::sync::{
    DeviceStatus, EnrollCode, EnrollRequest, EnrollResponse, ErrorBody, PROTOCOL_HEADER, PullPage,
    PushBatch, PushReceipt,
};
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};
use sha2::{Digest, Sha256};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;
use uuid::Uuid;

use crate::support::{Station, UNITS_CSV, zstd};

const BIN: &str = env!("CARGO_BIN_EXE_casedesk-hub");

/// Runs an administrator's command; returns stdout, failing the test on a non-zero exit.
fn cli(args: &[&str]) -> String {
    let out = Command::new(BIN).args(args).output().expect("run casedesk-hub");
    assert!(
        out.status.success(),
        "casedesk-hub {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}

/// A running `casedesk-hub serve`, killed when dropped.
struct HubProcess {
    child: Child,
    addr: String,
    fingerprint: Option<String>,
    log: PathBuf,
}

impl HubProcess {
    fn start(db: &Path, extra: &[&str], env: &[(&str, &str)]) -> HubProcess {
        let log = db.with_extension(format!("log{}", Uuid::now_v7().simple()));
        let stderr = std::fs::File::create(&log).expect("log file");
        let db = db.to_str().expect("utf-8 path");
        let mut child = Command::new(BIN)
            .args(["serve", "--db", db, "--listen", "127.0.0.1:0"])
            .args(extra)
            .envs(env.iter().copied())
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .expect("spawn hub");
        let stdout = child.stdout.take().expect("stdout");
        let mut lines = BufReader::new(stdout).lines();
        let mut fingerprint = None;
        loop {
            let Some(Ok(line)) = lines.next() else {
                let _ = child.kill();
                let _ = child.wait();
                let log = std::fs::read_to_string(&log).unwrap_or_default();
                panic!("the hub stopped before listening:\n{log}");
            };
            if let Some(fp) = line.strip_prefix("fingerprint (SHA-256) ") {
                fingerprint = Some(fp.trim().to_owned());
            }
            if let Some(addr) = line.strip_prefix("listening on ") {
                let addr = addr.trim().to_owned();
                // Nothing more is printed on stdout; keep reading so the pipe never breaks.
                std::thread::spawn(move || lines.for_each(drop));
                return HubProcess { child, addr, fingerprint, log };
            }
        }
    }

    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for HubProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Accepts exactly the server certificate whose SHA-256 fingerprint it was given.
#[derive(Debug)]
struct Pinned {
    fingerprint: String,
    provider: Arc<CryptoProvider>,
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
        if hex::encode(Sha256::digest(end_entity.as_ref())) == self.fingerprint {
            Ok(ServerCertVerified::assertion())
        } else {
            Err(rustls::Error::General("certificate fingerprint mismatch".into()))
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

async fn tls_connect(
    addr: &str,
    fingerprint: &str,
) -> std::io::Result<tokio_rustls::client::TlsStream<TcpStream>> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let verifier = Pinned { fingerprint: fingerprint.to_owned(), provider: Arc::clone(&provider) };
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(std::io::Error::other)?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth();
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    let tcp = TcpStream::connect(addr).await?;
    let name = ServerName::try_from("localhost").map_err(std::io::Error::other)?;
    connector.connect(name, tcp).await
}

/// One HTTP/1.1 request on `stream`; returns the status and the body.
async fn http<S: AsyncRead + AsyncWrite + Unpin>(
    stream: &mut S,
    method: &str,
    path: &str,
    headers: &[(&str, String)],
    body: &[u8],
) -> std::io::Result<(u16, Vec<u8>)> {
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nhost: localhost\r\nconnection: close\r\n\
         {PROTOCOL_HEADER}: 1\r\ncontent-length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).await?;
    stream.write_all(body).await?;
    stream.flush().await?;

    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    loop {
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
            let length = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse::<usize>().ok())
                .ok_or_else(|| std::io::Error::other(format!("no content-length: {head}")))?;
            if buf.len() >= end + 4 + length {
                let status = head
                    .split_whitespace()
                    .nth(1)
                    .and_then(|s| s.parse().ok())
                    .ok_or_else(|| std::io::Error::other("no status"))?;
                return Ok((status, buf[end + 4..end + 4 + length].to_vec()));
            }
        }
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        buf.extend_from_slice(&chunk[..n]);
    }
}

/// A hub database with the test units.
fn hub_db(dir: &Path) -> PathBuf {
    let db = dir.join("hub.db");
    let units = dir.join("units.csv");
    std::fs::write(&units, UNITS_CSV).expect("units file");
    let db_arg = db.to_str().expect("utf-8 path");
    let out = cli(&["units", "import", "--db", db_arg, units.to_str().expect("utf-8 path")]);
    assert!(out.contains("5 new"), "{out}");
    // Importing again changes nothing.
    let out = cli(&["units", "import", "--db", db_arg, units.to_str().expect("utf-8 path")]);
    assert!(out.contains("5 unchanged"), "{out}");
    db
}

fn enroll_request(code: &EnrollCode, device: Uuid) -> Vec<u8> {
    serde_json::to_vec(&EnrollRequest {
        secret: code.secret.clone(),
        device,
        unit: code.unit.clone(),
        device_name: "测试机".into(),
        app_version: "0.1.0".into(),
        device_code: String::new(),
        device_key: None,
    })
    .expect("json")
}

#[tokio::test]
async fn tls_with_a_pinned_fingerprint_end_to_end() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = hub_db(dir.path());
    let db_arg = db.to_str().expect("utf-8 path");
    let hub = HubProcess::start(&db, &["--tls-names", "localhost,127.0.0.1,hub.example"], &[]);
    let fingerprint = hub.fingerprint.clone().expect("a TLS hub prints its fingerprint");
    assert_eq!(fingerprint.len(), 64);
    assert!(db.with_extension("db.crt").exists() && db.with_extension("db.key").exists());

    // The enrollment code carries the hub's URL, unit, secret and fingerprint.
    let url = format!("https://{}", hub.addr);
    let text = cli(&["enroll-code", "--db", db_arg, "--unit", "HX02", "--hub-url", &url]);
    let code = EnrollCode::decode(&text).expect("a code");
    assert_eq!((code.hub.as_str(), code.unit.as_str()), (url.as_str(), "HX02"));
    assert_eq!(code.fingerprint.as_deref(), Some(fingerprint.as_str()));

    let device = Uuid::now_v7();
    let mut conn = tls_connect(&hub.addr, &fingerprint).await.expect("pinned handshake");
    let json = ("content-type", "application/json".to_owned());
    let (status, body) =
        http(&mut conn, "POST", "/v1/enroll", &[json], &enroll_request(&code, device))
            .await
            .expect("enroll");
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    let enrolled: EnrollResponse = serde_json::from_slice(&body).expect("response");

    // Push a case over TLS, then read the status.
    let mut st = Station {
        device,
        unit: "HX02".into(),
        token: enrolled.token,
        chain: Vec::new(),
        key: None,
    };
    st.new_case(1);
    let batch = serde_json::to_vec(&PushBatch { device, events: st.events(1, 2), signature: None })
        .expect("json");
    let auth = ("authorization", format!("Bearer {}", st.token));
    let mut conn = tls_connect(&hub.addr, &fingerprint).await.expect("handshake");
    let headers = [auth.clone(), ("content-encoding", "zstd".to_owned())];
    let (status, body) =
        http(&mut conn, "POST", "/v1/push", &headers, &zstd(&batch)).await.expect("push");
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    assert_eq!(serde_json::from_slice::<PushReceipt>(&body).expect("receipt").acked_seq, 2);
    let mut conn = tls_connect(&hub.addr, &fingerprint).await.expect("handshake");
    let (status, body) = http(&mut conn, "GET", "/v1/status", std::slice::from_ref(&auth), b"")
        .await
        .expect("status");
    assert_eq!(status, 200);
    assert_eq!(serde_json::from_slice::<DeviceStatus>(&body).expect("status").acked_seq, 2);

    // Another certificate's fingerprint: the client refuses the handshake.
    let wrong = "00".repeat(32);
    assert!(tls_connect(&hub.addr, &wrong).await.is_err());

    // The administrator's view, while the hub runs.
    let devices = cli(&["devices", "--db", db_arg]);
    assert!(devices.contains(&device.to_string()) && devices.contains("active"), "{devices}");
    let units = cli(&["units", "list", "--db", db_arg]);
    assert!(units.contains("格尔木市投诉联络站"), "{units}");
    cli(&["revoke", "--db", db_arg, "--device", &device.to_string()]);
    let mut conn = tls_connect(&hub.addr, &fingerprint).await.expect("handshake");
    let (status, body) = http(&mut conn, "GET", "/v1/status", &[auth], b"").await.expect("status");
    assert_eq!(status, 401);
    assert!(String::from_utf8_lossy(&body).contains("token_revoked"));
    assert!(cli(&["devices", "--db", db_arg]).contains("revoked"));

    // The log shows requests with their device, not the token.
    let log = hub.log();
    assert!(log.contains("/v1/push") && log.contains(&device.to_string()), "{log}");
    assert!(!log.contains(&st.token));

    // SIGTERM: a graceful stop, exit status 0.
    let mut hub = hub;
    let pid = hub.child.id().to_string();
    let killed = Command::new("kill").args(["-TERM", &pid]).status().expect("kill");
    assert!(killed.success());
    let status = hub.child.wait().expect("wait");
    assert!(status.success(), "{status:?}\n{}", hub.log());
}

#[tokio::test]
#[cfg_attr(not(feature = "failpoints"), ignore = "needs the failpoint: --features failpoints")]
async fn a_hub_killed_between_commit_and_reply_replays_the_receipt() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = hub_db(dir.path());
    let db_arg = db.to_str().expect("utf-8 path");

    // Plain HTTP hub: enroll a device.
    let hub = HubProcess::start(&db, &["--plain-http"], &[]);
    assert!(hub.fingerprint.is_none());
    let url = format!("http://{}", hub.addr);
    let text = cli(&["enroll-code", "--db", db_arg, "--unit", "HX02", "--hub-url", &url]);
    let code = EnrollCode::decode(&text).expect("a code");
    assert_eq!(code.fingerprint, None, "no fingerprint for a plain-HTTP hub");
    let device = Uuid::now_v7();
    let mut conn = TcpStream::connect(&hub.addr).await.expect("connect");
    let (status, body) = http(&mut conn, "POST", "/v1/enroll", &[], &enroll_request(&code, device))
        .await
        .expect("enroll");
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    let token = serde_json::from_slice::<EnrollResponse>(&body).expect("response").token;
    drop(hub);

    // The same database under a hub with the failpoint: the push commits, then the hub dies.
    let mut st = Station { device, unit: "HX02".into(), token, chain: Vec::new(), key: None };
    st.new_case(2);
    let batch = zstd(
        &serde_json::to_vec(&PushBatch { device, events: st.events(1, 3), signature: None })
            .expect("json"),
    );
    let headers =
        [("authorization", format!("Bearer {}", st.token)), ("content-encoding", "zstd".into())];
    let mut dying =
        HubProcess::start(&db, &["--plain-http"], &[("CASEDESK_HUB_FAILPOINT", "after_commit")]);
    let mut conn = TcpStream::connect(&dying.addr).await.expect("connect");
    assert!(http(&mut conn, "POST", "/v1/push", &headers, &batch).await.is_err(), "no reply");
    let status = dying.child.wait().expect("wait");
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        assert_eq!(status.signal(), Some(6), "aborted: {status:?}");
    }
    #[cfg(not(unix))]
    assert!(!status.success());

    // Restarted: the batch is there, and resending it returns the stored receipt, twice alike.
    let hub = HubProcess::start(&db, &["--plain-http"], &[]);
    let mut replies = Vec::new();
    for _ in 0..2 {
        let mut conn = TcpStream::connect(&hub.addr).await.expect("connect");
        let (status, body) =
            http(&mut conn, "POST", "/v1/push", &headers, &batch).await.expect("push");
        assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
        replies.push(body);
    }
    assert_eq!(replies[0], replies[1]);
    let receipt: PushReceipt = serde_json::from_slice(&replies[0]).expect("receipt");
    assert_eq!((receipt.acked_seq, receipt.stored, receipt.duplicates), (3, 3, 0));
    let devices = cli(&["devices", "--db", db_arg]);
    let row = devices.lines().find(|l| l.contains(&device.to_string())).expect("device row");
    assert!(row.split_whitespace().any(|c| c == "3"), "acked_seq 3: {row}");
}

#[test]
fn bad_units_files_are_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("hub.db");
    let units = dir.path().join("units.json");
    std::fs::write(
        &units,
        r#"[{"code":"HX01","name":"站","kind":"liaison_station","parent":"HX"}]"#,
    )
    .expect("write");
    let out = Command::new(BIN)
        .args(["units", "import", "--db"])
        .args([&db, &units])
        .output()
        .expect("run");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("parent"));
    let out = Command::new(BIN)
        .args(["enroll-code", "--unit", "HX01", "--hub-url", "https://x", "--db"])
        .arg(&db)
        .output()
        .expect("run");
    assert!(!out.status.success(), "no code for an unknown unit");
}

/// Stops a hub with SIGTERM and waits for it.
fn stop(mut hub: HubProcess) {
    let pid = hub.child.id().to_string();
    assert!(Command::new("kill").args(["-TERM", &pid]).status().expect("kill").success());
    let status = hub.child.wait().expect("wait");
    assert!(status.success(), "{status:?}\n{}", hub.log());
}

/// The database files (`hub.db`, `-wal`, `-shm`) copied from `from` into `to`; a file `from`
/// lacks is removed from `to`.
fn copy_db(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("dir");
    for name in ["hub.db", "hub.db-wal", "hub.db-shm"] {
        let (src, dst) = (from.join(name), to.join(name));
        if src.exists() {
            std::fs::copy(&src, &dst).expect("copy");
        } else if dst.exists() {
            std::fs::remove_file(&dst).expect("remove");
        }
    }
}

/// A plain-HTTP client of a running hub.
struct Client {
    addr: String,
}

impl Client {
    async fn call(&self, method: &str, path: &str, token: &str, body: &[u8]) -> (u16, Vec<u8>) {
        let mut conn = TcpStream::connect(&self.addr).await.expect("connect");
        let headers = [("authorization", format!("Bearer {token}"))];
        http(&mut conn, method, path, &headers, body).await.expect("http")
    }

    async fn enroll(&self, db: &str, unit: &str, asked: &str) -> (Station, String) {
        let url = format!("http://{}", self.addr);
        let text = cli(&["enroll-code", "--db", db, "--unit", unit, "--hub-url", &url]);
        let code = EnrollCode::decode(&text).expect("a code");
        let device = Uuid::now_v7();
        let mut req: EnrollRequest =
            serde_json::from_slice(&enroll_request(&code, device)).expect("request");
        req.device_code = asked.into();
        let mut conn = TcpStream::connect(&self.addr).await.expect("connect");
        let body = serde_json::to_vec(&req).expect("json");
        let (status, body) =
            http(&mut conn, "POST", "/v1/enroll", &[], &body).await.expect("enroll");
        assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
        let resp: EnrollResponse = serde_json::from_slice(&body).expect("response");
        let st =
            Station { device, unit: unit.into(), token: resp.token, chain: Vec::new(), key: None };
        (st, resp.device_code)
    }

    /// Pushes what the hub does not hold of `st`'s chain (from its status, as a station does).
    async fn push_rest(&self, st: &Station) -> PushReceipt {
        let (status, body) = self.call("GET", "/v1/status", &st.token, b"").await;
        assert_eq!(status, 200);
        let acked = serde_json::from_slice::<DeviceStatus>(&body).expect("status").acked_seq;
        let events = st.events(acked + 1, st.chain.len() as u64);
        let batch = serde_json::to_vec(&st.batch(events)).expect("json");
        let (status, body) = self.call("POST", "/v1/push", &st.token, &batch).await;
        assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
        serde_json::from_slice(&body).expect("receipt")
    }

    async fn pull(&self, st: &Station, after: u64, checkpoint: Option<Uuid>) -> (u16, Vec<u8>) {
        let mut path = format!("/v1/pull?after={after}&limit=100");
        if let Some(checkpoint) = checkpoint {
            path.push_str(&format!("&checkpoint={checkpoint}"));
        }
        self.call("GET", &path, &st.token, b"").await
    }

    /// Pulls page after page from `after` (with checkpoints); the events and the last cursor.
    async fn pull_all(
        &self,
        st: &Station,
        mut after: u64,
        mut checkpoint: Option<Uuid>,
    ) -> (Vec<Uuid>, u64, Option<Uuid>) {
        let mut ids = Vec::new();
        loop {
            let (status, body) = self.pull(st, after, checkpoint).await;
            assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
            let page: PullPage = serde_json::from_slice(&body).expect("page");
            ids.extend(page.events.iter().map(|e| e.id));
            (after, checkpoint) = (page.next, page.checkpoint);
            if !page.more {
                return (ids, after, checkpoint);
            }
        }
    }
}

#[tokio::test]
async fn a_hub_restored_from_an_older_copy_sends_stations_back_to_the_start() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = hub_db(dir.path());
    let db_arg = db.to_str().expect("utf-8 path");
    let backup = dir.path().join("backup");

    let hub = HubProcess::start(&db, &["--plain-http"], &[]);
    let client = Client { addr: hub.addr.clone() };
    let (mut writer, code) = client.enroll(db_arg, "HX02", "A1").await;
    assert_eq!(code, "A1");
    let (reader, code) = client.enroll(db_arg, "HX02", "A1").await;
    assert_eq!(code, "A2", "the code is taken: the next one");
    let (mut other, _) = client.enroll(db_arg, "HX02", "B1").await;
    let case1 = writer.new_case(1);
    client.push_rest(&writer).await;
    stop(hub);
    copy_db(dir.path(), &backup);

    // Work goes on after the backup; the reader pulls it all.
    let hub = HubProcess::start(&db, &["--plain-http"], &[]);
    let client = Client { addr: hub.addr.clone() };
    writer.write(case1, "case.note_added", serde_json::json!({ "text": "after the backup" }));
    let case2 = writer.new_case(1);
    client.push_rest(&writer).await;
    let (seen, cursor, checkpoint) = client.pull_all(&reader, 0, None).await;
    assert_eq!(seen, writer.chain.iter().map(|e| e.id).collect::<Vec<_>>());
    assert!(checkpoint.is_some());
    stop(hub);

    // The hub is restored from the backup, and another station pushes before the reader pulls:
    // the positions the reader passed are handed out again, to other events.
    copy_db(&backup, dir.path());
    let hub = HubProcess::start(&db, &["--plain-http"], &[]);
    let client = Client { addr: hub.addr.clone() };
    let case3 = other.new_case(3);
    let stray = other.write(Uuid::now_v7(), "case.note_added", serde_json::json!({}));
    assert_eq!(client.push_rest(&other).await.quarantined[0].id, stray.id);
    let (status, body) = client.pull(&reader, cursor, checkpoint).await;
    assert_eq!(status, 409, "{}", String::from_utf8_lossy(&body));
    assert_eq!(serde_json::from_slice::<ErrorBody>(&body).expect("error").code, "cursor_unknown");

    // The reader starts over (applying is idempotent) and misses nothing: what the hub still
    // holds now, and what the writer pushes again from its own log once it sees the status.
    let (again, cursor, checkpoint) = client.pull_all(&reader, 0, None).await;
    let mut expected: Vec<Uuid> = writer.chain[..2].iter().map(|e| e.id).collect();
    expected.extend(other.chain[..4].iter().map(|e| e.id));
    assert_eq!(again, expected);
    let receipt = client.push_rest(&writer).await;
    assert_eq!((receipt.stored, receipt.acked_seq), (3, 5), "the writer re-pushes what was lost");
    let (rest, _, _) = client.pull_all(&reader, cursor, checkpoint).await;
    assert_eq!(rest, writer.chain[2..].iter().map(|e| e.id).collect::<Vec<_>>());
    assert!(
        [case1, case2, case3]
            .iter()
            .all(|c| { writer.chain.iter().chain(&other.chain).any(|e| e.stream == *c) })
    );

    // The administrator sees the device codes and the quarantined event.
    let devices = cli(&["devices", "--db", db_arg]);
    for (st, code) in [(&writer, "A1"), (&reader, "A2"), (&other, "B1")] {
        let row = devices.lines().find(|l| l.contains(&st.device.to_string())).expect("row");
        assert!(row.split_whitespace().any(|c| c == code), "{code}: {row}");
    }
    let quarantine = cli(&["quarantine", "--db", db_arg]);
    assert!(quarantine.contains(&stray.id.to_string()) && quarantine.contains("stream_unknown"));
    drop(hub);
}

#[test]
fn a_code_for_one_device_says_what_it_does() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = hub_db(dir.path());
    let db_arg = db.to_str().expect("utf-8 path");
    let unknown = Uuid::now_v7().to_string();
    let out = Command::new(BIN)
        .args(["enroll-code", "--db", db_arg, "--unit", "HX02", "--hub-url", "http://h:1"])
        .args(["--device", &unknown])
        .output()
        .expect("run");
    assert!(!out.status.success(), "no code for a device the hub does not know");
    // A device enrolled through a plain code, then a code for it.
    let text = cli(&["enroll-code", "--db", db_arg, "--unit", "HX02", "--hub-url", "http://h:1"]);
    let code = EnrollCode::decode(&text).expect("code");
    assert_eq!(code.device, None);
    let rt = tokio::runtime::Builder::new_current_thread().build().expect("runtime");
    let device = rt.block_on(async {
        let store = casedesk_hub::SqliteStore::open(&db).expect("open");
        let device = Uuid::now_v7();
        casedesk_hub::HubStore::enroll(
            &store,
            casedesk_hub::store::Enrollment {
                secret_sha256: casedesk_hub::secret::sha256_hex(&code.secret),
                device,
                unit: "HX02".into(),
                device_name: "前台".into(),
                app_version: "0.1.0".into(),
                token_sha256: casedesk_hub::secret::sha256_hex("token"),
                device_code: "C3".into(),
                sign_key: None,
                now_ms: casedesk_hub::now_ms(),
            },
        )
        .await
        .expect("enroll");
        device
    });
    let out = Command::new(BIN)
        .args(["enroll-code", "--db", db_arg, "--unit", "HX02", "--hub-url", "http://h:1"])
        .args(["--device", &device.to_string()])
        .output()
        .expect("run");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let code = EnrollCode::decode(&String::from_utf8_lossy(&out.stdout)).expect("code");
    assert_eq!(code.device, Some(device));
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("replaces the device's token") && said.contains("revocation"), "{said}");
    assert!(cli(&["devices", "--db", db_arg]).contains("C3"));
}

#[tokio::test]
async fn the_served_hub_limits_enrollment_attempts_per_client_address() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = hub_db(dir.path());
    let hub = HubProcess::start(&db, &["--plain-http"], &[]);
    let code = EnrollCode {
        hub: String::new(),
        unit: "HX02".into(),
        secret: "a guess".into(),
        fingerprint: None,
        device: None,
        hub_key: None,
        bundle_key: None,
    };
    let mut statuses = Vec::new();
    for _ in 0..11 {
        let mut conn = TcpStream::connect(&hub.addr).await.expect("connect");
        let body = enroll_request(&code, Uuid::now_v7());
        let (status, body) = http(&mut conn, "POST", "/v1/enroll", &[], &body).await.expect("http");
        let code = serde_json::from_slice::<ErrorBody>(&body).expect("error body").code;
        statuses.push((status, code));
    }
    assert!(statuses[..10].iter().all(|(s, c)| *s == 403 && c == "enroll_code_invalid"));
    assert_eq!(statuses[10], (429, "rate_limited".to_owned()));
}
