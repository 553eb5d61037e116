use std::collections::BTreeMap;

use crate::http::{ApiError, ApiResult, Data, Envelope, ErrorBody, PathParams};

/// Every translation of a locale as one flat object (`"a.b": "text"`).
#[utoipa::path(get, path = "/v1/translations/{locale}", tag = "translations",
    params(("locale" = String, Path, pattern = "^[A-Za-z]{2}([-_][A-Za-z0-9]+)?$", example = "en",
        description = "en, es, fr, ko, zh or ja; only the first two letters count (en-US = en)")),
    responses((status = 200, body = Envelope<BTreeMap<String, String>>), (status = 404, body = ErrorBody)))]
pub async fn translations(path: PathParams) -> ApiResult<&'static BTreeMap<String, String>> {
    let locale = path.text("locale")?;
    super::flat(locale).map(Data).ok_or_else(|| {
        ApiError::not_found(format!(
            "Locale \"{locale}\" not found: use one of en, es, fr, ko, zh, ja"
        ))
    })
}
