//! Live updates: one `PgListener` for the whole server turns the `calls_changed` notifications
//! of the importer and the service layer into a broadcast, and every browser's WebSocket
//! forwards it. After the listener reconnects, or when a browser falls behind, clients are told
//! to resync, since notifications may have been missed.

use std::time::Duration;

use axum::{
    extract::{
        State, WebSocketUpgrade,
        ws::{Message, WebSocket},
    },
    response::Response,
};
use sqlx::{PgPool, postgres::PgListener};
use tokio::sync::broadcast::{self, error::RecvError};

/// What tells a browser to fetch its view again without naming changed calls.
pub const RESYNC: &str = r#"{"resync":true}"#;

/// Messages a slow browser may fall behind by before it is told to resync instead.
const BACKLOG: usize = 256;

/// The sending side of the broadcast; cloned into every WebSocket handler.
#[derive(Clone)]
pub struct LiveHub(broadcast::Sender<String>);

impl Default for LiveHub {
    fn default() -> Self {
        Self(broadcast::channel(BACKLOG).0)
    }
}

impl LiveHub {
    /// Listens on PostgreSQL for as long as the server runs, reconnecting after failures.
    pub fn spawn_listener(&self, pool: PgPool) {
        let sender = self.0.clone();
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

/// `GET /live`: upgrades to a WebSocket that receives every change notification.
pub async fn live_socket(State(hub): State<LiveHub>, upgrade: WebSocketUpgrade) -> Response {
    let receiver = hub.0.subscribe();
    upgrade.on_upgrade(move |socket| forward(socket, receiver))
}

async fn forward(mut socket: WebSocket, mut receiver: broadcast::Receiver<String>) {
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
        };
        if socket.send(Message::Text(text.into())).await.is_err() {
            return;
        }
    }
}
