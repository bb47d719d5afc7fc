//! Criterion benchmarks: one quote, a million prices (car by car and column by column), and training with cross-validation.
//!
//! `cargo bench -p model-core --bench pricing`. Training needs the sample data set
//! (`$CARPRICE_DATA` or `../shared/data/car-prices.csv`); without it that benchmark is left out.

use std::hint::black_box;
use std::path::Path;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use model_core::{
    train, AttributeKind, CarError, CarTable, CheckedValue, Column, Model, TrainOptions,
};

const MODEL: &str = include_str!("../../assets/model.json");

fn model() -> Model {
    Model::from_json(MODEL).expect("the default model is valid")
}

fn quotes(c: &mut Criterion) {
    let model = model();
    let mut description = model.default_description();
    description.set("make", "audi");
    description.set("horsepower", 140.0);
    let car = model.car(&description).unwrap();
    c.bench_function("quote: checked car → price, range, contributions", |b| {
        b.iter(|| model.quote(black_box(&car)).unwrap().price)
    });
    c.bench_function("price: checked car → price", |b| {
        b.iter(|| model.price(black_box(&car)).unwrap())
    });
    c.bench_function("car: named description → checked car", |b| {
        b.iter(|| model.car(black_box(&description)).unwrap())
    });
}

fn batch(c: &mut Criterion) {
    let model = model();
    let mut description = model.default_description();
    let cars: Vec<_> = (0..1_000_000)
        .map(|i| {
            description.set("horsepower", 60.0 + (i % 200) as f64);
            model.car(&description).unwrap()
        })
        .collect();
    let mut group = c.benchmark_group("batch");
    group.throughput(Throughput::Elements(cars.len() as u64));
    group.sample_size(10);
    group.bench_function("price 1,000,000 cars", |b| {
        b.iter(|| model.prices(black_box(&cars)).unwrap())
    });
    let table = Table::new(&model, cars.len());
    let columns = table.columns(&model);
    let mut out = vec![0.0; cars.len()];
    group.bench_function("price_columns: 1,000,000 rows", |b| {
        b.iter(|| model.price_columns(black_box(&columns), &mut out).unwrap())
    });
    group.finish();
}

/// A coded column: per row a code, and the distinct values checked.
type Coded = (Vec<u32>, Vec<Result<CheckedValue, CarError>>);

/// A table in columns: numbers varying around each default, every category in turn.
struct Table {
    numbers: Vec<Vec<f64>>,
    codes: Vec<Coded>,
}

impl Table {
    fn new(model: &Model, rows: usize) -> Table {
        let mut table = Table {
            numbers: vec![],
            codes: vec![],
        };
        for attribute in model.attributes() {
            match &attribute.kind {
                AttributeKind::Numeric { min, max, .. } => table.numbers.push(
                    (0..rows)
                        .map(|i| min + (max - min) * (i % 101) as f64 / 100.0)
                        .collect(),
                ),
                AttributeKind::Categorical { categories, .. } => {
                    table.push_codes(model, &attribute.name, categories, rows)
                }
                AttributeKind::YesNo { .. } => {
                    table.push_codes(model, &attribute.name, &["no".into(), "yes".into()], rows)
                }
            }
        }
        table
    }

    /// A coded column cycling through the given values.
    fn push_codes(&mut self, model: &Model, attribute: &str, values: &[String], rows: usize) {
        let checked = values
            .iter()
            .map(|c| model.check_value(attribute, Some(&c.as_str().into())))
            .collect();
        let codes = (0..rows).map(|i| (i % values.len()) as u32).collect();
        self.codes.push((codes, checked));
    }

    fn columns<'a>(&'a self, model: &'a Model) -> Vec<(&'a str, Column<'a>)> {
        let (mut numbers, mut codes) = (self.numbers.iter(), self.codes.iter());
        model
            .attributes()
            .map(|attribute| {
                let column = match attribute.kind {
                    AttributeKind::Numeric { .. } => Column::Numbers(numbers.next().unwrap()),
                    AttributeKind::Categorical { .. } | AttributeKind::YesNo { .. } => {
                        let (codes, values) = codes.next().unwrap();
                        Column::Codes { codes, values }
                    }
                };
                (attribute.name.as_str(), column)
            })
            .collect()
    }
}

fn training(c: &mut Criterion) {
    let path =
        model_core::data::sample_data_path(&Path::new(env!("CARGO_MANIFEST_DIR")).join(".."));
    let Ok(bytes) = std::fs::read(&path) else {
        eprintln!(
            "training benchmark left out: no data set at {}",
            path.display()
        );
        return;
    };
    let table = CarTable::from_csv(&bytes).unwrap();
    let held_out = model_core::parse_row_list(
        &std::fs::read_to_string(path.with_file_name("seed-split-test-rows.txt"))
            .unwrap_or_default(),
    )
    .unwrap_or_default();
    let options = TrainOptions::default();
    let mut group = c.benchmark_group("training");
    group.sample_size(20);
    group.bench_function("train with cross-validation (sample data)", |b| {
        b.iter_batched(
            || (),
            |()| train(&table, &held_out, &options).unwrap(),
            BatchSize::SmallInput,
        )
    });
    group.finish();
}

criterion_group!(benches, quotes, batch, training);
criterion_main!(benches);
