//! Code tables of the domain: every enum has a stable code (stored in events and projections)
//! and a Chinese and an English label.

use serde::{Deserialize, Serialize};

/// Declares a code-table enum with its codes and zh/en labels, and `ALL`, `code`,
/// `from_code`, `label` helpers.
macro_rules! code_table {
    ($(#[$m:meta])* $name:ident { $($variant:ident = $code:literal, $zh:literal, $en:literal;)+ }) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[cfg_attr(feature = "ts", derive(ts_rs::TS))]
        pub enum $name {
            $(#[serde(rename = $code)] $variant,)+
        }
        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code,)+ }
            }
            pub fn from_code(code: &str) -> Option<$name> {
                match code { $($code => Some($name::$variant),)+ _ => None }
            }
            pub fn label(self, lang: crate::Lang) -> &'static str {
                match (self, lang) {
                    $(($name::$variant, crate::Lang::Zh) => $zh,
                      ($name::$variant, crate::Lang::En) => $en,)+
                }
            }
        }
    };
}

code_table!(
    /// 案件类型.
    CaseType {
        Complaint = "complaint", "投诉", "Complaint";
        Report = "report", "举报", "Report";
        Consultation = "consultation", "咨询", "Consultation";
        Suggestion = "suggestion", "建议", "Suggestion";
    }
);

code_table!(
    /// Whose case it is: the association's own (CRPL Art.37), or entrusted by a market-regulation
    /// department (委托调解), in which case SAMR deadlines and reason codes apply.
    Mode {
        Own = "own", "本会受理", "Association's own";
        Entrusted = "entrusted", "市场监管委托", "Entrusted by market regulation";
    }
);

code_table!(
    /// 受理渠道.
    Channel {
        Visit = "visit", "来访", "Walk-in";
        Phone = "phone", "来电", "Phone";
        Letter = "letter", "来信", "Letter";
        Online = "online", "网络", "Online";
        Platform12315 = "12315", "12315转入", "From 12315 platform";
        Superior = "superior", "上级转办", "Assigned by superior";
        Roving = "roving", "流动受理点", "Roving intake point";
        Email = "email", "电子邮件", "E-mail";
    }
);

code_table!(
    /// 证件类型.
    IdType {
        ResidentId = "resident_id", "居民身份证", "Resident identity card";
        HkMoTwResidence = "hmt_residence", "港澳台居民居住证", "HK/Macao/Taiwan residence permit";
        ForeignPermanent = "foreign_permanent", "外国人永久居留身份证", "Foreign permanent resident ID";
        Passport = "passport", "护照", "Passport";
        Other = "other", "其他证件", "Other document";
    }
);

code_table!(
    /// 被投诉人类型.
    RespondentKind {
        Enterprise = "enterprise", "企业", "Enterprise";
        IndividualBusiness = "individual", "个体工商户", "Individual business";
        Cooperative = "cooperative", "农民专业合作社", "Farmers' cooperative";
        Unlicensed = "unlicensed", "无照/流动摊贩", "Unlicensed or roaming trader";
        PublicPricing = "public_pricing", "政府定价单位", "Government-priced utility";
        Platform = "platform", "网络平台", "Online platform";
        Other = "other", "其他", "Other";
    }
);

code_table!(
    /// 投诉请求.
    RequestKind {
        Repair = "repair", "修理", "Repair";
        Redo = "redo", "重作", "Redo";
        Replace = "replace", "更换", "Replace";
        Return = "return", "退货", "Return goods";
        MakeUpQuantity = "make_up_quantity", "补足商品数量", "Make up quantity";
        Refund = "refund", "退还货款和服务费用", "Refund";
        Compensation = "compensation", "赔偿损失", "Compensation";
        Apology = "apology", "赔礼道歉", "Apology";
        Other = "other", "其他", "Other";
    }
);

code_table!(
    /// Language a party prefers, or a session was held in.
    Language {
        Zh = "zh", "汉语", "Chinese";
        Bo = "bo", "藏语", "Tibetan";
        Mn = "mn", "蒙古语", "Mongolian";
        Other = "other", "其他", "Other";
    }
);

code_table!(
    /// Where a case stands. See `domain::case` for the transitions.
    Status {
        Registered = "registered", "待受理", "Awaiting acceptance";
        Accepted = "accepted", "已受理", "Accepted";
        Mediating = "mediating", "调解中", "In mediation";
        Agreed = "agreed", "已达成协议", "Agreement reached";
        Transferred = "transferred", "已转办", "Transferred out";
        NotAccepted = "not_accepted", "不予受理", "Not accepted";
        Terminated = "terminated", "终止调解", "Mediation terminated";
        Closed = "closed", "已办结", "Closed";
        Voided = "voided", "已作废", "Voided";
    }
);

impl Status {
    /// Whether the case still needs work and has a running deadline.
    pub fn is_open(self) -> bool {
        matches!(
            self,
            Status::Registered
                | Status::Accepted
                | Status::Mediating
                | Status::Agreed
                | Status::Transferred
        )
    }
}

code_table!(
    /// 转办类型: 小案下办 (down), 大案上办 (up), 难案共办 (co-handle), or to an administrative
    /// department (CRPL Regulation Art.36: the department must reply).
    TransferKind {
        Down = "down", "下转", "Transfer down";
        Up = "up", "上报", "Report up";
        CoHandle = "co_handle", "协办", "Co-handling";
        ToDepartment = "to_department", "转行政部门", "To administrative department";
    }
);

code_table!(
    /// 转办理由.
    TransferReason {
        SmallCaseDown = "small_case_down", "小案下办", "Small case handled below";
        BigCaseUp = "big_case_up", "大案上办", "Big case handled above";
        HardCaseJoint = "hard_case_joint", "难案共办", "Hard case handled jointly";
        NoJurisdiction = "no_jurisdiction", "无管辖权", "No jurisdiction";
        Other = "other", "其他", "Other";
    }
);

code_table!(
    /// How a mediation session is held (Order 20 Art.18: on site, or remote).
    SessionMode {
        OnSite = "on_site", "现场调解", "On site";
        Phone = "phone", "电话调解", "By phone";
        Video = "video", "视频调解", "By video";
        Online = "online", "网络调解", "Online";
    }
);

code_table!(
    /// Result of one mediation session.
    SessionResult {
        Agreement = "agreement", "达成协议", "Agreement reached";
        Continue = "continue", "继续调解", "To be continued";
        NoAgreement = "no_agreement", "未达成协议", "No agreement";
        Absent = "absent", "一方未到场", "A party was absent";
    }
);

code_table!(
    /// 办结方式 (the outcome recorded at closure).
    Outcome {
        Mediated = "mediated", "调解成功", "Resolved by mediation";
        Settled = "settled", "自行和解", "Settled by the parties";
        Withdrawn = "withdrawn", "撤回投诉", "Complaint withdrawn";
        Unresolved = "unresolved", "调解不成", "Not resolved";
        Answered = "answered", "已答复", "Answered";
        DepartmentHandled = "department_handled", "行政部门处理", "Handled by the department";
    }
);

impl Outcome {
    /// Counts as 解决 in CCA statistics (投诉解决率 = 解决数 / 受理数).
    pub fn is_resolved(self) -> bool {
        matches!(self, Outcome::Mediated | Outcome::Settled | Outcome::DepartmentHandled)
    }
}

code_table!(
    /// 回访满意度.
    Satisfaction {
        Satisfied = "satisfied", "满意", "Satisfied";
        Basic = "basic", "基本满意", "Mostly satisfied";
        Unsatisfied = "unsatisfied", "不满意", "Unsatisfied";
    }
);

code_table!(
    /// 回访方式 / 告知方式.
    ContactMethod {
        Phone = "phone", "电话", "Phone";
        Visit = "visit", "走访", "Visit";
        Sms = "sms", "短信", "SMS";
        Letter = "letter", "信函", "Letter";
        InPerson = "in_person", "当面", "In person";
    }
);

code_table!(
    /// Kinds of unit in 一会两站.
    UnitKind {
        Association = "association", "消费者协会", "Consumer association";
        Branch = "branch", "消协分会", "Association branch";
        LiaisonStation = "liaison_station", "投诉联络站", "Complaint liaison station";
        ServiceStation = "service_station", "维权服务站", "Rights-protection service station";
    }
);

code_table!(
    /// Staff roles.
    StaffRole {
        Head = "head", "负责人", "Head";
        Mediator = "mediator", "调解员", "Mediator";
        Liaison = "liaison", "联络员", "Liaison officer";
        Recorder = "recorder", "记录人", "Recorder";
        Clerk = "clerk", "登记员", "Clerk";
        Interpreter = "interpreter", "翻译", "Interpreter";
        Secretariat = "secretariat", "协会秘书处", "Association secretariat";
        Admin = "admin", "系统管理员", "Administrator";
    }
);

code_table!(
    /// What a staff member may do (`access::grants` says which roles give which). The labels
    /// name the action, as a refusal names the permission that was missing.
    Permission {
        Register = "register", "登记投诉", "register complaints";
        DecideAcceptance = "decide_acceptance", "决定受理与转办", "decide acceptance and transfers";
        Mediate = "mediate", "调解", "mediate";
        Close = "close", "办结", "close cases";
        Void = "void", "作废", "void cases";
        Correct = "correct", "更正登记信息", "correct registrations";
        Note = "note", "备注与回访", "add notes and follow-ups";
        Reveal = "reveal", "查看完整证件号码和电话", "see full ID and phone numbers";
        Export = "export", "导出数据", "export data";
        Audit = "audit", "查看查阅记录", "see the access log";
        ManageStaff = "manage_staff", "管理工作人员", "manage staff";
        Configure = "configure", "修改站点设置", "change station settings";
        Enroll = "enroll", "注册设备与站点", "enroll devices and set up the station";
        Anonymize = "anonymize", "执行个人信息删除", "remove personal data after retention";
    }
);

code_table!(
    /// The standard documents (文书) of a case (DOMAIN.md §4). The 受理台账 covers a period, not
    /// one case, and is not issued: see `casedesk_docs::ledger`.
    DocKind {
        Registration = "registration", "投诉登记表", "Complaint registration form";
        Acceptance = "acceptance", "受理通知书", "Notice of acceptance";
        NonAcceptance = "non_acceptance", "不予受理通知书", "Notice of non-acceptance";
        Correction = "correction", "限期补正通知", "Notice to supply missing items";
        MediationNotice = "mediation_notice", "调解通知书", "Notice of mediation";
        MediationRecord = "mediation_record", "调解笔录", "Mediation record";
        Agreement = "agreement", "调解协议书", "Mediation agreement";
        Termination = "termination", "终止调解通知书", "Notice of termination of mediation";
        Transfer = "transfer", "转办单", "Transfer slip";
        FollowUp = "follow_up", "回访记录表", "Follow-up record";
    }
);

code_table!(
    /// Whom an issued document is for. Any recipient but the complainant and the archive is
    /// "the other party": it sees the complainant's details only as far as they agreed to share
    /// (`Consents::share_with_parties`, PIPL Art.23).
    Recipient {
        Complainant = "complainant", "投诉人", "Complainant";
        Respondent = "respondent", "被投诉人", "Respondent";
        Parties = "parties", "双方当事人", "Both parties";
        Unit = "unit", "承办单位", "Receiving unit or department";
        Archive = "archive", "存档", "Case file";
    }
);

impl Recipient {
    /// Whether a copy for this recipient may show the complainant's contact details unmasked
    /// whatever they consented to.
    pub fn is_own_side(self) -> bool {
        matches!(self, Recipient::Complainant | Recipient::Archive)
    }
}

code_table!(
    /// 送达方式: how a document was delivered (“可以通过互联网、电话、短信、电子邮件、信函等方式告知”).
    Delivery {
        InPerson = "in_person", "当面送达", "In person";
        Letter = "letter", "信函", "Letter";
        Sms = "sms", "短信", "SMS";
        Phone = "phone", "电话告知", "By phone";
        Email = "email", "电子邮件", "E-mail";
        Online = "online", "互联网", "Online";
        Filed = "filed", "存档", "Kept on file";
    }
);

code_table!(
    /// The CCA top split of a complaint's subject (商品类 / 服务类 / 其他类), from its category.
    SubjectKind {
        Goods = "goods", "商品类", "Goods";
        Service = "service", "服务类", "Services";
        Other = "other", "其他类", "Other";
    }
);

impl SubjectKind {
    /// The split a category code falls in: the CCA goods tree (`CCA-G…`), the services tree
    /// (`CCA-S…`), or 其他 (`CCA-X`, no category, another scheme).
    pub fn of(category: Option<&str>) -> SubjectKind {
        match category {
            Some(c) if c.starts_with("CCA-G") => SubjectKind::Goods,
            Some(c) if c.starts_with("CCA-S") => SubjectKind::Service,
            _ => SubjectKind::Other,
        }
    }
}
