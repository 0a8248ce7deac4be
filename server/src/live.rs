//! Live updates: one `PgListener` for the whole server turns the `calls_changed` notifications
//! of the importer and the service layer into a broadcast, and every browser's WebSocket
//! forwards it. After the listener reconnects, or when a browser falls behind, clients are told
//! to resync, since notifications may have been missed.

use std::{
    collections::HashMap,
    sync::{
        Arc, Mutex,
        atomic::{AtomicBool, Ordering},
    },
    time::Duration,
};

use app::{auth::SessionSettings, domain::SessionUser, live::CLOSE_SESSION_ENDED};
use axum::{
    Extension,
    extract::{
        State, WebSocketUpgrade,
        ws::{CloseFrame, Message, WebSocket},
    },
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
};
use sqlx::{PgPool, postgres::PgListener};
use tokio::sync::{
    broadcast::{self, error::RecvError},
    watch,
};

use crate::ops::shutdown::{CLOSE_RESTARTING, Draining};

/// What tells a browser to fetch its view again without naming changed calls.
pub const RESYNC: &str = r#"{"resync":true}"#;

/// Messages a slow browser may fall behind by before it is told to resync instead.
const BACKLOG: usize = 256;

/// How many live connections one person may hold open at once: tabs and devices enough for a
/// front desk, few enough that one account cannot tie up the server.
pub const CONNECTIONS_PER_USER: usize = 20;

/// The largest message a browser may send on its live connection. It sends nothing but control
/// frames; anything larger closes the connection.
pub const MAX_INCOMING_BYTES: usize = 1024;

/// The read and write buffer of each live connection. The browser sends only control frames
/// and the server short notices, so 4 KiB suffice; the library's 128 KiB each made 500 open
/// connections cost more memory than the rest of the server.
const SOCKET_BUFFER_BYTES: usize = 4 * 1024;

/// The sending side of the broadcast, cloned into every WebSocket handler; how often an open
/// connection checks that its session still admits it; who holds how many connections; and
/// whether the listener is connected to PostgreSQL right now.
#[derive(Clone)]
pub struct LiveHub {
    sender: broadcast::Sender<String>,
    recheck: Duration,
    per_user: usize,
    open: Arc<Mutex<HashMap<i64, usize>>>,
    listening: Arc<AtomicBool>,
    /// Turns true once when the server stops: every connection closes.
    closing: watch::Sender<bool>,
}

impl Default for LiveHub {
    /// Rechecks every 30 s: one small query per open page and half minute.
    fn default() -> Self {
        Self::with_recheck(Duration::from_secs(30))
    }
}

impl LiveHub {
    pub fn with_recheck(recheck: Duration) -> Self {
        Self {
            sender: broadcast::channel(BACKLOG).0,
            recheck,
            per_user: CONNECTIONS_PER_USER,
            open: Arc::default(),
            listening: Arc::default(),
            closing: watch::channel(false).0,
        }
    }

    /// Closes every live connection with [`CLOSE_RESTARTING`] and waits, at most `within`,
    /// until each has sent its close frame; returns how many were open. Without the wait the
    /// process could end before a connection's task had sent its frame, and the browser saw a
    /// dropped connection instead of "restarting".
    pub async fn close_all(&self, within: Duration) -> usize {
        let open = self.clients();
        self.closing.send_replace(true);
        let deadline = tokio::time::Instant::now() + within;
        while self.clients() > 0 && tokio::time::Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        open
    }

    /// Whether the listener receives PostgreSQL's notifications right now.
    pub fn listening(&self) -> bool {
        self.listening.load(Ordering::Relaxed)
    }

    /// The live connections open on this server.
    pub fn clients(&self) -> usize {
        self.open
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .values()
            .sum()
    }

    /// The same hub, admitting at most `per_user` connections per person.
    pub fn with_connections_per_user(self, per_user: usize) -> Self {
        Self { per_user, ..self }
    }

    /// A place for one more connection of `user`, unless they hold the most already.
    fn admit(&self, user: i64) -> Option<Slot> {
        let mut open = self
            .open
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let held = open.entry(user).or_default();
        if *held >= self.per_user {
            return None;
        }
        *held += 1;
        Some(Slot {
            open: Arc::clone(&self.open),
            user,
        })
    }

    /// Listens on PostgreSQL for as long as the server runs, reconnecting after failures.
    pub fn spawn_listener(&self, pool: PgPool) {
        let sender = self.sender.clone();
        let listening = Arc::clone(&self.listening);
        tokio::spawn(async move {
            loop {
                if let Err(error) = listen(&pool, &sender, &listening).await {
                    tracing::warn!(%error, "live listener lost its connection; reconnecting");
                }
                listening.store(false, Ordering::Relaxed);
                // The next connection tells the browsers to resync once it listens.
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        });
    }
}

async fn listen(
    pool: &PgPool,
    sender: &broadcast::Sender<String>,
    listening: &AtomicBool,
) -> sqlx::Result<()> {
    let mut listener = PgListener::connect_with(pool).await?;
    listener.listen(app::db::NOTIFY_CHANNEL).await?;
    listening.store(true, Ordering::Relaxed);
    // Anything before this moment may have been missed.
    let _ = sender.send(RESYNC.to_owned());
    loop {
        match listener.try_recv().await? {
            // Without receivers the message has nowhere to go; that is fine.
            Some(notification) => drop(sender.send(notification.payload().to_owned())),
            None => drop(sender.send(RESYNC.to_owned())),
        }
    }
}

/// One open connection of a user, counted until it is dropped.
struct Slot {
    open: Arc<Mutex<HashMap<i64, usize>>>,
    user: i64,
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut open = self
            .open
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(held) = open.get_mut(&self.user) {
            *held -= 1;
            if *held == 0 {
                open.remove(&self.user);
            }
        }
    }
}

/// `GET /live`: upgrades to a WebSocket that receives every change notification. The server's
/// guard admitted the request and the cross-site check its origin; the connection is closed
/// once its credential no longer admits it, or when the browser sends more than a control frame.
pub async fn live_socket(
    State(hub): State<LiveHub>,
    State(pool): State<PgPool>,
    State(settings): State<SessionSettings>,
    State(draining): State<Draining>,
    Extension(user): Extension<SessionUser>,
    headers: HeaderMap,
    upgrade: WebSocketUpgrade,
) -> Response {
    // The browser tries again in a moment and reaches the other instance.
    if draining.is_on() {
        return (StatusCode::SERVICE_UNAVAILABLE, "Der Server startet neu.").into_response();
    }
    let Some(slot) = hub.admit(user.id) else {
        return (
            StatusCode::TOO_MANY_REQUESTS,
            "Zu viele offene Live-Verbindungen für dieses Konto.",
        )
            .into_response();
    };
    let receiver = hub.sender.subscribe();
    let closing = hub.closing.subscribe();
    let admission = Admission {
        pool,
        settings,
        headers,
        every: hub.recheck,
        _slot: slot,
    };
    upgrade
        .read_buffer_size(SOCKET_BUFFER_BYTES)
        .write_buffer_size(SOCKET_BUFFER_BYTES)
        .max_message_size(MAX_INCOMING_BYTES)
        .max_frame_size(MAX_INCOMING_BYTES)
        .on_upgrade(move |socket| forward(socket, receiver, closing, admission))
}

/// What a connection needs to check that it is still admitted, and its place in the count.
struct Admission {
    pool: PgPool,
    settings: SessionSettings,
    headers: HeaderMap,
    every: Duration,
    _slot: Slot,
}

async fn forward(
    mut socket: WebSocket,
    mut receiver: broadcast::Receiver<String>,
    mut closing: watch::Receiver<bool>,
    admission: Admission,
) {
    let mut recheck = tokio::time::interval(admission.every);
    recheck.tick().await;
    loop {
        let text = tokio::select! {
            // Sent once, when the server stops.
            _ = closing.changed() => {
                let frame = CloseFrame {
                    code: CLOSE_RESTARTING,
                    reason: "server restarting".into(),
                };
                let _ = socket.send(Message::Close(Some(frame))).await;
                return;
            }
            message = receiver.recv() => match message {
                Ok(text) => text,
                Err(RecvError::Lagged(_)) => RESYNC.to_owned(),
                Err(RecvError::Closed) => return,
            },
            incoming = socket.recv() => match incoming {
                // The browser only listens; anything it sends is ignored until it closes, and
                // anything too large is a read error that ends the connection.
                Some(Ok(Message::Close(_)) | Err(_)) | None => return,
                Some(Ok(_)) => continue,
            },
            _ = recheck.tick() => {
                let admitted = crate::credentials::still_admitted(
                    &admission.pool,
                    admission.settings,
                    &admission.headers,
                )
                .await;
                match admitted {
                    Ok(true) => continue,
                    Ok(false) => {
                        let frame = CloseFrame {
                            code: CLOSE_SESSION_ENDED,
                            reason: "session ended".into(),
                        };
                        let _ = socket.send(Message::Close(Some(frame))).await;
                        return;
                    }
                    // The database is away for a moment: keep the connection, check again.
                    Err(error) => {
                        tracing::warn!(%error, "could not recheck a live connection's session");
                        continue;
                    }
                }
            }
        };
        if socket.send(Message::Text(text.into())).await.is_err() {
            return;
        }
    }
}
