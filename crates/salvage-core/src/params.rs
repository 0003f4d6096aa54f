//! The parameter language every face shares: times and users written the way people write
//! them, read by one parser, so that `since=2026-12-07` means the same over REST, in the web
//! pages and on the command line, and a refusal always names the parameter and what it takes.

use crate::error::{Error, Result};
use crate::model::{Actor, UserId};
use crate::repository::Repository;
use crate::store::TrashFilter;
use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, NaiveTime, Utc};

/// Every form a time parameter accepts, for messages and documentation.
pub const TIME_FORMS: &str = "RFC 3339 (2026-03-01T10:00:00Z), a date (2026-03-01), a date and time in UTC \
     (2026-03-01 10:00), a time today in UTC (10:00) or an age (90m, 2h, 7d)";

/// Which end of a range a time bounds. A date alone stands for its whole day: from its first
/// moment, or up to its last.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bound {
    From,
    Until,
}

/// Reads the time parameter `param` (for the message) from `text`, relative to `now` for the
/// forms that need it (a time today, an age).
pub fn parse_time(param: &str, text: &str, bound: Bound, now: DateTime<Utc>) -> Result<DateTime<Utc>> {
    let s = text.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(t.with_timezone(&Utc));
    }
    // `%.f` also reads no fraction: SOAP clients send `dateTime`s with and without one.
    for format in [
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
    ] {
        if let Ok(t) = NaiveDateTime::parse_from_str(s, format) {
            return Ok(t.and_utc());
        }
    }
    if let Ok(day) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        let start = day.and_time(NaiveTime::MIN).and_utc();
        return Ok(match bound {
            Bound::From => start,
            Bound::Until => start + Duration::days(1) - Duration::milliseconds(1),
        });
    }
    for format in ["%H:%M", "%H:%M:%S"] {
        if let Ok(t) = NaiveTime::parse_from_str(s, format) {
            return Ok(now.date_naive().and_time(t).and_utc());
        }
    }
    if let Some(ago) = parse_age(s).and_then(|age| now.checked_sub_signed(age)) {
        return Ok(ago);
    }
    Err(Error::InvalidInput(format!(
        "{param} must be a time: {TIME_FORMS}; {text:?} is none of these"
    )))
}

/// A path filter written any way people write paths (`/Finance/Q1`, `Finance\\Q1\\`, `\\Finance`)
/// as the store compares it: one leading slash, forward slashes, none at the end. Empty or the
/// root alone is no filter.
pub fn path_prefix(text: &str) -> Option<String> {
    let trimmed = text.trim().replace('\\', "/");
    let trimmed = trimmed.trim_matches('/');
    (!trimmed.is_empty()).then(|| format!("/{trimmed}"))
}

impl TrashFilter {
    /// This filter narrowed to deletions made at `path` or below it, the path written any way
    /// people write paths (see `path_prefix`); an empty path or the root narrows nothing. Every
    /// face's "under this folder" filter is this one.
    pub fn under(self, path: &str) -> TrashFilter {
        TrashFilter {
            path_prefix: path_prefix(path),
            ..self
        }
    }
}

/// `90m`, `2h`, `7d`, `1w`, `30s`.
fn parse_age(s: &str) -> Option<Duration> {
    let unit = s.chars().last()?;
    let n: i64 = s[..s.len() - unit.len_utf8()].trim().parse().ok()?;
    match unit {
        's' => Duration::try_seconds(n),
        'm' => Duration::try_minutes(n),
        'h' => Duration::try_hours(n),
        'd' => Duration::try_days(n),
        'w' => Duration::try_weeks(n),
        _ => None,
    }
}

impl Repository {
    /// The member of the caller's tenant that the user parameter `param` names: by user name or
    /// e-mail address (in any case), or by id. Every member may know the others' names (access
    /// lists name them), so this tells nothing a member may not know; a name that is no member
    /// of this tenant is refused alike whether it exists elsewhere or not.
    pub async fn user_param(&self, actor: &Actor, param: &str, text: &str) -> Result<UserId> {
        let text = text.trim();
        let mut tx = self.store.read().await?;
        if let Some(user) = tx.user_by_login(text).await? {
            if tx.membership(user.id, actor.tenant_id).await?.is_some() {
                return Ok(user.id);
            }
        }
        // An id names whoever has it; one that is no member simply matches nothing.
        text.parse::<UserId>().map_err(|_| {
            Error::InvalidInput(format!(
                "{param} must name a user of this tenant, by user name, e-mail address or id; there is no user {text:?}"
            ))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn every_form_of_a_time() {
        let now = Utc.with_ymd_and_hms(2026, 3, 1, 12, 0, 0).unwrap();
        let ten = Utc.with_ymd_and_hms(2026, 3, 1, 10, 0, 0).unwrap();
        let read = |s: &str| parse_time("since", s, Bound::From, now).unwrap();
        assert_eq!(read("2026-03-01T10:00:00Z"), ten);
        assert_eq!(read("2026-03-01T11:00:00+01:00"), ten);
        assert_eq!(read("2026-03-01 10:00"), ten);
        assert_eq!(read("2026-03-01T10:00:00"), ten);
        assert_eq!(read("2026-03-01T10:00:00.000"), ten);
        assert_eq!(read("10:00"), ten);
        assert_eq!(read("2h"), ten);
        assert_eq!(read("120m"), ten);
        assert_eq!(read(" 2026-03-01 "), Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 0).unwrap());
    }

    #[test]
    fn path_filters_are_read_whichever_slash_they_use() {
        assert_eq!(path_prefix("\\Finance\\Q1\\").as_deref(), Some("/Finance/Q1"));
        assert_eq!(path_prefix(" Finance/Q1 ").as_deref(), Some("/Finance/Q1"));
        assert_eq!(path_prefix("/"), None);
        assert_eq!(path_prefix(""), None);
    }

    #[test]
    fn a_date_alone_is_its_whole_day() {
        let now = Utc::now();
        let from = parse_time("since", "2026-12-07", Bound::From, now).unwrap();
        let until = parse_time("until", "2026-12-07", Bound::Until, now).unwrap();
        assert_eq!(from, Utc.with_ymd_and_hms(2026, 12, 7, 0, 0, 0).unwrap());
        assert_eq!(
            until,
            Utc.with_ymd_and_hms(2026, 12, 8, 0, 0, 0).unwrap() - Duration::milliseconds(1)
        );
    }

    #[test]
    fn a_refusal_names_the_parameter_and_the_forms() {
        let err = parse_time("until", "yesterday-ish", Bound::Until, Utc::now()).unwrap_err();
        let text = err.to_string();
        assert!(text.contains("until must be a time"), "{text}");
        assert!(text.contains("RFC 3339") && text.contains("2026-03-01"), "{text}");
        assert!(parse_time("since", "99999999999d", Bound::From, Utc::now()).is_err());
    }
}
