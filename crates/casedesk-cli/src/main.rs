//! `casedesk`: a headless CaseDesk station and an administrator's tool.
//!
//! Every command works on one station database (`--db PATH`). Output is a readable table by
//! default and JSON with `--json`. Errors are printed in Chinese or English (by `--lang`,
//! `CASEDESK_LANG` or the locale) with their message code, and the exit code is non-zero:
//! 1 for a refused operation or bad input, 2 for bad command-line usage, 3 when `verify` finds a
//! problem.

mod bench;
mod cases;
mod output;

use std::path::PathBuf;
use std::process::ExitCode;

use casedesk_domain::Lang;
use casedesk_domain::types::UnitKind;
use casedesk_store::{StationInit, Store, StoreError};
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
        /// This device's short code in case numbers (letters and digits, no dash).
        #[arg(long, default_value = "A1")]
        device_code: String,
        #[arg(long, default_value = "")]
        device_name: String,
    },
    /// Register, list, show and act on cases.
    Case {
        #[command(subcommand)]
        cmd: cases::CaseCmd,
    },
    /// Full-text search (any length; Chinese works without word breaks).
    Search {
        text: String,
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
    },
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
    match pick.as_deref() {
        None => Lang::Zh,
        Some(v) if v == "C" || v == "POSIX" || v.starts_with("C.") => Lang::En,
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
    db: Option<PathBuf>,
}

impl Ctx {
    pub fn open(&self) -> Result<Store, Failure> {
        let path = self.db.as_ref().ok_or(Failure::Usage("cli.no_db", String::new()))?;
        if !path.exists() {
            return Err(Failure::Usage("cli.db_missing", path.display().to_string()));
        }
        Ok(Store::open(path)?)
    }
    pub fn open_station(&self) -> Result<Store, Failure> {
        let store = self.open()?;
        store.require_station()?;
        Ok(store)
    }
    pub fn t(&self, zh: &'static str, en: &'static str) -> &'static str {
        if self.lang == Lang::Zh { zh } else { en }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let ctx = Ctx { lang: lang_from(cli.lang.as_deref()), db: cli.db };
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
            if !matches!(e, casedesk_sync::SyncError::Network(_)) {
                eprintln!("  {e}");
            }
            ExitCode::from(4)
        }
        Err(Failure::Core(e)) => {
            let label = ctx.t("错误", "error");
            eprintln!("{label} [{}]: {}", e.code(), e.message(ctx.lang));
            ExitCode::from(1)
        }
    }
}

fn run(ctx: &Ctx, cmd: Cmd) -> CmdResult {
    match cmd {
        Cmd::Init { unit, unit_name, unit_kind, parent, admin_code, device_code, device_name } => {
            let path = ctx.db.as_ref().ok_or(Failure::Usage("cli.no_db", String::new()))?;
            let unit_kind = UnitKind::from_code(&unit_kind).ok_or_else(|| {
                Failure::Core(StoreError::invalid(vec![casedesk_domain::Issue::with_arg(
                    "unit_kind",
                    "unknown_code",
                    &unit_kind,
                )]))
            })?;
            let mut store = Store::open(path)?;
            let device_name =
                if device_name.is_empty() { device_code.clone() } else { device_name };
            let st = store.init_station(StationInit {
                unit,
                unit_name,
                unit_kind,
                parent,
                admin_code,
                device_code,
                device_name,
            })?;
            println!(
                "{} {} ({}) — {} {} {}",
                ctx.t("已创建站点", "Station created:"),
                st.unit_name,
                st.unit,
                ctx.t("设备", "device"),
                st.device_code,
                st.device
            );
            Ok(())
        }
        Cmd::Case { cmd } => cases::run(ctx, cmd),
        Cmd::Search { text, filters, json } => cases::list(ctx, Some(text), filters, json),
        Cmd::Export { file } => {
            let store = ctx.open()?;
            let mut out = std::io::BufWriter::new(std::fs::File::create(&file)?);
            let s = store.export_jsonl(&mut out)?;
            println!(
                "{} {} → {}",
                ctx.t("已导出事件", "Exported events:"),
                s.events,
                file.display()
            );
            Ok(())
        }
        Cmd::Import { file } => {
            let path = ctx.db.as_ref().ok_or(Failure::Usage("cli.no_db", String::new()))?;
            let mut store = Store::open(path)?;
            let mut input = std::io::BufReader::new(std::fs::File::open(&file)?);
            let s = store.import_jsonl(&mut input)?;
            println!(
                "{}: {} {}, {} {}, {} {}, {} {}",
                ctx.t("导入完成", "Imported"),
                s.inserted,
                ctx.t("条新事件", "new events"),
                s.duplicates,
                ctx.t("条已存在", "already present"),
                s.quarantined,
                ctx.t("条隔离待查", "quarantined"),
                s.rejected.len(),
                ctx.t("条被拒绝", "rejected"),
            );
            for (id, why) in &s.rejected {
                println!("  {id}: {why}");
            }
            Ok(())
        }
        Cmd::Verify { json } => {
            let store = ctx.open()?;
            let r = store.verify()?;
            if json {
                println!("{}", serde_json::to_string_pretty(&r).map_err(StoreError::from)?);
            } else {
                println!(
                    "{}: {}  {}: {}  {}: {}  {}: {}",
                    ctx.t("事件", "events"),
                    r.events,
                    ctx.t("设备", "devices"),
                    r.devices,
                    ctx.t("案件", "cases"),
                    r.cases,
                    ctx.t("隔离", "quarantined"),
                    r.quarantined
                );
                for e in &r.chain_errors {
                    println!("{} {e}", ctx.t("哈希链错误:", "chain error:"));
                }
                for e in &r.projection_errors {
                    println!("{} {e}", ctx.t("投影不一致:", "projection mismatch:"));
                }
                println!(
                    "{}",
                    if r.is_ok() {
                        ctx.t("校验通过", "OK")
                    } else {
                        ctx.t("校验失败", "FAILED")
                    }
                );
            }
            if r.is_ok() { Ok(()) } else { Err(Failure::VerifyFailed) }
        }
        Cmd::Rebuild => {
            let mut store = ctx.open()?;
            store.rebuild()?;
            println!(
                "{}",
                ctx.t("已从事件日志重建全部投影", "All projections rebuilt from the event log")
            );
            Ok(())
        }
        Cmd::Demo { cases, seed } => {
            let mut store = ctx.open_station()?;
            let opts = casedesk_demo::DemoOptions { cases, seed, end: store.now(), batch: 2000 };
            let started = std::time::Instant::now();
            let s = casedesk_demo::generate(&mut store, &opts, &mut |done| {
                if done % 50_000 == 0 || done == cases {
                    eprintln!("  {done}/{cases}");
                }
            })?;
            println!(
                "{}: {} {}, {} {}, {} {}, {} {} ({:.1} s)",
                ctx.t("演示数据", "Demo data"),
                s.cases,
                ctx.t("件案件", "cases"),
                s.events,
                ctx.t("条事件", "events"),
                s.consultations,
                ctx.t("次咨询", "consultations"),
                s.roving_sessions,
                ctx.t("次流动受理", "roving sessions"),
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
        Cmd::Bench(args) => bench::run(ctx, args),
        Cmd::Calendar { cmd } => cases::calendar(ctx, cmd),
        Cmd::Enroll { code, hub, device_name } => {
            let mut store = ctx.open_station()?;
            let name = if device_name.is_empty() {
                store.require_station()?.device_code.clone()
            } else {
                device_name
            };
            let r = casedesk_sync::enroll(&mut store, &code, hub.as_deref(), &name)
                .map_err(Failure::Sync)?;
            println!(
                "{} {} ({})",
                ctx.t("已注册到中心服务器：", "Enrolled with the hub for"),
                r.unit_name,
                r.unit
            );
            Ok(())
        }
        Cmd::Sync { status, json } => {
            let mut store = ctx.open_station()?;
            let report = if status {
                None
            } else {
                Some(casedesk_sync::sync_with_hub(&mut store).map_err(Failure::Sync)?)
            };
            let st = casedesk_sync::sync_status(&store)?;
            if json {
                let v = serde_json::json!({ "report": report, "status": st });
                println!("{}", serde_json::to_string_pretty(&v).map_err(StoreError::from)?);
                return Ok(());
            }
            if let Some(r) = report {
                println!(
                    "{}: {} {} ({} {}), {} {}, {} {}",
                    ctx.t("同步完成", "Synced"),
                    r.pushed,
                    ctx.t("条已上传", "events pushed"),
                    r.batches,
                    ctx.t("批", "batches"),
                    r.applied,
                    ctx.t("条新下载", "new events pulled"),
                    r.quarantined,
                    ctx.t("条被中心隔离", "quarantined by the hub"),
                );
            }
            let when = |ms: Option<i64>| {
                ms.and_then(chrono::DateTime::from_timestamp_millis)
                    .map_or("—".to_owned(), output::local_time)
            };
            println!("{} {}", ctx.t("中心服务器", "Hub"), st.hub.as_deref().unwrap_or("—"));
            println!("{} {}", ctx.t("待上传事件", "Events waiting"), st.waiting);
            println!(
                "{} {}",
                ctx.t("最近成功联系", "Last successful contact"),
                when(st.last_success_ms)
            );
            if let Some(code) = &st.last_error_code {
                println!(
                    "{} [{code}] {}",
                    ctx.t("最近错误", "Last error"),
                    st.last_error.as_deref().unwrap_or("")
                );
            }
            Ok(())
        }
    }
}
