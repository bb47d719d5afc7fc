//! Ridge regression by the normal equations, solved with a Cholesky factorisation.
//!
//! Small dense problems only (tens of columns), which is what car models are; no LAPACK, so the
//! same code runs natively and in the browser.

use ndarray::{Array1, Array2, ArrayView1, ArrayView2, Axis};

use crate::error::TrainError;

/// A fitted linear predictor `intercept + x · weights`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RidgeFit {
    pub(crate) intercept: f64,
    pub(crate) weights: Array1<f64>,
}

impl RidgeFit {
    /// Predictions for the rows of `x`.
    pub(crate) fn predict(&self, x: ArrayView2<f64>) -> Array1<f64> {
        x.dot(&self.weights) + self.intercept
    }
}

/// The centred normal equations of one data set, reusable for many penalties.
pub(crate) struct NormalEquations {
    gram: Array2<f64>,
    moment: Array1<f64>,
    x_mean: Array1<f64>,
    y_mean: f64,
}

impl NormalEquations {
    /// Centres `x` and `y` and forms `XᵀX` and `Xᵀy`.
    pub(crate) fn new(x: ArrayView2<f64>, y: ArrayView1<f64>) -> Self {
        let x_mean = x.mean_axis(Axis(0)).expect("at least one row");
        let y_mean = y.mean().expect("at least one row");
        let xc = &x - &x_mean;
        let yc = &y - y_mean;
        NormalEquations {
            gram: xc.t().dot(&xc),
            moment: xc.t().dot(&yc),
            x_mean,
            y_mean,
        }
    }

    /// Solves `(XᵀX + λ·diag(penalty_scale)) w = Xᵀy`; the intercept is not penalised.
    pub(crate) fn solve(&self, lambda: f64, penalty_scale: ArrayView1<f64>) -> Result<RidgeFit, TrainError> {
        let mut a = self.gram.clone();
        for (j, scale) in penalty_scale.iter().enumerate() {
            a[[j, j]] += lambda * scale;
        }
        let weights = cholesky_solve(a, &self.moment)?;
        let intercept = self.y_mean - self.x_mean.dot(&weights);
        Ok(RidgeFit { intercept, weights })
    }
}

/// Solves `a x = b` for symmetric positive definite `a` (consumed as scratch space).
fn cholesky_solve(mut a: Array2<f64>, b: &Array1<f64>) -> Result<Array1<f64>, TrainError> {
    let n = b.len();
    // In-place lower factor L with a = L Lᵀ.
    for j in 0..n {
        let mut d = a[[j, j]];
        for k in 0..j {
            d -= a[[j, k]] * a[[j, k]];
        }
        if !(d > 1e-12) {
            return Err(TrainError::Singular);
        }
        let d = d.sqrt();
        a[[j, j]] = d;
        for i in j + 1..n {
            let mut s = a[[i, j]];
            for k in 0..j {
                s -= a[[i, k]] * a[[j, k]];
            }
            a[[i, j]] = s / d;
        }
    }
    // Forward then backward substitution.
    let mut x = b.clone();
    for i in 0..n {
        for k in 0..i {
            x[i] -= a[[i, k]] * x[k];
        }
        x[i] /= a[[i, i]];
    }
    for i in (0..n).rev() {
        for k in i + 1..n {
            x[i] -= a[[k, i]] * x[k];
        }
        x[i] /= a[[i, i]];
    }
    Ok(x)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn a_line_through_two_points() {
        let x = array![[1.0], [3.0]];
        let y = array![3.0, 7.0]; // y = 2x + 1
        let fit = NormalEquations::new(x.view(), y.view())
            .solve(0.0, array![1.0].view())
            .unwrap();
        assert!((fit.weights[0] - 2.0).abs() < 1e-12);
        assert!((fit.intercept - 1.0).abs() < 1e-12);
    }

    #[test]
    fn penalty_shrinks_towards_the_mean() {
        let x = array![[-1.0], [1.0]];
        let y = array![0.0, 2.0];
        // centred: gram 2, moment 2 → w = 2 / (2 + λ); with λ = 2, w = 0.5 and intercept = mean = 1.
        let fit = NormalEquations::new(x.view(), y.view())
            .solve(2.0, array![1.0].view())
            .unwrap();
        assert!((fit.weights[0] - 0.5).abs() < 1e-12);
        assert!((fit.intercept - 1.0).abs() < 1e-12);
    }

    #[test]
    fn constant_column_without_penalty_is_singular() {
        let x = array![[1.0, 5.0], [2.0, 5.0], [3.0, 5.0]];
        let y = array![1.0, 2.0, 3.0];
        let result = NormalEquations::new(x.view(), y.view()).solve(0.0, array![1.0, 1.0].view());
        assert_eq!(result, Err(TrainError::Singular));
    }
}
