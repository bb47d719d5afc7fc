//! What the trainer knows about the dealership's car attributes: labels, units and form groups.
//!
//! Columns not listed here still train fine; they get their name as label, no unit and the
//! `other` group.

/// Form label, unit and group of a known attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AttributeInfo {
    /// Label for forms.
    pub label: &'static str,
    /// Unit shown next to numeric inputs (empty when unitless).
    pub unit: &'static str,
    /// Form section.
    pub group: &'static str,
}

const fn info(label: &'static str, unit: &'static str, group: &'static str) -> AttributeInfo {
    AttributeInfo { label, unit, group }
}

/// The dealership's attributes (UCI Automobile columns), in the order a form shows them.
const KNOWN: &[(&str, AttributeInfo)] = &[
    ("make", info("Make", "", "identity")),
    ("symboling", info("Insurance risk rating", "", "identity")),
    ("body-style", info("Body style", "", "body")),
    ("num-of-doors", info("Doors", "", "body")),
    ("drive-wheels", info("Drive wheels", "", "body")),
    ("engine-location", info("Engine location", "", "body")),
    ("wheel-base", info("Wheel base", "in", "body")),
    ("length", info("Length", "in", "body")),
    ("width", info("Width", "in", "body")),
    ("height", info("Height", "in", "body")),
    ("curb-weight", info("Curb weight", "lb", "body")),
    ("fuel-type", info("Fuel", "", "engine")),
    ("aspiration", info("Aspiration", "", "engine")),
    ("engine-type", info("Engine type", "", "engine")),
    ("num-of-cylinders", info("Cylinders", "", "engine")),
    ("engine-size", info("Engine size", "cu in", "engine")),
    ("fuel-system", info("Fuel system", "", "engine")),
    ("bore", info("Bore", "in", "engine")),
    ("stroke", info("Stroke", "in", "engine")),
    (
        "compression-ratio",
        info("Compression ratio", ":1", "engine"),
    ),
    ("horsepower", info("Horsepower", "hp", "engine")),
    ("peak-rpm", info("Peak RPM", "rpm", "engine")),
    ("city-mpg", info("City fuel economy", "mpg", "economy")),
    (
        "highway-mpg",
        info("Highway fuel economy", "mpg", "economy"),
    ),
];

/// Label, unit and group for a column name.
pub fn attribute_info(column: &str) -> AttributeInfo {
    KNOWN
        .iter()
        .find(|(name, _)| *name == column)
        .map(|(_, info)| *info)
        .unwrap_or(AttributeInfo {
            label: "",
            unit: "",
            group: "other",
        })
}

/// Sort key that puts known attributes in form order and unknown ones after, in their own order.
pub fn form_position(column: &str) -> usize {
    KNOWN
        .iter()
        .position(|(name, _)| *name == column)
        .unwrap_or(KNOWN.len())
}
