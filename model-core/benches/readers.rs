//! Criterion benchmarks of the hand-written readers against serde_json on hostile-sized input:
//! 1 MB of 1,000-key objects (the duplicate-key check) and a car with 130,000 distinct keys
//! (building a `CarDescription`).
//!
//! `cargo bench -p model-core --bench readers`

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use model_core::json::Json;
use model_core::CarDescription;

/// About 1 MB: an array of objects with 1,000 distinct keys each.
fn wide_objects() -> String {
    let object: Vec<String> = (0..1_000).map(|i| format!("\"key{i}\":{i}")).collect();
    let object = format!("{{{}}}", object.join(","));
    let copies = 1_000_000 / object.len() + 1;
    format!("[{}]", vec![object; copies].join(","))
}

/// About 1 MB: one car with 130,000 distinct attribute names.
fn wide_car() -> String {
    let members: Vec<String> = (0..130_000).map(|i| format!("\"a{i}\":1")).collect();
    format!("{{{}}}", members.join(","))
}

fn duplicate_keys(c: &mut Criterion) {
    let text = wide_objects();
    let mut group = c.benchmark_group("1 MB of 1,000-key objects");
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.sample_size(20);
    group.bench_function("model_core::json", |b| {
        b.iter(|| Json::parse(black_box(&text)).unwrap())
    });
    group.bench_function("serde_json::Value", |b| {
        b.iter(|| serde_json::from_str::<serde_json::Value>(black_box(&text)).unwrap())
    });
    group.finish();
}

fn wide_car_description(c: &mut Criterion) {
    let text = wide_car();
    let mut group = c.benchmark_group("1 MB car of 130,000 keys");
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.sample_size(10);
    group.bench_function("CarDescription from JSON", |b| {
        b.iter(|| serde_json::from_str::<CarDescription>(black_box(&text)).unwrap())
    });
    group.bench_function("serde_json::Value", |b| {
        b.iter(|| serde_json::from_str::<serde_json::Value>(black_box(&text)).unwrap())
    });
    group.finish();
}

criterion_group!(benches, duplicate_keys, wide_car_description);
criterion_main!(benches);
