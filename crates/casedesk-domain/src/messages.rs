//! Message codes and their Chinese and English texts. Every error and validation problem that
//! reaches a person carries one of these codes; the UI and the CLI translate it here (the UI may
//! also translate it itself, from the same table exported as JSON).

use serde::{Deserialize, Serialize};

/// A language for messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
pub enum Lang {
    #[default]
    #[serde(rename = "zh")]
    Zh,
    #[serde(rename = "en")]
    En,
}

impl Lang {
    /// Chinese unless the locale string (LANG, LC_ALL, a --lang flag) says otherwise.
    pub fn from_locale(locale: &str) -> Lang {
        let l = locale.to_ascii_lowercase();
        if l.starts_with("en") { Lang::En } else { Lang::Zh }
    }
}

/// (code, Chinese, English). `{0}` in a text is replaced by the message's argument.
pub const MESSAGES: &[(&str, &str, &str)] = &[
    // Validation of input fields.
    ("required", "必填项不能为空", "is required"),
    ("too_long", "内容过长（最多 {0} 个字符）", "is too long (at most {0} characters)"),
    ("unknown_code", "不是有效的代码：{0}", "is not a valid code: {0}"),
    (
        "not_a_subject_category",
        "请选择商品或服务类别（CCA 分类）",
        "must be a CCA goods or service category",
    ),
    (
        "transfer.no_parent",
        "本单位设置时没有填写上级单位，也还没有从协会同步到单位名录：请直接输入上级单位的代码和名称",
        "no parent unit was named at setup and no unit list has come from the association yet: type the parent unit's code and name",
    ),
    (
        "transfer.no_units_below",
        "还没有从协会同步到下级单位名录（在“设置”中注册到协会并同步后会列出）：请直接输入对方单位的代码和名称",
        "no list of the units below has come from the association yet (enroll and sync in Settings to get it): type the unit's code and name",
    ),
    (
        "transfer.no_units",
        "还没有从协会同步到其他单位（在“设置”中注册到协会并同步后会列出）：请直接输入对方单位的代码和名称",
        "no other units have come from the association yet (enroll and sync in Settings to get them): type the unit's code and name",
    ),
    (
        "category.group",
        "这是分组标题，请选择其下的具体类别",
        "is a heading: choose a category under it",
    ),
    ("not_a_nature", "请选择投诉性质（CCA 分类）", "must be a CCA complaint nature"),
    ("date.future", "日期不能晚于今天", "must not be in the future"),
    (
        "date.before_occurrence",
        "受理时间不能早于消费争议发生时间",
        "must not be before the date of the dispute",
    ),
    ("date.before_received", "不能早于登记时间", "must not be before the case was received"),
    ("amount.negative", "金额不能为负数", "must not be negative"),
    ("amount.too_large", "金额过大", "is too large"),
    (
        "amount.format",
        "金额格式不正确（最多两位小数）",
        "is not a valid amount (at most two decimals)",
    ),
    ("count.min", "至少需要 {0} 项", "needs at least {0}"),
    ("count.max", "最多 {0} 项", "allows at most {0}"),
    (
        "households.min",
        "集体投诉至少涉及 2 户",
        "a collective complaint involves at least 2 households",
    ),
    ("representatives.count", "代表人数应为 {0} 人", "must have {0} representatives"),
    (
        "consent.entrust_required",
        "委托调解须经投诉人同意",
        "the complainant must consent to entrusted mediation",
    ),
    (
        "id.required",
        "市场监管委托案件须提供投诉人真实身份信息",
        "entrusted cases need the complainant's identity document",
    ),
    ("id.empty", "证件号码为空", "the ID number is empty"),
    ("id.length", "证件号码位数不正确", "the ID number has the wrong length"),
    ("id.chars", "证件号码含有无效字符", "the ID number contains invalid characters"),
    ("id.birth_date", "身份证号码中的出生日期无效", "the birth date in the ID number is invalid"),
    ("id.checksum", "身份证号码校验位错误", "the ID number's check digit is wrong"),
    ("uscc.empty", "统一社会信用代码为空", "the credit code is empty"),
    (
        "uscc.length",
        "统一社会信用代码应为 18 位",
        "the unified social credit code must have 18 characters",
    ),
    (
        "uscc.chars",
        "统一社会信用代码含有无效字符（不使用 I、O、S、V、Z）",
        "the credit code contains invalid characters (I, O, S, V, Z are not used)",
    ),
    ("uscc.checksum", "统一社会信用代码校验位错误", "the credit code's check character is wrong"),
    ("regno.format", "注册号应为 15 位数字", "the legacy registration number must be 15 digits"),
    ("phone.empty", "电话号码为空", "the phone number is empty"),
    ("phone.mobile", "手机号码格式不正确", "is not a valid mobile number"),
    (
        "phone.landline",
        "固定电话格式不正确（如 0977-8221234）",
        "is not a valid landline number (e.g. 0977-8221234)",
    ),
    (
        "phone.format",
        "电话号码格式不正确（手机 11 位，或区号-号码）",
        "is not a valid phone number (11-digit mobile, or area code and number)",
    ),
    ("reason.unknown", "该规则下没有此理由代码：{0}", "is not a reason code of this rule set: {0}"),
    ("session.unknown", "没有这次调解安排", "no such mediation session"),
    ("transfer.unknown", "没有这条转办记录", "no such transfer"),
    ("transfer.to_self", "不能转给本单位", "cannot transfer to the handling unit itself"),
    ("field.not_editable", "该字段不可修改", "this field cannot be edited"),
    ("field.unknown", "登记信息中没有这一项：{0}", "the registration has no such field: {0}"),
    ("value.invalid", "更正后的内容格式不对：{0}", "the corrected value has the wrong form: {0}"),
    ("json.invalid", "数据格式错误：{0}", "malformed data: {0}"),
    // Errors of operations.
    (
        "case.illegal_transition",
        "案件当前状态为“{0}”，不能执行此操作",
        "the case is {0}; this action is not allowed",
    ),
    ("case.not_found", "找不到案件：{0}", "case not found: {0}"),
    ("not_found", "找不到：{0}", "not found: {0}"),
    (
        "station.not_initialized",
        "本数据库尚未初始化站点，请先运行 init",
        "this database has no station yet; run init first",
    ),
    (
        "station.already_initialized",
        "本数据库已初始化站点：{0}",
        "this database already belongs to station {0}",
    ),
    ("db.error", "数据库错误：{0}", "database error: {0}"),
    (
        "db.newer_schema",
        "数据库版本 {0} 比本程序新，请升级 CaseDesk",
        "the database schema {0} is newer than this program; upgrade CaseDesk",
    ),
    ("io.error", "读写文件出错：{0}", "file error: {0}"),
    (
        "db.wrong_key",
        "口令不对，或这个文件不是 CaseDesk 数据库，无法打开",
        "The passphrase is wrong, or this file is not a CaseDesk database: it cannot be opened",
    ),
    (
        "db.locked_no_key",
        "数据库已加密：请输入站点口令（或设置环境变量 CASEDESK_PASSPHRASE）",
        "The database is encrypted: enter the station passphrase (or set CASEDESK_PASSPHRASE)",
    ),
    (
        "db.wrong_passphrase",
        "站点口令不对，数据库没有打开（还可以再试 {0} 次）",
        "Wrong station passphrase: the database was not opened ({0} tries left)",
    ),
    (
        "db.unlock_wait",
        "站点口令错误次数太多，请 {0} 秒后再试",
        "Too many wrong station passphrases: try again in {0} s",
    ),
    (
        "key.passphrase_short",
        "站点口令至少要 {0} 个字符",
        "The station passphrase must have at least {0} characters",
    ),
    ("key.passphrase_mismatch", "两次输入的口令不一致", "The two passphrases differ"),
    (
        "key.keyring_unavailable",
        "系统密钥环不可用：{0}",
        "The system keyring is not available: {0}",
    ),
    (
        "key.keyring_missing",
        "系统密钥环里找不到本站的数据库密钥，无法打开数据库",
        "The station's database key is not in the system keyring: the database cannot be opened",
    ),
    ("key.file_invalid", "密钥说明文件有误：{0}", "The key description file is invalid: {0}"),
    (
        "key.passphrase_needed",
        "这台电脑没有系统密钥库：请设置站点口令，用它加密本站数据",
        "this computer has no system keyring: set a station passphrase to encrypt the station's data",
    ),
    ("backup.unusable", "备份不能使用：{0}", "The backup cannot be used: {0}"),
    (
        "backup.wrong_key",
        "这个备份用的不是本站的密钥或口令，无法打开：{0}",
        "This backup was made with another key or passphrase and cannot be opened: {0}",
    ),
    ("backup.not_found", "找不到备份：{0}", "Backup not found: {0}"),
    (
        "backup.restore_needs_confirm",
        "恢复会用备份替换现在的数据库（现在的数据库先另存一份备份）；请确认",
        "Restoring replaces the current database with the backup (the current one is backed up first); confirm to go on",
    ),
    (
        "db.encrypting",
        "正在加密数据库，稍后重新打开",
        "Encrypting the database: it reopens in a moment",
    ),
    ("key.already_encrypted", "数据库已经加密", "The database is encrypted already"),
    (
        "backup.restoring",
        "正在从备份恢复，数据库稍后重新打开",
        "Restoring from a backup: the database reopens in a moment",
    ),
    (
        "backup.folder_missing",
        "找不到这个文件夹（U 盘没插好？）",
        "This folder does not exist (is the USB stick plugged in?)",
    ),
    (
        "dialog.unavailable",
        "这里打不开选择文件夹的窗口，请直接输入完整路径",
        "The folder dialog cannot be opened here: type the full path instead",
    ),
    (
        "backup.other_passphrase",
        "这个备份用另一个站点口令加密：请输入制作备份时的站点口令",
        "This backup is encrypted with another station passphrase: enter the passphrase the station had when the backup was made",
    ),
    (
        "backup.demo_running",
        "正在写入演示数据，请稍后再恢复",
        "Demonstration data is being written: restore later",
    ),
    ("integrity.error", "数据完整性错误：{0}", "integrity error: {0}"),
    ("import.line", "第 {0} 行：", "line {0}: "),
    ("validation.failed", "输入有 {0} 处问题", "the input has {0} problems"),
    ("event.unknown_kind", "未知的事件类型：{0}", "unknown event type: {0}"),
    (
        "case_type.consultation",
        "咨询不登记为案件，按人次记录：请用“记一次咨询”（命令行 casedesk consult）",
        "consultations are counted in people, not registered as cases: use \"record a consultation\" (casedesk consult)",
    ),
    ("date.before_accepted", "不能早于受理时间", "must not be before the case was accepted"),
    (
        "outcome.needs_agreement",
        "没有记录调解协议，不能以“调解成功”办结",
        "no agreement was recorded, so the case cannot close as resolved by mediation",
    ),
    (
        "outcome.after_termination",
        "调解已终止，只能以“调解不成”“撤回投诉”或“自行和解”办结",
        "mediation was terminated: close as not resolved, withdrawn or settled",
    ),
    (
        "outcome.needs_department",
        "没有转行政部门，不能以“行政部门处理”办结",
        "the case was not sent to a department, so it cannot close as handled by one",
    ),
    ("roving.unknown", "没有这个流动受理点：{0}", "no such roving intake session: {0}"),
    (
        "representative.not_collective",
        "只有集体投诉才有代表人",
        "only a collective complaint has representatives",
    ),
    ("session.exists", "这次调解安排已经记录过", "this session is on record already"),
    ("session.recorded_already", "这次调解已经记录过", "this session was recorded already"),
    ("transfer.exists", "这条转办已经记录过", "this transfer is on record already"),
    // Limits and imports.
    (
        "event.too_large",
        "内容过多，超过单条记录 {0} KB 的上限，请分成几条记录",
        "too much for one record (at most {0} KB); split it into several",
    ),
    ("event.too_deep", "数据层次过深", "the data is nested too deeply"),
    (
        "import.file_too_large",
        "导入文件过大（最多 {0} 字节），请分成几个文件",
        "the import file is too large (at most {0} bytes); split it",
    ),
    (
        "import.line_too_long",
        "这一行过长（最多 {0} 字节），不是一条有效的记录",
        "this line is too long (at most {0} bytes) to be one event",
    ),
    (
        "import.own_device",
        "文件中有本机自己的第 {0} 条记录，但内容与本机保存的不同：不能导入（可能是其他设备的副本）",
        "the file holds this device's own event {0} with other content than stored here: not imported (a copy of another database?)",
    ),
    (
        "case.number_ambiguous",
        "有几件案件使用这个编号，请用带后缀的编号：{0}",
        "several cases have this number; use one with its suffix: {0}",
    ),
    // Sync with the association's hub, in words for a clerk.
    (
        "sync.network",
        "连不上中心服务器（网络不通或服务器未开），稍后会自动重试",
        "Cannot reach the hub (no network, or the hub is down); will retry automatically",
    ),
    (
        "sync.unauthorized",
        "本机的同步授权已失效，请向协会索取新的注册码重新注册",
        "This device's sync authorisation is no longer valid; ask the association for a new enrollment code",
    ),
    (
        "sync.device_forked",
        "服务器发现本机数据库是复制或恢复的副本，已暂停同步，请联系协会信息管理员",
        "The hub found this database is a copy or a restored backup and paused sync; contact the association's IT admin",
    ),
    (
        "sync.protocol_version",
        "程序版本与中心服务器不匹配，请升级 CaseDesk",
        "This version of CaseDesk does not match the hub; please upgrade",
    ),
    (
        "sync.restored_enroll",
        "本站由备份恢复，已换用新的设备身份（旧身份不再写入，避免与中心服务器上的记录冲突）：请向协会信息管理员要一个新设备注册码，在设置中粘贴",
        "This station was restored from a backup and now uses a new device identity (the old one writes no more, so the hub's record of it never forks): ask the association's IT admin for an enrollment code for a new device and paste it in Settings",
    ),
    (
        "sync.not_enrolled",
        "尚未注册到中心服务器：请在设置中粘贴注册码",
        "Not enrolled with a hub: paste an enrollment code in Settings",
    ),
    (
        "sync.too_large",
        "一批数据过大，将自动分成更小的批次",
        "A batch was too large; smaller batches will be used",
    ),
    (
        "sync.enroll_code_invalid",
        "注册码无法识别，请检查是否完整粘贴",
        "the enrollment code cannot be read; check that it was pasted whole",
    ),
    (
        "sync.enroll_unit_mismatch",
        "该注册码属于其他单位：{0}",
        "the enrollment code is for another unit: {0}",
    ),
    (
        "sync.device_enrolled",
        "本机已在中心服务器注册过：请向协会管理员索取为本机生成的重新注册码",
        "This device is enrolled already: ask the association's administrator for a re-enrollment code made for this device",
    ),
    ("sync.busy", "中心服务器正忙，稍后会自动重试", "The hub is busy; will retry automatically"),
    (
        "sync.timeout",
        "与中心服务器的连接太慢，超时；将用更小的批次自动重试",
        "The link to the hub is too slow and timed out; will retry with smaller batches",
    ),
    (
        "sync.pin_mismatch",
        "中心服务器的证书与注册时的不一致：已停止同步，请联系协会管理员（可能是服务器更换了证书，也可能有人冒充服务器）",
        "The hub's certificate changed since enrollment: sync stopped. Ask the association's administrator (the hub may have a new certificate, or someone may be posing as the hub)",
    ),
    (
        "sync.plain_http_refused",
        "拒绝使用不加密的服务器地址：{0}",
        "Refusing an unencrypted hub address: {0}",
    ),
    (
        "sync.event_too_large",
        "本机第 {0} 条记录过大，中心服务器无法接收，同步在此停止：请联系协会信息管理员",
        "This device's event {0} is too large for the hub and sync stops there: contact the association's IT administrator",
    ),
    (
        "sync.demo_station",
        "这是演示站点（载入过演示数据），不能注册到中心服务器：请删除演示站点后新建站点",
        "This is a demonstration station (it holds demo data) and cannot enroll with a hub: remove it and set up a new station",
    ),
    ("sync.failed", "同步出错：{0}", "Sync error: {0}"),
    ("bundle.not_a_bundle", "这不是 CaseDesk 同步包文件", "This is not a CaseDesk bundle file"),
    (
        "bundle.not_for_us",
        "这个同步包是给其他站点或其他中心服务器的，未使用",
        "This bundle is for another station or hub; nothing in it was used",
    ),
    (
        "bundle.damaged",
        "同步包已损坏（不完整或被改动过），未使用：请重新导出",
        "The bundle is damaged (cut short or changed) and was not used: export it again",
    ),
    (
        "bundle.bad_signature",
        "同步包的签名不对，不是由中心服务器写出的，未使用",
        "The bundle's signature is wrong (not written by the hub); nothing in it was used",
    ),
    ("bundle.wrong", "同步包不能用于本站点：{0}", "The bundle cannot be used here: {0}"),
    (
        "bundle.folder_missing",
        "找不到这个文件夹（U 盘插好了吗？）",
        "no such folder (is the USB stick plugged in?)",
    ),
    ("bundle.file_missing", "无法读取这个文件", "this file cannot be read"),
    // Organisation events.
    ("unit.not_own", "只能为本单位登记：{0}", "only for this station's own unit: {0}"),
    ("unit.parent_self", "上级单位不能是本单位", "a unit cannot be its own parent"),
    (
        "unit.code_format",
        "单位代码只能包含字母、数字和下划线（最多 32 个）",
        "a unit code has only letters, digits and _ (at most 32)",
    ),
    (
        "device.code_format",
        "设备代码只能包含字母和数字（最多 8 个）",
        "a device code has only letters and digits (at most 8)",
    ),
    (
        "admin_code.format",
        "行政区划代码应为 6 位数字",
        "an administrative division code has 6 digits",
    ),
    ("roving.ended", "该流动受理点已经结束", "this roving intake session has ended already"),
    // Statistics (casedesk-report).
    ("date.before_start", "结束日期不能早于开始日期", "must not be before the start date"),
    (
        "report.period",
        "统计期间格式不对：{0}（例：2026-11、2026-Q4、2026-H2、2026、2026-10-01..2026-12-31）",
        "not a period: {0} (e.g. 2026-11, 2026-Q4, 2026-H2, 2026, 2026-10-01..2026-12-31)",
    ),
    ("report.figures", "报送的数据无法读取", "the submitted figures cannot be read"),
    ("report.unit_unknown", "不认识的单位：{0}", "unknown unit: {0}"),
    ("range", "应在 {0} 之间", "must be between {0}"),
    // Staff, sign-in and permissions.
    (
        "access.denied",
        "没有权限：您的岗位不能“{0}”，请由有权限的工作人员办理",
        "not permitted: your roles do not allow you to {0}; ask a colleague who may",
    ),
    ("auth.required", "请先登录", "sign in first"),
    (
        "auth.unknown_staff",
        "本站没有这位工作人员：{0}",
        "no such staff member at this station: {0}",
    ),
    (
        "auth.ambiguous_staff",
        "本站有几位同名工作人员，请用工号（ID）登录：{0}",
        "several staff members have this name; sign in with the id: {0}",
    ),
    ("auth.inactive", "该工作人员已停用：{0}", "this staff member is no longer active: {0}"),
    (
        "auth.no_credential",
        "该工作人员在本机还没有密码：请负责人先为其设置初始密码",
        "this staff member has no password on this device yet: a head must set a first one",
    ),
    ("auth.failed", "密码或 PIN 不正确", "wrong password or PIN"),
    (
        "auth.failed_left",
        "密码或 PIN 不正确，再错 {0} 次将暂时锁定",
        "wrong password or PIN; {0} more wrong tries lock the account for a while",
    ),
    (
        "auth.locked",
        "输错次数过多，已锁定，请 {0} 秒后再试",
        "too many wrong tries: locked, try again in {0} seconds",
    ),
    (
        "auth.password_weak",
        "密码至少 8 个字符，PIN 为 4–8 位数字",
        "a password has at least 8 characters; a PIN has 4 to 8 digits",
    ),
    ("auth.password_required", "请输入密码或 PIN", "enter a password or PIN"),
    (
        "auth.first_head_done",
        "本机已有工作人员设置了密码：请登录，由负责人添加其他工作人员",
        "someone already has a password on this device: sign in, and a head adds other staff",
    ),
    (
        "staff.name_taken",
        "本站已有同名工作人员：{0}",
        "a staff member of this station has this name: {0}",
    ),
    (
        "staff.last_head",
        "本站至少要保留一位在职的负责人",
        "the station must keep at least one active head",
    ),
    // Personal information.
    (
        "consent.required_for_id",
        "投诉人未同意登记个人信息，不能记录证件号码",
        "the complainant did not consent to the personal information being kept: the ID number cannot be stored",
    ),
    (
        "reveal.not_masked",
        "这一项不是可查看的证件号码或电话：{0}",
        "not an ID or phone number that can be revealed: {0}",
    ),
    (
        "retention.not_due",
        "保存期限尚未届满，不能删除个人信息",
        "the retention period has not ended yet; personal data cannot be removed",
    ),
    ("retention.nothing", "没有需要删除的个人信息", "there is no personal data left to remove"),
    (
        "case.anonymized",
        "个人信息已按保存期限删除",
        "personal data removed after the retention period",
    ),
    // Documents (文书) and evidence.
    (
        "doc.not_available",
        "案件目前的状态下不能出具该文书：{0}",
        "the case's state does not allow this document now: {0}",
    ),
    ("doc.recipient", "该文书不能出具给：{0}", "this document cannot be issued to: {0}"),
    (
        "doc.number_taken",
        "文号已被本案其他文书使用：{0}",
        "the number is used by another document of the case: {0}",
    ),
    ("doc.unknown_number", "本案没有文号为 {0} 的文书", "the case has no document numbered {0}"),
    ("doc.unknown_kind", "没有这种文书：{0}", "no such document: {0}"),
    (
        "doc.subject_needed",
        "请指明是哪一次调解或哪一次转办（{0}）",
        "say which session or transfer it is about ({0})",
    ),
    (
        "doc.pattern_needs",
        "文号格式必须包含 {0}（每台设备各自编号，离线也不会重号）",
        "the number pattern must hold {0} (each device numbers on its own, so offline numbers never collide)",
    ),
    (
        "doc.pattern_separator",
        "文号格式中设备代码与序号之间须有分隔符（如“-”）",
        "the number pattern needs a separator (such as -) between the device code and the counter",
    ),
    (
        "doc.pattern_same",
        "文号格式与“{0}”相同，会出现重号",
        "the number pattern is the same as that of {0}, so numbers would collide",
    ),
    (
        "doc.issue_elsewhere",
        "文书与证据材料请通过“文书”“证据材料”功能出具和添加（casedesk doc / evidence）",
        "issue documents and attach files through the documents and evidence functions (casedesk doc / evidence)",
    ),
    (
        "doc.font_missing",
        "缺少排版字体，请安装其 Debian 软件包：{0}（scripts/deps.sh 会安装）",
        "a font for typesetting is missing; install its Debian package: {0} (scripts/deps.sh does)",
    ),
    ("doc.render_failed", "文书排版失败：{0}", "the document could not be typeset: {0}"),
    (
        "doc.reprint_mismatch",
        "重新生成的文书与出具时的不一致（字体或模板已变）：{0}",
        "the document rendered again differs from the one issued (fonts or template changed): {0}",
    ),
    ("doc.export_failed", "生成可编辑文件失败：{0}", "the editable copy could not be written: {0}"),
    ("hash.invalid", "不是有效的 SHA-256 值", "is not a SHA-256 hash"),
    ("evidence.empty", "文件为空", "the file is empty"),
    ("evidence.duplicate", "本案已有这份材料", "the case has this file already"),
    ("evidence.too_large", "文件过大（最多 {0} MB）", "the file is too large (at most {0} MB)"),
    (
        "evidence.too_many",
        "本案的材料已达上限（{0} 份）",
        "the case has the most files allowed ({0})",
    ),
    (
        "evidence.media_type",
        "不支持的文件类型（可用照片 JPEG/PNG、扫描件 PDF）：{0}",
        "unsupported file type (photos JPEG/PNG, scans PDF): {0}",
    ),
    ("blob.missing", "找不到材料文件：{0}", "the attached file is missing: {0}"),
    (
        "blob.corrupt",
        "材料文件已损坏（内容与登记的哈希不符）：{0}",
        "the attached file is damaged (its content does not match its hash): {0}",
    ),
    (
        "blob.too_large",
        "材料文件超过大小上限，未接收：{0}",
        "the file is larger than the limit and was not taken: {0}",
    ),
    (
        "blob.not_named",
        "本站点没有任何记录引用这个文件，未接收：{0}",
        "no record at this station names this file; it was not taken: {0}",
    ),
];

/// The text of `code` in `lang`, with `{0}` replaced by `arg`. Unknown codes come back as
/// themselves, so that nothing is ever hidden.
pub fn text(code: &str, lang: Lang, arg: &str) -> String {
    match MESSAGES.iter().find(|(c, _, _)| *c == code) {
        Some((_, zh, en)) => {
            let t = if lang == Lang::Zh { zh } else { en };
            t.replace("{0}", arg)
        }
        None if arg.is_empty() => code.to_owned(),
        None => format!("{code}: {arg}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_translated() {
        let mut seen = std::collections::HashSet::new();
        for (code, zh, en) in MESSAGES {
            assert!(seen.insert(*code), "duplicate message code {code}");
            assert!(!zh.is_empty() && !en.is_empty(), "{code}");
            assert_eq!(zh.contains("{0}"), en.contains("{0}"), "{code}: placeholders differ");
        }
    }

    #[test]
    fn text_substitutes() {
        assert_eq!(text("too_long", Lang::En, "100"), "is too long (at most 100 characters)");
        assert_eq!(text("no.such", Lang::Zh, ""), "no.such");
    }
}
