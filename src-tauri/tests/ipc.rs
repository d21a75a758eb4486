//! The commands through Tauri's IPC layer (mock runtime: no window, no WebKit), on a temporary
//! database: first start, setup, registration with op-id idempotence, structured errors.
//! Runs with `cargo test -p casedesk-desktop` (needs ui/dist, like every build of this crate).

use casedesk_desktop::state::Paths;
use casedesk_desktop::{Options, configure};
use serde_json::{Value, json};
use tauri::test::{
    INVOKE_KEY, MockRuntime, get_ipc_response, mock_builder, mock_context, noop_assets,
};
use tauri::webview::InvokeRequest;
use tauri::{App, WebviewWindow, WebviewWindowBuilder};

struct Desk {
    _app: App<MockRuntime>,
    win: WebviewWindow<MockRuntime>,
    _dir: tempfile::TempDir,
}

fn desk() -> Desk {
    desk_in(tempfile::tempdir().unwrap())
}

/// The desktop over the station file `station.db` in `dir` (made beforehand, or not).
fn desk_in(dir: tempfile::TempDir) -> Desk {
    let paths = Paths { db: dir.path().join("station.db"), data_dir: dir.path().to_path_buf() };
    let app = configure(mock_builder(), Options { paths: Some(paths), log_to_file: false })
        .build(mock_context(noop_assets()))
        .expect("app");
    let win = WebviewWindowBuilder::new(&app, "main", Default::default()).build().expect("window");
    Desk { _app: app, win, _dir: dir }
}

impl Desk {
    fn call(&self, cmd: &str, args: Value) -> Result<Value, Value> {
        let req = InvokeRequest {
            cmd: cmd.into(),
            callback: tauri::ipc::CallbackFn(0),
            error: tauri::ipc::CallbackFn(1),
            url: "tauri://localhost".parse().unwrap(),
            body: tauri::ipc::InvokeBody::Json(args),
            headers: Default::default(),
            invoke_key: INVOKE_KEY.to_string(),
        };
        get_ipc_response(&self.win, req).map(|b| b.deserialize::<Value>().unwrap())
    }

    fn ok(&self, cmd: &str, args: Value) -> Value {
        self.call(cmd, args).unwrap_or_else(|e| panic!("{cmd} failed: {e}"))
    }

    fn setup(&self) -> Value {
        self.ok("setup_station", json!({ "req": setup_req(OP_SETUP) }))
    }
}

/// The station passphrase the tests' stations are encrypted with (CI has no keyring).
const PASSPHRASE: &str = "柴达木盆地的联络站";

const OP_SETUP: &str = "0190f5a1-7b2c-7d3e-8f40-000000000001";
const OP_REG: &str = "0190f5a1-7b2c-7d3e-8f40-000000000002";
const OP_ACCEPT: &str = "0190f5a1-7b2c-7d3e-8f40-000000000003";

fn setup_req(op: &str) -> Value {
    json!({
        "op_id": op, "unit": "HX0201", "unit_name": "德令哈市消费者投诉联络站",
        "unit_kind": "liaison_station", "parent": "HX02", "admin_code": "632802",
        "device_code": "A1", "device_name": "前台电脑", "staff_name": "卓玛",
        "staff_secret": "德令哈-2026", "load_demo": false, "passphrase": PASSPHRASE
    })
}

/// A valid registration (the UI's fixture, received an hour ago).
fn registration() -> Value {
    let received = chrono::Utc::now() - chrono::Duration::hours(1);
    json!({
        "case_no": "", "unit": "", "case_type": "complaint", "mode": "own", "channel": "visit",
        "received_at": received.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "category": "CCA-S01-01", "nature": "CCA-N02", "claim_fen": 28800,
        "complainants": [{
            "name": "措毛", "phones": ["13315716344"], "address": "德令哈市昆仑路114号",
            "language": "zh",
            "consents": { "personal_info": true, "publish": false, "entrust_mediation": false,
                          "share_with_parties": true }
        }],
        "respondents": [{
            "name": "德令哈市兴旺餐饮管理有限公司", "kind": "enterprise",
            "uscc": "91632802MAQWYM868K", "address": "德令哈市柴达木东路3号",
            "contact": "胡经理", "phone": "0977-8346794"
        }],
        "facts": { "content": "菜品中吃出异物，店方只同意免除该道菜的费用。", "amount_fen": 10900,
                   "place": "德令哈市柴达木东路3号" },
        "requests": ["compensation"], "request_text": "要求退还餐费并赔偿。"
    })
}

#[test]
fn first_start_setup_and_idempotent_registration() {
    let d = desk();
    assert_eq!(d.ok("station_info", json!({})), Value::Null, "first start: no station");

    let info = d.setup();
    assert_eq!(info["unit"], "HX0201");
    assert_eq!(info["unit_kind"], "liaison_station");
    assert_eq!(info["staff"][0]["name"], "卓玛");
    assert_eq!(info["staff"][0]["roles"], json!(["head", "mediator", "clerk"]));
    assert_eq!(d.ok("station_info", json!({})), info);
    // The webview may re-send a call: the same op id gives the same answer.
    assert_eq!(d.setup(), info);
    // A second setup (another op id) is refused with a code.
    let e = d.call("setup_station", json!({ "req": setup_req(&uuid::Uuid::new_v4().to_string()) }));
    assert_eq!(e.unwrap_err()["code"], "station.already_initialized");

    let page = d.ok("list_cases", json!({ "q": { "limit": 50 } }));
    assert_eq!(page, json!({ "rows": [], "next": null }));

    let req = json!({ "req": { "op_id": OP_REG, "reg": registration() } });
    let first = d.ok("register_case", req.clone());
    let again = d.ok("register_case", req);
    assert_eq!(first, again, "same op id, same case");
    assert!(first["no"].as_str().unwrap().starts_with("HX0201-"), "{first}");
    assert_eq!(d.ok("count_cases", json!({ "q": { "limit": 50 } })), json!(1));
    let page = d.ok("list_cases", json!({ "q": { "limit": 50, "status": ["registered"] } }));
    assert_eq!(page["rows"].as_array().unwrap().len(), 1);
    assert_eq!(page["rows"][0]["id"], first["id"]);
    assert_eq!(page["rows"][0]["deadline"]["kind"], "acceptance");

    // An action, sent twice, is recorded once.
    let at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let act = json!({ "req": { "op_id": OP_ACCEPT, "case_id": first["id"],
        "event": { "kind": "case.accepted", "payload": { "at": at } } } });
    let detail = d.ok("case_action", act.clone());
    assert_eq!(detail["case"]["status"], "accepted");
    assert_eq!(detail["next_deadline"]["kind"], "mediation");
    assert!(detail["allowed"].as_array().unwrap().contains(&json!("case.session_scheduled")));
    let detail2 = d.ok("case_action", act);
    assert_eq!(detail2["case"]["timeline"].as_array().unwrap().len(), 2);
    // By number as well as by id.
    let by_no = d.ok("get_case", json!({ "id": first["no"] }));
    assert_eq!(by_no["case"]["id"], first["id"]);

    // A case in the wrong state: the state machine's code and the status in the message.
    let at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let e = d
        .call(
            "case_action",
            json!({ "req": { "op_id": uuid::Uuid::new_v4(), "case_id": first["id"],
            "event": { "kind": "case.accepted", "payload": { "at": at } } } }),
        )
        .unwrap_err();
    assert_eq!(e["code"], "case.illegal_transition");
    assert!(e["message"].as_str().unwrap().contains("已受理"), "{e}");
}

#[test]
fn invalid_input_comes_back_with_field_paths() {
    let d = desk();
    d.setup();
    let mut reg = registration();
    reg["complainants"][0]["phones"] = json!(["1331571634"]);
    reg["respondents"][0]["uscc"] = json!("91632802MAQWYM868X");
    reg["facts"]["content"] = json!("");
    let e = d
        .call("register_case", json!({ "req": { "op_id": uuid::Uuid::new_v4(), "reg": reg } }))
        .unwrap_err();
    assert_eq!(e["code"], "validation.failed", "{e}");
    let paths: Vec<&str> =
        e["issues"].as_array().unwrap().iter().map(|i| i["path"].as_str().unwrap()).collect();
    for p in ["complainants[0].phones[0]", "respondents[0].uscc", "facts.content"] {
        assert!(paths.contains(&p), "{p} missing in {paths:?}");
    }
    for i in e["issues"].as_array().unwrap() {
        assert!(!i["message"].as_str().unwrap().is_empty() && i["code"].is_string(), "{i}");
    }
    assert!(e["message"].as_str().unwrap().starts_with("输入有"), "Chinese by default: {e}");
    assert_eq!(d.ok("count_cases", json!({ "q": { "limit": 10 } })), json!(0), "nothing written");

    // In English once the UI language is English.
    let mut settings = d.ok("settings_get", json!({}));
    assert_eq!(settings["lang"], "zh-CN");
    settings["lang"] = json!("en-US");
    d.ok("settings_set", json!({ "req": settings }));
    let e = d.call("get_case", json!({ "id": "HX0201-2099-A1-99999" })).unwrap_err();
    assert_eq!(e["code"], "not_found");
    assert_eq!(e["message"], "not found: HX0201-2099-A1-99999");

    // Settings are checked field by field.
    let e = d
        .call(
            "settings_set",
            json!({ "req": { "lang": "en-US", "hub_url": "hub.example",
            "own_rules": { "accept_working_days": 0, "mediation_days": 60,
                           "mediation_in_working_days": false } } }),
        )
        .unwrap_err();
    let paths: Vec<&str> =
        e["issues"].as_array().unwrap().iter().map(|i| i["path"].as_str().unwrap()).collect();
    assert_eq!(paths, ["own_rules.accept_working_days", "hub_url"]);

    // A bad op id is a field problem too.
    let e = d
        .call("register_case", json!({ "req": { "op_id": "again", "reg": registration() } }))
        .unwrap_err();
    assert_eq!(e["issues"][0]["path"], "op_id");
}

#[test]
fn setup_reports_every_problem() {
    let d = desk();
    let mut req = setup_req(OP_SETUP);
    req["unit"] = json!("");
    req["staff_name"] = json!(" ");
    let e = d.call("setup_station", json!({ "req": req })).unwrap_err();
    let paths: Vec<&str> =
        e["issues"].as_array().unwrap().iter().map(|i| i["path"].as_str().unwrap()).collect();
    assert_eq!(paths, ["unit", "staff_name"]);
    assert_eq!(d.ok("station_info", json!({})), Value::Null, "nothing set up");
}

#[test]
fn drafts_staff_roving_and_consultations() {
    let d = desk();
    d.setup();
    assert_eq!(d.ok("draft_load", json!({ "key": "intake" })), Value::Null);
    d.ok("draft_save", json!({ "key": "intake", "json": "{\"name\":\"措毛\"}" }));
    assert_eq!(d.ok("draft_load", json!({ "key": "intake" })), json!("{\"name\":\"措毛\"}"));
    let e = d.call("draft_save", json!({ "key": "intake", "json": "{half" })).unwrap_err();
    assert_eq!(e["issues"][0]["path"], "json");
    // Kept in the station file (encrypted with it), not as a file beside it.
    assert!(!d._dir.path().join("drafts").exists());
    d.ok("draft_clear", json!({ "key": "intake" }));
    assert_eq!(d.ok("draft_load", json!({ "key": "intake" })), Value::Null);
    // Only for someone signed in.
    d.ok("lock_session", json!({}));
    let e = d.call("draft_load", json!({ "key": "intake" })).unwrap_err();
    assert_eq!(e["code"], "auth.required");
    sign_in_as(&d, "卓玛", "德令哈-2026");

    let op = uuid::Uuid::new_v4();
    let add = json!({ "req": { "op_id": op, "name": "巴特尔", "roles": ["interpreter"],
        "phone": "13897712345", "languages": ["mn", "zh"], "secret": null } });
    let s1 = d.ok("staff_add", add.clone());
    assert_eq!(d.ok("staff_add", add), s1);
    assert_eq!(d.ok("staff_list", json!({})).as_array().unwrap().len(), 2);

    let op = uuid::Uuid::new_v4();
    let start = json!({ "req": { "op_id": op, "date": "2026-11-20", "place": "可鲁克湖牧委会",
        "team": ["卓玛", "巴特尔"] } });
    let r = d.ok("roving_start", start.clone());
    assert_eq!(d.ok("roving_start", start), r);
    d.ok(
        "record_consultation",
        json!({ "req": { "op_id": uuid::Uuid::new_v4(),
        "topic": "牧业机械三包", "people": 3, "channel": "roving", "roving_session": r["id"] } }),
    );
    let end = json!({ "req": { "op_id": uuid::Uuid::new_v4(), "id": r["id"] } });
    let ended = d.ok("roving_end", end.clone());
    assert!(ended["ended_at"].is_string());
    assert_eq!(ended["consultations"], 1);
    assert_eq!(ended["people"], 3);
    assert_eq!(d.ok("roving_end", end), ended);
    assert_eq!(d.ok("roving_list", json!({})).as_array().unwrap().len(), 1);

    let dash = d.ok("dashboard", json!({}));
    assert_eq!(dash["month"]["consultations_people"], 3);
    assert_eq!(dash["sync"]["enrolled"], false);
    assert!(dash["sync"].as_object().unwrap().contains_key("plain_error"));
    assert!(d.ok("reference", json!({}))["categories"].as_array().unwrap().len() > 10);
}

#[test]
fn every_contract_command_is_registered() {
    let d = desk();
    let e = d.call("no_such_command", json!({})).unwrap_err();
    assert!(e.to_string().contains("not found"), "{e}");
    for cmd in casedesk_ipc::COMMANDS {
        // Missing arguments are an argument error, never "command not found".
        if let Err(e) = d.call(cmd, json!({})) {
            let text = e.to_string();
            assert!(!text.contains("not found"), "{cmd}: {text}");
        }
    }
}

#[test]
fn setup_with_demo_data_fills_the_station_in_the_background() {
    let d = desk();
    let mut req = setup_req(OP_SETUP);
    req["load_demo"] = json!(true);
    let info = d.ok("setup_station", json!({ "req": req }));
    // The demo's staff and ours.
    let staff = info["staff"].as_array().unwrap();
    assert!(staff.len() >= 4, "{staff:?}");
    assert!(staff.iter().any(|s| s["name"] == "卓玛"));
    let want = casedesk_desktop::commands::DEMO_CASES;
    let t = std::time::Instant::now();
    loop {
        let n = d.ok("count_cases", json!({ "q": { "limit": 500 } })).as_u64().unwrap();
        if n == want {
            break;
        }
        assert!(t.elapsed().as_secs() < 300, "only {n} demo cases after 5 minutes");
        std::thread::sleep(std::time::Duration::from_millis(500));
    }
    // Events carry their simulated times: the most overdue case was received months ago and
    // its timeline starts then, not today.
    let dash = d.ok("dashboard", json!({}));
    assert!(dash["by_nature"].as_array().unwrap().len() > 3);
    let old = &dash["overdue"][0];
    let detail = d.ok("get_case", json!({ "id": old["id"] }));
    let at = detail["case"]["timeline"][0]["at"].as_str().unwrap();
    let received = old["received_at"].as_str().unwrap();
    assert_eq!(&at[..10], &received[..10], "registered at {at}, received {received}");
    let today = chrono::Utc::now().to_rfc3339();
    assert_ne!(&at[..10], &today[..10]);

    // A demonstration station says so, never enrolls, and can be removed to start again.
    assert_eq!(d.ok("station_info", json!({}))["demo"], true);
    let refused = d
        .call("sync_enroll", json!({ "req": { "code": "CDE1-00" } }))
        .expect_err("a demonstration station does not enroll");
    assert_eq!(refused["code"], "sync.demo_station", "{refused}");
    // Every case shows before the load ends (its search index is written last): until then
    // the removal is refused in plain words, and asked again it goes through.
    let t = std::time::Instant::now();
    loop {
        let req = json!({ "req": { "op_id": "01a23000-0000-7000-8000-00000000d0e0" } });
        match d.call("reset_demo_station", req) {
            Ok(_) => break,
            Err(e) if e["code"] == "reset.demo_running" && t.elapsed().as_secs() < 300 => {
                std::thread::sleep(std::time::Duration::from_millis(200));
            }
            Err(e) => panic!("reset_demo_station failed: {e}"),
        }
    }
    let after = (0..100).find_map(|_| {
        std::thread::sleep(std::time::Duration::from_millis(50));
        d.call("station_info", json!({})).ok().filter(Value::is_null)
    });
    assert!(after.is_some(), "the wizard starts again: no station");
    let moved = std::fs::read_dir(d._dir.path())
        .unwrap()
        .filter_map(Result::ok)
        .any(|e| e.file_name().to_string_lossy().contains(".removed-"));
    assert!(moved, "the demonstration database is kept aside, renamed");
}

/// Sign-in, lock, switching clerk, the permission checks behind the commands, masking of the
/// case page and the reveal that is recorded for the head.
#[test]
fn sign_in_lock_switch_and_reveal() {
    let d = desk();
    d.setup();
    let me = d.ok("session_info", json!({})).clone();
    assert_eq!(me["staff"]["name"], "卓玛", "the founder is signed in after setup");
    assert!(me["permissions"].as_array().unwrap().contains(&json!("reveal")));
    let reg = json!({ "req": { "op_id": uuid::Uuid::new_v4(), "reg": registration() } });
    let case = d.ok("register_case", reg);

    // The case page shows masked numbers and says which may be revealed.
    let detail = d.ok("get_case", json!({ "id": case["id"] }));
    assert_eq!(detail["case"]["reg"]["complainants"][0]["phones"][0], "133****6344");
    assert_eq!(detail["revealable"], json!(["complainants[0].phones[0]"]));
    let actor = detail["case"]["timeline"][0]["actor"].as_str().unwrap().to_owned();
    assert_eq!(detail["actors"][&actor], "卓玛", "the timeline names who acted");
    let rows = d.ok("list_cases", json!({ "q": { "limit": 10 } }));
    assert_eq!(rows["rows"][0]["phone"], "133****6344");
    // A whole phone number still finds the case.
    let found = d.ok("list_cases", json!({ "q": { "limit": 10, "text": "13315716344" } }));
    assert_eq!(found["rows"].as_array().unwrap().len(), 1);

    // A clerk joins with a PIN.
    d.ok(
        "staff_add",
        json!({ "req": { "op_id": uuid::Uuid::new_v4(), "name": "小王", "roles": ["clerk"],
        "phone": "13997700101", "languages": ["zh"], "secret": "2580" } }),
    );

    // Locked: nothing with case data answers.
    d.ok("lock_session", json!({}));
    assert_eq!(d.ok("session_info", json!({})), Value::Null);
    let e = d.call("list_cases", json!({ "q": { "limit": 10 } })).unwrap_err();
    assert_eq!(e["code"], "auth.required");
    let e = d.call("get_case", json!({ "id": case["id"] })).unwrap_err();
    assert_eq!(e["code"], "auth.required");
    // The sign-in list shows names and roles, no phones.
    let list = d.ok("sign_in_list", json!({}));
    let wang = list.as_array().unwrap().iter().find(|s| s["name"] == "小王").unwrap().clone();
    assert!(wang.get("phone").is_none(), "{wang}");
    assert_eq!(wang["has_credential"], true);

    // A wrong PIN, then the right one: switching clerk without a restart.
    let e = d.call("sign_in", json!({ "req": { "staff": wang["id"], "secret": "0000" } }));
    let e = e.unwrap_err();
    assert_eq!(e["code"], "auth.failed_left");
    assert!(e["message"].as_str().unwrap().contains('4'), "{e}");
    let s = d.ok("sign_in", json!({ "req": { "staff": wang["id"], "secret": "2580" } }));
    assert_eq!(s["staff"]["name"], "小王");
    assert!(!s["permissions"].as_array().unwrap().contains(&json!("reveal")));

    // A clerk may register but not reveal, void or read the access log.
    let field = json!({ "req": { "op_id": uuid::Uuid::new_v4(), "case_id": case["id"],
        "field": "complainants[0].phones[0]" } });
    let e = d.call("reveal", field.clone()).unwrap_err();
    assert_eq!(e["code"], "access.denied");
    assert!(e["message"].as_str().unwrap().contains("查看完整证件号码和电话"), "{e}");
    let e = d.call("audit_log", json!({})).unwrap_err();
    assert_eq!(e["code"], "access.denied");
    let void = json!({ "req": { "op_id": uuid::Uuid::new_v4(), "case_id": case["id"],
        "event": { "kind": "case.voided", "payload": { "reason": "重复" } } } });
    assert_eq!(d.call("case_action", void).unwrap_err()["code"], "access.denied");

    // The head reveals; the access log shows it.
    let founder = list.as_array().unwrap().iter().find(|s| s["name"] == "卓玛").unwrap().clone();
    d.ok("sign_in", json!({ "req": { "staff": founder["id"], "secret": "德令哈-2026" } }));
    assert_eq!(d.ok("reveal", field), json!("13315716344"));
    let log = d.ok("audit_log", json!({}));
    assert_eq!(log[0]["action"], "reveal");
    assert_eq!(log[0]["actor_name"], "卓玛");
    assert_eq!(log[0]["case_no"], case["no"]);
    assert_eq!(log[0]["detail"], "complainants[0].phones[0]");
}

/// 统计 through IPC: the month's report counts what was just registered and accepted, the
/// dashboard's month figures are the report's, a submission is idempotent by op_id and frozen,
/// exports land in the exports folder, hot spots and supervision answer, a bad period is a
/// field error.
#[test]
fn statistics_commands() {
    let d = desk();
    d.setup();
    let case = d.ok("register_case", json!({ "req": { "op_id": OP_REG, "reg": registration() } }));
    let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    d.ok(
        "case_action",
        json!({ "req": { "op_id": OP_ACCEPT, "case_id": case["id"],
            "event": { "kind": "case.accepted", "payload": { "at": now } } } }),
    );
    let month = chrono::Utc::now()
        .with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).unwrap())
        .format("%Y-%m")
        .to_string();
    let r = d.ok("report", json!({ "q": { "unit": null, "period": month } }));
    assert_eq!(
        (r["total"]["received"].as_u64(), r["total"]["accepted"].as_u64()),
        (Some(1), Some(1))
    );
    let dash = d.ok("dashboard", json!({}));
    assert_eq!(dash["month"]["accepted"], r["total"]["accepted"]);
    assert_eq!(dash["month"]["resolved"], r["total"]["resolved"]);

    let op = uuid::Uuid::new_v4();
    let submit = json!({ "req": { "op_id": op, "period": month, "note": "" } });
    let s1 = d.ok("report_submit", submit.clone());
    assert_eq!(s1["submission"]["submitted"], r["total"]);
    let s2 = d.ok("report_submit", submit);
    assert_eq!(s2["submission"]["id"], s1["submission"]["id"], "the same op_id submits once");

    let path = d
        .ok("report_export", json!({ "req": { "unit": null, "period": month, "kind": "report" } }));
    let path = std::path::PathBuf::from(path.as_str().unwrap());
    assert!(path.ends_with(format!("exports/report-HX0201-{month}.xlsx")), "{path:?}");
    assert!(std::fs::read(&path).unwrap().starts_with(b"PK"));
    let h = d.ok("hotspots", json!({ "q": { "unit": null, "weeks": 12 } }));
    assert_eq!(h["weeks"].as_array().unwrap().len(), 12);
    let s = d.ok("supervision", json!({ "q": { "unit": null, "period": month } }));
    assert_eq!(s["rows"][0]["code"], "HX0201");
    let e = d.call("report", json!({ "q": { "unit": null, "period": "2026-Q5" } })).unwrap_err();
    assert_eq!(e["issues"][0]["path"], "period");
    assert_eq!(e["issues"][0]["code"], "report.period");
}

/// The documents panel and the 受理台账 through IPC, with real typesetting: the offers of the
/// case page, a preview with the number it would get, issuing (once per op_id) and the PDF as
/// issued, the .docx copy, a photo attached (base64) with its thumbnail, a file of another type
/// refused beside the file field, the ledger, and `doc_open` refusing paths outside the data
/// folder.
#[test]
fn documents_evidence_and_ledger() {
    use base64::Engine as _;
    let d = desk();
    d.setup();
    let case = d.ok("register_case", json!({ "req": { "op_id": OP_REG, "reg": registration() } }));
    let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let detail = d.ok(
        "case_action",
        json!({ "req": { "op_id": OP_ACCEPT, "case_id": case["id"],
            "event": { "kind": "case.accepted", "payload": { "at": now } } } }),
    );
    let kinds: Vec<&str> = detail["documents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["registration", "acceptance"]);

    let pages = d.ok("doc_preview", json!({ "req": { "case": case["id"], "kind": "acceptance" } }));
    let number = pages["number"].as_str().unwrap().to_owned();
    assert!(number.contains("〔") && number.contains("A1-1"), "{number}");
    let page = pages["pages"][0].as_str().unwrap();
    let png = base64::engine::general_purpose::STANDARD
        .decode(page.strip_prefix("data:image/png;base64,").unwrap())
        .unwrap();
    assert!(png.starts_with(b"\x89PNG"));

    let issue = json!({ "req": { "op_id": "0190f5a1-7b2c-7d3e-8f40-0000000000d1", "case": case["id"],
        "kind": "acceptance", "recipient": "complainant", "delivery": "in_person" } });
    let f = d.ok("doc_issue", issue.clone());
    assert_eq!(f["number"], number.as_str());
    let pdf = std::fs::read(f["path"].as_str().unwrap()).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    assert_eq!(d.ok("doc_issue", issue), f, "the same op_id issues once");
    let detail = d.ok("get_case", json!({ "id": case["id"] }));
    assert_eq!(detail["case"]["documents"].as_array().unwrap().len(), 1);
    assert_eq!(detail["documents"][1]["issued"][0], number.as_str());
    // The PDF as issued is the same bytes; the editable copy is a .docx (a zip).
    let again = d.ok("doc_file", json!({ "req": { "number": number, "format": "pdf" } }));
    assert_eq!(std::fs::read(again["path"].as_str().unwrap()).unwrap(), pdf);
    let docx = d.ok("doc_file", json!({ "req": { "number": number, "format": "docx" } }));
    assert!(std::fs::read(docx["path"].as_str().unwrap()).unwrap().starts_with(b"PK"));
    let shown = d.ok("doc_pages", json!({ "number": number }));
    assert_eq!(shown["number"], number.as_str());

    // Evidence: a PNG photo, and a text file refused beside the file field.
    let photo = casedesk_docs::sample::RECEIPT_PNG;
    let data = base64::engine::general_purpose::STANDARD.encode(photo);
    let add = json!({ "req": { "op_id": "0190f5a1-7b2c-7d3e-8f40-0000000000e1", "case": case["id"],
        "name": "小票.png", "data": data, "description": "购物小票", "original_returned": true } });
    let detail = d.ok("evidence_add", add);
    let ev = &detail["case"]["evidence"][0];
    assert_eq!(ev["media_type"], "image/png");
    assert_eq!(ev["original_returned"], true);
    let thumb = d.ok("evidence_thumb", json!({ "case": case["id"], "evidence": ev["evidence"] }));
    assert!(thumb.as_str().unwrap().starts_with("data:image/png;base64,"));
    let file = d.ok("evidence_file", json!({ "case": case["id"], "evidence": ev["evidence"] }));
    assert_eq!(std::fs::read(file.as_str().unwrap()).unwrap(), photo);
    let text = base64::engine::general_purpose::STANDARD.encode("not a photo");
    let bad = json!({ "req": { "op_id": "0190f5a1-7b2c-7d3e-8f40-0000000000e2", "case": case["id"],
        "name": "note.txt", "data": text } });
    let e = d.call("evidence_add", bad).unwrap_err();
    assert_eq!(
        (e["issues"][0]["path"].as_str(), e["issues"][0]["code"].as_str()),
        (Some("file"), Some("evidence.media_type"))
    );
    let e = d
        .call(
            "evidence_add",
            json!({ "req": { "op_id": "0190f5a1-7b2c-7d3e-8f40-0000000000e3",
            "case": case["id"], "name": "x.png", "data": "%%%" } }),
        )
        .unwrap_err();
    assert_eq!(e["issues"][0]["code"], "evidence.unreadable");

    // The 受理台账 of this month, as PDF and as xlsx.
    let today = chrono::Utc::now()
        .with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).unwrap())
        .date_naive();
    let from = today - chrono::Days::new(30);
    for (format, magic) in [("pdf", &b"%PDF-"[..]), ("xlsx", &b"PK"[..])] {
        let path = d.ok("ledger_export", json!({ "req": { "from": from.to_string(), "to": today.to_string(), "format": format } }));
        assert!(std::fs::read(path.as_str().unwrap()).unwrap().starts_with(magic), "{format}");
    }
    let e = d
        .call("ledger_export", json!({ "req": { "from": today.to_string(), "to": from.to_string(), "format": "pdf" } }))
        .unwrap_err();
    assert_eq!(
        (e["issues"][0]["path"].as_str(), e["issues"][0]["code"].as_str()),
        (Some("to"), Some("date.before_start"))
    );

    // Only files in the data folder open.
    let e = d.call("doc_open", json!({ "path": "/etc/passwd" })).unwrap_err();
    assert_eq!(e["code"], "file.outside");
    let e = d
        .call(
            "doc_open",
            json!({ "path": format!("{}/../../etc/passwd", d._dir.path().display()) }),
        )
        .unwrap_err();
    assert_eq!(e["code"], "file.outside");
}

fn issue_codes(e: &Value) -> Vec<(String, String)> {
    e["issues"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|i| {
                    (
                        i["path"].as_str().unwrap_or("").to_owned(),
                        i["code"].as_str().unwrap_or("").to_owned(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The wizard's key: without a keyring a passphrase is required (nothing is written without
/// one), a short one is refused by name, and the file made is encrypted with it (its key note
/// says so, `sqlite3` sees no database in it).
#[test]
fn the_wizard_chooses_the_key_and_never_leaves_the_file_plain() {
    let d = desk();
    let db = d._dir.path().join("station.db");
    let opts = d.ok("key_options", json!({}));
    assert_eq!(opts["existing"], Value::Null, "{opts}");
    assert_eq!(opts["min_passphrase_chars"], 8);
    let keyring = opts["keyring"].as_bool().unwrap();
    if !keyring {
        let mut req = setup_req(OP_SETUP);
        req["passphrase"] = Value::Null;
        let e = d.call("setup_station", json!({ "req": req })).unwrap_err();
        assert_eq!(
            issue_codes(&e),
            [("passphrase".to_owned(), "key.passphrase_needed".to_owned())]
        );
        assert!(!db.exists(), "nothing written without a key");
        assert_eq!(d.ok("station_info", json!({})), Value::Null);
    }
    let mut req = setup_req(OP_SETUP);
    req["passphrase"] = json!("短口令");
    let e = d.call("setup_station", json!({ "req": req })).unwrap_err();
    assert_eq!(issue_codes(&e), [("passphrase".to_owned(), "key.passphrase_short".to_owned())]);
    assert!(e["issues"][0]["message"].as_str().unwrap().contains('8'), "{e}");
    assert!(!db.exists());

    let info = d.setup();
    assert_eq!(info["unit"], "HX0201");
    assert_eq!(d.ok("session_info", json!({}))["staff"]["name"], "卓玛");
    let note = std::fs::read_to_string(d._dir.path().join("station.db.key")).unwrap();
    assert!(note.contains("passphrase"), "{note}");
    let head = std::fs::read(&db).unwrap();
    assert!(!head.starts_with(b"SQLite format 3"), "the file is encrypted");
    assert_eq!(d.ok("key_options", json!({}))["existing"], "passphrase");
    // The station works on the encrypted file.
    let reg = json!({ "req": { "op_id": uuid::Uuid::new_v4(), "reg": registration() } });
    d.ok("register_case", reg);
    assert_eq!(d.ok("count_cases", json!({ "q": { "limit": 10 } })), json!(1));
}

fn add_clerk(d: &Desk) -> Value {
    d.ok(
        "staff_add",
        json!({ "req": { "op_id": uuid::Uuid::new_v4(), "name": "小王", "roles": ["clerk"],
        "phone": "", "languages": ["zh"], "secret": "2580" } }),
    );
    let list = d.ok("sign_in_list", json!({}));
    list.as_array().unwrap().iter().find(|s| s["name"] == "小王").unwrap().clone()
}

fn sign_in_as(d: &Desk, name: &str, secret: &str) {
    let list = d.ok("sign_in_list", json!({}));
    let who = list.as_array().unwrap().iter().find(|s| s["name"] == name).unwrap().clone();
    d.ok("sign_in", json!({ "req": { "staff": who["id"], "secret": secret } }));
}

/// Retention through IPC: the head sees the period and the closed cases past it, anonymises
/// one (the name gone from the case page and the search, the count unchanged); a clerk is
/// refused every part by the core, naming the permission.
#[test]
fn retention_period_list_and_anonymisation() {
    let d = desk();
    d.setup();
    let v = d.ok("retention_get", json!({}));
    assert_eq!(v["days"], 1095);
    assert_eq!(v["due"], json!([]));
    let reg = json!({ "req": { "op_id": uuid::Uuid::new_v4(), "reg": registration() } });
    let case = d.ok("register_case", reg);
    let at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    d.ok(
        "case_action",
        json!({ "req": { "op_id": uuid::Uuid::new_v4(), "case_id": case["id"],
        "event": { "kind": "case.accepted", "payload": { "at": at } } } }),
    );
    d.ok(
        "case_action",
        json!({ "req": { "op_id": uuid::Uuid::new_v4(), "case_id": case["id"],
        "event": { "kind": "case.closed", "payload": { "at": at, "outcome": "withdrawn",
        "recovered_fen": 0, "doubled_fen": 0, "note": "" } } } }),
    );
    // A period out of range is a field error; a period of 0 days makes the case due now.
    let e = d.call("retention_set", json!({ "req": { "days": 40_000 } })).unwrap_err();
    assert_eq!(issue_codes(&e), [("retention_days".to_owned(), "range".to_owned())]);
    let v = d.ok("retention_set", json!({ "req": { "days": 0 } }));
    assert_eq!(v["days"], 0);
    let due = v["due"].as_array().unwrap();
    assert_eq!(due.len(), 1, "{v}");
    assert_eq!(due[0]["no"], case["no"]);
    assert_eq!(due[0]["days_over"], 0);
    assert!(due[0]["events"].as_u64().unwrap() >= 1);

    // A clerk: refused by the core.
    add_clerk(&d);
    sign_in_as(&d, "小王", "2580");
    for (cmd, args) in [
        ("retention_get", json!({})),
        ("retention_set", json!({ "req": { "days": 10 } })),
        (
            "retention_apply",
            json!({ "req": { "op_id": uuid::Uuid::new_v4(), "cases": [case["id"]] } }),
        ),
    ] {
        let e = d.call(cmd, args).unwrap_err();
        assert_eq!(e["code"], "access.denied", "{cmd}: {e}");
    }

    sign_in_as(&d, "卓玛", "德令哈-2026");
    let op = uuid::Uuid::new_v4();
    let apply = json!({ "req": { "op_id": op, "cases": [case["id"]] } });
    let r = d.ok("retention_apply", apply.clone());
    assert_eq!(r["anonymized"], json!([case["no"]]), "{r}");
    assert_eq!(r["failed"], json!([]));
    assert_eq!(r["view"]["due"], json!([]));
    // Sent again (same op id): the same answer, nothing more written.
    let again = d.ok("retention_apply", apply);
    assert_eq!(again["anonymized"], r["anonymized"]);
    assert_eq!(again["failed"], json!([]));
    let detail = d.ok("get_case", json!({ "id": case["id"] }));
    assert_eq!(detail["case"]["reg"]["complainants"][0]["name"], "", "{detail}");
    assert!(detail["case"]["anonymized_at"].is_string());
    let found = d.ok("list_cases", json!({ "q": { "limit": 10, "text": "措毛" } }));
    assert_eq!(found["rows"], json!([]));
    assert_eq!(d.ok("count_cases", json!({ "q": { "limit": 10 } })), json!(1), "the case stays");
    // A case that is not due (another op): reported, not anonymised.
    let r = d.ok(
        "retention_apply",
        json!({ "req": { "op_id": uuid::Uuid::new_v4(), "cases": [case["id"]] } }),
    );
    assert_eq!(r["anonymized"], json!([]));
    assert_eq!(r["failed"].as_array().unwrap().len(), 1, "{r}");
}

/// The idle lock: the head's setting in the station file, bounded, refused to a clerk, and
/// what the session tells the UI's timer (unless the test override is set).
#[test]
fn the_head_sets_the_idle_lock() {
    let d = desk();
    d.setup();
    let v = d.ok("idle_lock_get", json!({}));
    assert_eq!(v["secs"], 600);
    assert_eq!(v["min_secs"], 60);
    assert_eq!(v["max_secs"], 7200);
    let overridden = std::env::var("CASEDESK_IDLE_LOCK_SECS").is_ok();
    if !overridden {
        assert_eq!(d.ok("session_info", json!({}))["idle_lock_secs"], 600);
    }
    for bad in [59, 7201] {
        let e = d.call("idle_lock_set", json!({ "req": { "secs": bad } })).unwrap_err();
        assert_eq!(issue_codes(&e), [("idle_lock_secs".to_owned(), "range".to_owned())], "{bad}");
    }
    let v = d.ok("idle_lock_set", json!({ "req": { "secs": 300 } }));
    assert_eq!(v["secs"], 300);
    if !overridden {
        assert_eq!(d.ok("session_info", json!({}))["idle_lock_secs"], 300);
    }
    add_clerk(&d);
    sign_in_as(&d, "小王", "2580");
    assert_eq!(d.ok("idle_lock_get", json!({}))["secs"], 300, "anyone sees it");
    let e = d.call("idle_lock_set", json!({ "req": { "secs": 900 } })).unwrap_err();
    assert_eq!(e["code"], "access.denied");
}

/// A plain station file made by the store (as versions before encryption and staff accounts
/// made them), founded by `founder` with `secret` (None: before staff passwords).
fn plain_station(founder: &str, secret: Option<&str>) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let mut s = casedesk_store::Store::open(&dir.path().join("station.db")).unwrap();
    s.init_station(casedesk_store::StationInit {
        unit: "HX0201".into(),
        unit_name: "德令哈市消费者投诉联络站".into(),
        unit_kind: casedesk_domain::types::UnitKind::LiaisonStation,
        parent: Some("HX02".into()),
        admin_code: "632802".into(),
        device_code: "A1".into(),
        device_name: "前台电脑".into(),
        founder: founder.into(),
        founder_secret: secret.map(Into::into),
    })
    .unwrap();
    dir
}

/// A station made before staff accounts (no one has a password here): the first head is set
/// up through `first_head` before anything else, once.
#[test]
fn a_station_without_passwords_gets_its_first_head() {
    let dir = plain_station("马站长", None);
    let d = desk_in(dir);
    assert_eq!(d.ok("session_info", json!({})), Value::Null, "nobody is signed in");
    let list = d.ok("sign_in_list", json!({}));
    assert!(list.as_array().unwrap().iter().all(|s| s["has_credential"] == false), "{list}");
    let e = d.call("list_cases", json!({ "q": { "limit": 10 } })).unwrap_err();
    assert_eq!(e["code"], "auth.required", "not open as everyone");
    let e = d.call("first_head", json!({ "req": { "name": "卓玛", "secret": "12" } })).unwrap_err();
    assert_eq!(issue_codes(&e), [("secret".to_owned(), "auth.password_weak".to_owned())]);
    let s = d.ok("first_head", json!({ "req": { "name": "卓玛", "secret": "德令哈-2026" } }));
    assert_eq!(s["staff"]["name"], "卓玛");
    assert!(s["permissions"].as_array().unwrap().contains(&json!("manage_staff")));
    assert_eq!(d.ok("count_cases", json!({ "q": { "limit": 10 } })), json!(0));
    d.ok("lock_session", json!({}));
    let e = d
        .call("first_head", json!({ "req": { "name": "别人", "secret": "12345678" } }))
        .unwrap_err();
    assert_eq!(e["code"], "auth.first_head_done");
    sign_in_as(&d, "卓玛", "德令哈-2026");
}

/// A backup made while the station had another passphrase (on a USB stick from before the
/// passphrase was changed, or from another computer of the station): the desktop asks for that
/// passphrase, refuses a wrong one, checks and restores with the right one, and the station
/// opens with it from then on (its key note is the backup's).
#[test]
fn restores_a_backup_made_with_another_passphrase() {
    const OLD: &str = "去年的站点口令-格尔木";
    // The other copy: a station encrypted with OLD, one case, backed up.
    let old = desk();
    let mut req = setup_req(OP_SETUP);
    req["passphrase"] = json!(OLD);
    req["staff_name"] = json!("才让");
    old.ok("setup_station", json!({ "req": req }));
    old.ok("register_case", json!({ "req": { "op_id": OP_REG, "reg": registration() } }));
    let made = old.ok("backup_now", json!({}));
    let old_folder = made["overview"]["folder"].as_str().unwrap().to_owned();
    let old_backup = made["written"][0]["path"].as_str().unwrap().to_owned();

    // This station (PASSPHRASE, no cases) sees that folder as its extra backup folder.
    let d = desk();
    d.setup();
    d.ok("backup_set_folder", json!({ "req": { "folder": old_folder } }));
    let list = d.ok("backup_list", json!({}));
    assert!(list["backups"].as_array().unwrap().iter().any(|b| b["path"] == old_backup.as_str()));

    let e = d.call("backup_check", json!({ "path": old_backup, "passphrase": null })).unwrap_err();
    assert_eq!(e["code"], "backup.other_passphrase");
    assert!(e["message"].as_str().unwrap().contains("口令"), "{e}");
    let e = d
        .call("backup_check", json!({ "path": old_backup, "passphrase": "不是这个口令" }))
        .unwrap_err();
    assert_eq!(e["code"], "backup.wrong_key");
    let checked = d.ok("backup_check", json!({ "path": old_backup, "passphrase": OLD }));
    assert_eq!(checked["cases"], 1);

    // Restoring without it, or with a wrong one, changes nothing.
    let op = uuid::Uuid::new_v4().to_string();
    let e = d
        .call("backup_restore", json!({ "req": { "path": old_backup, "op_id": op } }))
        .unwrap_err();
    assert_eq!(e["code"], "backup.other_passphrase");
    let e = d
        .call(
            "backup_restore",
            json!({ "req": { "path": old_backup, "op_id": uuid::Uuid::new_v4(),
                             "passphrase": "不是这个口令" } }),
        )
        .unwrap_err();
    assert_eq!(e["code"], "backup.wrong_key");
    assert_eq!(d.ok("count_cases", json!({ "q": { "limit": 10 } })), json!(0));

    let r = d.ok(
        "backup_restore",
        json!({ "req": { "path": old_backup, "op_id": uuid::Uuid::new_v4(), "passphrase": OLD } }),
    );
    assert_eq!(r["cases"], 1);
    // Reopened on the restored copy with OLD's key: its staff sign in and its case is there.
    assert_eq!(d.ok("session_info", json!({})), Value::Null, "signed out by the restore");
    sign_in_as(&d, "才让", "德令哈-2026");
    assert_eq!(d.ok("count_cases", json!({ "q": { "limit": 10 } })), json!(1));
    assert_eq!(d.ok("db_lock", json!({}))["locked"], false);
    // The key note beside the station file is now the backup's: the next start asks for OLD.
    let db = d._dir.path().join("station.db");
    let note = casedesk_keys::read_note(&db).unwrap().expect("a key note");
    let backup_note = casedesk_keys::backup_note(std::path::Path::new(&old_backup)).unwrap();
    assert_eq!(Some(note), backup_note);
    // And it does: started again, the station waits for its passphrase, refuses this station's
    // old one and opens with OLD.
    let Desk { _app, win, _dir } = d;
    drop(win);
    drop(_app);
    let again = desk_in(_dir);
    assert_eq!(again.ok("db_lock", json!({}))["locked"], true);
    let e = again.call("db_unlock", json!({ "req": { "passphrase": PASSPHRASE } })).unwrap_err();
    assert_eq!(e["code"], "db.wrong_passphrase", "{e}");
    assert_eq!(again.ok("db_unlock", json!({ "req": { "passphrase": OLD } }))["locked"], false);
    sign_in_as(&again, "才让", "德令哈-2026");
    assert_eq!(again.ok("count_cases", json!({ "q": { "limit": 10 } })), json!(1));
}

/// The folder dialog: only for someone signed in; without a window (as here, and in a browser)
/// the answer says to type the path, with its code.
#[test]
fn the_folder_dialog_needs_a_window_and_a_person() {
    let d = desk();
    d.setup();
    let req = json!({ "req": { "title": "选择 U 盘", "start": null, "extensions": [] } });
    let e = d.call("pick_path", req.clone()).unwrap_err();
    assert_eq!(e["code"], "dialog.unavailable", "{e}");
    assert!(e["message"].as_str().unwrap().contains("完整路径"), "{e}");
    d.ok("lock_session", json!({}));
    assert_eq!(d.call("pick_path", req).unwrap_err()["code"], "auth.required");
}

/// Drafts that an older version kept as files in clear move into the encrypted station file at
/// the next start, and the files go; the raw station file shows none of their text.
#[test]
fn draft_files_of_an_older_version_move_into_the_station_file() {
    let d = desk();
    d.setup();
    d.ok("register_case", json!({ "req": { "op_id": OP_REG, "reg": registration() } }));
    let Desk { _app, win, _dir } = d;
    drop(win);
    drop(_app);
    // What 0.1 wrote: drafts/<hex of the key>.json.
    let drafts = _dir.path().join("drafts");
    std::fs::create_dir(&drafts).unwrap();
    let body = "{\"name\":\"索南才让\",\"id_no\":\"632801199001010019\"}";
    let hex: String = "intake".bytes().map(|b| format!("{b:02x}")).collect();
    std::fs::write(drafts.join(format!("{hex}.json")), body).unwrap();
    let again = desk_in(_dir);
    assert_eq!(
        again.ok("db_unlock", json!({ "req": { "passphrase": PASSPHRASE } }))["locked"],
        false
    );
    sign_in_as(&again, "卓玛", "德令哈-2026");
    assert_eq!(again.ok("draft_load", json!({ "key": "intake" })), json!(body));
    assert!(!again._dir.path().join("drafts").exists(), "the draft files are gone");
    let raw = std::fs::read(again._dir.path().join("station.db")).unwrap();
    let needle = "632801199001010019".as_bytes();
    assert!(!raw.windows(needle.len()).any(|w| w == needle), "the draft is not in clear");
}

/// A station file from before encryption on a computer without a keyring stays plain when it
/// is opened (there is no key to keep); the head encrypts it with a station passphrase from the
/// desktop: the file shows nothing readable after, its plain backups are gone and an encrypted
/// one is there, and the next start asks for the passphrase.
#[test]
fn the_head_encrypts_a_station_that_stayed_plain() {
    if casedesk_keys::keyring_available().is_ok() {
        eprintln!("skipped: this session has a keyring, so a plain file is encrypted on open");
        return;
    }
    let dir = plain_station("卓玛", Some("德令哈-2026"));
    let d = desk_in(dir);
    sign_in_as(&d, "卓玛", "德令哈-2026");
    d.ok("register_case", json!({ "req": { "op_id": OP_REG, "reg": registration() } }));
    let made = d.ok("backup_now", json!({}));
    assert_eq!(made["overview"]["encrypted"], false);
    let plain_backup = made["written"][0]["path"].as_str().unwrap().to_owned();
    let db = d._dir.path().join("station.db");
    // The file and its WAL (recent writes are there until a checkpoint).
    let has = |path: &std::path::Path, s: &str| {
        let wal = casedesk_store::crypt::sibling(path, "-wal");
        [path.to_path_buf(), wal].iter().any(|p| {
            let raw = std::fs::read(p).unwrap_or_default();
            raw.windows(s.len()).any(|w| w == s.as_bytes())
        })
    };
    assert!(has(&db, "德令哈市兴旺餐饮管理有限公司"), "plain to begin with");

    // A clerk may not; a short passphrase is refused at its field; nothing changes.
    let e = d.call("encrypt_station", json!({ "req": { "passphrase": "短" } })).unwrap_err();
    assert_eq!(issue_codes(&e), [("passphrase".to_owned(), "key.passphrase_short".to_owned())]);
    add_clerk(&d);
    sign_in_as(&d, "小王", "2580");
    let e = d
        .call("encrypt_station", json!({ "req": { "passphrase": "柴达木的新口令-2026" } }))
        .unwrap_err();
    assert_eq!(e["code"], "access.denied", "{e}");
    sign_in_as(&d, "卓玛", "德令哈-2026");

    let r = d.ok("encrypt_station", json!({ "req": { "passphrase": "柴达木的新口令-2026" } }));
    assert_eq!(r["removed_plain_backups"], 1);
    assert_eq!(r["overview"]["encrypted"], true);
    let backups = r["overview"]["backups"].as_array().unwrap();
    assert_eq!(backups.len(), 1, "{backups:?}");
    assert!(!std::path::Path::new(&plain_backup).exists());
    assert!(!has(&db, "德令哈市兴旺餐饮管理有限公司"), "nothing readable in the file");
    let newest = std::path::PathBuf::from(backups[0]["path"].as_str().unwrap());
    assert!(!has(&newest, "德令哈市兴旺餐饮管理有限公司"), "nor in the backup");
    // Still signed in, the case still there; a second time is refused.
    assert_eq!(d.ok("count_cases", json!({ "q": { "limit": 10 } })), json!(1));
    let e = d
        .call("encrypt_station", json!({ "req": { "passphrase": "柴达木的新口令-2026" } }))
        .unwrap_err();
    assert_eq!(issue_codes(&e), [("passphrase".to_owned(), "key.already_encrypted".to_owned())]);
    assert_eq!(d.ok("key_options", json!({}))["existing"], "passphrase");

    let Desk { _app, win, _dir } = d;
    drop(win);
    drop(_app);
    let again = desk_in(_dir);
    assert_eq!(again.ok("db_lock", json!({}))["locked"], true);
    again.ok("db_unlock", json!({ "req": { "passphrase": "柴达木的新口令-2026" } }));
    sign_in_as(&again, "卓玛", "德令哈-2026");
    assert_eq!(again.ok("count_cases", json!({ "q": { "limit": 10 } })), json!(1));
}
