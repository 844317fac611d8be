//! ECMA-262 patterns (what JSON Schema's `pattern` and `patternProperties` are written in)
//! translated to the `regex` crate.
//!
//! The differences that matter: `\d`, `\w` and `\b` are ASCII in ECMA-262 and Unicode in
//! `regex`; `.` excludes every line terminator, not only `\n`; `\s` has its own list;
//! `\uXXXX` and `\/` are spelled differently; a `{` that starts no quantifier is a literal.
//! `regex` has no look-around and no back-references: a look-ahead right after a leading
//! `^` (as in SPDX 3's `^(?!_:).+:.+`) becomes a separate anchored regex that must (or must
//! not) match; anything else of the kind is an error, never silently dropped.

use regex::Regex;

/// A compiled pattern: an unanchored search, as JSON Schema says.
#[derive(Debug)]
pub(super) struct Pattern {
    /// The pattern as written in the schema, for messages.
    pub source: Box<str>,
    regex: Regex,
    /// Look-aheads at the start: (whether it must match, regex anchored at the start).
    lookaheads: Box<[(bool, Regex)]>,
    /// The same pattern as fixed-length alternatives, when it has that shape.
    fixed: Option<Fixed>,
}

impl Pattern {
    /// Translates and compiles an ECMA-262 pattern.
    pub fn new(source: &str) -> Result<Pattern, String> {
        let mut rest = source;
        let mut lookaheads = Vec::new();
        // `^(?!x)y` and `^(?=x)y`: only at the very start, where `^` pins both to offset 0.
        while let Some(after) = rest.strip_prefix("^(?!").or_else(|| rest.strip_prefix("^(?=")) {
            let positive = rest.as_bytes().get(3) == Some(&b'=');
            let close = group_end(after).ok_or("unbalanced parenthesis in a look-ahead")?;
            let inner = after.get(..close).ok_or("unbalanced parenthesis in a look-ahead")?;
            let regex = build(&format!("^(?:{})", translate(inner)?))?;
            lookaheads.push((positive, regex));
            rest = after.get(close + 1..).unwrap_or("");
            if has_top_level_alternation(rest) {
                return Err("a look-ahead followed by a top-level alternation cannot be translated".to_owned());
            }
            rest = if rest.is_empty() { "^" } else { rest };
            if !rest.starts_with('^') {
                // Keep the anchor that the look-ahead followed.
                return Pattern::finish(source, &format!("^{}", translate(rest)?), lookaheads);
            }
        }
        Pattern::finish(source, &translate(rest)?, lookaheads)
    }

    fn finish(source: &str, translated: &str, lookaheads: Vec<(bool, Regex)>) -> Result<Pattern, String> {
        let fixed = if lookaheads.is_empty() { Fixed::parse(source) } else { None };
        Ok(Pattern {
            source: source.into(),
            regex: build(translated)?,
            lookaheads: lookaheads.into_boxed_slice(),
            fixed,
        })
    }

    /// Whether the pattern matches somewhere in `text`.
    pub fn is_match(&self, text: &str) -> bool {
        if let Some(fixed) = &self.fixed {
            return fixed.is_match(text);
        }
        self.regex_match(text)
    }

    /// [`Pattern::is_match`] by the regex alone.
    pub fn regex_match(&self, text: &str) -> bool {
        self.lookaheads.iter().all(|(positive, regex)| regex.is_match(text) == *positive) && self.regex.is_match(text)
    }
}

/// A set of ASCII characters.
type Ascii = u128;

/// Patterns of a shape common in schemas, `^(?:a|b|c)$` where every alternative is a
/// sequence of ASCII characters and classes, each repeated a fixed number of times (hash
/// values, UUIDs, country codes): matched by length and a bit test per byte, several times
/// faster than the regex's lazy DFA on the many hash values of a large SBOM.
#[derive(Debug)]
struct Fixed {
    alternatives: Box<[Alternative]>,
}

/// One alternative of a [`Fixed`] pattern.
#[derive(Debug)]
enum Alternative {
    /// The same set at every position (`[a-f0-9]{64}`): a table lookup per byte.
    Uniform { length: usize, table: Box<[bool; 256]> },
    /// A set per position.
    Sequence(Box<[Ascii]>),
}

impl Alternative {
    fn new(sets: Vec<Ascii>) -> Alternative {
        match sets.first() {
            Some(&first) if sets.iter().all(|&set| set == first) => {
                let mut table = Box::new([false; 256]);
                for (b, slot) in table.iter_mut().enumerate().take(128) {
                    *slot = first >> b & 1 == 1;
                }
                Alternative::Uniform { length: sets.len(), table }
            }
            _ => Alternative::Sequence(sets.into_boxed_slice()),
        }
    }

    fn is_match(&self, bytes: &[u8]) -> bool {
        match self {
            Alternative::Uniform { length, table } => {
                *length == bytes.len() && bytes.iter().all(|&b| table.get(usize::from(b)) == Some(&true))
            }
            Alternative::Sequence(sets) => {
                sets.len() == bytes.len() && sets.iter().zip(bytes).all(|(set, &b)| b < 128 && set >> b & 1 == 1)
            }
        }
    }
}

impl Fixed {
    fn parse(source: &str) -> Option<Fixed> {
        let body = source.strip_prefix('^')?.strip_suffix('$')?;
        if body.ends_with('\\') {
            return None;
        }
        let inner = match body.strip_prefix("(?:").or_else(|| body.strip_prefix('(')) {
            Some(rest) if group_end(rest).is_some_and(|end| end + 1 == rest.len()) => rest.get(..rest.len() - 1)?,
            _ => body,
        };
        let mut alternatives = Vec::new();
        let mut current = Vec::new();
        let chars: Vec<char> = inner.chars().collect();
        let mut i = 0;
        while let Some(&c) = chars.get(i) {
            i += 1;
            let set: Ascii = match c {
                '|' if inner.len() != body.len() => {
                    alternatives.push(Alternative::new(std::mem::take(&mut current)));
                    continue;
                }
                '[' => {
                    let (set, next) = fixed_class(&chars, i)?;
                    i = next;
                    set
                }
                '\\' => {
                    let e = *chars.get(i)?;
                    i += 1;
                    match e {
                        'd' => range(b'0', b'9'),
                        'w' => range(b'0', b'9') | range(b'A', b'Z') | range(b'a', b'z') | bit(b'_'),
                        e if e.is_ascii_punctuation() => bit(e as u8),
                        _ => return None,
                    }
                }
                c if c.is_ascii() && !c.is_ascii_control() && !"^$|()*+?{}.".contains(c) => bit(c as u8),
                _ => return None,
            };
            let mut count = 1;
            match chars.get(i) {
                Some('{') => {
                    let close = (i..chars.len()).find(|&j| chars.get(j) == Some(&'}'))?;
                    let digits: String = chars.get(i + 1..close)?.iter().collect();
                    count = digits.parse::<usize>().ok().filter(|n| *n <= 1024)?;
                    i = close + 1;
                }
                Some('*' | '+' | '?') => return None,
                _ => {}
            }
            current.extend(std::iter::repeat_n(set, count));
        }
        alternatives.push(Alternative::new(current));
        Some(Fixed { alternatives: alternatives.into_boxed_slice() })
    }

    fn is_match(&self, text: &str) -> bool {
        self.alternatives.iter().any(|alternative| alternative.is_match(text.as_bytes()))
    }
}

fn bit(b: u8) -> Ascii {
    1 << b
}

fn range(low: u8, high: u8) -> Ascii {
    (low..=high).fold(0, |set, b| set | bit(b))
}

/// A class of ASCII characters and ranges (no negation, no `\s`), after its `[` at
/// `i - 1`: the set and the index after its `]`.
fn fixed_class(chars: &[char], mut i: usize) -> Option<(Ascii, usize)> {
    let mut set: Ascii = 0;
    if matches!(chars.get(i), Some('^' | ']')) {
        return None;
    }
    loop {
        let c = *chars.get(i)?;
        i += 1;
        let low = match c {
            ']' => return Some((set, i)),
            '\\' => {
                let e = *chars.get(i)?;
                i += 1;
                match e {
                    'd' => {
                        set |= range(b'0', b'9');
                        continue;
                    }
                    e if e.is_ascii_punctuation() => e,
                    _ => return None,
                }
            }
            '[' => return None,
            c if c.is_ascii() && !c.is_ascii_control() => c,
            _ => return None,
        };
        if chars.get(i) == Some(&'-') && chars.get(i + 1).is_some_and(|&n| n != ']') {
            let high = *chars.get(i + 1)?;
            if high == '\\' || !high.is_ascii() || high.is_ascii_control() || high < low {
                return None;
            }
            set |= range(low as u8, high as u8);
            i += 2;
        } else {
            set |= bit(low as u8);
        }
    }
}

fn build(translated: &str) -> Result<Regex, String> {
    regex::RegexBuilder::new(translated)
        .size_limit(4 * 1024 * 1024)
        .build()
        .map_err(|e| format!("the regex crate refuses its translation {translated:?}: {e}"))
}

/// The offset of the `)` closing the group whose content starts at the beginning of `text`.
fn group_end(text: &str) -> Option<usize> {
    let mut depth = 0usize;
    let mut in_class = false;
    let mut chars = text.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' => {
                chars.next();
            }
            '[' if !in_class => in_class = true,
            ']' if in_class => in_class = false,
            '(' if !in_class => depth += 1,
            ')' if !in_class => {
                if depth == 0 {
                    return Some(i);
                }
                depth -= 1;
            }
            _ => {}
        }
    }
    None
}

fn has_top_level_alternation(text: &str) -> bool {
    let mut depth = 0usize;
    let mut in_class = false;
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                chars.next();
            }
            '[' if !in_class => in_class = true,
            ']' if in_class => in_class = false,
            '(' if !in_class => depth += 1,
            ')' if !in_class => depth = depth.saturating_sub(1),
            '|' if !in_class && depth == 0 => return true,
            _ => {}
        }
    }
    false
}

const DOT: &str = r"[^\n\r\u{2028}\u{2029}]";
/// ECMA-262 white space and line terminators, as class content.
const SPACE: &str = r"\t\n\x0B\x0C\r \u{A0}\u{1680}\u{2000}-\u{200A}\u{2028}\u{2029}\u{202F}\u{205F}\u{3000}\u{FEFF}";
const DIGIT: &str = "0-9";
const WORD: &str = "0-9A-Za-z_";

/// Translates an ECMA-262 pattern into `regex` syntax.
pub(super) fn translate(source: &str) -> Result<String, String> {
    let mut out = String::with_capacity(source.len() + 16);
    let chars: Vec<char> = source.chars().collect();
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        i += 1;
        match c {
            '\\' => i = escape(&chars, i, &mut out)?,
            '[' => i = class(&chars, i, &mut out)?,
            '.' => out.push_str(DOT),
            '(' => {
                if chars.get(i) == Some(&'?') {
                    match (chars.get(i + 1), chars.get(i + 2)) {
                        (Some(':'), _) => {
                            out.push_str("(?:");
                            i += 2;
                        }
                        (Some('=' | '!'), _) | (Some('<'), Some('=' | '!')) => {
                            return Err("look-around is only supported right after a leading ^".to_owned());
                        }
                        (Some('<'), _) => {
                            out.push_str("(?P<");
                            i += 2;
                        }
                        _ => return Err("unknown group syntax after (?".to_owned()),
                    }
                } else {
                    out.push('(');
                }
            }
            '{' => match quantifier_end(&chars, i) {
                Some(end) => {
                    out.push('{');
                    out.extend(chars.get(i..end).unwrap_or(&[]));
                    i = end;
                }
                None => out.push_str(r"\{"),
            },
            '}' => out.push_str(r"\}"),
            '#' | '&' | '-' | '~' => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    Ok(out)
}

/// If the `{` just before `start` opens a quantifier (`{n}`, `{n,}`, `{n,m}`), the index
/// just past its `}`; otherwise the `{` is a literal, as in ECMA-262.
fn quantifier_end(chars: &[char], start: usize) -> Option<usize> {
    let mut i = start;
    let mut digits = 0;
    while chars.get(i).is_some_and(char::is_ascii_digit) {
        i += 1;
        digits += 1;
    }
    if digits == 0 {
        return None;
    }
    if chars.get(i) == Some(&',') {
        i += 1;
        while chars.get(i).is_some_and(char::is_ascii_digit) {
            i += 1;
        }
    }
    (chars.get(i) == Some(&'}')).then_some(i + 1)
}

/// One escape outside a class, starting after the backslash at `i`; returns the next index.
fn escape(chars: &[char], i: usize, out: &mut String) -> Result<usize, String> {
    let c = *chars.get(i).ok_or("a pattern cannot end with a backslash")?;
    let mut next = i + 1;
    match c {
        'd' => out.push_str("[0-9]"),
        'D' => out.push_str("[^0-9]"),
        'w' => out.push_str("[0-9A-Za-z_]"),
        'W' => out.push_str("[^0-9A-Za-z_]"),
        's' => {
            out.push('[');
            out.push_str(SPACE);
            out.push(']');
        }
        'S' => {
            out.push_str("[^");
            out.push_str(SPACE);
            out.push(']');
        }
        'b' => out.push_str(r"(?-u:\b)"),
        'B' => out.push_str(r"(?-u:\B)"),
        '1'..='9' | 'k' => return Err("back-references cannot be translated".to_owned()),
        'p' | 'P' => {
            // Unicode property escapes (`u` flag): the same syntax in `regex`.
            out.push('\\');
            out.push(c);
        }
        _ => {
            let (literal, after) = escaped_char(chars, i)?;
            push_literal(literal, out);
            next = after;
        }
    }
    Ok(next)
}

/// A character escape (`\n`, `\x41`, `\u00e9`, `\u{1F600}`, `\cJ`, `\/`…) starting after the
/// backslash at `i`: the character and the next index.
fn escaped_char(chars: &[char], i: usize) -> Result<(char, usize), String> {
    let c = *chars.get(i).ok_or("a pattern cannot end with a backslash")?;
    let simple = |ch: char| Ok((ch, i + 1));
    match c {
        'n' => simple('\n'),
        'r' => simple('\r'),
        't' => simple('\t'),
        'f' => simple('\x0C'),
        'v' => simple('\x0B'),
        '0' if !chars.get(i + 1).is_some_and(char::is_ascii_digit) => simple('\0'),
        'c' => match chars.get(i + 1) {
            Some(letter) if letter.is_ascii_alphabetic() => Ok((char::from((*letter as u8) % 32), i + 2)),
            _ => simple('c'),
        },
        'x' => match hex(chars, i + 1, 2) {
            Some(code) => Ok((char::from_u32(code).ok_or("bad \\x escape")?, i + 3)),
            None => simple('x'),
        },
        'u' => {
            if chars.get(i + 1) == Some(&'{') {
                let close = (i + 2..chars.len()).find(|&j| chars.get(j) == Some(&'}')).ok_or("unclosed \\u{")?;
                let digits: String = chars.get(i + 2..close).unwrap_or(&[]).iter().collect();
                let code = u32::from_str_radix(&digits, 16).map_err(|_| "bad \\u{} escape".to_owned())?;
                return Ok((char::from_u32(code).ok_or("bad \\u{} escape")?, close + 1));
            }
            let Some(high) = hex(chars, i + 1, 4) else { return simple('u') };
            if (0xD800..0xDC00).contains(&high)
                && chars.get(i + 5) == Some(&'\\')
                && chars.get(i + 6) == Some(&'u')
                && let Some(low) = hex(chars, i + 7, 4)
                && (0xDC00..0xE000).contains(&low)
            {
                let code = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00);
                return Ok((char::from_u32(code).ok_or("bad surrogate pair")?, i + 11));
            }
            Ok((char::from_u32(high).ok_or("a lone surrogate cannot be translated")?, i + 5))
        }
        // Identity escapes: `\/`, `\.`, `\-`… and, without the `u` flag, `\a` is `a`.
        _ => simple(c),
    }
}

fn hex(chars: &[char], start: usize, n: usize) -> Option<u32> {
    let digits: String = chars.get(start..start + n)?.iter().collect();
    if digits.chars().all(|c| c.is_ascii_hexdigit()) { u32::from_str_radix(&digits, 16).ok() } else { None }
}

fn push_literal(c: char, out: &mut String) {
    if matches!(
        c,
        '\\' | '.' | '+' | '*' | '?' | '(' | ')' | '|' | '[' | ']' | '{' | '}' | '^' | '$' | '#' | '&' | '-' | '~'
    ) {
        out.push('\\');
        out.push(c);
    } else if c.is_control() || c == ' ' {
        out.push_str(&format!(r"\x{{{:X}}}", u32::from(c)));
    } else {
        out.push(c);
    }
}

/// One item of a class: a single character or a class escape (`\d`…), already translated.
enum ClassItem {
    Char(char),
    Set(String),
}

/// A character class, starting after the `[` at `i - 1`; returns the next index.
fn class(chars: &[char], mut i: usize, out: &mut String) -> Result<usize, String> {
    let negated = chars.get(i) == Some(&'^');
    if negated {
        i += 1;
    }
    if chars.get(i) == Some(&']') {
        // `[]` matches nothing and `[^]` anything, in ECMA-262.
        out.push_str(if negated { r"[\s\S]" } else { r"[a&&b]" });
        return Ok(i + 1);
    }
    let mut items: Vec<ClassItem> = Vec::new();
    let mut body = String::new();
    loop {
        let c = *chars.get(i).ok_or("unclosed character class")?;
        i += 1;
        if c == ']' {
            break;
        }
        let item = if c == '\\' {
            let e = *chars.get(i).ok_or("unclosed character class")?;
            match e {
                'd' => Some(ClassItem::Set(DIGIT.to_owned())),
                'D' => Some(ClassItem::Set(format!("[^{DIGIT}]"))),
                'w' => Some(ClassItem::Set(WORD.to_owned())),
                'W' => Some(ClassItem::Set(format!("[^{WORD}]"))),
                's' => Some(ClassItem::Set(SPACE.to_owned())),
                'S' => Some(ClassItem::Set(format!("[^{SPACE}]"))),
                'p' | 'P' => Some(ClassItem::Set(format!("\\{e}"))),
                'b' => Some(ClassItem::Char('\x08')),
                '1'..='9' => return Err("back-references cannot be translated".to_owned()),
                _ => None,
            }
            .map(|item| {
                i += 1;
                Ok(item)
            })
            .unwrap_or_else(|| {
                let (ch, after) = escaped_char(chars, i)?;
                i = after;
                Ok::<_, String>(ClassItem::Char(ch))
            })?
        } else {
            ClassItem::Char(c)
        };
        // A range `a-b`: the `-` is followed by something other than `]`.
        if let ClassItem::Char(low) = item
            && chars.get(i) == Some(&'-')
            && chars.get(i + 1).is_some_and(|&n| n != ']')
        {
            let (high, after) = match chars.get(i + 1) {
                Some('\\') => {
                    if chars.get(i + 2).is_some_and(|e| "dDwWsSpP".contains(*e)) {
                        // `[a-\d]` is a literal `a`, `-` and the digits.
                        items.push(ClassItem::Char(low));
                        items.push(ClassItem::Char('-'));
                        i += 1;
                        continue;
                    }
                    let (h, after) = escaped_char(chars, i + 2)?;
                    (if h == 'b' && chars.get(i + 2) == Some(&'b') { '\x08' } else { h }, after)
                }
                Some(&h) => (h, i + 2),
                None => return Err("unclosed character class".to_owned()),
            };
            if high < low {
                return Err(format!("the range {low:?}-{high:?} is out of order"));
            }
            push_class_char(low, &mut body);
            body.push('-');
            push_class_char(high, &mut body);
            i = after;
            continue;
        }
        items.push(item);
        for item in items.drain(..) {
            match item {
                ClassItem::Char(ch) => push_class_char(ch, &mut body),
                ClassItem::Set(set) => body.push_str(&set),
            }
        }
    }
    for item in items.drain(..) {
        match item {
            ClassItem::Char(ch) => push_class_char(ch, &mut body),
            ClassItem::Set(set) => body.push_str(&set),
        }
    }
    out.push('[');
    if negated {
        out.push('^');
    }
    out.push_str(&body);
    out.push(']');
    Ok(i)
}

fn push_class_char(c: char, out: &mut String) {
    if c.is_ascii_punctuation() && !matches!(c, '<' | '>') {
        out.push('\\');
        out.push(c);
    } else if c.is_control() || c == ' ' {
        out.push_str(&format!(r"\x{{{:X}}}", u32::from(c)));
    } else {
        out.push(c);
    }
}
