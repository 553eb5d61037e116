//! The embedded store keeps every acknowledged write through `kill -9`:
//! the real server binary, writes in flight, SIGKILL, a restart, and every
//! campaign that was answered 201 read back.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use platform::clock::{Clock, SystemClock};
use platform::signed_fetch::{Wallet, sign};
use serde_json::{Value, json};

use crate::common::{free_port, wait_for_port};

const SECRET: &str = "0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d";

fn start(dir: &std::path::Path, port: u16) -> Child {
    let child = Command::new(env!("CARGO_BIN_EXE_genesis-api"))
        .args(["--data-file"])
        .arg(dir.join("land.jsonl"))
        .arg("--map-cache-dir")
        .arg(dir.join("map-cache"))
        .arg("--rewards-dir")
        .arg(dir)
        .args(["serve", "--host", "127.0.0.1", "--port", &port.to_string()])
        .env("REWARDS_SECRET", SECRET)
        .env("RUST_LOG", "warn")
        .env_remove("REWARDS_TABLE")
        .env_remove("LAND_TABLE")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the server");
    wait_for_port(port, Duration::from_secs(180), "the server");
    child
}

/// One signed request with a real clock, over TCP, as a client sends it.
async fn request(
    port: u16,
    wallet: &Wallet,
    method: &str,
    path: &str,
    body: Option<Value>,
) -> Option<(u16, Value)> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .ok()?;
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nhost: 127.0.0.1\r\nconnection: close\r\ncontent-length: {}\r\n",
        body.len()
    );
    for (name, value) in sign(
        wallet,
        method,
        path.split('?').next().unwrap(),
        "{}",
        SystemClock.now_ms(),
        false,
    ) {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).await.ok()?;
    stream.write_all(body.as_bytes()).await.ok()?;
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.ok()?;
    let text = String::from_utf8(answer).ok()?;
    let status = text.get(9..12)?.parse().ok()?;
    let (_, json) = text.split_once("\r\n\r\n")?;
    Some((status, serde_json::from_str(json).ok()?))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_during_writes_loses_no_acknowledged_write() {
    let dir = std::env::temp_dir().join(format!("rewards-kill9-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let port = free_port();
    let mut server = start(&dir, port);
    let owner = Wallet::random();

    // Writers keep creating campaigns; the server dies under them.
    let acknowledged = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let mut writers = Vec::new();
    for writer in 0..4 {
        let acknowledged = acknowledged.clone();
        let owner = Wallet::from_bytes(owner.secret_bytes().as_ref()).unwrap();
        writers.push(tokio::spawn(async move {
            for n in 0.. {
                let body =
                    json!({"name": format!("writer {writer} campaign {n}"), "chain_id": 80002});
                match request(port, &owner, "POST", "/api/campaigns", Some(body)).await {
                    Some((201, answer)) => acknowledged
                        .lock()
                        .unwrap()
                        .push(answer["data"]["id"].as_str().unwrap().to_string()),
                    Some((status, answer)) => panic!("{status} {answer}"),
                    None => return,
                }
            }
        }));
    }
    while acknowledged.lock().unwrap().len() < 40 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    server.kill().unwrap(); // SIGKILL
    server.wait().unwrap();
    for writer in writers {
        writer.await.unwrap();
    }
    let acknowledged = acknowledged.lock().unwrap().clone();

    let mut server = start(&dir, port);
    let listed = request(port, &owner, "GET", "/api/campaigns?limit=100", None)
        .await
        .unwrap();
    assert_eq!(listed.0, 200, "{}", listed.1);
    let total = listed.1["total"].as_u64().unwrap() as usize;
    assert!(
        total >= acknowledged.len(),
        "{total} stored, {} acknowledged",
        acknowledged.len()
    );
    for id in &acknowledged {
        let (status, answer) = request(port, &owner, "GET", &format!("/api/campaigns/{id}"), None)
            .await
            .unwrap();
        assert_eq!(
            status, 200,
            "campaign {id} was acknowledged and is gone: {answer}"
        );
        // Its owner and master key came with it (one transaction).
        let (_, keys) = request(
            port,
            &owner,
            "GET",
            &format!("/api/campaigns/{id}/keys"),
            None,
        )
        .await
        .unwrap();
        assert_eq!(keys["total"], 1, "{keys}");
    }
    server.kill().unwrap();
    server.wait().unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
}
