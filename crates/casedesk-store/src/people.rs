//! The people of a station: who is signed in, what their roles let them do, and what they saw.
//!
//! - **Actors.** Every write takes an `Actor`, the staff member the event is written by (the
//!   envelope's `actor`). The store checks the actor's roles against `casedesk_domain::access`
//!   inside the write's transaction, so a refusal never depends on what a screen hid. The CLI
//!   and the desktop get an `Actor` only from `Store::sign_in`; `Actor::unchecked` is for writers
//!   that are no person at a keyboard (demonstration data, the fixture station, benchmarks and
//!   tests), and is checked against the same roles.
//! - **Credentials.** A staff member's password or PIN is kept on this device only, as an
//!   argon2id hash in `staff_credentials`: never in an event, never sent to the hub. Staff
//!   identity and roles sync (`staff.registered`); a member registered on another device of the
//!   unit gets a first password here from a head (`set_credential`). Wrong tries lock the
//!   member out for a while, longer after every further wrong try (`sign_in`).
//! - **Reveals and exports.** A masked number is shown whole only through `reveal`, which needs
//!   the reveal permission and writes `audit.revealed` (who, when, which case and field) in the
//!   same transaction; data written to a file is recorded with `audit.exported`. Both sync, so
//!   the association sees them too; `audit_log` lists them.

use std::collections::BTreeMap;

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use casedesk_domain::access;
use casedesk_domain::event::{DomainEvent, OrgEvent};
use casedesk_domain::types::{Language, Permission, StaffRole};
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use serde::Serialize;
use uuid::Uuid;

use crate::desk::StaffRow;
use crate::error::{AuthError, Result, StoreError};
use crate::{Station, Store, append, checked_org, op_record, op_result, project};

/// The staff member events are written by. See the module documentation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Actor {
    staff: Uuid,
}

impl Actor {
    /// An actor whose password was not checked: for demonstration data, the fixture station,
    /// benchmarks and tests. Its roles are checked like anyone's.
    pub fn unchecked(staff: Uuid) -> Actor {
        Actor { staff }
    }

    /// The staff member's id (the stream of their `staff.registered` events).
    pub fn staff(&self) -> Uuid {
        self.staff
    }
}

/// A successful sign-in.
#[derive(Clone, Debug, Serialize)]
pub struct SignedIn {
    #[serde(skip)]
    pub actor: Actor,
    pub staff: StaffRow,
    /// What the member's roles allow, for the screens to offer only that.
    pub permissions: Vec<Permission>,
}

/// A staff member as the sign-in screen lists them: no phone number before anyone signed in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct StaffLogin {
    pub id: Uuid,
    pub name: String,
    pub roles: Vec<StaffRole>,
    /// A password or PIN is set on this device.
    pub has_credential: bool,
    /// Locked out by wrong tries until then.
    pub locked_until: Option<DateTime<Utc>>,
}

/// A new staff member of this station.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewStaff {
    pub name: String,
    pub roles: Vec<StaffRole>,
    pub phone: String,
    pub languages: Vec<Language>,
    /// A first password or PIN on this device (the member changes it after signing in).
    pub secret: Option<String>,
}

/// New roles, contact or status of a staff member (their name stays).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StaffUpdate {
    pub roles: Vec<StaffRole>,
    pub phone: String,
    pub languages: Vec<Language>,
    pub active: bool,
}

/// One entry of the access log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AuditEntry {
    pub id: Uuid,
    pub at: DateTime<Utc>,
    pub unit: String,
    pub actor: Option<Uuid>,
    /// The actor's name, when the station knows them.
    pub actor_name: Option<String>,
    #[cfg_attr(feature = "ts", ts(type = "\"reveal\" | \"export\""))]
    pub action: String,
    pub case_id: Option<Uuid>,
    pub case_no: String,
    /// The field revealed (`complainants[0].id_number`), or what was exported.
    pub detail: String,
    /// Records exported (0 for a reveal).
    pub count: u64,
}

/// Wrong tries allowed before a lock-out.
pub const FREE_TRIES: u32 = 5;
/// The first lock-out; each further wrong try doubles it, up to `MAX_LOCK_SECS`.
pub const FIRST_LOCK_SECS: i64 = 30;
pub const MAX_LOCK_SECS: i64 = 15 * 60;
/// The longest password taken (longer input is refused, not cut).
pub const MAX_SECRET_CHARS: usize = 128;

/// How long the lock-out after `failures` wrong tries in a row lasts (none before
/// `FREE_TRIES`).
pub fn lock_secs(failures: u32) -> Option<i64> {
    let over = failures.checked_sub(FREE_TRIES)?;
    Some(FIRST_LOCK_SECS.saturating_mul(1 << over.min(20)).min(MAX_LOCK_SECS))
}

/// Whether `secret` is a PIN (4–8 digits) or a password (at least 8 characters).
pub fn credential_kind(secret: &str) -> Result<&'static str> {
    let n = secret.chars().count();
    if secret.is_empty() {
        return Err(AuthError::PasswordRequired.into());
    }
    if n > MAX_SECRET_CHARS {
        return Err(AuthError::Weak.into());
    }
    if (4..=8).contains(&n) && secret.bytes().all(|b| b.is_ascii_digit()) {
        Ok("pin")
    } else if n >= 8 && !secret.trim().is_empty() {
        Ok("password")
    } else {
        Err(AuthError::Weak.into())
    }
}

/// Argon2id with OWASP's minimum parameters (19 MiB, 2 passes, 1 lane), fixed here so that a
/// library upgrade does not change them silently; the parameters are in each PHC string, so
/// hashes made with others still verify.
fn hasher() -> Result<Argon2<'static>> {
    let params = Params::new(19 * 1024, 2, 1, None)
        .map_err(|e| StoreError::integrity(format!("argon2 parameters: {e}")))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

fn hash_secret(secret: &str) -> Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Ok(hasher()?
        .hash_password(secret.as_bytes(), &salt)
        .map_err(|e| StoreError::integrity(format!("argon2: {e}")))?
        .to_string())
}

fn secret_matches(secret: &str, phc: &str) -> Result<bool> {
    let parsed = PasswordHash::new(phc)
        .map_err(|e| StoreError::integrity(format!("stored credential: {e}")))?;
    Ok(hasher()?.verify_password(secret.as_bytes(), &parsed).is_ok())
}

/// The roles of a staff row.
pub fn roles_of(row: &StaffRow) -> Vec<StaffRole> {
    row.roles.iter().filter_map(|r| StaffRole::from_code(r)).collect()
}

fn roles_from_codes(codes: &str) -> Vec<StaffRole> {
    codes.split(',').filter_map(StaffRole::from_code).collect()
}

/// A staff member's unit, name, roles and whether they are active.
type StaffRecord = (String, String, Vec<StaffRole>, bool);

/// The staff member's unit, roles and whether they are active, from the projection.
fn staff_record(conn: &Connection, id: Uuid) -> Result<Option<StaffRecord>> {
    Ok(conn
        .prepare_cached("SELECT unit, name, roles, active FROM staff WHERE id = ?1")?
        .query_row([id.as_bytes()], |r| {
            Ok((r.get::<_, String>(0)?, r.get(1)?, r.get::<_, String>(2)?, r.get::<_, bool>(3)?))
        })
        .optional()?
        .map(|(unit, name, roles, active)| (unit, name, roles_from_codes(&roles), active)))
}

/// Refuses unless `actor` is an active staff member of this station whose roles give `perm`.
pub(crate) fn authorize(
    conn: &Connection,
    station: &Station,
    actor: &Actor,
    perm: Permission,
) -> Result<()> {
    match staff_record(conn, actor.staff)? {
        None => Err(AuthError::UnknownStaff(actor.staff.to_string()).into()),
        Some((unit, name, _, _)) if unit != station.unit => {
            Err(AuthError::UnknownStaff(name).into())
        }
        Some((_, name, _, false)) => Err(AuthError::Inactive(name).into()),
        Some((_, _, roles, true)) => Ok(access::require(&roles, perm)?),
    }
}

fn now_ms(t: DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}

impl Store {
    /// Refuses unless `actor` may `perm` (see the module documentation); returns their row.
    pub fn authorize(&self, actor: &Actor, perm: Permission) -> Result<StaffRow> {
        let station = self.require_station()?;
        authorize(self.connection(), station, actor, perm)?;
        self.staff_row(actor.staff)
    }

    fn staff_row(&self, id: Uuid) -> Result<StaffRow> {
        self.staff()?
            .into_iter()
            .find(|s| s.id == id)
            .ok_or_else(|| AuthError::UnknownStaff(id.to_string()).into())
    }

    /// The staff of this station as the sign-in screen shows them (active members only).
    pub fn sign_in_list(&self) -> Result<Vec<StaffLogin>> {
        let station = self.require_station()?;
        let creds = self.credential_states()?;
        Ok(self
            .staff()?
            .into_iter()
            .filter(|s| s.unit == station.unit && s.active)
            .map(|s| {
                let cred = creds.get(&s.id);
                StaffLogin {
                    roles: roles_of(&s),
                    has_credential: cred.is_some(),
                    locked_until: cred
                        .and_then(|c| *c)
                        .filter(|t| *t > now_ms(self.now()))
                        .and_then(DateTime::from_timestamp_millis),
                    id: s.id,
                    name: s.name,
                }
            })
            .collect())
    }

    /// Staff with a credential on this device, with their lock-out end.
    fn credential_states(&self) -> Result<BTreeMap<Uuid, Option<i64>>> {
        let mut stmt = self
            .connection()
            .prepare_cached("SELECT staff, locked_until FROM staff_credentials")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, Vec<u8>>(0)?, r.get(1)?)))?;
        let mut out = BTreeMap::new();
        for row in rows {
            let (id, locked) = row?;
            if let Ok(id) = Uuid::from_slice(&id) {
                out.insert(id, locked);
            }
        }
        Ok(out)
    }

    /// Whether any staff member of this station has a password or PIN on this device. A station
    /// set up before sign-in existed has none: its first head to sign in sets one (`claim`).
    pub fn has_credentials(&self) -> Result<bool> {
        Ok(!self.credential_states()?.is_empty())
    }

    /// The active staff member of this station named `who` (a name, or an id).
    fn find_staff(&self, who: &str) -> Result<StaffRow> {
        let station = self.require_station()?;
        let who = who.trim();
        let id = Uuid::parse_str(who).ok();
        let matching: Vec<StaffRow> = self
            .staff()?
            .into_iter()
            .filter(|s| s.unit == station.unit && (s.name == who || Some(s.id) == id))
            .collect();
        let mut active: Vec<&StaffRow> = matching.iter().filter(|s| s.active).collect();
        // Two devices of a unit can each have made a member of the same name (each device's
        // founder). Only members with a password or PIN on this device can sign in here
        // (credentials never sync), so those decide when a name is shared.
        if active.len() > 1 {
            let here = self.credential_states()?;
            let local: Vec<&StaffRow> =
                active.iter().copied().filter(|s| here.contains_key(&s.id)).collect();
            if !local.is_empty() {
                active = local;
            }
        }
        match (active.as_slice(), matching.first()) {
            ([one], _) => Ok((*one).clone()),
            ([], Some(inactive)) => Err(AuthError::Inactive(inactive.name.clone()).into()),
            ([], None) => Err(AuthError::UnknownStaff(who.to_owned()).into()),
            (many, _) => {
                let ids: Vec<String> = many.iter().map(|s| s.id.to_string()).collect();
                Err(AuthError::AmbiguousStaff(ids.join(", ")).into())
            }
        }
    }

    /// Signs `who` (a name or an id) in with `secret`. After `FREE_TRIES` wrong tries in a row
    /// the member is locked out for `lock_secs`, during which nothing is checked.
    pub fn sign_in(&mut self, who: &str, secret: &str) -> Result<SignedIn> {
        let staff = self.find_staff(who)?;
        let now = now_ms(self.now());
        let row: Option<(String, u32, Option<i64>)> = self
            .connection()
            .prepare_cached(
                "SELECT hash, failures, locked_until FROM staff_credentials WHERE staff = ?1",
            )?
            .query_row([staff.id.as_bytes()], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .optional()?;
        let Some((hash, failures, locked_until)) = row else {
            return Err(AuthError::NoCredential(staff.name).into());
        };
        if let Some(until) = locked_until.filter(|t| *t > now) {
            return Err(AuthError::Locked { seconds: ((until - now + 999) / 1000) as u64 }.into());
        }
        if secret.is_empty() {
            return Err(AuthError::PasswordRequired.into());
        }
        if secret_matches(secret, &hash)? {
            self.connection().execute(
                "UPDATE staff_credentials SET failures = 0, locked_until = NULL WHERE staff = ?1",
                [staff.id.as_bytes()],
            )?;
            return Ok(self.signed_in(staff));
        }
        let failures = failures.saturating_add(1);
        let lock = lock_secs(failures);
        self.connection().execute(
            "UPDATE staff_credentials SET failures = ?2, locked_until = ?3 WHERE staff = ?1",
            params![staff.id.as_bytes(), failures, lock.map(|s| now + s * 1000)],
        )?;
        Err(match lock {
            Some(secs) => AuthError::Locked { seconds: secs as u64 },
            None => AuthError::Failed { left: FREE_TRIES - failures },
        }
        .into())
    }

    fn signed_in(&self, staff: StaffRow) -> SignedIn {
        let roles = roles_of(&staff);
        SignedIn {
            actor: Actor { staff: staff.id },
            permissions: access::permissions(&roles),
            staff,
        }
    }

    /// The signed-in view of an actor (after a write changed their roles, say).
    pub fn signed_in_as(&self, actor: &Actor) -> Result<SignedIn> {
        let staff = self.staff_row(actor.staff)?;
        if !staff.active {
            return Err(AuthError::Inactive(staff.name).into());
        }
        Ok(self.signed_in(staff))
    }

    /// On a station where no one has a password on this device yet (set up before sign-in
    /// existed, or by a version without it), a head sets theirs and is signed in. Refused once
    /// any credential exists.
    pub fn claim(&mut self, who: &str, secret: &str) -> Result<SignedIn> {
        let staff = self.find_staff(who)?;
        if self.has_credentials()? {
            return Err(AuthError::NoCredential(staff.name).into());
        }
        access::require(&roles_of(&staff), Permission::ManageStaff)?;
        self.store_credential(staff.id, secret)?;
        Ok(self.signed_in(staff))
    }

    /// The first head of a station where no one has a password or PIN on this device (a station
    /// set up before staff accounts existed, or by a version without them): `name` becomes a
    /// head with `secret` and is signed in. An active head (or administrator) of that name
    /// already registered (synced from elsewhere, or made by an older version) claims the
    /// account (`claim`); otherwise a new member with the founder's roles (head, mediator,
    /// clerk) registers themselves, as a founder does at set-up. Refused once any credential
    /// exists here (`auth.first_head_done`): from then on a head adds staff.
    pub fn found_first_head(&mut self, name: &str, secret: &str) -> Result<SignedIn> {
        let station = self.require_station()?.clone();
        if self.has_credentials()? {
            return Err(AuthError::FirstHeadDone.into());
        }
        let name = name.trim();
        let mut issues = Vec::new();
        if name.is_empty() {
            issues.push(casedesk_domain::Issue::new("name", "required"));
        }
        if let Err(e) = credential_kind(secret) {
            issues.push(casedesk_domain::Issue::new("secret", e.code()));
        }
        if !issues.is_empty() {
            return Err(StoreError::invalid(issues));
        }
        let existing =
            self.staff()?.into_iter().any(|s| s.unit == station.unit && s.active && s.name == name);
        if existing {
            return self.claim(name, secret);
        }
        let founder = Actor::unchecked(Uuid::now_v7());
        let now = self.now();
        let ev = OrgEvent::StaffRegistered {
            unit: station.unit.clone(),
            name: name.to_owned(),
            roles: vec![StaffRole::Head, StaffRole::Mediator, StaffRole::Clerk],
            phone: String::new(),
            languages: vec![Language::Zh],
            active: true,
        };
        let hash = hash_secret(secret)?;
        let kind = credential_kind(secret)?;
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        // Checked again inside the transaction: two windows cannot both found a head.
        let held: i64 = tx.query_row("SELECT count(*) FROM staff_credentials", [], |r| r.get(0))?;
        if held > 0 {
            return Err(AuthError::FirstHeadDone.into());
        }
        let ev = checked_org(&tx, &station, founder.staff(), now, ev)?;
        append(&tx, &station, now, founder.staff(), Some(founder.staff()), &DomainEvent::Org(ev))?;
        project::refresh_org(&tx, founder.staff())?;
        tx.execute(
            "INSERT INTO staff_credentials (staff, kind, hash, set_at, failures, locked_until)
             VALUES (?1, ?2, ?3, ?4, 0, NULL)",
            params![founder.staff().as_bytes(), kind, hash, now_ms(now)],
        )?;
        tx.commit()?;
        let staff = self.staff_row(founder.staff())?;
        Ok(self.signed_in(staff))
    }

    /// How long the desktop waits without user input before it locks itself, in seconds (the
    /// head's setting; `access::IDLE_LOCK_DEFAULT_SECS` until one is set).
    pub fn idle_lock_secs(&self) -> Result<u32> {
        let v: Option<String> = self
            .connection()
            .query_row("SELECT value FROM settings WHERE key = 'idle_lock_secs'", [], |r| r.get(0))
            .optional()?;
        Ok(v.and_then(|v| v.parse::<u32>().ok()).map_or(access::IDLE_LOCK_DEFAULT_SECS, |v| {
            v.clamp(access::IDLE_LOCK_MIN_SECS, access::IDLE_LOCK_MAX_SECS)
        }))
    }

    /// Sets the idle lock (needs the configure permission), within
    /// `access::IDLE_LOCK_MIN_SECS..=IDLE_LOCK_MAX_SECS`.
    pub fn set_idle_lock_secs(&mut self, actor: &Actor, secs: u32) -> Result<()> {
        self.authorize(actor, Permission::Configure)?;
        if !(access::IDLE_LOCK_MIN_SECS..=access::IDLE_LOCK_MAX_SECS).contains(&secs) {
            return Err(StoreError::invalid(vec![casedesk_domain::Issue::with_arg(
                "idle_lock_secs",
                "range",
                format!("{}–{}", access::IDLE_LOCK_MIN_SECS, access::IDLE_LOCK_MAX_SECS),
            )]));
        }
        self.connection().execute(
            "INSERT INTO settings (key, value) VALUES ('idle_lock_secs', ?1)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [secs.to_string()],
        )?;
        Ok(())
    }

    fn store_credential(&self, staff: Uuid, secret: &str) -> Result<()> {
        let kind = credential_kind(secret)?;
        let hash = hash_secret(secret)?;
        self.connection().execute(
            "INSERT INTO staff_credentials (staff, kind, hash, set_at, failures, locked_until)
             VALUES (?1, ?2, ?3, ?4, 0, NULL)
             ON CONFLICT (staff) DO UPDATE SET kind = excluded.kind, hash = excluded.hash,
                set_at = excluded.set_at, failures = 0, locked_until = NULL",
            params![staff.as_bytes(), kind, hash, now_ms(self.now())],
        )?;
        Ok(())
    }

    /// Sets `staff`'s password or PIN on this device: a head (or administrator) for anyone of
    /// the station, which also lifts a lock-out. Members change their own with
    /// `change_own_credential`.
    pub fn set_credential(&mut self, actor: &Actor, staff: Uuid, secret: &str) -> Result<()> {
        let station = self.require_station()?.clone();
        authorize(self.connection(), &station, actor, Permission::ManageStaff)?;
        match staff_record(self.connection(), staff)? {
            Some((unit, _, _, _)) if unit == station.unit => self.store_credential(staff, secret),
            _ => Err(AuthError::UnknownStaff(staff.to_string()).into()),
        }
    }

    /// A signed-in member changes their own password or PIN, giving the current one.
    pub fn change_own_credential(&mut self, actor: &Actor, current: &str, new: &str) -> Result<()> {
        let staff = self.staff_row(actor.staff)?;
        credential_kind(new)?;
        self.sign_in(&staff.id.to_string(), current)?;
        self.store_credential(staff.id, new)
    }

    /// Registers a staff member of this station (`staff.registered`), with a first password on
    /// this device if one is given. Needs the manage-staff permission; names are unique among
    /// the station's active staff.
    pub fn add_staff_op(
        &mut self,
        op: Option<&str>,
        actor: &Actor,
        new: NewStaff,
    ) -> Result<StaffRow> {
        if let Some(done) = op_result(self.connection(), op)? {
            let id = Uuid::parse_str(&done)
                .map_err(|e| StoreError::integrity(format!("applied_ops: {e}")))?;
            return self.staff_row(id);
        }
        let station = self.require_station()?.clone();
        if let Some(secret) = &new.secret {
            credential_kind(secret)?;
        }
        let name = new.name.trim().to_owned();
        let taken =
            self.staff()?.iter().any(|s| s.unit == station.unit && s.active && s.name == name);
        if taken {
            return Err(StoreError::invalid(vec![casedesk_domain::Issue::with_arg(
                "name",
                "staff.name_taken",
                &name,
            )]));
        }
        let id = Uuid::now_v7();
        let hash = new.secret.as_deref().map(hash_secret).transpose()?;
        let kind = new.secret.as_deref().map(credential_kind).transpose()?;
        let now = self.now();
        let ev = OrgEvent::StaffRegistered {
            unit: station.unit.clone(),
            name,
            roles: new.roles,
            phone: new.phone,
            languages: new.languages,
            active: true,
        };
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        authorize(&tx, &station, actor, Permission::ManageStaff)?;
        let ev = checked_org(&tx, &station, id, now, ev)?;
        append(&tx, &station, now, id, Some(actor.staff), &DomainEvent::Org(ev))?;
        project::refresh_org(&tx, id)?;
        if let (Some(hash), Some(kind)) = (hash, kind) {
            tx.execute(
                "INSERT INTO staff_credentials (staff, kind, hash, set_at) VALUES (?1, ?2, ?3, ?4)",
                params![id.as_bytes(), kind, hash, now_ms(now)],
            )?;
        }
        op_record(&tx, op, &id.to_string(), now)?;
        tx.commit()?;
        self.staff_row(id)
    }

    /// Changes a staff member's roles, phone, languages or status (a new `staff.registered` on
    /// their stream). The station keeps at least one active head.
    pub fn update_staff_op(
        &mut self,
        op: Option<&str>,
        actor: &Actor,
        staff: Uuid,
        update: StaffUpdate,
    ) -> Result<StaffRow> {
        if op_result(self.connection(), op)?.is_some() {
            return self.staff_row(staff);
        }
        let station = self.require_station()?.clone();
        let current = self.staff_row(staff)?;
        if current.unit != station.unit {
            return Err(AuthError::UnknownStaff(current.name).into());
        }
        let still_head = update.active && update.roles.contains(&StaffRole::Head);
        let other_heads = self.staff()?.iter().any(|s| {
            s.unit == station.unit
                && s.active
                && s.id != staff
                && roles_of(s).contains(&StaffRole::Head)
        });
        if !still_head && !other_heads && roles_of(&current).contains(&StaffRole::Head) {
            return Err(StoreError::invalid(vec![casedesk_domain::Issue::new(
                "roles",
                "staff.last_head",
            )]));
        }
        let now = self.now();
        let ev = OrgEvent::StaffRegistered {
            unit: station.unit.clone(),
            name: current.name.clone(),
            roles: update.roles,
            phone: update.phone,
            languages: update.languages,
            active: update.active,
        };
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        authorize(&tx, &station, actor, Permission::ManageStaff)?;
        let ev = checked_org(&tx, &station, staff, now, ev)?;
        let event = append(&tx, &station, now, staff, Some(actor.staff), &DomainEvent::Org(ev))?;
        project::refresh_org(&tx, staff)?;
        op_record(&tx, op, &event.id.to_string(), now)?;
        tx.commit()?;
        self.staff_row(staff)
    }

    /// The full value of a masked field of a case (`complainants[0].id_number`,
    /// `complainants[0].phones[1]`), for a staff member with the reveal permission; records
    /// who saw which field of which case, and when (`audit.revealed`), in the same transaction.
    /// A repeated `op` returns the value again without a second record.
    pub fn reveal_op(
        &mut self,
        op: Option<&str>,
        actor: &Actor,
        case_id: Uuid,
        field: &str,
    ) -> Result<String> {
        let station = self.require_station()?.clone();
        authorize(self.connection(), &station, actor, Permission::Reveal)?;
        let state = self.case_state(case_id)?;
        let value = casedesk_domain::mask::reveal(&state.reg, field).ok_or_else(|| {
            StoreError::invalid(vec![casedesk_domain::Issue::with_arg(
                "field",
                "reveal.not_masked",
                field,
            )])
        })?;
        if op_result(self.connection(), op)?.is_some() {
            return Ok(value);
        }
        let now = self.now();
        let stream = Uuid::now_v7();
        let ev = OrgEvent::AuditRevealed {
            unit: station.unit.clone(),
            case: case_id,
            case_no: state.reg.case_no.clone(),
            field: field.to_owned(),
            at: now,
        };
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        authorize(&tx, &station, actor, Permission::Reveal)?;
        let ev = checked_org(&tx, &station, stream, now, ev)?;
        let event = append(&tx, &station, now, stream, Some(actor.staff), &DomainEvent::Org(ev))?;
        project::refresh_org(&tx, stream)?;
        op_record(&tx, op, &event.id.to_string(), now)?;
        tx.commit()?;
        Ok(value)
    }

    /// Checks that `actor` may export and records that `count` records of `what` left the
    /// station (`audit.exported`). Call it before writing the file.
    pub fn record_export(&mut self, actor: &Actor, what: &str, count: u64) -> Result<()> {
        let station = self.require_station()?.clone();
        let now = self.now();
        let stream = Uuid::now_v7();
        let ev = OrgEvent::AuditExported {
            unit: station.unit.clone(),
            what: what.to_owned(),
            count,
            at: now,
        };
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        authorize(&tx, &station, actor, Permission::Export)?;
        let ev = checked_org(&tx, &station, stream, now, ev)?;
        append(&tx, &station, now, stream, Some(actor.staff), &DomainEvent::Org(ev))?;
        project::refresh_org(&tx, stream)?;
        tx.commit()?;
        Ok(())
    }

    /// The access log (reveals and exports, of this station and of the units whose records it
    /// holds), newest first, for a staff member with the audit permission.
    pub fn audit_log(&self, actor: &Actor, limit: u32) -> Result<Vec<AuditEntry>> {
        let station = self.require_station()?;
        authorize(self.connection(), station, actor, Permission::Audit)?;
        let names = self.staff_names()?;
        let mut stmt = self.connection().prepare_cached(
            "SELECT id, at, unit, actor, action, case_id, case_no, detail, count FROM audit_log
             ORDER BY at DESC, id DESC LIMIT ?1",
        )?;
        let rows = stmt.query_map([i64::from(limit.clamp(1, 5000))], |r| {
            Ok((
                r.get::<_, Vec<u8>>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, Option<Vec<u8>>>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, Option<Vec<u8>>>(5)?,
                r.get::<_, String>(6)?,
                r.get::<_, String>(7)?,
                r.get::<_, i64>(8)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, at, unit, actor, action, case_id, case_no, detail, count) = row?;
            let actor = actor.and_then(|b| Uuid::from_slice(&b).ok());
            out.push(AuditEntry {
                id: Uuid::from_slice(&id).map_err(|e| StoreError::integrity(e.to_string()))?,
                at: DateTime::from_timestamp_millis(at).unwrap_or_default(),
                unit,
                actor_name: actor.and_then(|a| names.get(&a).cloned()),
                actor,
                action,
                case_id: case_id.and_then(|b| Uuid::from_slice(&b).ok()),
                case_no,
                detail,
                count: u64::try_from(count).unwrap_or(0),
            });
        }
        Ok(out)
    }

    /// The name of every staff member the station knows, by id (timelines show who acted).
    pub fn staff_names(&self) -> Result<BTreeMap<Uuid, String>> {
        Ok(self.staff()?.into_iter().map(|s| (s.id, s.name)).collect())
    }
}
