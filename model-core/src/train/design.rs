//! Candidate terms and the design columns built from them, one row at a time.
//!
//! Every design column has unit spread on the training rows, so one ridge penalty fits all:
//! numbers are standardised, an indicator is divided by its standard deviation (not centred: the
//! fit centres every column and the intercept absorbs the shift), and an interaction column, the
//! product of two factors, is divided by the product's standard deviation.

use ndarray::Array2;

use crate::transform::Transform;

/// The values of one attribute over the training rows, ready to encode.
#[derive(Debug, Clone)]
pub(crate) enum Column {
    /// Numbers.
    Numeric(Vec<f64>),
    /// Category indices into `categories`.
    Categorical {
        categories: Vec<String>,
        codes: Vec<u32>,
    },
}

impl Column {
    /// The column restricted to some rows; the category list (vocabulary) is kept whole.
    pub(crate) fn subset(&self, rows: &[usize]) -> Column {
        match self {
            Column::Numeric(values) => Column::Numeric(rows.iter().map(|&r| values[r]).collect()),
            Column::Categorical { categories, codes } => Column::Categorical {
                categories: categories.clone(),
                codes: rows.iter().map(|&r| codes[r]).collect(),
            },
        }
    }

    fn len(&self) -> usize {
        match self {
            Column::Numeric(values) => values.len(),
            Column::Categorical { codes, .. } => codes.len(),
        }
    }
}

/// Least training rows behind an interaction column of a category: rarer ones are not candidates.
const MIN_INTERACTION_ROWS: usize = 3;

/// A term the trainer may put into the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Candidate {
    /// `(transform(x) - center) / scale`.
    Numeric {
        attribute: usize,
        transform: Transform,
    },
    /// One-hot columns, one per category.
    OneHot { attribute: usize },
    /// Products of the two attributes' factors (`first < second`): one column for two numbers,
    /// one per category for a number and a category, one per category pair seen together for two
    /// categories.
    Interaction { first: usize, second: usize },
}

impl Candidate {
    /// The attributes this candidate reads.
    pub(crate) fn attributes(self) -> Vec<usize> {
        match self {
            Candidate::Numeric { attribute, .. } | Candidate::OneHot { attribute } => {
                vec![attribute]
            }
            Candidate::Interaction { first, second } => vec![first, second],
        }
    }
}

/// A standardised number: `(transform(x) - center) / scale`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Standardisation {
    pub(crate) center: f64,
    pub(crate) scale: f64,
}

impl Standardisation {
    /// Mean and population standard deviation; a constant column gets scale 1 so it encodes as 0.
    pub(crate) fn of(values: impl Iterator<Item = f64> + Clone) -> Self {
        let (mut n, mut sum) = (0.0, 0.0);
        for v in values.clone() {
            n += 1.0;
            sum += v;
        }
        let center = sum / n;
        let variance = values.map(|v| (v - center) * (v - center)).sum::<f64>() / n;
        let scale = variance.sqrt();
        Standardisation {
            center,
            scale: if scale > 0.0 { scale } else { 1.0 },
        }
    }
}

/// One factor of an interaction column.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Factor {
    /// The attribute's standardised number (the same standardisation as its main term).
    Numeric {
        attribute: usize,
        transform: Transform,
        standardisation: Standardisation,
    },
    /// `1[x = category] / scale` (centre 0).
    Indicator {
        attribute: usize,
        category: u32,
        scale: f64,
    },
}

/// One interaction column: `first · second / scale`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Product {
    pub(crate) first: Factor,
    pub(crate) second: Factor,
    pub(crate) scale: f64,
}

/// How a candidate's design columns were scaled.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Encoding {
    /// One standardised column of the transformed number.
    Numeric(Standardisation),
    /// One indicator column per category, each divided by its standard deviation.
    OneHot(Vec<f64>),
    /// One column per product.
    Interaction(Vec<Product>),
}

impl Encoding {
    fn width(&self) -> usize {
        match self {
            Encoding::Numeric(_) => 1,
            Encoding::OneHot(scales) => scales.len(),
            Encoding::Interaction(products) => products.len(),
        }
    }
}

/// The encoded attributes: standardised numbers computed once, so rows are cheap to build.
pub(crate) struct Encoded<'a> {
    columns: &'a [Column],
    /// Per attribute: its standardisation and standardised values when numeric.
    numbers: Vec<Option<(Transform, Standardisation, Vec<f64>)>>,
    /// Per attribute: rows per category when categorical.
    counts: Vec<Vec<usize>>,
    rows: usize,
}

impl<'a> Encoded<'a> {
    /// Standardises the numbers of `columns` with the transform each one's main term uses.
    pub(crate) fn new(columns: &'a [Column], transforms: &[Option<Transform>]) -> Self {
        let rows = columns.first().map_or(0, Column::len);
        let numbers = columns
            .iter()
            .zip(transforms)
            .map(|(column, transform)| match (column, transform) {
                (Column::Numeric(values), Some(t)) => {
                    let s = Standardisation::of(values.iter().map(|v| t.apply(*v)));
                    let z = values
                        .iter()
                        .map(|v| (t.apply(*v) - s.center) / s.scale)
                        .collect();
                    Some((*t, s, z))
                }
                _ => None,
            })
            .collect();
        let counts = columns
            .iter()
            .map(|column| match column {
                Column::Categorical { categories, codes } => {
                    let mut counts = vec![0; categories.len()];
                    for &c in codes {
                        counts[c as usize] += 1;
                    }
                    counts
                }
                Column::Numeric(_) => Vec::new(),
            })
            .collect();
        Encoded {
            columns,
            numbers,
            counts,
            rows,
        }
    }

    /// Number of training rows.
    pub(crate) fn rows(&self) -> usize {
        self.rows
    }

    fn code(&self, attribute: usize, row: usize) -> u32 {
        match &self.columns[attribute] {
            Column::Categorical { codes, .. } => codes[row],
            Column::Numeric(_) => unreachable!("codes are read from categorical columns"),
        }
    }

    fn factor(&self, factor: &Factor, row: usize) -> f64 {
        match *factor {
            Factor::Numeric { attribute, .. } => self.z(attribute)[row],
            Factor::Indicator {
                attribute,
                category,
                scale,
            } => {
                if self.code(attribute, row) == category {
                    1.0 / scale
                } else {
                    0.0
                }
            }
        }
    }

    fn z(&self, attribute: usize) -> &[f64] {
        &self.numbers[attribute]
            .as_ref()
            .expect("numeric factors read numeric columns")
            .2
    }

    /// The factors an attribute offers to interactions: its number, or one indicator per category
    /// with at least [`MIN_INTERACTION_ROWS`] rows.
    fn factors(&self, attribute: usize) -> Vec<Factor> {
        match &self.numbers[attribute] {
            Some((transform, standardisation, _)) => vec![Factor::Numeric {
                attribute,
                transform: *transform,
                standardisation: *standardisation,
            }],
            None => {
                let n = self.rows as f64;
                self.counts[attribute]
                    .iter()
                    .enumerate()
                    .filter(|(_, &count)| count >= MIN_INTERACTION_ROWS && count < self.rows)
                    .map(|(category, &count)| {
                        let share = count as f64 / n;
                        Factor::Indicator {
                            attribute,
                            category: category as u32,
                            scale: (share * (1.0 - share)).sqrt(),
                        }
                    })
                    .collect()
            }
        }
    }

    /// Encodes one candidate; interaction columns are scaled by their spread over `rows`.
    pub(crate) fn encode(&self, candidate: Candidate, rows: &[usize]) -> Encoding {
        match candidate {
            Candidate::Numeric { attribute, .. } => Encoding::Numeric(
                self.numbers[attribute]
                    .as_ref()
                    .expect("numeric candidates read numeric columns")
                    .1,
            ),
            Candidate::OneHot { attribute } => {
                let n = self.rows as f64;
                Encoding::OneHot(
                    self.counts[attribute]
                        .iter()
                        .map(|&count| {
                            let share = count as f64 / n;
                            let scale = (share * (1.0 - share)).sqrt();
                            if scale > 0.0 {
                                scale
                            } else {
                                1.0
                            }
                        })
                        .collect(),
                )
            }
            Candidate::Interaction { first, second } => {
                let mut products = Vec::new();
                for a in self.factors(first) {
                    for b in self.factors(second) {
                        if let Some(product) = self.product(a, b, rows) {
                            products.push(product);
                        }
                    }
                }
                Encoding::Interaction(products)
            }
        }
    }

    /// The product column of two factors scaled to unit spread over `rows`, or `None` when it has
    /// fewer than [`MIN_INTERACTION_ROWS`] non-zero rows or no spread there.
    fn product(&self, first: Factor, second: Factor, rows: &[usize]) -> Option<Product> {
        let values: Vec<f64> = rows
            .iter()
            .map(|&row| self.factor(&first, row) * self.factor(&second, row))
            .collect();
        let nonzero = values.iter().filter(|v| **v != 0.0).count();
        if nonzero < MIN_INTERACTION_ROWS {
            return None;
        }
        let n = rows.len() as f64;
        let mean = values.iter().sum::<f64>() / n;
        let variance = values.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / n;
        (variance > 1e-12).then(|| Product {
            first,
            second,
            scale: variance.sqrt(),
        })
    }
}

/// What a design column's penalty depends on.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum ColumnPenalty {
    /// A standardised number or a product of numbers.
    Number,
    /// A one-hot indicator divided by its spread.
    Indicator,
    /// A product with an indicator factor.
    IndicatorProduct,
}

/// The columns of a list of candidates: where each starts and how it is scaled.
pub(crate) struct Layout {
    pub(crate) candidates: Vec<Candidate>,
    pub(crate) encodings: Vec<Encoding>,
    pub(crate) offsets: Vec<usize>,
    pub(crate) width: usize,
}

impl Layout {
    /// Encodes `candidates`, leaving out interactions with no column (spreads over `rows`).
    pub(crate) fn new(encoded: &Encoded, candidates: &[Candidate], rows: &[usize]) -> Self {
        let mut layout = Layout {
            candidates: Vec::new(),
            encodings: Vec::new(),
            offsets: Vec::new(),
            width: 0,
        };
        for &candidate in candidates {
            let encoding = encoded.encode(candidate, rows);
            if encoding.width() == 0 {
                continue;
            }
            layout.offsets.push(layout.width);
            layout.width += encoding.width();
            layout.candidates.push(candidate);
            layout.encodings.push(encoding);
        }
        layout
    }

    /// The design columns of candidate `index`.
    pub(crate) fn columns_of(&self, index: usize) -> std::ops::Range<usize> {
        self.offsets[index]..self.offsets[index] + self.encodings[index].width()
    }

    /// How each design column is penalised.
    pub(crate) fn column_penalties(&self) -> Vec<ColumnPenalty> {
        let mut kinds = Vec::with_capacity(self.width);
        for encoding in &self.encodings {
            match encoding {
                Encoding::Numeric(_) => kinds.push(ColumnPenalty::Number),
                Encoding::OneHot(scales) => {
                    kinds.extend(scales.iter().map(|_| ColumnPenalty::Indicator));
                }
                Encoding::Interaction(products) => kinds.extend(products.iter().map(|p| {
                    if matches!(p.first, Factor::Indicator { .. })
                        || matches!(p.second, Factor::Indicator { .. })
                    {
                        ColumnPenalty::IndicatorProduct
                    } else {
                        ColumnPenalty::Number
                    }
                })),
            }
        }
        kinds
    }

    /// The non-zero entries of one row's design columns, as (column, value) pairs in column order.
    pub(crate) fn row(&self, encoded: &Encoded, row: usize, out: &mut Vec<(usize, f64)>) {
        out.clear();
        for ((candidate, encoding), &offset) in self
            .candidates
            .iter()
            .zip(&self.encodings)
            .zip(&self.offsets)
        {
            match (candidate, encoding) {
                (Candidate::Numeric { attribute, .. }, Encoding::Numeric(_)) => {
                    out.push((offset, encoded.z(*attribute)[row]));
                }
                (Candidate::OneHot { attribute }, Encoding::OneHot(scales)) => {
                    let code = encoded.code(*attribute, row) as usize;
                    out.push((offset + code, 1.0 / scales[code]));
                }
                (Candidate::Interaction { .. }, Encoding::Interaction(products)) => {
                    for (k, p) in products.iter().enumerate() {
                        let a = encoded.factor(&p.first, row);
                        if a != 0.0 {
                            let v = a * encoded.factor(&p.second, row);
                            if v != 0.0 {
                                out.push((offset + k, v / p.scale));
                            }
                        }
                    }
                }
                _ => unreachable!("encodings follow candidate kinds"),
            }
        }
    }

    /// The dense design over every training row.
    pub(crate) fn dense(&self, encoded: &Encoded) -> Array2<f64> {
        let mut x = Array2::zeros((encoded.rows(), self.width));
        let mut entries = Vec::new();
        for row in 0..encoded.rows() {
            self.row(encoded, row, &mut entries);
            for &(column, value) in &entries {
                x[[row, column]] = value;
            }
        }
        x
    }
}
