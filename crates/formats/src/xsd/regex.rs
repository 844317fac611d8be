//! XSD pattern regexes (XML Schema part 2, appendix F) translated to the `regex` crate.
//!
//! The two dialects differ in ways that matter: an XSD pattern is implicitly anchored at
//! both ends, has no `^`/`$` anchors (both are ordinary characters), knows the name
//! escapes `\i` and `\c`, defines `\d`, `\w` and `.` differently, and writes class
//! subtraction as `[a-z-[aeiou]]`. The translation parses the XSD syntax and writes the
//! equivalent `regex` syntax, escaping every literal, so that nothing of the `regex`
//! crate's own extensions (`&&`, `~~`, `(?flags)`) can leak through.

use std::fmt::Write as _;

/// Deepest nesting of groups and classes accepted in a pattern.
const MAX_NESTING: u32 = 64;

/// `\i`: the characters that may start an XML name.
const NAME_START: &str = r"_:A-Za-z\x{C0}-\x{D6}\x{D8}-\x{F6}\x{F8}-\x{2FF}\x{370}-\x{37D}\x{37F}-\x{1FFF}\x{200C}-\x{200D}\x{2070}-\x{218F}\x{2C00}-\x{2FEF}\x{3001}-\x{D7FF}\x{F900}-\x{FDCF}\x{FDF0}-\x{FFFD}\x{10000}-\x{EFFFF}";

/// What `\c` adds to `\i`: the characters that may continue an XML name.
const NAME_MORE: &str = r"\-.0-9\x{B7}\x{300}-\x{36F}\x{203F}-\x{2040}";

/// Translates an XSD pattern into an anchored `regex` crate pattern.
pub(crate) fn translate(pattern: &str) -> Result<String, String> {
    let mut parser = Parser { chars: pattern.chars().collect(), at: 0, out: String::with_capacity(pattern.len() * 2) };
    parser.out.push_str(r"\A(?:");
    parser.branches(0)?;
    if let Some(c) = parser.peek() {
        return Err(format!("unexpected `{c}` at character {}", parser.at + 1));
    }
    parser.out.push_str(r")\z");
    Ok(parser.out)
}

/// Compiles an XSD pattern.
pub(crate) fn compile(pattern: &str) -> Result<regex::Regex, String> {
    let translated = translate(pattern)?;
    regex::RegexBuilder::new(&translated).size_limit(32 * 1024 * 1024).build().map_err(|error| error.to_string())
}

struct Parser {
    chars: Vec<char>,
    at: usize,
    out: String,
}

impl Parser {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.at).copied()
    }

    fn peek_at(&self, offset: usize) -> Option<char> {
        self.chars.get(self.at + offset).copied()
    }

    fn next(&mut self) -> Option<char> {
        let c = self.peek();
        if c.is_some() {
            self.at += 1;
        }
        c
    }

    fn expect(&mut self, wanted: char) -> Result<(), String> {
        match self.next() {
            Some(c) if c == wanted => Ok(()),
            Some(c) => Err(format!("expected `{wanted}` at character {}, found `{c}`", self.at)),
            None => Err(format!("expected `{wanted}` at the end of the pattern")),
        }
    }

    /// `regExp ::= branch ('|' branch)*`
    fn branches(&mut self, depth: u32) -> Result<(), String> {
        if depth > MAX_NESTING {
            return Err("groups nested too deeply".to_string());
        }
        self.branch(depth)?;
        while self.peek() == Some('|') {
            self.at += 1;
            self.out.push('|');
            self.branch(depth)?;
        }
        Ok(())
    }

    /// `branch ::= piece*`, ended by `|`, `)` or the end.
    fn branch(&mut self, depth: u32) -> Result<(), String> {
        while let Some(c) = self.peek() {
            match c {
                '|' | ')' => break,
                _ => {
                    self.atom(depth)?;
                    self.quantifier()?;
                }
            }
        }
        Ok(())
    }

    fn atom(&mut self, depth: u32) -> Result<(), String> {
        let Some(c) = self.next() else { return Err("unexpected end of the pattern".to_string()) };
        match c {
            '(' => {
                self.out.push_str("(?:");
                self.branches(depth + 1)?;
                self.expect(')')?;
                self.out.push(')');
            }
            '[' => {
                let class = self.class_body(depth + 1)?;
                self.out.push_str(&class);
            }
            '.' => self.out.push_str(r"[^\n\r]"),
            '\\' => {
                let escape = self.escape()?;
                self.out.push_str(&escape.as_atom());
            }
            '?' | '*' | '+' | '{' | '}' | ']' => {
                return Err(format!("`{c}` at character {} must be escaped", self.at));
            }
            other => push_literal(&mut self.out, other),
        }
        Ok(())
    }

    fn quantifier(&mut self) -> Result<(), String> {
        match self.peek() {
            Some(c @ ('?' | '*' | '+')) => {
                self.at += 1;
                self.out.push(c);
            }
            Some('{') => {
                self.at += 1;
                let min = self.number()?;
                let mut text = format!("{{{min}");
                if self.peek() == Some(',') {
                    self.at += 1;
                    text.push(',');
                    if self.peek() != Some('}') {
                        let max = self.number()?;
                        if max < min {
                            return Err(format!("quantifier {{{min},{max}}} has its maximum below its minimum"));
                        }
                        let _ = write!(text, "{max}");
                    }
                }
                self.expect('}')?;
                text.push('}');
                self.out.push_str(&text);
            }
            _ => {}
        }
        Ok(())
    }

    fn number(&mut self) -> Result<u32, String> {
        let start = self.at;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.at += 1;
        }
        let digits: String = self.chars.get(start..self.at).unwrap_or_default().iter().collect();
        digits.parse::<u32>().map_err(|_| format!("expected a number in a quantifier at character {}", start + 1))
    }

    /// After `\`: a single-character escape, a multi-character escape or a category.
    fn escape(&mut self) -> Result<Escape, String> {
        let Some(c) = self.next() else { return Err("the pattern ends with `\\`".to_string()) };
        Ok(match c {
            'n' => Escape::Char('\n'),
            'r' => Escape::Char('\r'),
            't' => Escape::Char('\t'),
            '\\' | '|' | '.' | '?' | '*' | '+' | '(' | ')' | '{' | '}' | '-' | '[' | ']' | '^' => Escape::Char(c),
            's' => Escape::Set(r"[ \t\n\r]".to_string()),
            'S' => Escape::Set(r"[^ \t\n\r]".to_string()),
            'i' => Escape::Set(format!("[{NAME_START}]")),
            'I' => Escape::Set(format!("[^{NAME_START}]")),
            'c' => Escape::Set(format!("[{NAME_START}{NAME_MORE}]")),
            'C' => Escape::Set(format!("[^{NAME_START}{NAME_MORE}]")),
            'd' => Escape::Set(r"\p{Nd}".to_string()),
            'D' => Escape::Set(r"\P{Nd}".to_string()),
            'w' => Escape::Set(r"[^\p{P}\p{Z}\p{C}]".to_string()),
            'W' => Escape::Set(r"[\p{P}\p{Z}\p{C}]".to_string()),
            'p' | 'P' => {
                self.expect('{')?;
                let start = self.at;
                while self.peek().is_some_and(|c| c != '}') {
                    self.at += 1;
                }
                let name: String = self.chars.get(start..self.at).unwrap_or_default().iter().collect();
                self.expect('}')?;
                Escape::Set(category(&name, c == 'P')?)
            }
            other => return Err(format!("unknown escape `\\{other}`")),
        })
    }

    /// After `[`: a character class expression up to and including its `]`, written as a
    /// `regex` class.
    fn class_body(&mut self, depth: u32) -> Result<String, String> {
        if depth > MAX_NESTING {
            return Err("character classes nested too deeply".to_string());
        }
        let negated = if self.peek() == Some('^') {
            self.at += 1;
            true
        } else {
            false
        };
        let mut items = String::new();
        let mut first = true;
        loop {
            let Some(c) = self.next() else { return Err("unterminated character class".to_string()) };
            match c {
                ']' if !first => break,
                '-' if self.peek() == Some('[') => {
                    // Subtraction: `[base-[excluded]]`, the subtrahend ends the group.
                    self.at += 1;
                    let excluded = self.class_body(depth + 1)?;
                    self.expect(']')?;
                    let base = if negated { format!("[^{items}]") } else { format!("[{items}]") };
                    return Ok(format!("[{base}--{excluded}]"));
                }
                '[' => return Err(format!("unescaped `[` in a character class at character {}", self.at)),
                '\\' => match self.escape()? {
                    Escape::Char(start) => self.range_from(start, &mut items)?,
                    Escape::Set(set) => items.push_str(&set),
                },
                other => self.range_from(other, &mut items)?,
            }
            first = false;
        }
        if items.is_empty() {
            return Err("empty character class".to_string());
        }
        Ok(if negated { format!("[^{items}]") } else { format!("[{items}]") })
    }

    /// A single character `start` just read inside a class: a range if `-` and an end follow.
    fn range_from(&mut self, start: char, items: &mut String) -> Result<(), String> {
        let is_range = self.peek() == Some('-') && !matches!(self.peek_at(1), Some('[' | ']') | None);
        if !is_range {
            push_literal(items, start);
            return Ok(());
        }
        self.at += 1;
        let end = match self.next() {
            Some('\\') => match self.escape()? {
                Escape::Char(end) => end,
                Escape::Set(_) => return Err("a range cannot end with a multi-character escape".to_string()),
            },
            Some(end) => end,
            None => return Err("unterminated character class".to_string()),
        };
        if end < start {
            return Err(format!("range `{start}-{end}` is reversed"));
        }
        push_literal(items, start);
        items.push('-');
        push_literal(items, end);
        Ok(())
    }
}

enum Escape {
    Char(char),
    /// A set, already in `regex` syntax (a bracketed class or `\p{…}`), usable both as an
    /// atom and inside a class.
    Set(String),
}

impl Escape {
    fn as_atom(&self) -> String {
        match self {
            Escape::Char(c) => {
                let mut out = String::new();
                push_literal(&mut out, *c);
                out
            }
            Escape::Set(set) => set.clone(),
        }
    }
}

fn push_literal(out: &mut String, c: char) {
    let mut buffer = [0u8; 4];
    out.push_str(&regex::escape(c.encode_utf8(&mut buffer)));
}

/// `\p{name}`: general categories pass through; Unicode blocks (`IsBasicLatin`) are not
/// supported by the `regex` crate and fail loudly.
fn category(name: &str, negated: bool) -> Result<String, String> {
    const CATEGORIES: &[&str] = &[
        "L", "Lu", "Ll", "Lt", "Lm", "Lo", "M", "Mn", "Mc", "Me", "N", "Nd", "Nl", "No", "P", "Pc", "Pd", "Ps", "Pe",
        "Pi", "Pf", "Po", "Z", "Zs", "Zl", "Zp", "S", "Sm", "Sc", "Sk", "So", "C", "Cc", "Cf", "Co", "Cn",
    ];
    if !CATEGORIES.contains(&name) {
        return Err(format!("unsupported character property `{name}` (Unicode blocks are not supported)"));
    }
    Ok(if negated { format!(r"\P{{{name}}}") } else { format!(r"\p{{{name}}}") })
}
