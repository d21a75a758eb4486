//! Files generated from Rust and kept in the repository for the UI: one mechanism for all of
//! them. A test renders every file in memory and compares it with the file on disk; it fails
//! naming what is stale, and `UPDATE_BINDINGS=1 cargo test -p casedesk-ipc` rewrites them
//! instead (rust-analyzer's `ensure_file_contents`).
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

/// The differences between `files` and the generated files in `dir`: (file, what) pairs.
pub fn diff(dir: &Path, files: &BTreeMap<String, String>) -> Vec<(String, &'static str)> {
    let mut out = Vec::new();
    for (name, text) in files {
        match std::fs::read_to_string(dir.join(name)) {
            Ok(old) if old == *text => {}
            Ok(_) => out.push((name.clone(), "differs")),
            Err(_) => out.push((name.clone(), "missing")),
        }
    }
    for name in owned_files(dir) {
        if !files.contains_key(&name) {
            out.push((name, "not generated any more"));
        }
    }
    out
}

/// Writes `files` into `dir` and removes the files that are no longer generated.
pub fn write(dir: &Path, files: &BTreeMap<String, String>) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    for name in owned_files(dir) {
        if !files.contains_key(&name) {
            std::fs::remove_file(dir.join(&name))?;
        }
    }
    for (name, text) in files {
        let path = dir.join(name);
        if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
            std::fs::write(&path, text)?;
        }
    }
    Ok(())
}

fn owned_files(dir: &Path) -> Vec<String> {
    let Ok(rd) = std::fs::read_dir(dir) else { return Vec::new() };
    rd.filter_map(|e| e.ok())
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|n| n.ends_with(".ts") || n.ends_with(".json"))
        .collect()
}

/// Compares every folder with what is on disk (or rewrites them under `UPDATE_BINDINGS=1`);
/// panics listing every stale file, with a scratch copy of the new ones to compare.
pub fn ensure_fresh(dirs: &[GoldenDir]) {
    if std::env::var("UPDATE_BINDINGS").is_ok_and(|v| v == "1") {
        for d in dirs {
            write(&d.dir, &d.files).unwrap_or_else(|e| panic!("writing {}: {e}", d.dir.display()));
        }
        return;
    }
    let mut stale = Vec::new();
    let tmp = tempfile::tempdir().expect("temp dir");
    for (i, d) in dirs.iter().enumerate() {
        let scratch = tmp.path().join(i.to_string());
        write(&scratch, &d.files).expect("writing the temp dir");
        for (f, what) in diff(&d.dir, &d.files) {
            stale.push(format!(
                "  {}: {what} (new: {})",
                d.dir.join(&f).display(),
                scratch.join(&f).display()
            ));
        }
    }
    if !stale.is_empty() {
        let _ = tmp.keep();
        panic!(
            "generated UI files are stale:\n{}\nRun `UPDATE_BINDINGS=1 cargo test -p casedesk-ipc` and commit the result.",
            stale.join("\n")
        );
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

    #[test]
    fn stale_missing_and_extra_files_are_found() {
        let tmp = tempfile::tempdir().unwrap();
        let files: BTreeMap<String, String> =
            [("a.ts".to_owned(), "x".to_owned()), ("b.json".to_owned(), "{}".to_owned())].into();
        write(tmp.path(), &files).unwrap();
        assert!(diff(tmp.path(), &files).is_empty());
        std::fs::write(tmp.path().join("a.ts"), "y").unwrap();
        std::fs::write(tmp.path().join("old.json"), "[]").unwrap();
        std::fs::remove_file(tmp.path().join("b.json")).unwrap();
        let mut d = diff(tmp.path(), &files);
        d.sort();
        assert_eq!(
            d,
            [
                ("a.ts".to_owned(), "differs"),
                ("b.json".to_owned(), "missing"),
                ("old.json".to_owned(), "not generated any more")
            ]
        );
        write(tmp.path(), &files).unwrap();
        assert!(diff(tmp.path(), &files).is_empty());
        assert!(!tmp.path().join("old.json").exists());
    }
}
