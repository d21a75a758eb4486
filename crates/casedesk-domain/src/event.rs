//! The domain events: the payloads inside `casedesk_proto::Event` envelopes, one type per `kind`.
//!
//! These types are a persisted format (they are hashed into every device's chain and sent to the
//! hub), which is why, unlike the rest of the domain, they derive serde. Fields may be added with
//! `#[serde(default)]`; nothing may be renamed or removed without a new payload version `v` and an
//! upcaster in `DomainEvent::decode`.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

use crate::error::{DomainError, Result};
use crate::types::*;

/// Current payload version of every kind.
pub const PAYLOAD_VERSION: u32 = 1;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Consents {
    /// 同意登记和处理个人信息 (PIPL Art.13/29).
    #[serde(default)]
    pub personal_info: bool,
    /// 是否同意公示投诉信息.
    #[serde(default)]
    pub publish: bool,
    /// 是否同意委托调解.
    #[serde(default)]
    pub entrust_mediation: bool,
    /// 同意向被投诉人、其他单位提供必要信息 (PIPL Art.23).
    #[serde(default)]
    pub share_with_parties: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Complainant {
    /// Empty once the case is anonymised (`case.anonymized` removes the key).
    #[serde(default)]
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_type: Option<IdType>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_number: Option<String>,
    #[serde(default)]
    pub phones: Vec<String>,
    /// 联系人/代接人: herders often share a phone.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub contact_person: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub address: String,
    /// 村/牧委会, tent camp or pasture, where there is no street address.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub village: String,
    #[serde(default = "default_language")]
    pub language: Language,
    /// 代表人 of a collective complaint.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub representative: bool,
    #[serde(default)]
    pub consents: Consents,
}

fn default_language() -> Language {
    Language::Zh
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Respondent {
    pub name: String,
    pub kind: RespondentKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uscc: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legacy_reg_no: Option<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub address: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub contact: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub phone: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Facts {
    /// When the goods were bought or the service used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub occurred_on: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub place: String,
    /// What happened (消费者权益争议事实).
    #[serde(default)]
    pub content: String,
    /// Amount involved, in fen.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount_fen: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Collective {
    pub households: u32,
}

/// `case.registered`: a complaint, report, consultation or suggestion is registered (登记).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CaseRegistered {
    /// Station unit code + year + device code + sequence, assigned offline.
    pub case_no: String,
    pub case_type: CaseType,
    pub mode: Mode,
    pub received_at: DateTime<Utc>,
    pub channel: Channel,
    /// Receiving unit's code.
    pub unit: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub staff: Option<Uuid>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub roving_session: Option<Uuid>,
    #[serde(default)]
    pub complainants: Vec<Complainant>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collective: Option<Collective>,
    #[serde(default)]
    pub respondents: Vec<Respondent>,
    /// CCA goods/service category code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// CCA complaint nature code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nature: Option<String>,
    #[serde(default)]
    pub facts: Facts,
    #[serde(default)]
    pub requests: Vec<RequestKind>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub request_text: String,
    /// Claim amount, in fen.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub claim_fen: Option<i64>,
}

/// One field correction in a `case.edited` event. `base` is the id of the event that last set
/// this field as the writer saw it (None: the registration); two edits with the same base and
/// different values are concurrent, and become a conflict for a person to resolve.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FieldEdit {
    /// A path into the registration, such as `respondents[0].phone` or `category`.
    pub field: String,
    #[cfg_attr(feature = "ts", ts(type = "unknown"))]
    #[serde(default)]
    pub value: Value,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base: Option<Uuid>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SessionScheduled {
    pub session: Uuid,
    pub at: DateTime<Utc>,
    pub mode: SessionMode,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub place: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub mediator: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SessionRecorded {
    /// The scheduled session this records, or a new id for an unscheduled one.
    pub session: Uuid,
    pub held_at: DateTime<Utc>,
    pub mode: SessionMode,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub place: String,
    pub mediator: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub recorder: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub interpreter: String,
    #[serde(default = "default_language")]
    pub language: Language,
    #[serde(default)]
    pub attendees: Vec<String>,
    /// 笔录内容.
    #[serde(default)]
    pub record: String,
    pub result: SessionResult,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AgreementRecorded {
    pub signed_at: DateTime<Utc>,
    #[serde(default)]
    pub terms: String,
    /// Amount the respondent agrees to pay or refund, in fen.
    #[serde(default)]
    pub amount_fen: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub performance_due: Option<NaiveDate>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Transferred {
    pub transfer: Uuid,
    pub kind: TransferKind,
    /// Target unit code (down, up, co-handle).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub to_unit: String,
    /// The target unit's name as the clerk typed it beside its code, when the station did not
    /// know the unit yet (no unit list from the hub).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub to_unit_name: String,
    /// Target administrative department (转行政部门).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub to_department: String,
    pub reason: TransferReason,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Closed {
    pub at: DateTime<Utc>,
    pub outcome: Outcome,
    /// 为消费者挽回经济损失, in fen.
    #[serde(default)]
    pub recovered_fen: i64,
    /// 加倍赔偿 (CRPL Art.55) amount, in fen; 0 if none.
    #[serde(default)]
    pub doubled_fen: i64,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

/// `case.document_issued`: a standard document (文书) was issued with its number (文号). The
/// hash is over the exact PDF that was printed or sent, so a reprint can prove it is the same.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DocumentIssued {
    pub kind: DocKind,
    /// The document number, unique per unit, kind and year without coordination (it holds the
    /// issuing device's code and a per-device counter: see `document::format_number`).
    pub number: String,
    /// The template and its version, e.g. `acceptance@1`.
    pub template: String,
    /// SHA-256 of the rendered PDF, in lower-case hex.
    pub sha256: String,
    /// Size of the rendered PDF in bytes.
    pub bytes: u64,
    pub issued_at: DateTime<Utc>,
    pub recipient: Recipient,
    pub delivery: Delivery,
    /// The session (调解通知书, 调解笔录) or transfer (转办单) the document is about.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<Uuid>,
    /// What a 限期补正通知 asks for (codes of `document::MISSING_ITEMS` or free text).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub items: Vec<String>,
    /// The day by which the items are to be supplied.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<NaiveDate>,
}

/// `case.evidence_added`: a file (photo, scan, PDF) attached to a case. The file itself is a
/// content-addressed blob beside the log (its SHA-256 names it); the event carries what is
/// needed to check and show it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct EvidenceAdded {
    pub evidence: Uuid,
    /// SHA-256 of the file, in lower-case hex.
    pub sha256: String,
    pub size: u64,
    /// `image/jpeg`, `image/png`, `application/pdf`, ...
    pub media_type: String,
    /// The file's name as the clerk knew it.
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// 原件已退还: the original was handed back (the association keeps copies only).
    #[serde(default)]
    pub original_returned: bool,
    /// The number of the issued document this file is the signed copy of.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub for_document: Option<String>,
    pub added_at: DateTime<Utc>,
}

/// Every event of a case.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "payload")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum CaseEvent {
    #[serde(rename = "case.registered")]
    Registered(Box<CaseRegistered>),
    #[serde(rename = "case.edited")]
    Edited { edits: Vec<FieldEdit> },
    #[serde(rename = "case.accepted")]
    Accepted {
        at: DateTime<Utc>,
        #[serde(default, skip_serializing_if = "String::is_empty")]
        note: String,
    },
    #[serde(rename = "case.not_accepted")]
    NotAccepted {
        at: DateTime<Utc>,
        reason: String,
        #[serde(default, skip_serializing_if = "String::is_empty")]
        note: String,
    },
    #[serde(rename = "case.session_scheduled")]
    SessionScheduled(SessionScheduled),
    #[serde(rename = "case.session_recorded")]
    SessionRecorded(SessionRecorded),
    #[serde(rename = "case.agreement_recorded")]
    AgreementRecorded(AgreementRecorded),
    #[serde(rename = "case.performance_confirmed")]
    PerformanceConfirmed {
        at: DateTime<Utc>,
        #[serde(default, skip_serializing_if = "String::is_empty")]
        note: String,
    },
    #[serde(rename = "case.mediation_terminated")]
    MediationTerminated {
        at: DateTime<Utc>,
        reason: String,
        #[serde(default, skip_serializing_if = "String::is_empty")]
        note: String,
    },
    #[serde(rename = "case.transferred")]
    Transferred(Transferred),
    #[serde(rename = "case.transfer_feedback")]
    TransferFeedback {
        transfer: Uuid,
        at: DateTime<Utc>,
        #[serde(default)]
        text: String,
    },
    #[serde(rename = "case.closed")]
    Closed(Closed),
    #[serde(rename = "case.followed_up")]
    FollowedUp {
        at: DateTime<Utc>,
        method: ContactMethod,
        satisfaction: Satisfaction,
        #[serde(default, skip_serializing_if = "String::is_empty")]
        note: String,
    },
    #[serde(rename = "case.note_added")]
    NoteAdded {
        #[serde(default)]
        text: String,
    },
    #[serde(rename = "case.voided")]
    Voided {
        #[serde(default)]
        reason: String,
    },
    #[serde(rename = "case.document_issued")]
    DocumentIssued(DocumentIssued),
    #[serde(rename = "case.evidence_added")]
    EvidenceAdded(EvidenceAdded),
    /// The retention period after closure ended: the personal fields of the case's events are
    /// removed (see `casedesk_proto::redact` and `crate::retention`).
    #[serde(rename = "case.anonymized")]
    Anonymized(Anonymized),
}

/// `case.anonymized`: which earlier events of the case lose which fields.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Anonymized {
    pub at: DateTime<Utc>,
    /// The retention period that ended, in days after closure.
    pub retention_days: u32,
    #[cfg_attr(feature = "ts", ts(type = "Array<unknown>"))]
    pub redactions: Vec<casedesk_proto::redact::Redaction>,
}

/// The kinds of case event, as a type: what the state machine decides on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum CaseEventKind {
    #[serde(rename = "case.registered")]
    Registered,
    #[serde(rename = "case.edited")]
    Edited,
    #[serde(rename = "case.accepted")]
    Accepted,
    #[serde(rename = "case.not_accepted")]
    NotAccepted,
    #[serde(rename = "case.session_scheduled")]
    SessionScheduled,
    #[serde(rename = "case.session_recorded")]
    SessionRecorded,
    #[serde(rename = "case.agreement_recorded")]
    AgreementRecorded,
    #[serde(rename = "case.performance_confirmed")]
    PerformanceConfirmed,
    #[serde(rename = "case.mediation_terminated")]
    MediationTerminated,
    #[serde(rename = "case.transferred")]
    Transferred,
    #[serde(rename = "case.transfer_feedback")]
    TransferFeedback,
    #[serde(rename = "case.closed")]
    Closed,
    #[serde(rename = "case.followed_up")]
    FollowedUp,
    #[serde(rename = "case.note_added")]
    NoteAdded,
    #[serde(rename = "case.voided")]
    Voided,
    #[serde(rename = "case.anonymized")]
    Anonymized,
    #[serde(rename = "case.document_issued")]
    DocumentIssued,
    #[serde(rename = "case.evidence_added")]
    EvidenceAdded,
}

impl CaseEventKind {
    pub const ALL: &'static [CaseEventKind] = &[
        CaseEventKind::Registered,
        CaseEventKind::Edited,
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
        CaseEventKind::Voided,
        CaseEventKind::Anonymized,
        CaseEventKind::DocumentIssued,
        CaseEventKind::EvidenceAdded,
    ];

    /// The envelope `kind` string.
    pub fn code(self) -> &'static str {
        match self {
            CaseEventKind::Registered => "case.registered",
            CaseEventKind::Edited => "case.edited",
            CaseEventKind::Accepted => "case.accepted",
            CaseEventKind::NotAccepted => "case.not_accepted",
            CaseEventKind::SessionScheduled => "case.session_scheduled",
            CaseEventKind::SessionRecorded => "case.session_recorded",
            CaseEventKind::AgreementRecorded => "case.agreement_recorded",
            CaseEventKind::PerformanceConfirmed => "case.performance_confirmed",
            CaseEventKind::MediationTerminated => "case.mediation_terminated",
            CaseEventKind::Transferred => "case.transferred",
            CaseEventKind::TransferFeedback => "case.transfer_feedback",
            CaseEventKind::Closed => "case.closed",
            CaseEventKind::FollowedUp => "case.followed_up",
            CaseEventKind::NoteAdded => "case.note_added",
            CaseEventKind::Voided => "case.voided",
            CaseEventKind::Anonymized => "case.anonymized",
            CaseEventKind::DocumentIssued => "case.document_issued",
            CaseEventKind::EvidenceAdded => "case.evidence_added",
        }
    }

    pub fn from_code(code: &str) -> Option<CaseEventKind> {
        CaseEventKind::ALL.iter().copied().find(|k| k.code() == code)
    }
}

impl CaseEvent {
    /// The kind of this event.
    pub fn event_kind(&self) -> CaseEventKind {
        match self {
            CaseEvent::Registered(_) => CaseEventKind::Registered,
            CaseEvent::Edited { .. } => CaseEventKind::Edited,
            CaseEvent::Accepted { .. } => CaseEventKind::Accepted,
            CaseEvent::NotAccepted { .. } => CaseEventKind::NotAccepted,
            CaseEvent::SessionScheduled(_) => CaseEventKind::SessionScheduled,
            CaseEvent::SessionRecorded(_) => CaseEventKind::SessionRecorded,
            CaseEvent::AgreementRecorded(_) => CaseEventKind::AgreementRecorded,
            CaseEvent::PerformanceConfirmed { .. } => CaseEventKind::PerformanceConfirmed,
            CaseEvent::MediationTerminated { .. } => CaseEventKind::MediationTerminated,
            CaseEvent::Transferred(_) => CaseEventKind::Transferred,
            CaseEvent::TransferFeedback { .. } => CaseEventKind::TransferFeedback,
            CaseEvent::Closed(_) => CaseEventKind::Closed,
            CaseEvent::FollowedUp { .. } => CaseEventKind::FollowedUp,
            CaseEvent::NoteAdded { .. } => CaseEventKind::NoteAdded,
            CaseEvent::Voided { .. } => CaseEventKind::Voided,
            CaseEvent::Anonymized(_) => CaseEventKind::Anonymized,
            CaseEvent::DocumentIssued(_) => CaseEventKind::DocumentIssued,
            CaseEvent::EvidenceAdded(_) => CaseEventKind::EvidenceAdded,
        }
    }

    /// The envelope `kind` of this event.
    pub fn kind(&self) -> &'static str {
        self.event_kind().code()
    }
}

/// Organisation and intake events (not about one case).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "payload")]
pub enum OrgEvent {
    /// A unit of 一会两站 is registered or updated.
    #[serde(rename = "unit.registered")]
    UnitRegistered {
        code: String,
        name: String,
        unit_kind: UnitKind,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        parent: Option<String>,
        /// 6-digit GB/T 2260 administrative division code.
        #[serde(default, skip_serializing_if = "String::is_empty")]
        admin_code: String,
        /// 示范站.
        #[serde(default)]
        demonstration: bool,
    },
    #[serde(rename = "staff.registered")]
    StaffRegistered {
        unit: String,
        name: String,
        roles: Vec<StaffRole>,
        #[serde(default, skip_serializing_if = "String::is_empty")]
        phone: String,
        #[serde(default)]
        languages: Vec<Language>,
        #[serde(default = "yes")]
        active: bool,
    },
    #[serde(rename = "device.registered")]
    DeviceRegistered { unit: String, code: String, name: String },
    /// 流动受理点: a mobile team opens an intake point.
    #[serde(rename = "roving.started")]
    RovingStarted {
        unit: String,
        date: NaiveDate,
        place: String,
        #[serde(default)]
        team: Vec<String>,
        #[serde(default, skip_serializing_if = "String::is_empty")]
        note: String,
    },
    #[serde(rename = "roving.ended")]
    RovingEnded {
        at: DateTime<Utc>,
        #[serde(default, skip_serializing_if = "String::is_empty")]
        note: String,
    },
    /// Consultations, counted in 人次.
    #[serde(rename = "consultation.recorded")]
    ConsultationRecorded {
        unit: String,
        at: DateTime<Utc>,
        channel: Channel,
        topic: String,
        people: u32,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        roving_session: Option<Uuid>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        category: Option<String>,
    },
    /// A staff member saw a masked number in full (查看完整信息): who (the envelope's actor),
    /// when, which case and which field. One stream per entry, like consultations.
    #[serde(rename = "audit.revealed")]
    AuditRevealed {
        unit: String,
        case: Uuid,
        case_no: String,
        /// The field, as a path into the registration (`complainants[0].id_number`).
        field: String,
        at: DateTime<Utc>,
    },
    /// Data left the station in a file (a log export, a ledger, a report spreadsheet).
    #[serde(rename = "audit.exported")]
    AuditExported {
        unit: String,
        /// What was exported (`events`, `ledger`, `report` ...).
        what: String,
        /// How many records (events, cases, rows).
        count: u64,
        at: DateTime<Utc>,
    },
    /// 报送: a unit submits its report for a period. The figures are frozen in the event (the
    /// JSON `casedesk-report` makes); later changes to the cases behind them show as an
    /// adjustment beside the submitted figures, never as a changed submission. Each submission
    /// is a stream of its own; a later one for the same unit and period supersedes it.
    #[serde(rename = "report.submitted")]
    ReportSubmitted {
        unit: String,
        /// The period's code: `2026-11`, `2026-Q4`, `2026-H2`, `2026` or `2026-10-01..2026-12-31`.
        period: String,
        from: NaiveDate,
        to: NaiveDate,
        /// When the figures were computed and submitted.
        at: DateTime<Utc>,
        figures: Value,
        #[serde(default, skip_serializing_if = "String::is_empty")]
        note: String,
    },
}

fn yes() -> bool {
    true
}

/// Any domain event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DomainEvent {
    Case(CaseEvent),
    Org(OrgEvent),
}

impl DomainEvent {
    /// Splits the event into its envelope `kind` and payload.
    pub fn encode(&self) -> Result<(String, Value)> {
        let v = match self {
            DomainEvent::Case(e) => serde_json::to_value(e)?,
            DomainEvent::Org(e) => serde_json::to_value(e)?,
        };
        let Value::Object(mut map) = v else {
            return Err(DomainError::Integrity("event did not encode to an object".into()));
        };
        let kind = match map.remove("kind") {
            Some(Value::String(k)) => k,
            _ => return Err(DomainError::Integrity("event without kind".into())),
        };
        let payload = map.remove("payload").unwrap_or(Value::Null);
        Ok((kind, payload))
    }

    /// Reads an event from its envelope's `kind`, payload version and payload.
    pub fn decode(kind: &str, v: u32, payload: &Value) -> Result<DomainEvent> {
        if v != PAYLOAD_VERSION {
            return Err(DomainError::UnknownEventKind(format!("{kind} v{v}")));
        }
        let tagged = serde_json::json!({ "kind": kind, "payload": payload });
        if kind.starts_with("case.") {
            if CaseEventKind::from_code(kind).is_none() {
                return Err(DomainError::UnknownEventKind(kind.to_owned()));
            }
            Ok(DomainEvent::Case(serde_json::from_value(tagged)?))
        } else if is_org_kind(kind) {
            if !ORG_KINDS.contains(&kind) {
                return Err(DomainError::UnknownEventKind(kind.to_owned()));
            }
            Ok(DomainEvent::Org(serde_json::from_value(tagged)?))
        } else {
            Err(DomainError::UnknownEventKind(kind.to_owned()))
        }
    }
}

fn is_org_kind(kind: &str) -> bool {
    ["unit.", "staff.", "device.", "roving.", "consultation.", "audit.", "report."]
        .iter()
        .any(|p| kind.starts_with(p))
}

/// Every organisation event kind this version knows.
pub const ORG_KINDS: &[&str] = &[
    "unit.registered",
    "staff.registered",
    "device.registered",
    "roving.started",
    "roving.ended",
    "consultation.recorded",
    "audit.revealed",
    "audit.exported",
    "report.submitted",
];
