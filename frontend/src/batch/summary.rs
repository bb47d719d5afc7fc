//! What the stock-list worker reports when a table is priced: counts, the first problems, time,
//! as JSON text (written in the worker, read on the page with model-core's small JSON reader,
//! which the page has anyway).

use model_core::json::{write_string, Fields, Json, JsonError};

/// How many problems the summary carries for the screen; the problems file has all of them.
pub const SHOWN_PROBLEMS: usize = 100;

/// A row that was not priced, as the screen lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// 1-based line in the file.
    pub line: u64,
    /// The attribute at fault, empty when the row itself is malformed.
    pub attribute: String,
    /// What is wrong.
    pub message: String,
}

/// The outcome of pricing one table.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    /// Rows written to the priced file.
    pub priced: u64,
    /// Rows left out (each has a line in the problems file).
    pub refused: u64,
    /// The first [`SHOWN_PROBLEMS`] problems.
    pub problems: Vec<Problem>,
    /// The field separator the table was read and written with.
    pub delimiter: char,
    /// Milliseconds from the file's first byte to the priced file's last.
    pub millis: f64,
}

impl Summary {
    /// The summary as JSON text.
    pub fn to_json(&self) -> String {
        let mut out = format!(
            "{{\"priced\":{},\"refused\":{},\"millis\":{},\"delimiter\":",
            self.priced,
            self.refused,
            self.millis.round() as u64
        );
        write_string(&mut out, &self.delimiter.to_string());
        out.push_str(",\"problems\":[");
        for (i, problem) in self.problems.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str(&format!("{{\"line\":{},\"attribute\":", problem.line));
            write_string(&mut out, &problem.attribute);
            out.push_str(",\"message\":");
            write_string(&mut out, &problem.message);
            out.push('}');
        }
        out.push_str("]}");
        out
    }

    /// Reads a summary written by [`Summary::to_json`].
    ///
    /// # Errors
    /// [`JsonError`] when the text is not a summary.
    pub fn from_json(text: &str) -> Result<Summary, JsonError> {
        let json = Json::parse(text)?;
        let fields = Fields::of(&json, "")?;
        let problems = fields
            .objects("problems")?
            .iter()
            .map(|p| {
                Ok(Problem {
                    line: p.count("line")? as u64,
                    attribute: p.text("attribute")?.to_string(),
                    message: p.text("message")?.to_string(),
                })
            })
            .collect::<Result<_, JsonError>>()?;
        Ok(Summary {
            priced: fields.count("priced")? as u64,
            refused: fields.count("refused")? as u64,
            problems,
            delimiter: fields.text("delimiter")?.chars().next().unwrap_or(','),
            millis: fields.number("millis")?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_summary_reads_back_as_written() {
        let summary = Summary {
            priced: 9_990,
            refused: 2,
            problems: vec![
                Problem {
                    line: 3,
                    attribute: "make".to_string(),
                    message: "`make` is \"trabant\", which the model does not know".to_string(),
                },
                Problem {
                    line: 7,
                    attribute: String::new(),
                    message: "row has 3 fields,\nbut the header has 25".to_string(),
                },
            ],
            delimiter: ';',
            millis: 812.0,
        };
        assert_eq!(Summary::from_json(&summary.to_json()), Ok(summary));
    }

    #[test]
    fn a_message_that_is_not_a_summary_is_an_error() {
        assert!(Summary::from_json("{\"priced\": 1}").is_err());
        assert!(Summary::from_json("not json").is_err());
    }
}
