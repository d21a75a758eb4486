//! `casedesk init`, `export`, `import`, `verify`, `rebuild`, `demo`, `enroll` and `sync`: the
//! station database as a whole, and its link to the association's hub.

use std::path::PathBuf;

use casedesk_domain::Issue;
use casedesk_domain::types::{Permission, UnitKind};
use casedesk_store::{StationInit, Store, StoreError};
use casedesk_sync::EnrollOptions;

use crate::output::{self, local_time, table};
use crate::{CmdResult, Ctx, Failure};

pub struct InitArgs {
    pub unit: String,
    pub unit_name: String,
    pub unit_kind: String,
    pub parent: Option<String>,
    pub admin_code: String,
    pub device_code: Option<String>,
    pub device_name: String,
    /// How the key is kept; None: unencrypted.
    pub key: Option<crate::crypt::KeyChoice>,
    pub staff: String,
}

pub fn init(ctx: &Ctx, a: InitArgs) -> CmdResult {
    let path = ctx.db.as_ref().ok_or(Failure::Usage("cli.no_db", String::new()))?;
    let unit_kind = UnitKind::from_code(&a.unit_kind).ok_or_else(|| {
        Failure::Core(StoreError::invalid(vec![Issue::with_arg(
            "unit_kind",
            "unknown_code",
            &a.unit_kind,
        )]))
    })?;
    let secret = crate::secret_for(ctx, &a.staff, "CASEDESK_PASSWORD")?;
    if std::env::var("CASEDESK_PASSWORD").is_err() {
        let again = crate::secret_for(ctx, &a.staff, "CASEDESK_PASSWORD")?;
        if again != secret {
            return Err(Failure::Usage("cli.password_mismatch", String::new()));
        }
    }
    // A file or a key note there already is never given a new key (that would lose the old
    // one): it is opened with its own, and refused if it holds a station.
    let exists = (path.exists() && std::fs::metadata(path)?.len() > 0)
        || casedesk_keys::note_path(path).exists();
    let (mut store, custody) = if exists {
        let store = ctx.open()?;
        if let Some(st) = store.station() {
            return Err(StoreError::AlreadyInitialized(st.unit.clone()).into());
        }
        (store, casedesk_keys::read_note(path)?)
    } else {
        match a.key {
            Some(choice) => {
                let (note, key) = crate::crypt::create_key(ctx, path, choice)?;
                (Store::open_encrypted(path, &key, None)?, Some(note))
            }
            None => (Store::open(path)?, None),
        }
    };
    let founded = store.init_station(StationInit {
        unit: a.unit,
        unit_name: a.unit_name,
        unit_kind,
        parent: a.parent,
        admin_code: a.admin_code,
        device_code: a.device_code.unwrap_or_default(),
        device_name: a.device_name,
        founder: a.staff,
        founder_secret: Some(secret),
    })?;
    let st = founded.station;
    println!(
        "{} {} ({}) — {} {} {}",
        ctx.t("已创建站点", "Station created:"),
        st.unit_name,
        st.unit,
        ctx.t("设备", "device"),
        st.device_code,
        st.device
    );
    match custody {
        Some(casedesk_keys::KeyNote::Keyring { .. }) => println!(
            "{}",
            ctx.t("数据库已加密，密钥保存在系统密钥环", "The database is encrypted; its key is kept by the system keyring")
        ),
        Some(casedesk_keys::KeyNote::Passphrase { .. }) => println!(
            "{}",
            ctx.t(
                "数据库已加密，密钥由站点口令派生（忘记口令数据无法找回）",
                "The database is encrypted with a key derived from the station passphrase (a forgotten passphrase cannot be recovered)"
            )
        ),
        None => println!(
            "{}",
            ctx.t("警告：数据库没有加密", "warning: the database is not encrypted")
        ),
    }
    Ok(())
}

/// The whole log, personal data included (a copy for another station or for safekeeping): needs
/// the export permission. It is not recorded with `audit.exported`: it carries exactly what sync
/// carries to the hub (which is not recorded either), and an event written into the log at each
/// copy would make every copy of the log differ from the log. Exports made for people to read
/// (reports, the 受理台账, CSV) and reveals are recorded.
pub fn export(ctx: &Ctx, file: PathBuf) -> CmdResult {
    let (store, me) = ctx.signed_in()?;
    store.authorize(&me, Permission::Export)?;
    let mut out = std::io::BufWriter::new(std::fs::File::create(&file)?);
    let s = store.export_jsonl(&mut out)?;
    std::io::Write::flush(&mut out)?;
    println!("{} {} → {}", ctx.t("已导出事件", "Exported events:"), s.events, file.display());
    Ok(())
}

pub fn import(ctx: &Ctx, file: PathBuf) -> CmdResult {
    // Into a station, only a head or an administrator imports; a database without a station
    // (a fresh replica) holds nothing to protect. Importing into a new file creates an
    // encrypted station file (an association's read copy).
    let path = ctx.db_path()?;
    let mut store = if !path.exists() {
        let (_, key) = crate::crypt::create_key(ctx, &path, crate::crypt::KeyChoice::Auto)?;
        Store::open_encrypted(&path, &key, None)?
    } else if ctx.open()?.station().is_some() {
        let (store, me) = ctx.signed_in()?;
        store.authorize(&me, Permission::Configure)?;
        store
    } else {
        ctx.open()?
    };
    let mut input = std::io::BufReader::new(std::fs::File::open(&file)?);
    let s = store.import_jsonl(&mut input)?;
    println!(
        "{}: {} {}, {} {}, {} {}",
        ctx.t("导入完成", "Imported"),
        s.inserted,
        ctx.t("条新事件", "new events"),
        s.duplicates,
        ctx.t("条已存在", "already present"),
        s.quarantined.len(),
        ctx.t("条隔离待查（见 sync --status）", "quarantined (see sync --status)"),
    );
    for (id, why) in &s.quarantined {
        println!("  {id}: {why}");
    }
    Ok(())
}

pub fn verify(ctx: &Ctx, json: bool) -> CmdResult {
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
        let b = &r.blobs;
        if b.checked + b.missing + b.unreferenced > 0 || !b.errors.is_empty() {
            println!(
                "{}: {}  {}: {}  {}: {}",
                ctx.t("文件已核对", "files checked"),
                b.checked,
                ctx.t("尚未到达本机", "not here yet"),
                b.missing,
                ctx.t("无记录引用", "unreferenced"),
                b.unreferenced
            );
        }
        for e in &b.errors {
            println!("{} {e}", ctx.t("文件错误:", "file error:"));
        }
        println!(
            "{}",
            if r.is_ok() { ctx.t("校验通过", "OK") } else { ctx.t("校验失败", "FAILED") }
        );
    }
    if r.is_ok() { Ok(()) } else { Err(Failure::VerifyFailed) }
}

pub fn rebuild(ctx: &Ctx) -> CmdResult {
    let mut store = ctx.open()?;
    store.rebuild()?;
    println!("{}", ctx.t("已从事件日志重建全部投影", "All projections rebuilt from the event log"));
    Ok(())
}

pub fn demo(ctx: &Ctx, cases: u64, seed: u64) -> CmdResult {
    let (mut store, me) = ctx.signed_in()?;
    store.authorize(&me, Permission::Configure)?;
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

pub fn enroll(
    ctx: &Ctx,
    code: &str,
    hub: Option<&str>,
    device_name: &str,
    allow_plain_http: bool,
    allow_demo: bool,
) -> CmdResult {
    let (mut store, me) = ctx.signed_in()?;
    let name = if device_name.is_empty() {
        store.require_station()?.device_code.clone()
    } else {
        device_name.to_owned()
    };
    let opts = EnrollOptions { hub_url: hub, device_name: &name, allow_plain_http, allow_demo };
    let r = casedesk_sync::enroll(&mut store, &me, code, &opts).map_err(Failure::Sync)?;
    println!(
        "{} {} ({}), {} {}",
        ctx.t("已注册到中心服务器：", "Enrolled with the hub for"),
        r.unit_name,
        r.unit,
        ctx.t("本机设备代码", "this device's code"),
        store.require_station()?.device_code
    );
    Ok(())
}

pub fn bundle(ctx: &Ctx, cmd: crate::BundleCmd) -> CmdResult {
    use crate::BundleCmd;
    let mut store = ctx.open_station()?;
    match cmd {
        BundleCmd::Export { out, code, device_name, allow_demo, json } => {
            let name = if device_name.is_empty() {
                store.require_station()?.device_code.clone()
            } else {
                device_name
            };
            let b = casedesk_sync::bundle::export(&mut store, code.as_deref(), &name, allow_demo)
                .map_err(Failure::Sync)?;
            let path = out.join(&b.file_name);
            write_file_atomically(&path, &b.bytes).map_err(|e| {
                Failure::Usage("cli.write_file", format!("{}: {e}", path.display()))
            })?;
            if json {
                let v = serde_json::json!({
                    "file": path, "events": b.events, "enrolling": b.enrolling,
                    "files": b.files, "file_bytes": b.file_bytes,
                    "files_waiting": b.files_waiting,
                });
                println!("{v}");
            } else {
                println!(
                    "{} {} ({} {}{})",
                    ctx.t("已写出同步包：", "Bundle written:"),
                    path.display(),
                    b.events,
                    ctx.t("条待上传记录", "events the hub has not acknowledged"),
                    if b.enrolling {
                        ctx.t("，含注册申请", ", with the enrollment")
                    } else {
                        ""
                    }
                );
                if b.files > 0 || b.files_waiting > 0 {
                    if ctx.lang == casedesk_domain::Lang::Zh {
                        println!(
                            "含材料文件 {} 个（{} 字节）；另有 {} 个超出本包容量，随下一个同步包发送",
                            b.files, b.file_bytes, b.files_waiting
                        );
                    } else {
                        println!(
                            "{} files in it ({} bytes); {} more did not fit and go with the next bundle",
                            b.files, b.file_bytes, b.files_waiting
                        );
                    }
                }
            }
        }
        BundleCmd::Import { file, json } => {
            let bytes = std::fs::read(&file)
                .map_err(|e| Failure::Usage("cli.read_file", format!("{}: {e}", file.display())))?;
            let r = casedesk_sync::bundle::import(&mut store, &bytes).map_err(Failure::Sync)?;
            if json {
                println!("{}", serde_json::to_string(&r).unwrap_or_default());
            } else {
                if r.enrolled {
                    println!(
                        "{}",
                        ctx.t("已通过同步包注册到中心服务器。", "Enrolled with the hub by bundle.")
                    );
                }
                if ctx.lang == casedesk_domain::Lang::Zh {
                    println!(
                        "中心服务器已收到本机记录至第 {} 条；收到下发记录 {} 条，其中新记录 {} 条",
                        r.acked_seq, r.pulled, r.applied
                    );
                } else {
                    println!(
                        "The hub holds this device's events up to {}; {} events received, {} new",
                        r.acked_seq, r.pulled, r.applied
                    );
                }
                if r.receipts_known > 0 && r.receipts == 0 {
                    println!(
                        "{}",
                        ctx.t(
                            "此同步包已导入过，没有新内容。",
                            "This bundle was imported before: nothing new in it."
                        )
                    );
                }
                if r.pages_skipped {
                    println!("{}", ctx.t("同步包中的下发记录早于本机已有的内容之后的位置，未导入：请重新导出同步包。", "The feed in this bundle starts after this station's position and was not applied: export a new bundle."));
                }
                for line in &r.refused {
                    println!("{} {line}", ctx.t("被拒收：", "refused:"));
                }
                let files = r.files_received
                    + r.files_known
                    + r.files_delivered
                    + r.files_waiting
                    + (r.files_discarded.len() + r.files_refused.len()) as u64;
                if files > 0 {
                    if ctx.lang == casedesk_domain::Lang::Zh {
                        println!(
                            "材料文件：收到 {} 个（另有 {} 个本机已有），中心服务器已收到本机文件 {} 个；{} 个待下一个同步包",
                            r.files_received, r.files_known, r.files_delivered, r.files_waiting
                        );
                    } else {
                        println!(
                            "Files: {} received ({} held here already), {} of this station's files now at the hub; {} wait for the next bundle",
                            r.files_received, r.files_known, r.files_delivered, r.files_waiting
                        );
                    }
                }
                for line in &r.files_discarded {
                    println!("{} {line}", ctx.t("文件已丢弃（校验不符）：", "file discarded:"));
                }
                for line in &r.files_refused {
                    println!(
                        "{} {line}",
                        ctx.t("文件被中心服务器拒收：", "file refused by the hub:")
                    );
                }
            }
            if !r.refused.is_empty() {
                return Err(Failure::Sync(casedesk_sync::SyncError::Protocol(format!(
                    "the hub refused some events: {}",
                    r.refused.join("; ")
                ))));
            }
        }
    }
    Ok(())
}

fn write_file_atomically(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let tmp = path.with_extension("part");
    let mut f = std::fs::File::create(&tmp)?;
    f.write_all(bytes)?;
    f.sync_all()?;
    std::fs::rename(&tmp, path)
}

pub fn sync(ctx: &Ctx, status_only: bool, json: bool) -> CmdResult {
    let (mut store, _) = ctx.signed_in()?;
    let report = if status_only {
        None
    } else {
        Some(casedesk_sync::sync_with_hub(&mut store).map_err(Failure::Sync)?)
    };
    let st = casedesk_sync::sync_status(&store)?;
    let quarantine = store.quarantine()?;
    let duplicates = store.duplicate_case_numbers()?;
    if json {
        let v = serde_json::json!({
            "report": report,
            "status": st,
            "quarantine": quarantine,
            "duplicate_numbers": duplicates,
        });
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
        if r.files_uploaded + r.files_downloaded + r.files_failed > 0 {
            println!(
                "{}: {} {}, {} {}, {} {}",
                ctx.t("文件", "Files"),
                r.files_uploaded,
                ctx.t("个已上传", "uploaded"),
                r.files_downloaded,
                ctx.t("个已收到", "received"),
                r.files_failed,
                ctx.t("个未成功（下次同步重试）", "not done (retried next sync)"),
            );
        }
        if r.quarantined_here > 0 {
            println!(
                "{} {}",
                r.quarantined_here,
                ctx.t(
                    "条下载的事件无法使用，已隔离待查（见下）",
                    "pulled events could not be used and were set aside (below)"
                )
            );
        }
    }
    let when = |ms: Option<i64>| {
        ms.and_then(chrono::DateTime::from_timestamp_millis).map_or("—".to_owned(), local_time)
    };
    println!("{} {}", ctx.t("中心服务器", "Hub"), st.hub.as_deref().unwrap_or("—"));
    println!("{} {}", ctx.t("待上传事件", "Events waiting"), st.waiting);
    println!("{} {}", ctx.t("最近成功联系", "Last successful contact"), when(st.last_success_ms));
    if let Some(code) = &st.last_error_code {
        println!(
            "{} [{code}] {}",
            ctx.t("最近错误", "Last error"),
            st.last_error.as_deref().unwrap_or("")
        );
    }
    if st.files.to_upload + st.files.to_download > 0 {
        println!(
            "{} {}, {} {}",
            ctx.t("待上传文件", "Files waiting to upload"),
            st.files.to_upload,
            ctx.t("待收到文件", "files still to arrive"),
            st.files.to_download
        );
    }
    for p in st.files.problems.iter().take(20) {
        let way = match p.direction {
            casedesk_store::BlobDirection::Up => ctx.t("上传", "upload"),
            casedesk_store::BlobDirection::Down => ctx.t("下载", "download"),
        };
        let what =
            if p.refused { ctx.t("被拒绝", "refused") } else { ctx.t("未完成", "not done") };
        println!(
            "{} {} {way} {what} [{}] {}",
            ctx.t("文件", "File"),
            &p.sha256.get(..12).unwrap_or(&p.sha256),
            p.code,
            output::clip(&p.message, 80)
        );
    }
    if st.hub_quarantined > 0 {
        println!(
            "{} {}",
            ctx.t("被中心服务器隔离的本机事件", "Events of this device the hub quarantined"),
            st.hub_quarantined
        );
    }
    if !quarantine.is_empty() {
        println!("{} {}", ctx.t("本机隔离待查的事件", "Events set aside here"), quarantine.len());
        let mut rows = vec![vec![
            ctx.t("收到", "received").to_owned(),
            ctx.t("来源", "from").to_owned(),
            ctx.t("单位", "unit").to_owned(),
            ctx.t("类型", "kind").to_owned(),
            ctx.t("原因", "reason").to_owned(),
        ]];
        for q in quarantine.iter().take(50) {
            rows.push(vec![
                chrono::DateTime::from_timestamp_millis(q.received_ms)
                    .map_or("—".to_owned(), local_time),
                q.source.clone(),
                q.unit.clone(),
                q.kind.clone(),
                output::clip(&q.reason, 60),
            ]);
        }
        table(&rows);
    }
    for (no, n) in &duplicates {
        println!(
            "{} {no} ({n}): {}",
            ctx.t("重复的案件编号", "Duplicate case number"),
            ctx.t("各案件以带后缀的编号显示", "each case is shown with a suffix")
        );
    }
    Ok(())
}
