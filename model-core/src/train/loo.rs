//! Exact leave-one-out cross-validation of ridge regression, from the hat matrix.
//!
//! For a ridge fit with centred design `Xc` and `A = XcᵀXc + λ·diag(penalty)`, the prediction for
//! row `i` from a fit without row `i` is `yᵢ − rᵢ / (1 − hᵢ)`, where `rᵢ` is the full-fit residual
//! and `hᵢ = 1/n + xcᵢᵀ A⁻¹ xcᵢ` (standardisation held fixed). One factorisation gives all `n`
//! held-out predictions, with no fold assignment to make the result depend on row order; choosing
//! reuses it further: a whole penalty grid from one tridiagonal reduction
//! ([`LooProblem::held_out_path`]), and columns added or left out as block updates ([`Base`]).
//! The fitted model itself always comes from [`LooProblem::fit`].

use ndarray::{Array1, Array2, ArrayView1, ArrayView2, Axis};

use crate::error::TrainError;

/// A ridge problem prepared for scoring many penalty settings.
pub(crate) struct LooProblem<'a> {
    xc: Array2<f64>,
    x_mean: Array1<f64>,
    y: ArrayView1<'a, f64>,
    /// `exp(y)`: prices in dollars.
    prices: Array1<f64>,
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
            prices: y.mapv(libm::exp),
            y,
            y_mean,
        }
    }

    /// Centres the design and target without forming the normal equations: for a wide design
    /// that is only ever scored through [`LooProblem::select`].
    pub(crate) fn centred(mut x: Array2<f64>, y: ArrayView1<'a, f64>) -> Self {
        let x_mean = x.mean_axis(Axis(0)).expect("at least one row");
        let y_mean = y.mean().expect("at least one row");
        x -= &x_mean;
        LooProblem {
            xc: x,
            x_mean,
            prices: y.mapv(libm::exp),
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
            prices: self.prices.clone(),
            y: self.y,
            y_mean: self.y_mean,
        }
    }

    /// The (log) targets.
    pub(crate) fn y(&self) -> ArrayView1<'a, f64> {
        self.y
    }

    /// [`dollar_mae`] of held-out predictions, with the targets' prices computed once.
    pub(crate) fn dollar_mae(&self, predicted: ArrayView1<f64>) -> f64 {
        self.prices
            .iter()
            .zip(predicted)
            .map(|(a, p)| (a - libm::exp(*p)).abs())
            .sum::<f64>()
            / self.prices.len() as f64
    }

    /// Fits with penalty `lambda · penalty[j]` on column `j` and computes leave-one-out predictions.
    pub(crate) fn fit(&self, lambda: f64, penalty: ArrayView1<f64>) -> Result<Fit, TrainError> {
        let factor = self.factor(lambda, penalty)?;
        let weights = solve_cholesky(&factor, &self.moment);
        let intercept = self.y_mean - self.x_mean.dot(&weights);
        let leverage = leverage(&self.z(&factor));
        let fitted = self.xc.dot(&weights) + self.y_mean;
        Ok(Fit {
            intercept,
            weights,
            held_out: held_out(self.y, &fitted, &leverage),
        })
    }

    /// Lower Cholesky factor of `gram + lambda · diag(penalty)`.
    fn factor(&self, lambda: f64, penalty: ArrayView1<f64>) -> Result<Array2<f64>, TrainError> {
        let mut factor = self.gram.clone();
        for (j, scale) in penalty.iter().enumerate() {
            factor[[j, j]] += lambda * scale;
        }
        cholesky(&mut factor)?;
        Ok(factor)
    }

    /// `Z = L⁻¹ Xcᵀ` for the lower factor `L`: the hat matrix is `1/n + ZᵀZ`.
    fn z(&self, factor: &Array2<f64>) -> Array2<f64> {
        let mut z = self.xc.t().as_standard_layout().into_owned();
        forward_rows(factor, &mut z);
        z
    }

    /// Leave-one-out predictions for every penalty in `lambdas` with column factors `penalty`,
    /// from one factorisation.
    ///
    /// With `X' = Xc·D^-½` (`D = diag(penalty)`) the hat matrix is `X'(X'ᵀX' + λI)⁻¹X'ᵀ`. A
    /// Householder reduction `X'ᵀX' = Q T Qᵀ` (`T` tridiagonal) and `U = QᵀX'ᵀ` leave, per penalty,
    /// only an LDLᵀ factorisation of `T + λI` and one forward sweep over the rows: O(n·p) per
    /// penalty instead of O(n·p²).
    pub(crate) fn held_out_path(
        &self,
        lambdas: &[f64],
        penalty: ArrayView1<f64>,
    ) -> Result<Vec<Array1<f64>>, TrainError> {
        let p = self.gram.nrows();
        let n = self.xc.nrows();
        let root: Vec<f64> = penalty.iter().map(|d| 1.0 / d.sqrt()).collect();
        let mut a = Array2::from_shape_fn((p, p), |(i, j)| self.gram[[i, j]] * root[i] * root[j]);
        let mut q = Array2::eye(p);
        let (diagonal, off) = tridiagonalise(&mut a, &mut q);
        // U = Qᵀ·D^-½·Xcᵀ in one matrix product.
        for mut row in q.rows_mut() {
            ndarray::Zip::from(&mut row)
                .and(&root)
                .for_each(|v, r| *v *= r);
        }
        let u = q.dot(&self.xc.t());
        let yc = &self.y - self.y_mean;
        let uy = u.dot(&yc);
        let mut paths = Vec::with_capacity(lambdas.len());
        let mut w = vec![0.0; n];
        for &lambda in lambdas {
            // T + λI = L·diag(d)·Lᵀ with unit lower bidiagonal L (subdiagonal `l`).
            let mut d = vec![0.0; p];
            let mut l = vec![0.0; p];
            for k in 0..p {
                d[k] = diagonal[k] + lambda;
                if k > 0 {
                    l[k] = off[k - 1] / d[k - 1];
                    d[k] -= l[k] * off[k - 1];
                }
                if d[k].is_nan() || d[k] <= 1e-12 {
                    return Err(TrainError::Singular);
                }
            }
            // s = (T + λI)⁻¹ U·yc: fitted (centred) values are Uᵀs.
            let mut s = uy.to_vec();
            for k in 1..p {
                s[k] -= l[k] * s[k - 1];
            }
            for k in 0..p {
                s[k] /= d[k];
            }
            for k in (0..p.saturating_sub(1)).rev() {
                s[k] -= l[k + 1] * s[k + 1];
            }
            // One sweep over the rows of U: leverage hᵢ = 1/n + Σₖ wₖᵢ² / dₖ with w = L⁻¹U, and
            // the fitted values.
            let mut leverage = Array1::from_elem(n, 1.0 / n as f64);
            let mut fitted = Array1::from_elem(n, self.y_mean);
            let h = leverage.as_slice_mut().expect("a new array is contiguous");
            let f = fitted.as_slice_mut().expect("a new array is contiguous");
            w.fill(0.0);
            for (k, row) in u.rows().into_iter().enumerate() {
                let row = row
                    .to_slice()
                    .expect("rows of a standard matrix are contiguous");
                let (l, inverse, s) = (l[k], 1.0 / d[k], s[k]);
                for (((w, h), f), &x) in w.iter_mut().zip(h.iter_mut()).zip(f.iter_mut()).zip(row) {
                    *w = x - l * *w;
                    *h += *w * *w * inverse;
                    *f += s * x;
                }
            }
            paths.push(held_out(self.y, &fitted, &leverage));
        }
        Ok(paths)
    }

    /// The factorisation of the fit on `columns` at one setting, ready to score added columns.
    pub(crate) fn base(
        &self,
        columns: &[usize],
        lambda: f64,
        penalty: ArrayView1<f64>,
    ) -> Result<Base<'_, 'a>, TrainError> {
        let selected = self.select(columns);
        let factor = selected.factor(lambda, penalty)?;
        let z = selected.z(&factor);
        let yc = &self.y - self.y_mean;
        let zy = z.dot(&yc);
        Ok(Base {
            problem: self,
            leverage: leverage(&z),
            fitted: z.t().dot(&zy),
            factor,
            z,
            yc,
            lambda,
        })
    }
}

/// A fit's factorisation kept to score the same fit with columns added or left out: with `L` and
/// `Z = L⁻¹Xcᵀ` known, added columns `B` need only a block of the Cholesky factor, O(n·p·q) for
/// `q` columns; left-out columns a block of the inverse.
pub(crate) struct Base<'p, 'a> {
    problem: &'p LooProblem<'a>,
    /// Lower Cholesky factor `L` of the penalised normal equations `A`.
    factor: Array2<f64>,
    z: Array2<f64>,
    yc: Array1<f64>,
    leverage: Array1<f64>,
    fitted: Array1<f64>,
    lambda: f64,
}

impl<'p, 'a> Base<'p, 'a> {
    /// Leave-one-out predictions of the fit with design columns `columns` added (penalty factors
    /// `penalty`).
    pub(crate) fn held_out_with(
        &self,
        columns: &[usize],
        penalty: &[f64],
    ) -> Result<Array1<f64>, TrainError> {
        let b = self.problem.xc.select(Axis(1), columns);
        // C = Z·B = L⁻¹XcᵀB, the new rows of the factor; Schur complement S = BᵀB + λD − CᵀC.
        let c = self.z.dot(&b);
        let mut s = (b.t().dot(&b) - c.t().dot(&c))
            .as_standard_layout()
            .into_owned();
        for (j, scale) in penalty.iter().enumerate() {
            s[[j, j]] += self.lambda * scale;
        }
        cholesky(&mut s)?;
        // New rows of Z: L₂₂⁻¹ (Bᵀ − Cᵀ Z).
        let mut z2 = b.t().as_standard_layout().into_owned() - c.t().dot(&self.z);
        forward_rows(&s, &mut z2);
        let leverage = &self.leverage + &z2.map(|v| v * v).sum_axis(Axis(0));
        let fitted = &self.fitted + &z2.t().dot(&z2.dot(&self.yc)) + self.problem.y_mean;
        Ok(held_out(self.problem.y, &fitted, &leverage))
    }

    /// The inverse of the penalised normal equations, to score the fit with columns left out.
    pub(crate) fn downdates(&self) -> Downdates<'_, 'p, 'a> {
        // A⁻¹ = WᵀW with W = L⁻¹, and P = Xc·A⁻¹ = Zᵀ·W.
        let mut w = Array2::eye(self.factor.nrows());
        forward_rows(&self.factor, &mut w);
        Downdates {
            base: self,
            inverse: w.t().dot(&w),
            projection: self.z.t().dot(&w),
        }
    }
}

/// A [`Base`] with `M = A⁻¹` and `P = Xc·M`, to score the fit with columns left out.
pub(crate) struct Downdates<'b, 'p, 'a> {
    base: &'b Base<'p, 'a>,
    inverse: Array2<f64>,
    projection: Array2<f64>,
}

impl Downdates<'_, '_, '_> {
    /// Leave-one-out predictions of the fit with its columns at `positions` (indices into the
    /// base's columns) left out.
    ///
    /// The hat matrix without columns `d` is `H − P_d M_dd⁻¹ P_dᵀ` (the Schur complement of
    /// `M_dd` in `M` is the inverse of the reduced normal equations), O(n·q²) for `q` columns.
    pub(crate) fn held_out_without(&self, positions: &[usize]) -> Result<Array1<f64>, TrainError> {
        let base = self.base;
        let mut m = Array2::from_shape_fn((positions.len(), positions.len()), |(i, j)| {
            self.inverse[[positions[i], positions[j]]]
        });
        cholesky(&mut m)?;
        let mut y = self
            .projection
            .select(Axis(1), positions)
            .t()
            .as_standard_layout()
            .into_owned();
        forward_rows(&m, &mut y);
        let leverage = &base.leverage - &y.map(|v| v * v).sum_axis(Axis(0));
        let fitted = &base.fitted - &y.t().dot(&y.dot(&base.yc)) + base.problem.y_mean;
        Ok(held_out(base.problem.y, &fitted, &leverage))
    }
}

/// Solves `L·Z = M` in place (`M` row-major, one row per factor row; contiguous rows of length n
/// vectorise well).
fn forward_rows(factor: &Array2<f64>, z: &mut Array2<f64>) {
    for j in 0..z.nrows() {
        let (done, mut rest) = z.view_mut().split_at(Axis(0), j);
        let mut row = rest.row_mut(0);
        for k in 0..j {
            row.scaled_add(-factor[[j, k]], &done.row(k));
        }
        row /= factor[[j, j]];
    }
}

/// Hat diagonal `1/n + Σⱼ Zⱼᵢ²`.
fn leverage(z: &Array2<f64>) -> Array1<f64> {
    z.map(|v| v * v).sum_axis(Axis(0)) + 1.0 / z.ncols() as f64
}

/// Leave-one-out predictions `yᵢ − rᵢ / (1 − hᵢ)` from fitted values and leverages.
fn held_out(y: ArrayView1<f64>, fitted: &Array1<f64>, leverage: &Array1<f64>) -> Array1<f64> {
    ndarray::Zip::from(&y)
        .and(fitted)
        .and(leverage)
        .map_collect(|&y, &f, &h| y - (y - f) / (1.0 - h))
}

/// Householder reduction of the symmetric `a` to tridiagonal form `T = Qᵀ a Q`, applying `Qᵀ` to
/// the rows of `u` as it goes. Returns the diagonal and subdiagonal of `T`.
fn tridiagonalise(a: &mut Array2<f64>, u: &mut Array2<f64>) -> (Vec<f64>, Vec<f64>) {
    let p = a.nrows();
    let mut off = Vec::with_capacity(p.saturating_sub(1));
    for k in 0..p.saturating_sub(1) {
        let x = a.slice(ndarray::s![k + 1.., k]).to_owned();
        let norm = x.dot(&x).sqrt();
        if norm == 0.0 {
            off.push(0.0);
            continue;
        }
        let alpha = if x[0] > 0.0 { -norm } else { norm };
        off.push(alpha);
        let mut v = x;
        v[0] -= alpha;
        v /= v.dot(&v).sqrt();
        // a ← H a H on the trailing block, H = I − 2vvᵀ: a −= 2(v qᵀ + q vᵀ), q = a·v − (vᵀa·v)·v.
        let mut trailing = a.slice_mut(ndarray::s![k + 1.., k + 1..]);
        let av = trailing.dot(&v);
        let q = &av - &(&v * v.dot(&av));
        for (i, (vi, qi)) in v.iter().zip(&q).enumerate() {
            let mut row = trailing.row_mut(i);
            row.scaled_add(-2.0 * vi, &q);
            row.scaled_add(-2.0 * qi, &v);
        }
        let mut rows = u.slice_mut(ndarray::s![k + 1.., ..]);
        let mut vu = Array1::zeros(rows.ncols());
        for (vi, row) in v.iter().zip(rows.rows()) {
            vu.scaled_add(*vi, &row);
        }
        for (vi, mut row) in v.iter().zip(rows.rows_mut()) {
            row.scaled_add(-2.0 * vi, &vu);
        }
    }
    let diagonal = (0..p).map(|k| a[[k, k]]).collect();
    (diagonal, off)
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

    /// A small table with four columns of different spreads.
    fn table() -> (Array2<f64>, Array1<f64>) {
        let x = array![
            [1.0, 0.5, 0.0, 2.0],
            [2.0, -1.0, 1.0, 1.5],
            [3.0, 2.0, 0.0, -0.5],
            [4.0, 0.0, 1.0, 0.0],
            [5.0, 1.5, 1.0, 3.0],
            [6.0, -0.5, 0.0, 1.0],
            [7.0, 1.0, 0.0, -1.0],
            [8.0, 0.0, 1.0, 0.5]
        ];
        let y = array![1.0, 2.5, 2.0, 4.5, 4.0, 6.5, 6.0, 8.5];
        (x, y)
    }

    /// Held-out predictions by refitting without each row in turn (columns `columns` of `x`).
    fn refit_without_each_row(
        x: &Array2<f64>,
        y: &Array1<f64>,
        columns: &[usize],
        lambda: f64,
        penalty: &[f64],
    ) -> Vec<f64> {
        let x = x.select(Axis(1), columns);
        (0..y.len())
            .map(|i| {
                let keep: Vec<usize> = (0..y.len()).filter(|&r| r != i).collect();
                let xi = x.select(Axis(0), &keep);
                let yi = y.select(Axis(0), &keep);
                // Same standardisation: LOO holds the design fixed, so refit on the raw rows.
                let refit = LooProblem::new(xi.view(), yi.view())
                    .fit(lambda, ArrayView1::from(penalty))
                    .unwrap();
                refit.intercept + x.row(i).dot(&refit.weights)
            })
            .collect()
    }

    fn assert_close(fast: &Array1<f64>, direct: &[f64]) {
        for (i, (f, d)) in fast.iter().zip(direct).enumerate() {
            assert!((f - d).abs() < 1e-9, "row {i}: {f} vs {d}");
        }
    }

    #[test]
    fn leave_one_out_matches_refitting_without_each_row() {
        let (x, y) = table();
        let penalty = [1.0, 2.0, 0.5, 4.0];
        let fit = LooProblem::new(x.view(), y.view())
            .fit(0.7, ArrayView1::from(&penalty))
            .unwrap();
        let direct = refit_without_each_row(&x, &y, &[0, 1, 2, 3], 0.7, &penalty);
        assert_close(&fit.held_out, &direct);
    }

    #[test]
    fn penalty_path_matches_refitting_without_each_row() {
        let (x, y) = table();
        let penalty = [1.0, 2.0, 0.5, 4.0];
        let lambdas = [0.01, 0.3, 1.0, 7.5, 100.0];
        let paths = LooProblem::new(x.view(), y.view())
            .held_out_path(&lambdas, ArrayView1::from(&penalty))
            .unwrap();
        for (&lambda, held_out) in lambdas.iter().zip(&paths) {
            let direct = refit_without_each_row(&x, &y, &[0, 1, 2, 3], lambda, &penalty);
            assert_close(held_out, &direct);
        }
    }

    #[test]
    fn added_columns_match_refitting_without_each_row() {
        let (x, y) = table();
        let problem = LooProblem::centred(x.clone(), y.view());
        let base = problem.base(&[0, 2], 0.7, array![1.0, 0.5].view()).unwrap();
        let fast = base.held_out_with(&[3, 1], &[4.0, 2.0]).unwrap();
        let direct = refit_without_each_row(&x, &y, &[0, 2, 3, 1], 0.7, &[1.0, 0.5, 4.0, 2.0]);
        assert_close(&fast, &direct);
    }

    #[test]
    fn left_out_columns_match_refitting_without_each_row() {
        let (x, y) = table();
        let problem = LooProblem::centred(x.clone(), y.view());
        let base = problem
            .base(&[0, 1, 2, 3], 0.7, array![1.0, 2.0, 0.5, 4.0].view())
            .unwrap();
        let fast = base.downdates().held_out_without(&[1, 3]).unwrap();
        let direct = refit_without_each_row(&x, &y, &[0, 2], 0.7, &[1.0, 0.5]);
        assert_close(&fast, &direct);
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
