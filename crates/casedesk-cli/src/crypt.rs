//! The station file's key and backups on the command line: finding the key (the OS secret store
//! or the station passphrase, from `CASEDESK_PASSPHRASE` or a prompt), `casedesk encrypt`, and
//! `casedesk backup now|list|check|restore`.

use std::path::{Path, PathBuf};

use casedesk_keys::{KeyError, KeyNote, NewKey};
use casedesk_store::crypt::{FileKind, file_kind};
use casedesk_store::{BackupPolicy, BackupReason, DbKey, Store, StoreError};
use clap::Subcommand;
use zeroize::Zeroizing;

use crate::output::{local_time, table};
use crate::{CmdResult, Ctx, Failure};

/// How many backups each folder keeps.
pub const KEEP: usize = casedesk_store::backup::DEFAULT_KEEP;

impl From<KeyError> for Failure {
    fn from(e: KeyError) -> Failure {
        Failure::Key(e)
    }
}

/// How `init` / `encrypt` keep a new key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum KeyChoice {
    /// The OS secret store if the session has one, else a passphrase.
    Auto,
    /// The OS secret store (Secret Service, Keychain, Credential Manager).
    Keyring,
    /// A station passphrase (`CASEDESK_PASSPHRASE` or a prompt).
    Passphrase,
}

/// The passphrase: `CASEDESK_PASSPHRASE`, or asked on the terminal.
fn passphrase(ctx: &Ctx) -> Result<Zeroizing<String>, Failure> {
    if let Some(p) = casedesk_keys::passphrase_from_env() {
        return Ok(p);
    }
    let prompt = ctx.t("站点口令：", "Station passphrase: ");
    rpassword::prompt_password(prompt)
        .map(Zeroizing::new)
        .ok()
        .filter(|p| !p.is_empty())
        .ok_or(Failure::Key(KeyError::NeedPassphrase))
}

/// A new passphrase: `CASEDESK_PASSPHRASE`, or asked twice on the terminal.
fn new_passphrase(ctx: &Ctx) -> Result<Zeroizing<String>, Failure> {
    if let Some(p) = casedesk_keys::passphrase_from_env() {
        return Ok(p);
    }
    let ask = |prompt: &str| {
        rpassword::prompt_password(prompt)
            .map(Zeroizing::new)
            .map_err(|_| Failure::Key(KeyError::NeedPassphrase))
    };
    let a = ask(ctx.t(
        "设置站点口令（至少 8 个字符，忘记后数据无法找回）：",
        "New station passphrase (at least 8 characters; forgotten, the data cannot be recovered): ",
    ))?;
    casedesk_keys::check_new_passphrase(&a)?;
    let b = ask(ctx.t("再输入一次：", "Once more: "))?;
    if *a != *b {
        return Err(Failure::Usage("key.passphrase_mismatch", String::new()));
    }
    Ok(a)
}

/// Makes the key of a new or plain station file `db` as `choice` says and writes its note.
pub fn create_key(ctx: &Ctx, db: &Path, choice: KeyChoice) -> Result<(KeyNote, DbKey), Failure> {
    let use_keyring = match choice {
        KeyChoice::Keyring => true,
        KeyChoice::Passphrase => false,
        // A passphrase given to a script means the script wants a passphrase station.
        KeyChoice::Auto => {
            casedesk_keys::passphrase_from_env().is_none()
                && casedesk_keys::keyring_available().is_ok()
        }
    };
    if use_keyring {
        return Ok(casedesk_keys::create_key(db, NewKey::Keyring)?);
    }
    let p = new_passphrase(ctx)?;
    Ok(casedesk_keys::create_key(db, NewKey::Passphrase(&p))?)
}

/// The key of the station file `db` and its note; None for a plain file from before encryption
/// (opened as it is, with a warning; `casedesk encrypt` or `CASEDESK_PASSPHRASE` encrypts it).
pub fn station_key(ctx: &Ctx, db: &Path) -> Result<Option<(KeyNote, DbKey)>, Failure> {
    if let Some(note) = casedesk_keys::read_note(db)? {
        let key = match &note {
            KeyNote::Keyring { .. } => casedesk_keys::key_for(&note, None)?,
            KeyNote::Passphrase { .. } => casedesk_keys::key_for(&note, Some(&passphrase(ctx)?))?,
        };
        return Ok(Some((note, key)));
    }
    match file_kind(db)? {
        FileKind::Plain if casedesk_keys::passphrase_from_env().is_some() => {
            // First open with a key: the store encrypts the plain file.
            Ok(Some(create_key(ctx, db, KeyChoice::Passphrase)?))
        }
        FileKind::Plain => {
            eprintln!(
                "{}",
                ctx.t(
                    "警告：数据库没有加密（运行 casedesk encrypt 加密）",
                    "warning: the database is not encrypted (run casedesk encrypt)"
                )
            );
            Ok(None)
        }
        FileKind::Missing | FileKind::Empty => Ok(None),
        FileKind::Opaque => Err(Failure::Usage(
            "cli.key_note_missing",
            casedesk_keys::note_path(db).display().to_string(),
        )),
    }
}

/// More backup folders from `CASEDESK_BACKUP_TO`.
pub fn extra_dirs() -> Vec<PathBuf> {
    std::env::var_os(casedesk_keys::BACKUP_TO_ENV)
        .map(|v| std::env::split_paths(&v).filter(|p| !p.as_os_str().is_empty()).collect())
        .unwrap_or_default()
}

pub fn policy(db: &Path, note: Option<&KeyNote>, extra: &[PathBuf]) -> BackupPolicy {
    let mut dirs = extra_dirs();
    dirs.extend(extra.iter().cloned());
    casedesk_keys::backup_policy(db, &dirs, KEEP, note)
}

/// Opens the station file for writing: with its key (a plain file is encrypted when a key is
/// there), backed up before a migration, and once a day on the first command of the day.
pub fn open_station_file(ctx: &Ctx, db: &Path) -> Result<Store, Failure> {
    let Some((note, key)) = station_key(ctx, db)? else {
        return Ok(Store::open(db)?);
    };
    let policy = policy(db, Some(&note), &[]);
    let store = Store::open_encrypted(db, &key, Some(&policy))?;
    if store.station().is_some() {
        match store.backup_if_due(&policy) {
            Ok(Some(out)) => report_failed(ctx, &out),
            Ok(None) => {}
            Err(e) => eprintln!(
                "{} [{}]: {}",
                ctx.t("警告：今天的自动备份没有做成", "warning: today's automatic backup failed"),
                e.code(),
                e.message(ctx.lang)
            ),
        }
    }
    Ok(store)
}

fn report_failed(ctx: &Ctx, out: &casedesk_store::backup::BackupOutcome) {
    for (dir, e) in &out.failed {
        eprintln!(
            "{} {}: [{}] {}",
            ctx.t("警告：备份没能写到", "warning: no backup could be written to"),
            dir.display(),
            e.code(),
            e.message(ctx.lang)
        );
    }
}

/// `casedesk encrypt`: encrypts a plain station file (sqlcipher_export into a checked copy that
/// then replaces it).
pub fn encrypt(ctx: &Ctx, choice: KeyChoice) -> CmdResult {
    let db = ctx.db_path()?;
    if casedesk_keys::read_note(&db)?.is_some() || file_kind(&db)? != FileKind::Plain {
        println!("{}", ctx.t("数据库已经加密", "The database is encrypted already"));
        return Ok(());
    }
    let (note, key) = create_key(ctx, &db, choice)?;
    let store = Store::open_encrypted(&db, &key, None)?;
    drop(store);
    println!("{} ({})", ctx.t("数据库已加密", "The database is encrypted"), custody(ctx, &note));
    Ok(())
}

fn custody(ctx: &Ctx, note: &KeyNote) -> &'static str {
    match note {
        KeyNote::Keyring { .. } => {
            ctx.t("密钥保存在系统密钥环", "the key is kept by the system keyring")
        }
        KeyNote::Passphrase { .. } => {
            ctx.t("密钥由站点口令派生", "the key is derived from the station passphrase")
        }
    }
}

#[derive(Subcommand)]
pub enum BackupCmd {
    /// Back up now (SQLite's online backup, encrypted like the database), into the data
    /// folder's `backups/<name>/` and every `--to` folder (and CASEDESK_BACKUP_TO).
    Now {
        /// Another folder (a USB stick); may be given more than once.
        #[arg(long, value_name = "DIR")]
        to: Vec<PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// The backups of the data folder (or of `--dir`), newest first.
    List {
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// Check a backup whole and say what it holds.
    Check {
        file: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// Replace the station database with a backup. The current database is backed up first;
    /// the restored station takes a new device identity (so its old chain never forks at the
    /// hub) and must be enrolled again with a code for a new device.
    Restore {
        file: PathBuf,
        /// Confirm: restoring replaces the current database.
        #[arg(long)]
        yes: bool,
        #[arg(long)]
        json: bool,
    },
}

pub fn backup(ctx: &Ctx, cmd: BackupCmd) -> CmdResult {
    match cmd {
        BackupCmd::Now { to, json } => {
            let db = ctx.db_path()?;
            let (note, store) = open_keyed(ctx, &db)?;
            store.require_station()?;
            let out = store.backup(&policy(&db, note.as_ref(), &to), BackupReason::Manual)?;
            if json {
                let failed: Vec<_> = out
                    .failed
                    .iter()
                    .map(|(d, e)| serde_json::json!({"dir": d, "code": e.code(), "message": e.message(ctx.lang)}))
                    .collect();
                let v = serde_json::json!({"written": out.written, "failed": failed});
                println!("{}", serde_json::to_string_pretty(&v).map_err(StoreError::from)?);
            } else {
                for b in &out.written {
                    println!(
                        "{} {} ({})",
                        ctx.t("已备份到", "Backed up to"),
                        b.path.display(),
                        size(b.bytes)
                    );
                }
                report_failed(ctx, &out);
            }
            if out.failed.is_empty() {
                Ok(())
            } else {
                Err(Failure::Usage("cli.backup_partial", out.failed.len().to_string()))
            }
        }
        BackupCmd::List { dir, json } => {
            let dir = match dir {
                Some(d) => d,
                None => casedesk_keys::backup_dir(&ctx.db_path()?),
            };
            let list = casedesk_store::backup::list(&dir)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&list).map_err(StoreError::from)?);
                return Ok(());
            }
            println!("{} {}", ctx.t("备份文件夹", "Backup folder"), dir.display());
            let mut rows = vec![vec![
                ctx.t("时间", "time").to_owned(),
                ctx.t("原因", "reason").to_owned(),
                ctx.t("大小", "size").to_owned(),
                ctx.t("文件", "file").to_owned(),
            ]];
            for b in &list {
                rows.push(vec![
                    local_time(b.created),
                    reason(ctx, b.reason).to_owned(),
                    size(b.bytes),
                    b.path
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default(),
                ]);
            }
            table(&rows);
            Ok(())
        }
        BackupCmd::Check { file, json } => {
            let key = backup_key(ctx, &file)?;
            let s = casedesk_store::backup::inspect(&file, key.as_ref())?;
            if json {
                println!("{}", serde_json::to_string_pretty(&s).map_err(StoreError::from)?);
            } else {
                println!(
                    "{}: {} ({}), {} {}, {} {}, {} {}",
                    ctx.t("备份完好", "The backup is sound"),
                    s.unit_name,
                    s.unit,
                    ctx.t("设备", "device"),
                    s.device,
                    s.cases,
                    ctx.t("件案件", "cases"),
                    s.events,
                    ctx.t("条事件", "events")
                );
            }
            Ok(())
        }
        BackupCmd::Restore { file, yes, json } => restore(ctx, &file, yes, json),
    }
}

/// Opens the station file with its key, as [`open_station_file`] without the daily backup.
fn open_keyed(ctx: &Ctx, db: &Path) -> Result<(Option<KeyNote>, Store), Failure> {
    ctx.require_db(db)?;
    match station_key(ctx, db)? {
        Some((note, key)) => {
            let policy = policy(db, Some(&note), &[]);
            Ok((Some(note), Store::open_encrypted(db, &key, Some(&policy))?))
        }
        None => Ok((None, Store::open(db)?)),
    }
}

/// The key of a backup: from the key note beside it (the station's own when there is none).
fn backup_key(ctx: &Ctx, file: &Path) -> Result<Option<DbKey>, Failure> {
    if file_kind(file)? == FileKind::Plain {
        return Ok(None);
    }
    let note = match casedesk_keys::backup_note(file)? {
        Some(n) => n,
        None => match ctx.db.as_deref().map(casedesk_keys::read_note).transpose()?.flatten() {
            Some(n) => n,
            None => {
                return Err(Failure::Usage(
                    "cli.key_note_missing",
                    casedesk_store::crypt::sibling(file, ".key").display().to_string(),
                ));
            }
        },
    };
    Ok(Some(match &note {
        KeyNote::Keyring { .. } => casedesk_keys::key_for(&note, None)?,
        KeyNote::Passphrase { .. } => casedesk_keys::key_for(&note, Some(&passphrase(ctx)?))?,
    }))
}

fn restore(ctx: &Ctx, file: &Path, yes: bool, json: bool) -> CmdResult {
    let db = ctx.db_path()?;
    if !yes {
        return Err(Failure::Usage("backup.restore_needs_confirm", String::new()));
    }
    let key = backup_key(ctx, file)?;
    // Checked before anything else: a damaged or wrong-key backup changes nothing.
    casedesk_store::backup::inspect(file, key.as_ref())?;
    // The current database's key, to back it up before it is replaced (it may not open: a
    // damaged file is moved aside instead).
    let live_note = casedesk_keys::read_note(&db)?;
    let live_key = match &live_note {
        Some(n @ KeyNote::Keyring { .. }) => casedesk_keys::key_for(n, None).ok(),
        Some(n @ KeyNote::Passphrase { .. }) => {
            passphrase(ctx).ok().and_then(|p| casedesk_keys::key_for(n, Some(&p)).ok())
        }
        None => None,
    };
    let backup_note = casedesk_keys::backup_note(file)?.or(live_note.clone());
    let policy = policy(&db, live_note.as_ref(), &[]);
    let r = casedesk_sync::restore::restore_backup(
        file,
        key.as_ref(),
        &db,
        live_key.as_ref(),
        &policy,
    )?;
    // The restored file is encrypted with the backup's key: its note goes beside it.
    match (&backup_note, key.is_some()) {
        (Some(n), true) => casedesk_keys::write_note(&db, n)?,
        _ => {
            let note = casedesk_keys::note_path(&db);
            if note.exists() {
                std::fs::remove_file(note)?;
            }
        }
    }
    if json {
        let v = serde_json::json!({
            "summary": r.summary,
            "old_device": r.old_device,
            "new_device": r.new_device,
            "replaced": r.replaced,
        });
        println!("{}", serde_json::to_string_pretty(&v).map_err(StoreError::from)?);
        return Ok(());
    }
    println!(
        "{}: {} ({}), {} {}, {} {}",
        ctx.t("已从备份恢复", "Restored from the backup"),
        r.summary.unit_name,
        r.summary.unit,
        r.summary.cases,
        ctx.t("件案件", "cases"),
        r.summary.events,
        ctx.t("条事件", "events")
    );
    if let Some(p) = &r.replaced {
        println!(
            "{} {}",
            ctx.t("原来的数据库保存在", "The replaced database is kept at"),
            p.display()
        );
    }
    println!(
        "{} {} → {}",
        ctx.t("新的设备身份", "New device identity"),
        r.old_device,
        r.new_device
    );
    println!("{}", casedesk_domain::messages::text("sync.restored_enroll", ctx.lang, ""));
    Ok(())
}

fn reason(ctx: &Ctx, r: BackupReason) -> &'static str {
    match r {
        BackupReason::Daily => ctx.t("每日自动", "daily"),
        BackupReason::Manual => ctx.t("手动", "manual"),
        BackupReason::PreMigration => ctx.t("升级前", "before an upgrade"),
        BackupReason::PreRestore => ctx.t("恢复前", "before a restore"),
    }
}

fn size(bytes: u64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
    } else {
        format!("{} KB", bytes.div_ceil(1024))
    }
}
