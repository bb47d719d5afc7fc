//! `model_core::json` against serde_json, on generated documents and byte-level mutations of them.
//!
//! Texts reach the reader as bytes checked to be UTF-8 (`std::str::from_utf8`, as the CLI and the
//! web app do), and serde_json reads the same bytes with `from_slice`. Both must accept and refuse
//! alike and read accepted texts to equal values, except where the reader's documented limits
//! apply: it refuses duplicate keys, objects over `MAX_MEMBERS` members and nesting over
//! `MAX_DEPTH`, which serde_json accepts.

use std::collections::BTreeSet;
use std::fmt;

use model_core::json::{Json, JsonError, MAX_DEPTH, MAX_MEMBERS};
use proptest::prelude::*;
use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

/// serde_json's reading of a text as a [`Json`] value, every member kept (duplicates included),
/// in document order.
struct Reference(Json);

impl<'de> Deserialize<'de> for Reference {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ReferenceVisitor)
    }
}

struct ReferenceVisitor;

impl<'de> Visitor<'de> for ReferenceVisitor {
    type Value = Reference;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("any JSON value")
    }
    fn visit_unit<E>(self) -> Result<Reference, E> {
        Ok(Reference(Json::Null))
    }
    fn visit_bool<E>(self, v: bool) -> Result<Reference, E> {
        Ok(Reference(Json::Bool(v)))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Reference, E> {
        Ok(Reference(Json::Number(v as f64)))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Reference, E> {
        Ok(Reference(Json::Number(v as f64)))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Reference, E> {
        Ok(Reference(Json::Number(v)))
    }
    fn visit_str<E>(self, v: &str) -> Result<Reference, E> {
        Ok(Reference(Json::String(v.to_string())))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Reference, A::Error> {
        let mut items = Vec::new();
        while let Some(Reference(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(Reference(Json::Array(items)))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Reference, A::Error> {
        let mut members = Vec::new();
        while let Some((key, Reference(value))) = map.next_entry()? {
            members.push((key, value));
        }
        Ok(Reference(Json::Object(members)))
    }
}

/// Whether a value breaks one of the reader's documented limits, `depth` levels down.
fn beyond_limits(value: &Json, depth: usize) -> bool {
    match value {
        Json::Array(items) => {
            depth >= MAX_DEPTH || items.iter().any(|item| beyond_limits(item, depth + 1))
        }
        Json::Object(members) => {
            let keys: BTreeSet<&str> = members.iter().map(|(k, _)| k.as_str()).collect();
            depth >= MAX_DEPTH
                || members.len() > MAX_MEMBERS
                || keys.len() < members.len()
                || members.iter().any(|(_, v)| beyond_limits(v, depth + 1))
        }
        _ => false,
    }
}

/// Whether two values are the same, numbers to the bit (`-0` is not `0`).
fn same(a: &Json, b: &Json) -> bool {
    match (a, b) {
        (Json::Number(x), Json::Number(y)) => x.to_bits() == y.to_bits(),
        (Json::Array(a), Json::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same(x, y))
        }
        (Json::Object(a), Json::Object(b)) => {
            a.len() == b.len()
                && a.iter()
                    .zip(b)
                    .all(|((ka, va), (kb, vb))| ka == kb && same(va, vb))
        }
        _ => a == b,
    }
}

/// The messages of the reader's documented limits.
const LIMITS: [&str; 3] = [
    "duplicate key",
    "object has too many members",
    "nesting is too deep",
];

/// Reads `bytes` both ways and compares.
pub fn check(bytes: &[u8]) -> Result<(), TestCaseError> {
    let ours = std::str::from_utf8(bytes).ok().map(Json::parse);
    let reference = serde_json::from_slice::<Reference>(bytes);
    let shown = String::from_utf8_lossy(&bytes[..bytes.len().min(400)]);
    match (reference, ours) {
        (Err(_), None | Some(Err(_))) => {}
        (Err(error), Some(Ok(json))) => {
            return Err(TestCaseError::fail(format!(
                "accepted {shown:?} as {json:?}; serde_json: {error}"
            )))
        }
        (Ok(Reference(value)), ours) if beyond_limits(&value, 0) => match ours {
            Some(Err(JsonError::Syntax { message, .. })) if LIMITS.contains(&message) => {}
            other => {
                return Err(TestCaseError::fail(format!(
                    "{shown:?} is beyond the limits, read as {other:?}"
                )))
            }
        },
        (Ok(Reference(value)), Some(Ok(json))) => prop_assert!(
            same(&value, &json),
            "{:?}: {:?} vs serde_json {:?}",
            shown,
            json,
            value
        ),
        (Ok(Reference(value)), other) => {
            return Err(TestCaseError::fail(format!(
                "refused {shown:?} ({other:?}); serde_json: {value:?}"
            )))
        }
    }
    Ok(())
}

/// Whitespace between tokens: usually none or a space, sometimes every kind JSON allows (and a
/// few it does not, such as a form feed or a no-break space).
fn space() -> impl Strategy<Value = String> {
    prop_oneof![
        60 => Just(String::new()),
        30 => Just(" ".to_string()),
        20 => proptest::collection::vec(
            prop_oneof![Just(' '), Just('\t'), Just('\n'), Just('\r')], 1..4
        ).prop_map(String::from_iter),
        1 => prop_oneof![Just("\u{c}"), Just("\u{a0}"), Just("\u{feff}"), Just("\u{b}")]
            .prop_map(str::to_string),
    ]
}

/// A number text of JSON's grammar, with long digit runs and far exponents (and near misses:
/// leading zeros, a bare point, `+`).
fn number() -> impl Strategy<Value = String> {
    let digits = super::numbers::digits;
    prop_oneof![
        8 => (
            prop_oneof![3 => Just(""), 1 => Just("-")],
            prop_oneof![Just("0".to_string()), (1u8..10, digits(400)).prop_map(|(a, b)| format!("{a}{b}"))],
            proptest::option::of(digits(400).prop_map(|d| format!(".{d}"))),
            proptest::option::of((
                prop_oneof![Just("e"), Just("E")],
                prop_oneof![Just(""), Just("+"), Just("-")],
                prop_oneof![
                    4 => (0u32..400).prop_map(|e| e.to_string()),
                    1 => any::<u32>().prop_map(|e| e.to_string()),
                    1 => digits(30),
                ],
            ).prop_map(|(e, sign, n)| format!("{e}{sign}{n}"))),
        ).prop_map(|(sign, whole, fraction, exponent)| {
            format!("{sign}{whole}{}{}", fraction.unwrap_or_default(), exponent.unwrap_or_default())
        }),
        1 => any::<f64>().prop_map(|x| format!("{x:e}")),
        1 => any::<i64>().prop_map(|n| n.to_string()),
        1 => any::<u64>().prop_map(|n| n.to_string()),
        1 => prop_oneof![Just("+1"), Just("01"), Just("1."), Just(".5"), Just("-"), Just("1e"),
                         Just("NaN"), Just("Infinity"), Just("-0"), Just("1E+2")]
            .prop_map(str::to_string),
    ]
}

/// One piece of a string literal's contents, as written.
fn string_piece() -> impl Strategy<Value = String> {
    let hex4 = |range: std::ops::RangeInclusive<u32>| range.prop_map(|c| format!("\\u{c:04x}"));
    prop_oneof![
        24 => proptest::collection::vec(
            proptest::sample::select(b"abcxyzABZ0129 _.-".to_vec()), 0..8
        ).prop_map(|b| String::from_utf8(b).unwrap()),
        6 => any::<char>().prop_filter("no quote, backslash or control", |c| {
            !matches!(c, '"' | '\\') && u32::from(*c) >= 0x20
        }).prop_map(String::from),
        9 => prop_oneof![Just("\\\""), Just("\\\\"), Just("\\/"), Just("\\b"), Just("\\f"),
                         Just("\\n"), Just("\\r"), Just("\\t")].prop_map(str::to_string),
        6 => hex4(0..=0xFFFF),
        6 => (0xD800u32..=0xDBFF, 0xDC00u32..=0xDFFF)
            .prop_map(|(high, low)| format!("\\u{high:04X}\\u{low:04x}")),
        1 => hex4(0xD800..=0xDFFF),
        1 => (0xDC00u32..=0xDFFF, 0xD800u32..=0xDBFF)
            .prop_map(|(low, high)| format!("\\u{low:04x}\\u{high:04x}")),
        1 => prop_oneof![Just("\\x"), Just("\\u12"), Just("\\uZZZZ"), Just("\\"), Just("\u{1}"),
                         Just("\n"), Just("\u{7f}")].prop_map(str::to_string),
    ]
}

fn string() -> impl Strategy<Value = String> {
    proptest::collection::vec(string_piece(), 0..6)
        .prop_map(|pieces| format!("\"{}\"", pieces.concat()))
}

/// Object keys: a few common ones (so objects often repeat a key), or any string literal.
fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop_oneof![Just("\"a\""), Just("\"b\""), Just("\"\\u0061\""), Just("\"é\""),
                         Just("\"\\u00e9\""), Just("\"\\ud83d\\ude97\""), Just("\"🚗\"")]
            .prop_map(str::to_string),
        2 => string(),
    ]
}

/// A JSON text (rarely malformed), whitespace between its tokens.
fn document() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        Just("null".to_string()),
        Just("true".to_string()),
        Just("false".to_string()),
        number(),
        string(),
    ];
    leaf.prop_recursive(6, 96, 8, |inner| {
        prop_oneof![
            proptest::collection::vec((space(), inner.clone(), space()), 0..8).prop_map(|items| {
                let items: Vec<String> = items.into_iter().map(|(a, v, b)| a + &v + &b).collect();
                format!("[{}]", items.join(","))
            }),
            proptest::collection::vec((space(), key(), space(), inner), 0..8).prop_map(|members| {
                let members: Vec<String> = members
                    .into_iter()
                    .map(|(a, k, b, v)| format!("{a}{k}{b}:{v}"))
                    .collect();
                format!("{{{}}}", members.join(","))
            }),
        ]
    })
    .prop_flat_map(|text| (space(), Just(text), space()))
    .prop_map(|(a, text, b)| a + &text + &b)
}

/// Arrays and objects nested around the depth limit, closed or not.
fn deep() -> impl Strategy<Value = String> {
    (
        MAX_DEPTH - 3..MAX_DEPTH + 3,
        proptest::collection::vec(any::<bool>(), MAX_DEPTH + 3),
        prop_oneof![3 => Just(0), 1 => 1..3usize],
    )
        .prop_map(|(depth, objects, unclosed)| {
            let mut text = String::new();
            for &object in &objects[..depth] {
                text.push_str(if object { "{\"k\":" } else { "[" });
            }
            text.push('1');
            for &object in objects[..depth].iter().rev().skip(unclosed) {
                text.push(if object { '}' } else { ']' });
            }
            text
        })
}

/// Objects of about `MAX_MEMBERS` members, sometimes with a repeated key.
fn wide() -> impl Strategy<Value = String> {
    (
        MAX_MEMBERS - 2..MAX_MEMBERS + 2,
        proptest::option::of((0..MAX_MEMBERS, 0..MAX_MEMBERS)),
    )
        .prop_map(|(members, repeat)| {
            let mut keys: Vec<usize> = (0..members).collect();
            if let Some((from, to)) = repeat {
                keys[to.min(members - 1)] = from.min(members - 1);
            }
            let members: Vec<String> = keys.iter().map(|k| format!("\"k{k}\":{k}")).collect();
            format!("{{{}}}", members.join(","))
        })
}

/// A byte-level edit of a text.
#[derive(Debug, Clone)]
enum Edit {
    Insert(usize, u8),
    Replace(usize, u8),
    Delete(usize, usize),
    Repeat(usize, usize),
    Truncate(usize),
}

/// Bytes an edit inserts: JSON's punctuation, digits, escapes' letters, and any byte at all
/// (invalid UTF-8 included).
fn byte() -> impl Strategy<Value = u8> {
    prop_oneof![
        60 => proptest::sample::select(b"{}[],:\"\\0123456789-+.eEtrufalsn \t\n\r/bu".to_vec()),
        1 => any::<u8>(),
        1 => 0x80u8..=0xFF,
    ]
}

fn edit() -> impl Strategy<Value = Edit> {
    let at = any::<usize>();
    prop_oneof![
        3 => (at, byte()).prop_map(|(i, b)| Edit::Insert(i, b)),
        3 => (at, byte()).prop_map(|(i, b)| Edit::Replace(i, b)),
        2 => (at, 1..4usize).prop_map(|(i, n)| Edit::Delete(i, n)),
        1 => (at, 1..16usize).prop_map(|(i, n)| Edit::Repeat(i, n)),
        1 => at.prop_map(Edit::Truncate),
    ]
}

fn apply(bytes: &mut Vec<u8>, edit: &Edit) {
    let at = |i: usize, len: usize| if len == 0 { 0 } else { i % (len + 1) };
    match *edit {
        Edit::Insert(i, b) => bytes.insert(at(i, bytes.len()), b),
        Edit::Replace(i, b) if !bytes.is_empty() => {
            let i = i % bytes.len();
            bytes[i] = b;
        }
        Edit::Delete(i, n) => {
            let i = at(i, bytes.len());
            bytes.drain(i..(i + n).min(bytes.len()));
        }
        Edit::Repeat(i, n) => {
            let i = at(i, bytes.len());
            let slice = bytes[i..(i + n).min(bytes.len())].to_vec();
            bytes.splice(i..i, slice);
        }
        Edit::Truncate(i) => bytes.truncate(at(i, bytes.len())),
        Edit::Replace(..) => {}
    }
}

proptest! {
    #![proptest_config(crate::config())]

    #[test]
    fn generated_documents_read_like_serde_json(text in document()) {
        check(text.as_bytes())?;
    }

    #[test]
    fn mutated_documents_read_like_serde_json(
        text in prop_oneof![4 => document(), 1 => deep(), 1 => wide()],
        edits in proptest::collection::vec(edit(), 1..6),
    ) {
        let mut bytes = text.into_bytes();
        for edit in &edits {
            apply(&mut bytes, edit);
        }
        check(&bytes)?;
    }

    #[test]
    fn numbers_read_like_serde_json(text in number(), before in space(), after in space()) {
        check(format!("{before}{text}{after}").as_bytes())?;
        check(format!("[{text},{text}]").as_bytes())?;
    }

    #[test]
    fn strings_read_like_serde_json(text in string()) {
        check(text.as_bytes())?;
        check(format!("{{{text}:{text}}}").as_bytes())?;
    }

    #[test]
    fn deep_nesting_reads_like_serde_json(text in deep()) {
        check(text.as_bytes())?;
    }

    #[test]
    fn wide_objects_read_like_serde_json(text in wide()) {
        check(text.as_bytes())?;
    }

    #[test]
    fn arbitrary_bytes_read_like_serde_json(
        bytes in proptest::collection::vec(byte(), 0..32)
    ) {
        check(&bytes)?;
    }
}

/// Long numbers in a document: a million-digit integer, a long fraction, zeros with a far
/// exponent.
#[test]
fn million_digit_numbers_read_like_serde_json() {
    for text in [
        "9".repeat(1_000_009),
        format!("0.{}", "0".repeat(999_998)),
        format!("[1.{}5, 2]", "0".repeat(100_000)),
        format!("0.{}1e-5", "0".repeat(100_000)),
        format!("1{}e-100000", "0".repeat(100_000)),
    ] {
        check(text.as_bytes()).unwrap();
    }
}

/// Bug: keys were compared with every earlier key, quadratic in an object's members; the check
/// now sorts them. The first key that repeats an earlier one is still the one reported.
#[test]
fn duplicate_keys_are_found_by_sorting_and_located_at_the_first_repeat() {
    let members: Vec<String> = (0..MAX_MEMBERS)
        .map(|i| format!("\"k{}\":{i}", i % 700))
        .collect();
    let text = format!("{{{}}}", members.join(","));
    let repeat = text.find("\"k0\":700").unwrap();
    match Json::parse(&text) {
        Err(JsonError::Syntax {
            column, message, ..
        }) => {
            assert_eq!(message, "duplicate key");
            assert_eq!(column, repeat + 1);
        }
        other => panic!("{other:?}"),
    }
    check(text.as_bytes()).unwrap();
}
