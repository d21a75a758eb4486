//! Hot spots (投诉热点) and consumer warnings: weekly series of complaints received, per CCA
//! category (大类), complaint nature, respondent and place, and alerts by a published
//! outbreak-detection method.
//!
//! **Method: EARS C2** (Hutwagner et al., "The bioterrorism preparedness and response Early
//! Aberration Reporting System (EARS)", J Urban Health 2003; as in CDC's EARS and R's
//! `surveillance::earsC`), on weeks instead of days. For the count `x` of week `t`, the baseline
//! is the 7 weeks `t−9 … t−3` (a guard band of two weeks keeps a rising outbreak out of its own
//! baseline), with mean `μ` and sample standard deviation `σ`; the statistic is
//! `(x − μ) / max(σ, 1)` and week `t` alerts when it exceeds 3 and `x ≥ 3`. The floor of σ at
//! one complaint and the minimum count are ours: station series are small counts, often a run
//! of zeros, where an unfloored σ of 0 would alert on any single complaint. C1 (baseline
//! `t−7 … t−1`) and C3 (the sum of `max(0, C2 − 1)` over weeks `t−2 … t`, alerting above 2) are
//! computed too (`Method`).
//!
//! **Repeated complaints about one respondent**: 3 or more complaints received in the last 28
//! days naming the same first respondent are an alert of their own, whatever the series did.
//!
//! Each alert carries the case-list query of its cases and a draft 消费提示 to edit.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use serde::Serialize;

use casedesk_domain::Lang;
use casedesk_domain::deadline::local_date;
use casedesk_domain::types::{CaseType, Status};
use casedesk_store::Store;
use casedesk_store::query::ListQuery;

use crate::Result;
use crate::figures::major_category;
use crate::period::day_start;
use crate::report::{code_label, resolve_scope};

/// The detector's parameters (stated in every answer).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Params {
    pub method: Method,
    /// Weeks in the baseline.
    pub baseline_weeks: u32,
    /// Weeks between the baseline and the week tested (C2, C3).
    pub guard_weeks: u32,
    /// The statistic must exceed this (C1, C2: 3 standard deviations; C3: 2).
    pub threshold: f64,
    /// σ is taken as at least this many complaints.
    pub sigma_floor: f64,
    /// A week with fewer complaints never alerts.
    pub min_count: u64,
    /// Repeated complaints about one respondent: at least `respondent_min` in `respondent_days`.
    pub respondent_min: u64,
    pub respondent_days: u32,
}

impl Default for Params {
    fn default() -> Params {
        Params {
            method: Method::C2,
            baseline_weeks: 7,
            guard_weeks: 2,
            threshold: 3.0,
            sigma_floor: 1.0,
            min_count: 3,
            respondent_min: 3,
            respondent_days: 28,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum Method {
    C1,
    C2,
    C3,
}

/// What a series is of.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum Dimension {
    Category,
    Nature,
    Respondent,
    Place,
}

impl Dimension {
    pub const ALL: [Dimension; 4] =
        [Dimension::Category, Dimension::Nature, Dimension::Respondent, Dimension::Place];
    pub fn code(self) -> &'static str {
        match self {
            Dimension::Category => "category",
            Dimension::Nature => "nature",
            Dimension::Respondent => "respondent",
            Dimension::Place => "place",
        }
    }
}

/// The EARS statistic of the last value of `xs` (the counts up to and including the week
/// tested), or `None` when there is not enough baseline.
pub fn ears(xs: &[u64], method: Method, p: &Params) -> Option<f64> {
    match method {
        Method::C1 => stat(xs, 0, p),
        Method::C2 => stat(xs, p.guard_weeks as usize, p),
        Method::C3 => {
            let n = xs.len();
            let mut sum = 0.0;
            for lag in 0..3 {
                let end = n.checked_sub(lag)?;
                sum += (stat(&xs[..end], p.guard_weeks as usize, p)? - 1.0).max(0.0);
            }
            Some(sum)
        }
    }
}

/// `(x − μ) / max(σ, floor)` over the baseline of `baseline_weeks` ending `guard` weeks before
/// the last value.
fn stat(xs: &[u64], guard: usize, p: &Params) -> Option<f64> {
    let b = p.baseline_weeks as usize;
    let n = xs.len();
    let x = *xs.last()? as f64;
    let end = n.checked_sub(1 + guard)?;
    let start = end.checked_sub(b)?;
    let base = &xs[start..end];
    let mean = base.iter().sum::<u64>() as f64 / b as f64;
    let var = base.iter().map(|&v| (v as f64 - mean).powi(2)).sum::<f64>() / (b as f64 - 1.0);
    Some((x - mean) / var.sqrt().max(p.sigma_floor))
}

/// Whether the last week of `xs` alerts.
pub fn alerts(xs: &[u64], p: &Params) -> bool {
    let threshold = if p.method == Method::C3 { 2.0 } else { p.threshold };
    xs.last().is_some_and(|&x| x >= p.min_count)
        && ears(xs, p.method, p).is_some_and(|s| s > threshold)
}

/// The mean of the baseline of the last week (what was "expected").
fn baseline_mean(xs: &[u64], p: &Params) -> f64 {
    let b = p.baseline_weeks as usize;
    let guard = if p.method == Method::C1 { 0 } else { p.guard_weeks as usize };
    let n = xs.len();
    match n.checked_sub(1 + guard).and_then(|end| Some((end.checked_sub(b)?, end))) {
        Some((s, e)) => xs[s..e].iter().sum::<u64>() as f64 / b as f64,
        None => 0.0,
    }
}

/// A weekly series shown on the screen.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Series {
    pub dimension: Dimension,
    pub key: String,
    pub label: String,
    /// One count per week of `HotSpots::weeks`.
    pub counts: Vec<u64>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Alert {
    /// `dimension:key:week`.
    pub id: String,
    pub dimension: Dimension,
    /// `ears_c1`, `ears_c2`, `ears_c3` or `respondent_repeat`.
    pub rule: String,
    pub key: String,
    pub label: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub count: u64,
    /// The baseline mean per week (EARS), or 0.
    pub expected: f64,
    /// The detector's statistic (EARS), or the count.
    pub score: f64,
    /// The cases behind the alert.
    pub cases: ListQuery,
    /// A draft 消费提示 (Chinese; the association edits it before publishing).
    pub draft: String,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct HotSpots {
    pub unit: String,
    pub unit_name: String,
    /// The Monday of each week shown, oldest first (the last week is the current one).
    pub weeks: Vec<NaiveDate>,
    pub params: Params,
    /// The largest series of each dimension (at most 8 each).
    pub series: Vec<Series>,
    /// Newest first.
    pub alerts: Vec<Alert>,
}

fn monday(d: NaiveDate) -> NaiveDate {
    d - Duration::days(i64::from(d.weekday().num_days_from_monday()))
}

/// The place a dispute is counted under: the text up to its first 市, 县, 区, 行委, 乡 or 镇
/// (`德令哈市长江路3号` → `德令哈市`; `天峻县织合玛乡` → `天峻县`), else the text itself
/// (`网络购物（线上）`), at most 12 characters.
pub fn place_key(place: &str) -> String {
    let place = place.trim();
    let cut = ["市", "县", "区", "行委", "乡", "镇"]
        .iter()
        .filter_map(|m| place.find(m).map(|i| i + m.len()))
        .min();
    let s = match cut {
        Some(i) => &place[..i],
        None => place,
    };
    s.chars().take(12).collect()
}

/// A draft 消费提示 for an alert.
/// The draft is dated the alert's last day.
pub fn draft(
    unit_name: &str,
    dimension: Dimension,
    label: &str,
    from: NaiveDate,
    to: NaiveDate,
    count: u64,
    expected: f64,
) -> String {
    let date = |d: NaiveDate| format!("{}年{}月{}日", d.year(), d.month(), d.day());
    let subject = match dimension {
        Dimension::Respondent => format!("针对“{label}”的投诉"),
        Dimension::Place => format!("发生在{label}的消费投诉"),
        Dimension::Nature => format!("涉及{label}问题的投诉"),
        Dimension::Category => format!("涉及{label}的投诉"),
    };
    let before = if expected > 0.0 {
        format!("，明显多于此前每周平均{expected:.1}件")
    } else {
        String::new()
    };
    format!(
        "消费提示\n\n{}至{}，{unit_name}共接到{subject}{count}件{before}。主要问题是：（请根据案件情况填写）。\n\n\
         {unit_name}提醒广大消费者：购买商品或接受服务时，选择证照齐全、信誉良好的经营者，\
         索要并妥善保存发票、收据等消费凭证；发生消费纠纷时，可先与经营者协商，协商不成的，\
         可向当地消费者协会（分会、投诉联络站）投诉，或拨打12315热线。\n\n{unit_name}\n{}",
        date(from),
        date(to),
        date(to),
    )
}

/// The hot spots of the complaints `unit` (the station's own when `None`) and the units below
/// it received in the last `weeks` weeks (the current one included).
pub fn hot_spots(
    store: &Store,
    unit: Option<&str>,
    weeks: u32,
    params: &Params,
) -> Result<HotSpots> {
    let scope = resolve_scope(store, unit)?;
    let units: Vec<String> = scope.iter().map(|(u, _)| u.code.clone()).collect();
    let root = scope[0].0.clone();
    let now = store.now();
    let today = local_date(now);
    let weeks = weeks.clamp(1, 104) as usize;
    let lead = (params.baseline_weeks + params.guard_weeks) as usize + 2;
    let total_weeks = weeks + lead;
    let last_monday = monday(today);
    let first = last_monday - Duration::weeks(total_weeks as i64 - 1);
    let from: DateTime<Utc> = day_start(first);
    let to = day_start(today + Duration::days(1));
    let first_ms = from.timestamp_millis();
    let in_scope: std::collections::HashSet<&str> = units.iter().map(String::as_str).collect();

    // Counts per (dimension, key) per week, and the respondents' recent cases.
    let mut counts: HashMap<(Dimension, String), Vec<u64>> = HashMap::new();
    let recent_from = (day_start(today) - Duration::days(i64::from(params.respondent_days) - 1))
        .timestamp_millis();
    let mut recent: HashMap<String, u64> = HashMap::new();
    store.scan_stat_cases(from, to, true, &mut |c| {
        if c.status == Status::Voided
            || c.case_type != CaseType::Complaint
            || c.received_at < first_ms
            || !in_scope.contains(c.receiving_unit)
        {
            return;
        }
        let week = ((c.received_at - first_ms) / (7 * 86_400_000)) as usize;
        if week >= total_weeks {
            return;
        }
        let respondent = c.first_respondent();
        if c.received_at >= recent_from && !respondent.is_empty() {
            *recent.entry(respondent.clone()).or_default() += 1;
        }
        let keys = [
            (Dimension::Category, c.category.map(|x| major_category(x).to_owned())),
            (Dimension::Nature, c.nature.map(str::to_owned)),
            (Dimension::Respondent, Some(respondent).filter(|r| !r.is_empty())),
            (Dimension::Place, Some(place_key(c.place)).filter(|p| !p.is_empty())),
        ];
        for (d, k) in keys {
            if let Some(k) = k {
                counts.entry((d, k)).or_insert_with(|| vec![0; total_weeks])[week] += 1;
            }
        }
    })?;

    let label = |d: Dimension, key: &str| match d {
        Dimension::Category | Dimension::Nature => code_label(key, Lang::Zh, Some(today)),
        Dimension::Respondent | Dimension::Place => key.to_owned(),
    };
    let week_query = |d: Dimension, key: &str, from: NaiveDate, to: NaiveDate| {
        let mut q = ListQuery {
            case_type: Some(CaseType::Complaint),
            status: Status::ALL.iter().copied().filter(|s| *s != Status::Voided).collect(),
            receiving_units: units.clone(),
            received_from: Some(from),
            received_to: Some(to),
            limit: 50,
            ..Default::default()
        };
        match d {
            Dimension::Category => q.category = Some(key.to_owned()),
            Dimension::Nature => q.nature = Some(key.to_owned()),
            Dimension::Respondent => q.respondent = Some(key.to_owned()),
            Dimension::Place => q.place = Some(key.to_owned()),
        }
        q
    };
    let rule = match params.method {
        Method::C1 => "ears_c1",
        Method::C2 => "ears_c2",
        Method::C3 => "ears_c3",
    };
    let mut alerts_out = Vec::new();
    let mut keys: Vec<&(Dimension, String)> = counts.keys().collect();
    keys.sort();
    for k in &keys {
        let xs = &counts[*k];
        for t in lead..total_weeks {
            let upto = &xs[..=t];
            if !alerts(upto, params) {
                continue;
            }
            let from_d = first + Duration::weeks(t as i64);
            let to_d = (from_d + Duration::days(6)).min(today);
            let (d, key) = (k.0, k.1.as_str());
            let l = label(d, key);
            let expected = baseline_mean(upto, params);
            alerts_out.push(Alert {
                id: format!("{}:{key}:{from_d}", d.code()),
                dimension: d,
                rule: rule.to_owned(),
                key: key.to_owned(),
                count: xs[t],
                expected: (expected * 100.0).round() / 100.0,
                score: (ears(upto, params.method, params).unwrap_or(0.0) * 100.0).round() / 100.0,
                cases: week_query(d, key, from_d, to_d),
                draft: draft(&root.name, d, &l, from_d, to_d, xs[t], expected),
                label: l,
                from: from_d,
                to: to_d,
            });
        }
    }
    let mut repeat: Vec<(&String, &u64)> =
        recent.iter().filter(|(_, n)| **n >= params.respondent_min).collect();
    repeat.sort_by(|a, b| b.1.cmp(a.1).then_with(|| a.0.cmp(b.0)));
    let recent_day = today - Duration::days(i64::from(params.respondent_days) - 1);
    for (name, &n) in repeat {
        alerts_out.push(Alert {
            id: format!("respondent_repeat:{name}:{recent_day}"),
            dimension: Dimension::Respondent,
            rule: "respondent_repeat".to_owned(),
            key: name.clone(),
            label: name.clone(),
            from: recent_day,
            to: today,
            count: n,
            expected: 0.0,
            score: n as f64,
            cases: week_query(Dimension::Respondent, name, recent_day, today),
            draft: draft(&root.name, Dimension::Respondent, name, recent_day, today, n, 0.0),
        });
    }
    alerts_out.sort_by(|a, b| {
        b.from.cmp(&a.from).then_with(|| b.score.total_cmp(&a.score)).then_with(|| a.id.cmp(&b.id))
    });

    // The largest series of each dimension over the weeks shown.
    let mut series = Vec::new();
    type Ranked<'a> = Vec<(u64, &'a String, &'a Vec<u64>)>;
    let mut by_dim: BTreeMap<Dimension, Ranked<'_>> = BTreeMap::new();
    for ((d, key), xs) in &counts {
        let shown: u64 = xs[lead..].iter().sum();
        by_dim.entry(*d).or_default().push((shown, key, xs));
    }
    for (d, mut list) in by_dim {
        list.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(b.1)));
        for (n, key, xs) in list.into_iter().take(8) {
            if n == 0 {
                continue;
            }
            series.push(Series {
                dimension: d,
                key: key.clone(),
                label: label(d, key),
                counts: xs[lead..].to_vec(),
            });
        }
    }
    Ok(HotSpots {
        unit: root.code.clone(),
        unit_name: root.name.clone(),
        weeks: (0..weeks).map(|i| first + Duration::weeks((lead + i) as i64)).collect(),
        params: params.clone(),
        series,
        alerts: alerts_out,
    })
}
