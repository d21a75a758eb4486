//! The association's console on both stores: what stations report is recorded (last contact,
//! head, refused pushes), administrators log in with argon2id hashes, and revoke and unfreeze
//! take effect only with the session's CSRF token and are recorded with who did them. (The same
//! pages in a real browser against a real hub: `scripts/console-e2e.sh`.)

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Method, Request, StatusCode, header};
use casedesk_hub::console::{self, ConsoleOptions, hash_password};
use casedesk_hub::now_ms;
use casedesk_hub::store::{AdminWrite, HubStore};
use serde_json::json;
use tower::ServiceExt;

use crate::support::{Hub, Reply, Station};

const ORIGIN: &str = "http://127.0.0.1:8444";
const PASSWORD: &str = "correct horse battery";

fn console_of(hub: &Hub) -> Router {
    let opts = ConsoleOptions {
        silent_days: 7,
        hub_url: "https://hub.example:8443".into(),
        fingerprint: Some("ab".repeat(32)),
    };
    console::router(Arc::clone(&hub.store), opts)
}

async fn call(app: &Router, method: Method, path: &str, cookies: &str, form: &str) -> Reply {
    let mut req = Request::builder()
        .method(method.clone())
        .uri(path)
        .header(header::HOST, "127.0.0.1:8444")
        .header(header::COOKIE, cookies);
    if method == Method::POST {
        req = req
            .header(header::ORIGIN, ORIGIN)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    }
    let mut req = req.body(Body::from(form.to_owned())).expect("request");
    req.extensions_mut().insert(ConnectInfo(SocketAddr::from(([127, 0, 0, 1], 50000))));
    let resp = app.clone().oneshot(req).await.expect("infallible");
    let status = resp.status();
    let headers = resp.headers().clone();
    let body = axum::body::to_bytes(resp.into_body(), usize::MAX).await.expect("body");
    Reply { status, headers, body }
}

fn text(r: &Reply) -> String {
    String::from_utf8_lossy(&r.body).into_owned()
}

/// The value of the hidden field `name` in a page.
fn field(page: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = page.find(&marker).unwrap_or_else(|| panic!("no {name} in {page}")) + marker.len();
    page[start..].split('"').next().expect("value").to_owned()
}

/// `name=value` of the cookie `name` that `r` sets.
fn set_cookie(r: &Reply, name: &str) -> Option<String> {
    r.headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))
        .map(|v| v.split(';').next().unwrap_or_default().to_owned())
}

/// Logs in as `name` with `password`: the reply and the session cookie, if any.
async fn log_in(app: &Router, name: &str, password: &str) -> (Reply, Option<String>) {
    let page = call(app, Method::GET, "/login", "", "").await;
    assert_eq!(page.status, StatusCode::OK);
    let login_cookie = set_cookie(&page, "cdk_login").expect("login cookie");
    let token = field(&text(&page), "login_csrf");
    let form = format!("name={name}&password={}&login_csrf={token}", password.replace(' ', "+"));
    let r = call(app, Method::POST, "/login", &login_cookie, &form).await;
    let session = set_cookie(&r, "cdk_console").filter(|c| c != "cdk_console=");
    (r, session)
}

conformance! {
async fn stations_report_contact_and_head_and_refused_pushes_are_kept() {
    let hub = Hub::new().await;
    hub.add_units(crate::support::UNITS_CSV).await;
    let mut st = hub.station("HX02").await;
    st.new_case(2);
    hub.push_ok(&st, st.events(1, 3)).await;
    let before = now_ms();
    let status = hub.get(Some(&st.token), "/v1/status?head=5").await;
    assert_eq!(status.status, StatusCode::OK);
    let d = hub.store.list_devices().await.unwrap().into_iter().find(|d| d.id == st.device).unwrap();
    assert!(d.last_contact_ms.is_some_and(|t| t >= before), "{d:?}");
    assert_eq!((d.reported_head, d.acked_seq, d.waiting()), (Some(5), 3, Some(2)));
    // An older station sends no head: its contact is recorded, the head it reported kept.
    assert_eq!(hub.get(Some(&st.token), "/v1/status").await.status, StatusCode::OK);
    assert_eq!(hub.get(Some(&st.token), "/v1/status?head=x").await.status, StatusCode::OK);

    // A batch that skips events is refused, and the refusal is listed with its code.
    st.new_case(1);
    let refused = hub.push(&st, st.events(5, 5)).await;
    assert_eq!(refused.status, StatusCode::CONFLICT, "{}", text(&refused));
    let refusals = hub.store.list_refusals(10).await.unwrap();
    assert_eq!(refusals.len(), 1, "{refusals:?}");
    assert_eq!((refusals[0].device, refusals[0].code.as_str()), (st.device, "gap"));
}
}

conformance! {
async fn administrators_log_in_and_revoke_and_unfreeze_are_confirmed_and_recorded() {
    let hub = Hub::new().await;
    hub.add_units(crate::support::UNITS_CSV).await;
    let hash = hash_password(PASSWORD).unwrap();
    hub.store.write_admin("wang".into(), hash.clone(), now_ms(), AdminWrite::Create).await.unwrap();
    let taken = hub.store.write_admin("wang".into(), hash, now_ms(), AdminWrite::Create).await;
    assert!(taken.is_err(), "an administrator made twice");
    let app = console_of(&hub);

    // Pages need a login; a wrong password gets none.
    let r = call(&app, Method::GET, "/", "", "").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.headers.get(header::LOCATION).unwrap(), "/login");
    let (r, session) = log_in(&app, "wang", "wrong horse battery").await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(session.is_none());
    let (r, session) = log_in(&app, "nobody", PASSWORD).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(session.is_none());
    let (r, session) = log_in(&app, "wang", PASSWORD).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", text(&r));
    let session = session.expect("session cookie");
    let flags = r.headers.get_all(header::SET_COOKIE).iter().map(|v| v.to_str().unwrap().to_owned()).find(|v| v.starts_with("cdk_console=")).unwrap();
    for flag in ["HttpOnly", "Secure", "SameSite=Strict"] {
        assert!(flags.contains(flag), "{flags}");
    }

    // Two devices: one revoked, one forked (and so frozen) and unfrozen.
    let mut st = hub.station("HX02").await;
    st.new_case(2);
    hub.push_ok(&st, st.events(1, 3)).await;
    let mut fork = Station {
        device: st.device,
        unit: st.unit.clone(),
        token: st.token.clone(),
        chain: st.chain[..1].to_vec(),
        key: st.key.clone(),
    };
    let stream = st.chain[0].stream;
    fork.write(stream, "case.note_added", json!({ "text": "the copy's note" }));
    let forked = hub.push(&fork, fork.events(1, 2)).await;
    assert_eq!(forked.status, StatusCode::CONFLICT, "{}", text(&forked));
    let other = hub.station("HX03").await;

    let page = call(&app, Method::GET, "/", &session, "").await;
    assert_eq!(page.status, StatusCode::OK);
    let page = text(&page);
    assert!(page.contains(&st.device.to_string()) && page.contains(&other.device.to_string()));
    assert!(page.contains("已冻结"), "{page}");
    let csrf = field(&page, "csrf");

    // Revoke: a confirmation page, then a POST that needs the token.
    let confirm = call(&app, Method::GET, &format!("/devices/{}/revoke", other.device), &session, "").await;
    assert_eq!(confirm.status, StatusCode::OK);
    assert!(text(&confirm).contains("确认吊销"));
    let path = format!("/devices/{}/revoke", other.device);
    let forged = call(&app, Method::POST, &path, &session, "csrf=forged").await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let anonymous = call(&app, Method::POST, &path, "", &format!("csrf={csrf}")).await;
    assert_eq!(anonymous.status, StatusCode::SEE_OTHER, "no session: to the login page");
    let devices = hub.store.list_devices().await.unwrap();
    assert!(devices.iter().all(|d| d.revoked_ms.is_none()), "revoked without a valid POST");
    let done = call(&app, Method::POST, &path, &session, &format!("csrf={csrf}")).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", text(&done));
    let r = hub.get(Some(&other.token), "/v1/status").await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", text(&r));

    // Unfreeze.
    let path = format!("/devices/{}/unfreeze", st.device);
    let done = call(&app, Method::POST, &path, &session, &format!("csrf={csrf}")).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", text(&done));
    let d = hub.store.list_devices().await.unwrap().into_iter().find(|d| d.id == st.device).unwrap();
    assert!(d.frozen_reason.is_none(), "{d:?}");
    assert_eq!(hub.get(Some(&st.token), "/v1/status").await.status, StatusCode::OK);

    let actions = hub.store.list_admin_actions(10).await.unwrap();
    let seen: Vec<(&str, &str, String)> =
        actions.iter().map(|a| (a.admin.as_str(), a.action.as_str(), a.target.clone())).collect();
    assert_eq!(
        seen,
        vec![
            ("wang", "unfreeze", st.device.to_string()),
            ("wang", "revoke", other.device.to_string()),
        ]
    );
    let log = text(&call(&app, Method::GET, "/actions", &session, "").await);
    assert!(log.contains("吊销") && log.contains("解冻") && log.contains("wang"), "{log}");

    // An enrollment code made in the console, with its QR code, is one the hub takes.
    let form = format!("csrf={csrf}&unit=HX01&device=&hub_url=https%3A%2F%2Fhub.example%3A8443&valid_hours=24");
    let made = text(&call(&app, Method::POST, "/codes", &session, &form).await);
    assert!(made.contains("<svg"), "{made}");
    let start = made.find("CDE1-").expect("a code");
    let code = &made[start..start + made[start..].find('<').unwrap()];
    let code = casedesk_proto::sync::EnrollCode::decode(code).expect("the code decodes");
    assert_eq!(code.unit, "HX01");
    let enrolled = hub.post_enroll(&code.secret, uuid::Uuid::now_v7(), "HX01").await;
    assert_eq!(enrolled.status, StatusCode::OK, "{}", text(&enrolled));
    assert_eq!(hub.store.list_admin_actions(10).await.unwrap()[0].action, "enroll_code");

    // Logged out, the session is gone.
    let out = call(&app, Method::POST, "/logout", &session, &format!("csrf={csrf}")).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    let r = call(&app, Method::GET, "/", &session, "").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
}
}
