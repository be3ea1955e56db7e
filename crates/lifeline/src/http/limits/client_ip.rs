//! Which address a request comes from, for rate limits and audit records.

use std::net::IpAddr;

use actix_web::HttpRequest;

/// The client's address.
///
/// `X-Forwarded-For` is believed only when the socket peer is a configured
/// trusted proxy; otherwise anyone could pick the address they are limited by.
/// The list is read from the right, skipping trusted proxies, so a client cannot
/// prepend forged entries.
pub fn client_ip(req: &HttpRequest, trusted_proxies: &[IpAddr]) -> Option<IpAddr> {
    let peer = req.peer_addr()?.ip();
    if !trusted_proxies.contains(&peer) {
        return Some(peer);
    }
    let forwarded = req
        .headers()
        .get_all("x-forwarded-for")
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect::<Vec<_>>();
    for hop in forwarded.iter().rev() {
        match hop.parse::<IpAddr>() {
            Ok(ip) if trusted_proxies.contains(&ip) => continue,
            Ok(ip) => return Some(ip),
            Err(_) => return Some(peer),
        }
    }
    Some(peer)
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    const PROXY: &str = "10.0.0.1";

    fn request(peer: &str, xff: Option<&str>) -> HttpRequest {
        let mut req = TestRequest::default().peer_addr(format!("{peer}:4000").parse().unwrap());
        if let Some(xff) = xff {
            req = req.insert_header(("X-Forwarded-For", xff));
        }
        req.to_http_request()
    }

    fn trusted() -> Vec<IpAddr> {
        vec![PROXY.parse().unwrap()]
    }

    #[test]
    fn forwarded_for_from_an_untrusted_peer_is_ignored() {
        let req = request("203.0.113.9", Some("198.51.100.1"));
        assert_eq!(
            client_ip(&req, &trusted()),
            Some("203.0.113.9".parse().unwrap())
        );
    }

    #[test]
    fn forwarded_for_from_a_trusted_proxy_names_the_client() {
        let req = request(PROXY, Some("198.51.100.1"));
        assert_eq!(
            client_ip(&req, &trusted()),
            Some("198.51.100.1".parse().unwrap())
        );
    }

    #[test]
    fn forged_leading_entries_do_not_win() {
        let req = request(PROXY, Some("1.2.3.4, 198.51.100.1"));
        assert_eq!(
            client_ip(&req, &trusted()),
            Some("198.51.100.1".parse().unwrap())
        );
    }

    #[test]
    fn garbage_in_the_header_falls_back_to_the_peer() {
        let req = request(PROXY, Some("not-an-ip"));
        assert_eq!(client_ip(&req, &trusted()), Some(PROXY.parse().unwrap()));
    }
}
