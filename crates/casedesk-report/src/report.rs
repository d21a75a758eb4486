//! The report of a unit for a period: its figures and those of every unit below it (an
//! association or branch desktop holds them by sync), the total, the CCA breakdowns with their
//! change against the same period of last year, 同比 and 环比, the list query behind every
//! figure, and what was submitted (报送) with the adjustment since.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use casedesk_domain::Lang;
use casedesk_domain::event::OrgEvent;
use casedesk_domain::reference;
use casedesk_domain::types::{CaseType, Outcome, Status, SubjectKind, TransferKind, UnitKind};
use casedesk_store::Store;
use casedesk_store::desk::UnitRecord;
use casedesk_store::query::ListQuery;
use casedesk_store::stats::Submission;
use uuid::Uuid;

use crate::figures::{Breakdown, Derived, Figures, Tally};
use crate::num::{change_bp, rate_bp};
use crate::period::Period;
use crate::{ReportError, Result};

/// One unit of the report's scope.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct UnitRow {
    pub code: String,
    pub name: String,
    pub kind: UnitKind,
    pub parent: Option<String>,
    /// 0 for the report's unit, 1 for the units right below it, ...
    pub depth: u32,
    /// The unit's own figures (本级).
    pub own: Figures,
    pub own_derived: Derived,
    /// The unit and every unit below it.
    pub total: Figures,
    pub total_derived: Derived,
    /// The unit's latest submission of this period, if any.
    pub submitted_at: Option<DateTime<Utc>>,
}

/// One line of a breakdown (by nature, by goods/services/other, by category).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Share {
    pub code: String,
    /// 件 (of the complaints accepted in the period).
    pub count: u64,
    /// 比重, basis points of all accepted.
    pub share_bp: Option<u32>,
    pub last_year: u64,
    pub last_year_share_bp: Option<u32>,
    /// 比重变化 against the same period of last year, in basis points (百分点 × 100).
    pub change_bp: Option<i64>,
}

/// A headline figure beside the same period of last year (同比) and the period before (环比).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Change {
    pub key: String,
    /// A rate (basis points; the changes are differences in basis points, i.e. 百分点 × 100) or
    /// a count or fen (the changes are relative, in basis points of the earlier value).
    pub rate: bool,
    pub now: Option<i64>,
    pub year_before: Option<i64>,
    pub previous: Option<i64>,
    pub yoy_bp: Option<i64>,
    pub mom_bp: Option<i64>,
}

/// A figure of a submitted report beside the figure now.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Adjustment {
    pub key: String,
    pub submitted: i64,
    pub now: i64,
    pub delta: i64,
}

/// What the report's unit submitted for the period (the latest submission), and the
/// adjustment row: every figure that changed since, never a silently changed total.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SubmissionView {
    pub id: Uuid,
    pub at: DateTime<Utc>,
    pub submitted: Figures,
    pub submitted_derived: Derived,
    pub adjustments: Vec<Adjustment>,
}

/// The report of a unit for a period.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Report {
    pub unit: String,
    pub unit_name: String,
    pub period: Period,
    pub computed_at: DateTime<Utc>,
    /// The unit and every unit below it.
    pub total: Figures,
    pub derived: Derived,
    /// The units of the scope, the report's unit first, each followed by the units below it.
    pub rows: Vec<UnitRow>,
    pub year_before: Period,
    pub year_before_total: Figures,
    pub previous: Period,
    pub previous_total: Figures,
    pub changes: Vec<Change>,
    pub by_nature: Vec<Share>,
    pub by_subject: Vec<Share>,
    pub by_category: Vec<Share>,
    /// 商品/服务细分领域前十位 (by the category as recorded).
    pub top_goods: Vec<Share>,
    pub top_services: Vec<Share>,
    /// The case-list query behind each figure of `total` (keys as in `Figures`). A breakdown
    /// line is `accepted` narrowed by its nature, category or subject.
    pub drill: BTreeMap<String, ListQuery>,
    pub submission: Option<SubmissionView>,
}

/// The units of `root`'s scope in report order (depth first, by code), with their depth.
pub(crate) fn scope_of(units: &[UnitRecord], root: &str) -> Vec<(UnitRecord, u32)> {
    let mut children: HashMap<&str, Vec<&UnitRecord>> = HashMap::new();
    for u in units {
        if let Some(p) = u.parent.as_deref() {
            children.entry(p).or_default().push(u);
        }
    }
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    let Some(top) = units.iter().find(|u| u.code == root) else { return out };
    let mut stack = vec![(top, 0u32)];
    while let Some((u, depth)) = stack.pop() {
        if !seen.insert(u.code.as_str()) {
            continue;
        }
        out.push((u.clone(), depth));
        let mut kids = children.get(u.code.as_str()).cloned().unwrap_or_default();
        kids.sort_by(|a, b| b.code.cmp(&a.code));
        stack.extend(kids.into_iter().map(|k| (k, depth + 1)));
    }
    out
}

/// The scope of a report: `unit` (the station's own when `None`) and every unit below it.
pub(crate) fn resolve_scope(store: &Store, unit: Option<&str>) -> Result<Vec<(UnitRecord, u32)>> {
    let own = store.require_station()?.unit.clone();
    let root = unit.map(str::trim).filter(|u| !u.is_empty()).unwrap_or(&own).to_owned();
    let units = store.units()?;
    let scope = scope_of(&units, &root);
    if scope.is_empty() {
        return Err(ReportError::UnknownUnit(root));
    }
    Ok(scope)
}

/// Counts the periods over one pass of the rows of the window that covers them all.
pub(crate) fn tally<'s>(
    store: &Store,
    periods: &[Period],
    scope: &'s HashSet<String>,
) -> Result<Vec<Tally<'s>>> {
    let mut tallies: Vec<Tally<'s>> = periods.iter().map(|p| Tally::new(p, scope)).collect();
    let from = periods.iter().map(Period::start).min().unwrap_or_default();
    let to = periods.iter().map(Period::end).max().unwrap_or_default();
    let mut err = None;
    store.scan_stat_cases(from, to, false, &mut |c| {
        for t in tallies.iter_mut() {
            if let Err(e) = t.case(c) {
                err.get_or_insert(e);
            }
        }
    })?;
    store.scan_stat_transfers(from, to, &mut |x| {
        for t in tallies.iter_mut() {
            if let Err(e) = t.transfer(x) {
                err.get_or_insert(e);
            }
        }
    })?;
    store.scan_consultations(from, to, &mut |x| {
        for t in tallies.iter_mut() {
            if let Err(e) = t.consultation(x) {
                err.get_or_insert(e);
            }
        }
    })?;
    match err {
        Some(e) => Err(e),
        None => Ok(tallies),
    }
}

fn shares(
    now: &BTreeMap<String, u64>,
    before: &BTreeMap<String, u64>,
    total: u64,
    last_total: u64,
) -> Vec<Share> {
    let mut codes: Vec<&String> = now.keys().chain(before.keys()).collect();
    codes.sort();
    codes.dedup();
    let mut out: Vec<Share> = codes
        .into_iter()
        .map(|code| {
            let count = now.get(code).copied().unwrap_or(0);
            let last_year = before.get(code).copied().unwrap_or(0);
            let share_bp = rate_bp(count, total);
            let last_year_share_bp = rate_bp(last_year, last_total);
            let change_bp = match (share_bp, last_year_share_bp) {
                (Some(a), Some(b)) => Some(i64::from(a) - i64::from(b)),
                _ => None,
            };
            Share { code: code.clone(), count, share_bp, last_year, last_year_share_bp, change_bp }
        })
        .collect();
    // Largest first; equal counts in code order.
    out.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.code.cmp(&b.code)));
    out
}

fn subject_map(b: &Breakdown) -> BTreeMap<String, u64> {
    SubjectKind::ALL
        .iter()
        .map(|k| (k.code().to_owned(), b.subject.get(k).copied().unwrap_or(0)))
        .collect()
}

fn top(b: &BTreeMap<String, u64>, kind: SubjectKind) -> BTreeMap<String, u64> {
    b.iter()
        .filter(|(c, _)| SubjectKind::of(Some(c)) == kind)
        .map(|(c, n)| (c.clone(), *n))
        .collect()
}

fn changes(now: &Figures, yb: &Figures, prev: &Figures) -> Vec<Change> {
    let count = |key: &str, f: fn(&Figures) -> i64| {
        let (n, y, p) = (f(now), f(yb), f(prev));
        let rel = |a: i64, b: i64| change_bp(a.max(0) as u64, b.max(0) as u64);
        Change {
            key: key.to_owned(),
            rate: false,
            now: Some(n),
            year_before: Some(y),
            previous: Some(p),
            yoy_bp: rel(n, y),
            mom_bp: rel(n, p),
        }
    };
    let rate = |key: &str, f: fn(&Derived) -> Option<u32>| {
        let (n, y, p) = (f(&now.derived()), f(&yb.derived()), f(&prev.derived()));
        let diff = |a: Option<u32>, b: Option<u32>| Some(i64::from(a?) - i64::from(b?));
        Change {
            key: key.to_owned(),
            rate: true,
            now: n.map(i64::from),
            year_before: y.map(i64::from),
            previous: p.map(i64::from),
            yoy_bp: diff(n, y),
            mom_bp: diff(n, p),
        }
    };
    vec![
        count("received", |f| f.received as i64),
        count("accepted", |f| f.accepted as i64),
        count("closed", |f| f.closed as i64),
        count("resolved", |f| f.resolved as i64),
        rate("resolution_rate", |d| d.resolution_rate_bp),
        rate("mediation_rate", |d| d.mediation_rate_bp),
        rate("on_time_rate", |d| d.on_time_rate_bp),
        count("recovered_fen", |f| f.recovered_fen),
        count("doubled_cases", |f| f.doubled_cases as i64),
        count("doubled_fen", |f| f.doubled_fen),
        count("consultation_people", |f| f.consultation_people as i64),
    ]
}

/// Every status but voided: what the lists behind the figures show.
fn counted_statuses() -> Vec<Status> {
    Status::ALL.iter().copied().filter(|s| *s != Status::Voided).collect()
}

/// The case-list query behind each figure of a scope's total.
pub fn drill_queries(scope: &[String], p: &Period) -> BTreeMap<String, ListQuery> {
    let base = ListQuery {
        case_type: Some(CaseType::Complaint),
        status: counted_statuses(),
        limit: 50,
        ..Default::default()
    };
    let received = ListQuery {
        receiving_units: scope.to_vec(),
        received_from: Some(p.from),
        received_to: Some(p.to),
        ..base.clone()
    };
    let accepted = ListQuery {
        units: scope.to_vec(),
        accepted_from: Some(p.from),
        accepted_to: Some(p.to),
        ..base.clone()
    };
    let closed = ListQuery {
        units: scope.to_vec(),
        accepted_to: Some(p.to),
        closed_from: Some(p.from),
        closed_to: Some(p.to),
        ..base.clone()
    };
    let transfers = |kinds: Vec<TransferKind>, outgoing: bool| ListQuery {
        transfer_kinds: kinds,
        transfer_from_units: if outgoing { scope.to_vec() } else { Vec::new() },
        transfer_to_units: if outgoing { Vec::new() } else { scope.to_vec() },
        transferred_from: Some(p.from),
        transferred_to: Some(p.to),
        ..base.clone()
    };
    let resolved_outcomes =
        Outcome::ALL.iter().copied().filter(|o| o.is_resolved()).collect::<Vec<_>>();
    let mut m = BTreeMap::new();
    m.insert(
        "received_reports".into(),
        ListQuery { case_type: Some(CaseType::Report), ..received.clone() },
    );
    m.insert(
        "not_accepted".into(),
        ListQuery {
            receiving_units: Vec::new(),
            units: scope.to_vec(),
            status: vec![Status::NotAccepted],
            ..received.clone()
        },
    );
    m.insert("received".into(), received);
    m.insert(
        "resolved".into(),
        ListQuery { outcomes: resolved_outcomes, closed_to: Some(p.to), ..accepted.clone() },
    );
    m.insert("accepted".into(), accepted);
    m.insert("mediated".into(), ListQuery { outcomes: vec![Outcome::Mediated], ..closed.clone() });
    m.insert("closed_on_time".into(), ListQuery { on_time: Some(true), ..closed.clone() });
    m.insert("doubled_cases".into(), ListQuery { doubled: Some(true), ..closed.clone() });
    m.insert("closed".into(), closed);
    m.insert("transferred_out".into(), transfers(vec![TransferKind::Down, TransferKind::Up], true));
    m.insert("transferred_in".into(), transfers(vec![TransferKind::Down, TransferKind::Up], false));
    m.insert("co_handled".into(), transfers(vec![TransferKind::CoHandle], false));
    m.insert("to_department".into(), transfers(vec![TransferKind::ToDepartment], true));
    m
}

/// The figures of a `Figures` value by field name (for adjustments).
fn fields(f: &Figures) -> Vec<(String, i64)> {
    match serde_json::to_value(f) {
        Ok(serde_json::Value::Object(map)) => {
            map.into_iter().filter_map(|(k, v)| Some((k, v.as_i64()?))).collect()
        }
        _ => Vec::new(),
    }
}

/// Every figure that differs between what was submitted and what is counted now.
pub fn adjustments(submitted: &Figures, now: &Figures) -> Vec<Adjustment> {
    let now: BTreeMap<String, i64> = fields(now).into_iter().collect();
    fields(submitted)
        .into_iter()
        .filter_map(|(key, s)| {
            let n = now.get(&key).copied().unwrap_or(0);
            (n != s).then(|| Adjustment { key, submitted: s, now: n, delta: n - s })
        })
        .collect()
}

/// What a `report.submitted` event freezes: the report's total, its ratios, and when.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Frozen {
    pub total: Figures,
    pub derived: Derived,
    pub computed_at: DateTime<Utc>,
}

/// The latest submission of `unit` for exactly this period.
fn latest<'a>(subs: &'a [Submission], unit: &str, p: &Period) -> Option<&'a Submission> {
    subs.iter().rev().find(|s| s.unit == unit && s.from == p.from && s.to == p.to)
}

fn frozen(s: &Submission) -> Result<Frozen> {
    serde_json::from_value(s.figures.clone()).map_err(|_| ReportError::Figures)
}

/// The report of `unit` (the station's own when `None`) for `period`, as of the store's clock.
pub fn report(store: &Store, unit: Option<&str>, period: &Period) -> Result<Report> {
    let scope = resolve_scope(store, unit)?;
    let codes: Vec<String> = scope.iter().map(|(u, _)| u.code.clone()).collect();
    let set: HashSet<String> = codes.iter().cloned().collect();
    let (yb, prev) = (period.year_before(), period.previous());
    // A year's 同比 and 环比 are the same year: counted once.
    let periods = if yb == prev {
        vec![period.clone(), yb.clone()]
    } else {
        vec![period.clone(), yb.clone(), prev.clone()]
    };
    let mut tallies = tally(store, &periods, &set)?.into_iter();
    let (Some(cur), Some(last)) = (tallies.next(), tallies.next()) else {
        return Err(ReportError::Overflow);
    };
    let total = cur.scope_total()?;
    let year_before_total = last.scope_total()?;
    let previous_total = match tallies.next() {
        Some(before) => before.scope_total()?,
        None => year_before_total.clone(),
    };
    let subs = store.report_submissions(None)?;

    // Each unit's total: its own figures and those of every unit below it.
    let mut rows = Vec::with_capacity(scope.len());
    for (i, (u, depth)) in scope.iter().enumerate() {
        let own = cur.by_unit.get(&u.code).cloned().unwrap_or_default();
        let mut sub = own.clone();
        for (v, d) in scope.iter().skip(i + 1) {
            if *d <= *depth {
                break;
            }
            if let Some(f) = cur.by_unit.get(&v.code) {
                sub.add(f)?;
            }
        }
        rows.push(UnitRow {
            code: u.code.clone(),
            name: u.name.clone(),
            kind: u.kind,
            parent: u.parent.clone(),
            depth: *depth,
            own_derived: own.derived(),
            own,
            total_derived: sub.derived(),
            total: sub,
            submitted_at: latest(&subs, &u.code, period).map(|s| s.at),
        });
    }

    let (b, lb) = (&cur.breakdown, &last.breakdown);
    let (n, ln) = (total.accepted, year_before_total.accepted);
    let root = &scope[0].0;
    let submission = match latest(&subs, &root.code, period) {
        Some(s) => {
            let f = frozen(s)?;
            Some(SubmissionView {
                id: s.id,
                at: s.at,
                adjustments: adjustments(&f.total, &total),
                submitted_derived: f.total.derived(),
                submitted: f.total,
            })
        }
        None => None,
    };
    Ok(Report {
        unit: root.code.clone(),
        unit_name: root.name.clone(),
        period: period.clone(),
        computed_at: store.now(),
        derived: total.derived(),
        changes: changes(&total, &year_before_total, &previous_total),
        by_nature: shares(&b.nature, &lb.nature, n, ln),
        by_subject: shares(&subject_map(b), &subject_map(lb), n, ln),
        by_category: shares(&b.major, &lb.major, n, ln),
        top_goods: shares(
            &top(&b.leaf, SubjectKind::Goods),
            &top(&lb.leaf, SubjectKind::Goods),
            n,
            ln,
        )
        .into_iter()
        .filter(|s| s.count > 0)
        .take(10)
        .collect(),
        top_services: shares(
            &top(&b.leaf, SubjectKind::Service),
            &top(&lb.leaf, SubjectKind::Service),
            n,
            ln,
        )
        .into_iter()
        .filter(|s| s.count > 0)
        .take(10)
        .collect(),
        drill: drill_queries(&codes, period),
        total,
        rows,
        year_before: yb,
        year_before_total,
        previous: prev,
        previous_total,
        submission,
    })
}

/// The `report.submitted` event of the station's own report for `period`: its total frozen as
/// computed now. Record it with `Store::record_org` on a new stream.
pub fn submission_event(store: &Store, period: &Period, note: &str) -> Result<OrgEvent> {
    let unit = store.require_station()?.unit.clone();
    let r = report(store, Some(&unit), period)?;
    let frozen = Frozen { derived: r.derived.clone(), total: r.total, computed_at: r.computed_at };
    Ok(OrgEvent::ReportSubmitted {
        unit,
        period: period.code.clone(),
        from: period.from,
        to: period.to,
        at: r.computed_at,
        figures: serde_json::to_value(&frozen).map_err(|_| ReportError::Figures)?,
        note: note.to_owned(),
    })
}

/// Submits (报送) the station's own report for `period`, as `actor` (a head or the
/// secretariat: the export permission, checked by the store).
pub fn submit(
    store: &mut Store,
    actor: &casedesk_store::Actor,
    period: &Period,
    note: &str,
    op: Option<&str>,
) -> Result<Uuid> {
    let ev = submission_event(store, period, note)?;
    Ok(store.record_org_op(op, Uuid::now_v7(), actor, ev)?.stream)
}

/// The label of a breakdown code (a nature, a category or a subject kind) in `lang`.
pub fn code_label(code: &str, lang: Lang, on: Option<chrono::NaiveDate>) -> String {
    if let Some(k) = SubjectKind::from_code(code) {
        return k.label(lang).to_owned();
    }
    reference::category(code).map_or_else(|| code.to_owned(), |c| c.label(lang, on).to_owned())
}
