//! Working-day calendar and deadline arithmetic.
//!
//! Complaint deadlines come in two units (DOMAIN.md §3.3). "N 个工作日" (working days) is used by
//! SAMR Order 20, for example 7 working days to decide on acceptance. "N 日" (calendar days) is
//! used by Order 121 and the 2024 《消费者权益保护法实施条例》, for example 60 days of mediation.
//! This module computes both kinds of deadline from a table of official days off and makeup
//! workdays.
//!
//! # Rules
//!
//! * **Working day** (DOMAIN.md §7.5): a day is a working day when it is a makeup workday (调休上班),
//!   or when it is Monday to Friday and is neither an official day off nor a local day off.
//! * **Official data.** 调休 cannot be derived from rules. The State Council publishes it every
//!   year in its 《国务院办公厅关于 YYYY 年部分节假日安排的通知》. The embedded table
//!   `data/holidays.csv` holds the 2025 and 2026 notices (2025 as tabulated by the NateScarlet
//!   holiday-cn data set). A year "has data" when at least one `off` or `makeup` entry falls in
//!   it.
//! * **Years without data.** The calendar falls back to Monday to Friday minus the fixed-date
//!   statutory holidays of 《全国年节及纪念日放假办法》 as amended by 国务院令第795号 (in force
//!   2025-01-01): 01-01, 05-01, 05-02 and 10-01 to 10-03. The lunar holidays (春节, 清明, 端午, 中秋)
//!   and all 调休 are unknown there. Every deadline whose computation touches such a year is
//!   therefore flagged `provisional`. The same fixed list is used for every year without data,
//!   including years before 2025.
//! * **Local days off.** Art. 4 of the holiday regulation lets the local government set the
//!   holidays of minority peoples (for example Tibetan New Year or Mongolian festivals in Haixi).
//!   These are not in the official table; users enter them as [`DayKind::LocalOff`]. They apply in
//!   every year, with or without official data. A makeup workday still counts as a working day
//!   even when a local day off is entered for the same date, as the rule above says.
//! * **"N 个工作日"** ([`WorkCalendar::add_working_days`]): the start day is not counted. The
//!   deadline is the N-th working day after the start day.
//! * **"N 日"** ([`WorkCalendar::add_days`]): Civil Code Art. 201 says the start day is not
//!   counted, so the last day is `start + N`. Art. 203 says that when the last day is a statutory
//!   rest day, the period ends on the day after the rest ends. A rest day is any day that is not a
//!   working day here, so plain weekends extend the period too and a makeup Saturday does not.
//!   Art. 203 also puts the cut-off at 24:00 of the last day; this module works with dates only.
//!
//! # Limits
//!
//! The functions are pure and never panic. A result beyond [`NaiveDate::MAX`] saturates at that
//! date and is flagged `provisional`. Years with no entries at all are counted in one step, so a
//! very large N costs time in proportion to the number of years, not days.
//!
//! # Sources
//!
//! * DOMAIN.md §3.3 "Deadlines" (counting rules) and §7.5 "Working days, holidays and 调休".
//! * Civil Code Arts. 201–203 (DOMAIN.md source L8).
//! * 《全国年节及纪念日放假办法》, 2013 text (L6) and Decree 795 (L6b).
//! * 2025 notice as tabulated by NateScarlet/holiday-cn (L7); 2026 notice as published on
//!   2025-11-04 (Xinhua, politics.gmw.cn). The `source` column of the CSV names each row's source.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use chrono::{Datelike, Days, NaiveDate, Weekday};

/// The official holiday table shipped with the application.
const BUILTIN_CSV: &str = include_str!("../data/holidays.csv");

/// Fixed-date statutory holidays (month, day) under Decree 795, used for years without data.
pub const FIXED_STATUTORY_DAYS: [(u32, u32); 6] =
    [(1, 1), (5, 1), (5, 2), (10, 1), (10, 2), (10, 3)];

/// The kind of a calendar entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DayKind {
    /// An official day off (放假) from the State Council notice.
    Off,
    /// An official makeup workday (调休上班), normally a Saturday or Sunday.
    Makeup,
    /// A day off declared by the local government (minority festivals), edited by users.
    LocalOff,
}

impl DayKind {
    /// The code used in CSV files and storage: `off`, `makeup` or `local_off`.
    pub fn code(self) -> &'static str {
        match self {
            DayKind::Off => "off",
            DayKind::Makeup => "makeup",
            DayKind::LocalOff => "local_off",
        }
    }

    /// Parses a code produced by [`DayKind::code`]; the match is exact.
    pub fn from_code(s: &str) -> Option<DayKind> {
        match s {
            "off" => Some(DayKind::Off),
            "makeup" => Some(DayKind::Makeup),
            "local_off" => Some(DayKind::LocalOff),
            _ => None,
        }
    }
}

/// One dated entry of the holiday table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CalendarEntry {
    pub date: NaiveDate,
    pub kind: DayKind,
    /// The holiday the entry belongs to, for example `春节`.
    pub name: String,
}

/// A problem found while reading a holiday CSV.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarParseError {
    /// The 1-based line number in the input.
    pub line: usize,
    pub message: String,
}

impl fmt::Display for CalendarParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "holiday table line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for CalendarParseError {}

/// A computed deadline.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Deadline {
    pub date: NaiveDate,
    /// True when some year from the start's year to the result's year has no official data, so
    /// lunar holidays and 调休 may be missing from the computation.
    pub provisional: bool,
}

/// Returns the entries of the embedded holiday table.
///
/// The embedded data is checked by a unit test; should it ever fail to parse, the result is empty.
pub fn builtin_entries() -> Vec<CalendarEntry> {
    parse_csv(BUILTIN_CSV).unwrap_or_default()
}

/// Parses a holiday CSV with the header `date,kind,holiday[,source]`.
///
/// The header row is required and the columns are found by name, so extra columns (such as
/// `source`) are allowed in any order. Fields may be quoted as in RFC 4180, with `""` for a quote
/// inside a quoted field. Blank lines are skipped, and a UTF-8 byte order mark is ignored. A
/// date must be written `YYYY-MM-DD`. The same date may not be listed twice with the same kind,
/// nor as both `off` and `makeup`.
pub fn parse_csv(text: &str) -> Result<Vec<CalendarEntry>, CalendarParseError> {
    let mut records = read_records(text)?.into_iter();
    let Some(header) = records.next() else {
        return Err(parse_error(1, "the header row `date,kind,holiday,source` is missing"));
    };
    let names: Vec<String> = header.fields.iter().map(|f| f.trim().to_ascii_lowercase()).collect();
    let column = |name: &str| names.iter().position(|n| n == name);
    let (Some(date_col), Some(kind_col), Some(name_col)) =
        (column("date"), column("kind"), column("holiday"))
    else {
        return Err(parse_error(
            header.line,
            format!(
                "the header row must name the columns date, kind and holiday; found `{}`",
                header.fields.join(",")
            ),
        ));
    };

    let mut entries = Vec::new();
    // For each date, the kinds already seen and the line each was seen on.
    let mut seen: BTreeMap<NaiveDate, Vec<(DayKind, usize)>> = BTreeMap::new();
    for record in records {
        let line = record.line;
        if record.fields.len() != names.len() {
            return Err(parse_error(
                line,
                format!("expected {} fields, found {}", names.len(), record.fields.len()),
            ));
        }
        let date_text = record.fields[date_col].trim();
        let date = parse_date(date_text).ok_or_else(|| {
            parse_error(line, format!("invalid date `{date_text}` (expected YYYY-MM-DD)"))
        })?;
        let kind_text = record.fields[kind_col].trim();
        let kind = DayKind::from_code(kind_text).ok_or_else(|| {
            parse_error(
                line,
                format!("unknown kind `{kind_text}` (expected off, makeup or local_off)"),
            )
        })?;
        let name = record.fields[name_col].trim();
        if name.is_empty() {
            return Err(parse_error(line, format!("the holiday name for {date} is empty")));
        }

        let previous = seen.entry(date).or_default();
        for &(other_kind, other_line) in previous.iter() {
            if other_kind == kind {
                return Err(parse_error(
                    line,
                    format!(
                        "{date} is listed again as {} (first on line {other_line})",
                        kind.code()
                    ),
                ));
            }
            let pair = [other_kind, kind];
            if pair.contains(&DayKind::Off) && pair.contains(&DayKind::Makeup) {
                return Err(parse_error(
                    line,
                    format!(
                        "{date} is listed as {} here and as {} on line {other_line}",
                        kind.code(),
                        other_kind.code()
                    ),
                ));
            }
        }
        previous.push((kind, line));
        entries.push(CalendarEntry { date, kind, name: name.to_string() });
    }
    Ok(entries)
}

/// The working-day calendar: official days off and makeup workdays, plus local days off.
#[derive(Clone, Debug)]
pub struct WorkCalendar {
    off: BTreeSet<NaiveDate>,
    makeup: BTreeSet<NaiveDate>,
    local_off: BTreeSet<NaiveDate>,
    /// Years with at least one `Off` or `Makeup` entry.
    data_years: BTreeSet<i32>,
    /// Years with any entry at all. Every other year follows the fallback rule alone, so its
    /// working days can be counted in one step.
    entry_years: BTreeSet<i32>,
}

impl WorkCalendar {
    /// Builds a calendar from entries. When a date has both a makeup entry and a day-off entry,
    /// the makeup entry wins, as the working-day rule says.
    pub fn new(entries: &[CalendarEntry]) -> WorkCalendar {
        let mut calendar = WorkCalendar {
            off: BTreeSet::new(),
            makeup: BTreeSet::new(),
            local_off: BTreeSet::new(),
            data_years: BTreeSet::new(),
            entry_years: BTreeSet::new(),
        };
        for entry in entries {
            let year = entry.date.year();
            calendar.entry_years.insert(year);
            match entry.kind {
                DayKind::Off => {
                    calendar.off.insert(entry.date);
                    calendar.data_years.insert(year);
                }
                DayKind::Makeup => {
                    calendar.makeup.insert(entry.date);
                    calendar.data_years.insert(year);
                }
                DayKind::LocalOff => {
                    calendar.local_off.insert(entry.date);
                }
            }
        }
        calendar
    }

    /// The calendar built from the embedded official table, without local days off.
    pub fn builtin() -> WorkCalendar {
        WorkCalendar::new(&builtin_entries())
    }

    /// Whether the year has official data (at least one `Off` or `Makeup` entry).
    pub fn has_year(&self, year: i32) -> bool {
        self.data_years.contains(&year)
    }

    /// is_workday(d) = d is a makeup day, or (Mon–Fri and d not Off and not LocalOff). For a year
    /// without data: Mon–Fri minus the fixed-date statutory days (01-01; 05-01, 05-02;
    /// 10-01..10-03), since lunar holidays cannot be derived.
    pub fn is_workday(&self, d: NaiveDate) -> bool {
        if self.makeup.contains(&d) {
            return true;
        }
        if is_weekend(d.weekday()) || self.off.contains(&d) || self.local_off.contains(&d) {
            return false;
        }
        self.has_year(d.year()) || !is_fixed_statutory_day(d)
    }

    /// "N 个工作日" from `start`: the start day is not counted; the result is the N-th working
    /// day after start. N=0 returns start.
    pub fn add_working_days(&self, start: NaiveDate, n: u32) -> Deadline {
        let mut remaining = n;
        let mut day = start;
        while remaining > 0 {
            let Some(next) = day.succ_opt() else {
                return saturated();
            };
            // Skip a whole year without entries when the count cannot end inside it.
            if let Some((count, last)) = self.plain_year(next)
                && remaining > count
            {
                remaining -= count;
                day = last;
                continue;
            }
            day = next;
            if self.is_workday(day) {
                remaining -= 1;
            }
        }
        self.deadline(start, day)
    }

    /// "N 日" (calendar days) per Civil Code Arts. 201–203: the start day is not counted, so the
    /// last day is start + N; if that last day is a statutory rest day (not a working day), the
    /// period ends on the first working day after it. The rule is applied as written for N=0 too.
    pub fn add_days(&self, start: NaiveDate, n: u32) -> Deadline {
        let Some(mut day) = start.checked_add_days(Days::new(u64::from(n))) else {
            return saturated();
        };
        while !self.is_workday(day) {
            let Some(next) = day.succ_opt() else {
                return saturated();
            };
            day = next;
        }
        self.deadline(start, day)
    }

    /// Working days strictly after `from` up to and including `to` (0 if to <= from); used to
    /// show "还剩 N 个工作日".
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> i64 {
        let mut count = 0i64;
        let mut day = from;
        while day < to {
            let Some(next) = day.succ_opt() else {
                break;
            };
            // Count a whole year without entries in one step when it ends by `to`.
            if let Some((year_count, last)) = self.plain_year(next)
                && last <= to
            {
                count += i64::from(year_count);
                day = last;
                continue;
            }
            day = next;
            if self.is_workday(day) {
                count += 1;
            }
        }
        count
    }

    /// When `day` is January 1 of a year without any entry, returns that year's number of
    /// working days and its last day.
    fn plain_year(&self, day: NaiveDate) -> Option<(u32, NaiveDate)> {
        if day.ordinal() != 1 || self.entry_years.contains(&day.year()) {
            return None;
        }
        let last = NaiveDate::from_ymd_opt(day.year(), 12, 31)?;
        // Fifty-two whole weeks hold 260 weekdays. The one or two days left over fall on
        // January 1's weekday and, in a leap year, the weekday after it.
        let mut count = 260;
        let mut weekday = day.weekday();
        for _ in 364..last.ordinal() {
            if !is_weekend(weekday) {
                count += 1;
            }
            weekday = weekday.succ();
        }
        for (month, dom) in FIXED_STATUTORY_DAYS {
            if let Some(date) = NaiveDate::from_ymd_opt(day.year(), month, dom)
                && !is_weekend(date.weekday())
            {
                count -= 1;
            }
        }
        Some((count, last))
    }

    /// Wraps a result, flagging it when a year from start's to the result's lacks official data.
    fn deadline(&self, start: NaiveDate, date: NaiveDate) -> Deadline {
        let (first, last) = (start.year().min(date.year()), start.year().max(date.year()));
        let span = i64::from(last) - i64::from(first) + 1;
        // The range holds one element per year with data, so a shortfall means a year without.
        let covered = self.data_years.range(first..=last).count() as i64;
        let provisional = covered < span;
        Deadline { date, provisional }
    }
}

/// The result when a computation runs past the last representable date.
fn saturated() -> Deadline {
    Deadline { date: NaiveDate::MAX, provisional: true }
}

fn is_weekend(weekday: Weekday) -> bool {
    matches!(weekday, Weekday::Sat | Weekday::Sun)
}

fn is_fixed_statutory_day(d: NaiveDate) -> bool {
    FIXED_STATUTORY_DAYS.contains(&(d.month(), d.day()))
}

fn parse_error(line: usize, message: impl Into<String>) -> CalendarParseError {
    CalendarParseError { line, message: message.into() }
}

/// Parses exactly `YYYY-MM-DD`.
fn parse_date(text: &str) -> Option<NaiveDate> {
    let bytes = text.as_bytes();
    let shape_ok = bytes.len() == 10
        && bytes[4] == b'-'
        && bytes[7] == b'-'
        && bytes.iter().enumerate().all(|(i, b)| i == 4 || i == 7 || b.is_ascii_digit());
    if !shape_ok {
        return None;
    }
    let year = text.get(0..4)?.parse().ok()?;
    let month = text.get(5..7)?.parse().ok()?;
    let day = text.get(8..10)?.parse().ok()?;
    NaiveDate::from_ymd_opt(year, month, day)
}

/// One CSV record and the line it starts on.
struct Record {
    line: usize,
    fields: Vec<String>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum FieldState {
    /// Nothing but blanks has been read for the field so far.
    Start,
    Unquoted,
    Quoted,
    /// The closing quote of a quoted field has been read.
    AfterQuote,
}

/// Splits text into RFC 4180 records, skipping blank lines.
fn read_records(text: &str) -> Result<Vec<Record>, CalendarParseError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut chars = text.chars().peekable();
    let mut records = Vec::new();
    let mut line = 1;
    while chars.peek().is_some() {
        let record_line = line;
        let mut fields = Vec::new();
        let mut field = String::new();
        let mut state = FieldState::Start;
        let mut any_quoted = false;
        loop {
            let c = chars.next();
            if state == FieldState::Quoted {
                match c {
                    None => {
                        return Err(parse_error(
                            record_line,
                            "a quoted field is not closed before the end of the input",
                        ));
                    }
                    Some('"') if chars.peek() == Some(&'"') => {
                        chars.next();
                        field.push('"');
                    }
                    Some('"') => state = FieldState::AfterQuote,
                    Some(ch) => {
                        if ch == '\n' {
                            line += 1;
                        }
                        field.push(ch);
                    }
                }
                continue;
            }
            match c {
                None | Some('\n') => {
                    fields.push(std::mem::take(&mut field));
                    if c.is_some() {
                        line += 1;
                    }
                    break;
                }
                Some('\r') if chars.peek() == Some(&'\n') => {}
                Some(',') => {
                    fields.push(std::mem::take(&mut field));
                    state = FieldState::Start;
                }
                Some('"') if state == FieldState::Start => {
                    field.clear();
                    any_quoted = true;
                    state = FieldState::Quoted;
                }
                Some('"') => {
                    return Err(parse_error(
                        line,
                        "a quote inside an unquoted field (quote the field and double the quote)",
                    ));
                }
                Some(ch) if state == FieldState::AfterQuote => {
                    if !ch.is_whitespace() {
                        return Err(parse_error(
                            line,
                            format!("unexpected `{ch}` after the closing quote of a field"),
                        ));
                    }
                }
                Some(ch) => {
                    field.push(ch);
                    if !ch.is_whitespace() {
                        state = FieldState::Unquoted;
                    }
                }
            }
        }
        let blank = !any_quoted && fields.len() == 1 && fields[0].trim().is_empty();
        if !blank {
            records.push(Record { line: record_line, fields });
        }
    }
    Ok(records)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn brute_force_add(cal: &WorkCalendar, start: NaiveDate, n: u32) -> NaiveDate {
        let mut day = start;
        let mut remaining = n;
        while remaining > 0 {
            day = day.succ_opt().unwrap();
            if cal.is_workday(day) {
                remaining -= 1;
            }
        }
        day
    }

    fn brute_force_between(cal: &WorkCalendar, from: NaiveDate, to: NaiveDate) -> i64 {
        from.iter_days().skip(1).take_while(|d| *d <= to).filter(|d| cal.is_workday(*d)).count()
            as i64
    }

    #[test]
    fn builtin_table_parses_every_row() {
        let entries = builtin_entries();
        let data_rows = BUILTIN_CSV.lines().filter(|l| !l.trim().is_empty()).count() - 1;
        assert_eq!(data_rows, 72);
        assert_eq!(entries.len(), data_rows);
        assert_eq!(parse_csv(BUILTIN_CSV).unwrap().len(), 72);
        assert_eq!(
            entries[0],
            CalendarEntry { date: date(2025, 1, 1), kind: DayKind::Off, name: "元旦".into() }
        );
        let last = entries.last().unwrap();
        assert_eq!((last.date, last.kind), (date(2026, 10, 10), DayKind::Makeup));
        assert_eq!(entries.iter().filter(|e| e.kind == DayKind::Makeup).count(), 11);
        assert!(entries.iter().all(|e| e.kind != DayKind::LocalOff));
    }

    #[test]
    fn builtin_years_with_data() {
        let cal = WorkCalendar::builtin();
        assert!(cal.has_year(2025));
        assert!(cal.has_year(2026));
        assert!(!cal.has_year(2024));
        assert!(!cal.has_year(2027));
    }

    #[test]
    fn builtin_makeup_days_fall_on_weekends() {
        for entry in builtin_entries().iter().filter(|e| e.kind == DayKind::Makeup) {
            assert!(is_weekend(entry.date.weekday()), "{} is not a weekend day", entry.date);
        }
    }

    #[test]
    fn worked_example_from_domain() {
        let cal = WorkCalendar::builtin();
        let deadline = cal.add_working_days(date(2025, 9, 26), 7);
        assert_eq!(deadline, Deadline { date: date(2025, 10, 13), provisional: false });
        assert_eq!(cal.working_days_between(date(2025, 9, 26), date(2025, 10, 13)), 7);
        // The days counted are 09-28 (makeup Sunday), 09-29, 09-30, 10-09, 10-10, 10-11
        // (makeup Saturday) and 10-13.
        assert_eq!(cal.add_working_days(date(2025, 9, 26), 1).date, date(2025, 9, 28));
        assert_eq!(cal.add_working_days(date(2025, 9, 26), 4).date, date(2025, 10, 9));
        assert_eq!(cal.add_working_days(date(2025, 9, 26), 6).date, date(2025, 10, 11));
    }

    #[test]
    fn workday_classification() {
        let cal = WorkCalendar::builtin();
        // Sun 2025-09-28 is a makeup workday.
        assert_eq!(date(2025, 9, 28).weekday(), Weekday::Sun);
        assert!(cal.is_workday(date(2025, 9, 28)));
        // Mon 2025-10-06 is inside the National Day holiday.
        assert_eq!(date(2025, 10, 6).weekday(), Weekday::Mon);
        assert!(!cal.is_workday(date(2025, 10, 6)));
        // A plain weekend is not a working day, and a plain Monday is.
        assert!(!cal.is_workday(date(2025, 9, 20)));
        assert!(!cal.is_workday(date(2025, 9, 21)));
        assert!(cal.is_workday(date(2025, 9, 22)));
        // In a year with data, 05-02 is off only because the table says so.
        assert!(!cal.is_workday(date(2026, 5, 4)));
        assert!(cal.is_workday(date(2026, 5, 9)));
    }

    #[test]
    fn fallback_for_year_without_data() {
        let cal = WorkCalendar::builtin();
        // 2027-01-01 is a Friday and a fixed-date statutory holiday.
        assert!(!cal.is_workday(date(2027, 1, 1)));
        assert!(cal.is_workday(date(2027, 1, 4)));
        // Mon 2027-05-03 is not a fixed-date holiday, so it counts.
        assert!(cal.is_workday(date(2027, 5, 3)));
        for d in [date(2027, 10, 1), date(2028, 5, 1), date(2028, 5, 2), date(2028, 10, 3)] {
            assert!(!cal.is_workday(d), "{d}");
        }
        // Lunar holidays cannot be derived. 春节 2027 starts on Sat 02-06, yet Mon 02-08 counts.
        assert!(cal.is_workday(date(2027, 2, 8)));
    }

    #[test]
    fn add_days_extends_past_rest_days() {
        let cal = WorkCalendar::builtin();
        // The last day 2025-10-01 is a holiday; the rest ends on 10-08.
        assert_eq!(
            cal.add_days(date(2025, 9, 30), 1),
            Deadline { date: date(2025, 10, 9), provisional: false }
        );
        // The last day Mon 2025-09-29 is a plain working day and stays.
        assert_eq!(cal.add_days(date(2025, 9, 26), 3).date, date(2025, 9, 29));
        // The last day Sat 2025-09-20 is a plain weekend; the period ends on Monday.
        assert_eq!(cal.add_days(date(2025, 9, 15), 5).date, date(2025, 9, 22));
        // The last day Sat 2025-10-11 is a makeup workday and stays.
        assert_eq!(cal.add_days(date(2025, 10, 1), 10).date, date(2025, 10, 11));
        // Sixty days of mediation from 2026-04-15 end on Sun 06-14, so on Mon 06-15.
        assert_eq!(cal.add_days(date(2026, 4, 15), 60).date, date(2026, 6, 15));
        // Zero days applies the same rule to the start day itself.
        assert_eq!(cal.add_days(date(2025, 9, 26), 0).date, date(2025, 9, 26));
        assert_eq!(cal.add_days(date(2025, 10, 4), 0).date, date(2025, 10, 9));
    }

    #[test]
    fn add_working_days_zero_returns_start() {
        let cal = WorkCalendar::builtin();
        let holiday = date(2025, 10, 4);
        assert_eq!(
            cal.add_working_days(holiday, 0),
            Deadline { date: holiday, provisional: false }
        );
        assert_eq!(cal.working_days_between(holiday, holiday), 0);
    }

    #[test]
    fn provisional_flag() {
        let cal = WorkCalendar::builtin();
        // Wholly in 2027, which has no data.
        let in_2027 = cal.add_working_days(date(2027, 3, 1), 5);
        assert_eq!(in_2027, Deadline { date: date(2027, 3, 8), provisional: true });
        assert!(cal.add_days(date(2027, 3, 1), 5).provisional);
        assert!(cal.add_working_days(date(2027, 3, 1), 0).provisional);
        // From Mon 2026-12-28 across New Year: 12-29, 12-30, 12-31, then 2027-01-01 is skipped.
        let across = cal.add_working_days(date(2026, 12, 28), 4);
        assert_eq!(across, Deadline { date: date(2027, 1, 4), provisional: true });
        assert!(cal.add_days(date(2026, 12, 1), 45).provisional);
        // Wholly in 2025, or from 2025 into 2026.
        assert!(!cal.add_working_days(date(2025, 9, 26), 7).provisional);
        assert!(!cal.add_days(date(2025, 3, 1), 30).provisional);
        assert!(!cal.add_working_days(date(2025, 12, 1), 45).provisional);
        // Starting in 2024, which has no data, is provisional even when the end is in 2025.
        assert!(cal.add_working_days(date(2024, 12, 30), 5).provisional);
    }

    #[test]
    fn local_off_makes_a_weekday_non_working() {
        let mut entries = builtin_entries();
        let festival = date(2025, 7, 15);
        assert_eq!(festival.weekday(), Weekday::Tue);
        entries.push(CalendarEntry {
            date: festival,
            kind: DayKind::LocalOff,
            name: "那达慕".into(),
        });
        let local = WorkCalendar::new(&entries);
        let national = WorkCalendar::builtin();
        assert!(national.is_workday(festival));
        assert!(!local.is_workday(festival));
        assert_eq!(national.add_working_days(date(2025, 7, 14), 1).date, festival);
        assert_eq!(local.add_working_days(date(2025, 7, 14), 1).date, date(2025, 7, 16));
        assert_eq!(local.add_days(date(2025, 7, 14), 1).date, date(2025, 7, 16));
        // A local day off does not give its year official data.
        let only_local = WorkCalendar::new(&entries[entries.len() - 1..]);
        assert!(!only_local.has_year(2025));
        assert!(!only_local.is_workday(festival));
        // It also applies in a year without data.
        let later =
            CalendarEntry { date: date(2027, 3, 2), kind: DayKind::LocalOff, name: "x".into() };
        let cal = WorkCalendar::new(&[later]);
        assert!(!cal.is_workday(date(2027, 3, 2)));
        assert_eq!(cal.add_working_days(date(2027, 3, 1), 1).date, date(2027, 3, 3));
    }

    #[test]
    fn makeup_entry_wins_over_day_off() {
        let sat = date(2025, 10, 11);
        let entries = [
            CalendarEntry { date: sat, kind: DayKind::Makeup, name: "国庆节".into() },
            CalendarEntry { date: sat, kind: DayKind::LocalOff, name: "x".into() },
        ];
        assert!(WorkCalendar::new(&entries).is_workday(sat));
    }

    #[test]
    fn working_days_between_counts_half_open_range() {
        let cal = WorkCalendar::builtin();
        assert_eq!(cal.working_days_between(date(2025, 10, 13), date(2025, 9, 26)), 0);
        assert_eq!(cal.working_days_between(date(2025, 9, 30), date(2025, 10, 8)), 0);
        assert_eq!(cal.working_days_between(date(2025, 9, 29), date(2025, 9, 30)), 1);
        // 2025 has 248 working days under its notice: 365 days, minus 104 weekend days, minus 18
        // days off on weekdays, plus 5 makeup days.
        assert_eq!(cal.working_days_between(date(2024, 12, 31), date(2025, 12, 31)), 248);
    }

    #[test]
    fn whole_year_skipping_matches_day_by_day_counting() {
        let mut entries = builtin_entries();
        entries.push(CalendarEntry {
            date: date(2031, 2, 4),
            kind: DayKind::LocalOff,
            name: "x".into(),
        });
        for cal in [WorkCalendar::new(&[]), WorkCalendar::new(&entries)] {
            let from = date(2023, 11, 20);
            for to in [date(2024, 1, 1), date(2027, 12, 31), date(2030, 1, 1), date(2033, 6, 9)] {
                assert_eq!(cal.working_days_between(from, to), brute_force_between(&cal, from, to));
            }
            for n in [1, 30, 250, 251, 260, 1000, 2500] {
                let start = date(2023, 12, 29);
                assert_eq!(cal.add_working_days(start, n).date, brute_force_add(&cal, start, n));
            }
        }
        // 2023 has 365 days and starts on a Sunday, so it has 260 weekdays. Four fixed-date
        // holidays fall on weekdays (05-01, 05-02, 10-02, 10-03), leaving 256.
        let empty = WorkCalendar::new(&[]);
        assert_eq!(empty.working_days_between(date(2022, 12, 31), date(2023, 12, 31)), 256);
    }

    #[test]
    fn extreme_inputs_do_not_panic() {
        let cal = WorkCalendar::builtin();
        let far = cal.add_working_days(date(2025, 1, 1), u32::MAX);
        assert_eq!(far, Deadline { date: NaiveDate::MAX, provisional: true });
        assert_eq!(cal.add_days(NaiveDate::MAX, 1), far);
        assert_eq!(cal.add_working_days(NaiveDate::MAX, 1), far);
        assert!(cal.working_days_between(NaiveDate::MIN, NaiveDate::MAX) > 0);
        assert_eq!(cal.working_days_between(NaiveDate::MAX, NaiveDate::MIN), 0);
        let near_start = cal.add_working_days(NaiveDate::MIN, 1000);
        assert!(near_start.provisional && cal.is_workday(near_start.date));
    }

    #[test]
    fn day_kind_codes_round_trip() {
        for kind in [DayKind::Off, DayKind::Makeup, DayKind::LocalOff] {
            assert_eq!(DayKind::from_code(kind.code()), Some(kind));
        }
        assert_eq!(DayKind::LocalOff.code(), "local_off");
        assert_eq!(DayKind::from_code("Off"), None);
        assert_eq!(DayKind::from_code(""), None);
    }

    #[test]
    fn parse_csv_reads_quoted_fields() {
        let text = "\u{feff}date,kind,holiday,source\r\n\
                    2027-02-06,off,春节,\"通知, 2026 \"\"draft\"\"\"\r\n\
                    \r\n\
                    2027-02-20, makeup ,春节,\"two\nlines\"\n\
                    2027-03-01,local_off,\"藏历新年, 初一\",local\n";
        let entries = parse_csv(text).unwrap();
        assert_eq!(entries.len(), 3);
        assert_eq!(entries[0].date, date(2027, 2, 6));
        assert_eq!(entries[1].kind, DayKind::Makeup);
        assert_eq!(entries[2].name, "藏历新年, 初一");
        // Columns are found by name, and `source` is optional.
        let reordered = parse_csv("kind,holiday,date\nlocal_off,x,2027-03-01").unwrap();
        assert_eq!(reordered[0].date, date(2027, 3, 1));
    }

    #[test]
    fn parse_csv_error_names_line_for_bad_date() {
        let text =
            "date,kind,holiday,source\n2025-01-01,off,元旦,\"a, b\"\n2025-02-30,off,春节,x\n";
        let error = parse_csv(text).unwrap_err();
        assert_eq!(error.line, 3);
        assert!(error.message.contains("2025-02-30"), "{error}");
        assert!(error.to_string().contains("line 3"), "{error}");
        let error = parse_csv("date,kind,holiday\n2025/01/01,off,元旦\n").unwrap_err();
        assert_eq!(error.line, 2);
        assert!(error.message.contains("invalid date"), "{error}");
    }

    #[test]
    fn parse_csv_error_names_line_for_unknown_kind() {
        let text = "date,kind,holiday,source\n2025-01-01,holiday,元旦,\"a, b\"\n";
        let error = parse_csv(text).unwrap_err();
        assert_eq!(error.line, 2);
        assert!(error.message.contains("unknown kind `holiday`"), "{error}");
        // A quoted field spanning lines moves the line number of later rows.
        let text = "date,kind,holiday,source\n2025-01-01,off,元旦,\"a\nb\"\n2025-01-02,bad,x,y\n";
        assert_eq!(parse_csv(text).unwrap_err().line, 4);
    }

    #[test]
    fn parse_csv_other_errors() {
        let error = parse_csv("").unwrap_err();
        assert_eq!(error.line, 1);
        assert!(error.message.contains("header"));
        let error = parse_csv("2025-01-01,off,元旦,x\n").unwrap_err();
        assert_eq!(error.line, 1);
        assert!(error.message.contains("header"));
        let error = parse_csv("date,kind,holiday,source\n2025-01-01,off,元旦\n").unwrap_err();
        assert_eq!((error.line, error.message.as_str()), (2, "expected 4 fields, found 3"));
        let error =
            parse_csv("date,kind,holiday,source\n2025-01-01,off,元旦,\"open\n").unwrap_err();
        assert_eq!(error.line, 2);
        let error = parse_csv("date,kind,holiday\n2025-01-01,off,\"a\"b\n").unwrap_err();
        assert_eq!(error.line, 2);
        let error = parse_csv("date,kind,holiday\n2025-01-01,off,a\"b\n").unwrap_err();
        assert_eq!(error.line, 2);
        let error = parse_csv("date,kind,holiday\n2025-01-01,off,\n").unwrap_err();
        assert_eq!(error.line, 2);
        let error =
            parse_csv("date,kind,holiday\n2025-01-01,off,a\n2025-01-01,makeup,a\n").unwrap_err();
        assert_eq!(error.line, 3);
        assert!(error.message.contains("line 2"), "{error}");
        let error =
            parse_csv("date,kind,holiday\n2025-01-01,off,a\n\n2025-01-01,off,b\n").unwrap_err();
        assert_eq!(error.line, 4);
        // An official day off may also be a local day off.
        assert!(
            parse_csv("date,kind,holiday\n2026-02-17,off,春节\n2026-02-17,local_off,藏历新年\n")
                .is_ok()
        );
    }

    fn any_date() -> impl Strategy<Value = NaiveDate> {
        // From 2024-01-01 through 2028, covering years with and without data.
        (0u64..365 * 5).prop_map(|offset| date(2024, 1, 1) + Days::new(offset))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn add_working_days_properties(start in any_date(), n in 0u32..400) {
            let cal = WorkCalendar::builtin();
            let result = cal.add_working_days(start, n);
            let next = cal.add_working_days(start, n + 1);
            if n >= 1 {
                prop_assert!(cal.is_workday(result.date));
            }
            prop_assert!(next.date > result.date);
            prop_assert_eq!(cal.working_days_between(start, result.date), i64::from(n));
            let expected_provisional =
                (start.year()..=result.date.year()).any(|y| !cal.has_year(y));
            prop_assert_eq!(result.provisional, expected_provisional);
        }

        #[test]
        fn add_days_properties(start in any_date(), n in 0u32..400) {
            let cal = WorkCalendar::builtin();
            let result = cal.add_days(start, n).date;
            let last_day = start + Days::new(u64::from(n));
            prop_assert!(result >= last_day);
            prop_assert!(cal.is_workday(result));
            let mut skipped = last_day.iter_days().take_while(|d| *d < result);
            prop_assert!(skipped.all(|d| !cal.is_workday(d)));
        }
    }
}
