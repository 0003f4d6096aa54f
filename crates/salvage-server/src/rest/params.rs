//! What a refused path or query parameter is told, in the REST API's convention: the parameter's
//! name, what it accepts and what was given — never the deserializer's own words ("invalid digit
//! found in string", "Cannot parse `abc` to a `i64`").

use super::problem::ApiError;
use axum::extract::path::ErrorKind;
use axum::extract::rejection::PathRejection;
use axum::http::StatusCode;

/// The refusal of query parameter `param` (empty or `.` when the query as a whole is wrong),
/// given `given` (when the parameter was present), from the deserializer's `reason`.
pub(super) fn refusal(param: &str, given: Option<&str>, reason: &str) -> String {
    if let Some(field) = between(reason, "unknown field `", "`") {
        let known = reason.split_once("expected ").map(|(_, rest)| rest.replace('`', ""));
        return match known {
            Some(known) => format!("unknown query parameter {field:?}; this operation takes {known}"),
            None => format!("unknown query parameter {field:?}; this operation takes none"),
        };
    }
    if let Some(field) = between(reason, "missing field `", "`") {
        return format!("the query parameter {field} is required");
    }
    let name = if param.is_empty() || param == "." {
        "the query"
    } else {
        param
    };
    let accepts = accepts(reason);
    match given {
        Some(value) => format!("{name} must be {accepts}; {value:?} is not"),
        None => format!("{name} must be {accepts}"),
    }
}

/// The refusal of a path parameter. `template` is the route (`/api/v1/nodes/{id}`), whose
/// parameter names say which part of the path was wrong when the extractor does not.
pub(super) fn path_refusal(rejection: PathRejection, template: Option<&str>) -> ApiError {
    let PathRejection::FailedToDeserializePathParams(e) = &rejection else {
        return ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", rejection.body_text());
    };
    let (key, value, expected) = match e.kind() {
        ErrorKind::ParseErrorAtKey {
            key,
            value,
            expected_type,
        } => (Some(key.clone()), value.clone(), *expected_type),
        ErrorKind::ParseErrorAtIndex {
            index,
            value,
            expected_type,
        } => (
            template.and_then(|t| names(t).nth(*index)),
            value.clone(),
            *expected_type,
        ),
        ErrorKind::ParseError { value, expected_type } => {
            (template.and_then(|t| names(t).next()), value.clone(), *expected_type)
        }
        _ => (None, String::new(), ""),
    };
    let message = match key {
        _ if expected.is_empty() => format!("this path cannot be read: {}", e.body_text()),
        Some(key) => format!("{key} in the path must be {}; {value:?} is not", accepts_type(expected)),
        None => format!("the path must hold {}; {value:?} is not", accepts_type(expected)),
    };
    ApiError::new(StatusCode::BAD_REQUEST, "invalid-path", message)
}

/// The parameter names of a route template, in order: `{id}` of `/nodes/{id}/children`.
fn names(template: &str) -> impl Iterator<Item = String> + '_ {
    template
        .split('/')
        .filter_map(|segment| segment.strip_prefix('{')?.strip_suffix('}'))
        .map(|name| name.trim_start_matches('*').to_owned())
}

/// What a value must be, in words, from the deserializer's reason for refusing it.
fn accepts(reason: &str) -> String {
    if reason.contains("invalid digit") || reason.contains("number too") || reason.contains("empty string") {
        return "a whole number".to_owned();
    }
    if reason.contains("`true` or `false`") || reason.contains("invalid type: string") && reason.contains("bool") {
        return "true or false".to_owned();
    }
    if reason.contains("invalid float") {
        return "a number".to_owned();
    }
    if let Some((_, expected)) = reason.split_once("expected one of ") {
        return format!("one of {}", expected.replace('`', ""));
    }
    if let Some((_, expected)) = reason.split_once("expected ") {
        return expected.replace('`', "");
    }
    reason.to_owned()
}

fn accepts_type(rust_type: &str) -> &'static str {
    match rust_type {
        "i8" | "i16" | "i32" | "i64" | "u8" | "u16" | "u32" | "u64" | "usize" | "isize" => "a whole number (an id)",
        "f32" | "f64" => "a number",
        "bool" => "true or false",
        _ => "text",
    }
}

fn between<'a>(text: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let rest = &text[text.find(start)? + start.len()..];
    Some(&rest[..rest.find(end)?])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_name_the_parameter_and_what_it_takes() {
        assert_eq!(
            refusal("limit", Some("ten"), "invalid digit found in string"),
            "limit must be a whole number; \"ten\" is not"
        );
        assert_eq!(
            refusal(".", None, "unknown field `colour`, expected one of `name`, `sort`"),
            "unknown query parameter \"colour\"; this operation takes one of name, sort"
        );
        assert_eq!(
            refusal(
                "stage",
                Some("bin"),
                "unknown variant `bin`, expected `user-bin` or `system-bin`"
            ),
            "stage must be user-bin or system-bin; \"bin\" is not"
        );
        assert_eq!(names("/api/v1/nodes/{id}/children").collect::<Vec<_>>(), ["id"]);
    }
}
