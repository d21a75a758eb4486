//! Schema migrations: an append-only list of SQL scripts, applied in order; `PRAGMA
//! user_version` records how many have run. Each script and its version bump commit together.
//! Never edit a script that has shipped: add a new one, and regenerate `schema.sql`.

use rusqlite::Connection;

use crate::error::{Result, StoreError};

pub const MIGRATIONS: &[&str] = &[
    include_str!("../migrations/0001_init.sql"),
    include_str!("../migrations/0002_sync.sql"),
    include_str!("../migrations/0003_desk.sql"),
    include_str!("../migrations/0004_row_data.sql"),
    include_str!("../migrations/0005_apply_never_fails.sql"),
    include_str!("../migrations/0006_short_terms.sql"),
    include_str!("../migrations/0007_documents.sql"),
    include_str!("../migrations/0008_statistics.sql"),
    include_str!("../migrations/0009_stat_cases.sql"),
    include_str!("../migrations/0010_people.sql"),
    include_str!("../migrations/0011_blob_sync.sql"),
    include_str!("../migrations/0012_drafts.sql"),
];

/// Whether a database that already holds a schema needs migrations (a fresh file does not:
/// there is nothing to keep a copy of).
pub fn pending(conn: &Connection) -> Result<bool> {
    let current: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    Ok(current > 0 && current < MIGRATIONS.len() as i64)
}

pub fn migrate(conn: &mut Connection) -> Result<()> {
    let current: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    let latest = MIGRATIONS.len() as i64;
    if current > latest {
        return Err(StoreError::NewerSchema(current));
    }
    for (i, script) in MIGRATIONS.iter().enumerate().skip(current as usize) {
        let tx = conn.transaction()?;
        tx.execute_batch(script)?;
        tx.pragma_update(None, "user_version", (i + 1) as i64)?;
        tx.commit()?;
    }
    Ok(())
}

/// The schema as SQLite reports it: every CREATE statement, in a stable order. `schema.sql` at
/// the workspace root holds this text for a freshly migrated database.
pub fn dump_schema(conn: &Connection) -> Result<String> {
    let mut stmt = conn.prepare(
        "SELECT sql FROM sqlite_schema WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%'
         ORDER BY tbl_name, type DESC, name",
    )?;
    let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
    let mut out = String::from(
        "-- The current schema of a CaseDesk station database, as SQLite reports it after all\n-- migrations. Generated: `cargo test -p casedesk-store schema` rewrites it with UPDATE_GOLDEN=1.\n\n",
    );
    for sql in rows {
        out.push_str(&sql?);
        out.push_str(";\n\n");
    }
    out.truncate(out.trim_end().len());
    out.push('\n');
    Ok(out)
}
