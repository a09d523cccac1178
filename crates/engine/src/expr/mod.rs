//! The policy expression language: exact decimal arithmetic, comparisons and conditions.
//!
//! ```text
//! expr    := or
//! or      := and ("or" and)*
//! and     := not ("and" not)*
//! not     := "not" not | compare
//! compare := sum (("==" | "!=" | "<" | "<=" | ">" | ">=") sum)?
//! sum     := product (("+" | "-") product)*
//! product := unary (("*" | "/") unary)*
//! unary   := "-" unary | atom
//! atom    := number ["%"] | string | "true" | "false" | name ("." name)* | name "(" args ")" | "(" expr ")"
//! ```
//!
//! Numbers are exact decimals (`0.015`, `150%` = 1.5); there is no floating point. Division is
//! exact to 28 significant digits; rounding happens only where a policy names it.

mod eval;
mod parse;

#[cfg(test)]
mod tests;

pub use eval::BUILTINS;

use chrono::{NaiveDate, NaiveDateTime};
use rust_decimal::Decimal;
use std::fmt;

/// A value an expression computes.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Num(Decimal),
    Bool(bool),
    Text(String),
    Date(NaiveDate),
    DateTime(NaiveDateTime),
    /// No value (an empty cell).
    Null,
}

impl Value {
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Num(_) => "number",
            Value::Bool(_) => "yes/no",
            Value::Text(_) => "text",
            Value::Date(_) => "date",
            Value::DateTime(_) => "time stamp",
            Value::Null => "empty",
        }
    }

    pub fn as_num(&self) -> Result<Decimal, String> {
        match self {
            Value::Num(d) => Ok(*d),
            other => Err(format!(
                "expected a number, got {} {other}",
                other.type_name()
            )),
        }
    }

    pub fn as_bool(&self) -> Result<bool, String> {
        match self {
            Value::Bool(b) => Ok(*b),
            other => Err(format!(
                "expected yes/no, got {} {other}",
                other.type_name()
            )),
        }
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Num(d) => write!(f, "{}", d.normalize()),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Text(s) => write!(f, "{s:?}"),
            Value::Date(d) => write!(f, "{d}"),
            Value::DateTime(d) => write!(f, "{}", d.format("%Y-%m-%d %H:%M")),
            Value::Null => f.write_str("empty"),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    And,
    Or,
}

impl BinOp {
    fn symbol(self) -> &'static str {
        match self {
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
            BinOp::Eq => "==",
            BinOp::Ne => "!=",
            BinOp::Lt => "<",
            BinOp::Le => "<=",
            BinOp::Gt => ">",
            BinOp::Ge => ">=",
            BinOp::And => "and",
            BinOp::Or => "or",
        }
    }
}

/// A parsed expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Lit(Value),
    /// A dotted name: `completion`, `client.agreement`, `manager.track`.
    Name(Vec<String>),
    Neg(Box<Expr>),
    Not(Box<Expr>),
    Bin(BinOp, Box<Expr>, Box<Expr>),
    Call(String, Vec<Expr>),
}

impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expr::Lit(v) => write!(f, "{v}"),
            Expr::Name(n) => write!(f, "{}", n.join(".")),
            Expr::Neg(e) => write!(f, "-{e}"),
            Expr::Not(e) => write!(f, "not {e}"),
            Expr::Bin(op, a, b) => write!(f, "({a} {} {b})", op.symbol()),
            Expr::Call(name, args) => {
                let a: Vec<String> = args.iter().map(ToString::to_string).collect();
                write!(f, "{name}({})", a.join(", "))
            }
        }
    }
}

/// A syntax error at a character offset of the expression text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub offset: usize,
    pub message: String,
}

impl fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "at character {}: {}", self.offset + 1, self.message)
    }
}

impl Expr {
    /// Every dotted name the expression refers to.
    pub fn names(&self) -> Vec<Vec<String>> {
        let mut out = Vec::new();
        self.collect_names(&mut out);
        out
    }

    fn collect_names(&self, out: &mut Vec<Vec<String>>) {
        match self {
            Expr::Lit(_) => {}
            Expr::Name(n) => out.push(n.clone()),
            Expr::Neg(e) | Expr::Not(e) => e.collect_names(out),
            Expr::Bin(_, a, b) => {
                a.collect_names(out);
                b.collect_names(out);
            }
            Expr::Call(_, args) => args.iter().for_each(|a| a.collect_names(out)),
        }
    }

    /// Every function the expression calls, with its number of arguments.
    pub fn calls(&self) -> Vec<(String, usize)> {
        let mut out = Vec::new();
        self.collect_calls(&mut out);
        out
    }

    fn collect_calls(&self, out: &mut Vec<(String, usize)>) {
        match self {
            Expr::Lit(_) | Expr::Name(_) => {}
            Expr::Neg(e) | Expr::Not(e) => e.collect_calls(out),
            Expr::Bin(_, a, b) => {
                a.collect_calls(out);
                b.collect_calls(out);
            }
            Expr::Call(name, args) => {
                out.push((name.clone(), args.len()));
                args.iter().for_each(|a| a.collect_calls(out));
            }
        }
    }
}

/// Where an expression finds its names and the policy's own functions.
pub trait Env {
    fn name(&self, path: &[String]) -> Result<Value, String>;
    /// A function of the policy (`tier`, …), given its unevaluated arguments (evaluate them
    /// with `arg.eval(self)`); `None` if the policy has no such function.
    fn call(&self, _name: &str, _args: &[Expr]) -> Option<Result<Value, String>> {
        None
    }
}
