//! What the OpenAPI document promises beyond each route's own answers: the refusals that the
//! layers in front of every handler may give. Added to every operation here, so a new route
//! cannot leave them out (a schemathesis run in `scripts/test` holds the document to it).

use utoipa::openapi::{
    ContentBuilder, OpenApi, PathItem, RefOr, Response, ResponseBuilder, schema::Ref,
};

/// Status and meaning of each refusal any operation may answer with.
const REFUSALS: [(&str, &str); 5] = [
    (
        "400",
        "The body is not JSON of the documented shape, its `Content-Type` is not \
         `application/json`, or a path segment is not of its type (`bad_request`)",
    ),
    (
        "401",
        "No valid API token of scope `api` (`unauthenticated`)",
    ),
    (
        "403",
        "Sent by a browser from another site (`cross_site`), or the token's user may not \
         (`forbidden`)",
    ),
    (
        "429",
        "Too many requests from this token's user; `Retry-After` says when to try again \
         (`too_many_requests`)",
    ),
    (
        "500",
        "The server failed; the details are in its log (`internal`)",
    ),
];

/// Adds the refusals to every operation that does not describe them itself.
pub fn add_refusals(api: &mut OpenApi) {
    for item in api.paths.paths.values_mut() {
        for operation in operations(item) {
            for (status, description) in REFUSALS {
                operation
                    .responses
                    .responses
                    .entry(status.to_owned())
                    .or_insert_with(|| error(description));
            }
        }
    }
}

fn operations(item: &mut PathItem) -> impl Iterator<Item = &mut utoipa::openapi::path::Operation> {
    [
        &mut item.get,
        &mut item.put,
        &mut item.post,
        &mut item.delete,
        &mut item.patch,
    ]
    .into_iter()
    .filter_map(Option::as_mut)
}

fn error(description: &str) -> RefOr<Response> {
    let body = ContentBuilder::new()
        .schema(Some(Ref::from_schema_name("ErrorBody")))
        .build();
    RefOr::T(
        ResponseBuilder::new()
            .description(description)
            .content("application/json", body)
            .build(),
    )
}
