//! Small files of the app data folder: the settings the database does not hold (UI language, the hub address before enrollment). Every write goes to a temporary file
//! that is synced and then renamed over the old one, so a crash leaves the old file or the new
//! one, never half of either.

use std::io::Write;
use std::path::{Path, PathBuf};

use casedesk_ipc::UiLang;
use serde::{Deserialize, Serialize};

/// Writes `bytes` to `path` atomically (temp file in the same folder, fsync, rename, fsync of
/// the folder).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    // Owner-only: drafts hold what a clerk is typing about a person.
    casedesk_store::crypt::create_private_dir(dir)?;
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    let tmp = dir.join(format!(".{name}.{}.tmp", uuid::Uuid::new_v4().simple()));
    let result = (|| {
        casedesk_store::crypt::create_private_file(&tmp)?;
        let mut f = std::fs::OpenOptions::new().write(true).truncate(true).open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        drop(f);
        std::fs::rename(&tmp, path)?;
        #[cfg(unix)]
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// Drafts as files, as versions before 0012 kept them (`drafts/<hex of the key>.json`, in
/// clear): each key and body, with its file. The store keeps drafts now (encrypted with the
/// station file); `AppState` moves these into it and removes the files.
pub fn legacy_drafts(data_dir: &Path) -> Vec<(String, String, PathBuf)> {
    let Ok(dir) = std::fs::read_dir(data_dir.join("drafts")) else { return Vec::new() };
    let mut found = Vec::new();
    for entry in dir.flatten() {
        let path = entry.path();
        let Some(hex) =
            path.file_name().and_then(|n| n.to_str()).and_then(|n| n.strip_suffix(".json"))
        else {
            continue;
        };
        let key = hex::decode(hex).ok().and_then(|b| String::from_utf8(b).ok());
        let (Some(key), Ok(body)) = (key, std::fs::read_to_string(&path)) else {
            continue;
        };
        found.push((key, body, path));
    }
    found.sort();
    found
}

/// The settings kept in `settings.json` of the data folder (the own deadline rules are in the
/// database, where the projections use them).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct FileSettings {
    pub lang: UiLang,
    /// The hub address to enroll with (once enrolled, the database's sync state has it).
    pub hub_url: Option<String>,
    /// A folder backups also go to (a USB stick, a shared folder), beside the data folder's.
    pub backup_folder: Option<String>,
}

impl FileSettings {
    pub fn path(data_dir: &Path) -> PathBuf {
        data_dir.join("settings.json")
    }

    /// The saved settings; defaults when the file is missing or unreadable.
    pub fn load(data_dir: &Path) -> FileSettings {
        std::fs::read(Self::path(data_dir))
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default()
    }

    pub fn save(&self, data_dir: &Path) -> std::io::Result<()> {
        let json = serde_json::to_vec_pretty(self).map_err(std::io::Error::other)?;
        write_atomic(&Self::path(data_dir), &json)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn legacy_draft_files_are_found_with_their_keys() {
        let dir = tempfile::tempdir().unwrap();
        assert!(legacy_drafts(dir.path()).is_empty(), "no folder: none");
        let drafts = dir.path().join("drafts");
        std::fs::create_dir(&drafts).unwrap();
        let key = "intake/../../etc/passwd 登记";
        let hex: String = key.bytes().map(|b| format!("{b:02x}")).collect();
        std::fs::write(drafts.join(format!("{hex}.json")), r#"{"a":2}"#).unwrap();
        std::fs::write(drafts.join("zz.json"), "{}").unwrap();
        std::fs::write(drafts.join(".tmp"), "{}").unwrap();
        let found = legacy_drafts(dir.path());
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!((found[0].0.as_str(), found[0].1.as_str()), (key, r#"{"a":2}"#));
    }

    #[test]
    fn settings_default_when_missing_or_broken() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(FileSettings::load(dir.path()), FileSettings::default());
        std::fs::write(FileSettings::path(dir.path()), b"{not json").unwrap();
        assert_eq!(FileSettings::load(dir.path()), FileSettings::default());
        let s = FileSettings {
            lang: UiLang::EnUs,
            hub_url: Some("https://hub:8443".into()),
            backup_folder: Some("/media/usb".into()),
        };
        s.save(dir.path()).unwrap();
        assert_eq!(FileSettings::load(dir.path()), s);
    }
}
