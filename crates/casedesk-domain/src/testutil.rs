//! Fixtures shared by the unit tests of this crate and of the crates above it.

use chrono::{DateTime, TimeZone, Utc};

use crate::event::*;
use crate::types::*;

pub fn at(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, 0, 0).single().expect("valid test time")
}

pub fn complainant(name: &str) -> Complainant {
    Complainant {
        name: name.into(),
        id_type: Some(IdType::ResidentId),
        id_number: Some("632802198506123019".into()),
        phones: vec!["13897712345".into()],
        contact_person: String::new(),
        address: "德令哈市河西街道长江路12号".into(),
        village: String::new(),
        language: Language::Zh,
        representative: false,
        consents: Consents {
            personal_info: true,
            publish: false,
            entrust_mediation: true,
            share_with_parties: true,
        },
    }
}

pub fn registration(received_at: DateTime<Utc>) -> CaseRegistered {
    CaseRegistered {
        case_no: String::new(),
        case_type: CaseType::Complaint,
        mode: Mode::Own,
        received_at,
        channel: Channel::Visit,
        unit: String::new(),
        staff: None,
        roving_session: None,
        complainants: vec![complainant("才让卓玛")],
        collective: None,
        respondents: vec![Respondent {
            name: "德令哈市鑫达手机店".into(),
            kind: RespondentKind::IndividualBusiness,
            uscc: Some("91350100M000100Y43".into()),
            legacy_reg_no: None,
            address: "德令哈市柴达木路8号".into(),
            contact: "马经理".into(),
            phone: "0977-8221234".into(),
        }],
        category: Some("CCA-G01-01".into()),
        nature: Some("CCA-N02".into()),
        facts: Facts {
            occurred_on: received_at.date_naive().pred_opt(),
            place: "柴达木路鑫达手机店".into(),
            content: "购买的手机三天后屏幕出现黑屏，商家拒绝退换。".into(),
            amount_fen: Some(259_900),
        },
        requests: vec![RequestKind::Replace, RequestKind::Refund],
        request_text: "要求更换新机或退款".into(),
        claim_fen: Some(259_900),
    }
}
