//! Where the model container is and how to sign in to it, with secrets kept out of every message.

use std::fmt;

use azure_core::http::Url;

use crate::BlobError;

/// How requests to the container are authorised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "clap", derive(clap::ValueEnum))]
pub enum AuthChoice {
    /// A SAS if one is given (in the URL or `CARPRICE_SAS`), anonymous otherwise.
    Auto,
    /// A shared access signature: required in the URL or `CARPRICE_SAS`.
    Sas,
    /// No credentials: reads of a container with public access.
    Anonymous,
    /// Microsoft Entra ID through `azure_identity`: workload identity when
    /// `AZURE_FEDERATED_TOKEN_FILE` is set, else the Azure CLI's sign-in (a laptop after `az login`,
    /// or GitHub Actions after `azure/login` with OIDC). https only.
    Entra,
}

/// The authorisation settled for a container.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Auth {
    /// The SAS travels in the query string of every request.
    Sas,
    /// No credentials.
    Anonymous,
    /// Bearer tokens from Entra ID.
    Entra,
}

/// A container URL with its SAS (if any), shown only with the signature redacted.
#[derive(Clone)]
pub struct ContainerLocation {
    url: Url,
    auth: Auth,
}

impl ContainerLocation {
    /// Combines a container URL, an optional SAS token (`CARPRICE_SAS`, with or without the leading
    /// `?`) and the chosen authorisation.
    ///
    /// # Errors
    /// [`BlobError::BadLocation`] for a URL that does not parse, two SAS tokens, a missing SAS when
    /// `sas` is chosen, or a SAS combined with `anonymous` or `entra`.
    pub fn new(url: &str, sas: Option<&str>, choice: AuthChoice) -> Result<Self, BlobError> {
        let bad = |why: &str| BlobError::BadLocation(format!("{}: {why}", redact(url)));
        const EXPECTED: &str =
            "expected an http(s) URL such as https://ACCOUNT.blob.core.windows.net/CONTAINER";
        // A path or a bare name is not a URL at all: say what is expected, not the parser's
        // "relative URL without a base".
        if !url.contains("://") {
            return Err(bad(EXPECTED));
        }
        let mut url = Url::parse(url.trim()).map_err(|e| bad(&format!("{e}; {EXPECTED}")))?;
        if !matches!(url.scheme(), "http" | "https") || url.cannot_be_a_base() {
            return Err(bad(EXPECTED));
        }
        let sas = sas
            .map(|s| s.trim().trim_start_matches('?'))
            .filter(|s| !s.is_empty());
        let url_has_sas = url.query_pairs().any(|(key, _)| key == "sig");
        match (sas, url_has_sas) {
            (Some(_), true) => {
                return Err(bad(
                    "a SAS is both in the URL and in CARPRICE_SAS; keep one",
                ))
            }
            (Some(token), false) => url.set_query(Some(token)),
            _ => {}
        }
        let has_sas = sas.is_some() || url_has_sas;
        let auth = match (choice, has_sas) {
            (AuthChoice::Auto | AuthChoice::Sas, true) => Auth::Sas,
            (AuthChoice::Sas, false) => {
                return Err(bad("--auth sas needs a SAS: put it in CARPRICE_SAS or in the URL"))
            }
            (AuthChoice::Auto | AuthChoice::Anonymous, false) => Auth::Anonymous,
            (AuthChoice::Entra, false) => Auth::Entra,
            (AuthChoice::Anonymous | AuthChoice::Entra, true) => {
                return Err(bad("a SAS was given but --auth asks for no SAS; unset CARPRICE_SAS or choose --auth sas"))
            }
        };
        if auth == Auth::Entra && url.scheme() != "https" {
            return Err(bad("Entra ID sign-in needs an https URL"));
        }
        Ok(ContainerLocation { url, auth })
    }

    /// The URL to send requests to (with the SAS: never print it; print `self` instead).
    pub(crate) fn url(&self) -> &Url {
        &self.url
    }

    /// How requests are authorised.
    pub fn auth(&self) -> Auth {
        self.auth
    }
}

/// Shows the URL without its query string, so a SAS never reaches a log.
impl fmt::Display for ContainerLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut shown = self.url.clone();
        shown.set_query(None);
        write!(f, "{}", shown.as_str().trim_end_matches('/'))
    }
}

impl fmt::Debug for ContainerLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ContainerLocation({self}, {:?})", self.auth)
    }
}

/// Replaces the value of every `sig=` parameter in `text` (a SAS signature, the secret part of a
/// SAS) with `REDACTED`. Error messages of the HTTP stack quote whole URLs, so every message that
/// leaves the blob module goes through here.
pub fn redact(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.to_ascii_lowercase().find("sig=") {
        let value = start + "sig=".len();
        out.push_str(&rest[..value]);
        out.push_str("REDACTED");
        let end = rest[value..]
            .find(|c: char| {
                c == '&' || c == ')' || c == '"' || c == '\'' || c == '>' || c.is_whitespace()
            })
            .map_or(rest.len(), |i| value + i);
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAS: &str =
        "sv=2023-11-03&ss=b&srt=sco&sp=rl&se=2030-01-01T00%3A00%3A00Z&sig=c2VjcmV0%2Bsig%3D";

    #[test]
    fn a_container_given_as_a_path_said_relative_url_without_a_base() {
        for path in ["/srv/models", "models", "./models"] {
            let error = ContainerLocation::new(path, None, AuthChoice::Auto)
                .err()
                .unwrap()
                .to_string();
            assert!(!error.contains("relative URL"), "{error}");
            assert!(
                error.contains("expected an http(s) URL such as https://ACCOUNT.blob.core.windows.net/CONTAINER"),
                "{error}"
            );
        }
    }

    #[test]
    fn a_sas_from_the_environment_joins_the_url_and_never_shows() {
        let location = ContainerLocation::new(
            "http://127.0.0.1:10000/devstoreaccount1/models",
            Some(SAS),
            AuthChoice::Auto,
        )
        .unwrap();
        assert_eq!(location.auth(), Auth::Sas);
        assert!(location.url().as_str().contains("sig="));
        assert_eq!(
            location.to_string(),
            "http://127.0.0.1:10000/devstoreaccount1/models"
        );
        assert!(!format!("{location:?}").contains("c2VjcmV0"));
    }

    #[test]
    fn without_a_sas_auto_is_anonymous_and_entra_needs_https() {
        let plain = "http://127.0.0.1:10000/devstoreaccount1/models";
        assert_eq!(
            ContainerLocation::new(plain, None, AuthChoice::Auto)
                .unwrap()
                .auth(),
            Auth::Anonymous
        );
        assert!(ContainerLocation::new(plain, None, AuthChoice::Entra).is_err());
        assert!(ContainerLocation::new(plain, None, AuthChoice::Sas).is_err());
        let https = "https://acct.blob.core.windows.net/models";
        assert_eq!(
            ContainerLocation::new(https, None, AuthChoice::Entra)
                .unwrap()
                .auth(),
            Auth::Entra
        );
    }

    #[test]
    fn two_sas_tokens_are_refused_without_showing_either() {
        let with_sas = format!("https://acct.blob.core.windows.net/models?{SAS}");
        let error = ContainerLocation::new(&with_sas, Some(SAS), AuthChoice::Auto).unwrap_err();
        assert!(!error.to_string().contains("c2VjcmV0"), "{error}");
    }

    #[test]
    fn redact_hides_every_signature() {
        let text = format!("error sending request for url (http://h/c/b?{SAS}) and sig=abc&x=1");
        let shown = redact(&text);
        assert!(
            !shown.contains("c2VjcmV0") && !shown.contains("abc"),
            "{shown}"
        );
        assert!(
            shown.contains("sig=REDACTED) and sig=REDACTED&x=1"),
            "{shown}"
        );
    }
}
