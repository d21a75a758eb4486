//! Generates demonstration cases into a fresh station file and prints the rate (for profiling
//! the generator without building the whole `casedesk` command):
//! `cargo run --release -p casedesk-demo --example gen -- FILE CASES [BATCH] [consistent]`
//! (`consistent`: `generate_consistent`, the path without a bulk load, for comparison).

use std::time::Instant;

use casedesk_domain::types::UnitKind;
use casedesk_store::{StationInit, Store};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = std::path::PathBuf::from(args.next().ok_or("usage: gen FILE CASES [BATCH]")?);
    let cases: u64 = args.next().ok_or("CASES")?.parse()?;
    let batch: usize = args.next().map_or(Ok(2000), |b| b.parse())?;
    let consistent = args.next().is_some_and(|a| a == "consistent");
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    let mut store = Store::open(&path)?;
    let end = store.now();
    let opts = casedesk_demo::DemoOptions { cases, seed: 42, end, batch };
    let start = opts.start() - chrono::Duration::days(1);
    store.set_clock(move || start);
    store.init_station(StationInit {
        unit: "HX".into(),
        unit_name: "海西州消费者协会".into(),
        unit_kind: UnitKind::Association,
        parent: None,
        admin_code: "632800".into(),
        device_code: "A1".into(),
        device_name: "bench".into(),
        founder: "站长".into(),
        founder_secret: None,
    })?;
    store.set_clock(move || end);
    let t = Instant::now();
    let mut last = 0.0;
    let mut progress = |done: u64| {
        last = t.elapsed().as_secs_f64();
        if done.is_multiple_of(50_000) {
            eprintln!("  {done} cases, {:.1} s", t.elapsed().as_secs_f64());
        }
    };
    let s = if consistent {
        casedesk_demo::generate_consistent(&mut store, &opts, &mut progress)?
    } else {
        casedesk_demo::generate(&mut store, &opts, &mut progress)?
    };
    let secs = t.elapsed().as_secs_f64();
    eprintln!("  last transaction of the load committed at {last:.1} s (the rest: the load's end)");
    println!(
        "{} cases, {} events in {secs:.1} s: {:.0} cases/s ({})",
        s.cases,
        s.events,
        s.cases as f64 / secs,
        if consistent { "generate_consistent" } else { "generate, bulk load" }
    );
    Ok(())
}
