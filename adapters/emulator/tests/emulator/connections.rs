//! Connection handling: keep-alive, idle closes, concurrency, shutdown.

use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::sync::Barrier;
use std::time::{Duration, Instant};

use slackhook_emulator::{Emulator, Fault};

use crate::client::{Client, TIMEOUT};

const HI: &str = r#"{"text":"hi"}"#;

/// Polls `condition` until it holds, failing the test after [`TIMEOUT`].
fn eventually(what: &str, condition: impl Fn() -> bool) {
    let deadline = Instant::now() + TIMEOUT;
    while !condition() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(5));
    }
}

#[test]
fn two_requests_on_one_connection_count_one_connection() {
    let emulator = Emulator::start().expect("start");
    let url = emulator.webhook_url();
    let mut client = Client::connect(&emulator);

    assert_eq!(client.post(&url, HI).expect("first").status, 200);
    assert_eq!(client.post(&url, HI).expect("second").status, 200);

    assert_eq!(emulator.connection_count(), 1);
    assert_eq!(emulator.request_count(), 2);
    assert_eq!(emulator.messages().len(), 2);
}

#[test]
fn pipelined_requests_are_answered_in_order() {
    let emulator = Emulator::start().expect("start");
    let url = emulator.webhook_url();
    let mut client = Client::connect(&emulator);

    let one = format!(
        "POST {} HTTP/1.1\r\nContent-Length: {}\r\n\r\n{HI}",
        url.as_uri().path(),
        HI.len()
    );
    let two = format!("GET {} HTTP/1.1\r\n\r\n", url.as_uri().path());
    client
        .stream
        .write_all(format!("{one}{two}").as_bytes())
        .expect("send both");

    assert_eq!(client.read_answer().expect("first").status, 200);
    assert_eq!(client.read_answer().expect("second").status, 405);
}

#[test]
fn close_idle_connections_closes_idle_clients_with_end_of_file() {
    let emulator = Emulator::start().expect("start");
    let url = emulator.webhook_url();
    let mut client = Client::connect(&emulator);
    assert_eq!(client.post(&url, HI).expect("answer").status, 200);

    emulator.close_idle_connections();

    assert!(
        client
            .read_to_eof()
            .expect("a clean end of file")
            .is_empty()
    );
    let mut fresh = Client::connect(&emulator);
    assert_eq!(fresh.post(&url, HI).expect("new connection").status, 200);
    assert_eq!(emulator.connection_count(), 2);
}

#[test]
fn close_idle_connections_spares_a_request_in_progress() {
    let emulator = Emulator::start().expect("start");
    let url = emulator.webhook_url();
    emulator.inject(Fault::Delay(Duration::from_millis(200)));

    std::thread::scope(|scope| {
        let busy = scope.spawn(|| Client::connect(&emulator).post(&url, HI));
        eventually("the delayed request", || emulator.request_count() == 1);

        emulator.close_idle_connections();

        let answer = busy.join().expect("client thread").expect("answer");
        assert_eq!(answer.status, 200);
    });
}

#[test]
fn idle_connections_time_out() {
    let emulator = Emulator::builder()
        .idle_timeout(Duration::from_millis(200))
        .start()
        .expect("start");
    let mut client = Client::connect(&emulator);

    let started = Instant::now();
    let received = client.read_to_eof().expect("end of file");

    assert!(received.is_empty());
    assert!(started.elapsed() >= Duration::from_millis(150));
    assert!(started.elapsed() < TIMEOUT);
}

#[test]
fn sixty_four_concurrent_clients_are_all_answered() {
    const CLIENTS: usize = 64;
    let emulator = Emulator::start().expect("start");
    let url = emulator.webhook_url();
    let all_connected = Barrier::new(CLIENTS);

    let statuses: Vec<u16> = std::thread::scope(|scope| {
        let clients: Vec<_> = (0..CLIENTS)
            .map(|i| {
                let (emulator, url, all_connected) = (&emulator, &url, &all_connected);
                scope.spawn(move || {
                    let mut client = Client::connect(emulator);
                    all_connected.wait();
                    let json = serde_json::json!({ "text": format!("client {i}") }).to_string();
                    client.post(url, &json).expect("answer").status
                })
            })
            .collect();
        clients
            .into_iter()
            .map(|c| c.join().expect("client thread"))
            .collect()
    });

    assert!(statuses.iter().all(|&s| s == 200), "{statuses:?}");
    assert_eq!(emulator.messages().len(), CLIENTS);
    assert_eq!(emulator.connection_count(), CLIENTS);
}

#[test]
fn http_1_0_requests_are_answered_then_closed() {
    let emulator = Emulator::start().expect("start");
    let url = emulator.webhook_url();
    let mut client = Client::connect(&emulator);

    let request = format!(
        "POST {} HTTP/1.0\r\nContent-Length: {}\r\n\r\n{HI}",
        url.as_uri().path(),
        HI.len()
    );
    client.stream.write_all(request.as_bytes()).expect("send");

    let answer = client.read_answer().expect("answer");
    assert_eq!(answer.status, 200);
    assert_eq!(answer.header("connection"), Some("close"));
    assert!(client.read_to_eof().expect("end of file").is_empty());
}

#[test]
fn a_malformed_request_is_a_400_and_the_connection_closes() {
    let emulator = Emulator::start().expect("start");
    let mut client = Client::connect(&emulator);

    client
        .stream
        .write_all(b"this is not http\r\n\r\n")
        .expect("send");

    let answer = client.read_answer().expect("answer");
    assert_eq!(answer.status, 400);
    assert!(client.read_to_eof().expect("end of file").is_empty());
}

#[test]
fn dropping_the_emulator_frees_the_port_and_closes_connections() {
    let emulator = Emulator::start().expect("start");
    let addr = emulator.local_addr();
    let url = emulator.webhook_url();
    let mut idle = Client::connect(&emulator);
    assert_eq!(idle.post(&url, HI).expect("answer").status, 200);

    let started = Instant::now();
    drop(emulator);

    assert!(started.elapsed() < Duration::from_secs(2));
    assert!(idle.read_to_eof().map_or(true, |bytes| bytes.is_empty()));
    assert!(
        TcpStream::connect(addr).is_err(),
        "nothing listens any more"
    );
    TcpListener::bind(addr).expect("the port is free again");
}

#[test]
fn dropping_the_emulator_cuts_a_delay_short() {
    let emulator = Emulator::start().expect("start");
    let url = emulator.webhook_url();
    emulator.inject(Fault::Delay(Duration::from_secs(30)));
    let mut client = Client::connect(&emulator);
    client
        .send("POST", url.as_uri().path(), &[], HI.as_bytes())
        .expect("send");
    eventually("the delayed request", || emulator.request_count() == 1);

    let started = Instant::now();
    drop(emulator);

    assert!(started.elapsed() < Duration::from_secs(2));
    assert!(client.read_answer().is_err(), "no answer after the stop");
}
