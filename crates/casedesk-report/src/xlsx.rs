//! Exports: the report in the CCA table layout (.xlsx: merged two-level headers, number
//! formats, column widths for Chinese text), and the remuneration table of the supervision
//! (.xlsx and CSV). PDF comes later through the documents crate (casedesk-docs), which is not
//! on main yet.

use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError};

use casedesk_domain::Lang;

use crate::figures::Figures;
use crate::num::{self, wan_hundredths};
use crate::report::{Report, Share, code_label};
use crate::supervision::{StaffFigures, Supervision};
use crate::{ReportError, Result};

fn err(e: XlsxError) -> ReportError {
    ReportError::Export(e.to_string())
}

struct Formats {
    title: Format,
    head: Format,
    text: Format,
    count: Format,
    rate: Format,
    money: Format,
    bold_text: Format,
    bold_count: Format,
    bold_rate: Format,
    bold_money: Format,
    points: Format,
}

fn formats() -> Formats {
    let cell = Format::new().set_border(FormatBorder::Thin).set_font_size(10.5);
    let bold = |f: &Format| f.clone().set_bold();
    let count = cell.clone().set_num_format("#,##0");
    let rate = cell.clone().set_num_format("0.00%");
    let money = cell.clone().set_num_format("#,##0.00");
    Formats {
        title: Format::new().set_bold().set_font_size(14).set_align(FormatAlign::Center),
        head: cell
            .clone()
            .set_bold()
            .set_text_wrap()
            .set_align(FormatAlign::Center)
            .set_align(FormatAlign::VerticalCenter),
        text: cell.clone(),
        bold_text: bold(&cell),
        bold_count: bold(&count),
        bold_rate: bold(&rate),
        bold_money: bold(&money),
        points: cell.clone().set_num_format("+0.00;-0.00;0.00"),
        count,
        rate,
        money,
    }
}

fn t(lang: Lang, zh: &'static str, en: &'static str) -> &'static str {
    if lang == Lang::Zh { zh } else { en }
}

/// A rate cell: the fraction with a percentage format, or empty for a rate with no base.
fn rate(ws: &mut Worksheet, r: u32, c: u16, bp: Option<u32>, f: &Format) -> Result<()> {
    match bp {
        Some(bp) => ws.write_number_with_format(r, c, f64::from(bp) / 10_000.0, f),
        None => ws.write_string_with_format(r, c, "—", f),
    }
    .map_err(err)?;
    Ok(())
}

/// A money cell in 万元: rounded to two decimals first, so the cell holds what is shown.
fn money(ws: &mut Worksheet, r: u32, c: u16, fen: i64, f: &Format) -> Result<()> {
    ws.write_number_with_format(r, c, wan_hundredths(fen) as f64 / 100.0, f).map_err(err)?;
    Ok(())
}

/// The columns of the overview sheet: (group, column, width).
pub const COLUMNS: &[(&str, &str, &str, &str)] = &[
    ("投诉接收", "Complaints received", "接收", "Received"),
    ("投诉接收", "Complaints received", "不予受理", "Not accepted"),
    ("投诉接收", "Complaints received", "转出", "Transferred out"),
    ("投诉接收", "Complaints received", "转入", "Transferred in"),
    ("投诉接收", "Complaints received", "协办", "Co-handled"),
    ("受理与办结", "Accepted and closed", "受理", "Accepted"),
    ("受理与办结", "Accepted and closed", "办结", "Closed"),
    ("受理与办结", "Accepted and closed", "解决", "Resolved"),
    ("受理与办结", "Accepted and closed", "解决率", "Resolution rate"),
    ("受理与办结", "Accepted and closed", "调解成功", "Mediated"),
    ("受理与办结", "Accepted and closed", "调解成功率", "Mediation rate"),
    ("受理与办结", "Accepted and closed", "按期办结率", "On-time rate"),
    ("挽回经济损失（万元）", "Recovered (10k yuan)", "", ""),
    ("加倍赔偿", "Punitive damages", "件", "Cases"),
    ("加倍赔偿", "Punitive damages", "金额（万元）", "Amount (10k yuan)"),
    ("咨询（人次）", "Consultations (people)", "", ""),
];

fn figures_row(ws: &mut Worksheet, r: u32, f: &Figures, fm: &Formats, bold: bool) -> Result<()> {
    let (c, rt, m) = if bold {
        (&fm.bold_count, &fm.bold_rate, &fm.bold_money)
    } else {
        (&fm.count, &fm.rate, &fm.money)
    };
    let d = f.derived();
    let counts: [(u16, u64); 9] = [
        (1, f.received),
        (2, f.not_accepted),
        (3, f.transferred_out),
        (4, f.transferred_in),
        (5, f.co_handled),
        (6, f.accepted),
        (7, f.closed),
        (8, f.resolved),
        (10, f.mediated),
    ];
    for (col, v) in counts {
        ws.write_number_with_format(r, col, v as f64, c).map_err(err)?;
    }
    rate(ws, r, 9, d.resolution_rate_bp, rt)?;
    rate(ws, r, 11, d.mediation_rate_bp, rt)?;
    rate(ws, r, 12, d.on_time_rate_bp, rt)?;
    money(ws, r, 13, f.recovered_fen, m)?;
    ws.write_number_with_format(r, 14, f.doubled_cases as f64, c).map_err(err)?;
    money(ws, r, 15, f.doubled_fen, m)?;
    ws.write_number_with_format(r, 16, f.consultation_people as f64, c).map_err(err)?;
    Ok(())
}

/// Writes a two-row header: groups merged over their columns, single columns merged down.
fn header(
    ws: &mut Worksheet,
    row: u32,
    first: &str,
    cols: &[(&str, &str)],
    fm: &Formats,
) -> Result<()> {
    ws.merge_range(row, 0, row + 1, 0, first, &fm.head).map_err(err)?;
    let mut c = 0usize;
    while c < cols.len() {
        let (group, name) = cols[c];
        let mut end = c;
        while end + 1 < cols.len() && cols[end + 1].0 == group {
            end += 1;
        }
        let (a, b) = ((c + 1) as u16, (end + 1) as u16);
        if name.is_empty() {
            ws.merge_range(row, a, row + 1, a, group, &fm.head).map_err(err)?;
        } else {
            if a == b {
                ws.write_string_with_format(row, a, group, &fm.head).map_err(err)?;
            } else {
                ws.merge_range(row, a, row, b, group, &fm.head).map_err(err)?;
            }
            for (i, (_, n)) in cols[c..=end].iter().enumerate() {
                ws.write_string_with_format(row + 1, a + i as u16, *n, &fm.head).map_err(err)?;
            }
        }
        c = end + 1;
    }
    ws.set_row_height(row, 22).map_err(err)?;
    ws.set_row_height(row + 1, 30).map_err(err)?;
    Ok(())
}

fn title(ws: &mut Worksheet, text: &str, sub: &str, last_col: u16, fm: &Formats) -> Result<()> {
    ws.merge_range(0, 0, 0, last_col, text, &fm.title).map_err(err)?;
    ws.merge_range(1, 0, 1, last_col, sub, &Format::new().set_align(FormatAlign::Center))
        .map_err(err)?;
    ws.set_row_height(0, 28).map_err(err)?;
    Ok(())
}

fn share_sheet(
    ws: &mut Worksheet,
    lang: Lang,
    r: &Report,
    name: &str,
    title_text: &str,
    lines: &[&[Share]],
    fm: &Formats,
) -> Result<()> {
    ws.set_name(name).map_err(err)?;
    let sub = format!("{} {} – {}", r.unit_name, r.period.from, r.period.to);
    title(ws, title_text, &sub, 5, fm)?;
    let cols = [
        (t(lang, "本期", "This period"), t(lang, "件数", "Cases")),
        (t(lang, "本期", "This period"), t(lang, "比重", "Share")),
        (t(lang, "去年同期", "Same period last year"), t(lang, "件数", "Cases")),
        (t(lang, "去年同期", "Same period last year"), t(lang, "比重", "Share")),
        (t(lang, "比重变化（百分点）", "Change of share (points)"), ""),
    ];
    header(ws, 2, t(lang, "项目", "Item"), &cols, fm)?;
    let mut row = 4;
    for block in lines {
        for s in *block {
            ws.write_string_with_format(
                row,
                0,
                code_label(&s.code, lang, Some(r.period.to)),
                &fm.text,
            )
            .map_err(err)?;
            ws.write_number_with_format(row, 1, s.count as f64, &fm.count).map_err(err)?;
            rate(ws, row, 2, s.share_bp, &fm.rate)?;
            ws.write_number_with_format(row, 3, s.last_year as f64, &fm.count).map_err(err)?;
            rate(ws, row, 4, s.last_year_share_bp, &fm.rate)?;
            match s.change_bp {
                Some(bp) => ws.write_number_with_format(row, 5, bp as f64 / 100.0, &fm.points),
                None => ws.write_string_with_format(row, 5, "—", &fm.text),
            }
            .map_err(err)?;
            row += 1;
        }
    }
    ws.write_string_with_format(row, 0, t(lang, "合计（受理）", "Total (accepted)"), &fm.bold_text)
        .map_err(err)?;
    ws.write_number_with_format(row, 1, r.total.accepted as f64, &fm.bold_count).map_err(err)?;
    ws.write_number_with_format(row, 3, r.year_before_total.accepted as f64, &fm.bold_count)
        .map_err(err)?;
    ws.set_column_width(0, 30).map_err(err)?;
    for c in 1..=5 {
        ws.set_column_width(c, 13).map_err(err)?;
    }
    ws.set_freeze_panes(4, 1).map_err(err)?;
    Ok(())
}

/// The report as an .xlsx workbook in the CCA layout.
pub fn report_xlsx(r: &Report, lang: Lang) -> Result<Vec<u8>> {
    let fm = formats();
    let mut wb = Workbook::new();
    let period = format!("{} {} – {}", r.period.code, r.period.from, r.period.to);
    {
        let ws = wb.add_worksheet();
        ws.set_name(t(lang, "受理投诉情况", "Complaints")).map_err(err)?;
        let heading = match lang {
            Lang::Zh => format!("{}受理投诉情况统计表", r.unit_name),
            Lang::En => format!("{}: complaints handled", r.unit_name),
        };
        let sub = format!(
            "{}{period}　{}{}",
            t(lang, "统计期间：", "Period: "),
            t(lang, "制表时间：", "Computed: "),
            r.computed_at
                .with_timezone(&casedesk_domain::deadline::station_offset())
                .format("%Y-%m-%d %H:%M")
        );
        title(ws, &heading, &sub, 16, &fm)?;
        let cols: Vec<(&str, &str)> =
            COLUMNS.iter().map(|(gz, ge, cz, ce)| (t(lang, gz, ge), t(lang, cz, ce))).collect();
        header(ws, 2, t(lang, "单位", "Unit"), &cols, &fm)?;
        let mut row = 4;
        for u in &r.rows {
            let indent = "　".repeat(u.depth as usize);
            let label = if u.depth == 0 && r.rows.len() > 1 {
                format!("{}{}", u.name, t(lang, "（本级）", " (own)"))
            } else {
                format!("{indent}{}", u.name)
            };
            ws.write_string_with_format(row, 0, label, &fm.text).map_err(err)?;
            figures_row(ws, row, &u.own, &fm, false)?;
            row += 1;
        }
        ws.write_string_with_format(row, 0, t(lang, "合计", "Total"), &fm.bold_text)
            .map_err(err)?;
        figures_row(ws, row, &r.total, &fm, true)?;
        ws.set_column_width(0, 32).map_err(err)?;
        for c in 1..=16u16 {
            ws.set_column_width(c, if matches!(c, 13 | 15 | 16) { 14 } else { 10 }).map_err(err)?;
        }
        ws.set_freeze_panes(4, 1).map_err(err)?;
    }
    share_sheet(
        wb.add_worksheet(),
        lang,
        r,
        t(lang, "投诉性质", "Natures"),
        t(lang, "投诉性质分类", "By complaint nature"),
        &[&r.by_nature],
        &fm,
    )?;
    share_sheet(
        wb.add_worksheet(),
        lang,
        r,
        t(lang, "商品和服务类别", "Categories"),
        t(lang, "商品和服务类别", "By goods and services category"),
        &[&r.by_subject, &r.by_category],
        &fm,
    )?;
    share_sheet(
        wb.add_worksheet(),
        lang,
        r,
        t(lang, "细分领域前十位", "Top 10"),
        t(lang, "商品、服务细分领域投诉前十位", "Top 10 goods and services"),
        &[&r.top_goods, &r.top_services],
        &fm,
    )?;
    {
        let ws = wb.add_worksheet();
        ws.set_name(t(lang, "同比环比", "Comparisons")).map_err(err)?;
        title(
            ws,
            t(lang, "主要指标同比、环比", "Year on year and period on period"),
            &period,
            5,
            &fm,
        )?;
        let cols = [
            (t(lang, "本期", "This period"), ""),
            (t(lang, "去年同期", "Same period last year"), ""),
            (t(lang, "同比", "Year on year"), ""),
            (t(lang, "上期", "Previous period"), ""),
            (t(lang, "环比", "Period on period"), ""),
        ];
        header(ws, 2, t(lang, "指标", "Figure"), &cols, &fm)?;
        for (i, c) in r.changes.iter().enumerate() {
            let row = 4 + i as u32;
            ws.write_string_with_format(row, 0, change_label(&c.key, lang), &fm.text)
                .map_err(err)?;
            for (col, v) in [(1u16, c.now), (2, c.year_before), (4, c.previous)] {
                match v {
                    Some(v) if c.rate => rate(ws, row, col, Some(v as u32), &fm.rate)?,
                    Some(v) if c.key.ends_with("_fen") => money(ws, row, col, v, &fm.money)?,
                    Some(v) => {
                        ws.write_number_with_format(row, col, v as f64, &fm.count).map_err(err)?;
                    }
                    None => {
                        ws.write_string_with_format(row, col, "—", &fm.text).map_err(err)?;
                    }
                }
            }
            for (col, v) in [(3u16, c.yoy_bp), (5, c.mom_bp)] {
                let text = match (v, c.rate) {
                    (Some(bp), true) => {
                        format!("{}{}", num::points(Some(bp)), t(lang, "个百分点", " pts"))
                    }
                    (Some(bp), false) => format!("{}%", num::points(Some(bp))),
                    (None, _) => "—".to_owned(),
                };
                ws.write_string_with_format(row, col, text, &fm.text).map_err(err)?;
            }
        }
        ws.set_column_width(0, 24).map_err(err)?;
        for c in 1..=5 {
            ws.set_column_width(c, 16).map_err(err)?;
        }
    }
    if let Some(s) = &r.submission {
        let ws = wb.add_worksheet();
        ws.set_name(t(lang, "报送与调整", "Submitted")).map_err(err)?;
        let sub = format!(
            "{}{}",
            t(lang, "报送时间：", "Submitted: "),
            s.at.with_timezone(&casedesk_domain::deadline::station_offset())
                .format("%Y-%m-%d %H:%M")
        );
        title(ws, t(lang, "报送数与调整数", "Submitted figures and adjustments"), &sub, 3, &fm)?;
        let cols = [
            (t(lang, "报送数", "Submitted"), ""),
            (t(lang, "现数", "Now"), ""),
            (t(lang, "调整数", "Adjustment"), ""),
        ];
        header(ws, 2, t(lang, "指标", "Figure"), &cols, &fm)?;
        for (i, a) in s.adjustments.iter().enumerate() {
            let row = 4 + i as u32;
            ws.write_string_with_format(row, 0, change_label(&a.key, lang), &fm.text)
                .map_err(err)?;
            if a.key.ends_with("_fen") {
                money(ws, row, 1, a.submitted, &fm.money)?;
                money(ws, row, 2, a.now, &fm.money)?;
                money(ws, row, 3, a.delta, &fm.money)?;
            } else {
                for (col, v) in [(1u16, a.submitted), (2, a.now), (3, a.delta)] {
                    ws.write_number_with_format(row, col, v as f64, &fm.count).map_err(err)?;
                }
            }
        }
        ws.set_column_width(0, 24).map_err(err)?;
        for c in 1..=3 {
            ws.set_column_width(c, 14).map_err(err)?;
        }
    }
    wb.save_to_buffer().map_err(err)
}

/// The label of a figure key (`Figures` fields, change keys).
pub fn change_label(key: &str, lang: Lang) -> &'static str {
    let (zh, en) = match key {
        "received" => ("接收投诉", "Complaints received"),
        "received_reports" => ("接收举报", "Reports received"),
        "received_other" => ("登记的咨询、建议", "Consultations and suggestions registered"),
        "not_accepted" => ("不予受理", "Not accepted"),
        "transferred_out" => ("转出", "Transferred out"),
        "transferred_in" => ("转入", "Transferred in"),
        "to_department" => ("转行政部门", "To a department"),
        "co_handled" => ("协办", "Co-handled"),
        "accepted" => ("受理投诉", "Complaints accepted"),
        "closed" => ("办结", "Closed"),
        "resolved" => ("解决", "Resolved"),
        "resolution_rate" => ("投诉解决率", "Resolution rate"),
        "mediated" => ("调解成功", "Mediated"),
        "mediation_rate" => ("调解成功率", "Mediation success rate"),
        "closed_on_time" => ("按期办结", "Closed on time"),
        "on_time_rate" => ("按期办结率", "On-time closure rate"),
        "recovered_fen" => ("挽回经济损失（万元）", "Recovered (10k yuan)"),
        "doubled_cases" => ("加倍赔偿（件）", "Punitive damages (cases)"),
        "doubled_fen" => ("加倍赔偿金额（万元）", "Punitive damages (10k yuan)"),
        "consultation_people" => ("咨询（人次）", "Consultations (people)"),
        "consultations" => ("咨询登记（条）", "Consultation entries"),
        _ => ("", ""),
    };
    t(lang, zh, en)
}

const REMUNERATION: &[(&str, &str)] = &[
    ("单位代码", "Unit code"),
    ("单位名称", "Unit"),
    ("统计期间", "Period"),
    ("接收", "Received"),
    ("受理", "Accepted"),
    ("办结", "Closed"),
    ("调解成功", "Mediated"),
    ("协办", "Co-handled"),
    ("办理件数（办结+协办）", "Handled (closed + co-handled)"),
    ("咨询人次", "Consultations (people)"),
];

fn remuneration_rows(s: &Supervision) -> Vec<[String; 10]> {
    s.rows
        .iter()
        .map(|r| {
            let f = &r.figures;
            [
                r.code.clone(),
                r.name.clone(),
                s.period.code.clone(),
                f.received.to_string(),
                f.accepted.to_string(),
                f.closed.to_string(),
                f.mediated.to_string(),
                f.co_handled.to_string(),
                r.handled.to_string(),
                f.consultation_people.to_string(),
            ]
        })
        .collect()
}

/// Cases handled per station for the period, for the association's remuneration scheme (CSV,
/// UTF-8 with a byte-order mark so that spreadsheet programs read the Chinese names).
pub fn remuneration_csv(s: &Supervision, lang: Lang) -> String {
    let quote = |v: &str| {
        if v.contains([',', '"', '\n']) {
            format!("\"{}\"", v.replace('"', "\"\""))
        } else {
            v.to_owned()
        }
    };
    let mut out = String::from("\u{feff}");
    let head: Vec<&str> = REMUNERATION.iter().map(|(z, e)| t(lang, z, e)).collect();
    out.push_str(&head.join(","));
    out.push_str("\r\n");
    for row in remuneration_rows(s) {
        let cells: Vec<String> = row.iter().map(|c| quote(c)).collect();
        out.push_str(&cells.join(","));
        out.push_str("\r\n");
    }
    out
}

/// The same table as an .xlsx workbook.
pub fn remuneration_xlsx(s: &Supervision, lang: Lang) -> Result<Vec<u8>> {
    let fm = formats();
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(t(lang, "办理件数", "Cases handled")).map_err(err)?;
    let heading = match lang {
        Lang::Zh => format!("{}各站点办理件数（{}）", s.unit_name, s.period.code),
        Lang::En => format!("{}: cases handled per station ({})", s.unit_name, s.period.code),
    };
    title(ws, &heading, &format!("{} – {}", s.period.from, s.period.to), 9, &fm)?;
    for (c, (z, e)) in REMUNERATION.iter().enumerate() {
        ws.write_string_with_format(2, c as u16, t(lang, z, e), &fm.head).map_err(err)?;
    }
    for (i, row) in remuneration_rows(s).iter().enumerate() {
        let r = 3 + i as u32;
        for (c, v) in row.iter().enumerate() {
            if c >= 3 {
                ws.write_number_with_format(
                    r,
                    c as u16,
                    v.parse::<f64>().unwrap_or(0.0),
                    &fm.count,
                )
                .map_err(err)?;
            } else {
                ws.write_string_with_format(r, c as u16, v, &fm.text).map_err(err)?;
            }
        }
    }
    ws.set_column_width(0, 10).map_err(err)?;
    ws.set_column_width(1, 32).map_err(err)?;
    ws.set_column_width(2, 12).map_err(err)?;
    for c in 3..=9 {
        ws.set_column_width(c, if c == 8 { 16 } else { 10 }).map_err(err)?;
    }
    staff_sheet(&mut wb, s, lang, &fm)?;
    wb.save_to_buffer().map_err(err)
}

/// The columns of the per-staff sheet (and of the CLI's `--by-staff` table).
pub const STAFF_COLUMNS: &[(&str, &str)] = &[
    ("单位", "Unit"),
    ("工作人员", "Staff member"),
    ("登记投诉", "Registered"),
    ("受理", "Accepted"),
    ("不予受理", "Not accepted"),
    ("调解次数", "Sessions"),
    ("办结", "Closed"),
    ("按期办结率", "On time"),
    ("调解成功率", "Mediated"),
    ("回访", "Follow-ups"),
    ("回访满意率", "Satisfied"),
    ("超期在办", "Overdue"),
    ("咨询人次", "Consultations (people)"),
];

/// The name shown for a row of the per-staff table.
pub fn staff_label(r: &StaffFigures, lang: Lang) -> String {
    match (&r.staff, r.name.is_empty()) {
        (None, true) => t(lang, "（未记录经办人）", "(no staff member recorded)").to_owned(),
        (None, false) => match lang {
            Lang::Zh => format!("{}（非本站工作人员）", r.name),
            Lang::En => format!("{} (not on the staff list)", r.name),
        },
        (Some(_), _) if r.inactive => match lang {
            Lang::Zh => format!("{}（已停用）", r.name),
            Lang::En => format!("{} (inactive)", r.name),
        },
        _ => r.name.clone(),
    }
}

fn staff_sheet(wb: &mut Workbook, s: &Supervision, lang: Lang, fm: &Formats) -> Result<()> {
    let ws = wb.add_worksheet();
    ws.set_name(t(lang, "工作人员", "Staff")).map_err(err)?;
    let heading = match lang {
        Lang::Zh => format!("{}工作人员工作量（{}）", s.unit_name, s.period.code),
        Lang::En => format!("{}: work per staff member ({})", s.unit_name, s.period.code),
    };
    let last = (STAFF_COLUMNS.len() - 1) as u16;
    title(ws, &heading, &format!("{} – {}", s.period.from, s.period.to), last, fm)?;
    for (c, (z, e)) in STAFF_COLUMNS.iter().enumerate() {
        ws.write_string_with_format(2, c as u16, t(lang, z, e), &fm.head).map_err(err)?;
    }
    for (i, f) in s.staff.iter().enumerate() {
        let r = 3 + i as u32;
        ws.write_string_with_format(r, 0, f.unit.as_deref().unwrap_or(""), &fm.text)
            .map_err(err)?;
        ws.write_string_with_format(r, 1, staff_label(f, lang), &fm.text).map_err(err)?;
        let counts = [f.registered, f.accepted, f.not_accepted, f.sessions, f.closed];
        for (c, v) in counts.iter().enumerate() {
            ws.write_number_with_format(r, 2 + c as u16, *v as f64, &fm.count).map_err(err)?;
        }
        rate(ws, r, 7, f.on_time_rate_bp, &fm.rate)?;
        rate(ws, r, 8, f.mediation_rate_bp, &fm.rate)?;
        ws.write_number_with_format(r, 9, f.followed_up as f64, &fm.count).map_err(err)?;
        rate(ws, r, 10, f.satisfaction_rate_bp, &fm.rate)?;
        ws.write_number_with_format(r, 11, f.overdue as f64, &fm.count).map_err(err)?;
        ws.write_number_with_format(r, 12, f.consultation_people as f64, &fm.count).map_err(err)?;
    }
    ws.set_column_width(0, 10).map_err(err)?;
    ws.set_column_width(1, 26).map_err(err)?;
    for c in 2..=last {
        ws.set_column_width(c, 11).map_err(err)?;
    }
    Ok(())
}
