//! The actions on a case as verbs, with flags instead of hand-written JSON: accept, decline,
//! schedule and record sessions, record an agreement and its performance, terminate, transfer
//! and answer a transfer, close, follow up, note, void. The CLI makes the ids (sessions,
//! transfers); times default to now and are given as RFC 3339 or "YYYY-MM-DD HH:MM" in station
//! time. `act --json` still takes any event.

use std::path::PathBuf;

use casedesk_domain::event::*;
use casedesk_domain::types::*;
use casedesk_store::Store;
use chrono::{DateTime, NaiveDate, Utc};
use clap::Subcommand;
use uuid::Uuid;

use crate::cases::{bad, code, parse_time, read_json, yuan_arg};
use crate::{CmdResult, Ctx, Failure};

#[derive(Subcommand)]
pub enum ActionCmd {
    /// Accept a case (受理).
    Accept {
        no: String,
        /// When (default now).
        #[arg(long)]
        at: Option<String>,
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Do not accept a case, with a reason code of its rule set (不予受理; see `casedesk codes`).
    NotAccept {
        no: String,
        #[arg(long)]
        reason: String,
        #[arg(long)]
        at: Option<String>,
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Schedule a mediation session (安排调解).
    Schedule {
        no: String,
        /// When the session is planned.
        #[arg(long)]
        at: String,
        /// on_site | phone | video | online
        #[arg(long, default_value = "on_site")]
        mode: String,
        #[arg(long, default_value = "")]
        place: String,
        #[arg(long, default_value = "")]
        mediator: String,
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Record a mediation session that was held (调解笔录); `--session` names a scheduled one.
    Session {
        no: String,
        #[arg(long)]
        session: Option<Uuid>,
        /// When it was held (default now).
        #[arg(long)]
        held_at: Option<String>,
        /// on_site | phone | video | online
        #[arg(long, default_value = "on_site")]
        mode: String,
        #[arg(long, default_value = "")]
        place: String,
        #[arg(long)]
        mediator: String,
        #[arg(long, default_value = "")]
        recorder: String,
        #[arg(long, default_value = "")]
        interpreter: String,
        /// zh | bo | mn | other
        #[arg(long, default_value = "zh")]
        language: String,
        /// Who attended (repeat the flag).
        #[arg(long)]
        attendee: Vec<String>,
        /// What was said and agreed (笔录内容).
        #[arg(long, default_value = "")]
        record: String,
        /// agreement | continue | no_agreement | absent
        #[arg(long)]
        result: String,
    },
    /// Record the mediation agreement (调解协议).
    Agreement {
        no: String,
        #[arg(long)]
        terms: String,
        /// Amount to pay or refund, in yuan.
        #[arg(long, default_value = "0")]
        amount: String,
        /// Performance deadline (YYYY-MM-DD).
        #[arg(long)]
        due: Option<NaiveDate>,
        #[arg(long)]
        signed_at: Option<String>,
    },
    /// Confirm that the agreement was performed (履行确认).
    Performed {
        no: String,
        #[arg(long)]
        at: Option<String>,
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Terminate mediation with a reason code of the case's rule set (终止调解).
    Terminate {
        no: String,
        #[arg(long)]
        reason: String,
        #[arg(long)]
        at: Option<String>,
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Transfer a case down or up, ask a unit to co-handle it, or send it to a department.
    Transfer {
        no: String,
        /// down | up | co_handle | to_department
        #[arg(long)]
        kind: String,
        /// The receiving unit's code (down, up, co_handle).
        #[arg(long, default_value = "")]
        to: String,
        /// The target unit's name, when the station does not know the unit yet.
        #[arg(long, default_value = "")]
        to_name: String,
        /// The administrative department (to_department).
        #[arg(long, default_value = "")]
        department: String,
        /// small_case_down | big_case_up | hard_case_joint | no_jurisdiction | other
        #[arg(long)]
        reason: String,
        /// Feedback due (YYYY-MM-DD).
        #[arg(long)]
        due: Option<NaiveDate>,
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Answer a transfer (转办反馈); `--transfer` names it when more than one is open.
    Feedback {
        no: String,
        #[arg(long)]
        transfer: Option<Uuid>,
        #[arg(long)]
        text: String,
        #[arg(long)]
        at: Option<String>,
    },
    /// Close a case with an outcome (办结).
    Close {
        no: String,
        /// mediated | settled | withdrawn | unresolved | answered | department_handled
        #[arg(long)]
        outcome: String,
        /// Recovered for the consumer, in yuan.
        #[arg(long, default_value = "0")]
        recovered: String,
        /// Doubled (punitive) compensation, in yuan.
        #[arg(long, default_value = "0")]
        doubled: String,
        #[arg(long)]
        at: Option<String>,
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Record a follow-up call or visit (回访).
    FollowUp {
        no: String,
        /// phone | visit | sms | letter | in_person
        #[arg(long, default_value = "phone")]
        method: String,
        /// satisfied | basic | unsatisfied
        #[arg(long)]
        satisfaction: String,
        #[arg(long)]
        at: Option<String>,
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Add a note to a case.
    Note { no: String, text: String },
    /// Void a case registered by mistake (作废), with the reason.
    Void {
        no: String,
        #[arg(long)]
        reason: String,
    },
    /// Record any case event from JSON: {"kind": "case.session_recorded", "payload": {...}}.
    Act {
        no: String,
        /// File with the event JSON, or - for standard input.
        #[arg(long)]
        json: PathBuf,
    },
}

fn time(store: &Store, path: &str, v: Option<&str>) -> Result<DateTime<Utc>, Failure> {
    match v {
        Some(s) => parse_time(path, s),
        None => Ok(store.now()),
    }
}

pub fn run(ctx: &Ctx, cmd: ActionCmd) -> CmdResult {
    let (mut store, me) = ctx.signed_in()?;
    let s = &mut store;
    let (no, ev) = match cmd {
        ActionCmd::Accept { no, at, note } => {
            let at = time(s, "at", at.as_deref())?;
            (no, CaseEvent::Accepted { at, note })
        }
        ActionCmd::NotAccept { no, reason, at, note } => {
            let at = time(s, "at", at.as_deref())?;
            (no, CaseEvent::NotAccepted { at, reason, note })
        }
        ActionCmd::Schedule { no, at, mode, place, mediator, note } => {
            let ev = SessionScheduled {
                session: Uuid::now_v7(),
                at: parse_time("at", &at)?,
                mode: code("mode", &mode, SessionMode::from_code)?,
                place,
                mediator,
                note,
            };
            (no, CaseEvent::SessionScheduled(ev))
        }
        ActionCmd::Session {
            no,
            session,
            held_at,
            mode,
            place,
            mediator,
            recorder,
            interpreter,
            language,
            attendee,
            record,
            result,
        } => {
            let ev = SessionRecorded {
                session: session.unwrap_or_else(Uuid::now_v7),
                held_at: time(s, "held_at", held_at.as_deref())?,
                mode: code("mode", &mode, SessionMode::from_code)?,
                place,
                mediator,
                recorder,
                interpreter,
                language: code("language", &language, Language::from_code)?,
                attendees: attendee,
                record,
                result: code("result", &result, SessionResult::from_code)?,
            };
            (no, CaseEvent::SessionRecorded(ev))
        }
        ActionCmd::Agreement { no, terms, amount, due, signed_at } => {
            let ev = AgreementRecorded {
                signed_at: time(s, "signed_at", signed_at.as_deref())?,
                terms,
                amount_fen: yuan_arg("amount", &amount)?,
                performance_due: due,
            };
            (no, CaseEvent::AgreementRecorded(ev))
        }
        ActionCmd::Performed { no, at, note } => {
            let at = time(s, "at", at.as_deref())?;
            (no, CaseEvent::PerformanceConfirmed { at, note })
        }
        ActionCmd::Terminate { no, reason, at, note } => {
            let at = time(s, "at", at.as_deref())?;
            (no, CaseEvent::MediationTerminated { at, reason, note })
        }
        ActionCmd::Transfer { no, kind, to, to_name, department, reason, due, note } => {
            let ev = Transferred {
                transfer: Uuid::now_v7(),
                kind: code("kind", &kind, TransferKind::from_code)?,
                to_unit: to,
                to_unit_name: to_name.trim().to_owned(),
                to_department: department,
                reason: code("reason", &reason, TransferReason::from_code)?,
                due,
                note,
            };
            (no, CaseEvent::Transferred(ev))
        }
        ActionCmd::Feedback { no, transfer, text, at } => {
            let id = s.find_case(&no)?;
            let transfer = match transfer {
                Some(t) => t,
                None => {
                    let state = s.case_state(id)?;
                    let open: Vec<Uuid> = state
                        .transfers
                        .iter()
                        .filter(|t| t.feedback.is_none())
                        .map(|t| t.transfer.transfer)
                        .collect();
                    match open.as_slice() {
                        [only] => *only,
                        [] => return Err(bad("transfer", "transfer.unknown", "")),
                        many => {
                            let ids: Vec<String> = many.iter().map(Uuid::to_string).collect();
                            return Err(bad("transfer", "cli.which_transfer", &ids.join(", ")));
                        }
                    }
                }
            };
            let at = time(s, "at", at.as_deref())?;
            (no, CaseEvent::TransferFeedback { transfer, at, text })
        }
        ActionCmd::Close { no, outcome, recovered, doubled, at, note } => {
            let ev = Closed {
                at: time(s, "at", at.as_deref())?,
                outcome: code("outcome", &outcome, Outcome::from_code)?,
                recovered_fen: yuan_arg("recovered", &recovered)?,
                doubled_fen: yuan_arg("doubled", &doubled)?,
                note,
            };
            (no, CaseEvent::Closed(ev))
        }
        ActionCmd::FollowUp { no, method, satisfaction, at, note } => {
            let ev = CaseEvent::FollowedUp {
                at: time(s, "at", at.as_deref())?,
                method: code("method", &method, ContactMethod::from_code)?,
                satisfaction: code("satisfaction", &satisfaction, Satisfaction::from_code)?,
                note,
            };
            (no, ev)
        }
        ActionCmd::Note { no, text } => (no, CaseEvent::NoteAdded { text }),
        ActionCmd::Void { no, reason } => (no, CaseEvent::Voided { reason }),
        ActionCmd::Act { no, json } => {
            let v = read_json(&json)?;
            let ev: CaseEvent = serde_json::from_value(v)
                .map_err(|e| bad("json", "json.invalid", &e.to_string()))?;
            (no, ev)
        }
    };
    let id = store.find_case(&no)?;
    let event = store.act(id, &me, ev)?;
    let st = store.case_state(id)?;
    println!("{} {} → {}", st.reg.case_no, ctx.t("状态", "status"), st.status.label(ctx.lang));
    // The ids the CLI made, for the commands that refer to them later.
    for key in ["session", "transfer"] {
        if let Some(v) = event.payload.get(key).and_then(|v| v.as_str()) {
            println!("  {key} {v}");
        }
    }
    Ok(())
}
