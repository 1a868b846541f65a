//! HTTPS with `[server.tls]`: a self-signed certificate generated here, a real TLS request that
//! trusts it, certificate reload without a restart, and graceful shutdown on the TLS path.

mod common;
use common::*;
use contactpro::config::TlsConfig;
use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

fn write_cert(dir: &Path) -> String {
    let ck = rcgen::generate_simple_self_signed(vec!["localhost".to_owned(), "127.0.0.1".to_owned()]).unwrap();
    let cert = ck.cert.pem();
    std::fs::write(dir.join("cert.pem"), &cert).unwrap();
    std::fs::write(dir.join("key.pem"), ck.signing_key.serialize_pem()).unwrap();
    cert
}

fn client_trusting(cert_pem: &str, addr: SocketAddr) -> reqwest::Client {
    reqwest::Client::builder()
        .tls_built_in_root_certs(false)
        .add_root_certificate(reqwest::Certificate::from_pem(cert_pem.as_bytes()).unwrap())
        .resolve("localhost", addr)
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap()
}

#[tokio::test]
async fn https_with_a_self_signed_certificate_and_reload() {
    let certs = tempfile::tempdir().unwrap();
    let first = write_cert(certs.path());
    let data = tempfile::tempdir().unwrap();
    let mut cfg = test_config(data.path());
    cfg.server.tls =
        Some(TlsConfig { cert: certs.path().join("cert.pem"), key: certs.path().join("key.pem"), reload_secs: 1 });
    let state = contactpro::AppState::new(cfg, contactpro::clock::system()).unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(contactpro::serve(listener, state, async {
        let _ = stopped.await;
    }));
    let url = format!("https://localhost:{}", addr.port());

    let c = client_trusting(&first, addr);
    let r = c.get(format!("{url}/healthz")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    // The API works over TLS too (demo sign-in, then an authenticated call).
    let t: serde_json::Value = c
        .post(format!("{url}/api/v1/demo/token"))
        .json(&serde_json::json!({"tid": CONTOSO, "oid": "adele", "name": "A", "upn": "a@contoso.example"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let r = c.post(format!("{url}/api/v1/login")).bearer_auth(t["access_token"].as_str().unwrap()).send().await;
    assert_eq!(r.unwrap().status(), 200);
    // Plain HTTP on the TLS port gets no HTTP answer.
    let plain = reqwest::Client::new().get(format!("http://{addr}/healthz")).send().await;
    assert!(plain.map(|r| r.status() != 200).unwrap_or(true));

    // A renewed certificate is picked up without a restart.
    tokio::time::sleep(Duration::from_millis(1100)).await; // distinct mtimes on coarse file systems
    let second = write_cert(certs.path());
    let c2 = client_trusting(&second, addr);
    let mut ok = false;
    for _ in 0..50 {
        if c2.get(format!("{url}/healthz")).send().await.is_ok_and(|r| r.status() == 200) {
            ok = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(ok, "the new certificate was not served within 5 s");
    assert!(client_trusting(&first, addr).get(format!("{url}/healthz")).send().await.is_err(), "old cert still served");

    stop.send(()).unwrap();
    let done = tokio::time::timeout(Duration::from_secs(10), server).await;
    assert!(done.is_ok_and(|r| r.unwrap().is_ok()), "serve() did not shut down gracefully");
}

#[tokio::test]
async fn a_missing_certificate_is_a_clear_error() {
    let data = tempfile::tempdir().unwrap();
    let mut cfg = test_config(data.path());
    cfg.server.tls =
        Some(TlsConfig { cert: "/no/such/cert.pem".into(), key: "/no/such/key.pem".into(), reload_secs: 0 });
    let state = contactpro::AppState::new(cfg, contactpro::clock::system()).unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let err = contactpro::serve(listener, state, async {}).await.unwrap_err();
    assert!(err.to_string().contains("/no/such/cert.pem"), "{err}");
}
