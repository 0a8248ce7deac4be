//! Live updates: one `PgListener` for the whole server turns the `calls_changed` notifications
//! of the importer and the service layer into a broadcast, and every browser's WebSocket
//! forwards it. After the listener reconnects, or when a browser falls behind, clients are told
//! to resync, since notifications may have been missed.

use std::time::Duration;

use app::{auth::SessionSettings, live::CLOSE_SESSION_ENDED};
use axum::{
    extract::{
        State, WebSocketUpgrade,
        ws::{CloseFrame, Message, WebSocket},
    },
    http::HeaderMap,
    response::Response,
};
use sqlx::{PgPool, postgres::PgListener};
use tokio::sync::broadcast::{self, error::RecvError};

/// What tells a browser to fetch its view again without naming changed calls.
pub const RESYNC: &str = r#"{"resync":true}"#;

/// Messages a slow browser may fall behind by before it is told to resync instead.
const BACKLOG: usize = 256;

/// The sending side of the broadcast, cloned into every WebSocket handler, and how often an
/// open connection checks that its session still admits it.
#[derive(Clone)]
pub struct LiveHub {
    sender: broadcast::Sender<String>,
    recheck: Duration,
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
        }
    }

    /// Listens on PostgreSQL for as long as the server runs, reconnecting after failures.
    pub fn spawn_listener(&self, pool: PgPool) {
        let sender = self.sender.clone();
        tokio::spawn(async move {
            loop {
                if let Err(error) = listen(&pool, &sender).await {
                    tracing::warn!(%error, "live listener lost its connection; reconnecting");
                }
                // The next connection tells the browsers to resync once it listens.
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        });
    }
}

async fn listen(pool: &PgPool, sender: &broadcast::Sender<String>) -> sqlx::Result<()> {
    let mut listener = PgListener::connect_with(pool).await?;
    listener.listen(app::db::NOTIFY_CHANNEL).await?;
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

/// `GET /live`: upgrades to a WebSocket that receives every change notification. The server's
/// guard admitted the request; the connection is closed once its credential no longer would.
pub async fn live_socket(
    State(hub): State<LiveHub>,
    State(pool): State<PgPool>,
    State(settings): State<SessionSettings>,
    headers: HeaderMap,
    upgrade: WebSocketUpgrade,
) -> Response {
    let receiver = hub.sender.subscribe();
    let admission = Admission {
        pool,
        settings,
        headers,
        every: hub.recheck,
    };
    upgrade.on_upgrade(move |socket| forward(socket, receiver, admission))
}

/// What a connection needs to check that it is still admitted.
struct Admission {
    pool: PgPool,
    settings: SessionSettings,
    headers: HeaderMap,
    every: Duration,
}

async fn forward(
    mut socket: WebSocket,
    mut receiver: broadcast::Receiver<String>,
    admission: Admission,
) {
    let mut recheck = tokio::time::interval(admission.every);
    recheck.tick().await;
    loop {
        let text = tokio::select! {
            message = receiver.recv() => match message {
                Ok(text) => text,
                Err(RecvError::Lagged(_)) => RESYNC.to_owned(),
                Err(RecvError::Closed) => return,
            },
            incoming = socket.recv() => match incoming {
                // The browser only listens; anything it sends is ignored until it closes.
                Some(Ok(Message::Close(_)) | Err(_)) | None => return,
                Some(Ok(_)) => continue,
            },
            _ = recheck.tick() => {
                let admitted = crate::auth::still_admitted(
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
