//! Exact leave-one-out cross-validation of ridge regression, from the hat matrix.
//!
//! For a ridge fit with centred design `Xc` and `A = XcᵀXc + λ·diag(penalty)`, the prediction for
//! row `i` from a fit without row `i` is `yᵢ − rᵢ / (1 − hᵢ)`, where `rᵢ` is the full-fit residual
//! and `hᵢ = 1/n + xcᵢᵀ A⁻¹ xcᵢ` (standardisation held fixed). One factorisation per setting gives
//! all `n` held-out predictions, with no fold assignment to make the result depend on row order.

use ndarray::{Array1, Array2, ArrayView1, ArrayView2, Axis};

use crate::error::TrainError;

/// A ridge problem prepared for scoring many penalty settings.
pub(crate) struct LooProblem<'a> {
    xc: Array2<f64>,
    x_mean: Array1<f64>,
    y: ArrayView1<'a, f64>,
    y_mean: f64,
    gram: Array2<f64>,
    moment: Array1<f64>,
}

/// A fitted linear predictor `intercept + x · weights` and its leave-one-out predictions.
#[derive(Debug, Clone)]
pub(crate) struct Fit {
    pub(crate) intercept: f64,
    pub(crate) weights: Array1<f64>,
    /// Leave-one-out predictions of the (log) target, one per row.
    pub(crate) held_out: Array1<f64>,
}

impl<'a> LooProblem<'a> {
    /// Centres the design and target and forms the normal equations.
    pub(crate) fn new(x: ArrayView2<f64>, y: ArrayView1<'a, f64>) -> Self {
        let x_mean = x.mean_axis(Axis(0)).expect("at least one row");
        let y_mean = y.mean().expect("at least one row");
        let xc = &x - &x_mean;
        let yc = &y - y_mean;
        LooProblem {
            gram: xc.t().dot(&xc),
            moment: xc.t().dot(&yc),
            xc,
            x_mean,
            y,
            y_mean,
        }
    }

    /// Centres the design and target without forming the normal equations: for a wide design
    /// that is only ever scored through [`LooProblem::select`].
    pub(crate) fn centred(x: ArrayView2<f64>, y: ArrayView1<'a, f64>) -> Self {
        let x_mean = x.mean_axis(Axis(0)).expect("at least one row");
        let y_mean = y.mean().expect("at least one row");
        LooProblem {
            xc: &x - &x_mean,
            x_mean,
            y,
            y_mean,
            gram: Array2::zeros((0, 0)),
            moment: Array1::zeros(0),
        }
    }

    /// The same problem restricted to some design columns.
    pub(crate) fn select(&self, columns: &[usize]) -> LooProblem<'a> {
        let xc = self.xc.select(Axis(1), columns);
        let yc = &self.y - self.y_mean;
        LooProblem {
            gram: xc.t().dot(&xc),
            moment: xc.t().dot(&yc),
            xc,
            x_mean: self.x_mean.select(Axis(0), columns),
            y: self.y,
            y_mean: self.y_mean,
        }
    }

    /// The (log) targets.
    pub(crate) fn y(&self) -> ArrayView1<'a, f64> {
        self.y
    }

    /// Fits with penalty `lambda · penalty[j]` on column `j` and computes leave-one-out predictions.
    pub(crate) fn fit(&self, lambda: f64, penalty: ArrayView1<f64>) -> Result<Fit, TrainError> {
        let mut factor = self.gram.clone();
        for (j, scale) in penalty.iter().enumerate() {
            factor[[j, j]] += lambda * scale;
        }
        cholesky(&mut factor)?;
        let weights = solve_cholesky(&factor, &self.moment);
        let intercept = self.y_mean - self.x_mean.dot(&weights);
        // Z = L⁻¹ Xcᵀ, row by row (contiguous rows of length n vectorise well); hᵢ = 1/n + Σⱼ Zⱼᵢ².
        let n = self.xc.nrows();
        let mut z = self.xc.t().as_standard_layout().into_owned();
        for j in 0..z.nrows() {
            let (done, mut rest) = z.view_mut().split_at(Axis(0), j);
            let mut row = rest.row_mut(0);
            for k in 0..j {
                row.scaled_add(-factor[[j, k]], &done.row(k));
            }
            row /= factor[[j, j]];
        }
        let leverage = z.map(|v| v * v).sum_axis(Axis(0)) + 1.0 / n as f64;
        let fitted = self.xc.dot(&weights) + self.y_mean;
        let held_out = ndarray::Zip::from(&self.y)
            .and(&fitted)
            .and(&leverage)
            .map_collect(|&y, &f, &h| y - (y - f) / (1.0 - h));
        Ok(Fit {
            intercept,
            weights,
            held_out,
        })
    }
}

/// Mean absolute error in dollars between log-price targets and log-price predictions.
pub(crate) fn dollar_mae(y: ArrayView1<f64>, predicted: ArrayView1<f64>) -> f64 {
    y.iter()
        .zip(predicted)
        .map(|(a, p)| (libm::exp(*a) - libm::exp(*p)).abs())
        .sum::<f64>()
        / y.len() as f64
}

/// In-place lower Cholesky factor of a symmetric positive definite matrix (upper part is ignored).
pub(crate) fn cholesky(a: &mut Array2<f64>) -> Result<(), TrainError> {
    let n = a.nrows();
    let a = a
        .as_slice_mut()
        .expect("normal equations are built contiguous");
    // Row-major: entry (i, k) is a[i * n + k]; the sums below are dot products of row prefixes.
    let dot = |x: &[f64], y: &[f64]| x.iter().zip(y).map(|(p, q)| p * q).sum::<f64>();
    let mut row_j = Vec::with_capacity(n);
    for j in 0..n {
        row_j.clear();
        row_j.extend_from_slice(&a[j * n..j * n + j]);
        let d = a[j * n + j] - dot(&row_j, &row_j);
        if d.is_nan() || d <= 1e-12 {
            return Err(TrainError::Singular);
        }
        let d = d.sqrt();
        a[j * n + j] = d;
        for i in j + 1..n {
            let row_i = &mut a[i * n..(i + 1) * n];
            row_i[j] = (row_i[j] - dot(&row_i[..j], &row_j)) / d;
        }
    }
    Ok(())
}

/// Solves `L Lᵀ x = b` given the lower factor `L`.
pub(crate) fn solve_cholesky(l: &Array2<f64>, b: &Array1<f64>) -> Array1<f64> {
    let n = b.len();
    let mut x = b.clone();
    for i in 0..n {
        for k in 0..i {
            x[i] -= l[[i, k]] * x[k];
        }
        x[i] /= l[[i, i]];
    }
    for i in (0..n).rev() {
        for k in i + 1..n {
            x[i] -= l[[k, i]] * x[k];
        }
        x[i] /= l[[i, i]];
    }
    x
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn a_line_through_points_is_recovered() {
        let x = array![[1.0], [2.0], [3.0], [4.0]];
        let y = array![3.0, 5.0, 7.0, 9.0]; // y = 2x + 1
        let fit = LooProblem::new(x.view(), y.view())
            .fit(1e-9, array![1.0].view())
            .unwrap();
        assert!((fit.weights[0] - 2.0).abs() < 1e-6);
        assert!((fit.intercept - 1.0).abs() < 1e-6);
        // An exact line is predicted exactly even without the held-out point.
        for (p, t) in fit.held_out.iter().zip(&y) {
            assert!((p - t).abs() < 1e-6);
        }
    }

    #[test]
    fn leave_one_out_matches_refitting_without_each_row() {
        let x = array![
            [1.0, 0.5],
            [2.0, -1.0],
            [3.0, 2.0],
            [4.0, 0.0],
            [5.0, 1.5],
            [6.0, -0.5]
        ];
        let y = array![1.0, 2.5, 2.0, 4.5, 4.0, 6.5];
        let penalty = array![1.0, 2.0];
        let fit = LooProblem::new(x.view(), y.view())
            .fit(0.7, penalty.view())
            .unwrap();
        for i in 0..y.len() {
            let keep: Vec<usize> = (0..y.len()).filter(|&r| r != i).collect();
            let xi = x.select(Axis(0), &keep);
            let yi = y.select(Axis(0), &keep);
            // Same standardisation: LOO holds the design fixed, so refit on the raw rows.
            let refit = LooProblem::new(xi.view(), yi.view())
                .fit(0.7, penalty.view())
                .unwrap();
            let direct = refit.intercept + x.row(i).dot(&refit.weights);
            assert!(
                (direct - fit.held_out[i]).abs() < 1e-9,
                "row {i}: {direct} vs {}",
                fit.held_out[i]
            );
        }
    }

    #[test]
    fn penalty_shrinks_towards_the_mean() {
        let x = array![[-1.0], [1.0]];
        let y = array![0.0, 2.0];
        // centred: gram 2, moment 2 → w = 2 / (2 + λ); with λ = 2, w = 0.5 and intercept = mean = 1.
        let fit = LooProblem::new(x.view(), y.view())
            .fit(2.0, array![1.0].view())
            .unwrap();
        assert!((fit.weights[0] - 0.5).abs() < 1e-12);
        assert!((fit.intercept - 1.0).abs() < 1e-12);
    }

    #[test]
    fn constant_column_without_penalty_is_singular() {
        let x = array![[1.0, 5.0], [2.0, 5.0], [3.0, 5.0]];
        let y = array![1.0, 2.0, 3.0];
        let result = LooProblem::new(x.view(), y.view()).fit(0.0, array![1.0, 1.0].view());
        assert!(matches!(result, Err(TrainError::Singular)));
    }
}
