//! Property tests of the fold, and golden tests of the event JSON format.

use casedesk_proto::{Event, Hlc, ZERO_HASH};
use chrono::NaiveDate;
use proptest::prelude::*;
use serde_json::json;
use uuid::Uuid;

use crate::case::fold;
use crate::event::*;
use crate::testutil::{at, registration};
use crate::types::*;

fn envelope(stream: Uuid, device: u8, seq: u64, hlc: u64, ev: &DomainEvent) -> Event {
    let (kind, payload) = ev.encode().unwrap();
    Event {
        id: Uuid::from_u128(u128::from(device) << 64 | u128::from(seq)),
        stream,
        device: Uuid::from_u128(u128::from(device)),
        seq,
        hlc: Hlc::new(hlc, 0),
        actor: None,
        unit: format!("U{device}"),
        kind,
        v: PAYLOAD_VERSION,
        payload,
        prev: ZERO_HASH,
        hash: ZERO_HASH,
    }
    .seal()
}

/// Actions two stations may take on one case while offline, in any mix.
fn actions() -> Vec<CaseEvent> {
    let s1 = Uuid::from_u128(0x51);
    vec![
        CaseEvent::Accepted { at: at(2026, 3, 2, 2), note: String::new() },
        CaseEvent::NotAccepted {
            at: at(2026, 3, 2, 2),
            reason: "OWN-02".into(),
            note: String::new(),
        },
        CaseEvent::SessionScheduled(SessionScheduled {
            session: s1,
            at: at(2026, 3, 3, 2),
            mode: SessionMode::OnSite,
            place: "调解室".into(),
            mediator: "巴特尔".into(),
            note: String::new(),
        }),
        CaseEvent::SessionRecorded(SessionRecorded {
            session: s1,
            held_at: at(2026, 3, 3, 2),
            mode: SessionMode::OnSite,
            place: "调解室".into(),
            mediator: "巴特尔".into(),
            recorder: String::new(),
            interpreter: String::new(),
            language: Language::Zh,
            attendees: vec![],
            record: "笔录".into(),
            result: SessionResult::Agreement,
        }),
        CaseEvent::AgreementRecorded(AgreementRecorded {
            signed_at: at(2026, 3, 3, 3),
            terms: "退款".into(),
            amount_fen: 10_000,
            performance_due: NaiveDate::from_ymd_opt(2026, 3, 10),
        }),
        CaseEvent::Closed(Closed {
            at: at(2026, 3, 4, 2),
            outcome: Outcome::Mediated,
            recovered_fen: 10_000,
            doubled_fen: 0,
            note: String::new(),
        }),
        CaseEvent::NoteAdded { text: "电话联系商家".into() },
        CaseEvent::Edited {
            edits: vec![FieldEdit {
                field: "respondents[0].phone".into(),
                value: json!("13900000000"),
                base: None,
            }],
        },
        CaseEvent::Edited {
            edits: vec![FieldEdit {
                field: "respondents[0].phone".into(),
                value: json!("13911111111"),
                base: None,
            }],
        },
        CaseEvent::Transferred(Transferred {
            transfer: Uuid::from_u128(0x71),
            kind: TransferKind::CoHandle,
            to_unit: "HX03".into(),
            to_unit_name: String::new(),
            to_department: String::new(),
            reason: TransferReason::HardCaseJoint,
            due: NaiveDate::from_ymd_opt(2026, 3, 20),
            note: String::new(),
        }),
        CaseEvent::MediationTerminated {
            at: at(2026, 3, 5, 2),
            reason: "O121T-3".into(),
            note: String::new(),
        },
        CaseEvent::Voided { reason: "重复登记".into() },
    ]
}

prop_compose! {
    fn case_events()(picks in proptest::collection::vec((0usize..12, 0u8..3, 1u64..50), 0..14)) -> Vec<Event> {
        let stream = Uuid::from_u128(0xCA5E);
        let reg = DomainEvent::Case(CaseEvent::Registered(Box::new(registration(at(2026, 3, 1, 1)))));
        let all = actions();
        let mut seqs = [1u64; 3];
        let mut out = vec![envelope(stream, 0, 1, 1_000, &reg)];
        seqs[0] = 2;
        for (i, (pick, device, hlc)) in picks.into_iter().enumerate() {
            let d = device as usize;
            let ev = DomainEvent::Case(all[pick].clone());
            out.push(envelope(stream, device, seqs[d], 1_000 + hlc * 10 + i as u64 % 3, &ev));
            seqs[d] += 1;
        }
        out
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Any permutation of a case's events gives the same state.
    #[test]
    fn fold_is_order_independent((events, shuffled) in case_events().prop_flat_map(|e| (Just(e.clone()), Just(e).prop_shuffle()))) {
        let a = fold(&events).unwrap();
        let b = fold(&shuffled).unwrap();
        prop_assert_eq!(a, b);
    }

    /// Applying events twice (or any number of times) changes nothing.
    #[test]
    fn fold_is_idempotent(events in case_events(), dup in proptest::collection::vec(any::<proptest::sample::Index>(), 1..6)) {
        let mut doubled = events.clone();
        for i in dup {
            doubled.push(events[i.index(events.len())].clone());
        }
        prop_assert_eq!(fold(&events).unwrap(), fold(&doubled).unwrap());
    }
}

#[test]
fn concurrent_edits_of_one_field_become_a_conflict() {
    let stream = Uuid::from_u128(0xCA5E);
    let reg = DomainEvent::Case(CaseEvent::Registered(Box::new(registration(at(2026, 3, 1, 1)))));
    let edit = |v: &str, base: Option<Uuid>| {
        DomainEvent::Case(CaseEvent::Edited {
            edits: vec![FieldEdit { field: "respondents[0].phone".into(), value: json!(v), base }],
        })
    };
    let e0 = envelope(stream, 0, 1, 1000, &reg);
    let e1 = envelope(stream, 1, 1, 1010, &edit("13900000000", None));
    let e2 = envelope(stream, 2, 1, 1011, &edit("13911111111", None));
    let s = fold(&[e0.clone(), e1.clone(), e2.clone()]).unwrap().unwrap();
    assert_eq!(s.conflicts.len(), 1);
    assert_eq!(s.conflicts[0].candidates.len(), 2);
    // A person resolves it with an edit on top of the latest value.
    let e3 = envelope(stream, 1, 2, 1020, &edit("13911111111", Some(e2.id)));
    let s = fold(&[e0, e1, e2, e3]).unwrap().unwrap();
    assert!(s.conflicts.is_empty());
    assert_eq!(s.reg.respondents[0].phone, "13911111111");
}

#[test]
fn offline_close_and_session_flag_an_anomaly() {
    let stream = Uuid::from_u128(0xCA5E);
    let reg = DomainEvent::Case(CaseEvent::Registered(Box::new(registration(at(2026, 3, 1, 1)))));
    let all = actions();
    let evs = vec![
        envelope(stream, 0, 1, 1000, &reg),
        envelope(stream, 0, 2, 1001, &DomainEvent::Case(all[0].clone())),
        envelope(stream, 0, 3, 1002, &DomainEvent::Case(all[10].clone())), // terminated
        envelope(stream, 1, 1, 1003, &DomainEvent::Case(all[4].clone())),  // agreement after it
    ];
    let s = fold(&evs).unwrap().unwrap();
    assert_eq!(s.status, Status::Terminated);
    assert!(s.timeline.last().unwrap().anomaly);
}

/// The JSON of every event kind, pinned. A change here changes stored and sent events: add a
/// payload version and an upcaster instead. Regenerate with UPDATE_GOLDEN=1 only for additions.
#[test]
fn golden_event_json() {
    let mut lines = Vec::new();
    let mut reg = registration(at(2026, 3, 1, 1));
    reg.case_no = "HX0201-2026-A1-00001".into();
    reg.unit = "HX0201".into();
    let mut all: Vec<DomainEvent> = vec![DomainEvent::Case(CaseEvent::Registered(Box::new(reg)))];
    all.extend(actions().into_iter().map(DomainEvent::Case));
    all.push(DomainEvent::Case(CaseEvent::PerformanceConfirmed {
        at: at(2026, 3, 9, 2),
        note: "已换机".into(),
    }));
    all.push(DomainEvent::Case(CaseEvent::TransferFeedback {
        transfer: Uuid::from_u128(0x71),
        at: at(2026, 3, 9, 2),
        text: "已处理".into(),
    }));
    all.push(DomainEvent::Case(CaseEvent::FollowedUp {
        at: at(2026, 3, 9, 2),
        method: ContactMethod::Phone,
        satisfaction: Satisfaction::Basic,
        note: String::new(),
    }));
    all.push(DomainEvent::Case(CaseEvent::DocumentIssued(document_issued())));
    all.push(DomainEvent::Case(CaseEvent::EvidenceAdded(evidence_added())));
    all.push(DomainEvent::Org(OrgEvent::UnitRegistered {
        code: "HX0201".into(),
        name: "德令哈市消费者投诉联络站".into(),
        unit_kind: UnitKind::LiaisonStation,
        parent: Some("HX02".into()),
        admin_code: "632802".into(),
        demonstration: true,
    }));
    all.push(DomainEvent::Org(OrgEvent::StaffRegistered {
        unit: "HX0201".into(),
        name: "巴特尔".into(),
        roles: vec![StaffRole::Mediator],
        phone: "13897700001".into(),
        languages: vec![Language::Zh, Language::Mn],
        active: true,
    }));
    all.push(DomainEvent::Org(OrgEvent::DeviceRegistered {
        unit: "HX0201".into(),
        code: "A1".into(),
        name: "前台电脑".into(),
    }));
    all.push(DomainEvent::Org(OrgEvent::RovingStarted {
        unit: "HX0201".into(),
        date: NaiveDate::from_ymd_opt(2026, 7, 1).unwrap(),
        place: "宗务隆乡夏季牧场".into(),
        team: vec!["巴特尔".into()],
        note: String::new(),
    }));
    all.push(DomainEvent::Org(OrgEvent::RovingEnded {
        at: at(2026, 7, 1, 10),
        note: "共受理 3 件".into(),
    }));
    all.push(DomainEvent::Org(OrgEvent::ConsultationRecorded {
        unit: "HX0201".into(),
        at: at(2026, 7, 1, 3),
        channel: Channel::Roving,
        topic: "饲料质量咨询".into(),
        people: 3,
        roving_session: Some(Uuid::from_u128(0x99)),
        category: Some("CCA-G10".into()),
    }));
    all.push(DomainEvent::Org(OrgEvent::ReportSubmitted {
        unit: "HX0201".into(),
        period: "2026-Q3".into(),
        from: NaiveDate::from_ymd_opt(2026, 7, 1).unwrap(),
        to: NaiveDate::from_ymd_opt(2026, 9, 30).unwrap(),
        at: at(2026, 10, 8, 2),
        figures: serde_json::json!({"accepted": 12, "recovered_fen": 1_234_500}),
        note: String::new(),
    }));
    for ev in &all {
        let (kind, payload) = ev.encode().unwrap();
        let back = DomainEvent::decode(&kind, PAYLOAD_VERSION, &payload).unwrap();
        assert_eq!(&back, ev, "{kind} does not round-trip");
        lines.push(format!("{kind} {}", casedesk_proto::canonical_json(&payload)));
    }
    let text = lines.join("\n") + "\n";
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/events.txt");
    casedesk_golden::check_file(
        &path,
        &text,
        "the JSON of every event kind (see the comment above)",
    );
}

#[test]
fn a_correction_is_checked_like_a_registration_under_the_fields_it_touches() {
    use super::case::check;
    let stream = Uuid::from_u128(0xCA5E);
    let reg = DomainEvent::Case(CaseEvent::Registered(Box::new(registration(at(2026, 3, 1, 1)))));
    let s = fold(&[envelope(stream, 0, 1, 1000, &reg)]).unwrap().unwrap();
    let now = at(2026, 3, 2, 1);
    let issues = |edits: Vec<FieldEdit>| -> Vec<(String, String)> {
        match check(&s, &CaseEvent::Edited { edits }, now) {
            Ok(()) => vec![],
            Err(e) => e.issues().iter().map(|i| (i.path.clone(), i.code.clone())).collect(),
        }
    };
    let edit = |field: &str, value: serde_json::Value| FieldEdit {
        field: field.into(),
        value,
        base: None,
    };
    let pair = |p: &str, c: &str| (p.to_owned(), c.to_owned());

    assert_eq!(issues(vec![]), vec![pair("edits", "required")]);
    assert_eq!(issues(vec![edit("respondents[0].phone", json!("0977-8221234"))]), vec![]);
    assert_eq!(
        issues(vec![edit("respondents[0].phone", json!("12"))]),
        vec![pair("respondents[0].phone", "phone.format")]
    );
    assert_eq!(
        issues(vec![edit("complainants[0].id_number", json!("632802198506123018"))]),
        vec![pair("complainants[0].id_number", "id.checksum")]
    );
    assert_eq!(
        issues(vec![edit("complainants[0].phones", json!(["13897712345", "1"]))]),
        vec![pair("complainants[0].phones[1]", "phone.format")]
    );
    assert_eq!(
        issues(vec![edit("received_at", json!("2026-03-01T00:00:00Z"))]),
        vec![pair("edits[0].field", "field.not_editable")]
    );
    assert_eq!(
        issues(vec![edit("respondents[3].phone", json!("13900000000"))]),
        vec![pair("edits[0].field", "field.unknown")]
    );
    assert_eq!(
        issues(vec![edit("claim_fen", json!("lots"))]),
        vec![pair("edits", "value.invalid")]
    );
}

#[test]
fn the_log_only_takes_what_could_have_happened() {
    use super::case::check;
    let stream = Uuid::from_u128(0xCA5F);
    let received = at(2026, 3, 2, 1);
    let now = at(2026, 3, 10, 1);
    let reg = DomainEvent::Case(CaseEvent::Registered(Box::new(registration(received))));
    let codes = |events: &[Event], ce: CaseEvent| -> Vec<(String, String)> {
        let s = fold(events).unwrap().unwrap();
        match check(&s, &ce, now) {
            Ok(()) => vec![],
            Err(e) => e.issues().iter().map(|i| (i.path.clone(), i.code.clone())).collect(),
        }
    };
    let pair = |p: &str, c: &str| vec![(p.to_owned(), c.to_owned())];
    let registered = vec![envelope(stream, 0, 1, 1000, &reg)];
    let accept = |t| CaseEvent::Accepted { at: t, note: String::new() };
    assert_eq!(codes(&registered, accept(at(2026, 3, 3, 1))), vec![]);
    assert_eq!(codes(&registered, accept(at(2026, 3, 1, 1))), pair("at", "date.before_received"));
    assert_eq!(codes(&registered, accept(at(2026, 3, 11, 1))), pair("at", "date.future"));

    let accepted = {
        let mut e = registered.clone();
        e.push(envelope(stream, 0, 2, 2000, &DomainEvent::Case(accept(at(2026, 3, 4, 1)))));
        e
    };
    let close = |outcome, t| {
        CaseEvent::Closed(Closed {
            at: t,
            outcome,
            recovered_fen: 0,
            doubled_fen: 0,
            note: String::new(),
        })
    };
    assert_eq!(
        codes(&accepted, close(Outcome::Settled, at(2020, 1, 1, 1))),
        pair("at", "date.before_received")
    );
    assert_eq!(
        codes(&accepted, close(Outcome::Settled, at(2026, 3, 3, 1))),
        pair("at", "date.before_accepted")
    );
    assert_eq!(
        codes(&accepted, close(Outcome::Mediated, at(2026, 3, 5, 1))),
        pair("outcome", "outcome.needs_agreement")
    );
    assert_eq!(
        codes(&accepted, close(Outcome::DepartmentHandled, at(2026, 3, 5, 1))),
        pair("outcome", "outcome.needs_department")
    );
    let terminated = {
        let mut e = accepted.clone();
        let t = CaseEvent::MediationTerminated {
            at: at(2026, 3, 5, 1),
            reason: "O121T-3".into(),
            note: String::new(),
        };
        e.push(envelope(stream, 0, 3, 3000, &DomainEvent::Case(t)));
        e
    };
    assert_eq!(fold(&terminated).unwrap().unwrap().status, Status::Terminated);
    {
        assert_eq!(
            codes(&terminated, close(Outcome::Mediated, at(2026, 3, 6, 1))),
            vec![
                ("outcome".to_owned(), "outcome.needs_agreement".to_owned()),
                ("outcome".to_owned(), "outcome.after_termination".to_owned())
            ]
        );
        assert_eq!(codes(&terminated, close(Outcome::Unresolved, at(2026, 3, 6, 1))), vec![]);
    }
    // A session may be planned ahead, but not before the case was accepted.
    let schedule = |t| {
        CaseEvent::SessionScheduled(SessionScheduled {
            session: Uuid::from_u128(7),
            at: t,
            mode: SessionMode::OnSite,
            place: String::new(),
            mediator: String::new(),
            note: String::new(),
        })
    };
    assert_eq!(codes(&accepted, schedule(at(2026, 4, 1, 1))), vec![]);
    assert_eq!(codes(&accepted, schedule(at(2026, 3, 3, 1))), pair("at", "date.before_accepted"));
}

#[test]
fn an_event_kind_this_version_does_not_know_is_unknown_not_malformed() {
    for kind in ["case.from_the_future", "unit.merged", "roving.paused"] {
        let err = DomainEvent::decode(kind, PAYLOAD_VERSION, &json!({})).unwrap_err();
        assert_eq!(err.code(), "event.unknown_kind", "{kind}");
    }
}

#[test]
fn a_transfer_names_its_unit_by_a_well_formed_code() {
    use super::case::check;
    let stream = Uuid::from_u128(0xCA60);
    let reg = DomainEvent::Case(CaseEvent::Registered(Box::new(registration(at(2026, 3, 1, 1)))));
    let s = fold(&[envelope(stream, 0, 1, 1000, &reg)]).unwrap().unwrap();
    let codes = |to: &str, name: &str| -> Vec<(String, String)> {
        let ce = CaseEvent::Transferred(Transferred {
            transfer: Uuid::from_u128(0x72),
            kind: TransferKind::Up,
            to_unit: to.into(),
            to_unit_name: name.into(),
            to_department: String::new(),
            reason: TransferReason::HardCaseJoint,
            due: None,
            note: String::new(),
        });
        match check(&s, &ce, at(2026, 3, 2, 1)) {
            Ok(()) => vec![],
            Err(e) => e.issues().iter().map(|i| (i.path.clone(), i.code.clone())).collect(),
        }
    };
    let pair = |p: &str, c: &str| vec![(p.to_owned(), c.to_owned())];
    assert_eq!(codes("HX02", "海西州消费者协会"), vec![]);
    assert_eq!(codes("HX02", ""), vec![]);
    assert_eq!(codes("", ""), pair("to_unit", "required"));
    assert_eq!(codes("海西州", ""), pair("to_unit", "unit.code_format"));
    assert_eq!(codes("HX 02", ""), pair("to_unit", "unit.code_format"));
    assert_eq!(codes("HX02", &"名".repeat(300)), pair("to_unit_name", "too_long"));
}

fn document_issued() -> DocumentIssued {
    DocumentIssued {
        kind: DocKind::Acceptance,
        number: "海消协受〔2026〕第 A1-1 号".into(),
        template: "acceptance@1".into(),
        sha256: "ab".repeat(32),
        bytes: 48_213,
        issued_at: at(2026, 3, 2, 3),
        recipient: Recipient::Complainant,
        delivery: Delivery::InPerson,
        subject: None,
        items: vec![],
        due: None,
    }
}

fn evidence_added() -> EvidenceAdded {
    EvidenceAdded {
        evidence: Uuid::from_u128(0xE1),
        sha256: "cd".repeat(32),
        size: 1_234_567,
        media_type: "image/jpeg".into(),
        name: "购物小票.jpg".into(),
        description: "购物小票".into(),
        original_returned: true,
        for_document: None,
        added_at: at(2026, 3, 2, 3),
    }
}

/// Issuing a document and attaching a file are allowed whenever the case is not voided, change
/// no status, and are checked against what the case's state offers.
#[test]
fn documents_and_evidence_change_no_status() {
    use crate::case::check;
    use crate::document::available_documents;
    let stream = Uuid::from_u128(0xD0C);
    let reg = DomainEvent::Case(CaseEvent::Registered(Box::new(registration(at(2026, 3, 1, 1)))));
    let mut events = vec![envelope(stream, 0, 1, 1000, &reg)];
    let s = fold(&events).unwrap().unwrap();
    let kinds = |s: &crate::case::CaseState| {
        available_documents(s).iter().map(|o| o.kind).collect::<Vec<_>>()
    };
    assert_eq!(kinds(&s), vec![DocKind::Registration, DocKind::Correction]);
    let now = at(2026, 3, 3, 1);
    // Not accepted yet: no 受理通知书.
    let err = check(&s, &CaseEvent::DocumentIssued(document_issued()), now).unwrap_err();
    assert_eq!(err.issues()[0].code, "doc.not_available");
    let accepted = CaseEvent::Accepted { at: at(2026, 3, 2, 2), note: String::new() };
    events.push(envelope(stream, 0, 2, 2000, &DomainEvent::Case(accepted)));
    let s = fold(&events).unwrap().unwrap();
    assert_eq!(kinds(&s), vec![DocKind::Registration, DocKind::Acceptance]);
    check(&s, &CaseEvent::DocumentIssued(document_issued()), now).unwrap();
    let issued = DomainEvent::Case(CaseEvent::DocumentIssued(document_issued()));
    events.push(envelope(stream, 0, 3, 3000, &issued));
    let added = DomainEvent::Case(CaseEvent::EvidenceAdded(evidence_added()));
    events.push(envelope(stream, 0, 4, 4000, &added));
    let s = fold(&events).unwrap().unwrap();
    assert_eq!(s.status, Status::Accepted);
    assert_eq!(s.documents.len(), 1);
    assert_eq!(s.evidence.len(), 1);
    assert!(s.timeline.iter().all(|t| !t.anomaly));
    let offer = available_documents(&s).into_iter().find(|o| o.kind == DocKind::Acceptance);
    assert_eq!(offer.unwrap().issued, vec!["海消协受〔2026〕第 A1-1 号".to_owned()]);
    // The same number twice, a signed copy of a document the case does not have.
    let err = check(&s, &CaseEvent::DocumentIssued(document_issued()), now).unwrap_err();
    assert_eq!(err.issues()[0].code, "doc.number_taken");
    let mut copy = evidence_added();
    copy.evidence = Uuid::from_u128(0xE2);
    copy.for_document = Some("没有的文号".into());
    let err = check(&s, &CaseEvent::EvidenceAdded(copy), now).unwrap_err();
    assert_eq!(err.issues()[0].code, "doc.unknown_number");
    // A voided case allows neither and offers nothing.
    let voided = DomainEvent::Case(CaseEvent::Voided { reason: "重复登记".into() });
    events.push(envelope(stream, 0, 5, 5000, &voided));
    let s = fold(&events).unwrap().unwrap();
    assert!(available_documents(&s).is_empty());
    let mut again = evidence_added();
    again.evidence = Uuid::from_u128(0xE3);
    assert!(check(&s, &CaseEvent::EvidenceAdded(again), now).is_err());
}

/// `fold_next` gives `fold`'s state for an event that folds last, and declines one that does
/// not.
#[test]
fn fold_next_is_fold_for_a_later_event() {
    use super::case::fold_next;
    let stream = Uuid::from_u128(0xF01D);
    let mut evs = vec![envelope(
        stream,
        0,
        1,
        1000,
        &DomainEvent::Case(CaseEvent::Registered(Box::new(registration(at(2026, 3, 1, 1))))),
    )];
    for (i, a) in actions().into_iter().enumerate() {
        let e = envelope(stream, 0, i as u64 + 2, 1001 + i as u64, &DomainEvent::Case(a));
        let before = fold(&evs).unwrap().unwrap();
        evs.push(e.clone());
        let next = fold_next(before.clone(), &e).unwrap().expect("folds last");
        assert_eq!(next, fold(&evs).unwrap().unwrap(), "after {}", e.kind);
        // An event that sorts before the last one is refused.
        let mut early = e.clone();
        early.hlc = casedesk_proto::Hlc(0);
        assert!(fold_next(before, &early).unwrap().is_none());
    }
}
