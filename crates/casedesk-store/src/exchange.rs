//! Export and import of the event log as JSON lines (one `casedesk_proto::Event` per line).
//! Import goes through `apply_remote`, so importing a file twice changes nothing, and a line
//! that does not parse is reported by number without touching the database.

use std::io::{BufRead, Write};

use casedesk_proto::{Event, limits};
use rusqlite::OptionalExtension;
use serde::Serialize;

use super::project::{EVENT_COLUMNS, event_from_row};
use super::{Source, Store};
use casedesk_domain::Issue;

use crate::error::{Result, StoreError};

#[derive(Clone, Debug, Default, Serialize)]
pub struct ExportSummary {
    pub events: u64,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct ImportSummary {
    pub lines: u64,
    pub inserted: u64,
    pub duplicates: u64,
    /// Events kept in the station's quarantine, with the reason.
    pub quarantined: Vec<(String, String)>,
}

const BATCH: usize = 2000;

/// Longest line of an import file: one event as JSON, with room for whitespace and escapes
/// beyond its canonical size (`casedesk_proto::limits::MAX_EVENT_BYTES`).
pub const MAX_IMPORT_LINE_BYTES: usize = 2 * limits::MAX_EVENT_BYTES;
/// Largest import file: the whole file is read and checked before anything is written.
pub const MAX_IMPORT_BYTES: u64 = 1 << 30;

impl Store {
    /// Writes every event, in log order.
    pub fn export_jsonl(&self, out: &mut dyn Write) -> Result<ExportSummary> {
        let mut stmt = self
            .connection()
            .prepare(&format!("SELECT {EVENT_COLUMNS} FROM events ORDER BY rowid"))?;
        let mut rows = stmt.query([])?;
        let mut summary = ExportSummary::default();
        while let Some(row) = rows.next()? {
            let e = event_from_row(row)?;
            serde_json::to_writer(&mut *out, &e)?;
            out.write_all(b"\n")?;
            summary.events += 1;
        }
        out.flush()?;
        Ok(summary)
    }

    /// Reads events from JSON lines. The whole file is read and checked before anything is
    /// written: a malformed or over-long line, a file over `MAX_IMPORT_BYTES`, or an event of
    /// this station's own device that is not exactly one it holds fails the import with the
    /// line numbers, and the database is unchanged. Events that pass are applied like pulled
    /// ones (each checked on its own; see `Store::apply_remote`).
    pub fn import_jsonl(&mut self, input: &mut dyn BufRead) -> Result<ImportSummary> {
        let own = self.station().map(|s| s.device);
        let mut events = Vec::new();
        let mut summary = ImportSummary::default();
        let mut issues = Vec::new();
        let mut total: u64 = 0;
        let mut line = Vec::new();
        let mut n = 0usize;
        loop {
            line.clear();
            let mut limited = std::io::Read::take(&mut *input, MAX_IMPORT_LINE_BYTES as u64 + 1);
            let read = limited.read_until(b'\n', &mut line)?;
            if read == 0 {
                break;
            }
            n += 1;
            total += read as u64;
            if total > MAX_IMPORT_BYTES {
                return Err(StoreError::invalid(vec![Issue::with_arg(
                    "file",
                    "import.file_too_large",
                    MAX_IMPORT_BYTES,
                )]));
            }
            let at = format!("line {n}");
            if line.len() > MAX_IMPORT_LINE_BYTES && !line.ends_with(b"\n") {
                // The rest of the line is skipped so that the lines after it are numbered right.
                skip_line(input)?;
                push_issue(
                    &mut issues,
                    Issue::with_arg(at, "import.line_too_long", MAX_IMPORT_LINE_BYTES),
                );
                continue;
            }
            summary.lines += 1;
            let text = String::from_utf8_lossy(&line);
            if text.trim().is_empty() {
                continue;
            }
            match serde_json::from_str::<Event>(&text) {
                Ok(e) if own == Some(e.device) && !self.holds_exactly(&e)? => {
                    push_issue(&mut issues, Issue::with_arg(at, "import.own_device", e.seq))
                }
                Ok(e) => events.push(e),
                Err(e) => push_issue(&mut issues, Issue::with_arg(at, "json.invalid", e)),
            }
        }
        if !issues.is_empty() {
            return Err(StoreError::invalid(issues));
        }
        for chunk in events.chunks(BATCH) {
            let r = self.apply_remote(chunk, Source::Import)?;
            summary.inserted += r.inserted as u64;
            summary.duplicates += r.duplicates as u64;
            summary
                .quarantined
                .extend(r.quarantined.into_iter().map(|(id, why)| (id.to_string(), why)));
        }
        Ok(summary)
    }

    /// Whether the log holds exactly this event (same id, same hash).
    fn holds_exactly(&self, e: &Event) -> Result<bool> {
        let hash: Option<Vec<u8>> = self
            .connection()
            .prepare_cached("SELECT hash FROM events WHERE id = ?1")?
            .query_row([e.id.as_bytes()], |r| r.get(0))
            .optional()?;
        Ok(hash.as_deref() == Some(e.hash.0.as_slice()))
    }
}

/// At most 20 problems are listed.
fn push_issue(issues: &mut Vec<Issue>, issue: Issue) {
    if issues.len() < 20 {
        issues.push(issue);
    }
}

/// Reads and drops the rest of an over-long line.
fn skip_line(input: &mut dyn BufRead) -> Result<()> {
    loop {
        let buf = input.fill_buf()?;
        if buf.is_empty() {
            return Ok(());
        }
        match buf.iter().position(|b| *b == b'\n') {
            Some(i) => {
                input.consume(i + 1);
                return Ok(());
            }
            None => {
                let len = buf.len();
                input.consume(len);
            }
        }
    }
}
