//! `carprice validate`: check a model file and summarise it.

use std::path::Path;

use anyhow::Result;
use model_core::{format_dollars, AttributeKind};

use crate::files;

pub fn run(path: &Path) -> Result<()> {
    let model = files::read_model(path)?;
    let document = model.document();
    let categorical = document
        .attributes
        .iter()
        .filter(|a| matches!(a.kind, AttributeKind::Categorical { .. }))
        .count();
    outln!(
        "{}: valid {} {} ({} attributes: {} categorical, {} numeric; {} terms; reference price {})",
        path.display(),
        document.name,
        document.version,
        document.attributes.len(),
        categorical,
        document.attributes.len() - categorical,
        document.terms.len(),
        format_dollars(model.reference_price()),
    )?;
    Ok(())
}
