//! Arbitrarily long non-negative decimal numbers, kept as their digit strings so that no
//! version number can overflow: leading zeros are dropped at construction and numbers
//! compare by length first, then digit by digit.

use std::cmp::Ordering;

/// A non-negative decimal number of any length. Zero is the empty digit string.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub(crate) struct Digits(String);

impl Digits {
    /// The number spelled by `text`, which must hold ASCII digits only (callers split on
    /// digit runs); any other byte is ignored rather than trusted.
    pub(crate) fn new(text: &str) -> Digits {
        let digits: String = text.chars().filter(char::is_ascii_digit).collect();
        Digits(digits.trim_start_matches('0').to_owned())
    }

    /// Whether the number is zero.
    pub(crate) fn is_zero(&self) -> bool {
        self.0.is_empty()
    }

    /// The canonical spelling: no leading zeros, `0` for zero.
    pub(crate) fn as_canonical(&self) -> &str {
        if self.0.is_empty() { "0" } else { &self.0 }
    }
}

impl Ord for Digits {
    fn cmp(&self, other: &Digits) -> Ordering {
        self.0.len().cmp(&other.0.len()).then_with(|| self.0.as_bytes().cmp(other.0.as_bytes()))
    }
}

impl PartialOrd for Digits {
    fn partial_cmp(&self, other: &Digits) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Whether `text` is a non-empty run of ASCII digits.
pub(crate) fn all_digits(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit())
}

/// Splits `text` at the end of its leading run of ASCII digits.
pub(crate) fn split_digits(text: &str) -> (&str, &str) {
    let end = text.find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len());
    text.split_at_checked(end).unwrap_or((text, ""))
}

impl Digits {
    /// The number's digits without leading zeros (empty for zero).
    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leading_zeros_do_not_change_the_value() {
        assert_eq!(Digits::new("007"), Digits::new("7"));
        assert_eq!(Digits::new("000"), Digits::new(""));
        assert!(Digits::new("0").is_zero());
        assert_eq!(Digits::new("00").as_canonical(), "0");
    }

    #[test]
    fn longer_numbers_are_larger_without_overflow() {
        let big = Digits::new("999999999999999999999999999991");
        let bigger = Digits::new("999999999999999999999999999999");
        assert!(big < bigger);
        assert!(Digits::new("10") > Digits::new("9"));
        assert!(Digits::new("0010") > Digits::new("9"));
    }
}
