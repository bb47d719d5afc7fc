//! The app's contact with the outside: the site's files and the scoring API over HTTP, this
//! browser's storage, and browser signals (online status, performance marks).

pub mod browser;
pub mod site;
pub mod storage;
