//! Percent-encoding as ECMA-427 clause 5.4 defines it: the alphanumerics, `.-_~` and the
//! colon `:` are written as they are; every other character is written as the `%XX`
//! triplets (upper-case hex) of its UTF-8 bytes. Separators are written by the caller, so
//! a `/` inside a name or a qualifier value is encoded as `%2F`, a `+` as `%2B`, an `@` as
//! `%40` and a space as `%20`.

use std::borrow::Cow;
use std::fmt;

use super::{PurlError, error, shown};

/// Whether an ASCII byte is written unencoded inside a component.
fn is_unencoded(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || matches!(byte, b'.' | b'-' | b'_' | b'~' | b':')
}

/// Writes `text` percent-encoded.
pub(super) fn write_encoded(out: &mut impl fmt::Write, text: &str) -> fmt::Result {
    let mut buffer = [0_u8; 4];
    for c in text.chars() {
        if c.is_ascii() && is_unencoded(c as u8) {
            out.write_char(c)?;
        } else {
            for byte in c.encode_utf8(&mut buffer).bytes() {
                out.write_char('%')?;
                out.write_char(hex_digit(byte >> 4))?;
                out.write_char(hex_digit(byte & 0x0f))?;
            }
        }
    }
    Ok(())
}

/// Writes `/`-separated segments, each percent-encoded, joined by unencoded `/`.
pub(super) fn write_segments(out: &mut impl fmt::Write, text: &str) -> fmt::Result {
    for (index, segment) in text.split('/').enumerate() {
        if index > 0 {
            out.write_char('/')?;
        }
        write_encoded(out, segment)?;
    }
    Ok(())
}

fn hex_digit(value: u8) -> char {
    char::from_digit(u32::from(value), 16).map_or('0', |c| c.to_ascii_uppercase())
}

fn hex_value(byte: u8) -> Option<u8> {
    char::from(byte).to_digit(16).and_then(|value| u8::try_from(value).ok())
}

/// Percent-decodes `text` (the `component` names it in errors). Borrows when there is
/// nothing to decode. `+` is not a space: it stays `+`.
pub(super) fn decode<'a>(text: &'a str, component: &str) -> Result<Cow<'a, str>, PurlError> {
    if !text.contains('%') {
        return Ok(Cow::Borrowed(text));
    }
    let mut bytes = Vec::with_capacity(text.len());
    let mut rest = text.bytes();
    while let Some(byte) = rest.next() {
        if byte != b'%' {
            bytes.push(byte);
            continue;
        }
        let high = rest.next().and_then(hex_value);
        let low = rest.next().and_then(hex_value);
        match (high, low) {
            (Some(high), Some(low)) => bytes.push(high << 4 | low),
            _ => {
                return Err(error(
                    "purl-encoding",
                    format!("the {component} '{}' has a '%' that is not followed by two hex digits", shown(text)),
                ));
            }
        }
    }
    String::from_utf8(bytes)
        .map(Cow::Owned)
        .map_err(|_| error("purl-encoding", format!("the {component} '{}' does not decode to UTF-8 text", shown(text))))
}
