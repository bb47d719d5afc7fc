//! Native/wasm parity: the default model, and a model with interaction terms
//! (`interaction-model.json`: the default model plus three hand-set interactions, one of each factor
//! pairing), price a fixed set of generated cars to exactly the bits recorded in
//! `parity-prices.txt` (the default model's lines first). The same test runs natively (`cargo test`) and in headless
//! Chromium (`cargo test --target wasm32-unknown-unknown`), so both builds give identical prices.
//!
//! After retraining the default model, regenerate the fixture with
//! `CARPRICE_WRITE_PARITY=1 cargo test -p model-core --test parity`.

use model_core::{AttributeKind, AttributeValue, CarDescription, Effect, Model};

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

const MODEL: &str = include_str!("../../assets/model.json");
const INTERACTION_MODEL: &str = include_str!("interaction-model.json");
const FIXTURE: &str = include_str!("parity-prices.txt");
const CARS: usize = 200;

/// A small deterministic generator (SplitMix64), so both targets build the same cars.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Cars spread over (and a little beyond) each attribute's training range.
fn generated_cars(model: &Model) -> Vec<CarDescription> {
    let mut random = SplitMix(2026);
    (0..CARS)
        .map(|_| {
            model
                .attributes()
                .map(|attribute| {
                    let value = match &attribute.kind {
                        AttributeKind::Numeric { min, max, .. } => {
                            let width = max - min;
                            let x = min - 0.1 * width + 1.2 * width * random.unit();
                            AttributeValue::Number(x.max(min * 0.5))
                        }
                        AttributeKind::Categorical { categories, .. } => AttributeValue::Text(
                            categories[(random.next() % categories.len() as u64) as usize].clone(),
                        ),
                        AttributeKind::YesNo { .. } => {
                            AttributeValue::Number((random.next() % 2) as f64)
                        }
                    };
                    (attribute.name.clone(), value)
                })
                .collect()
        })
        .collect()
}

/// Every number a quote holds, as exact bit patterns, one line per car and model.
fn priced_bits() -> Vec<String> {
    [MODEL, INTERACTION_MODEL]
        .iter()
        .flat_map(|text| model_bits(text))
        .collect()
}

fn model_bits(text: &str) -> Vec<String> {
    let model = Model::from_json(text).expect("the parity models are valid");
    generated_cars(&model)
        .iter()
        .map(|description| {
            let car = model.car(description).expect("generated cars are valid");
            let quote = model.quote(&car).expect("generated cars are priceable");
            let mut numbers = vec![quote.price, quote.interval.low, quote.interval.high];
            numbers.extend(quote.contributions.iter().map(|c| match c.effect {
                Effect::Factor(x) | Effect::Dollars(x) => x,
            }));
            numbers
                .iter()
                .map(|x| format!("{:016x}", x.to_bits()))
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn default_model_prices_match_the_recorded_bits() {
    let lines = priced_bits();
    #[cfg(not(target_arch = "wasm32"))]
    if std::env::var_os("CARPRICE_WRITE_PARITY").is_some() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/parity-prices.txt");
        std::fs::write(path, lines.join("\n") + "\n").expect("fixture written");
        return;
    }
    let expected: Vec<&str> = FIXTURE.lines().collect();
    assert_eq!(
        expected.len(),
        2 * CARS,
        "fixture out of date: regenerate it (see the file header)"
    );
    for (i, (got, want)) in lines.iter().zip(&expected).enumerate() {
        assert_eq!(
            got, want,
            "car {i} priced differently from the recorded bits"
        );
    }
}
