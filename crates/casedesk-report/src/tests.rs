//! Hand-computed worked examples of every counting rule and ratio (docs/statistics.md, §
//! "Worked example"), on three real stores that exchange their events as sync would: the
//! association HX, and the stations HX0201 and HX0202 below it.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use chrono::{DateTime, TimeZone, Utc};
use uuid::Uuid;

use casedesk_domain::event::*;
use casedesk_domain::reference::RuleSet;
use casedesk_domain::testutil::registration;
use casedesk_domain::types::*;
use casedesk_store::{Source, StationInit, Store};

use crate::figures::Figures;
use crate::period::Period;
use crate::report::report;

struct Desk {
    store: Store,
    clock: Arc<AtomicI64>,
}

/// Station time (UTC+8) `y-m-d h:00`.
fn local(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
    chrono::FixedOffset::east_opt(8 * 3600)
        .unwrap()
        .with_ymd_and_hms(y, m, d, h, 0, 0)
        .single()
        .unwrap()
        .with_timezone(&Utc)
}

impl Desk {
    fn new(unit: &str, name: &str, kind: UnitKind, parent: Option<&str>) -> Desk {
        let clock = Arc::new(AtomicI64::new(local(2025, 9, 1, 9).timestamp_millis()));
        let mut store = Store::open_in_memory().unwrap();
        let c = clock.clone();
        store.set_clock(move || DateTime::from_timestamp_millis(c.load(Ordering::SeqCst)).unwrap());
        store
            .init_station(StationInit {
                unit: unit.into(),
                unit_name: name.into(),
                unit_kind: kind,
                parent: parent.map(str::to_owned),
                admin_code: "632802".into(),
                device_code: "A1".into(),
                device_name: String::new(),
                founder: "站长".into(),
                founder_secret: None,
            })
            .unwrap();
        Desk { store, clock }
    }

    fn at(&mut self, t: DateTime<Utc>) -> &mut Desk {
        self.clock.store(t.timestamp_millis(), Ordering::SeqCst);
        self
    }

    fn register(
        &mut self,
        t: DateTime<Utc>,
        case_type: CaseType,
        category: Option<&str>,
        nature: Option<&str>,
    ) -> Uuid {
        self.at(t);
        let mut reg = registration(t);
        reg.case_type = case_type;
        reg.category = category.map(str::to_owned);
        reg.nature = nature.map(str::to_owned);
        reg.facts.occurred_on = None;
        let me = casedesk_store::testutil::founder(&self.store);
        self.store.register_case(&me, reg).unwrap().id
    }

    fn act(&mut self, id: Uuid, t: DateTime<Utc>, ev: CaseEvent) {
        self.at(t);
        let me = casedesk_store::testutil::founder(&self.store);
        self.store.act(id, &me, ev).unwrap();
    }

    fn accept(&mut self, id: Uuid, t: DateTime<Utc>) {
        self.act(id, t, CaseEvent::Accepted { at: t, note: String::new() });
    }

    fn close(
        &mut self,
        id: Uuid,
        t: DateTime<Utc>,
        outcome: Outcome,
        recovered_fen: i64,
        doubled_fen: i64,
    ) {
        self.act(
            id,
            t,
            CaseEvent::Closed(Closed {
                at: t,
                outcome,
                recovered_fen,
                doubled_fen,
                note: String::new(),
            }),
        );
    }

    fn transfer(&mut self, id: Uuid, t: DateTime<Utc>, kind: TransferKind, to: &str) {
        let reason = match kind {
            TransferKind::Up => TransferReason::BigCaseUp,
            TransferKind::Down => TransferReason::SmallCaseDown,
            _ => TransferReason::HardCaseJoint,
        };
        self.act(
            id,
            t,
            CaseEvent::Transferred(Transferred {
                transfer: Uuid::now_v7(),
                kind,
                to_unit: to.into(),
                to_unit_name: String::new(),
                to_department: String::new(),
                reason,
                due: None,
                note: String::new(),
            }),
        );
    }

    fn consult(&mut self, t: DateTime<Utc>, people: u32) {
        self.at(t);
        let unit = self.store.require_station().unwrap().unit.clone();
        let me = casedesk_store::testutil::founder(&self.store);
        self.store
            .record_org(
                Uuid::now_v7(),
                &me,
                OrgEvent::ConsultationRecorded {
                    unit,
                    at: t,
                    channel: Channel::Phone,
                    topic: "三包规定".into(),
                    people,
                    roving_session: None,
                    category: None,
                },
            )
            .unwrap();
    }

    /// Takes every event `other` wrote itself (an import, as a pull would bring them).
    fn pull(&mut self, other: &Desk) {
        // Sync happens after the work: this desk's clock is not behind the events it takes.
        let events = other.store.own_events_after(0, usize::MAX, 1_000_000).unwrap();
        let newest = events.iter().map(|e| e.hlc.ms() as i64).max().unwrap_or(0);
        let t = self.clock.load(Ordering::SeqCst).max(newest);
        self.clock.store(t, Ordering::SeqCst);
        let r = self.store.apply_remote(&events, Source::Import).unwrap();
        assert!(r.quarantined.is_empty(), "{:?}", r.quarantined);
    }
}

/// The association HX with the stations HX0201 (S) and HX0202 (T), and the cases of the worked
/// example of docs/statistics.md. Returns (association, S, T, the case c3 closed after Q4).
fn world() -> (Desk, Desk, Desk) {
    let mut a = Desk::new("HX", "海西州消费者协会", UnitKind::Association, None);
    let mut s =
        Desk::new("HX0201", "德令哈市消费者投诉联络站", UnitKind::LiaisonStation, Some("HX"));
    let mut t =
        Desk::new("HX0202", "格尔木市消费者投诉联络站", UnitKind::LiaisonStation, Some("HX"));
    // Last year, for 同比: c0 at S, accepted and closed settled in 2025-Q4.
    let c0 = s.register(
        local(2025, 10, 15, 10),
        CaseType::Complaint,
        Some("CCA-G01-01"),
        Some("CCA-N02"),
    );
    s.accept(c0, local(2025, 10, 16, 10));
    s.close(c0, local(2025, 10, 30, 10), Outcome::Settled, 0, 0);

    // In the order things happened (a desk's clock never runs backwards).
    // c6 at S: received on 1 October at 08:00 station time (still 30 September in UTC),
    // accepted 8 October, settled 20 December: after its 60 days.
    let c6 =
        s.register(local(2026, 10, 1, 8), CaseType::Complaint, Some("CCA-S01-01"), Some("CCA-N01"));
    s.accept(c6, local(2026, 10, 8, 10));
    // c1 at S: accepted, agreement, closed mediated in 11 days: 259,900 fen recovered.
    let c1 = s.register(
        local(2026, 10, 9, 10),
        CaseType::Complaint,
        Some("CCA-G01-01"),
        Some("CCA-N02"),
    );
    s.accept(c1, local(2026, 10, 10, 10));
    // c2 at S, transferred up to HX, accepted there and settled with punitive damages.
    let c2 =
        s.register(local(2026, 10, 12, 10), CaseType::Complaint, Some("CCA-S12"), Some("CCA-N05"));
    s.transfer(c2, local(2026, 10, 13, 10), TransferKind::Up, "HX");
    a.pull(&s);
    a.accept(c2, local(2026, 10, 15, 10));
    // Consultations at S: 3 人次 now; later 2 人次 at 23:00 on 31 December and 4 人次 at 00:30
    // on 1 January (station time: the next quarter).
    s.consult(local(2026, 10, 15, 10), 3);
    s.act(
        c1,
        local(2026, 10, 20, 10),
        CaseEvent::AgreementRecorded(AgreementRecorded {
            signed_at: local(2026, 10, 20, 10),
            terms: "商家更换新机".into(),
            amount_fen: 259_900,
            performance_due: None,
        }),
    );
    // A report (举报) at S: counted apart, and still open (its acceptance is overdue later).
    s.register(local(2026, 10, 20, 11), CaseType::Report, Some("CCA-G03-01"), Some("CCA-N06"));
    s.close(c1, local(2026, 10, 21, 10), Outcome::Mediated, 259_900, 0);
    // c3 at S: accepted, co-handled with HX0202, closed unresolved in January.
    let c3 = s.register(
        local(2026, 11, 2, 10),
        CaseType::Complaint,
        Some("CCA-G03-01"),
        Some("CCA-N02"),
    );
    s.accept(c3, local(2026, 11, 3, 10));
    s.transfer(c3, local(2026, 11, 4, 10), TransferKind::CoHandle, "HX0202");
    // c4 at S: voided, counts nowhere.
    let c4 = s.register(
        local(2026, 11, 5, 10),
        CaseType::Complaint,
        Some("CCA-G01-01"),
        Some("CCA-N02"),
    );
    s.act(c4, local(2026, 11, 6, 10), CaseEvent::Voided { reason: "重复登记".into() });
    // c7 at HX, transferred down to HX0202, accepted there, withdrawn.
    a.pull(&s);
    let c7 =
        a.register(local(2026, 11, 10, 10), CaseType::Complaint, Some("CCA-X"), Some("CCA-N02"));
    a.transfer(c7, local(2026, 11, 11, 10), TransferKind::Down, "HX0202");
    t.pull(&a);
    t.accept(c7, local(2026, 11, 12, 10));
    t.close(c7, local(2026, 11, 20, 10), Outcome::Withdrawn, 0, 0);
    a.close(c2, local(2026, 11, 30, 10), Outcome::Settled, 1_000_000, 300_000);
    // c5 at S: not accepted.
    let c5 = s.register(
        local(2026, 12, 1, 10),
        CaseType::Complaint,
        Some("CCA-G01-01"),
        Some("CCA-N02"),
    );
    let reason = RuleSet::Own.not_accept_reasons()[0].code.to_owned();
    s.act(
        c5,
        local(2026, 12, 2, 10),
        CaseEvent::NotAccepted { at: local(2026, 12, 2, 10), reason, note: String::new() },
    );
    s.close(c6, local(2026, 12, 20, 10), Outcome::Settled, 50_000, 0);
    s.consult(local(2026, 12, 31, 23), 2);
    s.consult(local(2026, 12, 31, 23) + chrono::Duration::minutes(90), 4);
    s.close(c3, local(2027, 1, 10, 10), Outcome::Unresolved, 0, 0);
    a.pull(&s);
    a.pull(&t);
    a.at(local(2027, 1, 15, 9));
    (a, s, t)
}

fn own<'a>(r: &'a crate::Report, unit: &str) -> &'a Figures {
    &r.rows.iter().find(|u| u.code == unit).unwrap().own
}

#[test]
fn worked_example_per_unit_and_total() {
    let (a, _s, _t) = world();
    let q4 = Period::parse("2026-Q4").unwrap();
    let r = report(&a.store, None, &q4).unwrap();
    assert_eq!(r.unit, "HX");
    assert_eq!(
        r.rows.iter().map(|u| (u.code.as_str(), u.depth)).collect::<Vec<_>>(),
        [("HX", 0), ("HX0201", 1), ("HX0202", 1)]
    );

    // The station S: received c1 c2 c3 c5 c6 (c4 voided), transferred c2 out, accepted c1 c3
    // c6, closed c1 c6 (c3 closes in January), resolved c1 c6, mediated c1, on time c1 only.
    let s = own(&r, "HX0201");
    let expect_s = Figures {
        received: 5,
        received_reports: 1,
        not_accepted: 1,
        transferred_out: 1,
        accepted: 3,
        closed: 2,
        resolved: 2,
        mediated: 1,
        closed_on_time: 1,
        recovered_fen: 309_900,
        consultation_people: 5,
        consultations: 2,
        ..Figures::default()
    };
    assert_eq!(s, &expect_s);
    // The association: received c7 (sent down), took c2 in and accepted it (counted once,
    // here, where it was finally accepted), closed it settled with punitive damages.
    let expect_a = Figures {
        received: 1,
        transferred_out: 1,
        transferred_in: 1,
        accepted: 1,
        closed: 1,
        resolved: 1,
        closed_on_time: 1,
        recovered_fen: 1_000_000,
        doubled_cases: 1,
        doubled_fen: 300_000,
        ..Figures::default()
    };
    assert_eq!(own(&r, "HX"), &expect_a);
    // The station T: c7 transferred in and accepted, withdrawn (closed, not resolved); helped
    // on c3 (协办, never 受理 there).
    let expect_t = Figures {
        transferred_in: 1,
        co_handled: 1,
        accepted: 1,
        closed: 1,
        closed_on_time: 1,
        ..Figures::default()
    };
    assert_eq!(own(&r, "HX0202"), &expect_t);

    let mut total = expect_s.clone();
    total.add(&expect_a).unwrap();
    total.add(&expect_t).unwrap();
    assert_eq!(r.total, total);
    assert_eq!(
        (r.total.received, r.total.accepted, r.total.closed, r.total.resolved),
        (6, 5, 4, 3)
    );
    // 解决率 3/5, 调解成功率 1/4, 按期办结率 3/4; 1,309,900 fen = 1.31 万元; 300,000 fen = 0.30 万元.
    assert_eq!(r.derived.resolution_rate_bp, Some(6000));
    assert_eq!(r.derived.mediation_rate_bp, Some(2500));
    assert_eq!(r.derived.on_time_rate_bp, Some(7500));
    assert_eq!(r.derived.recovered_wan, "1.31");
    assert_eq!(r.derived.doubled_wan, "0.30");
    // The station's own desktop knows only its own work: the same figures for itself.
    let rs = report(&_s.store, None, &q4).unwrap();
    assert_eq!(rs.rows.len(), 1);
    assert_eq!((rs.total.received, rs.total.transferred_out, rs.total.accepted), (5, 1, 3));
}

#[test]
fn resolution_is_counted_by_cohort() {
    let (a, _s, _t) = world();
    // c3 (accepted in Q4) closes in Q1 2027: 办结 in Q1, but never 解决 in Q1 (not of Q1's
    // cohort) nor in Q4 (closed after Q4 ended, and unresolved anyway).
    let q1 = report(&a.store, Some("HX0201"), &Period::parse("2027-Q1").unwrap()).unwrap();
    assert_eq!((q1.total.accepted, q1.total.closed, q1.total.resolved), (0, 1, 0));
    assert_eq!(q1.derived.resolution_rate_bp, None);
    // The 4 人次 of 00:30 on 1 January belong to Q1.
    assert_eq!(q1.total.consultation_people, 4);
    // Over the year 2026 the same cohort: resolved can never exceed accepted.
    let y = report(&a.store, None, &Period::parse("2026").unwrap()).unwrap();
    assert!(y.total.resolved <= y.total.accepted);
    assert_eq!((y.total.accepted, y.total.resolved), (5, 3));
}

#[test]
fn breakdowns_and_comparisons() {
    let (a, _s, _t) = world();
    let r = report(&a.store, None, &Period::parse("2026-Q4").unwrap()).unwrap();
    // Accepted in Q4: c1 N02, c2 N05, c3 N02, c6 N01, c7 N02; last year c0 N02 alone (so N01
    // and N05 had a share of 0 %: +20 百分点).
    let n: Vec<(&str, u64, Option<u32>, Option<i64>)> =
        r.by_nature.iter().map(|s| (s.code.as_str(), s.count, s.share_bp, s.change_bp)).collect();
    assert_eq!(
        n,
        [
            ("CCA-N02", 3, Some(6000), Some(-4000)),
            ("CCA-N01", 1, Some(2000), Some(2000)),
            ("CCA-N05", 1, Some(2000), Some(2000))
        ]
    );
    // 商品类 c1 c3, 服务类 c2 c6, 其他类 c7.
    let k: Vec<(&str, u64)> = r.by_subject.iter().map(|s| (s.code.as_str(), s.count)).collect();
    assert_eq!(k, [("goods", 2), ("service", 2), ("other", 1)]);
    let c: Vec<(&str, u64)> = r.by_category.iter().map(|s| (s.code.as_str(), s.count)).collect();
    assert_eq!(c, [("CCA-G01", 1), ("CCA-G03", 1), ("CCA-S01", 1), ("CCA-S12", 1), ("CCA-X", 1)]);
    assert_eq!(
        r.top_goods.iter().map(|s| s.code.as_str()).collect::<Vec<_>>(),
        ["CCA-G01-01", "CCA-G03-01"]
    );
    // 同比: accepted 5 against 1 (+400.00 %); 环比 against 2026-Q3: nothing then.
    let acc = r.changes.iter().find(|c| c.key == "accepted").unwrap();
    assert_eq!(
        (acc.now, acc.year_before, acc.previous, acc.yoy_bp, acc.mom_bp),
        (Some(5), Some(1), Some(0), Some(40_000), None)
    );
    // 解决率 60.00 % against 100.00 % a year before: −40 百分点.
    let rate = r.changes.iter().find(|c| c.key == "resolution_rate").unwrap();
    assert_eq!((rate.now, rate.year_before, rate.yoy_bp), (Some(6000), Some(10_000), Some(-4000)));
    assert_eq!(r.year_before.code, "2025-Q4");
    assert_eq!(r.previous.code, "2026-Q3");
}

#[test]
fn every_figure_opens_as_its_cases() {
    let (a, _s, _t) = world();
    let r = report(&a.store, None, &Period::parse("2026-Q4").unwrap()).unwrap();
    let f = serde_json::to_value(&r.total).unwrap();
    for (key, q) in &r.drill {
        let want = f[key].as_u64().unwrap();
        assert_eq!(a.store.count(q).unwrap(), want, "the list behind {key}");
    }
    assert!(r.drill.len() >= 13);
}

#[test]
fn a_submission_is_frozen_and_later_changes_show_as_adjustments() {
    let (mut a, mut s, _t) = world();
    let q4 = Period::parse("2026-Q4").unwrap();
    s.at(local(2027, 1, 5, 10));
    let before = report(&s.store, None, &q4).unwrap();
    let me = casedesk_store::testutil::founder(&s.store);
    crate::submit(&mut s.store, &me, &q4, "", None).unwrap();
    let submitted = report(&s.store, None, &q4).unwrap().submission.unwrap();
    assert_eq!(submitted.submitted, before.total);
    assert!(submitted.adjustments.is_empty());
    // A consultation of 30 December entered late (back from a roving day) changes the count,
    // not the submission: the adjustment row says what changed.
    s.consult(local(2026, 12, 30, 10), 2);
    s.at(local(2027, 1, 20, 10));
    let after = report(&s.store, None, &q4).unwrap();
    let sub = after.submission.unwrap();
    assert_eq!(sub.submitted, before.total, "the submitted figures never change");
    let adj: Vec<(&str, i64, i64, i64)> =
        sub.adjustments.iter().map(|x| (x.key.as_str(), x.submitted, x.now, x.delta)).collect();
    assert_eq!(adj, [("consultation_people", 5, 7, 2), ("consultations", 2, 3, 1)]);
    // The association sees who submitted.
    a.pull(&s);
    let r = report(&a.store, None, &q4).unwrap();
    let who: Vec<(&str, bool)> =
        r.rows.iter().map(|u| (u.code.as_str(), u.submitted_at.is_some())).collect();
    assert_eq!(who, [("HX", false), ("HX0201", true), ("HX0202", false)]);
}

#[test]
fn the_xlsx_holds_the_report_figures() {
    use calamine::{Data, Reader, Xlsx};
    let (a, _s, _t) = world();
    let r = report(&a.store, None, &Period::parse("2026-Q4").unwrap()).unwrap();
    let bytes = crate::xlsx::report_xlsx(&r, casedesk_domain::Lang::Zh).unwrap();
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    let sheet = book.worksheet_range("受理投诉情况").unwrap();
    let cell = |row: u32, col: u32| sheet.get_value((row, col)).cloned().unwrap_or(Data::Empty);
    assert_eq!(cell(2, 0), Data::String("单位".into()));
    assert_eq!(cell(2, 1), Data::String("投诉接收".into()));
    assert_eq!(cell(3, 6), Data::String("受理".into()));
    // Rows 4.. are HX, HX0201, HX0202, then 合计.
    let total_row = 4 + r.rows.len() as u32;
    assert_eq!(cell(total_row, 0), Data::String("合计".into()));
    let num = |row, col| match cell(row, col) {
        Data::Float(f) => f,
        Data::Int(i) => i as f64,
        other => panic!("not a number at {row},{col}: {other:?}"),
    };
    assert_eq!(num(total_row, 1), 6.0);
    assert_eq!(num(total_row, 6), 5.0);
    assert_eq!(num(total_row, 7), 4.0);
    assert_eq!(num(total_row, 8), 3.0);
    assert_eq!(num(total_row, 9), 0.6);
    assert_eq!(num(total_row, 13), 1.31);
    assert_eq!(num(total_row, 15), 0.3);
    assert_eq!(num(total_row, 16), 5.0);
    assert_eq!(num(5, 1), 5.0, "HX0201 received");
    let natures = book.worksheet_range("投诉性质").unwrap();
    assert_eq!(natures.get_value((4, 1)), Some(&Data::Float(3.0)));
}

#[test]
fn supervision_and_the_checklist() {
    let (a, _s, _t) = world();
    let q4 = Period::parse("2026-Q4").unwrap();
    let sup = crate::supervision::supervision(&a.store, None, &q4).unwrap();
    let s = sup.rows.iter().find(|r| r.code == "HX0201").unwrap();
    // The report (举报) of 20 October is still open on 15 January, past its acceptance
    // deadline: one open case, overdue.
    assert_eq!((s.figures.accepted, s.handled, s.open, s.overdue), (3, 2, 1, 1));
    let overdue = s.checklist.iter().find(|c| c.code == "no_overdue").unwrap();
    assert_eq!(overdue.met, Some(false));
    // 4 of 5 complaints received have a decision (c2 went up and still counts as decided at S:
    // transferred; c5 not accepted): all five are decided.
    assert_eq!(s.decided, 5);
    let t = sup.rows.iter().find(|r| r.code == "HX0202").unwrap();
    assert_eq!(t.handled, 2, "closed c7 and co-handled c3");
    let on_time = s.checklist.iter().find(|c| c.code == "on_time").unwrap();
    assert_eq!((on_time.value, on_time.met), (Some(5000), Some(false)));
    let follow = s.checklist.iter().find(|c| c.code == "follow_up").unwrap();
    assert_eq!(follow.met, Some(false), "no follow-up recorded");
    let csv = crate::xlsx::remuneration_csv(&sup, casedesk_domain::Lang::Zh);
    assert!(csv.contains("HX0201,德令哈市消费者投诉联络站,2026-Q4,5,3,2,1,0,2,5\r\n"), "{csv}");
}

/// The detector on synthetic weekly series (Poisson counts at rates 1, 3 and 8 a week): the
/// false-alarm rate on weeks without a spike, and the sensitivity to a spike added to one week
/// (+3σ, +5σ and a doubling). Prints the table (`cargo test -p casedesk-report detector --
/// --nocapture`); the bounds asserted are loose, the figures are what to read.
#[test]
fn detector_sensitivity_and_false_alarms() {
    use crate::hotspots::{Params, alerts};
    use rand::{Rng, SeedableRng};
    let mut rng = rand::rngs::StdRng::seed_from_u64(20261201);
    let mut poisson = |lambda: f64| -> u64 {
        // Knuth's method: fine for these small rates.
        let l = (-lambda).exp();
        let (mut k, mut p) = (0u64, 1.0f64);
        loop {
            p *= rng.random::<f64>();
            if p <= l {
                return k;
            }
            k += 1;
        }
    };
    let p = Params::default();
    println!(
        "EARS C2 on weekly counts (baseline 7 weeks, guard 2, threshold 3, σ ≥ 1, at least 3 cases)"
    );
    println!("rate/week  false alarms (weeks without a spike)  sensitivity: +3σ   +5σ   ×2");
    let (mut fa_all, mut weeks_all) = (0u64, 0u64);
    for lambda in [1.0f64, 3.0, 8.0] {
        let trials = 2000;
        let (mut fa, mut weeks) = (0u64, 0u64);
        let mut hits = [0u64; 3];
        let sd = lambda.sqrt().max(1.0);
        let spikes = [(3.0 * sd).ceil() as u64, (5.0 * sd).ceil() as u64, 0];
        for _ in 0..trials {
            let xs: Vec<u64> = (0..30).map(|_| poisson(lambda)).collect();
            for t in 12..30 {
                weeks += 1;
                if alerts(&xs[..=t], &p) {
                    fa += 1;
                }
            }
            for (i, add) in spikes.iter().enumerate() {
                let mut ys = xs[..20].to_vec();
                // +kσ added to the week's count, or (0) the week drawn at twice the rate.
                ys.push(if *add == 0 { poisson(2.0 * lambda) } else { xs[20] + add });
                if alerts(&ys, &p) {
                    hits[i] += 1;
                }
            }
        }
        let pct = |n: u64, d: u64| 100.0 * n as f64 / d as f64;
        println!(
            "{lambda:>9}  {:>35.2}%  {:>17.1}% {:>5.1}% {:>5.1}%",
            pct(fa, weeks),
            pct(hits[0], trials),
            pct(hits[1], trials),
            pct(hits[2], trials)
        );
        assert!(
            pct(hits[1], trials) >= 80.0,
            "a +5σ spike at rate {lambda} is found at least 80 % of the time"
        );
        fa_all += fa;
        weeks_all += weeks;
    }
    let far = 100.0 * fa_all as f64 / weeks_all as f64;
    println!("all rates: false alarms {far:.2}% of weeks");
    assert!(far <= 5.0, "false alarms {far:.2}%");
}

/// The report of a seeded demonstration station, pinned (`UPDATE_GOLDEN=1` rewrites).
#[test]
fn golden_report_of_a_demo_station() {
    let end = local(2026, 11, 28, 18);
    let mut store = Store::open_in_memory().unwrap();
    store.set_clock(move || local(2025, 1, 1, 0));
    store.init_station(casedesk_store::testutil::station_init()).unwrap();
    store.set_clock(move || end);
    let opts = casedesk_demo::DemoOptions { cases: 400, seed: 7, end, batch: 200 };
    casedesk_demo::generate(&mut store, &opts, &mut |_| {}).unwrap();
    let mut text = String::new();
    for code in ["2026-Q3", "2026-10"] {
        let r = report(&store, None, &Period::parse(code).unwrap()).unwrap();
        let json = serde_json::json!({
            "period": r.period, "total": r.total, "derived": r.derived, "changes": r.changes,
            "by_nature": r.by_nature, "by_subject": r.by_subject, "by_category": r.by_category,
            "top_goods": r.top_goods, "top_services": r.top_services,
        });
        text.push_str(&serde_json::to_string_pretty(&json).unwrap());
        text.push('\n');
        // Every figure is the size of its list.
        let f = serde_json::to_value(&r.total).unwrap();
        for (key, q) in &r.drill {
            assert_eq!(store.count(q).unwrap(), f[key].as_u64().unwrap(), "{code} {key}");
        }
    }
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/demo-report.json");
    casedesk_golden::check_file(&path, &text, "the report of the seeded demonstration station");
}

/// The worked example per staff member (docs/statistics.md, "Per staff member"): station S with
/// its head 站长 and the members 王调解 and 李登记, seen by the association after a pull.
#[test]
fn supervision_per_staff_member() {
    use casedesk_store::testutil::member;
    let mut a = Desk::new("HX", "海西州消费者协会", UnitKind::Association, None);
    let mut s =
        Desk::new("HX0201", "德令哈市消费者投诉联络站", UnitKind::LiaisonStation, Some("HX"));
    let head = casedesk_store::testutil::founder(&s.store);
    let wang = member(&mut s.store, "王调解", &[StaffRole::Mediator, StaffRole::Head]);
    let li = member(&mut s.store, "李登记", &[StaffRole::Clerk, StaffRole::Recorder]);
    let reg = |d: &mut Desk, who: &casedesk_store::Actor, t: DateTime<Utc>| {
        d.at(t);
        let mut r = registration(t);
        r.facts.occurred_on = None;
        d.store.register_case(who, r).unwrap().id
    };
    let act = |d: &mut Desk, who: &casedesk_store::Actor, id: Uuid, t: DateTime<Utc>, ev| {
        d.at(t);
        d.store.act(id, who, ev).unwrap();
    };
    let accepted = |t: DateTime<Utc>| CaseEvent::Accepted { at: t, note: String::new() };
    let closed = |t: DateTime<Utc>, outcome| {
        CaseEvent::Closed(Closed {
            at: t,
            outcome,
            recovered_fen: 0,
            doubled_fen: 0,
            note: "".into(),
        })
    };
    let session = |t: DateTime<Utc>, mediator: &str| {
        CaseEvent::SessionRecorded(SessionRecorded {
            session: Uuid::now_v7(),
            held_at: t,
            mode: SessionMode::OnSite,
            place: String::new(),
            mediator: mediator.into(),
            recorder: "李登记".into(),
            interpreter: String::new(),
            language: Language::Zh,
            attendees: vec![],
            record: "双方陈述事实。".into(),
            result: SessionResult::Continue,
        })
    };
    let follow = |t: DateTime<Utc>, satisfaction| CaseEvent::FollowedUp {
        at: t,
        method: ContactMethod::Phone,
        satisfaction,
        note: String::new(),
    };
    // k0: received and accepted in September (before Q4), closed withdrawn by 王调解 in
    // October, within its 60 days.
    let k0 = reg(&mut s, &head, local(2026, 9, 2, 10));
    act(&mut s, &head, k0, local(2026, 9, 3, 10), accepted(local(2026, 9, 3, 10)));
    // k1: registered by 李登记, accepted by the head, a session with 王调解 as mediator
    // (who wrote the record), closed mediated by 王调解, followed up by 李登记: satisfied.
    let k1 = reg(&mut s, &li, local(2026, 10, 9, 10));
    act(&mut s, &head, k1, local(2026, 10, 10, 10), accepted(local(2026, 10, 10, 10)));
    act(&mut s, &wang, k1, local(2026, 10, 15, 10), session(local(2026, 10, 15, 10), "王调解"));
    // k2: registered by 李登记, accepted by 王调解, a session with an outside mediator
    // (written down by the head).
    let k2 = reg(&mut s, &li, local(2026, 10, 12, 10));
    act(&mut s, &wang, k2, local(2026, 10, 13, 10), accepted(local(2026, 10, 13, 10)));
    act(
        &mut s,
        &head,
        k2,
        local(2026, 10, 20, 10),
        session(local(2026, 10, 20, 10), "人民调解员赵"),
    );
    act(
        &mut s,
        &wang,
        k0,
        local(2026, 10, 20, 11),
        closed(local(2026, 10, 20, 11), Outcome::Withdrawn),
    );
    let t = local(2026, 10, 20, 12);
    let agreement = AgreementRecorded {
        signed_at: t,
        terms: "商家更换新机".into(),
        amount_fen: 0,
        performance_due: None,
    };
    act(&mut s, &wang, k1, t, CaseEvent::AgreementRecorded(agreement));
    act(
        &mut s,
        &wang,
        k1,
        local(2026, 10, 21, 10),
        closed(local(2026, 10, 21, 10), Outcome::Mediated),
    );
    act(
        &mut s,
        &li,
        k1,
        local(2026, 10, 25, 10),
        follow(local(2026, 10, 25, 10), Satisfaction::Satisfied),
    );
    // k3: registered by the head, not accepted by 王调解.
    let k3 = reg(&mut s, &head, local(2026, 11, 2, 10));
    let reason = RuleSet::Own.not_accept_reasons()[0].code.to_owned();
    act(
        &mut s,
        &wang,
        k3,
        local(2026, 11, 3, 10),
        CaseEvent::NotAccepted { at: local(2026, 11, 3, 10), reason, note: String::new() },
    );
    // k4: registered by 王调解 and voided: counts nowhere.
    let k4 = reg(&mut s, &wang, local(2026, 11, 5, 10));
    act(&mut s, &head, k4, local(2026, 11, 6, 10), CaseEvent::Voided { reason: "重复登记".into() });
    // Consultations: 3 人次 taken by 李登记, 2 by the head.
    for (who, people, day) in [(&li, 3, 10), (&head, 2, 11)] {
        s.at(local(2026, 11, day, 10));
        s.store
            .record_org(
                Uuid::now_v7(),
                who,
                OrgEvent::ConsultationRecorded {
                    unit: "HX0201".into(),
                    at: local(2026, 11, day, 10),
                    channel: Channel::Phone,
                    topic: "三包规定".into(),
                    people,
                    roving_session: None,
                    category: None,
                },
            )
            .unwrap();
    }
    // k2 closed settled by the head on 20 December: 68 days after its acceptance, late;
    // followed up by 王调解: not satisfied.
    act(
        &mut s,
        &head,
        k2,
        local(2026, 12, 20, 10),
        closed(local(2026, 12, 20, 10), Outcome::Settled),
    );
    act(
        &mut s,
        &wang,
        k2,
        local(2026, 12, 22, 10),
        follow(local(2026, 12, 22, 10), Satisfaction::Unsatisfied),
    );
    // k5: registered by 李登记 on 28 December and left undecided: overdue by 15 January.
    reg(&mut s, &li, local(2026, 12, 28, 10));
    a.pull(&s);
    a.at(local(2027, 1, 15, 9));

    let q4 = Period::parse("2026-Q4").unwrap();
    let sup = crate::supervision::supervision(&a.store, None, &q4).unwrap();
    let row = |name: &str, unit: Option<&str>| {
        sup.staff
            .iter()
            .find(|r| r.name == name && r.unit.as_deref() == unit)
            .unwrap_or_else(|| panic!("{name}: {:#?}", sup.staff))
            .clone()
    };
    let li_row = row("李登记", Some("HX0201"));
    let wang_row = row("王调解", Some("HX0201"));
    let head_row = row("站长", Some("HX0201"));
    let outside = row("人民调解员赵", None);
    // The association's own head is listed, with nothing.
    let hx_head = row("站长", Some("HX"));
    let counts = |r: &crate::supervision::StaffFigures| {
        [
            r.registered,
            r.accepted,
            r.not_accepted,
            r.sessions,
            r.closed,
            r.closed_on_time,
            r.mediated,
            r.followed_up,
            r.satisfied,
            r.overdue,
            r.consultation_people,
        ]
    };
    //                               reg acc not ses clo ont med fol sat ovd 人次
    assert_eq!(counts(&li_row), [3, 0, 0, 0, 0, 0, 0, 1, 1, 1, 3]);
    assert_eq!(counts(&wang_row), [0, 1, 1, 1, 2, 2, 1, 1, 0, 0, 0]);
    assert_eq!(counts(&head_row), [1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 2]);
    assert_eq!(counts(&outside), [0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0]);
    assert_eq!(counts(&hx_head), [0; 11]);
    assert_eq!(outside.staff, None);
    // 王调解: 2 of 2 closed on time, 1 of 2 mediated, 0 of 1 follow-ups satisfied.
    assert_eq!(
        (wang_row.on_time_rate_bp, wang_row.mediation_rate_bp, wang_row.satisfaction_rate_bp),
        (Some(10_000), Some(5_000), Some(0))
    );
    assert_eq!((head_row.on_time_rate_bp, li_row.on_time_rate_bp), (Some(0), None));
    // Each column sums to the unit's figure.
    let unit = sup.rows.iter().find(|r| r.code == "HX0201").unwrap();
    let sum =
        |f: fn(&crate::supervision::StaffFigures) -> u64| sup.staff.iter().map(f).sum::<u64>();
    assert_eq!(sum(|r| r.registered), unit.figures.received);
    assert_eq!(sum(|r| r.accepted), unit.figures.accepted);
    assert_eq!(sum(|r| r.not_accepted), unit.figures.not_accepted);
    assert_eq!(sum(|r| r.closed), unit.figures.closed);
    assert_eq!(sum(|r| r.followed_up), unit.followed_up);
    assert_eq!(sum(|r| r.overdue), unit.overdue);
    assert_eq!(sum(|r| r.consultation_people), unit.figures.consultation_people);
    // The station's own desktop computes the same rows for itself.
    s.at(local(2027, 1, 15, 9));
    let own = crate::supervision::supervision(&s.store, None, &q4).unwrap();
    assert_eq!(own.staff.iter().filter(|r| r.unit.as_deref() == Some("HX0201")).count(), 3);
    assert_eq!(counts(own.staff.iter().find(|r| r.name == "王调解").unwrap()), counts(&wang_row));
    // The remuneration workbook has the per-staff sheet.
    let book = crate::xlsx::remuneration_xlsx(&sup, casedesk_domain::Lang::Zh).unwrap();
    let mut wb: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(book)).unwrap();
    use calamine::Reader;
    assert_eq!(wb.sheet_names().len(), 2);
    let staff = wb.worksheet_range_at(1).unwrap().unwrap();
    let text: Vec<String> = staff
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect::<Vec<_>>().join("|"))
        .collect();
    assert!(text.iter().any(|l| l.starts_with("HX0201|王调解|0|1|1|1|2|")), "{text:#?}");
}

/// The same seeded demonstration generated twice: by `casedesk_demo::generate` (a bulk load:
/// cases projected once, the search index written at the end, no fsync until the end) and by
/// `generate_consistent` (every transaction leaves the projections consistent). Ids come from
/// the clock, so they are compared by their order of first appearance in the log; everything
/// else must be identical: the events, the case lists, searches, the report, hot spots and
/// supervision, and each store must verify (chains, projections against a replay).
#[test]
fn bulk_demo_is_the_consistent_demo() {
    use casedesk_store::query::{ListQuery, Sort};
    use serde_json::{Value, json};
    use std::collections::HashMap;

    let end = local(2026, 11, 28, 18);
    let make = |bulk: bool| {
        let mut store = Store::open_in_memory().unwrap();
        store.set_clock(move || local(2025, 1, 1, 0));
        store.init_station(casedesk_store::testutil::station_init()).unwrap();
        store.set_clock(move || end);
        let opts = casedesk_demo::DemoOptions { cases: 500, seed: 11, end, batch: 150 };
        let summary = if bulk {
            casedesk_demo::generate(&mut store, &opts, &mut |_| {}).unwrap()
        } else {
            casedesk_demo::generate_consistent(&mut store, &opts, &mut |_| {}).unwrap()
        };
        (store, summary)
    };
    let (bulk, bulk_summary) = make(true);
    let (plain, plain_summary) = make(false);
    assert_eq!(bulk_summary, plain_summary);
    assert_eq!(bulk_summary.cases, 500);

    // Every id (event, stream, staff, session, transfer...) by its first appearance.
    fn norm(v: &Value, ids: &mut HashMap<String, usize>) -> Value {
        match v {
            Value::String(s) if Uuid::parse_str(s).is_ok() => {
                let n = ids.len();
                json!(format!("#{}", ids.entry(s.clone()).or_insert(n)))
            }
            Value::Array(a) => Value::Array(a.iter().map(|x| norm(x, ids)).collect()),
            Value::Object(o) => {
                Value::Object(o.iter().map(|(k, x)| (k.clone(), norm(x, ids))).collect())
            }
            other => other.clone(),
        }
    }
    struct Seen {
        ids: HashMap<String, usize>,
        store: Store,
    }
    impl Seen {
        fn of(&mut self, v: impl serde::Serialize) -> Value {
            norm(&serde_json::to_value(v).unwrap(), &mut self.ids)
        }
    }
    let mut sides =
        [Seen { ids: HashMap::new(), store: bulk }, Seen { ids: HashMap::new(), store: plain }];
    let mut views: Vec<Vec<(String, Value)>> = Vec::new();
    for side in &mut sides {
        let mut out: Vec<(String, Value)> = Vec::new();
        let verified = side.store.verify().unwrap();
        assert!(verified.is_ok(), "{verified:?}");
        // The log, with hashes left out (they cover the ids); `verify` checked the chain.
        let mut events = Vec::new();
        let mut after = 0;
        loop {
            let page = side.store.own_events_after(after, usize::MAX, usize::MAX).unwrap();
            match page.last() {
                Some(e) => after = e.seq,
                None => break,
            }
            events.extend(page);
        }
        // The demo's events and the station's set-up before them.
        assert!(events.len() as u64 > bulk_summary.events);
        for e in &events {
            let v = side.of(json!({
                "id": e.id, "stream": e.stream, "seq": e.seq, "hlc": e.hlc.0, "actor": e.actor,
                "unit": e.unit, "kind": e.kind, "v": e.v, "payload": e.payload,
            }));
            out.push((format!("event {}", e.seq), v));
        }
        assert!(side.store.is_demo().unwrap());
        // Lists in both orders, every page, and searches.
        let mut queries = vec![
            ("all by received".to_string(), ListQuery { limit: 100, ..Default::default() }),
            (
                "all by deadline".to_string(),
                ListQuery { limit: 100, sort: Sort::Deadline, ..Default::default() },
            ),
            ("overdue".to_string(), ListQuery { overdue: true, limit: 100, ..Default::default() }),
        ];
        for text in ["手机", "暖气", "德令哈", "格尔木", "退款", "才让", "HX0201", "0977"]
        {
            let q = ListQuery { text: Some(text.into()), limit: 100, ..Default::default() };
            queries.push((format!("search {text}"), q));
        }
        for (name, mut q) in queries {
            let mut rows = Vec::new();
            loop {
                let page = side.store.list(&q).unwrap();
                rows.extend(page.rows);
                match page.next {
                    Some(n) => q.after = Some(n),
                    None => break,
                }
            }
            let count = side.store.count(&ListQuery { after: None, ..q.clone() }).unwrap();
            assert_eq!(count, rows.len() as u64, "{name}");
            if name.starts_with("search") {
                assert!(!rows.is_empty(), "{name} finds demo cases");
            }
            let v = side.of(&rows);
            out.push((name, v));
        }
        for code in ["2026", "2026-Q3", "2025-H2", "2026-10"] {
            let r = report(&side.store, None, &Period::parse(code).unwrap()).unwrap();
            let v = side.of(&r);
            out.push((format!("report {code}"), v));
        }
        let hs =
            crate::hotspots::hot_spots(&side.store, None, 12, &crate::hotspots::Params::default())
                .unwrap();
        let v = side.of(&hs);
        out.push(("hot spots".into(), v));
        let sup =
            crate::supervision::supervision(&side.store, None, &Period::parse("2026-Q3").unwrap())
                .unwrap();
        let v = side.of(&sup);
        out.push(("supervision".into(), v));
        views.push(out);
    }
    assert_eq!(views[0].len(), views[1].len());
    for ((name, a), (_, b)) in views[0].iter().zip(&views[1]) {
        assert_eq!(a, b, "{name}: bulk (left) differs from consistent (right)");
    }
}
