//! The rules of the standard documents (文书), without rendering them: which documents a case's
//! state allows, whom each is for, what a copy for the other party may show, which items a
//! 限期补正通知 asks for, and document numbers (文号).
//!
//! **Numbers need no coordination.** A number is made from a pattern the unit configures
//! (`DocSettings`), e.g. `{abbr}{word}〔{year}〕第 {device}-{n} 号` → `海消协受〔2026〕第 A1-12 号`.
//! `{n}` is a counter of the issuing device per kind and year, and `{device}` the device's code,
//! which the hub makes unique within the unit at enrollment: two devices of one unit can never
//! give out the same number while offline. `check_patterns` refuses a pattern without
//! `{year}`, `{device}` and `{n}`, one whose device code and counter are not kept apart by a
//! separator (`A1` + `12` and `A11` + `2` would both read `A112`), and two kinds whose numbers
//! could be equal.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::Lang;
use crate::case::CaseState;
use crate::error::Issue;
use crate::event::{DocumentIssued, EvidenceAdded};
use crate::reference::RuleSet;
use crate::types::*;

/// A document the case's state allows now.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DocOffer {
    pub kind: DocKind,
    /// The session (调解通知书, 调解笔录) or transfer (转办单) it is about.
    pub subject: Option<Uuid>,
    /// Whom it may be issued to; the first is the usual one.
    pub recipients: Vec<Recipient>,
    /// Numbers already issued for this kind and subject (a reprint gives one of these back).
    pub issued: Vec<String>,
}

/// The documents a case's state allows, in the order of the procedure. A voided case offers
/// none; a case offers a document once the event it reports on is recorded (受理通知书 after
/// acceptance, 调解笔录 for each recorded session, ...). The 登记表 is offered for every case
/// that is not voided, the 限期补正通知 while the case waits for acceptance.
pub fn available_documents(s: &CaseState) -> Vec<DocOffer> {
    use Recipient as R;
    if s.status == Status::Voided {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut offer = |kind: DocKind, subject: Option<Uuid>, recipients: Vec<Recipient>| {
        let issued = s
            .documents
            .iter()
            .filter(|d| d.doc.kind == kind && d.doc.subject == subject)
            .map(|d| d.doc.number.clone())
            .collect();
        out.push(DocOffer { kind, subject, recipients, issued });
    };
    offer(DocKind::Registration, None, vec![R::Archive, R::Complainant]);
    if s.status == Status::Registered && s.reg.case_type == CaseType::Complaint {
        offer(DocKind::Correction, None, vec![R::Complainant]);
    }
    if s.accepted_at.is_some() {
        offer(DocKind::Acceptance, None, vec![R::Complainant, R::Respondent]);
    }
    if s.not_accepted.is_some() {
        offer(DocKind::NonAcceptance, None, vec![R::Complainant]);
    }
    for v in &s.sessions {
        if v.scheduled.is_some() {
            offer(DocKind::MediationNotice, Some(v.id), vec![R::Complainant, R::Respondent]);
        }
    }
    for v in &s.sessions {
        if v.recorded.is_some() {
            offer(DocKind::MediationRecord, Some(v.id), vec![R::Archive, R::Parties]);
        }
    }
    if s.agreement.is_some() {
        offer(DocKind::Agreement, None, vec![R::Parties]);
    }
    if s.termination.is_some() {
        offer(DocKind::Termination, None, vec![R::Complainant, R::Respondent]);
    }
    for t in &s.transfers {
        offer(DocKind::Transfer, Some(t.transfer.transfer), vec![R::Unit]);
    }
    if !s.follow_ups.is_empty() {
        offer(DocKind::FollowUp, None, vec![R::Archive]);
    }
    out
}

/// Whether a copy for `recipient` may show the complainant's phone, ID number and address:
/// the complainant's own copy and the file always; anyone else only with the complainant's
/// consent to share with the parties (`Consents::share_with_parties`).
pub fn shows_contact(consents: &crate::event::Consents, recipient: Recipient) -> bool {
    recipient.is_own_side() || consents.share_with_parties
}

/// A phone number for the other party: masked by `crate::mask::phone`, the one masking rule
/// (`13812342345` → `138****2345`, `0977-8221234` → `0977-***1234`).
pub fn mask_phone(phone: &str) -> String {
    crate::mask::phone(phone)
}

/// An ID number for the other party: `crate::mask::id_number` (`632801********0019`).
pub fn mask_id(id: &str) -> String {
    crate::mask::id_number(id)
}

/// Items a 限期补正通知 can ask for: (code, Chinese, English).
pub const MISSING_ITEMS: &[(&str, &str, &str)] = &[
    ("complainant.phone", "投诉人的联系电话", "the complainant's phone number"),
    ("complainant.address", "投诉人的通讯地址", "the complainant's address"),
    (
        "complainant.id",
        "投诉人的真实身份信息（证件类型及号码）",
        "the complainant's identity document",
    ),
    ("respondent", "被投诉人的名称（姓名）", "the respondent's name"),
    ("respondent.address", "被投诉人的地址", "the respondent's address"),
    (
        "facts",
        "购买商品或者接受服务的时间、地点、涉及金额和争议情况",
        "when and where the goods were bought or the service used, the amount and the dispute",
    ),
    ("requests", "具体的投诉请求", "what the complainant asks for"),
    ("evidence", "购物凭证、合同、照片等证据材料", "receipts, contracts, photos or other evidence"),
];

/// The label of a 补正 item: a code of `MISSING_ITEMS`, or the free text itself.
pub fn missing_item_label(item: &str, lang: Lang) -> String {
    match MISSING_ITEMS.iter().find(|(code, _, _)| *code == item) {
        Some((_, zh, en)) => if lang == Lang::Zh { zh } else { en }.to_string(),
        None => item.to_owned(),
    }
}

/// What the registration lacks of the items a complaint must contain (Order 20 Art.9, Order
/// 121 forms; entrusted cases also need the complainant's identity, Regulation Art.46(1)).
pub fn missing_items(s: &CaseState) -> Vec<&'static str> {
    let r = &s.reg;
    let mut out = Vec::new();
    let cs = &r.complainants;
    if cs.iter().all(|c| c.phones.is_empty() && c.contact_person.trim().is_empty()) {
        out.push("complainant.phone");
    }
    if cs.iter().all(|c| c.address.trim().is_empty() && c.village.trim().is_empty()) {
        out.push("complainant.address");
    }
    if r.mode == Mode::Entrusted
        && cs.iter().all(|c| c.id_number.as_deref().is_none_or(|n| n.trim().is_empty()))
    {
        out.push("complainant.id");
    }
    if r.respondents.is_empty() {
        out.push("respondent");
    } else if r.respondents.iter().all(|p| p.address.trim().is_empty()) {
        out.push("respondent.address");
    }
    let f = &r.facts;
    if f.content.trim().is_empty() || f.occurred_on.is_none() || f.amount_fen.is_none() {
        out.push("facts");
    }
    if r.requests.is_empty() && r.request_text.trim().is_empty() {
        out.push("requests");
    }
    if s.evidence.is_empty() {
        out.push("evidence");
    }
    out
}

/// Checks a `case.document_issued` command (the state machine has allowed it): the document
/// must be on offer for its subject and recipient, with a number not used on the case, a
/// SHA-256 and a template.
pub(crate) fn check_issue(s: &CaseState, d: &DocumentIssued, issues: &mut Vec<Issue>) {
    let offered =
        available_documents(s).into_iter().find(|o| o.kind == d.kind && o.subject == d.subject);
    match offered {
        None => issues.push(Issue::with_arg("kind", "doc.not_available", d.kind.code())),
        Some(o) if !o.recipients.contains(&d.recipient) => {
            issues.push(Issue::with_arg("recipient", "doc.recipient", d.recipient.code()))
        }
        Some(_) => {}
    }
    if d.number.trim().is_empty() {
        issues.push(Issue::new("number", "required"));
    } else if s.documents.iter().any(|x| x.doc.number == d.number) {
        issues.push(Issue::with_arg("number", "doc.number_taken", &d.number));
    }
    if !is_sha256(&d.sha256) {
        issues.push(Issue::new("sha256", "hash.invalid"));
    }
    if d.template.trim().is_empty() {
        issues.push(Issue::new("template", "required"));
    }
    if d.kind == DocKind::Correction && d.items.is_empty() {
        issues.push(Issue::new("items", "required"));
    }
}

/// Checks a `case.evidence_added` command: a hash, a name, a media type, a size, an id not
/// used on the case, and, for a signed copy, the number of a document issued on the case.
pub(crate) fn check_evidence(s: &CaseState, x: &EvidenceAdded, issues: &mut Vec<Issue>) {
    if !is_sha256(&x.sha256) {
        issues.push(Issue::new("sha256", "hash.invalid"));
    }
    if x.name.trim().is_empty() {
        issues.push(Issue::new("name", "required"));
    }
    if x.media_type.trim().is_empty() {
        issues.push(Issue::new("media_type", "required"));
    }
    if x.size == 0 {
        issues.push(Issue::new("size", "evidence.empty"));
    }
    if s.evidence.iter().any(|e| e.item.evidence == x.evidence) {
        issues.push(Issue::new("evidence", "evidence.duplicate"));
    }
    if let Some(n) = &x.for_document
        && !s.documents.iter().any(|d| &d.doc.number == n)
    {
        issues.push(Issue::with_arg("for_document", "doc.unknown_number", n));
    }
}

/// Whether `s` is a SHA-256 in lower-case hex.
pub fn is_sha256(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// How a unit's documents are headed and numbered. Kept in the station's settings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DocSettings {
    /// The name the association's own documents are issued in (empty: the station's unit).
    pub issuer: String,
    /// The unit's abbreviation in document numbers (`{abbr}`), e.g. 海消协.
    pub abbr: String,
    /// The entrusting market-regulation department: entrusted cases are mediated and their
    /// documents issued in its name (Order 20 Art.17).
    pub department: String,
    /// The department's abbreviation in 市监 numbers (`{dept}`), e.g. 德 for 德令哈市.
    pub department_abbr: String,
    /// Contact person, phone and address printed on notices.
    pub contact: String,
    pub phone: String,
    pub address: String,
    /// Number patterns by document kind code for own cases; a kind not listed uses
    /// `default_pattern`.
    pub own_patterns: BTreeMap<String, String>,
    /// Number patterns by document kind code for entrusted cases.
    pub entrusted_patterns: BTreeMap<String, String>,
    /// Days given to supply missing items (限期补正).
    pub correction_days: u32,
    /// Days after a mediation notice in which a party may ask for recusal (回避).
    pub recusal_days: u32,
}

impl Default for DocSettings {
    fn default() -> DocSettings {
        DocSettings {
            issuer: String::new(),
            abbr: "消协".into(),
            department: String::new(),
            department_abbr: String::new(),
            contact: String::new(),
            phone: String::new(),
            address: String::new(),
            own_patterns: BTreeMap::new(),
            entrusted_patterns: BTreeMap::new(),
            correction_days: 7,
            recusal_days: 3,
        }
    }
}

/// The default number pattern of the association's own documents.
pub const OWN_PATTERN: &str = "{abbr}{word}〔{year}〕第 {device}-{n} 号";
/// The default number pattern of entrusted cases: the 市监 pattern of the SAMR forms,
/// `____市监____〔年〕第____号` (DOMAIN.md §4.1).
pub const ENTRUSTED_PATTERN: &str = "{dept}市监{word}〔{year}〕第 {device}-{n} 号";

/// The word for a kind in document numbers (`{word}`): the association's own, or the 市监
/// forms' (投诉 + the form).
pub fn kind_word(kind: DocKind, rule_set: RuleSet) -> &'static str {
    let own = rule_set == RuleSet::Own;
    match (kind, own) {
        (DocKind::Registration, true) => "登",
        (DocKind::Registration, false) => "投登",
        (DocKind::Acceptance, true) => "受",
        (DocKind::Acceptance, false) => "投受",
        (DocKind::NonAcceptance, true) => "不受",
        (DocKind::NonAcceptance, false) => "投不受",
        (DocKind::Correction, true) => "补",
        (DocKind::Correction, false) => "投补",
        (DocKind::MediationNotice, true) => "调通",
        (DocKind::MediationNotice, false) => "投调通",
        (DocKind::MediationRecord, true) => "笔",
        (DocKind::MediationRecord, false) => "投笔",
        (DocKind::Agreement, true) => "调",
        (DocKind::Agreement, false) => "投调",
        (DocKind::Termination, true) => "终",
        (DocKind::Termination, false) => "投终",
        (DocKind::Transfer, true) => "转",
        (DocKind::Transfer, false) => "投转",
        (DocKind::FollowUp, true) => "访",
        (DocKind::FollowUp, false) => "投访",
    }
}

impl DocSettings {
    /// The pattern for `kind` under `rule_set`.
    pub fn pattern(&self, kind: DocKind, rule_set: RuleSet) -> &str {
        let (map, default) = match rule_set {
            RuleSet::Own => (&self.own_patterns, OWN_PATTERN),
            RuleSet::Order20 | RuleSet::Order121 => (&self.entrusted_patterns, ENTRUSTED_PATTERN),
        };
        map.get(kind.code()).map_or(default, String::as_str)
    }
}

/// What a number is made of.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NumberParts<'a> {
    pub kind: DocKind,
    pub rule_set: RuleSet,
    pub year: i32,
    pub device: &'a str,
    pub n: u64,
}

/// The number of the `n`th document of `kind` this device issues in `year`.
pub fn format_number(settings: &DocSettings, p: &NumberParts<'_>) -> String {
    fill(settings, settings.pattern(p.kind, p.rule_set), p)
}

fn fill(settings: &DocSettings, pattern: &str, p: &NumberParts<'_>) -> String {
    pattern
        .replace("{abbr}", &settings.abbr)
        .replace("{dept}", &settings.department_abbr)
        .replace("{word}", kind_word(p.kind, p.rule_set))
        .replace("{year}", &p.year.to_string())
        .replace("{device}", p.device)
        .replace("{n}", &p.n.to_string())
}

/// Every problem of the number patterns (see the module doc), with the pattern's path
/// (`own_patterns.acceptance`, or `own_patterns.*` for the default).
pub fn check_patterns(settings: &DocSettings) -> Vec<Issue> {
    let mut issues = Vec::new();
    for (map, name) in [
        (&settings.own_patterns, "own_patterns"),
        (&settings.entrusted_patterns, "entrusted_patterns"),
    ] {
        for key in map.keys() {
            if DocKind::from_code(key).is_none() {
                issues.push(Issue::with_arg(format!("{name}.{key}"), "unknown_code", key));
            }
        }
    }
    for rule_set in [RuleSet::Own, RuleSet::Order121] {
        let map_name = if rule_set == RuleSet::Own { "own_patterns" } else { "entrusted_patterns" };
        let mut seen: Vec<(String, String, DocKind)> = Vec::new();
        for &kind in DocKind::ALL {
            let pattern = settings.pattern(kind, rule_set);
            let map = if rule_set == RuleSet::Own {
                &settings.own_patterns
            } else {
                &settings.entrusted_patterns
            };
            let path = if map.contains_key(kind.code()) {
                format!("{map_name}.{}", kind.code())
            } else {
                format!("{map_name}.*")
            };
            if issues.iter().any(|i| i.path == path) {
                continue;
            }
            let before = issues.len();
            for needed in ["{year}", "{device}", "{n}"] {
                if pattern.matches(needed).count() != 1 {
                    issues.push(Issue::with_arg(&path, "doc.pattern_needs", needed));
                }
            }
            if issues.len() == before && !separated(pattern) {
                issues.push(Issue::new(&path, "doc.pattern_separator"));
            }
            if issues.len() > before {
                continue;
            }
            // Two kinds whose numbers differ only by the counter would collide.
            let parts = NumberParts { kind, rule_set, year: 2026, device: "D", n: 0 };
            let text = fill(settings, &pattern.replace("{n}", "\u{0}"), &parts);
            let (head, tail) = text.split_once('\u{0}').unwrap_or((&text, ""));
            if let Some((_, _, other)) = seen.iter().find(|(h, t, _)| h == head && t == tail) {
                issues.push(Issue::with_arg(&path, "doc.pattern_same", other.code()));
            } else {
                seen.push((head.to_owned(), tail.to_owned(), kind));
            }
        }
    }
    issues
}

/// Whether `{device}` and `{n}` are kept apart by literal text with no letter or digit.
fn separated(pattern: &str) -> bool {
    let (Some(d), Some(n)) = (pattern.find("{device}"), pattern.find("{n}")) else {
        return false;
    };
    let between = if d < n { &pattern[d + "{device}".len()..n] } else { &pattern[n + 3..d] };
    !between.is_empty() && !between.contains('{') && !between.chars().any(char::is_alphanumeric)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_keep_the_ends() {
        assert_eq!(mask_phone("13812342345"), "138****2345");
        assert_eq!(mask_id("632801199001010019"), "632801********0019");
        assert_eq!(mask_phone("0977-8221234"), "0977-***1234");
        assert_eq!(mask_phone(""), "");
        assert_eq!(mask_phone("12345"), "*****");
    }

    #[test]
    fn numbers_hold_the_device_and_its_counter() {
        let s = DocSettings { abbr: "海消协".into(), ..DocSettings::default() };
        let p = NumberParts {
            kind: DocKind::Agreement,
            rule_set: RuleSet::Own,
            year: 2026,
            device: "A1",
            n: 12,
        };
        assert_eq!(format_number(&s, &p), "海消协调〔2026〕第 A1-12 号");
        let s = DocSettings { department_abbr: "德".into(), ..s };
        let p = NumberParts { rule_set: RuleSet::Order121, kind: DocKind::Acceptance, ..p };
        assert_eq!(format_number(&s, &p), "德市监投受〔2026〕第 A1-12 号");
        assert!(check_patterns(&DocSettings::default()).is_empty());
    }

    #[test]
    fn bad_patterns_are_refused() {
        let with = |kind: &str, p: &str| {
            let mut s = DocSettings::default();
            s.own_patterns.insert(kind.into(), p.into());
            check_patterns(&s).into_iter().map(|i| (i.path, i.code, i.arg)).collect::<Vec<_>>()
        };
        let issue = |p: &str, c: &str, a: &str| (p.to_owned(), c.to_owned(), a.to_owned());
        assert_eq!(
            with("acceptance", "{abbr}受〔{year}〕第 {n} 号"),
            vec![issue("own_patterns.acceptance", "doc.pattern_needs", "{device}")]
        );
        assert_eq!(
            with("acceptance", "{abbr}受〔{year}〕第 {device}{n} 号"),
            vec![issue("own_patterns.acceptance", "doc.pattern_separator", "")]
        );
        assert_eq!(
            with("termination", "{abbr}受〔{year}〕第 {device}-{n} 号"),
            vec![issue("own_patterns.termination", "doc.pattern_same", "acceptance")]
        );
        assert_eq!(
            with("nonsense", "x"),
            vec![issue("own_patterns.nonsense", "unknown_code", "nonsense")]
        );
    }
}
