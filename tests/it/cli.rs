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
    let other = dir.path().join("hub-copy.db");
    // Importing into a new file creates it (an association's read copy, say).
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
    let conn = rusqlite::Connection::open(&other).unwrap();
    conn.execute("UPDATE cases SET recovered_fen = recovered_fen + 100 WHERE rowid = 7", [])
        .unwrap();
    drop(conn);
    let o = casedesk(&other, &["verify"]);
    assert_eq!(o.status.code(), Some(3), "{}", stdout(&o));
    assert!(stdout(&o).contains("projection mismatch: cases"), "{}", stdout(&o));
    ok(casedesk(&other, &["rebuild"]));
    ok(casedesk(&other, &["verify"]));
}
