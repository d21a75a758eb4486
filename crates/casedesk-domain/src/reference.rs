//! Reference data shipped with the app: the CCA goods/service categories and complaint natures
//! (`data/categories.csv`, local codes with versioned labels, a copy of the shared domain table;
//! `data/category_terms.csv`, the everyday words a clerk types for each category: 家电, 暖气,
//! 兽药 ...), and the reason-code tables of each rule set (non-acceptance and termination
//! grounds).

use std::sync::OnceLock;

use chrono::NaiveDate;

use crate::Lang;
use crate::types::Mode;

/// One row of the category code table.
#[derive(Clone, Debug)]
pub struct Category {
    pub code: String,
    pub parent: Option<String>,
    pub name_zh: String,
    pub name_en: String,
    /// `goods`, `service` or `nature`.
    pub kind: String,
    /// Scheme prefix: `CCA`, `CCA2010` or `M12315`.
    pub scheme: String,
    /// Everyday words that find this category (`data/category_terms.csv`), Chinese and English.
    pub terms_zh: Vec<String>,
    pub terms_en: Vec<String>,
    /// A heading of the tree (商品类, 服务类): it groups categories and is never one itself.
    pub group: bool,
}

#[derive(serde::Deserialize)]
struct TermsRow {
    code: String,
    terms_zh: String,
    terms_en: String,
}

#[derive(serde::Deserialize)]
struct CategoryRow {
    code: String,
    parent_code: String,
    name_zh: String,
    name_en: String,
    kind: String,
}

/// Labels that changed over time: (code, valid from, new Chinese label).
const RELABELS: &[(&str, &str, &str)] =
    &[("CCA-N08", "2024-01-01", "人格权益"), ("CCA-S01", "2024-01-01", "生活及社会服务类")];

/// All categories and natures, parsed once from the embedded CSV.
pub fn categories() -> &'static [Category] {
    static CATS: OnceLock<Vec<Category>> = OnceLock::new();
    CATS.get_or_init(|| {
        parse_categories(
            include_str!("../data/categories.csv"),
            include_str!("../data/category_terms.csv"),
        )
    })
}

fn split_terms(s: &str) -> Vec<String> {
    s.split('|').map(str::trim).filter(|t| !t.is_empty()).map(str::to_owned).collect()
}

fn parse_categories(text: &str, terms: &str) -> Vec<Category> {
    let mut terms: std::collections::HashMap<String, (Vec<String>, Vec<String>)> =
        csv::Reader::from_reader(terms.as_bytes())
            .deserialize::<TermsRow>()
            .filter_map(Result::ok)
            .map(|r| (r.code, (split_terms(&r.terms_zh), split_terms(&r.terms_en))))
            .collect();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let mut cats: Vec<Category> = reader
        .deserialize::<CategoryRow>()
        .filter_map(Result::ok)
        .map(|r| {
            let (terms_zh, terms_en) = terms.remove(&r.code).unwrap_or_default();
            Category {
                scheme: r.code.split('-').next().unwrap_or("").to_owned(),
                parent: (!r.parent_code.is_empty()).then_some(r.parent_code),
                code: r.code,
                name_zh: r.name_zh,
                name_en: r.name_en,
                kind: r.kind,
                terms_zh,
                terms_en,
                group: false,
            }
        })
        .collect();
    let parents: std::collections::HashSet<String> =
        cats.iter().filter_map(|c| c.parent.clone()).collect();
    for c in &mut cats {
        c.group = c.parent.is_none() && parents.contains(&c.code);
    }
    cats
}

/// Subject categories of the current scheme that `query` finds: every word of it (separated by
/// spaces) is part of the code, a label (Chinese or English, any case) or a search term, or a
/// term is part of the word (饲料兽药 finds 兽药). Headings are never found. In table order.
pub fn find_categories(query: &str) -> Vec<&'static Category> {
    let words: Vec<String> = query.split_whitespace().map(str::to_lowercase).collect();
    if words.is_empty() {
        return Vec::new();
    }
    categories()
        .iter()
        .filter(|c| c.is_subject() && !c.group)
        .filter(|c| words.iter().all(|w| c.matches(w)))
        .collect()
}

pub fn category(code: &str) -> Option<&'static Category> {
    categories().iter().find(|c| c.code == code)
}

impl Category {
    /// The label in force on `on` (labels are versioned: 人格尊严 became 人格权益 in 2024).
    pub fn label(&self, lang: Lang, on: Option<NaiveDate>) -> &str {
        if lang == Lang::En {
            return &self.name_en;
        }
        for (code, from, label) in RELABELS {
            let from = NaiveDate::parse_from_str(from, "%Y-%m-%d").ok();
            if *code == self.code && on.is_some() && on >= from {
                return label;
            }
        }
        &self.name_zh
    }
    /// Does one lower-cased search word find this category (see `find_categories`)?
    pub fn matches(&self, word: &str) -> bool {
        let has = |s: &str| s.to_lowercase().contains(word);
        has(&self.code)
            || has(&self.name_zh)
            || has(&self.name_en)
            || RELABELS.iter().any(|(c, _, l)| *c == self.code && has(l))
            || self.terms_en.iter().any(|t| has(t))
            // A Chinese word may hold a term: 饲料兽药 finds 兽药, 暖气费 finds 暖气.
            || self.terms_zh.iter().any(|t| has(t) || (t.chars().count() >= 2 && word.contains(t.as_str())))
    }
    /// A subject category (goods or service) of the current CCA scheme. A heading (`group`)
    /// is one too but cannot be given to a case (`validate_registration`).
    pub fn is_subject(&self) -> bool {
        self.scheme == "CCA" && (self.kind == "goods" || self.kind == "service")
    }
    /// A complaint nature of the current CCA scheme.
    pub fn is_nature(&self) -> bool {
        self.scheme == "CCA" && self.kind == "nature"
    }
}

/// The set of procedure rules a case runs under, chosen by its mode and received date.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum RuleSet {
    /// 市场监督管理投诉举报处理暂行办法 (总局令第20号), entrusted cases received before 2026-04-15.
    #[serde(rename = "order20")]
    Order20,
    /// 市场监督管理投诉举报处理办法 (总局令第121号), entrusted cases received from 2026-04-15.
    #[serde(rename = "order121")]
    Order121,
    /// The association's own cases (CRPL Art.37; "应当及时处理", internal deadlines).
    #[serde(rename = "own")]
    Own,
}

/// The day Order 121 took effect.
pub fn order121_effective() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 4, 15).unwrap_or_default()
}

impl RuleSet {
    pub fn for_case(mode: Mode, received: NaiveDate) -> RuleSet {
        match mode {
            Mode::Own => RuleSet::Own,
            Mode::Entrusted if received < order121_effective() => RuleSet::Order20,
            Mode::Entrusted => RuleSet::Order121,
        }
    }
    pub fn code(self) -> &'static str {
        match self {
            RuleSet::Order20 => "order20",
            RuleSet::Order121 => "order121",
            RuleSet::Own => "own",
        }
    }
    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (RuleSet::Order20, Lang::Zh) => "总局令第20号",
            (RuleSet::Order20, Lang::En) => "SAMR Order No. 20",
            (RuleSet::Order121, Lang::Zh) => "总局令第121号",
            (RuleSet::Order121, Lang::En) => "SAMR Order No. 121",
            (RuleSet::Own, Lang::Zh) => "消协自办",
            (RuleSet::Own, Lang::En) => "Association rules",
        }
    }
    /// Grounds for not accepting a complaint under this rule set.
    pub fn not_accept_reasons(self) -> &'static [Reason] {
        match self {
            RuleSet::Order20 => NOT_ACCEPT_ORDER20,
            RuleSet::Order121 => NOT_ACCEPT_ORDER121,
            RuleSet::Own => NOT_ACCEPT_OWN,
        }
    }
    /// Grounds for terminating mediation under this rule set. Own cases use the Order 121 list.
    pub fn termination_reasons(self) -> &'static [Reason] {
        match self {
            RuleSet::Order20 => TERMINATE_ORDER20,
            RuleSet::Order121 | RuleSet::Own => TERMINATE_ORDER121,
        }
    }
}

/// A reason code with its labels.
#[derive(Clone, Copy, Debug)]
pub struct Reason {
    pub code: &'static str,
    pub zh: &'static str,
    pub en: &'static str,
}

impl Reason {
    pub fn label(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::Zh => self.zh,
            Lang::En => self.en,
        }
    }
}

const fn r(code: &'static str, zh: &'static str, en: &'static str) -> Reason {
    Reason { code, zh, en }
}

/// Order 20 Art.15.
pub const NOT_ACCEPT_ORDER20: &[Reason] = &[
    r(
        "O20-1",
        "不属于市场监督管理部门职责，或者本行政机关不具有处理权限",
        "Not within the duties or authority of the department",
    ),
    r(
        "O20-2",
        "法院、仲裁机构、行政机关、消费者协会或者其他调解组织已经受理或者处理过同一争议",
        "Already accepted or handled by a court, arbitration, an authority or another mediator",
    ),
    r(
        "O20-3",
        "不是为生活消费需要，或者不能证明与被投诉人之间存在消费者权益争议",
        "Not consumption for daily life, or no provable dispute with the respondent",
    ),
    r("O20-4", "超过三年", "More than three years have passed"),
    r(
        "O20-5",
        "未提供第九条第一款和第十条规定的材料",
        "Required materials (Art.9(1), Art.10) not provided",
    ),
    r(
        "O20-6",
        "法律、法规、规章规定不予受理的其他情形",
        "Other grounds under laws and regulations",
    ),
];

/// Order 121 Art.16.
pub const NOT_ACCEPT_ORDER121: &[Reason] = &[
    r(
        "O121-1",
        "不属于市场监督管理部门职责，或者本行政机关不具有处理权限",
        "Not within the duties or authority of the department",
    ),
    r(
        "O121-2",
        "已经受理或者处理过同一消费者权益争议",
        "The same dispute was already accepted or handled",
    ),
    r(
        "O121-3",
        "不是为生活消费需要，或者不能证明与被投诉人之间存在消费者权益争议",
        "Not consumption for daily life, or no provable dispute with the respondent",
    ),
    r("O121-4", "超过三年", "More than three years have passed"),
    r(
        "O121-5",
        "未提供第十条第一款、第十一条规定的材料或者提供虚假材料",
        "Required materials not provided, or false materials",
    ),
    r(
        "O121-6",
        "冒用他人名义或者拒不配合核验真实身份信息",
        "Used another person's name or refused identity verification",
    ),
    r(
        "O121-7",
        "法律、法规、规章规定不予受理的其他情形",
        "Other grounds under laws and regulations",
    ),
];

/// 消协 practice (a separate code table for the association's own cases).
pub const NOT_ACCEPT_OWN: &[Reason] = &[
    r("OWN-01", "经营者之间的争议", "A dispute between businesses"),
    r("OWN-02", "没有明确的被投诉方", "No identifiable respondent"),
    r("OWN-03", "经营者事前已如实说明商品或服务瑕疵", "The defect was disclosed before purchase"),
    r(
        "OWN-04",
        "已达成和解并已履行，且无新的事实和理由",
        "Already settled and performed, with no new grounds",
    ),
    r("OWN-05", "投资、再生产等引发的争议", "A dispute arising from investment or production"),
    r(
        "OWN-06",
        "无必要证据（超出三包期或保质期、无购物凭证、无法证实受损）",
        "No necessary evidence",
    ),
    r(
        "OWN-07",
        "行政部门、仲裁机构或法院已受理或处理",
        "Already handled by an authority, arbitration or a court",
    ),
    r("OWN-08", "法律规定由指定部门处理", "The law assigns it to another body"),
    r("OWN-09", "未按说明使用或自行拆动致损", "Damage from misuse or self-repair"),
    r("OWN-10", "其他", "Other"),
];

/// Order 20 Art.21.
pub const TERMINATE_ORDER20: &[Reason] = &[
    r("O20T-1", "投诉人撤回投诉或者双方自行和解", "Complaint withdrawn or settled by the parties"),
    r(
        "O20T-2",
        "投诉人与被投诉人对委托承担检定、检验、检测、鉴定工作的技术机构或者费用承担无法协商一致",
        "No agreement on the testing body or its costs",
    ),
    r(
        "O20T-3",
        "投诉人或者被投诉人无正当理由不参加调解，或者被投诉人明确拒绝调解",
        "A party did not attend without reason, or the respondent refused mediation",
    ),
    r(
        "O20T-4",
        "经组织调解，投诉人或者被投诉人明确表示无法达成调解协议",
        "A party stated that no agreement can be reached",
    ),
    r(
        "O20T-5",
        "自投诉受理之日起四十五个工作日内投诉人和被投诉人未能达成调解协议",
        "No agreement within 45 working days of acceptance",
    ),
    r("O20T-6", "受理后发现存在本办法第十五条规定情形", "Grounds of Art.15 found after acceptance"),
    r(
        "O20T-7",
        "法律、法规、规章规定的应当终止调解的其他情形",
        "Other grounds under laws and regulations",
    ),
];

/// Order 121 Art.23(1).
pub const TERMINATE_ORDER121: &[Reason] = &[
    r("O121T-1", "投诉人撤回投诉或者双方自行和解", "Complaint withdrawn or settled by the parties"),
    r(
        "O121T-2",
        "投诉人或者被投诉人无正当理由不参加调解，或者被投诉人明确拒绝调解",
        "A party did not attend without reason, or the respondent refused mediation",
    ),
    r(
        "O121T-3",
        "经组织调解，投诉人或者被投诉人明确表示无法达成调解协议",
        "A party stated that no agreement can be reached",
    ),
    r(
        "O121T-4",
        "投诉人与被投诉人对鉴定、检测费用承担无法协商一致",
        "No agreement on who pays for testing",
    ),
    r(
        "O121T-5",
        "自投诉受理之日起六十日内投诉人和被投诉人未能达成调解协议",
        "No agreement within 60 days of acceptance",
    ),
    r(
        "O121T-6",
        "受理后发现存在第十六条、第四十二条规定情形",
        "Grounds of Art.16 or Art.42 found after acceptance",
    ),
    r("O121T-7", "投诉人、被投诉人死亡或者主体资格灭失", "A party died or ceased to exist"),
    r(
        "O121T-8",
        "法律、法规、规章规定的应当终止调解的其他情形",
        "Other grounds under laws and regulations",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn categories_parse_and_have_expected_roots() {
        let cats = categories();
        assert!(cats.len() > 100, "{}", cats.len());
        assert_eq!(category("CCA-G10").map(|c| c.name_zh.as_str()), Some("农用生产资料类"));
        assert_eq!(cats.iter().filter(|c| c.is_nature()).count(), 10);
        assert!(category("CCA-S12").is_some_and(Category::is_subject));
        assert!(!category("M12315-G01").is_some_and(Category::is_subject));
    }

    #[test]
    fn everyday_words_find_categories() {
        let found =
            |q: &str| find_categories(q).iter().map(|c| c.code.as_str()).collect::<Vec<_>>();
        assert!(found("家电").contains(&"CCA-G01"), "{:?}", found("家电"));
        assert!(found("手机").contains(&"CCA-G01-01"));
        assert!(found("手机").contains(&"CCA-S06"));
        assert!(found("通信").contains(&"CCA-S06"));
        assert_eq!(found("供暖"), ["CCA-S12"]);
        assert_eq!(found("暖气"), ["CCA-S12"]);
        assert_eq!(found("暖气费"), ["CCA-S12"]);
        assert_eq!(found("兽药"), ["CCA-G10"]);
        assert_eq!(found("饲料兽药"), ["CCA-G10"]);
        assert_eq!(found("Heating"), ["CCA-S12"]);
        assert_eq!(found("CCA-S12"), ["CCA-S12"]);
        // The name still finds it; every word must match; headings are never found.
        assert_eq!(found("农用生产资料"), ["CCA-G10"]);
        assert_eq!(found("手机 话费"), ["CCA-S06", "CCA-S06-01"]);
        assert_eq!(found("商品类"), ["CCA-G06"], "日用商品类, not the heading 商品类");
        assert!(!found("服务类").contains(&"CCA-S"));
        assert!(found("   ").is_empty());
        // Short English terms are not found inside longer words.
        assert!(!found("accommodation").contains(&"CCA-G01-04"));
    }

    #[test]
    fn every_term_row_names_a_subject_category() {
        let text = include_str!("../data/category_terms.csv");
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let mut n = 0;
        for row in reader.deserialize::<TermsRow>() {
            let row = row.expect("a terms row");
            let c = category(&row.code).unwrap_or_else(|| panic!("{} is no category", row.code));
            assert!(c.is_subject() && !c.group, "{}", row.code);
            assert!(!c.terms_zh.is_empty() && !c.terms_en.is_empty(), "{}", row.code);
            n += 1;
        }
        assert!(n > 40, "{n}");
        assert!(category("CCA-G").is_some_and(|c| c.group));
        assert!(category("CCA-S").is_some_and(|c| c.group));
        assert!(category("CCA-X").is_some_and(|c| !c.group));
        assert!(category("CCA-G01").is_some_and(|c| !c.group));
    }

    #[test]
    fn nature_label_is_versioned() {
        let c = category("CCA-N08").unwrap();
        assert_eq!(c.label(Lang::Zh, NaiveDate::from_ymd_opt(2023, 6, 1)), "人格尊严");
        assert_eq!(c.label(Lang::Zh, NaiveDate::from_ymd_opt(2025, 6, 1)), "人格权益");
    }

    #[test]
    fn rule_set_by_mode_and_date() {
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(RuleSet::for_case(Mode::Entrusted, d(2026, 4, 14)), RuleSet::Order20);
        assert_eq!(RuleSet::for_case(Mode::Entrusted, d(2026, 4, 15)), RuleSet::Order121);
        assert_eq!(RuleSet::for_case(Mode::Own, d(2020, 1, 1)), RuleSet::Own);
        assert_eq!(RuleSet::Order121.not_accept_reasons().len(), 7);
        assert_eq!(RuleSet::Order121.termination_reasons().len(), 8);
        assert_eq!(RuleSet::Own.not_accept_reasons().len(), 10);
    }
}
