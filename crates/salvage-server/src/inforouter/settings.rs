//! GetGeneralAppSettings and SetGeneralAppSettings (spec §6.9): the recycle-bin retention of the
//! tenant, inside infoRouter's `<GeneralSettings>` document.
//!
//! salvage keeps only the two recycle-bin settings. The other elements are written with the
//! values salvage actually works with (or infoRouter's documented defaults where salvage has no
//! such feature) so that clients which read the whole document and send it back keep working;
//! on Set they are read and left alone.

use super::auth::{caller, Unauthenticated};
use super::binding::Call;
use super::errors::{self, system_error, AUTH_FAILED, INVALID_TICKET};
use super::upload::DEFAULT_CHUNK_SIZE;
use super::xml::XmlNode;
use super::Operation;
use crate::soap::read_document;
use crate::state::AppState;
use salvage_core::model::TrashSettings;

pub const OPERATIONS: &[Operation] = &[
    Operation {
        name: "GetGeneralAppSettings",
        params: &["authenticationTicket"],
    },
    Operation {
        name: "SetGeneralAppSettings",
        params: &["authenticationTicket", "settingsXml"],
    },
];

/// Runs the call if it is one of this module's operations.
pub async fn run(state: &AppState, call: &Call) -> Option<XmlNode> {
    Some(match call.operation.as_str() {
        "GetGeneralAppSettings" => get_settings(state, call).await,
        "SetGeneralAppSettings" => set_settings(state, call).await,
        _ => return None,
    })
}

const ANONYMOUS: &str = "[2730]Insufficient rights. Anonymous users cannot perform this action";
const INVALID_FORMAT: &str = "Invalid settings XML format";
/// infoRouter counts System Recycle Bin retention in months (1–36); salvage keeps days.
const DAYS_PER_MONTH: u32 = 30;
const MAX_MONTHS: u32 = 36;
/// Ten years: the longest a user's bin may keep an item before it moves to the system bin.
const MAX_USER_BIN_DAYS: u32 = 3650;

/// Retention in months as infoRouter writes it: `0` for "never purge", otherwise whole months,
/// rounded up so an item is never reported as purged sooner than it is.
fn months(system_bin_days: u32) -> u32 {
    system_bin_days.div_ceil(DAYS_PER_MONTH).min(MAX_MONTHS)
}

/// GetGeneralAppSettings(authenticationTicket): any signed-in user may read them.
async fn get_settings(state: &AppState, call: &Call) -> XmlNode {
    let actor = match caller(state, call).await {
        Ok(a) => a,
        Err(Unauthenticated::Missing) => return XmlNode::failure("response", AUTH_FAILED, 4010),
        Err(Unauthenticated::Invalid) => return XmlNode::failure("response", INVALID_TICKET, 4010),
    };
    let tenant = match state.repo.tenant(&actor).await {
        Ok(t) => t,
        Err(e) => return system_error("response", &e),
    };
    let mut node = XmlNode::new("response").attr("success", "true");
    node.push(document(state, &tenant.settings));
    node
}

fn element(name: &'static str, value: impl ToString) -> XmlNode {
    XmlNode::element(name, value.to_string())
}

fn group(name: &'static str, children: Vec<XmlNode>) -> XmlNode {
    let mut node = XmlNode::new(name);
    for c in children {
        node.push(c);
    }
    node
}

/// The `<GeneralSettings>` document, children in the documented order.
fn document(state: &AppState, settings: &TrashSettings) -> XmlNode {
    let workday = |on: bool| on.to_string();
    group(
        "GeneralSettings",
        vec![
            group(
                "UploadSettings",
                vec![
                    element("DocumentMaxSize", state.limits.max_upload_bytes),
                    element("FileUploadTimeOut", super::upload::IDLE_TIMEOUT.as_secs()),
                    element("DefaultUploadFileChunkSize", DEFAULT_CHUNK_SIZE),
                ],
            ),
            element("AllowOwnershipTransfer", false),
            element("WebDav", false),
            element("DisplayAddIns", false),
            element("MinYearInDateControls", 1900),
            element("SystemRecycleBinAutoPurgeOption", months(settings.system_bin_days)),
            element("MoveUsersRecycleBinToSystemRecycleBinIn", settings.user_bin_days),
            element("RerouteRedirections", false),
            element("SendDiagnosticsAndStatistics", false),
            group(
                "Workdays",
                vec![
                    element("Monday", workday(true)),
                    element("Tuesday", workday(true)),
                    element("Wednesday", workday(true)),
                    element("Thursday", workday(true)),
                    element("Friday", workday(true)),
                    element("Saturday", workday(false)),
                    element("Sunday", workday(false)),
                    element("StartHour", 9),
                    element("StartMinute", 0),
                    element("EndHour", 17),
                    element("EndMinute", 0),
                ],
            ),
            XmlNode::new("HolidayList"),
            group(
                "ZipDownloadSetting",
                vec![
                    element("Enabled", false),
                    element("MaxTotalSize", 0),
                    element("MaxTotalCount", 0),
                ],
            ),
            element("SearchPageSize", 50),
        ],
    )
}

/// Reads the recycle-bin settings out of a `<GeneralSettings>` document into `current`; an
/// element that is absent keeps its current value.
fn apply(xml: &str, current: TrashSettings) -> Result<TrashSettings, String> {
    let root = read_document(xml.trim().as_bytes()).map_err(|_| INVALID_FORMAT.to_owned())?;
    if root.name != "GeneralSettings" {
        return Err(INVALID_FORMAT.to_owned());
    }
    let number = |name: &str, max: u32, what: &str| -> Result<Option<u32>, String> {
        let Some(e) = root.child(name) else {
            return Ok(None);
        };
        match e.text.trim().parse::<u32>() {
            Ok(n) if n <= max => Ok(Some(n)),
            _ => Err(format!("{name} must be {what}, not \"{}\".", e.text.trim())),
        }
    };
    let mut settings = current;
    if let Some(m) = number(
        "SystemRecycleBinAutoPurgeOption",
        MAX_MONTHS,
        "0 (never purge) or 1 to 36 months",
    )? {
        settings.system_bin_days = m * DAYS_PER_MONTH;
    }
    if let Some(d) = number(
        "MoveUsersRecycleBinToSystemRecycleBinIn",
        MAX_USER_BIN_DAYS,
        "0 (never move) or a number of days up to 3650",
    )? {
        settings.user_bin_days = d;
    }
    Ok(settings)
}

/// SetGeneralAppSettings(authenticationTicket, settingsXml): administrators only.
async fn set_settings(state: &AppState, call: &Call) -> XmlNode {
    let actor = match caller(state, call).await {
        Ok(a) => a,
        Err(Unauthenticated::Missing) => return XmlNode::failure("root", ANONYMOUS, 4010),
        Err(Unauthenticated::Invalid) => return XmlNode::failure("root", INVALID_TICKET, 4010),
    };
    let tenant = match state.repo.tenant(&actor).await {
        Ok(t) => t,
        Err(e) => return system_error("root", &e),
    };
    let settings = match apply(call.param("settingsXml"), tenant.settings) {
        Ok(s) => s,
        Err(message) => return XmlNode::failure("root", &message, 4000),
    };
    match state.repo.set_trash_settings(&actor, settings).await {
        Ok(()) => XmlNode::new("root").attr("success", "true"),
        Err(e) => errors::SET_SETTINGS.failure(&e).node("root"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retention_months_round_up() {
        assert_eq!(months(0), 0);
        assert_eq!(months(1), 1);
        assert_eq!(months(60), 2);
        assert_eq!(months(61), 3);
        assert_eq!(months(100_000), 36);
    }

    #[test]
    fn settings_are_read_and_absent_ones_kept() {
        let current = TrashSettings::default();
        let xml = "<GeneralSettings><WebDav>true</WebDav><SystemRecycleBinAutoPurgeOption>3</SystemRecycleBinAutoPurgeOption></GeneralSettings>";
        let s = apply(xml, current).unwrap();
        assert_eq!(s.system_bin_days, 90);
        assert_eq!(s.user_bin_days, current.user_bin_days);
        let s = apply(
            "<GeneralSettings><MoveUsersRecycleBinToSystemRecycleBinIn>0</MoveUsersRecycleBinToSystemRecycleBinIn></GeneralSettings>",
            current,
        )
        .unwrap();
        assert_eq!(s.user_bin_days, 0);
    }

    #[test]
    fn bad_settings_are_refused_with_the_reason() {
        let current = TrashSettings::default();
        assert_eq!(apply("<GeneralSettings>", current), Err(INVALID_FORMAT.into()));
        assert_eq!(apply("<Settings/>", current), Err(INVALID_FORMAT.into()));
        let err = apply(
            "<GeneralSettings><SystemRecycleBinAutoPurgeOption>37</SystemRecycleBinAutoPurgeOption></GeneralSettings>",
            current,
        )
        .unwrap_err();
        assert!(err.contains("1 to 36 months"), "{err}");
    }
}
