//! The fixture station: a real store (in memory, clock fixed at every step) in which a clerk
//! registers cases and acts on them until each case stands in one representative state. What
//! the UI's mock and tests use is read from it: the reference data, the fixtures of
//! `ui/fixtures/` (two case details, a list page, the whole desk with its home screen) and the
//! table of state-machine verdicts (`allows`, `check`, deadlines, day counting).
//!
//! Ids: the store makes UUIDv7s from the system clock and randomness, so every output passes
//! through one `Ids` map that renames each UUID, in order of first appearance across all files,
//! to `00000000-0000-7000-8000-<n>`. Renaming the finished views (rather than giving the store an
//! injectable id source) keeps the store's write path free of a test-only seam, and keeps the
//! references between files (a list row and its case, a feedback and its transfer) intact.

use std::collections::{BTreeMap, HashMap};

use casedesk_domain::DomainError;
use casedesk_domain::calendar::WorkCalendar;
use casedesk_domain::case::{self, CaseState};
use casedesk_domain::deadline;
use casedesk_domain::event::*;
use casedesk_domain::reference::RuleSet;
use casedesk_domain::types::*;
use casedesk_store::query::ListQuery;
use casedesk_store::testutil::{complainant, founder, registration, station_init};
use casedesk_store::{StationInit, Store};
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use serde::Serialize;
use serde_json::Value;
use uuid::Uuid;

use crate::ui_data::*;
use crate::{CaseDetail, Dashboard, SyncStatus};

/// The fixture station's "now": Friday 2026-11-27, 14:00 station time.
pub fn now() -> DateTime<Utc> {
    utc(2026, 11, 27, 6)
}

fn utc(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, 0, 0).single().expect("a valid time")
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a valid date")
}

/// The station: a second device of the browser-mode demo station (HX0201, device A1), so that
/// the fixture cases' numbers (…-A2-…) never meet the mock's own.
fn station() -> StationInit {
    StationInit {
        device_code: "A2".into(), device_name: "流动受理笔记本".into(), ..station_init()
    }
}

struct Desk {
    store: Store,
    cases: Vec<(&'static str, Uuid)>,
}

impl Desk {
    fn new() -> Desk {
        let mut store = Store::open_in_memory().expect("an in-memory store");
        let t = utc(2026, 1, 5, 1);
        store.set_clock(move || t);
        store.init_station(station()).expect("the station");
        Desk { store, cases: Vec::new() }
    }

    fn clock(&mut self, t: DateTime<Utc>) {
        self.store.set_clock(move || t);
    }

    /// Registers `reg` ten minutes after it was received.
    fn register(&mut self, name: &'static str, reg: CaseRegistered) -> Uuid {
        self.clock(reg.received_at + Duration::minutes(10));
        let who = founder(&self.store);
        let id = self.store.register_case(&who, reg).unwrap_or_else(|e| panic!("{name}: {e}")).id;
        self.cases.push((name, id));
        id
    }

    /// Records `ev` as written at `t`.
    fn act(&mut self, id: Uuid, t: DateTime<Utc>, ev: CaseEvent) {
        self.clock(t);
        let kind = ev.event_kind().code();
        let who = founder(&self.store);
        self.store.act(id, &who, ev).unwrap_or_else(|e| panic!("{kind} at {t}: {e}"));
    }

    /// Accepts case `id` at `at`.
    fn accept(&mut self, id: Uuid, at: DateTime<Utc>) {
        self.act(id, at, accepted(at));
    }

    /// Holds a session at `at` that ends in an agreement to perform by `due`.
    fn agree(&mut self, id: Uuid, at: DateTime<Utc>, due: NaiveDate) {
        let held = CaseEvent::SessionRecorded(session(at, SessionResult::Agreement));
        self.act(id, at + Duration::hours(1), held);
        let signed = at + Duration::hours(1);
        self.act(
            id,
            at + Duration::hours(2),
            CaseEvent::AgreementRecorded(agreement(signed, Some(due))),
        );
    }

    fn state(&self, name: &str) -> CaseState {
        let id = self.id(name);
        self.store.case_state(id).expect("a case of the desk")
    }

    fn id(&self, name: &str) -> Uuid {
        self.cases.iter().find(|(n, _)| *n == name).map(|(_, id)| *id).expect("a named case")
    }
}

fn accepted(at: DateTime<Utc>) -> CaseEvent {
    CaseEvent::Accepted { at, note: String::new() }
}

fn transfer(
    kind: TransferKind,
    to_unit: &str,
    reason: TransferReason,
    due: NaiveDate,
) -> Transferred {
    Transferred {
        transfer: Uuid::now_v7(),
        kind,
        to_unit: if kind == TransferKind::ToDepartment { String::new() } else { to_unit.into() },
        to_unit_name: String::new(),
        to_department: if kind == TransferKind::ToDepartment {
            to_unit.into()
        } else {
            String::new()
        },
        reason,
        due: Some(due),
        note: String::new(),
    }
}

fn session(at: DateTime<Utc>, result: SessionResult) -> SessionRecorded {
    SessionRecorded {
        session: Uuid::now_v7(),
        held_at: at,
        mode: SessionMode::OnSite,
        place: "联络站调解室".into(),
        mediator: "李建国".into(),
        recorder: "马玉梅".into(),
        interpreter: String::new(),
        language: Language::Zh,
        attendees: vec!["投诉人".into(), "被投诉人代表".into()],
        record: "双方陈述事实，调解员释明相关法律规定。".into(),
        result,
    }
}

fn agreement(at: DateTime<Utc>, due: Option<NaiveDate>) -> AgreementRecorded {
    AgreementRecorded {
        signed_at: at,
        terms: "被投诉人于协议约定日期前退还货款。".into(),
        amount_fen: 259_900,
        performance_due: due,
    }
}

/// A complaint of `nature` (the shared registration's is 质量, CCA-N02).
fn about(nature: &str, received: DateTime<Utc>) -> CaseRegistered {
    CaseRegistered { nature: Some(nature.into()), ..registration(received) }
}

fn entrusted(received: DateTime<Utc>) -> CaseRegistered {
    CaseRegistered {
        mode: Mode::Entrusted,
        channel: Channel::Platform12315,
        ..registration(received)
    }
}

/// A suggestion (建议): closed from `registered`, without an acceptance decision. (Consultations
/// are counted in 人次 and are not cases.)
fn suggestion(received: DateTime<Utc>) -> CaseRegistered {
    CaseRegistered {
        case_type: CaseType::Suggestion,
        channel: Channel::Phone,
        request_text: String::new(),
        requests: Vec::new(),
        ..registration(received)
    }
}

fn collective(received: DateTime<Utc>) -> CaseRegistered {
    let mut reg = registration(received);
    let rep = |name: &str| {
        let mut c = complainant(name);
        c.representative = true;
        c.id_number = None;
        c.id_type = None;
        c
    };
    reg.complainants = vec![complainant("扎西东周"), rep("才让卓玛"), rep("娜仁花")];
    reg.collective = Some(Collective { households: 12 });
    reg.category = Some("CCA-G10".into());
    reg.facts.content = "牧民合作社统一购买的牛羊饲料霉变，多户羊只出现腹泻。".into();
    reg
}

/// Every case of the desk, named by the state it is left in.
fn build() -> Desk {
    let mut d = Desk::new();
    let own = RuleSet::Own;
    let reason = |list: &[casedesk_domain::reference::Reason]| list[0].code.to_owned();

    d.register("registered", collective(utc(2026, 11, 25, 2)));
    // Received before 国庆: the acceptance clock runs through the holiday and its makeup day.
    d.register("registered_overdue", entrusted(utc(2026, 9, 28, 2)));
    d.register("registered_suggestion", suggestion(utc(2026, 11, 26, 3)));

    let id = d.register("accepted", entrusted(utc(2026, 11, 16, 2)));
    d.accept(id, utc(2026, 11, 17, 2));

    // Order 20 (received before 2026-04-15): 45 working days through 清明 and 劳动节.
    let id = d.register("accepted_order20", entrusted(utc(2026, 3, 2, 2)));
    d.accept(id, utc(2026, 3, 4, 2));

    let id = d.register("mediating", registration(utc(2026, 11, 20, 1)));
    d.accept(id, utc(2026, 11, 23, 2));
    d.act(
        id,
        utc(2026, 11, 23, 3),
        CaseEvent::SessionScheduled(SessionScheduled {
            session: Uuid::now_v7(),
            at: utc(2026, 12, 1, 2),
            mode: SessionMode::OnSite,
            place: "联络站调解室".into(),
            mediator: "李建国".into(),
            note: String::new(),
        }),
    );
    d.act(id, utc(2026, 11, 24, 2), CaseEvent::NoteAdded { text: "已电话通知双方到场。".into() });

    let id = d.register("agreed", about("CCA-N01", utc(2026, 11, 2, 2)));
    d.accept(id, utc(2026, 11, 3, 2));
    d.agree(id, utc(2026, 11, 10, 2), date(2026, 11, 30));

    let id = d.register("agreed_performed", registration(utc(2026, 10, 19, 2)));
    d.accept(id, utc(2026, 10, 20, 2));
    d.act(
        id,
        utc(2026, 10, 27, 4),
        CaseEvent::AgreementRecorded(agreement(utc(2026, 10, 27, 3), Some(date(2026, 11, 6)))),
    );
    d.act(
        id,
        utc(2026, 11, 5, 2),
        CaseEvent::PerformanceConfirmed { at: utc(2026, 11, 5, 2), note: String::new() },
    );

    let id = d.register("terminated", registration(utc(2026, 10, 12, 2)));
    d.accept(id, utc(2026, 10, 13, 2));
    d.act(
        id,
        utc(2026, 11, 16, 2),
        CaseEvent::MediationTerminated {
            at: utc(2026, 11, 16, 2),
            reason: reason(own.termination_reasons()),
            note: "被投诉人拒绝调解。".into(),
        },
    );

    let id = d.register("not_accepted", registration(utc(2026, 11, 16, 3)));
    d.act(
        id,
        utc(2026, 11, 17, 3),
        CaseEvent::NotAccepted {
            at: utc(2026, 11, 17, 3),
            reason: reason(own.not_accept_reasons()),
            note: String::new(),
        },
    );

    let id = d.register("transferred_department", about("CCA-N03", utc(2026, 11, 9, 2)));
    d.accept(id, utc(2026, 11, 10, 2));
    let t = transfer(
        TransferKind::ToDepartment,
        "德令哈市市场监督管理局",
        TransferReason::NoJurisdiction,
        date(2026, 11, 26),
    );
    d.act(id, utc(2026, 11, 10, 3), CaseEvent::Transferred(t));

    let id = d.register("co_handled", about("CCA-N05", utc(2026, 11, 11, 2)));
    d.accept(id, utc(2026, 11, 12, 2));
    let t =
        transfer(TransferKind::CoHandle, "HX02", TransferReason::HardCaseJoint, date(2026, 12, 11));
    d.act(id, utc(2026, 11, 12, 3), CaseEvent::Transferred(t));

    // Reported up: the case is the branch's now, and its acceptance clock starts again there.
    let id = d.register("transferred_up", registration(utc(2026, 11, 24, 2)));
    let t = transfer(TransferKind::Up, "HX02", TransferReason::BigCaseUp, date(2026, 12, 10));
    d.act(id, utc(2026, 11, 24, 6), CaseEvent::Transferred(t));

    let id = d.register("transfer_answered", registration(utc(2026, 11, 5, 2)));
    d.accept(id, utc(2026, 11, 6, 2));
    let t = transfer(
        TransferKind::ToDepartment,
        "德令哈市市场监督管理局",
        TransferReason::NoJurisdiction,
        date(2026, 11, 20),
    );
    let tid = t.transfer;
    d.act(id, utc(2026, 11, 6, 3), CaseEvent::Transferred(t));
    d.act(
        id,
        utc(2026, 11, 19, 2),
        CaseEvent::TransferFeedback {
            transfer: tid,
            at: utc(2026, 11, 19, 2),
            text: "已立案调查。".into(),
        },
    );

    let id = d.register("closed", about("CCA-N01", utc(2026, 11, 3, 1)));
    d.accept(id, utc(2026, 11, 4, 2));
    d.agree(id, utc(2026, 11, 6, 2), date(2026, 11, 11));
    d.act(
        id,
        utc(2026, 11, 12, 2),
        CaseEvent::PerformanceConfirmed { at: utc(2026, 11, 12, 2), note: String::new() },
    );
    d.act(
        id,
        utc(2026, 11, 13, 2),
        CaseEvent::Closed(Closed {
            at: utc(2026, 11, 13, 2),
            outcome: Outcome::Mediated,
            recovered_fen: 259_900,
            doubled_fen: 0,
            note: "经营者已更换新机。".into(),
        }),
    );
    d.act(
        id,
        utc(2026, 11, 20, 2),
        CaseEvent::FollowedUp {
            at: utc(2026, 11, 20, 2),
            method: ContactMethod::Phone,
            satisfaction: Satisfaction::Satisfied,
            note: String::new(),
        },
    );

    let id = d.register("closed_suggestion", suggestion(utc(2026, 11, 26, 5)));
    d.act(
        id,
        utc(2026, 11, 26, 6),
        CaseEvent::Closed(Closed {
            at: utc(2026, 11, 26, 6),
            outcome: Outcome::Answered,
            recovered_fen: 0,
            doubled_fen: 0,
            note: "已告知维权途径。".into(),
        }),
    );

    // Registered twice by mistake: voided this month, so it must not count on the home screen.
    let id = d.register("voided", about("CCA-N09", utc(2026, 11, 26, 7)));
    d.act(id, utc(2026, 11, 26, 8), CaseEvent::Voided { reason: "重复登记".into() });

    d.clock(now());
    d
}

/// The commands of the verdict table: (what it shows, state name, event).
fn commands(d: &Desk) -> Vec<(&'static str, &'static str, CaseEvent)> {
    let at = now();
    let transfer_of = |name: &str| d.state(name).transfers[0].transfer.transfer;
    let code = |list: &[casedesk_domain::reference::Reason]| list[0].code.to_owned();
    let edit = |field: &str, value: Value| CaseEvent::Edited {
        edits: vec![FieldEdit { field: field.into(), value, base: None }],
    };
    let feedback =
        |transfer, text: &str| CaseEvent::TransferFeedback { transfer, at, text: text.into() };
    let closed = |outcome, recovered_fen| {
        CaseEvent::Closed(Closed {
            at,
            outcome,
            recovered_fen,
            doubled_fen: 0,
            note: String::new(),
        })
    };
    let to = |kind, unit: &str| {
        CaseEvent::Transferred(transfer(kind, unit, TransferReason::Other, date(2026, 12, 31)))
    };
    vec![
        ("accept a registered case", "registered", accepted(at)),
        ("close a registered complaint", "registered", closed(Outcome::Mediated, 0)),
        ("close a registered suggestion", "registered_suggestion", closed(Outcome::Answered, 0)),
        (
            "close a suggestion with a negative amount",
            "registered_suggestion",
            closed(Outcome::Answered, -1),
        ),
        (
            "not accept without a reason",
            "registered",
            CaseEvent::NotAccepted { at, reason: String::new(), note: String::new() },
        ),
        (
            "not accept with a reason of the case's rule set",
            "registered",
            CaseEvent::NotAccepted {
                at,
                reason: code(RuleSet::Own.not_accept_reasons()),
                note: String::new(),
            },
        ),
        (
            "not accept with a reason of another rule set",
            "registered",
            CaseEvent::NotAccepted {
                at,
                reason: code(RuleSet::Order20.not_accept_reasons()),
                note: String::new(),
            },
        ),
        ("a note without text", "registered", CaseEvent::NoteAdded { text: String::new() }),
        ("a note", "mediating", CaseEvent::NoteAdded { text: "已补充材料。".into() }),
        ("a note on a voided case", "voided", CaseEvent::NoteAdded { text: "x".into() }),
        ("transfer to the handling unit itself", "registered", to(TransferKind::Up, "HX0201")),
        ("transfer up", "registered", to(TransferKind::Up, "HX02")),
        (
            "transfer back to this station from the unit now handling it",
            "transferred_up",
            to(TransferKind::Down, "HX0201"),
        ),
        ("transfer with no unit", "accepted", to(TransferKind::CoHandle, "")),
        ("transfer to no department", "accepted", to(TransferKind::ToDepartment, "")),
        ("transfer an agreed case", "agreed", to(TransferKind::Up, "HX02")),
        ("transfer feedback without any transfer", "accepted", feedback(Uuid::now_v7(), "已处理")),
        (
            "transfer feedback when every transfer has its feedback",
            "transfer_answered",
            feedback(transfer_of("transfer_answered"), "再次反馈"),
        ),
        (
            "transfer feedback for an unknown transfer",
            "co_handled",
            feedback(Uuid::now_v7(), "已处理"),
        ),
        ("transfer feedback without text", "co_handled", feedback(transfer_of("co_handled"), " ")),
        (
            "transfer feedback",
            "co_handled",
            feedback(transfer_of("co_handled"), "协办单位已联系经营者"),
        ),
        (
            "transfer feedback from a department",
            "transferred_department",
            feedback(transfer_of("transferred_department"), "已处理"),
        ),
        (
            "record a session without a mediator",
            "mediating",
            CaseEvent::SessionRecorded(SessionRecorded {
                mediator: " ".into(),
                ..session(at, SessionResult::Continue)
            }),
        ),
        (
            "record an agreement without terms and with a negative amount",
            "mediating",
            CaseEvent::AgreementRecorded(AgreementRecorded {
                terms: String::new(),
                amount_fen: -1,
                ..agreement(at, None)
            }),
        ),
        (
            "terminate with a reason of the rule set",
            "mediating",
            CaseEvent::MediationTerminated {
                at,
                reason: code(RuleSet::Own.termination_reasons()),
                note: String::new(),
            },
        ),
        (
            "terminate with an unknown reason",
            "mediating",
            CaseEvent::MediationTerminated { at, reason: "X-9".into(), note: String::new() },
        ),
        (
            "terminate an Order 20 case with its own reason",
            "accepted_order20",
            CaseEvent::MediationTerminated {
                at,
                reason: code(RuleSet::Order20.termination_reasons()),
                note: String::new(),
            },
        ),
        (
            "confirm performance",
            "agreed",
            CaseEvent::PerformanceConfirmed { at, note: String::new() },
        ),
        (
            "confirm performance twice",
            "agreed_performed",
            CaseEvent::PerformanceConfirmed { at, note: String::new() },
        ),
        ("close after performance", "agreed_performed", closed(Outcome::Mediated, 259_900)),
        (
            "close a terminated case with a negative amount",
            "terminated",
            closed(Outcome::Unresolved, -5),
        ),
        ("accept a closed case", "closed", accepted(at)),
        (
            "follow up a closed case",
            "closed",
            CaseEvent::FollowedUp {
                at,
                method: ContactMethod::Sms,
                satisfaction: Satisfaction::Basic,
                note: String::new(),
            },
        ),
        ("void without a reason", "registered", CaseEvent::Voided { reason: "  ".into() }),
        ("void a voided case", "voided", CaseEvent::Voided { reason: "x".into() }),
        ("a correction with no edits", "registered", CaseEvent::Edited { edits: Vec::new() }),
        (
            "correct a respondent's phone",
            "registered",
            edit("respondents[0].phone", Value::from("0977-8221235")),
        ),
        (
            "correct a respondent's phone to a bad number",
            "registered",
            edit("respondents[0].phone", Value::from("12345")),
        ),
        ("correct the case number", "registered", edit("case_no", Value::from("X"))),
        (
            "correct a respondent that is not there",
            "registered",
            edit("respondents[5].name", Value::from("某店")),
        ),
        ("correct the facts to nothing", "mediating", edit("facts.content", Value::from(""))),
        (
            "correct the category of a closed case",
            "closed",
            edit("category", Value::from("CCA-G01-02")),
        ),
        ("correct a voided case", "voided", edit("category", Value::from("CCA-G01-02"))),
    ]
}

fn refusal(e: DomainError) -> Refusal {
    Refusal {
        code: e.code().to_owned(),
        issues: e
            .issues()
            .iter()
            .map(|i| CheckIssue { path: i.path.clone(), code: i.code.clone(), arg: i.arg.clone() })
            .collect(),
    }
}

/// Day counting around the holidays, and in years without data.
fn day_rules() -> Vec<DayRule> {
    let cal = WorkCalendar::builtin();
    let starts = [
        date(2024, 12, 30),
        date(2025, 1, 24),
        date(2025, 9, 26),
        date(2025, 12, 30),
        date(2026, 2, 12),
        date(2026, 4, 2),
        date(2026, 4, 30),
        date(2026, 6, 18),
        date(2026, 9, 18),
        date(2026, 9, 24),
        date(2026, 9, 30),
        date(2026, 10, 9),
        date(2026, 12, 28),
        date(2027, 4, 29),
        date(2027, 9, 30),
    ];
    let mut out = Vec::new();
    for start in starts {
        for (working, days) in [(true, 0), (true, 1), (true, 3), (true, 7), (true, 45)]
            .into_iter()
            .chain([(false, 0), (false, 1), (false, 5), (false, 30), (false, 60)])
        {
            let d =
                if working { cal.add_working_days(start, days) } else { cal.add_days(start, days) };
            out.push(DayRule { start, days, working, date: d.date, provisional: d.provisional });
        }
    }
    out
}

/// The facts of a case that `allows` decides on.
fn facts(s: &CaseState) -> (Status, CaseType, bool, bool) {
    let open = s.transfers.iter().any(|t| t.feedback.is_none());
    (s.status, s.reg.case_type, s.performance_confirmed_at.is_some(), open)
}

/// `allowed_actions` for every combination of the facts it decides on, each tried on a copy of
/// `base` changed to show them.
fn transitions(base: &CaseState, open: &case::TransferView) -> Vec<Transition> {
    let mut out = Vec::new();
    for status in Status::ALL {
        for case_type in CaseType::ALL {
            for performance_confirmed in [false, true] {
                for open_transfer in [false, true] {
                    let mut s = base.clone();
                    s.status = *status;
                    s.reg.case_type = *case_type;
                    s.performance_confirmed_at = performance_confirmed.then(now);
                    s.transfers = if open_transfer { vec![open.clone()] } else { Vec::new() };
                    out.push(Transition {
                        status: *status,
                        case_type: *case_type,
                        performance_confirmed,
                        open_transfer,
                        allowed: case::allowed_actions(&s),
                    });
                }
            }
        }
    }
    out
}

/// Renames every UUID in order of first appearance (see the module doc).
#[derive(Default)]
struct Ids(HashMap<Uuid, String>);

impl Ids {
    fn rename(&mut self, v: Value) -> Value {
        match v {
            Value::String(s) => match Uuid::try_parse(&s) {
                Ok(u) if s.len() == 36 => {
                    let n = self.0.len() + 1;
                    Value::String(
                        self.0
                            .entry(u)
                            .or_insert_with(|| format!("00000000-0000-7000-8000-{n:012}"))
                            .clone(),
                    )
                }
                _ => Value::String(s),
            },
            Value::Array(a) => Value::Array(a.into_iter().map(|x| self.rename(x)).collect()),
            // Keys too: `CaseDetail.actors` is keyed by staff id.
            Value::Object(o) => Value::Object(
                o.into_iter()
                    .map(|(k, x)| {
                        let k = match self.rename(Value::String(k)) {
                            Value::String(k) => k,
                            _ => unreachable!("a string renames to a string"),
                        };
                        (k, self.rename(x))
                    })
                    .collect(),
            ),
            other => other,
        }
    }

    fn of(&mut self, v: &impl Serialize) -> Value {
        self.rename(serde_json::to_value(v).expect("views serialize"))
    }
}

fn json(v: &Value) -> String {
    serde_json::to_string_pretty(v).expect("values serialize") + "\n"
}

/// What the fixture station gives the UI.
pub struct Made {
    /// Modules of `ui/src/bindings/`: `reference.data.ts`, `verdicts.data.ts`.
    pub bindings: BTreeMap<String, String>,
    /// Files of `ui/fixtures/`.
    pub fixtures: BTreeMap<String, String>,
}

/// Runs the fixture station and renders what the UI takes from it.
pub fn generate() -> Made {
    let d = build();
    let store = &d.store;
    let mut ids = Ids::default();

    let cases: Vec<CaseState> = d.cases.iter().map(|(n, _)| d.state(n)).collect();
    let dashboard = Dashboard::of(store, SyncStatus::default()).expect("the dashboard");
    let unit = store.station().expect("the station").unit.clone();
    let desk = ids.of(&DeskFixture { now: now(), unit, cases, dashboard });
    let detail = |name| CaseDetail::of(store, d.id(name)).expect("a case detail");
    let mediating = ids.of(&detail("mediating"));
    let closed = ids.of(&detail("closed"));
    let page = ids.of(&store.list(&ListQuery { limit: 5, ..Default::default() }).expect("a page"));

    let states: Vec<StateVerdicts> = d
        .cases
        .iter()
        .map(|(name, _)| {
            let state = d.state(name);
            StateVerdicts {
                name: (*name).to_owned(),
                allows: CaseEventKind::ALL.iter().map(|k| (*k, case::allows(&state, *k))).collect(),
                allowed: case::allowed_actions(&state),
                deadlines: deadline::deadlines(&state, store.calendar(), store.own_rules()),
                state,
            }
        })
        .collect();
    let checks: Vec<CheckVerdict> = commands(&d)
        .into_iter()
        .map(|(name, state, event)| CheckVerdict {
            name: name.to_owned(),
            state: state.to_owned(),
            refused: case::check(&d.state(state), &event, now()).err().map(refusal),
            event,
        })
        .collect();
    let verdicts = ids.of(&VerdictTable {
        now: now(),
        own_rules: store.own_rules().clone(),
        states,
        checks,
        days: day_rules(),
    });
    let open_transfer = d.state("co_handled").transfers[0].clone();
    let transitions = ids.of(&transitions(&d.state("registered"), &open_transfer));
    let reference =
        serde_json::to_value(store.reference().expect("the reference data")).expect("serializes");

    let bindings = BTreeMap::from([
        (
            "reference.data.ts".to_owned(),
            data_module(
                "The reference data of a station, from casedesk-store's `reference` (its own unit only).",
                "REFERENCE",
                "Reference",
                &reference,
            ),
        ),
        (
            "transitions.data.ts".to_owned(),
            data_module(
                "casedesk-domain's `allowed_actions` for every combination of the facts `allows` decides on.",
                "TRANSITIONS",
                "Array<Transition>",
                &transitions,
            ),
        ),
        (
            "verdicts.data.ts".to_owned(),
            data_module(
                "What casedesk-domain's state machine, check and calendar say about the fixture station's cases.",
                "VERDICTS",
                "VerdictTable",
                &verdicts,
            ),
        ),
    ]);
    // The statistics of the fixture station, for the mock's own (ui/src/ipc/report.ts).
    let period = |code: &str| casedesk_report::Period::parse(code).expect("a period");
    let reports: Vec<casedesk_report::Report> =
        ["2026-11", "2026-Q4", "2026", "2026-11-01..2026-11-27"]
            .iter()
            .map(|p| casedesk_report::report(store, None, &period(p)).expect("a report"))
            .collect();
    let supervision = casedesk_report::supervision::supervision(store, None, &period("2026-11"))
        .expect("the supervision table");
    let hotspots = casedesk_report::hotspots::hot_spots(
        store,
        None,
        12,
        &casedesk_report::hotspots::Params::default(),
    )
    .expect("the hot spots");
    let statistics = ids.of(&serde_json::json!({
        "reports": reports,
        "supervision": supervision,
        "hotspots": hotspots,
    }));
    let fixtures = BTreeMap::from([
        ("statistics.json".to_owned(), json(&statistics)),
        ("desk.json".to_owned(), json(&desk)),
        ("case-mediating.json".to_owned(), json(&mediating)),
        ("case-closed.json".to_owned(), json(&closed)),
        ("list-page.json".to_owned(), json(&page)),
    ]);
    Made { bindings, fixtures }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_case_reaches_its_state() {
        let d = build();
        for (name, want) in [
            ("registered", Status::Registered),
            ("registered_overdue", Status::Registered),
            ("accepted_order20", Status::Accepted),
            ("mediating", Status::Mediating),
            ("agreed", Status::Agreed),
            ("terminated", Status::Terminated),
            ("not_accepted", Status::NotAccepted),
            ("transferred_department", Status::Transferred),
            ("co_handled", Status::Accepted),
            ("transferred_up", Status::Registered),
            ("transfer_answered", Status::Transferred),
            ("closed", Status::Closed),
            ("closed_suggestion", Status::Closed),
            ("voided", Status::Voided),
        ] {
            let s = d.state(name);
            assert_eq!(s.status, want, "{name}");
            assert!(s.timeline.iter().all(|t| !t.anomaly), "{name}");
        }
        assert_eq!(d.state("transferred_up").home_unit, "HX02");
        assert_eq!(d.state("accepted_order20").rule_set, RuleSet::Order20);
        assert_eq!(d.state("accepted").rule_set, RuleSet::Order121);
    }

    #[test]
    fn the_acceptance_clock_counts_the_national_day_holiday() {
        let d = build();
        let s = d.state("registered_overdue");
        let dl = deadline::deadlines(&s, d.store.calendar(), d.store.own_rules());
        // 9-29, 9-30, then 10-08, 10-09, the makeup Saturday 10-10, 10-12, 10-13.
        assert_eq!(dl[0].date, date(2026, 10, 13));
    }

    #[test]
    fn the_transition_table_holds_every_case_of_the_desk() {
        let d = build();
        let table = transitions(&d.state("registered"), &d.state("co_handled").transfers[0]);
        assert_eq!(table.len(), Status::ALL.len() * CaseType::ALL.len() * 4);
        for (name, _) in &d.cases {
            let s = d.state(name);
            let (status, case_type, confirmed, open) = facts(&s);
            let row = table
                .iter()
                .find(|t| {
                    (t.status, t.case_type, t.performance_confirmed, t.open_transfer)
                        == (status, case_type, confirmed, open)
                })
                .expect("a row for every combination");
            assert_eq!(row.allowed, case::allowed_actions(&s), "{name}");
        }
    }

    #[test]
    fn ids_are_renamed_consistently() {
        let mut ids = Ids::default();
        let a = Uuid::now_v7().to_string();
        let b = Uuid::now_v7().to_string();
        let v = ids.rename(serde_json::json!({ "x": [a, b, a], "y": "not-a-uuid" }));
        assert_eq!(
            v,
            serde_json::json!({ "x": ["00000000-0000-7000-8000-000000000001", "00000000-0000-7000-8000-000000000002", "00000000-0000-7000-8000-000000000001"], "y": "not-a-uuid" })
        );
    }

    #[test]
    fn the_same_run_gives_the_same_files() {
        let (a, b) = (generate(), generate());
        assert_eq!(a.fixtures, b.fixtures);
        assert_eq!(a.bindings, b.bindings);
    }
}
