//! `CarTable::from_csv` on arbitrary bytes and on mutated CSV: an error or a table, never a panic.

use model_core::CarTable;
use proptest::prelude::*;

/// A cell: a number, a name, empty, quoted (with commas, quotes and line breaks inside), or odd.
fn cell() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => (0u32..100_000).prop_map(|n| n.to_string()),
        2 => proptest::sample::select(vec!["audi", "gas", "four", "fwd", " volvo ", "?"])
            .prop_map(str::to_string),
        1 => Just(String::new()),
        1 => proptest::sample::select(vec![
            "\"a,b\"", "\"say \"\"hi\"\"\"", "\"line\nbreak\"", "\"open", "1e400", "NaN", "-inf",
            "\u{feff}x", "\r", "é🚗",
        ]).prop_map(str::to_string),
    ]
}

/// A CSV text with a header of known and odd column names and a few rows (ragged sometimes).
fn table() -> impl Strategy<Value = Vec<u8>> {
    let name = proptest::sample::select(vec![
        "make",
        "price",
        "horsepower",
        "fuel-type",
        "",
        "make",
        " price ",
        "\"quoted\"",
    ]);
    (
        proptest::collection::vec(name, 1..6),
        proptest::collection::vec(proptest::collection::vec(cell(), 0..7), 0..6),
        proptest::sample::select(vec!["\n", "\r\n", "\r"]),
    )
        .prop_map(|(header, rows, newline)| {
            let mut text = header.join(",");
            for row in rows {
                text.push_str(newline);
                text.push_str(&row.join(","));
            }
            text.into_bytes()
        })
}

/// Reads `bytes` and, when they make a table, uses every column of it.
fn read(bytes: &[u8]) {
    if let Ok(table) = CarTable::from_csv(bytes) {
        for column in table.columns() {
            let _ = table.numbers(column);
            let _ = table.texts(column);
        }
        for row in 0..table.len() {
            let _ = table.description(row, &["price"]);
            let _ = table.line(row);
        }
        let _ = table.split(&[0]);
    }
}

proptest! {
    #![proptest_config(crate::config())]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        read(&bytes);
    }

    #[test]
    fn mutated_tables_never_panic(
        mut bytes in table(),
        edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 0..6),
    ) {
        for (at, byte) in edits {
            let at = at % (bytes.len() + 1);
            if at < bytes.len() && byte & 1 == 0 {
                bytes[at] = byte;
            } else {
                bytes.insert(at, byte);
            }
        }
        read(&bytes);
    }
}
