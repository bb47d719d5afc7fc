//! Tests of row-by-row table pricing on the default model.

use super::*;
use crate::car::AttributeValue;
use crate::number::format_number;

fn model() -> Model {
    Model::from_json(include_str!("../../../assets/model.json")).unwrap()
}

/// Header and one row of the model's reference car, with `changes` applied (name, cell).
fn table(model: &Model, rows: &[&[(&str, &str)]]) -> String {
    let reference: Vec<(String, String)> = model
        .default_description()
        .iter()
        .map(|(name, value)| {
            let cell = match value {
                AttributeValue::Number(x) => format_number(*x),
                AttributeValue::Text(text) => text.clone(),
            };
            (name.to_string(), cell)
        })
        .collect();
    let mut text = reference
        .iter()
        .map(|(n, _)| n.as_str())
        .collect::<Vec<_>>()
        .join(",");
    for changes in rows {
        let cells: Vec<&str> = reference
            .iter()
            .map(|(name, cell)| {
                changes
                    .iter()
                    .find(|(n, _)| n == name)
                    .map_or(cell.as_str(), |(_, c)| c)
            })
            .collect();
        text.push('\n');
        text.push_str(&cells.join(","));
    }
    text.push('\n');
    text
}

/// Every outcome and the output text.
fn price_all(model: &Model, input: &str) -> (Vec<RowOutcome>, String) {
    let mut pricer = TablePricer::new(model, input.as_bytes(), Vec::new(), b',').unwrap();
    let mut outcomes = Vec::new();
    while let Some(outcome) = pricer.price_next().unwrap() {
        outcomes.push(outcome);
    }
    (
        outcomes,
        String::from_utf8(pricer.finish().unwrap()).unwrap(),
    )
}

#[test]
fn good_rows_carry_the_quote_to_the_last_bit_and_bad_rows_their_line_and_attribute() {
    let model = model();
    let input = table(
        &model,
        &[&[], &[("make", "trabant")], &[("curb-weight", "lots")], &[]],
    );
    let (outcomes, output) = price_all(&model, &input);
    assert_eq!(outcomes[0], RowOutcome::Priced);
    assert_eq!(outcomes[3], RowOutcome::Priced);
    let RowOutcome::Refused(problem) = &outcomes[1] else {
        panic!("{outcomes:?}")
    };
    assert_eq!(problem.line, 3);
    assert_eq!(problem.attribute.as_deref(), Some("make"));
    assert!(problem.message.contains("\"trabant\""), "{problem:?}");
    let RowOutcome::Refused(problem) = &outcomes[2] else {
        panic!("{outcomes:?}")
    };
    assert_eq!(
        (problem.line, problem.attribute.as_deref()),
        (4, Some("curb-weight"))
    );

    let quote = model
        .quote(&model.car(&model.default_description()).unwrap())
        .unwrap();
    let lines: Vec<&str> = output.lines().collect();
    assert_eq!(lines.len(), 3, "{output}");
    assert!(lines[0].ends_with(",price,price_low,price_high,flags"));
    let cells: Vec<&str> = lines[1].split(',').collect();
    let n = cells.len();
    let number = |i: usize| cells[i].parse::<f64>().unwrap().to_bits();
    assert_eq!(number(n - 4), quote.price.to_bits());
    assert_eq!(number(n - 3), quote.interval.low.to_bits());
    assert_eq!(number(n - 2), quote.interval.high.to_bits());
    assert_eq!(cells[n - 1], "");
    assert_eq!(lines[1], lines[2]);
}

#[test]
fn a_row_of_another_length_is_refused_with_its_line() {
    let model = model();
    let mut input = table(&model, &[&[]]);
    input.push_str("1,2,3\n");
    let (outcomes, _) = price_all(&model, &input);
    assert_eq!(
        outcomes[1],
        RowOutcome::Refused(RowProblem {
            line: 3,
            attribute: None,
            message: format!(
                "row has 3 fields, but the header has {}",
                model.default_description().len()
            ),
        })
    );
}

#[test]
fn a_row_that_is_not_utf8_is_refused_with_its_line_and_a_quoted_padded_cell_is_trimmed() {
    let model = model();
    let input = table(&model, &[&[], &[]]);
    let (header, rows) = input.split_once('\n').unwrap();
    let row = rows.lines().next().unwrap();
    let (first, rest) = row.split_once(',').unwrap();
    let mut bytes = format!("{header}\r\n{row}\r\n{first}").into_bytes();
    // 0xff (a Latin-1 letter) is not UTF-8.
    bytes.push(0xff);
    bytes.extend_from_slice(format!(",{rest}\r\n\" {first} \",{rest}\r\n").as_bytes());
    let mut pricer = TablePricer::new(&model, &bytes[..], Vec::new(), b',').unwrap();
    let mut outcomes = Vec::new();
    while let Some(outcome) = pricer.price_next().unwrap() {
        outcomes.push(outcome);
    }
    let output = String::from_utf8(pricer.finish().unwrap()).unwrap();
    assert_eq!(outcomes.len(), 3);
    assert_eq!(outcomes[0], RowOutcome::Priced);
    assert_eq!(
        outcomes[1],
        RowOutcome::Refused(RowProblem {
            line: 3,
            attribute: None,
            message: "the row is not valid UTF-8 text".to_string(),
        })
    );
    // A quoted, padded cell is read trimmed and priced as the plain one.
    assert_eq!(outcomes[2], RowOutcome::Priced);
    let lines: Vec<&str> = output.lines().collect();
    assert_eq!(lines.len(), 3, "{output}");
    assert_eq!(lines[1], lines[2]);
}

#[test]
fn flags_name_extrapolated_attributes() {
    let model = model();
    let width = model.attributes().find(|a| a.name == "width").unwrap();
    let crate::AttributeKind::Numeric { max, .. } = width.kind else {
        panic!("width is a number")
    };
    let far = format_number(max + 1.0);
    let (outcomes, output) = price_all(&model, &table(&model, &[&[("width", &far)]]));
    assert_eq!(outcomes, [RowOutcome::Priced]);
    assert!(
        output
            .lines()
            .nth(1)
            .unwrap()
            .ends_with(",out_of_range:width"),
        "{output}"
    );
}

#[test]
fn the_target_column_is_replaced_and_other_added_names_are_refused() {
    let model = model();
    let input = table(&model, &[&[]]);
    let (header, row) = input.split_once('\n').unwrap();
    let with_price = format!("{header},price\n{},12345\n", row.trim_end());
    let (outcomes, output) = price_all(&model, &with_price);
    assert_eq!(outcomes, [RowOutcome::Priced]);
    assert!(!output.contains("12345"), "{output}");
    assert_eq!(
        output.lines().next().unwrap(),
        format!("{header},price,price_low,price_high,flags")
    );

    let with_flags = format!("{header},flags\n{},x\n", row.trim_end());
    let error = TablePricer::new(&model, with_flags.as_bytes(), Vec::new(), b',').err();
    assert!(
        matches!(&error, Some(BatchError::AddedColumn { column }) if column == "flags"),
        "{error:?}"
    );
}

#[test]
fn a_header_that_does_not_suit_the_model_is_refused() {
    let model = model();
    let semicolons = table(&model, &[&[]]).replace(',', ";");
    let error = TablePricer::new(&model, semicolons.as_bytes(), Vec::new(), b',').err();
    assert!(
        matches!(
            error,
            Some(BatchError::Columns(DataError::Delimiter { found: ';', .. }))
        ),
        "{error:?}"
    );
    let error = TablePricer::new(&model, "make\naudi\n".as_bytes(), Vec::new(), b',').err();
    assert!(
        matches!(
            error,
            Some(BatchError::Columns(DataError::MissingColumn { .. }))
        ),
        "{error:?}"
    );
}

#[test]
fn bytes_read_follow_the_rows() {
    let model = model();
    let input = table(&model, &[&[], &[]]);
    let mut pricer = TablePricer::new(&model, input.as_bytes(), Vec::new(), b',').unwrap();
    let after_header = pricer.bytes_read();
    pricer.price_next().unwrap();
    let after_row = pricer.bytes_read();
    assert!(
        0 < after_header && after_header < after_row,
        "{after_header} {after_row}"
    );
    while pricer.price_next().unwrap().is_some() {}
    assert_eq!(pricer.bytes_read(), input.len() as u64);
    assert_eq!(
        pricer.counts(),
        Counts {
            priced: 2,
            refused: 0
        }
    );
}

/// What one pass of [`TablePricer`] (the `csv` reader over the whole text) makes of `input`:
/// the output, the refusals, the rows; or the error that stopped it, with the rows before.
fn whole(
    model: &Model,
    input: &[u8],
    delimiter: u8,
) -> Result<(String, Vec<RowProblem>, u64), String> {
    let mut pricer =
        TablePricer::new(model, input, Vec::new(), delimiter).map_err(|e| e.to_string())?;
    let mut refusals = Vec::new();
    loop {
        match pricer.price_next() {
            Ok(None) => break,
            Ok(Some(RowOutcome::Refused(problem))) => refusals.push(problem),
            Ok(Some(RowOutcome::Priced)) => {}
            Err(e) => return Err(stopped(&e, &pricer.finish().unwrap(), &refusals)),
        }
    }
    let counts = pricer.counts();
    let output = pricer.finish().unwrap();
    Ok((
        String::from_utf8_lossy(&output).into_owned(),
        refusals,
        counts.priced + counts.refused,
    ))
}

/// A run stopped by `error` after writing `output` and refusing `refusals`, as text to compare.
fn stopped(error: &BatchError, output: &[u8], refusals: &[RowProblem]) -> String {
    format!(
        "{error}\nafter {}\nand {refusals:?}",
        String::from_utf8_lossy(output)
    )
}

/// The same through [`Chunks`] of `size` bytes, priced chunk by chunk.
fn chunked(
    model: &Model,
    input: &[u8],
    delimiter: u8,
    size: usize,
) -> Result<(String, Vec<RowProblem>, u64), String> {
    let (mut chunks, table) =
        Chunks::new(model, input, delimiter, size).map_err(|e| e.to_string())?;
    let mut rows = table.row_writer(model);
    let (mut output, mut refusals, mut count) = (table.header_row(), Vec::new(), 0);
    let mut chunk = Chunk::new();
    loop {
        let filled = chunks.fill(&mut chunk);
        // Rows the chunk holds before a record that stops the reading are priced.
        let priced = chunk.price(&mut rows, &mut output, &mut refusals);
        let more = match (filled, priced) {
            (Ok(more), Ok(rows)) => {
                count += rows;
                more
            }
            (Err(e), _) | (_, Err(e)) => return Err(stopped(&e, &output, &refusals)),
        };
        if !more {
            break;
        }
    }
    Ok((
        String::from_utf8_lossy(&output).into_owned(),
        refusals,
        count,
    ))
}

/// Checks that chunks of every size from 1 to 200 bytes, and the production size, read `input`
/// as the `csv` reader of the whole text does.
fn chunks_agree(model: &Model, input: &[u8], delimiter: u8) {
    let expected = whole(model, input, delimiter);
    for size in (1..=200).chain([CHUNK_BYTES]) {
        assert_eq!(
            chunked(model, input, delimiter, size),
            expected,
            "chunks of {size} bytes, input {:?}",
            String::from_utf8_lossy(input)
        );
    }
}

/// The reference row of [`table`] and its cells.
fn reference_row(model: &Model) -> (String, String) {
    let text = table(model, &[&[]]);
    let (header, row) = text.split_once('\n').unwrap();
    (header.to_string(), row.trim_end().to_string())
}

#[test]
fn chunks_read_plain_rows_crlf_empty_lines_and_a_last_line_without_line_end_as_the_csv_reader() {
    let model = model();
    let (header, row) = reference_row(&model);
    let (first, rest) = row.split_once(',').unwrap();
    let text = [
        format!("{header}\n{row}\n{row}\n\n{row}\n"),
        format!("{header}\r\n{row}\r\n\r\n{row}\r\n{row}"),
        format!("\n\r\n{header}\n\n{row}\n{row}"),
        // Padded cells, missing markers, a row too short and one too long.
        format!(
            "{header}\n {first} ,{rest}\n{first}, {rest}\t\n?,{rest}\nNA,{rest}\n{row},x\n{rest}\n"
        ),
        format!("{header}\n"),
        header.clone(),
        format!("{header}\n\n\n"),
    ];
    for input in text {
        chunks_agree(&model, input.as_bytes(), b',');
    }
}

#[test]
fn chunks_read_quotes_line_ends_inside_quotes_and_lone_carriage_returns_as_the_csv_reader() {
    let model = model();
    let (header, row) = reference_row(&model);
    let (first, rest) = row.split_once(',').unwrap();
    let text = [
        // A quoted padded cell, a doubled quote, a line end inside quotes.
        format!(
            "{header}\n\" {first} \",{rest}\n\"{first}\"\"\",{rest}\n\"{first}\n\",{rest}\n{row}\n"
        ),
        // A quote inside an unquoted cell and after a quoted one (both kept as text by the reader).
        format!("{header}\n{first}\"x,{rest}\n\"{first}\"x,{rest}\n{row}\n"),
        // A quote left open to the end.
        format!("{header}\n{row}\n\"{first},{rest}\n{row}\n"),
        // Lone carriage returns as line ends, and mixed with the others.
        format!("{header}\r{row}\r\r{row}\r"),
        format!("{header}\r\n{row}\r{row}\n\r{row}\r\n"),
        // A quoted header cell.
        format!("\"{}\n{row}\n", header.replacen(',', "\",", 1)),
        // A quoted row with carriage returns inside quotes.
        format!("{header}\r\n\"{first}\r\n\",{rest}\r\n{row}\r\n"),
    ];
    for input in text {
        chunks_agree(&model, input.as_bytes(), b',');
    }
}

#[test]
fn chunks_of_text_with_characters_of_several_bytes_read_as_the_csv_reader() {
    // A chunk that is UTF-8 text is checked once and its lines sliced from it: cut anywhere,
    // inside a character too, the rows and their messages are the whole reader's.
    let model = model();
    let (header, row) = reference_row(&model);
    let (first, rest) = row.split_once(',').unwrap();
    let input = format!("{header}\n{row}\n{first}ë,{rest}\n{row}\r\n€{first},{rest}\n{row}\n");
    chunks_agree(&model, input.as_bytes(), b',');
}

#[test]
fn chunks_keep_a_byte_order_mark_out_of_the_header_only_and_refuse_rows_that_are_not_text() {
    let model = model();
    let (header, row) = reference_row(&model);
    let (first, rest) = row.split_once(',').unwrap();
    let mut input = format!("\u{feff}{header}\n{row}\n\u{feff}{row}\n").into_bytes();
    input.extend_from_slice(first.as_bytes());
    input.push(0xff);
    input.extend_from_slice(format!(",{rest}\n\"{first}").as_bytes());
    input.push(0xff);
    input.extend_from_slice(format!("\",{rest}\n{row}\n").as_bytes());
    chunks_agree(&model, &input, b',');
}

#[test]
fn chunks_read_another_delimiter_and_the_target_column_as_the_csv_reader() {
    let model = model();
    let (header, row) = reference_row(&model);
    let semicolons = format!(
        "{header}\n{row}\n \"{row}\" \n{row}",
        header = header.replace(',', ";"),
        row = row.replace(',', ";")
    );
    chunks_agree(&model, semicolons.as_bytes(), b';');
    // The target column last (its cells left out: the row is copied up to the one before) and
    // first (the row's cells joined).
    let last = format!("{header},price\n{row},12345\n{row}, 1\n");
    chunks_agree(&model, last.as_bytes(), b',');
    let first = format!("price,{header}\n12345,{row}\n");
    chunks_agree(&model, first.as_bytes(), b',');
}

#[test]
fn chunks_refuse_a_header_as_the_csv_reader_does() {
    let model = model();
    let (header, row) = reference_row(&model);
    for input in [
        String::new(),
        "\n\n".to_string(),
        format!("{}\n{row}\n", header.replace(',', ";")),
        format!("{header},flags\n{row},x\n"),
        format!("{header},{header}\n"),
    ] {
        let expected = whole(&model, input.as_bytes(), b',');
        assert!(expected.is_err(), "{input:?}");
        for size in [1, 7, CHUNK_BYTES] {
            assert_eq!(chunked(&model, input.as_bytes(), b',', size), expected);
        }
    }
}

/// Counts the bytes read through it.
struct Counted<R> {
    inner: R,
    read: std::rc::Rc<std::cell::Cell<u64>>,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read.set(self.read.get() + n as u64);
        Ok(n)
    }
}

/// The error that stops pricing `input` (a table without end) row by row and in chunks of
/// `CHUNK_BYTES`, with the rows priced before it, after checking that neither read much more
/// than [`MAX_RECORD_BYTES`] of it.
fn stopping_error(model: &Model, input: impl Fn() -> Box<dyn Read>) -> Vec<(String, usize)> {
    let bound = (MAX_RECORD_BYTES + 2 * CHUNK_BYTES) as u64;
    let read = std::rc::Rc::new(std::cell::Cell::new(0));
    let counted = || Counted {
        inner: input(),
        read: read.clone(),
    };
    let mut pricer = TablePricer::new(model, counted(), Vec::new(), b',').unwrap();
    let mut priced = 0;
    let error = loop {
        match pricer.price_next() {
            Ok(Some(_)) => priced += 1,
            Ok(None) => panic!("the input has no end"),
            Err(e) => break e.to_string(),
        }
    };
    assert!(read.get() <= bound, "row by row: {} bytes read", read.get());
    let mut stops = vec![(error, priced)];

    read.set(0);
    let (mut chunks, table) = Chunks::new(model, counted(), b',', CHUNK_BYTES).unwrap();
    let mut rows = table.row_writer(model);
    let (mut chunk, mut out, mut refusals, mut priced) = (Chunk::new(), vec![], vec![], 0);
    let error = loop {
        if let Err(e) = chunks.fill(&mut chunk) {
            break e.to_string();
        }
        match chunk.price(&mut rows, &mut out, &mut refusals) {
            Ok(n) => priced += n as usize,
            Err(e) => break e.to_string(),
        }
    };
    assert!(read.get() <= bound, "in chunks: {} bytes read", read.get());
    stops.push((error, priced));
    stops
}

#[test]
fn a_record_longer_than_a_chunk_was_read_whole_into_memory() {
    let model = model();
    let (header, row) = reference_row(&model);
    // A line without end: every byte read would have been kept.
    let endless = || -> Box<dyn Read> {
        let start = format!("{header}\n{row}\n{row}\nx");
        Box::new(std::io::Cursor::new(start.into_bytes()).chain(std::io::repeat(b'x')))
    };
    let long_row = "the row is longer than 1 MiB, the most a row may span";
    for (error, priced) in stopping_error(&model, endless) {
        assert!(
            error.starts_with(&format!("CSV line 4: {long_row}")),
            "{error}"
        );
        assert_eq!(priced, 2);
    }
    // A long row in a table that ends, quoted or not, and after blank lines: the same error
    // through chunks of any size and row by row, after the rows before it.
    let long = "y".repeat(MAX_RECORD_BYTES + 10);
    let quote = "a quote opened in this row is not closed";
    for (text, start) in [
        (
            format!("{header}\n{row}\n\n{long}\n{row}\n"),
            format!("CSV line 4: {long_row}"),
        ),
        (
            format!("{header}\r\n{row}\r\n\"{long}\"\r\n{row}\r\n"),
            format!("CSV line 3: {quote}"),
        ),
    ] {
        let expected = whole(&model, text.as_bytes(), b',');
        assert!(
            expected.as_ref().is_err_and(|e| e.starts_with(&start)),
            "{expected:?}"
        );
        for size in [1, 100, 4096, CHUNK_BYTES] {
            assert_eq!(chunked(&model, text.as_bytes(), b',', size), expected);
        }
    }
    // A row just within the limit is read (and refused for its number of fields).
    let within = "z".repeat(MAX_RECORD_BYTES - 10);
    let text = format!("{header}\n{row}\n{within}\n{row}\n");
    let (_, refusals, rows) = whole(&model, text.as_bytes(), b',').unwrap();
    assert_eq!((rows, refusals.len()), (3, 1));
    assert_eq!(
        chunked(&model, text.as_bytes(), b',', CHUNK_BYTES),
        whole(&model, text.as_bytes(), b',')
    );
}

#[test]
fn an_unclosed_quote_swallowed_the_rest_of_the_file() {
    let model = model();
    let (header, row) = reference_row(&model);
    let (first, rest) = row.split_once(',').unwrap();
    let message = "a quote opened in this row is not closed";
    // Closed nowhere in what follows, however long.
    let endless = || -> Box<dyn Read> {
        let start = format!("{header}\n{row}\n\"{first},{rest}\n");
        Box::new(std::io::Cursor::new(start.into_bytes()).chain(std::io::repeat(b'\n')))
    };
    for (error, priced) in stopping_error(&model, endless) {
        assert!(
            error.starts_with(&format!("CSV line 3: {message}")),
            "{error}"
        );
        assert_eq!(priced, 1);
    }
    // Not closed before the file ends: the rows before it are priced, then the reading stops
    // with the line where the row starts, in chunks of any size as row by row.
    for (text, line) in [
        (
            format!("{header}\n{row}\n{first},\"{rest}\n{row}\n{row}\n"),
            3,
        ),
        (
            format!("{header}\r\n{row}\r\n\r\n\"{first}\"\"\n,{rest}\r{row}"),
            4,
        ),
        (
            format!("{header}\n\"{first}\n\",{rest}\n{row}\n\"{first}"),
            5,
        ),
    ] {
        let expected = whole(&model, text.as_bytes(), b',');
        let error = expected.as_ref().unwrap_err();
        assert!(
            error.starts_with(&format!("CSV line {line}: {message}")),
            "{error}"
        );
        chunks_agree(&model, text.as_bytes(), b',');
    }
    // In the header.
    let text = format!("\"{header}\n{row}\n");
    let error = TablePricer::new(&model, text.as_bytes(), Vec::new(), b',').err();
    assert!(
        matches!(error, Some(BatchError::UnclosedQuote { line: 1 })),
        "{error:?}"
    );
    for size in [1, 7, CHUNK_BYTES] {
        let error = Chunks::new(&model, text.as_bytes(), b',', size).err();
        assert!(
            matches!(error, Some(BatchError::UnclosedQuote { line: 1 })),
            "{error:?}"
        );
    }
}

#[test]
fn an_empty_table_said_it_had_no_make_column() {
    let model = model();
    // A first line of spaces before a header was said to be an empty table: the message now
    // names that case too.
    for input in [
        "",
        "\n\n",
        "\r\n\r",
        "\u{feff}",
        " , \n",
        " \nmake,price\naudi,1\n",
    ] {
        let error = TablePricer::new(&model, input.as_bytes(), Vec::new(), b',').err();
        let Some(BatchError::Empty { needed }) = &error else {
            panic!("{input:?}: {error:?}")
        };
        assert!(needed.starts_with("make, "), "{needed}");
        let text = error.unwrap().to_string();
        assert!(
            text.starts_with(
                "the table has no header row: it is empty, or its first line holds only spaces"
            ),
            "{text}"
        );
        for size in [1, 7, CHUNK_BYTES] {
            let error = Chunks::new(&model, input.as_bytes(), b',', size).err();
            assert!(matches!(error, Some(BatchError::Empty { .. })), "{error:?}");
        }
    }
}

#[test]
fn an_error_line_repeated_a_cell_of_a_megabyte() {
    let model = model();
    let (header, row) = reference_row(&model);
    let (_, rest) = row.split_once(',').unwrap();
    let long = "x".repeat(1_000_000);
    let text = format!("{header}\n{long},{rest}\n");
    let (_, refusals, _) = whole(&model, text.as_bytes(), b',').unwrap();
    assert_eq!(refusals.len(), 1);
    // The message keeps the value (the web app's problem list); the line shows both ends.
    assert!(refusals[0].message.contains(&long));
    let shown = refusals[0].to_string();
    assert!(shown.len() < 1_000, "{} bytes", shown.len());
    assert!(shown.starts_with("CSV line 2: `make` is \"xxx"), "{shown}");
    assert!(shown.contains("characters left out]…"), "{shown}");
    assert!(shown.contains("which the model does not know"), "{shown}");
}

#[test]
fn a_value_with_a_line_end_printed_its_problem_over_two_lines() {
    let model = model();
    let (header, row) = reference_row(&model);
    let (_, rest) = row.split_once(',').unwrap();
    let text = format!("{header}\n\"trab\r\nant\u{2028}\tx\",{rest}\n");
    let (_, refusals, _) = whole(&model, text.as_bytes(), b',').unwrap();
    assert_eq!(refusals.len(), 1);
    // The message keeps the value as it is (the web app shows it); its line is one line.
    assert!(refusals[0].message.contains("trab\r\nant"));
    let shown = refusals[0].to_string();
    assert_eq!(shown.lines().count(), 1, "{shown}");
    assert!(
        shown.starts_with("CSV line 2: `make` is \"trab\\r\\nant\\u{2028}\\tx\""),
        "{shown}"
    );
}
