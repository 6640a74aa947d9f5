//! The S3 backend (`s3://bucket/prefix`): the folder store's key layout under a prefix of a
//! bucket, on any S3-compatible service.
//!
//! Every write is a conditional create (`If-None-Match: *`): content-addressed objects and
//! uniquely named records are never overwritten, and of two writers racing for one key exactly
//! one wins while the other sees "already there". Endpoint, region and credentials come from
//! the settings the CLI read from the environment (`AWS_ENDPOINT_URL` or
//! `APIDIFF_S3_ENDPOINT`, `AWS_REGION`, `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`,
//! `AWS_SESSION_TOKEN`).

use super::{Settings, Store};
use crate::error::{Error, Result};
use object_store::aws::{AmazonS3, AmazonS3Builder};
use object_store::path::Path as ObjPath;
use object_store::{ClientOptions, ObjectStore, ObjectStoreExt, PutMode, PutOptions, PutPayload, RetryConfig};
use std::time::Duration;

const MARKER: &str = "apidiff-store.json";

/// A store in an S3 bucket.
pub struct S3Store {
    s3: AmazonS3,
    rt: tokio::runtime::Runtime,
    bucket: String,
    prefix: String,
    endpoint: Option<String>,
}

impl std::fmt::Debug for S3Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "S3Store({})", self.location())
    }
}

impl S3Store {
    /// A store at `s3://bucket/prefix` (nothing is contacted until the first call).
    pub fn open(url: &str, settings: &Settings) -> Result<S3Store> {
        let rest = url.strip_prefix("s3://").ok_or_else(|| Error::Usage(format!("store `{url}`: expected s3://bucket/prefix")))?;
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        let prefix = prefix.trim_matches('/').to_string();
        if bucket.is_empty() {
            return Err(Error::Usage(format!("store `{url}`: expected s3://bucket/prefix (the bucket is missing)")));
        }
        if !prefix.is_empty() {
            super::fs::check_key(&prefix).map_err(|_| Error::Usage(format!("store `{url}`: the prefix must be a plain path")))?;
        }
        let get = |k: &str| settings.get(k).filter(|v| !v.is_empty()).cloned();
        let endpoint = get("APIDIFF_S3_ENDPOINT").or_else(|| get("AWS_ENDPOINT_URL_S3")).or_else(|| get("AWS_ENDPOINT_URL"));
        let region = get("AWS_REGION").or_else(|| get("AWS_DEFAULT_REGION")).unwrap_or_else(|| "us-east-1".into());
        let mut b = AmazonS3Builder::new()
            .with_bucket_name(bucket)
            .with_region(region)
            .with_retry(RetryConfig { max_retries: 4, retry_timeout: Duration::from_secs(20), ..RetryConfig::default() })
            .with_client_options(ClientOptions::new().with_connect_timeout(Duration::from_secs(5)).with_timeout(Duration::from_secs(60)));
        if let Some(e) = &endpoint {
            b = b.with_endpoint(e.clone()).with_allow_http(e.starts_with("http://"));
        }
        if let Some(k) = get("AWS_ACCESS_KEY_ID") {
            b = b.with_access_key_id(k);
        }
        if let Some(k) = get("AWS_SECRET_ACCESS_KEY") {
            b = b.with_secret_access_key(k);
        }
        if let Some(t) = get("AWS_SESSION_TOKEN") {
            b = b.with_token(t);
        }
        let s3 = b.build().map_err(|e| Error::Usage(format!("store `{url}`: {e}")))?;
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| Error::store(format!("cannot start the S3 client: {e}")))?;
        Ok(S3Store { s3, rt, bucket: bucket.to_string(), prefix, endpoint })
    }

    fn path(&self, key: &str) -> Result<ObjPath> {
        super::fs::check_key(key)?;
        Ok(ObjPath::from(if self.prefix.is_empty() { key.to_string() } else { format!("{}/{key}", self.prefix) }))
    }

    fn err(&self, what: &str, e: object_store::Error) -> Error {
        let msg = e.to_string().replace('\n', " ");
        Error::store(format!("S3 {}: cannot {what}: {msg}", self.location()))
    }
}

impl Store for S3Store {
    fn location(&self) -> String {
        let p = if self.prefix.is_empty() { String::new() } else { format!("/{}", self.prefix) };
        match &self.endpoint {
            Some(e) => format!("s3://{}{p} (at {e})", self.bucket),
            None => format!("s3://{}{p}", self.bucket),
        }
    }

    fn exists(&self) -> Result<bool> {
        Ok(self.get(MARKER)?.is_some())
    }

    fn create(&self) -> Result<()> {
        self.put_new(MARKER, b"{\"layout\": 1}\n").map(|_| ())
    }

    fn put_new(&self, key: &str, bytes: &[u8]) -> Result<bool> {
        let path = self.path(key)?;
        let opts = PutOptions { mode: PutMode::Create, ..PutOptions::default() };
        let payload = PutPayload::from(bytes.to_vec());
        match self.rt.block_on(self.s3.put_opts(&path, payload, opts)) {
            Ok(_) => Ok(true),
            Err(object_store::Error::AlreadyExists { .. } | object_store::Error::Precondition { .. }) => Ok(false),
            Err(e) => Err(self.err(&format!("write {key}"), e)),
        }
    }

    fn get(&self, key: &str) -> Result<Option<Vec<u8>>> {
        let path = self.path(key)?;
        let got = self.rt.block_on(async {
            match self.s3.get(&path).await {
                Ok(r) => r.bytes().await.map(Some),
                Err(object_store::Error::NotFound { .. }) => Ok(None),
                Err(e) => Err(e),
            }
        });
        got.map(|b| b.map(|b| b.to_vec())).map_err(|e| self.err(&format!("read {key}"), e))
    }

    fn list(&self, prefix: &str) -> Result<Vec<String>> {
        let prefix = prefix.trim_end_matches('/');
        let path = self.path(prefix)?;
        let listed = self.rt.block_on(self.s3.list_with_delimiter(Some(&path))).map_err(|e| self.err(&format!("list {prefix}/"), e))?;
        let mut keys: Vec<String> = listed
            .objects
            .iter()
            .filter_map(|o| o.location.filename().map(|name| format!("{prefix}/{name}")))
            .filter(|k| super::fs::check_key(k).is_ok())
            .collect();
        keys.sort();
        Ok(keys)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        let s = S3Store::open("s3://b/team/api", &Settings::new()).unwrap();
        assert_eq!(s.location(), "s3://b/team/api");
        assert_eq!(s.path("objects/sha256/ab").unwrap().as_ref(), "team/api/objects/sha256/ab");
        assert!(S3Store::open("s3:///x", &Settings::new()).is_err());
        assert!(S3Store::open("s3://b/../x", &Settings::new()).is_err());
    }
}
