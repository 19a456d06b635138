//! Integration tests for the emulator, over real loopback sockets.

mod client;
mod connections;
mod faults;
mod logging;
mod rate_limit;
mod slash;
mod webhooks;
