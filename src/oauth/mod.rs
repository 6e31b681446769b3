//! OAuth 1.0a provider (api.md §2, §7-8): signatures, nonces, clients, token endpoints and the
//! authorization pages.
pub mod params;
pub mod register;
pub mod token2;
pub mod tokens;
pub mod verify;
