//! The app's state and every way it changes: a `Reducible` with an [`Action`] enum, kept free of
//! browser calls so the transitions are tested natively.

use std::rc::Rc;

use model_core::Quote;
use yew::Reducible;

use crate::desk::{Desk, DeskAction};
use crate::form::FormState;
use crate::release::{LoadError, LoadedModel, SiteConfig};

/// Everything the screen shows.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AppState {
    /// Site settings (defaults until `config.json` is read).
    pub config: SiteConfig,
    /// The model in use: the last good one.
    pub current: Option<Rc<LoadedModel>>,
    /// Where the model in use came from.
    pub source: ModelSource,
    /// What the user typed.
    pub form: FormState,
    /// Bumped on every change of form or model, so late endpoint answers can be recognised.
    pub revision: u64,
    /// Whether the browser says it is online.
    pub online: bool,
    /// Whether the last release check reached the server (`None` before the first).
    pub reachable: Option<bool>,
    /// Why there is no model at all (first visit with the network down or a bad release).
    pub startup_error: Option<LoadError>,
    /// Messages for the user, newest last.
    pub notices: Vec<Notice>,
    /// The last answer of the scoring endpoint (endpoint mode).
    pub remote: RemoteQuote,
    /// The screens around pricing and the saved quotes ([`crate::desk`]).
    pub desk: Desk,
    next_notice: u64,
}

/// Where the model in use came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ModelSource {
    /// No model yet.
    #[default]
    None,
    /// Kept in this browser from an earlier visit.
    Saved,
    /// Fetched and verified during this visit.
    Network,
}

/// A message shown above the form until dismissed.
#[derive(Debug, Clone, PartialEq)]
pub struct Notice {
    /// Identifies the notice for dismissal.
    pub id: u64,
    /// What happened.
    pub kind: NoticeKind,
}

/// What a notice says.
#[derive(Debug, Clone, PartialEq)]
pub enum NoticeKind {
    /// A newer release was picked up while the page was open.
    Updated {
        /// Model version before.
        from: String,
        /// Model version now.
        to: String,
    },
    /// The published model could not be used; the last good one stays.
    Rejected {
        /// Why.
        error: LoadError,
        /// The version still in use.
        kept: String,
    },
    /// A link, the last visit or a saved quote described a car with values the model cannot
    /// price; they were dropped (see [`crate::share::decode`]).
    Dropped {
        /// What was left out, in words.
        dropped: Vec<String>,
    },
    /// The scoring endpoint failed; the browser priced the car instead.
    EndpointFallback {
        /// Why.
        message: String,
    },
}

/// The scoring endpoint's answer for a form revision.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum RemoteQuote {
    /// Nothing asked yet.
    #[default]
    Idle,
    /// Asked for this revision, no answer yet.
    Pending(u64),
    /// The answer for a revision.
    Ready(u64, Quote<'static>),
    /// The endpoint failed for a revision.
    Failed(u64),
}

/// Everything that changes the state.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// `config.json` was read.
    Configured(SiteConfig),
    /// A verified model: from this browser's storage, or fetched from the site.
    Loaded {
        /// The model and its release.
        model: Rc<LoadedModel>,
        /// Where it came from.
        source: ModelSource,
    },
    /// The site answered but its model cannot be used.
    Rejected(LoadError),
    /// The site could not be reached.
    Unreachable(LoadError),
    /// The user changed a field.
    Edit {
        /// Attribute name.
        attribute: String,
        /// The field's new text.
        text: String,
    },
    /// The whole form was replaced (a shared link, the last visit's car, a reopened quote).
    Restore {
        /// The new form.
        form: FormState,
        /// What could not be carried into it, in words (a notice when not empty).
        dropped: Vec<String>,
    },
    /// Something at the desk: a screen shown, quotes saved, listed, reopened…
    Desk(DeskAction),
    /// The browser went online or offline.
    Online(bool),
    /// The user dismissed a notice.
    Dismiss(u64),
    /// The scoring endpoint was asked about a revision.
    RemoteAsked(u64),
    /// The scoring endpoint answered for a revision.
    RemoteAnswered(u64, Result<Quote<'static>, String>),
}

impl AppState {
    /// The state before anything is loaded.
    pub fn new(online: bool) -> AppState {
        AppState {
            online,
            ..AppState::default()
        }
    }

    /// Whether the app should say it is offline.
    pub fn is_offline(&self) -> bool {
        !self.online || self.reachable == Some(false)
    }

    fn push_notice(&mut self, kind: NoticeKind) {
        // One notice per kind of event: a repeated check must not stack identical messages.
        self.notices
            .retain(|n| std::mem::discriminant(&n.kind) != std::mem::discriminant(&kind));
        self.next_notice += 1;
        self.notices.push(Notice {
            id: self.next_notice,
            kind,
        });
    }

    /// The state after an action.
    pub fn apply(mut self, action: Action) -> AppState {
        match action {
            Action::Configured(config) => self.config = config,
            Action::Loaded { model, source } => {
                if source == ModelSource::Network {
                    self.reachable = Some(true);
                    self.startup_error = None;
                    // A good release answers an earlier bad one (not a bad configuration).
                    self.notices.retain(|n| {
                        !matches!(&n.kind, NoticeKind::Rejected { error, .. } if !matches!(error, LoadError::Config(_)))
                    });
                }
                let previous = self.current.clone();
                match previous {
                    Some(current) if current.is_same_model(&model) => {
                        if source == ModelSource::Network {
                            self.source = ModelSource::Network;
                            self.current = Some(model);
                        }
                    }
                    previous => {
                        if let (Some(previous), ModelSource::Network) = (&previous, source) {
                            self.push_notice(NoticeKind::Updated {
                                from: previous.model().version().to_string(),
                                to: model.model().version().to_string(),
                            });
                        }
                        self.form = match previous {
                            Some(_) => self.form.carried_over(model.model()),
                            None => FormState::for_model(model.model()),
                        };
                        self.revision += 1;
                        self.source = source;
                        self.current = Some(model);
                    }
                }
            }
            Action::Rejected(error) => {
                self.reachable = Some(true);
                let kept = self
                    .current
                    .as_ref()
                    .map(|c| c.model().version().to_string());
                match (kept, &error) {
                    (kept, LoadError::Config(_)) => self.push_notice(NoticeKind::Rejected {
                        error,
                        kept: kept.unwrap_or_default(),
                    }),
                    (Some(kept), _) => self.push_notice(NoticeKind::Rejected { error, kept }),
                    (None, _) => self.startup_error = Some(error),
                }
            }
            Action::Unreachable(error) => {
                self.reachable = Some(false);
                if self.current.is_none() {
                    self.startup_error = Some(error);
                }
            }
            Action::Edit { attribute, text } => {
                self.form.set(attribute, text);
                self.revision += 1;
            }
            Action::Restore { form, dropped } => {
                self.form = form;
                self.revision += 1;
                if !dropped.is_empty() {
                    self.push_notice(NoticeKind::Dropped { dropped });
                }
            }
            Action::Desk(action) => self.desk = std::mem::take(&mut self.desk).apply(action),
            Action::Online(online) => self.online = online,
            Action::Dismiss(id) => self.notices.retain(|n| n.id != id),
            Action::RemoteAsked(revision) => self.remote = RemoteQuote::Pending(revision),
            Action::RemoteAnswered(revision, answer) => {
                if revision == self.revision {
                    match answer {
                        Ok(quote) => self.remote = RemoteQuote::Ready(revision, quote),
                        Err(message) => {
                            self.remote = RemoteQuote::Failed(revision);
                            self.push_notice(NoticeKind::EndpointFallback { message });
                        }
                    }
                }
            }
        }
        self
    }
}

impl Reducible for AppState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        Rc::new((*self).clone().apply(action))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use model_core::{hex_sha256, Model};

    use crate::test_support::{numeric, MODEL_JSON as MODEL};

    fn loaded(text: &str) -> Rc<LoadedModel> {
        let version = Model::from_json(text).unwrap().version().to_string();
        let release = format!(
            r#"{{"model_version": "{version}", "model_sha256": "{}"}}"#,
            hex_sha256(text.as_bytes())
        );
        Rc::new(LoadedModel::verify(&release, text.as_bytes()).unwrap())
    }

    /// The default model under another version (the same weights; a new release).
    fn newer() -> String {
        let mut document = Model::from_json(MODEL).unwrap().document().clone();
        document.version = "99.0.0".into();
        serde_json::to_string(&document).unwrap()
    }

    #[test]
    fn a_saved_model_then_the_same_one_from_the_network_gives_no_notice() {
        let state = AppState::new(true)
            .apply(Action::Loaded {
                model: loaded(MODEL),
                source: ModelSource::Saved,
            })
            .apply(Action::Edit {
                attribute: "make".into(),
                text: "audi".into(),
            })
            .apply(Action::Loaded {
                model: loaded(MODEL),
                source: ModelSource::Network,
            });
        assert!(state.notices.is_empty());
        assert_eq!(state.source, ModelSource::Network);
        assert_eq!(state.form.value("make"), "audi");
        assert!(!state.is_offline());
    }

    fn version() -> String {
        Model::from_json(MODEL).unwrap().version().to_string()
    }

    #[test]
    fn a_new_release_keeps_the_form_and_says_so() {
        let (typed, ..) = numeric(&Model::from_json(MODEL).unwrap(), 0, false);
        let state = AppState::new(true)
            .apply(Action::Loaded {
                model: loaded(MODEL),
                source: ModelSource::Network,
            })
            .apply(Action::Edit {
                attribute: typed.clone(),
                text: "150".into(),
            })
            .apply(Action::Loaded {
                model: loaded(&newer()),
                source: ModelSource::Network,
            });
        assert_eq!(state.form.value(&typed), "150");
        assert_eq!(state.current.as_ref().unwrap().model().version(), "99.0.0");
        assert_eq!(
            state.notices[0].kind,
            NoticeKind::Updated {
                from: version(),
                to: "99.0.0".into()
            }
        );
    }

    #[test]
    fn a_bad_model_keeps_the_last_good_one_with_one_notice() {
        let error = LoadError::HashMismatch {
            expected: "a".into(),
            found: "b".into(),
        };
        let state = AppState::new(true)
            .apply(Action::Loaded {
                model: loaded(MODEL),
                source: ModelSource::Saved,
            })
            .apply(Action::Rejected(error.clone()))
            .apply(Action::Rejected(error.clone()));
        assert_eq!(state.current.as_ref().unwrap().model().version(), version());
        assert_eq!(state.notices.len(), 1);
        assert_eq!(
            state.notices[0].kind,
            NoticeKind::Rejected {
                error,
                kept: version()
            }
        );
        let id = state.notices[0].id;
        assert!(state.apply(Action::Dismiss(id)).notices.is_empty());
    }

    #[test]
    fn a_bad_configuration_stays_noticed_after_a_good_release() {
        let error = LoadError::Config("unknown variant `mainframe`".into());
        let state = AppState::new(true)
            .apply(Action::Rejected(error.clone()))
            .apply(Action::Loaded {
                model: loaded(MODEL),
                source: ModelSource::Network,
            });
        assert_eq!(state.startup_error, None);
        assert!(
            matches!(&state.notices[0].kind, NoticeKind::Rejected { error: e, .. } if *e == error)
        );
    }

    #[test]
    fn without_any_model_errors_are_shown_instead_of_the_form() {
        let error = LoadError::Network {
            url: "release.json".into(),
            message: "offline".into(),
        };
        let state = AppState::new(false).apply(Action::Unreachable(error.clone()));
        assert_eq!(state.startup_error, Some(error));
        assert!(state.is_offline());
    }

    #[test]
    fn a_restored_car_replaces_the_form_and_says_what_was_dropped() {
        let model = Model::from_json(MODEL).unwrap();
        let state = AppState::new(true).apply(Action::Loaded {
            model: loaded(MODEL),
            source: ModelSource::Saved,
        });
        let pairs = [("make", "trabant"), ("colour", "red")]
            .map(|(n, v)| Ok((n.to_string(), v.to_string())))
            .to_vec();
        let restored = crate::share::nearest(&model, pairs);
        let revision = state.revision;
        let state = state.apply(Action::Restore {
            form: restored.form.clone(),
            dropped: restored.dropped.clone(),
        });
        assert_eq!(state.form, restored.form);
        assert_eq!(state.revision, revision + 1);
        assert_eq!(
            state.notices[0].kind,
            NoticeKind::Dropped {
                dropped: restored.dropped
            }
        );
        let state = state.apply(Action::Restore {
            form: FormState::for_model(&model),
            dropped: Vec::new(),
        });
        assert_eq!(state.notices.len(), 1, "nothing dropped: no new notice");
    }

    #[test]
    fn late_endpoint_answers_are_ignored() {
        let state = AppState::new(true).apply(Action::Loaded {
            model: loaded(MODEL),
            source: ModelSource::Network,
        });
        let asked = state.revision;
        let state = state.apply(Action::RemoteAsked(asked)).apply(Action::Edit {
            attribute: "make".into(),
            text: "bmw".into(),
        });
        let state = state.apply(Action::RemoteAnswered(asked, Err("timeout".into())));
        assert_eq!(state.remote, RemoteQuote::Pending(asked));
        assert!(state.notices.is_empty());
    }
}
