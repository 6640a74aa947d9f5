//! Telling people about changes: which changes reach which alert channel (threshold, module
//! routing, dedupe by fingerprint), the message for each channel (Slack, signed webhook, email,
//! push), delivery with bounded retries, and the records of what was sent. Who is reached and
//! who owns what is [`crate::impact`]'s.
//!
//! The library never reads the environment: the CLI reads the variables a channel names and
//! passes their values in as [`Secrets`].

mod alert;
mod dispatch;
pub mod email;
pub mod push;
mod sending;
pub mod slack;
pub mod webhook;

pub use dispatch::{deliver, run};

pub use alert::{Context, Notice, Retry, Secrets, Sent, alert_key, hmac_sha256_hex, required_failures, threshold};
pub(crate) use alert::{ca_pem, post, url_of};
pub use sending::{alert, delivery_line};

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn hmac_matches_rfc_4231_case_2() {
        assert_eq!(
            hmac_sha256_hex(b"Jefe", b"what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn hmac_long_key_rfc_4231_case_6() {
        let key = [0xaau8; 131];
        assert_eq!(
            hmac_sha256_hex(&key, b"Test Using Larger Than Block-Size Key - Hash Key First"),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
        );
    }

    #[test]
    fn key_ignores_order() {
        assert_eq!(alert_key("m", &["b", "a"]), alert_key("m", &["a", "b", "a"]));
        assert_ne!(alert_key("m", &["a"]), alert_key("n", &["a"]));
    }

    #[test]
    fn retry_backs_off_and_stops() {
        let r = Retry { tries: 3, backoff: Duration::from_millis(10), timeout: Duration::from_secs(1) };
        let mut n = 0;
        let start = std::time::Instant::now();
        let (tries, err) = r.run(|| {
            n += 1;
            Err(format!("no {n}"))
        });
        assert_eq!((tries, err.as_deref()), (3, Some("no 3")));
        assert!(start.elapsed() >= Duration::from_millis(30));
        let mut m = 0;
        assert_eq!(
            r.run(|| {
                m += 1;
                if m == 2 { Ok(()) } else { Err("x".into()) }
            }),
            (2, None)
        );
    }
}
