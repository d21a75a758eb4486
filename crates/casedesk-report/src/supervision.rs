//! The supervision of stations (站点督导): per unit of a scope, for a period — workload,
//! accepted, on-time closure, mediation success, follow-up satisfaction, overdue cases, days
//! since the unit's last activity reached this desktop — and the criteria of a demonstration
//! station (示范站) as a checklist computed from the same data; and the same figures per staff
//! member (`StaffFigures`), credited by the rules of `staff_table` (docs/statistics.md).
//!
//! The criteria used (ours, stated here and in docs/statistics.md; an association may have its
//! own scheme):
//! 1. `on_time`: 按期办结率 ≥ 90 % (of the complaints closed in the period);
//! 2. `mediation`: 调解成功率 ≥ 60 %;
//! 3. `follow_up`: at least half of the closed complaints were followed up (回访率 ≥ 50 %);
//! 4. `satisfaction`: 满意 or 基本满意 in ≥ 90 % of those follow-ups;
//! 5. `no_overdue`: no open case past its deadline today (有诉必接、有接必调、有调必果);
//! 6. `decided`: ≥ 95 % of the complaints received in the period have an acceptance decision
//!    (accepted, not accepted or transferred: 有诉必接);
//! 7. `in_touch`: the unit's last activity reached this desktop within 7 days.
//!
//! A criterion with nothing to judge (no closed case, no follow-up) is `null`: neither met nor
//! failed. The remuneration export (cases handled per station and period) is in `xlsx`.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use serde::Serialize;

use casedesk_domain::deadline::local_date;
use casedesk_domain::types::{CaseType, Satisfaction, Status, UnitKind};
use casedesk_store::Store;

use crate::Result;
use crate::figures::{Derived, Figures};
use crate::num::{add_u, rate_bp};
use crate::period::Period;
use crate::report::{resolve_scope, tally};

/// One criterion of the demonstration-station checklist, for one unit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Criterion {
    pub code: String,
    /// `None`: nothing to judge in the period.
    pub met: Option<bool>,
    /// The unit's value (basis points for rates, a count or days otherwise).
    pub value: Option<i64>,
    pub threshold: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct StationRow {
    pub code: String,
    pub name: String,
    pub kind: UnitKind,
    pub depth: u32,
    /// Marked 示范站 in the unit's record.
    pub demonstration: bool,
    pub figures: Figures,
    pub derived: Derived,
    /// Open cases now (工作量 beside the period's figures).
    pub open: u64,
    /// Open cases past their deadline today.
    pub overdue: u64,
    /// 办理件数 for remuneration: closed + co-handled in the period.
    pub handled: u64,
    /// Closed complaints of the period followed up, and of them 满意 or 基本满意.
    pub followed_up: u64,
    pub satisfied: u64,
    pub follow_up_rate_bp: Option<u32>,
    pub satisfaction_rate_bp: Option<u32>,
    /// Complaints received in the period with an acceptance decision.
    pub decided: u64,
    pub last_activity: Option<DateTime<Utc>>,
    pub days_since_activity: Option<i64>,
    pub checklist: Vec<Criterion>,
    /// Every criterion that could be judged is met, and at least one could.
    pub meets_criteria: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Supervision {
    pub unit: String,
    pub unit_name: String,
    pub period: Period,
    pub computed_at: DateTime<Utc>,
    pub rows: Vec<StationRow>,
    /// Per staff member (see `staff_table` for who gets credit for what).
    pub staff: Vec<StaffFigures>,
}

/// The figures of one staff member for a period (站点督导 per 工作人员). Who gets credit for
/// what is in `staff_table`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct StaffFigures {
    /// The staff member (`None`: work recorded without an actor, or a mediator named in a
    /// session record who is not on the staff list).
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub staff: Option<uuid::Uuid>,
    /// From the `staff` projection; for `staff: None`, the mediator's name as recorded, or ""
    /// for work without an actor.
    pub name: String,
    /// The member's unit (`None` when not on the staff list).
    pub unit: Option<String>,
    /// On the staff list but no longer active.
    pub inactive: bool,
    /// Complaints registered (接收), by the day received.
    pub registered: u64,
    /// Acceptance decisions: accepted (受理) and not accepted (不予受理).
    pub accepted: u64,
    pub not_accepted: u64,
    /// Mediation sessions held (调解次数), by the day held.
    pub sessions: u64,
    /// Complaints closed (办结) by this member, and of them on time and mediated.
    pub closed: u64,
    pub closed_on_time: u64,
    pub mediated: u64,
    pub on_time_rate_bp: Option<u32>,
    pub mediation_rate_bp: Option<u32>,
    /// Follow-ups recorded (of the period's closed complaints) and of them 满意 or 基本满意.
    pub followed_up: u64,
    pub satisfied: u64,
    pub satisfaction_rate_bp: Option<u32>,
    /// Open cases past their deadline now whose newest event this member wrote.
    pub overdue: u64,
    /// Consultations taken: 人次 and entries.
    pub consultation_people: u64,
    pub consultations: u64,
}

impl StaffFigures {
    fn is_empty(&self) -> bool {
        self.registered == 0
            && self.accepted == 0
            && self.not_accepted == 0
            && self.sessions == 0
            && self.closed == 0
            && self.followed_up == 0
            && self.overdue == 0
            && self.consultations == 0
    }
}

#[derive(Default)]
struct Extra {
    followed_up: u64,
    satisfied: u64,
    decided: u64,
}

fn criterion(code: &str, value: Option<i64>, threshold: i64, at_least: bool) -> Criterion {
    Criterion {
        code: code.to_owned(),
        met: value.map(|v| if at_least { v >= threshold } else { v <= threshold }),
        value,
        threshold,
    }
}

/// The supervision table of `unit` (the station's own when `None`) and every unit below it.
pub fn supervision(store: &Store, unit: Option<&str>, period: &Period) -> Result<Supervision> {
    let scope = resolve_scope(store, unit)?;
    let set: HashSet<String> = scope.iter().map(|(u, _)| u.code.clone()).collect();
    let tallies = tally(store, std::slice::from_ref(period), &set)?;
    let cur = &tallies[0];
    let now = store.now();
    let today = local_date(now);

    let mut extra: HashMap<String, Extra> = HashMap::new();
    let (start, end) = (period.start().timestamp_millis(), period.end().timestamp_millis());
    let holds = |t: Option<i64>| t.is_some_and(|t| start <= t && t < end);
    let mut err = None;
    store.scan_stat_cases(period.start(), period.end(), false, &mut |c| {
        if c.status == Status::Voided || c.case_type != CaseType::Complaint {
            return;
        }
        let mut run = || -> Result<()> {
            if c.accepted_at.is_some() && holds(c.closed_at) && c.satisfaction.is_some() {
                let e = extra.entry(c.unit.to_owned()).or_default();
                add_u(&mut e.followed_up, 1)?;
                if matches!(c.satisfaction, Some(Satisfaction::Satisfied | Satisfaction::Basic)) {
                    add_u(&mut e.satisfied, 1)?;
                }
            }
            if holds(Some(c.received_at)) && c.status != Status::Registered {
                add_u(&mut extra.entry(c.receiving_unit.to_owned()).or_default().decided, 1)?;
            }
            Ok(())
        };
        if let Err(e) = run() {
            err.get_or_insert(e);
        }
    })?;
    if let Some(e) = err {
        return Err(e);
    }
    let open: HashMap<String, (u64, u64)> =
        store.open_by_unit(today)?.into_iter().map(|o| (o.unit, (o.open, o.overdue))).collect();
    let seen: HashMap<String, DateTime<Utc>> = store.last_activity_by_unit()?.into_iter().collect();

    let mut rows = Vec::new();
    for (u, depth) in &scope {
        let f = cur.by_unit.get(&u.code).cloned().unwrap_or_default();
        let x = extra.remove(&u.code).unwrap_or_default();
        let (open_now, overdue) = open.get(&u.code).copied().unwrap_or((0, 0));
        let last = seen.get(&u.code).copied();
        let days = last.map(|t| (today - local_date(t)).num_days());
        let d = f.derived();
        let follow_up_rate_bp = rate_bp(x.followed_up, f.closed);
        let satisfaction_rate_bp = rate_bp(x.satisfied, x.followed_up);
        let decided_bp = rate_bp(x.decided, f.received);
        let bp = |v: Option<u32>| v.map(i64::from);
        let checklist = vec![
            criterion("on_time", bp(d.on_time_rate_bp), 9000, true),
            criterion("mediation", bp(d.mediation_rate_bp), 6000, true),
            criterion("follow_up", bp(follow_up_rate_bp), 5000, true),
            criterion("satisfaction", bp(satisfaction_rate_bp), 9000, true),
            criterion("no_overdue", Some(overdue as i64), 0, false),
            criterion("decided", bp(decided_bp), 9500, true),
            criterion("in_touch", days, 7, false),
        ];
        let judged: Vec<bool> = checklist.iter().filter_map(|c| c.met).collect();
        rows.push(StationRow {
            code: u.code.clone(),
            name: u.name.clone(),
            kind: u.kind,
            depth: *depth,
            demonstration: u.demonstration,
            handled: f.closed.saturating_add(f.co_handled),
            derived: d,
            figures: f,
            open: open_now,
            overdue,
            followed_up: x.followed_up,
            satisfied: x.satisfied,
            follow_up_rate_bp,
            satisfaction_rate_bp,
            decided: x.decided,
            last_activity: last,
            days_since_activity: days,
            meets_criteria: !judged.is_empty() && judged.iter().all(|m| *m),
            checklist,
        });
    }
    let staff = staff_table(store, &set, period, today)?;
    let root = &scope[0].0;
    Ok(Supervision {
        unit: root.code.clone(),
        unit_name: root.name.clone(),
        period: period.clone(),
        computed_at: now,
        rows,
        staff,
    })
}

/// Who a staff row is.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Who {
    Staff(uuid::Uuid),
    /// A session's mediator by name, not on the staff list of the case's unit.
    Mediator(String),
    /// Work recorded without an actor.
    Nobody,
}

/// The supervision per staff member of the units in `scope` for `period`. Credit (said the
/// same in docs/statistics.md, with why):
/// - 登记 `registered`: the actor of `case.registered`, for complaints received in the period
///   at a unit of the scope (the unit's 接收);
/// - 受理 `accepted`: the actor of the (latest) `case.accepted`, for complaints accepted in the
///   period by a unit of the scope (the unit's 受理); 不予受理 `not_accepted`: the actor of
///   `case.not_accepted`, as the unit's figure;
/// - 调解 `sessions`: the mediator of each session held in the period — the staff member of the
///   case's unit with exactly that name; a name that is no staff member of the unit (a 人民调解员,
///   a lawyer, a name typed differently) gets a row of its own under that name;
/// - 办结 `closed` (and on time, mediated): the actor of the (latest) `case.closed`, as the
///   unit's 办结;
/// - 回访 `followed_up` / `satisfied`: the actor of the latest `case.followed_up` of the closed
///   complaints of the period that were followed up (the unit's 回访 figures);
/// - 超期 `overdue`: open cases past their deadline now, to the actor of the case's newest
///   event (who last handled it: cases carry no assignment);
/// - 咨询 `consultation_people`: the actor of `consultation.recorded`.
///
/// Voided cases count nowhere; only complaints count (as in the unit's figures). So each
/// column sums, over the rows, to the unit's figure; work without an actor is a row with no
/// staff member. Every staff member of a unit of the scope has a row, even with nothing.
pub fn staff_table(
    store: &Store,
    scope: &HashSet<String>,
    period: &Period,
    today: chrono::NaiveDate,
) -> Result<Vec<StaffFigures>> {
    let (start, end) = (period.start().timestamp_millis(), period.end().timestamp_millis());
    let holds = |t: Option<i64>| t.is_some_and(|t| start <= t && t < end);
    let staff = store.staff()?;
    let mut rows: HashMap<Who, StaffFigures> = HashMap::new();
    for s in &staff {
        if scope.contains(&s.unit) {
            rows.insert(Who::Staff(s.id), StaffFigures::default());
        }
    }
    let who = |a: Option<uuid::Uuid>| a.map_or(Who::Nobody, Who::Staff);
    let counts = |c: &casedesk_store::stats::StaffCase| {
        c.status != Status::Voided && c.case_type == CaseType::Complaint
    };
    for c in store.staff_cases(period.start(), period.end())? {
        if !counts(&c) {
            continue;
        }
        if holds(Some(c.received_at)) && scope.contains(&c.receiving_unit) {
            add_u(&mut rows.entry(who(c.registered_by)).or_default().registered, 1)?;
        }
        if !scope.contains(&c.unit) {
            continue;
        }
        if holds(c.accepted_at) {
            add_u(&mut rows.entry(who(c.accepted_by)).or_default().accepted, 1)?;
        }
        if holds(Some(c.received_at)) && c.status == Status::NotAccepted {
            add_u(&mut rows.entry(who(c.not_accepted_by)).or_default().not_accepted, 1)?;
        }
        if c.accepted_at.is_some() && holds(c.closed_at) {
            let r = rows.entry(who(c.closed_by)).or_default();
            add_u(&mut r.closed, 1)?;
            if c.on_time == Some(true) {
                add_u(&mut r.closed_on_time, 1)?;
            }
            if c.outcome == Some(casedesk_domain::types::Outcome::Mediated) {
                add_u(&mut r.mediated, 1)?;
            }
            if let Some(sat) = c.satisfaction {
                let r = rows.entry(who(c.followed_up_by)).or_default();
                add_u(&mut r.followed_up, 1)?;
                if matches!(sat, Satisfaction::Satisfied | Satisfaction::Basic) {
                    add_u(&mut r.satisfied, 1)?;
                }
            }
        }
    }
    // A mediator's name → the staff member of that unit with exactly that name (none when two
    // members of the unit share it: the session then keeps the name).
    let mut by_name: HashMap<(&str, &str), Option<uuid::Uuid>> = HashMap::new();
    for s in &staff {
        by_name
            .entry((s.unit.as_str(), s.name.as_str()))
            .and_modify(|v| *v = None)
            .or_insert(Some(s.id));
    }
    for v in store.staff_sessions(period.start(), period.end())? {
        if v.status == Status::Voided || v.case_type != CaseType::Complaint {
            continue;
        }
        if !scope.contains(&v.unit) {
            continue;
        }
        let name = v.mediator.trim();
        let key = match by_name.get(&(v.unit.as_str(), name)) {
            Some(Some(id)) => Who::Staff(*id),
            _ if name.is_empty() => Who::Nobody,
            _ => Who::Mediator(name.to_owned()),
        };
        add_u(&mut rows.entry(key).or_default().sessions, 1)?;
    }
    for k in store.staff_consultations(period.start(), period.end())? {
        if scope.contains(&k.unit) {
            let r = rows.entry(who(k.by)).or_default();
            add_u(&mut r.consultation_people, u64::from(k.people))?;
            add_u(&mut r.consultations, 1)?;
        }
    }
    for o in store.staff_overdue(today)? {
        if scope.contains(&o.unit) {
            add_u(&mut rows.entry(who(o.last_by)).or_default().overdue, 1)?;
        }
    }

    let known: HashMap<uuid::Uuid, &casedesk_store::desk::StaffRow> =
        staff.iter().map(|s| (s.id, s)).collect();
    let mut out: Vec<(Who, StaffFigures)> =
        rows.into_iter().filter(|(w, f)| matches!(w, Who::Staff(_)) || !f.is_empty()).collect();
    for (w, f) in &mut out {
        match w {
            Who::Staff(id) => {
                f.staff = Some(*id);
                if let Some(s) = known.get(id) {
                    f.name = s.name.clone();
                    f.unit = Some(s.unit.clone());
                    f.inactive = !s.active;
                } else {
                    // An actor whose staff record has not reached this desktop.
                    f.name = id.to_string().chars().take(8).collect();
                }
            }
            Who::Mediator(n) => f.name = n.clone(),
            Who::Nobody => {}
        }
        f.on_time_rate_bp = rate_bp(f.closed_on_time, f.closed);
        f.mediation_rate_bp = rate_bp(f.mediated, f.closed);
        f.satisfaction_rate_bp = rate_bp(f.satisfied, f.followed_up);
    }
    // Staff by unit and name; then mediators not on the list; the work without an actor last.
    out.sort_by(|(wa, a), (wb, b)| {
        let rank = |w: &Who, f: &StaffFigures| match w {
            Who::Staff(_) if f.unit.is_some() => 0,
            Who::Staff(_) => 1,
            Who::Mediator(_) => 2,
            Who::Nobody => 3,
        };
        (rank(wa, a), &a.unit, &a.name, wa).cmp(&(rank(wb, b), &b.unit, &b.name, wb))
    });
    Ok(out.into_iter().map(|(_, f)| f).collect())
}
