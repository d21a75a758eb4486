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

    /// Sets SQLite's `wal_autocheckpoint` (pages; 0 = never).
    pub fn set_wal_autocheckpoint(&self, pages: i64) -> Result<()> {
        self.conn.pragma_update(None, "wal_autocheckpoint", pages)?;
        Ok(())
    }

    /// An SQLite setting (see [`Store::bench_setting`]).
    pub fn setting(&self, name: &str, value: &str) -> Result<()> {
        setting(&self.conn, name, value)
    }

    /// Moves the write-ahead log into the main file.
    pub fn checkpoint(&self) -> Result<()> {
        self.conn.pragma_update(None, "wal_checkpoint", "TRUNCATE")?;
        Ok(())
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

/// Sets `PRAGMA name = value` on `conn`; a `page_size` is taken by rewriting the file
/// (leaving WAL, VACUUM, back to WAL), as SQLite changes it no other way.
fn setting(conn: &Connection, name: &str, value: &str) -> Result<()> {
    if !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Err(crate::StoreError::integrity(format!("not a setting: {name}")));
    }
    if let Some(option) = name.strip_prefix("fts_") {
        // An FTS5 option (`fts_automerge`, `fts_crisismerge`, `fts_pgsz`) of both search
        // indexes of a station; nothing on the baseline, which has none.
        let n: i64 = value
            .parse()
            .map_err(|_| crate::StoreError::integrity(format!("{name}: not a number")))?;
        let has_fts: bool = conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM sqlite_schema WHERE name = 'case_fts')",
            [],
            |r| r.get(0),
        )?;
        if has_fts {
            for t in ["case_fts", "case_chars"] {
                conn.execute(
                    &format!("INSERT INTO {t} ({t}, rank) VALUES (?1, ?2)"),
                    rusqlite::params![option, n],
                )?;
            }
        }
    } else if name == "page_size" {
        conn.pragma_update(None, "journal_mode", "DELETE")?;
        conn.pragma_update(None, "page_size", value)?;
        conn.execute_batch("VACUUM")?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
    } else {
        conn.pragma_update(None, name, value)?;
    }
    Ok(())
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

    /// An SQLite setting of this connection, for `casedesk bench --setting` (see `setting`).
    pub fn bench_setting(&self, name: &str, value: &str) -> Result<()> {
        setting(self.connection(), name, value)
    }

    /// Sets SQLite's `wal_autocheckpoint` (pages; 0 = never) of this connection.
    pub fn set_wal_autocheckpoint(&self, pages: i64) -> Result<()> {
        self.connection().pragma_update(None, "wal_autocheckpoint", pages)?;
        Ok(())
    }

    /// The size of a page of this file.
    pub fn page_size(&self) -> Result<u64> {
        Ok(self.connection().query_row("PRAGMA page_size", [], |r| r.get::<_, i64>(0))? as u64)
    }

    /// Which table or index each page of the file belongs to (from `dbstat`; empty when
    /// SQLite lacks it).
    pub fn page_owners(&self) -> Result<std::collections::HashMap<u32, String>> {
        let conn = self.connection();
        let owners = conn
            .prepare("SELECT pageno, name FROM dbstat")
            .and_then(|mut stmt| {
                stmt.query_map([], |r| Ok((r.get::<_, i64>(0)? as u32, r.get::<_, String>(1)?)))?
                    .collect::<rusqlite::Result<_>>()
            })
            .unwrap_or_default();
        Ok(owners)
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

/// Where the time of a write goes, for `casedesk bench --breakdown`: the write path calls
/// [`mark`] after each step, which (only while [`Breakdown::start`] has turned it on, on this
/// thread) adds the time since the previous mark to that step. Off, a mark is one thread-local
/// flag read.
pub mod phases {
    use std::cell::RefCell;
    use std::time::{Duration, Instant};

    struct Recorder {
        last: Instant,
        totals: Vec<(&'static str, Duration)>,
    }

    thread_local! {
        static RECORDER: RefCell<Option<Recorder>> = const { RefCell::new(None) };
    }

    /// The step that just ended is `step`.
    #[inline]
    pub fn mark(step: &'static str) {
        RECORDER.with(|r| {
            if let Some(rec) = r.borrow_mut().as_mut() {
                let now = Instant::now();
                let d = now - rec.last;
                rec.last = now;
                match rec.totals.iter_mut().find(|(s, _)| *s == step) {
                    Some((_, t)) => *t += d,
                    None => rec.totals.push((step, d)),
                }
            }
        });
    }

    /// Starts a new interval: what runs between this and the next mark is not counted (the
    /// caller's own work between writes).
    #[inline]
    pub fn restart() {
        RECORDER.with(|r| {
            if let Some(rec) = r.borrow_mut().as_mut() {
                rec.last = Instant::now();
            }
        });
    }

    /// Recording on this thread, from creation until `finish`.
    pub struct Breakdown(());

    impl Breakdown {
        pub fn start() -> Breakdown {
            RECORDER.with(|r| {
                *r.borrow_mut() = Some(Recorder { last: Instant::now(), totals: Vec::new() })
            });
            Breakdown(())
        }

        /// Each step with its time since the last `take`, in the order the steps were first
        /// seen since then; recording goes on.
        pub fn take(&self) -> Vec<(&'static str, Duration)> {
            RECORDER.with(|r| {
                r.borrow_mut()
                    .as_mut()
                    .map(|rec| std::mem::take(&mut rec.totals))
                    .unwrap_or_default()
            })
        }
    }

    impl Drop for Breakdown {
        fn drop(&mut self) {
            RECORDER.with(|r| *r.borrow_mut() = None);
        }
    }
}
