//! Making a call as a caller and reading its outcome, per API, in the words the table uses.

use super::*;

impl World {
    pub(super) async fn perform(&self, who: Who, call: &Call) -> Answer {
        let ticket = self.tickets.get(who.label()).filter(|_| who != Who::Anonymous);
        match call {
            Call::Rest(method, path, body) => {
                let r = self
                    .s
                    .send(method.clone(), path, ticket.map(String::as_str), body.clone())
                    .await;
                Answer {
                    outcome: rest_outcome(&r),
                    raw: raw_reply(r.status.as_u16(), &r.headers, &r.bytes),
                }
            }
            Call::Ir(op, params) => {
                let mut form: Vec<(&str, &str)> = Vec::new();
                if let Some(t) = ticket {
                    form.push(("AuthenticationTicket", t));
                }
                form.extend(params.iter().map(|(k, v)| (*k, v.as_str())));
                let res = self
                    .s
                    .http
                    .post(format!("{}/srv.asmx/{op}", self.s.base))
                    .form(&form)
                    .send()
                    .await
                    .unwrap();
                let (status, headers) = (res.status().as_u16(), res.headers().clone());
                let bytes = res.bytes().await.unwrap();
                Answer {
                    outcome: ir_outcome(status, &bytes),
                    raw: raw_reply(status, &headers, &bytes),
                }
            }
            Call::S7(op, fields) => {
                let auth = match who {
                    Who::Anonymous => Auth::None,
                    Who::Bogus => Auth::Header("owner".into(), "wrong password".into()),
                    Who::Admin => Auth::admin(),
                    _ => Auth::Header(who.username().unwrap(), PASSWORD.into()),
                };
                let body = envelope(
                    SOAP11,
                    &auth,
                    &format!("<{op}Param xmlns=\"{V2008}\">{fields}</{op}Param>"),
                );
                let res = self
                    .s
                    .http
                    .post(format!("{}/scene7/services/IpsApiService", self.s.base))
                    .header("content-type", "text/xml; charset=UTF-8")
                    .body(body)
                    .send()
                    .await
                    .unwrap();
                let (status, headers) = (res.status().as_u16(), res.headers().clone());
                let bytes = res.bytes().await.unwrap();
                Answer {
                    outcome: s7_outcome(status, &bytes),
                    raw: raw_reply(status, &headers, &bytes),
                }
            }
        }
    }
}

fn raw_reply(status: u16, headers: &reqwest::header::HeaderMap, body: &[u8]) -> String {
    let mut out = format!("{status}\n");
    for (k, v) in headers {
        if !matches!(k.as_str(), "x-request-id" | "date" | "content-length") {
            writeln!(out, "{k}: {}", v.to_str().unwrap_or("?")).unwrap();
        }
    }
    out.push_str(&String::from_utf8_lossy(body));
    out
}

/// `ok`, `ok (none)` for a batch that found nothing, `item <status> <code>` for a batch whose
/// first item did not succeed, or `<status> <code>` for a problem.
fn rest_outcome(r: &Reply) -> String {
    let v: Value = serde_json::from_slice(&r.bytes).unwrap_or(Value::Null);
    if !r.status.is_success() {
        return format!("{} {}", r.status.as_u16(), v["code"].as_str().unwrap_or("?"));
    }
    // Restore reports hold `results`; a purge answers an array of the same.
    match v["results"].as_array().or(v.as_array()) {
        Some(results) if results.is_empty() => "ok (none)".into(),
        Some(results) => match results
            .iter()
            .find(|i| i.get("status").is_some_and(|s| s != "restored" && s != "purged"))
        {
            None => "ok".into(),
            Some(i) => format!(
                "item {} {}",
                i["status"].as_str().unwrap_or("?"),
                i["problem"]["code"].as_str().unwrap_or("?")
            ),
        },
        None => "ok".into(),
    }
}

/// `ok`, or the error string and code of `success="false"`.
fn ir_outcome(status: u16, bytes: &[u8]) -> String {
    let Ok(node) = read_document(bytes) else {
        return format!("{status} {}", String::from_utf8_lossy(bytes));
    };
    if node.attribute("success") == Some("true") {
        return "ok".into();
    }
    // DownloadDocument answers the content alone, empty when it cannot be had.
    if node.name == "base64Binary" {
        return if node.text.is_empty() { "empty content" } else { "ok" }.into();
    }
    format!(
        "{} #{}",
        node.attribute("error").unwrap_or("?"),
        node.attribute("errorCode").unwrap_or("-")
    )
}

/// `ok`, `items <code>` for a batch with a failed item, or `<fault kind> <code>`.
fn s7_outcome(status: u16, bytes: &[u8]) -> String {
    let Ok(env) = read_envelope(bytes) else {
        return format!("{status} not SOAP");
    };
    if env.body.name == "Fault" {
        let detail = env.body.child("detail").or_else(|| env.body.child("Detail"));
        return match detail.and_then(|d| d.children.first()) {
            Some(d) => format!("{} {}", d.name, d.child("code").map_or("?", |c| c.text.as_str())),
            None => "fault without detail".into(),
        };
    }
    let count = |name: &str| env.body.child(name).map(|c| c.text.clone());
    match count("errorCount").as_deref() {
        Some("0") | None => match count("successCount").as_deref() {
            Some("0") => "ok (none)".into(),
            _ => "ok".into(),
        },
        Some(_) => {
            let first = env
                .body
                .child("errorDetailArray")
                .and_then(|a| a.children.first())
                .and_then(|i: &Element| i.child("code"))
                .map_or("?".to_owned(), |c| c.text.clone());
            format!("items {first}")
        }
    }
}
