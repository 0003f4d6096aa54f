//! The REST API's contract, held by every test: each response the server gives under `/api/v1`
//! is checked against the OpenAPI document it serves — the status must be declared for the
//! operation, the media type must be one the response declares, a JSON body must match its
//! schema, and the headers a client acts on (`Location`, `Retry-After`, `Content-Range`,
//! `Content-Disposition`, `WWW-Authenticate`) must be declared. File contents are checked by
//! media type only.
//!
//! The check is a layer around the application that `support` serves, so no test can reach the
//! API around it; a mismatch is kept and fails the test when its server is dropped.

use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};

/// What went wrong so far on one server.
pub type Mismatches = Arc<Mutex<Vec<String>>>;

/// Wraps `app` so each of its REST responses is checked, and mismatches land in `found`.
pub fn checked(app: axum::Router, found: Mismatches) -> axum::Router {
    app.layer(axum::middleware::from_fn(move |request: Request, next: Next| {
        let found = found.clone();
        async move { check(request, next, found).await }
    }))
}

async fn check(request: Request, next: Next, found: Mismatches) -> Response {
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let response = next.run(request).await;
    let Some(api_path) = path.strip_prefix("/api/v1") else {
        return response;
    };
    if api_path == "/openapi.json" {
        return response;
    }
    let (parts, body) = response.into_parts();
    let media = media_type(&parts.headers);
    // Binary bodies stream on untouched (some tests time them); the rest are small and read whole.
    let read = media.as_deref().is_none_or(is_json);
    let (body, bytes) = if read {
        let bytes = axum::body::to_bytes(body, usize::MAX).await.unwrap_or_default();
        (Body::from(bytes.clone()), Some(bytes))
    } else {
        (body, None)
    };
    if let Err(why) = CONTRACT.check(&method, api_path, parts.status, &parts.headers, bytes.as_deref()) {
        found
            .lock()
            .unwrap()
            .push(format!("{method} {path} answered {}: {why}", parts.status));
    }
    Response::from_parts(parts, body)
}

fn media_type(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::CONTENT_TYPE)?.to_str().ok()?;
    Some(value.split(';').next().unwrap_or_default().trim().to_ascii_lowercase())
}

fn is_json(media: &str) -> bool {
    media == "application/json" || media.ends_with("+json")
}

/// The headers whose presence a client acts on: each must be declared where it is sent.
const MEANINGFUL_HEADERS: [&str; 5] = [
    "location",
    "retry-after",
    "content-range",
    "content-disposition",
    "www-authenticate",
];

/// The served document, with each path template split for matching.
pub struct Contract {
    doc: Value,
    templates: Vec<(String, Vec<String>)>,
    /// Validators by the JSON pointer of the schema they check.
    validators: Mutex<HashMap<String, Arc<jsonschema::Validator>>>,
}

pub static CONTRACT: LazyLock<Contract> = LazyLock::new(|| {
    let doc = serde_json::to_value(salvage_server::rest::openapi()).expect("the document serializes");
    Contract::new(doc)
});

impl Contract {
    pub fn new(doc: Value) -> Contract {
        let templates = doc["paths"]
            .as_object()
            .expect("the document has paths")
            .keys()
            .map(|t| (t.clone(), t.split('/').map(str::to_owned).collect()))
            .collect();
        Contract {
            doc,
            templates,
            validators: Mutex::new(HashMap::new()),
        }
    }

    /// The path template `path` routes to: like the router, a literal segment wins over a
    /// parameter at the same place.
    fn template(&self, path: &str) -> Option<&str> {
        let segments: Vec<&str> = path.split('/').collect();
        self.templates
            .iter()
            .filter(|(_, t)| {
                t.len() == segments.len()
                    && t.iter()
                        .zip(&segments)
                        .all(|(t, s)| t == s || (t.starts_with('{') && !s.is_empty()))
            })
            .max_by_key(|(_, t)| t.iter().map(|s| !s.starts_with('{')).collect::<Vec<_>>())
            .map(|(name, _)| name.as_str())
    }

    /// Whether this response is one the document allows.
    pub fn check(
        &self,
        method: &Method,
        path: &str,
        status: StatusCode,
        headers: &HeaderMap,
        body: Option<&[u8]>,
    ) -> Result<(), String> {
        let template = self.template(path);
        let method_key = if method == Method::HEAD {
            "get".to_owned()
        } else {
            method.as_str().to_ascii_lowercase()
        };
        let operation = template.and_then(|t| self.doc["paths"][t].get(&method_key).map(|o| (t, o)));
        let Some((template, operation)) = operation else {
            // No such operation: the router's refusals, which no document can list.
            return match status.as_u16() {
                404 | 405 => self.problem_or_empty(headers, body),
                _ => Err(format!(
                    "no operation {} {path} in the document",
                    method_key.to_uppercase()
                )),
            };
        };
        let op = format!("{} {template}", method_key.to_uppercase());
        let code = status.as_u16().to_string();
        let Some(response) = operation["responses"].get(&code) else {
            return Err(format!(
                "{op} does not declare status {code} (it declares {})",
                keys(&operation["responses"])
            ));
        };
        let pointer = format!(
            "/paths/{}/{method_key}/responses/{code}",
            template.replace('~', "~0").replace('/', "~1")
        );
        for name in MEANINGFUL_HEADERS {
            let declared = response["headers"]
                .as_object()
                .is_some_and(|h| h.keys().any(|k| k.eq_ignore_ascii_case(name)));
            if headers.contains_key(name) && !declared {
                return Err(format!("{op} {code} sends {name}, which it does not declare"));
            }
        }
        let content = response.get("content").and_then(Value::as_object);
        let media = media_type(headers);
        let (Some(content), Some(media)) = (content, media.as_deref()) else {
            return match (content, body) {
                (None, Some(b)) if !b.is_empty() => Err(format!("{op} {code} declares no body but got one")),
                (Some(c), _) if media.is_none() => Err(format!(
                    "{op} {code} declares {} but the response has no Content-Type",
                    keys(&Value::Object(c.clone()))
                )),
                _ => Ok(()),
            };
        };
        let Some(declared) = content.get(media).or_else(|| content.get("*/*")) else {
            return Err(format!(
                "{op} {code} is {media}, but declares {}",
                keys(&Value::Object(content.clone()))
            ));
        };
        // A HEAD answer has its GET's headers and no body.
        if declared["schema"].is_null() || !is_json(media) || method == Method::HEAD {
            return Ok(());
        }
        let bytes = body.unwrap_or_default();
        let instance: Value =
            serde_json::from_slice(bytes).map_err(|e| format!("{op} {code}: the {media} body does not parse: {e}"))?;
        let schema_pointer = format!("{pointer}/content/{}/schema", media.replace('/', "~1"));
        self.validate(&schema_pointer, &instance)
            .map_err(|e| format!("{op} {code}: {e}"))
    }

    /// A refusal of the router: an empty body, or a problem document.
    fn problem_or_empty(&self, headers: &HeaderMap, body: Option<&[u8]>) -> Result<(), String> {
        match (media_type(headers), body) {
            (_, Some([])) => Ok(()),
            (Some(m), Some(bytes)) if m == "application/problem+json" => {
                let instance: Value = serde_json::from_slice(bytes).map_err(|e| e.to_string())?;
                self.validate("/components/schemas/Problem", &instance)
            }
            (m, _) => Err(format!(
                "a refusal of the router with a {m:?} body instead of a problem"
            )),
        }
    }

    /// Validates `instance` against the schema at `pointer` in the document.
    pub fn validate(&self, pointer: &str, instance: &Value) -> Result<(), String> {
        let validator = {
            let mut validators = self.validators.lock().unwrap();
            let validator = match validators.get(pointer) {
                Some(v) => v.clone(),
                None => {
                    let v = Arc::new(self.validator(pointer)?);
                    validators.insert(pointer.to_owned(), v.clone());
                    v
                }
            };
            validator
        };
        let errors: Vec<String> = validator
            .iter_errors(instance)
            .map(|e| format!("at {}: {e}", e.instance_path()))
            .collect();
        if errors.is_empty() {
            Ok(())
        } else {
            Err(format!(
                "the body does not match its schema: {}; body: {instance}",
                errors.join("; ")
            ))
        }
    }

    fn validator(&self, pointer: &str) -> Result<jsonschema::Validator, String> {
        let schema = self
            .doc
            .pointer(pointer)
            .ok_or_else(|| format!("no schema at {pointer}"))?;
        // The schema with the document's components beside it, so its `$ref`s resolve; objects
        // are closed, so a field the document does not describe is a mismatch too.
        let mut root = Map::new();
        root.insert("$schema".into(), "https://json-schema.org/draft/2020-12/schema".into());
        root.insert("allOf".into(), Value::Array(vec![closed(schema.clone())]));
        root.insert("components".into(), closed(self.doc["components"].clone()));
        jsonschema::draft202012::new(&Value::Object(root))
            .map_err(|e| format!("the schema at {pointer} is invalid: {e}"))
    }
}

/// `schema` with every object that lists its properties closed to others.
fn closed(mut schema: Value) -> Value {
    fn walk(v: &mut Value) {
        match v {
            Value::Object(map) => {
                if map.contains_key("properties") && !map.contains_key("additionalProperties") {
                    map.insert("additionalProperties".into(), Value::Bool(false));
                }
                map.values_mut().for_each(walk);
            }
            Value::Array(items) => items.iter_mut().for_each(walk),
            _ => {}
        }
    }
    walk(&mut schema);
    schema
}

fn keys(v: &Value) -> String {
    v.as_object()
        .map(|m| m.keys().cloned().collect::<Vec<_>>().join(", "))
        .unwrap_or_default()
}

/// The checker itself must be able to fail.
#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn json_headers(media: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::CONTENT_TYPE, media.parse().unwrap());
        h
    }

    fn check(method: Method, path: &str, status: u16, media: &str, body: &Value) -> Result<(), String> {
        CONTRACT.check(
            &method,
            path,
            StatusCode::from_u16(status).unwrap(),
            &json_headers(media),
            Some(body.to_string().as_bytes()),
        )
    }

    fn problem(status: u16) -> Value {
        json!({"type": "urn:salvage:problem:x", "title": "X", "status": status, "detail": "x", "code": "x"})
    }

    #[test]
    fn the_contract_accepts_a_declared_problem() {
        check(Method::GET, "/trash", 401, "application/problem+json", &problem(401)).unwrap();
        check(
            Method::GET,
            "/nodes/abc",
            400,
            "application/problem+json",
            &problem(400),
        )
        .unwrap();
    }

    #[test]
    fn the_contract_reads_a_head_answer_as_its_get_without_a_body() {
        let headers = json_headers("application/json");
        CONTRACT
            .check(&Method::HEAD, "/trash", StatusCode::OK, &headers, Some(b""))
            .unwrap();
        let e = CONTRACT
            .check(&Method::HEAD, "/trash", StatusCode::IM_A_TEAPOT, &headers, Some(b""))
            .unwrap_err();
        assert!(e.contains("GET /trash does not declare status 418"), "{e}");
    }

    #[test]
    fn the_contract_refuses_an_undeclared_status() {
        let e = check(Method::GET, "/trash", 418, "application/problem+json", &problem(418)).unwrap_err();
        assert!(e.contains("does not declare status 418"), "{e}");
    }

    #[test]
    fn the_contract_refuses_a_body_off_its_schema() {
        let e = check(
            Method::GET,
            "/trash",
            200,
            "application/json",
            &json!({"items": [{"id": 1}]}),
        )
        .unwrap_err();
        assert!(e.contains("does not match its schema"), "{e}");
        let e = check(
            Method::GET,
            "/trash",
            200,
            "application/json",
            &json!({"items": [], "extra": 1}),
        )
        .unwrap_err();
        assert!(e.contains("does not match its schema"), "{e}");
        let e = check(
            Method::GET,
            "/me",
            401,
            "application/problem+json",
            &json!({"code": "x"}),
        )
        .unwrap_err();
        assert!(e.contains("does not match its schema"), "{e}");
    }

    #[test]
    fn the_contract_refuses_the_wrong_media_type() {
        let e = check(Method::GET, "/trash", 200, "text/plain", &json!({"items": []})).unwrap_err();
        assert!(e.contains("is text/plain"), "{e}");
        let e = check(Method::GET, "/trash", 400, "application/json", &problem(400)).unwrap_err();
        assert!(e.contains("is application/json"), "{e}");
    }

    #[test]
    fn the_contract_refuses_an_undeclared_header() {
        let mut headers = json_headers("application/json");
        headers.insert(header::LOCATION, "/api/v1/jobs/x".parse().unwrap());
        let body = json!({"items": []}).to_string();
        let e = CONTRACT
            .check(&Method::GET, "/trash", StatusCode::OK, &headers, Some(body.as_bytes()))
            .unwrap_err();
        assert!(e.contains("sends location"), "{e}");
    }

    /// The layer sees what the server answers, and keeps what breaks the contract.
    #[tokio::test]
    async fn the_layer_keeps_every_mismatch() {
        use axum::routing::get;
        use tower::ServiceExt;
        let teapot = || async { (StatusCode::IM_A_TEAPOT, "tea") };
        let app = axum::Router::new()
            .route("/api/v1/trash", get(teapot))
            .route("/api/v1/me", get(|| async { axum::Json(json!({"user_id": "one"})) }))
            .route("/elsewhere", get(teapot));
        let found = Mismatches::default();
        let app = checked(app, found.clone());
        for path in ["/api/v1/trash", "/api/v1/me", "/elsewhere"] {
            let request = Request::builder().uri(path).body(Body::empty()).unwrap();
            app.clone().oneshot(request).await.unwrap();
        }
        let found = found.lock().unwrap();
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found[0].contains("GET /api/v1/trash answered 418"), "{found:?}");
        assert!(found[1].contains("does not match its schema"), "{found:?}");
    }

    /// A test whose server answered off the contract fails, though its own assertions pass.
    #[tokio::test]
    #[should_panic(expected = "did not match the OpenAPI document")]
    async fn a_mismatch_fails_the_test_that_caused_it() {
        let server = crate::support::start().await;
        server.record_mismatch("GET /api/v1/trash answered 418: for this test");
    }

    #[test]
    fn the_contract_routes_literal_segments_before_parameters() {
        assert_eq!(CONTRACT.template("/trash/preflight"), Some("/trash/preflight"));
        assert_eq!(CONTRACT.template("/trash/42"), Some("/trash/{id}"));
        assert_eq!(CONTRACT.template("/nope"), None);
    }
}
