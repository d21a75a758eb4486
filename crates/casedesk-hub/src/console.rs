//! The association's console: a few server-rendered pages (maud) for the hub's administrator,
//! served on an address of its own (`casedesk-hub serve --console ADDR`), never on the device
//! API's.
//!
//! - Login with an administrator account (`casedesk-hub admin add`; argon2id hashes in the
//!   store). Attempts are counted per client address (`EnrollLimiter`: 10 per 10 minutes).
//!   A session is a random token in a `Secure; HttpOnly; SameSite=Strict` cookie, kept in memory
//!   (hashed) for 8 hours at most; a restart logs everyone out.
//! - Every POST carries the session's CSRF token in a hidden field (the login form a
//!   double-submit cookie), and a POST whose `Origin` is another site is refused.
//! - Pages: stations and devices (last contact, events waiting as last reported, state; silent
//!   for more than `silent_days` flagged), quarantined events and refused pushes, enrollment
//!   codes (made here, with a QR code), what administrators did. Revoke and unfreeze ask for a
//!   confirmation and are recorded with who did it and when.
//! - Chinese first; English with the language switch (a cookie). No script but the print button;
//!   a Content-Security-Policy allows nothing from elsewhere.
//!
//! Only the `HubStore` trait is used, so the console works alike on SQLite and PostgreSQL.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use axum::Router;
use axum::extract::{ConnectInfo, Form, FromRequestParts, Path, Request, State};
use axum::http::header::{
    CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE, COOKIE, HOST, LOCATION, ORIGIN,
    REFERRER_POLICY, SET_COOKIE, X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use maud::{DOCTYPE, Markup, PreEscaped, html};
use serde::Deserialize;
use uuid::Uuid;

use crate::codes::{self, CodeRequest};
use crate::error::HubError;
use crate::secret::{random_secret, sha256_hex};
use crate::store::{AdminAction, DeviceRecord, HubStore};
use crate::throttle::EnrollLimiter;

/// Name of the session cookie.
const SESSION_COOKIE: &str = "cdk_console";
/// Name of the login form's double-submit cookie.
const LOGIN_COOKIE: &str = "cdk_login";
const LANG_COOKIE: &str = "cdk_lang";
/// Longest a session lasts.
const SESSION_HOURS: i64 = 8;
/// Sessions kept at once (the oldest go first).
const MAX_SESSIONS: usize = 1000;
/// Login attempts allowed per client address in `LOGIN_PERIOD`.
pub const LOGIN_ATTEMPTS: u32 = 10;
pub const LOGIN_PERIOD: Duration = Duration::from_secs(600);
/// Longest administrator name and password read.
const MAX_NAME: usize = 64;
const MAX_PASSWORD: usize = 256;

/// How the console is set up.
#[derive(Clone, Debug)]
pub struct ConsoleOptions {
    /// A station without contact for more than this many days is flagged.
    pub silent_days: u32,
    /// The device API's URL as stations reach it (pre-filled in the code form).
    pub hub_url: String,
    /// SHA-256 of the device API's certificate (carried by codes for an https URL).
    pub fingerprint: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Lang {
    Zh,
    En,
}

impl Lang {
    fn t(self, zh: &'static str, en: &'static str) -> &'static str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }
    fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }
}

struct Session {
    admin: String,
    csrf: String,
    expires_ms: i64,
}

struct ConsoleState<S> {
    store: Arc<S>,
    opts: ConsoleOptions,
    /// By the SHA-256 of the session token.
    sessions: Mutex<HashMap<String, Session>>,
    limiter: EnrollLimiter,
}

type Shared<S> = Arc<ConsoleState<S>>;

/// The console's router over `store`; serve it with connect info (`SocketAddr`) so login
/// attempts count per address.
pub fn router<S: HubStore>(store: Arc<S>, opts: ConsoleOptions) -> Router {
    let state = Arc::new(ConsoleState {
        store,
        opts,
        sessions: Mutex::new(HashMap::new()),
        limiter: EnrollLimiter::new(LOGIN_ATTEMPTS, LOGIN_PERIOD),
    });
    Router::new()
        .route("/", get(stations::<S>))
        .route("/login", get(login_page).post(login::<S>))
        .route("/logout", axum::routing::post(logout::<S>))
        .route("/quarantine", get(quarantine::<S>))
        .route("/codes", get(codes_page::<S>).post(create_code::<S>))
        .route("/actions", get(actions::<S>))
        .route("/devices/{id}/{action}", get(confirm::<S>).post(act::<S>))
        .route("/lang/{lang}", get(set_lang))
        .route("/static/console.css", get(stylesheet))
        .route("/static/console.js", get(script))
        .fallback(not_found)
        .with_state(state)
        .layer(middleware::from_fn(security_headers))
}

async fn security_headers(req: Request, next: Next) -> Response {
    let mut response = next.run(req).await;
    let h = response.headers_mut();
    h.insert(
        CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; \
             form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        ),
    );
    h.insert(X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    h.entry(CACHE_CONTROL).or_insert(HeaderValue::from_static("no-store"));
    response
}

// ---- requests: language, client address, session ----

fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

fn lang_of(headers: &HeaderMap) -> Lang {
    match cookie(headers, LANG_COOKIE) {
        Some("en") => Lang::En,
        _ => Lang::Zh,
    }
}

struct Client(IpAddr);

impl<S: Send + Sync> FromRequestParts<S> for Client {
    type Rejection = HubError;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Client, HubError> {
        let addr = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip());
        Ok(Client(addr.unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED))))
    }
}

/// A logged-in administrator, or a redirect to the login page.
struct Admin {
    name: String,
    csrf: String,
    lang: Lang,
}

impl<S: HubStore> FromRequestParts<Shared<S>> for Admin {
    type Rejection = Response;
    async fn from_request_parts(parts: &mut Parts, state: &Shared<S>) -> Result<Admin, Response> {
        let lang = lang_of(&parts.headers);
        let token = cookie(&parts.headers, SESSION_COOKIE).map(sha256_hex);
        let now = crate::now_ms();
        let mut sessions = state.sessions.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(key) = token {
            match sessions.get(&key) {
                Some(s) if s.expires_ms > now => {
                    return Ok(Admin { name: s.admin.clone(), csrf: s.csrf.clone(), lang });
                }
                Some(_) => {
                    sessions.remove(&key);
                }
                None => {}
            }
        }
        Err(redirect("/login"))
    }
}

fn redirect(to: &str) -> Response {
    let mut r = StatusCode::SEE_OTHER.into_response();
    if let Ok(v) = HeaderValue::from_str(to) {
        r.headers_mut().insert(LOCATION, v);
    }
    r
}

/// Refuses a POST whose `Origin` is not this console (a form on another site).
fn same_origin(headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(ORIGIN).and_then(|v| v.to_str().ok()) else {
        // Browsers send Origin with every POST; tools without one carry no cookies of ours.
        return true;
    };
    let host = headers.get(HOST).and_then(|v| v.to_str().ok()).unwrap_or("");
    let origin_host = origin.split_once("://").map_or("", |(_, rest)| rest);
    !host.is_empty() && origin_host == host
}

fn forbidden(lang: Lang) -> Response {
    let body = page_bare(
        lang,
        lang.t("请求被拒绝", "Request refused"),
        html! {
            p { (lang.t("表单已过期或来自其他网站。请返回重新操作。",
                         "The form has expired or came from another site. Go back and try again.")) }
            p { a href="/" { (lang.t("返回", "Back")) } }
        },
    );
    (StatusCode::FORBIDDEN, body).into_response()
}

fn check_csrf(headers: &HeaderMap, admin: &Admin, sent: &str) -> Result<(), Box<Response>> {
    if !same_origin(headers) || !constant_time_eq(sent.as_bytes(), admin.csrf.as_bytes()) {
        return Err(Box::new(forbidden(admin.lang)));
    }
    Ok(())
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn session_cookie(name: &str, value: &str, max_age_secs: i64) -> HeaderValue {
    let text = format!(
        "{name}={value}; Path=/; Max-Age={max_age_secs}; HttpOnly; Secure; SameSite=Strict"
    );
    HeaderValue::from_str(&text).unwrap_or(HeaderValue::from_static(""))
}

// ---- password hashes ----

/// An argon2id hash (PHC string) of `password` with a random salt.
pub fn hash_password(password: &str) -> Result<String, HubError> {
    use argon2::password_hash::PasswordHasher;
    argon2::Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| HubError::Internal(format!("password hash: {e}")))
}

/// Whether `password` matches the stored hash.
pub fn verify_password(password: &str, hash: &str) -> bool {
    use argon2::password_hash::PasswordVerifier;
    use argon2::password_hash::phc::PasswordHash;
    PasswordHash::new(hash)
        .is_ok_and(|h| argon2::Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
}

/// Refuses administrator names that would not be read back the same.
pub fn check_admin_name(name: &str) -> Result<(), HubError> {
    let ok = !name.is_empty()
        && name.chars().count() <= MAX_NAME
        && name.chars().all(|c| c.is_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'));
    if ok {
        Ok(())
    } else {
        Err(HubError::Invalid(
            "an administrator name is 1 to 64 letters, digits, '.', '_', '-' or '@'".into(),
        ))
    }
}

/// Refuses passwords too short to be one.
pub fn check_password(password: &str) -> Result<(), HubError> {
    let n = password.chars().count();
    if !(10..=MAX_PASSWORD).contains(&n) {
        return Err(HubError::Invalid("a password has 10 to 256 characters".into()));
    }
    Ok(())
}

// ---- layout ----

fn time(ms: i64) -> String {
    // Shown in Beijing time, like the stations.
    chrono::DateTime::from_timestamp_millis(ms + 8 * 3_600_000)
        .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_default()
}

fn page_bare(lang: Lang, title: &str, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang=(lang.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · " (lang.t("CaseDesk 协会控制台", "CaseDesk association console")) }
                link rel="stylesheet" href="/static/console.css";
                link rel="icon" href="data:,";
            }
            body {
                main class="narrow" { h1 { (title) } (body) }
            }
        }
    }
}

fn page(admin: &Admin, here: &str, title: &str, body: Markup) -> Markup {
    let lang = admin.lang;
    let nav = [
        ("/", lang.t("站点与设备", "Stations and devices")),
        ("/quarantine", lang.t("隔离与拒收", "Quarantine and refusals")),
        ("/codes", lang.t("注册码", "Enrollment codes")),
        ("/actions", lang.t("操作记录", "Actions")),
    ];
    html! {
        (DOCTYPE)
        html lang=(lang.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · " (lang.t("CaseDesk 协会控制台", "CaseDesk association console")) }
                link rel="stylesheet" href="/static/console.css";
                link rel="icon" href="data:,";
                script src="/static/console.js" defer {}
            }
            body {
                header class="top" {
                    span class="brand" { (lang.t("CaseDesk 协会控制台", "CaseDesk association console")) }
                    nav {
                        @for (href, label) in nav {
                            a href=(href) class=[(href == here).then_some("current")] { (label) }
                        }
                    }
                    span class="who" {
                        @if lang == Lang::Zh { a href="/lang/en" lang="en" { "English" } }
                        @else { a href="/lang/zh" lang="zh-CN" { "中文" } }
                        " · " (admin.name) " "
                        form method="post" action="/logout" class="inline" {
                            input type="hidden" name="csrf" value=(admin.csrf);
                            button type="submit" class="link" { (lang.t("退出", "Log out")) }
                        }
                    }
                }
                main { h1 { (title) } (body) }
            }
        }
    }
}

// ---- login ----

#[derive(Deserialize)]
struct LoginForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    login_csrf: String,
}

fn login_form(lang: Lang, token: &str, error: Option<&str>) -> Markup {
    page_bare(
        lang,
        lang.t("管理员登录", "Administrator login"),
        html! {
            @if let Some(e) = error { p class="error" role="alert" { (e) } }
            form method="post" action="/login" class="login" {
                input type="hidden" name="login_csrf" value=(token);
                label { (lang.t("用户名", "Name")) input name="name" autocomplete="username" required autofocus; }
                label { (lang.t("密码", "Password")) input name="password" type="password" autocomplete="current-password" required; }
                button type="submit" { (lang.t("登录", "Log in")) }
            }
            p class="lang" {
                @if lang == Lang::Zh { a href="/lang/en" lang="en" { "English" } }
                @else { a href="/lang/zh" lang="zh-CN" { "中文" } }
            }
        },
    )
}

fn login_response(lang: Lang, status: StatusCode, error: Option<&str>) -> Response {
    let token = random_secret();
    let mut r = (status, login_form(lang, &token, error)).into_response();
    r.headers_mut().append(SET_COOKIE, session_cookie(LOGIN_COOKIE, &token, 3600));
    r
}

async fn login_page(headers: HeaderMap) -> Response {
    login_response(lang_of(&headers), StatusCode::OK, None)
}

async fn login<S: HubStore>(
    State(state): State<Shared<S>>,
    Client(addr): Client,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Response {
    let lang = lang_of(&headers);
    let double_submit = cookie(&headers, LOGIN_COOKIE).is_some_and(|c| {
        !c.is_empty() && constant_time_eq(c.as_bytes(), form.login_csrf.as_bytes())
    });
    if !same_origin(&headers) || !double_submit {
        return login_response(
            lang,
            StatusCode::FORBIDDEN,
            Some(lang.t("登录表单已过期，请重试。", "The login form expired; try again.")),
        );
    }
    if let Err(HubError::RateLimited { retry_after_secs }) = state.limiter.check(addr) {
        let minutes = retry_after_secs.div_ceil(60);
        let text = match lang {
            Lang::Zh => format!("登录尝试过多，请 {minutes} 分钟后再试。"),
            Lang::En => format!("Too many login attempts: try again in {minutes} min."),
        };
        return login_response(lang, StatusCode::TOO_MANY_REQUESTS, Some(&text));
    }
    let name = form.name.trim().to_owned();
    let password = form.password;
    let ok = if name.chars().count() > MAX_NAME || password.chars().count() > MAX_PASSWORD {
        false
    } else {
        let hash = state.store.admin_password_hash(name.clone()).await.ok().flatten();
        // Without an account, a dummy hash is checked, so a wrong name takes as long.
        tokio::task::spawn_blocking(move || match hash {
            Some(h) => verify_password(&password, &h),
            None => {
                let _ = verify_password(&password, dummy_hash());
                false
            }
        })
        .await
        .unwrap_or(false)
    };
    if !ok {
        tracing::warn!(%addr, "console login refused");
        return login_response(
            lang,
            StatusCode::UNAUTHORIZED,
            Some(lang.t("用户名或密码不正确。", "Wrong name or password.")),
        );
    }
    let token = random_secret();
    let now = crate::now_ms();
    {
        let mut sessions = state.sessions.lock().unwrap_or_else(PoisonError::into_inner);
        sessions.retain(|_, s| s.expires_ms > now);
        if sessions.len() >= MAX_SESSIONS
            && let Some(oldest) =
                sessions.iter().min_by_key(|(_, s)| s.expires_ms).map(|(k, _)| k.clone())
        {
            sessions.remove(&oldest);
        }
        sessions.insert(
            sha256_hex(&token),
            Session {
                admin: name.clone(),
                csrf: random_secret(),
                expires_ms: now + SESSION_HOURS * 3_600_000,
            },
        );
    }
    tracing::info!(admin = %name, %addr, "console login");
    let mut r = redirect("/");
    r.headers_mut()
        .append(SET_COOKIE, session_cookie(SESSION_COOKIE, &token, SESSION_HOURS * 3600));
    r.headers_mut().append(SET_COOKIE, session_cookie(LOGIN_COOKIE, "", 0));
    r
}

fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash_password("not a password of anyone").unwrap_or_default())
}

#[derive(Deserialize)]
struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

async fn logout<S: HubStore>(
    State(state): State<Shared<S>>,
    admin: Admin,
    headers: HeaderMap,
    Form(form): Form<CsrfForm>,
) -> Response {
    if let Err(r) = check_csrf(&headers, &admin, &form.csrf) {
        return *r;
    }
    if let Some(token) = cookie(&headers, SESSION_COOKIE) {
        state.sessions.lock().unwrap_or_else(PoisonError::into_inner).remove(&sha256_hex(token));
    }
    let mut r = redirect("/login");
    r.headers_mut().append(SET_COOKIE, session_cookie(SESSION_COOKIE, "", 0));
    r
}

async fn set_lang(Path(lang): Path<String>, headers: HeaderMap) -> Response {
    let value = if lang == "en" { "en" } else { "zh" };
    // Back to the page the switch was on, when it is one of ours.
    let back = headers
        .get(axum::http::header::REFERER)
        .and_then(|v| v.to_str().ok())
        .and_then(|r| r.split_once("://").map(|(_, rest)| rest))
        .and_then(|rest| rest.find('/').map(|i| rest[i..].to_owned()))
        .filter(|p| p.starts_with('/') && !p.starts_with("//") && !p.starts_with("/lang/"))
        .unwrap_or_else(|| "/".to_owned());
    let mut r = redirect(&back);
    let cookie =
        format!("{LANG_COOKIE}={value}; Path=/; Max-Age=31536000; Secure; SameSite=Strict");
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        r.headers_mut().append(SET_COOKIE, v);
    }
    r
}

// ---- pages ----

fn internal(lang: Lang, e: &HubError) -> Response {
    tracing::error!(error = %e, "console");
    let body = page_bare(
        lang,
        lang.t("出错了", "Something went wrong"),
        html! { p { (lang.t("无法读取枢纽数据库：", "The hub database could not be read: ")) (e.to_string()) } },
    );
    (StatusCode::INTERNAL_SERVER_ERROR, body).into_response()
}

/// Whether a device counts as silent: no contact (or, never contacted, no enrollment) for more
/// than `days` days. Revoked devices are not flagged.
pub fn is_silent(d: &DeviceRecord, now_ms: i64, days: u32) -> bool {
    if d.revoked_ms.is_some() {
        return false;
    }
    let since = d.last_contact_ms.unwrap_or(d.enrolled_ms);
    now_ms - since > i64::from(days) * 86_400_000
}

fn state_badge(lang: Lang, d: &DeviceRecord) -> Markup {
    html! {
        @if d.revoked_ms.is_some() {
            span class="badge revoked" { (lang.t("已吊销", "revoked")) }
        } @else if let Some(reason) = &d.frozen_reason {
            span class="badge frozen" title=(reason) { (lang.t("已冻结", "frozen")) }
        } @else {
            span class="badge ok" { (lang.t("正常", "active")) }
        }
    }
}

async fn stations<S: HubStore>(State(state): State<Shared<S>>, admin: Admin) -> Response {
    let lang = admin.lang;
    let (devices, units) = match (state.store.list_devices().await, state.store.list_units().await)
    {
        (Ok(d), Ok(u)) => (d, u),
        (Err(e), _) | (_, Err(e)) => return internal(lang, &e),
    };
    let now = crate::now_ms();
    let days = state.opts.silent_days;
    let name_of = |code: &str| {
        units.iter().find(|u| u.code == code).map(|u| u.name.clone()).unwrap_or_default()
    };
    let silent = devices.iter().filter(|d| is_silent(d, now, days)).count();
    let frozen: Vec<&DeviceRecord> =
        devices.iter().filter(|d| d.frozen_reason.is_some() || d.revoked_ms.is_some()).collect();
    let body = html! {
        p class="summary" {
            (devices.len()) (lang.t(" 台设备；", " devices; "))
            span class=[(silent > 0).then_some("warn")] {
                (silent)
                @if lang == Lang::Zh { " 台超过 " (days) " 天未联系" }
                @else { " silent for more than " (days) " days" }
            }
        }
        table class="devices" {
            thead { tr {
                th { (lang.t("单位", "Unit")) }
                th { (lang.t("设备", "Device")) }
                th { (lang.t("编号", "Code")) }
                th { (lang.t("最近联系", "Last contact")) }
                th class="num" { (lang.t("已收到", "Received")) }
                th class="num" { (lang.t("待上传", "Waiting")) }
                th { (lang.t("状态", "State")) }
                th {}
            } }
            tbody {
                @for d in &devices {
                    @let silent = is_silent(d, now, days);
                    tr class=[silent.then_some("silent")] data-device=(d.id) {
                        td { (d.unit) br; small { (name_of(&d.unit)) } }
                        td { (d.name) br; small class="mono" { (d.id) } }
                        td class="mono" { (d.device_code) }
                        td {
                            @match d.last_contact_ms {
                                Some(t) => { (time(t)) }
                                None => { span class="muted" { (lang.t("从未联系", "never")) } }
                            }
                            @if silent {
                                " " span class="badge silent" {
                                    @if lang == Lang::Zh { "超过 " (days) " 天未联系" }
                                    @else { "silent > " (days) " days" }
                                }
                            }
                        }
                        td class="num" { (d.acked_seq) }
                        td class="num" {
                            @match d.waiting() {
                                Some(n) => { (n) }
                                None => { span class="muted" { "—" } }
                            }
                        }
                        td { (state_badge(lang, d)) }
                        td class="actions" {
                            @if d.revoked_ms.is_none() {
                                a class="button danger" href={ "/devices/" (d.id) "/revoke" } { (lang.t("吊销", "Revoke")) }
                            }
                            @if d.frozen_reason.is_some() {
                                a class="button" href={ "/devices/" (d.id) "/unfreeze" } { (lang.t("解冻", "Unfreeze")) }
                            }
                        }
                    }
                }
                @if devices.is_empty() {
                    tr { td colspan="8" class="muted" { (lang.t("还没有设备注册。", "No device has enrolled yet.")) } }
                }
            }
        }
        h2 { (lang.t("冻结与吊销的设备", "Frozen and revoked devices")) }
        @if frozen.is_empty() {
            p class="muted" { (lang.t("没有。", "None.")) }
        } @else {
            table {
                thead { tr {
                    th { (lang.t("设备", "Device")) } th { (lang.t("状态", "State")) }
                    th { (lang.t("时间", "Since")) } th { (lang.t("原因", "Reason")) }
                } }
                tbody {
                    @for d in &frozen {
                        tr {
                            td { (d.unit) " " (d.device_code) " " (d.name) }
                            td { (state_badge(lang, d)) }
                            td { (d.revoked_ms.or(d.frozen_ms).map(time).unwrap_or_default()) }
                            td { (d.frozen_reason.clone().unwrap_or_default()) }
                        }
                    }
                }
            }
        }
    };
    page(&admin, "/", lang.t("站点与设备", "Stations and devices"), body).into_response()
}

async fn quarantine<S: HubStore>(State(state): State<Shared<S>>, admin: Admin) -> Response {
    let lang = admin.lang;
    let (held, refused) =
        match (state.store.list_quarantine().await, state.store.list_refusals(200).await) {
            (Ok(q), Ok(r)) => (q, r),
            (Err(e), _) | (_, Err(e)) => return internal(lang, &e),
        };
    let body = html! {
        h2 { (lang.t("隔离的事件", "Quarantined events")) }
        p class="muted" { (lang.t("已保存并确认，但不下发给任何站点。",
                                  "Stored and acknowledged, but in no station's feed.")) }
        table class="quarantine" {
            thead { tr {
                th { (lang.t("时间", "At")) } th { (lang.t("设备", "Device")) } th { "seq" }
                th { (lang.t("类型", "Kind")) } th { (lang.t("原因", "Reason")) } th { (lang.t("事件", "Event")) }
            } }
            tbody {
                @for q in held.iter().rev().take(500) {
                    tr {
                        td { (time(q.at_ms)) } td class="mono" { (q.device) } td class="num" { (q.seq) }
                        td class="mono" { (q.kind) } td { code { (q.reason) } " " (reason_text(lang, &q.reason)) }
                        td class="mono" { (q.event) }
                    }
                }
                @if held.is_empty() { tr { td colspan="6" class="muted" { (lang.t("没有。", "None.")) } } }
            }
        }
        h2 { (lang.t("拒收的上传", "Refused pushes")) }
        table class="refusals" {
            thead { tr {
                th { (lang.t("时间", "At")) } th { (lang.t("设备", "Device")) }
                th { (lang.t("错误", "Error")) } th { (lang.t("说明", "Message")) }
            } }
            tbody {
                @for r in &refused {
                    tr { td { (time(r.at_ms)) } td class="mono" { (r.device) } td { code { (r.code) } } td { (r.message) } }
                }
                @if refused.is_empty() { tr { td colspan="4" class="muted" { (lang.t("没有。", "None.")) } } }
            }
        }
    };
    page(&admin, "/quarantine", lang.t("隔离与拒收", "Quarantine and refusals"), body)
        .into_response()
}

fn reason_text(lang: Lang, reason: &str) -> &'static str {
    use casedesk_proto::sync::reasons as r;
    match reason {
        r::UNKNOWN_KIND => lang.t("未知事件类型", "unknown kind"),
        r::TOO_LARGE => lang.t("事件过大", "event too large"),
        r::TEXT_TOO_LONG => lang.t("文字过长", "text too long"),
        r::CLOCK_AHEAD => lang.t("时钟超前", "clock ahead"),
        r::STREAM_NOT_OWNED => lang.t("无权写入该案件", "not this unit's case"),
        r::UNIT_MISMATCH => lang.t("单位不符", "another unit"),
        r::STREAM_UNKNOWN => lang.t("未知案件", "unknown stream"),
        r::STREAM_EXISTS => lang.t("重复登记", "registered twice"),
        r::ANONYMIZE_MISMATCH => lang.t("匿名化清单与事件不符", "anonymisation does not fit"),
        _ => "",
    }
}

#[derive(Deserialize)]
struct CodeForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    unit: String,
    #[serde(default)]
    device: String,
    #[serde(default)]
    hub_url: String,
    #[serde(default)]
    valid_hours: String,
}

async fn codes_page<S: HubStore>(State(state): State<Shared<S>>, admin: Admin) -> Response {
    codes_view(&state, &admin, None, None).await
}

async fn codes_view<S: HubStore>(
    state: &Shared<S>,
    admin: &Admin,
    made: Option<(String, String, String)>,
    error: Option<String>,
) -> Response {
    let lang = admin.lang;
    let (list, units) =
        match (state.store.list_enroll_codes().await, state.store.list_units().await) {
            (Ok(c), Ok(u)) => (c, u),
            (Err(e), _) | (_, Err(e)) => return internal(lang, &e),
        };
    let now = crate::now_ms();
    let body = html! {
        @if let Some((code, svg, unit)) = &made {
            section class="made" {
                h2 { (lang.t("新注册码", "New enrollment code")) " — " (unit) }
                div class="qr" { (PreEscaped(svg)) }
                p { (lang.t("在站点的“设置 → 同步”中粘贴此码，或扫描二维码。此码只显示这一次，用过一次即失效。",
                             "Paste this code in the station's Settings → Sync, or scan the QR code. It is shown only this once and works once.")) }
                textarea class="code" readonly rows="4" { (code) }
                p { button type="button" class="print" data-print="1" { (lang.t("打印", "Print")) } }
            }
        }
        @if let Some(e) = &error { p class="error" role="alert" { (e) } }
        h2 { (lang.t("制作注册码", "Make an enrollment code")) }
        form method="post" action="/codes" class="code-form" {
            input type="hidden" name="csrf" value=(admin.csrf);
            label { (lang.t("单位", "Unit"))
                select name="unit" required {
                    @for u in &units { option value=(u.code) { (u.code) " " (u.name) } }
                }
            }
            label { (lang.t("已注册设备（重新注册时填写）", "Enrolled device (to re-enroll it)"))
                input name="device" placeholder="UUID";
            }
            label { (lang.t("站点访问枢纽的地址", "The hub's address as stations reach it"))
                input name="hub_url" value=(state.opts.hub_url) required;
            }
            label { (lang.t("有效期（小时）", "Valid for (hours)"))
                input name="valid_hours" type="number" min="1" max="720" value="72" required;
            }
            button type="submit" { (lang.t("制作", "Make code")) }
        }
        h2 { (lang.t("已制作的注册码", "Codes made")) }
        table class="codes" {
            thead { tr {
                th { (lang.t("编号", "Id")) } th { (lang.t("单位", "Unit")) } th { (lang.t("设备", "Device")) }
                th { (lang.t("制作时间", "Made")) } th { (lang.t("有效至", "Expires")) } th { (lang.t("状态", "State")) }
            } }
            tbody {
                @for c in &list {
                    tr {
                        td class="mono" { (c.id) } td { (c.unit) }
                        td class="mono" { (c.device.map(|d| d.to_string()).unwrap_or_else(|| lang.t("新设备", "new device").to_owned())) }
                        td { (time(c.created_ms)) } td { (time(c.expires_ms)) }
                        td {
                            @if let Some(t) = c.used_ms {
                                span class="badge ok" { (lang.t("已使用", "used")) } " " (time(t))
                            } @else if c.expires_ms <= now {
                                span class="badge muted" { (lang.t("已过期", "expired")) }
                            } @else {
                                span class="badge open" { (lang.t("未使用", "unused")) }
                            }
                        }
                    }
                }
                @if list.is_empty() { tr { td colspan="6" class="muted" { (lang.t("没有。", "None.")) } } }
            }
        }
    };
    page(admin, "/codes", lang.t("注册码", "Enrollment codes"), body).into_response()
}

/// The QR code of `text` as an SVG element (no XML prolog), or an empty string.
pub fn qr_svg(text: &str) -> String {
    use qrcode::render::svg;
    let Ok(code) = qrcode::QrCode::with_error_correction_level(text, qrcode::EcLevel::M) else {
        return String::new();
    };
    let svg = code
        .render::<svg::Color<'_>>()
        .min_dimensions(280, 280)
        .dark_color(svg::Color("#000000"))
        .light_color(svg::Color("#ffffff"))
        .build();
    match svg.find("<svg") {
        Some(i) => svg[i..].to_owned(),
        None => svg,
    }
}

async fn create_code<S: HubStore>(
    State(state): State<Shared<S>>,
    admin: Admin,
    headers: HeaderMap,
    Form(form): Form<CodeForm>,
) -> Response {
    if let Err(r) = check_csrf(&headers, &admin, &form.csrf) {
        return *r;
    }
    let lang = admin.lang;
    let device = match form.device.trim() {
        "" => None,
        d => match Uuid::parse_str(d) {
            Ok(d) => Some(d),
            Err(_) => {
                let e = lang.t("设备编号不是 UUID。", "The device is not a UUID.").to_owned();
                return codes_view(&state, &admin, None, Some(e)).await;
            }
        },
    };
    let valid_hours = form.valid_hours.trim().parse::<u32>().unwrap_or(0);
    let request = CodeRequest {
        unit: form.unit.trim().to_owned(),
        device,
        hub_url: form.hub_url.clone(),
        valid_hours,
        fingerprint: state.opts.fingerprint.clone(),
    };
    match codes::make_code(&*state.store, request, crate::now_ms()).await {
        Ok(code) => {
            let detail = match device {
                Some(d) => format!("device {d}, {valid_hours} h"),
                None => format!("new device, {valid_hours} h"),
            };
            record(&state, &admin, "enroll_code", &code.unit, detail).await;
            let text = code.encode();
            let svg = qr_svg(&code.encode_upper());
            codes_view(&state, &admin, Some((text, svg, code.unit)), None).await
        }
        Err(e) => codes_view(&state, &admin, None, Some(e.to_string())).await,
    }
}

async fn record<S: HubStore>(
    state: &Shared<S>,
    admin: &Admin,
    action: &str,
    target: &str,
    detail: String,
) {
    let entry = AdminAction {
        at_ms: crate::now_ms(),
        admin: admin.name.clone(),
        action: action.to_owned(),
        target: target.to_owned(),
        detail,
    };
    if let Err(e) = state.store.record_admin_action(entry).await {
        tracing::error!(error = %e, "could not record an administrator's action");
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum DeviceAction {
    Revoke,
    Unfreeze,
}

impl DeviceAction {
    fn parse(s: &str) -> Option<DeviceAction> {
        match s {
            "revoke" => Some(DeviceAction::Revoke),
            "unfreeze" => Some(DeviceAction::Unfreeze),
            _ => None,
        }
    }
    fn code(self) -> &'static str {
        match self {
            DeviceAction::Revoke => "revoke",
            DeviceAction::Unfreeze => "unfreeze",
        }
    }
}

async fn find_device<S: HubStore>(state: &Shared<S>, id: &str) -> Option<DeviceRecord> {
    let id = Uuid::parse_str(id).ok()?;
    state.store.list_devices().await.ok()?.into_iter().find(|d| d.id == id)
}

async fn confirm<S: HubStore>(
    State(state): State<Shared<S>>,
    admin: Admin,
    Path((id, action)): Path<(String, String)>,
) -> Response {
    let lang = admin.lang;
    let (Some(action), Some(d)) = (DeviceAction::parse(&action), find_device(&state, &id).await)
    else {
        return not_found_for(lang);
    };
    let (title, warning, button) = match action {
        DeviceAction::Revoke => (
            lang.t("吊销设备", "Revoke a device"),
            lang.t("吊销后此设备不能再同步，直到为它制作新的注册码（重新注册）。",
                   "Once revoked, the device cannot sync until it is enrolled again with a code made for it."),
            lang.t("确认吊销", "Revoke"),
        ),
        DeviceAction::Unfreeze => (
            lang.t("解冻设备", "Unfreeze a device"),
            lang.t("只有在查明分叉原因（例如复制或还原的数据库）并处理后才解冻。",
                   "Unfreeze only once the fork (a copied or restored database) has been dealt with."),
            lang.t("确认解冻", "Unfreeze"),
        ),
    };
    let body = html! {
        dl class="device" {
            dt { (lang.t("单位", "Unit")) } dd { (d.unit) }
            dt { (lang.t("设备", "Device")) } dd { (d.name) " (" (d.device_code) ")" }
            dt { "ID" } dd class="mono" { (d.id) }
            dt { (lang.t("状态", "State")) } dd { (state_badge(lang, &d)) }
            @if let Some(reason) = &d.frozen_reason { dt { (lang.t("冻结原因", "Frozen because")) } dd { (reason) } }
        }
        p class="warn" { (warning) }
        form method="post" action={ "/devices/" (d.id) "/" (action.code()) } {
            input type="hidden" name="csrf" value=(admin.csrf);
            button type="submit" class=[(action == DeviceAction::Revoke).then_some("danger")] { (button) }
            " " a href="/" { (lang.t("取消", "Cancel")) }
        }
    };
    page(&admin, "/", title, body).into_response()
}

async fn act<S: HubStore>(
    State(state): State<Shared<S>>,
    admin: Admin,
    headers: HeaderMap,
    Path((id, action)): Path<(String, String)>,
    Form(form): Form<CsrfForm>,
) -> Response {
    if let Err(r) = check_csrf(&headers, &admin, &form.csrf) {
        return *r;
    }
    let lang = admin.lang;
    let (Some(action), Some(d)) = (DeviceAction::parse(&action), find_device(&state, &id).await)
    else {
        return not_found_for(lang);
    };
    let (result, detail) = match action {
        DeviceAction::Revoke => (
            state.store.revoke_device(d.id, crate::now_ms()).await,
            format!("{} {} {}", d.unit, d.device_code, d.name),
        ),
        DeviceAction::Unfreeze => (
            state.store.unfreeze_device(d.id).await,
            format!(
                "{} {}: {}",
                d.unit,
                d.device_code,
                d.frozen_reason.clone().unwrap_or_default()
            ),
        ),
    };
    if let Err(e) = result {
        return internal(lang, &e);
    }
    record(&state, &admin, action.code(), &d.id.to_string(), detail).await;
    tracing::info!(admin = %admin.name, device = %d.id, action = action.code(), "console action");
    redirect("/actions")
}

async fn actions<S: HubStore>(State(state): State<Shared<S>>, admin: Admin) -> Response {
    let lang = admin.lang;
    let list = match state.store.list_admin_actions(500).await {
        Ok(l) => l,
        Err(e) => return internal(lang, &e),
    };
    let body = html! {
        table class="actions-log" {
            thead { tr {
                th { (lang.t("时间", "At")) } th { (lang.t("管理员", "Administrator")) }
                th { (lang.t("操作", "Action")) } th { (lang.t("对象", "Target")) } th { (lang.t("说明", "Detail")) }
            } }
            tbody {
                @for a in &list {
                    tr {
                        td { (time(a.at_ms)) } td { (a.admin) }
                        td { (action_text(lang, &a.action)) } td class="mono" { (a.target) } td { (a.detail) }
                    }
                }
                @if list.is_empty() { tr { td colspan="5" class="muted" { (lang.t("没有。", "None.")) } } }
            }
        }
    };
    page(&admin, "/actions", lang.t("操作记录", "Actions"), body).into_response()
}

fn action_text(lang: Lang, action: &str) -> String {
    match action {
        "revoke" => lang.t("吊销", "revoked").to_owned(),
        "unfreeze" => lang.t("解冻", "unfrozen").to_owned(),
        "enroll_code" => lang.t("制作注册码", "enrollment code made").to_owned(),
        other => other.to_owned(),
    }
}

fn not_found_for(lang: Lang) -> Response {
    let body = page_bare(
        lang,
        lang.t("找不到", "Not found"),
        html! { p { a href="/" { (lang.t("返回", "Back")) } } },
    );
    (StatusCode::NOT_FOUND, body).into_response()
}

async fn not_found(headers: HeaderMap) -> Response {
    not_found_for(lang_of(&headers))
}

async fn stylesheet() -> Response {
    (
        [(CONTENT_TYPE, "text/css; charset=utf-8"), (CACHE_CONTROL, "max-age=3600")],
        include_str!("console.css"),
    )
        .into_response()
}

async fn script() -> Response {
    (
        [(CONTENT_TYPE, "text/javascript; charset=utf-8"), (CACHE_CONTROL, "max-age=3600")],
        "document.addEventListener('click', (e) => {\n  \
           if (e.target instanceof Element && e.target.closest('[data-print]')) window.print();\n\
         });\n",
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_hash_with_argon2id_and_verify() {
        let h = hash_password("correct horse battery").unwrap();
        assert!(h.starts_with("$argon2id$"), "{h}");
        assert!(verify_password("correct horse battery", &h));
        assert!(!verify_password("correct horse batterY", &h));
        assert!(!verify_password("x", "not a hash"));
    }

    #[test]
    fn cookies_and_origins() {
        let mut h = HeaderMap::new();
        h.insert(COOKIE, HeaderValue::from_static("a=1; cdk_console=tok; cdk_lang=en"));
        assert_eq!(cookie(&h, SESSION_COOKIE), Some("tok"));
        assert_eq!(lang_of(&h), Lang::En);
        h.insert(HOST, HeaderValue::from_static("127.0.0.1:8444"));
        assert!(same_origin(&h));
        h.insert(ORIGIN, HeaderValue::from_static("http://127.0.0.1:8444"));
        assert!(same_origin(&h));
        h.insert(ORIGIN, HeaderValue::from_static("https://evil.example"));
        assert!(!same_origin(&h));
    }

    #[test]
    fn qr_codes_render_as_svg() {
        let svg = qr_svg("CDE1-7B22");
        assert!(svg.starts_with("<svg"), "{svg}");
    }
}
