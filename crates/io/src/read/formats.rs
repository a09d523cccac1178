//! Turning the bytes of a CSV file into text: UTF-8 or GBK.

use super::{Encoding, ReadError, ReadSummary};
use std::path::Path;

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
    let gbk = |bytes: &[u8]| -> Result<String, ReadError> {
        let (text, _, had_errors) = encoding_rs::GB18030.decode(bytes);
        if had_errors {
            return Err(ReadError::format(
                path,
                "the file is neither UTF-8 nor GBK text; save it as CSV UTF-8",
            ));
        }
        Ok(text.into_owned())
    };
    match encoding {
        Encoding::Gbk => gbk(&bytes),
        Encoding::Utf8 => String::from_utf8(bytes).map(strip_bom).map_err(|e| {
            let at = e.utf8_error().valid_up_to();
            ReadError::format(
                path,
                format!(
                    "byte {at} is not UTF-8; the file is probably GBK (GB18030) as Chinese Excel saves it: run again with --encoding gbk, or save it as \"CSV UTF-8\""
                ),
            )
        }),
        Encoding::Auto => match String::from_utf8(bytes) {
            Ok(s) => Ok(strip_bom(s)),
            Err(e) => {
                let bytes = e.into_bytes();
                let text = gbk(&bytes).map_err(|_| {
                    ReadError::format(
                        path,
                        "the file is not UTF-8 text and not GBK either; save it as \"CSV UTF-8\"",
                    )
                })?;
                summary.warnings.push(
                    "the file is not UTF-8; it was read as GBK (GB18030). Pass --encoding utf-8 to refuse such files"
                        .to_owned(),
                );
                Ok(text)
            }
        },
    }
}
