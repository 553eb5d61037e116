//! The embedded store keeps its data across restarts and imports dumps.

use std::io::Cursor;

use land::store::embedded::EmbeddedLand;
use land::store::{LandDataset, Record};

fn temp_file(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("genesis-api-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir.join("land.jsonl")
}

#[test]
fn data_survives_a_restart_unchanged() {
    let file = temp_file("restart");
    let first =
        EmbeddedLand::open(&file, || land_seed::genesis_city(land_seed::DEFAULT_SEED)).unwrap();
    let version = first.data_version();
    let data = first.dataset();
    drop(first);
    let again =
        EmbeddedLand::open(&file, || panic!("must not regenerate: the file exists")).unwrap();
    assert_eq!(again.data_version(), version);
    assert_eq!(again.dataset(), data);
    std::fs::remove_dir_all(file.parent().unwrap()).unwrap();
}

#[test]
fn imports_upsert_by_key_persist_and_change_the_version() {
    let file = temp_file("import");
    let store =
        EmbeddedLand::open(&file, || land_seed::genesis_city(land_seed::DEFAULT_SEED)).unwrap();
    let before = store.data_version();
    let mut parcel = store.dataset().parcels[0].clone();
    parcel.owner = Some("0x00000000000000000000000000000000000000aa".into());
    let count_before = store.dataset().record_count();

    let dump = format!(
        "{}\n\n",
        serde_json::to_string(&Record::Parcel(parcel.clone())).unwrap()
    );
    let records = LandDataset::read_jsonl(Cursor::new(dump)).unwrap();
    assert_eq!(store.import(records).unwrap(), 1);
    assert_ne!(store.data_version(), before);
    assert_eq!(
        store.dataset().record_count(),
        count_before,
        "same key: replaced, not added"
    );

    let reopened = EmbeddedLand::open(&file, LandDataset::default).unwrap();
    assert_eq!(reopened.dataset().parcels[0].owner, parcel.owner);
    std::fs::remove_dir_all(file.parent().unwrap()).unwrap();
}

#[test]
fn a_bad_dump_line_is_named() {
    let err = LandDataset::read_jsonl(Cursor::new("{\"kind\":\"district\"}\n")).unwrap_err();
    assert!(err.to_string().contains("line 1"), "{err}");
    let err = LandDataset::read_jsonl(Cursor::new("\n{\"kind\":\"spaceship\"}\n")).unwrap_err();
    assert!(err.to_string().contains("line 2"), "{err}");
}

#[test]
fn an_export_reimports_to_the_same_data() {
    let data = land_seed::genesis_city(3);
    let mut buffer = Vec::new();
    data.write_jsonl(&mut buffer).unwrap();
    let mut back = LandDataset::default();
    back.upsert(LandDataset::read_jsonl(Cursor::new(buffer)).unwrap());
    assert_eq!(back.record_count(), data.record_count());
    assert_eq!(
        EmbeddedLand::in_memory(back).data_version(),
        EmbeddedLand::in_memory(data).data_version()
    );
}
