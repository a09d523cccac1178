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
    let accounts: [Account<'_>; 7] = [
        (
            &bank,
            "admin",
            "绩效管理员 Performance office",
            "admin",
            None,
            None,
        ),
        (&bank, "auditor", "审计 Auditor", "auditor", None, None),
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
    Ok(format!(
        "Demo accounts 演示账号 (password 密码 {DEMO_PASSWORD}):\n  admin      绩效管理员 performance office (everything)\n  auditor    审计 auditor (read-only, audit log)\n  branch     支行行长 branch head of B01 第1分行\n  team       团队负责人 team head of B01S3\n  cm         客户经理 customer manager M00001 张芳\n  oil-admin  绩效管理员 of the oil distributor\n  hotel-admin  绩效管理员 of the hotel"
    ))
}
