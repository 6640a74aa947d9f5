//! Authentication and roles: JWT bearer tokens checked against one configured key, with the
//! algorithm pinned to that key's type (so `alg: none` and HS256-against-an-RSA-key tokens
//! are refused), plus the issuer, the audience and the expiry. A token that lives longer than
//! [`MAX_LIFETIME`] or whose header lists `crit` extensions (none is understood) is refused.
//! Besides tokens, an optional dedicated ingest token ([`Auth::with_ingest_token`], from the
//! command line or the environment only): an opaque secret whose holder may post usage
//! evidence and nothing else ([`Identity::ingest_only`]).

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, encode};
use serde::{Deserialize, Serialize};

/// The audience every token must name.
pub const AUDIENCE: &str = "apidiff";
/// The default issuer.
pub const DEFAULT_ISSUER: &str = "apidiff";
/// Shortest HS256 secret accepted (bytes).
pub const MIN_SECRET: usize = 32;
/// Longest a token may live (seconds from now to its `exp`, and from its `iat` to its `exp`).
pub const MAX_LIFETIME: u64 = 366 * 86_400;

/// Roles, each including the ones before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Reads history, alerts, summaries and diffs.
    Viewer,
    /// Also registers schemas, annotates entries and acknowledges alerts.
    Developer,
    /// Also rolls back, exports reports and reads the audit log.
    Admin,
}

impl Role {
    /// Parses `viewer`, `developer` or `admin`.
    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "viewer" => Some(Role::Viewer),
            "developer" => Some(Role::Developer),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }

    /// Lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Developer => "developer",
            Role::Admin => "admin",
        }
    }
}

/// The claims apidiff reads and writes.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    /// Who (a person or a service).
    pub sub: String,
    /// Their role.
    pub role: Role,
    /// Issuer.
    pub iss: String,
    /// Audience.
    pub aud: String,
    /// Expiry (seconds since the epoch).
    pub exp: u64,
    /// Issued at.
    pub iat: u64,
    /// Groups the subject belongs to (`@org/team` names without the `@`), which count for
    /// module ownership like the subject itself (approvals). Optional.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<String>,
}

/// A caller the server has authenticated.
#[derive(Debug, Clone)]
pub struct Identity {
    /// The token's subject.
    pub subject: String,
    /// The token's role.
    pub role: Role,
    /// The token's groups (its optional `groups` claim).
    pub groups: Vec<String>,
    /// The dedicated ingest token: it may post usage evidence (`/v1/traces`) and nothing else;
    /// every role check refuses it.
    pub ingest_only: bool,
}

/// The subject the ingest token acts as (audit log, request log).
pub const INGEST_SUBJECT: &str = "ingest-token";

/// The token verifier.
pub struct Auth {
    key: DecodingKey,
    validation: Validation,
    /// The pinned algorithm.
    pub algorithm: Algorithm,
    /// SHA-256 of the dedicated ingest token, when one is configured.
    ingest: Option<Vec<u8>>,
}

impl std::fmt::Debug for Auth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print key material.
        write!(f, "Auth({:?})", self.algorithm)
    }
}

fn validation(alg: Algorithm, issuer: &str) -> Validation {
    let mut v = Validation::new(alg);
    v.set_issuer(&[issuer]);
    v.set_audience(&[AUDIENCE]);
    v.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
    v.validate_exp = true;
    // A token that is not valid yet (`nbf` in the future) is refused like an expired one.
    v.validate_nbf = true;
    v.leeway = 30;
    v
}

impl Auth {
    /// HS256 with a shared secret.
    pub fn hs256(secret: &[u8], issuer: &str) -> Result<Auth, String> {
        if secret.len() < MIN_SECRET {
            return Err(format!("the HS256 secret must be at least {MIN_SECRET} bytes long"));
        }
        Ok(Auth {
            key: DecodingKey::from_secret(secret),
            validation: validation(Algorithm::HS256, issuer),
            algorithm: Algorithm::HS256,
            ingest: None,
        })
    }

    /// RS256 (RSA public key) or ES256 (P-256 public key) from a PEM file's text.
    pub fn public_pem(pem: &[u8], issuer: &str) -> Result<Auth, String> {
        if let Ok(key) = DecodingKey::from_rsa_pem(pem) {
            return Ok(Auth { key, validation: validation(Algorithm::RS256, issuer), algorithm: Algorithm::RS256, ingest: None });
        }
        if let Ok(key) = DecodingKey::from_ec_pem(pem) {
            return Ok(Auth { key, validation: validation(Algorithm::ES256, issuer), algorithm: Algorithm::ES256, ingest: None });
        }
        Err("expected an RSA or EC (P-256) public key in PEM format".into())
    }

    /// Also accepts `token` as the dedicated ingest token (at least [`MIN_SECRET`] bytes, no
    /// whitespace): its holder may post usage evidence and nothing else. Only its SHA-256 is
    /// kept.
    pub fn with_ingest_token(mut self, token: &str) -> Result<Auth, String> {
        if token.len() < MIN_SECRET || token.chars().any(char::is_whitespace) {
            return Err(format!("the ingest token must be at least {MIN_SECRET} bytes long, without whitespace"));
        }
        self.ingest = Some(digest(token));
        Ok(self)
    }

    /// Checks a token; the error says why it was refused (never echoing the token).
    pub fn verify(&self, token: &str) -> Result<Identity, String> {
        self.verify_at(token, crate::time::now_ms().div_euclid(1000).max(0) as u64)
    }

    /// [`Auth::verify`] at `now` (seconds since the epoch) for the lifetime check.
    pub fn verify_at(&self, token: &str, now: u64) -> Result<Identity, String> {
        // Digests are compared, so the comparison's time says nothing about the secret.
        if self.ingest.as_deref().is_some_and(|d| d == digest(token).as_slice()) {
            return Ok(Identity { subject: INGEST_SUBJECT.into(), role: Role::Viewer, groups: Vec::new(), ingest_only: true });
        }
        // RFC 7515 §4.1.11: a recipient that does not understand a critical extension must refuse.
        let header = jsonwebtoken::decode_header(token).map_err(|_| "the token is malformed".to_string())?;
        if header.crit.is_some() {
            return Err("the token's header lists critical extensions (`crit`), which are not supported".into());
        }
        let data = decode::<Claims>(token, &self.key, &self.validation).map_err(|e| {
            use jsonwebtoken::errors::ErrorKind as K;
            match e.kind() {
                K::ExpiredSignature => "the token has expired".to_string(),
                K::ImmatureSignature => "the token is not valid yet (`nbf` is in the future)".to_string(),
                K::InvalidAlgorithm | K::InvalidAlgorithmName => format!("the token must be signed with {:?}", self.algorithm),
                K::InvalidSignature => "the token's signature does not match the server's key".to_string(),
                K::InvalidIssuer => "the token's issuer is not accepted".to_string(),
                K::InvalidAudience => format!("the token's audience must be `{AUDIENCE}`"),
                K::MissingRequiredClaim(c) => format!("the token lacks the `{c}` claim"),
                _ => "the token is malformed".to_string(),
            }
        })?;
        let c = &data.claims;
        if c.exp > now.saturating_add(MAX_LIFETIME + self.validation.leeway) || c.exp.saturating_sub(c.iat) > MAX_LIFETIME {
            return Err(format!("the token lives longer than the limit of {} days", MAX_LIFETIME / 86_400));
        }
        Ok(Identity { subject: data.claims.sub, role: data.claims.role, groups: data.claims.groups, ingest_only: false })
    }
}

/// SHA-256 of a token's bytes.
fn digest(token: &str) -> Vec<u8> {
    use sha2::Digest;
    sha2::Sha256::digest(token.as_bytes()).to_vec()
}

/// Mints an HS256 token.
pub fn mint(secret: &[u8], issuer: &str, subject: &str, role: Role, ttl_secs: u64, now_secs: u64) -> Result<String, String> {
    mint_with_groups(secret, issuer, subject, role, &[], ttl_secs, now_secs)
}

/// Mints an HS256 token whose subject belongs to `groups` (the `groups` claim).
pub fn mint_with_groups(
    secret: &[u8],
    issuer: &str,
    subject: &str,
    role: Role,
    groups: &[String],
    ttl_secs: u64,
    now_secs: u64,
) -> Result<String, String> {
    if secret.len() < MIN_SECRET {
        return Err(format!("the HS256 secret must be at least {MIN_SECRET} bytes long"));
    }
    if ttl_secs > MAX_LIFETIME {
        return Err(format!("a token may live at most {} days", MAX_LIFETIME / 86_400));
    }
    let claims = Claims {
        sub: subject.to_string(),
        role,
        iss: issuer.to_string(),
        aud: AUDIENCE.to_string(),
        exp: now_secs.saturating_add(ttl_secs),
        iat: now_secs,
        groups: groups.to_vec(),
    };
    encode(&Header::new(Algorithm::HS256), &claims, &EncodingKey::from_secret(secret)).map_err(|e| format!("cannot sign the token: {e}"))
}

/// Parses a TTL: seconds, or a number with `s`, `m`, `h` or `d`.
pub fn parse_ttl(s: &str) -> Option<u64> {
    let s = s.trim();
    let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (n, unit) = s.split_at(split);
    let n: u64 = n.parse().ok()?;
    let mul = match unit {
        "" | "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        _ => return None,
    };
    n.checked_mul(mul).filter(|v| *v > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef";

    #[test]
    fn tokens_round_trip_and_are_checked() {
        let auth = Auth::hs256(SECRET, "apidiff").unwrap();
        let t = mint(SECRET, "apidiff", "ann", Role::Developer, 3600, 4_000_000_000 - 10).unwrap();
        // exp in the future relative to the real clock is required; use a far-future issue time.
        let id = auth.verify_at(&t, 4_000_000_000 - 10).unwrap();
        assert_eq!((id.subject.as_str(), id.role), ("ann", Role::Developer));
        let old = mint(SECRET, "apidiff", "ann", Role::Admin, 60, 1_000_000).unwrap();
        assert!(auth.verify(&old).unwrap_err().contains("expired"));
        let other_iss = mint(SECRET, "evil", "ann", Role::Admin, 3600, 4_000_000_000).unwrap();
        assert!(auth.verify(&other_iss).unwrap_err().contains("issuer"));
        let wrong_key = mint(b"ffffffffffffffffffffffffffffffffffff", "apidiff", "ann", Role::Admin, 3600, 4_000_000_000).unwrap();
        assert!(auth.verify(&wrong_key).unwrap_err().contains("signature"));
        assert!(Auth::hs256(b"short", "apidiff").is_err());
        assert!(auth.verify("not.a.token").is_err());
        let claims = serde_json::json!({"sub": "ann", "role": "admin", "iss": "apidiff", "aud": AUDIENCE, "exp": 4_000_000_000u64, "iat": 1_000_000u64, "nbf": 3_999_000_000u64});
        let early = encode(&Header::new(Algorithm::HS256), &claims, &EncodingKey::from_secret(SECRET)).unwrap();
        let e = auth.verify(&early).unwrap_err();
        assert!(e.contains("not valid yet"), "{e}");
    }

    #[test]
    fn endless_tokens_and_critical_extensions_are_refused() {
        let auth = Auth::hs256(SECRET, "apidiff").unwrap();
        let now = 1_800_000_000u64;
        let sign = |header: Header, claims: serde_json::Value| encode(&header, &claims, &EncodingKey::from_secret(SECRET)).unwrap();
        let claims = |exp: u64, iat: u64| serde_json::json!({"sub": "ann", "role": "admin", "iss": "apidiff", "aud": AUDIENCE, "exp": exp, "iat": iat});
        assert!(auth.verify_at(&sign(Header::new(Algorithm::HS256), claims(now + 3600, now)), now).is_ok());
        let endless = sign(Header::new(Algorithm::HS256), claims(u64::MAX, now));
        assert!(auth.verify_at(&endless, now).unwrap_err().contains("lives longer"));
        // A far `exp` with a far `iat` is refused too: the distance from now counts.
        let far = sign(Header::new(Algorithm::HS256), claims(now + 5 * MAX_LIFETIME, now + 5 * MAX_LIFETIME - 60));
        assert!(auth.verify_at(&far, now).unwrap_err().contains("lives longer"));
        let mut crit = Header::new(Algorithm::HS256);
        crit.crit = Some(vec!["exp".into()]);
        assert!(auth.verify_at(&sign(crit, claims(now + 3600, now)), now).unwrap_err().contains("crit"));
        assert!(mint(SECRET, "apidiff", "ann", Role::Admin, MAX_LIFETIME + 1, now).is_err());
    }

    #[test]
    fn ttl() {
        assert_eq!(parse_ttl("1h"), Some(3600));
        assert_eq!(parse_ttl("90"), Some(90));
        assert_eq!(parse_ttl("2d"), Some(172_800));
        assert_eq!(parse_ttl("0"), None);
        assert_eq!(parse_ttl("1y"), None);
    }
}
