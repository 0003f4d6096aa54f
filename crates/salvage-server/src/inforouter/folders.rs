//! infoRouter operations (being written).

use super::binding::Call;
use super::xml::Node;
use super::Operation;
use crate::state::AppState;

pub const OPERATIONS: &[Operation] = &[];

/// Runs the call if it is one of this module's operations.
pub async fn run(_state: &AppState, _call: &Call) -> Option<Node> {
    None
}
