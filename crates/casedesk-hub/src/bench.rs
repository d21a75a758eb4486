//! `casedesk-hub bench`: figures for the store a `--db` names, printed, never asserted.
//!
//! - Ingest: `devices` enrolled devices push at once, each its own chain in batches, through
//!   the store's push (the same checks and transaction as a served push; no HTTP, no TLS).
//! - Bulk: `bulk` more events written straight into the tables (PostgreSQL: `COPY`; SQLite:
//!   one transaction of prepared inserts), each in the feed of one station and of the
//!   association, as accepted pushes would leave them.
//! - Pull: the latency of feed pages (500 events, what a station asks for) of a station and of
//!   the association, at positions spread over their feeds: the store's page, its checkpoint
//!   signed and the answer's JSON written, as `GET /v1/pull` does (without HTTP and TLS).
//! - Memory: this process's resident set (VmRSS) and proportional set (Pss).

use std::sync::Arc;
use std::time::{Duration, Instant};

use casedesk_proto::sync::PushBatch;
use casedesk_proto::{Event, Hlc, ZERO_HASH};
use serde_json::json;
use uuid::Uuid;

use crate::error::{HubError, Result};
use crate::rules::check_batch;
use crate::secret;
use crate::store::any::AnyStore;
use crate::store::{Enrollment, HubStore, NewEnrollCode};
use crate::units::Unit;

#[derive(Clone, Debug)]
pub struct BenchOptions {
    pub devices: usize,
    pub events_per_device: usize,
    pub batch: usize,
    pub bulk: u64,
    pub pulls: usize,
}

/// The association of the benchmark and its stations.
pub const BENCH_ASSOCIATION: &str = "BENCH";

fn station_code(i: usize) -> String {
    format!("BENCH{i:02}")
}

/// A sealed chain of `n` events of `device` of `unit`: a case registration, then notes, a new
/// case every ten events.
pub fn chain(
    device: Uuid,
    unit: &str,
    first_seq: u64,
    n: usize,
    prev: casedesk_proto::EventHash,
) -> Vec<Event> {
    let mut out = Vec::with_capacity(n);
    let mut prev = prev;
    let mut stream = Uuid::now_v7();
    for i in 0..n {
        let seq = first_seq + i as u64;
        let (kind, payload) = if i % 10 == 0 {
            stream = Uuid::now_v7();
            (
                "case.registered",
                json!({"unit": unit, "case_type": "complaint",
                "complainants": [{"name": "才让卓玛", "phones": ["13997001234"]}],
                "facts": {"content": "购买的冰箱不制冷，商家拒绝退换"}}),
            )
        } else {
            ("case.note_added", json!({"text": format!("第{i}次联系，商家答复将于三日内上门检修")}))
        };
        let e = Event {
            id: Uuid::now_v7(),
            stream,
            device,
            seq,
            hlc: Hlc::new(1_760_000_000_000 + seq, 0),
            actor: None,
            unit: unit.to_owned(),
            kind: kind.into(),
            v: 1,
            payload,
            prev,
            hash: ZERO_HASH,
        }
        .seal();
        prev = e.hash;
        out.push(e);
    }
    out
}

/// Runs the benchmark on an empty database and prints the figures.
pub async fn run(store: Arc<AnyStore>, opts: &BenchOptions) -> Result<()> {
    println!("store: {}", store.backend().name());
    let mut units = vec![Unit {
        code: BENCH_ASSOCIATION.into(),
        name: "基准测试消协".into(),
        kind: "association".into(),
        parent: None,
    }];
    for i in 0..opts.devices.max(1) {
        units.push(Unit {
            code: station_code(i),
            name: format!("基准测试站{i}"),
            kind: "liaison_station".into(),
            parent: Some(BENCH_ASSOCIATION.into()),
        });
    }
    store.import_units(units).await?;
    let mut devices = Vec::new();
    for i in 0..opts.devices.max(1) {
        devices.push((Uuid::now_v7(), station_code(i)));
    }
    for (device, unit) in &devices {
        enroll(&store, *device, unit).await?;
    }

    // Ingest: every device pushes its chain, all at once.
    let chains: Vec<(Uuid, String, Vec<Event>)> = devices
        .iter()
        .map(|(d, u)| (*d, u.clone(), chain(*d, u, 1, opts.events_per_device, ZERO_HASH)))
        .collect();
    let total: usize = chains.iter().map(|c| c.2.len()).sum();
    let started = Instant::now();
    let mut tasks = Vec::new();
    for (device, unit, events) in chains {
        let store = Arc::clone(&store);
        let batch = opts.batch.max(1);
        tasks.push(tokio::spawn(async move {
            for part in events.chunks(batch) {
                let b = PushBatch { device, events: part.to_vec(), signature: None };
                let checked = tokio::task::spawn_blocking({
                    let unit = unit.clone();
                    move || check_batch(device, &unit, None, b)
                })
                .await
                .map_err(|e| HubError::Internal(e.to_string()))??;
                store.push(checked, crate::now_ms()).await?;
            }
            Ok::<(), HubError>(())
        }));
    }
    for t in tasks {
        t.await.map_err(|e| HubError::Internal(e.to_string()))??;
    }
    let secs = started.elapsed().as_secs_f64();
    println!(
        "ingest: {} devices at once, {total} events in batches of {}: {secs:.2} s, {:.0} events/s",
        devices.len(),
        opts.batch,
        total as f64 / secs
    );
    memory("after ingest");

    // Bulk: the rest of the events, straight into the tables.
    if opts.bulk > 0 {
        let started = Instant::now();
        let units: Vec<String> = devices.iter().map(|(_, u)| u.clone()).collect();
        match &*store {
            AnyStore::Postgres(pg) => pg.bulk_fill(opts.bulk, &units, BENCH_ASSOCIATION).await?,
            AnyStore::Sqlite(lite) => lite.bulk_fill(opts.bulk, &units, BENCH_ASSOCIATION).await?,
        }
        println!("bulk: {} events written in {:.1} s", opts.bulk, started.elapsed().as_secs_f64());
    }
    let counts = store.counts().await?;
    println!("held: {} events, {} feed rows", counts.events, counts.feed);

    // Pull latency: a reader device of a station and of the association.
    for unit in [station_code(0), BENCH_ASSOCIATION.to_owned()] {
        let reader = Uuid::now_v7();
        enroll(&store, reader, &unit).await?;
        let first = store.pull(reader, unit.clone(), 0, 1, None).await?;
        let end = {
            let last = store.pull(reader, unit.clone(), u64::MAX / 2, 1, None).await?;
            last.next
        };
        let mut times = Vec::new();
        let mut bytes = 0usize;
        let mut checkpoint = first.checkpoint;
        let mut previous = first.next;
        for i in 0..opts.pulls.max(1) {
            let after =
                first.next + (end.saturating_sub(first.next)) * i as u64 / opts.pulls.max(1) as u64;
            // What `GET /v1/pull` does without HTTP and TLS: the store's page (its checkpoint
            // checked when the cursor is the last page's), the checkpoint signed, the JSON
            // written.
            let check = if after == previous { checkpoint } else { None };
            let started = Instant::now();
            let page = store.pull_raw(reader, unit.clone(), after, 500, check).await?;
            let body = page.signed_json(&unit, store.signing_key());
            times.push(started.elapsed());
            bytes += body.len();
            previous = page.next;
            checkpoint = page.checkpoint;
            std::hint::black_box(body);
        }
        times.sort();
        let at = |q: f64| times[((times.len() - 1) as f64 * q) as usize];
        println!(
            "pull {unit}: {} pages of 500 over a feed ending at {end} ({} KB of JSON a page): \
             p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
            times.len(),
            bytes / times.len() / 1024,
            ms(at(0.5)),
            ms(at(0.99)),
            ms(at(1.0))
        );
    }
    memory("at the end");
    Ok(())
}

async fn enroll(store: &AnyStore, device: Uuid, unit: &str) -> Result<()> {
    let code = secret::random_secret();
    let now = crate::now_ms();
    store
        .create_enroll_code(NewEnrollCode {
            unit: unit.into(),
            secret_sha256: secret::sha256_hex(&code),
            created_ms: now,
            expires_ms: now + 3_600_000,
            device: None,
        })
        .await?;
    store
        .enroll(Enrollment {
            secret_sha256: secret::sha256_hex(&code),
            device,
            unit: unit.into(),
            device_name: "bench".into(),
            app_version: "bench".into(),
            token_sha256: secret::sha256_hex(&secret::random_secret()),
            device_code: String::new(),
            sign_key: None,
            now_ms: now,
        })
        .await?;
    Ok(())
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Prints this process's VmRSS and Pss (Linux).
pub fn memory(when: &str) {
    let field = |file: &str, name: &str| -> Option<String> {
        let text = std::fs::read_to_string(file).ok()?;
        let line = text.lines().find(|l| l.starts_with(name))?;
        Some(line[name.len()..].trim().to_owned())
    };
    println!(
        "memory {when}: VmRSS {} (peak {}), Pss {}",
        field("/proc/self/status", "VmRSS:").unwrap_or_else(|| "?".into()),
        field("/proc/self/status", "VmHWM:").unwrap_or_else(|| "?".into()),
        field("/proc/self/smaps_rollup", "Pss:").unwrap_or_else(|| "?".into())
    );
}
