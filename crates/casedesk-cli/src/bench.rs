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
    println!("CaseDesk benchmarks (medians; each beside its baseline from the same run)");
    register_bench(&dir, args.registrations, "FULL")?;
    register_bench(&dir, args.registrations, "NORMAL")?;
    for &n in &args.cases {
        query_bench(&dir, n, args.reps)?;
    }
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
        casedesk_demo::generate(&mut store, &opts, &mut |_| {})?;
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
    let baseline_page = time_baseline(reps, || store.baseline_rowid_page())?;
    println!("  baseline: 50 rowids in table order                   {baseline_page:.3} ms");
    for (name, q) in lists {
        let (t, rows) = time_query(&store, &q, reps)?;
        println!("  list {name:<30} {t:>8.3} ms  ({rows} rows)");
    }
    Ok(())
}
