//! The `casedesk-hub` command: run the hub, and the administrator's tools (units, enrollment
//! codes, devices, quarantine). Thin: parses arguments, calls the library, prints.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use casedesk_hub::blobs::BlobDir;
use casedesk_hub::store::HubStore;
use casedesk_hub::store::any::{self, AnyStore};
use casedesk_hub::tls::{self, TlsFiles};
use casedesk_hub::{codes, now_ms, server, units};
use clap::{Args, Parser, Subcommand};
use uuid::Uuid;

#[derive(Parser)]
#[command(name = "casedesk-hub", version, about = "CaseDesk sync hub of a prefecture association")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Args)]
struct Db {
    /// The hub database: a SQLite file (created if missing), or a PostgreSQL URL
    /// (postgres://user@host:port/dbname).
    #[arg(long, env = "CASEDESK_HUB_DB")]
    db: String,
    /// Folder of the hub's own files (TLS certificate and key, signing key) [default: beside
    /// the SQLite file; required with PostgreSQL].
    #[arg(long, env = "CASEDESK_HUB_STATE_DIR")]
    state_dir: Option<PathBuf>,
    /// Folder of the files events name (evidence, issued documents), content-addressed
    /// [default: `<db>.blobs` beside the SQLite file; `hub.blobs` in --state-dir].
    #[arg(long, env = "CASEDESK_HUB_BLOBS")]
    blobs: Option<PathBuf>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the hub (HTTPS; a self-signed certificate is made beside the database if needed).
    Serve {
        #[command(flatten)]
        db: Db,
        /// Address to listen on, e.g. 0.0.0.0:8443 (port 0: any free port).
        #[arg(long)]
        listen: String,
        /// Serve plain HTTP instead of HTTPS (tests and TLS-terminating proxies only).
        #[arg(long, conflicts_with_all = ["cert", "key", "tls_names"])]
        plain_http: bool,
        /// PEM certificate chain to use instead of the self-signed one.
        #[arg(long, requires = "key")]
        cert: Option<PathBuf>,
        /// PEM private key of --cert.
        #[arg(long, requires = "cert")]
        key: Option<PathBuf>,
        /// Names (DNS or IP) of a generated certificate, comma-separated [default:
        /// localhost,127.0.0.1].
        #[arg(long, value_delimiter = ',')]
        tls_names: Vec<String>,
        /// Longest a request may take, upload included, in seconds.
        #[arg(long, default_value_t = 120)]
        request_timeout_secs: u64,
        /// Serve the administrator's console on this address of its own, e.g. 127.0.0.1:8444
        /// (plain HTTP on a loopback address; elsewhere HTTPS with the hub's certificate).
        #[arg(long)]
        console: Option<String>,
        /// The hub's URL as stations reach it, for enrollment codes made in the console
        /// [default: the scheme and address --listen is bound to].
        #[arg(long)]
        hub_url: Option<String>,
        /// The console flags a station without contact for more than this many days.
        #[arg(long, default_value_t = 7)]
        silent_days: u32,
    },
    /// Administrator accounts of the console.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
    /// USB bundles of stations that never get a link.
    Bundle {
        #[command(subcommand)]
        command: BundleCommand,
    },
    /// The unit hierarchy.
    Units {
        #[command(subcommand)]
        command: UnitsCommand,
    },
    /// Print a one-time enrollment code for a new device of a unit, or (--device) for one
    /// enrolled device: using that code replaces its token and lifts its revocation.
    EnrollCode {
        #[command(flatten)]
        db: Db,
        /// Code of the unit the station belongs to.
        #[arg(long)]
        unit: String,
        /// An enrolled device of the unit that needs a new token (a reinstalled station, a
        /// revoked device): only it may use the code.
        #[arg(long)]
        device: Option<Uuid>,
        /// The hub's URL as stations reach it, e.g. https://10.20.1.5:8443.
        #[arg(long)]
        hub_url: String,
        /// Hours the code stays valid.
        #[arg(long, default_value_t = 72)]
        valid_hours: u32,
        /// Certificate whose fingerprint the code carries [default: <db>.crt if it exists].
        #[arg(long)]
        cert: Option<PathBuf>,
    },
    /// Revoke a device's token.
    Revoke {
        #[command(flatten)]
        db: Db,
        #[arg(long)]
        device: Uuid,
    },
    /// List enrolled devices.
    Devices {
        #[command(flatten)]
        db: Db,
    },
    /// Lift a device's freeze after a fork has been dealt with.
    Unfreeze {
        #[command(flatten)]
        db: Db,
        #[arg(long)]
        device: Uuid,
    },
    /// List quarantined events.
    Quarantine {
        #[command(flatten)]
        db: Db,
    },
    /// Benchmark the store on an empty database: ingest with many devices pushing at once,
    /// pull latency after a bulk load, memory. Prints figures.
    Bench {
        #[command(flatten)]
        db: Db,
        #[arg(long, default_value_t = 50)]
        devices: usize,
        #[arg(long, default_value_t = 2000)]
        events_per_device: usize,
        #[arg(long, default_value_t = 500)]
        batch: usize,
        /// Events written in bulk (COPY on PostgreSQL) before the pulls are timed.
        #[arg(long, default_value_t = 1_000_000)]
        bulk: u64,
        #[arg(long, default_value_t = 200)]
        pulls: usize,
    },
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Create an administrator; the password is read from standard input (one line).
    Add {
        #[command(flatten)]
        db: Db,
        name: String,
    },
    /// Set an administrator's password, read from standard input (one line).
    Passwd {
        #[command(flatten)]
        db: Db,
        name: String,
    },
    /// List administrators.
    List {
        #[command(flatten)]
        db: Db,
    },
}

#[derive(Subcommand)]
enum BundleCommand {
    /// Take a station's bundle (through the same checks as a push over the network) and write
    /// the return bundle for the station into a folder.
    Import {
        #[command(flatten)]
        db: Db,
        /// The station's bundle file (.cdkb).
        file: PathBuf,
        /// Folder for the return bundle.
        #[arg(long)]
        out: PathBuf,
    },
}

#[derive(Subcommand)]
enum UnitsCommand {
    /// Insert or update units from a CSV (code,name,kind,parent) or JSON file.
    Import {
        #[command(flatten)]
        db: Db,
        file: PathBuf,
    },
    /// List units.
    List {
        #[command(flatten)]
        db: Db,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli.command)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(command: Command) -> anyhow::Result<()> {
    match command {
        Command::Serve {
            db,
            listen,
            plain_http,
            cert,
            key,
            tls_names,
            request_timeout_secs,
            console,
            hub_url,
            silent_days,
        } => {
            init_tracing();
            let opts = server::ServeOptions {
                db: db.db,
                state_dir: db.state_dir,
                blobs: db.blobs,
                listen,
                plain_http,
                cert: cert.zip(key),
                tls_names,
                request_timeout: Duration::from_secs(request_timeout_secs.max(1)),
                console,
                hub_url,
                silent_days,
            };
            server::serve(opts).await?;
        }
        Command::Admin { command } => admin(command).await?,
        Command::Bundle { command: BundleCommand::Import { db, file, out } } => {
            let store = std::sync::Arc::new(open(&db).await?);
            let bytes =
                std::fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?;
            let base = casedesk_hub::server::files_base(&db.db, db.state_dir.as_deref())?;
            let blob_dir = db.blobs.clone().unwrap_or_else(|| BlobDir::beside(&base));
            let blobs = BlobDir::open(&blob_dir)
                .with_context(|| format!("cannot use the file folder {}", blob_dir.display()))?;
            let outcome =
                casedesk_hub::bundle::import(store, Some(std::sync::Arc::new(blobs)), &bytes)
                    .await?;
            for line in &outcome.lines {
                println!("{line}");
            }
            if let Some(ret) = &outcome.return_bundle {
                std::fs::create_dir_all(&out)
                    .with_context(|| format!("cannot create {}", out.display()))?;
                let path = out.join(&ret.file_name);
                write_atomically(&path, &ret.bytes)?;
                println!("return bundle: {}", path.display());
            }
            if !outcome.ok {
                anyhow::bail!("{}", outcome.lines.last().cloned().unwrap_or_default());
            }
        }
        Command::Units { command: UnitsCommand::Import { db, file } } => {
            let store = open(&db).await?;
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("cannot read {}", file.display()))?;
            let held: Vec<String> = store.list_units().await?.into_iter().map(|u| u.code).collect();
            let parsed = units::parse_units(&text, |code| held.iter().any(|h| h == code))?;
            let report = store.import_units(parsed).await?;
            println!(
                "units: {} new, {} updated, {} unchanged",
                report.inserted, report.updated, report.unchanged
            );
        }
        Command::Units { command: UnitsCommand::List { db } } => {
            let rows = open(&db)
                .await?
                .list_units()
                .await?
                .into_iter()
                .map(|u| vec![u.code, u.name, u.kind, u.parent.unwrap_or_default()])
                .collect();
            print_table(&["code", "name", "kind", "parent"], rows);
        }
        Command::EnrollCode { db, unit, device, hub_url, valid_hours, cert } => {
            enroll_code(&db, unit, device, hub_url, valid_hours, cert).await?;
        }
        Command::Revoke { db, device } => {
            open(&db).await?.revoke_device(device, now_ms()).await?;
            println!("revoked {device}");
        }
        Command::Unfreeze { db, device } => {
            open(&db).await?.unfreeze_device(device).await?;
            println!("unfrozen {device}");
        }
        Command::Devices { db } => {
            let rows = open(&db)
                .await?
                .list_devices()
                .await?
                .into_iter()
                .map(|d| {
                    let state = match (&d.revoked_ms, &d.frozen_reason) {
                        (Some(_), _) => "revoked".to_owned(),
                        (None, Some(reason)) => format!("frozen: {reason}"),
                        (None, None) => "active".to_owned(),
                    };
                    vec![
                        d.id.to_string(),
                        d.unit,
                        d.device_code,
                        d.name,
                        d.acked_seq.to_string(),
                        state,
                        time(d.enrolled_ms),
                    ]
                })
                .collect();
            print_table(
                &["device", "unit", "code", "name", "acked_seq", "state", "enrolled"],
                rows,
            );
        }
        Command::Bench { db, devices, events_per_device, batch, bulk, pulls } => {
            let store = std::sync::Arc::new(open(&db).await?);
            let opts = casedesk_hub::bench::BenchOptions {
                devices,
                events_per_device,
                batch,
                bulk,
                pulls,
            };
            casedesk_hub::bench::run(store, &opts).await?;
        }
        Command::Quarantine { db } => {
            let rows = open(&db)
                .await?
                .list_quarantine()
                .await?
                .into_iter()
                .map(|q| {
                    vec![
                        q.event.to_string(),
                        q.device.to_string(),
                        q.seq.to_string(),
                        q.kind,
                        q.reason,
                        time(q.at_ms),
                    ]
                })
                .collect();
            print_table(&["event", "device", "seq", "kind", "reason", "at"], rows);
        }
    }
    Ok(())
}

async fn enroll_code(
    db: &Db,
    unit: String,
    device: Option<Uuid>,
    hub_url: String,
    valid_hours: u32,
    cert: Option<PathBuf>,
) -> anyhow::Result<()> {
    let (_, https) = codes::normalize_hub_url(&hub_url)?;
    let fingerprint = if https {
        let cert = match cert {
            Some(cert) => cert,
            None => TlsFiles::beside(&server::files_base(&db.db, db.state_dir.as_deref())?).cert,
        };
        if cert.exists() {
            Some(tls::fingerprint_of_file(&cert)?)
        } else {
            eprintln!(
                "warning: no certificate at {}: the code carries no fingerprint, so the station \
                 must trust the hub's certificate by other means",
                cert.display()
            );
            None
        }
    } else {
        None
    };
    let store = open(db).await?;
    let request =
        codes::CodeRequest { unit: unit.clone(), device, hub_url, valid_hours, fingerprint };
    let code = codes::make_code(&store, request, now_ms()).await?;
    println!("{}", code.encode());
    match device {
        None => eprintln!(
            "one-time enrollment code for a new device of unit {unit}, valid for {valid_hours} \
             hours"
        ),
        Some(device) => eprintln!(
            "one-time enrollment code for device {device} of unit {unit} only, valid for \
             {valid_hours} hours: using it replaces the device's token and lifts its \
             revocation (a fork freeze stays until `casedesk-hub unfreeze`)"
        ),
    }
    Ok(())
}

async fn admin(command: AdminCommand) -> anyhow::Result<()> {
    use casedesk_hub::console::{check_admin_name, hash_password};
    use casedesk_hub::store::AdminWrite;
    match command {
        AdminCommand::List { db } => {
            let rows = open(&db)
                .await?
                .list_admins()
                .await?
                .into_iter()
                .map(|a| vec![a.name, time(a.created_ms), time(a.updated_ms)])
                .collect();
            print_table(&["name", "created", "password changed"], rows);
        }
        AdminCommand::Add { db, name } => {
            check_admin_name(&name)?;
            let password = read_password()?;
            let store = open(&db).await?;
            let hash = tokio::task::spawn_blocking(move || hash_password(&password)).await??;
            store.write_admin(name.clone(), hash, now_ms(), AdminWrite::Create).await?;
            println!("administrator {name} added");
        }
        AdminCommand::Passwd { db, name } => {
            let password = read_password()?;
            let store = open(&db).await?;
            let hash = tokio::task::spawn_blocking(move || hash_password(&password)).await??;
            store.write_admin(name.clone(), hash, now_ms(), AdminWrite::Update).await?;
            println!("password of {name} changed");
        }
    }
    Ok(())
}

/// One line of standard input (a terminal echoes it: pipe it from a password manager or use
/// `read -s`).
fn read_password() -> anyhow::Result<String> {
    if std::io::IsTerminal::is_terminal(&std::io::stdin()) {
        eprint!("password (10 characters or more; shown as typed): ");
    }
    let mut line = String::new();
    std::io::stdin().read_line(&mut line).context("cannot read the password")?;
    let password = line.trim_end_matches(['\r', '\n']).to_owned();
    casedesk_hub::console::check_password(&password)?;
    Ok(password)
}

/// Writes `bytes` to `path` through a temporary file in the same folder, synced, then renamed.
fn write_atomically(path: &std::path::Path, bytes: &[u8]) -> anyhow::Result<()> {
    use std::io::Write;
    let tmp = path.with_extension("part");
    let mut f =
        std::fs::File::create(&tmp).with_context(|| format!("cannot write {}", tmp.display()))?;
    f.write_all(bytes)?;
    f.sync_all()?;
    std::fs::rename(&tmp, path).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

async fn open(db: &Db) -> anyhow::Result<AnyStore> {
    AnyStore::open(&db.db)
        .await
        .with_context(|| format!("cannot open the hub database {}", any::describe(&db.db)))
}

fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(ansi)
        .with_writer(std::io::stderr)
        .init();
}

fn time(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| t.format("%Y-%m-%d %H:%M:%S UTC").to_string())
        .unwrap_or_default()
}

/// Prints rows in columns aligned by display width (Chinese characters are two columns wide).
fn print_table(headers: &[&str], rows: Vec<Vec<String>>) {
    use unicode_width::UnicodeWidthStr;
    let mut widths: Vec<usize> = headers.iter().map(|h| h.width()).collect();
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.width());
        }
    }
    let line = |cells: Vec<&str>| {
        let mut out = String::new();
        for (i, (cell, w)) in cells.iter().zip(&widths).enumerate() {
            out.push_str(cell);
            if i + 1 < cells.len() {
                out.push_str(&" ".repeat(w - cell.width() + 2));
            }
        }
        println!("{}", out.trim_end());
    };
    line(headers.to_vec());
    for row in &rows {
        line(row.iter().map(String::as_str).collect());
    }
}
