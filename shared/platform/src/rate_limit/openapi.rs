//! The rate limits in an OpenAPI description: the headers on every answer
//! of every operation, and the 429 answer.

use utoipa::openapi::content::Content;
use utoipa::openapi::header::{Header, HeaderBuilder};
use utoipa::openapi::response::{Response, ResponseBuilder};
use utoipa::openapi::{Object, OpenApi, Ref, RefOr, Type};

/// Adds the headers and the 429 answer to every operation of `doc` (whose
/// components hold the `ErrorBody` schema).
pub fn document(doc: &mut OpenApi) {
    for item in doc.paths.paths.values_mut() {
        for operation in [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
        ]
        .into_iter()
        .flatten()
        {
            for response in operation.responses.responses.values_mut() {
                if let RefOr::T(response) = response {
                    add_headers(response);
                }
            }
            operation
                .responses
                .responses
                .entry("429".to_string())
                .or_insert_with(too_many_requests);
        }
    }
}

fn header(kind: Type, description: &str) -> Header {
    HeaderBuilder::new()
        .schema(Object::with_type(kind))
        .description(Some(description))
        .build()
}

fn add_headers(response: &mut Response) {
    for (name, header) in [
        (
            "RateLimit-Policy",
            header(
                Type::String,
                "The policies that apply, e.g. `\"anon\";q=300;w=60`: q requests per w seconds per caller",
            ),
        ),
        (
            "RateLimit",
            header(
                Type::String,
                "Where the caller stands in each, e.g. `\"anon\";r=299;t=42`: r requests left, t seconds until the window ends",
            ),
        ),
        (
            "X-RateLimit-Limit",
            header(Type::Integer, "The quota of the policy nearest to refusing"),
        ),
        (
            "X-RateLimit-Remaining",
            header(Type::Integer, "Requests left in its window"),
        ),
        (
            "X-RateLimit-Reset",
            header(
                Type::Integer,
                "When its window ends, in seconds since the epoch",
            ),
        ),
    ] {
        response.headers.entry(name.to_string()).or_insert(header);
    }
}

fn too_many_requests() -> RefOr<Response> {
    let mut response = ResponseBuilder::new()
        .description(
            "Too many requests: a rate-limit policy's window is used up (`code`: `rate_limited`)",
        )
        .content(
            "application/json",
            Content::new(Some(Ref::from_schema_name("ErrorBody"))),
        )
        .header(
            "Retry-After",
            header(Type::Integer, "Seconds until the window ends"),
        )
        .build();
    add_headers(&mut response);
    RefOr::T(response)
}
