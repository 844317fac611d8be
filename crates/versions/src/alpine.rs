//! Alpine (apk) versions, ordered as apk-tools' `version.c` orders them:
//! `number{.number}…{letter}{_suffix{number}}…{~hash}{-r#}`, compared token by token.
//! Numbers after the first compare as text when either has a leading zero (Gentoo's
//! rule), otherwise numerically; suffixes order `_alpha` < `_beta` < `_pre` < `_rc` <
//! (none) < `_cvs` < `_svn` < `_git` < `_hg` < `_p`. When the token kinds differ, a
//! pre-release suffix is older, otherwise the version whose next token kind comes later
//! in the grammar (end of string, `-r`, …) is older.
//!
//! Versions that are not valid apk versions still order (apk compares them up to the
//! first bad token); where apk's releases disagree on them, this follows the OSV
//! fixture data: `-r` with no number is `-r0`, digits right after the letter continue
//! the number list (`6.6.2p1` < `6.6.2p2`), a bad token at a `-` ends the comparison
//! (`1-ruff1` equals `1-ruff2`), and any other bad token orders by its remaining text.

use crate::VersionError;
use crate::digits::{Digits, split_digits};

/// A number after the first one: leading-zero numbers compare as text and before the
/// others (they start with `0`, the least digit).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Number {
    ZeroLed(String),
    Plain(Digits),
}

/// One token. The derived order is the order between tokens, including tokens of
/// different kinds (see the module documentation).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Token {
    /// `_alpha`, `_beta`, `_pre`, `_rc` (1..=4).
    PreSuffix(u8),
    /// Not an apk token: the rest of the text it starts, or nothing when it starts at `-`.
    Invalid(Option<String>),
    End,
    Revision(Digits),
    CommitHash(String),
    SuffixNumber(Digits),
    /// `_cvs`, `_svn`, `_git`, `_hg`, `_p` (6..=10).
    PostSuffix(u8),
    Letter(u8),
    Number(Number),
    First(Digits),
}

/// Where the tokenizer is in the grammar (apk's token kinds, in grammar order).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum State {
    First,
    Digit,
    Letter,
    Suffix,
    SuffixNumber,
    CommitHash,
    Revision,
}

/// A parsed Alpine version: its tokens, ending with `End` or `Invalid`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Version {
    tokens: Vec<Token>,
}

fn suffix_value(name: &str) -> Option<u8> {
    Some(match name {
        "alpha" => 1,
        "beta" => 2,
        "pre" => 3,
        "rc" => 4,
        "cvs" => 6,
        "svn" => 7,
        "git" => 8,
        "hg" => 9,
        "p" => 10,
        _ => return None,
    })
}

fn number(digits: &str) -> Number {
    if digits.starts_with('0') { Number::ZeroLed(digits.to_owned()) } else { Number::Plain(Digits::new(digits)) }
}

fn span(text: &str, keep: impl Fn(u8) -> bool) -> (&str, &str) {
    let end = text.bytes().position(|b| !keep(b)).unwrap_or(text.len());
    text.split_at_checked(end).unwrap_or((text, ""))
}

fn tokenize(text: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let (first, mut rest) = split_digits(text);
    if first.is_empty() {
        tokens.push(Token::Invalid(Some(text.to_owned())));
        return tokens;
    }
    tokens.push(Token::First(Digits::new(first)));
    let mut state = State::First;
    loop {
        let Some(&byte) = rest.as_bytes().first() else {
            tokens.push(Token::End);
            return tokens;
        };
        let here = rest;
        let invalid = Token::Invalid(Some(here.to_owned()));
        let after = rest.get(1..).unwrap_or_default();
        match byte {
            b'a'..=b'z' if state <= State::Digit => {
                tokens.push(Token::Letter(byte));
                state = State::Letter;
                rest = after;
            }
            b'.' if state <= State::Digit => {
                let (digits, tail) = split_digits(after);
                if digits.is_empty() {
                    tokens.push(invalid);
                    return tokens;
                }
                tokens.push(Token::Number(number(digits)));
                state = State::Digit;
                rest = tail;
            }
            b'0'..=b'9' if state == State::Letter || state == State::Suffix => {
                let (digits, tail) = split_digits(rest);
                if state == State::Letter {
                    tokens.push(Token::Number(number(digits)));
                    state = State::Digit;
                } else {
                    tokens.push(Token::SuffixNumber(Digits::new(digits)));
                    state = State::SuffixNumber;
                }
                rest = tail;
            }
            b'_' if state <= State::SuffixNumber => {
                let (name, tail) = span(after, |b| b.is_ascii_lowercase());
                match suffix_value(name) {
                    Some(value) if value < 5 => tokens.push(Token::PreSuffix(value)),
                    Some(value) => tokens.push(Token::PostSuffix(value)),
                    None => {
                        tokens.push(invalid);
                        return tokens;
                    }
                }
                state = State::Suffix;
                rest = tail;
            }
            b'~' if state < State::CommitHash => {
                let (hash, tail) = span(after, |b| b.is_ascii_hexdigit());
                if hash.is_empty() {
                    tokens.push(invalid);
                    return tokens;
                }
                tokens.push(Token::CommitHash(hash.to_owned()));
                state = State::CommitHash;
                rest = tail;
            }
            b'-' => {
                let Some(tail) = after.strip_prefix('r').filter(|_| state < State::Revision) else {
                    tokens.push(Token::Invalid(None));
                    return tokens;
                };
                let (digits, tail) = split_digits(tail);
                if digits.is_empty() && tail.bytes().next().is_some_and(|b| b.is_ascii_alphanumeric()) {
                    tokens.push(Token::Invalid(None));
                    return tokens;
                }
                tokens.push(Token::Revision(Digits::new(digits)));
                state = State::Revision;
                rest = tail;
            }
            _ => {
                tokens.push(invalid);
                return tokens;
            }
        }
    }
}

impl Version {
    /// Reads an apk version. Every non-empty text orders (invalid parts included, see the
    /// module documentation); only whitespace is refused.
    pub fn parse(text: &str) -> Result<Version, VersionError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(VersionError::Empty);
        }
        if text.chars().any(char::is_whitespace) {
            return Err(VersionError::Invalid { scheme: crate::Scheme::Alpine, reason: "contains whitespace".into() });
        }
        Ok(Version { tokens: tokenize(text) })
    }

    /// Whether the whole text read as an apk version. This is apk's own validity check
    /// (`apk version -c`) except for the two tolerated forms named in the module
    /// documentation (`-r` without a number, digits right after the letter).
    pub fn is_valid(&self) -> bool {
        self.tokens.last() == Some(&Token::End)
    }
}
