//! What `casedesk bench` measures that is not a store operation: the baselines it prints beside
//! each figure (a bare INSERT, a primary-key look-up, a full scan), and the file's sizes. Here
//! because this is the only crate that speaks SQL; nothing here is used by the app.

use std::path::Path;

use rusqlite::{Connection, params};

use crate::{Result, Store};

/// A one-table database for the write baseline: the registration JSON in a plain row.
pub struct BareTable {
    conn: Connection,
}

impl BareTable {
    /// Creates (or truncates) the table at `path`, WAL with the given `synchronous` mode.
    pub fn create(path: &Path, synchronous: &str) -> Result<BareTable> {
        let conn = Connection::open(path)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", synchronous)?;
        conn.execute_batch(
            "DROP TABLE IF EXISTS bare; CREATE TABLE bare (id BLOB PRIMARY KEY, payload TEXT NOT NULL)",
        )?;
        Ok(BareTable { conn })
    }

    /// One row in its own transaction.
    pub fn insert(&self, json: &str) -> Result<()> {
        let tx = self.conn.unchecked_transaction()?;
        tx.execute(
            "INSERT INTO bare (id, payload) VALUES (?1, ?2)",
            params![uuid::Uuid::now_v7().as_bytes(), json],
        )?;
        tx.commit()?;
        Ok(())
    }
}

/// Sizes of a station file.
#[derive(Clone, Debug, Default)]
pub struct SizeStats {
    pub cases: u64,
    pub events: u64,
    pub bytes: u64,
    /// The biggest tables and indexes with their bytes (from `dbstat` when SQLite has it).
    pub largest: Vec<(String, u64)>,
}

impl Store {
    /// Sets SQLite's `synchronous` mode of this connection (`FULL`, `NORMAL`).
    pub fn set_synchronous(&self, mode: &str) -> Result<()> {
        self.connection().pragma_update(None, "synchronous", mode)?;
        Ok(())
    }

    /// Moves the write-ahead log into the main file.
    pub fn checkpoint(&self) -> Result<()> {
        self.connection().pragma_update(None, "wal_checkpoint", "TRUNCATE")?;
        Ok(())
    }

    pub fn size_stats(&self) -> Result<SizeStats> {
        let conn = self.connection();
        let one = |sql: &str| -> Result<u64> {
            Ok(conn.query_row(sql, [], |r| r.get::<_, i64>(0))? as u64)
        };
        let bytes = one("PRAGMA page_count")? * one("PRAGMA page_size")?;
        let largest = conn
            .prepare("SELECT name, sum(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC LIMIT 8")
            .and_then(|mut stmt| {
                stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)? as u64)))?
                    .collect::<rusqlite::Result<Vec<_>>>()
            })
            .unwrap_or_default();
        Ok(SizeStats {
            cases: one("SELECT count(*) FROM cases")?,
            events: one("SELECT count(*) FROM events")?,
            bytes,
            largest,
        })
    }

    /// Baseline: one case by its number (a primary-key look-up). Returns the rows found.
    pub fn baseline_case_by_no(&self, no: &str) -> Result<usize> {
        self.count_rows("SELECT rowid FROM cases WHERE no = ?1", no)
    }

    /// Baseline: every case's text scanned with LIKE for `term` (no index).
    pub fn baseline_text_scan(&self, term: &str) -> Result<usize> {
        self.count_rows("SELECT count(*) FROM case_text WHERE text LIKE ?1", &format!("%{term}%"))
    }

    /// Baseline: the newest 50 case rowids in table order.
    pub fn baseline_rowid_page(&self) -> Result<usize> {
        self.count_rows("SELECT rowid FROM cases WHERE ?1 = ?1 ORDER BY rowid DESC LIMIT 50", "x")
    }

    fn count_rows(&self, sql: &str, arg: &str) -> Result<usize> {
        let mut stmt = self.connection().prepare_cached(sql)?;
        let n = stmt.query_map([arg], |r| r.get::<_, i64>(0))?.count();
        Ok(n)
    }
}
