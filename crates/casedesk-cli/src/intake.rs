//! `casedesk roving ...` and `casedesk consult`: roving intake sessions (流动受理点) and
//! consultations, which are counted in 人次 and get no case number or acceptance deadline.

use casedesk_domain::event::OrgEvent;
use casedesk_domain::types::Channel;
use chrono::NaiveDate;
use clap::{Args, Subcommand};
use uuid::Uuid;

use crate::output::{local_time, table};
use crate::{CmdResult, Ctx, Failure};

#[derive(Subcommand)]
pub enum RovingCmd {
    /// Open a roving intake point (a village, a pasture, a market) for the day.
    Start {
        /// Where, e.g. 天峻县织合玛乡牧委会.
        #[arg(long)]
        place: String,
        /// The day (YYYY-MM-DD; today if not given).
        #[arg(long)]
        date: Option<NaiveDate>,
        /// Team members, comma-separated.
        #[arg(long, value_delimiter = ',')]
        team: Vec<String>,
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Close a roving intake point.
    End {
        /// The session id (see `roving list`).
        id: Uuid,
        #[arg(long, default_value = "")]
        note: String,
    },
    /// The latest roving intake sessions with their counts.
    List {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Args)]
pub struct ConsultArgs {
    /// What the consultation was about.
    #[arg(long)]
    topic: String,
    /// How many people (人次).
    #[arg(long, default_value_t = 1)]
    people: u32,
    /// visit | phone | letter | online | 12315 | superior | roving | email
    #[arg(long, default_value = "visit")]
    channel: String,
    /// The roving intake session it was taken at.
    #[arg(long)]
    roving: Option<Uuid>,
    /// A CCA category code, e.g. CCA-G10.
    #[arg(long)]
    category: Option<String>,
}

pub fn roving(ctx: &Ctx, cmd: RovingCmd) -> CmdResult {
    match cmd {
        RovingCmd::Start { place, date, team, note } => {
            let (mut store, me) = ctx.signed_in()?;
            let unit = store.require_station()?.unit.clone();
            let date = date.unwrap_or_else(|| casedesk_domain::deadline::local_date(store.now()));
            let id = Uuid::now_v7();
            store.record_org(id, &me, OrgEvent::RovingStarted { unit, date, place, team, note })?;
            println!("{} {id}", ctx.t("已开始流动受理：", "Roving intake started:"));
            Ok(())
        }
        RovingCmd::End { id, note } => {
            let (mut store, me) = ctx.signed_in()?;
            let at = store.now();
            store.record_org(id, &me, OrgEvent::RovingEnded { at, note })?;
            println!("{} {id}", ctx.t("已结束流动受理：", "Roving intake ended:"));
            Ok(())
        }
        RovingCmd::List { json } => {
            let (store, _) = ctx.signed_in()?;
            let list = store.roving_sessions(None)?;
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&list)
                        .map_err(casedesk_store::StoreError::from)?
                );
                return Ok(());
            }
            let mut rows = vec![vec![
                "id".to_owned(),
                ctx.t("日期", "date").to_owned(),
                ctx.t("地点", "place").to_owned(),
                ctx.t("投诉", "complaints").to_owned(),
                ctx.t("咨询人次", "consulted").to_owned(),
                ctx.t("结束", "ended").to_owned(),
            ]];
            for r in list {
                rows.push(vec![
                    r.id.to_string(),
                    r.date,
                    r.place,
                    r.complaints.to_string(),
                    r.people.to_string(),
                    r.ended_at.map_or("—".to_owned(), local_time),
                ]);
            }
            table(&rows);
            Ok(())
        }
    }
}

pub fn consult(ctx: &Ctx, a: ConsultArgs) -> CmdResult {
    let (mut store, me) = ctx.signed_in()?;
    let channel =
        Channel::from_code(&a.channel).ok_or_else(|| {
            Failure::Core(casedesk_store::StoreError::invalid(vec![
                casedesk_domain::Issue::with_arg("channel", "unknown_code", &a.channel),
            ]))
        })?;
    let unit = store.require_station()?.unit.clone();
    let at = store.now();
    store.record_org(
        Uuid::now_v7(),
        &me,
        OrgEvent::ConsultationRecorded {
            unit,
            at,
            channel,
            topic: a.topic,
            people: a.people,
            roving_session: a.roving,
            category: a.category,
        },
    )?;
    println!("{} {}", ctx.t("已记录咨询，人次：", "Consultation recorded, people:"), a.people);
    Ok(())
}
