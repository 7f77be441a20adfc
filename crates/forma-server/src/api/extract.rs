//! Request extractors that fail in the API's error shape. axum's own `Json`, `Query`
//! and `Path` reject a bad request with a plain-text answer; these wrap them and
//! answer with an [`AppError`] instead: 400 for a body that is not JSON, 413 naming
//! the route's body limit, 415 without `Content-Type: application/json`, and 422
//! naming the field whose value cannot be read. [`json_errors`] catches whatever
//! else the framework answers in plain text (405, an unreadable upload) and puts it
//! in the same shape.

use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::error::AppError;

/// The largest request body a route accepts unless it says otherwise (uploads do).
pub const BODY_LIMIT: usize = 2 * 1024 * 1024;

/// The body limit of the route a request is for; each route's layers put it in the
/// request's extensions, so that a rejection can name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BodyLimit(pub usize);

impl BodyLimit {
    /// The limit in words: `2 MB`, `64 MB`, or bytes when not a whole number of MB.
    pub fn describe(self) -> String {
        const MB: usize = 1024 * 1024;
        if self.0 >= MB && self.0.is_multiple_of(MB) {
            format!("{} MB", self.0 / MB)
        } else if self.0 >= MB {
            format!("{:.1} MB", self.0 as f64 / MB as f64)
        } else {
            format!("{} bytes", self.0)
        }
    }

    fn of(parts_extensions: &axum::http::Extensions) -> BodyLimit {
        parts_extensions
            .get::<BodyLimit>()
            .copied()
            .unwrap_or(BodyLimit(BODY_LIMIT))
    }
}

/// The 413 answer for a body over `limit`.
pub fn too_large(limit: BodyLimit) -> AppError {
    AppError::TooLarge(format!(
        "The request body is larger than this call's limit of {}; send less at once.",
        limit.describe()
    ))
}

/// A JSON request body (and a JSON answer, as `axum::Json`).
#[derive(Debug, Clone, Copy, Default)]
pub struct Json<T>(pub T);

impl<T, S> FromRequest<S> for Json<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request(request: Request, state: &S) -> Result<Self, AppError> {
        let limit = BodyLimit::of(request.extensions());
        match axum::Json::<T>::from_request(request, state).await {
            Ok(axum::Json(value)) => Ok(Json(value)),
            Err(rejection) => Err(json_rejection(&rejection, limit)),
        }
    }
}

impl<T: Serialize> IntoResponse for Json<T> {
    fn into_response(self) -> Response {
        axum::Json(self.0).into_response()
    }
}

/// serde's error with the path to the value at fault, when axum kept it.
fn path_error<'a>(
    rejection: &'a (dyn std::error::Error + 'static),
) -> Option<&'a serde_path_to_error::Error<serde_json::Error>> {
    let mut source = rejection.source();
    while let Some(error) = source {
        if let Some(found) = error.downcast_ref::<serde_path_to_error::Error<serde_json::Error>>() {
            return Some(found);
        }
        source = error.source();
    }
    None
}

/// The field a serde path names (`days[2][0].rpe`), or `None` for the whole body.
fn field_of(path: &serde_path_to_error::Path) -> Option<String> {
    let text = path.to_string();
    (text != "." && !text.is_empty()).then_some(text)
}

/// The missing or unknown field serde names in `message` ("missing field `date`").
fn named_field(message: &str) -> Option<String> {
    ["missing field `", "unknown field `"]
        .iter()
        .find_map(|start| message.split_once(start))
        .and_then(|(_, rest)| rest.split_once('`'))
        .map(|(field, _)| field.to_owned())
}

fn json_rejection(rejection: &JsonRejection, limit: BodyLimit) -> AppError {
    match rejection {
        JsonRejection::JsonDataError(error) => {
            let (field, detail) = match path_error(error) {
                Some(found) => {
                    let inner = found.inner().to_string();
                    (
                        field_of(found.path()).or_else(|| named_field(&inner)),
                        inner,
                    )
                }
                None => (None, rejection.body_text()),
            };
            let message = match &field {
                Some(field) => format!("{field}: {detail}"),
                None => format!("The request body cannot be used: {detail}"),
            };
            AppError::Invalid {
                field: field.unwrap_or_else(|| "body".to_owned()),
                message,
            }
        }
        JsonRejection::JsonSyntaxError(error) => {
            let detail = path_error(error)
                .map(|found| found.inner().to_string())
                .unwrap_or_else(|| rejection.body_text());
            AppError::BadRequest(format!("The request body is not valid JSON: {detail}."))
        }
        JsonRejection::MissingJsonContentType(_) => AppError::UnsupportedMediaType(
            "This call takes a JSON body: send it with `Content-Type: application/json`."
                .to_owned(),
        ),
        other if other.status() == StatusCode::PAYLOAD_TOO_LARGE => too_large(limit),
        other => AppError::BadRequest(format!(
            "The request body cannot be read: {}.",
            other.body_text()
        )),
    }
}

/// Query parameters.
#[derive(Debug, Clone, Copy, Default)]
pub struct Query<T>(pub T);

impl<T, S> FromRequestParts<S> for Query<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(value)) => Ok(Query(value)),
            Err(rejection) => Err(query_rejection(&rejection)),
        }
    }
}

fn query_rejection(rejection: &QueryRejection) -> AppError {
    // The message is serde's, with the parameter's name in front when it knows it
    // ("limit: invalid digit found in string").
    let text = rejection.body_text();
    let detail = text
        .split_once(": ")
        .map_or(text.as_str(), |(_, detail)| detail)
        .to_owned();
    let field = detail
        .split_once(": ")
        .map(|(field, _)| field.to_owned())
        .filter(|field| !field.contains(' '))
        .or_else(|| named_field(&detail));
    match field {
        Some(field) => AppError::Invalid {
            message: format!("query parameter {detail}"),
            field,
        },
        None => AppError::BadRequest(format!("The query string cannot be read: {detail}.")),
    }
}

/// Path parameters.
#[derive(Debug, Clone, Copy, Default)]
pub struct Path<T>(pub T);

impl<T, S> FromRequestParts<S> for Path<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(value)) => Ok(Path(value)),
            Err(PathRejection::FailedToDeserializePathParams(error)) => Err(AppError::BadRequest(
                format!("The address cannot be read: {}.", error.body_text()),
            )),
            Err(other) => Err(AppError::Internal(anyhow::anyhow!(
                "path parameters: {}",
                other.body_text()
            ))),
        }
    }
}

/// The most of a plain-text error body that is kept as the message.
const MAX_TEXT: usize = 1024;

/// Middleware: any error answer that is not JSON (the framework's own: a method the
/// route does not take, a body over the limit while an upload is read) becomes the
/// API's error shape with its text as the message. JSON answers pass unchanged.
pub async fn json_errors(request: Request, next: Next) -> Response {
    let limit = BodyLimit::of(request.extensions());
    let method = request.method().clone();
    let response = next.run(request).await;
    let status = response.status();
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("application/json"));
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return response;
    }
    let (parts, body) = response.into_parts();
    let text = axum::body::to_bytes(body, MAX_TEXT * 4)
        .await
        .map(|bytes| String::from_utf8_lossy(&bytes).trim().to_owned())
        .unwrap_or_default();
    let mut text: String = text.chars().take(MAX_TEXT).collect();
    if text.is_empty() {
        text = status
            .canonical_reason()
            .unwrap_or("The request failed")
            .to_owned();
    }
    let error = match status {
        StatusCode::PAYLOAD_TOO_LARGE => too_large(limit),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => AppError::UnsupportedMediaType(format!("{text}.")),
        // The router adds `Allow` to the answer after this layer; it is kept.
        StatusCode::METHOD_NOT_ALLOWED => AppError::MethodNotAllowed(format!(
            "This address does not take {method}; the Allow header lists the methods it takes."
        )),
        StatusCode::NOT_FOUND => AppError::NotFound("such address".to_owned()),
        status if status.is_server_error() => {
            AppError::Internal(anyhow::anyhow!("{status}: {text}"))
        }
        StatusCode::UNPROCESSABLE_ENTITY => AppError::Invalid {
            field: named_field(&text).unwrap_or_else(|| "body".to_owned()),
            message: text,
        },
        _ => AppError::BadRequest(text),
    };
    let mut answer = error.into_response();
    // Keep what the framework said besides the body (`Allow` on a 405).
    for (name, value) in &parts.headers {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            answer.headers_mut().entry(name).or_insert(value.clone());
        }
    }
    answer
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_read_in_megabytes_or_bytes() {
        assert_eq!(BodyLimit(2 * 1024 * 1024).describe(), "2 MB");
        assert_eq!(
            BodyLimit(64 * 1024 * 1024 + 64 * 1024).describe(),
            "64.1 MB"
        );
        assert_eq!(BodyLimit(4096).describe(), "4096 bytes");
    }

    #[test]
    fn serde_names_missing_and_unknown_fields() {
        assert_eq!(
            named_field("missing field `date` at line 1 column 2").as_deref(),
            Some("date")
        );
        assert_eq!(
            named_field("unknown field `rpee`, expected one of").as_deref(),
            Some("rpee")
        );
        assert_eq!(named_field("invalid type: string"), None);
    }
}
