//! The PNG cache adapters serve hits, and a data change makes a new picture
//! under a new ETag. Each test runs its own in-memory city.

use std::sync::Arc;

use crate::common::png::{fetch, find, hex_at};
use crate::common::{NOW, aws, dataset};
use bytes::Bytes;
use land::app::LandBackend;
use land::map::cache::{FolderCache, PngCache, S3Cache, create_bucket};
use land::store::Record;
use land::store::embedded::EmbeddedLand;
use platform::clock::FixedClock;

const URI: &str = "/v1/map.png?width=100&height=100&size=10&center=-40,60";

fn own_city() -> Arc<EmbeddedLand> {
    Arc::new(EmbeddedLand::in_memory(dataset().clone()))
}

fn router(store: Arc<EmbeddedLand>, cache: Arc<dyn PngCache>) -> axum::Router {
    let backend = LandBackend::new(store).with_png_cache(cache);
    genesis_api::land_router(&backend, Arc::new(FixedClock(NOW)))
}

/// The picture is stored under its key; a second router (a cold process)
/// answers from the cache: overwritten bytes come back as they are.
async fn serves_hits(cache: Arc<dyn PngCache>, overwrite: impl AsyncFnOnce(Bytes)) {
    let store = own_city();
    let first = fetch(&router(store.clone(), cache.clone()), URI, None).await;
    first.pixmap();
    let marker = Bytes::from_static(b"\x89PNG from the cache");
    overwrite(marker.clone()).await;
    let second = fetch(&router(store, cache), URI, None).await;
    assert_eq!(second.bytes, marker, "answered from the cache");
    assert_eq!(second.etag(), first.etag());
}

#[tokio::test]
async fn the_folder_cache_serves_hits() {
    let dir = std::env::temp_dir().join(format!("map-cache-test-{}", std::process::id()));
    let cache = Arc::new(FolderCache::new(&dir));
    serves_hits(cache, async |marker| {
        let files: Vec<_> = walk(&dir);
        assert_eq!(files.len(), 1, "one picture written: {files:?}");
        assert!(files[0].to_string_lossy().ends_with(".png"));
        std::fs::write(&files[0], &marker).unwrap();
    })
    .await;
    std::fs::remove_dir_all(&dir).unwrap();
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            found.extend(walk(&path));
        } else {
            found.push(path);
        }
    }
    found
}

#[tokio::test]
async fn the_s3_cache_serves_hits() {
    let client = S3Cache::client(&aws::sdk_config().await);
    let bucket = format!("map-cache-test-{}", std::process::id());
    create_bucket(&client, &bucket).await.unwrap();
    create_bucket(&client, &bucket)
        .await
        .expect("setup can run twice");
    let cache = Arc::new(S3Cache::new(client.clone(), &bucket));
    serves_hits(cache, async |marker| {
        let listed = client
            .list_objects_v2()
            .bucket(&bucket)
            .send()
            .await
            .unwrap();
        let keys: Vec<String> = listed
            .contents()
            .iter()
            .filter_map(|o| o.key().map(String::from))
            .collect();
        assert_eq!(keys.len(), 1, "one picture written: {keys:?}");
        assert!(keys[0].starts_with("map/") && keys[0].ends_with(".png"));
        let stored = client
            .get_object()
            .bucket(&bucket)
            .key(&keys[0])
            .send()
            .await
            .unwrap();
        assert_eq!(stored.content_type(), Some("image/png"));
        client
            .put_object()
            .bucket(&bucket)
            .key(&keys[0])
            .body(marker.into())
            .send()
            .await
            .unwrap();
    })
    .await;
}

#[tokio::test]
async fn a_data_change_makes_a_new_picture_and_etag() {
    let store = own_city();
    let app = router(
        store.clone(),
        Arc::new(land::map::cache::MemoryCache::new(1 << 20)),
    );
    let at = find(|p| p.owner.is_none() && p.district_id.is_none() && p.x > -100);
    let uri = format!("/v1/map.png?width=100&height=100&size=10&center={at}");
    let before = fetch(&app, &uri, None).await;
    assert_eq!(hex_at(&before.pixmap(), 50, 50), "#09080a");
    let mut parcel = crate::common::png::parcel_at(at).clone();
    parcel.owner = Some("0x00000000000000000000000000000000000000aa".into());
    parcel.publication = None;
    store.import([Record::Parcel(parcel)]).unwrap();
    let after = fetch(&app, &uri, Some(&before.etag())).await;
    assert_eq!(after.status, 200, "the old ETag no longer matches");
    assert_ne!(after.etag(), before.etag());
    assert_eq!(hex_at(&after.pixmap(), 50, 50), "#3d3a46", "now owned");
}
