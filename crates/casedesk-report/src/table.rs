//! The report as printable tables: every cell as the text shown, in the CCA layout of the
//! .xlsx (`xlsx::report_xlsx`: the same columns, groups, rows and labels). The PDF of
//! casedesk-docs typesets these, so the PDF, the xlsx, the CLI and the screen show the same
//! figures from the same `Report`.

use serde::Serialize;

use casedesk_domain::Lang;

use crate::figures::Figures;
use crate::num::{percent, points, wan};
use crate::report::{Report, Share, code_label};
use crate::xlsx::{COLUMNS, change_label};

fn t(lang: Lang, zh: &'static str, en: &'static str) -> &'static str {
    if lang == Lang::Zh { zh } else { en }
}

/// A header group: its text and how many columns it spans (1 with an empty `columns` entry:
/// a single column merged down over both header rows).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Group {
    pub text: String,
    pub span: usize,
    /// The column names under the group ("" for a single column merged down).
    pub columns: Vec<String>,
}

/// One table: a two-row header of groups, rows of cells (the first is the label), and whether
/// each row is a total (bold).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Table {
    pub title: String,
    pub first: String,
    pub groups: Vec<Group>,
    pub rows: Vec<Vec<String>>,
    pub bold: Vec<bool>,
}

/// The whole report as tables, with its headings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Tables {
    pub title: String,
    pub unit: String,
    pub period: String,
    pub computed: String,
    pub overview: Table,
    pub breakdowns: Vec<Table>,
    pub changes: Table,
    pub submission: Option<Table>,
}

/// The cells of a figures row, in the order of `xlsx::COLUMNS`.
pub fn figure_cells(f: &Figures) -> Vec<String> {
    let d = f.derived();
    vec![
        f.received.to_string(),
        f.not_accepted.to_string(),
        f.transferred_out.to_string(),
        f.transferred_in.to_string(),
        f.co_handled.to_string(),
        f.accepted.to_string(),
        f.closed.to_string(),
        f.resolved.to_string(),
        percent(d.resolution_rate_bp),
        f.mediated.to_string(),
        percent(d.mediation_rate_bp),
        percent(d.on_time_rate_bp),
        d.recovered_wan,
        f.doubled_cases.to_string(),
        d.doubled_wan,
        f.consultation_people.to_string(),
    ]
}

fn groups(cols: &[(&str, &str)]) -> Vec<Group> {
    let mut out: Vec<Group> = Vec::new();
    for (group, name) in cols {
        match out.last_mut() {
            Some(g) if g.text == *group && !name.is_empty() => {
                g.span += 1;
                g.columns.push((*name).to_owned());
            }
            _ => out.push(Group {
                text: (*group).to_owned(),
                span: 1,
                columns: vec![(*name).to_owned()],
            }),
        }
    }
    out
}

fn share_table(lang: Lang, r: &Report, title: &str, lines: &[&[Share]]) -> Table {
    let cols = [
        (t(lang, "本期", "This period"), t(lang, "件数", "Cases")),
        (t(lang, "本期", "This period"), t(lang, "比重", "Share")),
        (t(lang, "去年同期", "Same period last year"), t(lang, "件数", "Cases")),
        (t(lang, "去年同期", "Same period last year"), t(lang, "比重", "Share")),
        (t(lang, "比重变化（百分点）", "Change of share (points)"), ""),
    ];
    let mut rows = Vec::new();
    for block in lines {
        for s in *block {
            rows.push(vec![
                code_label(&s.code, lang, Some(r.period.to)),
                s.count.to_string(),
                percent(s.share_bp),
                s.last_year.to_string(),
                percent(s.last_year_share_bp),
                points(s.change_bp),
            ]);
        }
    }
    rows.push(vec![
        t(lang, "合计（受理）", "Total (accepted)").to_owned(),
        r.total.accepted.to_string(),
        String::new(),
        r.year_before_total.accepted.to_string(),
        String::new(),
        String::new(),
    ]);
    let mut bold = vec![false; rows.len() - 1];
    bold.push(true);
    Table {
        title: title.to_owned(),
        first: t(lang, "项目", "Item").to_owned(),
        groups: groups(&cols),
        rows,
        bold,
    }
}

fn value(v: Option<i64>, rate: bool, key: &str) -> String {
    match v {
        Some(v) if rate => percent(u32::try_from(v).ok()),
        Some(v) if key.ends_with("_fen") => wan(v),
        Some(v) => v.to_string(),
        None => "—".to_owned(),
    }
}

/// The report as tables (the xlsx's sheets, in the same order).
pub fn report_tables(r: &Report, lang: Lang) -> Tables {
    let cols: Vec<(&str, &str)> =
        COLUMNS.iter().map(|(gz, ge, cz, ce)| (t(lang, gz, ge), t(lang, cz, ce))).collect();
    let mut rows = Vec::new();
    for u in &r.rows {
        let label = if u.depth == 0 && r.rows.len() > 1 {
            format!("{}{}", u.name, t(lang, "（本级）", " (own)"))
        } else {
            format!("{}{}", "　".repeat(u.depth as usize), u.name)
        };
        let mut row = vec![label];
        row.extend(figure_cells(&u.own));
        rows.push(row);
    }
    let mut total = vec![t(lang, "合计", "Total").to_owned()];
    total.extend(figure_cells(&r.total));
    rows.push(total);
    let mut bold = vec![false; rows.len() - 1];
    bold.push(true);
    let overview = Table {
        title: t(lang, "受理投诉情况", "Complaints handled").to_owned(),
        first: t(lang, "单位", "Unit").to_owned(),
        groups: groups(&cols),
        rows,
        bold,
    };
    let breakdowns = vec![
        share_table(lang, r, t(lang, "投诉性质分类", "By complaint nature"), &[&r.by_nature]),
        share_table(
            lang,
            r,
            t(lang, "商品和服务类别", "By goods and services category"),
            &[&r.by_subject, &r.by_category],
        ),
        share_table(
            lang,
            r,
            t(lang, "商品、服务细分领域投诉前十位", "Top 10 goods and services"),
            &[&r.top_goods, &r.top_services],
        ),
    ];
    let change_rows: Vec<Vec<String>> = r
        .changes
        .iter()
        .map(|c| {
            let change = |v: Option<i64>| match (v, c.rate) {
                (Some(bp), true) => format!("{}{}", points(Some(bp)), t(lang, "个百分点", " pts")),
                (Some(bp), false) => format!("{}%", points(Some(bp))),
                (None, _) => "—".to_owned(),
            };
            vec![
                change_label(&c.key, lang).to_owned(),
                value(c.now, c.rate, &c.key),
                value(c.year_before, c.rate, &c.key),
                change(c.yoy_bp),
                value(c.previous, c.rate, &c.key),
                change(c.mom_bp),
            ]
        })
        .collect();
    let changes = Table {
        title: t(lang, "主要指标同比、环比", "Year on year and period on period").to_owned(),
        first: t(lang, "指标", "Figure").to_owned(),
        groups: groups(&[
            (t(lang, "本期", "This period"), ""),
            (t(lang, "去年同期", "Same period last year"), ""),
            (t(lang, "同比", "Year on year"), ""),
            (t(lang, "上期", "Previous period"), ""),
            (t(lang, "环比", "Period on period"), ""),
        ]),
        bold: vec![false; change_rows.len()],
        rows: change_rows,
    };
    let submission = r.submission.as_ref().map(|s| {
        let rows: Vec<Vec<String>> = s
            .adjustments
            .iter()
            .map(|a| {
                let v = |x: i64| if a.key.ends_with("_fen") { wan(x) } else { x.to_string() };
                vec![change_label(&a.key, lang).to_owned(), v(a.submitted), v(a.now), v(a.delta)]
            })
            .collect();
        Table {
            title: format!(
                "{}{}{}",
                t(
                    lang,
                    "报送数与调整数（报送时间：",
                    "Submitted figures and adjustments (submitted "
                ),
                s.at.with_timezone(&casedesk_domain::deadline::station_offset())
                    .format("%Y-%m-%d %H:%M"),
                t(lang, "）", ")")
            ),
            first: t(lang, "指标", "Figure").to_owned(),
            groups: groups(&[
                (t(lang, "报送数", "Submitted"), ""),
                (t(lang, "现数", "Now"), ""),
                (t(lang, "调整数", "Adjustment"), ""),
            ]),
            bold: vec![false; rows.len()],
            rows,
        }
    });
    Tables {
        title: match lang {
            Lang::Zh => format!("{}受理投诉情况统计表", r.unit_name),
            Lang::En => format!("{}: complaints handled", r.unit_name),
        },
        unit: r.unit_name.clone(),
        period: format!("{} {} – {}", r.period.code, r.period.from, r.period.to),
        computed: r
            .computed_at
            .with_timezone(&casedesk_domain::deadline::station_offset())
            .format("%Y-%m-%d %H:%M")
            .to_string(),
        overview,
        breakdowns,
        changes,
        submission,
    }
}
