//! Files generated from Rust and kept in the repository for the UI: one mechanism for all of
//! them. A test renders every file in memory and compares it with the file on disk; it fails
//! naming what is stale, and `UPDATE_GOLDEN=1 cargo test -p casedesk-ipc` rewrites them
//! instead (rust-analyzer's `ensure_file_contents`; the switch is `casedesk-golden`'s, shared by
//! every golden file of the workspace).
//!
//! A folder here is owned whole: every `.ts` and `.json` file in it is generated, and one that
//! is no longer generated is reported (and removed on update).
//!
//! - `ui/src/bindings/`: the ts-rs bindings and the modules beside them (`bindings::generate`),
//!   and the reference data and verdict table made by running the store (`scenario`).
//! - `ui/fixtures/`: the case details, list page and desk made by the same run (`scenario`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A folder of generated files: file name to contents.
pub struct GoldenDir {
    pub dir: PathBuf,
    pub files: BTreeMap<String, String>,
}

/// The folder of the UI's fixtures.
pub fn ui_fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui/fixtures")
}

/// Compares every folder with what is on disk (or rewrites them under `UPDATE_GOLDEN=1`),
/// through `casedesk-golden`, the one mechanism of every golden file of the workspace.
#[track_caller]
pub fn ensure_fresh(dirs: &[GoldenDir]) {
    for d in dirs {
        casedesk_golden::check_dir(&d.dir, &[".ts", ".json"], &d.files, "generated UI files");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ui_files_are_fresh() {
        let bindings = crate::bindings::generate()
            .unwrap_or_else(|e| panic!("cannot generate the bindings:\n{e}"));
        let made = crate::scenario::generate();
        let mut in_bindings = bindings;
        in_bindings.extend(made.bindings);
        ensure_fresh(&[
            GoldenDir { dir: crate::bindings::ui_bindings_dir(), files: in_bindings },
            GoldenDir { dir: ui_fixtures_dir(), files: made.fixtures },
        ]);
    }
}
