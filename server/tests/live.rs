//! The live connection: it closes when its session ends, refuses handshakes from other sites,
//! admits a bounded number of connections per person and closes on an oversized message.

mod common;

use std::{net::SocketAddr, time::Duration};

use app::{audit::Actor, auth::accounts};
use axum::http::{StatusCode, header};
use futures_util::{SinkExt, StreamExt};
use server::live::{LiveHub, MAX_INCOMING_BYTES};
use sqlx::PgPool;
use tokio_tungstenite::{
    MaybeTlsStream, WebSocketStream,
    tungstenite::{self, Message, client::IntoClientRequest},
};

type Socket = WebSocketStream<MaybeTlsStream<tokio::net::TcpStream>>;

/// Serves the application on a free local port, as the binary does.
async fn serve(pool: &PgPool, live: LiveHub) -> SocketAddr {
    let app = common::app_with_live(pool.clone(), live);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("port");
    let address = listener.local_addr().expect("address");
    tokio::spawn(async move {
        let service = app.into_make_service_with_connect_info::<SocketAddr>();
        axum::serve(listener, service).await.expect("serve");
    });
    address
}

/// Opens the live connection as `login`'s browser, from the page `origin` if given; a refused
/// handshake gives its HTTP status.
async fn open(
    address: SocketAddr,
    login: &common::Login,
    origin: Option<&str>,
) -> Result<Socket, StatusCode> {
    let mut request = format!("ws://{address}{}", app::live::LIVE_PATH)
        .into_client_request()
        .expect("request");
    let headers = request.headers_mut();
    headers.insert(header::COOKIE, login.cookie.parse().expect("cookie"));
    if let Some(origin) = origin {
        headers.insert(header::ORIGIN, origin.parse().expect("origin"));
    }
    match tokio_tungstenite::connect_async(request).await {
        Ok((socket, _)) => Ok(socket),
        Err(tungstenite::Error::Http(response)) => Err(response.status()),
        Err(other) => panic!("handshake failed: {other}"),
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn a_handshake_from_another_site_is_refused(pool: PgPool) {
    let login = common::login(&pool, app::domain::Role::Agent).await;
    let address = serve(&pool, LiveHub::default()).await;

    let foreign = open(address, &login, Some("https://evil.example")).await;
    assert_eq!(foreign.err(), Some(StatusCode::FORBIDDEN));
    let own = open(address, &login, Some(&format!("http://{address}"))).await;
    assert!(own.is_ok(), "the dashboard's own page connects");
}

#[sqlx::test(migrations = "../migrations")]
async fn one_person_holds_a_bounded_number_of_live_connections(pool: PgPool) {
    let login = common::login(&pool, app::domain::Role::Agent).await;
    let other = common::login(&pool, app::domain::Role::Admin).await;
    let address = serve(&pool, LiveHub::default().with_connections_per_user(2)).await;

    let first = open(address, &login, None).await.expect("first");
    let _second = open(address, &login, None).await.expect("second");
    assert_eq!(
        open(address, &login, None).await.err(),
        Some(StatusCode::TOO_MANY_REQUESTS)
    );
    assert!(
        open(address, &other, None).await.is_ok(),
        "the limit is per person"
    );

    drop(first);
    let mut again = None;
    for _ in 0..50 {
        if let Ok(socket) = open(address, &login, None).await {
            again = Some(socket);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(again.is_some(), "a closed connection frees its place");
}

#[sqlx::test(migrations = "../migrations")]
async fn an_oversized_message_from_the_browser_closes_the_connection(pool: PgPool) {
    let login = common::login(&pool, app::domain::Role::Agent).await;
    let address = serve(&pool, LiveHub::default()).await;
    let mut socket = open(address, &login, None).await.expect("connected");

    socket
        .send(Message::Text("x".repeat(MAX_INCOMING_BYTES * 4).into()))
        .await
        .expect("sent");
    let answer = tokio::time::timeout(Duration::from_secs(5), socket.next())
        .await
        .expect("the server reacts within seconds");
    assert!(
        matches!(answer, None | Some(Err(_)) | Some(Ok(Message::Close(_)))),
        "{answer:?}"
    );
}

/// An open live connection learns when its session ends: it is closed with
/// [`CLOSE_SESSION_ENDED`]. Its checks do not count as activity, so an unattended page does not
/// keep its session alive.
#[sqlx::test(migrations = "../migrations")]
async fn a_live_connection_closes_when_its_user_is_deactivated(pool: PgPool) {
    let user = common::calls::insert_user(&pool, "Leyla", true).await;
    let login = common::login_as(&pool, user).await;
    let live = LiveHub::with_recheck(Duration::from_millis(100));
    let address = serve(&pool, live).await;
    let mut socket = open(address, &login, None).await.expect("connected");

    sqlx::query("update sessions set last_seen_at = now() - interval '10 minutes'")
        .execute(&pool)
        .await
        .expect("an idle session");
    let still_open = tokio::time::timeout(Duration::from_millis(500), socket.next()).await;
    assert!(
        still_open.is_err(),
        "a live session keeps its connection: {still_open:?}"
    );
    let idle_for: f64 =
        sqlx::query_scalar("select extract(epoch from now() - last_seen_at)::float8 from sessions")
            .fetch_one(&pool)
            .await
            .expect("last seen");
    assert!(idle_for > 590.0, "the checks did not mark the session used");

    accounts::set_active(&pool, Actor::System, user, false)
        .await
        .expect("deactivate");
    let closed = tokio::time::timeout(Duration::from_secs(5), socket.next())
        .await
        .expect("closed within seconds");
    match closed {
        Some(Ok(Message::Close(Some(frame)))) => {
            assert_eq!(u16::from(frame.code), app::live::CLOSE_SESSION_ENDED);
        }
        other => panic!("expected a close frame, got {other:?}"),
    }
}
