//! One adapter per command of `ui/IPC.md`: arguments in, core work on a blocking thread
//! (`spawn_blocking`, never the main thread), result or `IpcError` out. The Tauri commands that
//! call them are generated in `lib.rs` from the command list of casedesk-ipc
//! (`with_commands!`), which fixes each command's argument names, types and result. Mutating commands take
//! the UI's `op_id` and go through the core's `*_op` functions, so a re-sent call returns the
//! first call's result and writes nothing.
//!
//! The business rules live in casedesk-domain and casedesk-store; what is here is argument checking the core does
//! not do (op ids, setting ranges, draft keys) and the shape of the answers.

use std::sync::Arc;

use casedesk_demo as demo;
use casedesk_domain::deadline::OwnRules;
use casedesk_domain::event::OrgEvent;
use casedesk_domain::types::{Permission, TransferKind};
use casedesk_domain::{Issue, Lang};
use casedesk_ipc::docs;
use casedesk_ipc::{
    AuditEntry, CaseAction, CaseDetail, Dashboard, DocFile, DocFileReq, DocIssue, DocPages,
    DocPreview, EvidenceAdd, HotSpots, HotspotsQuery, IpcError, LedgerExport, QuarantineEntry,
    RecordConsultation, RegisterCase, Report, ReportExport, ReportQuery, ReportSubmit, ResetDemo,
    RevealField, RovingEnd, RovingStart, SessionInfo, Settings, SetupStation, SignIn, StaffAdd,
    StaffLogin, StationInfo, Supervision, SyncEnroll, SyncStatus, check_op_id,
};
use casedesk_store::desk::{
    DuplicateHint, DuplicateQuery, Reference, RespondentHint, RovingSummary, StaffRow,
    TransferTargets,
};
use casedesk_store::query::{ListQuery, Page};
use casedesk_store::{CaseRef, NewStaff, StationInit, Store, StoreError};
use casedesk_sync::{self, SyncError, keys};
use chrono::Utc;
use tauri::State;
use uuid::Uuid;

use crate::files::FileSettings;
use crate::state::{AppState, lock};

/// The app state, as a command receives it.
pub type St<'a> = State<'a, Arc<AppState>>;
/// What a command answers.
pub type Res<T> = Result<T, IpcError>;

/// How many demonstration cases `setup_station` writes when asked to.
pub const DEMO_CASES: u64 = 3000;

/// Why a command failed, before it is put into the UI language.
pub enum Fail {
    Core(StoreError),
    Sync(SyncError),
    Ipc(IpcError),
}

impl From<StoreError> for Fail {
    fn from(e: StoreError) -> Fail {
        Fail::Core(e)
    }
}
impl From<SyncError> for Fail {
    fn from(e: SyncError) -> Fail {
        Fail::Sync(e)
    }
}
impl From<IpcError> for Fail {
    fn from(e: IpcError) -> Fail {
        Fail::Ipc(e)
    }
}
impl From<std::io::Error> for Fail {
    fn from(e: std::io::Error) -> Fail {
        Fail::Core(StoreError::Io(e))
    }
}

impl Fail {
    fn into_ipc(self, lang: Lang) -> IpcError {
        match self {
            Fail::Core(e) => IpcError::from_core(&e, lang),
            Fail::Sync(e) => IpcError::from_sync(&e, lang),
            Fail::Ipc(e) => e,
        }
    }
}

/// Runs `f` on a blocking thread (no store).
async fn blocking<T: Send + 'static>(
    state: &St<'_>,
    f: impl FnOnce(&Arc<AppState>) -> Result<T, Fail> + Send + 'static,
) -> Res<T> {
    let st: Arc<AppState> = Arc::clone(state);
    let lang = st.lang();
    match tauri::async_runtime::spawn_blocking(move || {
        let lang = st.lang();
        f(&st).map_err(|e| e.into_ipc(lang))
    })
    .await
    {
        Ok(r) => r,
        Err(e) => {
            tracing::error!("command panicked: {e}");
            Err(IpcError::internal(e, lang))
        }
    }
}

/// Runs `f` on a blocking thread with the writer locked (writes, and reads that answer a write).
async fn with_store<T: Send + 'static>(
    state: &St<'_>,
    f: impl FnOnce(&Arc<AppState>, &mut Store) -> Result<T, Fail> + Send + 'static,
) -> Res<T> {
    blocking(state, move |st| {
        let db = st.store()?;
        let mut guard = db.writer();
        f(st, &mut guard)
    })
    .await
}

/// Runs query `f` on a blocking thread with a read-only connection: it waits neither for
/// writes nor for other queries.
async fn with_reader<T: Send + 'static>(
    state: &St<'_>,
    f: impl FnOnce(&Arc<AppState>, &Store) -> Result<T, Fail> + Send + 'static,
) -> Res<T> {
    blocking(state, move |st| {
        let db = st.store()?;
        let guard = db.reader()?;
        f(st, &guard)
    })
    .await
}

fn station_info_of(store: &Store) -> Result<Option<StationInfo>, StoreError> {
    let Some(s) = store.station() else { return Ok(None) };
    let unit = store
        .unit(&s.unit)?
        .ok_or_else(|| StoreError::integrity(format!("unit {} is not registered", s.unit)))?;
    // Answered before anyone signs in: staff phones masked (`staff_list` shows them to heads).
    let staff = store
        .staff()?
        .into_iter()
        .filter(|p| p.unit == s.unit)
        .map(|mut p| {
            p.phone = casedesk_domain::mask::phone(&p.phone);
            p
        })
        .collect();
    Ok(Some(StationInfo {
        unit: s.unit.clone(),
        unit_name: s.unit_name.clone(),
        unit_kind: unit.kind,
        device: s.device,
        device_code: s.device_code.clone(),
        staff,
        demo: store.is_demo()?,
    }))
}

fn sync_view(st: &AppState, store: &Store) -> Result<SyncStatus, StoreError> {
    Ok(SyncStatus::from_core(casedesk_sync::sync_status(store)?, st.lang()))
}

fn check_range(issues: &mut Vec<Issue>, path: &str, v: u32, lo: u32, hi: u32) {
    if !(lo..=hi).contains(&v) {
        issues.push(Issue::with_arg(path, "range", format!("{lo}–{hi}")));
    }
}

fn invalid(issues: Vec<Issue>, lang: Lang) -> Fail {
    Fail::Ipc(IpcError::invalid_all(&issues, lang))
}

pub async fn transfer_targets(state: St<'_>, kind: TransferKind) -> Res<TransferTargets> {
    with_reader(&state, move |_, store| Ok(store.transfer_targets(kind)?)).await
}

// ---------------------------------------------------------------------------------------------
// Station

pub async fn station_info(state: St<'_>) -> Res<Option<StationInfo>> {
    with_reader(&state, |_, store| Ok(station_info_of(store)?)).await
}

pub async fn setup_station(state: St<'_>, req: SetupStation) -> Res<StationInfo> {
    let checked = req.clone();
    blocking(&state, move |st| {
        if !st.awaiting_key_settled() {
            return Ok(());
        }
        // The new file's key, as the wizard chose it, once the answers are right: nothing is
        // written for a wrong form.
        let lang = st.lang();
        let mut issues = setup_issues(&checked)?;
        let keyring = casedesk_keys::keyring_available().is_ok();
        match checked.passphrase.as_deref() {
            Some(p) => {
                if let Err(e) = casedesk_keys::check_new_passphrase(p) {
                    issues.push(Issue::with_arg("passphrase", e.code(), e.arg()));
                }
            }
            None if !keyring => issues.push(Issue::new("passphrase", "key.passphrase_needed")),
            None => {}
        }
        if !issues.is_empty() {
            return Err(invalid(issues, lang));
        }
        st.choose_key(checked.passphrase.as_deref())?;
        Ok(())
    })
    .await?;
    let (info, demo) = with_store(&state, move |st, store| setup(st, store, req)).await?;
    let st: Arc<AppState> = Arc::clone(&state);
    st.start_sync();
    st.changed(None);
    if demo {
        spawn_demo(st);
    }
    Ok(info)
}

fn station_init_of(req: &SetupStation) -> StationInit {
    StationInit {
        unit: req.unit.clone(),
        unit_name: req.unit_name.clone(),
        unit_kind: req.unit_kind,
        parent: req.parent.clone().filter(|p| !p.trim().is_empty()),
        admin_code: req.admin_code.trim().to_owned(),
        device_code: req.device_code.clone(),
        device_name: req.device_name.trim().to_owned(),
        founder: req.staff_name.trim().to_owned(),
        founder_secret: Some(req.staff_secret.clone()),
    }
}

/// Every problem of the wizard's answers at once, under the wizard's field names: the core's
/// checks (tried on a throw-away database: argon2 and all) before anything is written.
fn setup_issues(req: &SetupStation) -> Result<Vec<Issue>, Fail> {
    Ok(match Store::open_in_memory()?.init_station(station_init_of(req)) {
        Err(e) => e
            .issues()
            .iter()
            .map(|i| {
                let path = match i.path.as_str() {
                    "founder" => "staff_name".to_owned(),
                    "founder_secret" => "staff_secret".to_owned(),
                    other => other.to_owned(),
                };
                Issue { path, ..i.clone() }
            })
            .collect(),
        Ok(_) => Vec::new(),
    })
}

fn setup(st: &AppState, store: &mut Store, req: SetupStation) -> Result<(StationInfo, bool), Fail> {
    let lang = st.lang();
    let op = check_op_id(&req.op_id, lang)?;
    if let Some(station) = store.station().cloned() {
        // A re-sent setup returns the station (the founder signs in again with the password
        // they gave). Anything else is a second setup of a set-up station.
        if store.op_done(&op)? {
            let me = store.sign_in(req.staff_name.trim(), &req.staff_secret)?;
            st.set_session(Some(me.actor));
            let info = station_info_of(store)?.ok_or(StoreError::NotInitialized)?;
            return Ok((info, false));
        }
        return Err(StoreError::AlreadyInitialized(station.unit).into());
    }
    let init = station_init_of(&req);
    let issues = setup_issues(&req)?;
    if !issues.is_empty() {
        return Err(invalid(issues, lang));
    }
    let now = store.now();
    let demo_start = demo::DemoOptions { cases: 0, seed: 0, end: now, batch: 1 }.start();
    if req.load_demo {
        // Demo events carry their simulated times as HLCs only if everything before them is
        // older (see casedesk_demo): set the station up at the start of the demo world.
        let at = demo_start - chrono::Duration::days(1);
        store.set_clock(move || at);
    }
    let result = (|| -> Result<StationInfo, Fail> {
        // The person setting up is the station's first staff member (head, mediator, clerk),
        // signed in from here on.
        let founded = store.init_station(init)?;
        store.record_op(&op, &founded.founder.staff().to_string())?;
        if req.load_demo {
            // The demo's staff (head, mediators, interpreters...) join them.
            let opts = demo::DemoOptions { cases: 0, seed: 1, end: now, batch: 500 };
            demo::generate(store, &opts, &mut |_| {})?;
        }
        st.set_session(Some(founded.founder));
        Ok(station_info_of(store)?.ok_or(StoreError::NotInitialized)?)
    })();
    store.set_clock(Utc::now);
    let info = result?;
    tracing::info!(unit = %info.unit, device = %info.device, demo = req.load_demo, "station set up");
    Ok((info, req.load_demo))
}

/// Writes the demonstration cases on a connection of its own, as a bulk load in transactions
/// of 250 cases (`casedesk_demo::generate`), telling the UI after each: the lists fill while it
/// runs (a case shows once its last action is written), the search finds the cases when it
/// ends. Killed midway, the demo station is set up again.
fn spawn_demo(st: Arc<AppState>) {
    if st.demo_running.swap(true, std::sync::atomic::Ordering::SeqCst) {
        return;
    }
    let spawned = std::thread::Builder::new().name("casedesk-demo".into()).spawn(move || {
        let t = std::time::Instant::now();
        let result = (|| -> Result<demo::DemoSummary, StoreError> {
            let mut store = st.open_db()?;
            let opts =
                demo::DemoOptions { cases: DEMO_CASES, seed: 42, end: store.now(), batch: 250 };
            demo::generate(&mut store, &opts, &mut |_| st.changed(None))
        })();
        st.demo_running.store(false, std::sync::atomic::Ordering::SeqCst);
        match result {
            Ok(s) => tracing::info!(
                cases = s.cases,
                events = s.events,
                secs = t.elapsed().as_secs_f64(),
                "demo data written"
            ),
            Err(e) => tracing::error!("demo data failed: {e}"),
        }
        st.changed(None);
    });
    if let Err(e) = spawned {
        tracing::error!("cannot start the demo writer: {e}");
    }
}

pub async fn reference(state: St<'_>) -> Res<Reference> {
    with_reader(&state, |_, store| Ok(store.reference()?)).await
}

pub async fn dashboard(state: St<'_>) -> Res<Dashboard> {
    with_reader(&state, |st, store| {
        st.actor()?;
        Ok(Dashboard::of(store, sync_view(st, store)?)?)
    })
    .await
}

// ---------------------------------------------------------------------------------------------
// Cases

pub async fn list_cases(state: St<'_>, q: ListQuery) -> Res<Page> {
    with_reader(&state, move |st, store| {
        st.actor()?;
        Ok(store.list(&q)?)
    })
    .await
}

pub async fn count_cases(state: St<'_>, q: ListQuery) -> Res<u64> {
    with_reader(&state, move |st, store| {
        st.actor()?;
        Ok(store.count(&q)?)
    })
    .await
}

pub async fn get_case(state: St<'_>, id: String) -> Res<CaseDetail> {
    with_reader(&state, move |st, store| {
        st.actor()?;
        let id = store.find_case(&id)?;
        Ok(CaseDetail::of(store, id)?)
    })
    .await
}

/// One masked field of a case in full, for a staff member with the reveal permission; the
/// store records who saw it (`audit.revealed`) in the same transaction.
pub async fn reveal(state: St<'_>, req: RevealField) -> Res<String> {
    with_store(&state, move |st, store| {
        let me = st.actor()?;
        let op = check_op_id(&req.op_id, st.lang())?;
        Ok(store.reveal_op(Some(&op), &me, req.case_id, &req.field)?)
    })
    .await
}

pub async fn register_case(state: St<'_>, req: RegisterCase) -> Res<CaseRef> {
    let r = with_store(&state, move |st, store| {
        let op = check_op_id(&req.op_id, st.lang())?;
        let me = st.actor()?;
        Ok(store.register_case_op(Some(&op), &me, req.reg)?)
    })
    .await?;
    state.changed(Some(r.id));
    Ok(r)
}

pub async fn case_action(state: St<'_>, req: CaseAction) -> Res<CaseDetail> {
    let case_id = req.case_id;
    let d = with_store(&state, move |st, store| {
        let op = check_op_id(&req.op_id, st.lang())?;
        let me = st.actor()?;
        store.act_op(Some(&op), req.case_id, &me, req.event)?;
        Ok(CaseDetail::of(store, req.case_id)?)
    })
    .await?;
    state.changed(Some(case_id));
    Ok(d)
}

pub async fn find_duplicates(state: St<'_>, req: DuplicateQuery) -> Res<Vec<DuplicateHint>> {
    with_reader(&state, move |st, store| {
        st.actor()?;
        Ok(store.find_duplicates(&req)?)
    })
    .await
}

pub async fn lookup_respondents(state: St<'_>, prefix: String) -> Res<Vec<RespondentHint>> {
    with_reader(&state, move |_, store| Ok(store.lookup_respondents(&prefix)?)).await
}

// ---------------------------------------------------------------------------------------------
// Roving intake, consultations, staff

fn roving_summary(store: &Store, id: Uuid) -> Result<RovingSummary, StoreError> {
    store
        .roving_sessions(Some(id))?
        .into_iter()
        .next()
        .ok_or_else(|| StoreError::not_found(id.to_string()))
}

pub async fn roving_start(state: St<'_>, req: RovingStart) -> Res<RovingSummary> {
    let r = with_store(&state, move |st, store| {
        let lang = st.lang();
        let me = st.actor()?;
        let op = check_op_id(&req.op_id, lang)?;
        let unit = store.require_station()?.unit.clone();
        let ev = store.record_org_op(
            Some(&op),
            Uuid::now_v7(),
            &me,
            OrgEvent::RovingStarted {
                unit,
                date: req.date,
                place: req.place,
                team: req.team,
                note: String::new(),
            },
        )?;
        Ok(roving_summary(store, ev.stream)?)
    })
    .await?;
    state.changed(None);
    Ok(r)
}

pub async fn roving_end(state: St<'_>, req: RovingEnd) -> Res<RovingSummary> {
    let r = with_store(&state, move |st, store| {
        let me = st.actor()?;
        let op = check_op_id(&req.op_id, st.lang())?;
        let current = roving_summary(store, req.id)?;
        // Ending an ended session changes nothing (and a re-sent call finds it ended).
        if current.ended_at.is_some() {
            return Ok(current);
        }
        let at = store.now();
        store.record_org_op(
            Some(&op),
            req.id,
            &me,
            OrgEvent::RovingEnded { at, note: String::new() },
        )?;
        Ok(roving_summary(store, req.id)?)
    })
    .await?;
    state.changed(None);
    Ok(r)
}

pub async fn roving_list(state: St<'_>) -> Res<Vec<RovingSummary>> {
    with_reader(&state, |_, store| Ok(store.roving_sessions(None)?)).await
}

pub async fn record_consultation(state: St<'_>, req: RecordConsultation) -> Res<()> {
    with_store(&state, move |st, store| {
        let lang = st.lang();
        let me = st.actor()?;
        let op = check_op_id(&req.op_id, lang)?;
        let unit = store.require_station()?.unit.clone();
        let at = store.now();
        store.record_org_op(
            Some(&op),
            Uuid::now_v7(),
            &me,
            OrgEvent::ConsultationRecorded {
                unit,
                at,
                channel: req.channel,
                topic: req.topic,
                people: req.people,
                roving_session: req.roving_session,
                category: req.category,
            },
        )?;
        Ok(())
    })
    .await?;
    state.changed(None);
    Ok(())
}

pub async fn staff_list(state: St<'_>) -> Res<Vec<StaffRow>> {
    with_reader(&state, |st, store| {
        let me = st.actor()?;
        let mut list = store.staff()?;
        // Staff phones are for those who manage staff.
        if store.authorize(&me, Permission::ManageStaff).is_err() {
            for s in &mut list {
                s.phone = casedesk_domain::mask::phone(&s.phone);
            }
        }
        Ok(list)
    })
    .await
}

/// The access log (who revealed which number, who exported what), for the audit permission.
pub async fn audit_log(state: St<'_>) -> Res<Vec<AuditEntry>> {
    with_reader(&state, |st, store| {
        let me = st.actor()?;
        Ok(store.audit_log(&me, 500)?)
    })
    .await
}

pub async fn staff_add(state: St<'_>, req: StaffAdd) -> Res<StaffRow> {
    let r = with_store(&state, move |st, store| {
        let lang = st.lang();
        let me = st.actor()?;
        let op = check_op_id(&req.op_id, lang)?;
        let new = NewStaff {
            name: req.name,
            roles: req.roles,
            phone: req.phone,
            languages: req.languages,
            secret: req.secret.filter(|s| !s.is_empty()),
        };
        Ok(store.add_staff_op(Some(&op), &me, new)?)
    })
    .await?;
    state.changed(None);
    Ok(r)
}

/// The idle lock of the station file, as the staff screen shows it.
fn idle_lock_of(store: &Store) -> Result<casedesk_ipc::IdleLock, StoreError> {
    use casedesk_domain::access::{IDLE_LOCK_MAX_SECS, IDLE_LOCK_MIN_SECS};
    Ok(casedesk_ipc::IdleLock {
        secs: store.idle_lock_secs()?,
        min_secs: IDLE_LOCK_MIN_SECS,
        max_secs: IDLE_LOCK_MAX_SECS,
        overridden: crate::state::idle_lock_override(),
    })
}

/// After how long without input the desktop locks (anyone signed in may see it).
pub async fn idle_lock_get(state: St<'_>) -> Res<casedesk_ipc::IdleLock> {
    with_reader(&state, |st, store| {
        st.actor()?;
        Ok(idle_lock_of(store)?)
    })
    .await
}

/// A head sets the idle lock (the configure permission, checked by the store), within the
/// bounds of `casedesk_domain::access`; the UI's timer and Rust's backstop follow at once.
pub async fn idle_lock_set(
    state: St<'_>,
    req: casedesk_ipc::IdleLockSet,
) -> Res<casedesk_ipc::IdleLock> {
    with_store(&state, move |st, store| {
        let me = st.actor()?;
        store.set_idle_lock_secs(&me, req.secs)?;
        st.set_idle_secs(req.secs);
        tracing::info!(secs = req.secs, "idle lock set");
        Ok(idle_lock_of(store)?)
    })
    .await
}

// ---------------------------------------------------------------------------------------------
// Retention

fn retention_view(store: &Store) -> Result<casedesk_ipc::RetentionView, StoreError> {
    let now = store.now();
    Ok(casedesk_ipc::RetentionView {
        days: store.retention_days()?,
        max_days: casedesk_domain::retention::MAX_RETENTION_DAYS,
        due: store
            .retention_due(None)?
            .into_iter()
            .map(|d| casedesk_ipc::RetentionRow::of(d, now))
            .collect(),
    })
}

/// The retention period and the ended cases past it: for those who may anonymise (head,
/// administrator), as the CLI's `retention list`.
pub async fn retention_get(state: St<'_>) -> Res<casedesk_ipc::RetentionView> {
    with_reader(&state, |st, store| {
        let me = st.actor()?;
        store.authorize(&me, Permission::Anonymize)?;
        Ok(retention_view(store)?)
    })
    .await
}

/// A new retention period (the configure permission, checked by the store).
pub async fn retention_set(
    state: St<'_>,
    req: casedesk_ipc::RetentionSet,
) -> Res<casedesk_ipc::RetentionView> {
    let view = with_store(&state, move |st, store| {
        let me = st.actor()?;
        store.authorize(&me, Permission::Anonymize)?;
        store.set_retention_days(&me, req.days)?;
        tracing::info!(days = req.days, "retention period set");
        Ok(retention_view(store)?)
    })
    .await?;
    state.changed(None);
    Ok(view)
}

/// Anonymises the cases the head confirmed (`case.anonymized` each, the anonymize permission
/// checked by the store in each write's transaction). A case that cannot be (no longer due,
/// nothing left) is reported and the others go on. Each case's write is idempotent under the
/// UI's op id.
pub async fn retention_apply(
    state: St<'_>,
    req: casedesk_ipc::RetentionApply,
) -> Res<casedesk_ipc::RetentionApplied> {
    let (out, any) = with_store(&state, move |st, store| {
        let lang = st.lang();
        let me = st.actor()?;
        let op = check_op_id(&req.op_id, lang)?;
        store.authorize(&me, Permission::Anonymize)?;
        let mut anonymized = Vec::new();
        let mut failed = Vec::new();
        for id in req.cases {
            let no = store.case_state(id).map_or_else(|_| id.to_string(), |c| c.reg.case_no);
            match store.anonymize_op(Some(&format!("{op}/{id}")), id, &me) {
                Ok(_) => anonymized.push(no),
                // Refusals for the actor stop everything: nothing else would pass either.
                Err(e @ StoreError::Auth(_)) => return Err(e.into()),
                Err(e) => {
                    let ipc = IpcError::from_core(&e, lang);
                    let (code, message) = match ipc.issues.first() {
                        Some(i) => (i.code.clone(), i.message.clone()),
                        None => (ipc.code.clone(), ipc.message.clone()),
                    };
                    failed.push(casedesk_ipc::RetentionFailure { id, no, code, message });
                }
            }
        }
        tracing::info!(anonymized = anonymized.len(), failed = failed.len(), "anonymised");
        let any = !anonymized.is_empty();
        let view = retention_view(store)?;
        Ok((casedesk_ipc::RetentionApplied { anonymized, failed, view }, any))
    })
    .await?;
    if any {
        state.changed(None);
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Settings

fn settings_of(st: &AppState, store: &Store) -> Result<Settings, StoreError> {
    let file = st.file_settings();
    let enrolled_hub = store.sync_get(keys::HUB)?;
    Ok(Settings {
        lang: file.lang,
        hub_url: enrolled_hub.or(file.hub_url),
        own_rules: store.own_rules().clone(),
    })
}

pub async fn settings_get(state: St<'_>) -> Res<Settings> {
    with_reader(&state, |st, store| Ok(settings_of(st, store)?)).await
}

pub async fn settings_set(state: St<'_>, req: Settings) -> Res<Settings> {
    let (settings, changed) = with_store(&state, move |st, store| {
        // Messages of this answer already in the new language.
        let lang = req.lang.lang();
        let me = st.actor()?;
        // The language is each person's own; the station's rules and hub are a head's.
        if store.own_rules() != &req.own_rules || req.hub_url != settings_of(st, store)?.hub_url {
            store.authorize(&me, Permission::Configure)?;
        }
        let mut issues = Vec::new();
        let r: &OwnRules = &req.own_rules;
        check_range(&mut issues, "own_rules.accept_working_days", r.accept_working_days, 1, 60);
        check_range(&mut issues, "own_rules.mediation_days", r.mediation_days, 1, 365);
        let hub_url = req.hub_url.as_deref().map(str::trim).filter(|u| !u.is_empty());
        if let Some(u) = hub_url
            && !(u.starts_with("http://") || u.starts_with("https://"))
        {
            issues.push(Issue::new("hub_url", "url.invalid"));
        }
        if !issues.is_empty() {
            return Err(invalid(issues, lang));
        }
        let hub_url = hub_url.map(|u| u.trim_end_matches('/').to_owned());
        // The backup folder is set by the 备份 card, not by this form: it stays as it was.
        st.save_file_settings(FileSettings {
            lang: req.lang,
            hub_url: hub_url.clone(),
            ..st.file_settings()
        })?;
        let mut changed = false;
        if store.own_rules() != &req.own_rules {
            // Recomputes the deadlines of open cases.
            store.set_own_rules(req.own_rules.clone())?;
            changed = true;
        }
        // Enrolled: a new address of the same hub (the cursor and acknowledgements stay); never
        // one that drops the pinned certificate.
        let enrolled = store.sync_get(keys::HUB)?;
        if let (Some(old), Some(new)) = (&enrolled, &hub_url)
            && old != new
        {
            if let Err(e) = casedesk_sync::set_hub_address(store, new) {
                let (code, arg) = e.message_code();
                return Err(invalid(vec![Issue::with_arg("hub_url", code, arg)], lang));
            }
            changed = true;
        }
        Ok((settings_of(st, store)?, changed))
    })
    .await?;
    if changed {
        state.changed(None);
    }
    Ok(settings)
}

// ---------------------------------------------------------------------------------------------
// Sync

pub async fn sync_status(state: St<'_>) -> Res<SyncStatus> {
    with_reader(&state, |st, store| Ok(sync_view(st, store)?)).await
}

/// Asks the sync worker for a round now (ignoring its backoff) and returns the status as it
/// is; the round's outcome arrives as a `sync-status` event.
pub async fn sync_now(state: St<'_>) -> Res<SyncStatus> {
    let status = with_store(&state, |st, store| Ok(sync_view(st, store)?)).await?;
    if status.enrolled {
        state.sync_now();
    }
    Ok(status)
}

/// Enrolls this station with the hub of an enrollment code (network: on a connection of its
/// own, so other commands need not wait), then starts a round.
pub async fn sync_enroll(state: St<'_>, req: casedesk_ipc::SyncEnroll) -> Res<SyncStatus> {
    let code = req.code.trim().to_owned();
    let st: Arc<AppState> = Arc::clone(&state);
    let already = lock(&st.enrolled_codes).contains(&code);
    if !already {
        let SyncEnroll { hub_url, .. } = req;
        let code2 = code.clone();
        blocking(&state, move |st| {
            let lang = st.lang();
            if code2.is_empty() {
                return Err(invalid(vec![Issue::new("code", "required")], lang));
            }
            let hub_url = hub_url
                .map(|u| u.trim().trim_end_matches('/').to_owned())
                .filter(|u| !u.is_empty())
                .or(st.file_settings().hub_url);
            let me = st.actor()?;
            st.store()?; // the database is open and migrated
            let mut store = st.open_db()?;
            let name = store.require_station()?.device_code.clone();
            // Plain http only for development, by an explicit switch.
            let allow_plain_http =
                std::env::var("CASEDESK_ALLOW_PLAIN_HTTP").is_ok_and(|v| v == "1");
            let opts = casedesk_sync::EnrollOptions {
                hub_url: hub_url.as_deref(),
                device_name: &name,
                allow_plain_http,
                allow_demo: false,
            };
            let resp = casedesk_sync::enroll(&mut store, &me, &code2, &opts)?;
            tracing::info!(hub_unit = %resp.unit_name, "enrolled with the hub");
            Ok(())
        })
        .await?;
        lock(&st.enrolled_codes).insert(code);
    }
    st.sync_now();
    with_store(&state, |st, store| Ok(sync_view(st, store)?)).await
}

/// Writes a USB bundle of what the hub has not acknowledged into a folder (with the
/// enrollment, for a station not enrolled yet and a code given).
pub async fn bundle_export(
    state: St<'_>,
    req: casedesk_ipc::BundleExport,
) -> Res<casedesk_ipc::BundleExported> {
    with_store(&state, move |st, store| {
        let lang = st.lang();
        let folder = req.folder.trim().to_owned();
        if folder.is_empty() {
            return Err(invalid(vec![Issue::new("folder", "required")], lang));
        }
        let folder = std::path::PathBuf::from(folder);
        if !folder.is_dir() {
            return Err(invalid(vec![Issue::new("folder", "bundle.folder_missing")], lang));
        }
        let code = req.code.map(|c| c.trim().to_owned()).filter(|c| !c.is_empty());
        let name = store.require_station()?.device_code.clone();
        let b = casedesk_sync::bundle::export(store, code.as_deref(), &name, false)?;
        let path = folder.join(&b.file_name);
        crate::files::write_atomic(&path, &b.bytes)?;
        tracing::info!(
            events = b.events,
            files = b.files,
            enrolling = b.enrolling,
            "bundle written"
        );
        Ok(casedesk_ipc::BundleExported {
            file: path.display().to_string(),
            events: b.events,
            enrolling: b.enrolling,
            files: b.files,
            file_bytes: b.file_bytes,
            files_waiting: b.files_waiting,
        })
    })
    .await
}

/// Takes a return bundle from the hub: the enrollment answer, receipts, the unit's feed.
pub async fn bundle_import(
    state: St<'_>,
    req: casedesk_ipc::BundleImport,
) -> Res<casedesk_ipc::BundleImported> {
    let result = with_store(&state, move |st, store| {
        let lang = st.lang();
        let file = req.file.trim().to_owned();
        if file.is_empty() {
            return Err(invalid(vec![Issue::new("file", "required")], lang));
        }
        let bytes = std::fs::read(&file)
            .map_err(|_| invalid(vec![Issue::new("file", "bundle.file_missing")], lang))?;
        let r = casedesk_sync::bundle::import(store, &bytes)?;
        tracing::info!(
            applied = r.applied,
            files = r.files_received,
            enrolled = r.enrolled,
            "return bundle taken"
        );
        Ok(casedesk_ipc::BundleImported::from(r))
    })
    .await?;
    state.changed(None);
    Ok(result)
}

/// The events from elsewhere this station set aside, with the reasons.
pub async fn sync_quarantine(state: St<'_>) -> Res<Vec<QuarantineEntry>> {
    with_reader(&state, |st, store| {
        st.actor()?;
        Ok(store.quarantine()?)
    })
    .await
}

/// Removes a demonstration station: its database is moved aside, and the wizard starts again.
pub async fn reset_demo_station(state: St<'_>, req: ResetDemo) -> Res<()> {
    let st: Arc<AppState> = Arc::clone(&state);
    blocking(&state, move |st| {
        let lang = st.lang();
        check_op_id(&req.op_id, lang)?;
        let me = st.actor()?;
        let db = st.store()?;
        db.reader()?.authorize(&me, Permission::Configure)?;
        let demo = db.reader()?.is_demo()?;
        if !demo {
            return Err(Fail::Ipc(IpcError::new("reset.not_demo", "", lang)));
        }
        if st.demo_running.load(std::sync::atomic::Ordering::SeqCst) {
            return Err(Fail::Ipc(IpcError::new("reset.demo_running", "", lang)));
        }
        Ok(())
    })
    .await?;
    let moved = st.reset_store().map_err(|e| IpcError::internal(e, st.lang()))?;
    st.set_session(None);
    tracing::info!(moved = %moved.display(), "station reset");
    st.changed(None);
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Sign-in

fn session_of(
    st: &AppState,
    store: &Store,
    actor: &casedesk_store::Actor,
) -> Result<SessionInfo, StoreError> {
    let me = store.signed_in_as(actor)?;
    Ok(SessionInfo {
        staff: me.staff,
        permissions: me.permissions,
        idle_lock_secs: st.idle_lock().as_secs().min(u64::from(u32::MAX)) as u32,
    })
}

/// Who is signed in (`None`: the sign-in screen is shown).
pub async fn session_info(state: St<'_>) -> Res<Option<SessionInfo>> {
    with_reader(&state, |st, store| match st.current_actor() {
        None => Ok(None),
        Some(a) => match session_of(st, store, &a) {
            Ok(s) => Ok(Some(s)),
            // Deactivated meanwhile: signed out.
            Err(StoreError::Auth(_)) => {
                st.set_session(None);
                Ok(None)
            }
            Err(e) => Err(e.into()),
        },
    })
    .await
}

/// The staff who may sign in on this device (no phone numbers before sign-in).
pub async fn sign_in_list(state: St<'_>) -> Res<Vec<StaffLogin>> {
    with_reader(&state, |_, store| Ok(store.sign_in_list()?)).await
}

/// Signs a staff member in (switching clerk needs no restart); wrong tries lock them out for
/// a while (`auth.locked`).
pub async fn sign_in(state: St<'_>, req: SignIn) -> Res<SessionInfo> {
    with_store(&state, move |st, store| {
        let me = store.sign_in(&req.staff.to_string(), &req.secret)?;
        st.set_session(Some(me.actor));
        tracing::info!(staff = %me.staff.id, "signed in");
        Ok(session_of(st, store, &me.actor)?)
    })
    .await
}

/// The first head of a station where no one has a password or PIN on this device (set up
/// before staff accounts existed): registered (or an existing head's account claimed) and
/// signed in. Refused once anyone has a password here.
pub async fn first_head(state: St<'_>, req: casedesk_ipc::FirstHead) -> Res<SessionInfo> {
    let s = with_store(&state, move |st, store| {
        let me = store.found_first_head(&req.name, &req.secret)?;
        st.set_session(Some(me.actor));
        tracing::info!(staff = %me.staff.id, "first head of the station");
        Ok(session_of(st, store, &me.actor)?)
    })
    .await?;
    state.changed(None);
    Ok(s)
}

/// How the wizard may keep the new station file's key on this computer.
pub async fn key_options(state: St<'_>) -> Res<casedesk_ipc::KeyOptions> {
    blocking(&state, |st| {
        let existing = if st.awaiting_key_settled() {
            None
        } else {
            casedesk_keys::read_note(&st.paths.db).ok().flatten().map(|n| {
                match n.custody() {
                    casedesk_keys::Custody::Keyring => "keyring",
                    casedesk_keys::Custody::Passphrase => "passphrase",
                }
                .to_owned()
            })
        };
        Ok(casedesk_ipc::KeyOptions {
            keyring: casedesk_keys::keyring_available().is_ok(),
            existing,
            min_passphrase_chars: casedesk_keys::MIN_PASSPHRASE_CHARS as u32,
        })
    })
    .await
}

/// Locks the desktop (signs out); the sign-in screen follows.
pub async fn lock_session(state: St<'_>) -> Res<()> {
    state.set_session(None);
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Drafts (the store keeps them in the station file; see `casedesk_store::drafts`)

pub async fn draft_save(state: St<'_>, key: String, json: String) -> Res<()> {
    with_store(&state, move |st, store| {
        st.actor()?;
        Ok(store.draft_save(&key, &json)?)
    })
    .await
}

pub async fn draft_load(state: St<'_>, key: String) -> Res<Option<String>> {
    with_reader(&state, move |st, store| {
        st.actor()?;
        Ok(store.draft_load(&key)?)
    })
    .await
}

pub async fn draft_clear(state: St<'_>, key: String) -> Res<()> {
    with_store(&state, move |st, store| {
        st.actor()?;
        Ok(store.draft_clear(&key)?)
    })
    .await
}

// ---------------------------------------------------------------------------------------------
// Window

/// The UI has painted: show the window (it starts hidden to avoid a white flash).
pub async fn app_ready(state: St<'_>) -> Res<()> {
    state.show_window("app_ready");
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Statistics (casedesk-report: every figure defined there)

fn report_fail(e: casedesk_report::ReportError) -> Fail {
    Fail::Core(e.into_store())
}

fn period_of(code: &str) -> Result<casedesk_report::Period, Fail> {
    casedesk_report::Period::parse(code).map_err(report_fail)
}

pub async fn report(state: St<'_>, q: ReportQuery) -> Res<Report> {
    with_reader(&state, move |st, store| {
        st.actor()?;
        casedesk_report::report(store, q.unit.as_deref(), &period_of(&q.period)?)
            .map_err(report_fail)
    })
    .await
}

pub async fn report_submit(state: St<'_>, req: ReportSubmit) -> Res<Report> {
    let r = with_store(&state, move |st, store| {
        let me = st.actor()?;
        let op = check_op_id(&req.op_id, st.lang())?;
        let period = period_of(&req.period)?;
        casedesk_report::submit(store, &me, &period, &req.note, Some(&op)).map_err(report_fail)?;
        casedesk_report::report(store, None, &period).map_err(report_fail)
    })
    .await?;
    state.changed(None);
    Ok(r)
}

/// A report spreadsheet written to the exports folder: needs the export permission and is
/// recorded (`audit.exported`).
pub async fn report_export(state: St<'_>, req: ReportExport) -> Res<String> {
    with_store(&state, move |st, store| {
        let me = st.actor()?;
        store.authorize(&me, Permission::Export)?;
        let (name, bytes) = casedesk_ipc::export_file(store, &req, st.lang())?;
        let dir = st.paths.data_dir.join("exports");
        std::fs::create_dir_all(&dir)?;
        let path = dir.join(&name);
        std::fs::write(&path, bytes)?;
        store.record_export(&me, &name, 1)?;
        Ok(path.display().to_string())
    })
    .await
}

pub async fn hotspots(state: St<'_>, q: HotspotsQuery) -> Res<HotSpots> {
    with_reader(&state, move |st, store| {
        st.actor()?;
        let params = casedesk_report::hotspots::Params::default();
        casedesk_report::hotspots::hot_spots(store, q.unit.as_deref(), q.weeks, &params)
            .map_err(report_fail)
    })
    .await
}

pub async fn supervision(state: St<'_>, q: ReportQuery) -> Res<Supervision> {
    with_reader(&state, move |st, store| {
        st.actor()?;
        casedesk_report::supervision::supervision(store, q.unit.as_deref(), &period_of(&q.period)?)
            .map_err(report_fail)
    })
    .await
}

// ---------------------------------------------------------------------------------------------
// Documents (文书), evidence and the 受理台账 (casedesk-docs through casedesk_ipc::docs)

fn docs_fail(lang: casedesk_domain::Lang) -> impl Fn(docs::DocsFail) -> Fail {
    move |e| Fail::Ipc(e.into_ipc(lang))
}

pub async fn doc_preview(state: St<'_>, req: DocPreview) -> Res<DocPages> {
    with_reader(&state, move |st, store| {
        st.actor()?;
        docs::preview(store, &req, st.lang()).map_err(docs_fail(st.lang()))
    })
    .await
}

pub async fn doc_pages(state: St<'_>, number: String) -> Res<DocPages> {
    with_reader(&state, move |st, store| {
        st.actor()?;
        docs::issued_pages(store, &number).map_err(docs_fail(st.lang()))
    })
    .await
}

pub async fn doc_issue(state: St<'_>, req: DocIssue) -> Res<DocFile> {
    let f = with_store(&state, move |st, store| {
        let me = st.actor()?;
        let dir = st.paths.data_dir.join("documents");
        docs::issue(store, &req, &me, &dir, st.lang()).map_err(docs_fail(st.lang()))
    })
    .await?;
    state.changed(None);
    Ok(f)
}

pub async fn doc_file(state: St<'_>, req: DocFileReq) -> Res<DocFile> {
    with_reader(&state, move |st, store| {
        st.actor()?;
        let dir = st.paths.data_dir.join("documents");
        docs::file(store, &req, &dir).map_err(docs_fail(st.lang()))
    })
    .await
}

/// Opens a file the desktop wrote (a document, an attachment, an export) with the system's
/// program for it (the PDF viewer prints it). Only files inside the station's data folder.
pub async fn doc_open(state: St<'_>, path: String) -> Res<()> {
    blocking(&state, move |st| {
        let lang = st.lang();
        let p = std::path::PathBuf::from(&path);
        if !docs::inside(&st.paths.data_dir, &p) {
            return Err(Fail::Ipc(IpcError::new("file.outside", "", lang)));
        }
        tauri_plugin_opener::open_path(&p, None::<&str>)
            .map_err(|e| Fail::Ipc(IpcError::new("file.open_failed", &e.to_string(), lang)))
    })
    .await
}

pub async fn evidence_add(state: St<'_>, req: EvidenceAdd) -> Res<CaseDetail> {
    let (case, d) = with_store(&state, move |st, store| {
        let me = st.actor()?;
        let case = docs::add_evidence(store, &req, &me, st.lang()).map_err(docs_fail(st.lang()))?;
        Ok((case, CaseDetail::of(store, case)?))
    })
    .await?;
    state.changed(Some(case));
    Ok(d)
}

pub async fn evidence_thumb(state: St<'_>, case: String, evidence: String) -> Res<Option<String>> {
    with_reader(&state, move |st, store| {
        st.actor()?;
        docs::evidence_thumb(store, &case, &evidence, st.lang()).map_err(docs_fail(st.lang()))
    })
    .await
}

pub async fn evidence_file(state: St<'_>, case: String, evidence: String) -> Res<String> {
    with_reader(&state, move |st, store| {
        st.actor()?;
        let dir = st.paths.data_dir.join("evidence");
        docs::evidence_file(store, &case, &evidence, &dir, st.lang()).map_err(docs_fail(st.lang()))
    })
    .await
}

/// The 受理台账 of a period as a file: needs the export permission and is recorded
/// (`audit.exported`).
pub async fn ledger_export(state: St<'_>, req: LedgerExport) -> Res<String> {
    with_store(&state, move |st, store| {
        let me = st.actor()?;
        store.authorize(&me, Permission::Export)?;
        let dir = st.paths.data_dir.join("exports");
        let path = docs::ledger_file(store, &req, &dir, st.lang()).map_err(docs_fail(st.lang()))?;
        store.record_export(&me, "ledger", 1)?;
        Ok(path)
    })
    .await
}

// ---------------------------------------------------------------------------------------------
// Backups

fn backup_row(b: &casedesk_store::BackupInfo) -> casedesk_ipc::BackupRow {
    use casedesk_store::crypt::{FileKind, file_kind};
    casedesk_ipc::BackupRow {
        path: b.path.display().to_string(),
        folder: b.path.parent().map(|p| p.display().to_string()).unwrap_or_default(),
        created_ms: b.created.timestamp_millis(),
        reason: b.reason.code().to_owned(),
        bytes: b.bytes,
        encrypted: !matches!(file_kind(&b.path), Ok(FileKind::Plain)),
    }
}

/// The backups of every folder of the policy, newest first.
fn backup_overview(st: &AppState) -> Result<casedesk_ipc::BackupOverview, Fail> {
    let policy = st.backup_policy();
    let extra = st.file_settings().backup_folder;
    let mut backups = Vec::new();
    for (i, dir) in policy.dirs.iter().enumerate() {
        match casedesk_store::backup::list(dir) {
            Ok(list) => backups.extend(list.iter().map(backup_row)),
            // The data folder must be readable; a stick that is not plugged in lists nothing.
            Err(e) if i == 0 => return Err(e.into()),
            Err(_) => {}
        }
    }
    backups.sort_by(|a, b| b.created_ms.cmp(&a.created_ms).then_with(|| b.path.cmp(&a.path)));
    Ok(casedesk_ipc::BackupOverview {
        folder: policy.dirs.first().map(|d| d.display().to_string()).unwrap_or_default(),
        extra_missing: extra.as_deref().is_some_and(|f| !std::path::Path::new(f).is_dir()),
        extra_folder: extra,
        keep: policy.keep as u32,
        encrypted: st.key().is_some(),
        backups,
    })
}

/// Whether `path` names a backup of this station's folders (the UI only ever sends paths it
/// was given by `backup_list`; anything else is refused).
fn known_backup(st: &AppState, path: &str) -> Result<std::path::PathBuf, Fail> {
    let policy = st.backup_policy();
    let p = std::path::PathBuf::from(path.trim());
    let known = policy
        .dirs
        .iter()
        .any(|d| casedesk_store::backup::list(d).is_ok_and(|l| l.iter().any(|b| b.path == p)));
    if !known {
        return Err(Fail::Core(StoreError::BackupNotFound(path.to_owned())));
    }
    Ok(p)
}

/// The key of a backup of this station: the station's own key when the backup's note is the
/// station's (or there is none), the keyring's for a keyring note; for a backup made with
/// another station passphrase, the key derived from `passphrase` (asked for with
/// `backup.other_passphrase` when none is given; a wrong one fails the backup's check as
/// `backup.wrong_key`).
fn backup_key_of(
    st: &AppState,
    path: &std::path::Path,
    passphrase: Option<&str>,
) -> Result<(Option<casedesk_store::DbKey>, Option<casedesk_keys::KeyNote>), Fail> {
    use casedesk_store::crypt::{FileKind, file_kind};
    if file_kind(path)? == FileKind::Plain {
        return Ok((None, None));
    }
    let lang = st.lang();
    let key_err = |e: casedesk_keys::KeyError| Fail::Ipc(IpcError::new(e.code(), &e.arg(), lang));
    let live = st.key();
    let note = casedesk_keys::backup_note(path).map_err(key_err)?;
    match (note, live) {
        (None, Some((n, k))) => Ok((Some(k), Some(n))),
        (Some(n), Some((ln, k))) if n == ln => Ok((Some(k), Some(n))),
        (Some(n @ casedesk_keys::KeyNote::Keyring { .. }), _) => {
            Ok((Some(casedesk_keys::key_for(&n, None).map_err(key_err)?), Some(n)))
        }
        (Some(n @ casedesk_keys::KeyNote::Passphrase { .. }), _) => match passphrase {
            Some(p) if !p.is_empty() => {
                Ok((Some(casedesk_keys::key_for(&n, Some(p)).map_err(key_err)?), Some(n)))
            }
            _ => Err(Fail::Ipc(IpcError::new("backup.other_passphrase", "", lang))),
        },
        (None, None) => Err(Fail::Core(StoreError::BackupWrongKey(path.display().to_string()))),
    }
}

pub async fn backup_list(state: St<'_>) -> Res<casedesk_ipc::BackupOverview> {
    blocking(&state, |st| {
        st.actor()?;
        backup_overview(st)
    })
    .await
}

/// Backs the station up now into the data folder and the chosen folder.
pub async fn backup_now(state: St<'_>) -> Res<casedesk_ipc::BackupMade> {
    with_store(&state, |st, store| {
        st.actor()?;
        let lang = st.lang();
        let out = store.backup(&st.backup_policy(), casedesk_store::BackupReason::Manual)?;
        for b in &out.written {
            tracing::info!(path = %b.path.display(), bytes = b.bytes, "backup made");
        }
        let failed = out
            .failed
            .iter()
            .map(|(d, e)| casedesk_ipc::BackupFailure {
                folder: d.display().to_string(),
                code: e.code().to_owned(),
                message: e.message(lang),
            })
            .collect();
        Ok(casedesk_ipc::BackupMade {
            written: out.written.iter().map(backup_row).collect(),
            failed,
            overview: backup_overview(st)?,
        })
    })
    .await
}

/// Sets (or clears) the folder backups also go to.
pub async fn backup_set_folder(
    state: St<'_>,
    req: casedesk_ipc::BackupFolder,
) -> Res<casedesk_ipc::BackupOverview> {
    with_reader(&state, move |st, store| {
        let me = st.actor()?;
        store.authorize(&me, Permission::Configure)?;
        let lang = st.lang();
        let folder = req.folder.map(|f| f.trim().to_owned()).filter(|f| !f.is_empty());
        if let Some(f) = &folder {
            let p = std::path::Path::new(f);
            if !p.is_absolute() || !p.is_dir() {
                return Err(invalid(vec![Issue::new("folder", "backup.folder_missing")], lang));
            }
        }
        let mut s = st.file_settings();
        s.backup_folder = folder;
        st.save_file_settings(s)?;
        backup_overview(st)
    })
    .await
}

/// Opens a backup with its key and checks it (nothing is changed).
pub async fn backup_check(
    state: St<'_>,
    path: String,
    passphrase: Option<String>,
) -> Res<casedesk_ipc::BackupChecked> {
    blocking(&state, move |st| {
        st.actor()?;
        let p = known_backup(st, &path)?;
        let (key, _) = backup_key_of(st, &p, passphrase.as_deref())?;
        let s = casedesk_store::backup::inspect(&p, key.as_ref())?;
        Ok(casedesk_ipc::BackupChecked {
            path: p.display().to_string(),
            unit: s.unit,
            unit_name: s.unit_name,
            cases: s.cases,
            events: s.events,
        })
    })
    .await
}

/// Puts a backup in place of the station file (the head; after the UI's confirmation) and
/// reopens the app on it: the device takes a new identity, to be enrolled again.
/// Restores done in this run by op id: a re-sent request answers the first one's result.
static RESTORES: std::sync::Mutex<Vec<(String, casedesk_ipc::BackupRestored)>> =
    std::sync::Mutex::new(Vec::new());

pub async fn backup_restore(
    state: St<'_>,
    req: casedesk_ipc::BackupRestore,
) -> Res<casedesk_ipc::BackupRestored> {
    let op_id = req.op_id.clone();
    let restored = blocking(&state, move |st| {
        let lang = st.lang();
        check_op_id(&req.op_id, lang)?;
        if let Some((_, done)) = lock(&RESTORES).iter().find(|(id, _)| *id == req.op_id) {
            return Ok(done.clone());
        }
        let me = st.actor()?;
        {
            let db = st.store()?;
            db.reader()?.authorize(&me, Permission::Configure)?;
        }
        if st.demo_running.load(std::sync::atomic::Ordering::SeqCst) {
            return Err(Fail::Ipc(IpcError::new("backup.demo_running", "", lang)));
        }
        let p = known_backup(st, &req.path)?;
        let (key, note) = backup_key_of(st, &p, req.passphrase.as_deref())?;
        let r = st.restore_from(&p, key.as_ref(), note)?;
        tracing::info!(
            backup = %p.display(),
            old_device = %r.old_device,
            new_device = %r.new_device,
            "restored from a backup"
        );
        let enrolled = {
            let db = st.store()?;
            let w = db.writer();
            casedesk_sync::restore::needs_enrollment(&w)?
        };
        Ok(casedesk_ipc::BackupRestored {
            unit_name: r.summary.unit_name,
            cases: r.summary.cases,
            events: r.summary.events,
            replaced: r.replaced.map(|p| p.display().to_string()),
            needs_enrollment: enrolled,
        })
    })
    .await?;
    lock(&RESTORES).push((op_id, restored.clone()));
    let st: Arc<AppState> = Arc::clone(&state);
    st.changed(None);
    Ok(restored)
}

/// Encrypts a station file that stayed plain (see `AppState::encrypt_plain`): the head, with
/// the new station passphrase; nobody else is writing (the demonstration data writer refuses
/// it).
pub async fn encrypt_station(
    state: St<'_>,
    req: casedesk_ipc::EncryptStation,
) -> Res<casedesk_ipc::StationEncrypted> {
    let done = blocking(&state, move |st| {
        let lang = st.lang();
        let me = st.actor()?;
        st.store()?.reader()?.authorize(&me, Permission::Configure)?;
        if st.demo_running.load(std::sync::atomic::Ordering::SeqCst) {
            return Err(Fail::Ipc(IpcError::new("backup.demo_running", "", lang)));
        }
        let removed = st.encrypt_plain(&req.passphrase)?;
        Ok(casedesk_ipc::StationEncrypted {
            removed_plain_backups: removed as u32,
            overview: backup_overview(st)?,
        })
    })
    .await?;
    // Reopened: every view reads again (the key choice, the backups, the sync status).
    let st: Arc<AppState> = Arc::clone(&state);
    st.changed(None);
    Ok(done)
}

/// The system's dialog to choose a folder or a file (see `casedesk_ipc::PickPath`); the path is
/// only filled into a field, and every command that takes it checks it again.
pub async fn pick_path(state: St<'_>, req: casedesk_ipc::PickPath) -> Res<Option<String>> {
    blocking(&state, move |st| {
        st.actor()?;
        let lang = st.lang();
        let extensions: Vec<String> = req
            .extensions
            .iter()
            .map(|e| e.trim_start_matches('.').to_owned())
            .filter(|e| {
                !e.is_empty() && e.len() <= 16 && e.chars().all(|c| c.is_ascii_alphanumeric())
            })
            .collect();
        let title: String = req.title.chars().take(100).collect();
        let start = pick_start(req.start.as_deref(), &removable_roots(), std::env::home_dir());
        match st.pick(&title, &start, &extensions) {
            Some(p) => Ok(p.map(|p| p.display().to_string())),
            None => Err(Fail::Ipc(IpcError::new("dialog.unavailable", "", lang))),
        }
    })
    .await
}

/// Where removable drives are mounted on this system (udisks: `/media/<user>`, or
/// `/run/media/<user>`), those that exist.
fn removable_roots() -> Vec<std::path::PathBuf> {
    let user = std::env::var("USER").ok().filter(|u| !u.is_empty() && !u.contains('/'));
    let mut roots = Vec::new();
    if let Some(u) = &user {
        roots.push(std::path::Path::new("/media").join(u));
        roots.push(std::path::Path::new("/run/media").join(u));
    }
    roots.push("/media".into());
    roots.into_iter().filter(|r| r.is_dir()).collect()
}

/// Where the dialog opens: the folder typed so far (or the folder of the file typed), else the
/// only drive mounted under a removable root (the stick itself) or that root, else home.
fn pick_start(
    typed: Option<&str>,
    roots: &[std::path::PathBuf],
    home: Option<std::path::PathBuf>,
) -> std::path::PathBuf {
    if let Some(t) = typed.map(str::trim).filter(|t| !t.is_empty()) {
        let p = std::path::Path::new(t);
        if p.is_absolute() {
            if p.is_dir() {
                return p.to_path_buf();
            }
            if let Some(parent) = p.parent().filter(|q| q.is_dir()) {
                return parent.to_path_buf();
            }
        }
    }
    for root in roots {
        let drives: Vec<std::path::PathBuf> = std::fs::read_dir(root)
            .map(|d| d.flatten().map(|e| e.path()).filter(|p| p.is_dir()).collect())
            .unwrap_or_default();
        match drives.as_slice() {
            [only] => return only.clone(),
            [] => {}
            _ => return root.clone(),
        }
    }
    home.unwrap_or_else(|| "/".into())
}

// ---------------------------------------------------------------------------------------------
// Unlock (a passphrase station started without CASEDESK_PASSPHRASE)

fn db_lock_of(st: &AppState) -> casedesk_ipc::DbLock {
    let (locked, tries_left, wait) = st.unlock_state();
    casedesk_ipc::DbLock { locked, tries_left, wait_secs: wait.min(u64::from(u32::MAX)) as u32 }
}

/// Whether the unlock screen is to be shown (answered before the database is open).
pub async fn db_lock(state: St<'_>) -> Res<casedesk_ipc::DbLock> {
    blocking(&state, |st| {
        // Answered once the opener has tried the file (it may still be running at start): open,
        // failed, or waiting for the passphrase.
        let _ = st.store();
        Ok(db_lock_of(st))
    })
    .await
}

/// The station passphrase from the unlock screen: a wrong one opens nothing.
pub async fn db_unlock(state: St<'_>, req: casedesk_ipc::DbUnlock) -> Res<casedesk_ipc::DbLock> {
    blocking(&state, move |st| {
        let lang = st.lang();
        if req.passphrase.is_empty() {
            return Err(invalid(vec![Issue::new("passphrase", "required")], lang));
        }
        // As `db_lock`: once the opener has tried the file (before that, nothing is locked yet
        // and the passphrase would be ignored).
        let _ = st.store();
        match st.unlock(&req.passphrase) {
            Ok(()) => Ok(db_lock_of(st)),
            Err(crate::state::UnlockError::Wrong(left)) => {
                Err(Fail::Ipc(IpcError::new("db.wrong_passphrase", &left.to_string(), lang)))
            }
            Err(crate::state::UnlockError::Wait(secs)) => {
                Err(Fail::Ipc(IpcError::new("db.unlock_wait", &secs.to_string(), lang)))
            }
            Err(crate::state::UnlockError::Other(m)) => {
                Err(Fail::Ipc(IpcError::new("db.open_failed", &m, lang)))
            }
        }
    })
    .await
}

#[cfg(test)]
mod pick_tests {
    use super::pick_start;

    #[test]
    fn the_dialog_opens_at_the_typed_folder_else_the_one_stick_else_home() {
        let t = tempfile::tempdir().unwrap();
        let (media, home) = (t.path().join("media"), t.path().join("home"));
        std::fs::create_dir_all(&home).unwrap();
        std::fs::create_dir_all(&media).unwrap();
        let roots = vec![media.clone()];
        // No stick: home.
        assert_eq!(pick_start(None, &roots, Some(home.clone())), home);
        // One stick: the stick; two: the folder they are in.
        std::fs::create_dir(media.join("KINGSTON")).unwrap();
        assert_eq!(pick_start(Some("  "), &roots, Some(home.clone())), media.join("KINGSTON"));
        std::fs::create_dir(media.join("SANDISK")).unwrap();
        assert_eq!(pick_start(None, &roots, Some(home.clone())), media);
        // What was typed wins when it is there: a folder, or a file's folder; a relative or
        // missing path does not.
        let typed = home.join("备份");
        std::fs::create_dir(&typed).unwrap();
        assert_eq!(pick_start(typed.to_str(), &roots, None), typed);
        let file = typed.join("casedesk-return-1.cdkb");
        assert_eq!(pick_start(file.to_str(), &roots, None), typed);
        assert_eq!(pick_start(Some("usb/备份"), &roots, None), media);
        assert_eq!(pick_start(Some("/没有/这个"), &[], None), std::path::PathBuf::from("/"));
    }
}
