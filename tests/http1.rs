//! Just enough HTTP/1.1 to split captured plain-HTTP traffic into requests and responses and to
//! replay a request: a header block, then a `content-length` or `chunked` body.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

/// One request or response.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Message {
    /// The request line (`POST /v1/push HTTP/1.1`) or status line (`HTTP/1.1 200 OK`).
    pub start: String,
    pub headers: Vec<(String, String)>,
    /// The body, de-chunked (still compressed if `content-encoding` says so).
    pub body: Vec<u8>,
    /// The exact bytes of the message.
    pub raw: Vec<u8>,
}

impl Message {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// The status code of a response (0 for a request).
    pub fn status(&self) -> u16 {
        self.start.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0)
    }

    /// Whether this is a push request (`POST /v1/push`).
    pub fn is_push(&self) -> bool {
        self.start.starts_with("POST /v1/push ")
    }

    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Parses the message at the start of `buf`; `None` while it is incomplete.
pub fn parse(buf: &[u8]) -> Option<Message> {
    let head_end = find(buf, b"\r\n\r\n")? + 4;
    let head = std::str::from_utf8(&buf[..head_end]).ok()?;
    let mut lines = head.split("\r\n");
    let start = lines.next()?.to_owned();
    let headers: Vec<(String, String)> = lines
        .filter(|l| !l.is_empty())
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let mut msg = Message { start, headers, body: Vec::new(), raw: Vec::new() };
    let chunked = msg.header("transfer-encoding").is_some_and(|v| v.contains("chunked"));
    let end = if chunked {
        let mut at = head_end;
        loop {
            let line_end = at + find(&buf[at..], b"\r\n")?;
            let size_text = std::str::from_utf8(&buf[at..line_end]).ok()?;
            let size = usize::from_str_radix(size_text.split(';').next()?.trim(), 16).ok()?;
            at = line_end + 2;
            if size == 0 {
                // Trailers (none expected), then the empty line.
                let trailer_end = at + find(&buf[at..], b"\r\n")?;
                break trailer_end + 2;
            }
            if buf.len() < at + size + 2 {
                return None;
            }
            msg.body.extend_from_slice(&buf[at..at + size]);
            at += size + 2;
        }
    } else {
        let len: usize = msg.header("content-length").and_then(|v| v.parse().ok()).unwrap_or(0);
        if buf.len() < head_end + len {
            return None;
        }
        msg.body = buf[head_end..head_end + len].to_vec();
        head_end + len
    };
    msg.raw = buf[..end].to_vec();
    Some(msg)
}

/// Every complete message in `buf`, in order (an incomplete tail is ignored).
pub fn parse_all(mut buf: &[u8]) -> Vec<Message> {
    let mut out = Vec::new();
    while let Some(m) = parse(buf) {
        buf = &buf[m.raw.len()..];
        out.push(m);
    }
    out
}

/// Sends `request` (raw bytes) on a new connection to `addr` and reads one response.
pub fn exchange(addr: SocketAddr, request: &[u8]) -> std::io::Result<Message> {
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(10))?;
    stream.set_read_timeout(Some(Duration::from_secs(60)))?;
    stream.write_all(request)?;
    let mut buf = Vec::new();
    let mut chunk = [0u8; 16 * 1024];
    loop {
        if let Some(m) = parse(&buf) {
            return Ok(m);
        }
        let n = stream.read(&mut chunk)?;
        if n == 0 {
            return Err(std::io::Error::new(
                std::io::ErrorKind::UnexpectedEof,
                format!("connection closed after {} bytes of the response", buf.len()),
            ));
        }
        buf.extend_from_slice(&chunk[..n]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_length_and_chunked_messages() {
        let wire = b"POST /v1/push HTTP/1.1\r\ncontent-length: 3\r\n\r\nabc\
HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n2\r\nhe\r\n3\r\nllo\r\n0\r\n\r\n\
GET /v1/status HTTP/1.1\r\n\r\nHTTP/1.1 2";
        let all = parse_all(wire);
        assert_eq!(all.len(), 3);
        assert!(all[0].is_push());
        assert_eq!(all[0].body, b"abc");
        assert_eq!(all[1].status(), 200);
        assert_eq!(all[1].body, b"hello");
        assert_eq!(all[2].start, "GET /v1/status HTTP/1.1");
        assert_eq!(all.iter().map(|m| m.raw.len()).sum::<usize>() + 10, wire.len());
    }
}
