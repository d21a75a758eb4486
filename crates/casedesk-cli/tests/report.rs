//! `casedesk report` gives the library's figures, as JSON and in the xlsx it writes (read back
//! with calamine), on a station filled with demonstration data.

use std::process::Command;

use calamine::{Data, Reader, Xlsx};

const HEAD: &str = "马站长";

fn casedesk(db: &std::path::Path, args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_casedesk"))
        .arg("--db")
        .arg(db)
        .args(["--lang", "zh"])
        // Every command runs as a named staff member: the head that `init --staff` makes.
        .env("CASEDESK_AS", HEAD)
        .env("CASEDESK_PASSWORD", "qinghai-lake-2026")
        .env_remove("CASEDESK_NEW_PASSWORD")
        .args(args)
        .output()
        .expect("runs casedesk");
    assert!(out.status.success(), "casedesk {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("utf-8")
}

#[test]
fn the_cli_the_xlsx_and_the_library_agree() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("st.db");
    casedesk(
        &db,
        &[
            "init",
            "--unit",
            "HX0201",
            "--unit-name",
            "德令哈市消费者投诉联络站",
            "--parent",
            "HX02",
            // Plain, so that the test reads the same file with the library.
            "--unencrypted",
            "--staff",
            HEAD,
        ],
    );
    casedesk(&db, &["demo", "--cases", "300", "--seed", "5"]);
    let year = chrono::Utc::now().format("%Y").to_string();
    let xlsx = dir.path().join("r.xlsx");
    let json =
        casedesk(&db, &["report", "--period", &year, "--json", "--xlsx", xlsx.to_str().unwrap()]);
    let cli: serde_json::Value = serde_json::from_str(&json).unwrap();

    let store = casedesk_store::Store::open(&db).unwrap();
    let period = casedesk_report::Period::parse(&year).unwrap();
    let lib =
        serde_json::to_value(casedesk_report::report(&store, None, &period).unwrap()).unwrap();
    for key in
        ["total", "derived", "rows", "changes", "by_nature", "by_category", "top_goods", "drill"]
    {
        assert_eq!(cli[key], lib[key], "{key}");
    }
    assert!(cli["total"]["accepted"].as_u64().unwrap() > 0, "the demo accepted cases this year");

    let mut book: Xlsx<_> = calamine::open_workbook(&xlsx).unwrap();
    let sheet = book.worksheet_range("受理投诉情况").unwrap();
    let total_row = 4 + cli["rows"].as_array().unwrap().len() as u32;
    let num = |col: u32| match sheet.get_value((total_row, col)) {
        Some(Data::Float(f)) => *f,
        other => panic!("column {col}: {other:?}"),
    };
    let t = &cli["total"];
    assert_eq!(num(1), t["received"].as_f64().unwrap());
    assert_eq!(num(6), t["accepted"].as_f64().unwrap());
    assert_eq!(num(7), t["closed"].as_f64().unwrap());
    assert_eq!(num(8), t["resolved"].as_f64().unwrap());
    let wan: f64 = cli["derived"]["recovered_wan"].as_str().unwrap().parse().unwrap();
    assert_eq!(num(13), wan);
    match cli["derived"]["resolution_rate_bp"].as_u64() {
        Some(bp) => assert_eq!(num(9), bp as f64 / 10_000.0),
        None => assert_eq!(sheet.get_value((total_row, 9)), Some(&Data::String("—".into()))),
    }

    // The text table shows the same figures, and submitting freezes them.
    let text = casedesk(&db, &["report", "--period", &year]);
    assert!(text.contains("合计") || text.contains(&t["accepted"].to_string()), "{text}");
    casedesk(&db, &["report", "submit", "--period", &year]);
    let after: serde_json::Value =
        serde_json::from_str(&casedesk(&db, &["report", "--period", &year, "--json"])).unwrap();
    assert_eq!(after["submission"]["submitted"], cli["total"]);
    assert_eq!(after["submission"]["adjustments"], serde_json::json!([]));
    let hot: serde_json::Value =
        serde_json::from_str(&casedesk(&db, &["hotspots", "--json"])).unwrap();
    assert_eq!(hot["params"]["method"], "c2");
    let csv = dir.path().join("h.csv");
    casedesk(&db, &["supervision", "--period", &year, "--csv", csv.to_str().unwrap()]);
    assert!(std::fs::read_to_string(&csv).unwrap().contains("HX0201,德令哈市消费者投诉联络站"));
}
