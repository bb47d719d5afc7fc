//! The stock-list worker (a Web Worker of its own wasm, `src/bin/stock_list.rs`): reads the
//! chosen file in slices, prices it with [`super::job`], and posts progress and the priced file
//! back to the page, so the page stays responsive and downloads none of this until a list is
//! priced.
//!
//! Messages (arrays), page → worker: `[model_json, file]`. Worker → page: `["ready"]` once it
//! listens; `["progress", bytes_read, bytes_total, rows]`; `["done", summary_json, priced_blob,
//! problems_blob]`; `["failed", message]`.

use std::io::{BufReader, Read, Write};

use js_sys::{Array, Uint8Array};
use model_core::Model;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Blob, BlobPropertyBag, DedicatedWorkerGlobalScope, File, FileReaderSync};

use super::job::{describe, other_delimiter, price_table, problems_csv};

/// Bytes read from the file at a time.
const SLICE: usize = 1 << 20;

/// Installs the message handler and tells the page the worker is ready.
pub fn start() {
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let handler = Closure::<dyn Fn(web_sys::MessageEvent)>::new(|event: web_sys::MessageEvent| {
        let job = Array::from(&event.data());
        let reply = match (job.get(0).as_string(), job.get(1).dyn_into::<File>()) {
            (Some(model), Ok(file)) => run(&model, &file),
            _ => Err("the page sent the worker something other than a model and a file".into()),
        };
        if let Err(message) = reply {
            post(&Array::of2(&"failed".into(), &message.into()));
        }
    });
    scope.set_onmessage(Some(handler.as_ref().unchecked_ref()));
    // The handler lives as long as the worker.
    handler.forget();
    post(&Array::of1(&"ready".into()));
}

fn post(message: &JsValue) {
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let _ = scope.post_message(message);
}

fn now() -> f64 {
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    scope.performance().map_or(0.0, |p| p.now())
}

/// Prices `file` with the model and posts the outcome; an error is the message to show.
fn run(model: &str, file: &File) -> Result<(), String> {
    let started = now();
    let model = Model::from_json(model).map_err(|e| e.to_string())?;
    let total = file.size();
    let progress = |bytes: u64, rows: u64| {
        let message = Array::of4(
            &"progress".into(),
            &(bytes as f64).into(),
            &total.into(),
            &(rows as f64).into(),
        );
        post(&message);
    };
    let input =
        |file: &File| Ok::<_, String>(BufReader::with_capacity(SLICE, FileSlices::new(file)?));
    let priced = match price_table(&model, input(file)?, BlobParts::new(), b',', progress) {
        Err(error) => match other_delimiter(&error) {
            Some(delimiter) => {
                price_table(&model, input(file)?, BlobParts::new(), delimiter, progress)
            }
            None => Err(error),
        },
        ok => ok,
    }
    .map_err(|e| describe(&e))?;
    let mut summary = priced.summary;
    let output = priced.output.into_blob().map_err(|e| describe(&e))?;
    let problems = {
        let mut parts = BlobParts::new();
        parts
            .write_all(&problems_csv(&priced.problems))
            .map_err(|e| describe(&e))?;
        parts.into_blob().map_err(|e| describe(&e))?
    };
    summary.millis = now() - started;
    post(&Array::of4(
        &"done".into(),
        &summary.to_json().into(),
        &output,
        &problems,
    ));
    Ok(())
}

/// The chosen file as a `Read`: slices read synchronously (`FileReaderSync`, allowed in workers),
/// so a file of any size streams through in bounded memory.
struct FileSlices {
    file: File,
    reader: FileReaderSync,
    offset: f64,
}

impl FileSlices {
    fn new(file: &File) -> Result<Self, String> {
        Ok(FileSlices {
            file: file.clone(),
            reader: FileReaderSync::new()
                .map_err(|_| "this browser cannot read files in a worker")?,
            offset: 0.0,
        })
    }
}

impl Read for FileSlices {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let end = (self.offset + buf.len() as f64).min(self.file.size());
        if end <= self.offset {
            return Ok(0);
        }
        let bytes = self
            .file
            .slice_with_f64_and_f64(self.offset, end)
            .and_then(|slice| self.reader.read_as_array_buffer(&slice))
            .map(|buffer| Uint8Array::new(&buffer))
            .map_err(|_| {
                std::io::Error::other("the file could not be read (was it moved or changed?)")
            })?;
        let n = (bytes.length() as usize).min(buf.len());
        bytes.subarray(0, n as u32).copy_to(&mut buf[..n]);
        self.offset += n as f64;
        Ok(n)
    }
}

/// An output collected as Blob parts of about [`SLICE`] bytes, so a large priced file lives in
/// the browser's blob storage rather than in wasm memory.
struct BlobParts {
    parts: Array,
    pending: Vec<u8>,
}

impl BlobParts {
    fn new() -> Self {
        BlobParts {
            parts: Array::new(),
            pending: Vec::with_capacity(SLICE),
        }
    }

    /// The whole output as one `text/csv` Blob.
    fn into_blob(mut self) -> std::io::Result<Blob> {
        self.flush()?;
        let options = BlobPropertyBag::new();
        options.set_type("text/csv");
        Blob::new_with_u8_array_sequence_and_options(&self.parts, &options)
            .map_err(|_| std::io::Error::other("the browser refused to make the file"))
    }
}

impl Write for BlobParts {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.pending.extend_from_slice(buf);
        if self.pending.len() >= SLICE {
            self.flush()?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if !self.pending.is_empty() {
            self.parts.push(&Uint8Array::from(&self.pending[..]));
            self.pending.clear();
        }
        Ok(())
    }
}
