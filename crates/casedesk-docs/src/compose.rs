//! What each document says, as a small content model (`DocModel`: heading, addressee, blocks
//! of paragraphs, boxed fields, tables, numbered items, signature lines, issuer and date). The
//! typst template lays the model out as a PDF, `docx` writes the same model as an editable
//! copy, so both say the same words. Wording follows the case's rule set: the association's own
//! cases (CRPL Art.37) in its name, entrusted cases in the entrusting department's name with
//! the articles of Order 20 or Order 121 and their reason tables (DOMAIN.md §3.4–3.5, §4).

use casedesk_domain::Lang;
use casedesk_domain::case::CaseState;
use casedesk_domain::deadline::local_date;
use casedesk_domain::document::{self, DocSettings};
use casedesk_domain::event::{Complainant, Respondent};
use casedesk_domain::reference::{self, RuleSet};
use casedesk_domain::types::*;
use chrono::{DateTime, Datelike, NaiveDate, Timelike, Utc};
use serde::Serialize;
use uuid::Uuid;

use crate::DocsError;

/// The version of the template and of this composer, recorded with every issued document.
pub const TEMPLATE_VERSION: u32 = 1;

/// What to issue: the kind, what it is about, for whom and how it is delivered.
#[derive(Clone, Debug, PartialEq, Eq, serde::Deserialize, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DocRequest {
    pub kind: DocKind,
    /// The session or transfer (for 调解通知书, 调解笔录, 转办单); the only one when omitted.
    #[serde(default)]
    pub subject: Option<Uuid>,
    /// Whom it is for; the kind's usual recipient when omitted.
    #[serde(default)]
    pub recipient: Option<Recipient>,
    #[serde(default = "default_delivery")]
    pub delivery: Delivery,
    /// 限期补正通知: items asked for (codes of `document::MISSING_ITEMS` or text); what the
    /// registration lacks when empty.
    #[serde(default)]
    pub items: Vec<String>,
    /// 限期补正通知: the day by which to supply them (the settings' number of days when
    /// omitted).
    #[serde(default)]
    pub due: Option<NaiveDate>,
}

fn default_delivery() -> Delivery {
    Delivery::InPerson
}

impl DocRequest {
    pub fn new(kind: DocKind) -> DocRequest {
        DocRequest {
            kind,
            subject: None,
            recipient: None,
            delivery: Delivery::InPerson,
            items: Vec::new(),
            due: None,
        }
    }
}

/// One field of a boxed table.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Field {
    pub label: String,
    pub value: String,
    /// Takes a whole row.
    pub wide: bool,
}

/// A block of a document's body.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum Block {
    Para { text: String },
    Heading { text: String },
    Fields { title: String, fields: Vec<Field> },
    Table { header: Vec<String>, widths: Vec<f64>, rows: Vec<Vec<String>> },
    Items { items: Vec<String>, marked: Option<usize> },
    Signatures { lines: Vec<String> },
    Note { text: String },
    Space { em: f64 },
}

/// A document's content, as the template and the .docx writer read it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DocModel {
    pub kind: DocKind,
    /// `notice` (GB/T 9704 letter) or `form` (boxed tables).
    pub layout: &'static str,
    pub template: String,
    pub title: String,
    pub issuer: String,
    /// The name above the date (the issuer, or for entrusted cases the department).
    pub issuer_sign: String,
    /// "（由…受委托调解）" under the letterhead of an entrusted case.
    pub entrusted_line: String,
    pub number: String,
    /// Forms: the line at the top left (登记单位).
    pub heading_left: String,
    pub addressee: String,
    pub blocks: Vec<Block>,
    pub seal: bool,
    pub date: String,
    pub date_parts: [u32; 3],
    pub tail: String,
    /// Every page carries a line for the parties' signatures (调解笔录).
    pub sign_every_page: bool,
}

/// Everything a document is made from besides the request.
pub struct Inputs<'a> {
    pub state: &'a CaseState,
    pub settings: &'a DocSettings,
    /// The station's unit name (the issuer of own cases when the settings name none).
    pub unit_name: &'a str,
    pub number: &'a str,
    pub issued_at: DateTime<Utc>,
}

pub fn cn_date(d: NaiveDate) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

pub fn cn_day(t: DateTime<Utc>) -> String {
    cn_date(local_date(t))
}

pub fn cn_time(t: DateTime<Utc>) -> String {
    let l = t.with_timezone(&casedesk_domain::deadline::station_offset());
    format!("{}{}时{:02}分", cn_date(l.date_naive()), l.hour(), l.minute())
}

/// `259900` → `2,599.00元`.
pub fn yuan(fen: i64) -> String {
    let plain = casedesk_domain::validate::format_yuan(fen);
    let (int, dec) = plain.split_once('.').unwrap_or((&plain, "00"));
    let (sign, digits) = int.strip_prefix('-').map_or(("", int), |d| ("-", d));
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("{sign}{grouped}.{dec}元")
}

/// The amount in capital numerals (大写), as agreements write it: `259900` → `贰仟伍佰玖拾玖元整`.
pub fn rmb_upper(fen: i64) -> String {
    const D: [&str; 10] = ["零", "壹", "贰", "叁", "肆", "伍", "陆", "柒", "捌", "玖"];
    const U: [&str; 4] = ["", "拾", "佰", "仟"];
    const G: [&str; 4] = ["", "万", "亿", "万亿"];
    if fen == 0 {
        return "零元整".into();
    }
    let neg = fen < 0;
    let fen = fen.unsigned_abs();
    let (yuan, jiao, fen_part) = (fen / 100, (fen / 10) % 10, fen % 10);
    let mut out = String::new();
    if yuan > 0 {
        let digits: Vec<u64> = yuan.to_string().bytes().map(|b| u64::from(b - b'0')).collect();
        let n = digits.len();
        let mut zero = false;
        for (i, &d) in digits.iter().enumerate() {
            let pos = n - 1 - i;
            if d == 0 {
                zero = true;
            } else {
                if zero {
                    out.push_str(D[0]);
                }
                zero = false;
                out.push_str(D[d as usize]);
                out.push_str(U[pos % 4]);
            }
            if pos.is_multiple_of(4) && pos > 0 {
                let group_start = i + 1 - 4.min(i + 1);
                if digits[group_start..=i].iter().any(|&x| x != 0) {
                    out.push_str(G[pos / 4]);
                }
            }
        }
        out.push('元');
    }
    match (jiao, fen_part) {
        (0, 0) => out.push('整'),
        (j, 0) => {
            out.push_str(D[j as usize]);
            out.push_str("角整");
        }
        (j, f) => {
            if j > 0 {
                out.push_str(D[j as usize]);
                out.push('角');
            } else if yuan > 0 {
                out.push_str(D[0]);
            }
            out.push_str(D[f as usize]);
            out.push('分');
        }
    }
    if neg { format!("负{out}") } else { out }
}

fn or_dash(s: &str) -> String {
    if s.trim().is_empty() { "——".into() } else { s.to_owned() }
}

const WITHHELD: &str = "（未经投诉人同意，不予提供）";

/// A complainant as a copy for `recipient` may show them.
struct Shown {
    name: String,
    phone: String,
    id_type: String,
    id_number: String,
    address: String,
    language: String,
}

fn shown(c: &Complainant, recipient: Recipient) -> Shown {
    let open = document::shows_contact(&c.consents, recipient);
    let phone = c.phones.join("、");
    let id = c.id_number.clone().unwrap_or_default();
    let mut address = c.address.clone();
    if !c.village.is_empty() {
        if !address.is_empty() {
            address.push('，');
        }
        address.push_str(&c.village);
    }
    Shown {
        name: c.name.clone(),
        phone: if open {
            or_dash(&phone)
        } else {
            or_dash(
                &c.phones.iter().map(|p| document::mask_phone(p)).collect::<Vec<_>>().join("、"),
            )
        },
        id_type: c.id_type.map_or("——".into(), |t| t.label(Lang::Zh).to_owned()),
        id_number: if open { or_dash(&id) } else { or_dash(&document::mask_id(&id)) },
        address: if open { or_dash(&address) } else { WITHHELD.into() },
        language: c.language.label(Lang::Zh).to_owned(),
    }
}

fn complainant_names(s: &CaseState) -> String {
    let names: Vec<&str> = s.reg.complainants.iter().map(|c| c.name.as_str()).collect();
    let mut out = names.first().copied().unwrap_or("").to_owned();
    if let Some(c) = &s.reg.collective {
        out = format!("{out}等{}户", c.households);
    } else if names.len() > 1 {
        out = names.join("、");
    }
    out
}

fn respondent_names(s: &CaseState) -> String {
    let names: Vec<&str> = s.reg.respondents.iter().map(|r| r.name.as_str()).collect();
    or_dash(&names.join("、"))
}

fn category_label(code: Option<&str>, on: NaiveDate) -> String {
    code.and_then(reference::category)
        .map(|c| c.label(Lang::Zh, Some(on)).to_owned())
        .unwrap_or_default()
}

/// 事由: "投诉德令哈市鑫达手机店通讯类产品质量问题".
pub fn matter(s: &CaseState) -> String {
    let on = local_date(s.reg.received_at);
    let cat = category_label(s.reg.category.as_deref(), on);
    let nature = category_label(s.reg.nature.as_deref(), on);
    matter_of(&respondent_names(s), &cat, &nature)
}

/// 事由 from the respondents' names and the labels of the category and nature.
pub fn matter_of(respondents: &str, category: &str, nature: &str) -> String {
    let what = match (category.is_empty(), nature.is_empty()) {
        (false, false) => format!("{category}{nature}问题"),
        (false, true) => format!("{category}消费争议"),
        (true, false) => format!("{nature}问题"),
        (true, true) => "消费争议".to_owned(),
    };
    format!("投诉{respondents}{what}")
}

fn requests_text(s: &CaseState) -> String {
    let mut parts: Vec<String> =
        s.reg.requests.iter().map(|r| r.label(Lang::Zh).to_owned()).collect();
    if !s.reg.request_text.trim().is_empty() {
        parts.push(s.reg.request_text.trim().to_owned());
    }
    let mut text = or_dash(&parts.join("；"));
    if let Some(c) = s.reg.claim_fen {
        text.push_str(&format!("（请求金额 {}）", yuan(c)));
    }
    text
}

fn own(s: &CaseState) -> bool {
    s.rule_set == RuleSet::Own
}

/// "本会" for the association, "本局" for the department.
fn we(s: &CaseState) -> &'static str {
    if own(s) { "本会" } else { "本局" }
}

/// The document's title under the case's rule set.
pub fn title(kind: DocKind, s: &CaseState, subject: Option<Uuid>) -> String {
    let own = own(s);
    match kind {
        DocKind::Registration => "投诉登记表",
        DocKind::Acceptance if own => "受理通知书",
        DocKind::Acceptance => "投诉受理决定书",
        DocKind::NonAcceptance if own => "不予受理通知书",
        DocKind::NonAcceptance => "投诉不予受理决定书",
        DocKind::Correction if own => "限期补正通知书",
        DocKind::Correction => "限期补正材料通知书",
        DocKind::MediationNotice if own => "调解通知书",
        DocKind::MediationNotice => "投诉调解通知书",
        DocKind::MediationRecord => "调解笔录",
        DocKind::Agreement if own => "调解协议书",
        DocKind::Agreement => "投诉调解书",
        DocKind::Termination if own => "终止调解通知书",
        DocKind::Termination => "投诉终止调解决定书",
        DocKind::Transfer => {
            let co = subject
                .and_then(|id| s.transfers.iter().find(|t| t.transfer.transfer == id))
                .is_some_and(|t| t.transfer.kind == TransferKind::CoHandle);
            if co { "协办单" } else { "转办单" }
        }
        DocKind::FollowUp => "回访记录表",
    }
    .to_owned()
}

/// The legal basis of the acceptance decision.
fn basis_accept(s: &CaseState) -> &'static str {
    match s.rule_set {
        RuleSet::Own => "根据《中华人民共和国消费者权益保护法》第三十七条第一款第（五）项的规定",
        RuleSet::Order20 => "根据《市场监督管理投诉举报处理暂行办法》第十四条的规定",
        RuleSet::Order121 => {
            "根据《中华人民共和国消费者权益保护法实施条例》第四十六条和《市场监督管理投诉举报处理办法》的规定"
        }
    }
}

fn law_name(s: &CaseState) -> &'static str {
    match s.rule_set {
        RuleSet::Own => "",
        RuleSet::Order20 => "《市场监督管理投诉举报处理暂行办法》",
        RuleSet::Order121 => "《市场监督管理投诉举报处理办法》",
    }
}

/// The routes CRPL Art.39 leaves open to the consumer.
const ROUTES: &str = "根据《中华人民共和国消费者权益保护法》第三十九条的规定，消费者和经营者发生消费者权益争议的，可以通过下列途径解决：（一）与经营者协商和解；（二）请求消费者协会或者依法成立的其他调解组织调解；（三）向有关行政部门投诉；（四）根据与经营者达成的仲裁协议提请仲裁机构仲裁；（五）向人民法院提起诉讼。";

fn contact_line(settings: &DocSettings) -> String {
    let mut parts = Vec::new();
    if !settings.contact.is_empty() {
        parts.push(format!("联系人：{}", settings.contact));
    }
    if !settings.phone.is_empty() {
        parts.push(format!("联系电话：{}", settings.phone));
    }
    if !settings.address.is_empty() {
        parts.push(format!("地址：{}", settings.address));
    }
    parts.join("    ")
}

fn reason_items(list: &[reference::Reason], code: &str) -> (Vec<String>, Option<usize>) {
    (list.iter().map(|r| r.zh.to_owned()).collect(), list.iter().position(|r| r.code == code))
}

fn party_fields(s: &CaseState, recipient: Recipient) -> Vec<Block> {
    let mut blocks = Vec::new();
    for (i, c) in s.reg.complainants.iter().enumerate() {
        let p = shown(c, recipient);
        let title = if s.reg.complainants.len() > 1 {
            format!("投诉人（{}）{}", i + 1, if c.representative { "·代表人" } else { "" })
        } else {
            "投诉人".into()
        };
        let mut fields = vec![
            f("姓名", &p.name),
            f("联系电话", &p.phone),
            f("证件类型", &p.id_type),
            f("证件号码", &p.id_number),
            wide("联系地址", &p.address),
        ];
        if !c.contact_person.is_empty() {
            fields.push(f("联系人/代接人", &c.contact_person));
        }
        fields.push(f("使用语言", &p.language));
        blocks.push(Block::Fields { title, fields });
    }
    for (i, r) in s.reg.respondents.iter().enumerate() {
        let title = if s.reg.respondents.len() > 1 {
            format!("被投诉人（{}）", i + 1)
        } else {
            "被投诉人".into()
        };
        blocks.push(Block::Fields { title, fields: respondent_fields(r) });
    }
    blocks
}

fn respondent_fields(r: &Respondent) -> Vec<Field> {
    vec![
        wide("名称（姓名）", &r.name),
        f("类型", r.kind.label(Lang::Zh)),
        f("统一社会信用代码", r.uscc.as_deref().or(r.legacy_reg_no.as_deref()).unwrap_or("")),
        f("联系人", &r.contact),
        f("联系电话", &r.phone),
        wide("地址（经营场所）", &r.address),
    ]
}

fn f(label: &str, value: &str) -> Field {
    Field { label: label.into(), value: or_dash(value), wide: false }
}

fn wide(label: &str, value: &str) -> Field {
    Field { label: label.into(), value: or_dash(value), wide: true }
}

fn para(text: impl Into<String>) -> Block {
    Block::Para { text: text.into() }
}

fn check(b: bool) -> String {
    if b { "☑是  □否".into() } else { "□是  ☑否".into() }
}

/// The usual recipient of a kind.
pub fn default_recipient(kind: DocKind) -> Recipient {
    match kind {
        DocKind::Registration | DocKind::MediationRecord | DocKind::FollowUp => Recipient::Archive,
        DocKind::Agreement => Recipient::Parties,
        DocKind::Transfer => Recipient::Unit,
        _ => Recipient::Complainant,
    }
}

/// The subject a request is about: the one given, or the only one there is; an error names the
/// kind when the case has several and none was given.
pub fn subject_of(s: &CaseState, req: &DocRequest) -> Result<Option<Uuid>, DocsError> {
    if req.subject.is_some() {
        return Ok(req.subject);
    }
    let offers: Vec<_> =
        document::available_documents(s).into_iter().filter(|o| o.kind == req.kind).collect();
    match offers.as_slice() {
        [one] => Ok(one.subject),
        [] => Err(DocsError::NotAvailable(req.kind.code().to_owned())),
        // The latest session or transfer.
        [.., last] if last.subject.is_some() => Ok(last.subject),
        _ => Err(DocsError::SubjectNeeded(req.kind.code().to_owned())),
    }
}

/// The content of the document `req` asks for.
pub fn compose(i: &Inputs<'_>, req: &DocRequest) -> Result<DocModel, DocsError> {
    let s = i.state;
    let subject = subject_of(s, req)?;
    let recipient = req.recipient.unwrap_or_else(|| default_recipient(req.kind));
    let own_case = own(s);
    let issuer = if own_case {
        if i.settings.issuer.trim().is_empty() { i.unit_name } else { &i.settings.issuer }
            .to_owned()
    } else if i.settings.department.trim().is_empty() {
        "市场监督管理局".to_owned()
    } else {
        i.settings.department.clone()
    };
    let entrusted_line = if own_case {
        String::new()
    } else {
        format!(
            "（委托调解单位：{}）",
            if i.settings.issuer.is_empty() { i.unit_name } else { &i.settings.issuer }
        )
    };
    let day = local_date(i.issued_at);
    let mut m = DocModel {
        kind: req.kind,
        layout: "notice",
        template: format!("{}@{TEMPLATE_VERSION}", req.kind.code()),
        title: title(req.kind, s, subject),
        issuer_sign: issuer.clone(),
        issuer,
        entrusted_line,
        number: i.number.to_owned(),
        heading_left: String::new(),
        addressee: String::new(),
        blocks: Vec::new(),
        seal: true,
        date: cn_date(day),
        date_parts: [day.year() as u32, day.month(), day.day()],
        tail: String::new(),
        sign_every_page: false,
    };
    let received = cn_day(s.reg.received_at);
    let complainants = complainant_names(s);
    let matter = matter(s);
    let we = we(s);
    let to_respondent = matches!(recipient, Recipient::Respondent);
    m.addressee = match recipient {
        Recipient::Complainant => complainants.clone(),
        Recipient::Respondent => respondent_names(s),
        _ => String::new(),
    };
    let b = &mut m.blocks;
    match req.kind {
        DocKind::Registration => {
            m.layout = "form";
            m.seal = false;
            m.heading_left = format!("登记单位：{}", m.issuer);
            b.push(Block::Fields {
                title: "登记信息".into(),
                fields: vec![
                    f("登记时间", &cn_time(s.reg.received_at)),
                    f("受理渠道", s.reg.channel.label(Lang::Zh)),
                    f("案件编号", &s.reg.case_no),
                    f("办理规则", s.rule_set.label(Lang::Zh)),
                ],
            });
            b.extend(party_fields(s, recipient));
            let c = s.reg.complainants.first();
            let consents = c.map(|c| c.consents.clone()).unwrap_or_default();
            let mut fields = vec![
                f("是否同意公示投诉信息", &check(consents.publish)),
                f("是否同意委托调解", &check(consents.entrust_mediation)),
                f("同意向对方提供信息", &check(consents.share_with_parties)),
                f(
                    "集体投诉",
                    &s.reg
                        .collective
                        .as_ref()
                        .map_or("否".into(), |c| format!("是，{}户", c.households)),
                ),
            ];
            let on = local_date(s.reg.received_at);
            fields.push(f("商品/服务类别", &category_label(s.reg.category.as_deref(), on)));
            fields.push(f("投诉性质", &category_label(s.reg.nature.as_deref(), on)));
            b.push(Block::Fields { title: "其他".into(), fields });
            let facts = &s.reg.facts;
            b.push(Block::Fields {
                title: "消费者权益争议事实".into(),
                fields: vec![
                    f("消费时间", &facts.occurred_on.map(cn_date).unwrap_or_default()),
                    f("涉及金额", &facts.amount_fen.map(yuan).unwrap_or_default()),
                    wide("消费地点", &facts.place),
                    wide("争议情况", &facts.content),
                    wide("投诉请求", &requests_text(s)),
                ],
            });
            let rows: Vec<Vec<String>> = s
                .evidence
                .iter()
                .enumerate()
                .map(|(n, e)| {
                    vec![
                        (n + 1).to_string(),
                        e.item.name.clone(),
                        or_dash(&e.item.description),
                        if e.item.original_returned { "是".into() } else { "否".into() },
                    ]
                })
                .collect();
            b.push(Block::Heading { text: "证据材料清单".into() });
            if rows.is_empty() {
                b.push(Block::Note { text: "（未提交证据材料）".into() });
            } else {
                b.push(Block::Table {
                    header: vec![
                        "序号".into(),
                        "材料名称".into(),
                        "说明".into(),
                        "原件已退还".into(),
                    ],
                    widths: vec![1.0, 4.0, 4.0, 2.0],
                    rows,
                });
            }
            b.push(Block::Signatures {
                lines: vec!["投诉人签字".into(), "日期".into(), "经办人签字".into(), "日期".into()],
            });
            b.push(Block::Note {
                text: "注：通过电话、信函等非现场方式投诉的，投诉人可不签字。".into(),
            });
        }
        DocKind::Acceptance => {
            if to_respondent {
                let c = s.reg.complainants.first().map(|c| shown(c, recipient));
                let phone = c.map(|c| c.phone).unwrap_or_default();
                b.push(para(format!(
                    "{we}于{received}收到{complainants}（联系电话：{phone}）对你方的投诉，事由：{matter}。{}，{we}已予受理。请你方积极配合调查、调解，如实陈述事实，提供相关证据材料。",
                    basis_accept(s)
                )));
            } else {
                b.push(para(format!(
                    "你于{received}提出的{matter}一案，经审查，符合受理条件。{}，{we}决定予以受理。",
                    basis_accept(s)
                )));
                b.push(para(format!(
                    "案件编号：{}。请保持联系方式畅通，{we}将依法组织调解。",
                    s.reg.case_no
                )));
            }
            let contact = contact_line(i.settings);
            if !contact.is_empty() {
                b.push(para(contact));
            }
        }
        DocKind::NonAcceptance => {
            let reason = s.not_accepted.as_ref().map(|d| d.reason.as_str()).unwrap_or("");
            let (items, marked) = reason_items(s.rule_set.not_accept_reasons(), reason);
            let item_no = marked.map_or("  ".into(), |n| (n + 1).to_string());
            let basis = match s.rule_set {
                RuleSet::Own => "经审查，该投诉属于下列第〔{n}〕项情形，本会决定不予受理：".to_owned(),
                RuleSet::Order20 => "经审查，该投诉属于《市场监督管理投诉举报处理暂行办法》第十五条第〔{n}〕项规定的情形，本局决定不予受理：".to_owned(),
                RuleSet::Order121 => "经审查，该投诉属于《市场监督管理投诉举报处理办法》第十六条第〔{n}〕项规定的情形，本局决定不予受理：".to_owned(),
            };
            b.push(para(format!(
                "你于{received}提出的{matter}一案，{}",
                basis.replace("{n}", &item_no)
            )));
            b.push(Block::Items { items, marked });
            if let Some(note) =
                s.not_accepted.as_ref().map(|d| d.note.trim()).filter(|n| !n.is_empty())
            {
                b.push(para(format!("说明：{note}")));
            }
            b.push(para(ROUTES));
            if own_case {
                b.push(para(
                    "你也可以向市场监督管理部门（全国12315平台）投诉，或者依法向人民法院起诉。",
                ));
            }
        }
        DocKind::Correction => {
            let items: Vec<String> = if req.items.is_empty() {
                document::missing_items(s)
                    .iter()
                    .map(|c| document::missing_item_label(c, Lang::Zh))
                    .collect()
            } else {
                req.items.iter().map(|c| document::missing_item_label(c, Lang::Zh)).collect()
            };
            let due = req
                .due
                .unwrap_or_else(|| day + chrono::Days::new(u64::from(i.settings.correction_days)));
            b.push(para(format!(
                "你于{received}提出的{matter}一案，所提供的材料不齐全。请于{}前补充提供下列材料：",
                cn_date(due)
            )));
            b.push(Block::Items { items, marked: None });
            b.push(para(match s.rule_set {
                RuleSet::Own => {
                    "逾期未补充提供的，本会将视为撤回投诉，不再处理；你也可以补齐材料后重新投诉。"
                        .to_owned()
                }
                _ => format!("逾期未提供的，依据{}的规定，本局将不予受理。", law_name(s)),
            }));
            let contact = contact_line(i.settings);
            if !contact.is_empty() {
                b.push(para(contact));
            }
        }
        DocKind::MediationNotice => {
            let v = s.sessions.iter().find(|v| Some(v.id) == subject);
            let sc = v.and_then(|v| v.scheduled.as_ref());
            let when = sc.map(|x| cn_time(x.at)).unwrap_or_default();
            let place = sc.map(|x| or_dash(&x.place)).unwrap_or_default();
            let how = sc.map(|x| x.mode.label(Lang::Zh).to_owned()).unwrap_or_default();
            let mediator = sc.map(|x| or_dash(&x.mediator)).unwrap_or_default();
            let whose = if to_respondent {
                format!("{complainants}{matter}一案")
            } else {
                format!("你于{received}提出的{matter}一案")
            };
            b.push(para(format!(
                "关于{whose}，{we}定于{when}在{place}以{how}方式组织调解。请携带身份证明（单位请携带营业执照复印件和授权委托书）及与争议有关的证据材料准时参加。"
            )));
            b.push(para(match s.rule_set {
                RuleSet::Own => "无正当理由不参加调解的，本会将终止调解。".to_owned(),
                _ => format!("无正当理由不参加调解的，依据{}的规定终止调解。", law_name(s)),
            }));
            b.push(para(format!(
                "当事人认为调解人员与本案有利害关系、可能影响公正调解的，可以在收到本通知之日起{}日内向{we}申请回避。",
                i.settings.recusal_days
            )));
            let phone = if i.settings.phone.is_empty() {
                "——".into()
            } else {
                i.settings.phone.clone()
            };
            b.push(para(format!("调解人员：{mediator}    联系电话：{phone}")));
        }
        DocKind::MediationRecord => {
            m.layout = "form";
            m.seal = false;
            m.sign_every_page = true;
            m.heading_left = format!("调解单位：{}", m.issuer);
            let v = s.sessions.iter().find(|v| Some(v.id) == subject);
            let r = v.and_then(|v| v.recorded.as_ref());
            let sc = v.and_then(|v| v.scheduled.as_ref());
            let interp = r.map_or(String::new(), |r| {
                if r.interpreter.is_empty() {
                    format!("无（使用{}）", r.language.label(Lang::Zh))
                } else {
                    format!("{}（{}）", r.interpreter, r.language.label(Lang::Zh))
                }
            });
            let n = s.sessions.iter().position(|x| Some(x.id) == subject).map_or(1, |p| p + 1);
            b.push(Block::Fields {
                title: format!("第 {n} 次调解"),
                fields: vec![
                    f("调解时间", &r.map(|r| cn_time(r.held_at)).unwrap_or_default()),
                    f("调解方式", r.map(|r| r.mode.label(Lang::Zh)).unwrap_or("")),
                    wide(
                        "调解地点",
                        &r.map(|r| r.place.clone())
                            .or(sc.map(|x| x.place.clone()))
                            .unwrap_or_default(),
                    ),
                    f("调解人", &r.map(|r| r.mediator.clone()).unwrap_or_default()),
                    f("记录人", &r.map(|r| r.recorder.clone()).unwrap_or_default()),
                    wide("翻译（语言）", &interp),
                    wide("案由", &matter),
                    f("投诉人", &complainants),
                    f("被投诉人", &respondent_names(s)),
                    wide("到场人员", &r.map(|r| r.attendees.join("、")).unwrap_or_default()),
                ],
            });
            b.push(Block::Heading { text: "笔录内容（各方陈述）".into() });
            let record = r.map(|r| r.record.clone()).unwrap_or_default();
            for line in record.lines().filter(|l| !l.trim().is_empty()) {
                b.push(para(line.trim()));
            }
            if record.trim().is_empty() {
                b.push(para("——"));
            }
            b.push(Block::Fields {
                title: String::new(),
                fields: vec![wide("调解结果", r.map(|r| r.result.label(Lang::Zh)).unwrap_or(""))],
            });
            b.push(Block::Note {
                text: "以上笔录经当事人核对无误（每页签名）。".into()
            });
            let mut lines = vec![
                "投诉人签字".into(),
                "被投诉人签字".into(),
                "调解人签字".into(),
                "记录人签字".into(),
            ];
            if r.is_some_and(|r| !r.interpreter.is_empty()) {
                lines.push("翻译人员签字".into());
                lines.push("日期".into());
            }
            b.push(Block::Signatures { lines });
        }
        DocKind::Agreement => {
            let a = s.agreement.as_ref();
            b.extend(party_fields(s, recipient));
            b.push(Block::Heading { text: "一、投诉内容及投诉请求".into() });
            b.push(para(format!(
                "{}。投诉请求：{}。",
                s.reg.facts.content.trim_end_matches('。'),
                requests_text(s)
            )));
            b.push(Block::Heading { text: "二、协议内容".into() });
            b.push(para(format!(
                "经{}主持调解，双方当事人自愿达成如下协议：",
                if own_case { "本会" } else { "本局" }
            )));
            let terms = a.map(|a| a.terms.clone()).unwrap_or_default();
            for line in terms.lines().filter(|l| !l.trim().is_empty()) {
                b.push(para(line.trim()));
            }
            if let Some(a) = a {
                b.push(para(format!(
                    "被投诉人向投诉人支付（退还）人民币{}（大写：{}）{}。",
                    yuan(a.amount_fen),
                    rmb_upper(a.amount_fen),
                    a.performance_due
                        .map_or(String::new(), |d| format!("，于{}前履行完毕", cn_date(d)))
                )));
            }
            b.push(Block::Heading { text: "三、协议效力".into() });
            b.push(para("本协议经双方当事人签字或者盖章后生效，双方应当自觉履行。一方不履行的，另一方可以依照《中华人民共和国消费者权益保护法》第三十九条的规定，通过仲裁、诉讼等途径解决。"));
            b.push(Block::Signatures {
                lines: vec![
                    "投诉人（签字）".into(),
                    "被投诉人（签字或盖章）".into(),
                    "调解人员（签字）".into(),
                    "日期".into(),
                ],
            });
            m.tail = "本协议书一式三份，双方当事人各执一份，调解组织存档一份。".into();
            m.date = a.map_or(m.date.clone(), |a| cn_day(a.signed_at));
        }
        DocKind::Termination => {
            let reason = s.termination.as_ref().map(|d| d.reason.as_str()).unwrap_or("");
            let (items, marked) = reason_items(s.rule_set.termination_reasons(), reason);
            let item_no = marked.map_or("  ".into(), |n| (n + 1).to_string());
            let accepted = s.accepted_at.map(cn_day).unwrap_or(received.clone());
            let basis = match s.rule_set {
                RuleSet::Own => format!("因存在下列第〔{item_no}〕项情形，本会决定终止调解："),
                RuleSet::Order20 => format!(
                    "因存在《市场监督管理投诉举报处理暂行办法》第二十一条第一款第〔{item_no}〕项规定的情形，本局决定终止调解："
                ),
                RuleSet::Order121 => format!(
                    "因存在《市场监督管理投诉举报处理办法》第二十三条第一款第〔{item_no}〕项规定的情形，本局决定终止调解："
                ),
            };
            let whose = if to_respondent {
                format!("{complainants}{matter}")
            } else {
                format!("你{matter}")
            };
            b.push(para(format!("{we}于{accepted}受理的{whose}一案，{basis}")));
            b.push(Block::Items { items, marked });
            b.push(para(ROUTES));
        }
        DocKind::Transfer => {
            m.layout = "form";
            m.seal = true;
            let t = s.transfers.iter().find(|t| Some(t.transfer.transfer) == subject);
            m.heading_left = format!("转出单位：{}", m.issuer);
            let to = t.map_or(String::new(), |t| {
                if t.transfer.to_unit.is_empty() {
                    t.transfer.to_department.clone()
                } else if !t.transfer.to_unit_name.is_empty() {
                    format!("{}（{}）", t.transfer.to_unit_name, t.transfer.to_unit)
                } else {
                    t.transfer.to_unit.clone()
                }
            });
            let c = s.reg.complainants.first().map(|c| shown(c, recipient));
            b.push(Block::Fields {
                title: "转办信息".into(),
                fields: vec![
                    f("案件编号", &s.reg.case_no),
                    f("登记日期", &received),
                    f("转出单位", &t.map(|t| t.from_unit.clone()).unwrap_or_default()),
                    f("接收单位", &to),
                    f("转办类型", t.map(|t| t.transfer.kind.label(Lang::Zh)).unwrap_or("")),
                    f("转办理由", t.map(|t| t.transfer.reason.label(Lang::Zh)).unwrap_or("")),
                    f("转办日期", &t.map(|t| cn_day(t.at)).unwrap_or_default()),
                    f("反馈期限", &t.and_then(|t| t.transfer.due).map(cn_date).unwrap_or_default()),
                ],
            });
            b.push(Block::Fields {
                title: "案件情况".into(),
                fields: vec![
                    f("投诉人", &complainants),
                    f("联系电话", &c.as_ref().map(|c| c.phone.clone()).unwrap_or_default()),
                    wide("联系地址", &c.as_ref().map(|c| c.address.clone()).unwrap_or_default()),
                    wide("被投诉人", &respondent_names(s)),
                    wide("事由", &matter),
                    wide("争议情况", &s.reg.facts.content),
                    wide("投诉请求", &requests_text(s)),
                    wide("备注", &t.map(|t| t.transfer.note.clone()).unwrap_or_default()),
                ],
            });
            let fb = t.and_then(|t| t.feedback.as_ref());
            b.push(Block::Fields {
                title: "办理结果反馈".into(),
                fields: vec![
                    wide(
                        "反馈内容",
                        &fb.map(|x| x.1.clone()).unwrap_or_else(|| {
                            "（请承办单位填写办理结果并在反馈期限前反馈）".into()
                        }),
                    ),
                    f("反馈日期", &fb.map(|x| cn_day(x.0)).unwrap_or_default()),
                    f("承办人签字", ""),
                ],
            });
        }
        DocKind::FollowUp => {
            m.layout = "form";
            m.seal = false;
            m.heading_left = format!("回访单位：{}", m.issuer);
            let closure = s.closure.as_ref();
            b.push(Block::Fields {
                title: "案件情况".into(),
                fields: vec![
                    f("案件编号", &s.reg.case_no),
                    f("登记日期", &received),
                    f("投诉人", &complainants),
                    f("被投诉人", &respondent_names(s)),
                    wide("事由", &matter),
                    f(
                        "处理结果",
                        closure
                            .map(|c| c.outcome.label(Lang::Zh))
                            .unwrap_or(s.status.label(Lang::Zh)),
                    ),
                    f("挽回损失", &closure.map(|c| yuan(c.recovered_fen)).unwrap_or_default()),
                ],
            });
            b.push(Block::Table {
                header: vec![
                    "序号".into(),
                    "回访日期".into(),
                    "回访方式".into(),
                    "满意度".into(),
                    "回访情况".into(),
                ],
                widths: vec![1.0, 3.0, 2.0, 2.0, 6.0],
                rows: s
                    .follow_ups
                    .iter()
                    .enumerate()
                    .map(|(n, x)| {
                        vec![
                            (n + 1).to_string(),
                            cn_day(x.at),
                            x.method.label(Lang::Zh).to_owned(),
                            x.satisfaction.label(Lang::Zh).to_owned(),
                            or_dash(&x.note),
                        ]
                    })
                    .collect(),
            });
            b.push(Block::Signatures { lines: vec!["回访人签字".into(), "日期".into()] });
        }
    }
    Ok(m)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capital_amounts() {
        assert_eq!(rmb_upper(259_900), "贰仟伍佰玖拾玖元整");
        assert_eq!(rmb_upper(100_050), "壹仟元伍角整");
        assert_eq!(rmb_upper(100_000_000), "壹佰万元整");
        assert_eq!(rmb_upper(10_010_000), "壹拾万零壹佰元整");
        assert_eq!(rmb_upper(4_600_000_000), "肆仟陆佰万元整");
        assert_eq!(rmb_upper(12), "壹角贰分");
        assert_eq!(rmb_upper(105), "壹元零伍分");
        assert_eq!(yuan(259_900), "2,599.00元");
        assert_eq!(yuan(4_600_000_000), "46,000,000.00元");
    }
}
