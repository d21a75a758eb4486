//! The editable copy (.docx) of a document: the same content model as the PDF (`DocModel`),
//! written with docx-rs. East Asian text is set in 宋体 (headings in 黑体), Latin in Times New
//! Roman, Tibetan and Mongolian runs name the Noto faces; tables have explicit column widths
//! (twips) and a fixed layout, so Word and WPS keep the form's shape.

use docx_rs::{
    AlignmentType, Docx, LineSpacing, PageMargin, Paragraph, Run, RunFonts, Shading,
    SpecialIndentType, Table, TableCell, TableLayoutType, TableRow, WidthType,
};

use crate::compose::{Block, DocModel, Field};
use crate::{DocsError, Result};

/// Text width of a notice (A4 less 28 + 26 mm) and of a form (less 25 + 22 mm), in twips.
const NOTICE_WIDTH: usize = 8844;
const FORM_WIDTH: usize = 9241;

fn fonts_for(text: &str, east_asia: &str) -> RunFonts {
    let cs = if text.chars().any(|c| ('\u{0F00}'..='\u{0FFF}').contains(&c)) {
        "Noto Serif Tibetan"
    } else if text.chars().any(|c| ('\u{1800}'..='\u{18AF}').contains(&c)) {
        "Noto Sans Mongolian"
    } else {
        "Times New Roman"
    };
    RunFonts::new().east_asia(east_asia).ascii("Times New Roman").hi_ansi("Times New Roman").cs(cs)
}

/// `size` in points.
fn run(text: &str, size: f32, bold: bool, east_asia: &str) -> Run {
    let mut r =
        Run::new().add_text(text).size((size * 2.0) as usize).fonts(fonts_for(text, east_asia));
    if bold {
        r = r.bold();
    }
    r
}

fn para(text: &str, size: f32, indent: bool) -> Paragraph {
    let mut p = Paragraph::new().add_run(run(text, size, false, "宋体")).align(AlignmentType::Both);
    if indent {
        p = p.indent(None, Some(SpecialIndentType::FirstLine((size * 40.0) as i32)), None, None);
    }
    p.line_spacing(LineSpacing::new().after(0).line(if size > 14.0 { 560 } else { 360 }))
}

fn cell(text: &str, width: usize, span: usize, size: f32, label: bool) -> TableCell {
    let font = if label { "黑体" } else { "宋体" };
    let mut p = Paragraph::new();
    for (i, line) in text.split('\n').enumerate() {
        let mut r = run(line, size, false, font);
        if i > 0 {
            r = Run::new()
                .add_break(docx_rs::BreakType::TextWrapping)
                .add_text(line)
                .size((size * 2.0) as usize)
                .fonts(fonts_for(line, font));
        }
        p = p.add_run(r);
    }
    if label {
        p = p.align(AlignmentType::Center);
    }
    let mut c = TableCell::new().add_paragraph(p).width(width, WidthType::Dxa);
    if span > 1 {
        c = c.grid_span(span);
    }
    c
}

fn fields_table(title: &str, fields: &[Field], width: usize, size: f32) -> Table {
    // Four columns: label, value, label, value.
    let label = width * 16 / 100;
    let value = width / 2 - label;
    let grid = vec![label, value, label, value];
    let mut rows = Vec::new();
    if !title.is_empty() {
        rows.push(TableRow::new(vec![
            cell(title, width, 4, size, true).shading(Shading::new().fill("EBEBEB")),
        ]));
    }
    let mut pending: Option<&Field> = None;
    let wide_row = |f: &Field| {
        TableRow::new(vec![
            cell(&f.label, label, 1, size, true),
            cell(&f.value, width - label, 3, size, false),
        ])
    };
    for f in fields {
        if f.wide {
            if let Some(p) = pending.take() {
                rows.push(wide_row(p));
            }
            rows.push(wide_row(f));
        } else if let Some(p) = pending.take() {
            rows.push(TableRow::new(vec![
                cell(&p.label, label, 1, size, true),
                cell(&p.value, value, 1, size, false),
                cell(&f.label, label, 1, size, true),
                cell(&f.value, value, 1, size, false),
            ]));
        } else {
            pending = Some(f);
        }
    }
    if let Some(p) = pending {
        rows.push(wide_row(p));
    }
    Table::new(rows).set_grid(grid).layout(TableLayoutType::Fixed).width(width, WidthType::Dxa)
}

fn grid_table(
    header: &[String],
    widths: &[f64],
    rows: &[Vec<String>],
    width: usize,
    size: f32,
) -> Table {
    let total: f64 = widths.iter().sum::<f64>().max(1.0);
    let cols: Vec<usize> = widths.iter().map(|w| (w / total * width as f64) as usize).collect();
    let mut out = vec![TableRow::new(
        header.iter().zip(&cols).map(|(h, w)| cell(h, *w, 1, size, true)).collect(),
    )];
    for r in rows {
        out.push(TableRow::new(
            r.iter().zip(&cols).map(|(t, w)| cell(t, *w, 1, size, false)).collect(),
        ));
    }
    Table::new(out).set_grid(cols).layout(TableLayoutType::Fixed).width(width, WidthType::Dxa)
}

/// The .docx bytes of `m`.
pub fn write(m: &DocModel) -> Result<Vec<u8>> {
    let notice = m.layout == "notice";
    let (width, body) = if notice { (NOTICE_WIDTH, 16.0) } else { (FORM_WIDTH, 12.0) };
    let small = if notice { 12.0 } else { 11.0 };
    let mm = |v: f64| (v * 56.7) as i32;
    let margin = if notice {
        PageMargin::new().top(mm(37.0)).bottom(mm(35.0)).left(mm(28.0)).right(mm(26.0))
    } else {
        PageMargin::new().top(mm(18.0)).bottom(mm(18.0)).left(mm(25.0)).right(mm(22.0))
    };
    let mut d = Docx::new()
        .page_size(11906, 16838)
        .page_margin(margin)
        .default_fonts(fonts_for("", "宋体"))
        .default_size((body * 2.0) as usize);
    let center = |p: Paragraph| p.align(AlignmentType::Center);
    if notice {
        let mut r = run(&m.issuer, 26.0, true, "宋体");
        r = r.color("C8161D");
        d = d.add_paragraph(center(Paragraph::new().add_run(r)));
        if !m.entrusted_line.is_empty() {
            d = d.add_paragraph(center(Paragraph::new().add_run(run(
                &m.entrusted_line,
                12.0,
                false,
                "宋体",
            ))));
        }
        d = d.add_paragraph(center(Paragraph::new().add_run(run(&m.number, 16.0, false, "宋体"))));
        d = d.add_paragraph(center(Paragraph::new().add_run(run(&m.title, 22.0, true, "宋体"))));
    } else {
        d = d.add_paragraph(center(Paragraph::new().add_run(run(&m.title, 22.0, true, "宋体"))));
        d = d.add_paragraph(Paragraph::new().add_run(run(
            &format!("{}        编号：{}", m.heading_left, m.number),
            11.0,
            false,
            "宋体",
        )));
    }
    if !m.addressee.is_empty() {
        d = d.add_paragraph(para(&format!("{}：", m.addressee), body, false));
    }
    for b in &m.blocks {
        d = match b {
            Block::Para { text } => d.add_paragraph(para(text, body, true)),
            Block::Heading { text } => {
                d.add_paragraph(Paragraph::new().add_run(run(text, body, true, "黑体")).indent(
                    None,
                    Some(SpecialIndentType::FirstLine((body * 40.0) as i32)),
                    None,
                    None,
                ))
            }
            Block::Fields { title, fields } => {
                d.add_table(fields_table(title, fields, width, small))
            }
            Block::Table { header, widths, rows } => {
                d.add_table(grid_table(header, widths, rows, width, small))
            }
            Block::Items { items, marked } => {
                let mut d = d;
                for (i, t) in items.iter().enumerate() {
                    let mark = if *marked == Some(i) { " ☑" } else { "" };
                    d = d.add_paragraph(para(&format!("（{}）{t}{mark}", i + 1), body, true));
                }
                d
            }
            Block::Signatures { lines } => {
                let mut d = d;
                for pair in lines.chunks(2) {
                    let text = pair
                        .iter()
                        .map(|l| format!("{l}：____________"))
                        .collect::<Vec<_>>()
                        .join("    ");
                    d = d.add_paragraph(para(&text, small + 2.0, false));
                }
                d
            }
            Block::Note { text } => d.add_paragraph(para(text, small, false)),
            Block::Space { .. } => d.add_paragraph(Paragraph::new()),
        };
    }
    if m.seal {
        d = d.add_paragraph(Paragraph::new());
        for t in [&m.issuer_sign, &m.date] {
            d = d.add_paragraph(
                Paragraph::new()
                    .add_run(run(t, body, false, "宋体"))
                    .align(AlignmentType::Right)
                    .indent(None, None, Some((body * 40.0) as i32), None),
            );
        }
    }
    if !m.tail.is_empty() {
        d = d.add_paragraph(para(&m.tail, small, true));
    }
    let mut out = std::io::Cursor::new(Vec::new());
    d.build().pack(&mut out).map_err(|e| DocsError::Export(e.to_string()))?;
    Ok(out.into_inner())
}
