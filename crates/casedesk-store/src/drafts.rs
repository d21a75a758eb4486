//! Form drafts (`drafts` table, migration 0012): what the desktop keeps of a form while it is
//! typed, so a crash or a closed window loses nothing. Local to the device: never an event,
//! never synced; kept in the station file so it is encrypted with it and backed up with it.
//! The limits are checked here, for every caller.

use rusqlite::OptionalExtension;

use crate::error::{Result, StoreError};

/// The largest draft kept, in bytes (a long intake form is a few kB).
pub const MAX_DRAFT_BYTES: usize = 2 * 1024 * 1024;
/// The longest draft key, in characters.
pub const MAX_KEY_CHARS: usize = 200;

fn check_key(key: &str) -> Result<()> {
    if key.trim().is_empty() || key.chars().count() > MAX_KEY_CHARS {
        return Err(StoreError::invalid(vec![casedesk_domain::Issue::new("key", "draft.key")]));
    }
    Ok(())
}

impl crate::Store {
    /// Keeps `body` (JSON, at most `MAX_DRAFT_BYTES`) as the draft `key`, replacing the one
    /// before.
    pub fn draft_save(&mut self, key: &str, body: &str) -> Result<()> {
        check_key(key)?;
        if body.len() > MAX_DRAFT_BYTES {
            return Err(StoreError::invalid(vec![casedesk_domain::Issue::with_arg(
                "json",
                "draft.too_large",
                MAX_DRAFT_BYTES,
            )]));
        }
        if let Err(e) = serde_json::from_str::<serde::de::IgnoredAny>(body) {
            return Err(StoreError::invalid(vec![casedesk_domain::Issue::with_arg(
                "json",
                "json.invalid",
                e,
            )]));
        }
        let now = self.now().timestamp_millis();
        self.conn.execute(
            "INSERT INTO drafts (key, body, saved_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (key) DO UPDATE SET body = excluded.body, saved_at = excluded.saved_at",
            rusqlite::params![key, body, now],
        )?;
        Ok(())
    }

    /// The draft `key`, if there is one.
    pub fn draft_load(&self, key: &str) -> Result<Option<String>> {
        check_key(key)?;
        Ok(self
            .conn
            .query_row("SELECT body FROM drafts WHERE key = ?1", [key], |r| r.get(0))
            .optional()?)
    }

    /// Forgets the draft `key` (nothing when there is none).
    pub fn draft_clear(&mut self, key: &str) -> Result<()> {
        check_key(key)?;
        self.conn.execute("DELETE FROM drafts WHERE key = ?1", [key])?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::Store;

    #[test]
    fn drafts_round_trip_with_any_key_and_keep_their_limits() {
        let mut s = Store::open_in_memory().unwrap();
        let key = "intake/../../etc/passwd 登记";
        assert_eq!(s.draft_load(key).unwrap(), None);
        s.draft_save(key, r#"{"a":1}"#).unwrap();
        s.draft_save(key, r#"{"a":2}"#).unwrap();
        assert_eq!(s.draft_load(key).unwrap().as_deref(), Some(r#"{"a":2}"#));
        s.draft_clear(key).unwrap();
        s.draft_clear(key).unwrap();
        assert_eq!(s.draft_load(key).unwrap(), None);

        let code = |e: crate::StoreError| match e {
            crate::StoreError::Domain(casedesk_domain::DomainError::Invalid(issues)) => {
                (issues[0].path.clone(), issues[0].code.clone())
            }
            other => panic!("{other:?}"),
        };
        assert_eq!(code(s.draft_save(" ", "{}").unwrap_err()), ("key".into(), "draft.key".into()));
        let long = "键".repeat(super::MAX_KEY_CHARS + 1);
        assert_eq!(code(s.draft_load(&long).unwrap_err()), ("key".into(), "draft.key".into()));
        assert_eq!(
            code(s.draft_save("k", "{").unwrap_err()),
            ("json".into(), "json.invalid".into())
        );
        let big = format!("\"{}\"", "x".repeat(super::MAX_DRAFT_BYTES));
        assert_eq!(
            code(s.draft_save("k", &big).unwrap_err()),
            ("json".into(), "draft.too_large".into())
        );
        assert_eq!(s.draft_load("k").unwrap(), None, "nothing kept of a refused draft");
    }
}
