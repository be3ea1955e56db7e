//! The label sets of the metric families.
//!
//! Every value comes from a bounded set (route patterns, methods, status codes, purposes,
//! reasons, kinds), never from raw request input, so the number of series stays bounded.

use std::borrow::Cow;
use std::fmt;
use std::hash::{BuildHasher, Hash, Hasher};

use foldhash::fast::FixedState;
use prometheus_client::encoding::{EncodeLabelSet, LabelSetEncoder};

/// A label set that hashes as one word, its foldhash.
///
/// A family finds its series in a std `HashMap`, whose SipHash pays dearly for each write of
/// a few bytes: hashed field by field, a request's labels cost more than the rest of its
/// metrics. foldhash takes them in a few instructions and leaves SipHash one word. Label
/// values come from bounded sets, never from the client, so a weaker hash invites no
/// collision flooding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hashed<L>(pub L);

impl<L: Hash> Hash for Hashed<L> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_u64(FixedState::default().hash_one(&self.0));
    }
}

impl<L: EncodeLabelSet> EncodeLabelSet for Hashed<L> {
    fn encode(&self, encoder: &mut LabelSetEncoder) -> fmt::Result {
        self.0.encode(encoder)
    }
}

/// A request's matched route pattern and method.
#[derive(Clone, Debug, PartialEq, Eq, Hash, EncodeLabelSet)]
pub struct RouteLabels {
    /// The route pattern (`/password/reset`), or [`super::registry::UNMATCHED_ROUTE`],
    /// borrowed: the pattern a matched route reports is an owned string already.
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
