//! `/v1/mortgages/{address}/parcels`, `/v1/addresses/{address}/mortgages`,
//! `/v1/parcels/{x}/{y}/mortgages`.

use std::collections::BTreeSet;

use crate::common::{NOW, dataset, get};
use land::domain::mortgage::MortgageStatus;
use land::domain::publication::AssetType;

#[tokio::test]
async fn mortgages_of_a_borrower_with_every_status_filter() {
    let borrower = &dataset().mortgages[0].borrower;
    let mine: Vec<_> = dataset()
        .mortgages
        .iter()
        .filter(|m| &m.borrower == borrower)
        .collect();
    let answer = get(&format!("/v1/addresses/{borrower}/mortgages")).await;
    let all = answer.data().as_array().unwrap();
    assert_eq!(all.len(), mine.len());
    let first = &all[0];
    for key in [
        "tx_hash",
        "tx_status",
        "block_number",
        "status",
        "asset_id",
        "asset_type",
        "borrower",
        "lender",
        "loan_id",
        "mortgage_id",
        "amount",
        "is_due_at",
        "expires_at",
        "block_time_created_at",
        "block_time_updated_at",
        "created_at",
        "updated_at",
        "outstanding_amount",
        "payable_at",
        "interest_rate",
        "punitory_interest_rate",
        "paid",
        "started_at",
    ] {
        assert!(first.get(key).is_some(), "missing {key}");
    }
    assert_eq!(first["interest_rate"], 15_552_000_000_000u64);
    for status in [
        MortgageStatus::Pending,
        MortgageStatus::Cancelled,
        MortgageStatus::Ongoing,
        MortgageStatus::Paid,
        MortgageStatus::Defaulted,
        MortgageStatus::Claimed,
    ] {
        let name = serde_json::to_value(status).unwrap();
        let answer = get(&format!(
            "/v1/addresses/{borrower}/mortgages?status={}",
            name.as_str().unwrap()
        ))
        .await;
        let got = answer.data().as_array().unwrap();
        assert_eq!(
            got.len(),
            mine.iter().filter(|m| m.status == status).count(),
            "{name}"
        );
        assert!(got.iter().all(|m| m["status"] == name));
    }
    get(&format!("/v1/addresses/{borrower}/mortgages?status=open"))
        .await
        .error(400, "invalid_parameter");
}

#[tokio::test]
async fn mortgages_on_a_parcel_newest_first() {
    // The parcel with the most mortgages, so that the order is really checked.
    let mortgages = &dataset().mortgages;
    let m = mortgages
        .iter()
        .max_by_key(|m| {
            mortgages
                .iter()
                .filter(|o| o.asset_id == m.asset_id)
                .count()
        })
        .unwrap();
    let (x, y) = m.asset_id.split_once(',').unwrap();
    let answer = get(&format!("/v1/parcels/{x}/{y}/mortgages")).await;
    let got = answer.data().as_array().unwrap();
    assert!(got.iter().any(|g| g["tx_hash"] == m.tx_hash.as_str()));
    let times: Vec<i64> = got
        .iter()
        .map(|g| {
            g["block_time_created_at"]
                .as_str()
                .unwrap()
                .parse()
                .unwrap()
        })
        .collect();
    assert!(
        times.len() >= 2,
        "a parcel with several mortgages: {times:?}"
    );
    assert!(times.windows(2).all(|w| w[0] >= w[1]));
    assert_eq!(
        get("/v1/parcels/150/150/mortgages").await.data(),
        &serde_json::json!([])
    );
}

#[tokio::test]
async fn mortgaged_parcels_exclude_cancelled_mortgages_and_need_a_publication() {
    let data = dataset();
    let has_current_publication = |id: &str| {
        data.publications
            .iter()
            .any(|p| p.asset_id == id && p.asset_type == AssetType::Parcel && p.expires_at >= NOW)
    };
    let expected_for = |borrower: &str| -> BTreeSet<String> {
        data.mortgages
            .iter()
            .filter(|m| {
                m.borrower == borrower
                    && m.status != MortgageStatus::Cancelled
                    && has_current_publication(&m.asset_id)
            })
            .map(|m| m.asset_id.clone())
            .collect()
    };
    let borrower = data
        .mortgages
        .iter()
        .map(|m| m.borrower.as_str())
        .find(|b| !expected_for(b).is_empty())
        .unwrap();
    let answer = get(&format!("/v1/mortgages/{borrower}/parcels")).await;
    let got: BTreeSet<String> = answer
        .data()
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(got, expected_for(borrower));
    for p in answer.data().as_array().unwrap() {
        assert!(!p["publication"].is_null());
    }
    get("/v1/mortgages/0x12/parcels")
        .await
        .error(400, "invalid_parameter");
}
