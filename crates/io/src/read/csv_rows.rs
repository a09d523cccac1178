//! Splitting CSV text into records exactly as the `csv` crate does (the same `csv_core` parser
//! with the same settings), while watching the quotes: a quote that opens a value and never
//! closes would silently swallow every row after it into that value.
//!
//! Each record is numbered by the line of the file it starts on, as a spreadsheet or an editor
//! shows it: every line end counts (`\r\n`, `\n` or a lone `\r`), blank lines included. (The
//! `csv` crate counts only the `\n`s it has consumed, which is one low after a `\r\n` and after
//! blank lines.)

use super::grouped;
use csv::StringRecord;
use csv_core::{ReadRecordResult, Reader};

/// The most fields a record may have; the reader stops at the next one instead of building it.
pub const MAX_FIELDS: usize = 1_000;
/// The most bytes of text a record may hold (1 MiB); the reader stops there.
pub const MAX_RECORD_BYTES: usize = 1 << 20;

/// Why the text cannot be split into records. Lines count from 1; fields from 0.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Problem {
    /// A quoted value that opens on `line` in field `field` never closes (or runs over line
    /// ends past the limits of a record).
    UnclosedQuote { line: usize, field: usize },
    /// A quoted value that opens on `line` runs over line ends and closes on line `closes` in
    /// the middle of a value (`"Bob⏎…Ann "the" Cy`): the rows between were swallowed.
    QuoteClosesMidValue {
        line: usize,
        field: usize,
        closes: usize,
    },
    /// The record on `line` has more than [`MAX_FIELDS`] fields.
    TooManyFields { line: usize },
    /// The record on `line` holds more than [`MAX_RECORD_BYTES`] of text.
    TooLong { line: usize },
}

impl Problem {
    /// The message, naming the column of field `i` with `column(i)`.
    pub(super) fn message(&self, column: &dyn Fn(usize) -> String) -> String {
        match self {
            Problem::UnclosedQuote { line, field } => format!(
                "row {line}, column {}: a quote opens this value and is never closed, so every line after it would be read as part of this one value; close the quote (or remove it) and import the file again",
                column(*field)
            ),
            Problem::TooManyFields { line } => format!(
                "row {line} has more than {} fields, the most a row may have; no table has that many columns: remove the extra fields (and check that the file is comma-separated)",
                grouped(MAX_FIELDS as u64)
            ),
            Problem::TooLong { line } => format!(
                "row {line} holds more than 1 MiB ({} bytes) of text, the most a row may hold; no value of a table is that long: check the row for a missing line break and shorten it",
                grouped(MAX_RECORD_BYTES as u64)
            ),
            Problem::QuoteClosesMidValue {
                line,
                field,
                closes,
            } => format!(
                "row {line}, column {}: a quote opens this value and closes only on line {closes}, in the middle of a value, so lines {line} to {closes} would be read as one value; close the quote where the value ends (write a quote inside a value as \"\")",
                column(*field)
            ),
        }
    }
}

/// The records of a CSV text, one at a time.
pub(super) struct CsvRows<'t> {
    text: &'t [u8],
    /// Bytes of `text` consumed so far.
    pos: usize,
    core: Reader,
    /// The line of the file that `mark` is on.
    line: usize,
    mark: usize,
    /// The fields of the record being read, back to back, and where each ends.
    out: Vec<u8>,
    ends: Vec<usize>,
}

impl<'t> CsvRows<'t> {
    pub(super) fn new(text: &'t str) -> Self {
        CsvRows {
            text: text.as_bytes(),
            pos: 0,
            core: Reader::new(),
            line: 1,
            mark: 0,
            out: vec![0; 4096],
            ends: vec![0; 64],
        }
    }

    /// Bytes read so far, for progress.
    pub(super) fn byte(&self) -> u64 {
        self.pos as u64
    }

    /// Where the record read from `start` begins (after the line ends before it) and the line
    /// it is on; moves the mark there.
    fn record_start(&mut self, start: usize) -> (usize, usize) {
        let consumed = self.text.get(start..self.pos).unwrap_or_default();
        let blank = consumed
            .iter()
            .take_while(|b| matches!(b, b'\r' | b'\n'))
            .count();
        let first = start + blank;
        if first > self.mark {
            self.line += line_ends(self.text.get(self.mark..first).unwrap_or_default());
            self.mark = first;
        }
        (first, self.line)
    }

    /// Reads the next record into `rec` and returns the line of the file it starts on, or
    /// `None` at the end of the text.
    pub(super) fn next(&mut self, rec: &mut StringRecord) -> Result<Option<usize>, Problem> {
        let start = self.pos;
        let (mut outlen, mut endlen) = (0, 0);
        loop {
            let input = self.text.get(self.pos..).unwrap_or_default();
            let (result, nin, nout, nend) = self.core.read_record(
                input,
                self.out.get_mut(outlen..).unwrap_or_default(),
                self.ends.get_mut(endlen..).unwrap_or_default(),
            );
            self.pos += nin;
            outlen += nout;
            endlen += nend;
            match result {
                // An empty input tells the parser that the text has ended.
                ReadRecordResult::InputEmpty if !input.is_empty() => {}
                ReadRecordResult::InputEmpty => return Ok(None),
                // The parser stops when the buffer is full, before it sees whether the record
                // ends there: one byte more than the limit tells a record at the limit from a
                // longer one.
                ReadRecordResult::OutputFull if self.out.len() > MAX_RECORD_BYTES => {
                    let (first, line) = self.record_start(start);
                    return Err(self.stopped(first, line, Problem::TooLong { line }));
                }
                ReadRecordResult::OutputFull => {
                    let len = (self.out.len() * 2).min(MAX_RECORD_BYTES + 1);
                    self.out.resize(len, 0);
                }
                ReadRecordResult::OutputEndsFull if self.ends.len() >= MAX_FIELDS => {
                    let (first, line) = self.record_start(start);
                    return Err(self.stopped(first, line, Problem::TooManyFields { line }));
                }
                ReadRecordResult::OutputEndsFull => {
                    let len = (self.ends.len() * 2).min(MAX_FIELDS);
                    self.ends.resize(len, 0);
                }
                ReadRecordResult::Record => break,
                ReadRecordResult::End => return Ok(None),
            }
        }
        let (first, line) = self.record_start(start);
        let raw = self.text.get(first..self.pos).unwrap_or_default();
        if raw.contains(&b'"') {
            match follow_quotes(raw, line) {
                Quotes::Closed => {}
                Quotes::Open { line, field, .. } => {
                    return Err(Problem::UnclosedQuote { line, field });
                }
                Quotes::ClosesMidValue(problem) => return Err(problem),
            }
        }
        rec.clear();
        let fields = self.out.get(..outlen).unwrap_or_default();
        let mut from = 0;
        for &end in self.ends.get(..endlen).unwrap_or_default() {
            let field = fields.get(from..end).unwrap_or_default();
            // The text is UTF-8 and fields are split at ASCII bytes, so this is never lossy.
            rec.push_field(&String::from_utf8_lossy(field));
            from = end;
        }
        Ok(Some(line))
    }
}

impl CsvRows<'_> {
    /// Why the record that begins at `first` (on `line`) stopped at a limit: a quote open over
    /// line ends if that is what made it so long, else `limit`.
    fn stopped(&self, first: usize, line: usize, limit: Problem) -> Problem {
        let raw = self.text.get(first..self.pos).unwrap_or_default();
        match follow_quotes(raw, line) {
            Quotes::Open {
                line,
                field,
                spans_lines: true,
            } => Problem::UnclosedQuote { line, field },
            Quotes::ClosesMidValue(problem) => problem,
            _ => limit,
        }
    }
}

/// How many line ends `bytes` holds: `\r\n`, `\n` and a lone `\r` each end one line.
fn line_ends(bytes: &[u8]) -> usize {
    bytes
        .iter()
        .enumerate()
        .filter(|&(i, &b)| b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n')))
        .count()
}

/// Where the quotes of a record leave it.
enum Quotes {
    /// Every quoted value closes where the value ends.
    Closed,
    /// The record ends inside a quoted value that opens on `line` in field `field`.
    Open {
        line: usize,
        field: usize,
        spans_lines: bool,
    },
    ClosesMidValue(Problem),
}

/// Follows the quotes of one raw record (the bytes the parser consumed for it, starting on
/// `line`) as `csv_core` reads them.
fn follow_quotes(raw: &[u8], line: usize) -> Quotes {
    #[derive(Clone, Copy, PartialEq, Eq)]
    enum State {
        /// Before the record: line ends here are blank lines, skipped.
        StartRecord,
        StartField,
        InField,
        InQuotes,
        /// Just after a quote inside a quoted value: `""` is a quote, a comma or line end
        /// closes the value, anything else continues it unquoted.
        AfterQuote,
    }
    let mut state = State::StartRecord;
    let mut field = 0;
    let mut newlines = 0;
    // The quoted value being read: the line where it opens and whether it spans a line end.
    let mut opened = (line, false);
    for (i, &b) in raw.iter().enumerate() {
        let end_of_line = b == b'\r' || b == b'\n';
        if state == State::StartRecord && !end_of_line {
            state = State::StartField;
        }
        match state {
            State::StartRecord => {}
            State::StartField | State::InField if end_of_line => return Quotes::Closed,
            State::StartField | State::InField if b == b',' => {
                field += 1;
                state = State::StartField;
            }
            State::StartField if b == b'"' => {
                opened = (line + newlines, false);
                state = State::InQuotes;
            }
            State::StartField | State::InField => state = State::InField,
            State::InQuotes if b == b'"' => state = State::AfterQuote,
            State::InQuotes => opened.1 |= end_of_line,
            State::AfterQuote if b == b'"' => state = State::InQuotes,
            State::AfterQuote if end_of_line => return Quotes::Closed,
            State::AfterQuote if b == b',' => {
                field += 1;
                state = State::StartField;
            }
            State::AfterQuote if opened.1 => {
                return Quotes::ClosesMidValue(Problem::QuoteClosesMidValue {
                    line: opened.0,
                    field,
                    closes: line + newlines,
                });
            }
            State::AfterQuote => state = State::InField,
        }
        if b == b'\n' || (b == b'\r' && raw.get(i + 1) != Some(&b'\n')) {
            newlines += 1;
        }
    }
    if state == State::InQuotes {
        return Quotes::Open {
            line: opened.0,
            field,
            spans_lines: opened.1,
        };
    }
    Quotes::Closed
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every record, read with the `csv` crate as the reader did before.
    fn with_csv_crate(text: &str) -> Vec<Vec<String>> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(text.as_bytes());
        let mut rec = StringRecord::new();
        let mut out = Vec::new();
        loop {
            if !reader.read_record(&mut rec).unwrap() {
                return out;
            }
            out.push(rec.iter().map(str::to_owned).collect());
        }
    }

    fn with_csv_rows(text: &str) -> Result<Vec<(u64, Vec<String>)>, Problem> {
        let mut rows = CsvRows::new(text);
        let mut rec = StringRecord::new();
        let mut out = Vec::new();
        while let Some(line) = rows.next(&mut rec)? {
            out.push((line as u64, rec.iter().map(str::to_owned).collect()));
        }
        Ok(out)
    }

    fn records_of(text: &str) -> Result<Vec<Vec<String>>, Problem> {
        Ok(with_csv_rows(text)?.into_iter().map(|(_, r)| r).collect())
    }

    fn lines_of(text: &str) -> Vec<u64> {
        with_csv_rows(text)
            .unwrap()
            .into_iter()
            .map(|(l, _)| l)
            .collect()
    }

    #[test]
    fn records_are_numbered_by_the_line_of_the_file_they_start_on() {
        assert_eq!(lines_of("a,b\n1,2\n3,4\n"), [1, 2, 3]);
        assert_eq!(lines_of("a,b\r\n1,2\r\n3,4\r\n"), [1, 2, 3]);
        assert_eq!(lines_of("a,b\r1,2\r3,4"), [1, 2, 3]);
        assert_eq!(lines_of("a\n\n\r\n1\r\n\r\n2\n"), [1, 4, 6]);
        assert_eq!(lines_of("\r\n\r\na\r\nb"), [3, 4]);
        // A value over two lines: the next record starts two lines down.
        assert_eq!(lines_of("a,\"x\r\ny\"\r\nb\r\nc"), [1, 3, 4]);
        assert_eq!(lines_of("a,\"x\ry\"\rb"), [1, 3]);
    }

    #[test]
    fn without_quotes_the_lines_are_those_of_an_editor() {
        let alphabet = [b'a', b',', b'\r', b'\n', b' '];
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = || {
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (seed >> 33) as usize
        };
        for _ in 0..20_000 {
            let len = next() % 24;
            let text: String = (0..len)
                .map(|_| char::from(alphabet[next() % alphabet.len()]))
                .collect();
            // Lines as an editor splits them; a record is each line that is not empty.
            let expected: Vec<u64> = text
                .replace("\r\n", "\n")
                .replace('\r', "\n")
                .split('\n')
                .enumerate()
                .filter(|(_, l)| !l.is_empty())
                .map(|(i, _)| i as u64 + 1)
                .collect();
            assert_eq!(lines_of(&text), expected, "{text:?}");
        }
    }

    #[test]
    fn records_are_those_of_the_csv_crate() {
        let long = "x".repeat(10_000);
        let wide = ",".repeat(300);
        for text in [
            "a,b\n1,2\n",
            "a,b\r\n1,2\r\n3,4",
            "a,b\n\n\n1,2\n\r\n3\n",
            "a,\"b\"\"c\",d\n\"1\n2\",3\n",
            "\"ab\"cd,e\n\"\",\"\"\"\"\n",
            "a,\"b,c\"\r\n\"x\r\ny\"\r\n",
            "a\rb\rc",
            "",
            "\n\n",
            "é,张三\n\"李四\",x\n",
            &format!("a,{long}\n{wide}\nb\n"),
        ] {
            assert_eq!(records_of(text), Ok(with_csv_crate(text)), "{text:?}");
        }
    }

    #[test]
    fn random_texts_read_as_with_the_csv_crate_unless_a_quote_is_refused() {
        let alphabet = [b'a', b',', b'"', b'\r', b'\n', b' '];
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = || {
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (seed >> 33) as usize
        };
        let mut refused = 0;
        for _ in 0..20_000 {
            let len = next() % 24;
            let text: String = (0..len)
                .map(|_| char::from(alphabet[next() % alphabet.len()]))
                .collect();
            match records_of(&text) {
                Ok(rows) => assert_eq!(rows, with_csv_crate(&text), "{text:?}"),
                Err(_) => refused += 1,
            }
        }
        assert!(refused > 0 && refused < 20_000);
    }

    #[test]
    fn a_quote_that_never_closes_is_found_where_it_opens() {
        assert_eq!(
            with_csv_rows("h1,h2\nM1,Ann\nM2,\"Bob\nM3,Cy\n"),
            Err(Problem::UnclosedQuote { line: 3, field: 1 })
        );
        assert_eq!(
            with_csv_rows("h\r\n\"x"),
            Err(Problem::UnclosedQuote { line: 2, field: 0 })
        );
        assert_eq!(
            with_csv_rows("h1,h2\nM1,\"Bob\nM2,Ann \"the\" Cy\nM3,Di\n"),
            Err(Problem::QuoteClosesMidValue {
                line: 2,
                field: 1,
                closes: 3
            })
        );
        // Quotes closed where the value ends, on one line or over several, are fine, and so
        // is text after a quote on the line where it opened (the csv crate's reading).
        assert!(with_csv_rows("a,\"b\nc\"\n\"d\"\"\",\"e\"f\n").is_ok());
    }

    #[test]
    fn records_stop_at_the_limits() {
        let at_limit = format!(
            "{}\n{}\n",
            ",".repeat(MAX_FIELDS - 1),
            "a".repeat(MAX_RECORD_BYTES)
        );
        assert_eq!(with_csv_rows(&at_limit).map(|r| r.len()), Ok(2));
        let wide = format!("h\n{}\n", ",".repeat(MAX_FIELDS));
        assert_eq!(
            with_csv_rows(&wide),
            Err(Problem::TooManyFields { line: 2 })
        );
        let long = format!("h\n\n{}\n", "a".repeat(MAX_RECORD_BYTES + 1));
        assert_eq!(with_csv_rows(&long), Err(Problem::TooLong { line: 3 }));
        // A record made long by a quote that stays open is reported as the open quote.
        let open = format!("h,i\nM1,\"a\n{}", "b,c\n".repeat(MAX_RECORD_BYTES / 3));
        assert_eq!(
            with_csv_rows(&open),
            Err(Problem::UnclosedQuote { line: 2, field: 1 })
        );
    }
}
