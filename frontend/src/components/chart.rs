//! The "what drives this price" chart: one row per contribution, the attribute and the effect as
//! text, and an SVG bar growing from a centre line (right raises the price, left lowers it). Text
//! stays HTML so it keeps a readable size at every width; only the bars scale.

use model_core::format_fixed;
use yew::prelude::*;

use crate::drivers::{bar_extent, Driver};

/// Bar geometry in SVG user units: the bar area is 200 wide with the centre line at 100.
const CENTER: f64 = 100.0;
const HALF: f64 = 100.0;
/// [`CENTER`] as an attribute value.
const CENTER_TEXT: &str = "100";
/// Decimals of bar coordinates: a hundredth of a unit is far below a pixel.
const DECIMALS: u32 = 2;

/// What [`drivers_chart`] shows.
pub struct DriversChartProps {
    /// The bars, largest first.
    pub drivers: Vec<Driver>,
    /// The reference car's price, as the headline shows prices.
    pub reference: String,
}

/// Bars of the largest contributions.
pub fn drivers_chart(props: &DriversChartProps) -> Html {
    if props.drivers.is_empty() {
        return html! {
            <p class="chart-empty" data-testid="chart">
                { format!("About the model's reference car ({}): nothing moves its price much.", props.reference) }
            </p>
        };
    }
    let largest = props
        .drivers
        .iter()
        .map(|d| d.size.abs())
        .fold(0.0, f64::max);
    html! {
        <figure class="chart" data-testid="chart" aria-labelledby="drivers-title">
            <ol class="drivers">
                { for props.drivers.iter().map(|driver| {
                    let (start, length) = bar_extent(driver.size, largest);
                    let up = driver.size >= 0.0;
                    html! {
                        <li class={if up { "driver driver-up" } else { "driver driver-down" }}>
                            <span class="driver-label">{ driver.label.clone() }</span>
                            <span class="driver-value">{ driver.text.clone() }</span>
                            <svg class="driver-bar" viewBox="0 0 200 10" preserveAspectRatio="none" aria-hidden="true">
                                <g class={if up { "bar bar-up" } else { "bar bar-down" }} data-attribute={driver.attribute.clone()}>
                                    <line class="axis" x1={CENTER_TEXT} x2={CENTER_TEXT} y1="0" y2="10" />
                                    <rect x={format_fixed(CENTER + start * HALF, DECIMALS)} y="1"
                                        width={format_fixed((length * HALF).max(0.8), DECIMALS)} height="8" />
                                </g>
                            </svg>
                        </li>
                    }
                }) }
            </ol>
            <figcaption>
                { format!("Compared with the model's reference car ({}). ", props.reference) }
                <span class="legend legend-up">{ "raises" }</span>
                { " / " }
                <span class="legend legend-down">{ "lowers" }</span>
                { " the price." }
            </figcaption>
        </figure>
    }
}
