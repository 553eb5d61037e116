//! Every HTTP behaviour test of the project in one test binary (one link
//! instead of one per file): the route families on the store selected by
//! `LAND_TEST_BACKEND`, the Lambda events, the map caches, persistence and
//! the reward queue's SQS adapter.

mod common;

mod bids;
mod clients;
mod districts;
mod dynamo_fanout;
mod estates;
mod http_edge;
mod lambda_events;
mod listings;
mod listings_dynamo;
mod map_cache;
mod map_json;
mod map_png;
mod map_tiles_dynamo;
mod mortgages;
mod parcels;
mod persistence;
mod publications;
mod queue_sqs;
mod rate_limits;
mod rewards;
mod translations;
