// Demo data for the mock backend: the fixture station's cases (ui/fixtures/desk.json, made by the
// real domain and store in casedesk-ipc's scenario) plus ~32 cases from Haixi generated here by
// applying events, so that timelines, statuses and deadlines are consistent, and the units a hub
// would have sent. The Chinese here is data (names, places, facts typed by clerks), not UI text.
import deskFixture from "../../fixtures/desk.json";
import type { DeskFixture, UnitItem } from "../bindings";
import type {
  CaseEvent,
  CaseRegistered,
  CaseRow,
  CaseState,
  Channel,
  Complainant,
  Respondent,
  RespondentKind,
  RequestKind,
  Staff,
} from "./types";
import { applyEvent, localDate, newCaseState, residentIdCheck, usccCheck } from "./domain";

/** Deterministic pseudo-random numbers (mulberry32). */
export function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)],
    chance: (p: number) => next() < p,
  };
}
export type Rng = ReturnType<typeof rng>;

/** The fixture station and its home screen (the JSON's strings stand for the generated unions). */
export const DESK = deskFixture as unknown as DeskFixture;

/** The units of Haixi a hub sends a station (the station's own unit comes from its setup). */
export const HUB_UNITS: UnitItem[] = [
  { code: "HX", name: "海西州消费者协会", kind: "association", parent: null },
  { code: "HX01", name: "格尔木市消费者协会", kind: "branch", parent: "HX" },
  { code: "HX0101", name: "格尔木市昆仑路投诉联络站", kind: "liaison_station", parent: "HX01" },
  { code: "HX02", name: "德令哈市消费者协会", kind: "branch", parent: "HX" },
  { code: "HX0201", name: "德令哈市消费者投诉联络站", kind: "liaison_station", parent: "HX02" },
  { code: "HX0202", name: "德令哈市尕海镇维权服务站", kind: "service_station", parent: "HX02" },
  { code: "HX03", name: "茫崖市消费者协会", kind: "branch", parent: "HX" },
  { code: "HX21", name: "乌兰县消费者协会", kind: "branch", parent: "HX" },
  { code: "HX2101", name: "乌兰县茶卡镇维权服务站", kind: "service_station", parent: "HX21" },
  { code: "HX22", name: "都兰县消费者协会", kind: "branch", parent: "HX" },
  { code: "HX2201", name: "都兰县香日德镇投诉联络站", kind: "liaison_station", parent: "HX22" },
  { code: "HX23", name: "天峻县消费者协会", kind: "branch", parent: "HX" },
];

export function uuidFrom(r: Rng): string {
  const h = Array.from({ length: 32 }, () => Math.floor(r.next() * 16).toString(16)).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20)}`;
}

export const DEMO_STAFF: Omit<Staff, "id" | "unit">[] = [
  { name: "李建国", roles: ["head", "mediator"], phone: "13997700101", languages: ["zh"], active: true },
  { name: "韩文静", roles: ["mediator", "recorder"], phone: "13897700102", languages: ["zh"], active: true },
  { name: "才让东智", roles: ["mediator", "interpreter"], phone: "15909770103", languages: ["zh", "bo"], active: true },
  { name: "巴特尔", roles: ["mediator", "interpreter"], phone: "18209770104", languages: ["zh", "mn"], active: true },
  { name: "马玉梅", roles: ["clerk", "recorder"], phone: "13709770105", languages: ["zh"], active: true },
  { name: "拉毛措", roles: ["liaison", "interpreter"], phone: "15297700106", languages: ["zh", "bo"], active: true },
];

const COUNTIES = [
  {
    name: "德令哈市",
    admin: "632802",
    roads: ["长江路", "柴达木东路", "昆仑路", "祁连路", "巴音河路", "德都路"],
    towns: ["尕海镇", "柯鲁柯镇", "怀头他拉镇", "宗务隆乡"],
  },
  {
    name: "格尔木市",
    admin: "632801",
    roads: ["昆仑中路", "柴达木中路", "黄河路", "江源路", "八一中路"],
    towns: ["郭勒木德镇", "唐古拉山镇", "大格勒乡"],
  },
  { name: "乌兰县", admin: "632821", roads: ["希里沟镇团结路", "茶卡镇盐湖路"], towns: ["希里沟镇", "茶卡镇", "柯柯镇", "铜普镇"] },
  {
    name: "都兰县",
    admin: "632822",
    roads: ["察汗乌苏镇民族街", "香日德镇商业街"],
    towns: ["察汗乌苏镇", "香日德镇", "夏日哈镇", "宗加镇"],
  },
  { name: "天峻县", admin: "632823", roads: ["新源镇团结路", "新源镇商业街"], towns: ["新源镇", "木里镇", "江河镇", "快尔玛乡"] },
] as const;

const VILLAGES = ["希望村", "新泉村", "富源村", "团结牧委会", "夏季牧场", "冬季草场", "幸福村", "红旗村"];

const NAMES: { name: string; language: Complainant["language"] }[] = [
  { name: "才让卓玛", language: "bo" },
  { name: "扎西东周", language: "bo" },
  { name: "索南措", language: "bo" },
  { name: "多杰才旦", language: "bo" },
  { name: "其木格", language: "mn" },
  { name: "吉日格拉", language: "mn" },
  { name: "娜仁花", language: "mn" },
  { name: "巴音", language: "mn" },
  { name: "马海燕", language: "zh" },
  { name: "冶生福", language: "zh" },
  { name: "韩玉梅", language: "zh" },
  { name: "张建国", language: "zh" },
  { name: "王桂花", language: "zh" },
  { name: "李志强", language: "zh" },
  { name: "陈晓丽", language: "zh" },
  { name: "赵文斌", language: "zh" },
  { name: "刘秀英", language: "zh" },
  { name: "马福林", language: "zh" },
  { name: "杨春燕", language: "zh" },
  { name: "周明", language: "zh" },
];

interface Template {
  respondent: string;
  kind: RespondentKind;
  category: string;
  nature: string;
  content: string;
  request: string;
  requests: RequestKind[];
  amount: number;
  contact: string;
}

const TEMPLATES: Template[] = [
  {
    respondent: "{c}鑫达手机店",
    kind: "individual",
    category: "CCA-G01-01",
    nature: "CCA-N02",
    content: "投诉人于{d}在{r}购买手机一部，价格{a}元。使用三天后屏幕出现黑屏，商家以人为损坏为由拒绝退换。",
    request: "要求更换新机或退款。",
    requests: ["replace", "refund"],
    amount: 259900,
    contact: "王老板",
  },
  {
    respondent: "{c}绿源农资经营部",
    kind: "individual",
    category: "CCA-G10",
    nature: "CCA-N02",
    content: "投诉人于{d}在{r}购买牛羊饲料20袋，共{a}元。开袋后发现部分饲料霉变结块，羊只食用后出现腹泻。",
    request: "要求退还货款并赔偿损失。",
    requests: ["refund", "compensation"],
    amount: 480000,
    contact: "马经理",
  },
  {
    respondent: "{c}兴旺餐饮管理有限公司",
    kind: "enterprise",
    category: "CCA-S01-01",
    nature: "CCA-N02",
    content: "投诉人于{d}在{r}用餐（手抓羊肉），消费{a}元。菜品中吃出异物，店方只同意免除该道菜的费用。",
    request: "要求退还餐费并赔偿。",
    requests: ["refund", "compensation"],
    amount: 32800,
    contact: "胡经理",
  },
  {
    respondent: "{c}雪域美容养生馆",
    kind: "individual",
    category: "CCA-S01-03",
    nature: "CCA-N03",
    content: "投诉人于{d}在{r}办理美容预付卡，充值{a}元。现该店更换经营者，拒绝继续提供服务，也不退还余额。",
    request: "要求退还预付卡余额。",
    requests: ["refund"],
    amount: 180800,
    contact: "李店长",
  },
  {
    respondent: "{c}通达宽带网络服务部",
    kind: "enterprise",
    category: "CCA-S07-02",
    nature: "CCA-N01",
    content: "投诉人于{d}办理宽带业务，预交一年费用{a}元。近一个月经常断网，多次报修无人上门处理。",
    request: "要求尽快修复，并退还断网期间的费用。",
    requests: ["repair", "refund"],
    amount: 96000,
    contact: "客服主管",
  },
  {
    respondent: "{c}昆仑燃气有限公司",
    kind: "public_pricing",
    category: "CCA-S12",
    nature: "CCA-N05",
    content: "小区住户反映，{d}以来燃气公司在未公示的情况下上调了入户安装费，每户多收{a}元。",
    request: "要求按政府定价收费，退还多收的费用。",
    requests: ["refund"],
    amount: 60000,
    contact: "办公室",
  },
  {
    respondent: "{c}顺达汽车销售服务有限公司",
    kind: "enterprise",
    category: "CCA-G09-01",
    nature: "CCA-N02",
    content: "投诉人于{d}在{r}更换汽车变速箱配件，付款{a}元。行驶不到两百公里再次出现故障，4S店要求再次付费维修。",
    request: "要求免费修理并承担拖车费用。",
    requests: ["repair", "compensation"],
    amount: 860000,
    contact: "售后经理",
  },
  {
    respondent: "高原优品旗舰店（网络平台商家）",
    kind: "platform",
    category: "CCA-S13-01",
    nature: "CCA-N01",
    content: "投诉人于{d}在网上购买冲锋衣一件，价格{a}元。收货后尺码不符，申请七天无理由退货被商家拒绝。",
    request: "要求退货退款。",
    requests: ["return", "refund"],
    amount: 45900,
    contact: "在线客服",
  },
  {
    respondent: "集市流动摊贩（马某）",
    kind: "unlicensed",
    category: "CCA-G03-01",
    nature: "CCA-N09",
    content: "投诉人于{d}在{r}附近集市购买牛肉10斤，付款{a}元，回家复称只有8斤半。",
    request: "要求补足数量或退还差价。",
    requests: ["make_up_quantity", "refund"],
    amount: 60000,
    contact: "",
  },
  {
    respondent: "{c}盐湖之旅旅游服务有限公司",
    kind: "enterprise",
    category: "CCA-S03",
    nature: "CCA-N04",
    content: "投诉人于{d}报名参加茶卡盐湖一日游，团费{a}元。宣传称含景区门票和午餐，实际门票需另付。",
    request: "要求退还门票差价并赔礼道歉。",
    requests: ["refund", "apology"],
    amount: 39800,
    contact: "张导",
  },
  {
    respondent: "{c}安居装饰工程有限公司",
    kind: "enterprise",
    category: "CCA-S02",
    nature: "CCA-N03",
    content: "投诉人于{d}与{r}签订装修合同，已付款{a}元。工期已超过一个月仍未完工，且卫生间漏水。",
    request: "要求按合同完工，返工漏水部分。",
    requests: ["redo", "repair"],
    amount: 3200000,
    contact: "项目经理",
  },
  {
    respondent: "{c}启航教育培训学校",
    kind: "enterprise",
    category: "CCA-S11-01",
    nature: "CCA-N03",
    content: "投诉人于{d}为孩子报名课外辅导，交费{a}元。上课不到一半，学校以教师离职为由停课，不予退费。",
    request: "要求退还剩余课时费。",
    requests: ["refund"],
    amount: 680000,
    contact: "校长",
  },
  {
    respondent: "{c}万家家电商场",
    kind: "enterprise",
    category: "CCA-G01-06",
    nature: "CCA-N01",
    content: "投诉人于{d}在{r}购买冰箱一台，价格{a}元。保修期内冷藏室不制冷，报修后半个月无人处理。",
    request: "要求修理，修理不好则更换。",
    requests: ["repair", "replace"],
    amount: 329900,
    contact: "售后部",
  },
  {
    respondent: "{c}时尚服饰店",
    kind: "individual",
    category: "CCA-G02-01",
    nature: "CCA-N02",
    content: "投诉人于{d}在{r}购买羽绒服一件，价格{a}元。穿了一周就大量跑绒，商家称属于正常现象。",
    request: "要求退货退款。",
    requests: ["return", "refund"],
    amount: 89900,
    contact: "店主",
  },
  {
    respondent: "{c}福源烟酒商行",
    kind: "individual",
    category: "CCA-G04",
    nature: "CCA-N07",
    content: "投诉人于{d}在{r}购买白酒两箱，共{a}元。经厂家鉴定为假冒产品。",
    request: "要求退一赔三。",
    requests: ["refund", "compensation"],
    amount: 576000,
    contact: "店主",
  },
  {
    respondent: "{c}康宁保健品经营部",
    kind: "individual",
    category: "CCA-G08",
    nature: "CCA-N04",
    content: "投诉人的母亲于{d}参加{r}组织的健康讲座，被宣传可治疗高血压，购买保健品{a}元。",
    request: "要求退货退款。",
    requests: ["return", "refund"],
    amount: 398000,
    contact: "销售员",
  },
  {
    respondent: "{c}驿站宾馆",
    kind: "individual",
    category: "CCA-S01-02",
    nature: "CCA-N05",
    content: "投诉人于{d}入住{r}，前台标价每晚{a}元，退房结账时按旺季价格多收了一倍。",
    request: "要求退还多收的房费。",
    requests: ["refund"],
    amount: 26800,
    contact: "前台经理",
  },
  {
    respondent: "{c}快捷物流配送站",
    kind: "individual",
    category: "CCA-S05",
    nature: "CCA-N01",
    content: "投诉人于{d}寄出一件包裹，内有价值{a}元的药材，快递丢失，配送站只同意按运费赔偿。",
    request: "要求按实际价值赔偿。",
    requests: ["compensation"],
    amount: 150000,
    contact: "站长",
  },
  {
    respondent: "{c}联通营业厅",
    kind: "enterprise",
    category: "CCA-S06-01",
    nature: "CCA-N05",
    content: "投诉人反映{d}起手机话费每月多扣{a}元，营业厅称是投诉人自己订购的增值业务，投诉人并未订购。",
    request: "要求退还多扣的话费并取消业务。",
    requests: ["refund", "other"],
    amount: 3000,
    contact: "值班经理",
  },
  {
    respondent: "{c}力行健身俱乐部",
    kind: "enterprise",
    category: "CCA-S01-04",
    nature: "CCA-N03",
    content: "投诉人于{d}办理年卡，费用{a}元。三个月后俱乐部关门，负责人联系不上。",
    request: "要求退还剩余会费。",
    requests: ["refund"],
    amount: 198000,
    contact: "负责人",
  },
];

const MEDIATION_NOTES = [
  "双方到场，投诉人陈述了购买经过，被投诉人同意检测后再答复。",
  "经调解员讲解相关法律规定，被投诉人同意承担责任。",
  "被投诉人认为不属于质量问题，双方意见分歧较大。",
  "通过电话分别与双方沟通，被投诉人同意退还部分款项。",
];

const TERMINATE_REASONS_OWN = ["O121T-2", "O121T-3"];
const NOT_ACCEPT_OWN = ["OWN-01", "OWN-02", "OWN-06"];

function fill(s: string, c: string, d: string, r: string, a: string): string {
  return s.replaceAll("{c}", c).replaceAll("{d}", d).replaceAll("{r}", r).replaceAll("{a}", a);
}

function yuanText(fen: number): string {
  return fen % 100 === 0 ? String(fen / 100) : (fen / 100).toFixed(2);
}

function cnDate(date: string): string {
  const [y, m, d] = date.split("-");
  return `${y}年${Number(m)}月${Number(d)}日`;
}

/** A local (UTC+8) wall-clock time as RFC 3339 UTC. */
export function localToIso(date: string, hh: number, mm: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + ((hh - 8) * 60 + mm) * 60_000).toISOString().replace(/\.\d{3}Z$/, "Z");
}

export function dateMinus(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) - days * 86_400_000).toISOString().slice(0, 10);
}

type Plan =
  | "registered"
  | "registered_overdue"
  | "accepted"
  | "mediating_scheduled"
  | "mediating_continue"
  | "agreed"
  | "agreed_overdue"
  | "transferred"
  | "transferred_overdue"
  | "not_accepted"
  | "terminated"
  | "closed"
  | "closed_followed"
  | "voided"
  | "consultation";

const PLANS: Plan[] = [
  "registered",
  "registered",
  "registered",
  "registered_overdue",
  "registered_overdue",
  "accepted",
  "accepted",
  "mediating_scheduled",
  "mediating_scheduled",
  "mediating_scheduled",
  "mediating_continue",
  "agreed",
  "agreed_overdue",
  "transferred",
  "transferred_overdue",
  "not_accepted",
  "terminated",
  "closed",
  "closed",
  "closed",
  "closed_followed",
  "closed_followed",
  "closed",
  "voided",
  "consultation",
  "consultation",
  "accepted",
  "mediating_scheduled",
  "closed",
  "registered",
  "closed_followed",
  "agreed",
];

export interface Generated {
  cases: CaseState[];
  nextSeq: number;
}

/** Builds the demo desk relative to `nowMs`. */
export function generateDemo(opts: { unit: string; device: string; nowMs: number; staff: Staff[] }): Generated {
  const r = rng(20261128);
  const today = localDate(new Date(opts.nowMs).toISOString());
  const year = today.slice(0, 4);
  const staffNames = opts.staff.map((s) => s.name);
  const mediators = opts.staff.filter((s) => s.roles.includes("mediator")).map((s) => s.name);
  const actor = opts.staff[0]?.id ?? null;
  const cases: CaseState[] = [];
  let seq = 1;
  const ev = (s: CaseState, e: CaseEvent, at: string) => applyEvent(s, e, { eventId: uuidFrom(r), at, unit: opts.unit, actor });

  PLANS.forEach((plan, i) => {
    const county = COUNTIES[i % 3 === 0 ? 0 : r.int(0, COUNTIES.length - 1)];
    const tpl = TEMPLATES[i % TEMPLATES.length];
    const person = NAMES[(i * 7) % NAMES.length];
    const ageDays =
      plan === "registered"
        ? r.int(0, 4)
        : plan === "registered_overdue"
          ? r.int(14, 20)
          : plan.startsWith("closed") || plan === "voided" || plan === "terminated"
            ? r.int(8, 58)
            : plan === "consultation"
              ? r.int(0, 20)
              : r.int(6, 40);
    const recvDate = dateMinus(today, ageDays);
    const received_at = localToIso(recvDate, r.int(9, 16), r.int(0, 59));
    const occurred = dateMinus(recvDate, r.int(1, 25));
    const amount = tpl.amount + r.int(0, 20) * 100;
    const respName = fill(tpl.respondent, county.name, "", "", "");
    const consultation = plan === "consultation";
    const collective = tpl.kind === "public_pricing";
    const birth = `${r.int(1955, 2000)}${String(r.int(1, 12)).padStart(2, "0")}${String(r.int(1, 28)).padStart(2, "0")}`;
    const idPrefix = `${county.admin}${birth}${String(r.int(100, 999))}`;
    const useVillage = person.language !== "zh" && r.chance(0.6);
    const complainant: Complainant = {
      name: person.name,
      id_type: "resident_id",
      id_number: idPrefix + residentIdCheck(idPrefix),
      phones: [`1${r.pick(["3", "5", "8", "9"])}${r.int(0, 9)}${String(r.int(10000000, 99999999))}`],
      address: useVillage ? "" : `${county.name}${r.pick(county.roads)}${r.int(1, 180)}号`,
      village: useVillage ? `${county.name}${r.pick(county.towns)}${r.pick(VILLAGES)}` : "",
      language: person.language,
      consents: { personal_info: true, publish: r.chance(0.3), entrust_mediation: r.chance(0.4), share_with_parties: true },
      ...(useVillage && r.chance(0.5) ? { contact_person: `村委会 ${r.pick(["马主任", "才让书记", "巴图主任"])}` } : {}),
    };
    const complainants: Complainant[] = [complainant];
    if (collective) {
      complainant.representative = true;
      const other = NAMES[(i * 7 + 3) % NAMES.length];
      const p2 = `${county.admin}${r.int(1960, 1995)}0${r.int(1, 9)}1${r.int(0, 9)}${r.int(100, 999)}`;
      complainants.push({
        name: other.name,
        id_type: "resident_id",
        id_number: p2 + residentIdCheck(p2),
        phones: [`139${String(r.int(10000000, 99999999))}`],
        address: `${county.name}${r.pick(county.roads)}${r.int(1, 180)}号`,
        language: other.language,
        representative: true,
        consents: { personal_info: true, publish: false, entrust_mediation: false, share_with_parties: true },
      });
    }
    const usccPrefix = `${tpl.kind === "enterprise" ? "91" : "92"}${county.admin}MA${String(r.int(1000000, 9999999))}`;
    const respondent: Respondent = {
      name: respName,
      kind: tpl.kind,
      ...(tpl.kind === "unlicensed" || tpl.kind === "platform" ? {} : { uscc: usccPrefix + usccCheck(usccPrefix) }),
      address: tpl.kind === "platform" ? "" : `${county.name}${r.pick(county.roads)}${r.int(1, 200)}号`,
      contact: tpl.contact,
      phone: tpl.kind === "unlicensed" ? "" : `0977-8${String(r.int(100000, 999999))}`,
    };
    const entrusted = !consultation && (i === 4 || i === 13 || i === 20);
    if (entrusted) complainant.consents.entrust_mediation = true;
    const channel: Channel = entrusted ? "12315" : r.pick(["visit", "visit", "phone", "phone", "online", "letter", "superior"] as const);
    const reg: CaseRegistered = consultation
      ? {
          case_no: `${opts.unit}-${year}-${opts.device}-${String(seq).padStart(5, "0")}`,
          case_type: "consultation",
          mode: "own",
          received_at,
          channel: "phone",
          unit: opts.unit,
          complainants: [{ ...complainant, id_type: undefined, id_number: undefined }],
          respondents: [],
          category: tpl.category,
          facts: { content: `咨询人询问${r.pick(["网购七天无理由退货", "预付卡退费", "三包期限", "饲料质量鉴定"])}方面的规定及维权途径。` },
          requests: [],
        }
      : {
          case_no: `${opts.unit}-${year}-${opts.device}-${String(seq).padStart(5, "0")}`,
          case_type: "complaint",
          mode: entrusted ? "entrusted" : "own",
          received_at,
          channel,
          unit: opts.unit,
          complainants,
          ...(collective ? { collective: { households: r.int(8, 40) } } : {}),
          respondents: [respondent],
          category: tpl.category,
          nature: tpl.nature,
          facts: {
            occurred_on: occurred,
            place: respondent.address || "",
            content: fill(tpl.content, county.name, cnDate(occurred), respName, yuanText(amount)),
            amount_fen: amount,
          },
          requests: tpl.requests,
          request_text: tpl.request,
          claim_fen: amount,
        };
    if (!reg.complainants[0].id_number) {
      delete reg.complainants[0].id_type;
      delete reg.complainants[0].id_number;
    }
    seq += 1;
    const id = uuidFrom(r);
    const s = newCaseState(id, reg, { eventId: uuidFrom(r), at: received_at, unit: opts.unit, actor });
    const plus = (days: number, hh = 10) => localToIso(dateMinus(recvDate, -days), hh, r.int(0, 59));
    const mediator = r.pick(mediators.length ? mediators : staffNames);
    const session = uuidFrom(r);
    const accept = () => ev(s, { kind: "case.accepted", payload: { at: plus(1) } }, plus(1));
    const held = (days: number, result: "agreement" | "continue" | "no_agreement") =>
      ev(
        s,
        {
          kind: "case.session_recorded",
          payload: {
            session,
            held_at: plus(days, 15),
            mode: r.pick(["on_site", "on_site", "phone"] as const),
            place: "本站调解室",
            mediator,
            recorder: r.pick(staffNames),
            interpreter: complainant.language === "zh" ? "" : r.pick(staffNames),
            language: complainant.language,
            attendees: [complainant.name, respondent.contact || respName],
            record: r.pick(MEDIATION_NOTES),
            result,
          },
        },
        plus(days, 17),
      );
    const agreement = (days: number, due: string) =>
      ev(
        s,
        {
          kind: "case.agreement_recorded",
          payload: {
            signed_at: plus(days, 16),
            terms: `被投诉人于${cnDate(due)}前退还投诉人${yuanText(Math.round(amount * 0.8))}元。`,
            amount_fen: Math.round(amount * 0.8),
            performance_due: due,
          },
        },
        plus(days, 16),
      );
    switch (plan) {
      case "registered":
      case "registered_overdue":
        break;
      case "accepted":
        accept();
        break;
      case "mediating_scheduled": {
        accept();
        const inDays = r.int(1, 12);
        const at = localToIso(dateMinus(today, -inDays), r.pick([9, 10, 14, 15]), 30);
        ev(
          s,
          {
            kind: "case.session_scheduled",
            payload: {
              session,
              at,
              mode: r.pick(["on_site", "on_site", "phone", "video"] as const),
              place: r.pick(["本站调解室", `${county.name}市场监管所会议室`, "被投诉人店内"]),
              mediator,
              note: "已电话通知双方当事人按时参加。",
            },
          },
          plus(2),
        );
        break;
      }
      case "mediating_continue":
        accept();
        held(3, "continue");
        break;
      case "agreed":
        accept();
        held(3, "agreement");
        agreement(3, dateMinus(today, -r.int(2, 10)));
        break;
      case "agreed_overdue":
        accept();
        held(2, "agreement");
        agreement(2, dateMinus(today, r.int(2, 5)));
        break;
      case "transferred":
      case "transferred_overdue": {
        accept();
        ev(
          s,
          {
            kind: "case.transferred",
            payload: {
              transfer: uuidFrom(r),
              kind: "to_department",
              to_department: `${county.name}市场监督管理局`,
              reason: "no_jurisdiction",
              due: plan === "transferred" ? dateMinus(today, -r.int(1, 3)) : dateMinus(today, r.int(1, 6)),
              note: "涉嫌违法经营，转请行政部门依法处理。",
            },
          },
          plus(2),
        );
        break;
      }
      case "not_accepted":
        ev(s, { kind: "case.not_accepted", payload: { at: plus(1), reason: r.pick(NOT_ACCEPT_OWN), note: "已电话告知投诉人。" } }, plus(1));
        break;
      case "terminated":
        accept();
        held(4, "no_agreement");
        ev(
          s,
          {
            kind: "case.mediation_terminated",
            payload: { at: plus(5), reason: r.pick(TERMINATE_REASONS_OWN), note: "已告知投诉人可依法向人民法院起诉。" },
          },
          plus(5),
        );
        break;
      case "closed":
      case "closed_followed": {
        accept();
        held(3, "agreement");
        agreement(3, dateMinus(recvDate, -6));
        ev(s, { kind: "case.performance_confirmed", payload: { at: plus(6), note: "投诉人确认已收到退款。" } }, plus(6));
        const recovered = Math.round(amount * 0.8);
        ev(
          s,
          {
            kind: "case.closed",
            payload: {
              at: plus(7),
              outcome: r.pick(["mediated", "mediated", "settled"] as const),
              recovered_fen: recovered,
              doubled_fen: tpl.nature === "CCA-N07" ? recovered : 0,
              note: "双方已履行调解协议。",
            },
          },
          plus(7),
        );
        if (plan === "closed_followed")
          ev(
            s,
            {
              kind: "case.followed_up",
              payload: {
                at: plus(8),
                method: "phone",
                satisfaction: r.pick(["satisfied", "satisfied", "basic"] as const),
                note: "投诉人对处理结果表示认可。",
              },
            },
            plus(8),
          );
        break;
      }
      case "voided":
        ev(s, { kind: "case.voided", payload: { reason: "重复登记，与同日登记的案件为同一投诉。" } }, plus(0, 17));
        break;
      case "consultation":
        ev(
          s,
          {
            kind: "case.closed",
            payload: {
              at: plus(0, 17),
              outcome: "answered",
              recovered_fen: 0,
              doubled_fen: 0,
              note: "已解答咨询人的问题，告知相关法律规定和维权途径。",
            },
          },
          plus(0, 17),
        );
        break;
    }
    if (i === 10) {
      // A second station acted on this case while offline: kept, flagged as an anomaly.
      s.timeline.push({
        id: uuidFrom(r),
        at: plus(4, 11),
        unit: "HX02",
        actor: null,
        kind: "case.accepted",
        payload: { at: plus(4, 11) },
        anomaly: true,
      });
    }
    cases.push(s);
  });

  // The fixture station's cases, as the real store made them.
  for (const c of DESK.cases) cases.push(structuredClone(c));
  return { cases, nextSeq: seq };
}

/** A registered case built from a list row (for fixture rows and synthetic bulk rows). */
export function caseFromRow(row: CaseRow, r: Rng): CaseState {
  const reg: CaseRegistered = {
    case_no: row.no,
    case_type: row.case_type,
    mode: row.mode,
    received_at: row.received_at,
    channel: row.channel,
    unit: row.unit,
    complainants: row.complainant
      ? [
          {
            name: row.complainant,
            phones: [`13${r.int(0, 9)}${String(r.int(10000000, 99999999))}`],
            address: "德令哈市长江路18号",
            language: "zh",
            consents: { personal_info: true, publish: false, entrust_mediation: false, share_with_parties: true },
          },
        ]
      : [],
    respondents: row.respondents.map((name) => ({ name, kind: "enterprise" as const, address: "", contact: "", phone: "" })),
    ...(row.category ? { category: row.category } : {}),
    ...(row.nature ? { nature: row.nature } : {}),
    facts: { content: `${row.respondents.join("、")}：消费者反映商品或服务存在问题，要求经营者依法处理。` },
    requests: row.case_type === "complaint" ? ["refund"] : [],
    ...(row.claim_fen !== null ? { claim_fen: row.claim_fen } : {}),
  };
  return newCaseState(row.id, reg, { eventId: uuidFrom(r), at: row.received_at, unit: row.unit, actor: null });
}
