//! The request and response types of `ui/IPC.md` that are not core types. Core types that
//! cross IPC as they are (`CaseRegistered`, `CaseEvent`, `ListQuery`, `Page`, `Reference`, ...)
//! derive `TS` in casedesk-domain and casedesk-store behind their `ts` features.

use casedesk_domain::Lang;
use casedesk_domain::case::{CaseState, allowed_actions};
use casedesk_domain::deadline::{self, CaseDeadline, OwnRules};
use casedesk_domain::document::{DocOffer, available_documents};
use casedesk_domain::event::{CaseEvent, CaseRegistered};
use casedesk_domain::types::{Channel, Language, Permission, StaffRole, UnitKind};
use casedesk_store::desk::{self, DayCount, MonthCounts, NatureCount, SessionItem, StaffRow};
use casedesk_store::query::CaseRow;
use casedesk_store::{Store, StoreError};
use casedesk_sync::SyncError;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use uuid::Uuid;

use crate::error::{IpcError, plain_sync_error};

/// The UI language (and the language of every `IpcError` message).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub enum UiLang {
    #[default]
    #[serde(rename = "zh-CN")]
    ZhCn,
    #[serde(rename = "en-US")]
    EnUs,
}

impl UiLang {
    /// The language of core messages.
    pub fn lang(self) -> Lang {
        match self {
            UiLang::ZhCn => Lang::Zh,
            UiLang::EnUs => Lang::En,
        }
    }
}

/// Who this station is; `station_info` returns null before `setup_station`.
#[derive(Clone, Debug, Serialize, TS)]
pub struct StationInfo {
    pub unit: String,
    pub unit_name: String,
    pub unit_kind: UnitKind,
    pub device: Uuid,
    pub device_code: String,
    pub staff: Vec<StaffRow>,
    /// The station holds demonstration data: it never enrolls with a hub, and can be removed.
    pub demo: bool,
}

/// The first-start wizard's answers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SetupStation {
    pub op_id: String,
    pub unit: String,
    pub unit_name: String,
    pub unit_kind: UnitKind,
    pub parent: Option<String>,
    pub admin_code: String,
    pub device_code: String,
    pub device_name: String,
    /// The first staff member (head, mediator and clerk of the station).
    pub staff_name: String,
    /// Their password (8 characters or more) or PIN (4–8 digits) on this device; kept as an
    /// argon2id hash, never synced.
    pub staff_secret: String,
    /// Fill the station with demonstration cases (written in the background; `db-changed`
    /// events follow as they land).
    pub load_demo: bool,
    /// How the station file's key is kept (`key_options` says what this computer offers): None
    /// for the operating system's secret store, or the station passphrase the key is derived
    /// from (required where there is no secret store). Ignored when the file has a key already.
    #[serde(default)]
    pub passphrase: Option<String>,
}

/// `key_options`: how the wizard may keep the station file's key on this computer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct KeyOptions {
    /// The operating system's secret store (keyring) can keep it (the default then).
    pub keyring: bool,
    /// The file has a key already (`keyring` or `passphrase`; the wizard asks nothing), or
    /// None.
    pub existing: Option<String>,
    /// Fewest characters of a station passphrase.
    pub min_passphrase_chars: u32,
}

/// `retention_get`: the retention period after a case ends, and the ended cases past it that
/// still hold personal data (head and administrator: the anonymize permission).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct RetentionView {
    pub days: u32,
    /// Longest period that may be set.
    pub max_days: u32,
    pub due: Vec<RetentionRow>,
}

/// A case whose retention period has ended.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct RetentionRow {
    pub id: Uuid,
    pub no: String,
    pub status: casedesk_domain::types::Status,
    /// When the case ended (closed, not accepted, voided).
    pub ended_at: chrono::DateTime<chrono::Utc>,
    /// When its period ended.
    pub due_at: chrono::DateTime<chrono::Utc>,
    /// Whole days since the period ended.
    pub days_over: u32,
    /// Events of the case that still hold personal fields.
    pub events: u32,
}

impl RetentionRow {
    pub fn of(d: casedesk_store::RetentionDue, now: chrono::DateTime<chrono::Utc>) -> RetentionRow {
        RetentionRow {
            days_over: (now - d.due_at).num_days().clamp(0, i64::from(u32::MAX)) as u32,
            id: d.id,
            no: d.no,
            status: d.status,
            ended_at: d.ended_at,
            due_at: d.due_at,
            events: d.events,
        }
    }
}

/// `retention_set`: a new retention period (the configure permission).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct RetentionSet {
    pub days: u32,
}

/// `retention_apply`: anonymise these cases (each must be past its period).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct RetentionApply {
    pub op_id: String,
    pub cases: Vec<Uuid>,
}

/// What `retention_apply` did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct RetentionApplied {
    /// The numbers of the cases anonymised.
    pub anonymized: Vec<String>,
    /// Those that were not, with the reason in the UI language.
    pub failed: Vec<RetentionFailure>,
    /// The period and the list afterwards.
    pub view: RetentionView,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct RetentionFailure {
    pub id: Uuid,
    pub no: String,
    pub code: String,
    pub message: String,
}

/// `idle_lock_get`: after how long without input the desktop locks itself.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct IdleLock {
    /// The head's setting, kept in the station file.
    pub secs: u32,
    pub min_secs: u32,
    pub max_secs: u32,
    /// `CASEDESK_IDLE_LOCK_SECS` overrides the setting on this computer (tests): the seconds.
    pub overridden: Option<u32>,
}

/// `idle_lock_set`: a new idle lock (the configure permission).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct IdleLockSet {
    pub secs: u32,
}

/// `first_head`: the first head of a station where no one has a password on this device.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct FirstHead {
    pub name: String,
    pub secret: String,
}

impl std::fmt::Debug for FirstHead {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FirstHead").field("name", &self.name).finish_non_exhaustive()
    }
}

/// Everything the case page shows.
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
pub struct CaseDetail {
    pub case: CaseState,
    pub next_deadline: Option<CaseDeadline>,
    pub deadlines: Vec<CaseDeadline>,
    /// Actions the state machine allows now, by event kind (`case.accepted`, ...).
    pub allowed: Vec<String>,
    /// The masked fields (`complainants[0].id_number`, ...) a permitted person may `reveal`.
    /// ID and phone numbers in `case` are masked (`632802********3019`, `138****2345`).
    pub revealable: Vec<String>,
    /// The names of the staff members in the timeline, by id.
    #[ts(type = "Record<string, string>")]
    pub actors: std::collections::BTreeMap<Uuid, String>,
    /// The documents (文书) the case's state allows now, with the numbers issued for each.
    pub documents: Vec<DocOffer>,
    /// Hashes of files the case's events name (evidence, issued documents' PDFs) that this
    /// station does not hold yet: they arrive with sync.
    pub missing_files: Vec<String>,
}

impl CaseDetail {
    /// The case page of case `id`: its state, its running deadlines under the store's calendar
    /// and rules, and what the state machine allows.
    pub fn of(store: &Store, id: Uuid) -> Result<CaseDetail, StoreError> {
        let mut case = store.case_state(id)?;
        let deadlines = deadline::deadlines(&case, store.calendar(), store.own_rules());
        let revealable = casedesk_domain::mask::revealable(&case.reg);
        // Minimum necessary display: the one masking function of the domain.
        casedesk_domain::mask::case(&mut case);
        let names = store.staff_names()?;
        let actors = case
            .timeline
            .iter()
            .filter_map(|t| t.actor)
            .filter_map(|a| names.get(&a).map(|n| (a, n.clone())))
            .collect();
        let mut missing_files = Vec::new();
        let named = case
            .evidence
            .iter()
            .map(|e| &e.item.sha256)
            .chain(case.documents.iter().map(|d| &d.doc.sha256));
        for sha in named {
            if !store.has_blob(sha)? && !missing_files.contains(sha) {
                missing_files.push(sha.clone());
            }
        }
        Ok(CaseDetail {
            missing_files,
            next_deadline: deadlines.first().copied(),
            deadlines,
            allowed: allowed_actions(&case).into_iter().map(|k| k.code().to_owned()).collect(),
            revealable,
            actors,
            documents: available_documents(&case),
            case,
        })
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct RegisterCase {
    pub op_id: String,
    /// `case_no` and `unit` are filled in by Rust (send "").
    pub reg: CaseRegistered,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CaseAction {
    pub op_id: String,
    pub case_id: Uuid,
    pub event: CaseEvent,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct RovingStart {
    pub op_id: String,
    pub date: NaiveDate,
    pub place: String,
    pub team: Vec<String>,
}

/// Removing a demonstration station (its database is kept aside as a backup file).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ResetDemo {
    pub op_id: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct RovingEnd {
    pub op_id: String,
    pub id: Uuid,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct RecordConsultation {
    pub op_id: String,
    pub topic: String,
    /// 人次.
    pub people: u32,
    pub channel: Channel,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub roving_session: Option<Uuid>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct StaffAdd {
    pub op_id: String,
    pub name: String,
    pub roles: Vec<StaffRole>,
    pub phone: String,
    pub languages: Vec<Language>,
    /// A first password or PIN on this device.
    pub secret: Option<String>,
}

/// Who is signed in on the desktop, and what their roles let them do.
#[derive(Clone, Debug, Serialize, TS)]
pub struct SessionInfo {
    pub staff: StaffRow,
    pub permissions: Vec<Permission>,
    /// The desktop locks itself after this many seconds without a command.
    pub idle_lock_secs: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SignIn {
    /// The staff member's id (from `sign_in_list`).
    pub staff: Uuid,
    pub secret: String,
}

/// Show one masked field of a case in full (recorded as `audit.revealed`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct RevealField {
    pub op_id: String,
    pub case_id: Uuid,
    /// One of `CaseDetail.revealable`.
    pub field: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SyncEnroll {
    /// The one-time enrollment code made at the hub.
    pub code: String,
    /// The hub's address as this station reaches it, if not the one in the code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hub_url: Option<String>,
}

/// `bundle_export`: write a USB bundle of what the hub has not acknowledged.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct BundleExport {
    /// The folder to write it into (a USB stick's).
    pub folder: String,
    /// The enrollment code, for a station that is not enrolled yet: the bundle carries the
    /// enrollment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
}

/// A bundle written.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct BundleExported {
    /// Its full path.
    pub file: String,
    /// Own events in it.
    pub events: u64,
    /// It carries this station's enrollment.
    pub enrolling: bool,
    /// Files in it (evidence, issued documents the hub has not acknowledged), and their bytes.
    pub files: u64,
    pub file_bytes: u64,
    /// Such files that did not fit: they go with the next bundle.
    pub files_waiting: u64,
}

/// `db_lock`: whether the station file waits for its passphrase (the unlock screen).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DbLock {
    pub locked: bool,
    /// Wrong passphrases left before a wait.
    pub tries_left: u32,
    /// Seconds to wait before the next try (0: none).
    pub wait_secs: u32,
}

/// `db_unlock`: the station passphrase.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DbUnlock {
    pub passphrase: String,
}

impl std::fmt::Debug for DbUnlock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DbUnlock { .. }")
    }
}

/// One backup file (`backup_list`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct BackupRow {
    /// Its full path (what `backup_check` and `backup_restore` take).
    pub path: String,
    /// The folder it is in.
    pub folder: String,
    /// When it was made (ms since the epoch, UTC).
    #[ts(type = "number")]
    pub created_ms: i64,
    /// Why: `daily`, `manual`, `pre-migration`, `pre-restore`.
    pub reason: String,
    #[ts(type = "number")]
    pub bytes: u64,
    /// Encrypted with the station's key (false: a plain backup of a plain station).
    pub encrypted: bool,
}

/// The backups of the data folder and of the extra folder (a USB stick), newest first.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct BackupOverview {
    /// The data folder's backup folder.
    pub folder: String,
    /// The extra folder backups also go to (a USB stick); None: only the data folder.
    pub extra_folder: Option<String>,
    /// The extra folder is set but cannot be written now (the stick is not plugged in).
    pub extra_missing: bool,
    /// How many backups each folder keeps.
    pub keep: u32,
    /// The station file is encrypted (and so are its backups).
    pub encrypted: bool,
    pub backups: Vec<BackupRow>,
}

/// `backup_set_folder`: the extra folder backups go to (empty or null: none).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct BackupFolder {
    pub folder: Option<String>,
}

/// A folder a backup could not be written to, and why (in the UI language).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct BackupFailure {
    pub folder: String,
    pub code: String,
    pub message: String,
}

/// `backup_now`: what was written, and where it failed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct BackupMade {
    pub written: Vec<BackupRow>,
    pub failed: Vec<BackupFailure>,
    pub overview: BackupOverview,
}

/// `backup_check`: the backup opened with its key and checked (integrity, schema, a station).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct BackupChecked {
    pub path: String,
    pub unit: String,
    pub unit_name: String,
    #[ts(type = "number")]
    pub cases: u64,
    #[ts(type = "number")]
    pub events: u64,
}

/// `backup_restore`: the backup to put in place of the station file (after a confirmation).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct BackupRestore {
    pub path: String,
    /// An operation id (a re-sent request does nothing twice).
    pub op_id: String,
    /// The station passphrase the backup was made with, when it is not the station's own
    /// (`backup.other_passphrase` asked for it). After the restore the station opens with it.
    #[serde(default)]
    pub passphrase: Option<String>,
}

/// What a restore did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct BackupRestored {
    pub unit_name: String,
    #[ts(type = "number")]
    pub cases: u64,
    #[ts(type = "number")]
    pub events: u64,
    /// Where the replaced database was kept (a pre-restore backup, or the file moved aside).
    pub replaced: Option<String>,
    /// The station was enrolled with a hub: it must be enrolled again with a new-device code.
    pub needs_enrollment: bool,
}

/// `encrypt_station`: a station file that stayed plain (no keyring on this computer when it was
/// opened) is encrypted with a key derived from this station passphrase.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct EncryptStation {
    pub passphrase: String,
}

/// What `encrypt_station` did: the file is encrypted, an encrypted backup was made, and the
/// plain backups of the backup folders were removed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct StationEncrypted {
    pub removed_plain_backups: u32,
    pub overview: BackupOverview,
}

/// `pick_path`: the system's dialog to choose a folder (a USB stick for backups and bundles) or
/// a file (a return bundle). The answer is the chosen path, or None when it was closed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PickPath {
    /// The dialog's title (in the UI language).
    pub title: String,
    /// Where it opens (the path typed so far, or its folder); None or a missing folder: a USB
    /// stick's mount folder when there is one, else the home folder.
    #[serde(default)]
    pub start: Option<String>,
    /// A file with one of these extensions (without the dot); empty: a folder.
    #[serde(default)]
    pub extensions: Vec<String>,
}

/// `bundle_import`: take a return bundle written by the hub.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct BundleImport {
    /// The return bundle file.
    pub file: String,
}

/// What a return bundle brought (`casedesk_sync::bundle::Imported`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct BundleImported {
    /// The enrollment answer was taken now.
    pub enrolled: bool,
    /// Receipts that advanced what the hub acknowledged.
    pub receipts: u64,
    /// Receipts known already (a bundle imported before, or an older one).
    pub receipts_known: u64,
    /// The hub holds this device's events up to here.
    pub acked_seq: u64,
    pub pulled: u64,
    pub applied: u64,
    pub quarantined_here: u64,
    /// Its feed starts after this station's position and was not applied: export again.
    pub pages_skipped: bool,
    /// Events the hub refused, and why.
    pub refused: Vec<String>,
    /// Files it brought that this station keeps now.
    pub files_received: u64,
    /// Files it brought that this station held already.
    pub files_known: u64,
    /// Files it brought that were discarded (bytes not matching their hash, ...): `hash: code`.
    pub files_discarded: Vec<String>,
    /// This station's files the hub now holds (not sent again).
    pub files_delivered: u64,
    /// This station's files the hub refused: `hash: code: message`.
    pub files_refused: Vec<String>,
    /// Files owed to this station that did not fit this bundle.
    pub files_waiting: u64,
}

impl From<casedesk_sync::bundle::Imported> for BundleImported {
    fn from(r: casedesk_sync::bundle::Imported) -> BundleImported {
        BundleImported {
            enrolled: r.enrolled,
            receipts: r.receipts,
            receipts_known: r.receipts_known,
            acked_seq: r.acked_seq,
            pulled: r.pulled,
            applied: r.applied,
            quarantined_here: r.quarantined_here,
            pages_skipped: r.pages_skipped,
            refused: r.refused,
            files_received: r.files_received,
            files_known: r.files_known,
            files_discarded: r.files_discarded,
            files_delivered: r.files_delivered,
            files_refused: r.files_refused,
            files_waiting: r.files_waiting,
        }
    }
}

/// The station's settings.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Settings {
    pub lang: UiLang,
    /// The hub's address (the enrolled hub's; before enrollment, the address to enroll with).
    pub hub_url: Option<String>,
    /// The association's own deadlines (cases it handles itself).
    pub own_rules: OwnRules,
}

/// What the UI shows about sync (`casedesk_sync::SyncStatus`), plus the last error in
/// plain words.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SyncStatus {
    pub enrolled: bool,
    pub hub: Option<String>,
    /// Events of this device the hub has not acknowledged yet.
    pub waiting: u64,
    pub last_attempt_ms: Option<i64>,
    pub last_success_ms: Option<i64>,
    pub last_error_code: Option<String>,
    pub last_error: Option<String>,
    /// Events the hub quarantined (stored but not applied).
    pub hub_quarantined: u64,
    /// Events from elsewhere this station set aside (`sync_quarantine` lists them).
    pub quarantined_here: u64,
    /// Case numbers more than one case holds (shown with a suffix).
    pub duplicate_numbers: u64,
    /// Hub clock minus this device's clock, from the last contact.
    pub clock_offset_ms: Option<i64>,
    /// The last error in plain words, in the UI language.
    pub plain_error: Option<String>,
    /// Files (evidence, issued documents' PDFs) waiting to go to the hub or to arrive from
    /// it, and those whose last attempt failed, with the reason.
    pub files: casedesk_store::BlobSyncSummary,
}

impl SyncStatus {
    pub fn from_core(s: casedesk_sync::SyncStatus, lang: Lang) -> SyncStatus {
        let plain_error = s
            .last_error_code
            .as_deref()
            .map(|code| plain_sync_error(&sync_error_of(code, s.last_error.as_deref()), lang));
        let casedesk_sync::SyncStatus {
            enrolled,
            hub,
            waiting,
            last_attempt_ms,
            last_success_ms,
            last_error_code,
            last_error,
            hub_quarantined,
            quarantined_here,
            duplicate_numbers,
            clock_offset_ms,
            files,
        } = s;
        SyncStatus {
            enrolled,
            hub,
            waiting,
            last_attempt_ms,
            last_success_ms,
            last_error_code,
            last_error,
            hub_quarantined,
            quarantined_here,
            duplicate_numbers,
            clock_offset_ms,
            plain_error,
            files,
        }
    }
}

/// Rebuilds a `SyncError` from the code and text the sync state keeps, to explain it.
fn sync_error_of(code: &str, text: Option<&str>) -> SyncError {
    let text = text.unwrap_or_default().to_owned();
    match code {
        "network" => SyncError::Network(text),
        "protocol" => SyncError::Protocol(text),
        "not_enrolled" => SyncError::NotEnrolled,
        "pin_mismatch" => SyncError::PinMismatch,
        "plain_http_refused" => SyncError::PlainHttpRefused(text),
        "event_too_large" => SyncError::EventTooLarge {
            seq: text.split_whitespace().find_map(|w| w.parse().ok()).unwrap_or(0),
        },
        _ => SyncError::Hub {
            status: 0,
            body: casedesk_proto::sync::ErrorBody { code: code.to_owned(), message: text },
        },
    }
}

/// The home screen (`casedesk_store::desk::Dashboard`) with the sync status.
#[derive(Clone, Debug, Serialize, TS)]
pub struct Dashboard {
    pub today: NaiveDate,
    /// Up to 20, earliest deadline first.
    pub overdue: Vec<CaseRow>,
    /// Deadline within 3 days.
    pub due_soon: Vec<CaseRow>,
    /// Status registered.
    pub awaiting_acceptance: Vec<CaseRow>,
    /// Scheduled, not yet held, next 14 days.
    pub sessions: Vec<SessionItem>,
    pub month: MonthCounts,
    /// The last 30 days.
    pub by_day: Vec<DayCount>,
    /// This year.
    pub by_nature: Vec<NatureCount>,
    pub sync: SyncStatus,
}

impl Dashboard {
    /// The home screen of `store`: its desk, with the month's figures as casedesk-report
    /// defines them (解决 of the month's accepted cohort, so 解决率 never exceeds 100 %).
    pub fn of(store: &Store, sync: SyncStatus) -> Result<Dashboard, StoreError> {
        let mut d = Dashboard::new(store.dashboard()?, sync);
        d.month = month_counts(store)?;
        Ok(d)
    }

    pub fn new(d: desk::Dashboard, sync: SyncStatus) -> Dashboard {
        let desk::Dashboard {
            today,
            overdue,
            due_soon,
            awaiting_acceptance,
            sessions,
            month,
            by_day,
            by_nature,
        } = d;
        Dashboard {
            today,
            overdue,
            due_soon,
            awaiting_acceptance,
            sessions,
            month,
            by_day,
            by_nature,
            sync,
        }
    }
}

/// This month's figures of the station's own unit, by the report's definitions (complaints:
/// 接收, 受理, 办结, 解决 of the accepted cohort, 挽回; consultations in 人次).
pub fn month_counts(store: &Store) -> Result<MonthCounts, StoreError> {
    let today = deadline::local_date(store.now());
    let period = casedesk_report::Period::month_of(today);
    let unit = store.require_station()?.unit.clone();
    let r = casedesk_report::report(store, Some(&unit), &period)
        .map_err(casedesk_report::ReportError::into_store)?;
    let f = r.rows.first().map(|u| u.own.clone()).unwrap_or_default();
    Ok(MonthCounts {
        received: f.received,
        accepted: f.accepted,
        closed: f.closed,
        resolved: f.resolved,
        recovered_fen: f.recovered_fen,
        consultations_people: f.consultation_people,
    })
}

/// Payload of the `db-changed` event.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DbChanged {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case_id: Option<Uuid>,
}

/// An operation id as the UI sends it: a UUID (v7 or v4), made once per user action.
/// Returns it in canonical form, or a validation error at `path`.
pub fn check_op_id(op_id: &str, lang: Lang) -> Result<String, IpcError> {
    Uuid::parse_str(op_id.trim())
        .map(|u| u.hyphenated().to_string())
        .map_err(|_| IpcError::invalid("op_id", "op_id.invalid", "", lang))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_error_follows_the_code() {
        let core = casedesk_sync::SyncStatus {
            enrolled: true,
            hub: Some("https://hub.example:8443".into()),
            last_error_code: Some("token_revoked".into()),
            last_error: Some("hub answered 401".into()),
            ..Default::default()
        };
        let s = SyncStatus::from_core(core.clone(), Lang::Zh);
        assert!(s.plain_error.as_deref().unwrap().contains("注册码"), "{:?}", s.plain_error);
        let s = SyncStatus::from_core(
            casedesk_sync::SyncStatus { last_error_code: Some("network".into()), ..core },
            Lang::En,
        );
        assert!(s.plain_error.as_deref().unwrap().starts_with("Cannot reach the hub"));
        let s = SyncStatus::from_core(Default::default(), Lang::En);
        assert_eq!(s.plain_error, None);
    }

    #[test]
    fn op_ids_are_uuids() {
        let id = "0190F5A1-7B2C-7D3E-8F40-123456789ABC";
        assert_eq!(check_op_id(id, Lang::Zh).unwrap(), id.to_lowercase());
        let e = check_op_id("retry-1", Lang::En).unwrap_err();
        assert_eq!(e.issues[0].path, "op_id");
    }

    #[test]
    fn ui_lang_codes() {
        assert_eq!(serde_json::to_string(&UiLang::EnUs).unwrap(), "\"en-US\"");
        let s: Settings = serde_json::from_str(
            r#"{"lang":"zh-CN","hub_url":null,"own_rules":{"accept_working_days":7,"mediation_days":60,"mediation_in_working_days":false}}"#,
        )
        .unwrap();
        assert_eq!(s.lang.lang(), Lang::Zh);
    }
}

/// Which report, for whom: `unit` (with every unit below it; the station's own when null) and
/// the period's code (`2026-11`, `2026-Q4`, `2026-H2`, `2026`, `2026-10-01..2026-12-31`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ReportQuery {
    pub unit: Option<String>,
    pub period: String,
}

/// Submit (报送) the station's own report for a period.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ReportSubmit {
    pub op_id: String,
    pub period: String,
    pub note: String,
}

/// Hot spots of the last `weeks` weeks.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct HotspotsQuery {
    pub unit: Option<String>,
    pub weeks: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ExportKind {
    /// The report in the CCA layout (.xlsx).
    Report,
    /// The same tables as a PDF (A4, casedesk-docs).
    ReportPdf,
    /// Cases handled per station, for remuneration (.xlsx, .csv).
    RemunerationXlsx,
    RemunerationCsv,
}

/// An export, written by Rust into the `exports` folder beside the station's data; the answer
/// is the file's path.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ReportExport {
    pub unit: Option<String>,
    pub period: String,
    pub kind: ExportKind,
}

/// The file name and contents of an export.
pub fn export_file(
    store: &Store,
    req: &ReportExport,
    lang: Lang,
) -> Result<(String, Vec<u8>), StoreError> {
    use casedesk_report::{ReportError, xlsx};
    let period = casedesk_report::Period::parse(&req.period).map_err(ReportError::into_store)?;
    let unit = req.unit.as_deref();
    let name = |what: &str, ext: &str| {
        let who = unit.map_or_else(
            || store.station().map_or_else(String::new, |s| s.unit.clone()),
            str::to_owned,
        );
        format!("{what}-{who}-{}.{ext}", period.code.replace("..", "_"))
    };
    let r = match req.kind {
        ExportKind::Report => casedesk_report::report(store, unit, &period)
            .and_then(|r| xlsx::report_xlsx(&r, lang))
            .map(|b| (name("report", "xlsx"), b)),
        ExportKind::ReportPdf => {
            let r =
                casedesk_report::report(store, unit, &period).map_err(ReportError::into_store)?;
            return match casedesk_docs::statistics::report_pdf(&r, lang) {
                Ok(b) => Ok((name("report", "pdf"), b)),
                Err(casedesk_docs::DocsError::Store(e)) => Err(e),
                Err(e) => Err(StoreError::Io(std::io::Error::other(e.to_string()))),
            };
        }
        ExportKind::RemunerationXlsx => {
            casedesk_report::supervision::supervision(store, unit, &period)
                .and_then(|s| xlsx::remuneration_xlsx(&s, lang))
                .map(|b| (name("handled", "xlsx"), b))
        }
        ExportKind::RemunerationCsv => {
            casedesk_report::supervision::supervision(store, unit, &period)
                .map(|s| (name("handled", "csv"), xlsx::remuneration_csv(&s, lang).into_bytes()))
        }
    };
    r.map_err(ReportError::into_store)
}
