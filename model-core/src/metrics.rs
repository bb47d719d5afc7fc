//! Accuracy metrics of predicted against actual prices.

use serde::Serialize;

use crate::error::MetricsError;

/// How close predictions are to the truth on a set of rows.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Metrics {
    /// Rows measured.
    pub rows: usize,
    /// Coefficient of determination, `1 - SS_res / SS_tot`.
    pub r2: f64,
    /// Mean absolute error, in target units (dollars).
    pub mae: f64,
    /// Root mean squared error, in target units.
    pub rmse: f64,
    /// Mean absolute percentage error, in percent (9.5 means 9.5%).
    pub mape: f64,
}

impl Metrics {
    /// Measures predictions against actual values.
    ///
    /// # Errors
    /// [`MetricsError`] for no rows, different lengths, non-finite values, an actual value of 0 (MAPE
    /// undefined) or constant actual values (R² undefined) — never a NaN metric.
    ///
    /// ```
    /// use model_core::Metrics;
    /// let m = Metrics::measure(&[100.0, 200.0], &[110.0, 190.0]).unwrap();
    /// assert_eq!(m.mae, 10.0);
    /// assert!((m.mape - 7.5).abs() < 1e-12);
    /// ```
    pub fn measure(actual: &[f64], predicted: &[f64]) -> Result<Metrics, MetricsError> {
        if actual.len() != predicted.len() {
            return Err(MetricsError::LengthMismatch {
                actual: actual.len(),
                predicted: predicted.len(),
            });
        }
        if actual.is_empty() {
            return Err(MetricsError::Empty);
        }
        for (row, (a, p)) in actual.iter().zip(predicted).enumerate() {
            if !a.is_finite() {
                return Err(MetricsError::NonFinite {
                    row,
                    which: "actual",
                });
            }
            if !p.is_finite() {
                return Err(MetricsError::NonFinite {
                    row,
                    which: "predicted",
                });
            }
            if *a == 0.0 {
                return Err(MetricsError::ZeroActual { row });
            }
        }
        let n = actual.len() as f64;
        let mean = actual.iter().sum::<f64>() / n;
        let total: f64 = actual.iter().map(|a| (a - mean) * (a - mean)).sum();
        if total == 0.0 {
            return Err(MetricsError::ConstantActual);
        }
        let residual: f64 = actual
            .iter()
            .zip(predicted)
            .map(|(a, p)| (a - p) * (a - p))
            .sum();
        let mae = actual
            .iter()
            .zip(predicted)
            .map(|(a, p)| (a - p).abs())
            .sum::<f64>()
            / n;
        let mape = actual
            .iter()
            .zip(predicted)
            .map(|(a, p)| ((a - p) / a).abs())
            .sum::<f64>()
            / n
            * 100.0;
        Ok(Metrics {
            rows: actual.len(),
            r2: 1.0 - residual / total,
            mae,
            rmse: (residual / n).sqrt(),
            mape,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn perfect_predictions_score_one_and_zero() {
        let m = Metrics::measure(&[1.0, 2.0, 3.0], &[1.0, 2.0, 3.0]).unwrap();
        assert_eq!(
            (m.r2, m.mae, m.rmse, m.mape, m.rows),
            (1.0, 0.0, 0.0, 0.0, 3)
        );
    }

    #[test]
    fn hand_computed_case() {
        // errors: -1, +1, +2 on actuals 2, 4, 6 (mean 4, SS_tot 8, SS_res 6)
        let m = Metrics::measure(&[2.0, 4.0, 6.0], &[3.0, 3.0, 4.0]).unwrap();
        assert!((m.r2 - 0.25).abs() < 1e-12);
        assert!((m.mae - 4.0 / 3.0).abs() < 1e-12);
        assert!((m.rmse - 2f64.sqrt()).abs() < 1e-12);
        assert!((m.mape - (0.5 + 0.25 + 2.0 / 6.0) / 3.0 * 100.0).abs() < 1e-12);
    }

    #[test]
    fn refuses_instead_of_nan() {
        assert_eq!(Metrics::measure(&[], &[]), Err(MetricsError::Empty));
        assert_eq!(
            Metrics::measure(&[1.0], &[1.0, 2.0]),
            Err(MetricsError::LengthMismatch {
                actual: 1,
                predicted: 2
            })
        );
        assert_eq!(
            Metrics::measure(&[5.0, 5.0], &[4.0, 6.0]),
            Err(MetricsError::ConstantActual)
        );
        assert_eq!(
            Metrics::measure(&[0.0, 5.0], &[4.0, 6.0]),
            Err(MetricsError::ZeroActual { row: 0 })
        );
        assert_eq!(
            Metrics::measure(&[1.0, 5.0], &[f64::NAN, 6.0]),
            Err(MetricsError::NonFinite {
                row: 0,
                which: "predicted"
            })
        );
    }
}
