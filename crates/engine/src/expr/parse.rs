//! Lexing and parsing expression text into an `Expr`, with the offset of any syntax error.

use super::{BinOp, Expr, SyntaxError, Value};
use rust_decimal::Decimal;

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Num(Decimal),
    Str(String),
    Ident(String),
    Op(&'static str),
}

/// At most this many symbols in one expression: longer ones are refused at load (split them
/// into named values), so that anything `policy check` accepts is evaluated within bounds.
pub const MAX_TOKENS: usize = 4_000;
/// At most this many levels of nesting (parentheses, calls, `not`, unary `-`, and operator
/// chains, which nest to the left): evaluation recursion stays shallow on any thread.
pub const MAX_DEPTH: usize = 100;

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
        if out.len() > MAX_TOKENS {
            return Err(err(
                pos,
                format!(
                    "the expression is too long (more than {MAX_TOKENS} symbols): split it into named values"
                ),
            ));
        }
    }
    if out.len() > MAX_TOKENS {
        return Err(err(
            0,
            format!(
                "the expression is too long (more than {MAX_TOKENS} symbols): split it into named values"
            ),
        ));
    }
    Ok(out)
}

struct Parser {
    toks: Vec<(usize, Tok)>,
    at: usize,
    len: usize,
    /// How deep the recursive descent is now (bounded by [`MAX_DEPTH`]).
    depth: usize,
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

    /// Enters one level of nesting, refusing more than [`MAX_DEPTH`].
    fn nest<T>(
        &mut self,
        f: impl FnOnce(&mut Self) -> Result<T, SyntaxError>,
    ) -> Result<T, SyntaxError> {
        if self.depth >= MAX_DEPTH {
            return self.err(format!(
                "the expression nests more than {MAX_DEPTH} levels deep: split it into named values"
            ));
        }
        self.depth += 1;
        let out = f(self);
        self.depth -= 1;
        out
    }

    fn or(&mut self) -> Result<Expr, SyntaxError> {
        self.nest(Self::or_chain)
    }
    fn or_chain(&mut self) -> Result<Expr, SyntaxError> {
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
            return Ok(Expr::Not(Box::new(self.nest(Self::not)?)));
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
            return Ok(Expr::Neg(Box::new(self.nest(Self::unary)?)));
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
            depth: 0,
        };
        let e = p.or()?;
        if p.at < p.toks.len() {
            return p.err("unexpected text after the end of the expression");
        }
        // Operator chains (a + b + … ) are parsed by loops but nest to the left in the tree.
        let depth = e.depth();
        if depth > MAX_DEPTH {
            return Err(SyntaxError {
                offset: 0,
                message: format!(
                    "the expression nests {depth} levels deep (at most {MAX_DEPTH}, counting each operator of a chain): split it into named values"
                ),
            });
        }
        Ok(e)
    }
}

impl Expr {
    /// How many levels deep the tree is (a literal or a name is 1).
    pub fn depth(&self) -> usize {
        match self {
            Expr::Lit(_) | Expr::Name(_) => 1,
            Expr::Neg(e) | Expr::Not(e) => 1 + e.depth(),
            Expr::Bin(_, a, b) => 1 + a.depth().max(b.depth()),
            Expr::Call(_, args) => 1 + args.iter().map(Expr::depth).max().unwrap_or(0),
        }
    }
}
