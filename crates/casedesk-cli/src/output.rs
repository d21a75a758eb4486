//! Plain-text output: aligned tables (Chinese characters are two columns wide), dates in the
//! station's time zone, money in yuan, and the command's own messages.

use casedesk_domain::Lang;
use casedesk_domain::deadline::station_offset;
use chrono::{DateTime, Utc};
use unicode_width::UnicodeWidthStr;

/// Messages of the command line itself, beside the core's (`casedesk_domain::messages`).
const CLI_MESSAGES: &[(&str, &str, &str)] = &[
    ("cli.no_db", "请用 --db PATH 指定站点数据库", "give the station database with --db PATH"),
    (
        "cli.db_missing",
        "数据库文件不存在：{0}（先运行 init）",
        "no database file at {0} (run init first)",
    ),
    (
        "cli.key_note_missing",
        "数据库已加密，但找不到它的密钥说明文件 {0}（从备份恢复时，把备份旁的 .key 文件一起拷过来）",
        "the database is encrypted but its key description file {0} is missing (when copying a backup, copy the .key file beside it too)",
    ),
    (
        "cli.backup_partial",
        "有 {0} 个备份文件夹没能写入（见上）",
        "{0} backup folders could not be written (see above)",
    ),
    ("cli.bad_arg", "参数无效：{0}", "invalid argument: {0}"),
    (
        "cli.no_actor",
        "请用 --as 姓名（或 CASEDESK_AS）指明以哪位工作人员的身份操作",
        "name the staff member you act as with --as NAME (or CASEDESK_AS)",
    ),
    ("cli.password_mismatch", "两次输入的密码不一致", "the two passwords differ"),
    ("cli.read_json", "无法读取 JSON 文件：{0}", "cannot read the JSON file: {0}"),
    ("cli.read_file", "无法读取文件：{0}", "cannot read the file: {0}"),
    ("cli.write_file", "无法写入文件：{0}", "cannot write the file: {0}"),
    (
        "cli.which_transfer",
        "有几条转办尚未反馈，请用 --transfer 指明：{0}",
        "several transfers wait for feedback; name one with --transfer: {0}",
    ),
    (
        "cli.codes_search",
        "只有 category 表可以按词查找（casedesk codes category 暖气），不能查 {0}",
        "only the category table can be searched by words (casedesk codes category heating), not {0}",
    ),
    ("cli.no_category", "没有类别与“{0}”相符", "no category matches “{0}”"),
];

pub fn cli_text(code: &str, lang: Lang, arg: &str) -> String {
    match CLI_MESSAGES.iter().find(|(c, _, _)| *c == code) {
        Some((_, zh, en)) => (if lang == Lang::Zh { zh } else { en }).replace("{0}", arg),
        None => casedesk_domain::messages::text(code, lang, arg),
    }
}

pub fn local_time(t: DateTime<Utc>) -> String {
    t.with_timezone(&station_offset()).format("%Y-%m-%d %H:%M").to_string()
}

pub fn yuan(fen: i64) -> String {
    casedesk_domain::validate::format_yuan(fen)
}

/// Prints rows as an aligned table; the first row is the header.
pub fn table(rows: &[Vec<String>]) {
    let Some(first) = rows.first() else { return };
    let mut widths = vec![0; first.len()];
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            widths[i] = widths[i].max(cell.width());
        }
    }
    for row in rows {
        let mut line = String::new();
        for (i, cell) in row.iter().enumerate() {
            line.push_str(cell);
            if i + 1 < row.len() {
                line.push_str(&" ".repeat(widths[i] - cell.width() + 2));
            }
        }
        println!("{}", line.trim_end());
    }
}

/// Cuts a string to at most `max` display columns.
pub fn clip(s: &str, max: usize) -> String {
    if s.width() <= max {
        return s.to_owned();
    }
    let mut out = String::new();
    for ch in s.chars() {
        if out.width() + 2 > max.saturating_sub(1) {
            break;
        }
        out.push(ch);
    }
    out.push('…');
    out
}
