//! The 消费者投诉受理台账 of a period: one row per complaint (序号, 日期, 投诉人, 被投诉人,
//! 事由, 类别, 性质, 处理结果, 挽回损失, 办结日期), as a PDF (typst, A4 landscape, header on
//! every page) and as an .xlsx workbook (merged title and group headers, number and date
//! formats, column widths for Chinese text, frozen header, a total row).

use casedesk_domain::Lang;
use casedesk_domain::deadline::local_date;
use casedesk_domain::reference;
use casedesk_domain::types::{Outcome, Status};
use casedesk_store::{LedgerCase, Store};
use chrono::{Datelike, NaiveDate};
use rust_xlsxwriter::{ExcelDateTime, Format, FormatAlign, FormatBorder, Formula, Workbook};
use serde::Serialize;

use crate::compose::{cn_date, matter_of, yuan};
use crate::{DocsError, LEDGER_TEMPLATE, Result, Typeset, typeset};

pub const HEADER: [&str; 10] = [
    "序号",
    "日期",
    "投诉人",
    "被投诉人",
    "事由",
    "类别",
    "性质",
    "处理结果",
    "挽回损失（元）",
    "办结日期",
];

/// One row, as shown.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LedgerRow {
    pub index: usize,
    pub case_no: String,
    pub date: NaiveDate,
    pub complainant: String,
    pub respondent: String,
    pub matter: String,
    pub category: String,
    pub nature: String,
    pub result: String,
    pub recovered_fen: i64,
    pub closed: Option<NaiveDate>,
}

/// The ledger of one unit over a period.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Ledger {
    pub unit: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub rows: Vec<LedgerRow>,
}

fn label(code: Option<&str>, on: NaiveDate) -> String {
    code.and_then(reference::category)
        .map(|c| c.label(Lang::Zh, Some(on)).to_owned())
        .unwrap_or_default()
}

/// The ledger of this station's unit for the complaints received from `from` to `to`.
pub fn ledger(store: &Store, from: NaiveDate, to: NaiveDate) -> Result<Ledger> {
    let unit = store.require_station()?.unit_name.clone();
    let rows =
        store.ledger_cases(from, to)?.into_iter().enumerate().map(|(i, c)| row(i, c)).collect();
    Ok(Ledger { unit, from, to, rows })
}

fn row(i: usize, c: LedgerCase) -> LedgerRow {
    let date = local_date(c.received_at);
    let category = label(c.category.as_deref(), date);
    let nature = label(c.nature.as_deref(), date);
    let mut complainant = c.complainant;
    if let Some(h) = c.households {
        complainant = format!("{complainant}等{h}户");
    }
    let respondent = c.respondents.join("、");
    let result = match c.outcome.as_deref().and_then(Outcome::from_code) {
        Some(o) => o.label(Lang::Zh).to_owned(),
        None => {
            Status::from_code(&c.status).map_or(c.status.clone(), |s| s.label(Lang::Zh).to_owned())
        }
    };
    LedgerRow {
        index: i + 1,
        case_no: c.no,
        date,
        matter: matter_of(&respondent, &category, &nature),
        complainant,
        respondent,
        category,
        nature,
        result,
        recovered_fen: c.recovered_fen,
        closed: c.closed_at.map(local_date),
    }
}

fn iso(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

impl Ledger {
    pub fn title(&self) -> String {
        "消费者投诉受理台账".into()
    }

    pub fn period(&self) -> String {
        format!("{}至{}", cn_date(self.from), cn_date(self.to))
    }

    pub fn total_fen(&self) -> i64 {
        self.rows.iter().map(|r| r.recovered_fen).sum()
    }

    /// Typesets the ledger (dated the period's last day, so the same rows give the same bytes).
    pub fn typeset(&self) -> Result<Typeset> {
        #[derive(Serialize)]
        struct Data<'a> {
            title: String,
            unit: &'a str,
            period: String,
            count: usize,
            total: String,
            header: [&'static str; 10],
            cells: Vec<String>,
            date_parts: [u32; 3],
        }
        let mut cells = Vec::with_capacity(self.rows.len() * 10);
        for r in &self.rows {
            cells.extend([
                r.index.to_string(),
                iso(r.date),
                r.complainant.clone(),
                r.respondent.clone(),
                r.matter.clone(),
                r.category.clone(),
                r.nature.clone(),
                r.result.clone(),
                casedesk_domain::validate::format_yuan(r.recovered_fen),
                r.closed.map(iso).unwrap_or_default(),
            ]);
        }
        let data = Data {
            title: self.title(),
            unit: &self.unit,
            period: self.period(),
            count: self.rows.len(),
            total: yuan(self.total_fen()),
            header: HEADER,
            cells,
            date_parts: [self.to.year() as u32, self.to.month(), self.to.day()],
        };
        let ident = format!("ledger {} {} {}", self.unit, self.from, self.to);
        Ok(typeset(LEDGER_TEMPLATE, &data, &ident, self.to)?.untagged())
    }

    pub fn pdf(&self) -> Result<Vec<u8>> {
        self.typeset()?.pdf()
    }

    /// The workbook.
    pub fn xlsx(&self) -> Result<Vec<u8>> {
        self.write_xlsx().map_err(|e| DocsError::Export(e.to_string()))
    }

    fn write_xlsx(&self) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
        let font = |f: Format| f.set_font_name("宋体").set_font_size(10);
        let boxed = |f: Format| font(f).set_border(FormatBorder::Thin);
        let title = font(Format::new()).set_bold().set_font_size(16).set_align(FormatAlign::Center);
        let info = font(Format::new());
        let head = boxed(Format::new())
            .set_bold()
            .set_align(FormatAlign::Center)
            .set_align(FormatAlign::VerticalCenter)
            .set_text_wrap()
            .set_background_color(0xEBEBEB);
        let text = boxed(Format::new()).set_text_wrap().set_align(FormatAlign::VerticalCenter);
        let center = text.clone().set_align(FormatAlign::Center);
        let date = center.clone().set_num_format("yyyy-mm-dd");
        let money =
            boxed(Format::new()).set_num_format("#,##0.00").set_align(FormatAlign::VerticalCenter);
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        ws.set_name("受理台账")?;
        ws.set_landscape();
        ws.set_paper_size(9);
        ws.set_print_fit_to_pages(1, 0);
        ws.merge_range(0, 0, 0, 9, &self.title(), &title)?;
        ws.merge_range(1, 0, 1, 4, &format!("填报单位：{}", self.unit), &info)?;
        ws.merge_range(1, 5, 1, 9, &format!("期间：{}", self.period()), &info)?;
        // Two header rows: 分类 over 类别 and 性质, every other heading merged down.
        for (c, h) in HEADER.iter().enumerate() {
            let c = c as u16;
            if c == 5 || c == 6 {
                continue;
            }
            ws.merge_range(2, c, 3, c, h, &head)?;
        }
        ws.merge_range(2, 5, 2, 6, "分类", &head)?;
        ws.write_string_with_format(3, 5, HEADER[5], &head)?;
        ws.write_string_with_format(3, 6, HEADER[6], &head)?;
        ws.set_repeat_rows(2, 3)?;
        ws.set_freeze_panes(4, 0)?;
        // Widths in characters of a Latin digit; a Chinese character takes about two.
        for (c, w) in [5.0, 11.0, 12.0, 24.0, 36.0, 16.0, 9.0, 11.0, 13.0, 11.0].iter().enumerate()
        {
            ws.set_column_width(c as u16, *w)?;
        }
        let xl_date =
            |d: NaiveDate| ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8);
        for (i, r) in self.rows.iter().enumerate() {
            let row = 4 + i as u32;
            ws.write_number_with_format(row, 0, r.index as f64, &center)?;
            ws.write_datetime_with_format(row, 1, xl_date(r.date)?, &date)?;
            ws.write_string_with_format(row, 2, &r.complainant, &text)?;
            ws.write_string_with_format(row, 3, &r.respondent, &text)?;
            ws.write_string_with_format(row, 4, &r.matter, &text)?;
            ws.write_string_with_format(row, 5, &r.category, &center)?;
            ws.write_string_with_format(row, 6, &r.nature, &center)?;
            ws.write_string_with_format(row, 7, &r.result, &center)?;
            ws.write_number_with_format(row, 8, r.recovered_fen as f64 / 100.0, &money)?;
            match r.closed {
                Some(d) => ws.write_datetime_with_format(row, 9, xl_date(d)?, &date)?,
                None => ws.write_string_with_format(row, 9, "", &center)?,
            };
        }
        let total_row = 4 + self.rows.len() as u32;
        ws.merge_range(total_row, 0, total_row, 7, "合计", &head)?;
        let formula = if self.rows.is_empty() {
            Formula::new("=0")
        } else {
            Formula::new(format!("=SUM(I5:I{})", total_row))
                .set_result(casedesk_domain::validate::format_yuan(self.total_fen()))
        };
        ws.write_formula_with_format(total_row, 8, formula, &money)?;
        ws.write_string_with_format(total_row, 9, "", &center)?;
        wb.save_to_buffer()
    }
}
