//! gRPC server reflection (`grpc://` and `grpcs://` locators): lists the services a running server
//! offers and fetches their file descriptors with every dependency, speaking gRPC's framing over
//! reqwest's HTTP/2 (v1 first, v1alpha as the fallback). Returns a serialized FileDescriptorSet.
//! A hostile server is held by budgets: services listed, descriptors received, distinct files,
//! dependency depth, and bytes (the source's and the run's budgets of [`HttpFetch`]); reaching
//! one is an error, never a partial answer.

use super::http::HttpFetch;
use prost::Message;
use protox::prost_reflect::prost_types::{FileDescriptorProto, FileDescriptorSet};
use std::collections::{BTreeMap, BTreeSet};

/// The reflection service, newest first.
const PATHS: [&str; 2] = ["grpc.reflection.v1.ServerReflection", "grpc.reflection.v1alpha.ServerReflection"];
/// Deepest dependency chain followed (each round fetches every missing file one level down).
pub const MAX_DEPTH: usize = 32;
/// Most services a server may list.
pub const MAX_SERVICES: usize = 1024;
/// Most distinct files a server's descriptors may make up.
pub const MAX_FILES: usize = 4096;
/// Most file descriptors decoded from all answers together (servers repeat shared dependencies).
pub const MAX_DESCRIPTORS: usize = 20_000;
/// gRPC status UNIMPLEMENTED.
const UNIMPLEMENTED: &str = "12";

#[derive(Clone, PartialEq, Message)]
struct Request {
    #[prost(string, tag = "1")]
    host: String,
    #[prost(string, optional, tag = "3")]
    file_by_filename: Option<String>,
    #[prost(string, optional, tag = "4")]
    file_containing_symbol: Option<String>,
    #[prost(string, optional, tag = "7")]
    list_services: Option<String>,
}

#[derive(Clone, PartialEq, Message)]
struct Response {
    #[prost(message, optional, tag = "4")]
    file_descriptor_response: Option<FileDescriptors>,
    #[prost(message, optional, tag = "6")]
    list_services_response: Option<Services>,
    #[prost(message, optional, tag = "7")]
    error_response: Option<ErrorResponse>,
}

#[derive(Clone, PartialEq, Message)]
struct FileDescriptors {
    #[prost(bytes = "vec", repeated, tag = "1")]
    file_descriptor_proto: Vec<Vec<u8>>,
}

#[derive(Clone, PartialEq, Message)]
struct Services {
    #[prost(message, repeated, tag = "1")]
    service: Vec<ServiceName>,
}

#[derive(Clone, PartialEq, Message)]
struct ServiceName {
    #[prost(string, tag = "1")]
    name: String,
}

#[derive(Clone, PartialEq, Message)]
struct ErrorResponse {
    #[prost(int32, tag = "1")]
    error_code: i32,
    #[prost(string, tag = "2")]
    error_message: String,
}

/// A reflection session with one server.
struct Session {
    http: HttpFetch,
    base: String,
    path: Option<&'static str>,
    /// File descriptors decoded so far.
    decoded: usize,
}

/// Fetches every service's descriptors from `locator` (`grpc://host:port` or `grpcs://host:port`);
/// the error is the cause only (the caller names the locator).
pub fn fetch(locator: &str, http: &HttpFetch) -> Result<Vec<u8>, String> {
    let (tls, rest) = match locator.split_once("://") {
        Some(("grpcs", rest)) => (true, rest),
        Some(("grpc", rest)) => (false, rest),
        _ => return Err("expected grpc://host:port or grpcs://host:port".into()),
    };
    let authority = rest.trim_end_matches('/');
    if authority.is_empty() || authority.contains('/') {
        return Err("expected grpc://host:port or grpcs://host:port".into());
    }
    let http = http.clone();
    let base = format!("{}://{authority}", if tls { "https" } else { "http" });
    let mut session = Session { http, base, path: None, decoded: 0 };
    let listed = session.call(&[Request { list_services: Some(String::new()), ..Request::default() }])?;
    let services: BTreeSet<String> = listed
        .iter()
        .filter_map(|r| r.list_services_response.as_ref())
        .flat_map(|l| l.service.iter().map(|s| s.name.clone()))
        .filter(|n| !n.starts_with("grpc.reflection."))
        .collect();
    if services.is_empty() {
        return Err("the server lists no services besides reflection".into());
    }
    if services.len() > MAX_SERVICES {
        return Err(format!("the server lists {} services, more than the limit of {MAX_SERVICES}", services.len()));
    }
    let asks: Vec<Request> = services.iter().map(|s| Request { file_containing_symbol: Some(s.clone()), ..Request::default() }).collect();
    let mut files = BTreeMap::new();
    session.collect(&asks, &mut files)?;
    for depth in 0..=MAX_DEPTH {
        let missing: BTreeSet<String> =
            files.values().flat_map(|f: &FileDescriptorProto| f.dependency.iter().cloned()).filter(|d| !files.contains_key(d)).collect();
        // The well-known types may be left out by the server: the lowering does not need them.
        let missing: Vec<String> = missing.into_iter().filter(|d| !d.starts_with("google/protobuf/")).collect();
        if missing.is_empty() {
            break;
        }
        if depth == MAX_DEPTH {
            return Err(format!("the dependencies of the server's files go deeper than the limit of {MAX_DEPTH} (at `{}`)", missing[0]));
        }
        let before = files.len();
        let asks: Vec<Request> = missing.iter().map(|m| Request { file_by_filename: Some(m.clone()), ..Request::default() }).collect();
        session.collect(&asks, &mut files)?;
        if files.len() == before {
            return Err(format!("the server does not serve `{}`", missing[0]));
        }
    }
    Ok(FileDescriptorSet { file: files.into_values().collect() }.encode_to_vec())
}

impl Session {
    /// Sends `asks` and adds every file descriptor in the answers to `files`.
    fn collect(&mut self, asks: &[Request], files: &mut BTreeMap<String, FileDescriptorProto>) -> Result<(), String> {
        for answer in self.call(asks)? {
            if let Some(e) = &answer.error_response {
                return Err(format!("reflection error {}: {}", e.error_code, e.error_message));
            }
            for bytes in answer.file_descriptor_response.iter().flat_map(|f| &f.file_descriptor_proto) {
                self.decoded += 1;
                if self.decoded > MAX_DESCRIPTORS {
                    return Err(format!("the server sent more than {MAX_DESCRIPTORS} file descriptors"));
                }
                let fd = FileDescriptorProto::decode(bytes.as_slice()).map_err(|e| format!("a file descriptor does not decode: {e}"))?;
                files.insert(fd.name().to_string(), fd);
                if files.len() > MAX_FILES {
                    return Err(format!("the server's descriptors make up more than {MAX_FILES} files"));
                }
            }
        }
        Ok(())
    }

    /// One bidirectional-stream call carrying `asks`, on the reflection version that answers.
    fn call(&mut self, asks: &[Request]) -> Result<Vec<Response>, String> {
        let mut body = Vec::new();
        for ask in asks {
            let msg = ask.encode_to_vec();
            body.push(0u8);
            body.extend_from_slice(&u32::try_from(msg.len()).unwrap_or(u32::MAX).to_be_bytes());
            body.extend_from_slice(&msg);
        }
        let paths: Vec<&'static str> = match self.path {
            Some(p) => vec![p],
            None => PATHS.to_vec(),
        };
        let mut last = String::new();
        for path in paths {
            let url = format!("{}/{path}/ServerReflectionInfo", self.base);
            let resp =
                self.http.send(|c| c.post(&url).header("content-type", "application/grpc").header("te", "trailers").body(body.clone()))?;
            if !resp.status().is_success() {
                return Err(super::http::status_message(resp.status().as_u16()));
            }
            let status = resp.headers().get("grpc-status").and_then(|v| v.to_str().ok()).map(str::to_string);
            let message = resp.headers().get("grpc-message").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
            match status.as_deref() {
                Some(UNIMPLEMENTED) => {
                    last = "reflection not enabled on the server".into();
                    continue;
                }
                Some(code) if code != "0" => return Err(format!("gRPC status {code} {message}").trim().to_string()),
                _ => {}
            }
            let bytes = self.http.body(resp)?;
            let answers = frames(&bytes)?;
            if answers.is_empty() {
                last = "reflection not enabled on the server (empty answer)".into();
                continue;
            }
            self.path = Some(path);
            return Ok(answers);
        }
        Err(last)
    }
}

/// Splits a gRPC body into its length-prefixed messages.
fn frames(mut bytes: &[u8]) -> Result<Vec<Response>, String> {
    let mut out = Vec::new();
    while !bytes.is_empty() {
        if bytes.len() < 5 {
            return Err("a truncated gRPC frame".into());
        }
        if bytes[0] != 0 {
            return Err("a compressed gRPC frame (compression was not asked for)".into());
        }
        let len = u32::from_be_bytes([bytes[1], bytes[2], bytes[3], bytes[4]]) as usize;
        let end = 5usize.checked_add(len).filter(|&e| e <= bytes.len()).ok_or("a truncated gRPC frame")?;
        out.push(Response::decode(&bytes[5..end]).map_err(|e| format!("not a reflection answer: {e}"))?);
        bytes = &bytes[end..];
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_round_trip() {
        let r = Response { error_response: Some(ErrorResponse { error_code: 5, error_message: "x".into() }), ..Response::default() };
        let msg = r.encode_to_vec();
        let mut body = vec![0u8];
        body.extend_from_slice(&(msg.len() as u32).to_be_bytes());
        body.extend_from_slice(&msg);
        assert_eq!(frames(&body).unwrap(), vec![r]);
        assert!(frames(&body[..3]).is_err());
        assert!(fetch("grpc://h:1/x", &HttpFetch::new().unwrap()).is_err());
    }
}
