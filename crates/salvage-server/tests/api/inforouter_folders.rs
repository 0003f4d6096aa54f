//! infoRouter folder and document operations over the bindings.

#[allow(unused_imports)]
use crate::support::*;
