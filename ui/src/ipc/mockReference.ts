// Reference data for the mock backend, taken from crates/casedesk-domain (data/categories.csv, reference.rs).
// Generated once by hand; the real app gets it from the `reference` command.
import type { Reference } from "./types";

export const REFERENCE: Reference = {
 "categories": [
  {
   "code": "CCA-G",
   "parent": null,
   "name_zh": "商品类",
   "name_en": "Goods (all goods complaints)",
   "kind": "goods"
  },
  {
   "code": "CCA-G01",
   "parent": "CCA-G",
   "name_zh": "家用电子电器类",
   "name_en": "Household electronic and electrical appliances",
   "kind": "goods"
  },
  {
   "code": "CCA-G02",
   "parent": "CCA-G",
   "name_zh": "服装鞋帽类",
   "name_en": "Clothing footwear and headwear",
   "kind": "goods"
  },
  {
   "code": "CCA-G03",
   "parent": "CCA-G",
   "name_zh": "食品类",
   "name_en": "Food",
   "kind": "goods"
  },
  {
   "code": "CCA-G04",
   "parent": "CCA-G",
   "name_zh": "烟、酒和饮料类",
   "name_en": "Tobacco alcohol and beverages",
   "kind": "goods"
  },
  {
   "code": "CCA-G05",
   "parent": "CCA-G",
   "name_zh": "房屋及建材类",
   "name_en": "Housing and building materials",
   "kind": "goods"
  },
  {
   "code": "CCA-G06",
   "parent": "CCA-G",
   "name_zh": "日用商品类",
   "name_en": "Daily-use commodities",
   "kind": "goods"
  },
  {
   "code": "CCA-G07",
   "parent": "CCA-G",
   "name_zh": "首饰及文体用品类",
   "name_en": "Jewellery stationery and sports goods",
   "kind": "goods"
  },
  {
   "code": "CCA-G08",
   "parent": "CCA-G",
   "name_zh": "医药及医疗用品类",
   "name_en": "Medicines and medical supplies",
   "kind": "goods"
  },
  {
   "code": "CCA-G09",
   "parent": "CCA-G",
   "name_zh": "交通工具类",
   "name_en": "Vehicles and transport equipment",
   "kind": "goods"
  },
  {
   "code": "CCA-G10",
   "parent": "CCA-G",
   "name_zh": "农用生产资料类",
   "name_en": "Agricultural production inputs",
   "kind": "goods"
  },
  {
   "code": "CCA-S",
   "parent": null,
   "name_zh": "服务类",
   "name_en": "Services (all service complaints)",
   "kind": "service"
  },
  {
   "code": "CCA-S01",
   "parent": "CCA-S",
   "name_zh": "生活、社会服务类",
   "name_en": "Living and social services",
   "kind": "service"
  },
  {
   "code": "CCA-S02",
   "parent": "CCA-S",
   "name_zh": "房屋装修及物业服务类",
   "name_en": "Home decoration and property-management services",
   "kind": "service"
  },
  {
   "code": "CCA-S03",
   "parent": "CCA-S",
   "name_zh": "旅游服务",
   "name_en": "Tourism services",
   "kind": "service"
  },
  {
   "code": "CCA-S04",
   "parent": "CCA-S",
   "name_zh": "文化、娱乐、体育服务",
   "name_en": "Culture entertainment and sports services",
   "kind": "service"
  },
  {
   "code": "CCA-S05",
   "parent": "CCA-S",
   "name_zh": "邮政业服务",
   "name_en": "Postal and express-delivery services",
   "kind": "service"
  },
  {
   "code": "CCA-S06",
   "parent": "CCA-S",
   "name_zh": "电信服务",
   "name_en": "Telecommunication services",
   "kind": "service"
  },
  {
   "code": "CCA-S07",
   "parent": "CCA-S",
   "name_zh": "互联网服务",
   "name_en": "Internet services",
   "kind": "service"
  },
  {
   "code": "CCA-S08",
   "parent": "CCA-S",
   "name_zh": "金融服务",
   "name_en": "Financial services",
   "kind": "service"
  },
  {
   "code": "CCA-S09",
   "parent": "CCA-S",
   "name_zh": "保险服务",
   "name_en": "Insurance services",
   "kind": "service"
  },
  {
   "code": "CCA-S10",
   "parent": "CCA-S",
   "name_zh": "卫生保健服务",
   "name_en": "Health-care services",
   "kind": "service"
  },
  {
   "code": "CCA-S11",
   "parent": "CCA-S",
   "name_zh": "教育培训服务",
   "name_en": "Education and training services",
   "kind": "service"
  },
  {
   "code": "CCA-S12",
   "parent": "CCA-S",
   "name_zh": "公共设施服务",
   "name_en": "Public utility services",
   "kind": "service"
  },
  {
   "code": "CCA-S13",
   "parent": "CCA-S",
   "name_zh": "销售服务",
   "name_en": "Sales services",
   "kind": "service"
  },
  {
   "code": "CCA-X",
   "parent": null,
   "name_zh": "其他商品和服务",
   "name_en": "Other goods and services (CCA 其他类)",
   "kind": "service"
  },
  {
   "code": "CCA-G01-01",
   "parent": "CCA-G01",
   "name_zh": "通讯类产品",
   "name_en": "Telecom devices (phones etc.)",
   "kind": "goods"
  },
  {
   "code": "CCA-G01-02",
   "parent": "CCA-G01",
   "name_zh": "计算机类产品",
   "name_en": "Computer products",
   "kind": "goods"
  },
  {
   "code": "CCA-G01-03",
   "parent": "CCA-G01",
   "name_zh": "电视机",
   "name_en": "Television sets",
   "kind": "goods"
  },
  {
   "code": "CCA-G01-04",
   "parent": "CCA-G01",
   "name_zh": "空调器类产品",
   "name_en": "Air conditioners",
   "kind": "goods"
  },
  {
   "code": "CCA-G01-05",
   "parent": "CCA-G01",
   "name_zh": "洗衣机类产品",
   "name_en": "Washing machines",
   "kind": "goods"
  },
  {
   "code": "CCA-G01-06",
   "parent": "CCA-G01",
   "name_zh": "电冰箱（冰柜）",
   "name_en": "Refrigerators and freezers",
   "kind": "goods"
  },
  {
   "code": "CCA-G01-07",
   "parent": "CCA-G01",
   "name_zh": "厨房电器及相关产品",
   "name_en": "Kitchen appliances and related products",
   "kind": "goods"
  },
  {
   "code": "CCA-G01-08",
   "parent": "CCA-G01",
   "name_zh": "照摄像产品",
   "name_en": "Cameras and camcorders",
   "kind": "goods"
  },
  {
   "code": "CCA-G01-09",
   "parent": "CCA-G01",
   "name_zh": "家庭影院",
   "name_en": "Home cinema",
   "kind": "goods"
  },
  {
   "code": "CCA-G02-01",
   "parent": "CCA-G02",
   "name_zh": "服装",
   "name_en": "Clothing",
   "kind": "goods"
  },
  {
   "code": "CCA-G02-02",
   "parent": "CCA-G02",
   "name_zh": "鞋",
   "name_en": "Footwear",
   "kind": "goods"
  },
  {
   "code": "CCA-G03-01",
   "parent": "CCA-G03",
   "name_zh": "食品",
   "name_en": "Food products",
   "kind": "goods"
  },
  {
   "code": "CCA-G06-01",
   "parent": "CCA-G06",
   "name_zh": "化妆品",
   "name_en": "Cosmetics",
   "kind": "goods"
  },
  {
   "code": "CCA-G06-02",
   "parent": "CCA-G06",
   "name_zh": "日用杂品",
   "name_en": "Daily sundries",
   "kind": "goods"
  },
  {
   "code": "CCA-G06-03",
   "parent": "CCA-G06",
   "name_zh": "家具类产品",
   "name_en": "Furniture",
   "kind": "goods"
  },
  {
   "code": "CCA-G07-01",
   "parent": "CCA-G07",
   "name_zh": "首饰",
   "name_en": "Jewellery",
   "kind": "goods"
  },
  {
   "code": "CCA-G09-01",
   "parent": "CCA-G09",
   "name_zh": "汽车及零部件",
   "name_en": "Cars and car parts",
   "kind": "goods"
  },
  {
   "code": "CCA-G09-02",
   "parent": "CCA-G09",
   "name_zh": "摩托车",
   "name_en": "Motorcycles",
   "kind": "goods"
  },
  {
   "code": "CCA-S07-01",
   "parent": "CCA-S07",
   "name_zh": "经营性互联网服务",
   "name_en": "Commercial internet services",
   "kind": "service"
  },
  {
   "code": "CCA-S07-02",
   "parent": "CCA-S07",
   "name_zh": "网络接入服务",
   "name_en": "Network access services",
   "kind": "service"
  },
  {
   "code": "CCA-S01-01",
   "parent": "CCA-S01",
   "name_zh": "餐饮服务",
   "name_en": "Catering services",
   "kind": "service"
  },
  {
   "code": "CCA-S01-02",
   "parent": "CCA-S01",
   "name_zh": "住宿服务",
   "name_en": "Accommodation services",
   "kind": "service"
  },
  {
   "code": "CCA-S01-03",
   "parent": "CCA-S01",
   "name_zh": "美容美发",
   "name_en": "Beauty and hairdressing",
   "kind": "service"
  },
  {
   "code": "CCA-S01-04",
   "parent": "CCA-S01",
   "name_zh": "健身服务",
   "name_en": "Fitness services",
   "kind": "service"
  },
  {
   "code": "CCA-S11-01",
   "parent": "CCA-S11",
   "name_zh": "培训服务",
   "name_en": "Training services",
   "kind": "service"
  },
  {
   "code": "CCA-S06-01",
   "parent": "CCA-S06",
   "name_zh": "移动电话服务",
   "name_en": "Mobile telephone services",
   "kind": "service"
  },
  {
   "code": "CCA-S13-01",
   "parent": "CCA-S13",
   "name_zh": "远程购物",
   "name_en": "Remote (distance) shopping",
   "kind": "service"
  }
 ],
 "natures": [
  {
   "code": "CCA-N01",
   "parent": null,
   "name_zh": "售后服务",
   "name_en": "After-sales service",
   "kind": "nature"
  },
  {
   "code": "CCA-N02",
   "parent": null,
   "name_zh": "质量",
   "name_en": "Quality",
   "kind": "nature"
  },
  {
   "code": "CCA-N03",
   "parent": null,
   "name_zh": "合同",
   "name_en": "Contract",
   "kind": "nature"
  },
  {
   "code": "CCA-N04",
   "parent": null,
   "name_zh": "虚假宣传",
   "name_en": "False or misleading advertising/publicity",
   "kind": "nature"
  },
  {
   "code": "CCA-N05",
   "parent": null,
   "name_zh": "价格",
   "name_en": "Price",
   "kind": "nature"
  },
  {
   "code": "CCA-N06",
   "parent": null,
   "name_zh": "安全",
   "name_en": "Safety",
   "kind": "nature"
  },
  {
   "code": "CCA-N07",
   "parent": null,
   "name_zh": "假冒",
   "name_en": "Counterfeit",
   "kind": "nature"
  },
  {
   "code": "CCA-N08",
   "parent": null,
   "name_zh": "人格尊严",
   "name_en": "Personal dignity",
   "kind": "nature"
  },
  {
   "code": "CCA-N09",
   "parent": null,
   "name_zh": "计量",
   "name_en": "Measurement (weights and measures)",
   "kind": "nature"
  },
  {
   "code": "CCA-N10",
   "parent": null,
   "name_zh": "其他",
   "name_en": "Other",
   "kind": "nature"
  }
 ],
 "not_accept_reasons": {
  "order20": [
   {
    "code": "O20-1",
    "zh": "不属于市场监督管理部门职责，或者本行政机关不具有处理权限",
    "en": "Not within the duties or authority of the department"
   },
   {
    "code": "O20-2",
    "zh": "法院、仲裁机构、行政机关、消费者协会或者其他调解组织已经受理或者处理过同一争议",
    "en": "Already accepted or handled by a court, arbitration, an authority or another mediator"
   },
   {
    "code": "O20-3",
    "zh": "不是为生活消费需要，或者不能证明与被投诉人之间存在消费者权益争议",
    "en": "Not consumption for daily life, or no provable dispute with the respondent"
   },
   {
    "code": "O20-4",
    "zh": "超过三年",
    "en": "More than three years have passed"
   },
   {
    "code": "O20-5",
    "zh": "未提供第九条第一款和第十条规定的材料",
    "en": "Required materials (Art.9(1), Art.10) not provided"
   },
   {
    "code": "O20-6",
    "zh": "法律、法规、规章规定不予受理的其他情形",
    "en": "Other grounds under laws and regulations"
   }
  ],
  "order121": [
   {
    "code": "O121-1",
    "zh": "不属于市场监督管理部门职责，或者本行政机关不具有处理权限",
    "en": "Not within the duties or authority of the department"
   },
   {
    "code": "O121-2",
    "zh": "已经受理或者处理过同一消费者权益争议",
    "en": "The same dispute was already accepted or handled"
   },
   {
    "code": "O121-3",
    "zh": "不是为生活消费需要，或者不能证明与被投诉人之间存在消费者权益争议",
    "en": "Not consumption for daily life, or no provable dispute with the respondent"
   },
   {
    "code": "O121-4",
    "zh": "超过三年",
    "en": "More than three years have passed"
   },
   {
    "code": "O121-5",
    "zh": "未提供第十条第一款、第十一条规定的材料或者提供虚假材料",
    "en": "Required materials not provided, or false materials"
   },
   {
    "code": "O121-6",
    "zh": "冒用他人名义或者拒不配合核验真实身份信息",
    "en": "Used another person's name or refused identity verification"
   },
   {
    "code": "O121-7",
    "zh": "法律、法规、规章规定不予受理的其他情形",
    "en": "Other grounds under laws and regulations"
   }
  ],
  "own": [
   {
    "code": "OWN-01",
    "zh": "经营者之间的争议",
    "en": "A dispute between businesses"
   },
   {
    "code": "OWN-02",
    "zh": "没有明确的被投诉方",
    "en": "No identifiable respondent"
   },
   {
    "code": "OWN-03",
    "zh": "经营者事前已如实说明商品或服务瑕疵",
    "en": "The defect was disclosed before purchase"
   },
   {
    "code": "OWN-04",
    "zh": "已达成和解并已履行，且无新的事实和理由",
    "en": "Already settled and performed, with no new grounds"
   },
   {
    "code": "OWN-05",
    "zh": "投资、再生产等引发的争议",
    "en": "A dispute arising from investment or production"
   },
   {
    "code": "OWN-06",
    "zh": "无必要证据（超出三包期或保质期、无购物凭证、无法证实受损）",
    "en": "No necessary evidence"
   },
   {
    "code": "OWN-07",
    "zh": "行政部门、仲裁机构或法院已受理或处理",
    "en": "Already handled by an authority, arbitration or a court"
   },
   {
    "code": "OWN-08",
    "zh": "法律规定由指定部门处理",
    "en": "The law assigns it to another body"
   },
   {
    "code": "OWN-09",
    "zh": "未按说明使用或自行拆动致损",
    "en": "Damage from misuse or self-repair"
   },
   {
    "code": "OWN-10",
    "zh": "其他",
    "en": "Other"
   }
  ]
 },
 "termination_reasons": {
  "order20": [
   {
    "code": "O20T-1",
    "zh": "投诉人撤回投诉或者双方自行和解",
    "en": "Complaint withdrawn or settled by the parties"
   },
   {
    "code": "O20T-2",
    "zh": "投诉人与被投诉人对委托承担检定、检验、检测、鉴定工作的技术机构或者费用承担无法协商一致",
    "en": "No agreement on the testing body or its costs"
   },
   {
    "code": "O20T-3",
    "zh": "投诉人或者被投诉人无正当理由不参加调解，或者被投诉人明确拒绝调解",
    "en": "A party did not attend without reason, or the respondent refused mediation"
   },
   {
    "code": "O20T-4",
    "zh": "经组织调解，投诉人或者被投诉人明确表示无法达成调解协议",
    "en": "A party stated that no agreement can be reached"
   },
   {
    "code": "O20T-5",
    "zh": "自投诉受理之日起四十五个工作日内投诉人和被投诉人未能达成调解协议",
    "en": "No agreement within 45 working days of acceptance"
   },
   {
    "code": "O20T-6",
    "zh": "受理后发现存在本办法第十五条规定情形",
    "en": "Grounds of Art.15 found after acceptance"
   },
   {
    "code": "O20T-7",
    "zh": "法律、法规、规章规定的应当终止调解的其他情形",
    "en": "Other grounds under laws and regulations"
   }
  ],
  "order121": [
   {
    "code": "O121T-1",
    "zh": "投诉人撤回投诉或者双方自行和解",
    "en": "Complaint withdrawn or settled by the parties"
   },
   {
    "code": "O121T-2",
    "zh": "投诉人或者被投诉人无正当理由不参加调解，或者被投诉人明确拒绝调解",
    "en": "A party did not attend without reason, or the respondent refused mediation"
   },
   {
    "code": "O121T-3",
    "zh": "经组织调解，投诉人或者被投诉人明确表示无法达成调解协议",
    "en": "A party stated that no agreement can be reached"
   },
   {
    "code": "O121T-4",
    "zh": "投诉人与被投诉人对鉴定、检测费用承担无法协商一致",
    "en": "No agreement on who pays for testing"
   },
   {
    "code": "O121T-5",
    "zh": "自投诉受理之日起六十日内投诉人和被投诉人未能达成调解协议",
    "en": "No agreement within 60 days of acceptance"
   },
   {
    "code": "O121T-6",
    "zh": "受理后发现存在第十六条、第四十二条规定情形",
    "en": "Grounds of Art.16 or Art.42 found after acceptance"
   },
   {
    "code": "O121T-7",
    "zh": "投诉人、被投诉人死亡或者主体资格灭失",
    "en": "A party died or ceased to exist"
   },
   {
    "code": "O121T-8",
    "zh": "法律、法规、规章规定的应当终止调解的其他情形",
    "en": "Other grounds under laws and regulations"
   }
  ],
  "own": [
   {
    "code": "O121T-1",
    "zh": "投诉人撤回投诉或者双方自行和解",
    "en": "Complaint withdrawn or settled by the parties"
   },
   {
    "code": "O121T-2",
    "zh": "投诉人或者被投诉人无正当理由不参加调解，或者被投诉人明确拒绝调解",
    "en": "A party did not attend without reason, or the respondent refused mediation"
   },
   {
    "code": "O121T-3",
    "zh": "经组织调解，投诉人或者被投诉人明确表示无法达成调解协议",
    "en": "A party stated that no agreement can be reached"
   },
   {
    "code": "O121T-4",
    "zh": "投诉人与被投诉人对鉴定、检测费用承担无法协商一致",
    "en": "No agreement on who pays for testing"
   },
   {
    "code": "O121T-5",
    "zh": "自投诉受理之日起六十日内投诉人和被投诉人未能达成调解协议",
    "en": "No agreement within 60 days of acceptance"
   },
   {
    "code": "O121T-6",
    "zh": "受理后发现存在第十六条、第四十二条规定情形",
    "en": "Grounds of Art.16 or Art.42 found after acceptance"
   },
   {
    "code": "O121T-7",
    "zh": "投诉人、被投诉人死亡或者主体资格灭失",
    "en": "A party died or ceased to exist"
   },
   {
    "code": "O121T-8",
    "zh": "法律、法规、规章规定的应当终止调解的其他情形",
    "en": "Other grounds under laws and regulations"
   }
  ]
 },
 "units": [
  {
   "code": "HX",
   "name": "海西州消费者协会",
   "kind": "association",
   "parent": null
  },
  {
   "code": "HX01",
   "name": "格尔木市消费者协会",
   "kind": "branch",
   "parent": "HX"
  },
  {
   "code": "HX02",
   "name": "德令哈市消费者协会",
   "kind": "branch",
   "parent": "HX"
  },
  {
   "code": "HX03",
   "name": "茫崖市消费者协会",
   "kind": "branch",
   "parent": "HX"
  },
  {
   "code": "HX21",
   "name": "乌兰县消费者协会",
   "kind": "branch",
   "parent": "HX"
  },
  {
   "code": "HX22",
   "name": "都兰县消费者协会",
   "kind": "branch",
   "parent": "HX"
  },
  {
   "code": "HX23",
   "name": "天峻县消费者协会",
   "kind": "branch",
   "parent": "HX"
  },
  {
   "code": "HX0201",
   "name": "德令哈市消费者投诉联络站",
   "kind": "liaison_station",
   "parent": "HX02"
  },
  {
   "code": "HX0202",
   "name": "德令哈市尕海镇维权服务站",
   "kind": "service_station",
   "parent": "HX02"
  },
  {
   "code": "HX0101",
   "name": "格尔木市昆仑路投诉联络站",
   "kind": "liaison_station",
   "parent": "HX01"
  },
  {
   "code": "HX2101",
   "name": "乌兰县茶卡镇维权服务站",
   "kind": "service_station",
   "parent": "HX21"
  },
  {
   "code": "HX2201",
   "name": "都兰县香日德镇投诉联络站",
   "kind": "liaison_station",
   "parent": "HX22"
  }
 ]
};
