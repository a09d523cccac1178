//! Turning the bytes of a CSV file into text: UTF-8 or GBK, never a mixture of both.

use super::{Encoding, ReadError, ReadSummary, Reason};
use std::path::Path;

/// Decodes a CSV file. `Auto`: UTF-8 if the bytes are UTF-8, else GBK (GB18030) with a
/// warning, but only if no line is UTF-8 text (a file mixing both is refused). `Utf8` and
/// `Gbk`: bytes not valid in that encoding are refused naming the first bad line.
pub(super) fn decode(
    path: &Path,
    bytes: Vec<u8>,
    encoding: Encoding,
    summary: &mut ReadSummary,
) -> Result<String, ReadError> {
    let strip_bom = |s: String| match s.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_owned(),
        None => s,
    };
    match encoding {
        Encoding::Gbk => gbk(path, &bytes, "is not GBK (GB18030) text"),
        Encoding::Utf8 => String::from_utf8(bytes).map(strip_bom).map_err(|e| {
            let at = e.utf8_error().valid_up_to();
            let line = line_of(e.as_bytes(), at);
            ReadError::format_said(
                path,
                Reason::new(
                    "not-utf8",
                    format!(
                        "line {line} is not UTF-8 (byte {at}); the file is probably GBK (GB18030) as Chinese Excel saves it: run again with --encoding gbk, or save it as \"CSV UTF-8\""
                    ),
                )
                .arg("line", line),
            )
        }),
        Encoding::Auto => match String::from_utf8(bytes) {
            Ok(s) => Ok(strip_bom(s)),
            Err(e) => {
                let bytes = e.into_bytes();
                let text = gbk(path, &bytes, "is neither UTF-8 nor GBK (GB18030) text")?;
                summary.warnings.push(
                    "the file is not UTF-8; it was read as GBK (GB18030). Pass --encoding utf-8 to refuse such files"
                        .to_owned(),
                );
                Ok(text)
            }
        },
    }
}

/// The line (from 1) that byte `at` is on.
fn line_of(bytes: &[u8], at: usize) -> usize {
    bytes
        .get(..at)
        .unwrap_or(bytes)
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

/// Decodes GBK (GB18030) text; `not_gbk` says what a bad line is.
fn gbk(path: &Path, bytes: &[u8], not_gbk: &str) -> Result<String, ReadError> {
    if let Some((utf8, other)) = mixed_lines(bytes) {
        return Err(ReadError::format_said(
            path,
            Reason::new(
                "mixed-encodings",
                format!(
                    "the file mixes encodings: line {utf8} is UTF-8 text but line {other} is not (probably GBK); save the whole file in one encoding (\"CSV UTF-8\") and import it again"
                ),
            )
            .arg("utf8", utf8)
            .arg("other", other),
        ));
    }
    let (text, _, had_errors) = encoding_rs::GB18030.decode(bytes);
    if had_errors {
        // No GBK character contains a line feed byte, so lines decode on their own.
        let bad = bytes.split(|b| *b == b'\n').position(|line| {
            encoding_rs::GB18030
                .decode_without_bom_handling_and_without_replacement(line)
                .is_none()
        });
        let at = bad.map_or_else(|| "the file".to_owned(), |i| format!("line {}", i + 1));
        return Err(ReadError::format(
            path,
            format!("{at} {not_gbk}; save the file as \"CSV UTF-8\" and import it again"),
        ));
    }
    Ok(text.into_owned())
}

/// For bytes that are not all UTF-8: the first line that is UTF-8 text and the first line that
/// is not UTF-8, if there are both.
///
/// A line counts as UTF-8 text if it is valid UTF-8 and holds a character from U+0800 on
/// (Chinese, full-width punctuation, a BOM), which UTF-8 writes as three or four bytes. A GBK
/// line can be valid UTF-8 by chance when its characters happen to form two-byte sequences
/// (卢路 is C2 AC C2 B7, "¬·"); such lines decode to U+0080–U+07FF only and are not taken
/// for UTF-8, so a GBK file with a manager named 卢路 still reads.
fn mixed_lines(bytes: &[u8]) -> Option<(usize, usize)> {
    let (mut utf8, mut other) = (None, None);
    for (i, line) in bytes.split(|b| *b == b'\n').enumerate() {
        match std::str::from_utf8(line) {
            Ok(s) if utf8.is_none() && s.chars().any(|c| u32::from(c) >= 0x800) => {
                utf8 = Some(i + 1);
            }
            Ok(_) => {}
            Err(_) if other.is_none() => other = Some(i + 1),
            Err(_) => {}
        }
        if let (Some(u), Some(o)) = (utf8, other) {
            return Some((u, o));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gbk(s: &str) -> Vec<u8> {
        encoding_rs::GB18030.encode(s).0.into_owned()
    }

    #[test]
    fn lines_of_both_encodings_are_found() {
        let mut bytes = "a\n张三\n".as_bytes().to_vec();
        bytes.extend(gbk("李四\n"));
        assert_eq!(mixed_lines(&bytes), Some((2, 3)));
        let mut bytes = gbk("a\n李四\n");
        bytes.extend("张三\n".as_bytes());
        assert_eq!(mixed_lines(&bytes), Some((3, 2)));
        // A UTF-8 BOM is UTF-8 text too.
        let mut bytes = "\u{feff}a,b\n".as_bytes().to_vec();
        bytes.extend(gbk("李四\n"));
        assert_eq!(mixed_lines(&bytes), Some((1, 2)));
        // GBK lines that happen to be valid UTF-8 (two-byte sequences) are not UTF-8 text.
        let bytes = gbk("a\n卢路\n史毛,叶石\n张三\n");
        assert!(std::str::from_utf8(&gbk("卢路")).is_ok());
        assert_eq!(mixed_lines(&bytes), None);
    }

    #[test]
    fn lines_count_from_one() {
        assert_eq!(line_of(b"ab\ncd\nef", 0), 1);
        assert_eq!(line_of(b"ab\ncd\nef", 3), 2);
        assert_eq!(line_of(b"ab\ncd\nef", 7), 3);
    }
}
