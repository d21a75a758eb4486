//! Export and import of the event log as JSON lines (one `casedesk_proto::Event` per line).
//! Import goes through `apply_remote`, so importing a file twice changes nothing, and a line
//! that does not parse is reported by number without touching the database.

use std::io::{BufRead, Write};

use casedesk_proto::Event;
use serde::Serialize;

use super::Store;
use super::project::{EVENT_COLUMNS, event_from_row};
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
    pub quarantined: u64,
    pub rejected: Vec<(String, String)>,
}

const BATCH: usize = 2000;

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

    /// Reads events from JSON lines. The whole file is parsed before anything is written: a
    /// malformed line fails the import with its line number and the database is unchanged.
    pub fn import_jsonl(&mut self, input: &mut dyn BufRead) -> Result<ImportSummary> {
        let mut events = Vec::new();
        let mut summary = ImportSummary::default();
        let mut issues = Vec::new();
        for (i, line) in input.lines().enumerate() {
            let line = line?;
            summary.lines += 1;
            if line.trim().is_empty() {
                continue;
            }
            match serde_json::from_str::<Event>(&line) {
                Ok(e) => events.push(e),
                Err(e) if issues.len() < 20 => {
                    issues.push(Issue::with_arg(format!("line {}", i + 1), "json.invalid", e))
                }
                Err(_) => {}
            }
        }
        if !issues.is_empty() {
            return Err(StoreError::invalid(issues));
        }
        for chunk in events.chunks(BATCH) {
            let r = self.apply_remote(chunk)?;
            summary.inserted += r.inserted as u64;
            summary.duplicates += r.duplicates as u64;
            summary.quarantined += r.quarantined as u64;
            summary.rejected.extend(r.rejected.into_iter().map(|(id, why)| (id.to_string(), why)));
        }
        Ok(summary)
    }
}
