use super::*;
use crate::policy::Policy;

const POLICY: &str = r#"
[policy]
name = "t"
frequency = "monthly"

[advice]
valid_months = 12
remind_days = 30

[[advice.questions]]
id = "q1"
text = "年龄"
options = [{ id = "A", text = "30 岁以下", score = 3 }, { id = "B", text = "30–70 岁", score = 2 }, { id = "C", text = "70 岁以上", score = 0 }]

[[advice.questions]]
id = "q2"
text = "损失承受"
options = [{ id = "A", text = "不能亏损", score = 0 }, { id = "B", text = "10% 以内", score = 4 }, { id = "C", text = "30% 以内", score = 7 }]

[[advice.bands]]
level = "C1"
min = 0
max = 2
[[advice.bands]]
level = "C2"
min = 3
max = 4
[[advice.bands]]
level = "C3"
min = 5
max = 6
[[advice.bands]]
level = "C4"
min = 7
max = 8
[[advice.bands]]
level = "C5"
min = 9
max = 10

[[advice.caps]]
name = "年龄 70 岁以上"
question = "q1"
answers = ["C"]
max = "C2"

[advice.suitability]
C1 = ["R1"]
C2 = ["R1", "R2"]
C3 = ["R1", "R2", "R3"]
C4 = ["R1", "R2", "R3", "R4"]
C5 = ["R1", "R2", "R3", "R4", "R5"]

[[advice.classes]]
id = "cash"
name = "现金类"
return = "1.2"
liquid = true
[[advice.classes]]
id = "equity"
name = "权益类"
return = "6"

[advice.models]
C1 = { cash = "100" }
C2 = { cash = "80", equity = "20" }
C3 = { cash = "50", equity = "50" }
C4 = { cash = "30", equity = "70" }
C5 = { cash = "10", equity = "90" }

[advice.classify]
"活期存款" = "cash"
"股票" = "equity"
"房产" = "none"

[advice.assumptions]
inflation = "2.4"
"#;

fn policy(text: &str) -> Result<Policy, Vec<crate::policy::PolicyError>> {
    Policy::load("t.toml", text)
}

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn answers(client: &str, on: &str, picks: &[(&str, &str)]) -> Vec<Answer> {
    picks
        .iter()
        .enumerate()
        .map(|(i, (q, o))| Answer {
            client: client.to_owned(),
            answered_on: d(on),
            question: (*q).to_owned(),
            option: (*o).to_owned(),
            source: format!("risk_answers.csv:{}", i + 2),
        })
        .collect()
}

#[test]
fn scores_band_and_cap() {
    let p = policy(POLICY).unwrap();
    let a = p.advice.as_ref().unwrap();
    let ans = answers("K1", "2026-03-01", &[("q1", "A"), ("q2", "C")]);
    let r = assess_client(a, &ans, "K1", d("2026-09-30")).unwrap();
    assert_eq!((r.score, r.level.to_string()), (10, "C5".to_owned()));
    assert_eq!(r.valid_until, d("2027-02-28"));
    assert_eq!(r.status, Validity::Valid);

    let ans = answers("K2", "2026-03-01", &[("q1", "C"), ("q2", "C")]);
    let r = assess_client(a, &ans, "K2", d("2026-09-30")).unwrap();
    assert_eq!(
        (r.score, r.scored.to_string(), r.level.to_string()),
        (7, "C4".to_owned(), "C2".to_owned())
    );
    assert_eq!(r.capped_by, vec!["年龄 70 岁以上".to_owned()]);

    let err = current_assessment(a, &ans, "K2", d("2027-03-01")).unwrap_err();
    assert!(err.to_string().contains("expired on 2027-02-28"), "{err}");
    let due = assess_client(a, &ans, "K2", d("2027-02-01")).unwrap();
    assert_eq!(due.status, Validity::Due);
}

#[test]
fn refuses_bad_answers() {
    let p = policy(POLICY).unwrap();
    let a = p.advice.as_ref().unwrap();
    let e = assess_client(
        a,
        &answers("K", "2026-03-01", &[("q1", "A")]),
        "K",
        d("2026-04-01"),
    )
    .unwrap_err();
    assert!(e.to_string().contains("no answer to q2"), "{e}");
    let e = assess_client(
        a,
        &answers("K", "2026-03-01", &[("q1", "Z"), ("q2", "A")]),
        "K",
        d("2026-04-01"),
    )
    .unwrap_err();
    assert!(
        e.to_string()
            .contains("risk_answers.csv:2: question q1 has no option \"Z\""),
        "{e}"
    );
    let e = assess_client(
        a,
        &answers("K", "2026-03-01", &[("q9", "A")]),
        "K",
        d("2026-04-01"),
    )
    .unwrap_err();
    assert!(
        e.to_string()
            .contains("question \"q9\" is not in the policy"),
        "{e}"
    );
}

#[test]
fn suitability_names_both_levels() {
    let p = policy(POLICY).unwrap();
    let a = p.advice.as_ref().unwrap();
    let prod = Product {
        id: "P4".into(),
        name: "股票基金".into(),
        kind: "股票".into(),
        level: ProductLevel::parse("R4").unwrap(),
        expected_return: None,
        term_months: None,
        min_amount: None,
    };
    let e = check_suitable(a, "K2", InvestorLevel::parse("C2").unwrap(), &prod).unwrap_err();
    let m = e.to_string();
    assert!(
        m.contains("P4") && m.contains("R4") && m.contains("C2"),
        "{m}"
    );
    assert!(check_suitable(a, "K1", InvestorLevel::parse("C4").unwrap(), &prod).is_ok());
}

#[test]
fn loader_finds_gaps_sums_and_caps() {
    let gap = POLICY.replace("min = 5\nmax = 6", "min = 6\nmax = 6");
    let e = policy(&gap).unwrap_err();
    assert!(
        e.iter()
            .any(|e| e.message.contains("scores 5 to 5 fall in no band")),
        "{e:?}"
    );
    let sum = POLICY.replace(
        "C2 = { cash = \"80\", equity = \"20\" }",
        "C2 = { cash = \"80\", equity = \"19.99\" }",
    );
    let e = policy(&sum).unwrap_err();
    assert!(
        e.iter().any(|e| e.message.contains("C2 sums to 99.99 %")),
        "{e:?}"
    );
    let cap = POLICY.replace("answers = [\"C\"]", "answers = [\"X\"]");
    let e = policy(&cap).unwrap_err();
    assert!(
        e.iter()
            .any(|e| e.message.contains("has no option \"X\"") && e.line > 0),
        "{e:?}"
    );
    let top = POLICY.replace("min = 9\nmax = 10", "min = 9\nmax = 9");
    let e = policy(&top).unwrap_err();
    assert!(
        e.iter()
            .any(|e| e.message.contains("scores 10 to 10 fall in no band")),
        "{e:?}"
    );
}

#[test]
fn plan_is_exact() {
    let p = policy(POLICY).unwrap();
    let a = p.advice.as_ref().unwrap();
    let f = |kind: FinanceKind, category: &str, amount: &str| FinanceLine {
        client: "K1".into(),
        as_of: d("2026-09-01"),
        kind,
        category: category.into(),
        amount: amount.parse().unwrap(),
    };
    let data = AdviceData {
        finances: vec![
            f(FinanceKind::Income, "工资", "240000"),
            f(FinanceKind::Expense, "生活", "120000"),
            f(FinanceKind::Asset, "活期存款", "60000"),
            f(FinanceKind::Asset, "股票", "140000"),
            f(FinanceKind::Asset, "房产", "2000000"),
            f(FinanceKind::Liability, "房贷", "1100000"),
        ],
        goals: vec![Goal {
            client: "K1".into(),
            goal: "子女教育".into(),
            amount: "300000".parse().unwrap(),
            due_on: d("2036-09-30"),
            source: "goals.csv:2".into(),
        }],
        ..AdviceData::default()
    };
    let plan = plan_for(
        a,
        &data,
        "K1",
        InvestorLevel::parse("C3").unwrap(),
        d("2026-09-30"),
    )
    .unwrap();
    let pr = &plan.profile;
    assert_eq!(pr.savings_rate, Some("50.00".parse().unwrap()));
    assert_eq!(pr.liquidity_months, Some("6.0".parse().unwrap()));
    assert_eq!(pr.debt_ratio, Some("50.00".parse().unwrap()));
    assert_eq!(plan.financial_assets, "200000.00".parse().unwrap());
    assert_eq!(plan.allocation[0].now, "30.00".parse().unwrap());
    assert_eq!(plan.allocation[1].now, "70.00".parse().unwrap());
    // 50 % × 1.2 + 50 % × 6 = 3.6 % a year.
    assert_eq!(plan.expected_return, "3.6".parse().unwrap());
    let g = &plan.goals[0];
    assert_eq!(g.months, 120);
    // 300,000 × (1 + 0.002)^120 = 381,283.35 (exactly 381,283.3479…); assets and 10,000 a month cover it.
    assert_eq!(g.needed, "381283.35".parse().unwrap());
    assert!(g.gap.is_zero() && g.extra_monthly.is_zero());

    let mut past = data.clone();
    past.goals[0].due_on = d("2026-01-01");
    let e = plan_for(
        a,
        &past,
        "K1",
        InvestorLevel::parse("C3").unwrap(),
        d("2026-09-30"),
    )
    .unwrap_err();
    assert!(
        e.to_string()
            .contains("goals.csv:2: goal \"子女教育\" is due on 2026-01-01, before"),
        "{e}"
    );
}
