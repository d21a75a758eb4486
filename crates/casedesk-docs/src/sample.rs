//! Worked cases for the tests, the figures and the screenshots: every document kind has a
//! case whose state offers it, with names in Tibetan and traditional Mongolian script, an
//! interpreter, a collective-free own case and an entrusted one under Order 121.

use casedesk_domain::document::DocSettings;
use casedesk_domain::event::*;
use casedesk_domain::types::*;
use casedesk_store::{NewEvidence, Store, StoreError};
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use uuid::Uuid;

/// A Tibetan name (才让卓玛) and a Mongolian one (巴特尔) in their own scripts.
pub const TIBETAN_NAME: &str = "ཚེ་རིང་སྒྲོལ་མ";
pub const MONGOLIAN_NAME: &str = "ᠪᠠᠭᠠᠲᠤᠷ";

/// The worked cases of `populate`.
#[derive(Clone, Debug)]
pub struct Cases {
    /// Own case, accepted, two sessions (one with an interpreter), agreement, performance,
    /// co-handling with feedback, closed, followed up; evidence attached.
    pub mediated: Uuid,
    /// Own case, not accepted.
    pub not_accepted: Uuid,
    /// Entrusted case under Order 121: accepted, a session scheduled, mediation terminated.
    pub terminated: Uuid,
    /// Own case waiting for acceptance with items missing.
    pub incomplete: Uuid,
}

/// Station time (UTC+8) as UTC.
pub fn local(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    casedesk_domain::deadline::station_offset()
        .with_ymd_and_hms(y, m, d, h, min, 0)
        .single()
        .map_or_else(Utc::now, |t| t.with_timezone(&Utc))
}

/// The settings of the worked station: an association with its abbreviation, contact and
/// the entrusting department.
pub fn settings() -> DocSettings {
    DocSettings {
        issuer: "天峻县消费者协会".into(),
        abbr: "天消协".into(),
        department: "天峻县市场监督管理局".into(),
        department_abbr: "天".into(),
        contact: "李建国".into(),
        phone: "0977-8221234".into(),
        address: "天峻县新源镇团结路8号".into(),
        ..DocSettings::default()
    }
}

fn complainant(name: &str, phone: &str, language: Language, share: bool) -> Complainant {
    Complainant {
        name: name.into(),
        id_type: Some(IdType::ResidentId),
        // 巴特尔 and 才让卓玛 each have their own (valid) number.
        id_number: Some(
            if name.starts_with("巴特尔") { "632823199003152017" } else { "632823198506123010" }
                .into(),
        ),
        phones: vec![phone.into()],
        contact_person: String::new(),
        address: "天峻县新源镇团结路12号".into(),
        village: "织合玛乡夏季牧场".into(),
        language,
        representative: false,
        consents: Consents {
            personal_info: true,
            publish: false,
            entrust_mediation: true,
            share_with_parties: share,
        },
    }
}

fn registration(
    received_at: DateTime<Utc>,
    mode: Mode,
    complainants: Vec<Complainant>,
) -> CaseRegistered {
    CaseRegistered {
        case_no: String::new(),
        case_type: CaseType::Complaint,
        mode,
        received_at,
        channel: Channel::Roving,
        unit: String::new(),
        staff: None,
        roving_session: None,
        complainants,
        collective: None,
        respondents: vec![Respondent {
            name: "天峻县丰源饲料店".into(),
            kind: RespondentKind::IndividualBusiness,
            uscc: Some("91350100M000100Y43".into()),
            legacy_reg_no: None,
            address: "天峻县新源镇商贸街3号".into(),
            contact: "马经理".into(),
            phone: "13897700123".into(),
        }],
        category: Some("CCA-G10".into()),
        nature: Some("CCA-N02".into()),
        facts: Facts {
            occurred_on: NaiveDate::from_ymd_opt(2026, 2, 20),
            place: "天峻县丰源饲料店".into(),
            content: "2026年2月20日在该店购买育肥饲料20袋，喂食三天后羊只出现腹泻，兽医站检查认为饲料霉变。与店主协商，店主拒绝退货赔偿。".into(),
            amount_fen: Some(680_000),
        },
        requests: vec![RequestKind::Refund, RequestKind::Compensation],
        request_text: "退还饲料款并赔偿兽药费用".into(),
        claim_fen: Some(450_000),
    }
}

/// A 1×1 PNG, as a photo of a receipt would be.
pub const RECEIPT_PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0\x90wS\xde\0\0\0\x0cIDAT\x08\xd7c\xf8\xff\xff?\0\x05\xfe\x02\xfe\xdc\xccY\xe7\0\0\0\0IEND\xaeB`\x82";

/// Fills `store` (a fresh station) with the worked cases, its clock set to 2026-05-20 10:00
/// station time so that every recorded time lies in the past.
pub fn populate(store: &mut Store) -> Result<Cases, StoreError> {
    let now = local(2026, 5, 20, 10, 0);
    store.set_clock(move || now);
    store.set_doc_settings(&settings())?;
    // Written by the station's first head (no password: sample data).
    let me = head_of(store)?;
    let tibetan = format!("才让卓玛（{TIBETAN_NAME}）");
    let mongolian = format!("巴特尔（{MONGOLIAN_NAME}）");

    // The worked own case.
    let reg = registration(
        local(2026, 3, 2, 9, 30),
        Mode::Own,
        vec![
            complainant(&tibetan, "13897712345", Language::Bo, false),
            complainant(&mongolian, "13897754321", Language::Mn, false),
        ],
    );
    let mediated = store.register_case(&me, reg)?.id;
    store.add_evidence_op(
        None,
        mediated,
        &me,
        NewEvidence {
            name: "购物小票.png".into(),
            description: "饲料购物小票（复印件）".into(),
            original_returned: true,
            for_document: None,
            bytes: RECEIPT_PNG.to_vec(),
        },
    )?;
    store.act(
        mediated,
        &me,
        CaseEvent::Accepted { at: local(2026, 3, 3, 10, 0), note: String::new() },
    )?;
    let s1 = Uuid::from_u128(0x5e55_0001);
    let s2 = Uuid::from_u128(0x5e55_0002);
    store.act(
        mediated,
        &me,
        CaseEvent::SessionScheduled(SessionScheduled {
            session: s1,
            at: local(2026, 3, 6, 10, 0),
            mode: SessionMode::OnSite,
            place: "天峻县消费者协会调解室".into(),
            mediator: "李建国".into(),
            note: String::new(),
        }),
    )?;
    store.act(
        mediated,
        &me,
        CaseEvent::SessionRecorded(SessionRecorded {
            session: s1,
            held_at: local(2026, 3, 6, 10, 0),
            mode: SessionMode::OnSite,
            place: "天峻县消费者协会调解室".into(),
            mediator: "李建国".into(),
            recorder: "王秀兰".into(),
            interpreter: "索南".into(),
            language: Language::Bo,
            attendees: vec![tibetan.clone(), mongolian.clone(), "马经理（被投诉人）".into(), "索南（翻译）".into()],
            record: "投诉人才让卓玛（经翻译）：2月20日买了20袋育肥饲料，喂了三天羊就拉肚子，兽医站说饲料发霉了，要求退钱并赔偿兽药费。\n投诉人巴特尔：我和才让卓玛一起去买的，小票在这里，饲料袋上有霉点。\n被投诉人马经理：饲料是正规厂家进的，可能是牧民存放不当受潮，只同意退一半货款。\n调解员：双方对饲料是否在售出前霉变有分歧，请被投诉人提供进货凭证和同批次检验报告，下次继续调解。".into(),
            result: SessionResult::Continue,
        }),
    )?;
    let t = Uuid::from_u128(0x7a45_0001);
    store.act(
        mediated,
        &me,
        CaseEvent::Transferred(Transferred {
            transfer: t,
            kind: TransferKind::CoHandle,
            to_unit: "HX08".into(),
            to_unit_name: String::new(),
            to_department: String::new(),
            reason: TransferReason::HardCaseJoint,
            due: NaiveDate::from_ymd_opt(2026, 3, 25),
            note: "请协助核实饲料生产厂家同批次产品质量情况".into(),
        }),
    )?;
    store.act(
        mediated,
        &me,
        CaseEvent::TransferFeedback {
            transfer: t,
            at: local(2026, 3, 9, 9, 0),
            text: "经核实，该批次饲料已由厂家召回，已通报市场监管部门。".into(),
        },
    )?;
    store.act(
        mediated,
        &me,
        CaseEvent::SessionRecorded(SessionRecorded {
            session: s2,
            held_at: local(2026, 3, 10, 15, 0),
            mode: SessionMode::Phone,
            place: String::new(),
            mediator: "李建国".into(),
            recorder: "王秀兰".into(),
            interpreter: String::new(),
            language: Language::Zh,
            attendees: vec![tibetan.clone(), "马经理（被投诉人）".into()],
            record:
                "被投诉人未能提供同批次检验报告，同意退还全部货款并承担兽药费用。投诉人表示同意。"
                    .into(),
            result: SessionResult::Agreement,
        }),
    )?;
    store.act(
        mediated,
        &me,
        CaseEvent::AgreementRecorded(AgreementRecorded {
            signed_at: local(2026, 3, 10, 16, 0),
            terms: "一、被投诉人退还投诉人饲料款人民币3,800.00元；\n二、被投诉人承担兽药及诊疗费用人民币700.00元；\n三、投诉人将剩余饲料退还被投诉人。".into(),
            amount_fen: 450_000,
            performance_due: NaiveDate::from_ymd_opt(2026, 3, 20),
        }),
    )?;
    store.act(
        mediated,
        &me,
        CaseEvent::PerformanceConfirmed {
            at: local(2026, 3, 18, 11, 0),
            note: "已当面付清".into(),
        },
    )?;
    store.act(
        mediated,
        &me,
        CaseEvent::Closed(Closed {
            at: local(2026, 3, 19, 10, 0),
            outcome: Outcome::Mediated,
            recovered_fen: 450_000,
            doubled_fen: 0,
            note: String::new(),
        }),
    )?;
    store.act(
        mediated,
        &me,
        CaseEvent::FollowedUp {
            at: local(2026, 3, 26, 15, 0),
            method: ContactMethod::Phone,
            satisfaction: Satisfaction::Satisfied,
            note: "款项已收到，对调解结果满意（经藏语翻译回访）".into(),
        },
    )?;

    // Not accepted.
    let mut reg = registration(
        local(2026, 4, 8, 11, 0),
        Mode::Own,
        vec![complainant("王秀兰", "13897711111", Language::Zh, true)],
    );
    reg.facts.content = "购买的电暖器超过保修期一年后损坏，要求免费更换。".into();
    reg.category = Some("CCA-G01".into());
    let not_accepted = store.register_case(&me, reg)?.id;
    store.act(
        not_accepted,
        &me,
        CaseEvent::NotAccepted {
            at: local(2026, 4, 9, 10, 0),
            reason: "OWN-06".into(),
            note: "已超出三包期，无购物凭证。".into(),
        },
    )?;

    // Entrusted under Order 121, terminated.
    let reg = registration(
        local(2026, 4, 20, 9, 0),
        Mode::Entrusted,
        vec![complainant(&tibetan, "13897712345", Language::Bo, false)],
    );
    let terminated = store.register_case(&me, reg)?.id;
    store.act(
        terminated,
        &me,
        CaseEvent::Accepted { at: local(2026, 4, 21, 9, 0), note: String::new() },
    )?;
    store.act(
        terminated,
        &me,
        CaseEvent::SessionScheduled(SessionScheduled {
            session: Uuid::from_u128(0x5e55_0003),
            at: local(2026, 4, 28, 10, 0),
            mode: SessionMode::OnSite,
            place: "天峻县市场监督管理局调解室".into(),
            mediator: "李建国".into(),
            note: String::new(),
        }),
    )?;
    store.act(
        terminated,
        &me,
        CaseEvent::MediationTerminated {
            at: local(2026, 4, 28, 11, 0),
            reason: "O121T-2".into(),
            note: "被投诉人明确拒绝调解".into(),
        },
    )?;

    // Waiting for acceptance, items missing.
    let mut reg = registration(
        local(2026, 5, 18, 16, 0),
        Mode::Own,
        vec![complainant(&mongolian, "13897754321", Language::Mn, true)],
    );
    reg.respondents[0].address = String::new();
    reg.facts.occurred_on = None;
    reg.facts.amount_fen = None;
    let incomplete = store.register_case(&me, reg)?.id;
    Ok(Cases { mediated, not_accepted, terminated, incomplete })
}

/// The station's first active head, as the sample's writer.
fn head_of(store: &Store) -> Result<casedesk_store::Actor, StoreError> {
    let unit = store.require_station()?.unit.clone();
    store
        .staff()?
        .into_iter()
        .find(|s| s.unit == unit && s.active && s.roles.iter().any(|r| r == "head"))
        .map(|s| casedesk_store::Actor::unchecked(s.id))
        .ok_or_else(|| StoreError::integrity("the sample station has no head"))
}
