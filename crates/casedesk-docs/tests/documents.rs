//! Every document of the worked cases, issued, then read back with poppler (pdftotext,
//! pdffonts, pdftoppm) and LibreOffice: the fields are there, the fonts embedded and subset,
//! Tibetan and Mongolian names have glyphs, a reprint gives the same bytes, the editable copy
//! converts without losing text. Tests needing a tool print a SKIPPED line when it is absent
//! (`scripts/deps.sh test` installs them).

use std::path::{Path, PathBuf};
use std::process::Command;

use casedesk_docs::sample::{self, MONGOLIAN_NAME, TIBETAN_NAME};
use casedesk_docs::{DocRequest, Rendered};
use casedesk_domain::types::{DocKind, Recipient};
use casedesk_store::Store;
use casedesk_store::testutil::station_init;
use uuid::Uuid;

fn tool(name: &str) -> bool {
    let found = Command::new("sh")
        .arg("-c")
        .arg(format!("command -v {name}"))
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        println!("SKIPPED: {name} is not installed (scripts/deps.sh test installs it)");
    }
    found
}

/// Where the rendered files of a test go, kept for a person to look at.
fn out_dir(test: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("docs").join(test);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn station(dir: &Path) -> (Store, sample::Cases) {
    let mut init = station_init();
    init.unit_name = "天峻县消费者协会".into();
    let mut store = Store::open(&dir.join("station.db")).unwrap();
    store.init_station(init).unwrap();
    let cases = sample::populate(&mut store).unwrap();
    (store, cases)
}

fn pdftotext(pdf: &Path) -> String {
    let out = Command::new("pdftotext")
        .args(["-raw", "-enc", "UTF-8"])
        .arg(pdf)
        .arg("-")
        .output()
        .unwrap();
    assert!(out.status.success(), "pdftotext failed on {}", pdf.display());
    // Spaces and line breaks are layout, not content.
    String::from_utf8_lossy(&out.stdout).chars().filter(|c| !c.is_whitespace()).collect()
}

fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

fn has(text: &str, wanted: &[&str], what: &str) {
    for w in wanted {
        assert!(text.contains(&squash(w)), "{what}: {w:?} not found in\n{text}");
    }
}

/// Issues every document the case offers (each subject), writes the PDFs and returns them.
fn issue_all(
    store: &mut Store,
    case: Uuid,
    dir: &Path,
    tag: &str,
) -> Vec<(DocKind, Option<Recipient>, PathBuf, String)> {
    let mut out = Vec::new();
    for offer in casedesk_docs::available(store, case).unwrap() {
        for recipient in offer.recipients.iter().take(2) {
            let mut req = DocRequest::new(offer.kind);
            req.subject = offer.subject;
            req.recipient = Some(*recipient);
            let issued = casedesk_docs::issue(
                store,
                None,
                case,
                &casedesk_store::testutil::founder(store),
                &req,
            )
            .unwrap();
            let name =
                format!("{tag}-{}-{}-{}.pdf", offer.kind.code(), recipient.code(), out.len());
            let path = dir.join(&name);
            std::fs::write(&path, &issued.pdf).unwrap();
            out.push((offer.kind, Some(*recipient), path, issued.doc.number));
        }
    }
    out
}

#[test]
fn every_document_of_the_worked_cases_reads_back_field_by_field() {
    let dir = out_dir("every");
    let (mut store, cases) = station(&dir);
    let poppler = tool("pdftotext") && tool("pdffonts") && tool("pdftoppm");
    let mut all = Vec::new();
    for (case, tag) in [
        (cases.mediated, "mediated"),
        (cases.not_accepted, "not_accepted"),
        (cases.terminated, "terminated"),
        (cases.incomplete, "incomplete"),
    ] {
        all.extend(issue_all(&mut store, case, &dir, tag));
    }
    let kinds: std::collections::BTreeSet<DocKind> = all.iter().map(|x| x.0).collect();
    assert_eq!(
        kinds.len(),
        DocKind::ALL.len(),
        "every kind is offered by some worked case: {kinds:?}"
    );

    // Reprints give the same bytes, and the store's log knows every number once.
    for (_, _, path, number) in &all {
        let (row, pdf) = casedesk_docs::reprint(&store, number).unwrap();
        let file = std::fs::read(path).unwrap();
        assert!(
            pdf == file,
            "reprint of {number}: {} vs {} ({} bytes vs {})",
            casedesk_store::sha256_hex(&pdf),
            casedesk_store::sha256_hex(&file),
            pdf.len(),
            file.len()
        );
        assert_eq!(row.doc.number, *number);
        assert!(
            pdf.len() < 300 * 1024 || path.to_string_lossy().contains("registration"),
            "{number}: {} bytes",
            pdf.len()
        );
    }
    assert!(store.verify().unwrap().is_ok());
    if !poppler {
        return;
    }
    for (kind, recipient, path, number) in &all {
        let text = pdftotext(path);
        let what = format!("{} ({})", kind.code(), path.display());
        has(&text, &[number.as_str()], &what);
        let own_side = recipient.is_some_and(|r| r.is_own_side());
        // The complainants of these cases did not agree to share with the parties: a copy for
        // anyone but themselves and the file carries neither a whole phone or ID number nor
        // their address or pasture (PIPL Art.23; issue 11 item 6).
        let withheld =
            ["/mediated-", "/terminated-"].iter().any(|t| path.to_string_lossy().contains(t));
        if !own_side && withheld {
            for secret in [
                "13897712345",
                "13897754321",
                "632823198506123010",
                "632823199003152017",
                "新源镇团结路12号",
                "织合玛乡夏季牧场",
            ] {
                assert!(!text.contains(&squash(secret)), "{what}: shows {secret} without consent");
            }
        }
        match kind {
            DocKind::Registration if !path.to_string_lossy().contains("/mediated-") => {
                has(
                    &text,
                    &["投诉登记表", "天峻县丰源饲料店", "证据材料清单", "投诉人签字"],
                    &what,
                );
            }
            DocKind::Registration => {
                has(
                    &text,
                    &[
                        "投诉登记表",
                        "天峻县丰源饲料店",
                        "13897712345",
                        "632823198506123010",
                        "育肥饲料20袋",
                        "证据材料清单",
                        "购物小票.png",
                        "原件已退还",
                        "退还货款和服务费用",
                        "6,800.00元",
                        "☑是",
                        "投诉人签字",
                        "经办人签字",
                    ],
                    &what,
                );
            }
            DocKind::Acceptance if path.to_string_lossy().contains("/terminated-") => {
                has(
                    &text,
                    &[
                        "天峻县市场监督管理局",
                        "委托调解单位：天峻县消费者协会",
                        "投诉受理决定书",
                        "天市监投受〔2026〕",
                        "实施条例》第四十六条",
                        "本局",
                    ],
                    &what,
                );
            }
            DocKind::Acceptance if *recipient == Some(Recipient::Respondent) => {
                has(
                    &text,
                    &["天峻县消费者协会", "受理通知书", "天峻县丰源饲料店：", "138****2345"],
                    &what,
                );
                assert!(
                    !text.contains("13897712345"),
                    "{what}: the complainant did not agree to share the phone"
                );
            }
            DocKind::Acceptance => {
                has(
                    &text,
                    &["受理通知书", "符合受理条件", "第三十七条", "联系人：李建国", "0977-8221234"],
                    &what,
                );
            }
            DocKind::NonAcceptance => {
                has(
                    &text,
                    &[
                        "不予受理通知书",
                        "第〔6〕项",
                        "无必要证据",
                        "第三十九条",
                        "向人民法院提起诉讼",
                        "王秀兰：",
                    ],
                    &what,
                );
            }
            DocKind::Correction => {
                has(
                    &text,
                    &[
                        "限期补正通知书",
                        "被投诉人的地址",
                        "购买商品或者接受服务的时间",
                        "前补充提供下列材料",
                    ],
                    &what,
                );
            }
            DocKind::MediationNotice => {
                if path.to_string_lossy().contains("terminated")
                    || text.contains("天峻县市场监督管理局")
                {
                    has(
                        &text,
                        &["投诉调解通知书", "天峻县市场监督管理局", "天市监投调通〔2026〕"],
                        &what,
                    );
                } else {
                    has(
                        &text,
                        &[
                            "调解通知书",
                            "2026年3月6日10时00分",
                            "天峻县消费者协会调解室",
                            "申请回避",
                            "调解人员：李建国",
                        ],
                        &what,
                    );
                }
            }
            DocKind::MediationRecord => {
                has(&text, &["调解笔录", "调解时间", "记录人", "翻译（语言）"], &what);
                if text.contains("第1次调解") {
                    has(
                        &text,
                        &[
                            "索南（藏语）",
                            "王秀兰",
                            "同批次检验报告",
                            "继续调解",
                            "到场人员",
                            TIBETAN_NAME,
                            MONGOLIAN_NAME,
                        ],
                        &what,
                    );
                } else {
                    has(&text, &["第2次调解", "电话调解", "达成协议"], &what);
                }
            }
            DocKind::Agreement => {
                has(
                    &text,
                    &[
                        "调解协议书",
                        "4,500.00元",
                        "肆仟伍佰元整",
                        "2026年3月20日前履行完毕",
                        "一式三份",
                        "投诉人（签字）",
                        "被投诉人（签字或盖章）",
                        "调解人员（签字）",
                        TIBETAN_NAME,
                        MONGOLIAN_NAME,
                    ],
                    &what,
                );
                // Both parties get it: the complainants' phones are masked (no consent to share).
                has(&text, &["138****2345", "632823********3010"], &what);
            }
            DocKind::Termination => {
                has(
                    &text,
                    &[
                        "投诉终止调解决定书",
                        "天峻县市场监督管理局",
                        "第二十三条第一款第〔2〕项",
                        "明确拒绝调解",
                        "第三十九条",
                    ],
                    &what,
                );
            }
            DocKind::Transfer => {
                has(
                    &text,
                    &["协办单", "HX08", "难案共办", "2026年3月25日", "已由厂家召回", "138****2345"],
                    &what,
                );
            }
            DocKind::FollowUp => {
                has(
                    &text,
                    &["回访记录表", "满意", "调解成功", "4,500.00元", "经藏语翻译回访"],
                    &what,
                );
            }
        }
        if own_side
            && *kind == DocKind::Registration
            && path.to_string_lossy().contains("/mediated-")
        {
            has(&text, &[TIBETAN_NAME, MONGOLIAN_NAME], &what);
        }

        // Every font embedded and subset; the Tibetan and Mongolian faces where the names are.
        let fonts = Command::new("pdffonts").arg(path).output().unwrap();
        let fonts = String::from_utf8_lossy(&fonts.stdout).to_string();
        for line in fonts.lines().skip(2) {
            let cols: Vec<&str> = line.split_whitespace().collect();
            let n = cols.len();
            assert!(
                n >= 5 && cols[n - 5] == "yes" && cols[n - 4] == "yes",
                "{what}: font not embedded and subset: {line}"
            );
            assert!(cols[0].contains('+'), "{what}: font not subset: {line}");
        }
        if text.contains(&squash(TIBETAN_NAME)) {
            assert!(fonts.contains("NotoSerifTibetan"), "{what}: {fonts}");
        }
        if text.contains(&squash(MONGOLIAN_NAME)) {
            assert!(fonts.contains("NotoSansMongolian"), "{what}: {fonts}");
        }
    }
    // Page images, for a person to look at (target/tmp/docs/every/*.png).
    for (_, _, path, _) in &all {
        let stem = path.with_extension("");
        let ok = Command::new("pdftoppm")
            .args(["-png", "-r", "60"])
            .arg(path)
            .arg(&stem)
            .status()
            .unwrap();
        assert!(ok.success());
    }
}

#[test]
fn names_in_tibetan_and_mongolian_have_glyphs_and_a_second_render_is_identical() {
    let dir = out_dir("glyphs");
    let (store, cases) = station(&dir);
    for (case, kind) in [
        (cases.mediated, DocKind::Registration),
        (cases.mediated, DocKind::Agreement),
        (cases.mediated, DocKind::MediationRecord),
    ] {
        let mut req = DocRequest::new(kind);
        req.recipient = Some(casedesk_docs::compose::default_recipient(kind));
        let a: Rendered = casedesk_docs::preview(&store, case, &req).unwrap();
        assert_eq!(a.typeset.missing_glyphs(), Vec::<String>::new(), "{kind:?}");
        let b = casedesk_docs::preview(&store, case, &req).unwrap();
        assert!(
            a.pdf().unwrap() == b.pdf().unwrap(),
            "{kind:?}: same case and template, same bytes"
        );
    }
}

#[test]
fn the_editable_copy_converts_in_libreoffice_without_losing_text() {
    let dir = out_dir("docx");
    let (store, cases) = station(&dir);
    if !tool("soffice") || !tool("pdftotext") {
        return;
    }
    let mut files = Vec::new();
    for (case, kind) in [
        (cases.mediated, DocKind::Agreement),
        (cases.mediated, DocKind::Registration),
        (cases.not_accepted, DocKind::NonAcceptance),
    ] {
        let r = casedesk_docs::preview(&store, case, &DocRequest::new(kind)).unwrap();
        let path = dir.join(format!("{}.docx", kind.code()));
        std::fs::write(&path, r.docx().unwrap()).unwrap();
        files.push((path, r.model));
    }
    let status = Command::new("soffice")
        .args(["--headless", "--norestore", "--convert-to", "pdf", "--outdir"])
        .arg(&dir)
        .args(files.iter().map(|(p, _)| p))
        .env("HOME", &dir)
        .status()
        .unwrap();
    assert!(status.success());
    for (path, model) in files {
        let text = pdftotext(&path.with_extension("pdf"));
        let mut wanted = vec![model.title.clone(), model.number.clone()];
        for b in &model.blocks {
            match b {
                casedesk_docs::compose::Block::Para { text } => wanted.push(text.clone()),
                casedesk_docs::compose::Block::Fields { fields, .. } => {
                    wanted.extend(fields.iter().map(|f| f.value.clone()));
                }
                _ => {}
            }
        }
        // Tick boxes are drawn from a symbol font and may come out of order in the text.
        for w in wanted.into_iter().filter(|w| !w.contains('☑')) {
            assert!(
                text.contains(&squash(&w)),
                "{}: {w:?} lost in the conversion\n{text}",
                path.display()
            );
        }
    }
}

#[test]
fn the_ledger_lists_one_row_per_complaint_in_pdf_and_xlsx() {
    let dir = out_dir("ledger");
    let (store, _) = station(&dir);
    let from = chrono::NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
    let to = chrono::NaiveDate::from_ymd_opt(2026, 5, 31).unwrap();
    let ledger = casedesk_docs::ledger::ledger(&store, from, to).unwrap();
    assert_eq!(ledger.rows.len(), 4);
    assert_eq!(ledger.rows[0].result, "调解成功");
    assert_eq!(ledger.total_fen(), 450_000);
    let pdf = ledger.pdf().unwrap();
    assert!(pdf == ledger.pdf().unwrap(), "same rows, same bytes");
    std::fs::write(dir.join("ledger.pdf"), &pdf).unwrap();
    std::fs::write(dir.join("ledger.xlsx"), ledger.xlsx().unwrap()).unwrap();
    if tool("pdftotext") {
        let text = pdftotext(&dir.join("ledger.pdf"));
        has(
            &text,
            &[
                "消费者投诉受理台账",
                "序号",
                "挽回损失",
                "办结日期",
                "2026-03-02",
                "投诉天峻县丰源饲料店农用生产资料类质量问题",
                "调解成功",
                "4500.00",
                "2026-03-19",
                "不予受理",
                "终止调解",
                "待受理",
            ],
            "ledger",
        );
    }
    if tool("soffice") {
        let ok = Command::new("soffice")
            .args([
                "--headless",
                "--norestore",
                "--convert-to",
                "csv:Text - txt - csv (StarCalc):44,34,76",
                "--outdir",
            ])
            .arg(&dir)
            .arg(dir.join("ledger.xlsx"))
            .env("HOME", &dir)
            .status()
            .unwrap();
        assert!(ok.success());
        let csv = std::fs::read_to_string(dir.join("ledger.csv")).unwrap();
        for w in ["消费者投诉受理台账", "分类", "类别", "性质", "调解成功", "4,500.00", "合计"]
        {
            assert!(csv.contains(w), "{w} not in the workbook:\n{csv}");
        }
    }
}
