//! The last stage: what a run shows. Printing in each format, the
//! baseline, the summary and progress, `explain` and `rules`, and the
//! interactive review. Everything shown was decided before.

pub mod baseline;
pub mod explain;
pub mod formats;
mod printer;
mod progress;
pub mod review;
mod summary;
pub mod survey;

pub use printer::Printer;
pub use progress::Progress;
pub use summary::{summary_text, Summary};
