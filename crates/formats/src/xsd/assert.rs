//! XSD 1.1 `xs:assert` with a small XPath 2.0 subset: `if (…) then … else …`, `or`,
//! `and`, comparisons (`eq`, `ne`, `=`, `!=`), `true()`, `false()`, `not(…)`,
//! `exists(…)`, `empty(…)`, string and number literals, and relative paths of child
//! element and attribute steps (`a/b`, `@x`, `a/@x`, `.`, `*`).
//!
//! Deviations, all deliberate:
//! - Unprefixed element names in a test mean the schema's target namespace (what the
//!   CycloneDX authors write and mean; a strict XSD 1.1 processor would read them as
//!   unqualified unless `xpathDefaultNamespace` says otherwise). Unprefixed attribute
//!   names are unqualified, as in XPath.
//! - Values compare as strings (`@isExternal eq 'true'`), not typed values.
//! - An expression outside the subset is a compile error, never silently skipped.

use roxmltree::Node;

/// Deepest nesting of sub-expressions.
const MAX_DEPTH: u32 = 32;

/// A compiled assertion.
#[derive(Debug, Clone)]
pub(crate) struct Assert {
    pub(crate) test: Box<str>,
    /// The `id` attribute, if any, for messages.
    pub(crate) id: Option<Box<str>>,
    expr: Expr,
}

#[derive(Debug, Clone, PartialEq)]
enum Expr {
    If(Box<Expr>, Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Compare(Box<Expr>, Comparison, Box<Expr>),
    Not(Box<Expr>),
    Exists(Box<Expr>),
    Empty(Box<Expr>),
    Bool(bool),
    Str(Box<str>),
    Number(f64),
    Path(Vec<Step>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Comparison {
    Equal,
    NotEqual,
}

#[derive(Debug, Clone, PartialEq)]
enum Step {
    Context,
    AnyElement,
    Element(Box<str>, Box<str>),
    Attribute(Box<str>, Box<str>),
}

impl Assert {
    /// Compiles `test`; `resolve` maps a prefix to its namespace, `default_namespace` is
    /// used for unprefixed element names.
    pub(crate) fn compile(
        test: &str,
        id: Option<&str>,
        resolve: &dyn Fn(&str) -> Option<String>,
        default_namespace: &str,
    ) -> Result<Assert, String> {
        let tokens = tokenize(test)?;
        let mut parser = Parser { tokens, at: 0, resolve, default_namespace };
        let expr = parser.expr(0)?;
        if let Some(token) = parser.tokens.get(parser.at) {
            return Err(format!("unexpected `{}` in assertion `{test}`", token.text()));
        }
        Ok(Assert { test: test.into(), id: id.map(Into::into), expr })
    }

    /// Whether the assertion holds on `element`.
    pub(crate) fn holds(&self, element: Node<'_, '_>) -> bool {
        effective_boolean(&evaluate(&self.expr, element))
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Name(String),
    Str(String),
    Number(f64),
    Symbol(&'static str),
}

impl Token {
    fn text(&self) -> String {
        match self {
            Token::Name(s) => s.clone(),
            Token::Str(s) => format!("'{s}'"),
            Token::Number(n) => n.to_string(),
            Token::Symbol(s) => (*s).to_string(),
        }
    }
}

fn tokenize(text: &str) -> Result<Vec<Token>, String> {
    let chars: Vec<char> = text.chars().collect();
    let mut tokens = Vec::new();
    let mut at = 0;
    while let Some(&c) = chars.get(at) {
        match c {
            ' ' | '\t' | '\n' | '\r' => at += 1,
            '(' | ')' | '@' | '/' | '=' | '*' => {
                tokens.push(Token::Symbol(match c {
                    '(' => "(",
                    ')' => ")",
                    '@' => "@",
                    '/' => "/",
                    '=' => "=",
                    _ => "*",
                }));
                at += 1;
            }
            '!' if chars.get(at + 1) == Some(&'=') => {
                tokens.push(Token::Symbol("!="));
                at += 2;
            }
            '\'' | '"' => {
                let mut value = String::new();
                at += 1;
                loop {
                    match chars.get(at) {
                        None => return Err(format!("unterminated string in `{text}`")),
                        Some(&q) if q == c => {
                            // A doubled quote is an escaped quote.
                            if chars.get(at + 1) == Some(&c) {
                                value.push(c);
                                at += 2;
                            } else {
                                at += 1;
                                break;
                            }
                        }
                        Some(&other) => {
                            value.push(other);
                            at += 1;
                        }
                    }
                }
                tokens.push(Token::Str(value));
            }
            '.' if !chars.get(at + 1).is_some_and(char::is_ascii_digit) => {
                tokens.push(Token::Symbol("."));
                at += 1;
            }
            c if c.is_ascii_digit() || c == '.' => {
                let start = at;
                while chars.get(at).is_some_and(|c| c.is_ascii_digit() || *c == '.') {
                    at += 1;
                }
                let number: String = chars.get(start..at).unwrap_or_default().iter().collect();
                tokens.push(Token::Number(number.parse().map_err(|_| format!("bad number `{number}` in `{text}`"))?));
            }
            c if c.is_alphabetic() || c == '_' => {
                let start = at;
                while chars.get(at).is_some_and(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | ':')) {
                    at += 1;
                }
                let name: String = chars.get(start..at).unwrap_or_default().iter().collect();
                tokens.push(Token::Name(name));
            }
            other => return Err(format!("unsupported character `{other}` in assertion `{text}`")),
        }
    }
    Ok(tokens)
}

struct Parser<'r> {
    tokens: Vec<Token>,
    at: usize,
    resolve: &'r dyn Fn(&str) -> Option<String>,
    default_namespace: &'r str,
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at)
    }

    fn is_symbol(&self, symbol: &str) -> bool {
        matches!(self.peek(), Some(Token::Symbol(s)) if *s == symbol)
    }

    fn is_name(&self, name: &str) -> bool {
        matches!(self.peek(), Some(Token::Name(n)) if n == name)
    }

    fn expect_symbol(&mut self, symbol: &str) -> Result<(), String> {
        if self.is_symbol(symbol) {
            self.at += 1;
            Ok(())
        } else {
            Err(format!("expected `{symbol}`, found {}", self.found()))
        }
    }

    fn expect_name(&mut self, name: &str) -> Result<(), String> {
        if self.is_name(name) {
            self.at += 1;
            Ok(())
        } else {
            Err(format!("expected `{name}`, found {}", self.found()))
        }
    }

    fn found(&self) -> String {
        self.peek().map_or("the end".to_string(), |t| format!("`{}`", t.text()))
    }

    fn expr(&mut self, depth: u32) -> Result<Expr, String> {
        if depth > MAX_DEPTH {
            return Err("assertion nested too deeply".to_string());
        }
        if self.is_name("if") && self.tokens.get(self.at + 1) == Some(&Token::Symbol("(")) {
            self.at += 2;
            let condition = self.expr(depth + 1)?;
            self.expect_symbol(")")?;
            self.expect_name("then")?;
            let then = self.expr(depth + 1)?;
            self.expect_name("else")?;
            let otherwise = self.expr(depth + 1)?;
            return Ok(Expr::If(Box::new(condition), Box::new(then), Box::new(otherwise)));
        }
        let mut left = self.and(depth)?;
        while self.is_name("or") {
            self.at += 1;
            let right = self.and(depth)?;
            left = Expr::Or(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn and(&mut self, depth: u32) -> Result<Expr, String> {
        let mut left = self.comparison(depth)?;
        while self.is_name("and") {
            self.at += 1;
            let right = self.comparison(depth)?;
            left = Expr::And(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn comparison(&mut self, depth: u32) -> Result<Expr, String> {
        let left = self.primary(depth)?;
        let comparison = if self.is_name("eq") || self.is_symbol("=") {
            Comparison::Equal
        } else if self.is_name("ne") || self.is_symbol("!=") {
            Comparison::NotEqual
        } else {
            return Ok(left);
        };
        self.at += 1;
        let right = self.primary(depth)?;
        Ok(Expr::Compare(Box::new(left), comparison, Box::new(right)))
    }

    fn primary(&mut self, depth: u32) -> Result<Expr, String> {
        match self.peek().cloned() {
            Some(Token::Symbol("(")) => {
                self.at += 1;
                let inner = self.expr(depth + 1)?;
                self.expect_symbol(")")?;
                Ok(inner)
            }
            Some(Token::Str(s)) => {
                self.at += 1;
                Ok(Expr::Str(s.into()))
            }
            Some(Token::Number(n)) => {
                self.at += 1;
                Ok(Expr::Number(n))
            }
            Some(Token::Name(name)) if self.tokens.get(self.at + 1) == Some(&Token::Symbol("(")) => {
                self.at += 2;
                let result = match name.as_str() {
                    "true" => Expr::Bool(true),
                    "false" => Expr::Bool(false),
                    "not" => Expr::Not(Box::new(self.expr(depth + 1)?)),
                    "exists" => Expr::Exists(Box::new(self.expr(depth + 1)?)),
                    "empty" => Expr::Empty(Box::new(self.expr(depth + 1)?)),
                    other => return Err(format!("unsupported function `{other}()`")),
                };
                self.expect_symbol(")")?;
                Ok(result)
            }
            Some(Token::Name(_) | Token::Symbol("@" | "." | "*")) => self.path(),
            _ => Err(format!("expected an expression, found {}", self.found())),
        }
    }

    fn path(&mut self) -> Result<Expr, String> {
        let mut steps = Vec::new();
        loop {
            let step = match self.peek().cloned() {
                Some(Token::Symbol(".")) => {
                    self.at += 1;
                    Step::Context
                }
                Some(Token::Symbol("*")) => {
                    self.at += 1;
                    Step::AnyElement
                }
                Some(Token::Symbol("@")) => {
                    self.at += 1;
                    let Some(Token::Name(name)) = self.peek().cloned() else {
                        return Err(format!("expected an attribute name after `@`, found {}", self.found()));
                    };
                    self.at += 1;
                    let (ns, local) = self.qualify(&name, "")?;
                    Step::Attribute(ns, local)
                }
                Some(Token::Name(name)) => {
                    self.at += 1;
                    let default_namespace = self.default_namespace;
                    let (ns, local) = self.qualify(&name, default_namespace)?;
                    Step::Element(ns, local)
                }
                _ => return Err(format!("expected a path step, found {}", self.found())),
            };
            let is_attribute = matches!(step, Step::Attribute(..));
            steps.push(step);
            if is_attribute || !self.is_symbol("/") {
                break;
            }
            self.at += 1;
        }
        Ok(Expr::Path(steps))
    }

    fn qualify(&self, name: &str, default_namespace: &str) -> Result<(Box<str>, Box<str>), String> {
        match name.split_once(':') {
            Some((prefix, local)) => {
                let ns = (self.resolve)(prefix).ok_or_else(|| format!("undeclared prefix `{prefix}`"))?;
                Ok((ns.into(), local.into()))
            }
            None => Ok((default_namespace.into(), name.into())),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Value {
    /// The string values of the selected nodes.
    Nodes(Vec<String>),
    Str(String),
    Number(f64),
    Bool(bool),
}

fn effective_boolean(value: &Value) -> bool {
    match value {
        Value::Nodes(nodes) => !nodes.is_empty(),
        Value::Str(s) => !s.is_empty(),
        Value::Number(n) => *n != 0.0 && !n.is_nan(),
        Value::Bool(b) => *b,
    }
}

fn atomize(value: &Value) -> Vec<String> {
    match value {
        Value::Nodes(nodes) => nodes.clone(),
        Value::Str(s) => vec![s.clone()],
        Value::Number(n) => vec![n.to_string()],
        Value::Bool(b) => vec![b.to_string()],
    }
}

fn evaluate(expr: &Expr, element: Node<'_, '_>) -> Value {
    match expr {
        Expr::If(condition, then, otherwise) => {
            if effective_boolean(&evaluate(condition, element)) {
                evaluate(then, element)
            } else {
                evaluate(otherwise, element)
            }
        }
        Expr::Or(a, b) => {
            Value::Bool(effective_boolean(&evaluate(a, element)) || effective_boolean(&evaluate(b, element)))
        }
        Expr::And(a, b) => {
            Value::Bool(effective_boolean(&evaluate(a, element)) && effective_boolean(&evaluate(b, element)))
        }
        Expr::Compare(a, comparison, b) => {
            let left = atomize(&evaluate(a, element));
            let right = atomize(&evaluate(b, element));
            let equal = |x: &String, y: &String| match (x.parse::<f64>(), y.parse::<f64>()) {
                (Ok(x), Ok(y)) => x == y,
                _ => x == y,
            };
            let holds = left.iter().any(|x| {
                right.iter().any(|y| match comparison {
                    Comparison::Equal => equal(x, y),
                    Comparison::NotEqual => !equal(x, y),
                })
            });
            Value::Bool(holds)
        }
        Expr::Not(inner) => Value::Bool(!effective_boolean(&evaluate(inner, element))),
        Expr::Exists(inner) => Value::Bool(!atomize(&evaluate(inner, element)).is_empty()),
        Expr::Empty(inner) => Value::Bool(atomize(&evaluate(inner, element)).is_empty()),
        Expr::Bool(b) => Value::Bool(*b),
        Expr::Str(s) => Value::Str(s.to_string()),
        Expr::Number(n) => Value::Number(*n),
        Expr::Path(steps) => Value::Nodes(select(steps, element)),
    }
}

fn select(steps: &[Step], element: Node<'_, '_>) -> Vec<String> {
    let mut current = vec![element];
    for step in steps {
        match step {
            Step::Context => {}
            Step::AnyElement => current = current.iter().flat_map(|n| n.children()).filter(Node::is_element).collect(),
            Step::Element(ns, local) => {
                current = current
                    .iter()
                    .flat_map(|n| n.children())
                    .filter(|c| {
                        c.is_element()
                            && c.tag_name().name() == local.as_ref()
                            && c.tag_name().namespace().unwrap_or("") == ns.as_ref()
                    })
                    .collect();
            }
            Step::Attribute(ns, local) => {
                return current
                    .iter()
                    .flat_map(|n| n.attributes())
                    .filter(|a| a.name() == local.as_ref() && a.namespace().unwrap_or("") == ns.as_ref())
                    .map(|a| a.value().to_string())
                    .collect();
            }
        }
    }
    current.iter().map(|n| n.descendants().filter(Node::is_text).filter_map(|t| t.text()).collect()).collect()
}
