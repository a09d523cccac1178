//! Codes that identify things at the boundary: manager ids, client ids, account numbers,
//! org-unit codes. Parsed once, then trusted.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A business identifier as the organisation writes it (`M001`, `6222020200112233`, `钢厂`).
/// Trimmed, not empty, at most 64 characters, no control characters.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Code(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CodeError {
    #[error("empty identifier")]
    Empty,
    #[error("identifier longer than 64 characters")]
    TooLong,
    #[error("identifier contains a control character")]
    Control,
}

impl Code {
    pub fn parse(text: &str) -> Result<Self, CodeError> {
        // The common case: short printable ASCII, no surrounding spaces.
        let b = text.as_bytes();
        if !b.is_empty() && b.len() <= 64 && b.iter().all(|c| c.is_ascii_graphic()) {
            return Ok(Code(text.to_owned()));
        }
        let t = text.trim();
        if t.is_empty() {
            return Err(CodeError::Empty);
        }
        if t.chars().count() > 64 {
            return Err(CodeError::TooLong);
        }
        if t.chars().any(char::is_control) {
            return Err(CodeError::Control);
        }
        Ok(Code(t.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for Code {
    type Error = CodeError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Code::parse(&s)
    }
}

impl From<Code> for String {
    fn from(c: Code) -> String {
        c.0
    }
}

impl AsRef<str> for Code {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_trimmed_and_checked() {
        assert_eq!(Code::parse("  M001 ").unwrap().as_str(), "M001");
        assert_eq!(Code::parse("钢厂").unwrap().as_str(), "钢厂");
        assert_eq!(Code::parse(" "), Err(CodeError::Empty));
        assert_eq!(Code::parse("a\tb"), Err(CodeError::Control));
        assert_eq!(Code::parse(&"x".repeat(65)), Err(CodeError::TooLong));
    }
}
