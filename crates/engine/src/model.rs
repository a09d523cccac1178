//! Small closed vocabularies of the domain, parsed from English or Chinese.

use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! vocabulary {
    ($(#[$doc:meta])* $name:ident, $what:literal { $($variant:ident => $canon:literal, $zh:literal $(| $alias:literal)*;)+ }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant,)+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            /// The canonical (English) code used in files and the database.
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $canon,)+ }
            }

            /// The Chinese name shown to users.
            pub fn zh(self) -> &'static str {
                match self { $($name::$variant => $zh,)+ }
            }

            /// Accepts the English code or the Chinese name (and listed aliases), case-insensitively.
            pub fn parse(text: &str) -> Option<Self> {
                let t = text.trim();
                $(
                    if t.eq_ignore_ascii_case($canon) || t == $zh $(|| t == $alias)* {
                        return Some($name::$variant);
                    }
                )+
                None
            }

            /// The accepted spellings, for error messages.
            pub fn expected() -> String {
                format!("{} is one of {}", $what, Self::choices())
            }

            /// The accepted values with their Chinese names: `active (在岗), trainee (见习)`.
            pub fn choices() -> String {
                let all: Vec<String> = vec![$(format!("{} ({})", $canon, $zh),)+];
                all.join(", ")
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.code())
            }
        }
    };
}

vocabulary! {
    /// Whether a person is in post as a customer manager (A3, A7).
    ManagerStatus, "status" {
        Active => "active", "在岗";
        Trainee => "trainee", "见习";
        Trial => "trial", "试岗";
        Dismissed => "dismissed", "解聘";
        BackOffice => "back_office", "内勤";
    }
}

impl ManagerStatus {
    /// Whether the status is paid as a customer manager (内勤 and dismissed are not, A3).
    pub fn is_paid_as_cm(self) -> bool {
        matches!(
            self,
            ManagerStatus::Active | ManagerStatus::Trainee | ManagerStatus::Trial
        )
    }
}

vocabulary! {
    /// A client is a company or a person (B1).
    ClientKind, "kind" {
        Company => "company", "公司" | "企业" | "对公";
        Person => "person", "个人" | "对私";
    }
}

vocabulary! {
    /// A rater's relation to the person assessed (D3).
    Relation, "relation" {
        SelfRating => "self", "自评" | "本人";
        Superior => "superior", "上级";
        Peer => "peer", "同级" | "同事";
        Subordinate => "subordinate", "下级";
    }
}

vocabulary! {
    /// The level of an org unit in the tree (总行 → 分行 → 支行 → 部门/团队).
    UnitKind, "unit kind" {
        Head => "head", "总行" | "总部" | "公司";
        Branch => "branch", "分行" | "分公司";
        SubBranch => "sub_branch", "支行" | "网点";
        Department => "department", "部门";
        Team => "team", "团队" | "小组";
    }
}

/// Parses a yes/no cell: `true/false`, `yes/no`, `1/0`, `是/否`, `Y/N`.
pub fn parse_flag(text: &str) -> Option<bool> {
    match text.trim().to_ascii_lowercase().as_str() {
        "true" | "yes" | "y" | "1" | "是" | "有" => Some(true),
        "false" | "no" | "n" | "0" | "否" | "无" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vocabularies_read_english_and_chinese() {
        assert_eq!(
            ManagerStatus::parse("内勤"),
            Some(ManagerStatus::BackOffice)
        );
        assert_eq!(ManagerStatus::parse("Active"), Some(ManagerStatus::Active));
        assert!(!ManagerStatus::BackOffice.is_paid_as_cm());
        assert_eq!(ClientKind::parse("个人"), Some(ClientKind::Person));
        assert_eq!(Relation::parse("self"), Some(Relation::SelfRating));
        assert_eq!(Relation::SelfRating.code(), "self");
        assert_eq!(parse_flag("是"), Some(true));
        assert_eq!(parse_flag("maybe"), None);
        assert!(ClientKind::expected().contains("company (公司)"));
    }
}
