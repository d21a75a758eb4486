//! The supervision of stations (站点督导): per unit of a scope, for a period — workload,
//! accepted, on-time closure, mediation success, follow-up satisfaction, overdue cases, days
//! since the unit's last activity reached this desktop — and the criteria of a demonstration
//! station (示范站) as a checklist computed from the same data. Per staff member once events
//! carry the acting staff member: they do not yet (`Event::actor` is not filled in by the
//! desktop or the CLI), so this is per unit only.
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
    let root = &scope[0].0;
    Ok(Supervision {
        unit: root.code.clone(),
        unit_name: root.name.clone(),
        period: period.clone(),
        computed_at: now,
        rows,
    })
}
