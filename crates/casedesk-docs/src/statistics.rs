//! The statistics report (casedesk-report's `Report`) as a PDF: the CCA table layout of its
//! .xlsx (`templates/report.typ`, A4 landscape), from the same printable tables
//! (`casedesk_report::table::report_tables`), so the PDF shows exactly the figures of the
//! xlsx, the CLI and the screen.

use casedesk_domain::Lang;
use casedesk_report::Report;
use casedesk_report::table::{Tables, report_tables};
use chrono::Datelike;
use serde::Serialize;

use crate::{REPORT_TEMPLATE, Result, Typeset, typeset};

#[derive(Serialize)]
struct Data<'a> {
    #[serde(flatten)]
    tables: &'a Tables,
    lang: &'static str,
    unit_word: &'static str,
    period_word: &'static str,
    computed_word: &'static str,
    page_word: [&'static str; 3],
    date_parts: [u32; 3],
}

/// The report typeset (pages for preview, or `.pdf()`).
pub fn report_typeset(r: &Report, lang: Lang) -> Result<Typeset> {
    let tables = report_tables(r, lang);
    let zh = lang == Lang::Zh;
    // The document's date is the day it was computed (station time), never the clock's.
    let day =
        r.computed_at.with_timezone(&casedesk_domain::deadline::station_offset()).date_naive();
    let data = Data {
        tables: &tables,
        lang: if zh { "zh" } else { "en" },
        unit_word: if zh { "填报单位：" } else { "Unit: " },
        period_word: if zh { "统计期间：" } else { "Period: " },
        computed_word: if zh { "制表时间：" } else { "Computed: " },
        page_word: if zh { ["第 ", " 页 共 ", " 页"] } else { ["Page ", " of ", ""] },
        date_parts: [day.year() as u32, day.month(), day.day()],
    };
    let ident = format!("report {} {}", r.unit, r.period.code);
    typeset(REPORT_TEMPLATE, &data, &ident, day)
}

/// The report as a PDF (fonts embedded and subset).
pub fn report_pdf(r: &Report, lang: Lang) -> Result<Vec<u8>> {
    report_typeset(r, lang)?.pdf()
}
