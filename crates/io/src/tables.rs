//! The canonical tables, their columns and the Chinese aliases accepted in headers.

use std::fmt;

/// A column: its canonical header, the other headers accepted for it, and whether it must be
/// present in the file.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    pub name: &'static str,
    pub aliases: &'static [&'static str],
    pub required: bool,
    /// A number that a spreadsheet may sum (written as a number cell in XLSX exports).
    pub numeric: bool,
}

const fn req(name: &'static str, aliases: &'static [&'static str]) -> Column {
    Column {
        name,
        aliases,
        required: true,
        numeric: false,
    }
}
const fn opt(name: &'static str, aliases: &'static [&'static str]) -> Column {
    Column {
        name,
        aliases,
        required: false,
        numeric: false,
    }
}
const fn num(mut c: Column) -> Column {
    c.numeric = true;
    c
}

macro_rules! tables {
    ($($variant:ident => $name:literal, $zh:literal, $order:literal, [$($col:expr),+ $(,)?];)+) => {
        /// A table of the data contract.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Table { $($variant,)+ }

        impl Table {
            /// Every table, in the order in which a data folder is imported (references first).
            pub const ALL: &'static [Table] = &[$(Table::$variant,)+];

            /// The file stem and sheet name: `managers`, `balances`, …
            pub fn name(self) -> &'static str {
                match self { $(Table::$variant => $name,)+ }
            }

            /// The Chinese name, also accepted as a sheet name.
            pub fn zh(self) -> &'static str {
                match self { $(Table::$variant => $zh,)+ }
            }

            pub fn columns(self) -> &'static [Column] {
                match self { $(Table::$variant => { const COLUMNS: &[Column] = &[$($col),+]; COLUMNS },)+ }
            }

            /// Import order: a table may refer only to tables of a lower order.
            pub fn order(self) -> u8 {
                match self { $(Table::$variant => $order,)+ }
            }
        }
    };
}

tables! {
    OrgUnits => "org_units", "机构", 0, [
        req("unit_id", &["机构编号", "机构代码"]),
        req("name", &["机构名称", "名称"]),
        opt("parent_id", &["上级机构", "上级机构编号"]),
        opt("kind", &["机构层级", "层级"]),
        opt("telephone", &["联系电话", "电话"]),
        opt("fax", &["联系传真", "传真"]),
        opt("address", &["地址", "网点地址"]),
    ];
    Tracks => "tracks", "类别", 1, [
        req("track", &["类别", "类别代码"]),
        opt("name", &["类别名称", "名称"]),
        opt("is_cm", &["客户经理序列", "是否客户经理"]),
    ];
    Grades => "grades", "等级", 2, [
        req("track", &["类别"]),
        req("grade", &["等级"]),
        opt("tier", &["档次", "档"]),
        opt("class", &["级别", "层级"]),
        num(req("rank", &["序位", "排序"])),
        opt("staff_grade", &["行员等级"]),
        opt("title", &["对外称谓", "职称"]),
    ];
    Managers => "managers", "客户经理", 3, [
        req("manager_id", &["客户经理编号", "员工编号", "工号"]),
        req("name", &["姓名"]),
        opt("org", &["机构", "所属机构"]),
        opt("track", &["类别"]),
        opt("grade", &["等级"]),
        opt("tier", &["档次", "档"]),
        opt("staff_grade", &["行员等级"]),
        opt("status", &["状态", "在岗状态"]),
        opt("hired_on", &["入职日期"]),
        opt("trial_end", &["见习期满", "试岗期满", "见习结束日期"]),
        opt("left_on", &["离岗日期"]),
        num(opt("base_salary", &["底薪", "基本工资"])),
        opt("changed_on", &["变动日期", "生效日期"]),
    ];
    Clients => "clients", "客户", 4, [
        req("client_id", &["客户编号", "客户号"]),
        req("name", &["客户名称", "名称"]),
        opt("kind", &["客户性质", "对公对私"]),
        opt("client_type", &["客户类型"]),
        opt("agreement", &["协议单位"]),
        opt("loan_card", &["贷款卡号"]),
        opt("contact", &["联系人"]),
        opt("phone", &["联系电话", "电话"]),
    ];
    Accounts => "accounts", "账户", 5, [
        req("account_id", &["账号"]),
        req("client_id", &["客户编号", "客户号"]),
        req("product", &["产品", "产品代码"]),
        opt("currency", &["币种"]),
        num(opt("rate", &["执行利率", "利率"])),
        num(opt("term_months", &["期限", "期限(月)"])),
        opt("opened_on", &["开户日期"]),
        opt("closed_on", &["销户日期"]),
    ];
    Ownership => "ownership", "管户", 6, [
        req("client_id", &["客户编号", "客户号"]),
        opt("account_id", &["账号"]),
        req("manager_id", &["客户经理编号", "工号"]),
        num(req("ratio", &["分配比例", "比例"])),
        req("from", &["生效日期", "起始日期"]),
        opt("to", &["失效日期", "终止日期"]),
    ];
    Balances => "balances", "余额", 7, [
        req("account_id", &["账号"]),
        req("date", &["日期"]),
        num(req("balance", &["余额"])),
    ];
    Targets => "targets", "目标", 7, [
        req("manager_id", &["客户经理编号", "工号"]),
        req("period", &["期间"]),
        req("measure", &["指标"]),
        num(req("target", &["目标值", "目标"])),
    ];
    Sales => "sales", "发货", 7, [
        opt("sale_id", &["单号", "发货单号"]),
        req("date", &["日期"]),
        req("manager_id", &["客户经理编号", "工号"]),
        req("client_id", &["客户编号", "客户号"]),
        num(opt("quantity", &["数量"])),
        num(req("amount", &["金额"])),
        num(opt("gross_profit", &["毛利"])),
    ];
    Payments => "payments", "回款", 7, [
        opt("payment_id", &["单号", "回款单号"]),
        req("date", &["日期"]),
        req("manager_id", &["客户经理编号", "工号"]),
        req("client_id", &["客户编号", "客户号"]),
        num(opt("quantity", &["数量"])),
        num(req("amount", &["金额"])),
        num(opt("gross_profit", &["毛利"])),
    ];
    Bookings => "bookings", "预订", 7, [
        req("booking_id", &["预订单号", "单号"]),
        req("manager_id", &["客户经理编号", "工号"]),
        opt("client_id", &["客户编号", "客户号"]),
        req("registered_at", &["登记时间"]),
        req("arrival_at", &["到店时间"]),
        num(req("amount", &["消费金额", "金额"])),
        opt("approved", &["经理审核", "审核"]),
        opt("complaint", &["投诉"]),
        opt("spot_check", &["回访抽查", "抽查结果"]),
    ];
    Scores => "scores", "评分", 7, [
        req("period", &["期间"]),
        req("manager_id", &["客户经理编号", "工号"]),
        req("rater_id", &["评分人", "评分人编号"]),
        req("relation", &["关系", "评分关系"]),
        req("dimension", &["维度"]),
        req("item", &["项目"]),
        num(req("score", &["得分"])),
    ];
    Tallies => "tallies", "自建统计", 7, [
        req("manager_id", &["客户经理编号", "工号"]),
        req("period", &["期间", "月份"]),
        req("measure", &["指标"]),
        num(req("value", &["数值", "自报数"])),
        opt("note", &["备注", "说明"]),
    ];
    Calendar => "calendar", "工作日历", 0, [
        req("date", &["日期"]),
        req("working", &["是否工作日", "工作日"]),
        opt("note", &["说明", "备注"]),
    ];
    Briefings => "briefings", "晨会", 8, [
        req("date", &["日期"]),
        opt("unit", &["机构"]),
        req("manager_id", &["客户经理编号", "工号"]),
        req("status", &["出勤", "状态"]),
        opt("notified_at", &["请假通知时间"]),
        opt("chaired_by", &["主持人"]),
    ];
    Outings => "outings", "外出登记", 8, [
        req("outing_id", &["外出编号"]),
        req("manager_id", &["客户经理编号", "工号"]),
        opt("client_id", &["客户编号", "客户号"]),
        opt("purpose", &["事由"]),
        req("left_at", &["外出时间"]),
        opt("expected_back_at", &["预计返回时间"]),
        opt("returned_at", &["返回时间"]),
        opt("duty", &["当日坐班", "坐班"]),
    ];
    Visits => "visits", "走访记录", 9, [
        req("visit_id", &["走访编号"]),
        req("manager_id", &["客户经理编号", "工号"]),
        req("client_id", &["客户编号", "客户号"]),
        opt("outing_id", &["外出编号"]),
        req("visited_on", &["走访日期"]),
        opt("person", &["被访人"]),
        opt("department", &["部门"]),
        opt("title", &["职务"]),
        opt("purpose", &["事由目的", "事由"]),
        opt("expected_result", &["期望结果"]),
        opt("outcome", &["走访结果"]),
        opt("info", &["其他信息"]),
        opt("next_step", &["下一步打算"]),
        opt("next_on", &["下次日期"]),
    ];
    WorkLogs => "work_logs", "工作日志", 8, [
        req("manager_id", &["客户经理编号", "工号"]),
        req("date", &["日期"]),
        opt("text", &["日志内容", "内容"]),
        opt("signed_by", &["签阅人"]),
        opt("signed_at", &["签阅时间"]),
        opt("comment", &["签阅意见"]),
        opt("plan_next", &["次日安排"]),
    ];
    Prospects => "prospects", "潜在客户", 8, [
        req("prospect_id", &["潜在客户编号"]),
        req("manager_id", &["客户经理编号", "工号"]),
        req("name", &["名称", "客户名称"]),
        req("stage", &["阶段"]),
        req("first_contact_on", &["首次接触", "首次接触日期"]),
        opt("converted_on", &["成为客户日期"]),
        opt("client_id", &["客户编号", "客户号"]),
    ];
    CreditRegister => "credit_register", "信贷业务登记", 8, [
        req("entry_id", &["登记编号"]),
        req("manager_id", &["客户经理编号", "工号"]),
        req("client_id", &["客户编号", "客户号"]),
        req("kind", &["业务种类"]),
        num(opt("amount", &["金额"])),
        opt("reported_at", &["上报时间"]),
        req("registered_at", &["登记时间"]),
        opt("loan_card_checked_at", &["贷款卡校验时间"]),
    ];
    RetailVisits => "retail_visits", "零售户走访", 8, [
        req("visit_id", &["走访编号"]),
        req("manager_id", &["客户经理编号", "工号"]),
        req("client_id", &["客户编号", "客户号", "零售户编号"]),
        req("visited_on", &["走访日期"]),
        num(opt("stock", &["库存"])),
        opt("sales_trend", &["销售趋势"]),
        opt("demand", &["需求"]),
        num(opt("listed_brands", &["上柜品牌数"])),
        num(opt("new_brand_packs", &["新品陈列包数"])),
        opt("advice", &["建议"]),
    ];
    Meetings => "meetings", "会议", 8, [
        req("meeting_id", &["会议编号"]),
        req("manager_id", &["客户经理编号", "工号"]),
        req("kind", &["会议类型"]),
        req("held_on", &["会议日期"]),
        opt("called_at", &["通知时间"]),
        req("status", &["出勤", "状态"]),
        opt("notified_at", &["请假通知时间"]),
        opt("chaired_by", &["主持人"]),
        opt("minutes", &["会议纪要", "纪要"]),
    ];
    ActionItems => "action_items", "会议事项", 8, [
        req("item_id", &["事项编号"]),
        req("manager_id", &["客户经理编号", "工号", "负责人"]),
        opt("meeting_id", &["会议编号"]),
        req("text", &["事项", "内容"]),
        req("due_on", &["完成期限", "期限"]),
        opt("done_on", &["完成日期"]),
    ];
    Reports => "reports", "报表报送", 8, [
        req("report_id", &["报表编号"]),
        req("manager_id", &["客户经理编号", "工号"]),
        req("kind", &["报表种类", "种类"]),
        req("period", &["期间", "月份"]),
        opt("submitted_at", &["报送时间"]),
    ];
    RiskAnswers => "risk_answers", "风险测评", 8, [
        req("client_id", &["客户编号", "客户号"]),
        req("answered_on", &["评估日期", "测评日期"]),
        req("question", &["题号"]),
        req("answer", &["选项", "答案"]),
    ];
    Products => "products", "产品", 0, [
        req("product_id", &["产品编号", "产品代码"]),
        req("name", &["产品名称", "名称"]),
        req("kind", &["类别", "产品类别"]),
        req("risk_level", &["风险等级", "产品风险等级"]),
        num(opt("expected_return", &["预期年化收益率", "业绩比较基准"])),
        num(opt("term_months", &["期限", "期限(月)"])),
        num(opt("min_amount", &["起购金额"])),
    ];
    Finances => "finances", "财务状况", 8, [
        req("client_id", &["客户编号", "客户号"]),
        req("as_of", &["日期", "截至日期"]),
        req("kind", &["类型", "收支资产负债"]),
        req("category", &["项目"]),
        num(req("amount", &["年额或余额", "金额"])),
    ];
    Goals => "goals", "理财目标", 8, [
        req("client_id", &["客户编号", "客户号"]),
        req("goal", &["目标"]),
        num(req("amount", &["所需金额", "金额"])),
        req("due_on", &["目标日期"]),
    ];
    Holdings => "holdings", "持有产品", 8, [
        req("client_id", &["客户编号", "客户号"]),
        req("product_id", &["产品编号", "产品代码"]),
        num(req("amount", &["金额", "持有金额"])),
        req("as_of", &["日期", "截至日期"]),
    ];
    Adjustments => "adjustments", "调整", 7, [
        req("period", &["期间"]),
        req("manager_id", &["客户经理编号", "工号"]),
        req("item", &["项目"]),
        num(req("amount", &["金额"])),
        opt("reason", &["原因", "说明"]),
    ];
}

impl Table {
    /// Finds a table by its English or Chinese name.
    pub fn parse(name: &str) -> Option<Table> {
        let n = name.trim();
        Table::ALL
            .iter()
            .copied()
            .find(|t| t.name().eq_ignore_ascii_case(n) || t.zh() == n)
    }

    /// The column a header names (canonical name or alias, case- and space-insensitive).
    pub fn column_for_header(self, header: &str) -> Option<&'static Column> {
        let h = header.trim().trim_start_matches('\u{feff}').trim();
        self.columns()
            .iter()
            .find(|c| c.name.eq_ignore_ascii_case(h) || c.aliases.contains(&h))
    }

    /// The names of all tables, for messages.
    pub fn names() -> String {
        let all: Vec<&str> = Table::ALL.iter().map(|t| t.name()).collect();
        all.join(", ")
    }
}

impl fmt::Display for Table {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_are_found_by_name_or_chinese_alias() {
        let t = Table::Balances;
        assert_eq!(t.column_for_header("余额").unwrap().name, "balance");
        assert_eq!(
            t.column_for_header("\u{feff}account_id").unwrap().name,
            "account_id"
        );
        assert!(t.column_for_header("nonsense").is_none());
        assert_eq!(Table::parse("管户"), Some(Table::Ownership));
    }

    #[test]
    fn every_alias_is_unambiguous_within_its_table() {
        for t in Table::ALL {
            let mut seen = std::collections::HashSet::new();
            for c in t.columns() {
                assert!(seen.insert(c.name.to_lowercase()), "{t}: {}", c.name);
                for a in c.aliases {
                    assert!(seen.insert(a.to_string()), "{t}: alias {a}");
                }
            }
        }
    }
}
