//! User verbs (add, list) and the demo accounts.

use super::{Global, UserCommand, open, org};
use anyhow::{Result, anyhow};
use kejing_app::access::{self, Actor, UserInput};
use kejing_app::settlement;
use kejing_store::{Org, Store};
use std::path::Path;

pub fn user(g: &Global, command: UserCommand) -> Result<()> {
    match command {
        UserCommand::Add {
            org: code,
            username,
            role,
            name,
            manager,
            unit,
            password,
        } => {
            let mut store = open(g)?;
            let org = org(&mut store, &code)?;
            let added = add_user(
                &mut store,
                &org,
                &username,
                name.as_deref().unwrap_or(&username),
                &role,
                manager.as_deref(),
                unit.as_deref(),
                &password,
            )?;
            if added {
                outln!("user {username} added ({role}) to {}", org.code);
            } else {
                outln!("user {username} exists already: left as it is");
            }
            Ok(())
        }
        UserCommand::Unlock {
            org: code,
            username,
        } => {
            let mut store = open(g)?;
            let org = org(&mut store, &code)?;
            let actor = Actor::admin(&org, store.actor());
            kejing_app::login::unlock(&mut store, &actor, &username)?;
            outln!("user {username} unlocked");
            Ok(())
        }
        UserCommand::List { org: code } => {
            let mut store = open(g)?;
            let org = org(&mut store, &code)?;
            outln!("username,role,manager,org_unit,lang,locked_until");
            for u in store.users(&org)? {
                outln!(
                    "{},{},{},{},{},{}",
                    u.username,
                    u.role,
                    u.manager_code.unwrap_or_default(),
                    u.org_unit.unwrap_or_default(),
                    u.lang,
                    u.locked_until.map(|t| t.to_string()).unwrap_or_default()
                );
            }
            Ok(())
        }
    }
}

/// Adds a user with a hashed password; whether it was added (an existing name is kept).
#[allow(clippy::too_many_arguments)]
pub fn add_user(
    store: &mut Store,
    org: &Org,
    username: &str,
    name: &str,
    role: &str,
    manager: Option<&str>,
    unit: Option<&str>,
    password: &str,
) -> Result<bool> {
    let actor = Actor::admin(org, store.actor());
    Ok(access::add_user(
        store,
        &actor,
        &UserInput {
            username,
            name,
            role,
            manager,
            unit,
            password,
        },
    )?)
}

/// The password of every demo account.
pub const DEMO_PASSWORD: &str = "kejing2026";

/// Demo accounts for each role, and a settled period to look at; returns what to print.
pub fn demo_web(store: &mut Store, policies: &Path) -> Result<String> {
    let bank = org(store, "demo-bank")?;
    let oil = org(store, "oil")?;
    let hotel = org(store, "hotel")?;
    type Account<'a> = (
        &'a Org,
        &'a str,
        &'a str,
        &'a str,
        Option<&'a str>,
        Option<&'a str>,
    );
    let accounts: [Account<'_>; 9] = [
        (
            &bank,
            "admin",
            "绩效管理员 Performance office",
            "admin",
            None,
            None,
        ),
        (&bank, "auditor", "审计 Auditor", "auditor", None, None),
        // A second person of the performance office: approves the runs the first submits.
        (
            &bank,
            "reviewer",
            "绩效复核员 Reviewer",
            "admin",
            None,
            None,
        ),
        (
            &bank,
            "branch",
            "第1分行行长 Branch head",
            "branch_head",
            None,
            Some("B01"),
        ),
        (
            &bank,
            "team",
            "第1分行第3支行团队负责人 Team head",
            "team_head",
            None,
            Some("B01S3"),
        ),
        (&bank, "cm", "张芳 M00001", "manager", Some("M00001"), None),
        (&oil, "oil-admin", "油品公司绩效管理员", "admin", None, None),
        (
            &oil,
            "oil-reviewer",
            "油品公司绩效复核员",
            "admin",
            None,
            None,
        ),
        (
            &hotel,
            "hotel-admin",
            "饭店营销部绩效管理员",
            "admin",
            None,
            None,
        ),
    ];
    for (o, user, name, role, manager, unit) in accounts {
        add_user(store, o, user, name, role, manager, unit, DEMO_PASSWORD)?;
    }
    store.set_actor("demo");
    // Each organisation uses its own policies (the pages list only these).
    let uses: [(&Org, &[&str]); 3] = [
        (
            &bank,
            &[
                "abc-grades",
                "bank-11-tiers",
                "bank-grades",
                "bank-performance",
                "ccb-advice",
                "ccb-team",
                "cixi-deposits",
                "rcc-review",
                "rcc-selection",
                "selection-round",
            ],
        ),
        (&oil, &["oil-distributor"]),
        (&hotel, &["hotel-sales"]),
    ];
    for (o, names) in uses {
        let have: Vec<String> = store
            .adopted_policies(o)?
            .into_iter()
            .map(|p| p.policy)
            .collect();
        for name in names.iter().filter(|n| !have.iter().any(|h| h == *n)) {
            store.set_policy_adopted(o, name, true)?;
        }
    }
    let settle = |store: &mut Store, o: &Org, policy: &str, period: &str| -> Result<()> {
        let period: kejing_engine::Period = period.parse().map_err(|e| anyhow!("{e}"))?;
        if store.latest_run(o, period)?.is_none() {
            let p = kejing_app::catalogue::load(&policies.join(policy).join("policy.toml"))?;
            settlement::run(store, &Actor::admin(o, "demo"), &p, period)?;
        }
        Ok(())
    };
    settle(store, &bank, "cixi-deposits", "2026-09")?;
    settle(store, &oil, "oil-distributor", "2013-09")?;
    settle(store, &hotel, "hotel-sales", "2013-09")?;
    demo_today(store, &bank)?;
    Ok(format!(
        "Demo accounts 演示账号 (password 密码 {DEMO_PASSWORD}):\n  admin      绩效管理员 performance office (everything)\n  reviewer   绩效复核员 second person of the office (approves the runs admin submits)\n  auditor    审计 auditor (read-only, audit log)\n  branch     支行行长 branch head of B01 第1分行\n  team       团队负责人 team head of B01S3\n  cm         客户经理 customer manager M00001 张芳\n  oil-admin  绩效管理员 of the oil distributor (oil-reviewer approves its runs)\n  hotel-admin  绩效管理员 of the hotel\n  Daily management 日常管理: /daily (cm), /daily/team (team; ?day=2026-09-16 for the generated month)"
    ))
}

/// Today's registers of a few demo customer managers (E3), so that the daily pages show a live
/// day: an outing still out (overdue once 17:00 has passed), one back, yesterday's log waiting
/// for the head's signature. Kept by key: running the demo again adds nothing.
fn demo_today(store: &mut Store, bank: &Org) -> Result<()> {
    use kejing_engine::registers::Register;
    let office = Actor::admin(bank, "demo");
    let today = store.today();
    let yesterday = today.pred_opt().unwrap_or(today);
    let managers: Vec<String> = store
        .load_managers(bank)?
        .into_iter()
        .filter(|m| m.org.as_deref() == Some("B01S3") && m.status == "active")
        .map(|m| m.id)
        .take(3)
        .chain(std::iter::once("M00001".to_owned()))
        .collect();
    for (i, m) in managers.iter().enumerate() {
        let row = |pairs: &[(&str, String)]| -> std::collections::BTreeMap<String, String> {
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), v.clone()))
                .collect()
        };
        let key = format!("D{}-{m}", today.format("%Y%m%d"));
        let rows = [
            (
                Register::Outings,
                row(&[
                    ("outing_id", format!("{key}-1")),
                    ("client_id", format!("C{:07}", 101 + i)),
                    ("purpose", "走访".to_owned()),
                    ("left_at", format!("{today} 09:{:02}", 10 + i * 7)),
                    ("expected_back_at", format!("{today} 15:30")),
                ]),
            ),
            (
                Register::Outings,
                row(&[
                    ("outing_id", format!("{key}-2")),
                    ("client_id", format!("C{:07}", 201 + i)),
                    ("purpose", "贷后检查".to_owned()),
                    ("left_at", format!("{today} 08:50")),
                    ("returned_at", format!("{today} 11:40")),
                ]),
            ),
            (
                Register::Visits,
                row(&[
                    ("visit_id", format!("{key}-V2")),
                    ("client_id", format!("C{:07}", 201 + i)),
                    ("outing_id", format!("{key}-2")),
                    ("visited_on", today.to_string()),
                    ("person", "财务负责人".to_owned()),
                    ("purpose", "贷后检查".to_owned()),
                    ("outcome", "经营正常".to_owned()),
                    ("next_step", "下月回访".to_owned()),
                ]),
            ),
            (
                Register::WorkLogs,
                row(&[
                    ("date", yesterday.to_string()),
                    ("text", "走访客户，整理贷后资料".to_owned()),
                ]),
            ),
        ];
        for (register, cells) in rows {
            match kejing_app::daily::record(store, &office, register, m, &cells) {
                Ok(_) => {}
                Err(e) if e.kind() == Some(kejing_app::error::Kind::Conflict) => {}
                Err(e) => return Err(anyhow!("demo {} of {m}: {e}", register.name())),
            }
        }
    }
    Ok(())
}
