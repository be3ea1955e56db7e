//! The databases the harness measures on: an SQLite file, or a MariaDB or PostgreSQL
//! database it creates and drops itself with the `mariadb` or `psql` client.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, bail};

/// One database to run the scenarios on.
#[derive(Debug)]
pub enum Backend {
    /// A fresh SQLite file.
    Sqlite {
        /// The database file.
        path: PathBuf,
    },
    /// A fresh MariaDB database, dropped when this value is dropped.
    Mysql {
        /// The server and account.
        server: MysqlServer,
        /// `lifeline_test_bench_<pid>_<time>`.
        database: String,
    },
    /// A fresh PostgreSQL database, dropped when this value is dropped.
    Postgres {
        /// The server and account (`postgres://user:password@host:port`).
        server: String,
        /// `lifeline_test_bench_<pid>_<time>`.
        database: String,
    },
}

impl Backend {
    /// A new SQLite database file under `dir`.
    pub fn sqlite(dir: &Path) -> anyhow::Result<Backend> {
        std::fs::create_dir_all(dir)?;
        Ok(Backend::Sqlite {
            path: dir.join("lifeline.db"),
        })
    }

    /// A new, empty MariaDB database on the server of `url`.
    pub fn mysql(url: &str) -> anyhow::Result<Backend> {
        let server = MysqlServer::parse(url)?;
        let stamp = chrono::Utc::now().format("%Y%m%d%H%M%S");
        let database = format!("lifeline_test_bench_{}_{stamp}", std::process::id());
        server.execute(&format!("CREATE DATABASE `{database}`"))?;
        Ok(Backend::Mysql { server, database })
    }

    /// A new, empty PostgreSQL database on the server of `url` (any database path in it is
    /// ignored; the account needs `CREATEDB`).
    pub fn postgres(url: &str) -> anyhow::Result<Backend> {
        let server = postgres_server(url)?;
        let stamp = chrono::Utc::now().format("%Y%m%d%H%M%S");
        let database = format!("lifeline_test_bench_{}_{stamp}", std::process::id());
        psql(&server, &format!("CREATE DATABASE \"{database}\""))?;
        Ok(Backend::Postgres { server, database })
    }

    /// `sqlite`, `mariadb` or `postgres`, as shown in the results.
    pub fn name(&self) -> &'static str {
        match self {
            Backend::Sqlite { .. } => "sqlite",
            Backend::Mysql { .. } => "mariadb",
            Backend::Postgres { .. } => "postgres",
        }
    }

    /// The URL `lifeline` and the harness connect with.
    pub fn url(&self) -> String {
        match self {
            Backend::Sqlite { path } => format!("sqlite://{}", path.display()),
            Backend::Mysql { server, database } => server.url(database),
            Backend::Postgres { server, database } => format!("{server}/{database}"),
        }
    }
}

/// The `postgres://user:password@host:port` part of a PostgreSQL URL.
fn postgres_server(url: &str) -> anyhow::Result<String> {
    let rest = url
        .strip_prefix("postgres://")
        .or_else(|| url.strip_prefix("postgresql://"))
        .context("the PostgreSQL URL must start with postgres://")?;
    let authority = rest.split('/').next().unwrap_or_default();
    if authority.is_empty() {
        bail!("the PostgreSQL URL needs user:password@host");
    }
    Ok(format!("postgres://{authority}"))
}

/// Runs `sql` with the `psql` command-line client on the `postgres` database of `server`.
fn psql(server: &str, sql: &str) -> anyhow::Result<()> {
    let output = Command::new("psql")
        .args([
            &format!("{server}/postgres"),
            "-v",
            "ON_ERROR_STOP=1",
            "-q",
            "-c",
            sql,
        ])
        .output()
        .context("could not run the psql client (apt-get install -y postgresql-client)")?;
    if !output.status.success() {
        bail!(
            "psql: {}: {}",
            sql,
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    Ok(())
}

impl Drop for Backend {
    fn drop(&mut self) {
        let dropped = match self {
            Backend::Sqlite { .. } => Ok(()),
            Backend::Mysql { server, database } => {
                server.execute(&format!("DROP DATABASE IF EXISTS `{database}`"))
            }
            Backend::Postgres { server, database } => psql(
                server,
                &format!("DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)"),
            ),
        };
        if let Err(error) = dropped {
            eprintln!("could not drop the bench database: {error:#}");
        }
    }
}

/// A MariaDB server and an account on it, from `mysql://user:password@host:port`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MysqlServer {
    user: String,
    password: String,
    host: String,
    port: u16,
}

impl MysqlServer {
    /// Reads the account and address of a `mysql://` URL; a database path is ignored.
    pub fn parse(url: &str) -> anyhow::Result<MysqlServer> {
        let rest = url
            .strip_prefix("mysql://")
            .context("the MariaDB URL must start with mysql://")?;
        let rest = rest.split('/').next().unwrap_or_default();
        let (account, address) = rest
            .rsplit_once('@')
            .context("the MariaDB URL needs user:password@host")?;
        let (user, password) = account.split_once(':').unwrap_or((account, ""));
        let (host, port) = address.rsplit_once(':').unwrap_or((address, "3306"));
        Ok(MysqlServer {
            user: user.to_owned(),
            password: password.to_owned(),
            host: host.to_owned(),
            port: port.parse().context("the MariaDB port is not a number")?,
        })
    }

    /// The URL of `database` on this server.
    pub fn url(&self, database: &str) -> String {
        format!(
            "mysql://{}:{}@{}:{}/{database}",
            self.user, self.password, self.host, self.port
        )
    }

    /// Runs `sql` with the `mariadb` command-line client.
    pub fn execute(&self, sql: &str) -> anyhow::Result<()> {
        let output = Command::new("mariadb")
            .args([
                "--protocol=tcp",
                "-h",
                &self.host,
                "-P",
                &self.port.to_string(),
            ])
            .args(["-u", &self.user])
            .env("MYSQL_PWD", &self.password)
            .args(["-e", sql])
            .output()
            .context("could not run the mariadb client (apt-get install -y mariadb-client)")?;
        if !output.status.success() {
            bail!(
                "mariadb: {}: {}",
                sql,
                String::from_utf8_lossy(&output.stderr).trim()
            );
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mysql_url_gives_account_host_and_port() {
        // Act
        let server = MysqlServer::parse("mysql://lifeline:secret@127.0.0.1:3307/ignored").unwrap();

        // Assert
        assert_eq!(
            server,
            MysqlServer {
                user: "lifeline".into(),
                password: "secret".into(),
                host: "127.0.0.1".into(),
                port: 3307,
            }
        );
        assert_eq!(
            server.url("db"),
            "mysql://lifeline:secret@127.0.0.1:3307/db"
        );
    }

    #[test]
    fn the_port_defaults_to_3306_and_other_schemes_are_refused() {
        // Act / Assert
        assert_eq!(MysqlServer::parse("mysql://u:p@db").unwrap().port, 3306);
        assert!(MysqlServer::parse("postgres://u:p@db").is_err());
    }

    #[test]
    fn a_postgres_url_keeps_account_host_and_port_only() {
        // Act / Assert
        assert_eq!(
            postgres_server("postgres://lifeline:secret@127.0.0.1:5432/postgres").unwrap(),
            "postgres://lifeline:secret@127.0.0.1:5432"
        );
        assert_eq!(
            postgres_server("postgresql://u@db").unwrap(),
            "postgres://u@db"
        );
        assert!(postgres_server("mysql://u:p@db").is_err());
    }

    #[test]
    fn sqlite_lives_in_a_file_under_the_given_directory() {
        // Arrange
        let dir = std::env::temp_dir().join(format!("lifeline-backend-{}", std::process::id()));

        // Act
        let backend = Backend::sqlite(&dir).unwrap();

        // Assert
        assert_eq!(backend.name(), "sqlite");
        assert_eq!(
            backend.url(),
            format!("sqlite://{}", dir.join("lifeline.db").display())
        );
        std::fs::remove_dir_all(dir).unwrap();
    }
}
