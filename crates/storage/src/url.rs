//! Database URLs: choosing the backend from the scheme, and redacting passwords.

use std::fmt;
use std::path::PathBuf;

use crate::error::StorageError;

/// The database engine behind a [`crate::Database`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Backend {
    /// MySQL or a compatible engine (MariaDB, TiDB, …); the production backend.
    Mysql,
    /// PostgreSQL.
    Postgres,
    /// An SQLite file; the embedded default.
    Sqlite,
}

impl fmt::Display for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Mysql => "MySQL",
            Self::Postgres => "PostgreSQL",
            Self::Sqlite => "SQLite",
        })
    }
}

/// What a URL with an unknown scheme is told.
const EXPECTED: &str = "expected mysql://…, postgres://… or sqlite://path";

/// A parsed database URL.
#[derive(Clone, PartialEq, Eq)]
pub(crate) enum DatabaseUrl {
    /// A `mysql://` URL, passed to the client library unchanged (`mariadb://` is rewritten).
    Mysql(String),
    /// A `postgres://` URL, passed to the client library unchanged (`postgresql://` too).
    Postgres(String),
    /// The path of an SQLite file.
    Sqlite(PathBuf),
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Mysql(url) => f.debug_tuple("Mysql").field(&redact_url(url)).finish(),
            Self::Postgres(url) => f.debug_tuple("Postgres").field(&redact_url(url)).finish(),
            Self::Sqlite(path) => f.debug_tuple("Sqlite").field(path).finish(),
        }
    }
}

impl DatabaseUrl {
    /// Parses `mysql://…`, `mariadb://…`, `postgres://…`, `postgresql://…`, `sqlite://path` or
    /// `sqlite:path`.
    ///
    /// In-memory SQLite databases are refused: every pooled connection would open its own,
    /// empty database. `file:` URIs are refused as well so that URI parameters such as
    /// `mode=memory` cannot sneak in.
    pub(crate) fn parse(url: &str) -> Result<Self, StorageError> {
        let unsupported = |reason| StorageError::UnsupportedUrl {
            url: redact_url(url),
            reason,
        };
        let Some((scheme, rest)) = url.split_once(':') else {
            return Err(unsupported(EXPECTED));
        };
        match scheme.to_ascii_lowercase().as_str() {
            "mysql" | "mariadb" => match rest.strip_prefix("//") {
                Some(authority) if !authority.is_empty() => {
                    Ok(Self::Mysql(format!("mysql://{authority}")))
                }
                _ => Err(unsupported(
                    "expected mysql://user:password@host:port/database",
                )),
            },
            "postgres" | "postgresql" => match rest.strip_prefix("//") {
                Some(authority) if !authority.is_empty() => Ok(Self::Postgres(url.to_owned())),
                _ => Err(unsupported(
                    "expected postgres://user:password@host:port/database",
                )),
            },
            "sqlite" => {
                let path = rest.strip_prefix("//").unwrap_or(rest);
                if path.is_empty() {
                    Err(unsupported("the SQLite URL names no file"))
                } else if path == ":memory:" || path.contains("mode=memory") {
                    Err(unsupported(
                        "in-memory SQLite cannot be shared by a connection pool",
                    ))
                } else if path.starts_with("file:") {
                    Err(unsupported(
                        "SQLite URI filenames are not accepted; give a plain path",
                    ))
                } else if path.contains('\0') {
                    Err(unsupported("the SQLite path contains a NUL byte"))
                } else {
                    Ok(Self::Sqlite(PathBuf::from(path)))
                }
            }
            _ => Err(unsupported(EXPECTED)),
        }
    }

    /// The backend this URL selects.
    pub(crate) fn backend(&self) -> Backend {
        match self {
            Self::Mysql(_) => Backend::Mysql,
            Self::Postgres(_) => Backend::Postgres,
            Self::Sqlite(_) => Backend::Sqlite,
        }
    }

    /// The URL as it may appear in logs and errors.
    pub(crate) fn redacted(&self) -> String {
        match self {
            Self::Mysql(url) | Self::Postgres(url) => redact_url(url),
            Self::Sqlite(path) => format!("sqlite://{}", path.display()),
        }
    }
}

/// Checks a database URL as [`crate::Database::connect`] does before it connects: a scheme
/// this crate accepts, and a backend compiled into this build. Returns the backend it selects.
pub fn check_url(url: &str) -> Result<Backend, StorageError> {
    let backend = DatabaseUrl::parse(url)?.backend();
    #[cfg(not(feature = "mysql"))]
    if backend == Backend::Mysql {
        return Err(StorageError::MysqlNotCompiled);
    }
    #[cfg(not(feature = "postgres"))]
    if backend == Backend::Postgres {
        return Err(StorageError::PostgresNotCompiled);
    }
    Ok(backend)
}

/// Replaces the password of a `scheme://user:password@host/…` URL with `***`.
///
/// Used for every URL that reaches a log line or an error message; URLs without a password
/// are returned unchanged.
pub fn redact_url(url: &str) -> String {
    let Some(scheme_end) = url.find("://") else {
        return url.to_owned();
    };
    let authority_start = scheme_end + 3;
    let authority_end = url[authority_start..]
        .find(['/', '?', '#'])
        .map_or(url.len(), |offset| authority_start + offset);
    let authority = &url[authority_start..authority_end];
    let Some(at) = authority.rfind('@') else {
        return url.to_owned();
    };
    let Some(colon) = authority[..at].find(':') else {
        return url.to_owned();
    };
    format!(
        "{}{}:***{}",
        &url[..authority_start],
        &authority[..colon],
        &url[authority_start + at..]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postgres_and_postgresql_urls_select_postgres_and_are_passed_on_unchanged() {
        // Act
        let short = DatabaseUrl::parse("postgres://app:pw@db:5432/lifeline?sslmode=require");
        let long = DatabaseUrl::parse("postgresql://app@db/lifeline").unwrap();

        // Assert
        assert_eq!(
            short.unwrap(),
            DatabaseUrl::Postgres("postgres://app:pw@db:5432/lifeline?sslmode=require".into())
        );
        assert_eq!(long.backend(), Backend::Postgres);
        assert_eq!(
            format!("{long:?}"),
            "Postgres(\"postgresql://app@db/lifeline\")"
        );
        assert_eq!(
            DatabaseUrl::parse("postgres://app:pw@db/x")
                .unwrap()
                .redacted(),
            "postgres://app:***@db/x"
        );
    }

    #[test]
    fn mysql_and_mariadb_urls_select_mysql() {
        // Arrange / Act
        let mysql = DatabaseUrl::parse("mysql://app:pw@db:3306/lifeline").unwrap();
        let mariadb = DatabaseUrl::parse("MariaDB://app@db/lifeline").unwrap();

        // Assert
        assert_eq!(
            mysql,
            DatabaseUrl::Mysql("mysql://app:pw@db:3306/lifeline".into())
        );
        assert_eq!(
            mariadb,
            DatabaseUrl::Mysql("mysql://app@db/lifeline".into())
        );
        assert_eq!(mysql.backend(), Backend::Mysql);
    }

    #[test]
    fn both_sqlite_forms_select_the_same_file() {
        // Arrange / Act
        let slashes = DatabaseUrl::parse("sqlite://data/lifeline.db").unwrap();
        let bare = DatabaseUrl::parse("sqlite:data/lifeline.db").unwrap();
        let absolute = DatabaseUrl::parse("sqlite:///var/lib/lifeline.db").unwrap();

        // Assert
        assert_eq!(slashes, DatabaseUrl::Sqlite("data/lifeline.db".into()));
        assert_eq!(bare, slashes);
        assert_eq!(absolute, DatabaseUrl::Sqlite("/var/lib/lifeline.db".into()));
        assert_eq!(bare.backend(), Backend::Sqlite);
    }

    #[test]
    fn other_schemes_and_memory_databases_are_refused() {
        for url in [
            "oracle://localhost/db",
            "postgres://",
            "postgresql:db",
            "lifeline.db",
            "",
            "sqlite::memory:",
            "sqlite://:memory:",
            "sqlite:",
            "sqlite:file:x.db?mode=memory",
            "sqlite:file:x.db",
            "mysql://",
            "mysql:db",
        ] {
            // Act
            let result = DatabaseUrl::parse(url);

            // Assert
            assert!(
                matches!(result, Err(StorageError::UnsupportedUrl { .. })),
                "{url:?} was accepted"
            );
        }
    }

    #[test]
    fn refusing_a_url_does_not_repeat_its_password() {
        // Act
        let error = DatabaseUrl::parse("oracle://app:hunter2@db/x").unwrap_err();

        // Assert
        assert!(!error.to_string().contains("hunter2"));
        assert!(error.to_string().contains("oracle://app:***@db/x"));
    }

    #[test]
    fn redaction_hides_only_the_password() {
        assert_eq!(
            redact_url("mysql://app:s3cr:et@db:3306/x?ssl=1"),
            "mysql://app:***@db:3306/x?ssl=1"
        );
        assert_eq!(redact_url("mysql://a:p@ss@db/x"), "mysql://a:***@db/x");
        assert_eq!(redact_url("mysql://app@db/x"), "mysql://app@db/x");
        assert_eq!(redact_url("mysql://db/x@y"), "mysql://db/x@y");
        assert_eq!(redact_url("sqlite://a:b.db"), "sqlite://a:b.db");
    }

    #[test]
    fn debug_output_of_a_url_redacts_the_password() {
        // Arrange
        let url = DatabaseUrl::parse("mysql://app:hunter2@db/x").unwrap();

        // Act
        let debug = format!("{url:?}");

        // Assert
        assert!(!debug.contains("hunter2"));
        assert!(!url.redacted().contains("hunter2"));
    }
}
