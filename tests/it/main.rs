//! The workspace's end-to-end tests (one binary, modules per area).

mod backup;
mod bundle;
mod bundle_files;
mod cli;
mod crash;
mod sync_e2e;
mod sync_faults;
mod sync_files;
mod sync_netns;
mod sync_trust;
