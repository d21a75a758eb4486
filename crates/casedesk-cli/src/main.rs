//! `casedesk`: a headless CaseDesk station and an administrator's tool.
//!
//! Every command works on one station database (`--db PATH`). Output is a readable table by
//! default and JSON with `--json`. Errors are printed in Chinese or English (by `--lang`,
//! `CASEDESK_LANG` or the locale) with their message code, and the exit code is non-zero:
//! 1 for a refused operation or bad input, 2 for bad command-line usage, 3 when `verify` finds a
//! problem, 4 when the hub cannot be reached (retry later), 5 when the hub refused and a person
//! must act (revoked, copied database, changed certificate, wrong code), 6 when sync is stuck on
//! this station's own data.
//!
//! Every command that reads or writes a station's cases acts as a named staff member: `--as
//! NAME` (or `CASEDESK_AS`), with the password or PIN from `CASEDESK_PASSWORD` (for scripts) or
//! typed at a prompt. The store checks that member's roles on every write and reveal. `init
//! --staff NAME` creates the first one (a head); `staff add` adds others.

mod actions;
mod bench;
mod cases;
mod crypt;
mod docs;
mod intake;
mod output;
mod report;
mod retention;
mod staff;
mod station;

use std::path::PathBuf;
use std::process::ExitCode;

use casedesk_domain::Lang;
use casedesk_store::{Actor, Store, StoreError};
use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "casedesk", version, about = "CaseDesk 投诉调解工作台 — station database tool")]
struct Cli {
    /// Station database file (created by `init`).
    #[arg(long, global = true, env = "CASEDESK_DB", value_name = "PATH")]
    db: Option<PathBuf>,
    /// Language of messages: zh or en (default: from CASEDESK_LANG or the locale; Chinese if unset).
    #[arg(long, global = true, value_name = "zh|en")]
    lang: Option<String>,
    /// The staff member the command acts as (name or id); the password or PIN comes from
    /// CASEDESK_PASSWORD or a prompt.
    #[arg(long = "as", global = true, env = "CASEDESK_AS", value_name = "NAME")]
    as_staff: Option<String>,
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Create a station database: its unit and this device.
    Init {
        /// Unit code, e.g. HX0201.
        #[arg(long)]
        unit: String,
        /// Unit name, e.g. 德令哈市消费者投诉联络站.
        #[arg(long)]
        unit_name: String,
        /// association | branch | liaison_station | service_station
        #[arg(long, default_value = "liaison_station")]
        unit_kind: String,
        /// Parent unit code.
        #[arg(long)]
        parent: Option<String>,
        /// 6-digit administrative division code, e.g. 632802.
        #[arg(long, default_value = "")]
        admin_code: String,
        /// This device's short code in case numbers (letters and digits, at most 8). Made from
        /// the device id when not given; the hub assigns one unique in the unit at enrollment.
        #[arg(long)]
        device_code: Option<String>,
        #[arg(long, default_value = "")]
        device_name: String,
        /// The first staff member (a head, mediator and clerk), who sets the station up. Their
        /// password or PIN comes from CASEDESK_PASSWORD or a prompt.
        #[arg(long)]
        staff: String,
        /// How the database key is kept: the system keyring if there is one (auto), or a
        /// station passphrase (from CASEDESK_PASSPHRASE or a prompt).
        #[arg(long, value_enum, default_value = "auto")]
        key: crypt::KeyChoice,
        /// Leave the database unencrypted (tests and benchmarks only: it holds personal data).
        #[arg(long, conflicts_with = "key")]
        unencrypted: bool,
    },
    /// Encrypt a station database from before encryption (the plain copy is removed once the
    /// encrypted one is checked).
    Encrypt {
        #[arg(long, value_enum, default_value = "auto")]
        key: crypt::KeyChoice,
    },
    /// Back up, list, check and restore the station database.
    Backup {
        #[command(subcommand)]
        cmd: crypt::BackupCmd,
    },
    /// Staff of the station: list, add, change roles, change one's own password; the access
    /// log (who revealed which number, who exported what).
    Staff {
        #[command(subcommand)]
        cmd: staff::StaffCmd,
    },
    /// Retention of personal data: the period after a case ends, the cases whose period has
    /// ended, and their anonymisation.
    Retention {
        #[command(subcommand)]
        cmd: retention::RetentionCmd,
    },
    /// Standard documents (文书): list, issue, reprint, preview, the 受理台账, settings.
    Doc {
        #[command(subcommand)]
        cmd: docs::DocCmd,
    },
    /// Files attached to a case (证据材料, signed copies of documents).
    Evidence {
        #[command(subcommand)]
        cmd: docs::EvidenceCmd,
    },
    /// Register, list, show and act on cases.
    Case {
        #[command(subcommand)]
        cmd: cases::CaseCmd,
    },
    /// Full-text search (any length; Chinese works without word breaks).
    Search {
        /// Words that must all match, in any order (a phone may be typed in groups).
        #[arg(required = true, num_args = 1..)]
        text: Vec<String>,
        #[command(flatten)]
        filters: cases::Filters,
        #[arg(long)]
        json: bool,
    },
    /// Write every event as JSON lines.
    Export { file: PathBuf },
    /// Read events from JSON lines; importing the same file twice changes nothing.
    Import { file: PathBuf },
    /// Check hash chains and compare every projection with a rebuild from the log.
    Verify {
        #[arg(long)]
        json: bool,
    },
    /// Rebuild every projection from the event log.
    Rebuild,
    /// Fill the station with realistic demonstration cases.
    Demo {
        #[arg(long, default_value_t = 1000)]
        cases: u64,
        #[arg(long, default_value_t = 20261128)]
        seed: u64,
    },
    /// Run the benchmarks and print figures beside their baselines.
    Bench(bench::BenchArgs),
    /// Show or edit the working-day calendar (days off, 调休 make-up days, local days off).
    Calendar {
        #[command(subcommand)]
        cmd: cases::CalendarCmd,
    },
    /// Enroll this station's device with the association's hub, with the code its
    /// administrator created (`casedesk-hub enroll-code`).
    Enroll {
        code: String,
        /// The hub's address as seen from this station, if it differs from the one in the code.
        #[arg(long)]
        hub: Option<String>,
        #[arg(long, default_value = "")]
        device_name: String,
        /// Accept a plain http:// hub (development and tests only; never once a certificate is
        /// pinned).
        #[arg(long)]
        allow_plain_http: bool,
        /// Enroll although the station holds demonstration data (training hubs and tests only).
        #[arg(long)]
        allow_demo: bool,
    },
    /// USB bundles, for a station that never gets a link: export what the hub has not
    /// acknowledged, import the hub's return bundle.
    Bundle {
        #[command(subcommand)]
        cmd: BundleCmd,
    },
    /// The codes the commands take (reason codes per rule set, outcomes, channels ...), with
    /// their labels.
    Codes {
        /// One table, e.g. termination_reason (default: all).
        table: Option<String>,
        /// Only the categories these words find (with `category`): names and everyday words,
        /// e.g. `casedesk codes category 暖气`.
        #[arg(requires = "table")]
        words: Vec<String>,
    },
    /// Roving intake points (流动受理点): start, end, list.
    Roving {
        #[command(subcommand)]
        cmd: intake::RovingCmd,
    },
    /// Record a consultation (咨询), counted in 人次 without a case number.
    Consult(intake::ConsultArgs),
    /// The report of a unit for a period (this station's, or with --unit a unit below it and
    /// every unit below that), or `report submit` (报送).
    Report(report::ReportArgs),
    /// Hot spots: weekly series and alerts (EARS C2; repeated complaints about a respondent).
    Hotspots(report::HotspotsArgs),
    /// The supervision of stations: workload, rates, satisfaction, overdue cases, last
    /// activity, the demonstration-station checklist; the remuneration table as CSV or xlsx.
    Supervision(report::SupervisionArgs),
    /// Sync with the hub now: push this station's events, then pull the unit's feed.
    Sync {
        /// Only show the sync state (events waiting, last contact, last error).
        #[arg(long)]
        status: bool,
        #[arg(long)]
        json: bool,
    },
}

fn lang_from(flag: Option<&str>) -> Lang {
    let pick =
        flag.map(str::to_owned).or_else(|| std::env::var("CASEDESK_LANG").ok()).or_else(|| {
            ["LC_ALL", "LC_MESSAGES", "LANG"]
                .iter()
                .find_map(|k| std::env::var(k).ok().filter(|v| !v.is_empty()))
        });
    // Chinese unless an English locale or `--lang en` says otherwise (a C or POSIX locale, as
    // on servers and in containers, says nothing about the reader's language).
    match pick.as_deref() {
        None => Lang::Zh,
        Some(v) => Lang::from_locale(v),
    }
}

/// Errors of the command itself (not of the core library).
pub enum Failure {
    Core(StoreError),
    /// A message code and its argument.
    Usage(&'static str, String),
    VerifyFailed,
    Sync(casedesk_sync::SyncError),
    /// The database key could not be had (no passphrase, no keyring, a bad key note).
    Key(casedesk_keys::KeyError),
    Docs(casedesk_docs::DocsError),
}

impl From<casedesk_docs::DocsError> for Failure {
    fn from(e: casedesk_docs::DocsError) -> Failure {
        match e {
            casedesk_docs::DocsError::Store(e) => Failure::Core(e),
            e => Failure::Docs(e),
        }
    }
}

impl From<StoreError> for Failure {
    fn from(e: StoreError) -> Failure {
        Failure::Core(e)
    }
}

impl From<std::io::Error> for Failure {
    fn from(e: std::io::Error) -> Failure {
        Failure::Core(StoreError::Io(e))
    }
}

pub type CmdResult = Result<(), Failure>;

pub struct Ctx {
    pub lang: Lang,
    pub db: Option<PathBuf>,
    pub as_staff: Option<String>,
}

/// The password or PIN for `who`: `CASEDESK_PASSWORD`, or typed at a prompt when there is a
/// terminal.
pub fn secret_for(ctx: &Ctx, who: &str, env: &str) -> Result<String, Failure> {
    if let Ok(s) = std::env::var(env) {
        return Ok(s);
    }
    let prompt = format!("{} {who}: ", ctx.t("密码或 PIN —", "Password or PIN for"));
    rpassword::prompt_password(prompt)
        .map_err(|_| Failure::Core(casedesk_store::AuthError::PasswordRequired.into()))
}

impl Ctx {
    pub fn db_path(&self) -> Result<PathBuf, Failure> {
        self.db.clone().ok_or(Failure::Usage("cli.no_db", String::new()))
    }
    pub fn require_db(&self, path: &std::path::Path) -> Result<(), Failure> {
        if !path.exists() {
            return Err(Failure::Usage("cli.db_missing", path.display().to_string()));
        }
        Ok(())
    }
    /// Opens the station database for writing, with its key (see `crypt`).
    pub fn open(&self) -> Result<Store, Failure> {
        let path = self.db_path()?;
        self.require_db(&path)?;
        crypt::open_station_file(self, &path)
    }
    pub fn open_station(&self) -> Result<Store, Failure> {
        let store = self.open()?;
        store.require_station()?;
        Ok(store)
    }
    /// Opens the station and signs in as `--as` (see the crate documentation).
    pub fn signed_in(&self) -> Result<(Store, Actor), Failure> {
        let mut store = self.open_station()?;
        let who = self
            .as_staff
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .ok_or(Failure::Usage("cli.no_actor", String::new()))?;
        let secret = secret_for(self, who, "CASEDESK_PASSWORD")?;
        let me = store.sign_in(who, &secret)?;
        Ok((store, me.actor))
    }
    pub fn t(&self, zh: &'static str, en: &'static str) -> &'static str {
        if self.lang == Lang::Zh { zh } else { en }
    }
}

#[derive(Subcommand)]
pub enum BundleCmd {
    /// Write a signed, encrypted bundle of this station's events the hub has not acknowledged
    /// into a folder (a USB stick), for `casedesk-hub bundle import`.
    Export {
        /// Folder to write the bundle into.
        #[arg(long)]
        out: std::path::PathBuf,
        /// The enrollment code, for a station not enrolled yet: the bundle carries the
        /// enrollment (later bundles too, until the answer is imported).
        #[arg(long)]
        code: Option<String>,
        #[arg(long, default_value = "")]
        device_name: String,
        /// Enroll although the station holds demonstration data (training hubs and tests only).
        #[arg(long)]
        allow_demo: bool,
        #[arg(long)]
        json: bool,
    },
    /// Take a return bundle written by the hub (receipts, the unit's feed, the enrollment
    /// answer).
    Import {
        file: std::path::PathBuf,
        #[arg(long)]
        json: bool,
    },
}

fn main() -> ExitCode {
    quiet_broken_pipe();
    let cli = Cli::parse();
    let ctx = Ctx { lang: lang_from(cli.lang.as_deref()), db: cli.db, as_staff: cli.as_staff };
    match run(&ctx, cli.cmd) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::VerifyFailed) => ExitCode::from(3),
        Err(Failure::Usage(code, arg)) => {
            eprintln!("{} [{code}]", output::cli_text(code, ctx.lang, &arg));
            ExitCode::from(2)
        }
        Err(Failure::Sync(e)) => {
            let label = ctx.t("同步失败", "sync failed");
            eprintln!("{label} [{}]: {}", e.code(), e.plain(ctx.lang));
            if !e.is_network() {
                eprintln!("  {e}");
            }
            ExitCode::from(sync_exit_code(&e))
        }
        Err(Failure::Key(e)) => {
            let label = ctx.t("错误", "error");
            eprintln!("{label} [{}]: {}", e.code(), e.message(ctx.lang));
            ExitCode::from(1)
        }
        Err(Failure::Docs(e)) => {
            let label = ctx.t("错误", "error");
            eprintln!("{label} [{}]: {}", e.code(), e.message(ctx.lang));
            ExitCode::from(1)
        }
        Err(Failure::Core(e)) => {
            let label = ctx.t("错误", "error");
            eprintln!("{label} [{}]: {}", e.code(), e.message(ctx.lang));
            ExitCode::from(1)
        }
    }
}

/// Output piped into a program that stops reading (`casedesk case list | head`) ends the
/// command quietly instead of with a panic and its stack trace.
fn quiet_broken_pipe() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let text = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| info.payload().downcast_ref::<&str>().copied())
            .unwrap_or_default();
        if text.starts_with("failed printing to stdout") && text.contains("Broken pipe") {
            std::process::exit(0);
        }
        default(info);
    }));
}

/// 4: the hub cannot be reached (or is busy): retry later. 5: the hub refused and a person
/// must act. 6: stuck on this station's own data. 1: the station's database refused.
fn sync_exit_code(e: &casedesk_sync::SyncError) -> u8 {
    use casedesk_sync::SyncError;
    match e {
        _ if e.is_stuck() => 6,
        _ if e.is_permanent() => 5,
        SyncError::Store(_) => 1,
        _ => 4,
    }
}

fn run(ctx: &Ctx, cmd: Cmd) -> CmdResult {
    match cmd {
        Cmd::Init {
            unit,
            unit_name,
            unit_kind,
            parent,
            admin_code,
            device_code,
            device_name,
            key,
            unencrypted,
            staff,
        } => station::init(
            ctx,
            station::InitArgs {
                unit,
                unit_name,
                unit_kind,
                parent,
                admin_code,
                device_code,
                device_name,
                key: (!unencrypted).then_some(key),
                staff,
            },
        ),
        Cmd::Encrypt { key } => crypt::encrypt(ctx, key),
        Cmd::Backup { cmd } => crypt::backup(ctx, cmd),
        Cmd::Staff { cmd } => staff::run(ctx, cmd),
        Cmd::Retention { cmd } => retention::run(ctx, cmd),
        Cmd::Case { cmd } => cases::run(ctx, cmd),
        Cmd::Doc { cmd } => docs::doc(ctx, cmd),
        Cmd::Evidence { cmd } => docs::evidence(ctx, cmd),
        Cmd::Search { text, filters, json } => {
            cases::list(ctx, Some(text.join(" ")), filters, json)
        }
        Cmd::Export { file } => station::export(ctx, file),
        Cmd::Import { file } => station::import(ctx, file),
        Cmd::Verify { json } => station::verify(ctx, json),
        Cmd::Rebuild => station::rebuild(ctx),
        Cmd::Demo { cases, seed } => station::demo(ctx, cases, seed),
        Cmd::Bench(args) => bench::run(ctx, args),
        Cmd::Calendar { cmd } => cases::calendar(ctx, cmd),
        Cmd::Enroll { code, hub, device_name, allow_plain_http, allow_demo } => {
            station::enroll(ctx, &code, hub.as_deref(), &device_name, allow_plain_http, allow_demo)
        }
        Cmd::Sync { status, json } => station::sync(ctx, status, json),
        Cmd::Bundle { cmd } => station::bundle(ctx, cmd),
        Cmd::Codes { table, words } => cases::codes(ctx, table.as_deref(), &words.join(" ")),
        Cmd::Roving { cmd } => intake::roving(ctx, cmd),
        Cmd::Consult(args) => intake::consult(ctx, args),
        Cmd::Report(args) => report::report(ctx, args),
        Cmd::Hotspots(args) => report::hotspots(ctx, args),
        Cmd::Supervision(args) => report::supervision(ctx, args),
    }
}
