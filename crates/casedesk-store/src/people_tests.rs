//! Staff, roles and privacy, through the store: every write and reveal is checked against the
//! actor's roles, refusals name the permission, wrong passwords lock a member out, reveals are
//! recorded, numbers are masked in lists and found only whole, and events from other devices
//! whose actor lacked the permission are quarantined.

use casedesk_domain::event::{CaseEvent, Closed, FieldEdit, SessionScheduled};
use casedesk_domain::types::{Permission, SessionMode, StaffRole};
use casedesk_proto::Event;
use uuid::Uuid;

use crate::query::ListQuery;
use crate::testutil::{at, founder, member, registration, station_init, store_at};
use crate::{Actor, AuthError, NewStaff, Source, StaffUpdate, Store, StoreError};

fn denied(r: Result<impl std::fmt::Debug, StoreError>) -> Option<String> {
    match r {
        Ok(_) => None,
        Err(StoreError::Domain(casedesk_domain::DomainError::Forbidden(p))) => {
            Some(p.code().to_owned())
        }
        Err(e) => panic!("refused for another reason: {e:?}"),
    }
}

/// Tries the action that needs `perm` as `who` on a fresh case of `s`; `None` when it was
/// allowed, the missing permission's code when refused.
fn attempt(s: &mut Store, who: &Actor, perm: Permission) -> Option<String> {
    let head = founder(s);
    let c = s.register_case(&head, registration(at(2026, 3, 1, 1))).unwrap();
    let accepted = || CaseEvent::Accepted { at: at(2026, 3, 2, 1), note: String::new() };
    match perm {
        Permission::Register => denied(s.register_case(who, registration(at(2026, 3, 1, 2)))),
        Permission::DecideAcceptance => denied(s.act(c.id, who, accepted())),
        Permission::Mediate => {
            s.act(c.id, &head, accepted()).unwrap();
            let ev = CaseEvent::SessionScheduled(SessionScheduled {
                session: Uuid::now_v7(),
                at: at(2026, 3, 10, 2),
                mode: SessionMode::OnSite,
                place: "调解室".into(),
                mediator: String::new(),
                note: String::new(),
            });
            denied(s.act(c.id, who, ev))
        }
        Permission::Close => {
            s.act(c.id, &head, accepted()).unwrap();
            let ev = CaseEvent::Closed(Closed {
                at: at(2026, 3, 3, 1),
                outcome: casedesk_domain::types::Outcome::Withdrawn,
                recovered_fen: 0,
                doubled_fen: 0,
                note: String::new(),
            });
            denied(s.act(c.id, who, ev))
        }
        Permission::Void => {
            denied(s.act(c.id, who, CaseEvent::Voided { reason: "重复登记".into() }))
        }
        Permission::Correct => {
            let ev = CaseEvent::Edited {
                edits: vec![FieldEdit {
                    field: "request_text".into(),
                    value: serde_json::json!("要求退款"),
                    base: None,
                }],
            };
            denied(s.act(c.id, who, ev))
        }
        Permission::Note => denied(s.act(c.id, who, CaseEvent::NoteAdded { text: "回访".into() })),
        Permission::Reveal => denied(s.reveal_op(None, who, c.id, "complainants[0].id_number")),
        Permission::Export => denied(s.record_export(who, "events", 1)),
        Permission::Audit => denied(s.audit_log(who, 10)),
        Permission::ManageStaff => denied(s.add_staff_op(
            None,
            who,
            NewStaff {
                name: format!("新人{}", Uuid::now_v7().simple()),
                roles: vec![StaffRole::Clerk],
                phone: String::new(),
                languages: vec![],
                secret: None,
            },
        )),
        Permission::Enroll => denied(s.adopt_device_code(Some(who), "B7")),
        // Configure and anonymize are checked by their own tests (settings, retention).
        Permission::Configure | Permission::Anonymize => denied(s.authorize(who, perm).map(|_| ())),
    }
}

/// Every role against every action, through the store's write paths: what the store lets
/// through is exactly what `casedesk_domain::access` grants.
#[test]
fn the_store_enforces_the_permission_matrix() {
    let roles = [
        StaffRole::Clerk,
        StaffRole::Liaison,
        StaffRole::Mediator,
        StaffRole::Head,
        StaffRole::Secretariat,
        StaffRole::Admin,
        StaffRole::Recorder,
    ];
    for role in roles {
        for perm in Permission::ALL {
            let mut s = store_at(at(2026, 3, 5, 2));
            let who = member(&mut s, "测试员", &[role]);
            let got = attempt(&mut s, &who, *perm);
            let want = casedesk_domain::access::permits(&[role], *perm);
            assert_eq!(got.is_none(), want, "{role:?} × {perm:?}: {got:?}");
            if let Some(code) = got {
                assert_eq!(code, perm.code(), "the refusal names the missing permission");
            }
        }
    }
}

#[test]
fn a_refusal_is_a_clear_message_in_both_languages() {
    let mut s = store_at(at(2026, 3, 5, 2));
    let clerk = member(&mut s, "登记员小王", &[StaffRole::Clerk]);
    let head = founder(&s);
    let c = s.register_case(&clerk, registration(at(2026, 3, 1, 1))).unwrap();
    let err = s.act(c.id, &clerk, CaseEvent::Voided { reason: "x".into() }).unwrap_err();
    assert_eq!(err.code(), "access.denied");
    let zh = err.message(casedesk_domain::Lang::Zh);
    let en = err.message(casedesk_domain::Lang::En);
    assert!(zh.contains(Permission::Void.label(casedesk_domain::Lang::Zh)), "{zh}");
    assert!(en.contains(Permission::Void.label(casedesk_domain::Lang::En)), "{en}");
    // Nothing was written; the head may.
    assert_eq!(s.case_state(c.id).unwrap().status.code(), "registered");
    s.act(c.id, &head, CaseEvent::Voided { reason: "重复登记".into() }).unwrap();
    // An inactive member may do nothing, whatever their roles were.
    s.update_staff_op(
        None,
        &head,
        clerk.staff(),
        StaffUpdate {
            roles: vec![StaffRole::Clerk],
            phone: String::new(),
            languages: vec![],
            active: false,
        },
    )
    .unwrap();
    let err = s.register_case(&clerk, registration(at(2026, 3, 1, 1))).unwrap_err();
    assert_eq!(err.code(), "auth.inactive");
    // Someone the station does not know at all.
    let err = s.register_case(&Actor::unchecked(Uuid::now_v7()), registration(at(2026, 3, 1, 1)));
    assert_eq!(err.unwrap_err().code(), "auth.unknown_staff");
}

#[test]
fn every_event_carries_its_actor() {
    let mut s = store_at(at(2026, 3, 5, 2));
    let clerk = member(&mut s, "登记员小王", &[StaffRole::Clerk]);
    let c = s.register_case(&clerk, registration(at(2026, 3, 1, 1))).unwrap();
    s.act(c.id, &founder(&s), CaseEvent::Accepted { at: at(2026, 3, 2, 1), note: String::new() })
        .unwrap();
    let mut out = Vec::new();
    s.export_jsonl(&mut out).unwrap();
    let events: Vec<Event> =
        String::from_utf8(out).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert!(events.iter().all(|e| e.actor.is_some()), "every event has an actor");
    let reg = events.iter().find(|e| e.kind == "case.registered").unwrap();
    assert_eq!(reg.actor, Some(clerk.staff()));
    let acc = events.iter().find(|e| e.kind == "case.accepted").unwrap();
    assert_eq!(acc.actor, Some(founder(&s).staff()));
    // The timeline names them.
    let names = s.staff_names().unwrap();
    assert_eq!(names.get(&clerk.staff()).map(String::as_str), Some("登记员小王"));
}

#[test]
fn the_last_head_cannot_be_removed_and_names_are_unique() {
    let mut s = store_at(at(2026, 3, 5, 2));
    let head = founder(&s);
    let err = s
        .update_staff_op(
            None,
            &head,
            head.staff(),
            StaffUpdate {
                roles: vec![StaffRole::Clerk],
                phone: String::new(),
                languages: vec![],
                active: true,
            },
        )
        .unwrap_err();
    assert_eq!(err.issues()[0].code, "staff.last_head");
    member(&mut s, "小王", &[StaffRole::Clerk]);
    let err = s
        .add_staff_op(
            None,
            &head,
            NewStaff {
                name: "小王".into(),
                roles: vec![StaffRole::Clerk],
                phone: String::new(),
                languages: vec![],
                secret: None,
            },
        )
        .unwrap_err();
    assert_eq!(err.issues()[0].code, "staff.name_taken");
}

fn clock_store() -> (Store, std::sync::Arc<std::sync::atomic::AtomicI64>) {
    use std::sync::atomic::{AtomicI64, Ordering};
    let t = std::sync::Arc::new(AtomicI64::new(at(2026, 3, 5, 2).timestamp_millis()));
    let mut s = Store::open_in_memory().unwrap();
    let clock = t.clone();
    s.set_clock(move || {
        chrono::DateTime::from_timestamp_millis(clock.load(Ordering::SeqCst)).unwrap_or_default()
    });
    let mut init = station_init();
    init.founder_secret = Some("青海湖畔2026春".into());
    s.init_station(init).unwrap();
    (s, t)
}

#[test]
fn wrong_passwords_lock_the_member_out_with_a_growing_back_off() {
    use std::sync::atomic::Ordering;
    let (mut s, clock) = clock_store();
    let me = s.sign_in("马站长", "青海湖畔2026春").unwrap();
    assert!(me.permissions.contains(&Permission::ManageStaff));
    for left in (0..crate::people::FREE_TRIES).rev() {
        let err = s.sign_in("马站长", "wrong-password").unwrap_err();
        if left > 0 {
            assert!(
                matches!(err, StoreError::Auth(AuthError::Failed { left: l }) if l == left),
                "{err:?}"
            );
            assert_eq!(err.code(), "auth.failed_left");
        } else {
            assert!(matches!(err, StoreError::Auth(AuthError::Locked { seconds: 30 })), "{err:?}");
        }
    }
    // Locked: even the right password is not checked.
    let err = s.sign_in("马站长", "青海湖畔2026春").unwrap_err();
    assert_eq!(err.code(), "auth.locked");
    assert!(s.sign_in_list().unwrap()[0].locked_until.is_some());
    // After the lock-out, one more wrong try locks for twice as long.
    clock.fetch_add(31_000, Ordering::SeqCst);
    let err = s.sign_in("马站长", "still-wrong").unwrap_err();
    assert!(matches!(err, StoreError::Auth(AuthError::Locked { seconds: 60 })), "{err:?}");
    clock.fetch_add(61_000, Ordering::SeqCst);
    s.sign_in("马站长", "青海湖畔2026春").unwrap();
    // A success resets the count.
    let err = s.sign_in("马站长", "wrong-password").unwrap_err();
    assert_eq!(err.code(), "auth.failed_left");
    assert_eq!(crate::people::lock_secs(40), Some(crate::people::MAX_LOCK_SECS));
}

#[test]
fn credentials_stay_on_the_device_and_a_pin_works() {
    let (mut s, _) = clock_store();
    let head = s.sign_in("马站长", "青海湖畔2026春").unwrap().actor;
    s.add_staff_op(
        None,
        &head,
        NewStaff {
            name: "调解员老李".into(),
            roles: vec![StaffRole::Mediator],
            phone: "13997712345".into(),
            languages: vec![],
            secret: Some("4826".into()),
        },
    )
    .unwrap();
    let li = s.sign_in("调解员老李", "4826").unwrap();
    assert!(li.permissions.contains(&Permission::Reveal));
    assert!(!li.permissions.contains(&Permission::Void));
    assert_eq!(s.sign_in("调解员老李", "1234").unwrap_err().code(), "auth.failed_left");
    // Weak secrets are refused.
    assert_eq!(crate::people::credential_kind("12").unwrap_err().code(), "auth.password_weak");
    assert_eq!(crate::people::credential_kind("short").unwrap_err().code(), "auth.password_weak");
    // Nothing of the secret or its hash is in the log that syncs.
    let mut out = Vec::new();
    s.export_jsonl(&mut out).unwrap();
    let log = String::from_utf8(out).unwrap();
    assert!(!log.contains("argon2"), "no hash in the log");
    assert!(!log.contains("4826") && !log.contains("青海湖畔2026春"));
    // Changing one's own secret needs the current one.
    let err = s.change_own_credential(&li.actor, "0000", "135790").unwrap_err();
    assert_eq!(err.code(), "auth.failed_left");
    s.change_own_credential(&li.actor, "4826", "135790").unwrap();
    s.sign_in("调解员老李", "135790").unwrap();
}

#[test]
fn numbers_are_masked_in_lists_found_only_whole_and_revealed_on_record() {
    let mut s = store_at(at(2026, 3, 5, 2));
    let clerk = member(&mut s, "登记员小王", &[StaffRole::Clerk]);
    let mediator = member(&mut s, "调解员老李", &[StaffRole::Mediator]);
    let c = s.register_case(&clerk, registration(at(2026, 3, 1, 1))).unwrap();
    let q = |text: &str| ListQuery { text: Some(text.into()), limit: 50, ..Default::default() };
    let rows = s.list(&ListQuery { limit: 50, ..Default::default() }).unwrap().rows;
    assert_eq!(rows[0].phone.as_deref(), Some("138****2345"));
    // A whole phone or ID number finds the case; some of its digits do not.
    assert_eq!(s.list(&q("13897712345")).unwrap().rows.len(), 1);
    assert_eq!(s.list(&q("138 9771 2345")).unwrap().rows.len(), 1);
    assert_eq!(s.list(&q("632802198506123019")).unwrap().rows.len(), 1);
    assert_eq!(s.list(&q("632802198506123019 才让")).unwrap().rows.len(), 1);
    assert_eq!(s.list(&q("632802198506123018")).unwrap().rows.len(), 0);
    assert_eq!(s.list(&q("9771")).unwrap().rows.len(), 0, "masked digits are not searchable");
    assert_eq!(s.list(&q("1985")).unwrap().rows.len(), 0);
    // The respondent's public phone is still found by its digits.
    assert_eq!(s.list(&q("8221234")).unwrap().rows.len(), 1);
    assert_eq!(s.list(&q("0977-8221234")).unwrap().rows.len(), 1);
    // The case page's data is masked through the domain's one function.
    let mut state = s.case_state(c.id).unwrap();
    casedesk_domain::mask::case(&mut state);
    let comp = &state.reg.complainants[0];
    assert_eq!(comp.id_number.as_deref(), Some("632802********3019"));
    assert_eq!(comp.phones[0], "138****2345");
    // A clerk may not reveal; a mediator may, and it is recorded.
    let err = s.reveal_op(None, &clerk, c.id, "complainants[0].id_number").unwrap_err();
    assert_eq!(err.code(), "access.denied");
    let full = s.reveal_op(Some("rv-1"), &mediator, c.id, "complainants[0].id_number").unwrap();
    assert_eq!(full, "632802198506123019");
    let again = s.reveal_op(Some("rv-1"), &mediator, c.id, "complainants[0].id_number").unwrap();
    assert_eq!(again, full, "a repeated request returns the value without a second record");
    let phone = s.reveal_op(None, &mediator, c.id, "complainants[0].phones[0]").unwrap();
    assert_eq!(phone, "13897712345");
    let err = s.reveal_op(None, &mediator, c.id, "request_text").unwrap_err();
    assert_eq!(err.issues()[0].code, "reveal.not_masked");
    // The head sees who revealed what; the mediator may not read the log.
    assert_eq!(s.audit_log(&mediator, 10).unwrap_err().code(), "access.denied");
    let log = s.audit_log(&founder(&s), 10).unwrap();
    assert_eq!(log.len(), 2, "{log:?}");
    assert!(log.iter().all(|e| e.action == "reveal" && e.case_id == Some(c.id)));
    assert!(log.iter().all(|e| e.actor_name.as_deref() == Some("调解员老李")));
    let fields: Vec<&str> = log.iter().map(|e| e.detail.as_str()).collect();
    assert!(
        fields.contains(&"complainants[0].id_number")
            && fields.contains(&"complainants[0].phones[0]")
    );
    assert_eq!(log[0].case_no, c.no);
    // Exports are recorded too.
    s.record_export(&founder(&s), "ledger", 12).unwrap();
    let log = s.audit_log(&founder(&s), 10).unwrap();
    assert_eq!((log[0].action.as_str(), log[0].count), ("export", 12));
    // Rebuilt projections give the same log.
    assert!(s.verify().unwrap().is_ok());
}

#[test]
fn without_consent_no_id_number_is_stored() {
    let mut s = store_at(at(2026, 3, 5, 2));
    let head = founder(&s);
    let mut reg = registration(at(2026, 3, 1, 1));
    reg.complainants[0].consents.personal_info = false;
    let err = s.register_case(&head, reg.clone()).unwrap_err();
    assert_eq!(err.issues()[0].code, "consent.required_for_id");
    assert_eq!(err.issues()[0].path, "complainants[0].id_number");
    reg.complainants[0].id_number = None;
    reg.complainants[0].id_type = None;
    s.register_case(&head, reg).unwrap();
}

fn log_of(s: &Store) -> Vec<Event> {
    let mut out = Vec::new();
    s.export_jsonl(&mut out).unwrap();
    String::from_utf8(out).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

/// Events from another device are checked against the roles their actor held at the time:
/// a clerk's acceptance is quarantined with the reason, never wedging the rest; the same
/// member's acceptance after a head made them a mediator-and-head is taken.
#[test]
fn synced_events_whose_actor_lacked_the_permission_are_quarantined() {
    let now = at(2026, 3, 5, 2);
    let mut a = store_at(now);
    let clerk = member(&mut a, "登记员小王", &[StaffRole::Clerk]);
    let c = a.register_case(&clerk, registration(at(2026, 3, 1, 1))).unwrap();
    // A tampered copy of device A's program lets the clerk accept: forge that by re-sealing
    // the head's acceptance (the last event of A's chain) with the clerk as its actor.
    let head = founder(&a);
    a.act(c.id, &head, CaseEvent::Accepted { at: at(2026, 3, 2, 1), note: String::new() }).unwrap();
    let mut log = log_of(&a);
    let last = log.last_mut().unwrap();
    assert_eq!(last.kind, "case.accepted");
    last.actor = Some(clerk.staff());
    *last = last.clone().seal();

    let mut hub_side = store_at(now);
    hub_side.set_clock(move || now);
    let report = hub_side.apply_remote(&log, Source::Pull).unwrap();
    assert_eq!(report.quarantined.len(), 1, "{report:?}");
    assert_eq!(report.quarantined[0].1, "actor_forbidden: decide_acceptance");
    // The rest arrived: the case, registered by the clerk, is there.
    assert_eq!(hub_side.case_state(c.id).unwrap().status.code(), "registered");
    assert_eq!(hub_side.quarantine_count().unwrap(), 1);

    // An actor nobody registered.
    let mut b = store_at(now);
    let mut log = log_of(&a);
    let last = log.last_mut().unwrap();
    last.actor = Some(Uuid::now_v7());
    *last = last.clone().seal();
    let report = b.apply_remote(&log, Source::Pull).unwrap();
    assert_eq!(report.quarantined.len(), 1, "{report:?}");
    assert_eq!(report.quarantined[0].1, "actor_unknown");
    // The clerk, made head on A, may accept from then on, and B takes it.
    let mut a2 = store_at(now);
    let clerk2 = member(&mut a2, "小周", &[StaffRole::Clerk]);
    let c2 = a2.register_case(&clerk2, registration(at(2026, 3, 1, 1))).unwrap();
    let head2 = founder(&a2);
    a2.update_staff_op(
        None,
        &head2,
        clerk2.staff(),
        StaffUpdate {
            roles: vec![StaffRole::Head],
            phone: String::new(),
            languages: vec![],
            active: true,
        },
    )
    .unwrap();
    a2.act(c2.id, &clerk2, CaseEvent::Accepted { at: at(2026, 3, 2, 1), note: String::new() })
        .unwrap();
    let report = b.apply_remote(&log_of(&a2), Source::Pull).unwrap();
    assert!(report.quarantined.is_empty(), "{report:?}");
    assert_eq!(b.case_state(c2.id).unwrap().status.code(), "accepted");
}

#[test]
fn a_new_station_founder_syncs_as_staff_without_credentials() {
    let now = at(2026, 3, 5, 2);
    let (a, _) = clock_store();
    let mut hx = store_at(now);
    let report = hx.apply_remote(&log_of(&a), Source::Pull).unwrap();
    assert!(report.quarantined.is_empty(), "{report:?}");
    let names: Vec<String> = hx.staff().unwrap().into_iter().map(|s| s.name).collect();
    assert_eq!(names.iter().filter(|n| *n == "马站长").count(), 2, "both founders are staff");
    // The other station's founder has no password here.
    let theirs = hx.sign_in_list().unwrap();
    assert!(theirs.iter().all(|m| !m.has_credential), "{theirs:?}");
}

/// A station where no one has a password on this device (set up before staff accounts): the
/// first head is made once, by a new name or by claiming a head already registered, and never
/// again; a member without the manage-staff permission cannot claim it.
#[test]
fn the_first_head_of_a_station_without_credentials() {
    let mut s = store_at(at(2026, 3, 1, 1));
    assert!(!s.has_credentials().unwrap());
    member(&mut s, "调解员小王", &[StaffRole::Mediator]);
    // Nothing is written for a bad request.
    let events = s.own_events_after(0, usize::MAX, 10_000).unwrap().len();
    match s.found_first_head("  ", "short") {
        Err(StoreError::Domain(casedesk_domain::DomainError::Invalid(issues))) => {
            let got: Vec<(&str, &str)> =
                issues.iter().map(|i| (i.path.as_str(), i.code.as_str())).collect();
            assert_eq!(got, [("name", "required"), ("secret", "auth.password_weak")]);
        }
        other => panic!("{other:?}"),
    }
    // A mediator of the station cannot become its head this way.
    assert_eq!(
        denied(s.found_first_head("调解员小王", "德令哈-2026")),
        Some("manage_staff".into())
    );
    assert_eq!(s.own_events_after(0, usize::MAX, 10_000).unwrap().len(), events);
    assert!(!s.has_credentials().unwrap());

    let me = s.found_first_head(" 卓玛 ", "德令哈-2026").unwrap();
    assert_eq!(me.staff.name, "卓玛");
    assert!(me.permissions.contains(&Permission::ManageStaff));
    assert!(me.permissions.contains(&Permission::Anonymize));
    // The registration is their own (the founder's exception), and sign-in works from now on.
    let written = s.own_events_after(0, usize::MAX, 10_000).unwrap();
    let reg = written.last().unwrap();
    assert_eq!(reg.kind, "staff.registered");
    assert_eq!(reg.actor, Some(me.actor.staff()));
    assert_eq!(s.sign_in("卓玛", "德令哈-2026").unwrap().actor, me.actor);
    assert!(s.verify().unwrap().is_ok(), "verify");

    // Once anyone has a password here, the path is closed.
    match s.found_first_head("马站长", "another-pass-1") {
        Err(StoreError::Auth(AuthError::FirstHeadDone)) => {}
        other => panic!("{other:?}"),
    }
}

/// A head already registered (the founder of an old station) claims their account by name.
#[test]
fn the_first_head_claims_an_existing_head() {
    let mut s = store_at(at(2026, 3, 1, 1));
    let before = s.staff().unwrap().len();
    let me = s.found_first_head("马站长", "1234").unwrap();
    assert_eq!(me.actor, founder(&s));
    assert_eq!(s.staff().unwrap().len(), before, "no new member");
    assert!(s.sign_in("马站长", "1234").is_ok());
}

/// The idle lock is a head's setting, bounded, kept in the station file.
#[test]
fn the_idle_lock_is_set_by_a_head_within_bounds() {
    use casedesk_domain::access::{IDLE_LOCK_DEFAULT_SECS, IDLE_LOCK_MAX_SECS, IDLE_LOCK_MIN_SECS};
    let mut s = store_at(at(2026, 3, 1, 1));
    let head = founder(&s);
    let clerk = member(&mut s, "登记员", &[StaffRole::Clerk]);
    assert_eq!(s.idle_lock_secs().unwrap(), IDLE_LOCK_DEFAULT_SECS);
    assert_eq!(denied(s.set_idle_lock_secs(&clerk, 300)), Some("configure".into()));
    for bad in [IDLE_LOCK_MIN_SECS - 1, IDLE_LOCK_MAX_SECS + 1, 0] {
        match s.set_idle_lock_secs(&head, bad) {
            Err(StoreError::Domain(casedesk_domain::DomainError::Invalid(issues))) => {
                assert_eq!(issues[0].path, "idle_lock_secs");
                assert_eq!(issues[0].code, "range");
            }
            other => panic!("{bad}: {other:?}"),
        }
    }
    assert_eq!(s.idle_lock_secs().unwrap(), IDLE_LOCK_DEFAULT_SECS);
    s.set_idle_lock_secs(&head, 300).unwrap();
    assert_eq!(s.idle_lock_secs().unwrap(), 300);
}
