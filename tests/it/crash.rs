//! Crash test: a writer is killed with SIGKILL at random moments, over and over, against the
//! same database. After each kill, every case the writer reported as committed must be there,
//! and `verify` (hash chains, gapless sequence, projections == rebuild) must pass.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use casedesk_tests::*;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

#[test]
fn kill_dash_nine_loses_nothing_committed() {
    let dir = tempfile::tempdir().unwrap();
    let db = station(dir.path());
    let seed = seed("crash::kill_dash_nine_loses_nothing_committed");
    let mut rng = StdRng::seed_from_u64(seed);
    let mut committed: Vec<String> = Vec::new();
    for round in 0..scale("crash::kill_dash_nine_loses_nothing_committed", 12, 200) {
        let mut child = Command::new(binary("cdk-stress"))
            .env("CASEDESK_PASSPHRASE", PASSPHRASE)
            .arg("--db")
            .arg(&db)
            .args(["--cases", "100000"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        // Read what the writer reports on another thread, so the kill can land anywhere.
        let reader = std::thread::spawn(move || {
            BufReader::new(stdout).lines().map_while(Result::ok).collect::<Vec<String>>()
        });
        let wait = Duration::from_millis(rng.random_range(30..400));
        let start = Instant::now();
        while start.elapsed() < wait {
            if let Ok(Some(status)) = child.try_wait() {
                panic!("writer exited early in round {round}: {status}");
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        let reported = reader.join().unwrap();
        committed.extend(reported);

        let report = ok(casedesk(&db, &["verify"]));
        assert!(report.contains("OK"), "seed {seed} round {round}: {report}");
    }
    assert!(committed.len() > 10, "the writer committed too little to test: {}", committed.len());
    // Every reported case is there, exactly once.
    let conn = open_sqlite(&db);
    let mut stmt = conn.prepare("SELECT count(*) FROM cases WHERE no = ?1").unwrap();
    for no in &committed {
        let n: i64 = stmt.query_row([no], |r| r.get(0)).unwrap();
        assert_eq!(n, 1, "case {no} was reported committed but is missing");
    }
    // Case numbers are unique and gapless for this device: nothing half-written survived.
    let (count, max): (i64, i64) = conn
        .query_row("SELECT count(*), max(CAST(substr(no, -5) AS INTEGER)) FROM cases", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    assert_eq!(count, max);
}
