//! Helpers for the adapters' integration tests: log capture, and loopback ports that refuse or
//! never answer a connection.

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::{Mutex, Once};

use slackhook::WebhookUrl;
use socket2::{Domain, Socket, Type};

static LOGS: Mutex<Vec<String>> = Mutex::new(Vec::new());
static INSTALL: Once = Once::new();

struct Capture;

impl log::Log for Capture {
    fn enabled(&self, metadata: &log::Metadata<'_>) -> bool {
        metadata.level() <= log::Level::Debug
    }

    fn log(&self, record: &log::Record<'_>) {
        let line = format!("{} {}: {}", record.level(), record.target(), record.args());
        LOGS.lock().unwrap_or_else(|e| e.into_inner()).push(line);
    }

    fn flush(&self) {}
}

/// Captures every log record of this test binary at debug level and above, the HTTP libraries'
/// included. (Their trace level is for debugging the HTTP exchange itself and shows the full
/// request, as ureq documents; the clients' own logs never go below debug.)
pub fn capture_logs() {
    INSTALL.call_once(|| {
        log::set_logger(&Capture).expect("no other logger in this test binary");
        log::set_max_level(log::LevelFilter::Debug);
    });
}

/// Every captured log line, from every test in this binary.
pub fn all_logs() -> Vec<String> {
    LOGS.lock().unwrap_or_else(|e| e.into_inner()).clone()
}

/// The captured lines that mention `url` (as its redacted `Display` shows it).
pub fn captured_logs(url: &WebhookUrl) -> Vec<String> {
    let shown = url.to_string();
    all_logs()
        .into_iter()
        .filter(|line| line.contains(&shown))
        .collect()
}

/// The waits the client logged for `url`, as logged.
pub fn logged_waits(url: &WebhookUrl) -> Vec<String> {
    captured_logs(url)
        .iter()
        .filter_map(|line| line.split("waiting ").nth(1))
        .filter_map(|rest| rest.split(" before").next())
        .map(str::to_owned)
        .collect()
}

/// A loopback port that nothing listens on.
pub fn refused_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind an ephemeral port");
    listener.local_addr().expect("bound address").port()
}

/// A loopback listener that never completes another connection: its accept queue has room for
/// one, which the returned stream fills, so the kernel drops further connection attempts and
/// they time out.
pub fn unreachable_listener() -> (Socket, TcpStream) {
    let socket = Socket::new(Domain::IPV4, Type::STREAM, None).expect("socket");
    let address: SocketAddr = "127.0.0.1:0".parse().expect("address");
    socket.bind(&address.into()).expect("bind");
    socket.listen(0).expect("listen");
    let bound = socket
        .local_addr()
        .expect("bound address")
        .as_socket()
        .expect("an inet address");
    let filler = TcpStream::connect(bound).expect("the one queued connection");
    (socket, filler)
}
