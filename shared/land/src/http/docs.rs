//! Path parameters as the OpenAPI description shows them (the values are read
//! by `PathParams`, which gives the API's own error messages).

use utoipa::IntoParams;

#[derive(IntoParams)]
#[into_params(parameter_in = Path)]
#[allow(dead_code)]
pub struct CoordParams {
    /// The X coord of the parcel
    #[param(minimum = -150, maximum = 150)]
    x: i32,
    /// The Y coord of the parcel
    #[param(minimum = -150, maximum = 150)]
    y: i32,
}

#[derive(IntoParams)]
#[into_params(parameter_in = Path)]
#[allow(dead_code)]
pub struct AddressParam {
    /// An Ethereum address (any case)
    #[param(pattern = "^0x[0-9a-fA-F]{40}$")]
    address: String,
}
