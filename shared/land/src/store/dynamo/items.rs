//! Records to items and back. The record travels as one map attribute in the
//! API's own shape (`rec`), beside the key and index attributes.

use std::collections::HashMap;

use aws_sdk_dynamodb::primitives::Blob;
use aws_sdk_dynamodb::types::AttributeValue;
use serde::Serialize;
use serde::de::DeserializeOwned;

use platform::dynamo::{Item, s};

use super::keys;
use crate::domain::bid::Bid;
use crate::domain::district::{ContributionRow, District};
use crate::domain::mortgage::Mortgage;
use crate::domain::parcel::{Estate, Parcel};
use crate::domain::publication::{AssetType, Publication};
use platform::store::{StoreError, StoreResult};

fn to_value<T: Serialize>(value: &T) -> StoreResult<AttributeValue> {
    serde_dynamo::to_attribute_value(value).map_err(|e| StoreError::Corrupt(e.to_string()))
}

/// Reads the attribute `name` of an item as `T`.
pub fn read<T: DeserializeOwned>(item: &Item, name: &str) -> StoreResult<T> {
    let value = item
        .get(name)
        .cloned()
        .ok_or_else(|| StoreError::Corrupt(format!("item without \"{name}\"")))?;
    serde_dynamo::from_attribute_value(value)
        .map_err(|e| StoreError::Corrupt(format!("{name}: {e}")))
}

pub fn record<T: DeserializeOwned>(item: &Item) -> StoreResult<T> {
    read(item, keys::RECORD)
}

/// An asset item: the asset and its publications (newest first).
pub fn asset<T: DeserializeOwned>(item: &Item) -> StoreResult<(T, Vec<Publication>)> {
    let publications = if item.contains_key(keys::PUBLICATIONS) {
        read(item, keys::PUBLICATIONS)?
    } else {
        Vec::new()
    };
    Ok((record(item)?, publications))
}

fn item(pk: String, sk: String, rec: AttributeValue) -> Item {
    HashMap::from([
        (keys::PK.to_string(), s(pk)),
        (keys::SK.to_string(), s(sk)),
        (keys::RECORD.to_string(), rec),
    ])
}

fn with(mut item: Item, name: &str, value: AttributeValue) -> Item {
    item.insert(name.to_string(), value);
    item
}

pub fn parcel(parcel: &Parcel, publications: &[Publication]) -> StoreResult<Item> {
    let (pk, sk) = keys::parcel(parcel.coord());
    let bare = Parcel {
        publication: None,
        ..parcel.clone()
    };
    Ok(with(
        item(pk, sk, to_value(&bare)?),
        keys::PUBLICATIONS,
        to_value(&publications)?,
    ))
}

pub fn estate(estate: &Estate, publications: &[Publication]) -> StoreResult<Item> {
    let (pk, sk) = keys::estate(&estate.id);
    let bare = Estate {
        publication: None,
        ..estate.clone()
    };
    Ok(with(
        item(pk, sk, to_value(&bare)?),
        keys::PUBLICATIONS,
        to_value(&publications)?,
    ))
}

/// A link from an address to an asset it owns or operates (keys only).
pub fn address_link(address: &str, sk: String) -> Item {
    HashMap::from([
        (keys::PK.to_string(), s(keys::address(address))),
        (keys::SK.to_string(), s(sk)),
    ])
}

pub fn publication(publication: &Publication) -> StoreResult<Item> {
    let (pk, sk) = keys::publication(&publication.tx_hash);
    Ok(item(pk, sk, to_value(publication)?))
}

/// Where a publication is listed (for assets that exist and are no dissolved estate).
pub fn listing_key(publication: &Publication) -> (String, String) {
    (
        keys::listing(publication.asset_type, publication.status),
        keys::listing_entry(publication.expires_at, &publication.tx_hash),
    )
}

/// A copy of the publication in its listing partition.
pub fn listing_entry(publication: &Publication) -> StoreResult<Item> {
    let (pk, sk) = listing_key(publication);
    Ok(item(pk, sk, to_value(publication)?))
}

fn created(bid: &Bid) -> &str {
    bid.block_time_created_at.as_deref().unwrap_or("0")
}

/// The bid, plus a copy under its asset and under each address it involves.
pub fn bid(bid: &Bid) -> StoreResult<Vec<Item>> {
    let (pk, sk) = keys::bid(&bid.id);
    let record = to_value(bid)?;
    let timeline = keys::timeline(created(bid), &bid.id);
    let mut items = vec![
        item(pk, sk, record.clone()),
        item(
            keys::bids_on(bid.asset_type, &bid.asset_id),
            timeline.clone(),
            record.clone(),
        ),
    ];
    let mut parties = vec![&bid.bidder, &bid.seller];
    parties.dedup();
    for address in parties {
        items.push(item(
            keys::address(address),
            format!("{}{timeline}", keys::BID_LINK),
            record.clone(),
        ));
    }
    Ok(items)
}

/// The mortgage under its parcel, plus a copy under its borrower.
pub fn mortgage(mortgage: &Mortgage) -> StoreResult<Vec<Item>> {
    let (pk, sk) = keys::mortgage(
        &mortgage.asset_id,
        &mortgage.block_time_created_at,
        &mortgage.tx_hash,
    );
    let record = to_value(mortgage)?;
    Ok(vec![
        item(pk, sk.clone(), record.clone()),
        item(keys::borrower(&mortgage.borrower), sk, record),
    ])
}

pub fn district(district: &District) -> StoreResult<Item> {
    Ok(item(
        keys::DISTRICTS.to_string(),
        district.id.clone(),
        to_value(district)?,
    ))
}

pub fn contribution(row: &ContributionRow) -> StoreResult<Item> {
    Ok(item(
        keys::address(&row.address),
        format!("{}{}", keys::CONTRIBUTION, row.district_id),
        to_value(row)?,
    ))
}

/// Keeps each item well under DynamoDB's 400 KB.
const TILES_CHUNK_BYTES: usize = 300_000;

/// The compressed tile facts of a version as chunk items (attribute `blob`).
pub fn tiles(version: &str, blob: &[u8]) -> Vec<Item> {
    blob.chunks(TILES_CHUNK_BYTES)
        .enumerate()
        .map(|(number, chunk)| {
            HashMap::from([
                (keys::PK.to_string(), s(keys::tiles(version))),
                (keys::SK.to_string(), s(keys::tiles_chunk(number))),
                ("blob".to_string(), AttributeValue::B(Blob::new(chunk))),
            ])
        })
        .collect()
}

/// The blob back from its chunk items, in sort-key order.
pub fn tiles_blob(items: &[Item]) -> StoreResult<Vec<u8>> {
    let mut blob = Vec::new();
    for item in items {
        let chunk = item
            .get("blob")
            .and_then(|v| v.as_b().ok())
            .ok_or_else(|| StoreError::Corrupt("a tiles chunk without its blob".into()))?;
        blob.extend_from_slice(chunk.as_ref());
    }
    Ok(blob)
}

/// The data version, and the one the import that wrote it started from.
pub fn meta(version: &str, previous: Option<&str>) -> Item {
    let (pk, sk) = keys::meta();
    let mut item = HashMap::from([
        (keys::PK.to_string(), s(pk)),
        (keys::SK.to_string(), s(sk)),
        (META_VERSION.to_string(), s(version)),
    ]);
    if let Some(previous) = previous {
        item.insert(META_PREVIOUS.to_string(), s(previous));
    }
    item
}

pub const META_VERSION: &str = "version";
pub const META_PREVIOUS: &str = "previous";

/// Past this many assets written from one version, its change item says
/// `all` instead of naming them (it stays far below 400 KB, and a function
/// reads the whole listing anyway).
pub const MAX_LISTED_CHANGES: usize = 1_000;

pub const CHANGES_ALL: &str = "all";
pub const CHANGES_PARCELS: &str = "parcels";
pub const CHANGES_ESTATES: &str = "estates";

/// The ids of one asset type a change item names; `None` when it says `all`.
pub fn changed_ids(item: &Item, asset_type: AssetType) -> Option<Vec<String>> {
    if item.contains_key(CHANGES_ALL) {
        return None;
    }
    let name = match asset_type {
        AssetType::Parcel => CHANGES_PARCELS,
        AssetType::Estate => CHANGES_ESTATES,
    };
    Some(
        item.get(name)
            .and_then(|ids| ids.as_ss().ok())
            .cloned()
            .unwrap_or_default(),
    )
}
