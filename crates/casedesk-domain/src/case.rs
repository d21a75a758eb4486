//! The life of a case: the state machine, and the fold of a case's events into its state.
//!
//! `fold` is pure and deterministic. It sorts the events (registration first, then by HLC,
//! device and sequence) and drops duplicate ids, so any permutation of a case's events, with or
//! without duplicates, gives the same state. Local commands are checked with `check` before they
//! are written; events that arrive from elsewhere are never refused: a status change that is not
//! allowed where it lands in the order (two stations acting on the same case while offline) is
//! kept in the timeline and flagged as an anomaly instead of changing the status.

use std::collections::{BTreeMap, HashSet};

use casedesk_proto::{Event, Hlc};
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;
use uuid::Uuid;

use crate::error::{DomainError, Issue, Result};
use crate::event::*;
use crate::reference::RuleSet;
use crate::types::*;

#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SessionView {
    pub id: Uuid,
    pub scheduled: Option<SessionScheduled>,
    pub recorded: Option<SessionRecorded>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TransferView {
    pub at: DateTime<Utc>,
    pub from_unit: String,
    #[serde(flatten)]
    pub transfer: Transferred,
    pub feedback: Option<(DateTime<Utc>, String)>,
}

/// A document issued on the case: the event's payload, with the event that recorded it and
/// where it was issued.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct IssuedDocument {
    pub event: Uuid,
    pub unit: String,
    pub device: Uuid,
    #[serde(flatten)]
    pub doc: DocumentIssued,
}

/// A file attached to the case, with the event that recorded it.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct EvidenceView {
    pub event: Uuid,
    #[serde(flatten)]
    pub item: EvidenceAdded,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Decision {
    pub at: DateTime<Utc>,
    pub reason: String,
    pub note: String,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FollowUp {
    pub at: DateTime<Utc>,
    pub method: ContactMethod,
    pub satisfaction: Satisfaction,
    pub note: String,
}

/// Two or more edits of one field made without seeing each other.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Conflict {
    pub field: String,
    /// The competing edits: (event id, value).
    #[cfg_attr(feature = "ts", ts(type = "Array<[string, unknown]>"))]
    pub candidates: Vec<(Uuid, Value)>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TimelineEntry {
    pub id: Uuid,
    pub at: DateTime<Utc>,
    pub unit: String,
    pub actor: Option<Uuid>,
    pub kind: String,
    #[cfg_attr(feature = "ts", ts(type = "Record<string, unknown>"))]
    pub payload: Value,
    /// The event did not fit the case's state where it landed (see the module doc).
    pub anomaly: bool,
}

/// Everything known about one case: the fold of its events.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CaseState {
    pub id: Uuid,
    pub reg: CaseRegistered,
    pub status: Status,
    pub rule_set: RuleSet,
    /// The unit handling the case now.
    pub home_unit: String,
    pub co_handlers: Vec<String>,
    pub accepted_at: Option<DateTime<Utc>>,
    pub not_accepted: Option<Decision>,
    pub sessions: Vec<SessionView>,
    pub agreement: Option<AgreementRecorded>,
    pub performance_confirmed_at: Option<DateTime<Utc>>,
    pub termination: Option<Decision>,
    pub transfers: Vec<TransferView>,
    pub closure: Option<Closed>,
    pub follow_ups: Vec<FollowUp>,
    pub notes: Vec<(DateTime<Utc>, String)>,
    pub void_reason: Option<String>,
    /// When the personal fields of the case were removed (`case.anonymized`): names, numbers
    /// and free texts are empty from then on, codes, dates and amounts stay.
    pub anonymized_at: Option<DateTime<Utc>>,
    /// Documents issued, in fold order.
    pub documents: Vec<IssuedDocument>,
    /// Files attached (证据材料, signed copies), in fold order.
    pub evidence: Vec<EvidenceView>,
    pub conflicts: Vec<Conflict>,
    pub timeline: Vec<TimelineEntry>,
    /// Last event that set each edited field: a correction names the one it was made on top
    /// of (`FieldEdit::base`), which is how concurrent corrections are told apart.
    #[cfg_attr(feature = "ts", ts(type = "Record<string, string>"))]
    pub field_heads: BTreeMap<String, Uuid>,
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub last_hlc: Hlc,
}

/// The time an HLC reading stands for.
pub fn hlc_time(hlc: Hlc) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(hlc.ms() as i64).unwrap_or_default()
}

/// When what an event records happened: the time the person entered with it (received,
/// accepted, held, signed, closed ...), which may be earlier than the moment it was written
/// (a clerk back at the desk after a roving day); otherwise the time it was written. A
/// scheduled session's `at` is its planned time, not an event time.
pub fn event_time(e: &Event) -> DateTime<Utc> {
    if e.kind != "case.session_scheduled" {
        for key in ["received_at", "held_at", "signed_at", "issued_at", "added_at", "at"] {
            if let Some(t) = e.payload.get(key).and_then(Value::as_str).and_then(|s| s.parse().ok())
            {
                return t;
            }
        }
    }
    hlc_time(e.hlc)
}

/// The order in which a case's events are folded.
fn fold_key(e: &Event) -> (bool, Hlc, Uuid, u64) {
    (e.kind != "case.registered", e.hlc, e.device, e.seq)
}

/// Folds a case's events into its state. Returns `None` when there is no registration among
/// them. Events that cannot be decoded are an error: the store never holds such events.
pub fn fold(events: &[Event]) -> Result<Option<CaseState>> {
    let mut sorted: Vec<&Event> = events.iter().collect();
    sorted.sort_by_key(|e| fold_key(e));
    let mut seen = HashSet::new();
    let mut state: Option<CaseState> = None;
    for e in sorted {
        if !seen.insert(e.id) {
            continue;
        }
        let DomainEvent::Case(ce) = DomainEvent::decode(&e.kind, e.v, &e.payload)? else {
            return Err(DomainError::Integrity(format!("event {} is not a case event", e.id)));
        };
        match (&mut state, ce) {
            (None, CaseEvent::Registered(reg)) => state = Some(CaseState::new(e, *reg)),
            (None, _) => {}
            (Some(s), ce) => s.apply(e, ce),
        }
    }
    Ok(state)
}

/// The fold of a case's events and one more, `e`, from `s`, the fold of the others: the same
/// state as `fold` of them all when `e` folds last (it is not a registration and its HLC is
/// later than every event folded into `s`); `None` when it does not (fold them all again).
/// For writers that append to a case they hold (a bulk load), so as not to fold its whole
/// history at every event.
pub fn fold_next(mut s: CaseState, e: &Event) -> Result<Option<CaseState>> {
    if e.kind == "case.registered" || e.hlc <= s.last_hlc || s.timeline.iter().any(|t| t.id == e.id)
    {
        return Ok(None);
    }
    let DomainEvent::Case(ce) = DomainEvent::decode(&e.kind, e.v, &e.payload)? else {
        return Err(DomainError::Integrity(format!("event {} is not a case event", e.id)));
    };
    s.apply(e, ce);
    Ok(Some(s))
}

impl CaseState {
    fn new(e: &Event, reg: CaseRegistered) -> CaseState {
        let received = crate::deadline::local_date(reg.received_at);
        let mut s = CaseState {
            id: e.stream,
            rule_set: RuleSet::for_case(reg.mode, received),
            home_unit: reg.unit.clone(),
            reg,
            status: Status::Registered,
            co_handlers: Vec::new(),
            accepted_at: None,
            not_accepted: None,
            sessions: Vec::new(),
            agreement: None,
            performance_confirmed_at: None,
            termination: None,
            transfers: Vec::new(),
            closure: None,
            follow_ups: Vec::new(),
            notes: Vec::new(),
            void_reason: None,
            anonymized_at: None,
            documents: Vec::new(),
            evidence: Vec::new(),
            conflicts: Vec::new(),
            timeline: Vec::new(),
            field_heads: BTreeMap::new(),
            last_hlc: e.hlc,
        };
        s.push_timeline(e, false);
        s
    }

    fn push_timeline(&mut self, e: &Event, anomaly: bool) {
        self.timeline.push(TimelineEntry {
            id: e.id,
            at: event_time(e),
            unit: e.unit.clone(),
            actor: e.actor,
            kind: e.kind.clone(),
            payload: e.payload.clone(),
            anomaly,
        });
        self.last_hlc = self.last_hlc.max(e.hlc);
    }

    /// Applies one event (never fails; see the module doc).
    fn apply(&mut self, e: &Event, ce: CaseEvent) {
        let legal = transition(self, &ce).is_ok();
        self.push_timeline(e, !legal);
        if !legal {
            return;
        }
        match ce {
            CaseEvent::Registered(_) => {}
            CaseEvent::Edited { edits } => self.apply_edits(e.id, edits),
            CaseEvent::Accepted { at, .. } => {
                self.status = Status::Accepted;
                self.accepted_at = Some(at);
            }
            CaseEvent::NotAccepted { at, reason, note } => {
                self.status = Status::NotAccepted;
                self.not_accepted = Some(Decision { at, reason, note });
            }
            CaseEvent::SessionScheduled(s) => {
                self.status = Status::Mediating;
                let id = s.session;
                match self.sessions.iter_mut().find(|v| v.id == id) {
                    Some(v) => v.scheduled = Some(s),
                    None => {
                        self.sessions.push(SessionView { id, scheduled: Some(s), recorded: None })
                    }
                }
            }
            CaseEvent::SessionRecorded(s) => {
                self.status = Status::Mediating;
                let id = s.session;
                match self.sessions.iter_mut().find(|v| v.id == id) {
                    Some(v) => v.recorded = Some(s),
                    None => {
                        self.sessions.push(SessionView { id, scheduled: None, recorded: Some(s) })
                    }
                }
            }
            CaseEvent::AgreementRecorded(a) => {
                self.status = Status::Agreed;
                self.agreement = Some(a);
            }
            CaseEvent::PerformanceConfirmed { at, .. } => self.performance_confirmed_at = Some(at),
            CaseEvent::MediationTerminated { at, reason, note } => {
                self.status = Status::Terminated;
                self.termination = Some(Decision { at, reason, note });
            }
            CaseEvent::Transferred(t) => {
                match t.kind {
                    TransferKind::Down | TransferKind::Up => {
                        self.home_unit = t.to_unit.clone();
                        self.status = Status::Registered;
                        self.accepted_at = None;
                    }
                    TransferKind::CoHandle => {
                        if !self.co_handlers.contains(&t.to_unit) {
                            self.co_handlers.push(t.to_unit.clone());
                        }
                    }
                    TransferKind::ToDepartment => self.status = Status::Transferred,
                }
                self.transfers.push(TransferView {
                    at: hlc_time(e.hlc),
                    from_unit: e.unit.clone(),
                    transfer: t,
                    feedback: None,
                });
            }
            CaseEvent::TransferFeedback { transfer, at, text } => {
                if let Some(t) = self.transfers.iter_mut().find(|t| t.transfer.transfer == transfer)
                {
                    t.feedback = Some((at, text));
                }
            }
            CaseEvent::Closed(c) => {
                self.status = Status::Closed;
                self.closure = Some(c);
            }
            CaseEvent::FollowedUp { at, method, satisfaction, note } => {
                self.follow_ups.push(FollowUp { at, method, satisfaction, note });
            }
            CaseEvent::NoteAdded { text } => self.notes.push((hlc_time(e.hlc), text)),
            CaseEvent::Voided { reason } => {
                self.status = Status::Voided;
                self.void_reason = Some(reason);
            }
            CaseEvent::Anonymized(a) => {
                self.anonymized_at.get_or_insert(a.at);
            }
            CaseEvent::DocumentIssued(doc) => self.documents.push(IssuedDocument {
                event: e.id,
                unit: e.unit.clone(),
                device: e.device,
                doc,
            }),
            CaseEvent::EvidenceAdded(item) => {
                self.evidence.push(EvidenceView { event: e.id, item });
            }
        }
    }

    fn apply_edits(&mut self, event: Uuid, edits: Vec<FieldEdit>) {
        let Ok(mut doc) = serde_json::to_value(&self.reg) else { return };
        for edit in edits {
            // An edit whose value does not fit the registration (its value removed by
            // anonymisation, or written by a buggy device) changes nothing; the other edits of
            // the event still apply.
            let mut trial = doc.clone();
            if set_path(&mut trial, &edit.field, edit.value.clone()).is_none()
                || serde_json::from_value::<CaseRegistered>(trial).is_err()
            {
                continue;
            }
            let head = self.field_heads.get(&edit.field).copied();
            if head != edit.base {
                // The writer did not see the last edit of this field: a conflict, unless an
                // existing conflict on the field already lists that base.
                let current = get_path(&doc, &edit.field).cloned().unwrap_or(Value::Null);
                let head_id = head.unwrap_or(Uuid::nil());
                match self.conflicts.iter_mut().find(|c| c.field == edit.field) {
                    Some(c) => c.candidates.push((event, edit.value.clone())),
                    None => self.conflicts.push(Conflict {
                        field: edit.field.clone(),
                        candidates: vec![(head_id, current), (event, edit.value.clone())],
                    }),
                }
            } else {
                // An edit made on top of the latest value resolves any conflict on the field.
                self.conflicts.retain(|c| c.field != edit.field);
            }
            if set_path(&mut doc, &edit.field, edit.value).is_some() {
                self.field_heads.insert(edit.field, event);
            }
        }
        if let Ok(reg) = serde_json::from_value::<CaseRegistered>(doc) {
            self.reg = reg;
        }
    }
}

/// Problems of a correction: no edits, fields that may not be corrected or do not exist,
/// values of the wrong shape, and whatever registration validation finds wrong in or under the
/// corrected fields (a wrong check digit, a bad phone number…), under the registration's paths
/// (`complainants[0].phones[0]`) so that a form can show them beside the field.
fn check_edits(reg: &CaseRegistered, edits: &[FieldEdit], now: DateTime<Utc>) -> Vec<Issue> {
    let mut issues = Vec::new();
    if edits.is_empty() {
        issues.push(Issue::new("edits", "required"));
    }
    let Ok(mut doc) = serde_json::to_value(reg) else {
        return vec![Issue::new("edits", "value.invalid")];
    };
    for (i, e) in edits.iter().enumerate() {
        if !is_editable(&e.field) {
            issues.push(Issue::new(format!("edits[{i}].field"), "field.not_editable"));
        } else if set_path(&mut doc, &e.field, e.value.clone()).is_none() {
            issues.push(Issue::with_arg(format!("edits[{i}].field"), "field.unknown", &e.field));
        }
    }
    if !issues.is_empty() {
        return issues;
    }
    let after: CaseRegistered = match serde_json::from_value(doc) {
        Ok(r) => r,
        Err(e) => return vec![Issue::with_arg("edits", "value.invalid", e)],
    };
    let under = |path: &str, field: &str| {
        path.strip_prefix(field).is_some_and(|rest| rest.is_empty() || rest.starts_with(['.', '[']))
            // The number of representatives is counted over the complainants.
            || (path == "collective.representatives" && under_top(field, "complainants"))
    };
    crate::validate::validate_registration(&after, now)
        .into_iter()
        .filter(|i| edits.iter().any(|e| under(&i.path, &e.field)))
        .collect()
}

fn under_top(field: &str, top: &str) -> bool {
    field.split(['.', '[']).next() == Some(top)
}

/// Fields of the registration that a person may correct.
pub fn is_editable(field: &str) -> bool {
    let top = field.split(['.', '[']).next().unwrap_or("");
    matches!(
        top,
        "complainants"
            | "respondents"
            | "category"
            | "nature"
            | "facts"
            | "requests"
            | "request_text"
            | "claim_fen"
            | "collective"
            | "channel"
    )
}

enum Seg<'a> {
    Key(&'a str),
    Index(usize),
}

fn parse_path(path: &str) -> Option<Vec<Seg<'_>>> {
    let mut out = Vec::new();
    for part in path.split('.') {
        let (key, rest) = match part.find('[') {
            Some(i) => (&part[..i], &part[i..]),
            None => (part, ""),
        };
        if key.is_empty() {
            return None;
        }
        out.push(Seg::Key(key));
        let mut rest = rest;
        while let Some(r) = rest.strip_prefix('[') {
            let end = r.find(']')?;
            out.push(Seg::Index(r[..end].parse().ok()?));
            rest = &r[end + 1..];
        }
        if !rest.is_empty() {
            return None;
        }
    }
    Some(out)
}

pub fn get_path<'a>(doc: &'a Value, path: &str) -> Option<&'a Value> {
    let mut cur = doc;
    for seg in parse_path(path)? {
        cur = match seg {
            Seg::Key(k) => cur.get(k)?,
            Seg::Index(i) => cur.get(i)?,
        };
    }
    Some(cur)
}

fn set_path(doc: &mut Value, path: &str, value: Value) -> Option<()> {
    let segs = parse_path(path)?;
    let (last, init) = segs.split_last()?;
    let mut cur = doc;
    for seg in init {
        cur = match seg {
            Seg::Key(k) => cur.get_mut(*k)?,
            Seg::Index(i) => cur.get_mut(*i)?,
        };
    }
    match last {
        Seg::Key(k) => {
            cur.as_object_mut()?.insert((*k).to_owned(), value);
        }
        Seg::Index(i) => *cur.get_mut(*i)? = value,
    }
    Some(())
}

/// The name of an action, for error messages.
pub fn action_name(kind: CaseEventKind) -> &'static str {
    match kind {
        CaseEventKind::Registered => "register",
        CaseEventKind::Edited => "edit",
        CaseEventKind::Accepted => "accept",
        CaseEventKind::NotAccepted => "not_accept",
        CaseEventKind::SessionScheduled => "schedule_session",
        CaseEventKind::SessionRecorded => "record_session",
        CaseEventKind::AgreementRecorded => "record_agreement",
        CaseEventKind::PerformanceConfirmed => "confirm_performance",
        CaseEventKind::MediationTerminated => "terminate",
        CaseEventKind::Transferred => "transfer",
        CaseEventKind::TransferFeedback => "transfer_feedback",
        CaseEventKind::Closed => "close",
        CaseEventKind::FollowedUp => "follow_up",
        CaseEventKind::NoteAdded => "note",
        CaseEventKind::Voided => "void",
        CaseEventKind::Anonymized => "anonymize",
        CaseEventKind::DocumentIssued => "issue_document",
        CaseEventKind::EvidenceAdded => "add_evidence",
    }
}

/// Every kind of case event a person can record after registration, in the order the UI
/// offers them.
pub const ACTION_KINDS: &[CaseEventKind] = &[
    CaseEventKind::Accepted,
    CaseEventKind::NotAccepted,
    CaseEventKind::SessionScheduled,
    CaseEventKind::SessionRecorded,
    CaseEventKind::AgreementRecorded,
    CaseEventKind::PerformanceConfirmed,
    CaseEventKind::MediationTerminated,
    CaseEventKind::Transferred,
    CaseEventKind::TransferFeedback,
    CaseEventKind::Closed,
    CaseEventKind::FollowedUp,
    CaseEventKind::NoteAdded,
    CaseEventKind::Edited,
    CaseEventKind::Voided,
];

/// The state machine: whether an event of `kind` may happen to a case in `s`'s state.
pub fn allows(s: &CaseState, kind: CaseEventKind) -> bool {
    use CaseEventKind as K;
    use Status::*;
    let st = s.status;
    if s.anonymized_at.is_some() {
        // Nothing may bring personal data back; only a further anonymisation (of events that
        // arrived late) follows.
        return kind == K::Anonymized;
    }
    match kind {
        // A case has one registration: it starts the stream.
        K::Registered => false,
        // Issuing a document or attaching a file changes no status.
        K::Edited | K::NoteAdded | K::Voided | K::DocumentIssued | K::EvidenceAdded => st != Voided,
        K::Accepted | K::NotAccepted => st == Registered,
        K::SessionScheduled
        | K::SessionRecorded
        | K::AgreementRecorded
        | K::MediationTerminated => {
            matches!(st, Accepted | Mediating)
        }
        K::PerformanceConfirmed => st == Agreed && s.performance_confirmed_at.is_none(),
        K::Transferred => matches!(st, Registered | Accepted | Mediating),
        K::TransferFeedback => st != Voided && s.transfers.iter().any(|t| t.feedback.is_none()),
        K::Closed => match st {
            Accepted | Mediating | Agreed | Terminated | Transferred => true,
            Registered => matches!(s.reg.case_type, CaseType::Consultation | CaseType::Suggestion),
            NotAccepted | Closed | Voided => false,
        },
        K::FollowedUp => matches!(st, Closed | Terminated | NotAccepted | Agreed),
        K::Anonymized => matches!(st, Closed | NotAccepted | Voided),
    }
}

/// The actions a person may take on the case now.
pub fn allowed_actions(s: &CaseState) -> Vec<CaseEventKind> {
    ACTION_KINDS.iter().copied().filter(|k| allows(s, *k)).collect()
}

/// Whether `ce` may happen to a case in `s`'s state; an error names the state and the action.
pub fn transition(s: &CaseState, ce: &CaseEvent) -> Result<()> {
    let kind = ce.event_kind();
    if allows(s, kind) {
        Ok(())
    } else {
        Err(DomainError::IllegalTransition { status: s.status.code(), action: action_name(kind) })
    }
}

/// Checks a command a person gives on this station: the transition, plus the details the state
/// machine alone does not cover (reason codes of the case's rule set, known sessions and
/// transfers, editable fields, corrected values). `now` is the current time, for the date
/// checks of corrected values. Returns every problem found.
pub fn check(s: &CaseState, ce: &CaseEvent, now: DateTime<Utc>) -> Result<()> {
    transition(s, ce)?;
    let mut issues = Vec::new();
    let reason_ok =
        |code: &str, list: &[crate::reference::Reason]| list.iter().any(|r| r.code == code);
    match ce {
        CaseEvent::NotAccepted { reason, .. } => {
            if !reason_ok(reason, s.rule_set.not_accept_reasons()) {
                issues.push(Issue::with_arg("reason", "reason.unknown", reason));
            }
        }
        CaseEvent::MediationTerminated { reason, .. } => {
            if !reason_ok(reason, s.rule_set.termination_reasons()) {
                issues.push(Issue::with_arg("reason", "reason.unknown", reason));
            }
        }
        CaseEvent::TransferFeedback { transfer, text, .. } => {
            if !s.transfers.iter().any(|t| t.transfer.transfer == *transfer) {
                issues.push(Issue::new("transfer", "transfer.unknown"));
            }
            if text.trim().is_empty() {
                issues.push(Issue::new("text", "required"));
            }
        }
        CaseEvent::Transferred(t) => {
            if t.kind == TransferKind::ToDepartment {
                if t.to_department.trim().is_empty() {
                    issues.push(Issue::new("to_department", "required"));
                }
            } else {
                let before = issues.len();
                crate::org::unit_code(&mut issues, "to_unit", &t.to_unit);
                if issues.len() == before && t.to_unit == s.home_unit {
                    issues.push(Issue::new("to_unit", "transfer.to_self"));
                }
                crate::validate::text_limit(
                    &mut issues,
                    "to_unit_name",
                    &t.to_unit_name,
                    crate::validate::MAX_NAME_CHARS,
                );
            }
            if s.transfers.iter().any(|x| x.transfer.transfer == t.transfer) {
                issues.push(Issue::new("transfer", "transfer.exists"));
            }
        }
        CaseEvent::Edited { edits } => issues.extend(check_edits(&s.reg, edits, now)),
        CaseEvent::Anonymized(a) => issues.extend(crate::retention::check(s, a)),
        CaseEvent::Closed(c) => {
            for (path, v) in [("recovered_fen", c.recovered_fen), ("doubled_fen", c.doubled_fen)] {
                if v < 0 {
                    issues.push(Issue::new(path, "amount.negative"));
                }
            }
        }
        CaseEvent::AgreementRecorded(a) => {
            if a.terms.trim().is_empty() {
                issues.push(Issue::new("terms", "required"));
            }
            if a.amount_fen < 0 {
                issues.push(Issue::new("amount_fen", "amount.negative"));
            }
        }
        CaseEvent::SessionRecorded(r) => {
            if r.mediator.trim().is_empty() {
                issues.push(Issue::new("mediator", "required"));
            }
            if s.sessions.iter().any(|v| v.id == r.session && v.recorded.is_some()) {
                issues.push(Issue::new("session", "session.recorded_already"));
            }
        }
        CaseEvent::SessionScheduled(x) => {
            if s.sessions.iter().any(|v| v.id == x.session) {
                issues.push(Issue::new("session", "session.exists"));
            }
        }
        CaseEvent::Voided { reason } => {
            if reason.trim().is_empty() {
                issues.push(Issue::new("reason", "required"));
            }
        }
        CaseEvent::DocumentIssued(d) => crate::document::check_issue(s, d, &mut issues),
        CaseEvent::EvidenceAdded(x) => crate::document::check_evidence(s, x, &mut issues),
        _ => {}
    }
    check_times(s, ce, now, &mut issues);
    if let CaseEvent::Closed(c) = ce {
        check_outcome(s, c.outcome, &mut issues);
    }
    if issues.is_empty() { Ok(()) } else { Err(DomainError::Invalid(issues)) }
}

/// The times a person enters with an action must fit the case: not before it was received
/// (nor, for what follows acceptance, before it was accepted), and not in the future (beyond
/// the clock-skew allowance). A planned session may lie ahead.
fn check_times(s: &CaseState, ce: &CaseEvent, now: DateTime<Utc>, issues: &mut Vec<Issue>) {
    let skew = crate::validate::CLOCK_SKEW;
    let (field, at, after_acceptance, may_be_future) = match ce {
        CaseEvent::Accepted { at, .. } => ("at", *at, false, false),
        CaseEvent::NotAccepted { at, .. } => ("at", *at, false, false),
        CaseEvent::SessionScheduled(x) => ("at", x.at, true, true),
        CaseEvent::SessionRecorded(x) => ("held_at", x.held_at, true, false),
        CaseEvent::AgreementRecorded(x) => ("signed_at", x.signed_at, true, false),
        CaseEvent::PerformanceConfirmed { at, .. } => ("at", *at, true, false),
        CaseEvent::MediationTerminated { at, .. } => ("at", *at, true, false),
        CaseEvent::TransferFeedback { at, .. } => ("at", *at, false, false),
        CaseEvent::Closed(x) => ("at", x.at, true, false),
        CaseEvent::FollowedUp { at, .. } => ("at", *at, false, false),
        CaseEvent::Anonymized(x) => ("at", x.at, false, false),
        CaseEvent::DocumentIssued(x) => ("issued_at", x.issued_at, false, false),
        CaseEvent::EvidenceAdded(x) => ("added_at", x.added_at, false, false),
        CaseEvent::Registered(_)
        | CaseEvent::Edited { .. }
        | CaseEvent::Transferred(_)
        | CaseEvent::NoteAdded { .. }
        | CaseEvent::Voided { .. } => return,
    };
    if at + skew < s.reg.received_at {
        issues.push(Issue::new(field, "date.before_received"));
    } else if after_acceptance && s.accepted_at.is_some_and(|a| at + skew < a) {
        issues.push(Issue::new(field, "date.before_accepted"));
    }
    if !may_be_future && at > now + skew {
        issues.push(Issue::new(field, "date.future"));
    }
}

/// An outcome must agree with what happened: "resolved by mediation" needs a recorded
/// agreement, a terminated mediation closes as not resolved, withdrawn or settled, and
/// "handled by the department" needs a transfer to one.
fn check_outcome(s: &CaseState, outcome: Outcome, issues: &mut Vec<Issue>) {
    if outcome == Outcome::Mediated && s.agreement.is_none() {
        issues.push(Issue::new("outcome", "outcome.needs_agreement"));
    }
    if s.status == Status::Terminated
        && !matches!(outcome, Outcome::Unresolved | Outcome::Withdrawn | Outcome::Settled)
    {
        issues.push(Issue::new("outcome", "outcome.after_termination"));
    }
    if outcome == Outcome::DepartmentHandled
        && !s.transfers.iter().any(|t| t.transfer.kind == TransferKind::ToDepartment)
    {
        issues.push(Issue::new("outcome", "outcome.needs_department"));
    }
}
