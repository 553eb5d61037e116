//! The LAND API as its real clients call it: each test sends the exact URL a
//! client sends (query encoding and headers included) and checks the fields
//! that client reads. The clients: the marketplace web app
//! (marketplace-legacy `webapp/src/lib/api.js` and its sagas, 2018 to 2020),
//! decentraland/cli (`src/lib/API.ts`), decentraland-gatsby (`Land.ts`),
//! rcn-loans' Decentraland cosigner provider, and the Unity explorer's map
//! thumbnails (`MapUtils.GetMarketPlaceThumbnailUrl`, `MapChunk`).

mod cli;
mod gatsby;
mod marketplace;
mod rcn;
mod unity;

/// What Chrome and Firefox send.
pub const BROWSER_ENCODINGS: &str = "gzip, deflate, br, zstd";

/// The parcel ids of a box, as the reference orders them: x ascending, then y
/// descending, cut to the city.
pub fn box_ids(min_x: i32, max_x: i32, min_y: i32, max_y: i32) -> Vec<String> {
    (min_x.max(-150)..=max_x.min(150))
        .flat_map(|x| {
            (min_y.max(-150)..=max_y.min(150))
                .rev()
                .map(move |y| format!("{x},{y}"))
        })
        .collect()
}

#[test]
fn box_ids_follow_the_reference_order() {
    assert_eq!(box_ids(0, 1, 0, 1), ["0,1", "0,0", "1,1", "1,0"]);
    assert_eq!(box_ids(149, 152, -150, -150), ["149,-150", "150,-150"]);
}
