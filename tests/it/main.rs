//! The workspace's end-to-end tests (one binary, modules per area).

mod cli;
mod crash;
