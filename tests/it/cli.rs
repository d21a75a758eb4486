//! The `casedesk` command as a person or a script uses it.

use casedesk_tests::*;
use serde_json::Value;

const COMPLAINT: &str = r#"{
  "case_type": "complaint", "mode": "own", "channel": "visit",
  "complainants": [{"name": "才让卓玛", "phones": ["13897712345"], "village": "天峻县织合玛乡夏季牧场",
                    "language": "bo", "consents": {"personal_info": true}}],
  "respondents": [{"name": "天峻县丰源饲料店", "kind": "individual"}],
  "category": "CCA-G10", "nature": "CCA-N02",
  "facts": {"content": "购买的育肥饲料喂食后羊只腹泻，三只死亡。", "amount_fen": 680000},
  "requests": ["compensation"], "claim_fen": 450000
}"#;

#[test]
fn a_case_from_registration_to_closure() {
    let dir = tempfile::tempdir().unwrap();
    let db = station(dir.path());
    let file = dir.path().join("case.json");
    std::fs::write(&file, COMPLAINT).unwrap();
    let out = ok(casedesk(&db, &["case", "add", "--json", file.to_str().unwrap(), "--json-out"]));
    let created: Value = serde_json::from_str(out.trim()).unwrap();
    let no = created["no"].as_str().unwrap().to_owned();
    assert!(no.starts_with("HX0201-20"), "{no}");

    // Found by a long and a short query, and in the list.
    assert!(ok(casedesk(&db, &["search", "羊只腹泻"])).contains(&no));
    assert!(ok(casedesk(&db, &["search", "饲料"])).contains(&no));
    assert!(!ok(casedesk(&db, &["search", "手机"])).contains(&no));
    let list: Value =
        serde_json::from_str(&ok(casedesk(&db, &["case", "list", "--json"]))).unwrap();
    assert_eq!(list["rows"][0]["no"], no.as_str());
    assert_eq!(list["rows"][0]["deadline"]["kind"], "acceptance");

    ok(casedesk(&db, &["case", "accept", &no]));
    let session = dir.path().join("session.json");
    std::fs::write(
        &session,
        serde_json::json!({"kind": "case.session_recorded", "payload": {
            "session": "019ac8a0-0000-7000-8000-000000000051", "held_at": minutes_ago(0),
            "mode": "on_site", "mediator": "巴特尔", "interpreter": "扎西", "language": "bo",
            "record": "双方同意赔偿。", "result": "agreement"}})
        .to_string(),
    )
    .unwrap();
    ok(casedesk(&db, &["case", "act", &no, "--json", session.to_str().unwrap()]));
    // Closing as resolved by mediation needs the agreement on record.
    let refused = casedesk(&db, &["case", "close", &no, "--outcome", "mediated"]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(
        stderr(&refused).contains("outcome.needs_agreement")
            || stderr(&refused).contains("no agreement"),
        "{}",
        stderr(&refused)
    );
    let agreement = dir.path().join("agreement.json");
    std::fs::write(
        &agreement,
        serde_json::json!({"kind": "case.agreement_recorded", "payload": {
            "signed_at": minutes_ago(0), "terms": "经营者赔偿 3600.50 元", "amount_fen": 360_050}})
        .to_string(),
    )
    .unwrap();
    ok(casedesk(&db, &["case", "act", &no, "--json", agreement.to_str().unwrap()]));
    let closed = ok(casedesk(
        &db,
        &["case", "close", &no, "--outcome", "mediated", "--recovered", "3,600.50"],
    ));
    assert!(closed.contains("Closed"), "{closed}");
    let shown: Value =
        serde_json::from_str(&ok(casedesk(&db, &["case", "show", &no, "--json"]))).unwrap();
    assert_eq!(shown["case"]["status"], "closed");
    assert_eq!(shown["case"]["closure"]["recovered_fen"], 360_050);
    assert_eq!(shown["case"]["timeline"].as_array().unwrap().len(), 5);
    let text = ok(casedesk_lang(&db, "zh", &["case", "show", &no]));
    assert!(text.contains("已办结") && text.contains("调解成功"), "{text}");
    ok(casedesk(&db, &["verify"]));
}

#[test]
fn bad_input_is_refused_clearly_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = station(dir.path());
    let o = casedesk_lang(
        &db,
        "zh",
        &[
            "case",
            "add",
            "--name",
            "王秀兰",
            "--phone",
            "1389771",
            "--respondent",
            "某公司",
            "--uscc",
            "91350100M000100Y44",
            "--facts",
            "x",
            "--category",
            "CCA-G01",
            "--nature",
            "CCA-N02",
            "--request",
            "refund",
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("输入有 3 处问题"), "{err}");
    assert!(err.contains("complainants[0].phones[0]: 电话号码格式不正确"), "{err}");
    assert!(err.contains("respondents[0].uscc: 统一社会信用代码校验位错误"), "{err}");
    assert!(err.contains("complainants[0].address: 必填项不能为空"), "{err}");
    let o =
        casedesk(&db, &["case", "add", "--name", "王秀兰", "--claim", "12.345", "--facts", "x"]);
    assert!(stderr(&o).contains("claim: is not a valid amount"), "{}", stderr(&o));
    // An illegal transition names the state.
    let file = dir.path().join("case.json");
    std::fs::write(&file, COMPLAINT).unwrap();
    let no = ok(casedesk(&db, &["case", "add", "--json", file.to_str().unwrap()]))
        .split_whitespace()
        .last()
        .unwrap()
        .to_owned();
    let o = casedesk(&db, &["case", "close", &no, "--outcome", "mediated"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("the case is Awaiting acceptance; this action is not allowed"),
        "{}",
        stderr(&o)
    );
    let o = casedesk(&db, &["case", "show", "NO-SUCH-CASE"]);
    assert!(stderr(&o).contains("not found: NO-SUCH-CASE"));
    let list: Value =
        serde_json::from_str(&ok(casedesk(&db, &["case", "list", "--json"]))).unwrap();
    assert_eq!(list["rows"].as_array().unwrap().len(), 1);
    // No database: usage error.
    let o = casedesk(&dir.path().join("none.db"), &["case", "list"]);
    assert_eq!(o.status.code(), Some(2));
    ok(casedesk(&db, &["verify"]));
}

#[test]
fn export_and_import_twice_change_nothing_the_second_time() {
    let dir = tempfile::tempdir().unwrap();
    let db = station(dir.path());
    ok(casedesk(&db, &["demo", "--cases", "200"]));
    let file = dir.path().join("events.jsonl");
    ok(casedesk(&db, &["export", file.to_str().unwrap()]));
    // Importing into the association's station (its head imports): a read copy.
    let other = dir.path().join("hub-copy.db");
    ok(casedesk(
        &other,
        &[
            "init",
            "--unit",
            "HX",
            "--unit-name",
            "海西州消费者协会",
            "--unit-kind",
            "association",
            "--staff",
            HEAD,
        ],
    ));
    let first = ok(casedesk(&other, &["import", file.to_str().unwrap()]));
    assert!(first.contains("0 already present"), "{first}");
    let second = ok(casedesk(&other, &["import", file.to_str().unwrap()]));
    assert!(second.starts_with("Imported: 0 new events"), "{second}");
    let a: Value =
        serde_json::from_str(&ok(casedesk(&db, &["case", "list", "--json", "--limit", "500"])))
            .unwrap();
    let b: Value =
        serde_json::from_str(&ok(casedesk(&other, &["case", "list", "--json", "--limit", "500"])))
            .unwrap();
    assert_eq!(a["rows"], b["rows"]);
    ok(casedesk(&other, &["verify"]));
    // Tampering with the copy is caught, with a non-zero exit.
    let conn = open_sqlite(&other);
    conn.execute("UPDATE cases SET recovered_fen = recovered_fen + 100 WHERE rowid = 7", [])
        .unwrap();
    drop(conn);
    let o = casedesk(&other, &["verify"]);
    assert_eq!(o.status.code(), Some(3), "{}", stdout(&o));
    assert!(stdout(&o).contains("projection mismatch: cases"), "{}", stdout(&o));
    ok(casedesk(&other, &["rebuild"]));
    ok(casedesk(&other, &["verify"]));
}

#[test]
fn the_whole_life_of_a_case_with_verbs_and_no_json() {
    let dir = tempfile::tempdir().unwrap();
    let db = station(dir.path());
    let file = dir.path().join("case.json");
    std::fs::write(&file, COMPLAINT).unwrap();
    let out = ok(casedesk(&db, &["case", "add", "--json", file.to_str().unwrap(), "--json-out"]));
    let no = serde_json::from_str::<Value>(out.trim()).unwrap()["no"].as_str().unwrap().to_owned();
    let run = |args: &[&str]| ok(casedesk(&db, args));
    run(&["case", "accept", &no, "--at", &minutes_ago(0)]);
    let planned = run(&["case", "schedule", &no, "--at", "2099-01-05 10:00", "--place", "乡政府"]);
    let session =
        planned.lines().find_map(|l| l.trim().strip_prefix("session ")).unwrap().to_owned();
    run(&[
        "case",
        "session",
        &no,
        "--session",
        &session,
        "--mediator",
        "巴特尔",
        "--interpreter",
        "扎西",
        "--language",
        "bo",
        "--record",
        "双方同意赔偿",
        "--result",
        "agreement",
    ]);
    run(&[
        "case",
        "agreement",
        &no,
        "--terms",
        "赔偿 3600 元",
        "--amount",
        "3600",
        "--due",
        "2099-02-01",
    ]);
    run(&["case", "performed", &no]);
    run(&["case", "close", &no, "--outcome", "mediated", "--recovered", "3600"]);
    run(&["case", "follow-up", &no, "--satisfaction", "satisfied", "--note", "已到账"]);
    run(&["case", "note", &no, "回访后归档"]);
    let text = ok(casedesk_lang(&db, "zh", &["case", "show", &no]));
    for want in [
        "调解安排",
        "乡政府",
        "调解记录",
        "扎西 (藏语)",
        "调解协议",
        "3600.00",
        "履行确认",
        "回访",
        "已到账",
        "回访后归档",
    ] {
        assert!(text.contains(want), "{want} missing from:\n{text}");
    }
    // A second case, transferred and answered by verbs; the CLI made the transfer id.
    let out = ok(casedesk(&db, &["case", "add", "--json", file.to_str().unwrap(), "--json-out"]));
    let two = serde_json::from_str::<Value>(out.trim()).unwrap()["no"].as_str().unwrap().to_owned();
    let sent = run(&[
        "case",
        "transfer",
        &two,
        "--kind",
        "co_handle",
        "--to",
        "HX0202",
        "--to-name",
        "德令哈市尕海镇维权服务站",
        "--reason",
        "hard_case_joint",
    ]);
    assert!(sent.contains("transfer "), "{sent}");
    run(&["case", "feedback", &two, "--text", "已协助调查"]);
    let shown: Value = serde_json::from_str(&run(&["case", "show", &two, "--json"])).unwrap();
    assert_eq!(shown["case"]["transfers"][0]["feedback"][1], "已协助调查");
    assert_eq!(shown["case"]["transfers"][0]["to_unit_name"], "德令哈市尕海镇维权服务站");
    // A unit code that is no code is refused, naming the field.
    let o = casedesk(
        &db,
        &[
            "case",
            "transfer",
            &two,
            "--kind",
            "up",
            "--to",
            "海西州",
            "--reason",
            "hard_case_joint",
        ],
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("to_unit"), "{}", stderr(&o));
    // Refusals name the field: a time in the future, an unknown code.
    let o = casedesk(&db, &["case", "void", &two, "--reason", ""]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let o = casedesk(&db, &["case", "terminate", &two, "--reason", "NOPE"]);
    assert_eq!(o.status.code(), Some(1));
    // The code tables, and output into a pipe that closes early.
    let codes = run(&["codes", "termination_reason"]);
    assert!(codes.contains("O121T-5"), "{codes}");
    // Categories are found by everyday words; headings are no categories.
    let heating = run(&["codes", "category", "暖气"]);
    assert!(heating.contains("CCA-S12"), "{heating}");
    assert_eq!(heating.matches("CCA-").count(), 1, "{heating}");
    let vet = run(&["codes", "category", "饲料兽药"]);
    assert!(vet.contains("CCA-G10"), "{vet}");
    let all = run(&["codes", "category"]);
    assert!(all.contains("CCA-G01") && !all.contains("CCA-G "), "{all}");
    let o = casedesk(&db, &["codes", "channel", "电话"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let piped = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("'{}' --db '{}' codes | head -1", binary("casedesk").display(), db.display()))
        .output()
        .unwrap();
    assert!(piped.status.success());
    assert!(
        !String::from_utf8_lossy(&piped.stderr).contains("panicked"),
        "{}",
        String::from_utf8_lossy(&piped.stderr)
    );
}

#[test]
fn search_with_several_words_and_a_phone_typed_in_groups() {
    let dir = tempfile::tempdir().unwrap();
    let db = station(dir.path());
    let file = dir.path().join("case.json");
    std::fs::write(&file, COMPLAINT).unwrap();
    let out = ok(casedesk(&db, &["case", "add", "--json", file.to_str().unwrap(), "--json-out"]));
    let no = serde_json::from_str::<Value>(out.trim()).unwrap()["no"].as_str().unwrap().to_owned();
    for words in
        [&["饲料", "腹泻"][..], &["羊只", "丰源"], &["138", "9771", "2345"], &["才让卓玛 羊"]]
    {
        let mut args = vec!["search"];
        args.extend(words);
        assert!(ok(casedesk(&db, &args)).contains(&no), "{words:?}");
    }
    assert!(!ok(casedesk(&db, &["search", "饲料", "手机"])).contains(&no));
    // Chinese is the default whatever the locale says, unless it says English.
    let o = std::process::Command::new(binary("casedesk"))
        .env("LANG", "C.UTF-8")
        .env("CASEDESK_PASSPHRASE", PASSPHRASE)
        .env("CASEDESK_AS", HEAD)
        .env("CASEDESK_PASSWORD", HEAD_PASSWORD)
        .args(["--db", db.to_str().unwrap(), "case", "show", "NOPE"])
        .output()
        .unwrap();
    assert!(stderr(&o).contains("找不到"), "{}", stderr(&o));
}

/// Runs `casedesk` as `who` with `password` (English messages).
fn as_staff(
    db: &std::path::Path,
    who: &str,
    password: &str,
    args: &[&str],
) -> std::process::Output {
    std::process::Command::new(binary("casedesk"))
        .args(["--db", db.to_str().unwrap(), "--lang", "en", "--as", who])
        .env("CASEDESK_PASSWORD", password)
        .env("CASEDESK_PASSPHRASE", PASSPHRASE)
        .env_remove("CASEDESK_AS")
        .args(args)
        .output()
        .unwrap()
}

/// Staff and privacy from the command line: every command names who acts; a clerk may register
/// but not reveal; numbers are masked in the list and the case, revealed only on record; wrong
/// passwords lock the member out.
#[test]
fn staff_roles_masking_reveal_and_lockout() {
    let dir = tempfile::tempdir().unwrap();
    let db = station(dir.path());
    let file = dir.path().join("case.json");
    std::fs::write(&file, COMPLAINT).unwrap();
    // No --as: refused with the usage code.
    let o = std::process::Command::new(binary("casedesk"))
        .args(["--db", db.to_str().unwrap(), "--lang", "en", "case", "list"])
        .env_remove("CASEDESK_AS")
        .env("CASEDESK_PASSPHRASE", PASSPHRASE)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("[cli.no_actor]"), "{}", stderr(&o));

    // The head adds a clerk with a PIN.
    let added = std::process::Command::new(binary("casedesk"))
        .args(["--db", db.to_str().unwrap(), "--lang", "en", "staff", "add", "小王"])
        .env("CASEDESK_PASSPHRASE", PASSPHRASE)
        .args(["--roles", "clerk"])
        .env("CASEDESK_AS", HEAD)
        .env("CASEDESK_PASSWORD", HEAD_PASSWORD)
        .env("CASEDESK_NEW_PASSWORD", "2580")
        .output()
        .unwrap();
    assert!(added.status.success(), "{}", stderr(&added));
    let staff = ok(casedesk(&db, &["staff", "list"]));
    assert!(staff.contains("小王") && staff.contains("Clerk"), "{staff}");

    // The clerk registers; the event names them.
    let out = ok(as_staff(
        &db,
        "小王",
        "2580",
        &["case", "add", "--json", file.to_str().unwrap(), "--json-out"],
    ));
    let no = serde_json::from_str::<Value>(out.trim()).unwrap()["no"].as_str().unwrap().to_owned();
    let shown: Value =
        serde_json::from_str(&ok(casedesk(&db, &["case", "show", &no, "--json"]))).unwrap();
    let actor = shown["case"]["timeline"][0]["actor"].as_str().unwrap();
    assert_eq!(shown["actors"][actor], "小王");

    // Masked in the list, the case page and its JSON; the whole number still finds the case.
    let list = ok(casedesk(&db, &["case", "list"]));
    assert!(list.contains("138****2345") && !list.contains("13897712345"), "{list}");
    let text = ok(casedesk(&db, &["case", "show", &no]));
    assert!(!text.contains("13897712345"), "{text}");
    let json = ok(casedesk(&db, &["case", "show", &no, "--json"]));
    assert!(!json.contains("13897712345"), "the JSON is masked too");
    assert!(ok(casedesk(&db, &["search", "13897712345"])).contains(&no));
    assert!(!ok(casedesk(&db, &["search", "9771"])).contains(&no), "no search by masked digits");

    // The clerk may not reveal nor read the access log; the refusal names the permission.
    let o = as_staff(&db, "小王", "2580", &["case", "reveal", &no, "complainants[0].phones[0]"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("[access.denied]")
            && stderr(&o).contains("see full ID and phone numbers"),
        "{}",
        stderr(&o)
    );
    // The head may; it is recorded.
    let full = ok(casedesk(&db, &["case", "reveal", &no, "complainants[0].phones[0]"]));
    assert_eq!(full.trim(), "13897712345");
    let audit = ok(casedesk(&db, &["staff", "audit"]));
    assert!(audit.contains(HEAD) && audit.contains("revealed") && audit.contains(&no), "{audit}");
    let o = as_staff(&db, "小王", "2580", &["staff", "audit"]);
    assert!(stderr(&o).contains("[access.denied]"), "{}", stderr(&o));

    // Wrong PINs: tries left, then a lock-out that even the right PIN does not pass.
    for left in (1..=4).rev() {
        let o = as_staff(&db, "小王", "0000", &["case", "list"]);
        assert_eq!(o.status.code(), Some(1));
        assert!(
            stderr(&o).contains("[auth.failed_left]") && stderr(&o).contains(&left.to_string()),
            "{}",
            stderr(&o)
        );
    }
    let o = as_staff(&db, "小王", "0000", &["case", "list"]);
    assert!(stderr(&o).contains("[auth.locked]"), "{}", stderr(&o));
    let o = as_staff(&db, "小王", "2580", &["case", "list"]);
    assert!(stderr(&o).contains("[auth.locked]"), "{}", stderr(&o));
    // Others are not locked out.
    ok(casedesk(&db, &["case", "list"]));
    // A deactivated member can no longer act.
    ok(casedesk(&db, &["staff", "set", "小王", "--inactive"]));
    let o = as_staff(&db, "小王", "2580", &["case", "list"]);
    assert!(stderr(&o).contains("[auth.inactive]"), "{}", stderr(&o));
    ok(casedesk(&db, &["verify"]));
}
