//! K-fold cross-validation of ridge regression from per-fold sums, for tables too large for an
//! n × n hat matrix.
//!
//! One pass over the rows adds each row's design entries into its fold's sums (count, Σy, Σy²,
//! Σx, Σxy and the Gram matrix Σxxᵀ); row k of the pass goes to fold `k % FOLDS`. A fit without
//! fold f uses the totals minus fold f's sums, and fold f's squared error follows from its own sums,
//! so scoring a setting never touches the rows again: memory and time per setting depend on the
//! number of design columns only.

use ndarray::{Array1, Array2};

use super::design::{Encoded, Layout};
use super::loo::{cholesky, solve_cholesky};
use crate::error::TrainError;

/// Number of folds.
pub(crate) const FOLDS: usize = 5;

/// Sums over a set of rows.
#[derive(Clone)]
struct Sums {
    n: f64,
    y: f64,
    yy: f64,
    x: Array1<f64>,
    xy: Array1<f64>,
    gram: Array2<f64>,
}

impl Sums {
    fn zeros(width: usize) -> Self {
        Sums {
            n: 0.0,
            y: 0.0,
            yy: 0.0,
            x: Array1::zeros(width),
            xy: Array1::zeros(width),
            gram: Array2::zeros((width, width)),
        }
    }

    fn select(&self, columns: &[usize]) -> Self {
        use ndarray::Axis;
        Sums {
            n: self.n,
            y: self.y,
            yy: self.yy,
            x: self.x.select(Axis(0), columns),
            xy: self.xy.select(Axis(0), columns),
            gram: self.gram.select(Axis(0), columns).select(Axis(1), columns),
        }
    }

    fn minus(&self, other: &Sums) -> Sums {
        Sums {
            n: self.n - other.n,
            y: self.y - other.y,
            yy: self.yy - other.yy,
            x: &self.x - &other.x,
            xy: &self.xy - &other.xy,
            gram: &self.gram - &other.gram,
        }
    }

    /// Ridge fit on these rows: `(intercept, weights)` with penalty `lambda · penalty[j]`.
    fn fit(&self, lambda: f64, penalty: &[f64]) -> Result<(f64, Array1<f64>), TrainError> {
        let mean_x = &self.x / self.n;
        let mean_y = self.y / self.n;
        let width = self.x.len();
        let mut a = Array2::zeros((width, width));
        for i in 0..width {
            for j in 0..=i {
                a[[i, j]] = self.gram[[i, j]] - self.x[i] * mean_x[j];
            }
            a[[i, i]] += lambda * penalty[i];
        }
        cholesky(&mut a)?;
        let moment = &self.xy - &(&mean_x * self.y);
        let weights = solve_cholesky(&a, &moment);
        Ok((mean_y - mean_x.dot(&weights), weights))
    }

    /// Sum of squared errors of `intercept + x · weights` on these rows.
    fn squared_error(&self, intercept: f64, weights: &Array1<f64>) -> f64 {
        let gw = self.gram.dot(weights);
        self.yy - 2.0 * intercept * self.y - 2.0 * weights.dot(&self.xy)
            + self.n * intercept * intercept
            + 2.0 * intercept * weights.dot(&self.x)
            + weights.dot(&gw)
    }
}

/// Per-fold sums of a design.
pub(crate) struct FoldSums {
    folds: Vec<Sums>,
    total: Sums,
}

/// A ridge fit: intercept and one weight per design column.
pub(crate) type Weights = (f64, Array1<f64>);

impl FoldSums {
    /// Adds up the design rows `rows` of `layout` (targets `y`), row k of the list in fold
    /// `k % FOLDS`.
    pub(crate) fn new(layout: &Layout, encoded: &Encoded, y: &[f64], rows: &[usize]) -> Self {
        let width = layout.width;
        let mut folds = vec![Sums::zeros(width); FOLDS];
        let mut entries = Vec::new();
        for (k, &row) in rows.iter().enumerate() {
            let sums = &mut folds[k % FOLDS];
            layout.row(encoded, row, &mut entries);
            let target = y[row];
            sums.n += 1.0;
            sums.y += target;
            sums.yy += target * target;
            let gram = sums
                .gram
                .as_slice_mut()
                .expect("a new matrix is contiguous");
            for (i, &(a, va)) in entries.iter().enumerate() {
                sums.x[a] += va;
                sums.xy[a] += va * target;
                // Lower triangle only (entries are in column order); mirrored below.
                let row = &mut gram[a * width..(a + 1) * width];
                for &(b, vb) in &entries[..=i] {
                    row[b] += va * vb;
                }
            }
        }
        for sums in &mut folds {
            for i in 0..width {
                for j in 0..i {
                    sums.gram[[j, i]] = sums.gram[[i, j]];
                }
            }
        }
        let mut total = Sums::zeros(width);
        for sums in &folds {
            total.n += sums.n;
            total.y += sums.y;
            total.yy += sums.yy;
            total.x += &sums.x;
            total.xy += &sums.xy;
            total.gram += &sums.gram;
        }
        FoldSums { folds, total }
    }

    /// The same sums restricted to some design columns.
    pub(crate) fn select(&self, columns: &[usize]) -> FoldSums {
        FoldSums {
            folds: self.folds.iter().map(|f| f.select(columns)).collect(),
            total: self.total.select(columns),
        }
    }

    /// Cross-validated mean squared error (of the log price) with penalty `lambda · penalty[j]`.
    pub(crate) fn score(&self, lambda: f64, penalty: &[f64]) -> Result<f64, TrainError> {
        let mut error = 0.0;
        for fold in &self.folds {
            let (intercept, weights) = self.total.minus(fold).fit(lambda, penalty)?;
            error += fold.squared_error(intercept, &weights);
        }
        Ok(error / self.total.n)
    }

    /// The fit on all rows and the fit without each fold.
    pub(crate) fn fits(
        &self,
        lambda: f64,
        penalty: &[f64],
    ) -> Result<(Weights, Vec<Weights>), TrainError> {
        let all = self.total.fit(lambda, penalty)?;
        let folds = self
            .folds
            .iter()
            .map(|fold| self.total.minus(fold).fit(lambda, penalty))
            .collect::<Result<_, _>>()?;
        Ok((all, folds))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::train::design::{Candidate, Column};
    use crate::transform::Transform;

    #[test]
    fn fold_scores_match_refitting_on_each_fold() {
        let values: Vec<f64> = (0..23).map(|i| f64::from(i) * 1.5 + 2.0).collect();
        let y: Vec<f64> = values
            .iter()
            .enumerate()
            .map(|(i, v)| 0.3 * v + (i % 4) as f64 * 0.2)
            .collect();
        let columns = [Column::Numeric(values)];
        let encoded = Encoded::new(&columns, &[Some(Transform::Identity)]);
        let rows: Vec<usize> = (0..23).collect();
        let layout = Layout::new(
            &encoded,
            &[Candidate::Numeric {
                attribute: 0,
                transform: Transform::Identity,
            }],
            &rows,
        );
        let sums = FoldSums::new(&layout, &encoded, &y, &rows);
        let lambda = 0.4;
        let score = sums.score(lambda, &[1.0]).unwrap();
        // Refit without each fold by brute force and add up the held-out squared errors.
        let x = layout.dense(&encoded);
        let mut error = 0.0;
        for fold in 0..FOLDS {
            let train: Vec<usize> = rows.iter().copied().filter(|r| r % FOLDS != fold).collect();
            let sub = FoldSums::new(&layout, &encoded, &y, &train);
            let (b, w) = sub.total.fit(lambda, &[1.0]).unwrap();
            for r in rows.iter().filter(|r| *r % FOLDS == fold) {
                let predicted = b + x[[*r, 0]] * w[0];
                error += (y[*r] - predicted).powi(2);
            }
        }
        assert!(
            (score - error / 23.0).abs() < 1e-10,
            "{score} vs {}",
            error / 23.0
        );
    }
}
