use super::*;
use crate::event::Collective;
use crate::testutil::{at, complainant, registration};
use crate::types::{CaseType, Mode};

fn codes(reg: &CaseRegistered) -> Vec<(String, String)> {
    validate_registration(reg, at(2026, 3, 5, 2)).into_iter().map(|i| (i.path, i.code)).collect()
}

#[test]
fn the_sample_is_valid() {
    assert_eq!(codes(&registration(at(2026, 3, 1, 1))), vec![]);
}

#[test]
fn a_complaint_needs_its_parts() {
    let mut reg = registration(at(2026, 3, 1, 1));
    reg.complainants.clear();
    reg.respondents.clear();
    reg.category = None;
    reg.nature = None;
    reg.facts.content = " ".into();
    reg.requests.clear();
    reg.request_text.clear();
    let got = codes(&reg);
    let want: Vec<(String, String)> = [
        ("complainants", "count.min"),
        ("respondents", "count.min"),
        ("category", "required"),
        ("nature", "required"),
        ("facts.content", "required"),
        ("requests", "required"),
    ]
    .iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    assert_eq!(got, want);
}

#[test]
fn a_suggestion_needs_only_its_text_and_a_consultation_is_not_a_case() {
    let mut reg = registration(at(2026, 3, 1, 1));
    reg.case_type = CaseType::Suggestion;
    reg.complainants.clear();
    reg.respondents.clear();
    reg.category = None;
    reg.nature = None;
    reg.requests.clear();
    assert_eq!(codes(&reg), vec![]);
    // Consultations are counted in 人次 (`consultation.recorded`), without a case number.
    reg.case_type = CaseType::Consultation;
    assert_eq!(codes(&reg), vec![("case_type".to_owned(), "case_type.consultation".to_owned())]);
}

#[test]
fn entrusted_cases_need_identity_and_consent() {
    let mut reg = registration(at(2026, 3, 1, 1));
    reg.mode = Mode::Entrusted;
    reg.complainants[0].id_number = None;
    reg.complainants[0].consents.entrust_mediation = false;
    assert_eq!(
        codes(&reg),
        vec![
            ("complainants[0].id_number".into(), "id.required".into()),
            (
                "complainants[0].consents.entrust_mediation".into(),
                "consent.entrust_required".into()
            ),
        ]
    );
}

#[test]
fn collective_complaints_count_representatives() {
    let mut reg = registration(at(2026, 3, 1, 1));
    reg.collective = Some(Collective { households: 1 });
    let got = codes(&reg);
    assert!(got.contains(&("collective.households".into(), "households.min".into())));
    assert!(got.contains(&("collective.representatives".into(), "representatives.count".into())));
    reg.collective = Some(Collective { households: 120 });
    reg.complainants = (0..3)
        .map(|i| {
            let mut c = complainant(["巴特尔", "其其格", "扎西"][i]);
            c.representative = true;
            c
        })
        .collect();
    assert_eq!(codes(&reg), vec![]);
    reg.mode = Mode::Entrusted; // at most two representatives under SAMR rules
    assert!(
        codes(&reg)
            .contains(&("collective.representatives".into(), "representatives.count".into()))
    );
}

#[test]
fn dates_must_not_be_in_the_future() {
    let mut reg = registration(at(2026, 3, 1, 1));
    reg.received_at = at(2026, 3, 6, 2);
    reg.facts.occurred_on = chrono::NaiveDate::from_ymd_opt(2026, 4, 1);
    let got = codes(&reg);
    assert!(got.contains(&("received_at".into(), "date.future".into())));
    assert!(got.contains(&("facts.occurred_on".into(), "date.future".into())));
}

#[test]
fn herders_without_phone_or_street_address() {
    let mut reg = registration(at(2026, 3, 1, 1));
    reg.complainants[0].phones.clear();
    reg.complainants[0].contact_person = "侄子 多杰 13997700000".into();
    reg.complainants[0].address.clear();
    reg.complainants[0].village = "天峻县织合玛乡夏季牧场帐篷点".into();
    reg.complainants[0].name = "ཚེ་རིང་སྒྲོལ་མ".into(); // Tibetan script is storable
    assert_eq!(codes(&reg), vec![]);
}

#[test]
fn amounts_in_yuan() {
    assert_eq!(parse_yuan("1,234.5"), Ok(123_450));
    assert_eq!(parse_yuan("￥88"), Ok(8_800));
    assert_eq!(parse_yuan("0.07"), Ok(7));
    assert_eq!(parse_yuan("1.234"), Err("amount.format"));
    assert_eq!(parse_yuan("-3"), Err("amount.negative"));
    assert_eq!(parse_yuan("abc"), Err("amount.format"));
    assert_eq!(parse_yuan("99999999999999999999"), Err("amount.too_large"));
    assert_eq!(format_yuan(123_450), "1234.50");
    assert_eq!(format_yuan(7), "0.07");
}

#[test]
fn normalisation_upgrades_legacy_ids() {
    let mut reg = registration(at(2026, 3, 1, 1));
    reg.complainants[0].id_number = Some("110105491231002".into());
    reg.complainants[0].phones = vec!["+86 138 9771 2345".into()];
    assert_eq!(codes(&reg), vec![]);
    normalize_registration(&mut reg, chrono::NaiveDate::from_ymd_opt(2026, 3, 5).unwrap());
    assert_eq!(reg.complainants[0].id_number.as_deref(), Some("11010519491231002X"));
    assert_eq!(reg.complainants[0].phones[0], "13897712345");
}

#[test]
fn a_complaint_ticks_a_request_even_with_a_description() {
    let mut reg = registration(at(2026, 3, 1, 1));
    reg.requests.clear();
    reg.request_text = "退还押金".into();
    assert_eq!(codes(&reg), vec![("requests".to_owned(), "required".to_owned())]);
    reg.requests = vec![crate::types::RequestKind::Other];
    assert_eq!(codes(&reg), vec![]);
}

#[test]
fn a_heading_is_not_a_category() {
    let mut reg = registration(at(2026, 3, 1, 1));
    for heading in ["CCA-G", "CCA-S"] {
        reg.category = Some(heading.into());
        assert_eq!(codes(&reg), vec![("category".to_owned(), "category.group".to_owned())]);
    }
    reg.category = Some("CCA-X".into());
    assert_eq!(codes(&reg), vec![]);
}
