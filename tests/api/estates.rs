//! `/v1/estates...` and `/v1/addresses/{address}/estates`.

use std::collections::BTreeSet;

use crate::common::{NOW, dataset, get, ids};
use land::domain::publication::{AssetType, StatusFilter};

fn listed(status: StatusFilter) -> BTreeSet<String> {
    let dissolved: BTreeSet<&str> = dataset()
        .estates
        .iter()
        .filter(|e| e.data.parcels.is_empty())
        .map(|e| e.id.as_str())
        .collect();
    dataset()
        .publications
        .iter()
        .filter(|p| {
            p.asset_type == AssetType::Estate
                && status.matches(p, NOW)
                && !dissolved.contains(p.asset_id.as_str())
        })
        .map(|p| p.asset_id.clone())
        .collect()
}

#[tokio::test]
async fn one_estate_with_the_reference_shape() {
    let estate = &dataset().estates[0];
    let answer = get(&format!("/v1/estates/{}", estate.id)).await;
    let data = answer.data();
    for key in [
        "id",
        "owner",
        "data",
        "last_transferred_at",
        "tx_hash",
        "token_id",
        "update_operator",
        "publication",
    ] {
        assert!(data.get(key).is_some(), "missing {key}");
    }
    assert_eq!(data["id"], estate.id.as_str());
    let parcels = data["data"]["parcels"].as_array().unwrap();
    assert_eq!(parcels.len(), estate.data.parcels.len());
    assert!(parcels[0]["x"].is_i64() && parcels[0]["y"].is_i64());
}

#[tokio::test]
async fn a_missing_estate_is_404_with_the_reference_message() {
    let message = get("/v1/estates/999999").await.error(404, "not_found");
    assert_eq!(message, "Estate with id 999999 not found");
}

#[tokio::test]
async fn listing_with_total_sorting_and_pages() {
    let expected = listed(StatusFilter::Open);
    let answer = get("/v1/estates?limit=100").await;
    let data = answer.data();
    assert_eq!(data["total"].as_u64().unwrap() as usize, expected.len());
    let got: BTreeSet<String> = ids(&data["estates"]).into_iter().collect();
    assert_eq!(got.len(), expected.len().min(100), "a full first page");
    assert!(got.len() >= 2);
    assert!(got.is_subset(&expected));
    for e in data["estates"].as_array().unwrap() {
        assert_eq!(e["publication"]["status"], "open");
        assert_eq!(e["publication"]["asset_type"], "estate");
    }
    let prices: Vec<f64> = get("/v1/estates?sort_by=price&sort_order=desc&limit=100")
        .await
        .data()["estates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["publication"]["price"].as_f64().unwrap())
        .collect();
    assert!(prices.len() >= 2);
    assert!(prices.windows(2).all(|w| w[0] >= w[1]));
    let first = get("/v1/estates?limit=5&offset=0").await;
    let second = get("/v1/estates?limit=5&offset=5").await;
    let (a, b): (BTreeSet<_>, BTreeSet<_>) = (
        ids(&first.data()["estates"]).into_iter().collect(),
        ids(&second.data()["estates"]).into_iter().collect(),
    );
    assert_eq!((a.len(), b.len()), (5, 5), "two full pages");
    assert!(a.is_disjoint(&b));
    assert_eq!(
        get("/v1/estates?status=sold").await.data()["total"]
            .as_u64()
            .unwrap() as usize,
        listed(StatusFilter::Sold).len()
    );
    get("/v1/estates?sort_by=size")
        .await
        .error(400, "invalid_parameter");
}

#[tokio::test]
async fn dissolved_estates_are_never_listed() {
    let dissolved: BTreeSet<&str> = dataset()
        .estates
        .iter()
        .filter(|e| e.data.parcels.is_empty())
        .map(|e| e.id.as_str())
        .collect();
    assert!(!dissolved.is_empty());
    // Dissolved estates that do have publications: the listings must leave
    // them out although their publications match.
    let published: BTreeSet<&str> = dataset()
        .publications
        .iter()
        .filter(|p| p.asset_type == AssetType::Estate && dissolved.contains(p.asset_id.as_str()))
        .map(|p| p.asset_id.as_str())
        .collect();
    assert!(
        !published.is_empty(),
        "the fixture has published dissolved estates"
    );
    let mut listed_any = 0;
    for status in ["open", "sold", "cancelled", "expired", "fingerprintChanged"] {
        let all = get(&format!("/v1/estates?status={status}&limit=100")).await;
        let got = ids(&all.data()["estates"]);
        listed_any += got.len();
        for id in got {
            assert!(!dissolved.contains(id.as_str()), "{id} listed as {status}");
        }
    }
    assert!(listed_any > 0);
    // The owner of a dissolved estate: their estates are exactly the live ones.
    let gone = dataset()
        .estates
        .iter()
        .find(|e| e.data.parcels.is_empty())
        .unwrap();
    let expected: BTreeSet<String> = dataset()
        .estates
        .iter()
        .filter(|e| !e.data.parcels.is_empty())
        .filter(|e| {
            e.owner == gone.owner
                || [&e.operator, &e.update_operator]
                    .into_iter()
                    .any(|a| a.as_deref() == Some(gone.owner.as_str()))
        })
        .map(|e| e.id.clone())
        .collect();
    let mine = get(&format!("/v1/addresses/{}/estates", gone.owner)).await;
    let got: BTreeSet<String> = ids(mine.data()).into_iter().collect();
    assert!(!got.contains(&gone.id));
    assert_eq!(got, expected);
}

#[tokio::test]
async fn estates_of_an_address() {
    let estate = dataset()
        .estates
        .iter()
        .find(|e| !e.data.parcels.is_empty())
        .unwrap();
    let answer = get(&format!(
        "/v1/addresses/{}/estates",
        estate.owner.to_uppercase().replacen("0X", "0x", 1)
    ))
    .await;
    let got = ids(answer.data());
    assert!(got.contains(&estate.id));
    for e in answer.data().as_array().unwrap() {
        let owner = e["owner"].as_str().unwrap();
        let update_operator = e["update_operator"].as_str().unwrap_or_default();
        assert!(owner == estate.owner || update_operator == estate.owner);
    }
    get("/v1/addresses/nope/estates")
        .await
        .error(400, "invalid_parameter");
}
