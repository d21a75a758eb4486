//! `casedesk staff`: the station's staff (list, add, change roles or status, change one's own
//! password) and the access log. Passwords and PINs stay on this device (argon2id hashes);
//! staff identity and roles sync as `staff.registered`.

use casedesk_domain::Issue;
use casedesk_domain::types::{Language, StaffRole};
use casedesk_store::{NewStaff, StaffUpdate, StoreError};
use clap::Subcommand;

use crate::output::{local_time, table};
use crate::{CmdResult, Ctx, Failure};

#[derive(Subcommand)]
pub enum StaffCmd {
    /// The station's staff and their roles.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Add a staff member (needs the manage-staff permission). Their first password or PIN
    /// comes from CASEDESK_NEW_PASSWORD or a prompt.
    Add {
        name: String,
        /// Comma-separated: clerk, liaison, mediator, head, secretariat, admin, recorder,
        /// interpreter.
        #[arg(long, value_delimiter = ',', required = true)]
        roles: Vec<String>,
        #[arg(long, default_value = "")]
        phone: String,
        /// Comma-separated language codes (zh, bo, mn, ...).
        #[arg(long, value_delimiter = ',', default_value = "zh")]
        languages: Vec<String>,
    },
    /// Change a staff member's roles, phone or status.
    Set {
        name: String,
        #[arg(long, value_delimiter = ',')]
        roles: Option<Vec<String>>,
        #[arg(long)]
        phone: Option<String>,
        /// Deactivate the member (they can no longer sign in or act).
        #[arg(long, conflicts_with = "active")]
        inactive: bool,
        #[arg(long)]
        active: bool,
    },
    /// Change your own password or PIN (the new one from CASEDESK_NEW_PASSWORD or a prompt).
    Password,
    /// Set a member's password or PIN on this device (needs the manage-staff permission): for
    /// a member registered on another device of the unit (credentials never sync), or one who
    /// forgot theirs. The new one comes from CASEDESK_NEW_PASSWORD or a prompt.
    SetPassword { name: String },
    /// The access log: who revealed which number, who exported what (needs the audit
    /// permission).
    Audit {
        #[arg(long, default_value_t = 100)]
        limit: u32,
        #[arg(long)]
        json: bool,
    },
}

fn roles(codes: &[String]) -> Result<Vec<StaffRole>, Failure> {
    codes
        .iter()
        .map(|c| {
            StaffRole::from_code(c.trim()).ok_or_else(|| {
                Failure::Core(StoreError::invalid(vec![Issue::with_arg(
                    "roles",
                    "unknown_code",
                    c,
                )]))
            })
        })
        .collect()
}

fn languages(codes: &[String]) -> Result<Vec<Language>, Failure> {
    codes
        .iter()
        .filter(|c| !c.trim().is_empty())
        .map(|c| {
            Language::from_code(c.trim()).ok_or_else(|| {
                Failure::Core(StoreError::invalid(vec![Issue::with_arg(
                    "languages",
                    "unknown_code",
                    c,
                )]))
            })
        })
        .collect()
}

fn role_labels(ctx: &Ctx, codes: &[String]) -> String {
    codes
        .iter()
        .map(|c| StaffRole::from_code(c).map_or(c.clone(), |r| r.label(ctx.lang).to_owned()))
        .collect::<Vec<_>>()
        .join(ctx.t("、", ", "))
}

pub fn run(ctx: &Ctx, cmd: StaffCmd) -> CmdResult {
    let (mut store, me) = ctx.signed_in()?;
    match cmd {
        StaffCmd::List { json } => {
            let unit = store.require_station()?.unit.clone();
            let mut list = store.staff()?;
            list.retain(|s| s.unit == unit);
            // Staff phones are shown only to those who manage staff.
            let may_see = store.authorize(&me, casedesk_domain::types::Permission::ManageStaff);
            if may_see.is_err() {
                for s in &mut list {
                    s.phone = casedesk_domain::mask::phone(&s.phone);
                }
            }
            if json {
                println!("{}", serde_json::to_string_pretty(&list).map_err(StoreError::from)?);
                return Ok(());
            }
            let mut rows = vec![vec![
                ctx.t("姓名", "Name").to_owned(),
                ctx.t("角色", "Roles").to_owned(),
                ctx.t("电话", "Phone").to_owned(),
                ctx.t("状态", "Status").to_owned(),
            ]];
            for s in list {
                rows.push(vec![
                    s.name.clone(),
                    role_labels(ctx, &s.roles),
                    s.phone.clone(),
                    if s.active {
                        ctx.t("在岗", "active")
                    } else {
                        ctx.t("已停用", "inactive")
                    }
                    .to_owned(),
                ]);
            }
            table(&rows);
        }
        StaffCmd::Add { name, roles: r, phone, languages: l } => {
            let secret = crate::secret_for(ctx, &name, "CASEDESK_NEW_PASSWORD")?;
            let row = store.add_staff_op(
                None,
                &me,
                NewStaff {
                    name,
                    roles: roles(&r)?,
                    phone,
                    languages: languages(&l)?,
                    secret: Some(secret),
                },
            )?;
            println!(
                "{} {} ({})",
                ctx.t("已添加工作人员", "Staff member added:"),
                row.name,
                row.id
            );
        }
        StaffCmd::Set { name, roles: r, phone, inactive, active } => {
            let unit = store.require_station()?.unit.clone();
            let current = store
                .staff()?
                .into_iter()
                .find(|s| s.unit == unit && (s.name == name || s.id.to_string() == name))
                .ok_or_else(|| {
                    Failure::Core(casedesk_store::AuthError::UnknownStaff(name.clone()).into())
                })?;
            let update = StaffUpdate {
                roles: match r {
                    Some(r) => roles(&r)?,
                    None => casedesk_store::people::roles_of(&current),
                },
                phone: phone.unwrap_or(current.phone.clone()),
                languages: current
                    .languages
                    .iter()
                    .filter_map(|c| Language::from_code(c))
                    .collect(),
                active: if inactive { false } else { active || current.active },
            };
            let row = store.update_staff_op(None, &me, current.id, update)?;
            println!(
                "{} {}: {}",
                ctx.t("已更新", "Updated"),
                row.name,
                role_labels(ctx, &row.roles)
            );
        }
        StaffCmd::SetPassword { name } => {
            let unit = store.require_station()?.unit.clone();
            let member = store
                .staff()?
                .into_iter()
                .find(|s| {
                    s.unit == unit && s.active && (s.name == name || s.id.to_string() == name)
                })
                .ok_or_else(|| {
                    Failure::Core(casedesk_store::AuthError::UnknownStaff(name.clone()).into())
                })?;
            let new = crate::secret_for(ctx, &member.name, "CASEDESK_NEW_PASSWORD")?;
            store.set_credential(&me, member.id, &new)?;
            println!(
                "{} {}",
                ctx.t("已设置密码，可在本机登录：", "Password set; they can sign in here:"),
                member.name
            );
        }
        StaffCmd::Password => {
            let current = crate::secret_for(ctx, ctx.t("当前", "current"), "CASEDESK_PASSWORD")?;
            let new = crate::secret_for(ctx, ctx.t("新", "new"), "CASEDESK_NEW_PASSWORD")?;
            store.change_own_credential(&me, &current, &new)?;
            println!("{}", ctx.t("密码已更改", "Password changed"));
        }
        StaffCmd::Audit { limit, json } => {
            let log = store.audit_log(&me, limit)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&log).map_err(StoreError::from)?);
                return Ok(());
            }
            let mut rows = vec![vec![
                ctx.t("时间", "Time").to_owned(),
                ctx.t("人员", "Staff").to_owned(),
                ctx.t("操作", "Action").to_owned(),
                ctx.t("案件", "Case").to_owned(),
                ctx.t("内容", "What").to_owned(),
            ]];
            for e in log {
                let action = match e.action.as_str() {
                    "reveal" => ctx.t("查看完整信息", "revealed"),
                    _ => ctx.t("导出", "exported"),
                };
                let what = if e.action == "export" {
                    format!("{} ×{}", e.detail, e.count)
                } else {
                    e.detail.clone()
                };
                rows.push(vec![
                    local_time(e.at),
                    e.actor_name.unwrap_or_else(|| e.actor.map_or("—".into(), |a| a.to_string())),
                    action.to_owned(),
                    e.case_no,
                    what,
                ]);
            }
            table(&rows);
        }
    }
    Ok(())
}
