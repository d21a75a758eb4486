//! `cdk-stress --db FILE [--cases N]`: registers cases one transaction each, printing each case
//! number after its transaction committed. The crash test kills this process at random moments
//! and then checks that every printed number is in the database and that `verify` passes. A
//! test tool only: it is not part of the `casedesk` command.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use casedesk_domain::event::{CaseEvent, CaseRegistered, Facts};
use casedesk_domain::types::{CaseType, Channel, Mode};
use casedesk_store::{Store, StoreError};

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let mut db: Option<PathBuf> = None;
    let mut cases: u64 = 1_000_000;
    while let Some(a) = args.next() {
        match a.as_str() {
            "--db" => db = args.next().map(PathBuf::from),
            "--cases" => cases = args.next().and_then(|n| n.parse().ok()).unwrap_or(cases),
            other => {
                eprintln!("cdk-stress: unknown argument {other}");
                return ExitCode::from(2);
            }
        }
    }
    let Some(db) = db else {
        eprintln!("usage: cdk-stress --db FILE [--cases N]");
        return ExitCode::from(2);
    };
    match run(&db, cases) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("cdk-stress: {e}");
            ExitCode::from(1)
        }
    }
}

fn run(db: &std::path::Path, cases: u64) -> Result<(), StoreError> {
    // The station file is encrypted: its key from the note beside it and CASEDESK_PASSPHRASE.
    let passphrase = casedesk_keys::passphrase_from_env();
    let store = match casedesk_keys::read_note(db) {
        Ok(Some(note)) => casedesk_keys::key_for(&note, passphrase.as_deref().map(String::as_str))
            .map(|key| Store::open_encrypted(db, &key, None)),
        _ => Ok(Store::open(db)),
    };
    let mut store = match store {
        Ok(s) => s?,
        Err(e) => return Err(StoreError::Io(std::io::Error::other(e.to_string()))),
    };
    store.require_station()?;
    // The writer signs in like a person at the desk (the station's first head).
    let me = store.sign_in(casedesk_tests::HEAD, casedesk_tests::HEAD_PASSWORD)?.actor;
    let mut out = std::io::stdout().lock();
    let now = store.now();
    for i in 0..cases {
        let reg = CaseRegistered {
            case_no: String::new(),
            case_type: CaseType::Suggestion,
            mode: Mode::Own,
            received_at: now,
            channel: Channel::Phone,
            unit: String::new(),
            staff: None,
            roving_session: None,
            complainants: vec![],
            collective: None,
            respondents: vec![],
            category: None,
            nature: None,
            facts: Facts { content: format!("压力测试建议 {i}"), ..Default::default() },
            requests: vec![],
            request_text: String::new(),
            claim_fen: None,
        };
        let r = store.register_case(&me, reg)?;
        if i % 2 == 0 {
            store.act(r.id, &me, CaseEvent::NoteAdded { text: "已电话答复".into() })?;
        }
        writeln!(out, "{}", r.no)?;
        out.flush()?;
    }
    Ok(())
}
