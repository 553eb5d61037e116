//! The `captcha` route family: `POST /api/captcha` makes a challenge that a
//! key with `requires_captcha` asks for at claim time.

pub mod draw;

use axum::extract::State;
use base64::Engine;
use platform::http::{ApiError, Created, Envelope, ErrorBody};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::domain::captcha::{Captcha, LIFETIME_MS};
use crate::domain::time::Timestamp;
use crate::http::RewardsState;

pub fn router(state: RewardsState) -> OpenApiRouter {
    OpenApiRouter::new()
        .routes(routes!(create_captcha))
        .with_state(state)
}

/// A challenge as answered: the picture, never the answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct CaptchaView {
    #[schema(format = Uuid)]
    pub id: String,
    pub width: u32,
    pub height: u32,
    /// `data:image/png;base64,...`
    pub image: String,
    #[schema(value_type = String, format = DateTime)]
    pub expires_at: Timestamp,
}

/// A new captcha: 6 characters to read from the picture, answerable once
/// within 5 minutes (any letter case).
#[utoipa::path(post, path = "/api/captcha", tag = "captcha",
    responses((status = 201, body = Envelope<CaptchaView>), (status = 503, body = ErrorBody)))]
pub async fn create_captcha(
    State(s): State<RewardsState>,
) -> Result<Created<CaptchaView>, ApiError> {
    let now = s.now();
    let captcha = Captcha {
        id: uuid::Uuid::new_v4().to_string(),
        answer: (s.captcha_answer)(),
        expires_at: Timestamp(now.ms() + LIFETIME_MS),
    };
    let answer = captcha.answer.clone();
    // Drawing is CPU work: off the request threads, two at a time at most,
    // so a flood of requests queues instead of taking every thread.
    static DRAWING: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(2);
    let _turn = DRAWING
        .acquire()
        .await
        .map_err(|e| ApiError::Internal(format!("captcha drawing: {e}")))?;
    let png = tokio::task::spawn_blocking(move || draw::png(&answer))
        .await
        .map_err(|e| ApiError::Internal(format!("captcha drawing: {e}")))?;
    s.store.add_captcha(&captcha).await?;
    // The embedded store has no TTL: each new captcha clears the expired.
    let purged = s.store.purge_captchas(now).await?;
    if purged > 0 {
        tracing::debug!(purged, "expired captchas purged");
    }
    Ok(Created(CaptchaView {
        id: captcha.id,
        width: draw::WIDTH,
        height: draw::HEIGHT,
        image: format!(
            "data:image/png;base64,{}",
            base64::engine::general_purpose::STANDARD.encode(png)
        ),
        expires_at: captcha.expires_at,
    }))
}
