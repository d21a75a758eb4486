//! Small files of the app data folder: form drafts and the settings the database does not
//! hold (UI language, the hub address before enrollment). Every write goes to a temporary file
//! that is synced and then renamed over the old one, so a crash leaves the old file or the new
//! one, never half of either.

use std::io::Write;
use std::path::{Path, PathBuf};

use casedesk_ipc::UiLang;
use serde::{Deserialize, Serialize};

/// The largest draft kept (a long intake form is a few kB).
pub const MAX_DRAFT_BYTES: usize = 2 * 1024 * 1024;
/// The longest draft key.
pub const MAX_KEY_CHARS: usize = 200;

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

/// Where the drafts live: one file per key, the key hex-encoded (any key is a safe name).
pub struct Drafts {
    dir: PathBuf,
}

impl Drafts {
    pub fn new(data_dir: &Path) -> Drafts {
        Drafts { dir: data_dir.join("drafts") }
    }

    fn path(&self, key: &str) -> PathBuf {
        let hex: String = key.bytes().map(|b| format!("{b:02x}")).collect();
        self.dir.join(format!("{hex}.json"))
    }

    pub fn save(&self, key: &str, json: &str) -> std::io::Result<()> {
        write_atomic(&self.path(key), json.as_bytes())
    }

    pub fn load(&self, key: &str) -> std::io::Result<Option<String>> {
        match std::fs::read_to_string(self.path(key)) {
            Ok(s) => Ok(Some(s)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    pub fn clear(&self, key: &str) -> std::io::Result<()> {
        match std::fs::remove_file(self.path(key)) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }
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
    fn drafts_round_trip_with_any_key() {
        let dir = tempfile::tempdir().unwrap();
        let d = Drafts::new(dir.path());
        let key = "intake/../../etc/passwd 登记";
        assert_eq!(d.load(key).unwrap(), None);
        d.save(key, r#"{"a":1}"#).unwrap();
        d.save(key, r#"{"a":2}"#).unwrap();
        assert_eq!(d.load(key).unwrap().as_deref(), Some(r#"{"a":2}"#));
        // Nothing but the draft itself in the folder (no temp files), inside drafts/.
        let names: Vec<_> = std::fs::read_dir(dir.path().join("drafts")).unwrap().collect();
        assert_eq!(names.len(), 1);
        d.clear(key).unwrap();
        d.clear(key).unwrap();
        assert_eq!(d.load(key).unwrap(), None);
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
