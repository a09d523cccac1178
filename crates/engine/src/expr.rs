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

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Num(Decimal),
    Str(String),
    Ident(String),
    Op(&'static str),
}

fn lex(text: &str) -> Result<Vec<(usize, Tok)>, SyntaxError> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut out = Vec::new();
    let mut i = 0;
    let err = |offset: usize, message: String| SyntaxError { offset, message };
    while i < chars.len() {
        let (pos, c) = chars[i];
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        if c.is_ascii_digit()
            || (c == '.' && chars.get(i + 1).is_some_and(|(_, d)| d.is_ascii_digit()))
        {
            let start = i;
            while i < chars.len() && (chars[i].1.is_ascii_digit() || chars[i].1 == '.') {
                i += 1;
            }
            let s: String = chars[start..i].iter().map(|(_, c)| c).collect();
            let mut n =
                crate::decimal::parse_decimal(&s).map_err(|e| err(pos, format!("{s}: {e}")))?;
            if i < chars.len() && chars[i].1 == '%' {
                n /= Decimal::ONE_HUNDRED;
                i += 1;
            }
            out.push((pos, Tok::Num(n)));
            continue;
        }
        if c == '"' || c == '\'' {
            let quote = c;
            let start = i + 1;
            i += 1;
            while i < chars.len() && chars[i].1 != quote {
                i += 1;
            }
            if i >= chars.len() {
                return Err(err(pos, "text is not closed: add the closing quote".into()));
            }
            let s: String = chars[start..i].iter().map(|(_, c)| c).collect();
            out.push((pos, Tok::Str(s)));
            i += 1;
            continue;
        }
        if c.is_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].1.is_alphanumeric() || chars[i].1 == '_') {
                i += 1;
            }
            let s: String = chars[start..i].iter().map(|(_, c)| c).collect();
            out.push((pos, Tok::Ident(s)));
            continue;
        }
        let two: String = chars[i..(i + 2).min(chars.len())]
            .iter()
            .map(|(_, c)| c)
            .collect();
        let op = match two.as_str() {
            "==" => Some("=="),
            "!=" => Some("!="),
            "<=" => Some("<="),
            ">=" => Some(">="),
            _ => None,
        };
        if let Some(op) = op {
            out.push((pos, Tok::Op(op)));
            i += 2;
            continue;
        }
        let op = match c {
            '+' => "+",
            '-' => "-",
            '*' => "*",
            '/' => "/",
            '<' => "<",
            '>' => ">",
            '(' => "(",
            ')' => ")",
            ',' => ",",
            '.' => ".",
            '=' => return Err(err(pos, "use == to compare".into())),
            other => return Err(err(pos, format!("unexpected character {other:?}"))),
        };
        out.push((pos, Tok::Op(op)));
        i += 1;
    }
    Ok(out)
}

struct Parser {
    toks: Vec<(usize, Tok)>,
    at: usize,
    len: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.at).map(|(_, t)| t)
    }
    fn offset(&self) -> usize {
        self.toks.get(self.at).map_or(self.len, |(o, _)| *o)
    }
    fn err<T>(&self, message: impl Into<String>) -> Result<T, SyntaxError> {
        Err(SyntaxError {
            offset: self.offset(),
            message: message.into(),
        })
    }
    fn eat_op(&mut self, op: &str) -> bool {
        if matches!(self.peek(), Some(Tok::Op(o)) if *o == op) {
            self.at += 1;
            true
        } else {
            false
        }
    }
    fn eat_word(&mut self, word: &str) -> bool {
        if matches!(self.peek(), Some(Tok::Ident(w)) if w == word) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    fn or(&mut self) -> Result<Expr, SyntaxError> {
        let mut e = self.and()?;
        while self.eat_word("or") {
            e = Expr::Bin(BinOp::Or, Box::new(e), Box::new(self.and()?));
        }
        Ok(e)
    }
    fn and(&mut self) -> Result<Expr, SyntaxError> {
        let mut e = self.not()?;
        while self.eat_word("and") {
            e = Expr::Bin(BinOp::And, Box::new(e), Box::new(self.not()?));
        }
        Ok(e)
    }
    fn not(&mut self) -> Result<Expr, SyntaxError> {
        if self.eat_word("not") {
            return Ok(Expr::Not(Box::new(self.not()?)));
        }
        self.compare()
    }
    fn compare(&mut self) -> Result<Expr, SyntaxError> {
        let a = self.sum()?;
        for (sym, op) in [
            ("==", BinOp::Eq),
            ("!=", BinOp::Ne),
            ("<=", BinOp::Le),
            (">=", BinOp::Ge),
            ("<", BinOp::Lt),
            (">", BinOp::Gt),
        ] {
            if self.eat_op(sym) {
                let b = self.sum()?;
                if matches!(
                    self.peek(),
                    Some(Tok::Op("==" | "!=" | "<" | "<=" | ">" | ">="))
                ) {
                    return self.err("write a chained comparison with and: a < b and b < c");
                }
                return Ok(Expr::Bin(op, Box::new(a), Box::new(b)));
            }
        }
        Ok(a)
    }
    fn sum(&mut self) -> Result<Expr, SyntaxError> {
        let mut e = self.product()?;
        loop {
            if self.eat_op("+") {
                e = Expr::Bin(BinOp::Add, Box::new(e), Box::new(self.product()?));
            } else if self.eat_op("-") {
                e = Expr::Bin(BinOp::Sub, Box::new(e), Box::new(self.product()?));
            } else {
                return Ok(e);
            }
        }
    }
    fn product(&mut self) -> Result<Expr, SyntaxError> {
        let mut e = self.unary()?;
        loop {
            if self.eat_op("*") {
                e = Expr::Bin(BinOp::Mul, Box::new(e), Box::new(self.unary()?));
            } else if self.eat_op("/") {
                e = Expr::Bin(BinOp::Div, Box::new(e), Box::new(self.unary()?));
            } else {
                return Ok(e);
            }
        }
    }
    fn unary(&mut self) -> Result<Expr, SyntaxError> {
        if self.eat_op("-") {
            return Ok(Expr::Neg(Box::new(self.unary()?)));
        }
        self.atom()
    }
    fn atom(&mut self) -> Result<Expr, SyntaxError> {
        match self.peek().cloned() {
            Some(Tok::Num(n)) => {
                self.at += 1;
                Ok(Expr::Lit(Value::Num(n)))
            }
            Some(Tok::Str(s)) => {
                self.at += 1;
                Ok(Expr::Lit(Value::Text(s)))
            }
            Some(Tok::Ident(w)) => {
                self.at += 1;
                match w.as_str() {
                    "true" => return Ok(Expr::Lit(Value::Bool(true))),
                    "false" => return Ok(Expr::Lit(Value::Bool(false))),
                    "and" | "or" | "not" => {
                        return self.err(format!("{w} needs a value before it"));
                    }
                    _ => {}
                }
                if self.eat_op("(") {
                    let mut args = Vec::new();
                    if !self.eat_op(")") {
                        loop {
                            args.push(self.or()?);
                            if self.eat_op(")") {
                                break;
                            }
                            if !self.eat_op(",") {
                                return self.err("expected , or ) in the arguments");
                            }
                        }
                    }
                    return Ok(Expr::Call(w, args));
                }
                let mut path = vec![w];
                while self.eat_op(".") {
                    match self.peek().cloned() {
                        Some(Tok::Ident(n)) => {
                            self.at += 1;
                            path.push(n);
                        }
                        _ => return self.err("expected a name after ."),
                    }
                }
                Ok(Expr::Name(path))
            }
            Some(Tok::Op("(")) => {
                self.at += 1;
                let e = self.or()?;
                if !self.eat_op(")") {
                    return self.err("expected )");
                }
                Ok(e)
            }
            Some(t) => self.err(format!("unexpected {t:?}")),
            None => self.err("the expression ends too early"),
        }
    }
}

impl Expr {
    /// Parses an expression.
    pub fn parse(text: &str) -> Result<Expr, SyntaxError> {
        let toks = lex(text)?;
        let mut p = Parser {
            toks,
            at: 0,
            len: text.len(),
        };
        let e = p.or()?;
        if p.at < p.toks.len() {
            return p.err("unexpected text after the end of the expression");
        }
        Ok(e)
    }

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

    /// Evaluates the expression; `env` gives names and the policy's own functions.
    pub fn eval(&self, env: &dyn Env) -> Result<Value, String> {
        match self {
            Expr::Lit(v) => Ok(v.clone()),
            Expr::Name(path) => env.name(path),
            Expr::Neg(e) => {
                let n = e.eval(env)?.as_num()?;
                Ok(Value::Num(-n))
            }
            Expr::Not(e) => Ok(Value::Bool(!e.eval(env)?.as_bool()?)),
            Expr::Bin(BinOp::And, a, b) => {
                if !a.eval(env)?.as_bool()? {
                    return Ok(Value::Bool(false));
                }
                Ok(Value::Bool(b.eval(env)?.as_bool()?))
            }
            Expr::Bin(BinOp::Or, a, b) => {
                if a.eval(env)?.as_bool()? {
                    return Ok(Value::Bool(true));
                }
                Ok(Value::Bool(b.eval(env)?.as_bool()?))
            }
            Expr::Bin(op, a, b) => binary(*op, a.eval(env)?, b.eval(env)?),
            Expr::Call(name, args) => call(name, args, env),
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

fn binary(op: BinOp, a: Value, b: Value) -> Result<Value, String> {
    use Value::*;
    let overflow = || format!("the result of {a} {} {b} is out of range", op.symbol());
    Ok(match (op, &a, &b) {
        (BinOp::Add, Num(x), Num(y)) => Num(x.checked_add(*y).ok_or_else(overflow)?),
        (BinOp::Sub, Num(x), Num(y)) => Num(x.checked_sub(*y).ok_or_else(overflow)?),
        (BinOp::Mul, Num(x), Num(y)) => Num(x.checked_mul(*y).ok_or_else(overflow)?),
        (BinOp::Div, Num(_), Num(y)) if y.is_zero() => {
            return Err(format!(
                "division by zero in {a} / {b}; guard it with if({b} == 0, …, …)"
            ));
        }
        (BinOp::Div, Num(x), Num(y)) => Num(x.checked_div(*y).ok_or_else(overflow)?),
        (BinOp::Eq, _, _) => Bool(equal(&a, &b)?),
        (BinOp::Ne, _, _) => Bool(!equal(&a, &b)?),
        (BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge, _, _) => {
            let ord = match (&a, &b) {
                (Num(x), Num(y)) => x.cmp(y),
                (Date(x), Date(y)) => x.cmp(y),
                (DateTime(x), DateTime(y)) => x.cmp(y),
                (Text(x), Text(y)) => x.cmp(y),
                _ => {
                    return Err(format!(
                        "cannot compare {} {a} with {} {b}",
                        a.type_name(),
                        b.type_name()
                    ));
                }
            };
            Bool(match op {
                BinOp::Lt => ord.is_lt(),
                BinOp::Le => ord.is_le(),
                BinOp::Gt => ord.is_gt(),
                _ => ord.is_ge(),
            })
        }
        _ => {
            return Err(format!(
                "cannot apply {} to {} {a} and {} {b}",
                op.symbol(),
                a.type_name(),
                b.type_name()
            ));
        }
    })
}

fn equal(a: &Value, b: &Value) -> Result<bool, String> {
    match (a, b) {
        (Value::Null, _) | (_, Value::Null) => Ok(a == b),
        (Value::Num(x), Value::Num(y)) => Ok(x == y),
        _ if a.type_name() == b.type_name() => Ok(a == b),
        _ => Err(format!(
            "cannot compare {} {a} with {} {b}",
            a.type_name(),
            b.type_name()
        )),
    }
}

/// The built-in functions, for documentation and load-time checks: (name, arguments, meaning).
pub const BUILTINS: &[(&str, &str, &str)] = &[
    ("min", "a, b, …", "the smallest number"),
    ("max", "a, b, …", "the largest number"),
    ("abs", "x", "the absolute value"),
    (
        "if",
        "condition, then, else",
        "then when the condition holds, else otherwise",
    ),
    ("is_empty", "x", "whether a value is empty (an empty cell)"),
    ("or_zero", "x", "x, or 0 when x is empty"),
    (
        "minutes_between",
        "from, to",
        "whole minutes from one time stamp to another",
    ),
    ("days_between", "from, to", "days from one date to another"),
    ("add_days", "date, n", "the date n days later"),
];

fn call(name: &str, args: &[Expr], env: &dyn Env) -> Result<Value, String> {
    if name == "if" {
        if args.len() != 3 {
            return Err("if takes 3 arguments: if(condition, then, else)".into());
        }
        return if args[0].eval(env)?.as_bool()? {
            args[1].eval(env)
        } else {
            args[2].eval(env)
        };
    }
    if let Some(r) = env.call(name, args) {
        return r;
    }
    let values: Vec<Value> = args.iter().map(|a| a.eval(env)).collect::<Result<_, _>>()?;
    let arity = |n: usize| -> Result<(), String> {
        if values.len() == n {
            Ok(())
        } else {
            Err(format!(
                "{name} takes {n} argument(s), got {}",
                values.len()
            ))
        }
    };
    match name {
        "min" | "max" => {
            let mut nums = values.iter().map(Value::as_num);
            let first = nums
                .next()
                .ok_or_else(|| format!("{name} needs at least one number"))??;
            let mut acc = first;
            for n in nums {
                let n = n?;
                acc = if name == "min" {
                    acc.min(n)
                } else {
                    acc.max(n)
                };
            }
            Ok(Value::Num(acc))
        }
        "abs" => {
            arity(1)?;
            Ok(Value::Num(values[0].as_num()?.abs()))
        }
        "is_empty" => {
            arity(1)?;
            Ok(Value::Bool(values[0] == Value::Null))
        }
        "or_zero" => {
            arity(1)?;
            Ok(match &values[0] {
                Value::Null => Value::Num(Decimal::ZERO),
                v => v.clone(),
            })
        }
        "minutes_between" => {
            arity(2)?;
            match (&values[0], &values[1]) {
                (Value::DateTime(a), Value::DateTime(b)) => {
                    Ok(Value::Num(Decimal::from((*b - *a).num_minutes())))
                }
                (a, b) => Err(format!(
                    "minutes_between takes two time stamps, got {} and {}",
                    a.type_name(),
                    b.type_name()
                )),
            }
        }
        "days_between" => {
            arity(2)?;
            match (&values[0], &values[1]) {
                (Value::Date(a), Value::Date(b)) => {
                    Ok(Value::Num(Decimal::from((*b - *a).num_days())))
                }
                (a, b) => Err(format!(
                    "days_between takes two dates, got {} and {}",
                    a.type_name(),
                    b.type_name()
                )),
            }
        }
        "add_days" => {
            arity(2)?;
            match (&values[0], &values[1]) {
                (Value::Date(d), Value::Num(n)) => {
                    let n: i64 = n
                        .trunc()
                        .try_into()
                        .map_err(|_| "add_days: too many days".to_owned())?;
                    d.checked_add_signed(chrono::Duration::days(n))
                        .map(Value::Date)
                        .ok_or_else(|| "add_days: date out of range".to_owned())
                }
                (a, b) => Err(format!(
                    "add_days takes a date and a number, got {} and {}",
                    a.type_name(),
                    b.type_name()
                )),
            }
        }
        other => Err(format!("unknown function {other}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    struct Vars(HashMap<String, Value>);
    impl Env for Vars {
        fn name(&self, path: &[String]) -> Result<Value, String> {
            self.0
                .get(&path.join("."))
                .cloned()
                .ok_or_else(|| format!("unknown name {}", path.join(".")))
        }
    }

    fn num(s: &str) -> Value {
        Value::Num(s.parse().unwrap())
    }

    fn eval(text: &str, vars: &[(&str, Value)]) -> Result<Value, String> {
        let env = Vars(
            vars.iter()
                .map(|(k, v)| ((*k).to_owned(), v.clone()))
                .collect(),
        );
        Expr::parse(text).map_err(|e| e.to_string())?.eval(&env)
    }

    #[test]
    fn arithmetic_is_exact() {
        assert_eq!(eval("0.1 + 0.2", &[]).unwrap(), num("0.3"));
        assert_eq!(eval("2936025.64 * 1.5%", &[]).unwrap(), num("44040.3846"));
        // Division keeps 28 significant digits: multiply before dividing.
        assert_eq!(
            eval("1 / 3 * 3", &[]).unwrap(),
            num("0.9999999999999999999999999999")
        );
        assert_eq!(eval("3 * 1 / 3", &[]).unwrap(), num("1"));
        assert_eq!(eval("-(2 - 5) * 2", &[]).unwrap(), num("6"));
        assert_eq!(
            eval("max(1.75, rate)", &[("rate", num("2.1"))]).unwrap(),
            num("2.1")
        );
    }

    #[test]
    fn conditions_and_precedence() {
        let v = [
            ("completion", num("1.5")),
            ("track", Value::Text("other".into())),
        ];
        assert_eq!(
            eval("completion > 150% or track == 'other'", &v).unwrap(),
            Value::Bool(true)
        );
        assert_eq!(
            eval("completion >= 1 and completion <= 1.5", &v).unwrap(),
            Value::Bool(true)
        );
        assert_eq!(eval("not completion < 0.5", &v).unwrap(), Value::Bool(true));
        assert_eq!(
            eval("if(completion > 1.5, 0.2, 0.15)", &v).unwrap(),
            num("0.15")
        );
        assert_eq!(eval("1 + 2 * 3", &[]).unwrap(), num("7"));
    }

    #[test]
    fn errors_say_what_is_wrong() {
        assert!(eval("1 / 0", &[]).unwrap_err().contains("division by zero"));
        assert!(
            eval("1 + true", &[])
                .unwrap_err()
                .contains("cannot apply +")
        );
        assert!(eval("a = 1", &[]).unwrap_err().contains("use =="));
        assert!(eval("(1 + 2", &[]).unwrap_err().contains("expected )"));
        assert!(eval("1 < 2 < 3", &[]).unwrap_err().contains("chained"));
        assert!(eval("nope", &[]).unwrap_err().contains("unknown name"));
        assert!(eval("'abc", &[]).unwrap_err().contains("not closed"));
    }

    #[test]
    fn time_functions() {
        let at =
            |s: &str| Value::DateTime(NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap());
        let v = [
            ("registered_at", at("2026-09-01 17:30")),
            ("arrival_at", at("2026-09-01 18:30")),
        ];
        assert_eq!(
            eval("minutes_between(registered_at, arrival_at) >= 60", &v).unwrap(),
            Value::Bool(true)
        );
    }

    #[test]
    fn names_are_listed_for_load_time_checks() {
        let e = Expr::parse("client.agreement or tier(commission, completion) > x").unwrap();
        assert_eq!(
            e.names(),
            vec![
                vec!["client".to_owned(), "agreement".to_owned()],
                vec!["commission".to_owned()],
                vec!["completion".to_owned()],
                vec!["x".to_owned()]
            ]
        );
        assert_eq!(e.calls(), vec![("tier".to_owned(), 2)]);
    }
}
