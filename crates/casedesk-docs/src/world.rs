//! The typst `World` of one document: the template source, the case as `/data.json`, the
//! process's fonts and a fixed date. Nothing is read from the network or the clock, so the
//! same data and template give the same bytes.

use std::sync::LazyLock;

use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};

use crate::fonts::Fonts;

static LIBRARY: LazyLock<LazyHash<Library>> = LazyLock::new(|| LazyHash::new(Library::default()));

fn file_id(path: &str) -> FileId {
    // The paths are constants of this crate, always valid.
    let vpath = VirtualPath::new(path).unwrap_or_else(|_| unreachable_path());
    RootedPath::new(VirtualRoot::Project, vpath).intern()
}

fn unreachable_path() -> VirtualPath {
    // `VirtualPath::new("/x.typ")` cannot fail; this keeps the code free of unwrap.
    match VirtualPath::new("/x.typ") {
        Ok(p) => p,
        Err(_) => std::process::abort(),
    }
}

pub struct DocWorld {
    main: FileId,
    data: FileId,
    source: Source,
    json: Bytes,
    fonts: &'static Fonts,
    book: LazyHash<FontBook>,
    today: Option<Datetime>,
}

impl DocWorld {
    pub fn new(
        template: &'static str,
        json: Vec<u8>,
        fonts: &'static Fonts,
        today: Option<Datetime>,
    ) -> DocWorld {
        let main = file_id("/main.typ");
        DocWorld {
            main,
            data: file_id("/data.json"),
            source: Source::new(main, template.to_owned()),
            json: Bytes::new(json),
            book: LazyHash::new(fonts.book.clone()),
            fonts,
            today,
        }
    }
}

impl World for DocWorld {
    fn library(&self) -> &LazyHash<Library> {
        &LIBRARY
    }
    fn book(&self) -> &LazyHash<FontBook> {
        &self.book
    }
    fn main(&self) -> FileId {
        self.main
    }
    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main { Ok(self.source.clone()) } else { Err(FileError::NotSource) }
    }
    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.data {
            Ok(self.json.clone())
        } else if id == self.main {
            Ok(Bytes::from_string(self.source.clone()))
        } else {
            Err(FileError::AccessDenied)
        }
    }
    fn font(&self, index: usize) -> Option<Font> {
        self.fonts.fonts.get(index).cloned()
    }
    fn today(&self, _offset: Option<typst::foundations::Duration>) -> Option<Datetime> {
        self.today
    }
}
