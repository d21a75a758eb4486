//! The typefaces of the documents, read from the system font folders that `scripts/deps.sh`
//! fills from Debian packages. Nothing is embedded in the binary: one CJK face is 20–30 MB,
//! and the Debian packages keep them current. Each face is named with the package that
//! ships it, so a missing one is reported as "install fonts-noto-core", not as tofu.
//!
//! Faces: Noto Serif CJK SC (宋体-like body and bold titles, the nearest free face to
//! 方正小标宋 and 宋体), Noto Sans CJK SC (黑体-like labels and subheadings), Noto Serif Tibetan
//! and Noto Sans Mongolian (names in Tibetan and traditional Mongolian script, set
//! horizontally). Latin comes with the CJK faces; DejaVu Sans adds the symbols the CJK faces
//! lack (the ☑ of a ticked box).

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use typst::foundations::Bytes;
use typst::text::{Font, FontBook};

use crate::DocsError;

/// A font file the documents need: (file name, family it holds, Debian package).
pub const FONT_FILES: &[(&str, &str, &str)] = &[
    ("NotoSerifCJK-Regular.ttc", "Noto Serif CJK SC", "fonts-noto-cjk"),
    ("NotoSerifCJK-Bold.ttc", "Noto Serif CJK SC Bold", "fonts-noto-cjk"),
    ("NotoSansCJK-Bold.ttc", "Noto Sans CJK SC Bold", "fonts-noto-cjk"),
    ("NotoSerifTibetan-Regular.ttf", "Noto Serif Tibetan", "fonts-noto-core"),
    ("NotoSansMongolian-Regular.ttf", "Noto Sans Mongolian", "fonts-noto-core"),
    ("DejaVuSans.ttf", "DejaVu Sans", "fonts-dejavu-core"),
];

/// Folders searched, in order: `CASEDESK_FONT_DIR` (a folder shipped beside the program, e.g.
/// by the Windows installer), the user's fonts and the system's.
fn font_dirs() -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    if let Some(d) = std::env::var_os("CASEDESK_FONT_DIR") {
        dirs.push(PathBuf::from(d));
    }
    if let Some(home) = std::env::var_os("HOME") {
        dirs.push(Path::new(&home).join(".local/share/fonts"));
    }
    dirs.push(PathBuf::from("/usr/local/share/fonts"));
    dirs.push(PathBuf::from("/usr/share/fonts"));
    dirs
}

fn find(name: &str, dir: &Path, depth: u32) -> Option<PathBuf> {
    let direct = dir.join(name);
    if direct.is_file() {
        return Some(direct);
    }
    if depth == 0 {
        return None;
    }
    let mut subdirs: Vec<PathBuf> =
        std::fs::read_dir(dir).ok()?.flatten().map(|e| e.path()).filter(|p| p.is_dir()).collect();
    subdirs.sort();
    subdirs.iter().find_map(|d| find(name, d, depth - 1))
}

/// Where each needed font file is, or the error naming the first one missing and its package.
pub fn locate() -> Result<Vec<PathBuf>, DocsError> {
    locate_in(&font_dirs())
}

fn locate_in(dirs: &[PathBuf]) -> Result<Vec<PathBuf>, DocsError> {
    FONT_FILES
        .iter()
        .map(|(file, family, package)| {
            dirs.iter().find_map(|d| find(file, d, 3)).ok_or_else(|| DocsError::FontMissing {
                family: (*family).to_owned(),
                package: (*package).to_owned(),
            })
        })
        .collect()
}

/// The faces, read once per process: the first document after start pays for reading and
/// indexing them, the next ones do not.
pub struct Fonts {
    pub book: FontBook,
    pub fonts: Vec<Font>,
}

/// Why the fonts could not be read (kept for the process, so it is Clone).
#[derive(Clone, Debug)]
enum FontError {
    Missing { family: String, package: String },
    Io(String),
}

impl From<FontError> for DocsError {
    fn from(e: FontError) -> DocsError {
        match e {
            FontError::Missing { family, package } => DocsError::FontMissing { family, package },
            FontError::Io(s) => DocsError::Io(s),
        }
    }
}

static FONTS: OnceLock<Result<Fonts, FontError>> = OnceLock::new();

/// The process's fonts (loaded on first use).
pub fn fonts() -> Result<&'static Fonts, DocsError> {
    FONTS.get_or_init(load).as_ref().map_err(|e| e.clone().into())
}

fn load() -> Result<Fonts, FontError> {
    let mut fonts = Vec::new();
    let paths = locate().map_err(|e| match e {
        DocsError::FontMissing { family, package } => FontError::Missing { family, package },
        e => FontError::Io(e.to_string()),
    })?;
    for path in paths {
        let data =
            std::fs::read(&path).map_err(|e| FontError::Io(format!("{}: {e}", path.display())))?;
        let bytes = Bytes::new(data);
        // Of a CJK collection only the Simplified Chinese face is used: faces are parsed one
        // by one until it is found.
        for index in 0.. {
            let Some(font) = Font::new(bytes.clone(), index) else { break };
            let family = &font.info().family;
            if !family.contains("CJK") {
                fonts.push(font);
                break;
            }
            if family.ends_with(" SC") {
                fonts.push(font);
                break;
            }
        }
    }
    let book = FontBook::from_infos(fonts.iter().map(|f: &Font| f.info().clone()));
    Ok(Fonts { book, fonts })
}

/// The families of the faces loaded (for the figures and for tests).
pub fn families() -> Result<Vec<String>, DocsError> {
    Ok(fonts()?.fonts.iter().map(|f| f.info().family.clone()).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_face_names_its_debian_package() {
        let empty = tempfile::tempdir().unwrap();
        let err = locate_in(&[empty.path().to_owned()]).unwrap_err();
        assert_eq!(err.code(), "doc.font_missing");
        let msg = err.message(casedesk_domain::Lang::Zh);
        assert!(msg.contains("fonts-noto-cjk") && msg.contains("Noto Serif CJK SC"), "{msg}");
        let msg = err.message(casedesk_domain::Lang::En);
        assert!(
            msg.contains("install its Debian package: Noto Serif CJK SC — fonts-noto-cjk"),
            "{msg}"
        );
    }
}
