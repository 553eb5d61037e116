//! The embedded store: the whole LAND data set in process memory, persisted
//! to one JSON-lines file (written to a temporary file, synced, then renamed,
//! so a crash never leaves half a file). The default of `cargo run`.

mod index;
mod ports;

use std::fs::{self, File};
use std::io::{BufReader, BufWriter};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};

use index::LandIndex;

use platform::store::{StoreError, StoreResult};

use super::{LandDataset, Record};

pub struct EmbeddedLand {
    file: Option<PathBuf>,
    state: RwLock<Arc<Snapshot>>,
    /// One writer at a time: an import is read-modify-write, and the file and
    /// the snapshot must change together.
    writing: Mutex<()>,
}

struct Snapshot {
    data: LandDataset,
    index: LandIndex,
    version: String,
}

impl Snapshot {
    /// `data` must be canonical (see `LandDataset::canonical`).
    fn new(data: LandDataset) -> Self {
        use platform::clock::Clock as _;
        let index = LandIndex::build(&data, platform::clock::SystemClock.now_ms());
        let version = data.fingerprint();
        Self {
            data,
            index,
            version,
        }
    }
}

impl EmbeddedLand {
    /// A store that lives in memory only (tests, the OpenAPI command).
    pub fn in_memory(data: LandDataset) -> Self {
        Self {
            file: None,
            state: RwLock::new(Arc::new(Snapshot::new(data.canonical()))),
            writing: Mutex::new(()),
        }
    }

    /// Opens the store persisted at `file`; when the file does not exist yet,
    /// fills it with `initial()` first.
    pub fn open(
        file: impl AsRef<Path>,
        initial: impl FnOnce() -> LandDataset,
    ) -> StoreResult<Self> {
        let file = file.as_ref().to_path_buf();
        let data = if file.exists() {
            read(&file)?
        } else {
            let data = initial().canonical();
            write_atomically(&file, &data)?;
            data
        };
        Ok(Self::persisted(file, data))
    }

    /// Opens a dump that must already exist (a Lambda function's
    /// `LAND_DATA_FILE`): a missing file is a misconfiguration, and nothing
    /// is ever generated in its place.
    pub fn open_existing(file: impl AsRef<Path>) -> StoreResult<Self> {
        let file = file.as_ref().to_path_buf();
        if !file.is_file() {
            return Err(StoreError::NotConfigured(format!(
                "LAND_DATA_FILE {} does not exist (write one with `cargo run -- export`)",
                file.display()
            )));
        }
        let data = read(&file)?;
        Ok(Self::persisted(file, data))
    }

    fn persisted(file: PathBuf, data: LandDataset) -> Self {
        Self {
            file: Some(file),
            state: RwLock::new(Arc::new(Snapshot::new(data))),
            writing: Mutex::new(()),
        }
    }

    fn snapshot(&self) -> Arc<Snapshot> {
        // A poisoned lock still holds a consistent snapshot: it is only ever replaced whole.
        self.state.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// The version of the data: changes whenever the content changes.
    pub fn data_version(&self) -> String {
        self.snapshot().version.clone()
    }

    pub fn dataset(&self) -> LandDataset {
        self.snapshot().data.clone()
    }

    /// Replaces everything with `data` and persists it.
    pub fn replace(&self, data: LandDataset) -> StoreResult<()> {
        let _one_writer = self.writing.lock().unwrap_or_else(|e| e.into_inner());
        self.replace_locked(data)
    }

    fn replace_locked(&self, data: LandDataset) -> StoreResult<()> {
        let data = data.canonical();
        if let Some(file) = &self.file {
            write_atomically(file, &data)?;
        }
        *self.state.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(Snapshot::new(data));
        Ok(())
    }

    /// Upserts records (see `LandDataset::upsert`) and persists the result.
    /// Returns how many records were applied.
    pub fn import(&self, records: impl IntoIterator<Item = Record>) -> StoreResult<usize> {
        let _one_writer = self.writing.lock().unwrap_or_else(|e| e.into_inner());
        let mut data = self.dataset();
        let count = data.upsert(records);
        self.replace_locked(data)?;
        Ok(count)
    }
}

fn read(file: &Path) -> StoreResult<LandDataset> {
    let reader = BufReader::new(File::open(file)?);
    let mut data = LandDataset::default();
    data.upsert(LandDataset::read_jsonl(reader).map_err(|e| match e {
        StoreError::Corrupt(m) => StoreError::Corrupt(format!("{}: {m}", file.display())),
        other => other,
    })?);
    Ok(data)
}

fn write_atomically(file: &Path, data: &LandDataset) -> StoreResult<()> {
    if let Some(dir) = file.parent().filter(|d| !d.as_os_str().is_empty()) {
        fs::create_dir_all(dir)?;
    }
    // Per process: another process (an `import` beside the server) writes its own.
    let tmp = file.with_extension(format!("jsonl.{}.tmp", std::process::id()));
    {
        let out = File::create(&tmp)?;
        let mut writer = BufWriter::new(&out);
        data.write_jsonl(&mut writer)?;
        drop(writer);
        out.sync_all()?;
    }
    fs::rename(&tmp, file)?;
    Ok(())
}
