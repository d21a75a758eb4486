//! `casedesk report`, `report submit`, `hotspots`, `supervision`: the statistics of
//! casedesk-report, as tables, JSON or files.

use std::path::PathBuf;

use casedesk_report::hotspots::{self, Params};
use casedesk_report::num::{percent, points, wan};
use casedesk_report::report::code_label;
use casedesk_report::xlsx::{self, change_label};
use casedesk_report::{Period, ReportError};
use clap::{Args, Subcommand};

use crate::output::{clip, table};
use crate::{CmdResult, Ctx, Failure};

impl From<ReportError> for Failure {
    fn from(e: ReportError) -> Failure {
        Failure::Core(e.into_store())
    }
}

#[derive(Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct ReportArgs {
    #[command(subcommand)]
    cmd: Option<ReportCmd>,
    #[command(flatten)]
    show: ShowArgs,
}

#[derive(Args)]
pub struct ShowArgs {
    /// 2026-11, 2026-Q4, 2026-H2, 2026 or 2026-10-01..2026-12-31.
    #[arg(long)]
    period: Option<String>,
    /// The unit reported on (with every unit below it); this station's own by default.
    #[arg(long)]
    unit: Option<String>,
    #[arg(long)]
    json: bool,
    /// Also write the report as an .xlsx workbook in the CCA layout.
    #[arg(long, value_name = "FILE")]
    xlsx: Option<PathBuf>,
    /// Also write the report as a PDF (A4, the same tables as the .xlsx).
    #[arg(long, value_name = "FILE")]
    pdf: Option<PathBuf>,
}

#[derive(Subcommand)]
enum ReportCmd {
    /// Submit (报送) this station's report for the period: its figures are frozen in a
    /// `report.submitted` event and synced up; later changes show as adjustments.
    Submit {
        #[arg(long)]
        period: String,
        #[arg(long, default_value = "")]
        note: String,
    },
}

#[derive(Args)]
pub struct HotspotsArgs {
    /// Weeks shown (the current one included).
    #[arg(long, default_value_t = 12)]
    weeks: u32,
    #[arg(long)]
    unit: Option<String>,
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
pub struct SupervisionArgs {
    #[arg(long)]
    period: String,
    #[arg(long)]
    unit: Option<String>,
    #[arg(long)]
    json: bool,
    /// The table per staff member (with `--json`: only the staff rows).
    #[arg(long)]
    by_staff: bool,
    /// Write the cases handled per station (for remuneration) as CSV.
    #[arg(long, value_name = "FILE")]
    csv: Option<PathBuf>,
    /// The same as an .xlsx workbook.
    #[arg(long, value_name = "FILE")]
    xlsx: Option<PathBuf>,
}

fn period(s: &str) -> Result<Period, Failure> {
    Ok(Period::parse(s)?)
}

fn print_json(v: &impl serde::Serialize) -> CmdResult {
    println!("{}", serde_json::to_string_pretty(v).map_err(casedesk_store::StoreError::from)?);
    Ok(())
}

pub fn report(ctx: &Ctx, args: ReportArgs) -> CmdResult {
    match args.cmd {
        Some(ReportCmd::Submit { period: p, note }) => {
            let (mut store, me) = ctx.signed_in()?;
            let p = period(&p)?;
            casedesk_report::submit(&mut store, &me, &p, &note, None)?;
            let r = casedesk_report::report(&store, None, &p)?;
            println!(
                "{} {} {}: {} {}, {} {}",
                ctx.t("已报送", "Submitted"),
                r.unit,
                p.code,
                ctx.t("受理", "accepted"),
                r.total.accepted,
                ctx.t("办结", "closed"),
                r.total.closed
            );
            Ok(())
        }
        None => show(ctx, args.show),
    }
}

fn show(ctx: &Ctx, a: ShowArgs) -> CmdResult {
    let (store, _) = ctx.signed_in()?;
    let Some(p) = a.period.as_deref() else {
        return Err(Failure::Usage("cli.bad_arg", "--period".into()));
    };
    let p = period(p)?;
    let r = casedesk_report::report(&store, a.unit.as_deref(), &p)?;
    if let Some(path) = &a.xlsx {
        std::fs::write(path, xlsx::report_xlsx(&r, ctx.lang)?)?;
    }
    if let Some(path) = &a.pdf {
        std::fs::write(path, casedesk_docs::statistics::report_pdf(&r, ctx.lang)?)?;
    }
    if a.json {
        return print_json(&r);
    }
    let lang = ctx.lang;
    println!("{} {} ({} – {})", r.unit_name, p.code, p.from, p.to);
    let mut rows = vec![
        [
            "单位",
            "接收",
            "转出",
            "协办",
            "受理",
            "办结",
            "解决率",
            "调解成功率",
            "按期办结率",
            "挽回(万元)",
            "咨询(人次)",
        ]
        .iter()
        .zip([
            "Unit",
            "Received",
            "Out",
            "Co-h.",
            "Accepted",
            "Closed",
            "Resolved",
            "Mediated",
            "On time",
            "Recovered (10k)",
            "Consult.",
        ])
        .map(|(z, e)| ctx.t(z, e).to_owned())
        .collect::<Vec<_>>(),
    ];
    let line = |name: String, f: &casedesk_report::Figures| {
        let d = f.derived();
        vec![
            name,
            f.received.to_string(),
            f.transferred_out.to_string(),
            f.co_handled.to_string(),
            f.accepted.to_string(),
            f.closed.to_string(),
            percent(d.resolution_rate_bp),
            percent(d.mediation_rate_bp),
            percent(d.on_time_rate_bp),
            d.recovered_wan,
            f.consultation_people.to_string(),
        ]
    };
    for u in &r.rows {
        let mark =
            if u.submitted_at.is_some() { ctx.t(" ✓已报送", " ✓submitted") } else { "" };
        rows.push(line(
            format!("{}{}{mark}", "  ".repeat(u.depth as usize), clip(&u.name, 28)),
            &u.own,
        ));
    }
    if r.rows.len() > 1 {
        rows.push(line(ctx.t("合计", "Total").to_owned(), &r.total));
    }
    table(&rows);
    let f = &r.total;
    println!(
        "\n{}: {}  {}: {}  {}: {}  {}: {} / {} {}",
        ctx.t("解决", "resolved"),
        f.resolved,
        ctx.t("调解成功", "mediated"),
        f.mediated,
        ctx.t("举报", "reports"),
        f.received_reports,
        ctx.t("加倍赔偿", "punitive"),
        f.doubled_cases,
        wan(f.doubled_fen),
        ctx.t("万元", "×10k yuan")
    );
    println!("\n{}", ctx.t("同比 / 环比", "Year on year / period on period"));
    let mut rows = vec![vec![
        String::new(),
        ctx.t("本期", "now").to_owned(),
        r.year_before.code.clone(),
        ctx.t("同比", "yoy").to_owned(),
        r.previous.code.clone(),
        ctx.t("环比", "pop").to_owned(),
    ]];
    for c in &r.changes {
        let show = |v: Option<i64>| match v {
            Some(v) if c.rate => percent(Some(v as u32)),
            Some(v) if c.key.ends_with("_fen") => wan(v),
            Some(v) => v.to_string(),
            None => "—".into(),
        };
        let change = |v: Option<i64>| {
            if c.rate {
                points(v)
            } else {
                v.map_or("—".into(), |bp| format!("{}%", &points(Some(bp))))
            }
        };
        rows.push(vec![
            change_label(&c.key, lang).to_owned(),
            show(c.now),
            show(c.year_before),
            change(c.yoy_bp),
            show(c.previous),
            change(c.mom_bp),
        ]);
    }
    table(&rows);
    for (title, list) in [
        (ctx.t("投诉性质", "By nature"), &r.by_nature),
        (ctx.t("商品/服务/其他", "Goods / services / other"), &r.by_subject),
        (ctx.t("商品和服务大类", "By category"), &r.by_category),
        (ctx.t("商品前十位", "Top 10 goods"), &r.top_goods),
        (ctx.t("服务前十位", "Top 10 services"), &r.top_services),
    ] {
        if list.is_empty() {
            continue;
        }
        println!("\n{title}");
        let mut rows = vec![vec![
            String::new(),
            ctx.t("件", "cases").to_owned(),
            ctx.t("比重", "share").to_owned(),
            ctx.t("去年同期", "last year").to_owned(),
            ctx.t("比重变化(百分点)", "change (pts)").to_owned(),
        ]];
        for s in list.iter() {
            rows.push(vec![
                clip(&code_label(&s.code, lang, Some(p.to)), 30),
                s.count.to_string(),
                percent(s.share_bp),
                s.last_year.to_string(),
                points(s.change_bp),
            ]);
        }
        table(&rows);
    }
    if let Some(s) = &r.submission {
        println!("\n{} {}", ctx.t("已报送于", "Submitted at"), crate::output::local_time(s.at));
        if s.adjustments.is_empty() {
            println!("  {}", ctx.t("报送后无变化", "no change since"));
        }
        for a in &s.adjustments {
            println!(
                "  {} {} → {} ({:+})",
                change_label(&a.key, lang),
                a.submitted,
                a.now,
                a.delta
            );
        }
    }
    Ok(())
}

pub fn hotspots(ctx: &Ctx, a: HotspotsArgs) -> CmdResult {
    let (store, _) = ctx.signed_in()?;
    let h = hotspots::hot_spots(&store, a.unit.as_deref(), a.weeks, &Params::default())?;
    if a.json {
        return print_json(&h);
    }
    let p = &h.params;
    println!(
        "{} — {} {} ({}: EARS C2, {} {}, {} {}, > {}σ, σ ≥ {}, ≥ {} {}; {} ≥ {} / {} {})",
        h.unit_name,
        h.weeks.len(),
        ctx.t("周", "weeks"),
        ctx.t("方法", "method"),
        ctx.t("基线", "baseline"),
        p.baseline_weeks,
        ctx.t("间隔", "guard"),
        p.guard_weeks,
        p.threshold,
        p.sigma_floor,
        p.min_count,
        ctx.t("件", "cases"),
        ctx.t("同一被投诉人", "same respondent"),
        p.respondent_min,
        p.respondent_days,
        ctx.t("天", "days"),
    );
    if h.alerts.is_empty() {
        println!("{}", ctx.t("没有预警", "no alerts"));
    }
    let mut rows = vec![vec![
        ctx.t("周", "week").to_owned(),
        ctx.t("维度", "dimension").to_owned(),
        ctx.t("对象", "what").to_owned(),
        ctx.t("件", "cases").to_owned(),
        ctx.t("基线均值", "expected").to_owned(),
        ctx.t("统计量", "score").to_owned(),
        ctx.t("规则", "rule").to_owned(),
    ]];
    for al in &h.alerts {
        rows.push(vec![
            format!("{}–{}", al.from.format("%m-%d"), al.to.format("%m-%d")),
            al.dimension.code().to_owned(),
            clip(&al.label, 28),
            al.count.to_string(),
            format!("{:.2}", al.expected),
            format!("{:.2}", al.score),
            al.rule.clone(),
        ]);
    }
    if rows.len() > 1 {
        table(&rows);
    }
    Ok(())
}

pub fn supervision(ctx: &Ctx, a: SupervisionArgs) -> CmdResult {
    let (store, _) = ctx.signed_in()?;
    let p = period(&a.period)?;
    let s = casedesk_report::supervision::supervision(&store, a.unit.as_deref(), &p)?;
    if let Some(path) = &a.csv {
        std::fs::write(path, xlsx::remuneration_csv(&s, ctx.lang))?;
    }
    if let Some(path) = &a.xlsx {
        std::fs::write(path, xlsx::remuneration_xlsx(&s, ctx.lang)?)?;
    }
    if a.by_staff {
        if a.json {
            return print_json(&s.staff);
        }
        return staff_table(ctx, &s);
    }
    if a.json {
        return print_json(&s);
    }
    println!("{} {} ({} – {})", s.unit_name, p.code, p.from, p.to);
    let mut rows = vec![
        [
            "单位",
            "在办",
            "受理",
            "办理",
            "按期办结率",
            "调解成功率",
            "回访满意率",
            "超期",
            "距最近活动(天)",
            "示范站条件",
        ]
        .iter()
        .zip([
            "Unit",
            "Open",
            "Accepted",
            "Handled",
            "On time",
            "Mediated",
            "Satisfied",
            "Overdue",
            "Days since activity",
            "Criteria",
        ])
        .map(|(z, e)| ctx.t(z, e).to_owned())
        .collect::<Vec<_>>(),
    ];
    for r in &s.rows {
        let met = r.checklist.iter().filter(|c| c.met == Some(true)).count();
        let judged = r.checklist.iter().filter(|c| c.met.is_some()).count();
        rows.push(vec![
            format!("{}{}", "  ".repeat(r.depth as usize), clip(&r.name, 28)),
            r.open.to_string(),
            r.figures.accepted.to_string(),
            r.handled.to_string(),
            percent(r.derived.on_time_rate_bp),
            percent(r.derived.mediation_rate_bp),
            percent(r.satisfaction_rate_bp),
            r.overdue.to_string(),
            r.days_since_activity.map_or("—".into(), |d| d.to_string()),
            format!("{met}/{judged}{}", if r.meets_criteria { " ✓" } else { "" }),
        ]);
    }
    table(&rows);
    println!(
        "\n{}",
        ctx.t(
            "示范站条件：按期办结率≥90%、调解成功率≥60%、回访率≥50%、回访满意率≥90%、无超期案件、≥95%的投诉已作受理决定、7天内有活动。按工作人员统计：--by-staff。",
            "Demonstration-station criteria: on time ≥ 90 %, mediated ≥ 60 %, followed up ≥ 50 %, satisfied ≥ 90 %, nothing overdue, ≥ 95 % of complaints decided, activity within 7 days. Per staff member: --by-staff."
        )
    );
    Ok(())
}

fn staff_table(ctx: &Ctx, s: &casedesk_report::supervision::Supervision) -> CmdResult {
    println!(
        "{} {} ({} – {}) {}",
        s.unit_name,
        s.period.code,
        s.period.from,
        s.period.to,
        ctx.t("按工作人员", "per staff member")
    );
    let mut rows =
        vec![xlsx::STAFF_COLUMNS.iter().map(|(z, e)| ctx.t(z, e).to_owned()).collect::<Vec<_>>()];
    for r in &s.staff {
        rows.push(vec![
            r.unit.clone().unwrap_or_default(),
            clip(&xlsx::staff_label(r, ctx.lang), 24),
            r.registered.to_string(),
            r.accepted.to_string(),
            r.not_accepted.to_string(),
            r.sessions.to_string(),
            r.closed.to_string(),
            percent(r.on_time_rate_bp),
            percent(r.mediation_rate_bp),
            r.followed_up.to_string(),
            percent(r.satisfaction_rate_bp),
            r.overdue.to_string(),
            r.consultation_people.to_string(),
        ]);
    }
    table(&rows);
    println!(
        "\n{}",
        ctx.t(
            "登记、受理、办结、回访、咨询计入记录该事件的工作人员；调解次数计入笔录所列调解员；超期在办计入最后经办人。",
            "Registration, acceptance, closure, follow-up and consultations count for the staff member who recorded them; sessions for the mediator named in the record; overdue cases for whoever last acted on them."
        )
    );
    Ok(())
}
