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
    let pdf = dir.path().join("r.pdf");
    let json = casedesk(
        &db,
        &[
            "report",
            "--period",
            &year,
            "--json",
            "--xlsx",
            xlsx.to_str().unwrap(),
            "--pdf",
            pdf.to_str().unwrap(),
        ],
    );
    let cli: serde_json::Value = serde_json::from_str(&json).unwrap();
    pdf_shows_the_figures(&pdf, &cli);

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

    // Per staff member: the CLI's JSON is the library's, the demo's staff did the work, and the
    // text table names them.
    let staff: serde_json::Value = serde_json::from_str(&casedesk(
        &db,
        &["supervision", "--period", &year, "--by-staff", "--json"],
    ))
    .unwrap();
    let sup = casedesk_report::supervision::supervision(&store, None, &period).unwrap();
    let lib_staff = serde_json::to_value(&sup.staff).unwrap();
    assert_eq!(staff, lib_staff);
    let rows = staff.as_array().unwrap();
    let sum = |k: &str| rows.iter().map(|r| r[k].as_u64().unwrap()).sum::<u64>();
    let unit = &sup.rows[0];
    assert_eq!(sum("closed"), unit.figures.closed);
    assert_eq!(sum("accepted"), unit.figures.accepted);
    assert_eq!(sum("registered"), unit.figures.received);
    assert!(
        rows.iter().filter(|r| r["closed"].as_u64().unwrap() > 0 && !r["staff"].is_null()).count()
            >= 2,
        "the demo's closures are spread over its staff: {rows:#?}"
    );
    let text = casedesk(&db, &["supervision", "--period", &year, "--by-staff"]);
    let busiest = rows.iter().max_by_key(|r| r["closed"].as_u64().unwrap()).unwrap();
    assert!(text.contains(busiest["name"].as_str().unwrap()), "{text}");
    assert!(text.contains("调解次数"), "{text}");
}

/// The PDF, read back with poppler, shows the figures of the JSON: every row of the table by
/// unit and the total, cell by cell, and every line of the breakdown by nature; its fonts are
/// embedded and subset. (A page image is written beside it for whoever wants to look:
/// `CASEDESK_KEEP_PDF=dir`.)
fn pdf_shows_the_figures(pdf: &std::path::Path, cli: &serde_json::Value) {
    let out = Command::new("pdftotext")
        .args(["-layout", "-enc", "UTF-8"])
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils, scripts/deps.sh installs it)");
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<Vec<&str>> = text.lines().map(|l| l.split_whitespace().collect()).collect();
    let row_of = |label: &str| -> Vec<String> {
        let l = lines
            .iter()
            .find(|l| l.first() == Some(&label))
            .unwrap_or_else(|| panic!("no line {label} in\n{text}"));
        l[1..].iter().map(|s| s.to_string()).collect()
    };
    let figures = |v: &serde_json::Value| -> casedesk_report::Figures {
        serde_json::from_value(v.clone()).unwrap()
    };
    let rows = cli["rows"].as_array().unwrap();
    for r in rows {
        let label = r["name"].as_str().unwrap();
        assert_eq!(
            row_of(label),
            casedesk_report::table::figure_cells(&figures(&r["own"])),
            "the row of {label}"
        );
    }
    let total = casedesk_report::table::figure_cells(&figures(&cli["total"]));
    assert_eq!(row_of("合计"), total, "the total");
    // The figures as the JSON says them, spelled out.
    let t = &cli["total"];
    assert_eq!(total[0], t["received"].to_string());
    assert_eq!(total[5], t["accepted"].to_string());
    assert_eq!(total[12], cli["derived"]["recovered_wan"].as_str().unwrap());
    for n in cli["by_nature"].as_array().unwrap() {
        let code = n["code"].as_str().unwrap();
        let label = casedesk_report::report::code_label(code, casedesk_domain::Lang::Zh, None);
        let pct = |k: &str| casedesk_report::num::percent(n[k].as_u64().map(|v| v as u32));
        let change = casedesk_report::num::points(n["change_bp"].as_i64());
        assert_eq!(
            row_of(&label),
            vec![
                n["count"].to_string(),
                pct("share_bp"),
                n["last_year"].to_string(),
                pct("last_year_share_bp"),
                change
            ],
            "the nature {code}"
        );
    }
    let fonts = Command::new("pdffonts").arg(pdf).output().unwrap();
    let fonts = String::from_utf8_lossy(&fonts.stdout).to_string();
    assert!(fonts.lines().count() > 2, "{fonts}");
    for line in fonts.lines().skip(2) {
        let cols: Vec<&str> = line.split_whitespace().collect();
        let n = cols.len();
        assert!(n >= 5 && cols[n - 5] == "yes" && cols[n - 4] == "yes", "not embedded: {line}");
        assert!(cols[0].contains('+'), "not subset: {line}");
    }
    if let Some(keep) = std::env::var_os("CASEDESK_KEEP_PDF") {
        let keep = std::path::PathBuf::from(keep);
        std::fs::copy(pdf, keep.join("report.pdf")).unwrap();
        let ok = Command::new("pdftoppm")
            .args(["-png", "-r", "80"])
            .arg(pdf)
            .arg(keep.join("report-page"))
            .status()
            .unwrap();
        assert!(ok.success());
    }
}
