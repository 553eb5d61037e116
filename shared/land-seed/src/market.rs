//! A deterministic marketplace for the parcels outside the districts:
//! owners, operators, estates of connected parcels, publications in every
//! status (some expired), bids and mortgages. The same seed always gives the
//! same data, byte for byte, whatever the clock says.

use std::collections::{BTreeSet, HashMap, VecDeque};

use rand::seq::IndexedRandom;
use rand::{Rng, RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::genesis::Layout;
use land::domain::bid::{Bid, BidStatus};
use land::domain::coords::{Coord, PARCEL_COUNT};
use land::domain::mortgage::{Mortgage, MortgageStatus};
use land::domain::parcel::{Estate, EstateData, Parcel, ParcelData, XY};
use land::domain::proximity;
use land::domain::publication::{AssetType, Publication, PublicationStatus};
use land::domain::token_id;

pub const LAND_REGISTRY: &str = "0xf87e31492faf9a91b02ee0deaad50d51d56d5d4d";
pub const ESTATE_REGISTRY: &str = "0x959e104e1a4db6317fa58f8295f586e1a978c297";
pub const MARKETPLACE: &str = "0x8e5660b4ab70168b5a6feea0e0315cb49c8cd539";
const ZERO_ADDRESS: &str = "0x0000000000000000000000000000000000000000";

/// Every generated time lies between these (2018-06-01 .. 2026-01-01, ms).
const HISTORY_START: i64 = 1_527_811_200_000;
const HISTORY_END: i64 = 1_767_225_600_000;
/// Open publications that are live expire after this (2028-01-01), expired
/// ones before HISTORY_END: any clock in 2026 sees the same open set.
const LIVE_FROM: i64 = 1_830_297_600_000;
const DAY: i64 = 86_400_000;

pub const OWNER_COUNT: usize = 300;
const ESTATE_ATTEMPTS: usize = 1_200;
const DISSOLVED_ESTATES: usize = 8;
/// Shares of owners with `approvals_for_all` and with `update_managers`.
const OWNERS_APPROVING_OPERATORS: f64 = 0.1;
const OWNERS_NAMING_UPDATE_MANAGERS: f64 = 0.06;
const BID_COUNT: usize = 1_500;
const MORTGAGE_COUNT: usize = 250;

pub struct Market {
    pub parcels: Vec<Parcel>,
    pub estates: Vec<Estate>,
    pub publications: Vec<Publication>,
    pub bids: Vec<Bid>,
    pub mortgages: Vec<Mortgage>,
}

fn hex(rng: &mut ChaCha8Rng, bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rng.fill_bytes(&mut buf);
    let mut out = String::with_capacity(2 + bytes * 2);
    out.push_str("0x");
    for b in buf {
        out.push_str(&format!("{b:02x}"));
    }
    out
}

/// ISO-8601 in UTC with milliseconds, as the reference prints `created_at`.
pub fn iso(ms: i64) -> String {
    let format = time::macros::format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z"
    );
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .ok()
        .and_then(|t| t.format(&format).ok())
        .unwrap_or_default()
}

fn block_at(ms: i64) -> u64 {
    5_000_000 + ((ms - HISTORY_START).max(0) / 15_000) as u64
}

struct Generator {
    rng: ChaCha8Rng,
    owners: Vec<String>,
}

impl Generator {
    /// Owners are skewed: a few hold many parcels, most hold a few.
    fn owner(&mut self) -> String {
        let u: f64 = self.rng.random();
        self.owners[((u * u) * self.owners.len() as f64) as usize].clone()
    }

    fn chance(&mut self, p: f64) -> bool {
        self.rng.random_bool(p)
    }

    fn time_between(&mut self, from: i64, to: i64) -> i64 {
        // Whole seconds, as block times are.
        self.rng.random_range(from / 1000..to / 1000) * 1000
    }

    /// A generator drawing from stream `stream` of the same seed: what it
    /// draws leaves this one's draws, and so the rest of the market, as they
    /// were.
    fn fork(&self, stream: u64) -> Generator {
        let mut rng = self.rng.clone();
        rng.set_stream(stream);
        Generator {
            rng,
            owners: self.owners.clone(),
        }
    }

    fn price(&mut self) -> f64 {
        (self.rng.random_range(10..=600) * 100) as f64
    }
}

/// The market of `seed`, about `size` times the default's publications: a
/// parcel is put on sale `size` times as often, an estate too up to every
/// estate (from size 4, so estates grow about 3.3 times at most). Size 1 is
/// the default market, draw for draw.
pub fn generate(seed: u64, layout: &Layout, size: u32) -> Market {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let owners = (0..OWNER_COUNT).map(|_| hex(&mut rng, 20)).collect();
    let mut g = Generator { rng, owners };

    let mut parcels: Vec<Parcel> = Coord::all()
        .map(|c| plain_parcel(&mut g, layout, c))
        .collect();
    let mut estates = grow_estates(&mut g, &mut parcels);
    let publications = publish(&mut g, &mut parcels, &estates, f64::from(size.max(1)));
    let bids = place_bids(&mut g, &parcels, &estates);
    let mortgages = request_mortgages(&mut g, &parcels, &publications);
    grant_approvals(&g, &mut parcels, &mut estates);
    Market {
        parcels,
        estates,
        publications,
        bids,
        mortgages,
    }
}

fn plain_parcel(g: &mut Generator, layout: &Layout, at: Coord) -> Parcel {
    let district_id = layout.district_id(at).map(str::to_string);
    let tags = proximity::tags_for(at, |c| layout.district_id(c));
    let mut parcel = Parcel {
        district_id,
        tags,
        ..Parcel::unowned(at)
    };
    if parcel.district_id.is_some() || !g.chance(0.8) {
        return parcel;
    }
    let owner = g.owner();
    if g.chance(0.7) {
        parcel.auction_price = Some(g.rng.random_range(1_000..=30_000) as f64);
        parcel.auction_owner = Some(owner.clone());
        parcel.auction_timestamp = Some(
            g.time_between(1_513_036_800_000, 1_514_592_000_000)
                .to_string(),
        );
    }
    if g.chance(0.4) {
        parcel.last_transferred_at = Some(g.time_between(HISTORY_START, HISTORY_END).to_string());
    }
    if g.chance(0.1) {
        parcel.data = ParcelData {
            version: 0,
            name: Some(format!("Parcel {at}")),
            description: Some(format!("A parcel at {at} of Genesis City")),
            ipns: Some(String::new()),
        };
    }
    if g.chance(0.05) {
        parcel.update_operator = Some(g.owner());
    }
    if g.chance(0.02) {
        parcel.operator = Some(g.owner());
    }
    parcel.owner = Some(owner);
    parcel
}

/// Estates grow from a seed parcel over owned, free neighbours (4-connected).
fn grow_estates(g: &mut Generator, parcels: &mut [Parcel]) -> Vec<Estate> {
    let mut taken = vec![false; PARCEL_COUNT];
    let mut estates = Vec::new();
    for _ in 0..ESTATE_ATTEMPTS {
        let start = g.rng.random_range(0..PARCEL_COUNT);
        if taken[start] || parcels[start].owner.is_none() || parcels[start].district_id.is_some() {
            continue;
        }
        let target = g.rng.random_range(2..=9);
        let mut members = BTreeSet::new();
        let mut queue = VecDeque::from([Coord::from_index(start)]);
        while let Some(c) = queue.pop_front() {
            if members.len() == target {
                break;
            }
            let i = c.index();
            if taken[i]
                || parcels[i].owner.is_none()
                || parcels[i].district_id.is_some()
                || !members.insert(c)
            {
                continue;
            }
            for (dx, dy) in [(1, 0), (0, 1), (-1, 0), (0, -1)] {
                if let Ok(n) = Coord::new(i64::from(c.x + dx), i64::from(c.y + dy)) {
                    queue.push_back(n);
                }
            }
        }
        if members.len() < 2 {
            continue;
        }
        let id = (estates.len() + 1).to_string();
        let owner = parcels[start].owner.clone().unwrap_or_default();
        for c in &members {
            let p = &mut parcels[c.index()];
            taken[c.index()] = true;
            p.estate_id = Some(id.clone());
            p.in_estate = true;
            p.owner = Some(owner.clone());
        }
        estates.push(new_estate(
            g,
            id,
            owner,
            members.iter().map(|c| XY { x: c.x, y: c.y }).collect(),
        ));
    }
    for _ in 0..DISSOLVED_ESTATES {
        let id = (estates.len() + 1).to_string();
        let owner = g.owner();
        estates.push(new_estate(g, id, owner, Vec::new()));
    }
    estates
}

fn new_estate(g: &mut Generator, id: String, owner: String, parcels: Vec<XY>) -> Estate {
    let update_operator = if g.chance(0.1) {
        Some(g.owner())
    } else {
        Some(ZERO_ADDRESS.to_string())
    };
    Estate {
        data: EstateData {
            ipns: String::new(),
            name: format!("Estate {id}"),
            parcels,
            version: 0,
            description: format!("Estate number {id} of Genesis City"),
        },
        last_transferred_at: Some(g.time_between(HISTORY_START, HISTORY_END).to_string()),
        tx_hash: hex(&mut g.rng, 32),
        token_id: id.clone(),
        update_operator,
        operator: None,
        approvals_for_all: Vec::new(),
        update_managers: Vec::new(),
        publication: None,
        owner,
        id,
    }
}

/// Some owners approved operators for all of their assets, or named update
/// managers (the lists the API added in 2019): per owner, so every asset of
/// an owner shows the same lists. Drawn from a stream of their own, after the
/// sales, so the rest of the market stays as it was.
fn grant_approvals(g: &Generator, parcels: &mut [Parcel], estates: &mut [Estate]) {
    let mut r = g.fork(2);
    let grant = |r: &mut Generator, owner: &str, p: f64| {
        if !r.chance(p) {
            return Vec::new();
        }
        let mut granted: Vec<String> = Vec::new();
        for _ in 0..r.rng.random_range(1..=2) {
            let to = r.owner();
            if to != owner && !granted.contains(&to) {
                granted.push(to);
            }
        }
        granted
    };
    let mut lists: HashMap<String, (Vec<String>, Vec<String>)> = HashMap::new();
    for owner in &g.owners {
        let approvals = grant(&mut r, owner, OWNERS_APPROVING_OPERATORS);
        let managers = grant(&mut r, owner, OWNERS_NAMING_UPDATE_MANAGERS);
        lists.insert(owner.clone(), (approvals, managers));
    }
    let lists_of = |owner: &str| lists.get(owner).cloned().unwrap_or_default();
    for parcel in parcels.iter_mut() {
        if let Some(owner) = &parcel.owner {
            (parcel.approvals_for_all, parcel.update_managers) = lists_of(owner);
        }
    }
    for estate in estates.iter_mut() {
        (estate.approvals_for_all, estate.update_managers) = lists_of(&estate.owner);
    }
}

/// Publication histories: older rows sold or cancelled, the latest in any
/// status. A sale hands the asset to the buyer.
fn publish(
    g: &mut Generator,
    parcels: &mut [Parcel],
    estates: &[Estate],
    size: f64,
) -> Vec<Publication> {
    let mut out = Vec::new();
    for parcel in parcels.iter_mut() {
        if parcel.in_estate || !g.chance((0.06 * size).min(1.0)) {
            continue;
        }
        let Some(owner) = parcel.owner.clone() else {
            continue;
        };
        if let Some(buyer) = history(g, AssetType::Parcel, &parcel.id, &owner, &mut out) {
            parcel.owner = Some(buyer);
        }
    }
    for e in estates.iter().filter(|e| !e.is_dissolved()) {
        if g.chance((0.3 * size).min(1.0)) {
            // Estate ownership stays as generated: its parcels follow the estate.
            history(g, AssetType::Estate, &e.id, &e.owner, &mut out);
        }
    }
    // Some estates were listed before they were dissolved: their publications
    // stay, and the listings must still leave them out. Drawn from a stream
    // of their own, so the rest of the market stays as it was.
    let mut past = g.fork(1);
    for e in estates.iter().filter(|e| e.is_dissolved()) {
        if past.chance(0.5) {
            history(&mut past, AssetType::Estate, &e.id, &e.owner, &mut out);
        }
    }
    out
}

fn history(
    g: &mut Generator,
    asset_type: AssetType,
    asset_id: &str,
    owner: &str,
    out: &mut Vec<Publication>,
) -> Option<String> {
    let rows = g.rng.random_range(1..=3);
    let mut created = g.time_between(HISTORY_START, HISTORY_END - 400 * DAY);
    let mut buyer_of_last = None;
    for n in 0..rows {
        let last = n + 1 == rows;
        let roll: f64 = g.rng.random();
        let status = match (last, roll) {
            (true, r) if r < 0.45 => PublicationStatus::Open,
            (true, r) if r < 0.75 => PublicationStatus::Sold,
            (true, r) if r < 0.95 => PublicationStatus::Cancelled,
            (true, _) => PublicationStatus::FingerprintChanged,
            (false, r) if r < 0.5 => PublicationStatus::Sold,
            (false, _) => PublicationStatus::Cancelled,
        };
        let expires_at = match status {
            // A third of the open rows have expired.
            PublicationStatus::Open if g.chance(0.67) => {
                g.time_between(LIVE_FROM, LIVE_FROM + 7 * 365 * DAY)
            }
            _ => created + g.rng.random_range(30..=180) * DAY,
        }
        .min(if status == PublicationStatus::Open {
            i64::MAX
        } else {
            HISTORY_END
        });
        let updated = created + g.rng.random_range(1..=20) * DAY;
        let buyer = (status == PublicationStatus::Sold).then(|| g.owner());
        out.push(Publication {
            tx_hash: hex(&mut g.rng, 32),
            tx_status: "confirmed".to_string(),
            owner: owner.to_string(),
            price: g.price(),
            status,
            buyer: buyer.clone(),
            contract_id: hex(&mut g.rng, 32),
            block_number: block_at(created),
            expires_at,
            block_time_created_at: created,
            block_time_updated_at: (status != PublicationStatus::Open).then_some(updated),
            asset_type,
            asset_id: asset_id.to_string(),
            marketplace_address: MARKETPLACE.to_string(),
        });
        buyer_of_last = if last { buyer } else { None };
        created = updated + g.rng.random_range(1..=60) * DAY;
    }
    buyer_of_last
}

fn place_bids(g: &mut Generator, parcels: &[Parcel], estates: &[Estate]) -> Vec<Bid> {
    let owned: Vec<&Parcel> = parcels
        .iter()
        .filter(|p| p.owner.is_some() && !p.in_estate)
        .collect();
    let listed: Vec<&Estate> = estates.iter().filter(|e| !e.is_dissolved()).collect();
    let mut bids = Vec::with_capacity(BID_COUNT);
    if owned.is_empty() || listed.is_empty() {
        return bids;
    }
    for _ in 0..BID_COUNT {
        let (asset_type, asset_id, seller, token_address, token_id, fingerprint) = if g.chance(0.7)
        {
            let p = owned[g.rng.random_range(0..owned.len())];
            let id = token_id::encode(p.coord()).to_string();
            (
                AssetType::Parcel,
                p.id.clone(),
                p.owner.clone().unwrap_or_default(),
                LAND_REGISTRY,
                id,
                "0x".to_string(),
            )
        } else {
            let e = listed[g.rng.random_range(0..listed.len())];
            (
                AssetType::Estate,
                e.id.clone(),
                e.owner.clone(),
                ESTATE_REGISTRY,
                e.id.clone(),
                hex(&mut g.rng, 32),
            )
        };
        let mut bidder = g.owner();
        if bidder == seller {
            bidder = g.owners[0].clone();
        }
        let created = g.time_between(HISTORY_START, HISTORY_END);
        let updated = created + g.rng.random_range(0..=10) * DAY;
        let status = [
            BidStatus::Open,
            BidStatus::Open,
            BidStatus::Cancelled,
            BidStatus::Sold,
        ][g.rng.random_range(0..4)];
        bids.push(Bid {
            id: hex(&mut g.rng, 32),
            token_address: token_address.to_string(),
            token_id,
            bidder,
            seller,
            price: g.price(),
            expires_at: (created + g.rng.random_range(7..=90) * DAY).to_string(),
            fingerprint,
            status,
            asset_id,
            asset_type,
            block_number: Some(block_at(created)),
            block_time_created_at: Some(created.to_string()),
            block_time_updated_at: Some(updated.to_string()),
            created_at: Some(iso(created + 60_000)),
            updated_at: Some(iso(updated + 60_000)),
        });
    }
    bids
}

fn request_mortgages(
    g: &mut Generator,
    parcels: &[Parcel],
    publications: &[Publication],
) -> Vec<Mortgage> {
    let on_sale: Vec<&Publication> = publications
        .iter()
        .filter(|p| p.asset_type == AssetType::Parcel && p.status == PublicationStatus::Open)
        .collect();
    let mut out = Vec::new();
    if on_sale.is_empty() {
        return out;
    }
    for n in 0..MORTGAGE_COUNT {
        let Some(publication) = on_sale.choose(&mut g.rng).copied() else {
            break;
        };
        let Some(parcel) = publication
            .asset_id
            .parse::<Coord>()
            .ok()
            .map(|c| &parcels[c.index()])
        else {
            continue;
        };
        let status = *[
            MortgageStatus::Pending,
            MortgageStatus::Pending,
            MortgageStatus::Cancelled,
            MortgageStatus::Ongoing,
            MortgageStatus::Paid,
            MortgageStatus::Defaulted,
            MortgageStatus::Claimed,
        ]
        .choose(&mut g.rng)
        .unwrap_or(&MortgageStatus::Pending);
        let created = g.time_between(publication.block_time_created_at, HISTORY_END + DAY);
        let updated = created + g.rng.random_range(0..=5) * DAY;
        let amount = (publication.price * g.rng.random_range(0.1..0.6)).round();
        let started = !matches!(status, MortgageStatus::Pending | MortgageStatus::Cancelled);
        let paid = match status {
            MortgageStatus::Paid | MortgageStatus::Claimed => amount,
            MortgageStatus::Ongoing | MortgageStatus::Defaulted => (amount / 3.0).round(),
            _ => 0.0,
        };
        let mut borrower = g.owner();
        if Some(&borrower) == parcel.owner.as_ref() {
            borrower = g.owners[1].clone();
        }
        out.push(Mortgage {
            tx_hash: hex(&mut g.rng, 32),
            tx_status: "confirmed".to_string(),
            block_number: block_at(created),
            status,
            asset_id: parcel.id.clone(),
            asset_type: AssetType::Parcel,
            borrower,
            lender: started.then(|| g.owner()),
            loan_id: 600 + n as u64,
            mortgage_id: 1 + n as u64,
            amount,
            is_due_at: if started {
                (created + 180 * DAY).to_string()
            } else {
                "0".to_string()
            },
            expires_at: (created + 30 * DAY).to_string(),
            block_time_created_at: created.to_string(),
            block_time_updated_at: updated.to_string(),
            created_at: iso(created + 60_000),
            updated_at: iso(updated + 60_000),
            outstanding_amount: if started { amount - paid } else { 0.0 },
            payable_at: "777600".to_string(),
            interest_rate: 15_552_000_000_000,
            punitory_interest_rate: 10_367_989_632_000,
            paid,
            started_at: started.then(|| (created + DAY).to_string()),
        });
    }
    out
}
