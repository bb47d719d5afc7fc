//! Shared fixtures: a tiny hand-written model whose prices can be computed by hand.

use model_core::{
    Attribute, AttributeKind, Interval, ModelDocument, Target, Term, TrainingInfo, FORMAT_NAME,
    FORMAT_VERSION,
};

/// Price = exp(ln 10000 + 0.5·(ln hp − ln 100)/1 + weight(make)), makes: audi (+0.2), bmw (+0.4), toyota (0).
pub fn tiny_document() -> ModelDocument {
    ModelDocument {
        format: FORMAT_NAME.into(),
        format_version: FORMAT_VERSION.into(),
        name: "car-price".into(),
        version: "1.0.0".into(),
        created: "2026-11-27T00:00:00Z".into(),
        trainer: "hand".into(),
        training: TrainingInfo {
            rows: 3,
            data_sha256: "0".repeat(64),
            penalty: 1.0,
            category_penalty: 1.0,
            cv_method: "leave-one-out".into(),
            cv_mae: 100.0,
            notes: vec![],
        },
        target: Target {
            name: "price".into(),
            unit: "USD".into(),
            transform: "log".into(),
        },
        intercept: 10000f64.ln(),
        ignored_attributes: vec!["colour-code".into()],
        attributes: vec![
            Attribute {
                name: "make".into(),
                label: "Make".into(),
                group: "identity".into(),
                description: None,
                imputed: false,
                kind: AttributeKind::Categorical {
                    categories: vec!["audi".into(), "bmw".into(), "toyota".into()],
                    default: "toyota".into(),
                    untrained: vec![],
                    labels: vec![],
                    frequencies: vec![],
                },
            },
            Attribute {
                name: "horsepower".into(),
                label: "Horsepower".into(),
                group: "engine".into(),
                description: None,
                imputed: false,
                kind: AttributeKind::Numeric {
                    unit: "hp".into(),
                    min: 50.0,
                    max: 200.0,
                    default: 100.0,
                    integer: true,
                    positive: true,
                    deciles: vec![],
                },
            },
        ],
        terms: vec![
            Term::Categorical {
                attribute: "make".into(),
                weights: vec![0.2, 0.4, 0.0],
            },
            Term::Numeric {
                attribute: "horsepower".into(),
                transform: "log".into(),
                center: 100f64.ln(),
                scale: 1.0,
                weight: 0.5,
            },
        ],
        interval: Interval {
            level: 0.8,
            lower: -0.1,
            upper: 0.1,
        },
        test_metrics: None,
    }
}
