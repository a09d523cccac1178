//! Hostile or careless files: each is refused with a message saying what to fix, and none
//! crashes the process or lets damaged data through. Valid look-alikes still read as before.

use kejing_io::records::ManagerRec;
use kejing_io::{Encoding, ReadError, ReadOptions, read_records, read_records_bytes};
use rust_xlsxwriter::{Formula, Workbook};
use std::path::{Path, PathBuf};

type Rows = Vec<(usize, ManagerRec)>;

fn read(path: &Path, encoding: Encoding) -> Result<Rows, ReadError> {
    let mut rows = Vec::new();
    read_records::<ManagerRec>(
        path,
        &ReadOptions {
            encoding,
            sheet: None,
        },
        |row, rec| {
            rows.push((row, rec));
            Ok(())
        },
        &mut |_, _| {},
    )?;
    Ok(rows)
}

fn csv_file(dir: &tempfile::TempDir, bytes: &[u8]) -> PathBuf {
    let path = dir.path().join("managers.csv");
    std::fs::write(&path, bytes).unwrap();
    path
}

fn names(rows: &Rows) -> Vec<&str> {
    rows.iter().map(|(_, r)| r.name.as_str()).collect()
}

/// The error of a read that must fail (without printing what an accepted read returned).
fn refused(result: Result<Rows, ReadError>) -> ReadError {
    match result {
        Ok(rows) => panic!("the file was accepted ({} rows)", rows.len()),
        Err(e) => e,
    }
}

fn format_message(e: &ReadError) -> String {
    match e {
        ReadError::Format { .. } => e.to_string(),
        other => panic!("expected a format error, got: {other}"),
    }
}

// 1. XLSX: a stray cell far away must not make the reader allocate the whole used range.

#[test]
fn xlsx_stray_cell_at_the_last_cell_is_refused_without_allocating_the_range() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("managers.xlsx");
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("managers").unwrap();
    ws.write_string(0, 0, "manager_id").unwrap();
    ws.write_string(0, 1, "name").unwrap();
    ws.write_string(1, 0, "M1").unwrap();
    ws.write_string(1, 1, "Ann").unwrap();
    ws.write_string(1_048_575, 16_383, "stray").unwrap();
    wb.save(&path).unwrap();
    assert!(std::fs::metadata(&path).unwrap().len() < 10_000);
    let e = format_message(&refused(read(&path, Encoding::Auto)));
    assert!(
        e.contains("sheet managers")
            && e.contains("XFD1048576")
            && e.contains("delete the stray cell"),
        "{e}"
    );
}

#[test]
fn xlsx_table_away_from_a1_reads_as_before() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("managers.xlsx");
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    // Header in C3, data below it, an empty row in between and a note far below.
    ws.write_string(2, 2, "manager_id").unwrap();
    ws.write_string(2, 3, "姓名").unwrap();
    ws.write_string(3, 2, "M1").unwrap();
    ws.write_string(3, 3, "Ann").unwrap();
    ws.write_string(5, 2, "M2").unwrap();
    ws.write_number(5, 3, 42.5).unwrap();
    wb.save(&path).unwrap();
    let rows = read(&path, Encoding::Auto).unwrap();
    // Rows are numbered from the header (row 1), as the reader always did.
    assert_eq!(rows.iter().map(|(r, _)| *r).collect::<Vec<_>>(), vec![2, 4]);
    assert_eq!(names(&rows), vec!["Ann", "42.5"]);
}

// 2. CSV: a quote that is never closed must not swallow the rows after it.

#[test]
fn csv_unterminated_quote_is_refused_at_the_row_where_it_opens() {
    let dir = tempfile::tempdir().unwrap();
    let path = csv_file(&dir, b"manager_id,name\nM1,Ann\nM2,\"Bob\nM3,Cy\nM4,Di\n");
    let e = format_message(&refused(read(&path, Encoding::Auto)));
    assert!(
        e.contains("row 3") && e.contains("column name") && e.contains("close the quote"),
        "{e}"
    );
}

#[test]
fn csv_quote_closed_rows_later_in_the_middle_of_a_value_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = csv_file(
        &dir,
        b"manager_id,name\nM1,\"Bob\nM2,Ann \"the\" Cy\nM3,Di\n",
    );
    let e = format_message(&refused(read(&path, Encoding::Auto)));
    assert!(e.contains("row 2") && e.contains("close the quote"), "{e}");
}

#[test]
fn csv_quoted_values_spanning_lines_still_read() {
    let dir = tempfile::tempdir().unwrap();
    let path = csv_file(
        &dir,
        b"manager_id,name\r\nM1,\"Ann\r\nLee\"\r\nM2,\"Bob \"\"B\"\"\"\r\nM3,\"Cy, Jr\"",
    );
    let rows = read(&path, Encoding::Auto).unwrap();
    assert_eq!(names(&rows), vec!["Ann\r\nLee", "Bob \"B\"", "Cy, Jr"]);
}

// 3. Encodings: a file mixing UTF-8 and GBK lines is refused, not read as mojibake.

fn gbk(s: &str) -> Vec<u8> {
    let (bytes, _, _) = encoding_rs::GB18030.encode(s);
    bytes.into_owned()
}

#[test]
fn csv_mixing_utf8_and_gbk_lines_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = b"manager_id,name\nM1,Ann\nM2,\xe5\xbc\xa0\xe4\xb8\x89\n".to_vec(); // 张三 in UTF-8
    bytes.extend(gbk("M3,李四\n"));
    let path = csv_file(&dir, &bytes);
    for encoding in [Encoding::Auto, Encoding::Gbk] {
        let e = format_message(&refused(read(&path, encoding)));
        assert!(
            e.contains("line 3") && e.contains("line 4") && e.contains("one encoding"),
            "{e}"
        );
    }
}

#[test]
fn csv_not_valid_in_the_encoding_asked_for_names_the_first_bad_line() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = b"manager_id,name\nM1,Ann\n".to_vec();
    bytes.extend(gbk("M2,李四\n"));
    let path = csv_file(&dir, &bytes);
    let e = format_message(&refused(read(&path, Encoding::Utf8)));
    assert!(e.contains("line 3") && e.contains("--encoding gbk"), "{e}");

    // 0xFF is never valid GBK / GB18030.
    let path = csv_file(&dir, b"manager_id,name\nM1,Ann\nM2,Bob\nM3,\xff\xff\n");
    let e = format_message(&refused(read(&path, Encoding::Gbk)));
    assert!(e.contains("line 4") && e.contains("not GBK"), "{e}");
    let e = format_message(&refused(read(&path, Encoding::Auto)));
    assert!(e.contains("line 4"), "{e}");
}

#[test]
fn csv_in_gbk_reads_even_when_a_line_happens_to_be_valid_utf8() {
    let dir = tempfile::tempdir().unwrap();
    // 卢路 in GBK is C2 AC C2 B7, which is also valid UTF-8 ("¬·").
    let path = csv_file(&dir, &gbk("manager_id,姓名\nM1,卢路\nM2,张三\n"));
    assert!(std::str::from_utf8(&gbk("M1,卢路")).is_ok());
    let rows = read(&path, Encoding::Auto).unwrap();
    assert_eq!(names(&rows), vec!["卢路", "张三"]);
    let rows = read(&path, Encoding::Gbk).unwrap();
    assert_eq!(names(&rows), vec!["卢路", "张三"]);
}

// 4. Extra fields: a row wider than the header is refused, a huge one is not even built.

#[test]
fn csv_row_with_more_fields_than_the_header_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = csv_file(
        &dir,
        b"manager_id,name,base_salary\nM1,Ann,2000\nM2,Bob,2,000\nM3,Cy,3000,,\n",
    );
    let e = refused(read(&path, Encoding::Auto));
    let errors = e.row_errors();
    assert_eq!(errors.len(), 1, "{e}");
    assert_eq!(errors[0].row, 3);
    assert!(
        errors[0]
            .reason
            .contains("row has 4 fields, the header has 3"),
        "{e}"
    );
}

#[test]
fn csv_row_with_a_million_fields_is_refused_without_building_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = b"manager_id,name\nM1,Ann\nM2,Bob".to_vec();
    bytes.extend(",x".repeat(1_000_000).as_bytes());
    bytes.extend(b"\nM3,Cy\n");
    let path = csv_file(&dir, &bytes);
    let e = format_message(&refused(read(&path, Encoding::Auto)));
    assert!(e.contains("row 3") && e.contains("1,000 fields"), "{e}");
}

#[test]
fn csv_record_longer_than_the_limit_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = b"manager_id,name\nM1,".to_vec();
    bytes.extend("a".repeat(2 << 20).as_bytes());
    bytes.extend(b"\n");
    let path = csv_file(&dir, &bytes);
    let e = format_message(&refused(read(&path, Encoding::Auto)));
    assert!(e.contains("row 2") && e.contains("1 MiB"), "{e}");
}

// 5. NUL characters: PostgreSQL cannot store them, SQLite would store them silently.

#[test]
fn nul_characters_in_a_cell_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = csv_file(&dir, b"manager_id,name\nM1,Ann\nM2,B\0b\n");
    let e = refused(read(&path, Encoding::Auto));
    let errors = e.row_errors();
    assert_eq!(errors.len(), 1, "{e}");
    assert_eq!((errors[0].row, errors[0].column.as_str()), (3, "name"));
    assert!(
        errors[0].reason.contains("remove the NUL characters"),
        "{e}"
    );
}

#[test]
fn nul_characters_in_a_workbook_cell_or_a_header_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("managers.xlsx");
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(0, 1, "manager_id").unwrap();
    ws.write_string(0, 2, "name").unwrap();
    ws.write_string(0, 3, "note").unwrap();
    ws.write_string(1, 1, "M1").unwrap();
    ws.write_string(1, 2, "Ann").unwrap();
    ws.write_string(1, 3, "a\0b").unwrap();
    ws.write_string(1, 4, "\0").unwrap();
    wb.save(&path).unwrap();
    let e = refused(read(&path, Encoding::Auto));
    let errors: Vec<_> = e
        .row_errors()
        .iter()
        .map(|e| (e.row, e.column.as_str(), e.value.as_str()))
        .collect();
    assert_eq!(errors, vec![(2, "note", "a␀b"), (2, "E", "␀")], "{e}");

    let path = csv_file(&dir, b"manager_id,name,no\0te\nM1,Ann,x\n");
    let e = format_message(&refused(read(&path, Encoding::Auto)));
    assert!(
        e.contains("row 1 (header), column C") && e.contains("remove the NUL characters"),
        "{e}"
    );
}

// 6. Spreadsheet error cells are refused, never stored as text.

#[test]
fn xlsx_error_cells_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("managers.xlsx");
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(0, 0, "manager_id").unwrap();
    ws.write_string(0, 1, "name").unwrap();
    ws.write_string(1, 0, "M1").unwrap();
    ws.write_string(1, 1, "Ann").unwrap();
    ws.write_string(2, 0, "M2").unwrap();
    ws.write_formula(2, 1, Formula::new("=1/0").set_result("#DIV/0!"))
        .unwrap();
    ws.write_string(3, 0, "M3").unwrap();
    ws.write_formula(3, 1, Formula::new("=#REF!").set_result("#REF!"))
        .unwrap();
    wb.save(&path).unwrap();
    let e = refused(read(&path, Encoding::Auto));
    let errors = e.row_errors();
    assert_eq!(errors.len(), 2, "{e}");
    for (error, (row, value)) in errors.iter().zip([(3, "#DIV/0!"), (4, "#REF!")]) {
        assert_eq!(
            (error.row, error.column.as_str(), error.value.as_str()),
            (row, "name", value)
        );
        assert!(
            error
                .reason
                .contains("the cell holds a spreadsheet error: fix the formula"),
            "{e}"
        );
    }
}

// A file saved by Excel on Windows (CRLF line ends, a blank line): a bad row is named by the
// row the spreadsheet shows, not one too low.

#[test]
fn csv_rows_are_numbered_as_the_spreadsheet_shows_them_whatever_the_line_ends() {
    let dir = tempfile::tempdir().unwrap();
    for (ends, bytes) in [
        (
            "CRLF",
            b"manager_id,name,base_salary\r\nM1,Ann,2000\r\n\r\nM2,Bob,abc\r\nM3,Cy,3000\r\n"
                .to_vec(),
        ),
        (
            "LF",
            b"manager_id,name,base_salary\nM1,Ann,2000\n\nM2,Bob,abc\nM3,Cy,3000\n".to_vec(),
        ),
        (
            "CR",
            b"manager_id,name,base_salary\rM1,Ann,2000\r\rM2,Bob,abc\rM3,Cy,3000\r".to_vec(),
        ),
    ] {
        let path = csv_file(&dir, &bytes);
        let e = refused(read(&path, Encoding::Auto));
        let errors = e.row_errors();
        assert_eq!(errors.len(), 1, "{ends}: {e}");
        assert_eq!(errors[0].row, 4, "{ends}: {e}");
    }
    let path = csv_file(&dir, b"manager_id,name\r\nM1,Ann\r\n\r\nM2,Bob\r\n");
    let rows = read(&path, Encoding::Auto).unwrap();
    assert_eq!(rows.iter().map(|(r, _)| *r).collect::<Vec<_>>(), [2, 4]);
}

// An old binary workbook is parsed whole (every sheet at its claimed size) when opened: refused
// before calamine sees it, saying how to convert it.

#[test]
fn an_old_xls_workbook_is_refused_with_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("managers.xls");
    // The start of a compound file (the container of .xls), then nothing sensible.
    let mut bytes = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    bytes.resize(4096, 0xFF);
    std::fs::write(&path, bytes).unwrap();
    let message = format_message(&refused(read(&path, Encoding::Auto)));
    assert!(message.contains("save it as .xlsx"), "{message}");
    assert!(message.contains("managers.xls"), "{message}");
}

// 7. A file's bytes held in memory (what the fuzz targets read) read exactly as the file.

fn read_bytes(path: &Path, encoding: Encoding) -> Result<Rows, ReadError> {
    let mut rows = Vec::new();
    read_records_bytes::<ManagerRec>(
        path,
        std::fs::read(path).unwrap(),
        &ReadOptions {
            encoding,
            sheet: None,
        },
        |row, rec| {
            rows.push((row, rec));
            Ok(())
        },
        &mut |_, _| {},
    )?;
    Ok(rows)
}

/// The same outcome, compared as text: the rows read, or the message.
fn outcome(result: Result<Rows, ReadError>) -> String {
    match result {
        Ok(rows) => format!("{rows:?}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn bytes_in_memory_read_exactly_as_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let mut gbk_file = gbk("manager_id,name\nM1,李四\n");
    gbk_file.extend(b"M2,\"unclosed\nM3,Bo\n");
    for bytes in [
        "manager_id,name,base_salary\nM1,Ann,100.5\nM2,Bo,-3\n"
            .as_bytes()
            .to_vec(),
        "\u{feff}工号,姓名\nM1,张三\n".as_bytes().to_vec(),
        gbk("manager_id,name\nM1,李四\n"),
        gbk_file,
        b"manager_id\n".to_vec(),
    ] {
        let path = csv_file(&dir, &bytes);
        for encoding in [Encoding::Auto, Encoding::Utf8, Encoding::Gbk] {
            assert_eq!(
                outcome(read_bytes(&path, encoding)),
                outcome(read(&path, encoding))
            );
        }
    }
    let path = dir.path().join("managers.xlsx");
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(2, 1, "manager_id").unwrap();
    ws.write_string(2, 2, "name").unwrap();
    ws.write_string(3, 1, "M1").unwrap();
    ws.write_string(3, 2, "Ann").unwrap();
    ws.write_string(4, 1, "M2").unwrap();
    ws.write_formula(4, 2, Formula::new("=1/0").set_result("#DIV/0!"))
        .unwrap();
    wb.save(&path).unwrap();
    let from_file = outcome(read(&path, Encoding::Auto));
    assert!(from_file.contains("spreadsheet error"), "{from_file}");
    assert_eq!(outcome(read_bytes(&path, Encoding::Auto)), from_file);
    std::fs::write(&path, b"PK\x03\x04 not a workbook").unwrap();
    let from_file = outcome(read(&path, Encoding::Auto));
    assert!(from_file.contains("not a readable workbook"), "{from_file}");
    assert_eq!(outcome(read_bytes(&path, Encoding::Auto)), from_file);
}

// 8. Cell references beyond any sheet: calamine computes them with unchecked arithmetic.

/// Found by the `xlsx_reader` fuzz target (its input, a workbook whose sheet has a row or
/// cell reference `AaseetFormatPr do e3`, is `tests/fuzz/xlsx_reference_overflow.bin` after
/// the target's kind byte): calamine overflowed computing the column (a panic with overflow
/// checks, a wrong cell without).
#[test]
fn xlsx_cell_reference_beyond_any_sheet_is_refused_not_overflowed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("managers.xlsx");
    let input = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz/xlsx_reference_overflow.bin"),
    )
    .unwrap();
    std::fs::write(&path, &input[1..]).unwrap();
    for result in [
        read(&path, Encoding::Auto),
        read_bytes(&path, Encoding::Auto),
    ] {
        let e = format_message(&refused(result));
        assert!(
            e.contains("xl/worksheets/sheet1.xml: the cell reference \"AaseetFormatPr do e3\"")
                && e.contains("the workbook is damaged"),
            "{e}"
        );
    }

    // The same in a workbook that is otherwise sound: a cell at 7 letters or 10 digits.
    let sound = sound_workbook();
    for (from, to) in [
        ("r=\"B2\"", "r=\"AAAAAAB2\""),
        ("r=\"B2\"", "r=\"B4294967297\""),
        ("<row r=\"2\"", "<row r=\"4294967298\""),
        ("ref=\"A1:B2\"", "ref=\"A1:ZZZZZZZ2\""),
    ] {
        let bytes = rewrite_sheet(&sound, from, to);
        std::fs::write(&path, &bytes).unwrap();
        for result in [
            read(&path, Encoding::Auto),
            read_bytes(&path, Encoding::Auto),
        ] {
            let e = format_message(&refused(result));
            assert!(e.contains("lies beyond any sheet"), "{to}: {e}");
        }
    }
    // References as far as a spreadsheet goes still read (the stray cell is refused as before).
    let bytes = rewrite_sheet(&sound, "r=\"B2\"", "r=\"XFD1048576\"");
    std::fs::write(&path, &bytes).unwrap();
    let e = format_message(&refused(read(&path, Encoding::Auto)));
    assert!(
        e.contains("XFD1048576") && e.contains("delete the stray cell"),
        "{e}"
    );
    std::fs::write(&path, &sound).unwrap();
    assert_eq!(names(&read(&path, Encoding::Auto).unwrap()), ["Ann"]);
}

/// Found by the `xlsx_reader` fuzz target after 1,678 s (its input, after the target's kind
/// byte, is `tests/fuzz/xlsx_reversed_range.bin`): calamine subtracts a range's start from its
/// end unchecked, so a range that ends before it starts panicked with overflow checks.
#[test]
fn xlsx_range_that_ends_before_it_starts_is_refused_not_overflowed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("managers.xlsx");
    let input = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz/xlsx_reversed_range.bin"),
    )
    .unwrap();
    std::fs::write(&path, &input[1..]).unwrap();
    for result in [
        read(&path, Encoding::Auto),
        read_bytes(&path, Encoding::Auto),
    ] {
        // Refused, with a message, whichever check finds it first: never a panic.
        let _ = format_message(&refused(result));
    }
    let sound = sound_workbook();
    for (from, to) in [
        ("ref=\"A1:B2\"", "ref=\"B2:A1\""),
        ("ref=\"A1:B2\"", "ref=\"A2:B1\""),
        ("ref=\"A1:B2\"", "ref=\"B1:A2\""),
    ] {
        let bytes = rewrite_sheet(&sound, from, to);
        std::fs::write(&path, &bytes).unwrap();
        for result in [
            read(&path, Encoding::Auto),
            read_bytes(&path, Encoding::Auto),
        ] {
            let e = format_message(&refused(result));
            assert!(
                e.contains("ends before it starts") && e.contains("the workbook is damaged"),
                "{to}: {e}"
            );
        }
    }
}

/// A sound managers workbook of one row (M1, Ann) whose sheet has the dimension `A1:B2`.
fn sound_workbook() -> Vec<u8> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(0, 0, "manager_id").unwrap();
    ws.write_string(0, 1, "name").unwrap();
    ws.write_string(1, 0, "M1").unwrap();
    ws.write_string(1, 1, "Ann").unwrap();
    wb.save_to_buffer().unwrap()
}

/// The workbook with `from` replaced by `to` in its first sheet's XML.
fn rewrite_sheet(workbook: &[u8], from: &str, to: &str) -> Vec<u8> {
    use std::io::{Read, Write};
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(workbook)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..zip.len() {
        let mut part = zip.by_index(i).unwrap();
        let name = part.name().unwrap().into_owned();
        let mut text = String::new();
        part.read_to_string(&mut text).unwrap();
        if name == "xl/worksheets/sheet1.xml" {
            assert!(text.contains(from), "{text}");
            text = text.replacen(from, to, 1);
        }
        out.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        out.write_all(text.as_bytes()).unwrap();
    }
    out.finish().unwrap().into_inner()
}

// A workbook without the sheet of the table: the refusal is coded, naming the sheets it has.

#[test]
fn a_workbook_without_the_tables_sheet_names_the_sheets_it_has() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("managers.xlsx");
    let mut wb = Workbook::new();
    for name in ["九月", "十月"] {
        let ws = wb.add_worksheet();
        ws.set_name(name).unwrap();
        ws.write_string(0, 0, "manager_id").unwrap();
        ws.write_string(0, 1, "name").unwrap();
        ws.write_string(1, 0, "M1").unwrap();
        ws.write_string(1, 1, "Ann").unwrap();
    }
    wb.save(&path).unwrap();
    let e = refused(read(&path, Encoding::Auto));
    let reason = e.reason().expect("a coded reason");
    assert_eq!(reason.code, "sheet-not-found");
    let arg = |name: &str| {
        reason
            .args
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    };
    assert_eq!(arg("sheet"), Some("managers"));
    assert_eq!(arg("sheets"), Some("九月, 十月"));
    assert!(
        format_message(&e).contains("Name the sheet with --sheet"),
        "{e}"
    );
}
