//! Golden files: text a test generates (the JSON of every event kind, `schema.sql`, the
//! TypeScript bindings, the UI's reference data) compared with the file committed in the
//! repository. One switch for all of them: `UPDATE_GOLDEN=1 cargo test` rewrites the stale
//! files instead of failing, and the diff shows in review.
//!
//! Used by tests only (a dev-dependency); panics are how a test fails.

use std::collections::BTreeMap;
use std::path::Path;

/// The environment variable that turns comparing into rewriting.
pub const UPDATE_ENV: &str = "UPDATE_GOLDEN";

/// Whether this run rewrites golden files.
pub fn updating() -> bool {
    std::env::var(UPDATE_ENV).is_ok_and(|v| v == "1")
}

/// Compares `actual` with the file at `path` (rewrites it under `UPDATE_GOLDEN=1`). `what`
/// names the file in the failure message.
#[track_caller]
pub fn check_file(path: &Path, actual: &str, what: &str) {
    let current = std::fs::read_to_string(path).ok();
    if current.as_deref() == Some(actual) {
        return;
    }
    if updating() {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)
                .unwrap_or_else(|e| panic!("cannot create {}: {e}", dir.display()));
        }
        std::fs::write(path, actual)
            .unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
        return;
    }
    let why = match &current {
        None => "missing".to_owned(),
        Some(old) => first_difference(old, actual),
    };
    panic!(
        "{what} ({}) is stale: {why}\nIf the change is intended, run `{UPDATE_ENV}=1 cargo test` and commit the result.",
        path.display()
    );
}

/// Compares the files of `dir` whose names end with one of `exts` (the folder owns them all)
/// with `files` (name → text): stale, missing and left-over files all fail; `UPDATE_GOLDEN=1`
/// writes the stale and missing ones and deletes the left-overs.
#[track_caller]
pub fn check_dir(dir: &Path, exts: &[&str], files: &BTreeMap<String, String>, what: &str) {
    let problems = dir_problems(dir, exts, files);
    if problems.is_empty() {
        return;
    }
    if updating() {
        std::fs::create_dir_all(dir)
            .unwrap_or_else(|e| panic!("cannot create {}: {e}", dir.display()));
        for name in owned(dir, exts).iter().filter(|n| !files.contains_key(*n)) {
            let _ = std::fs::remove_file(dir.join(name));
        }
        for (name, text) in files {
            if std::fs::read_to_string(dir.join(name)).ok().as_deref() != Some(text.as_str()) {
                std::fs::write(dir.join(name), text)
                    .unwrap_or_else(|e| panic!("cannot write {name}: {e}"));
            }
        }
        return;
    }
    panic!(
        "{what} ({}) is stale:\n{}\nIf the change is intended, run `{UPDATE_ENV}=1 cargo test` and commit the result.",
        dir.display(),
        problems.join("\n")
    );
}

/// The files of `dir` whose names end with one of `exts`.
fn owned(dir: &Path, exts: &[&str]) -> Vec<String> {
    std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .filter_map(|e| e.file_name().into_string().ok())
                .filter(|n| exts.iter().any(|x| n.ends_with(x)))
                .collect()
        })
        .unwrap_or_default()
}

/// What differs between `dir` and `files`, one line per file.
fn dir_problems(dir: &Path, exts: &[&str], files: &BTreeMap<String, String>) -> Vec<String> {
    let existing = owned(dir, exts);
    let mut problems = Vec::new();
    for name in &existing {
        if !files.contains_key(name) {
            problems.push(format!("  {name}: no longer generated"));
        }
    }
    for (name, text) in files {
        match std::fs::read_to_string(dir.join(name)) {
            Ok(old) if &old == text => {}
            Ok(old) => problems.push(format!("  {name}: {}", first_difference(&old, text))),
            Err(_) => problems.push(format!("  {name}: missing")),
        }
    }
    problems
}

/// Where two texts first differ, as "line N: was …, now …".
fn first_difference(old: &str, new: &str) -> String {
    let clip = |s: &str| s.chars().take(120).collect::<String>();
    let (mut a, mut b) = (old.lines(), new.lines());
    for n in 1.. {
        match (a.next(), b.next()) {
            (Some(x), Some(y)) if x == y => continue,
            (Some(x), Some(y)) => return format!("line {n}: was {:?}, now {:?}", clip(x), clip(y)),
            (Some(x), None) => return format!("line {n}: {:?} removed", clip(x)),
            (None, Some(y)) => return format!("line {n}: {:?} added", clip(y)),
            (None, None) => break,
        }
    }
    "differs in line endings".to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tells_where_two_texts_differ() {
        assert_eq!(first_difference("a\nb\n", "a\nc\n"), "line 2: was \"b\", now \"c\"");
        assert_eq!(first_difference("a\n", "a\nb\n"), "line 2: \"b\" added");
        assert_eq!(first_difference("a\nb", "a"), "line 2: \"b\" removed");
    }

    #[test]
    fn a_matching_file_passes_and_a_stale_one_fails() {
        let dir = std::env::temp_dir().join(format!("casedesk-golden-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("x.txt");
        std::fs::write(&path, "same\n").unwrap();
        check_file(&path, "same\n", "x");
        if !updating() {
            let stale = std::panic::catch_unwind(|| check_file(&path, "other\n", "x"));
            assert!(stale.is_err());
        }
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn stale_missing_and_left_over_files_in_a_folder_are_named() {
        let dir = std::env::temp_dir().join(format!("casedesk-golden-dir-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let files: BTreeMap<String, String> =
            [("a.ts".to_owned(), "x\n".to_owned()), ("b.json".to_owned(), "{}\n".to_owned())]
                .into();
        std::fs::write(dir.join("a.ts"), "y\n").unwrap();
        std::fs::write(dir.join("old.json"), "[]").unwrap();
        std::fs::write(dir.join("notes.md"), "not owned").unwrap();
        let mut p = dir_problems(&dir, &[".ts", ".json"], &files);
        p.sort();
        assert_eq!(
            p,
            [
                "  a.ts: line 1: was \"y\", now \"x\"",
                "  b.json: missing",
                "  old.json: no longer generated"
            ]
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
