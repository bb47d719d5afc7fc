//! Malformed model documents: each is refused with the specific error naming the field.

mod common;

use common::tiny_document;
use model_core::{Model, ModelError, Term, MAX_DOCUMENT_BYTES};

/// The tiny model as JSON text.
fn tiny_json() -> String {
    serde_json::to_string_pretty(&tiny_document()).unwrap()
}

fn refused(document: model_core::ModelDocument) -> ModelError {
    Model::try_from(document).expect_err("document should be refused")
}

#[test]
fn the_tiny_model_is_valid_and_round_trips() {
    let model = Model::from_json(&tiny_json()).unwrap();
    let again = Model::from_json(&model.to_json()).unwrap();
    assert_eq!(model, again);
}

#[test]
fn truncated_json_reports_line_and_column() {
    let text = tiny_json();
    let truncated = &text[..text.len() / 2];
    match Model::from_json(truncated) {
        Err(ModelError::Json { line, column, .. }) => assert!(line > 1 && column > 0),
        other => panic!("expected a JSON error, got {other:?}"),
    }
}

#[test]
fn wrong_format_and_format_version_are_refused() {
    let text = tiny_json().replace("\"format_version\": \"1.1\"", "\"format_version\": \"2.0\"");
    assert_eq!(
        Model::from_json(&text),
        Err(ModelError::UnsupportedVersion {
            found: "2.0".into(),
            supported: 1
        })
    );
    let text = tiny_json().replace("carprice-model", "sklearn-pickle");
    assert_eq!(
        Model::from_json(&text),
        Err(ModelError::UnsupportedFormat {
            found: "sklearn-pickle".into()
        })
    );
}

#[test]
fn newer_minor_versions_and_unknown_fields_are_accepted() {
    let text = tiny_json()
        .replace("\"format_version\": \"1.0\"", "\"format_version\": \"1.7\"")
        .replacen('{', "{\"a_future_field\": [1, 2, 3],", 1);
    assert!(Model::from_json(&text).is_ok());
}

#[test]
fn nan_weight_is_refused_naming_the_field() {
    let mut document = tiny_document();
    if let Term::Numeric { weight, .. } = &mut document.terms[1] {
        *weight = f64::NAN;
    }
    assert_eq!(
        refused(document),
        ModelError::NonFinite {
            field: "terms[1].weight".into()
        }
    );
}

#[test]
fn nan_and_infinity_in_json_text_are_refused() {
    let text = tiny_json().replace("\"weight\": 0.5", "\"weight\": NaN");
    assert!(matches!(
        Model::from_json(&text),
        Err(ModelError::Json { .. })
    ));
    let text = tiny_json().replace("\"weight\": 0.5", "\"weight\": 1e999");
    assert!(matches!(
        Model::from_json(&text),
        Err(ModelError::Json { .. })
    ));
}

#[test]
fn category_weight_length_mismatch_is_refused() {
    let mut document = tiny_document();
    if let Term::Categorical { weights, .. } = &mut document.terms[0] {
        weights.pop();
    }
    assert_eq!(
        refused(document),
        ModelError::LengthMismatch {
            field: "terms[0].weights".into(),
            expected: 3,
            found: 2
        }
    );
}

#[test]
fn missing_numbers_are_refused_with_the_field_name() {
    let text = tiny_json().replace("\"intercept\"", "\"intercept_was_here\"");
    let error = Model::from_json(&text).unwrap_err();
    assert_eq!(
        error,
        ModelError::Invalid {
            field: "intercept".into(),
            problem: "is missing".into()
        }
    );
    assert_eq!(error.to_string(), "`intercept` is missing");
}

#[test]
fn fields_of_the_wrong_type_are_refused_with_their_path() {
    let mut json: serde_json::Value = serde_json::from_str(&tiny_json()).unwrap();
    json["terms"][0]["attribute"] = serde_json::json!(7);
    let error = Model::from_json(&json.to_string()).unwrap_err();
    assert_eq!(
        error.to_string(),
        "`terms[0].attribute` must be a string, not a number"
    );
    json["terms"][0]["kind"] = serde_json::json!("cubic");
    let error = Model::from_json(&json.to_string()).unwrap_err();
    assert_eq!(
        error.to_string(),
        "`terms[0].kind` is \"cubic\"; expected \"numeric\", \"categorical\", \"yes_no\" or \"interaction\""
    );
}

#[test]
fn duplicate_and_empty_categories_are_refused() {
    let mut document = tiny_document();
    if let model_core::AttributeKind::Categorical { categories, .. } =
        &mut document.attributes[0].kind
    {
        categories[1] = "audi".into();
    }
    assert_eq!(
        refused(document),
        ModelError::Duplicate {
            field: "attributes[0].categories".into(),
            name: "audi".into()
        }
    );
    let mut document = tiny_document();
    if let model_core::AttributeKind::Categorical { categories, .. } =
        &mut document.attributes[0].kind
    {
        categories[1] = " ".into();
    }
    assert_eq!(
        refused(document),
        ModelError::Empty {
            field: "attributes[0].categories[1]".into()
        }
    );
}

#[test]
fn unknown_transforms_are_refused() {
    let mut document = tiny_document();
    if let Term::Numeric { transform, .. } = &mut document.terms[1] {
        *transform = "sqrt".into();
    }
    assert_eq!(
        refused(document),
        ModelError::UnknownTransform {
            field: "terms[1].transform".into(),
            found: "sqrt".into()
        }
    );
}

#[test]
fn absurd_sizes_are_refused() {
    let padding = " ".repeat(MAX_DOCUMENT_BYTES);
    assert!(matches!(
        Model::from_json(&(tiny_json() + &padding)),
        Err(ModelError::TooLarge { .. })
    ));
    let mut document = tiny_document();
    if let model_core::AttributeKind::Categorical { categories, .. } =
        &mut document.attributes[0].kind
    {
        *categories = (0..10_001).map(|i| format!("make-{i}")).collect();
    }
    if let Term::Categorical { weights, .. } = &mut document.terms[0] {
        *weights = vec![0.0; 10_001];
    }
    assert_eq!(
        refused(document),
        ModelError::TooManyWeights {
            count: 10_002,
            limit: 10_000
        }
    );
}

#[test]
fn inconsistent_documents_are_refused() {
    let mut document = tiny_document();
    document.terms.pop();
    assert!(
        matches!(refused(document), ModelError::Invalid { field, .. } if field == "attributes[1]")
    );

    let mut document = tiny_document();
    if let Term::Numeric { scale, .. } = &mut document.terms[1] {
        *scale = 0.0;
    }
    assert!(
        matches!(refused(document), ModelError::Invalid { field, .. } if field == "terms[1].scale")
    );

    let mut document = tiny_document();
    document.version = "latest".into();
    assert!(matches!(refused(document), ModelError::Invalid { field, .. } if field == "version"));

    let mut document = tiny_document();
    document.intercept = 1e6;
    assert!(matches!(refused(document), ModelError::Invalid { field, .. } if field == "terms"));
}

#[test]
fn a_model_file_that_is_not_utf8_is_refused_by_the_one_file_rule() {
    // static-host once read such a file lossily and served it while the CLI refused it.
    let mut bytes = include_bytes!("../../assets/model.json").to_vec();
    let at = bytes.iter().position(|&b| b == b'c').unwrap();
    bytes[at] = 0xff;
    match Model::from_slice(&bytes) {
        Err(ModelError::NotUtf8 { offset }) => assert_eq!(offset, at),
        other => panic!("expected NotUtf8, got {other:?}"),
    }
    assert!(Model::from_slice(include_bytes!("../../assets/model.json")).is_ok());
}
