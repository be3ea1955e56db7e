//! IP networks in CIDR notation (`10.0.0.0/8`, `::1/128`, or a bare address), for
//! configuration allow-lists such as `server.metrics_allow`.

use std::fmt;
use std::net::IpAddr;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A network: an address whose bits past `prefix` are zero, and the prefix length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IpNetwork {
    network: IpAddr,
    prefix: u8,
}

impl IpNetwork {
    /// Whether `ip` is inside this network. An IPv4-mapped IPv6 address
    /// (`::ffff:127.0.0.1`, as a dual-stack listener reports IPv4 peers) is compared as the
    /// IPv4 address it carries.
    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.network, ip.to_canonical()) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                mask(u128::from(u32::from(ip)), self.prefix, 32) == u128::from(u32::from(net))
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                mask(u128::from(ip), self.prefix, 128) == u128::from(net)
            }
            _ => false,
        }
    }
}

/// Keeps the top `prefix` of `width` bits.
fn mask(bits: u128, prefix: u8, width: u32) -> u128 {
    let host_bits = width - u32::from(prefix);
    if host_bits >= 128 {
        0
    } else {
        bits >> host_bits << host_bits
    }
}

impl FromStr for IpNetwork {
    type Err = String;

    /// Parses `address/prefix` or a bare address (a single host).
    ///
    /// An address with host bits set (`10.0.0.1/8`) is refused rather than silently widened
    /// or narrowed: in an allow-list, a typo must stop start-up, not open a door.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let (address, prefix) = match text.split_once('/') {
            Some((address, prefix)) => (address, Some(prefix)),
            None => (text, None),
        };
        let network: IpAddr = address
            .trim()
            .parse()
            .map_err(|_| format!("{text:?} is not an IP address or CIDR network"))?;
        let width: u8 = if network.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => width,
            Some(prefix) => prefix
                .trim()
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= width)
                .ok_or_else(|| format!("{text:?} has a prefix length outside 0..={width}"))?,
        };
        let zeroed = host_zeroed(network, prefix);
        if zeroed != network {
            return Err(format!(
                "{text:?} has host bits set; did you mean {zeroed}/{prefix}?"
            ));
        }
        Ok(Self { network, prefix })
    }
}

fn host_zeroed(ip: IpAddr, prefix: u8) -> IpAddr {
    match ip {
        IpAddr::V4(v4) => {
            let bits = mask(u128::from(u32::from(v4)), prefix, 32);
            IpAddr::from(u32::try_from(bits).unwrap_or(0).to_be_bytes())
        }
        IpAddr::V6(v6) => IpAddr::from(mask(u128::from(v6), prefix, 128).to_be_bytes()),
    }
}

impl fmt::Display for IpNetwork {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.network, self.prefix)
    }
}

/// As written in the settings: `10.0.0.0/8`.
impl Serialize for IpNetwork {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for IpNetwork {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer)?
            .parse()
            .map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn net(text: &str) -> IpNetwork {
        text.parse().unwrap()
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn a_network_contains_exactly_its_addresses() {
        let private = net("10.0.0.0/8");
        assert!(private.contains(ip("10.0.0.0")));
        assert!(private.contains(ip("10.255.255.255")));
        assert!(!private.contains(ip("11.0.0.0")));
        assert!(!private.contains(ip("9.255.255.255")));
        let v6 = net("2001:db8::/32");
        assert!(v6.contains(ip("2001:db8:ffff::1")));
        assert!(!v6.contains(ip("2001:db9::1")));
    }

    #[test]
    fn a_bare_address_is_a_single_host() {
        let host = net("127.0.0.1");
        assert_eq!(host.to_string(), "127.0.0.1/32");
        assert!(host.contains(ip("127.0.0.1")));
        assert!(!host.contains(ip("127.0.0.2")));
        assert!(net("::1").contains(ip("::1")));
    }

    #[test]
    fn ipv4_mapped_ipv6_peers_match_ipv4_networks_only_as_ipv4() {
        assert!(net("127.0.0.0/8").contains(ip("::ffff:127.0.0.1")));
        assert!(!net("::1/128").contains(ip("127.0.0.1")));
        assert!(!net("127.0.0.1/32").contains(ip("::1")));
    }

    #[test]
    fn prefix_zero_matches_every_address_of_its_family() {
        assert!(net("0.0.0.0/0").contains(ip("203.0.113.7")));
        assert!(net("::/0").contains(ip("2001:db8::7")));
        assert!(!net("0.0.0.0/0").contains(ip("2001:db8::7")));
    }

    #[test]
    fn host_bits_bad_prefixes_and_garbage_are_refused() {
        let error = "10.0.0.1/8".parse::<IpNetwork>().unwrap_err();
        assert!(error.contains("did you mean 10.0.0.0/8"), "{error}");
        assert!("10.0.0.0/33".parse::<IpNetwork>().is_err());
        assert!("::/129".parse::<IpNetwork>().is_err());
        assert!("10.0.0.0/-1".parse::<IpNetwork>().is_err());
        assert!("localhost".parse::<IpNetwork>().is_err());
        assert!("".parse::<IpNetwork>().is_err());
    }

    proptest! {
        #[test]
        fn every_v4_network_contains_its_own_address_range(raw in any::<u32>(), prefix in 0u8..=32) {
            let base = host_zeroed(IpAddr::from(raw.to_be_bytes()), prefix);
            let network: IpNetwork = format!("{base}/{prefix}").parse().unwrap();
            prop_assert!(network.contains(IpAddr::from(raw.to_be_bytes())));
            prop_assert_eq!(network.to_string().parse::<IpNetwork>().unwrap(), network);
        }

        #[test]
        fn parsing_arbitrary_text_never_panics(text in ".{0,60}") {
            let _ = text.parse::<IpNetwork>();
        }
    }
}
