//! `IpcError`: how every failure crosses IPC. A message code with its argument, the message
//! already in the UI language, and every problem of a form with its field path, so the UI can
//! show each one beside its field. The UI translates `code` and `arg` itself from the same table
//! (`MESSAGES` of casedesk-domain and `IPC_MESSAGES` here, exported to
//! `ui/src/bindings/messages.ts`), and shows `message` only for a code it does not know.

use casedesk_domain::{Issue, Lang};
use casedesk_store::StoreError;
use casedesk_sync::SyncError;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// One problem with an input (see `casedesk_domain::Issue`), with its message in the UI language.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct IpcIssue {
    /// A field path such as `complainants[0].phones[0]`, `respondents[1].uscc`, `facts.content`.
    pub path: String,
    /// A message code (`crates/casedesk-domain/src/messages.rs`, or `IPC_MESSAGES` here).
    pub code: String,
    /// The argument of the message (a length limit, a code), or "".
    pub arg: String,
    pub message: String,
}

/// The rejection value of every command (the promise of `invoke` rejects with this object).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct IpcError {
    /// A message code of `IPC_MESSAGES` or of `casedesk_domain::messages::MESSAGES`.
    pub code: String,
    /// The argument of the message (`{0}` in its text: a count, a name, a detail), or "".
    pub arg: String,
    /// `code`'s text in the UI language, with `arg` in it.
    pub message: String,
    pub issues: Vec<IpcIssue>,
}

/// Message codes of the desktop shell that the core does not have: (code, Chinese, English).
pub const IPC_MESSAGES: &[(&str, &str, &str)] = &[
    ("op_id.invalid", "操作编号不是有效的 UUID", "the operation id is not a valid UUID"),
    ("url.invalid", "地址应以 http:// 或 https:// 开头", "must start with http:// or https://"),
    ("draft.key", "草稿名称无效", "invalid draft name"),
    ("draft.too_large", "草稿过大（最多 {0} 字节）", "the draft is too large (at most {0} bytes)"),
    ("db.open_failed", "无法打开数据库：{0}", "cannot open the database: {0}"),
    ("reset.not_demo", "只有演示站点可以删除", "only a demonstration station can be removed"),
    (
        "reset.demo_running",
        "演示数据还在写入，请稍后再删除",
        "demonstration data is still being written; remove the station a little later",
    ),
    ("uuid.invalid", "编号“{0}”无效", "“{0}” is not a valid id"),
    ("date.invalid", "日期“{0}”无效（应为 年-月-日）", "“{0}” is not a date (year-month-day)"),
    (
        "evidence.unreadable",
        "无法读取文件“{0}”，请重新选择",
        "the file “{0}” could not be read; choose it again",
    ),
    (
        "evidence.name",
        "请填写文件名（最多 {0} 字）",
        "give the file a name (at most {0} characters)",
    ),
    (
        "file.outside",
        "只能打开本站数据文件夹中的文件",
        "only files in the station's data folder can be opened",
    ),
    (
        "file.open_failed",
        "无法用系统程序打开文件：{0}",
        "the file could not be opened with the system's program: {0}",
    ),
    ("internal", "程序内部错误：{0}", "internal error: {0}"),
];

/// The text of a message code in `lang`: the shell's own codes first, then the core's.
pub fn text(code: &str, lang: Lang, arg: &str) -> String {
    match IPC_MESSAGES.iter().find(|(c, _, _)| *c == code) {
        Some((_, zh, en)) => (if lang == Lang::Zh { zh } else { en }).replace("{0}", arg),
        None => casedesk_domain::messages::text(code, lang, arg),
    }
}

impl IpcIssue {
    pub fn from_issue(issue: &Issue, lang: Lang) -> IpcIssue {
        IpcIssue {
            path: issue.path.clone(),
            code: issue.code.clone(),
            arg: issue.arg.clone(),
            message: text(&issue.code, lang, &issue.arg),
        }
    }
}

impl IpcError {
    /// An error with a message code of its own (no field problems).
    pub fn new(code: &str, arg: &str, lang: Lang) -> IpcError {
        IpcError {
            code: code.to_owned(),
            arg: arg.to_owned(),
            message: text(code, lang, arg),
            issues: Vec::new(),
        }
    }

    /// A validation error with one problem at `path` (`code` is the problem's message code).
    pub fn invalid(path: &str, code: &str, arg: &str, lang: Lang) -> IpcError {
        IpcError::invalid_all(&[Issue::with_arg(path, code, arg)], lang)
    }

    /// A validation error listing every problem.
    pub fn invalid_all(issues: &[Issue], lang: Lang) -> IpcError {
        IpcError::from_core(&StoreError::invalid(issues.to_vec()), lang)
    }

    /// A program fault (a panic in a command, a lost worker): code `internal`.
    pub fn internal(detail: impl std::fmt::Display, lang: Lang) -> IpcError {
        IpcError::new("internal", &detail.to_string(), lang)
    }

    /// A core error, with its message and every issue's message in `lang`. (The issues travel
    /// on their own, so the message is the code's text alone, "the input has 3 problems", not
    /// `StoreError::message` with one line per issue.)
    pub fn from_core(e: &StoreError, lang: Lang) -> IpcError {
        IpcError {
            issues: e.issues().iter().map(|i| IpcIssue::from_issue(i, lang)).collect(),
            ..IpcError::new(e.code(), &e.message_arg(lang), lang)
        }
    }

    /// A sync error, under the message code that explains it in plain words (`sync.network`,
    /// `sync.unauthorized`, ...; the hub's or the transport's own code is in the sync status).
    pub fn from_sync(e: &SyncError, lang: Lang) -> IpcError {
        match e {
            SyncError::Store(core) => IpcError::from_core(core, lang),
            _ => {
                let (code, arg) = e.message_code();
                IpcError::new(code, &arg, lang)
            }
        }
    }
}

/// A sync error in plain words for the clerk.
pub fn plain_sync_error(e: &SyncError, lang: Lang) -> String {
    e.plain(lang)
}

/// Chinese, the UI's first language: `?` on a core result inside a command that has no
/// language at hand. Commands that know the UI language use `IpcError::from_core`.
impl From<StoreError> for IpcError {
    fn from(e: StoreError) -> IpcError {
        IpcError::from_core(&e, Lang::Zh)
    }
}

/// A core error in a given language: `IpcError::from((err, lang))`.
impl From<(StoreError, Lang)> for IpcError {
    fn from((e, lang): (StoreError, Lang)) -> IpcError {
        IpcError::from_core(&e, lang)
    }
}

impl std::fmt::Display for IpcError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.message, self.code)?;
        for i in &self.issues {
            write!(f, "; {}: {}", i.path, i.message)?;
        }
        Ok(())
    }
}

impl std::error::Error for IpcError {}

#[cfg(test)]
mod tests {
    use super::*;

    fn invalid() -> StoreError {
        StoreError::invalid(vec![
            Issue::new("complainants[0].phones[0]", "phone.mobile"),
            Issue::with_arg("facts.content", "too_long", 2000),
            Issue::new("respondents[1].uscc", "uscc.checksum"),
        ])
    }

    #[test]
    fn validation_keeps_every_path_in_chinese() {
        let e = IpcError::from_core(&invalid(), Lang::Zh);
        assert_eq!(e.code, "validation.failed");
        assert_eq!(e.arg, "3");
        assert_eq!(e.message, "输入有 3 处问题");
        let paths: Vec<&str> = e.issues.iter().map(|i| i.path.as_str()).collect();
        assert_eq!(paths, ["complainants[0].phones[0]", "facts.content", "respondents[1].uscc"]);
        assert_eq!(e.issues[0].code, "phone.mobile");
        assert_eq!(e.issues[0].message, "手机号码格式不正确");
        assert_eq!(e.issues[1].arg, "2000");
        assert_eq!(e.issues[1].message, "内容过长（最多 2000 个字符）");
        assert_eq!(e.issues[2].message, "统一社会信用代码校验位错误");
    }

    #[test]
    fn validation_in_english() {
        let e: IpcError = (invalid(), Lang::En).into();
        assert_eq!(e.message, "the input has 3 problems");
        assert_eq!(e.issues[0].message, "is not a valid mobile number");
        assert_eq!(e.issues[1].message, "is too long (at most 2000 characters)");
    }

    #[test]
    fn other_errors_have_no_issues_and_default_to_chinese() {
        let e: IpcError = StoreError::not_found("HX0201-2026-A-00001").into();
        assert_eq!(e.code, "not_found");
        assert_eq!(e.arg, "HX0201-2026-A-00001");
        assert_eq!(e.message, "找不到：HX0201-2026-A-00001");
        assert!(e.issues.is_empty());
        let e = IpcError::from_core(
            &StoreError::Domain(casedesk_domain::DomainError::IllegalTransition {
                status: "closed",
                action: "accept",
            }),
            Lang::En,
        );
        assert_eq!(e.code, "case.illegal_transition");
        assert_eq!(e.arg, "Closed");
        assert_eq!(e.message, "the case is Closed; this action is not allowed");
        let e = IpcError::from_core(&StoreError::NotInitialized, Lang::Zh);
        assert_eq!(e.code, "station.not_initialized");
    }

    #[test]
    fn serializes_as_the_contract_says() {
        let e = IpcError::invalid("hub_url", "url.invalid", "", Lang::En);
        let v = serde_json::to_value(&e).unwrap();
        assert_eq!(
            v,
            serde_json::json!({
                "code": "validation.failed",
                "arg": "1",
                "message": "the input has 1 problems",
                "issues": [{ "path": "hub_url", "code": "url.invalid", "arg": "",
                             "message": "must start with http:// or https://" }]
            })
        );
    }

    #[test]
    fn shell_codes_are_translated() {
        for (code, zh, en) in IPC_MESSAGES {
            assert!(
                casedesk_domain::messages::MESSAGES.iter().all(|(c, _, _)| c != code),
                "{code} is also a core code"
            );
            assert_eq!(zh.contains("{0}"), en.contains("{0}"), "{code}");
        }
        assert_eq!(text("range", Lang::Zh, "1–60"), "应在 1–60 之间");
    }

    #[test]
    fn sync_errors_in_plain_words() {
        let e = SyncError::Network("connection refused".into());
        let ipc = IpcError::from_sync(&e, Lang::Zh);
        assert_eq!(ipc.code, "sync.network");
        assert!(ipc.message.contains("连不上中心服务器"), "{}", ipc.message);
        let e = SyncError::Hub {
            status: 400,
            body: casedesk_proto::sync::ErrorBody {
                code: "enroll_code_invalid".into(),
                message: "x".into(),
            },
        };
        let ipc = IpcError::from_sync(&e, Lang::En);
        assert_eq!(ipc.code, "sync.enroll_code_invalid");
        assert_eq!(
            ipc.message,
            "the enrollment code cannot be read; check that it was pasted whole"
        );
    }
}
