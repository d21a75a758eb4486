//! `casedesk bench`: figures for the store's hot paths, each printed beside a baseline measured
//! in the same run on the same disk (these machines are noisy, so ratios matter more than
//! absolute times). Nothing here asserts a time.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use casedesk_domain::event::{CaseRegistered, Complainant, Consents, Facts, Respondent};
use casedesk_domain::types::{
    CaseType, Channel, Language, Mode, RequestKind, RespondentKind, Status, UnitKind,
};
use casedesk_store::bench::BareTable;
use casedesk_store::query::{ListQuery, Sort};
use casedesk_store::{StationInit, Store, StoreError};
use clap::Args;

use crate::{CmdResult, Ctx, Failure};

#[derive(Args)]
pub struct BenchArgs {
    /// Database sizes (cases) for the search and list figures, comma-separated.
    #[arg(long, default_value = "100000", value_delimiter = ',')]
    cases: Vec<u64>,
    /// Registrations timed one by one for the write figure.
    #[arg(long, default_value_t = 2000)]
    registrations: usize,
    /// Folder for the generated databases (kept and reused between runs); a temporary folder
    /// if not given.
    #[arg(long)]
    dir: Option<PathBuf>,
    /// Timed repetitions of each query.
    #[arg(long, default_value_t = 30)]
    reps: usize,
    /// Only the documents' figures: the first document after start, warm documents, the size
    /// of a one-page form, the 受理台账 of `--ledger-cases` cases.
    #[arg(long)]
    docs: bool,
    /// Cases in the 受理台账 of the documents' figures.
    #[arg(long, default_value_t = 10_000)]
    ledger_cases: u64,
    /// Only the statistics' figures, at an association's desk (海西州消费者协会) holding
    /// `--cases` demonstration cases: the time to generate them, then a year's report beside a
    /// plain scan of the same rows, the hot spots and the supervision.
    #[arg(long)]
    report: bool,
    /// Cases registered per transaction when generating demonstration data.
    #[arg(long, default_value_t = 2000)]
    batch: usize,
    /// Only the registration figures, with where a registration's time goes step by step
    /// (validation, event encoding, chain, compression, each projection, the search index,
    /// the commit), at synchronous=NORMAL and FULL.
    #[arg(long)]
    breakdown: bool,
    /// With `--breakdown`: the `synchronous` modes to run, comma-separated.
    #[arg(long, default_value = "NORMAL,FULL", value_delimiter = ',')]
    synchronous: Vec<String>,
    /// With `--breakdown`: an SQLite setting for both the store and the baseline, as
    /// NAME=VALUE (`page_size`, `cache_size`, `temp_store`, `wal_autocheckpoint`, ...);
    /// repeatable. To measure a setting against the same run's baseline.
    #[arg(long = "setting")]
    settings: Vec<String>,
}

fn station() -> StationInit {
    StationInit {
        unit: "HX0201".into(),
        unit_name: "德令哈市消费者投诉联络站".into(),
        unit_kind: UnitKind::LiaisonStation,
        parent: Some("HX02".into()),
        admin_code: "632802".into(),
        device_code: "B1".into(),
        device_name: "bench".into(),
        founder: "测试站长".into(),
        founder_secret: None,
    }
}

/// A complaint like the ones clerks register, varied so that the search index grows as in use.
fn registration(i: usize, now: chrono::DateTime<chrono::Utc>) -> CaseRegistered {
    const NAMES: [&str; 8] =
        ["才让卓玛", "巴特尔", "王秀兰", "扎西多杰", "其其格", "李建国", "马海燕", "索南"];
    const GOODS: [(&str, &str, &str); 4] = [
        (
            "CCA-G01-01",
            "德令哈市鑫达手机店",
            "购买的手机使用一周后屏幕黑屏，商家以人为损坏为由拒绝保修。",
        ),
        (
            "CCA-G10",
            "乌兰县丰源饲料店",
            "购买的育肥饲料喂食后羊只腹泻，怀疑饲料霉变，要求赔偿损失。",
        ),
        (
            "CCA-S12",
            "格尔木市热力公司",
            "入冬以来室内温度长期低于十六度，多次反映未解决，要求退还部分供暖费。",
        ),
        ("CCA-S07-01", "某网络购物平台", "网购羽绒服与描述不符，申请退货被拒，客服不予处理。"),
    ];
    let (cat, resp, facts) = GOODS[i % GOODS.len()];
    CaseRegistered {
        case_no: String::new(),
        case_type: CaseType::Complaint,
        mode: Mode::Own,
        received_at: now,
        channel: Channel::Visit,
        unit: String::new(),
        staff: None,
        roving_session: None,
        complainants: vec![Complainant {
            name: NAMES[i % NAMES.len()].into(),
            id_type: None,
            id_number: None,
            phones: vec![format!("139{:08}", 9_770_000 + i)],
            contact_person: String::new(),
            address: format!("德令哈市长江路{}号", i % 300 + 1),
            village: String::new(),
            language: Language::Zh,
            representative: false,
            consents: Consents { personal_info: true, ..Default::default() },
        }],
        collective: None,
        respondents: vec![Respondent {
            name: resp.into(),
            kind: RespondentKind::Enterprise,
            uscc: None,
            legacy_reg_no: None,
            address: String::new(),
            contact: String::new(),
            phone: String::new(),
        }],
        category: Some(cat.into()),
        nature: Some("CCA-N02".into()),
        facts: Facts {
            occurred_on: None,
            place: String::new(),
            content: format!("{facts}（{i}）"),
            amount_fen: Some(129_900),
        },
        requests: vec![RequestKind::Refund],
        request_text: String::new(),
        claim_fen: Some(129_900),
    }
}

/// CPU time of this process so far (user + system, all threads), in ms: on a machine shared
/// with other builds, wall time alone says more about the neighbours than about the code.
fn cpu_ms() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // The fields after the command name (which may hold spaces) start after the last ')'.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<f64> = rest.split_whitespace().filter_map(|x| x.parse().ok()).collect();
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name and state.
    match (f.get(10), f.get(11)) {
        (Some(u), Some(s)) => (u + s) * 10.0,
        _ => f64::NAN,
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn percentile(v: &mut [f64], p: f64) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    let i = ((v.len() as f64 - 1.0) * p).round() as usize;
    v.get(i).copied().unwrap_or(f64::NAN)
}

pub fn run(_ctx: &Ctx, args: BenchArgs) -> CmdResult {
    let tmp = tempfile::tempdir()?;
    let dir = args.dir.clone().unwrap_or_else(|| tmp.path().to_owned());
    std::fs::create_dir_all(&dir)?;
    if args.docs {
        return docs_bench(&dir, args.ledger_cases);
    }
    if args.report {
        println!(
            "CaseDesk statistics benchmark (medians; each beside its baseline from the same run)"
        );
        for &n in &args.cases {
            association_bench(&dir, n, args.batch, args.reps)?;
        }
        return Ok(());
    }
    if args.breakdown {
        println!("CaseDesk registration benchmark with its breakdown (each beside its baseline)");
        let mut settings = Vec::new();
        for s in &args.settings {
            let Some((k, v)) = s.split_once('=') else {
                return Err(crate::cases::bad("setting", "unknown_code", s));
            };
            settings.push((k.trim().to_owned(), v.trim().to_owned()));
        }
        for sync in &args.synchronous {
            register_breakdown(&dir, args.registrations, &sync.to_ascii_uppercase(), &settings)?;
        }
        return Ok(());
    }
    println!("CaseDesk benchmarks (medians; each beside its baseline from the same run)");
    register_bench(&dir, args.registrations, "FULL")?;
    register_bench(&dir, args.registrations, "NORMAL")?;
    for &n in &args.cases {
        query_bench(&dir, n, args.reps)?;
    }
    if let Some(&n) = args.cases.first() {
        crypt_bench(&dir, args.registrations, n, args.reps)?;
    }
    Ok(())
}

/// The cost of encryption at rest: registering into an encrypted (SQLCipher) and a plain store,
/// interleaved, and the same searches and lists on the `n`-case database and on an encrypted
/// copy of it (made by the store's own plain-to-encrypted migration).
fn crypt_bench(dir: &Path, regs: usize, n: u64, reps: usize) -> Result<(), Failure> {
    let key = casedesk_store::DbKey::from_bytes(rand::random());
    let plain_path = dir.join("bench-crypt-plain.db");
    let enc_path = dir.join("bench-crypt-enc.db");
    for p in [&plain_path, &enc_path] {
        casedesk_store::crypt::remove_db_files(p)?;
    }
    println!("\nencryption at rest (SQLCipher, AES-256 pages) against the plain store, same run");
    for sync in ["FULL", "NORMAL"] {
        for p in [&plain_path, &enc_path] {
            casedesk_store::crypt::remove_db_files(p)?;
        }
        let mut plain = Store::open(&plain_path)?;
        let mut enc = Store::open_encrypted(&enc_path, &key, None)?;
        // Each writes as its founder, whose roles are checked like anyone's (no password).
        let mut founders = Vec::with_capacity(2);
        for s in [&mut plain, &mut enc] {
            founders.push(s.init_station(station())?.founder);
            s.set_synchronous(sync)?;
        }
        let (me_plain, me_enc) = (founders[0], founders[1]);
        let now = plain.now();
        let (mut t_plain, mut t_enc) = (Vec::with_capacity(regs), Vec::with_capacity(regs));
        for i in 0..regs {
            // Alternating which goes first, so neither always follows the other's fsync.
            for first in [i % 2 == 0, i % 2 != 0] {
                let (s, me, times) = if first {
                    (&mut plain, &me_plain, &mut t_plain)
                } else {
                    (&mut enc, &me_enc, &mut t_enc)
                };
                let t = Instant::now();
                s.register_case(me, registration(i, now))?;
                times.push(ms(t.elapsed()));
            }
        }
        let (p50, e50) = (percentile(&mut t_plain, 0.5), percentile(&mut t_enc, 0.5));
        let (p95, e95) = (percentile(&mut t_plain, 0.95), percentile(&mut t_enc, 0.95));
        println!("  register ({regs} one by one, synchronous={sync})");
        println!("    plain      median {p50:.3} ms   p95 {p95:.3} ms");
        println!("    encrypted  median {e50:.3} ms   p95 {e95:.3} ms");
        println!("    ratio (median)  {:.2}x", e50 / p50);
    }

    // The n-case database of `query_bench`, and an encrypted copy of it.
    let src = dir.join(format!("bench-{n}.db"));
    let copy = dir.join(format!("bench-{n}-enc.db"));
    casedesk_store::crypt::remove_db_files(&copy)?;
    {
        let s = Store::open(&src)?;
        s.checkpoint()?;
    }
    std::fs::copy(&src, &copy)?;
    let t = Instant::now();
    let enc = Store::open_encrypted(&copy, &key, None)?;
    println!(
        "  encrypting the {n}-case database on first open: {:.1} s",
        t.elapsed().as_secs_f64()
    );
    let plain = Store::open(&src)?;
    let page = |text: Option<&str>| ListQuery {
        text: text.map(str::to_owned),
        limit: 50,
        ..Default::default()
    };
    let queries: Vec<(String, ListQuery)> = ["饲料", "手机", "德令哈市", "不存在的词语组合"]
        .iter()
        .map(|s| (format!("search \"{s}\""), page(Some(s))))
        .chain([
            ("list newest first".to_owned(), ListQuery { limit: 50, ..Default::default() }),
            (
                "list status=mediating".to_owned(),
                ListQuery { status: vec![Status::Mediating], limit: 50, ..Default::default() },
            ),
        ])
        .collect();
    let mut ratios = Vec::new();
    println!("  at {n} cases: plain / encrypted first page (medians)");
    for (name, q) in &queries {
        // Interleaved in rounds so that both see the same machine.
        let (mut a, mut b) = (Vec::new(), Vec::new());
        for _ in 0..3 {
            a.push(time_query(&plain, q, reps / 3 + 1)?.0);
            b.push(time_query(&enc, q, reps / 3 + 1)?.0);
        }
        let (pa, pb) = (percentile(&mut a, 0.5), percentile(&mut b, 0.5));
        ratios.push(pb / pa);
        println!("    {name:<28} {pa:>8.3} ms  {pb:>8.3} ms   {:.2}x", pb / pa);
    }
    let geo = (ratios.iter().map(|r| r.ln()).sum::<f64>() / ratios.len() as f64).exp();
    println!("    geometric mean ratio         {geo:.2}x");
    drop(enc);
    casedesk_store::crypt::remove_db_files(&copy)?;
    Ok(())
}

/// Registering a complaint (validation, event, chain, projections, search index) against a
/// bare INSERT of the same registration JSON into a one-table database, each in its own
/// transaction with the same durability settings, interleaved.
fn register_bench(dir: &Path, n: usize, synchronous: &str) -> Result<(), Failure> {
    let store_path = dir.join("bench-register.db");
    let bare_path = dir.join("bench-bare.db");
    for p in [&store_path, &bare_path] {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", p.display()));
        }
    }
    let mut store = Store::open(&store_path)?;
    // The bench writes as the founder, whose roles are checked like anyone's (no password).
    let me = store.init_station(station())?.founder;
    store.set_synchronous(synchronous)?;
    let now = store.now();
    let regs = (0..n).map(|i| registration(i, now)).collect::<Vec<_>>();
    let bare = BareTable::create(&bare_path, synchronous)?;
    let mut t_store = Vec::with_capacity(n);
    let mut t_bare = Vec::with_capacity(n);
    for reg in regs {
        let json = serde_json::to_string(&reg).map_err(StoreError::from)?;
        let t = Instant::now();
        bare.insert(&json)?;
        t_bare.push(ms(t.elapsed()));
        let t = Instant::now();
        store.register_case(&me, reg)?;
        t_store.push(ms(t.elapsed()));
    }
    let (s50, s95) = (percentile(&mut t_store, 0.5), percentile(&mut t_store, 0.95));
    let (b50, b95) = (percentile(&mut t_bare, 0.5), percentile(&mut t_bare, 0.95));
    let why = if synchronous == "FULL" {
        "what CaseDesk uses: every commit waits for the disk"
    } else {
        "for comparison: commits survive a crash of the program, not a power cut"
    };
    println!("\nregister a complaint ({n} one by one, WAL + synchronous={synchronous}; {why})");
    println!("  casedesk register_case   median {s50:.3} ms   p95 {s95:.3} ms");
    println!("  baseline bare INSERT     median {b50:.3} ms   p95 {b95:.3} ms");
    println!("  ratio (median)           {:.2}x", s50 / b50);
    Ok(())
}

/// `register_bench` with the time of each step of a registration recorded (see
/// `casedesk_store::bench::phases`): means per registration, beside the bare INSERT's mean.
fn register_breakdown(
    dir: &Path,
    n: usize,
    synchronous: &str,
    settings: &[(String, String)],
) -> Result<(), Failure> {
    use casedesk_store::bench::phases::Breakdown;
    let store_path = dir.join("bench-register.db");
    let bare_path = dir.join("bench-bare.db");
    for p in [&store_path, &bare_path] {
        casedesk_store::crypt::remove_db_files(p)?;
    }
    let mut store = Store::open(&store_path)?;
    let me = store.init_station(station())?.founder;
    store.set_synchronous(synchronous)?;
    let now = store.now();
    let regs = (0..n).map(|i| registration(i, now)).collect::<Vec<_>>();
    let bare = BareTable::create(&bare_path, synchronous)?;
    for (k, v) in settings {
        store.bench_setting(k, v)?;
        bare.setting(k, v)?;
    }
    if !settings.is_empty() {
        let shown: Vec<String> = settings.iter().map(|(k, v)| format!("{k}={v}")).collect();
        println!("\n(settings for both: {})", shown.join(", "));
    }
    let (mut t_store, mut t_bare) = (Vec::with_capacity(n), Vec::with_capacity(n));
    // Per step, its time in each registration (steps in the order first seen).
    let mut steps: Vec<(&'static str, Vec<f64>)> = Vec::new();
    let rec = Breakdown::start();
    for reg in regs {
        let json = serde_json::to_string(&reg).map_err(StoreError::from)?;
        let t = Instant::now();
        bare.insert(&json)?;
        t_bare.push(ms(t.elapsed()));
        rec.take();
        let t = Instant::now();
        store.register_case(&me, reg)?;
        t_store.push(ms(t.elapsed()));
        for (step, d) in rec.take() {
            match steps.iter_mut().find(|(s, _)| *s == step) {
                Some((_, v)) => v.push(ms(d)),
                None => steps.push((step, vec![ms(d)])),
            }
        }
    }
    drop(rec);
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len().max(1) as f64;
    let (s_mean, b_mean) = (mean(&t_store), mean(&t_bare));
    let (s50, b50) = (percentile(&mut t_store, 0.5), percentile(&mut t_bare, 0.5));
    println!("\nregister a complaint ({n} one by one, WAL + synchronous={synchronous})");
    println!("  casedesk register_case   median {s50:.4} ms   mean {s_mean:.4} ms");
    println!("  baseline bare INSERT     median {b50:.4} ms   mean {b_mean:.4} ms");
    println!("  ratio                    median {:.2}x   mean {:.2}x", s50 / b50, s_mean / b_mean);
    println!(
        "  where a registration's time goes (per registration: median, mean; x = median in median bare INSERTs)"
    );
    let mut total = (0.0, 0.0);
    for (step, v) in &mut steps {
        let m = mean(v);
        let p = percentile(v, 0.5);
        total = (total.0 + p, total.1 + m);
        println!("    {step:<42} {p:>8.4} ms {m:>8.4} ms  {:>6.2}x", p / b50);
    }
    println!("    {:<42} {:>8.4} ms {:>8.4} ms", "sum of the steps", total.0, total.1);

    // Pages each commit writes: the growth of the write-ahead logs over `k` more writes, with
    // checkpoints off (the log then only grows), in frames of a page and a 24-byte header.
    let k = 200.min(n.max(1));
    store.checkpoint()?;
    bare.checkpoint()?;
    store.set_wal_autocheckpoint(0)?;
    bare.set_wal_autocheckpoint(0)?;
    let wal_len =
        |p: &Path| std::fs::metadata(format!("{}-wal", p.display())).map(|m| m.len()).unwrap_or(0);
    let (s0, b0) = (wal_len(&store_path), wal_len(&bare_path));
    for i in 0..k {
        let reg = registration(n + i, now);
        bare.insert(&serde_json::to_string(&reg).map_err(StoreError::from)?)?;
        store.register_case(&me, reg)?;
    }
    let frame = (store.page_size()? + 24) as f64;
    let pages = |a: u64, b: u64| (b.saturating_sub(a)) as f64 / frame / k as f64;
    println!(
        "  pages written per commit   casedesk {:.1}   bare INSERT {:.1}   (page {} bytes)",
        pages(s0, wal_len(&store_path)),
        pages(b0, wal_len(&bare_path)),
        store.page_size()?
    );
    // Whose pages they are: the page number of each frame the registrations appended.
    let owners = store.page_owners()?;
    if !owners.is_empty()
        && let Ok(wal) = std::fs::read(format!("{}-wal", store_path.display()))
    {
        let frame = frame as usize;
        let mut by: Vec<(String, usize)> = Vec::new();
        let mut off = s0.max(32) as usize;
        while off + frame <= wal.len() {
            let pgno = u32::from_be_bytes([wal[off], wal[off + 1], wal[off + 2], wal[off + 3]]);
            let name = owners.get(&pgno).cloned().unwrap_or_else(|| "(freed)".into());
            match by.iter_mut().find(|(n, _)| *n == name) {
                Some((_, c)) => *c += 1,
                None => by.push((name, 1)),
            }
            off += frame;
        }
        by.sort_by_key(|x| std::cmp::Reverse(x.1));
        let parts: Vec<String> =
            by.iter().map(|(n, c)| format!("{n} {:.1}", *c as f64 / k as f64)).collect();
        println!("  of which                  {}", parts.join(", "));
    }
    Ok(())
}

fn time_query(store: &Store, q: &ListQuery, reps: usize) -> Result<(f64, usize), Failure> {
    let mut times = Vec::with_capacity(reps);
    let mut rows = 0;
    for i in 0..reps + 3 {
        let t = Instant::now();
        let page = store.list(q)?;
        let el = ms(t.elapsed());
        rows = page.rows.len();
        if i >= 3 {
            times.push(el);
        }
    }
    Ok((percentile(&mut times, 0.5), rows))
}

/// Median time of `f` over `reps` runs, after three warm-up runs.
fn time_baseline(
    reps: usize,
    mut f: impl FnMut() -> Result<usize, StoreError>,
) -> Result<f64, Failure> {
    let mut times = Vec::with_capacity(reps);
    for i in 0..reps + 3 {
        let t = Instant::now();
        std::hint::black_box(f()?);
        let el = ms(t.elapsed());
        if i >= 3 {
            times.push(el);
        }
    }
    Ok(percentile(&mut times, 0.5))
}

fn query_bench(dir: &Path, n: u64, reps: usize) -> Result<(), Failure> {
    let path = dir.join(format!("bench-{n}.db"));
    let mut store = Store::open(&path)?;
    if store.station().is_none() {
        store.init_station(station())?;
    }
    let have = store.count(&ListQuery { limit: 500, ..Default::default() }).unwrap_or(0);
    if have < n {
        let t = Instant::now();
        let opts = casedesk_demo::DemoOptions {
            cases: n - have,
            seed: 42 + have,
            end: store.now(),
            batch: 2000,
        };
        casedesk_demo::generate(&mut store, &opts, &mut |done| {
            if done % 100_000 == 0 {
                eprintln!("  ({done} cases, {:.0} s)", t.elapsed().as_secs_f64());
            }
        })?;
        println!("\n(generated {} demo cases in {:.1} s)", n - have, t.elapsed().as_secs_f64());
    }
    store.checkpoint()?;
    let stats = store.size_stats()?;
    let (cases, events, bytes) = (stats.cases as f64, stats.events as f64, stats.bytes as f64);
    println!(
        "\nat {} cases ({} events, {:.1} events per case)",
        stats.cases,
        stats.events,
        events / cases
    );
    println!(
        "  database size            {:.1} MB, {:.0} bytes per case",
        bytes / 1e6,
        bytes / cases
    );
    if !stats.largest.is_empty() {
        let parts: Vec<String> =
            stats.largest.iter().map(|(n, b)| format!("{n} {:.0}", *b as f64 / cases)).collect();
        println!("  bytes per case by table  {}", parts.join(", "));
    }

    let page = |text: Option<&str>| ListQuery {
        text: text.map(str::to_owned),
        limit: 50,
        ..Default::default()
    };
    let searches = ["三包有效期", "饲料", "手机", "德令哈市", "不存在的词语组合"];
    let baseline_pk = time_baseline(reps, || store.baseline_case_by_no("HX0201-2026-B1-00001"))?;
    println!("  baseline: one case by number (primary-key lookup)   {baseline_pk:.3} ms");
    for s in searches {
        let (t, rows) = time_query(&store, &page(Some(s)), reps)?;
        println!("  search {:<10} first page {t:>8.3} ms  ({rows} rows)", format!("\"{s}\""));
    }
    let scan = time_baseline(reps.min(5), || store.baseline_text_scan("屏幕黑屏"))?;
    println!("  baseline: full LIKE scan of all case text            {scan:.3} ms");
    let lists: [(&str, ListQuery); 4] = [
        ("newest first, no filter", ListQuery { limit: 50, ..Default::default() }),
        (
            "status=mediating",
            ListQuery { status: vec![Status::Mediating], limit: 50, ..Default::default() },
        ),
        (
            "overdue, by deadline",
            ListQuery { overdue: true, sort: Sort::Deadline, limit: 50, ..Default::default() },
        ),
        (
            "category CCA-G01 + collective",
            ListQuery {
                category: Some("CCA-G01".into()),
                collective: Some(true),
                limit: 50,
                ..Default::default()
            },
        ),
    ];
    report_bench(&store, reps)?;
    let baseline_page = time_baseline(reps, || store.baseline_rowid_page())?;
    println!("  baseline: 50 rowids in table order                   {baseline_page:.3} ms");
    for (name, q) in lists {
        let (t, rows) = time_query(&store, &q, reps)?;
        println!("  list {name:<30} {t:>8.3} ms  ({rows} rows)");
    }
    Ok(())
}

/// The statistics at an association's desk of `n` cases (generated in transactions of `batch`
/// cases if the database in `dir` holds fewer).
fn association_bench(dir: &Path, n: u64, batch: usize, reps: usize) -> Result<(), Failure> {
    let path = dir.join(format!("bench-association-{n}.db"));
    let mut store = Store::open(&path)?;
    if store.station().is_none() {
        store.init_station(StationInit {
            unit: "HX".into(),
            unit_name: "海西州消费者协会".into(),
            unit_kind: UnitKind::Association,
            parent: None,
            admin_code: "632800".into(),
            ..station()
        })?;
    }
    let have = store.count(&ListQuery { limit: 500, ..Default::default() }).unwrap_or(0);
    if have < n {
        let t = Instant::now();
        let cpu = cpu_ms();
        let opts = casedesk_demo::DemoOptions {
            cases: n - have,
            seed: 42 + have,
            end: store.now(),
            batch: batch.max(1),
        };
        let summary = casedesk_demo::generate(&mut store, &opts, &mut |done| {
            if done % 100_000 == 0 {
                eprintln!("  ({done} cases, {:.0} s)", t.elapsed().as_secs_f64());
            }
        })?;
        let secs = t.elapsed().as_secs_f64();
        println!(
            "\ngenerated {} demo cases ({} events) in {secs:.1} s wall, {:.1} s CPU: {:.0} cases/s (transactions of {batch} cases)",
            summary.cases,
            summary.events,
            (cpu_ms() - cpu) / 1000.0,
            summary.cases as f64 / secs
        );
    }
    store.checkpoint()?;
    let stats = store.size_stats()?;
    println!(
        "\nat {} cases ({} events), database {:.1} MB",
        stats.cases,
        stats.events,
        stats.bytes as f64 / 1e6
    );
    report_bench(&store, reps)
}

/// The documents' figures. The first document after start reads and indexes the fonts and
/// builds typst's library; warm documents reuse both (and typst's caches, so the same
/// document again costs almost nothing: the figure that matters is a different case each
/// time).
fn docs_bench(dir: &Path, ledger_cases: u64) -> Result<(), Failure> {
    use casedesk_docs::DocRequest;
    use casedesk_domain::event::CaseEvent;
    use casedesk_domain::types::DocKind;
    println!("CaseDesk document figures (medians of warm runs; nothing here asserts a time)");
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!(
        "  (load average {}, {} cores)",
        load.split_whitespace().next().unwrap_or("?"),
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    let path = dir.join("bench-docs.db");
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    let mut store = Store::open(&path)?;
    let me = store.init_station(station())?.founder;
    let cases = casedesk_docs::sample::populate(&mut store)?;
    let acceptance = DocRequest::new(DocKind::Acceptance);

    let t = Instant::now();
    let first = casedesk_docs::preview(&store, cases.mediated, &acceptance)?;
    let first_pdf = first.pdf()?;
    println!(
        "  first document after start (受理通知书, fonts read and indexed)   {:.0} ms",
        ms(t.elapsed())
    );
    let mut same = Vec::new();
    for _ in 0..20 {
        let t = Instant::now();
        casedesk_docs::preview(&store, cases.mediated, &acceptance)?.pdf()?;
        same.push(ms(t.elapsed()));
    }
    println!(
        "  warm, the same document again (typst's caches hit)             {:.1} ms",
        percentile(&mut same, 0.5)
    );

    // A different case each time: new content to lay out.
    let now = store.now();
    let mut ids = Vec::new();
    for i in 0..30 {
        let id = store.register_case(&me, registration(i, now - chrono::Duration::hours(2)))?.id;
        store.act(
            id,
            &me,
            CaseEvent::Accepted { at: now - chrono::Duration::hours(1), note: String::new() },
        )?;
        ids.push(id);
    }
    let mut warm = Vec::new();
    let mut reg = Vec::new();
    for id in &ids {
        let t = Instant::now();
        casedesk_docs::preview(&store, *id, &acceptance)?.pdf()?;
        warm.push(ms(t.elapsed()));
        let t = Instant::now();
        casedesk_docs::preview(&store, *id, &DocRequest::new(DocKind::Registration))?.pdf()?;
        reg.push(ms(t.elapsed()));
    }
    println!(
        "  warm, a different case each time: 受理通知书 (1 page)             {:.1} ms",
        percentile(&mut warm, 0.5)
    );
    println!(
        "  warm, a different case each time: 投诉登记表 (boxed form)         {:.1} ms",
        percentile(&mut reg, 0.5)
    );
    let t = Instant::now();
    casedesk_docs::issue(&mut store, None, ids[0], &me, &acceptance)?;
    println!(
        "  issue (render, blob written and fsynced, event)                  {:.1} ms",
        ms(t.elapsed())
    );
    let reg_pdf =
        casedesk_docs::preview(&store, cases.mediated, &DocRequest::new(DocKind::Registration))?;
    println!(
        "  PDF size: 受理通知书 {} page(s) {:.0} KB; 投诉登记表 {} page(s) {:.0} KB (fonts embedded, subset)",
        first.typeset.page_count(),
        first_pdf.len() as f64 / 1024.0,
        reg_pdf.typeset.page_count(),
        reg_pdf.pdf()?.len() as f64 / 1024.0
    );

    // The 受理台账 of a large unit.
    let lpath = dir.join(format!("bench-ledger-{ledger_cases}.db"));
    let mut lstore = Store::open(&lpath)?;
    if lstore.station().is_none() {
        lstore.init_station(station())?;
    }
    let have = lstore.count(&ListQuery { limit: 500, ..Default::default() }).unwrap_or(0);
    // About one demo case in nine is a consultation, report or suggestion: make enough for
    // `ledger_cases` complaints.
    let want = ledger_cases + ledger_cases / 6;
    if have < want {
        let opts = casedesk_demo::DemoOptions {
            cases: want - have,
            seed: 7,
            end: lstore.now(),
            batch: 2000,
        };
        casedesk_demo::generate(&mut lstore, &opts, &mut |_| {})?;
    }
    let from = chrono::NaiveDate::from_ymd_opt(2000, 1, 1).unwrap_or_default();
    let to = casedesk_domain::deadline::local_date(lstore.now());
    let t = Instant::now();
    let mut ledger = casedesk_docs::ledger::ledger(&lstore, from, to)?;
    ledger.rows.truncate(ledger_cases as usize);
    let t_rows = ms(t.elapsed());
    let (t, cpu) = (Instant::now(), cpu_ms());
    let typeset = ledger.typeset()?;
    let t_layout = ms(t.elapsed());
    let pdf = typeset.pdf()?;
    let t_pdf = ms(t.elapsed());
    let cpu_pdf = cpu_ms() - cpu;
    let t = Instant::now();
    let xlsx = ledger.xlsx()?;
    let t_xlsx = ms(t.elapsed());
    println!(
        "  受理台账 of {} complaints: rows {:.0} ms, PDF {:.0} ms (CPU {:.0} ms; layout {:.0} ms; {} pages, {:.1} MB), xlsx {:.0} ms ({:.1} MB)",
        ledger.rows.len(),
        t_rows,
        t_pdf,
        cpu_pdf,
        t_layout,
        typeset.page_count(),
        pdf.len() as f64 / 1e6,
        t_xlsx,
        xlsx.len() as f64 / 1e6
    );
    Ok(())
}

/// A year's report (the year of the newest case, with 同比 and 环比: the rows of two years are
/// read) beside a plain scan of the same rows by SQLite alone, then the hot spots and the
/// supervision table.
fn report_bench(store: &Store, reps: usize) -> Result<(), Failure> {
    use casedesk_report::Period;
    let year = casedesk_domain::deadline::local_date(store.now()).format("%Y").to_string();
    let period = Period::parse(&year).map_err(casedesk_report::ReportError::into_store)?;
    let (from, to) = (period.year_before().start(), period.end());
    let reps = reps.clamp(1, 7);
    let mut rows = 0;
    let scan = time_baseline(reps, || {
        let (n, _) = store.baseline_stat_scan(from, to)?;
        rows = n;
        Ok(n as usize)
    })?;
    let mut accepted = 0;
    let report = time_baseline(reps, || {
        let r = casedesk_report::report(store, None, &period).map_err(|e| e.into_store())?;
        accepted = r.total.accepted;
        Ok(r.rows.len())
    })?;
    println!(
        "  report of {year} with 同比/环比 ({rows} rows read, {accepted} accepted)  {report:>8.1} ms"
    );
    println!("  baseline: plain scan of the same rows in SQLite       {scan:>8.1} ms");
    println!("  ratio report / plain scan                             {:>8.2}", report / scan);
    let hot = time_baseline(reps.min(3), || {
        let p = casedesk_report::hotspots::Params::default();
        let h = casedesk_report::hotspots::hot_spots(store, None, 12, &p)
            .map_err(|e| e.into_store())?;
        Ok(h.alerts.len())
    })?;
    println!("  hot spots, 12 weeks                                   {hot:>8.1} ms");
    let q = Period::parse(&format!("{year}-Q3")).map_err(|e| e.into_store())?;
    let sup = time_baseline(reps.min(3), || {
        let s = casedesk_report::supervision::supervision(store, None, &q)
            .map_err(|e| e.into_store())?;
        Ok(s.rows.len())
    })?;
    println!("  supervision of {year}-Q3                               {sup:>8.1} ms");
    Ok(())
}
