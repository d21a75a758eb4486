//! `casedesk case ...`, `search`, `calendar` and the crash-test writer.

use std::path::PathBuf;

use casedesk_domain::event::*;
use casedesk_domain::types::*;
use casedesk_domain::validate::parse_yuan;
use casedesk_domain::{Issue, Lang};
use casedesk_store::query::{ListQuery, Sort};
use casedesk_store::{Store, StoreError};
use chrono::{DateTime, NaiveDate, Utc};
use clap::{Args, Subcommand};

use crate::output::{clip, local_time, table, yuan};
use crate::{CmdResult, Ctx, Failure};

#[derive(Subcommand)]
pub enum CaseCmd {
    /// Register a case from a JSON file (the `case.registered` payload) or from flags.
    Add(Box<AddArgs>),
    /// List cases, newest first or by deadline.
    List {
        #[command(flatten)]
        filters: Filters,
        #[arg(long)]
        json: bool,
    },
    /// Show a case with its timeline (ID and phone numbers masked).
    Show {
        /// Case number or id.
        no: String,
        #[arg(long)]
        json: bool,
    },
    /// Show one masked number of a case in full (查看完整信息): needs the reveal permission and
    /// is recorded in the access log.
    Reveal {
        /// Case number or id.
        no: String,
        /// The field, e.g. complainants[0].id_number or complainants[0].phones[0] (`case show
        /// --json` lists them under "revealable").
        field: String,
    },
    #[command(flatten)]
    Action(crate::actions::ActionCmd),
}

#[derive(Args)]
pub struct AddArgs {
    /// A JSON file with the registration (fields of the `case.registered` payload).
    #[arg(long, conflicts_with_all = ["name", "facts"])]
    json: Option<PathBuf>,
    /// complaint | report | consultation | suggestion
    #[arg(long = "type", default_value = "complaint")]
    case_type: String,
    /// own | entrusted
    #[arg(long, default_value = "own")]
    mode: String,
    /// visit | phone | letter | online | 12315 | superior | roving | email
    #[arg(long, default_value = "visit")]
    channel: String,
    /// Received at (RFC 3339 or "YYYY-MM-DD HH:MM", station time); default now.
    #[arg(long)]
    received: Option<String>,
    /// Complainant's name.
    #[arg(long)]
    name: Option<String>,
    #[arg(long)]
    phone: Vec<String>,
    /// resident_id | hmt_residence | foreign_permanent | passport | other
    #[arg(long)]
    id_type: Option<String>,
    #[arg(long)]
    id_number: Option<String>,
    #[arg(long, default_value = "")]
    address: String,
    /// Village, pasture or tent camp.
    #[arg(long, default_value = "")]
    village: String,
    /// Respondent's name.
    #[arg(long)]
    respondent: Option<String>,
    /// enterprise | individual | cooperative | unlicensed | public_pricing | platform | other
    #[arg(long, default_value = "enterprise")]
    respondent_kind: String,
    #[arg(long)]
    uscc: Option<String>,
    /// CCA category code, e.g. CCA-G01-01.
    #[arg(long)]
    category: Option<String>,
    /// CCA nature code, e.g. CCA-N02.
    #[arg(long)]
    nature: Option<String>,
    /// What happened.
    #[arg(long)]
    facts: Option<String>,
    #[arg(long, default_value = "")]
    place: String,
    /// Amount involved, in yuan.
    #[arg(long)]
    amount: Option<String>,
    /// Claim, in yuan.
    #[arg(long)]
    claim: Option<String>,
    /// repair | redo | replace | return | make_up_quantity | refund | compensation | apology | other
    #[arg(long = "request")]
    requests: Vec<String>,
    #[arg(long, default_value = "")]
    request_text: String,
    /// The complainant consents to entrusted mediation.
    #[arg(long)]
    consent_entrust: bool,
    #[arg(long)]
    json_out: bool,
}

#[derive(Args, Default)]
pub struct Filters {
    /// registered | accepted | mediating | agreed | transferred | not_accepted | terminated | closed | voided
    #[arg(long)]
    status: Vec<String>,
    #[arg(long = "type")]
    case_type: Option<String>,
    #[arg(long)]
    category: Option<String>,
    #[arg(long)]
    nature: Option<String>,
    #[arg(long)]
    unit: Option<String>,
    #[arg(long)]
    channel: Option<String>,
    /// Received on or after (YYYY-MM-DD).
    #[arg(long)]
    from: Option<NaiveDate>,
    /// Received on or before (YYYY-MM-DD).
    #[arg(long)]
    to: Option<NaiveDate>,
    #[arg(long)]
    overdue: bool,
    /// Only cases whose next deadline is within this many days (not overdue).
    #[arg(long, value_name = "DAYS")]
    due_within: Option<u32>,
    #[arg(long)]
    collective: bool,
    /// received | deadline
    #[arg(long, default_value = "received")]
    sort: String,
    #[arg(long, default_value_t = 30)]
    limit: u32,
    /// Cursor from the previous page.
    #[arg(long)]
    after: Option<String>,
}

#[derive(Subcommand)]
pub enum CalendarCmd {
    /// List the calendar's special days of a year.
    List { year: i32 },
    /// Mark a day: off | makeup | local_off, or clear it.
    Set {
        date: NaiveDate,
        /// off | makeup | local_off | clear
        kind: String,
        #[arg(long, default_value = "")]
        name: String,
    },
}

pub(crate) fn bad(path: &str, code: &str, arg: &str) -> Failure {
    Failure::Core(StoreError::invalid(vec![Issue::with_arg(path, code, arg)]))
}

pub(crate) fn code<T>(path: &str, v: &str, f: fn(&str) -> Option<T>) -> Result<T, Failure> {
    f(v).ok_or_else(|| bad(path, "unknown_code", v))
}

pub(crate) fn yuan_arg(path: &str, v: &str) -> Result<i64, Failure> {
    parse_yuan(v).map_err(|c| bad(path, c, v))
}

pub(crate) fn parse_time(path: &str, s: &str) -> Result<DateTime<Utc>, Failure> {
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(t.with_timezone(&Utc));
    }
    let local = chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M")
        .or_else(|_| {
            NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .map(|d| d.and_hms_opt(9, 0, 0).unwrap_or_default())
        })
        .map_err(|_| bad(path, "json.invalid", s))?;
    local
        .and_local_timezone(casedesk_domain::deadline::station_offset())
        .single()
        .map(|t| t.with_timezone(&Utc))
        .ok_or_else(|| bad(path, "json.invalid", s))
}

pub(crate) fn read_json(path: &PathBuf) -> Result<serde_json::Value, Failure> {
    let text = if path.as_os_str() == "-" {
        std::io::read_to_string(std::io::stdin())?
    } else {
        std::fs::read_to_string(path)
            .map_err(|e| Failure::Usage("cli.read_json", format!("{}: {e}", path.display())))?
    };
    serde_json::from_str(&text).map_err(|e| bad("json", "json.invalid", &e.to_string()))
}

pub fn run(ctx: &Ctx, cmd: CaseCmd) -> CmdResult {
    match cmd {
        CaseCmd::Add(args) => add(ctx, *args),
        CaseCmd::List { filters, json } => list(ctx, None, filters, json),
        CaseCmd::Show { no, json } => show(ctx, &no, json),
        CaseCmd::Reveal { no, field } => reveal(ctx, &no, &field),
        CaseCmd::Action(cmd) => crate::actions::run(ctx, cmd),
    }
}

fn add(ctx: &Ctx, a: AddArgs) -> CmdResult {
    let (mut store, me) = ctx.signed_in()?;
    let reg: CaseRegistered = match &a.json {
        Some(path) => {
            let mut v = read_json(path)?;
            // The store assigns these; accept files without them.
            if let Some(o) = v.as_object_mut() {
                o.entry("case_no").or_insert("".into());
                o.entry("unit").or_insert("".into());
                o.entry("received_at")
                    .or_insert(serde_json::to_value(store.now()).map_err(StoreError::from)?);
            }
            serde_json::from_value(v).map_err(|e| bad("json", "json.invalid", &e.to_string()))?
        }
        None => from_flags(&store, &a)?,
    };
    let r = store.register_case(&me, reg)?;
    if a.json_out {
        println!("{}", serde_json::json!({ "id": r.id, "no": r.no }));
    } else {
        println!("{} {}", ctx.t("已登记", "Registered"), r.no);
    }
    Ok(())
}

fn from_flags(store: &Store, a: &AddArgs) -> Result<CaseRegistered, Failure> {
    let received_at = match &a.received {
        Some(s) => parse_time("received", s)?,
        None => store.now(),
    };
    let complainants = match &a.name {
        Some(name) => vec![Complainant {
            name: name.clone(),
            id_type: a
                .id_type
                .as_deref()
                .map(|t| code("id_type", t, IdType::from_code))
                .transpose()?,
            id_number: a.id_number.clone(),
            phones: a.phone.clone(),
            contact_person: String::new(),
            address: a.address.clone(),
            village: a.village.clone(),
            language: Language::Zh,
            representative: false,
            consents: Consents {
                personal_info: true,
                publish: false,
                entrust_mediation: a.consent_entrust,
                share_with_parties: true,
            },
        }],
        None => vec![],
    };
    let respondents = match &a.respondent {
        Some(name) => vec![Respondent {
            name: name.clone(),
            kind: code("respondent_kind", &a.respondent_kind, RespondentKind::from_code)?,
            uscc: a.uscc.clone(),
            legacy_reg_no: None,
            address: String::new(),
            contact: String::new(),
            phone: String::new(),
        }],
        None => vec![],
    };
    Ok(CaseRegistered {
        case_no: String::new(),
        case_type: code("type", &a.case_type, CaseType::from_code)?,
        mode: code("mode", &a.mode, Mode::from_code)?,
        received_at,
        channel: code("channel", &a.channel, Channel::from_code)?,
        unit: String::new(),
        staff: None,
        roving_session: None,
        complainants,
        collective: None,
        respondents,
        category: a.category.clone(),
        nature: a.nature.clone(),
        facts: Facts {
            occurred_on: None,
            place: a.place.clone(),
            content: a.facts.clone().unwrap_or_default(),
            amount_fen: a.amount.as_deref().map(|v| yuan_arg("amount", v)).transpose()?,
        },
        requests: a
            .requests
            .iter()
            .map(|r| code("request", r, RequestKind::from_code))
            .collect::<Result<_, _>>()?,
        request_text: a.request_text.clone(),
        claim_fen: a.claim.as_deref().map(|v| yuan_arg("claim", v)).transpose()?,
    })
}

fn to_query(text: Option<String>, f: Filters) -> Result<ListQuery, Failure> {
    Ok(ListQuery {
        text,
        status: f
            .status
            .iter()
            .map(|s| code("status", s, Status::from_code))
            .collect::<Result<_, _>>()?,
        case_type: f
            .case_type
            .as_deref()
            .map(|t| code("type", t, CaseType::from_code))
            .transpose()?,
        category: f.category,
        nature: f.nature,
        unit: f.unit,
        channel: f
            .channel
            .as_deref()
            .map(|c| code("channel", c, Channel::from_code))
            .transpose()?,
        received_from: f.from,
        received_to: f.to,
        overdue: f.overdue,
        due_within_days: f.due_within,
        collective: f.collective.then_some(true),
        sort: match f.sort.as_str() {
            "received" => Sort::Received,
            "deadline" => Sort::Deadline,
            other => return Err(bad("sort", "unknown_code", other)),
        },
        after: f.after,
        limit: f.limit,
        ..Default::default()
    })
}

pub fn list(ctx: &Ctx, text: Option<String>, f: Filters, json: bool) -> CmdResult {
    let (store, _) = ctx.signed_in()?;
    let q = to_query(text, f)?;
    let page = store.list(&q)?;
    if json {
        println!("{}", serde_json::to_string_pretty(&page).map_err(StoreError::from)?);
        return Ok(());
    }
    let lang = ctx.lang;
    let mut rows = vec![
        [
            ("案件编号", "Case no."),
            ("状态", "Status"),
            ("登记时间", "Received"),
            ("投诉人", "Complainant"),
            ("电话", "Phone"),
            ("被投诉人", "Respondent"),
            ("期限", "Deadline"),
        ]
        .iter()
        .map(|(zh, en)| ctx.t(zh, en).to_owned())
        .collect::<Vec<_>>(),
    ];
    for r in &page.rows {
        let status =
            Status::from_code(&r.status).map_or(r.status.clone(), |s| s.label(lang).to_owned());
        let deadline = r.deadline.as_ref().map_or(String::new(), |d| {
            let mut s = d.date.to_string();
            if d.overdue {
                s.push_str(ctx.t(" 已超期", " overdue"));
            } else if d.days_left <= 3 {
                s.push_str(&format!("{}{}", ctx.t(" 剩", " "), d.days_left));
                s.push_str(ctx.t("天", "d left"));
            }
            if d.provisional {
                s.push_str(ctx.t("（暂定）", " (provisional)"));
            }
            s
        });
        rows.push(vec![
            r.no.clone(),
            status,
            local_time(r.received_at),
            clip(&complainant_text(ctx, r), 18),
            r.phone.clone().unwrap_or_default(),
            clip(&r.respondents.join(ctx.t("、", ", ")), 24),
            deadline,
        ]);
    }
    table(&rows);
    if page.rows.is_empty() {
        println!("{}", ctx.t("没有符合条件的案件", "No matching cases"));
    }
    if let Some(next) = page.next {
        println!("{} --after {next}", ctx.t("下一页：", "Next page:"));
    }
    Ok(())
}

fn show(ctx: &Ctx, no: &str, json: bool) -> CmdResult {
    let (store, _) = ctx.signed_in()?;
    let id = store.find_case(no)?;
    let mut s = store.case_state(id)?;
    let next = casedesk_domain::deadline::next_deadline(&s, store.calendar(), store.own_rules());
    let revealable = casedesk_domain::mask::revealable(&s.reg);
    casedesk_domain::mask::case(&mut s);
    let names = store.staff_names()?;
    if json {
        let actors: std::collections::BTreeMap<String, &String> = s
            .timeline
            .iter()
            .filter_map(|t| t.actor)
            .filter_map(|a| names.get(&a).map(|n| (a.to_string(), n)))
            .collect();
        let v = serde_json::json!({
            "case": s,
            "next_deadline": next,
            "revealable": revealable,
            "actors": actors,
        });
        println!("{}", serde_json::to_string_pretty(&v).map_err(StoreError::from)?);
        return Ok(());
    }
    let lang = ctx.lang;
    let r = &s.reg;
    println!("{} {}  [{}]", ctx.t("案件", "Case"), r.case_no, s.status.label(lang));
    println!(
        "  {} {} / {} / {}",
        ctx.t("类型", "Type"),
        r.case_type.label(lang),
        r.mode.label(lang),
        s.rule_set.label(lang)
    );
    println!(
        "  {} {}  {} {}",
        ctx.t("登记", "Received"),
        local_time(r.received_at),
        ctx.t("渠道", "channel"),
        r.channel.label(lang)
    );
    println!("  {} {}", ctx.t("承办单位", "Handling unit"), s.home_unit);
    if let Some(d) = next {
        let today = casedesk_domain::deadline::local_date(store.now());
        let overdue = if d.is_overdue(today) { ctx.t("（已超期）", " (overdue)") } else { "" };
        let prov = if d.provisional { ctx.t("（暂定）", " (provisional)") } else { "" };
        println!(
            "  {} {} {}{overdue}{prov}",
            ctx.t("期限", "Deadline"),
            d.kind.label(lang),
            d.date
        );
    }
    for c in &r.complainants {
        let rep = if c.representative { ctx.t("（代表人）", " (representative)") } else { "" };
        let id = c.id_number.as_deref().unwrap_or_default();
        println!(
            "  {} {}{rep} {} {id}",
            ctx.t("投诉人", "Complainant"),
            c.name,
            c.phones.join(", ")
        );
    }
    if let Some(col) = &r.collective {
        println!("  {} {}", ctx.t("集体投诉户数", "Collective, households"), col.households);
    }
    for p in &r.respondents {
        println!("  {} {} ({})", ctx.t("被投诉人", "Respondent"), p.name, p.kind.label(lang));
    }
    let cat = |c: &Option<String>| {
        c.as_deref().and_then(casedesk_domain::reference::category).map_or(String::new(), |c| {
            c.label(lang, Some(casedesk_domain::deadline::local_date(r.received_at))).to_owned()
        })
    };
    println!("  {} {} / {}", ctx.t("分类", "Category"), cat(&r.category), cat(&r.nature));
    println!("  {} {}", ctx.t("事实", "Facts"), r.facts.content);
    if let Some(c) = r.claim_fen {
        println!("  {} {} {}", ctx.t("请求金额", "Claim"), yuan(c), ctx.t("元", "yuan"));
    }
    if let Some(d) = &s.not_accepted {
        println!("  {} {} {}", ctx.t("不予受理", "Not accepted"), local_time(d.at), d.reason);
    }
    for v in &s.sessions {
        if let Some(p) = &v.scheduled {
            println!(
                "  {} {} {} {} {}  [{}]",
                ctx.t("调解安排", "Session planned"),
                local_time(p.at),
                p.mode.label(lang),
                p.place,
                p.mediator,
                v.id
            );
        }
        if let Some(r) = &v.recorded {
            let interp = if r.interpreter.is_empty() {
                String::new()
            } else {
                format!(
                    " {} {} ({})",
                    ctx.t("翻译", "interpreter"),
                    r.interpreter,
                    r.language.label(lang)
                )
            };
            println!(
                "  {} {} {} {} {}{interp} → {}",
                ctx.t("调解记录", "Session held"),
                local_time(r.held_at),
                r.mode.label(lang),
                ctx.t("调解员", "mediator"),
                r.mediator,
                r.result.label(lang)
            );
            if !r.record.is_empty() {
                println!("      {}", r.record);
            }
        }
    }
    if let Some(a) = &s.agreement {
        let due = a
            .performance_due
            .map(|d| format!(" {} {d}", ctx.t("履行期限", "due")))
            .unwrap_or_default();
        println!(
            "  {} {} {} {} {}{due}",
            ctx.t("调解协议", "Agreement"),
            local_time(a.signed_at),
            yuan(a.amount_fen),
            ctx.t("元", "yuan"),
            a.terms
        );
    }
    if let Some(t) = s.performance_confirmed_at {
        println!("  {} {}", ctx.t("履行确认", "Performed"), local_time(t));
    }
    if let Some(d) = &s.termination {
        println!("  {} {} {}", ctx.t("终止调解", "Terminated"), local_time(d.at), d.reason);
    }
    for t in &s.transfers {
        let to = if t.transfer.to_unit.is_empty() {
            &t.transfer.to_department
        } else {
            &t.transfer.to_unit
        };
        println!(
            "  {} {} {} {} → {} ({})  [{}]",
            ctx.t("转办", "Transfer"),
            local_time(t.at),
            t.transfer.kind.label(lang),
            t.from_unit,
            to,
            t.transfer.reason.label(lang),
            t.transfer.transfer
        );
        if let Some((at, text)) = &t.feedback {
            println!("      {} {} {}", ctx.t("反馈", "feedback"), local_time(*at), text);
        }
    }
    if let Some(c) = &s.closure {
        println!(
            "  {} {}  {} {} {}",
            ctx.t("办结", "Outcome"),
            c.outcome.label(lang),
            ctx.t("挽回损失", "recovered"),
            yuan(c.recovered_fen),
            ctx.t("元", "yuan")
        );
    }
    for f in &s.follow_ups {
        println!(
            "  {} {} {} {} {}",
            ctx.t("回访", "Follow-up"),
            local_time(f.at),
            f.method.label(lang),
            f.satisfaction.label(lang),
            f.note
        );
    }
    for (at, text) in &s.notes {
        println!("  {} {} {}", ctx.t("备注", "Note"), local_time(*at), text);
    }
    for c in &s.conflicts {
        println!(
            "  {} {} ({})",
            ctx.t("待处理冲突:", "Unresolved conflict:"),
            c.field,
            c.candidates.len()
        );
    }
    println!("{}", ctx.t("时间线", "Timeline"));
    for t in &s.timeline {
        let flag = if t.anomaly {
            ctx.t(" ⚠ 与案件状态不符", " ⚠ did not fit the case's state")
        } else {
            ""
        };
        let who = t.actor.and_then(|a| names.get(&a)).map_or("—", String::as_str);
        println!("  {}  {:<28} {} {who}{flag}", local_time(t.at), t.kind, t.unit);
    }
    Ok(())
}

fn reveal(ctx: &Ctx, no: &str, field: &str) -> CmdResult {
    let (mut store, me) = ctx.signed_in()?;
    let id = store.find_case(no)?;
    let value = store.reveal_op(None, &me, id, field)?;
    println!("{value}");
    eprintln!("{}", ctx.t("（已记入查看记录）", "(recorded in the access log)"));
    Ok(())
}

pub fn calendar(ctx: &Ctx, cmd: CalendarCmd) -> CmdResult {
    match cmd {
        CalendarCmd::List { year } => {
            let (store, _) = ctx.signed_in()?;
            let rows: Vec<Vec<String>> = store
                .calendar_days(year)?
                .into_iter()
                .map(|(e, source)| {
                    vec![e.date.to_string(), e.kind.code().to_owned(), e.name, source]
                })
                .collect();
            if !store.calendar().has_year(year) {
                println!(
                    "{}",
                    ctx.t(
                        "本年没有官方节假日数据：期限为暂定",
                        "No official holiday data for this year: deadlines are provisional"
                    )
                );
            }
            table(&rows);
            Ok(())
        }
        CalendarCmd::Set { date, kind, name } => {
            let (mut store, me) = ctx.signed_in()?;
            store.authorize(&me, Permission::Configure)?;
            let k = match kind.as_str() {
                "clear" => None,
                other => Some(code("kind", other, casedesk_domain::calendar::DayKind::from_code)?),
            };
            store.set_calendar_day(date, k, &name)?;
            println!(
                "{} {date}",
                ctx.t("已更新日历并重算期限", "Calendar updated and deadlines recomputed:")
            );
            Ok(())
        }
    }
}

/// Who a case is listed under, in the CLI's language: "才让卓玛 等12户", "Wang and 2 more".
fn complainant_text(ctx: &Ctx, r: &casedesk_store::query::CaseRow) -> String {
    match (r.collective, r.households, r.complainants) {
        _ if r.complainant.is_empty() => String::new(),
        (true, Some(h), _) => {
            if ctx.lang == Lang::Zh {
                format!("{} 等{h}户", r.complainant)
            } else {
                format!("{} and others ({h} households)", r.complainant)
            }
        }
        (_, _, n) if n > 1 => {
            if ctx.lang == Lang::Zh {
                format!("{} 等{n}人", r.complainant)
            } else {
                format!("{} and others ({n} people)", r.complainant)
            }
        }
        _ => r.complainant.clone(),
    }
}

/// `casedesk codes [TABLE]`: the codes the commands take, with their labels in the CLI's
/// language; reason codes per rule set. With `query`, only the categories it finds (names and
/// everyday words: 暖气, 手机, 兽药).
pub fn codes(ctx: &Ctx, which: Option<&str>, query: &str) -> CmdResult {
    use casedesk_domain::reference::{self, RuleSet};
    let lang = ctx.lang;
    macro_rules! list {
        ($t:ty) => {
            <$t>::ALL
                .iter()
                .map(|c| (c.code().to_owned(), c.label(lang).to_owned()))
                .collect::<Vec<_>>()
        };
    }
    let reasons = |f: fn(RuleSet) -> &'static [reference::Reason]| {
        let mut out = Vec::new();
        for rs in [RuleSet::Order20, RuleSet::Order121, RuleSet::Own] {
            for r in f(rs) {
                out.push((r.code.to_owned(), format!("{} — {}", rs.label(lang), r.label(lang))));
            }
        }
        out
    };
    let cats = |subject: bool| {
        reference::categories()
            .iter()
            .filter(|c| if subject { c.is_subject() && !c.group } else { c.is_nature() })
            .map(|c| (c.code.clone(), c.label(lang, None).to_owned()))
            .collect::<Vec<_>>()
    };
    if !query.trim().is_empty() {
        if which != Some("category") {
            return Err(Failure::Usage("cli.codes_search", which.unwrap_or("").to_owned()));
        }
        let found = reference::find_categories(query);
        if found.is_empty() {
            eprintln!("{}", crate::output::cli_text("cli.no_category", lang, query.trim()));
            return Ok(());
        }
        let rows: Vec<Vec<String>> = found
            .iter()
            .map(|c| {
                let terms = if lang == Lang::Zh { &c.terms_zh } else { &c.terms_en };
                vec![format!("  {}", c.code), c.label(lang, None).to_owned(), terms.join("、")]
            })
            .collect();
        println!("category");
        table(&rows);
        return Ok(());
    }
    let tables: Vec<(&str, Vec<(String, String)>)> = vec![
        ("case_type", list!(CaseType)),
        ("mode", list!(Mode)),
        ("channel", list!(Channel)),
        ("status", list!(Status)),
        ("outcome", list!(Outcome)),
        ("session_mode", list!(SessionMode)),
        ("session_result", list!(SessionResult)),
        ("transfer_kind", list!(TransferKind)),
        ("transfer_reason", list!(TransferReason)),
        ("contact_method", list!(ContactMethod)),
        ("satisfaction", list!(Satisfaction)),
        ("language", list!(Language)),
        ("respondent_kind", list!(RespondentKind)),
        ("request", list!(RequestKind)),
        ("not_accept_reason", reasons(RuleSet::not_accept_reasons)),
        ("termination_reason", reasons(RuleSet::termination_reasons)),
        ("category", cats(true)),
        ("nature", cats(false)),
    ];
    let names: Vec<&str> = tables.iter().map(|(n, _)| *n).collect();
    let chosen: Vec<&(&str, Vec<(String, String)>)> = match which {
        None => tables.iter().collect(),
        Some(t) => match tables.iter().find(|(n, _)| *n == t) {
            Some(found) => vec![found],
            None => {
                return Err(bad("table", "unknown_code", &format!("{t} ({})", names.join(", "))));
            }
        },
    };
    for (name, rows) in chosen {
        println!("{name}");
        let mut out = vec![];
        for (code, label) in rows {
            out.push(vec![format!("  {code}"), label.clone()]);
        }
        table(&out);
    }
    Ok(())
}
