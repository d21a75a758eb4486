//! Tests of the hub: in-process against the router (enrollment, push, pull, security), and the
//! `casedesk-hub` binary over loopback (TLS with a pinned fingerprint, the after-commit
//! failpoint, graceful shutdown, the administrator's commands).

#[macro_use]
mod support;

mod blobs;
mod bounds;
mod concurrency;
mod console;
mod enroll;
mod migrate;
mod pull;
mod push;
mod retention;
mod security;
mod serve;
mod signatures;
mod trust;
mod units;
