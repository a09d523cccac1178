//! Roles and what each may do: the application layer's role matrix
//! ([`kejing_app::access`]), which the web's pages and API check through `Ctx`.

pub use kejing_app::access::{Action, Role, allowed};
