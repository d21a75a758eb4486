//! `casedesk retention`: the retention period after a case ends, the cases whose period has
//! ended, and their anonymisation (`case.anonymized`: names, numbers, addresses and free texts
//! removed from every stored copy of the case's events; the statistics count the case as
//! before).

use casedesk_store::StoreError;
use clap::Subcommand;

use crate::output::{local_time, table};
use crate::{CmdResult, Ctx};

#[derive(Subcommand)]
pub enum RetentionCmd {
    /// The retention period, and with DAYS set it (needs the configure permission).
    Period {
        /// Days after a case is closed, not accepted or voided (0–36500).
        days: Option<u32>,
    },
    /// The cases whose retention period has ended and that still hold personal data.
    List {
        /// See what a different period would list (the setting is not changed).
        #[arg(long)]
        days: Option<u32>,
        #[arg(long)]
        json: bool,
    },
    /// Anonymise the named cases, or with --all every case `list` shows (needs the anonymise
    /// permission). This cannot be undone.
    Apply {
        /// Case numbers or ids.
        cases: Vec<String>,
        #[arg(long, conflicts_with = "cases")]
        all: bool,
        #[arg(long)]
        json: bool,
    },
}

pub fn run(ctx: &Ctx, cmd: RetentionCmd) -> CmdResult {
    let (mut store, me) = ctx.signed_in()?;
    match cmd {
        RetentionCmd::Period { days: Some(days) } => {
            store.set_retention_days(&me, days)?;
            println!("{} {days}", ctx.t("保存期限已设为（天）：", "Retention period set (days):"));
        }
        RetentionCmd::Period { days: None } => {
            println!(
                "{} {}",
                ctx.t("保存期限（办结后天数）：", "Retention period (days after a case ends):"),
                store.retention_days()?
            );
        }
        RetentionCmd::List { days, json } => {
            let due = store.retention_due(days)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&due).map_err(StoreError::from)?);
                return Ok(());
            }
            if due.is_empty() {
                println!(
                    "{}",
                    ctx.t("没有到期的案件", "No case has reached the end of its period")
                );
                return Ok(());
            }
            let mut rows = vec![vec![
                ctx.t("案件编号", "Case no.").to_owned(),
                ctx.t("状态", "Status").to_owned(),
                ctx.t("办结于", "Ended").to_owned(),
                ctx.t("到期于", "Due").to_owned(),
                ctx.t("含个人信息的记录", "Records with personal data").to_owned(),
            ]];
            for d in due {
                rows.push(vec![
                    d.no,
                    d.status.label(ctx.lang).to_owned(),
                    local_time(d.ended_at),
                    local_time(d.due_at),
                    d.events.to_string(),
                ]);
            }
            table(&rows);
        }
        RetentionCmd::Apply { cases, all, json } => {
            // Refused before anything is listed, even when nothing is due.
            store.authorize(&me, casedesk_domain::types::Permission::Anonymize)?;
            let ids = if all {
                store.retention_due(None)?.into_iter().map(|d| d.id).collect()
            } else {
                cases.iter().map(|c| store.find_case(c)).collect::<Result<Vec<_>, _>>()?
            };
            let mut done = Vec::new();
            for id in ids {
                let e = store.anonymize_op(None, id, &me)?;
                let no = store.case_state(id)?.reg.case_no;
                done.push(serde_json::json!({ "case": id, "no": no, "event": e.id }));
                if !json {
                    println!("{} {no}", ctx.t("已删除个人信息：", "Personal data removed:"));
                }
            }
            if json {
                println!("{}", serde_json::to_string_pretty(&done).map_err(StoreError::from)?);
            } else if done.is_empty() {
                println!("{}", ctx.t("没有需要处理的案件", "Nothing to anonymise"));
            }
        }
    }
    Ok(())
}
