//! Who may do what: the roles of a station's staff, the permissions each gives, and the
//! permission every kind of event needs. The store asks here before it writes anything a person
//! does (and before it reveals a masked number); events from other devices are checked against
//! the same table with the roles their actor held at the time (`casedesk-store`'s apply).
//!
//! | permission | clerk, liaison | mediator | head | secretariat | admin |
//! |---|---|---|---|---|---|
//! | register, correct, note, documents, evidence | ✓ | ✓ | ✓ | ✓ | |
//! | decide acceptance (and transfers) | | | ✓ | ✓ | |
//! | mediate, close | | ✓ | ✓ | ✓ | |
//! | void | | | ✓ | ✓ | |
//! | reveal | | ✓ | ✓ | ✓ | |
//! | export, submit reports | | | ✓ | ✓ | |
//! | audit | | | ✓ | ✓ | ✓ |
//! | manage staff, configure, enroll, anonymize | | | ✓ | | ✓ |
//!
//! Recorders and interpreters take part in sessions; their roles give no permission.

use crate::error::{DomainError, Result};
use crate::event::CaseEventKind;
use crate::types::{Permission, StaffRole};

/// How long the desktop waits without user input before it locks itself (the head's setting,
/// kept in the station file): the default and the bounds a head may choose between, in seconds.
pub const IDLE_LOCK_DEFAULT_SECS: u32 = 10 * 60;
/// At least one minute: a shorter lock interrupts a clerk typing a complaint.
pub const IDLE_LOCK_MIN_SECS: u32 = 60;
/// At most two hours: an unattended desk must not stay open through an afternoon.
pub const IDLE_LOCK_MAX_SECS: u32 = 2 * 60 * 60;

/// The permissions `role` gives.
pub fn grants(role: StaffRole) -> &'static [Permission] {
    use Permission as P;
    match role {
        StaffRole::Clerk | StaffRole::Liaison => &[P::Register, P::Correct, P::Note],
        StaffRole::Mediator => &[P::Register, P::Correct, P::Note, P::Mediate, P::Close, P::Reveal],
        StaffRole::Head => Permission::ALL,
        StaffRole::Secretariat => &[
            P::Register,
            P::Correct,
            P::Note,
            P::DecideAcceptance,
            P::Mediate,
            P::Close,
            P::Void,
            P::Reveal,
            P::Export,
            P::Audit,
        ],
        StaffRole::Admin => &[P::Audit, P::ManageStaff, P::Configure, P::Enroll, P::Anonymize],
        StaffRole::Recorder | StaffRole::Interpreter => &[],
    }
}

/// Whether any of `roles` gives `perm`.
pub fn permits(roles: &[StaffRole], perm: Permission) -> bool {
    roles.iter().any(|r| grants(*r).contains(&perm))
}

/// Every permission `roles` give, in table order.
pub fn permissions(roles: &[StaffRole]) -> Vec<Permission> {
    Permission::ALL.iter().copied().filter(|p| permits(roles, *p)).collect()
}

/// `Ok` when `roles` give `perm`; otherwise the refusal that names the missing permission.
pub fn require(roles: &[StaffRole], perm: Permission) -> Result<()> {
    if permits(roles, perm) { Ok(()) } else { Err(DomainError::Forbidden(perm)) }
}

/// The permission a case event of `kind` needs.
pub fn for_case(kind: CaseEventKind) -> Permission {
    use CaseEventKind as K;
    match kind {
        K::Registered => Permission::Register,
        K::Edited => Permission::Correct,
        K::Accepted | K::NotAccepted | K::Transferred => Permission::DecideAcceptance,
        K::SessionScheduled
        | K::SessionRecorded
        | K::AgreementRecorded
        | K::PerformanceConfirmed
        | K::MediationTerminated
        | K::TransferFeedback => Permission::Mediate,
        K::Closed => Permission::Close,
        // Documents (notices, records, forms) and evidence: the desk's daily work.
        K::FollowedUp | K::NoteAdded | K::DocumentIssued | K::EvidenceAdded => Permission::Note,
        K::Voided => Permission::Void,
        K::Anonymized => Permission::Anonymize,
    }
}

/// The permission an event of envelope kind `kind` needs, `None` for a kind this version does
/// not know (such events are quarantined for their kind anyway).
pub fn for_kind(kind: &str) -> Option<Permission> {
    if let Some(k) = CaseEventKind::from_code(kind) {
        return Some(for_case(k));
    }
    Some(match kind {
        "unit.registered" | "device.registered" => Permission::Enroll,
        "staff.registered" => Permission::ManageStaff,
        "roving.started" | "roving.ended" | "consultation.recorded" => Permission::Register,
        "audit.revealed" => Permission::Reveal,
        "audit.exported" => Permission::Export,
        // 报送: figures leave for the level above.
        "report.submitted" => Permission::Export,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The table of the module documentation (and of the README), row by row: every
    /// permission against every role.
    #[test]
    fn the_permission_matrix() {
        use Permission as P;
        use StaffRole as R;
        let roles = [R::Clerk, R::Liaison, R::Mediator, R::Head, R::Secretariat, R::Admin];
        #[rustfmt::skip]
        let table: &[(P, [bool; 6])] = &[
            //                       clerk  liaison mediator head  secr.  admin
            (P::Register,         [true,  true,  true,  true,  true,  false]),
            (P::DecideAcceptance, [false, false, false, true,  true,  false]),
            (P::Mediate,          [false, false, true,  true,  true,  false]),
            (P::Close,            [false, false, true,  true,  true,  false]),
            (P::Void,             [false, false, false, true,  true,  false]),
            (P::Correct,          [true,  true,  true,  true,  true,  false]),
            (P::Note,             [true,  true,  true,  true,  true,  false]),
            (P::Reveal,           [false, false, true,  true,  true,  false]),
            (P::Export,           [false, false, false, true,  true,  false]),
            (P::Audit,            [false, false, false, true,  true,  true ]),
            (P::ManageStaff,      [false, false, false, true,  false, true ]),
            (P::Configure,        [false, false, false, true,  false, true ]),
            (P::Enroll,           [false, false, false, true,  false, true ]),
            (P::Anonymize,        [false, false, false, true,  false, true ]),
        ];
        assert_eq!(table.len(), Permission::ALL.len(), "every permission has a row");
        for (perm, row) in table {
            for (role, want) in roles.iter().zip(row) {
                assert_eq!(permits(&[*role], *perm), *want, "{role:?} × {perm:?}");
                let refused = require(&[*role], *perm);
                assert_eq!(refused.is_ok(), *want);
                if let Err(e) = refused {
                    assert_eq!(e.code(), "access.denied");
                    assert_eq!(e.message_arg(crate::Lang::Zh), perm.label(crate::Lang::Zh));
                }
            }
        }
        for role in [R::Recorder, R::Interpreter] {
            assert!(permissions(&[role]).is_empty(), "{role:?}");
        }
        // Roles add up.
        assert!(permits(&[R::Clerk, R::Admin], P::Register));
        assert!(permits(&[R::Clerk, R::Admin], P::ManageStaff));
        assert!(!permits(&[], P::Register));
    }

    #[test]
    fn every_kind_needs_a_permission() {
        for k in CaseEventKind::ALL {
            assert_eq!(for_kind(k.code()), Some(for_case(*k)));
        }
        for k in crate::event::ORG_KINDS {
            assert!(for_kind(k).is_some(), "{k}");
        }
        assert_eq!(for_kind("weather.reported"), None);
        assert_eq!(for_kind("case.voided"), Some(Permission::Void));
        assert_eq!(for_kind("case.transferred"), Some(Permission::DecideAcceptance));
    }
}
