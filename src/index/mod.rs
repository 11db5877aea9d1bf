//! Phase 1, the project index: what decisions in one file need to know
//! about the others. Which modules are first-party (`project`, and
//! `packages` for the names the project is published under), where
//! every file moves (`moves`), which files are migration history, never
//! rewritten or moved (`history`), and what the files a run does not
//! change still spell (`frozen`).

pub mod augments;
pub mod definers;
pub mod definitions;
pub mod frozen;
pub mod history;
mod modules;
pub mod moves;
pub mod packages;
pub mod project;
pub mod routes;
pub mod symbols;
pub mod templates;
pub mod tsconfig;
