//! The label sets of the metric families.
//!
//! Every value comes from a bounded set (route patterns, methods, status codes, purposes,
//! reasons, kinds), never from raw request input, so the number of series stays bounded.

use std::borrow::Cow;

use prometheus_client::encoding::EncodeLabelSet;

/// A request's matched route pattern and method.
#[derive(Clone, Debug, PartialEq, Eq, Hash, EncodeLabelSet)]
pub struct RouteLabels {
    /// The route pattern (`/password/reset`), or [`super::registry::UNMATCHED_ROUTE`]. Borrowed when
    /// no route matched; the pattern a route reports is already an owned string.
    pub route: Cow<'static, str>,
    /// One of a few methods, or `other`.
    pub method: &'static str,
}

/// A request's route labels and its answer's status.
#[derive(Clone, Debug, PartialEq, Eq, Hash, EncodeLabelSet)]
pub struct RequestLabels {
    /// The route pattern and method.
    #[prometheus(flatten)]
    pub route: RouteLabels,
    /// The HTTP status code.
    pub status: u16,
}

/// A link's purpose.
#[derive(Clone, Debug, PartialEq, Eq, Hash, EncodeLabelSet)]
pub struct PurposeLabels {
    /// [`token_core::Purpose::as_str`].
    pub purpose: &'static str,
}

/// A refused link's purpose and why it was refused.
#[derive(Clone, Debug, PartialEq, Eq, Hash, EncodeLabelSet)]
pub struct RejectionLabels {
    /// [`token_core::Purpose::as_str`].
    pub purpose: &'static str,
    /// One of [`super::reasons`].
    pub reason: &'static str,
}

/// An outbox job's kind, or a rate limit's.
#[derive(Clone, Debug, PartialEq, Eq, Hash, EncodeLabelSet)]
pub struct KindLabels {
    /// The kind's name.
    pub kind: &'static str,
}

/// The build's version.
#[derive(Clone, Debug, PartialEq, Eq, Hash, EncodeLabelSet)]
pub struct BuildLabels {
    /// The crate's version.
    pub version: &'static str,
}
