//! Demonstration data: a realistic, deterministic year and a half of work at a station of 海西州
//! “一会两站”.
//!
//! `generate` fills an initialised station database with:
//! - 4–6 staff (head, mediators, a recorder and clerk, Tibetan- and Mongolian-speaking
//!   interpreters), registered on the first run and reused on later runs;
//! - cases received over the ~18 months before `DemoOptions::end`, more on working days and in the
//!   week of 3·15: about 80 % complaints, and reports, consultations and suggestions. Parties are
//!   Han, Tibetan and Mongolian consumers (and tourists in summer) from Haixi's cities, towns,
//!   villages and pastures, with valid resident ID numbers, credit codes and mobile or 0977/0979
//!   landline numbers. Facts, places, amounts and requests are written per subject (phones and
//!   appliances, food, feed and veterinary drugs, heating and gas, telecoms, online shopping,
//!   vehicles, prepaid cards, tours, repairs, deliveries...), with CCA categories and natures
//!   weighted by subject, season and place. About 15 % of complaints are entrusted by market
//!   regulation and about 3 % are collective;
//! - each case's life through the state machine, by age: acceptance or not, mediation sessions
//!   (with interpreters for Tibetan and Mongolian speakers), agreements and their performance,
//!   closure with recovered and punitive amounts (CRPL Art.55, Food Safety Law Art.148),
//!   termination, withdrawal, settlement, transfers to departments and co-handling with
//!   feedback, follow-up calls and a few voided registrations. Recent cases are open at every stage, and a few old ones stalled,
//!   so deadline and overdue lists have entries;
//! - roving intake sessions in villages and pastures every few weeks, with the cases and
//!   consultations taken there, and consultations (about one per three cases).
//!
//! Events are written in the order of their simulated times, across cases (a queue holds the
//! actions still to come), each with the batch's clock set to its own time, so every event's HLC
//! is its simulated time. This holds from the first event only if the station was initialised
//! with the store's clock at or before `DemoOptions::start`, since the HLC never goes backwards.
//! Nothing is written after `end`.
//!
//! Each transaction registers `batch` cases and writes the actions that fall due meanwhile.
//! `generate` runs as a bulk load of the store (`Store::bulk`): a case is projected once, when its
//! last action is written (its row keeps the rowid of its registration order), the search index
//! is written once at the end, and commits do not wait for the disk until the last one. With
//! `generate_consistent` a case is projected when registered and once more when its last action
//! is written, or at the end of each transaction in which it changed while actions are still to
//! come, so that every committed transaction leaves the projections consistent with the log. Both
//! end with the same log, projections, search index and figures (a test in `casedesk-report`
//! compares them).
//!
//! The content depends only on the seed and the options; ids come from the clock. Generating again
//! into the same database adds another world's cases (numbers continue), whose events the HLC
//! places after everything already written.

use std::cmp::{Ordering, Reverse};
use std::collections::{BinaryHeap, VecDeque};

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, Timelike, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::Serialize;
use uuid::Uuid;

use casedesk_domain::access;
use casedesk_domain::calendar::WorkCalendar;
use casedesk_domain::case::CaseState;
use casedesk_domain::deadline::{local_date, station_offset};
use casedesk_domain::event::{
    AgreementRecorded, CaseEvent, CaseRegistered, Closed, Collective, Complainant, Consents, Facts,
    OrgEvent, Respondent, SessionRecorded, SessionScheduled, Transferred,
};
use casedesk_domain::reference::{Reason, RuleSet};
use casedesk_domain::types::{
    CaseType, Channel, ContactMethod, IdType, Language, Mode, Outcome, Permission, RequestKind,
    RespondentKind, Satisfaction, SessionMode, SessionResult, StaffRole, TransferKind,
    TransferReason,
};
use casedesk_domain::validate::ids::{make_resident_id, make_uscc};
use casedesk_store::{Actor, Batch, Store};
use casedesk_store::{Result, StoreError};

/// What to generate.
#[derive(Clone, Debug)]
pub struct DemoOptions {
    /// How many cases to register.
    pub cases: u64,
    /// Seed of the generator: the same seed and options give the same content.
    pub seed: u64,
    /// The "now" of the generated world: no event is written after it.
    pub end: DateTime<Utc>,
    /// Cases registered per transaction (for example 2000).
    pub batch: usize,
}

impl DemoOptions {
    /// The beginning of the generated world, about eighteen months before `end`. Initialise the
    /// station with the store's clock at or before this time for event times to match the
    /// simulated ones (see the module doc).
    pub fn start(&self) -> DateTime<Utc> {
        self.end - Duration::days(SPAN_DAYS)
    }
}

/// What `generate` wrote.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct DemoSummary {
    pub cases: u64,
    /// Every event written: registrations, case actions, staff, roving sessions, consultations.
    pub events: u64,
    /// `consultation.recorded` events (each counts 1–5 people).
    pub consultations: u64,
    /// Roving intake sessions opened.
    pub roving_sessions: u64,
}

/// Fills an initialised station database with realistic cases and their events (see the module
/// doc). `progress` is called with the number of cases registered after each transaction.
///
/// This is a bulk load (`Store::bulk`): each case is projected once, in its final state, the
/// search index is written at the end, and commits do not wait for the disk until the last. The
/// log, projections, search index and figures are those of [`generate_consistent`]; only in
/// between do they differ (cases not shown yet), and a load killed midway leaves the station
/// so: delete it and generate again.
pub fn generate(
    store: &mut Store,
    opts: &DemoOptions,
    progress: &mut dyn FnMut(u64),
) -> Result<DemoSummary> {
    store.bulk(|store| generate_in(store, opts, progress))
}

/// [`generate`] without a bulk load: every committed transaction leaves the projections and
/// the search index consistent with the log (cases are projected at registration and at the
/// end of every transaction they changed in), at several times the cost.
pub fn generate_consistent(
    store: &mut Store,
    opts: &DemoOptions,
    progress: &mut dyn FnMut(u64),
) -> Result<DemoSummary> {
    generate_in(store, opts, progress)
}

fn generate_in(
    store: &mut Store,
    opts: &DemoOptions,
    progress: &mut dyn FnMut(u64),
) -> Result<DemoSummary> {
    // A station with demonstration data is a demonstration station for good: it cannot
    // enroll with a hub (casedesk_sync::enroll), so made-up cases never reach the association.
    store.mark_demo()?;
    let mut world = World::new(store, opts)?;
    // The station's founder (who set it up) is staff already; the demonstration's own staff
    // are registered by them once.
    if !world.staff.iter().any(|p| STAFF.iter().any(|(name, ..)| *name == p.name)) {
        store.batch(|b| world.register_staff(b))?;
    }
    if opts.cases == 0 {
        return Ok(world.summary);
    }
    world.index_staff();
    world.plan_sessions();
    let per_batch = opts.batch.max(1) as u64;
    while world.registered < opts.cases {
        let upto = (world.registered + per_batch).min(opts.cases);
        store.batch(|b| {
            while world.registered < upto {
                world.next_case(b)?;
            }
            world.checkpoint(b)
        })?;
        progress(world.registered);
    }
    // Open the roving sessions of days after the last case, then write every action still to
    // come (all at or before `end`).
    world.enter_remaining_days();
    let jobs_per_batch = per_batch.saturating_mul(4);
    while !world.queue.is_empty() {
        store.batch(|b| {
            world.run_jobs(b, i64::MAX, jobs_per_batch)?;
            world.checkpoint(b)
        })?;
        progress(world.registered);
    }
    world.summary.cases = world.registered;
    Ok(world.summary)
}

/// About eighteen months.
const SPAN_DAYS: i64 = 548;
/// Office hours (station time): 09:00–12:00 and 14:30–18:00, as seconds of the working day.
const MORNING: u32 = 3 * 3600;
const OFFICE_SECS: u32 = MORNING + 3 * 3600 + 1800;
/// Roving sessions run from 10:00 to 16:30: these offsets of the working day.
const ROVING_FROM: u32 = 3600;
const ROVING_TO: u32 = MORNING + 2 * 3600;
/// Chance that a complaint about a subject that can be collective (heating, feed, prepaid cards...)
/// is collective: about 3 % of all complaints.
const P_COLLECTIVE: f64 = 0.14;
/// Amounts are capped well below validation's limit.
const MAX_FEN: i64 = 5_000_000_000;

// ---------------------------------------------------------------------------------------------
// Reference content.

/// A city or county of Haixi.
struct County {
    name: &'static str,
    /// GB/T 2260 code, used in ID numbers and credit codes.
    admin: &'static str,
    area_code: &'static str,
    roads: &'static [&'static str],
    /// Towns and townships with villages and pastures.
    towns: &'static [&'static str],
    weight: u32,
}

const COUNTIES: &[County] = &[
    County {
        name: "德令哈市",
        admin: "632802",
        area_code: "0977",
        roads: &[
            "长江路",
            "柴达木东路",
            "柴达木西路",
            "昆仑路",
            "祁连路",
            "巴音河路",
            "德都路",
            "东山路",
        ],
        towns: &["尕海镇", "柯鲁柯镇", "怀头他拉镇", "宗务隆乡"],
        weight: 30,
    },
    County {
        name: "格尔木市",
        admin: "632801",
        area_code: "0979",
        roads: &["昆仑中路", "柴达木中路", "黄河路", "江源路", "盐湖路", "八一中路", "河西路"],
        towns: &["郭勒木德镇", "唐古拉山镇", "大格勒乡", "乌图美仁乡"],
        weight: 28,
    },
    County {
        name: "茫崖市",
        admin: "632803",
        area_code: "0977",
        roads: &["花土沟镇迎宾路", "花土沟镇石油路", "冷湖镇昆仑路"],
        towns: &["花土沟镇", "茫崖镇", "冷湖镇"],
        weight: 6,
    },
    County {
        name: "乌兰县",
        admin: "632821",
        area_code: "0977",
        roads: &["希里沟镇团结路", "希里沟镇东大街", "茶卡镇盐湖路"],
        towns: &["希里沟镇", "茶卡镇", "柯柯镇", "铜普镇"],
        weight: 10,
    },
    County {
        name: "都兰县",
        admin: "632822",
        area_code: "0977",
        roads: &["察汗乌苏镇民族街", "察汗乌苏镇东大街", "香日德镇商业街"],
        towns: &["察汗乌苏镇", "香日德镇", "夏日哈镇", "宗加镇", "热水乡", "沟里乡", "巴隆乡"],
        weight: 12,
    },
    County {
        name: "天峻县",
        admin: "632823",
        area_code: "0977",
        roads: &["新源镇团结路", "新源镇商业街"],
        towns: &["新源镇", "木里镇", "江河镇", "快尔玛乡", "舟群乡", "织合玛乡", "苏里乡"],
        weight: 8,
    },
    County {
        name: "大柴旦行政区",
        // 大柴旦 has no code of its own in the sources; its residents' numbers use 德令哈's.
        admin: "632802",
        area_code: "0977",
        roads: &["大柴旦镇柴达木路", "大柴旦镇团结路"],
        towns: &["大柴旦镇", "锡铁山镇"],
        weight: 6,
    },
];

/// Names of villages, pastures and 牧委会.
const PLACE_NAMES: &[&str] = &[
    "希望",
    "新泉",
    "富源",
    "红旗",
    "团结",
    "幸福",
    "东风",
    "光明",
    "巴音",
    "哈尔盖",
    "察汗诺",
    "乌兰哈达",
    "夏塘",
    "塔文",
    "尕秀",
    "托海",
    "沙柳泉",
    "江仓",
    "莫河",
    "赛什塘",
    "巴音郭勒",
    "阿木尼",
];

/// Where tourists come from: address and GB/T 2260 code.
const TOURIST_ORIGINS: &[(&str, &str)] = &[
    ("甘肃省兰州市城关区", "620102"),
    ("陕西省西安市雁塔区", "610113"),
    ("四川省成都市武侯区", "510107"),
    ("北京市朝阳区", "110105"),
    ("广东省深圳市南山区", "440305"),
    ("河南省郑州市金水区", "410105"),
    ("青海省西宁市城西区", "630104"),
    ("上海市浦东新区", "310115"),
];

const HAN_SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "赵", "马", "韩", "冶", "祁", "朱", "孙", "何", "高", "郭",
    "罗", "周", "胡", "徐", "魏", "鲁", "汪", "铁", "喇", "石", "谢", "田", "吕", "蔡",
];
const HAN_MALE: &[&str] = &[
    "建国", "志强", "建军", "国庆", "永福", "德福", "海军", "小龙", "晓东", "文斌", "振华", "成林",
    "海龙", "卫东", "明军", "福林", "学军", "长青", "世明", "有才", "军", "伟", "强", "斌", "鹏",
    "浩", "磊", "勇", "杰", "涛",
];
const HAN_FEMALE: &[&str] = &[
    "秀兰", "海燕", "玉梅", "红梅", "桂英", "春花", "文静", "晓燕", "丽华", "淑芳", "玉兰", "秀英",
    "凤英", "彩霞", "丽娟", "海英", "玉霞", "婷", "敏", "静", "芳", "娟", "燕", "霞",
];
const TIBETAN_MALE: &[&str] = &[
    "扎西", "多杰", "才让", "索南", "尼玛", "公保", "更登", "桑杰", "仁青", "达瓦", "旦增", "洛桑",
    "贡却", "华旦", "南杰", "才旦", "东智", "加洋", "完么", "昂秀",
];
const TIBETAN_MALE_2ND: &[&str] =
    &["东智", "才让", "多杰", "加", "太", "当周", "本", "尖措", "扎西", "才旦", "周加"];
const TIBETAN_FEMALE: &[&str] = &[
    "卓玛", "拉毛", "措毛", "央金", "拉姆", "德吉", "才吉", "卓嘎", "白玛", "曲珍", "吉毛", "周毛",
    "娘吉",
];
const TIBETAN_FEMALE_1ST: &[&str] =
    &["才让", "扎西", "多杰", "拉毛", "仁青", "索南", "公保", "德吉", "旦增", "完么"];
const TIBETAN_FEMALE_2ND: &[&str] =
    &["卓玛", "措", "措毛", "吉", "草", "拉毛", "卓嘎", "央金", "吉毛", "卓玛措"];
const MONGOL_MALE: &[&str] = &[
    "巴特尔",
    "那仁",
    "额尔敦",
    "孟克",
    "朝鲁",
    "宝音",
    "巴音",
    "苏和",
    "阿拉坦",
    "达来",
    "道尔吉",
    "吉日嘎拉",
    "巴雅尔",
    "毕力格",
    "特木尔",
    "布和",
    "哈斯",
    "乌力吉",
    "桑布",
    "图门",
];
const MONGOL_FEMALE: &[&str] = &[
    "其其格",
    "乌云",
    "斯琴",
    "图雅",
    "格日勒",
    "萨仁",
    "娜仁花",
    "敖登",
    "乌兰",
    "托娅",
    "高娃",
    "塔娜",
    "萨仁高娃",
    "斯琴高娃",
    "苏日娜",
    "阿拉腾其其格",
];

/// Trade names of businesses.
const TRADE_WORDS: &[&str] = &[
    "鑫达",
    "瑞祥",
    "恒通",
    "昆仑",
    "柴达木",
    "金源",
    "宏发",
    "顺达",
    "祥和",
    "天宇",
    "盛源",
    "德福",
    "吉祥",
    "雪域",
    "格桑",
    "巴音",
    "富民",
    "兴旺",
    "众诚",
    "亿家",
    "聚源",
    "永盛",
    "高原",
    "盐湖",
];

/// Online platforms (invented names) with the admin code of their seat.
const PLATFORMS: &[(&str, &str, &str)] = &[
    ("优品汇电商平台", "330106", "浙江省杭州市西湖区"),
    ("乐购直播平台", "440305", "广东省深圳市南山区"),
    ("惠多多网购平台", "310115", "上海市浦东新区"),
    ("速达外卖平台", "110108", "北京市海淀区"),
];

const MOBILE_PREFIXES: &[&str] = &[
    "139", "138", "137", "136", "135", "134", "150", "151", "152", "157", "158", "159", "182",
    "183", "187", "188", "130", "131", "132", "155", "156", "185", "186", "133", "153", "180",
    "181", "189", "177", "199", "191", "173", "176", "147", "198", "166",
];

/// When a subject's complaints come in.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Season {
    All,
    /// The heating season, October to April.
    Heating,
    /// The tourist season, June to September.
    Summer,
    /// Sowing and spring feeding, March to June.
    Spring,
}

impl Season {
    /// Weight multiplier in tenths for a month (1–12).
    fn factor(self, month: u32) -> u32 {
        match self {
            Season::All => 10,
            Season::Heating if month >= 10 || month <= 4 => 25,
            Season::Heating => 2,
            Season::Summer if (6..=9).contains(&month) => 30,
            Season::Summer => 3,
            Season::Spring if (3..=6).contains(&month) => 20,
            Season::Spring => 7,
        }
    }
}

/// A kind of dispute: what was bought, from whom, what went wrong and what is asked.
///
/// Templates use `{item}`, `{shop}`, `{price}` (yuan), `{date}` and `{n}` (a number of animals).
/// Shop names with `{` are templates over `{county}` and `{word}`; others follow "county + trade
/// name". Masks say which items (bit i: `items[i]`) a shop, purchase text or problem fits; 0 fits
/// all.
struct Scenario {
    /// Weight in towns, and at roving intake points in villages and pastures.
    weight: u32,
    pastoral: u32,
    season: Season,
    /// Name, CCA category and price range in yuan.
    items: &'static [(&'static str, &'static str, u32, u32)],
    shops: &'static [(u8, &'static str, RespondentKind)],
    buy: &'static [(u8, &'static str)],
    problems: &'static [Problem],
    /// Households of a collective complaint; (0, 0) when never collective.
    households: (u32, u32),
    /// Complainants are often tourists.
    tourists: bool,
    /// Department a case is transferred to; `{county}` is replaced.
    department: &'static str,
    /// Consultation topics.
    topics: &'static [&'static str],
}

/// What went wrong, and how the business answered.
struct Problem {
    items: u8,
    text: &'static str,
    nature: &'static str,
    /// The requests, the first the most common.
    requests: &'static [RequestKind],
    ask: &'static str,
    claim: Claim,
}

/// What the consumer claims, from the price paid.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Claim {
    /// The price.
    Full,
    /// 10–30 % of it (an overcharge, a partial refund).
    Part,
    /// 50–90 % of it (the unused part of a prepaid card).
    Most,
    /// 1–3 times the price (losses).
    Losses,
    /// An insurance payout: 5–20 times the premium.
    Payout,
    /// Fraud: the price and three times it, at least 500 yuan (CRPL Art.55).
    Fraud,
    /// Unsafe food: the price and ten times it, at least 1000 yuan (Food Safety Law Art.148).
    Food,
}

const fn p(
    items: u8,
    text: &'static str,
    nature: &'static str,
    requests: &'static [RequestKind],
    ask: &'static str,
    claim: Claim,
) -> Problem {
    Problem { items, text, nature, requests, ask, claim }
}

use Claim::{Food, Fraud, Full, Losses, Most, Part, Payout};
use RequestKind as Rq;
use RespondentKind as Rk;

const SCENARIOS: &[Scenario] = &[
    Scenario {
        weight: 10,
        pastoral: 6,
        season: Season::All,
        items: &[
            ("智能手机", "CCA-G01-01", 800, 6000),
            ("老年手机", "CCA-G01-01", 150, 600),
            ("平板电脑", "CCA-G01-02", 1000, 5000),
            ("蓝牙耳机", "CCA-G01-01", 100, 1500),
        ],
        shops: &[
            (0, "手机店", Rk::IndividualBusiness),
            (0, "通讯器材商行", Rk::IndividualBusiness),
            (0, "电子科技有限公司", Rk::Enterprise),
            (0, "手机卖场", Rk::Enterprise),
        ],
        buy: &[
            (0, "投诉人于{date}在{shop}购买{item}一部，价格{price}元。"),
            (0, "{date}，投诉人在{shop}花{price}元买了一部{item}，店家口头承诺一年内免费保修。"),
        ],
        problems: &[
            p(
                0b0111,
                "使用不到一个月，屏幕出现裂纹并黑屏，投诉人称未摔碰，仍在三包有效期内。商家认为屏幕损坏属人为原因，要求投诉人自付维修费。",
                "CCA-N01",
                &[Rq::Repair, Rq::Replace],
                "要求在三包期内免费维修或更换同型号新机。",
                Full,
            ),
            p(
                0,
                "使用中频繁自动关机，充电时机身发烫、电池鼓包。商家以已过七日为由拒绝退换，只同意收费维修。",
                "CCA-N02",
                &[Rq::Replace, Rq::Return],
                "要求按三包规定更换新机。",
                Full,
            ),
            p(
                0b0101,
                "开机查询激活日期早于购买日期，投诉人怀疑是翻新机。商家否认销售翻新机，拒绝退款。",
                "CCA-N07",
                &[Rq::Return, Rq::Compensation],
                "要求退货退款，并依照消费者权益保护法赔偿。",
                Fraud,
            ),
            p(
                0,
                "送修两次仍未修好，商家称需寄回厂家检测，一个多月没有结果。",
                "CCA-N01",
                &[Rq::Repair, Rq::Replace],
                "要求尽快修好或更换新品。",
                Full,
            ),
        ],
        households: (0, 0),
        tourists: false,
        department: "{county}市场监督管理局",
        topics: &["手机三包期限", "手机维修收费", "翻新机鉴别"],
    },
    Scenario {
        weight: 7,
        pastoral: 3,
        season: Season::All,
        items: &[
            ("液晶电视机", "CCA-G01-03", 1500, 8000),
            ("滚筒洗衣机", "CCA-G01-05", 1200, 5000),
            ("冰柜", "CCA-G01-06", 800, 4000),
            ("电磁炉", "CCA-G01-07", 150, 600),
            ("电暖器", "CCA-G01", 200, 1500),
            ("燃气热水器", "CCA-G01", 1000, 4000),
        ],
        shops: &[
            (0, "家电有限公司", Rk::Enterprise),
            (0, "电器商行", Rk::IndividualBusiness),
            (0, "家电城", Rk::Enterprise),
        ],
        buy: &[
            (0, "投诉人于{date}在{shop}购买{item}一台，价格{price}元。"),
            (0, "{date}，投诉人在{shop}以{price}元购买{item}，商家负责送货安装。"),
        ],
        problems: &[
            p(
                0,
                "使用两个月后出现无法启动、异响等故障，维修两次后问题依旧。商家称属于厂家责任，让投诉人自行联系售后。",
                "CCA-N02",
                &[Rq::Replace, Rq::Return],
                "要求更换同型号新品或退货。",
                Full,
            ),
            p(
                0,
                "送货时发现外壳有明显划痕和变形，商家只同意补偿一百元。",
                "CCA-N02",
                &[Rq::Replace],
                "要求更换全新商品。",
                Full,
            ),
            p(
                0b100111,
                "安装师傅另行收取材料费和远程费，事先未告知，商家称费用由安装人员收取，与门店无关。",
                "CCA-N05",
                &[Rq::Refund],
                "要求退还多收的安装费用。",
                Part,
            ),
            p(
                0b110000,
                "使用中出现漏电现象，险些造成触电。商家称是家中线路问题，拒绝退货。",
                "CCA-N06",
                &[Rq::Return, Rq::Compensation],
                "要求退货并赔偿损失。",
                Full,
            ),
        ],
        households: (0, 0),
        tourists: false,
        department: "{county}市场监督管理局",
        topics: &["家电三包规定", "家电送货安装收费"],
    },
    Scenario {
        weight: 9,
        pastoral: 6,
        season: Season::All,
        items: &[
            ("牦牛肉干", "CCA-G03-01", 50, 400),
            ("酸奶", "CCA-G03-01", 20, 120),
            ("月饼", "CCA-G03-01", 50, 600),
            ("食用油", "CCA-G03-01", 60, 300),
            ("婴幼儿奶粉", "CCA-G03-01", 200, 1200),
            ("鲜牛羊肉", "CCA-G03-01", 100, 1500),
            ("青稞饼干", "CCA-G03-01", 20, 100),
        ],
        shops: &[
            (0, "商贸有限公司", Rk::Enterprise),
            (0, "超市", Rk::IndividualBusiness),
            (0b0100001, "牛羊肉店", Rk::IndividualBusiness),
            (0, "便利店", Rk::IndividualBusiness),
            (0b1100101, "", Rk::Unlicensed),
        ],
        buy: &[
            (0, "投诉人于{date}在{shop}购买{item}，共花费{price}元。"),
            (0, "{date}，投诉人在{shop}买了{item}，付款{price}元。"),
        ],
        problems: &[
            p(
                0,
                "回家后发现商品已超过保质期。商家只同意退货，不同意赔偿。",
                "CCA-N02",
                &[Rq::Refund, Rq::Compensation],
                "要求退还货款，并依照食品安全法支付价款十倍的赔偿金。",
                Food,
            ),
            p(
                0,
                "食用时发现其中有异物。商家称是运输中混入，只同意退款。",
                "CCA-N02",
                &[Rq::Refund, Rq::Compensation],
                "要求退款并赔偿。",
                Food,
            ),
            p(
                0b0100001,
                "回家复称后发现短斤少两，实际重量比标称少了近一成。商家称是电子秤误差。",
                "CCA-N09",
                &[Rq::MakeUpQuantity, Rq::Apology],
                "要求补足短少的重量并赔礼道歉。",
                Part,
            ),
            p(
                0,
                "家人食用后出现腹泻、呕吐等症状，到医院就诊。商家否认商品有问题。",
                "CCA-N06",
                &[Rq::Compensation],
                "要求退款并赔偿医药费。",
                Losses,
            ),
        ],
        households: (0, 0),
        tourists: false,
        department: "{county}市场监督管理局",
        topics: &["食品过期赔偿", "食品安全投诉途径"],
    },
    Scenario {
        weight: 2,
        pastoral: 2,
        season: Season::All,
        items: &[
            ("青稞酒", "CCA-G04", 100, 1500),
            ("白酒", "CCA-G04", 200, 3000),
            ("砖茶", "CCA-G04", 50, 400),
            ("饮料", "CCA-G04", 20, 200),
        ],
        shops: &[
            (0, "烟酒商行", Rk::IndividualBusiness),
            (0, "商贸有限公司", Rk::Enterprise),
            (0, "副食店", Rk::IndividualBusiness),
        ],
        buy: &[(0, "投诉人于{date}在{shop}购买{item}，共计{price}元。")],
        problems: &[
            p(
                0b0011,
                "开瓶后发现酒味异常，扫描防伪码显示该码已被查询多次，怀疑是假酒。商家坚称货源正规，拒绝退换。",
                "CCA-N07",
                &[Rq::Refund, Rq::Compensation],
                "要求退一赔三。",
                Fraud,
            ),
            p(
                0b0100,
                "砖茶受潮发霉。商家称是投诉人保存不当。",
                "CCA-N02",
                &[Rq::Return, Rq::Refund],
                "要求退货退款。",
                Full,
            ),
            p(
                0,
                "收银价格高于货架标价，商家只同意退回差价。",
                "CCA-N05",
                &[Rq::Refund],
                "要求退还多收的价款。",
                Part,
            ),
        ],
        households: (0, 0),
        tourists: false,
        department: "{county}市场监督管理局",
        topics: &["假酒鉴别及赔偿"],
    },
    Scenario {
        weight: 3,
        pastoral: 22,
        season: Season::Spring,
        items: &[
            ("育肥羊饲料", "CCA-G10", 2000, 30000),
            ("牛羊舔砖", "CCA-G10", 300, 3000),
            ("精饲料", "CCA-G10", 2000, 30000),
            ("青贮饲料", "CCA-G10", 3000, 40000),
            ("燕麦草", "CCA-G10", 2000, 20000),
        ],
        shops: &[
            (0, "饲料店", Rk::IndividualBusiness),
            (0b00111, "饲料有限公司", Rk::Enterprise),
            (0b11000, "畜牧养殖农民专业合作社", Rk::Cooperative),
            (0, "饲草料经销部", Rk::IndividualBusiness),
        ],
        buy: &[
            (0, "投诉人于{date}从{shop}购进{item}，货款共计{price}元。"),
            (0, "{date}，投诉人在{shop}赊购{item}用于冬春补饲，价款{price}元。"),
        ],
        problems: &[
            p(
                0,
                "羊只食用后陆续出现腹泻、厌食，已死亡{n}只。商家称是投诉人饲养管理不当所致，拒绝赔偿。",
                "CCA-N02",
                &[Rq::Compensation],
                "要求赔偿死亡牲畜损失。",
                Losses,
            ),
            p(
                0b11101,
                "开袋后发现饲料结块发霉，已无法饲喂。商家同意退回剩余饲料，但不承担其他损失。",
                "CCA-N02",
                &[Rq::Return, Rq::Refund],
                "要求退回饲料并退还全部货款。",
                Full,
            ),
            p(
                0b00101,
                "饲料包装标注的蛋白含量与送检结果严重不符。商家称要等检测结果，之后一直不接电话。",
                "CCA-N04",
                &[Rq::Refund, Rq::Compensation],
                "要求退还货款并赔偿损失。",
                Fraud,
            ),
            p(
                0,
                "饲喂后牛羊掉膘明显，经兽医站查看怀疑饲料质量有问题。商家拒绝承认。",
                "CCA-N02",
                &[Rq::Compensation],
                "要求赔偿掉膘损失。",
                Losses,
            ),
        ],
        households: (5, 40),
        tourists: false,
        department: "{county}农牧局",
        topics: &["饲料质量问题维权", "牲畜死亡损失赔偿"],
    },
    Scenario {
        weight: 1,
        pastoral: 10,
        season: Season::Spring,
        items: &[
            ("驱虫药", "CCA-G10", 300, 5000),
            ("兽用疫苗", "CCA-G10", 500, 8000),
            ("兽用消毒液", "CCA-G10", 100, 1000),
            ("兽用抗生素", "CCA-G10", 200, 3000),
        ],
        shops: &[
            (0, "兽药店", Rk::IndividualBusiness),
            (0, "兽药经营部", Rk::IndividualBusiness),
            (0, "动物药品有限公司", Rk::Enterprise),
        ],
        buy: &[(0, "投诉人于{date}在{shop}购买{item}，花费{price}元。")],
        problems: &[
            p(
                0b1011,
                "按说明给牛羊用药后毫无效果。商家称用法用量不对，与药品无关。",
                "CCA-N02",
                &[Rq::Refund],
                "要求退还药款。",
                Full,
            ),
            p(
                0b1011,
                "用药后{n}只羊出现中毒症状死亡，兽医站怀疑是假兽药。商家同意退药款，但拒绝赔偿牲畜损失。",
                "CCA-N07",
                &[Rq::Compensation],
                "要求赔偿死亡牲畜损失。",
                Losses,
            ),
            p(
                0,
                "回家后发现药品已过有效期，商家只同意换货。",
                "CCA-N02",
                &[Rq::Refund],
                "要求退款。",
                Full,
            ),
        ],
        households: (5, 20),
        tourists: false,
        department: "{county}农牧局",
        topics: &["兽药真假鉴别", "牲畜用药损失赔偿"],
    },
    Scenario {
        weight: 2,
        pastoral: 8,
        season: Season::Spring,
        items: &[
            ("青稞种子", "CCA-G10", 1000, 15000),
            ("枸杞苗", "CCA-G10", 3000, 50000),
            ("复合肥", "CCA-G10", 1000, 20000),
            ("地膜", "CCA-G10", 500, 8000),
            ("藜麦种子", "CCA-G10", 1000, 15000),
        ],
        shops: &[
            (0, "农资店", Rk::IndividualBusiness),
            (0, "农资有限公司", Rk::Enterprise),
            (0b10011, "种植农民专业合作社", Rk::Cooperative),
        ],
        buy: &[(0, "{date}，投诉人在{shop}购买{item}，价款{price}元。")],
        problems: &[
            p(
                0b10001,
                "播种后出苗率不足三成。商家称是天气原因造成，拒绝赔偿。",
                "CCA-N02",
                &[Rq::Compensation],
                "要求赔偿减产损失。",
                Losses,
            ),
            p(
                0b00010,
                "枸杞苗栽种后大量死亡，经农技人员查看为劣质苗木。商家只同意退回部分苗款。",
                "CCA-N02",
                &[Rq::Compensation, Rq::Refund],
                "要求退还苗款并赔偿损失。",
                Losses,
            ),
            p(
                0b00100,
                "化肥结块，施用后作物明显减产。商家称是施肥方法不对。",
                "CCA-N02",
                &[Rq::Compensation],
                "要求赔偿减产损失。",
                Losses,
            ),
            p(
                0b01000,
                "地膜厚度不达标，铺设后大面积破损。商家只同意退回未使用部分的货款。",
                "CCA-N04",
                &[Rq::Refund, Rq::Compensation],
                "要求退还货款并赔偿损失。",
                Fraud,
            ),
        ],
        households: (5, 60),
        tourists: false,
        department: "{county}农牧局",
        topics: &["种子质量纠纷", "农资购买凭证保存"],
    },
    Scenario {
        weight: 2,
        pastoral: 8,
        season: Season::All,
        items: &[
            ("摩托车", "CCA-G09-02", 4000, 15000),
            ("电动三轮车", "CCA-G09", 3000, 9000),
            ("农用三轮车", "CCA-G09", 6000, 20000),
        ],
        shops: &[(0, "摩托车行", Rk::IndividualBusiness), (0, "车业有限公司", Rk::Enterprise)],
        buy: &[(0, "投诉人于{date}在{shop}购买{item}一辆，价格{price}元。")],
        problems: &[
            p(
                0,
                "骑行不到一个月，发动机异响、漏油。商家称是使用不当造成，需收费维修。",
                "CCA-N02",
                &[Rq::Repair, Rq::Replace],
                "要求免费维修并延长保修期。",
                Full,
            ),
            p(
                0,
                "发票与合格证上的车架号不一致，无法上牌。商家承诺补办手续后一直拖延。",
                "CCA-N03",
                &[Rq::Return, Rq::Other],
                "要求补齐上牌手续，否则退车退款。",
                Full,
            ),
            p(
                0,
                "送修后发现被换上了旧配件，商家否认。",
                "CCA-N04",
                &[Rq::Compensation],
                "要求更换新配件并赔偿。",
                Part,
            ),
        ],
        households: (0, 0),
        tourists: false,
        department: "{county}市场监督管理局",
        topics: &["摩托车三包"],
    },
    Scenario {
        weight: 6,
        pastoral: 2,
        season: Season::All,
        items: &[
            ("车辆维修", "CCA-G09-01", 1000, 20000),
            ("车辆保养", "CCA-G09-01", 500, 3000),
            ("二手车", "CCA-G09-01", 30000, 120000),
            ("新车", "CCA-G09-01", 80000, 250000),
            ("轮胎", "CCA-G09-01", 800, 4000),
        ],
        shops: &[
            (0b11011, "汽车销售服务有限公司", Rk::Enterprise),
            (0b10011, "汽车修理厂", Rk::IndividualBusiness),
            (0b00100, "二手车经纪有限公司", Rk::Enterprise),
            (0b10000, "轮胎店", Rk::IndividualBusiness),
        ],
        buy: &[
            (0b00011, "投诉人于{date}将车辆送到{shop}进行{item}，支付{price}元。"),
            (0b11100, "投诉人于{date}在{shop}购买{item}，价款{price}元。"),
        ],
        problems: &[
            p(
                0b00011,
                "出厂后发动机故障灯常亮，多次返修未解决。商家称属于正常磨损。",
                "CCA-N01",
                &[Rq::Repair, Rq::Refund],
                "要求彻底修复并退还维修费。",
                Full,
            ),
            p(
                0b00011,
                "结算单中列有实际未更换的配件。商家同意再次检修，但拒绝退还多收的费用。",
                "CCA-N04",
                &[Rq::Refund],
                "要求退还多收的费用。",
                Part,
            ),
            p(
                0b00100,
                "购买后发现车辆曾经泡水，销售时被隐瞒。商家否认知情，拒绝退车。",
                "CCA-N04",
                &[Rq::Return, Rq::Compensation],
                "要求退车，并依照消费者权益保护法第五十五条赔偿。",
                Fraud,
            ),
            p(
                0b01000,
                "提车后不久变速箱多次出现故障，商家只同意继续维修。",
                "CCA-N02",
                &[Rq::Replace, Rq::Return],
                "要求按家用汽车三包规定更换或退车。",
                Full,
            ),
            p(
                0b10000,
                "新换的轮胎行驶不到两千公里就鼓包，商家称是路况造成的。",
                "CCA-N02",
                &[Rq::Replace],
                "要求免费更换轮胎。",
                Full,
            ),
        ],
        households: (0, 0),
        tourists: false,
        department: "{county}市场监督管理局",
        topics: &["汽车三包", "二手车交易纠纷", "汽车维修收费"],
    },
    Scenario {
        weight: 7,
        pastoral: 1,
        season: Season::Heating,
        items: &[("集中供暖", "CCA-S12", 1500, 4500), ("小区供暖", "CCA-S12", 1500, 4500)],
        shops: &[
            (0, "供热有限公司", Rk::PublicPricing),
            (0, "热力有限责任公司", Rk::PublicPricing),
            (0b10, "物业服务有限公司", Rk::Enterprise),
        ],
        buy: &[
            (0, "投诉人于{date}向{shop}缴纳本采暖季取暖费{price}元。"),
            (0b10, "投诉人所住小区由{shop}负责供暖，{date}缴纳取暖费{price}元。"),
        ],
        problems: &[
            p(
                0,
                "入冬以来室内温度长期低于18摄氏度，老人孩子无法正常生活。供热公司称管网老化，需等明年改造。",
                "CCA-N02",
                &[Rq::Refund, Rq::Other],
                "要求保证室温达标，并按比例退还取暖费。",
                Part,
            ),
            p(
                0,
                "暖气片上热下冷，多次报修无人上门，之后只派人放了气，室温仍不达标。",
                "CCA-N02",
                &[Rq::Refund, Rq::Other],
                "要求尽快维修并减免部分取暖费。",
                Part,
            ),
            p(
                0,
                "供暖管道漏水，泡坏了屋内木地板。供热公司称漏水由业主自行负责。",
                "CCA-N03",
                &[Rq::Compensation],
                "要求赔偿地板损失。",
                Losses,
            ),
            p(
                0,
                "房屋一直未通暖，仍被要求全额缴纳取暖费。",
                "CCA-N05",
                &[Rq::Refund],
                "要求退还未供暖期间的取暖费。",
                Full,
            ),
        ],
        households: (20, 300),
        tourists: false,
        department: "{county}住房和城乡建设局",
        topics: &["取暖费收费标准", "室温不达标退费"],
    },
    Scenario {
        weight: 3,
        pastoral: 0,
        season: Season::All,
        items: &[("管道天然气", "CCA-S12", 300, 3000), ("自来水", "CCA-S12", 100, 1000)],
        shops: &[
            (0b01, "燃气有限公司", Rk::PublicPricing),
            (0b10, "供排水有限公司", Rk::PublicPricing),
        ],
        buy: &[(0, "投诉人家中使用{shop}供应的{item}，{date}缴费{price}元。")],
        problems: &[
            p(
                0b01,
                "燃气公司要求强制更换燃气表并收取费用，事先未公示收费依据。",
                "CCA-N05",
                &[Rq::Refund],
                "要求退还更换燃气表的费用。",
                Part,
            ),
            p(
                0,
                "当月计量的用量比往年同期翻倍，公司称表具正常，拒绝校验。",
                "CCA-N09",
                &[Rq::Refund, Rq::Other],
                "要求校验表具并退还多收的费用。",
                Part,
            ),
            p(
                0,
                "停水停气未提前通知，且持续三天未恢复，公司称是上级管网检修。",
                "CCA-N03",
                &[Rq::Apology, Rq::Compensation],
                "要求赔礼道歉并赔偿损失。",
                Part,
            ),
        ],
        households: (10, 120),
        tourists: false,
        department: "{county}住房和城乡建设局",
        topics: &["燃气表更换收费", "水费计量异议"],
    },
    Scenario {
        weight: 7,
        pastoral: 4,
        season: Season::All,
        items: &[
            ("手机套餐", "CCA-S06-01", 100, 1500),
            ("宽带", "CCA-S07-02", 300, 2000),
            ("流量包", "CCA-S06-01", 50, 500),
            ("固定电话", "CCA-S06", 100, 800),
        ],
        shops: &[
            (0, "通信营业厅", Rk::IndividualBusiness),
            (0, "{word}通信有限公司{county}分公司", Rk::Enterprise),
        ],
        buy: &[(0, "投诉人于{date}在{shop}办理{item}业务，已缴费{price}元。")],
        problems: &[
            p(
                0b0101,
                "营业员推荐办理的“免费”业务，次月开始每月扣费。营业厅称是系统自动开通，只退当月费用。",
                "CCA-N04",
                &[Rq::Refund],
                "要求取消业务并退还多扣的费用。",
                Full,
            ),
            p(
                0b0010,
                "宽带频繁断网，报修后一周无人上门。营业厅称需向上级公司反映，至今无答复。",
                "CCA-N03",
                &[Rq::Refund, Rq::Other],
                "要求尽快修复宽带，并减免断网期间的费用。",
                Part,
            ),
            p(
                0b1101,
                "未经本人同意开通了增值业务，每月被扣费。",
                "CCA-N03",
                &[Rq::Refund],
                "要求退还被扣的增值业务费。",
                Part,
            ),
            p(
                0b0001,
                "办理携号转网时被告知有合约限制，办理套餐时营业员并未说明。",
                "CCA-N03",
                &[Rq::Other],
                "要求解除合约限制并办理携号转网。",
                Part,
            ),
        ],
        households: (0, 0),
        tourists: false,
        department: "青海省通信管理局",
        topics: &["手机套餐扣费", "宽带合约违约金"],
    },
    Scenario {
        weight: 9,
        pastoral: 2,
        season: Season::All,
        items: &[
            ("羽绒服", "CCA-S13-01", 300, 2000),
            ("冲锋衣", "CCA-S13-01", 200, 1500),
            ("牦牛绒围巾", "CCA-S13-01", 100, 800),
            ("冬虫夏草", "CCA-S13-01", 1000, 20000),
            ("蓝牙音箱", "CCA-S13-01", 100, 800),
            ("视频会员", "CCA-S07-01", 50, 600),
        ],
        shops: &[(0, "", Rk::Platform)],
        buy: &[
            (0b011111, "投诉人于{date}在{shop}直播间下单购买{item}，支付{price}元。"),
            (0b011111, "{date}，投诉人通过{shop}网购{item}，实付{price}元。"),
            (0b100000, "{date}，投诉人在{shop}开通{item}，支付{price}元。"),
        ],
        problems: &[
            p(
                0b011111,
                "收到的商品与直播间展示严重不符。商家称商品已拆封，不符合退货条件。",
                "CCA-N04",
                &[Rq::Return, Rq::Refund],
                "要求退货退款。",
                Full,
            ),
            p(
                0b010111,
                "申请七天无理由退货被商家拒绝，平台客服称需与商家自行协商。",
                "CCA-N03",
                &[Rq::Return, Rq::Refund],
                "要求退货退款。",
                Full,
            ),
            p(
                0b001000,
                "收到的虫草经检测添加了增重粉，与宣传严重不符。商家拒绝退款。",
                "CCA-N04",
                &[Rq::Refund, Rq::Compensation],
                "要求退一赔三。",
                Fraud,
            ),
            p(
                0b100000,
                "会员到期后被自动续费，事先没有收到提醒，平台只同意退还一个月的费用。",
                "CCA-N03",
                &[Rq::Refund],
                "要求退还自动续费的费用。",
                Full,
            ),
            p(
                0b011111,
                "付款后商家迟迟不发货，也不退款。",
                "CCA-N03",
                &[Rq::Refund],
                "要求退款。",
                Full,
            ),
        ],
        households: (0, 0),
        tourists: false,
        department: "{county}市场监督管理局",
        topics: &["网购七天无理由退货", "直播带货维权"],
    },
    Scenario {
        weight: 3,
        pastoral: 3,
        season: Season::All,
        items: &[("快递包裹", "CCA-S05", 50, 3000)],
        shops: &[(0, "快递服务部", Rk::IndividualBusiness), (0, "快递有限公司", Rk::Enterprise)],
        buy: &[
            (0, "{date}，投诉人通过{shop}寄递包裹，物品价值{price}元。"),
            (0, "投诉人网购的商品（价值{price}元）于{date}由{shop}负责派送。"),
        ],
        problems: &[
            p(
                0,
                "物流信息显示已签收，但本人并未收到。网点称只能按运费的三倍赔偿。",
                "CCA-N03",
                &[Rq::Compensation],
                "要求按物品实际价值赔偿。",
                Full,
            ),
            p(
                0,
                "物品在运输途中损坏，网点称是上游转运中心的问题。",
                "CCA-N03",
                &[Rq::Compensation],
                "要求赔偿物品损失。",
                Full,
            ),
            p(
                0,
                "乡镇网点长期对每件包裹额外收取派送费。",
                "CCA-N05",
                &[Rq::Refund],
                "要求退还额外收取的派送费。",
                Part,
            ),
        ],
        households: (0, 0),
        tourists: false,
        department: "海西州邮政管理局",
        topics: &["快递丢失赔偿"],
    },
    Scenario {
        weight: 3,
        pastoral: 0,
        season: Season::All,
        items: &[
            ("健身年卡", "CCA-S01-04", 1000, 4000),
            ("私教课程", "CCA-S01-04", 2000, 8000),
            ("游泳卡", "CCA-S01-04", 500, 2000),
        ],
        shops: &[(0, "健身有限公司", Rk::Enterprise), (0, "健身会所", Rk::IndividualBusiness)],
        buy: &[(0, "投诉人于{date}在{shop}办理{item}，支付{price}元。")],
        problems: &[
            p(
                0,
                "办卡不到三个月健身房突然闭店，负责人联系不上。",
                "CCA-N03",
                &[Rq::Refund],
                "要求退还剩余预付款。",
                Most,
            ),
            p(
                0,
                "因工作调动要求退还剩余费用，商家称卡内余额不退不转。",
                "CCA-N03",
                &[Rq::Refund],
                "要求退还剩余费用。",
                Most,
            ),
            p(
                0,
                "健身房更换经营者后，不再认可原会员卡。",
                "CCA-N03",
                &[Rq::Refund, Rq::Other],
                "要求继续履行合同或退还剩余费用。",
                Most,
            ),
        ],
        households: (10, 80),
        tourists: false,
        department: "{county}商务局",
        topics: &["预付卡退费"],
    },
    Scenario {
        weight: 3,
        pastoral: 0,
        season: Season::All,
        items: &[
            ("美发储值卡", "CCA-S01-03", 500, 5000),
            ("美容疗程", "CCA-S01-03", 1000, 10000),
            ("纹眉", "CCA-S01-03", 300, 3000),
        ],
        shops: &[
            (0, "美容美发店", Rk::IndividualBusiness),
            (0b110, "美容养生馆", Rk::IndividualBusiness),
        ],
        buy: &[(0, "投诉人于{date}在{shop}办理{item}，支付{price}元。")],
        problems: &[
            p(
                0b011,
                "充值后店铺更换老板，新老板不认可卡内余额。",
                "CCA-N03",
                &[Rq::Refund],
                "要求退还卡内余额。",
                Most,
            ),
            p(
                0b110,
                "做完项目后面部红肿过敏，店方称是个人体质原因。",
                "CCA-N06",
                &[Rq::Refund, Rq::Compensation],
                "要求退款并赔偿医疗费用。",
                Losses,
            ),
            p(
                0b010,
                "店员以各种理由推销高价项目，实际效果与宣传严重不符。",
                "CCA-N04",
                &[Rq::Refund],
                "要求退还未消费的费用。",
                Most,
            ),
        ],
        households: (5, 40),
        tourists: false,
        department: "{county}市场监督管理局",
        topics: &["美容美发预付卡"],
    },
    Scenario {
        weight: 4,
        pastoral: 2,
        season: Season::All,
        items: &[
            ("牦牛肉火锅", "CCA-S01-01", 150, 800),
            ("手抓羊肉", "CCA-S01-01", 100, 600),
            ("外卖", "CCA-S01-01", 30, 200),
            ("婚宴", "CCA-S01-01", 10000, 50000),
        ],
        shops: &[
            (0, "餐饮店", Rk::IndividualBusiness),
            (0, "餐饮管理有限公司", Rk::Enterprise),
            (0b1011, "饭庄", Rk::IndividualBusiness),
        ],
        buy: &[
            (0b0111, "投诉人于{date}在{shop}用餐（{item}），消费{price}元。"),
            (0b1000, "投诉人于{date}在{shop}预订婚宴，支付{price}元。"),
        ],
        problems: &[
            p(
                0b0111,
                "菜品中吃出异物，店方只同意免除该道菜的费用。",
                "CCA-N02",
                &[Rq::Refund, Rq::Compensation],
                "要求退还餐费并赔偿。",
                Losses,
            ),
            p(
                0b0111,
                "就餐后多人出现肠胃不适，到医院就诊。店方否认饭菜有问题。",
                "CCA-N06",
                &[Rq::Compensation],
                "要求赔偿医疗费用。",
                Losses,
            ),
            p(
                0b0011,
                "结账时发现收费与菜单标价不符。",
                "CCA-N05",
                &[Rq::Refund],
                "要求退还多收的费用。",
                Part,
            ),
            p(
                0b1000,
                "婚宴实际上菜数量与合同约定不符，酒水也被调换。",
                "CCA-N03",
                &[Rq::Refund, Rq::Apology],
                "要求退还部分费用并赔礼道歉。",
                Part,
            ),
        ],
        households: (0, 0),
        tourists: false,
        department: "{county}市场监督管理局",
        topics: &["餐饮消费纠纷"],
    },
    Scenario {
        weight: 3,
        pastoral: 0,
        season: Season::Summer,
        items: &[
            ("茶卡盐湖一日游", "CCA-S03", 200, 1500),
            ("翡翠湖旅游", "CCA-S03", 300, 2000),
            ("可鲁克湖旅游", "CCA-S03", 200, 1500),
            ("民宿客房", "CCA-S01-02", 300, 2000),
            ("酒店客房", "CCA-S01-02", 400, 3000),
        ],
        shops: &[
            (0b00111, "旅行社有限公司", Rk::Enterprise),
            (0b01000, "民宿", Rk::IndividualBusiness),
            (0b10000, "酒店有限公司", Rk::Enterprise),
        ],
        buy: &[(0, "投诉人一行于{date}通过{shop}预订{item}，支付{price}元。")],
        problems: &[
            p(
                0b00111,
                "导游中途带游客进店购物，不购物就甩脸色。旅行社称购物属自愿。",
                "CCA-N03",
                &[Rq::Refund, Rq::Apology],
                "要求退还部分团费并赔礼道歉。",
                Part,
            ),
            p(
                0b11000,
                "到店后被告知无房，商家拒绝退还定金。",
                "CCA-N03",
                &[Rq::Refund, Rq::Compensation],
                "要求双倍返还定金。",
                Losses,
            ),
            p(
                0b00111,
                "实际行程缩水，合同约定的景点未游览。旅行社称行程变更属不可抗力。",
                "CCA-N03",
                &[Rq::Refund],
                "要求退还未游览景点的费用。",
                Part,
            ),
            p(
                0b11000,
                "房间卫生条件差，与网上图片严重不符。",
                "CCA-N04",
                &[Rq::Refund],
                "要求退还房费。",
                Full,
            ),
        ],
        households: (0, 0),
        tourists: true,
        department: "{county}文体旅游广电局",
        topics: &["旅游合同纠纷", "景区住宿价格"],
    },
    Scenario {
        weight: 2,
        pastoral: 0,
        season: Season::All,
        items: &[
            ("驾驶培训", "CCA-S11-01", 3000, 6000),
            ("课外辅导", "CCA-S11-01", 1000, 8000),
            ("职业技能培训", "CCA-S11-01", 1000, 5000),
        ],
        shops: &[
            (0b001, "驾驶员培训有限公司", Rk::Enterprise),
            (0b110, "培训学校", Rk::Enterprise),
            (0b110, "教育咨询有限公司", Rk::Enterprise),
        ],
        buy: &[(0, "投诉人于{date}在{shop}报名{item}，交费{price}元。")],
        problems: &[
            p(
                0b001,
                "报名交费后迟迟不安排练车和考试。",
                "CCA-N03",
                &[Rq::Refund, Rq::Other],
                "要求尽快安排练车考试，否则退还学费。",
                Most,
            ),
            p(
                0b110,
                "机构停课后拒绝退还剩余学费。",
                "CCA-N03",
                &[Rq::Refund],
                "要求退还剩余学费。",
                Most,
            ),
            p(
                0,
                "承诺的“包过”“免费补考”与实际不符，机构称学费一经缴纳概不退还。",
                "CCA-N04",
                &[Rq::Refund],
                "要求退还部分学费。",
                Part,
            ),
        ],
        households: (5, 60),
        tourists: false,
        department: "{county}教育局",
        topics: &["培训退费"],
    },
    Scenario {
        weight: 3,
        pastoral: 1,
        season: Season::All,
        items: &[
            ("房屋装修", "CCA-S02", 10000, 80000),
            ("塑钢门窗", "CCA-G05", 3000, 20000),
            ("木地板", "CCA-G05", 3000, 20000),
            ("瓷砖", "CCA-G05", 2000, 15000),
            ("防水涂料", "CCA-G05", 500, 3000),
        ],
        shops: &[
            (0b00001, "装饰工程有限公司", Rk::Enterprise),
            (0b00010, "门窗加工部", Rk::IndividualBusiness),
            (0b11100, "建材商行", Rk::IndividualBusiness),
            (0b11110, "建材城", Rk::Enterprise),
        ],
        buy: &[
            (0b00001, "投诉人于{date}与{shop}签订家装合同，已付款{price}元。"),
            (0b11110, "投诉人于{date}在{shop}购买{item}并由其安装，价款{price}元。"),
        ],
        problems: &[
            p(
                0b10001,
                "完工后墙面开裂，卫生间向楼下渗水。商家称是房屋沉降造成的。",
                "CCA-N02",
                &[Rq::Redo, Rq::Compensation],
                "要求返工重做，并赔偿楼下邻居的损失。",
                Losses,
            ),
            p(
                0b00010,
                "门窗安装后密封不严，冬季窗户结冰漏风。商家同意返修，但一直不安排工人。",
                "CCA-N02",
                &[Rq::Redo, Rq::Repair],
                "要求重新安装。",
                Part,
            ),
            p(
                0b01100,
                "实际铺贴面积少于结算面积。",
                "CCA-N09",
                &[Rq::Refund],
                "要求按实际面积结算，退还多收的费用。",
                Part,
            ),
            p(
                0b01100,
                "铺贴后出现大面积色差和空鼓，商家称属于正常现象。",
                "CCA-N02",
                &[Rq::Redo, Rq::Compensation],
                "要求返工并赔偿损失。",
                Part,
            ),
        ],
        households: (0, 0),
        tourists: false,
        department: "{county}住房和城乡建设局",
        topics: &["装修合同纠纷"],
    },
    Scenario {
        weight: 3,
        pastoral: 3,
        season: Season::All,
        items: &[
            ("羽绒服", "CCA-G02-01", 300, 2000),
            ("藏袍", "CCA-G02-01", 800, 8000),
            ("蒙古袍", "CCA-G02-01", 800, 6000),
            ("皮鞋", "CCA-G02-02", 200, 1500),
            ("运动鞋", "CCA-G02-02", 200, 1200),
            ("棉靴", "CCA-G02-02", 150, 800),
        ],
        shops: &[
            (0b000001, "服装店", Rk::IndividualBusiness),
            (0b000110, "民族服饰店", Rk::IndividualBusiness),
            (0b111000, "鞋店", Rk::IndividualBusiness),
            (0, "商厦有限公司", Rk::Enterprise),
        ],
        buy: &[(0, "投诉人于{date}在{shop}购买{item}，价格{price}元。")],
        problems: &[
            p(
                0b111000,
                "穿了不到一周就开胶、开线，商家称是穿着不当。",
                "CCA-N02",
                &[Rq::Return, Rq::Replace],
                "要求退货退款或更换。",
                Full,
            ),
            p(
                0b000111,
                "洗后严重掉色、缩水，商家称是洗涤方式不当。",
                "CCA-N02",
                &[Rq::Return, Rq::Refund],
                "要求退货退款。",
                Full,
            ),
            p(
                0b000001,
                "标签标注的含绒量与送检结果严重不符，商家只同意打折处理。",
                "CCA-N04",
                &[Rq::Return, Rq::Compensation],
                "要求退货退款，并依照消费者权益保护法赔偿。",
                Fraud,
            ),
            p(
                0b000110,
                "商家称面料为纯羊毛，送检后为化纤。",
                "CCA-N04",
                &[Rq::Return, Rq::Compensation],
                "要求退一赔三。",
                Fraud,
            ),
        ],
        households: (0, 0),
        tourists: false,
        department: "{county}市场监督管理局",
        topics: &["服装质量鉴定"],
    },
    Scenario {
        weight: 1,
        pastoral: 1,
        season: Season::All,
        items: &[
            ("银手镯", "CCA-G07-01", 300, 3000),
            ("金项链", "CCA-G07-01", 3000, 20000),
            ("珊瑚项链", "CCA-G07-01", 2000, 30000),
            ("蜜蜡手串", "CCA-G07-01", 1000, 20000),
        ],
        shops: &[
            (0b0001, "银饰店", Rk::IndividualBusiness),
            (0b0010, "珠宝有限公司", Rk::Enterprise),
            (0b1101, "民族工艺品店", Rk::IndividualBusiness),
        ],
        buy: &[(0, "投诉人于{date}在{shop}购买{item}，价格{price}元。")],
        problems: &[
            p(
                0b1101,
                "经专业机构检测为仿制品，商家坚称是真品，拒绝退货。",
                "CCA-N07",
                &[Rq::Refund, Rq::Compensation],
                "要求退一赔三。",
                Fraud,
            ),
            p(
                0b0010,
                "复称后发现黄金饰品重量不足，商家称是称重误差。",
                "CCA-N09",
                &[Rq::Refund],
                "要求退还差价。",
                Part,
            ),
            p(
                0b0011,
                "以旧换新时被多收工费，事先未告知收费标准。",
                "CCA-N05",
                &[Rq::Refund],
                "要求退还多收的工费。",
                Part,
            ),
        ],
        households: (0, 0),
        tourists: false,
        department: "{county}市场监督管理局",
        topics: &["首饰真伪鉴定"],
    },
    Scenario {
        weight: 2,
        pastoral: 2,
        season: Season::All,
        items: &[
            ("保健品", "CCA-G08", 500, 20000),
            ("理疗仪", "CCA-G08", 2000, 15000),
            ("药酒", "CCA-G08", 200, 3000),
        ],
        shops: &[
            (0b011, "健康咨询有限公司", Rk::Enterprise),
            (0b101, "大药房", Rk::Enterprise),
            (0b011, "养生馆", Rk::IndividualBusiness),
        ],
        buy: &[(0, "投诉人（七十多岁的老人）于{date}在{shop}购买{item}，共花费{price}元。")],
        problems: &[
            p(
                0b101,
                "销售人员在健康讲座上宣称产品能治愈高血压、糖尿病。家属发现后要求退货，商家称是老人自愿购买。",
                "CCA-N04",
                &[Rq::Return, Rq::Refund],
                "要求退货退款。",
                Fraud,
            ),
            p(
                0,
                "老人被免费赠送礼品后被劝购大量产品，商家拒绝退货。",
                "CCA-N04",
                &[Rq::Return, Rq::Refund],
                "要求退货退款。",
                Full,
            ),
            p(
                0b010,
                "使用理疗仪后出现皮肤灼伤。",
                "CCA-N06",
                &[Rq::Compensation, Rq::Return],
                "要求退货并赔偿医疗费用。",
                Losses,
            ),
        ],
        households: (0, 0),
        tourists: false,
        department: "{county}市场监督管理局",
        topics: &["保健品虚假宣传"],
    },
    Scenario {
        weight: 2,
        pastoral: 1,
        season: Season::All,
        items: &[
            ("沙发", "CCA-G06-03", 2000, 12000),
            ("床垫", "CCA-G06-03", 1000, 6000),
            ("化妆品套装", "CCA-G06-01", 200, 3000),
            ("洗护用品", "CCA-G06-02", 50, 500),
        ],
        shops: &[
            (0b0011, "家具城", Rk::Enterprise),
            (0b0011, "家居店", Rk::IndividualBusiness),
            (0b1100, "化妆品店", Rk::IndividualBusiness),
            (0b1100, "日化超市", Rk::IndividualBusiness),
        ],
        buy: &[(0, "投诉人于{date}在{shop}购买{item}，价格{price}元。")],
        problems: &[
            p(
                0b0001,
                "送货后发现皮面开裂，与样品不符。商家称样品与实物存在正常差异。",
                "CCA-N02",
                &[Rq::Return, Rq::Replace],
                "要求退货或更换。",
                Full,
            ),
            p(
                0b0010,
                "床垫有刺鼻气味，放置一个月仍未散去，商家拒绝退货。",
                "CCA-N02",
                &[Rq::Return],
                "要求退货退款。",
                Full,
            ),
            p(
                0b1100,
                "使用后皮肤过敏，查询备案信息后怀疑是假货，商家只同意换货。",
                "CCA-N07",
                &[Rq::Refund, Rq::Compensation],
                "要求退款并赔偿。",
                Fraud,
            ),
        ],
        households: (0, 0),
        tourists: false,
        department: "{county}市场监督管理局",
        topics: &["家具质量纠纷", "化妆品真伪鉴别"],
    },
    Scenario {
        weight: 1,
        pastoral: 2,
        season: Season::All,
        items: &[
            ("意外伤害保险", "CCA-S09", 200, 2000),
            ("机动车保险", "CCA-S09", 1500, 6000),
            ("牲畜保险", "CCA-S09", 500, 5000),
        ],
        shops: &[(0, "{word}财产保险股份有限公司海西中心支公司", Rk::Enterprise)],
        buy: &[(0, "投诉人于{date}在{shop}投保{item}，保费{price}元。")],
        problems: &[
            p(
                0b011,
                "出险理赔时被告知不在保险责任范围内，投保时业务员并未说明免责条款。",
                "CCA-N03",
                &[Rq::Compensation],
                "要求按合同约定理赔。",
                Payout,
            ),
            p(
                0b100,
                "牲畜死亡后及时报案，保险公司以材料不全为由一直拖延理赔。",
                "CCA-N03",
                &[Rq::Compensation],
                "要求尽快理赔。",
                Payout,
            ),
        ],
        households: (0, 0),
        tourists: false,
        department: "国家金融监督管理总局海西监管分局",
        topics: &["保险理赔纠纷"],
    },
    Scenario {
        weight: 1,
        pastoral: 1,
        season: Season::All,
        items: &[
            ("婚庆服务", "CCA-X", 3000, 20000),
            ("婚纱照拍摄", "CCA-X", 1000, 8000),
            ("洗车", "CCA-X", 30, 300),
            ("家政保洁", "CCA-S01", 200, 3000),
        ],
        shops: &[
            (0b0001, "婚庆服务部", Rk::IndividualBusiness),
            (0b0010, "摄影工作室", Rk::IndividualBusiness),
            (0b0100, "洗车行", Rk::IndividualBusiness),
            (0b1000, "家政服务有限公司", Rk::Enterprise),
        ],
        buy: &[(0, "投诉人于{date}在{shop}消费（{item}），支付{price}元。")],
        problems: &[
            p(
                0b1011,
                "服务内容与合同约定不符，商家只同意退还部分费用。",
                "CCA-N03",
                &[Rq::Refund],
                "要求退还服务费。",
                Most,
            ),
            p(
                0b1100,
                "服务过程中损坏了投诉人的物品，商家拒绝承担责任。",
                "CCA-N03",
                &[Rq::Compensation],
                "要求赔偿损失。",
                Losses,
            ),
            p(0, "结账时临时加价。", "CCA-N05", &[Rq::Refund], "要求退还多收的费用。", Part),
        ],
        households: (0, 0),
        tourists: false,
        department: "{county}市场监督管理局",
        topics: &["服务合同纠纷"],
    },
];

/// Report texts with their nature.
const REPORTS: &[(&str, &str)] = &[
    ("举报人反映{shop}销售的{item}无中文标签、无生产日期，要求依法查处。", "CCA-N02"),
    ("举报人称{shop}实际收费高于明码标价，存在价格欺诈。", "CCA-N05"),
    ("举报{shop}销售假冒注册商标的{item}。", "CCA-N07"),
    ("举报{shop}在宣传单和直播中夸大{item}的功效。", "CCA-N04"),
    ("举报{shop}使用未经检定的计量器具，短斤少两。", "CCA-N09"),
    ("举报{shop}存在安全隐患，消防通道被堵塞。", "CCA-N06"),
];

/// Suggestions with their category.
const SUGGESTIONS: &[(&str, Option<&str>)] = &[
    ("建议加强对农村牧区流动摊贩销售食品的监管。", Some("CCA-G03")),
    ("建议在乡镇和牧区设立更多消费维权服务站，方便牧民就近投诉。", None),
    ("建议供热企业公开各小区室温检测结果，接受群众监督。", Some("CCA-S12")),
    ("建议对预付卡经营者实行备案和资金监管。", Some("CCA-S01")),
    ("建议在春季补饲前开展假劣饲料、兽药专项检查。", Some("CCA-G10")),
    ("建议快递企业取消乡镇网点额外收取的派送费。", Some("CCA-S05")),
    ("建议旅游旺季加强对景区周边餐饮住宿价格的检查。", Some("CCA-S03")),
    ("建议消费提示增加藏文和蒙古文版本。", None),
];

const VOID_REASONS: &[&str] = &[
    "重复登记，与同日登记的案件为同一投诉。",
    "登记时误选案件类型，已重新登记。",
    "投诉人信息录入错误，已重新登记。",
];

const FEEDBACKS: &[&str] = &[
    "经调查，经营者存在违法行为，已责令其退还消费者款项。",
    "已对经营者立案调查，将依法作出行政处罚。",
    "经现场检查未发现违法行为，已向消费者做好解释工作。",
    "已组织双方调解，经营者同意退款。",
];

/// Staff registered on the first run: name, roles, languages, phone.
const STAFF: &[(&str, &[StaffRole], &[Language], &str)] = &[
    ("李建国", &[StaffRole::Head, StaffRole::Mediator], &[Language::Zh], "13997700101"),
    ("韩文静", &[StaffRole::Mediator, StaffRole::Recorder], &[Language::Zh], "13897700102"),
    (
        "才让东智",
        &[StaffRole::Mediator, StaffRole::Interpreter],
        &[Language::Zh, Language::Bo],
        "15909770103",
    ),
    (
        "巴特尔",
        &[StaffRole::Mediator, StaffRole::Interpreter],
        &[Language::Zh, Language::Mn],
        "18209770104",
    ),
    ("马玉梅", &[StaffRole::Clerk, StaffRole::Recorder], &[Language::Zh], "13709770105"),
    (
        "拉毛措",
        &[StaffRole::Liaison, StaffRole::Interpreter],
        &[Language::Zh, Language::Bo],
        "15297700106",
    ),
];

/// The permission an organisation event of the demonstration needs.
fn org_permission(ev: &OrgEvent) -> Permission {
    match ev {
        OrgEvent::StaffRegistered { .. } => Permission::ManageStaff,
        OrgEvent::UnitRegistered { .. } | OrgEvent::DeviceRegistered { .. } => Permission::Enroll,
        OrgEvent::AuditRevealed { .. } => Permission::Reveal,
        OrgEvent::AuditExported { .. } | OrgEvent::ReportSubmitted { .. } => Permission::Export,
        OrgEvent::RovingStarted { .. }
        | OrgEvent::RovingEnded { .. }
        | OrgEvent::ConsultationRecorded { .. } => Permission::Register,
    }
}

/// Other unit codes, for co-handling.
const OTHER_UNITS: &[&str] = &["HX", "HX01", "HX02", "HX03", "HX21", "HX22", "HX23"];

// ---------------------------------------------------------------------------------------------
// Small helpers.

/// Cumulative integer weights.
struct Weighted {
    cum: Vec<u32>,
}

impl Weighted {
    fn new(weights: impl IntoIterator<Item = u32>) -> Weighted {
        let mut total = 0u32;
        let cum = weights
            .into_iter()
            .map(|w| {
                total += w;
                total
            })
            .collect();
        Weighted { cum }
    }

    fn sample(&self, rng: &mut StdRng) -> usize {
        match self.cum.last() {
            Some(&total) if total > 0 => {
                let x = rng.random_range(0..total);
                self.cum.partition_point(|&c| c <= x)
            }
            _ => 0,
        }
    }
}

/// A uniformly chosen element. The tables are static and never empty (see the tests).
fn pick<'a, T>(rng: &mut StdRng, s: &'a [T]) -> &'a T {
    &s[rng.random_range(0..s.len())]
}

/// An element chosen with falling weights: the first most often.
fn front<'a, T>(rng: &mut StdRng, s: &'a [T]) -> &'a T {
    let mut i = 0;
    while i + 1 < s.len() && rng.random_bool(0.4) {
        i += 1;
    }
    &s[i]
}

/// An element whose item mask fits item `item` (see `Scenario`), chosen uniformly.
fn pick_fit<'a, T>(rng: &mut StdRng, s: &'a [T], item: usize, mask: impl Fn(&T) -> u8) -> &'a T {
    let fits = |t: &&T| {
        let m = u32::from(mask(t));
        m == 0 || m & (1 << item) != 0
    };
    let n = s.iter().filter(fits).count();
    let k = rng.random_range(0..n.max(1));
    s.iter().filter(fits).nth(k).unwrap_or(&s[0])
}

/// A reason from a rule set's table, with weights by position (others weigh 1).
fn reason(rng: &mut StdRng, list: &'static [Reason], weights: &[u32]) -> &'static Reason {
    let w = Weighted::new((0..list.len()).map(|i| weights.get(i).copied().unwrap_or(1)));
    &list[w.sample(rng).min(list.len() - 1)]
}

/// How many of `cases` are received up to the end of day `i`, given cumulative day weights;
/// the last open day `last` takes the rounding remainder.
fn cases_until(cases: u64, cum: &[f64], last: usize, i: usize) -> u64 {
    let total = cum.last().copied().unwrap_or(0.0);
    if i >= last || total <= 0.0 {
        return cases;
    }
    ((cases as f64 * (cum[i] / total)).floor() as u64).min(cases)
}

/// The instant of an offset into the working day (see `OFFICE_SECS`), station time.
fn office_time(day: NaiveDate, offset: u32) -> DateTime<Utc> {
    let secs =
        if offset < MORNING { 9 * 3600 + offset } else { 14 * 3600 + 1800 + offset - MORNING };
    let local = day.and_time(NaiveTime::MIN) + Duration::seconds(i64::from(secs));
    (local - Duration::seconds(i64::from(station_offset().local_minus_utc()))).and_utc()
}

/// Office seconds of `day` before `t` (all of them when `t` is after the working day).
fn office_before(day: NaiveDate, t: DateTime<Utc>) -> u32 {
    let local = t.with_timezone(&station_offset());
    if local.date_naive() > day {
        return OFFICE_SECS;
    }
    if local.date_naive() < day {
        return 0;
    }
    let s = local.num_seconds_from_midnight();
    match s {
        s if s <= 9 * 3600 => 0,
        s if s <= 12 * 3600 => s - 9 * 3600,
        s if s <= 14 * 3600 + 1800 => MORNING,
        s if s <= 18 * 3600 => MORNING + s - (14 * 3600 + 1800),
        _ => OFFICE_SECS,
    }
}

fn cn_date(d: NaiveDate) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

/// Yuan for text: whole yuan without decimals.
fn yuan(fen: i64) -> String {
    if fen % 100 == 0 {
        (fen / 100).to_string()
    } else {
        casedesk_domain::validate::format_yuan(fen)
    }
}

/// Fills `{name}` placeholders from `vars`; unknown names are kept.
fn fill(out: &mut String, tpl: &str, vars: &[(&str, &str)]) {
    let mut rest = tpl;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) => {
                let key = &after[..close];
                match vars.iter().find(|(k, _)| *k == key) {
                    Some((_, v)) => out.push_str(v),
                    None => {
                        out.push('{');
                        out.push_str(key);
                        out.push('}');
                    }
                }
                rest = &after[close + 1..];
            }
            None => {
                out.push_str(&rest[open..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
}

fn filled(tpl: &str, vars: &[(&str, &str)]) -> String {
    let mut s = String::with_capacity(tpl.len() + 32);
    fill(&mut s, tpl, vars);
    s
}

// ---------------------------------------------------------------------------------------------
// The world.

struct Staff {
    id: Uuid,
    name: String,
    roles: Vec<StaffRole>,
    languages: Vec<Language>,
}

/// A day of the world.
struct Day {
    date: NaiveDate,
    /// Office seconds available (less on the last day).
    cap: u32,
    session: Option<usize>,
}

/// A roving intake session.
struct Session {
    id: Uuid,
    county: usize,
    /// The village or pasture, used as the complainants' village.
    village: String,
    place: String,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    team: Vec<String>,
    cases: u32,
    people: u32,
}

/// One action of a case's plan.
struct Step {
    at: DateTime<Utc>,
    actor: Option<Uuid>,
    ev: CaseEvent,
}

/// A case with actions still to come.
struct Flight {
    /// The case's state after its last event (each action is checked against it and folded on
    /// from it: `Batch::act_on`).
    state: Option<CaseState>,
    steps: VecDeque<Step>,
    /// Changed since it was last projected.
    dirty: bool,
}

/// What a queued job writes: a case's next action (by its slot in `World::flights`), an
/// organisation event, or the end of a roving session (whose note counts what it took in).
enum Work {
    Step(usize),
    Org(Uuid, Box<OrgEvent>),
    RovingEnd(usize),
}

/// A queued write, ordered by time and then by the order it was queued in.
struct Job {
    at: i64,
    seq: u64,
    work: Work,
}

impl PartialEq for Job {
    fn eq(&self, other: &Job) -> bool {
        (self.at, self.seq) == (other.at, other.seq)
    }
}
impl Eq for Job {}
impl PartialOrd for Job {
    fn partial_cmp(&self, other: &Job) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Job {
    fn cmp(&self, other: &Job) -> Ordering {
        (self.at, self.seq).cmp(&(other.at, other.seq))
    }
}

/// Where a complainant lives, and the day the case is received.
#[derive(Clone, Copy)]
struct Home<'a> {
    county: usize,
    village: Option<&'a str>,
    /// A tourist's address and its GB/T 2260 code.
    tourist: Option<(&'a str, &'a str)>,
    received: NaiveDate,
}

/// What a case's plan needs to know about its registration.
struct Ctx {
    received: DateTime<Utc>,
    rule: RuleSet,
    scenario: &'static Scenario,
    item: &'static str,
    /// The claim is punitive (CRPL Art.55 or Food Safety Law Art.148).
    punitive: Option<Claim>,
    price: i64,
    claim: i64,
    households: Option<u32>,
    request: RequestKind,
    complainant: String,
    respondent: String,
    contact: String,
    county: usize,
    village: Option<String>,
    mediator: usize,
    /// The language sessions are held in, and the interpreter when the mediator does not speak it.
    session_language: Language,
    interpreter: String,
}

struct World {
    rng: StdRng,
    end: DateTime<Utc>,
    unit: String,
    cal: WorkCalendar,
    staff: Vec<Staff>,
    mediators: Vec<usize>,
    clerks: Vec<usize>,
    counties: Weighted,
    rural_counties: Weighted,
    /// Scenario weights by month (0–11) and place (town, village or pasture).
    scenarios: Vec<Weighted>,
    days: Vec<Day>,
    /// Cumulative day weights.
    cum: Vec<f64>,
    next_day: usize,
    today: VecDeque<(DateTime<Utc>, Option<usize>)>,
    offsets: Vec<u32>,
    sessions: Vec<Session>,
    /// Chance that a case brings a consultation.
    p_consult: f64,
    queue: BinaryHeap<Reverse<Job>>,
    queued: u64,
    flights: Vec<Option<Flight>>,
    free: Vec<usize>,
    dirty: Vec<usize>,
    cases: u64,
    registered: u64,
    summary: DemoSummary,
}

impl World {
    fn new(store: &Store, opts: &DemoOptions) -> Result<World> {
        let unit = store.require_station()?.unit.clone();
        let admin = store.unit(&unit)?.map(|u| u.admin_code);
        let home = admin.and_then(|a| COUNTIES.iter().position(|c| c.admin == a)).unwrap_or(0);
        let staff = store
            .staff()?
            .into_iter()
            .filter(|p| p.unit == unit && p.active)
            .map(|p| Staff {
                id: p.id,
                name: p.name,
                roles: p.roles.iter().filter_map(|r| StaffRole::from_code(r)).collect(),
                languages: p.languages.iter().filter_map(|l| Language::from_code(l)).collect(),
            })
            .collect();
        let counties = Weighted::new(
            COUNTIES.iter().enumerate().map(|(i, c)| if i == home { 60 } else { c.weight }),
        );
        let rural_counties = Weighted::new(COUNTIES.iter().enumerate().map(|(i, c)| {
            let pastoral = matches!(c.admin, "632821" | "632822" | "632823");
            match (i == home, pastoral) {
                (true, _) => 40,
                (false, true) => 20,
                (false, false) => 6,
            }
        }));
        let mut scenarios = Vec::with_capacity(24);
        for month in 1..=12 {
            for village in [false, true] {
                scenarios.push(Weighted::new(SCENARIOS.iter().map(|s| {
                    let base = if village { s.pastoral } else { s.weight };
                    base * s.season.factor(month)
                })));
            }
        }
        Ok(World {
            rng: StdRng::seed_from_u64(opts.seed),
            end: opts.end,
            unit,
            cal: store.calendar().clone(),
            staff,
            mediators: Vec::new(),
            clerks: Vec::new(),
            counties,
            rural_counties,
            scenarios,
            days: Vec::new(),
            cum: Vec::new(),
            next_day: 0,
            today: VecDeque::new(),
            offsets: Vec::new(),
            sessions: Vec::new(),
            p_consult: 1.0 / 3.0,
            queue: BinaryHeap::new(),
            queued: 0,
            flights: Vec::new(),
            free: Vec::new(),
            dirty: Vec::new(),
            cases: opts.cases,
            registered: 0,
            summary: DemoSummary::default(),
        })
    }

    fn register_staff(&mut self, b: &mut Batch<'_>) -> Result<()> {
        b.set_now(self.end - Duration::days(SPAN_DAYS));
        let n = self.rng.random_range(4..=STAFF.len());
        let head = self.acting(None, Permission::ManageStaff)?;
        for (name, roles, languages, phone) in &STAFF[..n] {
            let id = Uuid::now_v7();
            b.record_org(
                id,
                &head,
                OrgEvent::StaffRegistered {
                    unit: self.unit.clone(),
                    name: (*name).to_owned(),
                    roles: roles.to_vec(),
                    phone: (*phone).to_owned(),
                    languages: languages.to_vec(),
                    active: true,
                },
            )?;
            self.summary.events += 1;
            self.staff.push(Staff {
                id,
                name: (*name).to_owned(),
                roles: roles.to_vec(),
                languages: languages.to_vec(),
            });
        }
        Ok(())
    }

    /// Who writes an event that needs `perm`: `preferred` (the case's mediator, the clerk at
    /// the desk) when their roles give it, else a clerk, else anyone whose roles do (the head
    /// decides acceptance and voids).
    fn acting(&self, preferred: Option<Uuid>, perm: Permission) -> Result<Actor> {
        let may = |p: &Staff| access::permits(&p.roles, perm);
        let chosen = preferred
            .and_then(|id| self.staff.iter().find(|p| p.id == id && may(p)))
            .or_else(|| self.clerks.iter().filter_map(|&i| self.staff.get(i)).find(|p| may(p)))
            .or_else(|| self.staff.iter().find(|p| may(p)))
            .ok_or_else(|| StoreError::integrity("demo: no staff member may write this"))?;
        Ok(Actor::unchecked(chosen.id))
    }

    fn index_staff(&mut self) {
        let with = |role: StaffRole| -> Vec<usize> {
            (0..self.staff.len()).filter(|&i| self.staff[i].roles.contains(&role)).collect()
        };
        self.mediators = with(StaffRole::Mediator);
        self.clerks = with(StaffRole::Clerk);
        if self.mediators.is_empty() {
            self.mediators = (0..self.staff.len()).collect();
        }
        if self.clerks.is_empty() {
            self.clerks = self.mediators.clone();
        }
    }

    /// Lays out the days, their weights and the roving sessions.
    fn plan_sessions(&mut self) {
        let first = local_date(self.end - Duration::days(SPAN_DAYS)) + Duration::days(1);
        let last = local_date(self.end);
        let n = (last - first).num_days().max(0) as usize + 1;
        let per_day = self.cases as f64 / n as f64;
        // Sessions every 10–24 days, on working days.
        let mut d = self.rng.random_range(3..14usize);
        let mut session_days = Vec::new();
        while d < n {
            let date = first + Duration::days(d as i64);
            if self.cal.is_workday(date) {
                session_days.push(d);
                d += self.rng.random_range(10..=24);
            } else {
                d += 1;
            }
        }
        for i in 0..n {
            let date = first + Duration::days(i as i64);
            let cap = office_before(date, self.end);
            self.days.push(Day { date, cap, session: None });
        }
        for d in session_days {
            let date = self.days[d].date;
            let start = office_time(date, ROVING_FROM);
            if start >= self.end {
                continue;
            }
            let county = self.rural_counties.sample(&mut self.rng);
            let c = &COUNTIES[county];
            let town = *pick(&mut self.rng, c.towns);
            let name = *pick(&mut self.rng, PLACE_NAMES);
            let (village, place) = match self.rng.random_range(0..4) {
                0 => (format!("{town}{name}村"), format!("{town}{name}村村委会")),
                1 => (format!("{town}{name}牧委会"), format!("{town}{name}牧委会活动室")),
                2 => (format!("{town}{name}夏季牧场"), format!("{town}{name}夏季牧场帐篷点")),
                _ => (format!("{town}{name}村"), format!("{town}集市")),
            };
            let end =
                office_time(date, ROVING_TO) + Duration::minutes(self.rng.random_range(0..40));
            let mut team = Vec::new();
            for _ in 0..self.rng.random_range(2..=3usize) {
                let s = &self.staff[*pick(&mut self.rng, &self.mediators)].name;
                if !team.contains(s) {
                    team.push(s.clone());
                }
            }
            self.days[d].session = Some(self.sessions.len());
            self.sessions.push(Session {
                id: Uuid::nil(),
                county,
                village,
                place,
                start,
                end,
                team,
                cases: 0,
                people: 0,
            });
        }
        // Extra consultations at sessions count towards one per three cases.
        let at_sessions = self.sessions.len() as f64 * 2.0;
        if self.cases > 0 {
            self.p_consult = (1.0 / 3.0 - at_sessions / self.cases as f64).clamp(0.05, 1.0 / 3.0);
        }
        // Day weights: working days, 3·15 week, a slow rise, and more at roving sessions when
        // the world is small (a session is a day of its own for a small station).
        let boost = 1.0 + 1.5 * (10.0 / (10.0 + per_day));
        let mut total = 0.0;
        for (i, day) in self.days.iter().enumerate() {
            let mut w = if self.cal.is_workday(day.date) { 1.0 } else { 0.35 };
            w *= 0.85 + 0.3 * i as f64 / n as f64;
            if day.date.month() == 3 && (10..=16).contains(&day.date.day()) {
                w *= 1.6;
            }
            if day.session.is_some() {
                w *= boost;
            }
            w *= f64::from(day.cap) / f64::from(OFFICE_SECS);
            total += w;
            self.cum.push(total);
        }
    }

    /// Starts the next day: queues its roving session and draws its cases' times.
    fn enter_day(&mut self) {
        let d = self.next_day;
        self.next_day += 1;
        let Some(day) = self.days.get(d) else { return };
        let (date, cap, session) = (day.date, day.cap, day.session);
        if let Some(s) = session {
            self.open_session(s);
        }
        let total = self.cum.last().copied().unwrap_or(0.0);
        if total <= 0.0 || cap == 0 {
            return;
        }
        let last = self.days.iter().rposition(|d| d.cap > 0).unwrap_or(0);
        let before = if d == 0 { 0 } else { cases_until(self.cases, &self.cum, last, d - 1) };
        let k = cases_until(self.cases, &self.cum, last, d).saturating_sub(before);
        self.offsets.clear();
        for _ in 0..k {
            self.offsets.push(self.rng.random_range(0..cap));
        }
        self.offsets.sort_unstable();
        let in_window =
            (k as f64 * f64::from(ROVING_TO - ROVING_FROM) / f64::from(OFFICE_SECS)).max(1.0);
        let p_roving = (25.0 / in_window).min(0.7);
        for i in 0..self.offsets.len() {
            let off = self.offsets[i];
            let at = office_time(date, off);
            let roving = session.filter(|&s| {
                (ROVING_FROM..ROVING_TO).contains(&off)
                    && at < self.sessions[s].end
                    && self.rng.random_bool(p_roving)
            });
            self.today.push_back((at, roving));
        }
    }

    /// Queues a roving session's start, end and the consultations taken there.
    fn open_session(&mut self, s: usize) {
        let id = Uuid::now_v7();
        let (start, end) = (self.sessions[s].start, self.sessions[s].end);
        self.sessions[s].id = id;
        let ev = OrgEvent::RovingStarted {
            unit: self.unit.clone(),
            date: local_date(start),
            place: self.sessions[s].place.clone(),
            team: self.sessions[s].team.clone(),
            note: "进村入牧开展流动受理和消费维权宣传。".to_owned(),
        };
        self.push(start, Work::Org(id, Box::new(ev)));
        self.summary.roving_sessions += 1;
        for _ in 0..self.rng.random_range(1..=3) {
            let at =
                start + Duration::seconds(self.rng.random_range(60..(end - start).num_seconds()));
            if at <= self.end {
                let month = local_date(start).month0() as usize;
                let sc = &SCENARIOS[self.scenarios[month * 2 + 1].sample(&mut self.rng)];
                self.consultation(at, Channel::Roving, Some(s), sc);
            }
        }
        if end <= self.end {
            self.push(end, Work::RovingEnd(s));
        }
    }

    /// Queues a consultation.
    fn consultation(
        &mut self,
        at: DateTime<Utc>,
        channel: Channel,
        session: Option<usize>,
        sc: &'static Scenario,
    ) {
        let people = match (session.is_some(), self.rng.random_range(0..20)) {
            (false, 0..12) | (true, 0..4) => 1,
            (false, 12..16) | (true, 4..10) => 2,
            (false, 16..18) | (true, 10..15) => 3,
            (false, 18) | (true, 15..18) => 4,
            _ => 5,
        };
        let category =
            self.rng.random_bool(0.8).then(|| pick(&mut self.rng, sc.items).1.to_owned());
        let topic = format!("{}咨询", pick(&mut self.rng, sc.topics));
        let roving_session = session.map(|s| {
            self.sessions[s].people += people;
            self.sessions[s].id
        });
        let ev = OrgEvent::ConsultationRecorded {
            unit: self.unit.clone(),
            at,
            channel,
            topic,
            people,
            roving_session,
            category,
        };
        self.push(at, Work::Org(Uuid::now_v7(), Box::new(ev)));
        self.summary.consultations += 1;
    }

    fn push(&mut self, at: DateTime<Utc>, work: Work) {
        self.queued += 1;
        self.queue.push(Reverse(Job { at: at.timestamp_millis(), seq: self.queued, work }));
    }

    fn enter_remaining_days(&mut self) {
        while self.next_day < self.days.len() {
            self.enter_day();
        }
        self.today.clear();
    }

    /// Writes queued jobs due at or before `until` (milliseconds), at most `max` of them.
    fn run_jobs(&mut self, b: &mut Batch<'_>, until: i64, max: u64) -> Result<()> {
        let mut done = 0;
        while done < max {
            match self.queue.peek() {
                Some(Reverse(job)) if job.at <= until => {}
                _ => break,
            }
            let Some(Reverse(job)) = self.queue.pop() else { break };
            let at = DateTime::from_timestamp_millis(job.at)
                .ok_or_else(|| StoreError::integrity("demo: time out of range"))?;
            b.set_now(at);
            match job.work {
                Work::Step(slot) => self.step(b, slot)?,
                Work::Org(stream, ev) => {
                    let who = self.acting(None, org_permission(&ev))?;
                    b.record_org(stream, &who, *ev)?;
                    self.summary.events += 1;
                }
                Work::RovingEnd(s) => {
                    let s = &self.sessions[s];
                    let note =
                        format!("本次流动受理共登记投诉{}件，接待咨询{}人次。", s.cases, s.people);
                    let who = self.acting(None, Permission::Register)?;
                    b.record_org(s.id, &who, OrgEvent::RovingEnded { at, note })?;
                    self.summary.events += 1;
                }
            }
            done += 1;
        }
        Ok(())
    }

    /// Writes a case's next action.
    fn step(&mut self, b: &mut Batch<'_>, slot: usize) -> Result<()> {
        let missing = || StoreError::integrity("demo: lost a queued case");
        let flight = self.flights.get_mut(slot).and_then(Option::as_mut).ok_or_else(missing)?;
        let step = flight.steps.pop_front().ok_or_else(missing)?;
        let who = self.acting(step.actor, access::for_case(step.ev.event_kind()))?;
        let flight = self.flights.get_mut(slot).and_then(Option::as_mut).ok_or_else(missing)?;
        let before = flight.state.take().ok_or_else(missing)?;
        let state = b.act_on(before, &who, step.ev)?;
        self.summary.events += 1;
        match flight.steps.front().map(|s| s.at) {
            Some(next) => {
                flight.state = Some(state);
                if !b.is_bulk() && !std::mem::replace(&mut flight.dirty, true) {
                    self.dirty.push(slot);
                }
                self.push(next, Work::Step(slot));
            }
            None => {
                b.project_case(&state)?;
                self.flights[slot] = None;
                self.free.push(slot);
            }
        }
        Ok(())
    }

    /// Projects the cases that changed in this transaction and still have actions to come, and
    /// lets go of their events.
    fn checkpoint(&mut self, b: &mut Batch<'_>) -> Result<()> {
        // A bulk load projects a case once, at its last action.
        if b.is_bulk() {
            self.dirty.clear();
            return Ok(());
        }
        for slot in std::mem::take(&mut self.dirty) {
            if let Some(f) = self.flights.get_mut(slot).and_then(Option::as_mut) {
                if let Some(state) = &f.state {
                    b.project_case(state)?;
                }
                f.dirty = false;
            }
        }
        Ok(())
    }

    /// Registers the next case, after writing everything due before it.
    fn next_case(&mut self, b: &mut Batch<'_>) -> Result<()> {
        let (at, session) = loop {
            if let Some(next) = self.today.pop_front() {
                break next;
            }
            if self.next_day >= self.days.len() {
                return Err(StoreError::integrity("demo: ran out of days"));
            }
            self.enter_day();
        };
        self.run_jobs(b, at.timestamp_millis(), u64::MAX)?;
        let (mut reg, steps, subject) = self.plan_case(at, session)?;
        let clerk = self.staff[*pick(&mut self.rng, &self.clerks)].id;
        reg.staff = Some(clerk);
        b.set_now(at);
        let who = self.acting(Some(clerk), Permission::Register)?;
        let state = b.register_case(&who, reg)?;
        if steps.is_empty() || !b.is_bulk() {
            b.project_case(&state)?;
        }
        self.registered += 1;
        self.summary.events += 1;
        if let Some(s) = session {
            self.sessions[s].cases += 1;
        }
        if self.rng.random_bool(self.p_consult) {
            let mut t = at + Duration::seconds(self.rng.random_range(120..2400));
            if let Some(s) = session {
                t = t.min(self.sessions[s].end - Duration::seconds(30)).max(at);
            }
            let ch = match (session, self.rng.random_range(0..20)) {
                (Some(_), _) => Channel::Roving,
                (None, 0..11) => Channel::Phone,
                (None, 11..18) => Channel::Visit,
                _ => Channel::Online,
            };
            if t <= self.end {
                self.consultation(t, ch, session, subject);
            }
        }
        if let Some(first) = steps.first().map(|s| s.at) {
            let flight = Flight { state: Some(state), steps: steps.into(), dirty: false };
            let slot = match self.free.pop() {
                Some(i) => {
                    self.flights[i] = Some(flight);
                    i
                }
                None => {
                    self.flights.push(Some(flight));
                    self.flights.len() - 1
                }
            };
            self.push(first, Work::Step(slot));
        }
        Ok(())
    }

    // -----------------------------------------------------------------------------------------
    // People, businesses and numbers.

    fn mobile(&mut self) -> String {
        let p = *pick(&mut self.rng, MOBILE_PREFIXES);
        format!("{p}{:08}", self.rng.random_range(0..100_000_000u32))
    }

    fn landline(&mut self, county: usize) -> String {
        format!("{}-8{:06}", COUNTIES[county].area_code, self.rng.random_range(0..1_000_000u32))
    }

    /// A name and whether the person is a woman, by ethnic group: 0 Han, 1 Tibetan, 2 Mongolian.
    fn name(&mut self, group: u32) -> (String, bool) {
        let female = self.rng.random_bool(0.45);
        let r = &mut self.rng;
        let name = match (group, female) {
            (1, false) if r.random_bool(0.5) => {
                format!("{}{}", pick(r, TIBETAN_MALE), pick(r, TIBETAN_MALE_2ND))
            }
            (1, false) => (*pick(r, TIBETAN_MALE)).to_owned(),
            (1, true) if r.random_bool(0.5) => {
                format!("{}{}", pick(r, TIBETAN_FEMALE_1ST), pick(r, TIBETAN_FEMALE_2ND))
            }
            (1, true) => (*pick(r, TIBETAN_FEMALE)).to_owned(),
            (2, false) => (*pick(r, MONGOL_MALE)).to_owned(),
            (2, true) => (*pick(r, MONGOL_FEMALE)).to_owned(),
            (_, false) => format!("{}{}", pick(r, HAN_SURNAMES), pick(r, HAN_MALE)),
            (_, true) => format!("{}{}", pick(r, HAN_SURNAMES), pick(r, HAN_FEMALE)),
        };
        (name, female)
    }

    fn resident_id(&mut self, admin: &str, female: bool, received: NaiveDate) -> Result<String> {
        let year = self.rng.random_range(1950..=(received.year() - 18).min(2004));
        let born = NaiveDate::from_ymd_opt(
            year,
            self.rng.random_range(1..=12),
            self.rng.random_range(1..=28),
        )
        .unwrap_or_default();
        let mut seq = self.rng.random_range(0..1000u32);
        if (seq % 2 == 0) != female {
            seq = (seq + 1) % 1000;
        }
        let prefix = format!("{admin}{}{seq:03}", born.format("%Y%m%d"));
        make_resident_id(&prefix)
            .ok_or_else(|| StoreError::integrity(format!("demo: bad ID prefix {prefix}")))
    }

    /// A credit code: authority 9 (market regulation), the type, the admin code, an
    /// organisation code and the check character.
    fn uscc(&mut self, kind: char, admin: &str) -> Result<String> {
        const ALPHABET: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
        let mut prefix = format!("9{kind}{admin}MA");
        for _ in 0..7 {
            prefix.push(char::from(*pick(&mut self.rng, ALPHABET)));
        }
        make_uscc(&prefix).ok_or_else(|| StoreError::integrity(format!("demo: bad USCC {prefix}")))
    }

    fn village(&mut self, county: usize) -> String {
        let c = &COUNTIES[county];
        let town = *pick(&mut self.rng, c.towns);
        let name = *pick(&mut self.rng, PLACE_NAMES);
        match self.rng.random_range(0..6) {
            0..3 => format!("{town}{name}村"),
            3..5 => format!("{town}{name}牧委会"),
            _ => format!("{town}{name}冬季草场"),
        }
    }

    fn address(&mut self, county: usize, home: bool) -> String {
        let c = &COUNTIES[county];
        let road = *pick(&mut self.rng, c.roads);
        let no = self.rng.random_range(1..=260);
        if home && self.rng.random_bool(0.6) {
            format!(
                "{}{road}{no}号{}号楼{}单元{}0{}室",
                c.name,
                self.rng.random_range(1..=12),
                self.rng.random_range(1..=4),
                self.rng.random_range(1..=6),
                self.rng.random_range(1..=4)
            )
        } else {
            format!("{}{road}{no}号", c.name)
        }
    }

    /// A complainant of ethnic group `group` (see `name`). Entrusted complaints need an ID number
    /// and the consent to mediation; complaints need a phone or contact and an address.
    fn complainant(
        &mut self,
        home: &Home<'_>,
        group: u32,
        entrusted: bool,
        complaint: bool,
        representative: bool,
    ) -> Result<Complainant> {
        let Home { county, village, tourist, received } = *home;
        let (name, female) = self.name(group);
        let language = match group {
            1 if self.rng.random_bool(if village.is_some() { 0.4 } else { 0.15 }) => Language::Bo,
            2 if self.rng.random_bool(if village.is_some() { 0.35 } else { 0.12 }) => Language::Mn,
            _ => Language::Zh,
        };
        let admin = tourist.map_or(COUNTIES[county].admin, |t| t.1);
        let id_number = if entrusted || self.rng.random_bool(0.5) {
            Some(self.resident_id(admin, female, received)?)
        } else {
            None
        };
        let mut phones = Vec::new();
        let mut contact_person = String::new();
        if village.is_some() && self.rng.random_bool(0.08) {
            // Herders often share a phone: a relative or the village cadre takes the calls.
            let (other, _) = self.name(group);
            let who = *pick(&mut self.rng, &["儿子", "女儿", "村干部", "侄子"]);
            let phone = self.mobile();
            contact_person = format!("{other}（{who}，{phone}）");
        } else if complaint || self.rng.random_bool(0.8) {
            phones.push(self.mobile());
            if self.rng.random_bool(0.1) {
                let second =
                    if self.rng.random_bool(0.5) { self.landline(county) } else { self.mobile() };
                phones.push(second);
            }
        }
        let (address, village) = match (tourist, village) {
            (Some((origin, _)), _) => (origin.to_owned(), String::new()),
            (None, Some(v)) => (String::new(), v.to_owned()),
            (None, None) => (self.address(county, true), String::new()),
        };
        Ok(Complainant {
            name,
            id_type: id_number.as_ref().map(|_| IdType::ResidentId),
            id_number,
            phones,
            contact_person,
            address,
            village,
            language,
            representative,
            consents: Consents {
                personal_info: true,
                publish: self.rng.random_bool(0.3),
                entrust_mediation: entrusted || self.rng.random_bool(0.1),
                share_with_parties: self.rng.random_bool(0.85),
            },
        })
    }

    fn respondent(
        &mut self,
        sc: &Scenario,
        item: usize,
        county: usize,
        village: Option<&str>,
    ) -> Result<Respondent> {
        let c = &COUNTIES[county];
        let (_, suffix, kind) = *pick_fit(&mut self.rng, sc.shops, item, |s| s.0);
        let word = *pick(&mut self.rng, TRADE_WORDS);
        let surname = *pick(&mut self.rng, HAN_SURNAMES);
        let (name, uscc, address) = match kind {
            Rk::Platform => {
                let (name, admin, seat) = *pick(&mut self.rng, PLATFORMS);
                (name.to_owned(), Some(self.uscc('1', admin)?), seat.to_owned())
            }
            Rk::Unlicensed => {
                let place = match village {
                    Some(v) => v.to_owned(),
                    None => format!("{}{}", c.name, pick(&mut self.rng, c.towns)),
                };
                (format!("流动摊贩（{surname}某）"), None, format!("{place}集市"))
            }
            _ => {
                let name = if suffix.contains('{') {
                    filled(suffix, &[("county", c.name), ("word", word)])
                } else {
                    format!("{}{word}{suffix}", c.name)
                };
                let t = match kind {
                    Rk::IndividualBusiness => '2',
                    Rk::Cooperative => '3',
                    _ => '1',
                };
                let uscc =
                    if self.rng.random_bool(0.9) { Some(self.uscc(t, c.admin)?) } else { None };
                let address = match village {
                    Some(v) if kind != Rk::PublicPricing && self.rng.random_bool(0.5) => {
                        v.to_owned()
                    }
                    _ => self.address(county, false),
                };
                (name, uscc, address)
            }
        };
        let contact = match kind {
            Rk::Unlicensed => String::new(),
            Rk::IndividualBusiness => self.name(0).0,
            _ => format!("{surname}经理"),
        };
        let phone = match self.rng.random_range(0..10) {
            0..5 if kind != Rk::Unlicensed => self.landline(county),
            5..9 => self.mobile(),
            _ => String::new(),
        };
        Ok(Respondent { name, kind, uscc, legacy_reg_no: None, address, contact, phone })
    }

    /// What a consumer claims for a price (in fen), in whole yuan.
    fn claim(&mut self, claim: Claim, price: i64) -> i64 {
        let mut times = |lo: f64, hi: f64| {
            (price as f64 * self.rng.random_range(lo..hi) / 100.0).round() as i64 * 100
        };
        let fen = match claim {
            Full => price,
            Part => times(0.1, 0.3),
            Most => times(0.5, 0.9),
            Losses => times(1.0, 3.0),
            Payout => times(5.0, 20.0),
            Fraud => price + (price * 3).max(50_000),
            Food => price + (price * 10).max(100_000),
        };
        fen.clamp(100, MAX_FEN)
    }

    /// A price in fen, log-uniform over a range in yuan, now and then much larger.
    fn price(&mut self, lo: u32, hi: u32) -> i64 {
        let (lo, hi) = (f64::from(lo), f64::from(hi));
        let mut y = (lo.ln() + self.rng.random::<f64>() * (hi.ln() - lo.ln())).exp();
        if hi <= 20_000.0 && self.rng.random_bool(0.02) {
            y *= self.rng.random_range(5.0..20.0);
        }
        let fen = if y >= 1000.0 {
            (y / 10.0).round() as i64 * 1000
        } else if y >= 100.0 {
            y.round() as i64 * 100
        } else {
            (y * 2.0).round() as i64 * 50
        };
        fen.clamp(100, MAX_FEN)
    }

    // -----------------------------------------------------------------------------------------
    // Times.

    /// A time `lo..=hi` days after `t` (working days when `work`), in office hours, after `t`.
    fn days_after(&mut self, t: DateTime<Utc>, lo: u32, hi: u32, work: bool) -> DateTime<Utc> {
        let n = self.rng.random_range(lo..=hi);
        let mut d = local_date(t);
        if work {
            let mut left = n;
            while left > 0 {
                d += Duration::days(1);
                if self.cal.is_workday(d) {
                    left -= 1;
                }
            }
        } else {
            d += Duration::days(i64::from(n));
        }
        let at = office_time(d, self.rng.random_range(0..OFFICE_SECS));
        if at <= t { self.minutes_after(t, 10, 90) } else { at }
    }

    fn minutes_after(&mut self, t: DateTime<Utc>, lo: i64, hi: i64) -> DateTime<Utc> {
        t + Duration::minutes(self.rng.random_range(lo..=hi))
            + Duration::seconds(self.rng.random_range(0..60))
    }

    // -----------------------------------------------------------------------------------------
    // Cases.

    /// Draws a case received at `at`: its registration, its actions and its subject.
    fn plan_case(
        &mut self,
        at: DateTime<Utc>,
        session: Option<usize>,
    ) -> Result<(CaseRegistered, Vec<Step>, &'static Scenario)> {
        let received = local_date(at);
        let roving = session.is_some();
        // Consultations are not cases: the world records them as `consultation.recorded`
        // (counted in 人次) beside the cases.
        let case_type = match (roving, self.rng.random_range(0..100)) {
            (true, 0..95) | (false, 0..80) | (false, 87..96) => CaseType::Complaint,
            (true, 95..98) | (false, 80..87) => CaseType::Report,
            _ => CaseType::Suggestion,
        };
        let complaint = case_type == CaseType::Complaint;
        let month = received.month0() as usize;
        let sc = &SCENARIOS[self.scenarios[month * 2 + usize::from(roving)].sample(&mut self.rng)];
        let item_index = self.rng.random_range(0..sc.items.len());
        let (item, category, lo, hi) = sc.items[item_index];
        let problem = pick_fit(&mut self.rng, sc.problems, item_index, |p| p.items);
        let county = match session {
            Some(s) => self.sessions[s].county,
            None => self.counties.sample(&mut self.rng),
        };
        let rural =
            roving || self.rng.random_bool(if sc.pastoral > sc.weight { 0.75 } else { 0.15 });
        let village = match session {
            Some(s) => Some(self.sessions[s].village.clone()),
            None if rural => Some(self.village(county)),
            None => None,
        };
        let entrusted = complaint && !roving && self.rng.random_bool(0.15);
        let mode = if entrusted { Mode::Entrusted } else { Mode::Own };
        let channel = if roving {
            Channel::Roving
        } else if entrusted {
            if self.rng.random_bool(0.65) { Channel::Platform12315 } else { Channel::Superior }
        } else {
            let x = self.rng.random_range(0..100);
            match case_type {
                CaseType::Complaint => match x {
                    0..42 => Channel::Visit,
                    42..72 => Channel::Phone,
                    72..81 => Channel::Online,
                    81..90 => Channel::Platform12315,
                    90..93 => Channel::Letter,
                    93..95 => Channel::Email,
                    _ => Channel::Superior,
                },
                CaseType::Report => match x {
                    0..40 => Channel::Phone,
                    40..65 => Channel::Visit,
                    65..80 => Channel::Letter,
                    80..90 => Channel::Online,
                    _ => Channel::Platform12315,
                },
                CaseType::Consultation => match x {
                    0..60 => Channel::Phone,
                    60..90 => Channel::Visit,
                    _ => Channel::Online,
                },
                CaseType::Suggestion => match x {
                    0..30 => Channel::Online,
                    30..50 => Channel::Letter,
                    50..80 => Channel::Visit,
                    _ => Channel::Email,
                },
            }
        };
        let households = (complaint && sc.households.1 > 0 && self.rng.random_bool(P_COLLECTIVE))
            .then(|| {
                let (lo, hi) = sc.households;
                let u: f64 = self.rng.random();
                lo + ((hi - lo) as f64 * u * u) as u32
            });
        let tourist = (sc.tourists && !roving && self.rng.random_bool(0.7))
            .then(|| *pick(&mut self.rng, TOURIST_ORIGINS));
        let group = match (tourist.is_some(), rural, self.rng.random_range(0..100)) {
            (true, _, _) => 0,
            (false, true, 0..30) | (false, false, 0..62) => 0,
            (false, true, 30..65) | (false, false, 62..83) => 1,
            _ => 2,
        };

        // Complainants.
        let mut complainants = Vec::new();
        let anonymous = match case_type {
            CaseType::Report => self.rng.random_bool(0.4),
            CaseType::Suggestion => self.rng.random_bool(0.3),
            _ => false,
        };
        if !anonymous {
            let (reps, others) = match households {
                Some(_) if entrusted => {
                    (self.rng.random_range(1..=2), self.rng.random_range(0..=2))
                }
                Some(_) => (self.rng.random_range(2..=5), self.rng.random_range(0..=2)),
                None => (0, 1),
            };
            for i in 0..reps + others {
                let g = if i == 0 { group } else { self.rng.random_range(0..3) };
                let home = Home { county, village: village.as_deref(), tourist, received };
                let g = if tourist.is_some() { 0 } else { g };
                complainants.push(self.complainant(&home, g, entrusted, complaint, i < reps)?);
            }
        }
        let first_name = complainants.first().map_or_else(String::new, |c| c.name.clone());
        let language = complainants.first().map_or(Language::Zh, |c| c.language);

        // Respondents.
        let mut respondents = Vec::new();
        let with_respondent = match case_type {
            CaseType::Complaint | CaseType::Report => true,
            CaseType::Consultation => self.rng.random_bool(0.2),
            CaseType::Suggestion => false,
        };
        if with_respondent {
            let r = self.respondent(sc, item_index, county, village.as_deref())?;
            let platform = r.kind == Rk::Platform;
            respondents.push(r);
            if platform && self.rng.random_bool(0.4) {
                // The shop on the platform, registered elsewhere.
                let word = *pick(&mut self.rng, TRADE_WORDS);
                let (_, admin, seat) = *pick(&mut self.rng, PLATFORMS);
                respondents.push(Respondent {
                    name: format!("{seat}{word}电子商务有限公司"),
                    kind: Rk::Enterprise,
                    uscc: Some(self.uscc('1', admin)?),
                    legacy_reg_no: None,
                    address: seat.to_owned(),
                    contact: "网店客服".to_owned(),
                    phone: String::new(),
                });
            }
        }
        let shop = respondents.first().map_or("", |r| r.name.as_str()).to_owned();
        let (contact, respondent) = match respondents.first() {
            Some(r) if !r.contact.is_empty() => (r.contact.clone(), r.name.clone()),
            Some(r) => (r.name.clone(), r.name.clone()),
            None => (String::new(), String::new()),
        };

        // Facts.
        let days_before = (self.rng.random::<f64>().powi(2) * 90.0) as i64;
        let occurred = received - Duration::days(days_before);
        // A collective complaint's amounts are the sum over its households.
        let unit_price = self.price(lo, hi);
        let price = (unit_price * i64::from(households.unwrap_or(1))).min(MAX_FEN);
        let nature: &'static str;
        let mut content = String::with_capacity(256);
        let date_text = cn_date(occurred);
        let price_text = yuan(unit_price);
        let n_text = self.rng.random_range(3..=40).to_string();
        let vars = [
            ("item", item),
            ("shop", shop.as_str()),
            ("price", price_text.as_str()),
            ("date", date_text.as_str()),
            ("n", n_text.as_str()),
        ];
        let mut suggestion_category = None;
        match case_type {
            CaseType::Complaint => {
                nature = problem.nature;
                fill(&mut content, pick_fit(&mut self.rng, sc.buy, item_index, |b| b.0).1, &vars);
                fill(&mut content, problem.text, &vars);
                if let Some(h) = households {
                    let who = if rural { "牧户" } else { "住户" };
                    content.push_str(&format!(
                        "共有{h}户{who}遇到同样问题，涉及金额共计{}元，推选代表集体投诉。",
                        yuan(price)
                    ));
                } else if language != Language::Zh {
                    content.push_str("投诉人汉语不流利，由其家属协助陈述。");
                } else if self.rng.random_bool(0.3) {
                    content.push_str("多次协商未果，故来我会投诉。");
                }
            }
            CaseType::Report => {
                let (tpl, n) = *pick(&mut self.rng, REPORTS);
                nature = n;
                fill(&mut content, tpl, &vars);
            }
            CaseType::Consultation => {
                nature = "";
                let topic = *pick(&mut self.rng, sc.topics);
                content.push_str(&format!("咨询人询问{topic}方面的规定及维权途径。"));
            }
            CaseType::Suggestion => {
                nature = "";
                let (text, cat) = *pick(&mut self.rng, SUGGESTIONS);
                content.push_str(text);
                suggestion_category = cat;
            }
        }
        let (requests, request_text, claim) = if complaint {
            let mut requests = vec![*front(&mut self.rng, problem.requests)];
            let second = *pick(&mut self.rng, problem.requests);
            if !requests.contains(&second) && self.rng.random_bool(0.4) {
                requests.push(second);
            }
            let text =
                if self.rng.random_bool(0.8) { problem.ask.to_owned() } else { String::new() };
            (requests, text, Some(self.claim(problem.claim, price)))
        } else if case_type == CaseType::Report {
            (Vec::new(), "请依法查处。".to_owned(), None)
        } else {
            (Vec::new(), String::new(), None)
        };
        let (category_field, nature_field) = match case_type {
            CaseType::Complaint | CaseType::Report => {
                (Some(category.to_owned()), Some(nature.to_owned()))
            }
            CaseType::Consultation => {
                (self.rng.random_bool(0.6).then(|| category.to_owned()), None)
            }
            CaseType::Suggestion => (suggestion_category.map(str::to_owned), None),
        };
        let place = match (&village, respondents.first()) {
            (_, Some(r)) if r.kind == Rk::Platform => "网络购物（线上）".to_owned(),
            (Some(v), _) => v.clone(),
            (None, Some(r)) => r.address.clone(),
            (None, None) => String::new(),
        };
        let facts = Facts {
            occurred_on: matches!(case_type, CaseType::Complaint | CaseType::Report)
                .then_some(occurred),
            place,
            content,
            amount_fen: complaint.then_some(price),
        };
        let reg = CaseRegistered {
            case_no: String::new(),
            case_type,
            mode,
            received_at: at,
            channel,
            unit: self.unit.clone(),
            staff: None,
            roving_session: session.map(|s| self.sessions[s].id),
            complainants,
            collective: households.map(|households| Collective { households }),
            respondents,
            category: category_field,
            nature: nature_field,
            facts,
            requests,
            request_text,
            claim_fen: claim,
        };

        // The case's life.
        let mediator = self.pick_mediator(language);
        let (session_language, interpreter) = self.interpreting(language, mediator);
        let ctx = Ctx {
            received: at,
            rule: RuleSet::for_case(mode, received),
            scenario: sc,
            item,
            punitive: (complaint && matches!(problem.claim, Fraud | Food)).then_some(problem.claim),
            price,
            claim: claim.unwrap_or(price),
            households,
            request: reg.requests.first().copied().unwrap_or(Rq::Other),
            complainant: first_name,
            respondent,
            contact,
            county,
            village,
            mediator,
            session_language,
            interpreter,
        };
        let mut steps = match case_type {
            CaseType::Complaint => self.plan_complaint(&ctx),
            CaseType::Report => self.plan_report(&ctx),
            CaseType::Consultation => {
                let t = self.minutes_after(at, 5, 40);
                let note = "已解答咨询人的问题，告知相关法律规定和维权途径。";
                vec![self.close(&ctx, t, Outcome::Answered, 0, 0, note)]
            }
            CaseType::Suggestion => {
                let t = self.days_after(at, 1, 10, true);
                let note = "感谢您的建议，已汇总报送州消费者协会研究。";
                vec![self.close(&ctx, t, Outcome::Answered, 0, 0, note)]
            }
        };
        let keep = steps.iter().position(|s| s.at > self.end).unwrap_or(steps.len());
        steps.truncate(keep);
        Ok((reg, steps, sc))
    }

    fn pick_mediator(&mut self, language: Language) -> usize {
        if language != Language::Zh && self.rng.random_bool(0.6) {
            let speakers: Vec<usize> = self
                .mediators
                .iter()
                .copied()
                .filter(|&i| self.staff[i].languages.contains(&language))
                .collect();
            if !speakers.is_empty() {
                return *pick(&mut self.rng, &speakers);
            }
        }
        *pick(&mut self.rng, &self.mediators)
    }

    /// The language of a case's sessions, and their interpreter: most Tibetan and Mongolian
    /// speakers are heard in their language, through a colleague when the mediator does not
    /// speak it.
    fn interpreting(&mut self, language: Language, mediator: usize) -> (Language, String) {
        if language == Language::Zh || !self.rng.random_bool(0.8) {
            return (Language::Zh, String::new());
        }
        let speaks = self.staff.get(mediator).is_some_and(|m| m.languages.contains(&language));
        let interpreter = if speaks {
            String::new()
        } else {
            self.staff
                .iter()
                .find(|p| p.languages.contains(&language))
                .map_or_else(|| "投诉人家属".to_owned(), |p| p.name.clone())
        };
        (language, interpreter)
    }

    fn actor(&self, c: &Ctx) -> Option<Uuid> {
        self.staff.get(c.mediator).map(|s| s.id)
    }

    fn close(
        &mut self,
        c: &Ctx,
        at: DateTime<Utc>,
        outcome: Outcome,
        recovered: i64,
        doubled: i64,
        note: &str,
    ) -> Step {
        Step {
            at,
            actor: self.actor(c),
            ev: CaseEvent::Closed(Closed {
                at,
                outcome,
                recovered_fen: recovered,
                doubled_fen: doubled,
                note: note.to_owned(),
            }),
        }
    }

    fn plan_complaint(&mut self, c: &Ctx) -> Vec<Step> {
        let mut s = Vec::new();
        let actor = self.actor(c);
        let t0 = c.received;
        let t_acc = if matches!(c.scenario.households, (0, 0)) && self.rng.random_bool(0.04) {
            // A slow decision, past the acceptance limit.
            self.days_after(t0, 8, 14, true)
        } else if self.rng.random_bool(0.5) {
            self.minutes_after(t0, 15, 90)
        } else {
            self.days_after(t0, 1, 5, true)
        };
        let x: f64 = self.rng.random();
        if x < 0.006 {
            let at = self.minutes_after(t0, 10, 240);
            let reason = (*pick(&mut self.rng, VOID_REASONS)).to_owned();
            s.push(Step { at, actor, ev: CaseEvent::Voided { reason } });
            return s;
        }
        if x < 0.08 {
            let weights: &[u32] = match c.rule {
                RuleSet::Own => &[10, 15, 5, 4, 8, 30, 10, 5, 15, 3],
                RuleSet::Order20 => &[10, 15, 40, 5, 25, 5],
                RuleSet::Order121 => &[10, 15, 35, 5, 20, 10, 5],
            };
            let r = reason(&mut self.rng, c.rule.not_accept_reasons(), weights);
            let note = format!("经审查，{}，决定不予受理，已电话告知投诉人。", r.zh);
            s.push(Step {
                at: t_acc,
                actor,
                ev: CaseEvent::NotAccepted { at: t_acc, reason: r.code.to_owned(), note },
            });
            self.follow_up(&mut s, c, t_acc, 0.1);
            return s;
        }
        let note = if self.rng.random_bool(0.5) {
            "经审查符合受理条件，予以受理。"
        } else {
            ""
        };
        s.push(Step { at: t_acc, actor, ev: CaseEvent::Accepted { at: t_acc, note: note.into() } });
        let mut t = t_acc;
        let y: f64 = self.rng.random();
        if y < 0.87 && self.rng.random_bool(0.04) {
            t = self.co_handle(&mut s, c, t);
        }
        if y < 0.63 {
            self.mediate(&mut s, c, t);
        } else if y < 0.71 {
            let at = self.days_after(t, 1, 10, true);
            let recovered = (c.claim as f64 * self.rng.random_range(0.6..=1.0)) as i64;
            let note = "经本会与经营者电话沟通，经营者主动与投诉人协商，双方自行和解。";
            let step = self.close(c, at, Outcome::Settled, recovered, 0, note);
            s.push(step);
            self.follow_up(&mut s, c, at, 0.4);
        } else if y < 0.76 {
            let at = self.days_after(t, 1, 15, true);
            let step = self.close(c, at, Outcome::Withdrawn, 0, 0, "投诉人自愿撤回投诉。");
            s.push(step);
        } else if y < 0.87 {
            self.terminate(&mut s, c, t);
        } else if y < 0.93 {
            let at = self.days_after(t, 1, 5, true);
            self.transfer_to_department(&mut s, c, at);
        } else {
            let held = self.session(&mut s, c, t, SessionResult::NoAgreement, None);
            let at = self.days_after(held, 1, 3, true);
            let note = "双方分歧较大，未能达成协议，已告知投诉人可通过诉讼、仲裁等途径解决。";
            let step = self.close(c, at, Outcome::Unresolved, 0, 0, note);
            s.push(step);
            self.follow_up(&mut s, c, at, 0.3);
        }
        // A few cases stall where they are (so there are overdue cases).
        if self.rng.random_bool(0.025) {
            let keep = self.rng.random_range(0..s.len());
            s.truncate(keep);
        }
        s
    }

    fn plan_report(&mut self, c: &Ctx) -> Vec<Step> {
        let mut s = Vec::new();
        let actor = self.actor(c);
        let x: f64 = self.rng.random();
        if x < 0.7 {
            let at = self.days_after(c.received, 1, 3, true);
            self.transfer_to_department(&mut s, c, at);
        } else if x < 0.85 {
            let at = self.days_after(c.received, 1, 3, true);
            s.push(Step { at, actor, ev: CaseEvent::Accepted { at, note: String::new() } });
            let at = self.days_after(at, 2, 10, true);
            let note = "经核实，已约谈经营者并责令整改，已答复举报人。";
            let step = self.close(c, at, Outcome::Answered, 0, 0, note);
            s.push(step);
        } else if x < 0.95 {
            let at = self.days_after(c.received, 1, 5, true);
            let code = if self.rng.random_bool(0.7) { "OWN-08" } else { "OWN-02" };
            let r = c.rule.not_accept_reasons().iter().find(|r| r.code == code);
            if let Some(r) = r {
                let note = format!("{}，已告知举报人向市场监督管理部门举报。", r.zh);
                s.push(Step {
                    at,
                    actor,
                    ev: CaseEvent::NotAccepted { at, reason: r.code.to_owned(), note },
                });
            }
        }
        s
    }

    fn department(&self, c: &Ctx) -> String {
        filled(c.scenario.department, &[("county", COUNTIES[c.county].name)])
    }

    /// Transfers the case to a department at `at`, then its feedback and closure.
    fn transfer_to_department(&mut self, s: &mut Vec<Step>, c: &Ctx, at: DateTime<Utc>) {
        let actor = self.actor(c);
        let transfer = Uuid::now_v7();
        let to_department = self.department(c);
        let due = self.cal.add_working_days(local_date(at), 15).date;
        let reason = if self.rng.random_bool(0.6) {
            TransferReason::NoJurisdiction
        } else {
            TransferReason::Other
        };
        let note = format!("该案涉及{to_department}职责，转请依法处理并反馈结果。");
        s.push(Step {
            at,
            actor,
            ev: CaseEvent::Transferred(Transferred {
                transfer,
                kind: TransferKind::ToDepartment,
                to_unit: String::new(),
                to_unit_name: String::new(),
                to_department,
                reason,
                due: Some(due),
                note,
            }),
        });
        if self.rng.random_bool(0.05) {
            // The department never answers.
            return;
        }
        let fb = if self.rng.random_bool(0.85) {
            self.days_after(at, 3, 14, true)
        } else {
            self.days_after(at, 16, 30, true)
        };
        let text = (*pick(&mut self.rng, FEEDBACKS)).to_owned();
        s.push(Step { at: fb, actor, ev: CaseEvent::TransferFeedback { transfer, at: fb, text } });
        let at = self.days_after(fb, 0, 3, true);
        let recovered = if self.rng.random_bool(0.5) {
            (c.claim as f64 * self.rng.random_range(0.5..=1.0)) as i64
        } else {
            0
        };
        let note = "根据行政部门处理结果予以办结，已告知投诉人。";
        let step = self.close(c, at, Outcome::DepartmentHandled, recovered, 0, note);
        s.push(step);
    }

    /// Asks another unit to help, and its answer; returns the time of the answer.
    fn co_handle(&mut self, s: &mut Vec<Step>, c: &Ctx, t: DateTime<Utc>) -> DateTime<Utc> {
        let actor = self.actor(c);
        let others: Vec<&str> = OTHER_UNITS.iter().copied().filter(|u| *u != self.unit).collect();
        let Some(&to_unit) = others.get(self.rng.random_range(0..others.len().max(1))) else {
            return t;
        };
        let at = self.days_after(t, 0, 1, true);
        let transfer = Uuid::now_v7();
        let due = self.cal.add_working_days(local_date(at), 10).date;
        let note =
            format!("被投诉人经营地在{}，请协助联系被投诉人并参与调解。", COUNTIES[c.county].name);
        s.push(Step {
            at,
            actor,
            ev: CaseEvent::Transferred(Transferred {
                transfer,
                kind: TransferKind::CoHandle,
                to_unit: to_unit.to_owned(),
                to_unit_name: String::new(),
                to_department: String::new(),
                reason: TransferReason::HardCaseJoint,
                due: Some(due),
                note,
            }),
        });
        let fb = self.days_after(at, 2, 8, true);
        let text = "协办单位已联系被投诉人，对方同意参加调解。".to_owned();
        s.push(Step { at: fb, actor, ev: CaseEvent::TransferFeedback { transfer, at: fb, text } });
        fb
    }

    /// One mediation session after `t`: scheduled (unless by phone or online) and recorded.
    /// Returns the time the record was written.
    fn session(
        &mut self,
        s: &mut Vec<Step>,
        c: &Ctx,
        t: DateTime<Utc>,
        result: SessionResult,
        terms: Option<&str>,
    ) -> DateTime<Utc> {
        let actor = self.actor(c);
        let mode = match self.rng.random_range(0..100) {
            0..55 => SessionMode::OnSite,
            55..90 => SessionMode::Phone,
            90..95 => SessionMode::Video,
            _ => SessionMode::Online,
        };
        let mediator = self.staff.get(c.mediator).map_or_else(String::new, |m| m.name.clone());
        let session = Uuid::now_v7();
        let place =
            match (mode, &c.village) {
                (SessionMode::OnSite, Some(v)) if self.rng.random_bool(0.6) => {
                    if v.ends_with('村') { format!("{v}村委会") } else { v.clone() }
                }
                (SessionMode::OnSite, _) if self.rng.random_bool(0.2) => c.respondent.clone(),
                (SessionMode::OnSite, _) => "本站调解室".to_owned(),
                _ => String::new(),
            };
        let held = if matches!(mode, SessionMode::Phone | SessionMode::Online) {
            self.days_after(t, 1, 6, true)
        } else {
            let at = self.days_after(t, 0, 2, true);
            let held = self.days_after(at, 2, 8, true);
            s.push(Step {
                at,
                actor,
                ev: CaseEvent::SessionScheduled(SessionScheduled {
                    session,
                    at: held,
                    mode,
                    place: place.clone(),
                    mediator: mediator.clone(),
                    note: "已电话通知双方当事人按时参加。".to_owned(),
                }),
            });
            held
        };
        let recorder = {
            let others: Vec<usize> = (0..self.staff.len())
                .filter(|&i| i != c.mediator && self.staff[i].roles.contains(&StaffRole::Recorder))
                .collect();
            match others.len() {
                0 => String::new(),
                n => self.staff[others[self.rng.random_range(0..n)]].name.clone(),
            }
        };
        let (language, interpreter) = (c.session_language, c.interpreter.clone());
        let mut attendees = Vec::with_capacity(2);
        if !c.complainant.is_empty() {
            attendees.push(c.complainant.clone());
        }
        if result != SessionResult::Absent && !c.contact.is_empty() {
            attendees.push(format!("{}（被投诉方）", c.contact));
        }
        let record = match (result, terms) {
            (SessionResult::Agreement, Some(terms)) => format!(
                "调解员{mediator}主持调解，双方陈述了各自意见。经调解，双方自愿达成如下协议：{terms}"
            ),
            (SessionResult::Continue, _) => format!(
                "调解员{mediator}主持调解。双方对责任划分存在分歧，约定双方补充提供证据材料后再次调解。"
            ),
            (SessionResult::Absent, _) => {
                "被投诉人未按约定参加调解，电话联系称另有安排，本次调解未能进行。".to_owned()
            }
            _ => format!(
                "调解员{mediator}主持调解。经多次沟通，被投诉人只同意部分承担责任，投诉人不能接受，双方未能达成一致。"
            ),
        };
        let at = self.minutes_after(held, 30, 100);
        s.push(Step {
            at,
            actor,
            ev: CaseEvent::SessionRecorded(SessionRecorded {
                session,
                held_at: held,
                mode,
                place,
                mediator,
                recorder,
                interpreter,
                language,
                attendees,
                record,
                result,
            }),
        });
        at
    }

    /// Sessions ending in an agreement, its performance, closure and follow-up.
    fn mediate(&mut self, s: &mut Vec<Step>, c: &Ctx, mut t: DateTime<Utc>) {
        let actor = self.actor(c);
        let sessions = match (c.households.is_some(), self.rng.random_range(0..10)) {
            (false, 0..6) => 1,
            (false, 6..9) | (true, 0..5) => 2,
            _ => 3,
        };
        for _ in 1..sessions {
            let result = if self.rng.random_bool(0.7) {
                SessionResult::Continue
            } else {
                SessionResult::Absent
            };
            t = self.session(s, c, t, result, None);
        }
        // The agreement.
        let punitive = c.punitive.filter(|_| self.rng.random_bool(0.45));
        let doubled = if punitive.is_some() { (c.claim - c.price).max(0) } else { 0 };
        let amount = if c.punitive.is_some() {
            c.price
        } else if c.request == Rq::Repair {
            (c.price as f64 * self.rng.random_range(0.1..0.4) / 100.0).round() as i64 * 100
        } else if self.rng.random_bool(0.6) {
            c.claim
        } else {
            (c.claim as f64 * self.rng.random_range(0.5..0.95) / 100.0).round() as i64 * 100
        }
        .min(MAX_FEN);
        let immediate = self.rng.random_bool(0.35);
        let due_days: u32 = if immediate { 0 } else { *pick(&mut self.rng, &[3, 5, 7, 10, 15]) };
        let (item, money) = (c.item, yuan(amount));
        let when = if immediate {
            "当场".to_owned()
        } else {
            format!("自本协议签订之日起{due_days}日内")
        };
        let mut terms = match c.request {
            Rq::Repair => format!("被投诉人{when}为投诉人免费维修{item}，维修后保修期延长六个月。"),
            Rq::Replace => format!("被投诉人{when}为投诉人更换同型号全新{item}。"),
            Rq::Return | Rq::Refund => format!("被投诉人{when}退还投诉人{money}元。"),
            Rq::MakeUpQuantity => {
                format!("被投诉人{when}补足短缺数量，退还差价{money}元并赔礼道歉。")
            }
            Rq::Redo => format!("被投诉人{when}返工重做并承担全部费用，另赔偿投诉人{money}元。"),
            Rq::Apology => format!("被投诉人向投诉人赔礼道歉，并{when}退还{money}元。"),
            _ => format!("被投诉人{when}一次性赔偿投诉人各项损失共计{money}元，双方纠纷就此了结。"),
        };
        match punitive {
            Some(Fraud) => terms.push_str(&format!(
                "另依照消费者权益保护法第五十五条支付三倍赔偿金{}元。",
                yuan(doubled)
            )),
            Some(_) => terms.push_str(&format!(
                "另依照食品安全法第一百四十八条支付赔偿金{}元。",
                yuan(doubled)
            )),
            None => {}
        }
        let held = self.session(s, c, t, SessionResult::Agreement, Some(terms.as_str()));
        let signed = self.minutes_after(held, 1, 10);
        let due = local_date(signed) + Duration::days(i64::from(due_days));
        let total = (amount + doubled).min(MAX_FEN);
        s.push(Step {
            at: signed,
            actor,
            ev: CaseEvent::AgreementRecorded(AgreementRecorded {
                signed_at: signed,
                terms,
                amount_fen: total,
                performance_due: Some(due),
            }),
        });
        let performed = if immediate {
            self.minutes_after(signed, 5, 30)
        } else if self.rng.random_bool(0.9) {
            self.days_after(signed, 1, due_days, false)
        } else {
            // Late performance, after a reminder.
            self.days_after(signed, due_days + 1, due_days + 10, false)
        };
        let note = if immediate {
            "协议当场履行完毕。"
        } else {
            "投诉人确认已收到款项（物品）。"
        };
        s.push(Step {
            at: performed,
            actor,
            ev: CaseEvent::PerformanceConfirmed { at: performed, note: note.to_owned() },
        });
        let closed = if self.rng.random_bool(0.6) {
            self.minutes_after(performed, 10, 60)
        } else {
            self.days_after(performed, 1, 2, true)
        };
        let note = "调解成功，协议已履行完毕，予以办结。";
        let step = self.close(c, closed, Outcome::Mediated, total, doubled, note);
        s.push(step);
        self.follow_up(s, c, closed, 0.6);
    }

    /// Sessions without agreement, then termination.
    fn terminate(&mut self, s: &mut Vec<Step>, c: &Ctx, t: DateTime<Utc>) {
        let actor = self.actor(c);
        let weights: &[u32] = match c.rule {
            RuleSet::Order20 => &[5, 8, 30, 35, 15, 3, 2],
            RuleSet::Order121 | RuleSet::Own => &[5, 30, 35, 8, 15, 3, 1, 2],
        };
        let r = reason(&mut self.rng, c.rule.termination_reasons(), weights);
        let refused = matches!(r.code, "O20T-3" | "O121T-2");
        let result = if refused { SessionResult::Absent } else { SessionResult::NoAgreement };
        let mut last = t;
        for _ in 0..self.rng.random_range(1..=2) {
            last = self.session(s, c, last, result, None);
        }
        let at = if r.code.ends_with("T-5") {
            // The mediation period ran out: 45 working days or 60 days after acceptance.
            let accepted = local_date(t);
            let limit = match c.rule {
                RuleSet::Order20 => self.cal.add_working_days(accepted, 45).date,
                _ => self.cal.add_days(accepted, 60).date,
            };
            let d = limit + Duration::days(self.rng.random_range(1..=5));
            office_time(d, self.rng.random_range(0..OFFICE_SECS)).max(last)
        } else {
            self.days_after(last, 0, 3, true)
        };
        let note = if r.code.ends_with("T-1") {
            format!("因{}，终止调解。", r.zh)
        } else {
            format!("因{}，终止调解，已告知投诉人可依法向人民法院起诉或申请仲裁。", r.zh)
        };
        s.push(Step {
            at,
            actor,
            ev: CaseEvent::MediationTerminated { at, reason: r.code.to_owned(), note },
        });
        self.follow_up(s, c, at, 0.25);
    }

    /// A follow-up call some days after `t`, with probability `p`.
    fn follow_up(&mut self, s: &mut Vec<Step>, c: &Ctx, t: DateTime<Utc>, p: f64) {
        if c.complainant.is_empty() || !self.rng.random_bool(p) {
            return;
        }
        let at = self.days_after(t, 3, 20, true);
        let method = match (c.village.is_some(), self.rng.random_range(0..10)) {
            (true, 0..3) => ContactMethod::Visit,
            (_, 0..8) => ContactMethod::Phone,
            _ => ContactMethod::Sms,
        };
        let (satisfaction, note) = match self.rng.random_range(0..100) {
            0..75 => (Satisfaction::Satisfied, "投诉人对处理结果表示满意。"),
            75..93 => (Satisfaction::Basic, "投诉人表示基本满意，希望今后加强监管。"),
            _ => (Satisfaction::Unsatisfied, "投诉人对处理结果不满意，已告知其他救济途径。"),
        };
        s.push(Step {
            at,
            actor: self.actor(c),
            ev: CaseEvent::FollowedUp { at, method, satisfaction, note: note.to_owned() },
        });
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use casedesk_domain::reference;
    use casedesk_domain::types::{Status, UnitKind};
    use casedesk_store::StationInit;
    use casedesk_store::query::{ListQuery, Sort};

    fn end() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 6, 30, 9, 30, 0).single().expect("valid time")
    }

    fn world(seed: u64, batch: usize) -> Result<(Store, DemoSummary, Vec<u64>)> {
        let opts = DemoOptions { cases: 300, seed, end: end(), batch };
        let mut store = Store::open_in_memory()?;
        let start = opts.start();
        store.set_clock(move || start);
        store.init_station(StationInit {
            unit: "HX0201".into(),
            unit_name: "德令哈市消费者投诉联络站".into(),
            unit_kind: UnitKind::LiaisonStation,
            parent: Some("HX02".into()),
            admin_code: "632802".into(),
            device_code: "A1".into(),
            device_name: "前台电脑".into(),
            founder: "站长".into(),
            founder_secret: None,
        })?;
        let mut calls = Vec::new();
        let summary = generate(&mut store, &opts, &mut |n| calls.push(n))?;
        let now = opts.end;
        store.set_clock(move || now);
        Ok((store, summary, calls))
    }

    fn all_rows(store: &Store) -> Result<Vec<casedesk_store::query::CaseRow>> {
        let mut q = ListQuery { limit: 500, sort: Sort::Received, ..Default::default() };
        let mut rows = Vec::new();
        loop {
            let page = store.list(&q)?;
            rows.extend(page.rows);
            match page.next {
                Some(n) => q.after = Some(n),
                None => return Ok(rows),
            }
        }
    }

    #[test]
    fn tables_are_usable() {
        for sc in SCENARIOS {
            assert!(!sc.topics.is_empty() && sc.items.len() <= 8);
            let fits = |mask: u8, i: usize| mask == 0 || u32::from(mask) & (1 << i) != 0;
            for (i, (name, code, lo, hi)) in sc.items.iter().enumerate() {
                assert!(reference::category(code).is_some_and(|c| c.is_subject()), "{code}");
                assert!(*lo > 0 && lo < hi, "{name}");
                assert!(sc.shops.iter().any(|s| fits(s.0, i)), "no shop for {name}");
                assert!(sc.buy.iter().any(|b| fits(b.0, i)), "no purchase text for {name}");
                assert!(sc.problems.iter().any(|p| fits(p.items, i)), "no problem for {name}");
            }
            for p in sc.problems {
                assert!(reference::category(p.nature).is_some_and(|c| c.is_nature()), "{}", p.text);
                assert!(!p.requests.is_empty() && !p.ask.is_empty(), "{}", p.text);
                assert!(u32::from(p.items) < 1 << sc.items.len(), "{}", p.text);
            }
        }
        for (_, code) in REPORTS {
            assert!(reference::category(code).is_some_and(|c| c.is_nature()), "{code}");
        }
        for code in SUGGESTIONS.iter().filter_map(|(_, c)| *c) {
            assert!(reference::category(code).is_some_and(|c| c.is_subject()), "{code}");
        }
        for c in COUNTIES {
            assert!(!c.roads.is_empty() && !c.towns.is_empty());
        }
    }

    #[test]
    fn every_case_gets_a_day() {
        // Uneven day weights, as working days, weekends and the last day give.
        let cum: Vec<f64> = (1..=548u32)
            .scan(0.0, |total, i| {
                *total += 0.35 + f64::from(i % 7) * 0.1331;
                Some(*total)
            })
            .collect();
        for cases in [0, 1, 7, 300, 40_000, 99_991, 1_000_000] {
            let days: Vec<u64> = (0..cum.len())
                .map(|i| {
                    let before = if i == 0 { 0 } else { cases_until(cases, &cum, 547, i - 1) };
                    cases_until(cases, &cum, 547, i) - before
                })
                .collect();
            assert_eq!(days.iter().sum::<u64>(), cases);
        }
    }

    #[test]
    fn generates_a_realistic_station() -> Result<()> {
        let (store, summary, calls) = world(7, 64)?;
        assert_eq!(summary.cases, 300);
        assert_eq!(calls.first(), Some(&64));
        assert_eq!(calls.last(), Some(&300));
        assert!(summary.roving_sessions >= 10, "{summary:?}");
        assert!((60..=160).contains(&summary.consultations), "{summary:?}");

        let rows = all_rows(&store)?;
        assert_eq!(rows.len(), 300);
        let count = |s: Status| rows.iter().filter(|r| r.status == s.code()).count();
        for s in [Status::Closed, Status::Registered, Status::NotAccepted, Status::Terminated] {
            assert!(count(s) > 0, "no {s:?}");
        }
        assert!(count(Status::Accepted) + count(Status::Mediating) > 0);
        assert!(count(Status::Closed) > 150, "{}", count(Status::Closed));
        assert!(rows.iter().any(|r| r.collective));
        assert!(rows.iter().any(|r| r.channel == "roving"));
        assert!(rows.iter().any(|r| r.mode == "entrusted"));
        let complaints = rows.iter().filter(|r| r.case_type == "complaint").count();
        assert!((240..=290).contains(&complaints), "{complaints}");

        let overdue = store.list(&ListQuery { overdue: true, limit: 10, ..Default::default() })?;
        assert!(!overdue.rows.is_empty());

        let report = store.verify()?;
        assert!(report.is_ok(), "{report:?}");

        // Every event is written at its simulated time: the registration at the time received,
        // and nothing after the end of the world.
        let end_ms = end().timestamp_millis();
        for r in rows.iter().step_by(7) {
            let state = store.case_state(r.id)?;
            assert_eq!(state.timeline[0].at, state.reg.received_at, "{}", r.no);
            for e in &state.timeline {
                assert!(e.at.timestamp_millis() <= end_ms, "{} {}", r.no, e.kind);
                assert!(!e.anomaly, "{} {}", r.no, e.kind);
            }
        }
        Ok(())
    }

    #[test]
    fn same_seed_same_world() -> Result<()> {
        type Key = (String, String, String, Vec<String>, i64);
        let key = |store: &Store| -> Result<Vec<Key>> {
            Ok(all_rows(store)?
                .into_iter()
                .map(|r| (r.no, r.status, r.complainant, r.respondents, r.recovered_fen))
                .collect())
        };
        let (a, sa, _) = world(42, 2000)?;
        let (b, sb, _) = world(42, 100)?;
        assert_eq!(sa, sb);
        assert_eq!(key(&a)?, key(&b)?);
        let (c, _, _) = world(43, 2000)?;
        assert_ne!(key(&a)?, key(&c)?);
        Ok(())
    }
}
