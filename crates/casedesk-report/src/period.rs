//! Reporting periods: a month, quarter, half-year, year or any date range, in station days
//! (Asia/Shanghai), with the periods compared against (同比: the same dates a year before;
//! 环比: the period just before, of the same kind).

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use casedesk_domain::deadline::station_offset;

use crate::{ReportError, Result};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum PeriodKind {
    Month,
    Quarter,
    Half,
    Year,
    Range,
}

/// A reporting period: the days `from` to `to`, both included.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Period {
    /// `2026-11`, `2026-Q4`, `2026-H2`, `2026` or `2026-10-01..2026-12-31`.
    pub code: String,
    pub kind: PeriodKind,
    pub from: NaiveDate,
    pub to: NaiveDate,
}

fn ymd(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

/// The last day of month `m` of `y`.
fn month_end(y: i32, m: u32) -> Option<NaiveDate> {
    let (ny, nm) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    ymd(ny, nm, 1)?.pred_opt()
}

impl Period {
    /// Reads a period code (see `code`).
    pub fn parse(s: &str) -> Result<Period> {
        let s = s.trim();
        let bad = || ReportError::Period(s.to_owned());
        if let Some((a, b)) = s.split_once("..") {
            let from: NaiveDate = a.trim().parse().map_err(|_| bad())?;
            let to: NaiveDate = b.trim().parse().map_err(|_| bad())?;
            return Period::range(from, to).ok_or_else(bad);
        }
        let (year, rest) = match s.split_once('-') {
            Some((y, r)) => (y, Some(r)),
            None => (s, None),
        };
        if year.len() != 4 {
            return Err(bad());
        }
        let y: i32 = year.parse().map_err(|_| bad())?;
        let p = match rest {
            None => Period::year(y),
            Some(r) if r.starts_with(['Q', 'q']) => {
                Period::quarter(y, r[1..].parse().map_err(|_| bad())?)
            }
            Some(r) if r.starts_with(['H', 'h']) => {
                Period::half(y, r[1..].parse().map_err(|_| bad())?)
            }
            Some(r) if r.len() == 2 => Period::month(y, r.parse().map_err(|_| bad())?),
            Some(_) => None,
        };
        p.ok_or_else(bad)
    }

    pub fn month(y: i32, m: u32) -> Option<Period> {
        Some(Period {
            code: format!("{y}-{m:02}"),
            kind: PeriodKind::Month,
            from: ymd(y, m, 1)?,
            to: month_end(y, m)?,
        })
    }

    pub fn quarter(y: i32, q: u32) -> Option<Period> {
        if !(1..=4).contains(&q) {
            return None;
        }
        Some(Period {
            code: format!("{y}-Q{q}"),
            kind: PeriodKind::Quarter,
            from: ymd(y, 3 * q - 2, 1)?,
            to: month_end(y, 3 * q)?,
        })
    }

    pub fn half(y: i32, h: u32) -> Option<Period> {
        if !(1..=2).contains(&h) {
            return None;
        }
        Some(Period {
            code: format!("{y}-H{h}"),
            kind: PeriodKind::Half,
            from: ymd(y, 6 * h - 5, 1)?,
            to: month_end(y, 6 * h)?,
        })
    }

    pub fn year(y: i32) -> Option<Period> {
        Some(Period {
            code: format!("{y}"),
            kind: PeriodKind::Year,
            from: ymd(y, 1, 1)?,
            to: ymd(y, 12, 31)?,
        })
    }

    pub fn range(from: NaiveDate, to: NaiveDate) -> Option<Period> {
        (from <= to).then(|| Period {
            code: format!("{from}..{to}"),
            kind: PeriodKind::Range,
            from,
            to,
        })
    }

    /// The month that holds `day`.
    pub fn month_of(day: NaiveDate) -> Period {
        Period::month(day.year(), day.month())
            .unwrap_or_else(|| Period::range(day, day).unwrap_or_else(|| unreachable_period(day)))
    }

    /// The number of days.
    pub fn days(&self) -> i64 {
        (self.to - self.from).num_days() + 1
    }

    /// 环比: the period just before — the previous month, quarter, half-year or year; for a
    /// date range, the same number of days just before it.
    pub fn previous(&self) -> Period {
        let (y, m) = (self.from.year(), self.from.month());
        let p = match self.kind {
            PeriodKind::Month => {
                if m == 1 {
                    Period::month(y - 1, 12)
                } else {
                    Period::month(y, m - 1)
                }
            }
            PeriodKind::Quarter => {
                let q = (m - 1) / 3 + 1;
                if q == 1 { Period::quarter(y - 1, 4) } else { Period::quarter(y, q - 1) }
            }
            PeriodKind::Half => {
                if m == 1 {
                    Period::half(y - 1, 2)
                } else {
                    Period::half(y, 1)
                }
            }
            PeriodKind::Year => Period::year(y - 1),
            PeriodKind::Range => {
                let to = self.from - Duration::days(1);
                Period::range(to - Duration::days(self.days() - 1), to)
            }
        };
        p.unwrap_or_else(|| unreachable_period(self.from))
    }

    /// 同比: the same period a year before (29 February becomes 28 February).
    pub fn year_before(&self) -> Period {
        let back = |d: NaiveDate| {
            ymd(d.year() - 1, d.month(), d.day())
                .or_else(|| ymd(d.year() - 1, d.month(), 28))
                .unwrap_or(d)
        };
        let y = self.from.year() - 1;
        let p = match self.kind {
            PeriodKind::Month => Period::month(y, self.from.month()),
            PeriodKind::Quarter => Period::quarter(y, (self.from.month() - 1) / 3 + 1),
            PeriodKind::Half => Period::half(y, if self.from.month() == 1 { 1 } else { 2 }),
            PeriodKind::Year => Period::year(y),
            PeriodKind::Range => Period::range(back(self.from), back(self.to)),
        };
        p.unwrap_or_else(|| unreachable_period(self.from))
    }

    /// The first moment of the period (00:00 station time of `from`).
    pub fn start(&self) -> DateTime<Utc> {
        day_start(self.from)
    }

    /// The moment just after the period (00:00 station time of the day after `to`).
    pub fn end(&self) -> DateTime<Utc> {
        day_start(self.to + Duration::days(1))
    }

    /// Whether the time `ms` (milliseconds, UTC) falls in the period.
    pub fn holds(&self, ms: i64) -> bool {
        self.start().timestamp_millis() <= ms && ms < self.end().timestamp_millis()
    }
}

fn unreachable_period(day: NaiveDate) -> Period {
    Period { code: day.to_string(), kind: PeriodKind::Range, from: day, to: day }
}

/// 00:00 station time of `day`, in UTC.
pub fn day_start(day: NaiveDate) -> DateTime<Utc> {
    day.and_hms_opt(0, 0, 0)
        .and_then(|t| t.and_local_timezone(station_offset()).single())
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn codes_parse_to_days() {
        let q = Period::parse("2026-Q4").unwrap();
        assert_eq!((q.from, q.to, q.kind), (d("2026-10-01"), d("2026-12-31"), PeriodKind::Quarter));
        let m = Period::parse("2024-02").unwrap();
        assert_eq!((m.from, m.to), (d("2024-02-01"), d("2024-02-29")));
        let h = Period::parse("2026-H1").unwrap();
        assert_eq!((h.from, h.to), (d("2026-01-01"), d("2026-06-30")));
        let y = Period::parse("2025").unwrap();
        assert_eq!((y.from, y.to, y.days()), (d("2025-01-01"), d("2025-12-31"), 365));
        let r = Period::parse("2026-03-10..2026-03-16").unwrap();
        assert_eq!((r.days(), r.code.as_str()), (7, "2026-03-10..2026-03-16"));
        for bad in ["2026-Q5", "2026-13", "2026-H3", "26", "2026-03-16..2026-03-10", "x"] {
            assert!(Period::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn comparisons() {
        let q = Period::parse("2026-Q1").unwrap();
        assert_eq!(q.previous().code, "2025-Q4");
        assert_eq!(q.year_before().code, "2025-Q1");
        assert_eq!(Period::parse("2026-01").unwrap().previous().code, "2025-12");
        assert_eq!(Period::parse("2026-H1").unwrap().previous().code, "2025-H2");
        assert_eq!(Period::parse("2026").unwrap().previous().code, "2025");
        let r = Period::parse("2026-03-10..2026-03-16").unwrap();
        assert_eq!(r.previous().code, "2026-03-03..2026-03-09");
        assert_eq!(r.year_before().code, "2025-03-10..2025-03-16");
        assert_eq!(
            Period::parse("2024-02-29..2024-02-29").unwrap().year_before().code,
            "2023-02-28..2023-02-28"
        );
    }

    #[test]
    fn bounds_are_station_midnights() {
        let m = Period::parse("2026-11").unwrap();
        assert_eq!(m.start().to_rfc3339(), "2026-10-31T16:00:00+00:00");
        assert_eq!(m.end().to_rfc3339(), "2026-11-30T16:00:00+00:00");
        assert!(m.holds(m.start().timestamp_millis()));
        assert!(!m.holds(m.end().timestamp_millis()));
    }
}
