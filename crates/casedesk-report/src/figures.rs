//! The counting rules, once (docs/statistics.md says the same in words):
//!
//! - Complaints (投诉) only, in every figure but `received_reports`, `received_other` and the
//!   consultations. A voided case counts nowhere.
//! - 接收 `received`: at the unit that registered the complaint, by the day it was received.
//! - 受理 `accepted`: at the unit that finally accepted it, by the day of that acceptance. A
//!   transfer down or up clears an acceptance (the case starts again at the new unit), so a case
//!   is accepted at most once, at one unit.
//! - 转出 `transferred_out` / 转入 `transferred_in`: transfers down or up, at the sender and at
//!   the receiver, by the day of the transfer; 转行政部门 `to_department` at the sender; 协办
//!   `co_handled` at the helping unit (never 受理 there).
//! - 不予受理 `not_accepted`: complaints received in the period that the handling unit decided
//!   not to accept.
//! - 办结 `closed`: accepted complaints closed in the period, at the accepting unit; with them
//!   调解成功 `mediated` (outcome mediated), 按期办结 `closed_on_time` (closed within the
//!   mediation period), 挽回经济损失 `recovered_fen` and 加倍赔偿 `doubled_cases`/`doubled_fen`.
//! - 解决 `resolved`, by cohort: of the complaints accepted in the period, those closed with a
//!   resolved outcome (mediated, settled, handled by the department) before the period's end.
//!   So 解决率 = 解决 / 受理 can never exceed 100 %.
//! - 咨询 `consultation_people`: the 人次 of `consultation.recorded`, at its unit, by its time.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::{Deserialize, Serialize};

use casedesk_domain::types::{CaseType, Outcome, Status, SubjectKind, TransferKind};
use casedesk_store::stats::{StatCase, StatConsultation, StatTransfer};

use crate::Result;
use crate::num::{self, add_i, add_u, rate_bp};
use crate::period::Period;

/// The counts and sums of a unit (or a total) for a period: integers only; every ratio is
/// derived from them (`Derived`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(default)]
pub struct Figures {
    /// 接收 (投诉).
    pub received: u64,
    /// 接收的举报.
    pub received_reports: u64,
    /// 登记为案件的咨询和建议 (counted apart from complaints; consultations proper are 人次).
    pub received_other: u64,
    /// 不予受理.
    pub not_accepted: u64,
    /// 转出 (down or up) and 转入.
    pub transferred_out: u64,
    pub transferred_in: u64,
    /// 转行政部门.
    pub to_department: u64,
    /// 协办 (as the helping unit).
    pub co_handled: u64,
    /// 受理.
    pub accepted: u64,
    /// 办结.
    pub closed: u64,
    /// 解决 (of the accepted cohort).
    pub resolved: u64,
    /// 调解成功 (of the closed).
    pub mediated: u64,
    /// 按期办结 (of the closed).
    pub closed_on_time: u64,
    /// 挽回经济损失, fen.
    pub recovered_fen: i64,
    /// 加倍赔偿: complaints and amount (fen).
    pub doubled_cases: u64,
    pub doubled_fen: i64,
    /// 咨询: 人次, and the entries they were recorded in.
    pub consultation_people: u64,
    pub consultations: u64,
}

/// The ratios and money of `Figures`, as shown.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Derived {
    /// 解决率 = 解决 / 受理, basis points (null: nothing accepted).
    pub resolution_rate_bp: Option<u32>,
    /// 调解成功率 = 调解成功 / 办结.
    pub mediation_rate_bp: Option<u32>,
    /// 按期办结率 = 按期办结 / 办结.
    pub on_time_rate_bp: Option<u32>,
    /// 挽回经济损失, 万元 with two decimals.
    pub recovered_wan: String,
    /// 加倍赔偿金额, 万元 with two decimals.
    pub doubled_wan: String,
}

impl Figures {
    pub fn derived(&self) -> Derived {
        Derived {
            resolution_rate_bp: rate_bp(self.resolved, self.accepted),
            mediation_rate_bp: rate_bp(self.mediated, self.closed),
            on_time_rate_bp: rate_bp(self.closed_on_time, self.closed),
            recovered_wan: num::wan(self.recovered_fen),
            doubled_wan: num::wan(self.doubled_fen),
        }
    }

    /// `self += other`, checked.
    pub fn add(&mut self, o: &Figures) -> Result<()> {
        for (a, b) in [
            (&mut self.received, o.received),
            (&mut self.received_reports, o.received_reports),
            (&mut self.received_other, o.received_other),
            (&mut self.not_accepted, o.not_accepted),
            (&mut self.transferred_out, o.transferred_out),
            (&mut self.transferred_in, o.transferred_in),
            (&mut self.to_department, o.to_department),
            (&mut self.co_handled, o.co_handled),
            (&mut self.accepted, o.accepted),
            (&mut self.closed, o.closed),
            (&mut self.resolved, o.resolved),
            (&mut self.mediated, o.mediated),
            (&mut self.closed_on_time, o.closed_on_time),
            (&mut self.doubled_cases, o.doubled_cases),
            (&mut self.consultation_people, o.consultation_people),
            (&mut self.consultations, o.consultations),
        ] {
            add_u(a, b)?;
        }
        add_i(&mut self.recovered_fen, o.recovered_fen)?;
        add_i(&mut self.doubled_fen, o.doubled_fen)
    }
}

/// Counts by code (natures, categories), for the breakdowns of the accepted cohort.
#[derive(Clone, Debug, Default)]
pub(crate) struct Breakdown {
    pub nature: BTreeMap<String, u64>,
    pub subject: BTreeMap<SubjectKind, u64>,
    /// By 大类 (`CCA-G01`).
    pub major: BTreeMap<String, u64>,
    /// By the category as recorded (小类 where there is one).
    pub leaf: BTreeMap<String, u64>,
}

fn bump(map: &mut BTreeMap<String, u64>, key: &str) -> Result<()> {
    match map.get_mut(key) {
        Some(n) => add_u(n, 1),
        None => {
            map.insert(key.to_owned(), 1);
            Ok(())
        }
    }
}

/// The 大类 of a category code: its first two parts (`CCA-G01-01` → `CCA-G01`).
pub fn major_category(code: &str) -> &str {
    match code.match_indices('-').nth(1) {
        Some((i, _)) => &code[..i],
        None => code,
    }
}

/// What one period's counting gathers: figures per unit, and the breakdowns of the scope.
pub(crate) struct Tally<'s> {
    start: i64,
    end: i64,
    scope: &'s HashSet<String>,
    pub by_unit: HashMap<String, Figures>,
    pub breakdown: Breakdown,
}

impl<'s> Tally<'s> {
    pub fn new(period: &Period, scope: &'s HashSet<String>) -> Tally<'s> {
        Tally {
            start: period.start().timestamp_millis(),
            end: period.end().timestamp_millis(),
            scope,
            by_unit: HashMap::new(),
            breakdown: Breakdown::default(),
        }
    }

    fn holds(&self, ms: Option<i64>) -> bool {
        ms.is_some_and(|t| self.start <= t && t < self.end)
    }

    fn unit(&mut self, code: &str) -> &mut Figures {
        if !self.by_unit.contains_key(code) {
            self.by_unit.insert(code.to_owned(), Figures::default());
        }
        self.by_unit.get_mut(code).expect("inserted above")
    }

    pub fn case(&mut self, c: &StatCase<'_>) -> Result<()> {
        if c.status == Status::Voided {
            return Ok(());
        }
        let received = self.holds(Some(c.received_at));
        match c.case_type {
            CaseType::Complaint => {}
            CaseType::Report => {
                if received {
                    add_u(&mut self.unit(c.receiving_unit).received_reports, 1)?;
                }
                return Ok(());
            }
            CaseType::Consultation | CaseType::Suggestion => {
                if received {
                    add_u(&mut self.unit(c.receiving_unit).received_other, 1)?;
                }
                return Ok(());
            }
        }
        if received {
            add_u(&mut self.unit(c.receiving_unit).received, 1)?;
            if c.status == Status::NotAccepted {
                add_u(&mut self.unit(c.unit).not_accepted, 1)?;
            }
        }
        if self.holds(c.accepted_at) {
            let resolved = c.outcome.is_some_and(Outcome::is_resolved)
                && c.closed_at.is_some_and(|t| t < self.end);
            let f = self.unit(c.unit);
            add_u(&mut f.accepted, 1)?;
            if resolved {
                add_u(&mut f.resolved, 1)?;
            }
            if self.scope.contains(c.unit) {
                let b = &mut self.breakdown;
                if let Some(n) = c.nature {
                    bump(&mut b.nature, n)?;
                }
                let kind = SubjectKind::of(c.category);
                add_u(b.subject.entry(kind).or_default(), 1)?;
                if let Some(cat) = c.category {
                    bump(&mut b.major, major_category(cat))?;
                    bump(&mut b.leaf, cat)?;
                }
            }
        }
        if c.accepted_at.is_some() && self.holds(c.closed_at) {
            let f = self.unit(c.unit);
            add_u(&mut f.closed, 1)?;
            if c.outcome == Some(Outcome::Mediated) {
                add_u(&mut f.mediated, 1)?;
            }
            if c.on_time == Some(true) {
                add_u(&mut f.closed_on_time, 1)?;
            }
            add_i(&mut f.recovered_fen, c.recovered_fen)?;
            if c.doubled_fen > 0 {
                add_u(&mut f.doubled_cases, 1)?;
                add_i(&mut f.doubled_fen, c.doubled_fen)?;
            }
        }
        Ok(())
    }

    pub fn transfer(&mut self, t: &StatTransfer<'_>) -> Result<()> {
        if t.status == Status::Voided
            || t.case_type != CaseType::Complaint
            || !self.holds(Some(t.at))
        {
            return Ok(());
        }
        match t.kind {
            TransferKind::Down | TransferKind::Up => {
                add_u(&mut self.unit(t.from_unit).transferred_out, 1)?;
                add_u(&mut self.unit(t.to_unit).transferred_in, 1)
            }
            TransferKind::CoHandle => add_u(&mut self.unit(t.to_unit).co_handled, 1),
            TransferKind::ToDepartment => add_u(&mut self.unit(t.from_unit).to_department, 1),
        }
    }

    pub fn consultation(&mut self, c: &StatConsultation<'_>) -> Result<()> {
        if !self.holds(Some(c.at)) {
            return Ok(());
        }
        let f = self.unit(c.unit);
        add_u(&mut f.consultation_people, u64::from(c.people))?;
        add_u(&mut f.consultations, 1)
    }

    /// The figures of the units of the scope, summed.
    pub fn scope_total(&self) -> Result<Figures> {
        let mut t = Figures::default();
        for (unit, f) in &self.by_unit {
            if self.scope.contains(unit) {
                t.add(f)?;
            }
        }
        Ok(t)
    }
}
