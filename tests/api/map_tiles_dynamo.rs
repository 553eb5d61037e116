//! The map's tile facts on DynamoDB: written by every import for its data
//! version (merged with what the table held), read back in one Query, and the
//! previous version's removed.

use crate::common::aws;
use land::domain::coords::Coord;
use land::domain::map::{TileIndex, TileKind};
use land::domain::parcel::Parcel;
use land::map::MapStore;
use land::store::Record;
use land::store::dynamo::{DynamoLand, create_table};

fn owned(x: i32, y: i32, estate: Option<&str>) -> Record {
    Record::Parcel(Parcel {
        owner: Some("0x00000000000000000000000000000000000000bb".into()),
        estate_id: estate.map(Into::into),
        ..Parcel::unowned(Coord { x, y })
    })
}

async fn tiles_items(land: &DynamoLand, version: &str) -> usize {
    land.client()
        .query()
        .table_name(land.table())
        .key_condition_expression("pk = :pk")
        .expression_attribute_values(
            ":pk",
            aws_sdk_dynamodb::types::AttributeValue::S(format!("TILES#{version}")),
        )
        .send()
        .await
        .unwrap()
        .count() as usize
}

#[tokio::test]
async fn imports_keep_the_tile_facts_of_their_version() {
    let client = aws_sdk_dynamodb::Client::new(&aws::sdk_config().await);
    let table = format!("map-tiles-{}", std::process::id());
    create_table(&client, &table).await.unwrap();
    let land = DynamoLand::new(client, &table);

    let first = land
        .import(
            vec![
                owned(1, 1, Some("5")),
                owned(2, 1, Some("5")),
                owned(9, 9, None),
            ],
            &|_, _| {},
        )
        .await
        .unwrap();
    let index = TileIndex::build(&land.city_tiles().await.unwrap(), &first.version, 0);
    assert_eq!(index.kind(Coord { x: 9, y: 9 }), TileKind::Owned);
    assert_eq!(index.kind(Coord { x: 0, y: 0 }), TileKind::Unowned);
    assert_eq!(index.estate_parcels("5").unwrap().len(), 2);
    assert_eq!(tiles_items(&land, &first.version).await, 1);

    // A second import touches one parcel; the others keep their facts.
    let unowned = Record::Parcel(Parcel::unowned(Coord { x: 9, y: 9 }));
    let second = land.import(vec![unowned], &|_, _| {}).await.unwrap();
    assert_ne!(second.version, first.version);
    let index = TileIndex::build(&land.city_tiles().await.unwrap(), &second.version, 0);
    assert_eq!(index.kind(Coord { x: 9, y: 9 }), TileKind::Unowned);
    assert_eq!(
        index.estate_parcels("5").unwrap().len(),
        2,
        "kept from the first import"
    );
    assert_eq!(
        tiles_items(&land, &first.version).await,
        0,
        "old facts removed"
    );
    assert_eq!(tiles_items(&land, &second.version).await, 1);
}
