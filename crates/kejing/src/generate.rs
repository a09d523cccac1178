//! Deterministic generated data in the contract's format: a bank of any size, and the oil
//! distributor's traditional client list from the source (B4).

use anyhow::{Context, Result, bail};
use chrono::{Datelike, NaiveDate};
use kejing_engine::{Money, Period};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

/// A small deterministic generator (SplitMix64): the same scale gives the same files.
pub(crate) struct Rng(pub(crate) u64);

impl Rng {
    pub(crate) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// 0 ≤ n < bound.
    pub(crate) fn below(&mut self, bound: u64) -> u64 {
        self.next() % bound.max(1)
    }
    /// True with probability `percent` / 100.
    pub(crate) fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

pub struct Spec {
    pub scale: u32,
    pub period: Period,
    managers: usize,
    pub(crate) clients: usize,
    accounts: usize,
}

impl Spec {
    pub fn new(scale: u32, period: Period) -> Result<Spec> {
        if scale == 0 || scale > 1000 {
            bail!("--scale is a whole number from 1 to 1000");
        }
        if !matches!(period, Period::Month { .. }) {
            bail!("--period is a month such as 2026-09");
        }
        let n = scale as usize;
        Ok(Spec {
            scale,
            period,
            managers: n * 100,
            clients: n * 10_000,
            accounts: n * 20_000,
        })
    }
}

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高", "林",
    "何", "郭", "马", "罗",
];
const GIVEN: &[&str] = &[
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明",
    "超", "秀英", "霞", "平", "刚", "桂英", "建华", "文", "华",
];
const COMPANY_WORDS: &[&str] = &[
    "华海", "东港", "新日", "金桥", "宏达", "恒信", "瑞丰", "长江", "泰和", "鑫源", "海汇", "中联",
];
const COMPANY_KINDS: &[&str] = &[
    "贸易有限公司",
    "机械制造有限公司",
    "物流有限公司",
    "建材有限公司",
    "工程有限公司",
    "科技有限公司",
];

fn person_name(rng: &mut Rng) -> String {
    let s = SURNAMES[rng.below(SURNAMES.len() as u64) as usize];
    let g = GIVEN[rng.below(GIVEN.len() as u64) as usize];
    format!("{s}{g}")
}

pub(crate) fn csv_file(dir: &Path, name: &str, header: &str) -> Result<BufWriter<File>> {
    let path = dir.join(format!("{name}.csv"));
    let f = File::create(&path).with_context(|| format!("creating {}", path.display()))?;
    let mut w = BufWriter::with_capacity(1 << 20, f);
    writeln!(w, "{header}")?;
    Ok(w)
}

/// Products with their share of accounts (percent), currency, rate and possible terms.
const PRODUCTS: &[(&str, u64, &str, &str, &[u32])] = &[
    ("demand", 38, "CNY", "0.35", &[]),
    ("time", 22, "CNY", "1.75", &[3, 6, 12, 24, 36, 60]),
    ("agreement", 8, "CNY", "1.00", &[]),
    ("notice", 5, "CNY", "0.80", &[]),
    ("margin", 7, "CNY", "1.30", &[0, 3, 6, 12]),
    ("flexible", 5, "CNY", "0.65", &[]),
    ("remittance_pending", 5, "CNY", "0", &[]),
    ("demand", 5, "USD", "0.05", &[]),
    ("time", 5, "CNY", "2.10", &[12]),
];

/// Writes the bank's data folder; returns the rows written per table.
pub fn write_bank(spec: &Spec, dir: &Path) -> Result<Vec<(&'static str, usize)>> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let mut rng = Rng(0x6B65_6A69_6E67 ^ u64::from(spec.scale));
    let mut counts = Vec::new();
    let first = spec.period.first_day();
    let last = spec.period.last_day();
    let mid = first + chrono::Days::new(15); // the 16th
    let since = NaiveDate::from_ymd_opt(first.year() - 1, 1, 1).unwrap_or(first);

    // Org units: head office, branches, sub-branches.
    let branches = (spec.scale as usize).clamp(2, 20);
    // Telephone and fax numbers for the advice letters' branch block (F1).
    let mut w = csv_file(
        dir,
        "org_units",
        "unit_id,name,parent_id,kind,telephone,fax",
    )?;
    writeln!(w, "HQ,总行,,head,0571-87000000,0571-87000001")?;
    let mut subs = Vec::new();
    for b in 1..=branches {
        writeln!(
            w,
            "B{b:02},第{b}分行,HQ,branch,0571-870{b:02}000,0571-870{b:02}001"
        )?;
        for s in 1..=3 {
            writeln!(
                w,
                "B{b:02}S{s},第{b}分行第{s}支行,B{b:02},sub_branch,0571-870{b:02}{s}10,0571-870{b:02}{s}11"
            )?;
            subs.push(format!("B{b:02}S{s}"));
        }
    }
    w.flush()?;
    counts.push(("org_units", 1 + branches * 4));

    let mut w = csv_file(dir, "tracks", "track,name,is_cm")?;
    writeln!(
        w,
        "corporate,公司客户经理,true\npersonal,个人客户经理,true\nspecialist,专业经理,false"
    )?;
    w.flush()?;
    counts.push(("tracks", 3));

    // The 6-grade ladder (A1) with staff grades and external titles (A12).
    let ladder = [
        ("高级", 6, "5等", "高级客户经理"),
        ("一级", 5, "6等", "客户经理"),
        ("二级", 4, "7等", "客户经理"),
        ("三级", 3, "8等", "客户经理"),
        ("四级", 2, "9等", "客户经理"),
        ("见习", 1, "9等", "客户经理"),
    ];
    let mut w = csv_file(dir, "grades", "track,grade,rank,staff_grade,title")?;
    for track in ["corporate", "personal"] {
        for (g, rank, staff, title) in ladder {
            writeln!(w, "{track},{g},{rank},{staff},{title}")?;
        }
    }
    w.flush()?;
    counts.push(("grades", 12));

    // Managers.
    let mut w = csv_file(
        dir,
        "managers",
        "manager_id,name,org,track,grade,staff_grade,status,hired_on,trial_end,base_salary,qualified",
    )?;
    let mut corporate = Vec::new();
    let mut personal = Vec::new();
    for i in 1..=spec.managers {
        let id = format!("M{i:05}");
        let name = person_name(&mut rng);
        let unit = &subs[rng.below(subs.len() as u64) as usize];
        let roll = rng.below(100);
        let (track, status) = match roll {
            0..=2 => ("specialist", "active"),
            3..=4 => ("personal", "back_office"),
            _ if roll.is_multiple_of(2) => ("corporate", "active"),
            _ => ("personal", "active"),
        };
        let (grade, staff, hired, trial_end) = if track == "specialist" {
            ("", "", NaiveDate::from_ymd_opt(2015, 3, 1), None)
        } else if rng.chance(8) {
            let hired = first - chrono::Days::new(30 + rng.below(300));
            (
                "见习",
                "9等",
                Some(hired),
                hired.checked_add_months(chrono::Months::new(12)),
            )
        } else {
            let (g, _, s, _) = ladder[rng.below(5) as usize];
            (
                g,
                s,
                NaiveDate::from_ymd_opt(
                    2008 + rng.below(15) as i32,
                    1 + rng.below(12) as u32,
                    1 + rng.below(28) as u32,
                ),
                None,
            )
        };
        let status = if grade == "见习" { "trainee" } else { status };
        let salary =
            Money::from_fen(i64::try_from(300_000 + rng.below(50) * 10_000).unwrap_or(300_000));
        // 资格认定 (A4): nine in ten CMs hold the qualification for their grade; specialists
        // are not CMs. Taken from the number, not the random stream, so the rest of the demo
        // stays as it was.
        let qualified = track != "specialist" && i % 10 != 7;
        writeln!(
            w,
            "{id},{name},{unit},{track},{grade},{staff},{status},{},{},{salary},{qualified}",
            hired.map(|d| d.to_string()).unwrap_or_default(),
            trial_end.map(|d| d.to_string()).unwrap_or_default()
        )?;
        if status == "active" || status == "trainee" {
            match track {
                "corporate" => corporate.push(id),
                "personal" => personal.push(id),
                _ => {}
            }
        }
    }
    w.flush()?;
    counts.push(("managers", spec.managers));
    if corporate.len() < 3 || personal.len() < 3 {
        bail!("the generated bank has too few managers per track; use a larger --scale");
    }

    // Clients.
    let mut w = csv_file(
        dir,
        "clients",
        "client_id,name,kind,client_type,agreement,loan_card",
    )?;
    let mut is_company = Vec::with_capacity(spec.clients);
    for i in 1..=spec.clients {
        let company = rng.chance(30);
        is_company.push(company);
        if company {
            let name = format!(
                "{}{}{}",
                COMPANY_WORDS[rng.below(COMPANY_WORDS.len() as u64) as usize],
                i,
                COMPANY_KINDS[rng.below(COMPANY_KINDS.len() as u64) as usize]
            );
            let ty = ["大型企业", "中型企业", "小型企业", "微型企业"][rng.below(4) as usize];
            writeln!(
                w,
                "C{i:07},{name},company,{ty},false,LC{:014}",
                rng.below(100_000_000_000_000)
            )?;
        } else {
            let ty = ["普通客户", "贵宾客户", "私人银行客户"][rng.below(3) as usize];
            writeln!(w, "C{i:07},{},person,{ty},false,", person_name(&mut rng))?;
        }
    }
    w.flush()?;
    counts.push(("clients", spec.clients));

    // Accounts: every client has one, the rest are spread at random.
    let total_share: u64 = PRODUCTS.iter().map(|p| p.1).sum();
    let mut w = csv_file(
        dir,
        "accounts",
        "account_id,client_id,product,currency,rate,term_months,opened_on",
    )?;
    let mut account_client = Vec::with_capacity(spec.accounts);
    for i in 1..=spec.accounts {
        let client = if i <= spec.clients {
            i
        } else {
            1 + rng.below(spec.clients as u64) as usize
        };
        account_client.push(client);
        let mut pick = rng.below(total_share);
        let mut product = PRODUCTS[0];
        for p in PRODUCTS {
            if pick < p.1 {
                product = *p;
                break;
            }
            pick -= p.1;
        }
        let (name, _, currency, rate, terms) = product;
        let term = if terms.is_empty() {
            String::new()
        } else {
            terms[rng.below(terms.len() as u64) as usize].to_string()
        };
        let opened = since - chrono::Days::new(rng.below(3000));
        writeln!(
            w,
            "A{i:08},C{client:07},{name},{currency},{rate},{term},{opened}"
        )?;
    }
    w.flush()?;
    counts.push(("accounts", spec.accounts));

    // Ownership: client level, 10 % shared, 2 % transferred on the 16th; 3 % of accounts
    // overridden at account level.
    let mut w = csv_file(
        dir,
        "ownership",
        "client_id,account_id,manager_id,ratio,from,to",
    )?;
    let mut rows = 0;
    for (idx, company) in is_company.iter().enumerate() {
        let c = idx + 1;
        let pool = if *company { &corporate } else { &personal };
        let a = &pool[rng.below(pool.len() as u64) as usize];
        let roll = rng.below(100);
        if roll < 10 {
            let mut b = &pool[rng.below(pool.len() as u64) as usize];
            if b == a {
                b = &pool[(pool.iter().position(|x| x == a).unwrap_or(0) + 1) % pool.len()];
            }
            let (ra, rb) = if roll < 5 {
                ("0.6", "0.4")
            } else {
                ("0.5", "0.5")
            };
            writeln!(w, "C{c:07},,{a},{ra},{since},\nC{c:07},,{b},{rb},{since},")?;
            rows += 2;
        } else if roll < 12 {
            let mut b = &pool[rng.below(pool.len() as u64) as usize];
            if b == a {
                b = &pool[(pool.iter().position(|x| x == a).unwrap_or(0) + 1) % pool.len()];
            }
            let before = mid - chrono::Days::new(1);
            writeln!(w, "C{c:07},,{a},1,{since},{before}\nC{c:07},,{b},1,{mid},")?;
            rows += 2;
        } else {
            writeln!(w, "C{c:07},,{a},1,{since},")?;
            rows += 1;
        }
    }
    for (idx, client) in account_client.iter().enumerate() {
        if rng.chance(3) {
            let pool = if is_company[client - 1] {
                &corporate
            } else {
                &personal
            };
            let m = &pool[rng.below(pool.len() as u64) as usize];
            writeln!(w, "C{client:07},A{:08},{m},1,{first},", idx + 1)?;
            rows += 1;
        }
    }
    w.flush()?;
    counts.push(("ownership", rows));

    // Targets: a monthly deposit target per customer manager.
    let mut w = csv_file(dir, "targets", "manager_id,period,measure,target")?;
    let mut n = 0;
    for m in corporate.iter().chain(&personal) {
        writeln!(
            w,
            "{m},{},deposit_avg,{}",
            spec.period,
            60_000_000 + rng.below(100) * 1_000_000
        )?;
        n += 1;
    }
    w.flush()?;
    counts.push(("targets", n));

    // Balances: a month of end-of-day balances, a random walk per account.
    let days: Vec<String> = (0..spec.period.days())
        .map(|d| (first + chrono::Days::new(d as u64)).to_string())
        .collect();
    let mut w = csv_file(dir, "balances", "account_id,date,balance")?;
    let mut n = 0;
    for i in 1..=spec.accounts {
        let magnitude =
            [100_000u64, 1_000_000, 10_000_000, 100_000_000, 500_000_000][rng.below(5) as usize];
        let mut fen = i64::try_from(rng.below(magnitude)).unwrap_or(0);
        for day in &days {
            let step = i64::try_from(rng.below(2001)).unwrap_or(1000) - 1000;
            fen = (fen + step * (fen / 100_000 + 1)).max(0);
            writeln!(w, "A{i:08},{day},{}", Money::from_fen(fen))?;
            n += 1;
        }
    }
    w.flush()?;
    counts.push(("balances", n));
    let _ = last;
    counts.extend(crate::generate_registers::write_registers(
        spec, dir, &corporate, &personal,
    )?);
    counts.extend(crate::generate_advice::write_advice(
        spec,
        dir,
        &is_company,
    )?);
    Ok(counts)
}

/// The oil distributor (C2) with its traditional client list (B4): the 16 clients, their
/// quantities and amounts over the last 6 months, maintained by 武立新.
pub fn write_oil(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let mut w = csv_file(dir, "tracks", "track,name,is_cm")?;
    writeln!(w, "sales,客户经理,true\nother,其他人员,false")?;
    w.flush()?;
    let mut w = csv_file(
        dir,
        "managers",
        "manager_id,name,track,status,hired_on,base_salary,maintains_client_list",
    )?;
    writeln!(w, "O001,武立新,sales,active,2011-03-01,2000,true")?;
    writeln!(w, "O002,孙晓明,sales,active,2012-06-15,2000,false")?;
    writeln!(w, "O003,赵海涛,sales,active,2013-08-20,1800,false")?;
    writeln!(w, "O004,钱丽,other,active,2010-01-04,1500,false")?;
    w.flush()?;
    // (name, quantity, amount, client type, manager)
    let list: [(&str, &str, &str, &str, &str); 16] = [
        ("美玲贸易", "115", "253287", "代理经销商", "O001"),
        (
            "日照市银海工程机械公司",
            "15",
            "6409",
            "中小型工矿企业",
            "O002",
        ),
        ("益桥物流", "55", "11855", "物流车队", "O002"),
        (
            "日照新日通沥青有限公司",
            "1",
            "2935",
            "中小型工矿企业",
            "O003",
        ),
        ("钢厂", "1732", "2936025.64", "规模以上企业", "O001"),
        (
            "蒙阴广汇建材贸易有限公司",
            "318",
            "995152",
            "代理经销商",
            "O001",
        ),
        ("中铁二十三局", "18", "4605.1", "规模以上企业", "O002"),
        ("中联水泥", "31", "31219.2", "规模以上企业", "O003"),
        ("岚山蒋经理", "110", "284053", "维修部", "O002"),
        ("岚山王世峰", "5", "13500", "维修部", "O003"),
        ("岚山黄经理", "10", "26180", "维修部", "O003"),
        ("莒县海汇", "3004", "679070", "代理经销商", "O001"),
        (
            "日照市公路管理局工程处",
            "267",
            "96158",
            "中小型工矿企业",
            "O002",
        ),
        ("日照山海物流有限公司", "155", "47486.4", "物流车队", "O003"),
        ("强丰机械", "2923", "975811.91", "中小型工矿企业", "O001"),
        ("德丰润滑油", "10", "25050", "代理经销商", "O002"),
    ];
    let mut clients = csv_file(
        dir,
        "clients",
        "client_id,name,kind,client_type,agreement,traditional",
    )?;
    let mut sales = csv_file(
        dir,
        "sales",
        "sale_id,date,manager_id,client_id,quantity,amount",
    )?;
    let mut owners = csv_file(dir, "ownership", "client_id,manager_id,ratio,from")?;
    for (i, (name, qty, amount, ty, m)) in list.iter().enumerate() {
        let id = format!("K{:02}", i + 1);
        // On the traditional client list (B4): old clients by definition, never new ones.
        writeln!(clients, "{id},{name},company,{ty},false,true")?;
        // The list gives the six months' totals before the scheme took effect on 2013-07-01
        // (2013-01 to 2013-06); each is one line at the end of that window, so it is history
        // and no part of the months the scheme pays.
        writeln!(sales, "B4-{:02},2013-06-30,{m},{id},{qty},{amount}", i + 1)?;
        writeln!(owners, "{id},{m},1,2013-01-01")?;
    }
    // A new client found in the quarter (not on the list): 日照港达物流, a 物流车队, whose
    // shipments by 赵海涛 reach 2 t in September (new-client award 300).
    writeln!(clients, "K17,日照港达物流,company,物流车队,false,false")?;
    writeln!(owners, "K17,O003,1,2013-08-01")?;
    writeln!(sales, "Q3-01,2013-08-26,O003,K17,1.2,3360")?;
    writeln!(sales, "Q3-02,2013-09-09,O003,K17,1,2800")?;
    // The quarter's cash received (回款), on which completion and commission are computed:
    // (id, date, manager, client, tons, amount, gross profit). 武立新 4 t a month (133 %,
    // 15 %), 孙晓明 2 t (67 %, 10 %), 赵海涛 (hired 2013-08-20) 1 t in August and September
    // (33 %, 6 % and the base-salary cut), 钱丽 (other staff) 1 t in September at 6 % with no
    // quota.
    let mut payments = csv_file(
        dir,
        "payments",
        "payment_id,date,manager_id,client_id,quantity,amount,gross_profit",
    )?;
    let mut n = 0;
    for month in ["07", "08", "09"] {
        for (m, client, tons, amount, profit) in [
            ("O001", "K05", "4", "12000", "1600"),
            ("O002", "K09", "2", "5600", "700"),
            ("O003", "K14", "1", "2900", "350"),
        ] {
            if m == "O003" && month == "07" {
                continue; // not hired yet
            }
            n += 1;
            writeln!(
                payments,
                "H{n:02},2013-{month}-28,{m},{client},{tons},{amount},{profit}"
            )?;
            writeln!(
                sales,
                "S{n:02},2013-{month}-26,{m},{client},{tons},{amount}"
            )?;
        }
    }
    writeln!(payments, "H10,2013-09-25,O004,K16,1,2500,300")?;
    payments.flush()?;
    clients.flush()?;
    sales.flush()?;
    owners.flush()?;
    let mut t = csv_file(dir, "targets", "manager_id,period,measure,target")?;
    for m in ["O001", "O002", "O003"] {
        for month in ["2013-07", "2013-08", "2013-09"] {
            writeln!(t, "{m},{month},quantity,3")?;
        }
    }
    t.flush()?;
    // Each customer manager's own monthly tally (自建统计表, B3), reconciled with the keeper's
    // figures before the 18th. They agree, except that in August 孙晓明 wrote 5,500 of cash
    // received where the keeper has 5,600: August is not reconciled until one of them is
    // corrected or an approver overrides it (the demo settles September).
    let mut t = csv_file(dir, "tallies", "manager_id,period,measure,value,note")?;
    for month in ["07", "08", "09"] {
        for (m, shipped, paid, cash) in [
            ("O001", "4", "4", "12000"),
            ("O002", "2", "2", "5600"),
            ("O003", "1", "1", "2900"),
        ] {
            if m == "O003" && month == "07" {
                continue;
            }
            // 赵海涛 also shipped K17's tons in August and September.
            let shipped = match (m, month) {
                ("O003", "08") => "2.2",
                ("O003", "09") => "2",
                _ => shipped,
            };
            let (cash, note) = if m == "O002" && month == "08" {
                ("5500", "自记回款 5500")
            } else {
                (cash, "")
            };
            writeln!(t, "{m},2013-{month},shipped_quantity,{shipped},{note}")?;
            writeln!(t, "{m},2013-{month},paid_quantity,{paid},")?;
            writeln!(t, "{m},2013-{month},cash_received,{cash},")?;
        }
    }
    t.flush()?;
    Ok(())
}

/// The hotel (C3) for the demo: four customer managers and a month of bookings that show each
/// rule of 客户经理规章制度 — registered an hour ahead and approved (paid 1.5 %), registered too
/// late, an agreement unit (协议单位), a complaint, a booking the manager's call-back found
/// collusive (串通), one not approved — and the A/B/C awards of September 2013.
pub fn write_hotel(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let mut w = csv_file(dir, "managers", "manager_id,name,hired_on")?;
    writeln!(
        w,
        "H001,李红,2012-03-01\nH002,王军,2011-07-15\nH003,赵敏,2013-02-01\nH004,陈刚,2013-05-20"
    )?;
    w.flush()?;
    let mut w = csv_file(dir, "clients", "client_id,name,kind,agreement")?;
    writeln!(
        w,
        "U01,日照港务局,company,true\nU02,岚山钢铁有限公司,company,false\nU03,张先生,person,false\nU04,日照银行,company,false\nU05,海滨旅行社,company,false"
    )?;
    w.flush()?;
    let mut w = csv_file(
        dir,
        "bookings",
        "booking_id,manager_id,client_id,registered_at,arrival_at,amount,approved,complaint,spot_check",
    )?;
    for row in [
        // 12,000 registered nine hours ahead, approved: 180 of commission.
        "B01,H001,U02,2013-09-03 09:00,2013-09-03 18:00,12000,true,false,",
        // Registered 30 minutes before the client arrived: no credit.
        "B02,H001,U04,2013-09-10 14:00,2013-09-10 14:30,8000,true,false,",
        // 20,000 the day before, approved and confirmed by call-back: 300.
        "B03,H002,U05,2013-09-12 10:00,2013-09-13 12:00,20000,true,false,confirmed",
        // An agreement unit: earns nothing.
        "B04,H002,U01,2013-09-15 09:00,2013-09-16 12:00,5000,true,false,",
        // A complaint about wrong booking data: earns nothing.
        "B05,H003,U03,2013-09-18 08:00,2013-09-18 19:00,6000,true,true,",
        // The manager's call-back found it collusive (串通): earns nothing.
        "B06,H003,U04,2013-09-20 10:00,2013-09-21 12:00,9000,true,false,collusive",
        // 4,000, approved, confirmed: 60.
        "B07,H004,U05,2013-09-22 09:00,2013-09-22 20:00,4000,true,false,confirmed",
        // Not approved by the manager: no credit.
        "B08,H004,U02,2013-09-25 09:00,2013-09-26 12:00,3000,false,false,",
    ] {
        writeln!(w, "{row}")?;
    }
    w.flush()?;
    Ok(())
}
