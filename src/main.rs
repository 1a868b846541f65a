//! The contactpro command line: serve (default), demo, org list|delete|export|import|resume, backup,
//! restore, teams-app, openapi, health.

use clap::{Args, Parser, Subcommand};
use contactpro::config::{self, AuthMode, CliOverrides, LogFormat};
use contactpro::{AppState, clock};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "contactpro", version, about = "A self-hosted shared contact book for Microsoft Teams")]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    common: Common,
}

#[derive(Args, Clone, Default)]
struct Common {
    /// Configuration file (default: ./contactpro.toml when it exists).
    #[arg(long, global = true, env = "CONTACTPRO_CONFIG")]
    config: Option<PathBuf>,
    /// Address and port to listen on, e.g. 127.0.0.1:8080 (overrides server.listen).
    #[arg(long, global = true, value_name = "ADDR:PORT")]
    listen: Option<SocketAddr>,
    /// Directory holding the organization databases and secrets (overrides storage.data_dir).
    #[arg(long, global = true, value_name = "DIR")]
    data_dir: Option<PathBuf>,
    /// Let demo sign-in listen on a non-loopback address (anyone who can reach it can sign in as anyone).
    #[arg(long, global = true)]
    allow_demo_on_network: bool,
}

#[derive(Subcommand)]
enum Command {
    /// Run the server with the configured sign-in (the default).
    Serve,
    /// Run the server with demo sign-in and sample data on 127.0.0.1:8080 (data in ./data).
    Demo,
    /// Print the OpenAPI 3.1 document of the REST API.
    Openapi,
    /// Write the Teams app package (manifest and icons, zipped) to upload in Teams.
    TeamsApp(TeamsAppArgs),
    /// Back up every organization and the key files into a new folder (a running server on the
    /// data directory makes the copies itself).
    Backup(BackupArgs),
    /// Put a backup back into the data directory (the server must be stopped).
    Restore(RestoreArgs),
    /// Ask a running server whether it is ready (GET /readyz): exit status 0 when it is.
    ///
    /// For container health checks, where there is no curl: plain HTTP to the given address.
    Health {
        /// The server's address.
        #[arg(long, value_name = "ADDR:PORT", default_value = "127.0.0.1:8080")]
        addr: SocketAddr,
    },
    /// Manage organizations stored in the data directory.
    Org {
        #[command(subcommand)]
        command: OrgCommand,
    },
}

#[derive(Args)]
struct TeamsAppArgs {
    /// The address users reach the server at, e.g. https://contacts.example.com (no path).
    #[arg(long, value_name = "URL")]
    public_url: String,
    /// The Entra app registration's Application (client) ID.
    #[arg(long, value_name = "GUID")]
    client_id: String,
    /// The app's name in Teams (at most 30 characters).
    #[arg(long, default_value = "Contacts")]
    name: String,
    /// Where to write the package.
    #[arg(long, value_name = "FILE.zip", default_value = "contactpro-teams.zip")]
    out: PathBuf,
    /// Accept an http:// public URL (Teams itself only loads https; for local experiments).
    #[arg(long)]
    allow_http: bool,
}

#[derive(Args)]
struct BackupArgs {
    /// The folder to create for the backup (must not exist, or be empty).
    #[arg(long, value_name = "BACKUP_DIR")]
    out: PathBuf,
}

#[derive(Args)]
struct RestoreArgs {
    /// A folder written by `contactpro backup` or a scheduled backup.
    #[arg(long, value_name = "BACKUP_DIR")]
    from: PathBuf,
    /// Restore only this organization (its tenant id); default: every organization and the key files.
    #[arg(long, value_name = "TID")]
    org: Option<String>,
}

#[derive(Subcommand)]
enum OrgCommand {
    /// List organizations with their database size and last activity.
    List,
    /// Delete an organization's data completely (the server must be stopped, unless it was exported).
    ///
    /// An organization exported with `org export` (moving to another node) is removed by the
    /// running server itself, which answers 503 for it from then on (a tombstone
    /// `orgs/<tid>.moved`, so a stale proxy route cannot create an empty copy here).
    Delete {
        /// The organization's tenant id.
        tid: String,
    },
    /// Copy one organization to a file, to import it on another node (docs/SCALE.md).
    ///
    /// The copy is consistent (taken between two writes). With a server running on the data
    /// directory, the organization becomes read-only there from now on (writes answer 503 with
    /// Retry-After, once the writes and imports already running have finished) until `org delete`
    /// (moved) or `org resume` (cancelled).
    Export {
        /// The organization's tenant id.
        #[arg(long, value_name = "TID")]
        org: String,
        /// The file to write (must not exist).
        #[arg(long, value_name = "FILE")]
        out: std::path::PathBuf,
    },
    /// Add an organization from a file written by `org export`.
    ///
    /// Refused when the organization already has a database here or the file is not a whole
    /// export. Works with the server running or stopped.
    Import {
        /// A file written by `contactpro org export`.
        file: std::path::PathBuf,
    },
    /// Cancel a move: make an exported organization writable again on this node.
    Resume {
        /// The organization's tenant id.
        tid: String,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    if matches!(cli.command, Some(Command::Openapi)) {
        let doc = contactpro::api::openapi::document();
        match doc.to_pretty_json() {
            Ok(s) => println!("{s}"),
            Err(e) => {
                eprintln!("contactpro: {e}");
                return ExitCode::FAILURE;
            }
        }
        return ExitCode::SUCCESS;
    }
    if let Some(Command::TeamsApp(args)) = &cli.command {
        return teams_app(args);
    }
    if let Some(Command::Health { addr }) = &cli.command {
        return health(*addr);
    }
    let demo = matches!(cli.command, Some(Command::Demo));
    let overrides = CliOverrides {
        listen: cli.common.listen,
        data_dir: cli.common.data_dir.clone(),
        auth_mode: demo.then_some(AuthMode::Demo),
        allow_demo_on_network: cli.common.allow_demo_on_network,
    };
    let env: Vec<(String, String)> = std::env::vars().collect();
    let loaded = match config::load(cli.common.config.as_deref(), &env, &overrides) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("contactpro: {e}");
            return ExitCode::from(2);
        }
    };
    init_logging(&loaded.config);
    for k in &loaded.unknown_env {
        tracing::warn!(variable = %k, "unknown CONTACTPRO_ environment variable ignored");
    }
    match cli.command {
        Some(Command::Org { command }) => org_command(&loaded.config, command),
        Some(Command::Backup(args)) => backup_command(&loaded.config, &args),
        Some(Command::Restore(args)) => restore_command(&loaded.config, &args),
        _ => run_server(loaded.config, demo),
    }
}

fn teams_app(args: &TeamsAppArgs) -> ExitCode {
    let opts = contactpro::teams_app::Options {
        public_url: args.public_url.clone(),
        client_id: args.client_id.clone(),
        name: args.name.clone(),
        allow_http: args.allow_http,
    };
    let zip = match contactpro::teams_app::package(&opts) {
        Ok(z) => z,
        Err(e) => {
            eprintln!("contactpro: {e}");
            return ExitCode::from(2);
        }
    };
    if let Err(e) = std::fs::write(&args.out, zip) {
        eprintln!("contactpro: cannot write {}: {e}", args.out.display());
        return ExitCode::FAILURE;
    }
    println!(
        "wrote {}: upload it in Teams (Apps > Manage your apps > Upload an app) or in the Teams admin center",
        args.out.display()
    );
    ExitCode::SUCCESS
}

/// GET /readyz over plain HTTP/1.0 (std only: no runtime, no TLS; the container listens in clear).
fn health(addr: SocketAddr) -> ExitCode {
    use std::io::{Read, Write};
    let t = std::time::Duration::from_secs(3);
    let result = (|| -> std::io::Result<String> {
        let mut s = std::net::TcpStream::connect_timeout(&addr, t)?;
        s.set_read_timeout(Some(t))?;
        s.set_write_timeout(Some(t))?;
        write!(s, "GET /readyz HTTP/1.0\r\nHost: {addr}\r\n\r\n")?;
        let mut head = Vec::new();
        s.take(4096).read_to_end(&mut head)?;
        Ok(String::from_utf8_lossy(&head).lines().next().unwrap_or_default().to_owned())
    })();
    match result {
        Ok(status) if status.split_whitespace().nth(1) == Some("200") => ExitCode::SUCCESS,
        Ok(status) => {
            eprintln!("contactpro: {addr} is not ready: {status}");
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("contactpro: {addr}: {e}");
            ExitCode::FAILURE
        }
    }
}

fn init_logging(cfg: &config::Config) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(&cfg.log.level));
    let b = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    let _ = match cfg.log.format {
        LogFormat::Json => b.json().try_init(),
        LogFormat::Human => b.try_init(),
    };
}

fn run_server(cfg: config::Config, demo: bool) -> ExitCode {
    let rt = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("contactpro: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match rt.block_on(serve_main(cfg, demo)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!("{e}");
            eprintln!("contactpro: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn serve_main(cfg: config::Config, demo: bool) -> Result<(), String> {
    let addr = cfg.server.listen;
    if cfg.auth.mode == AuthMode::Demo {
        if !addr.ip().is_loopback() && !cfg.server.allow_demo_on_network {
            return Err(format!(
                "demo sign-in lets anyone sign in as anyone; refusing to listen on {addr}. Use a loopback address or pass --allow-demo-on-network"
            ));
        }
        if !addr.ip().is_loopback() {
            tracing::warn!(%addr, "demo sign-in is reachable from the network: anyone who can reach this address can sign in as anyone");
        }
    }
    let state = AppState::new(cfg, clock::system()).map_err(|e| e.to_string())?;
    if demo {
        seed_demo(&state).await?;
    }
    let listener = tokio::net::TcpListener::bind(addr).await.map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    let local = listener.local_addr().map_err(|e| e.to_string())?;
    let scheme = if state.config.server.tls.is_some() { "https" } else { "http" };
    tracing::info!(version = contactpro::VERSION, mode = ?state.config.auth.mode, data_dir = %state.config.storage.data_dir.display(), "contactpro listening on {scheme}://{local}");
    if state.config.auth.mode == AuthMode::Demo {
        println!(
            "contactpro demo is running: open http://{local}/demo and pick a person to sign in as. Ctrl-C stops it."
        );
    }
    contactpro::serve(listener, state, shutdown_signal()).await.map_err(|e| e.to_string())
}

async fn seed_demo(state: &AppState) -> Result<(), String> {
    let persona = &contactpro::auth::demo::PERSONAS[0];
    let org = contactpro::model::OrgId::parse(persona.tid).ok_or("bad demo tenant")?;
    let store = state.registry.open_or_create_as_operator(&org).await.map_err(|e| e.to_string())?;
    let now = state.clock.now();
    let owner = contactpro::model::UserId(persona.oid.to_owned());
    tokio::task::spawn_blocking(move || contactpro::seed::seed_demo(&store, &owner, persona.name, now))
        .await
        .map_err(|e| e.to_string())?
        .map_err(|e| e.to_string())?
        .inspect(|id| tracing::info!(list = %id, "demo list created with sample contacts"));
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { () = ctrl_c => {}, () = term => {} }
    tracing::info!("shutting down: finishing in-flight requests");
}

fn org_command(cfg: &config::Config, cmd: OrgCommand) -> ExitCode {
    let dir = cfg.storage.data_dir.join("orgs");
    match cmd {
        OrgCommand::List => {
            let Ok(rd) = std::fs::read_dir(&dir) else {
                println!("no organizations in {}", dir.display());
                return ExitCode::SUCCESS;
            };
            println!("{:<38} {:>12}  last activity (UTC)", "organization", "bytes");
            let mut rows: Vec<_> = rd
                .filter_map(Result::ok)
                .filter_map(|e| {
                    let name = e.file_name().to_string_lossy().strip_suffix(".redb")?.to_owned();
                    contactpro::model::OrgId::parse(&name)?;
                    let md = e.metadata().ok()?;
                    let modified = md.modified().ok().and_then(|m| m.duration_since(std::time::UNIX_EPOCH).ok());
                    let ts =
                        contactpro::model::Timestamp(modified.map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(0)));
                    Some((name, md.len(), ts))
                })
                .collect();
            rows.sort();
            for (name, len, ts) in rows {
                println!("{name:<38} {len:>12}  {}", ts.to_rfc3339());
            }
            ExitCode::SUCCESS
        }
        OrgCommand::Export { org, out } => org_export(cfg, &org, &out),
        OrgCommand::Import { file } => org_import(cfg, &file),
        OrgCommand::Resume { tid } => {
            let Some(org) = parse_org_arg(&tid) else { return ExitCode::from(2) };
            let data_dir = &cfg.storage.data_dir;
            let r = match contactpro::backup::socket::connect(data_dir) {
                Ok(Some(server)) => contactpro::backup::socket::org_op_via_server(server, "resume", &org),
                Ok(None) if !dir.join(format!("{org}.redb")).exists() => {
                    Err(contactpro::backup::BackupError::Refused(format!(
                        "organization {org} has no database on this node (it moved away): nothing to resume; \
                         `contactpro org import` its export to bring it back"
                    )))
                }
                Ok(None) => contactpro::shard::write_marker(&dir, &org, None)
                    .map_err(|e| contactpro::backup::BackupError::Refused(e.to_string())),
                Err(e) => Err(e),
            };
            match r {
                Ok(()) => {
                    println!("organization {org} is writable again on this node");
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("contactpro: {e}");
                    ExitCode::FAILURE
                }
            }
        }
        OrgCommand::Delete { tid } => {
            let Some(org) = parse_org_arg(&tid) else { return ExitCode::from(2) };
            match contactpro::backup::socket::connect(&cfg.storage.data_dir) {
                Ok(Some(server)) => {
                    return match contactpro::backup::socket::org_op_via_server(server, "release", &org) {
                        Ok(()) => {
                            println!("deleted organization {org} (moved away: this node answers 503 for it)");
                            ExitCode::SUCCESS
                        }
                        Err(e) => {
                            eprintln!("contactpro: {e}");
                            ExitCode::FAILURE
                        }
                    };
                }
                Ok(None) => {}
                Err(e) => {
                    eprintln!("contactpro: {e}");
                    return ExitCode::FAILURE;
                }
            }
            let path = dir.join(format!("{org}.redb"));
            if !path.exists() {
                eprintln!("contactpro: no organization {org} in {}", dir.display());
                return ExitCode::FAILURE;
            }
            // Opening takes redb's exclusive lock: it fails while a server has the database open.
            match redb::Database::open(&path) {
                Ok(db) => drop(db),
                Err(e) => {
                    eprintln!("contactpro: cannot delete {org} while it is in use (stop the server first): {e}");
                    return ExitCode::FAILURE;
                }
            }
            // An exported organization keeps a tombstone: a stale proxy's requests get 503 here.
            let moving = contactpro::shard::state_on_disk(&dir, &org).is_some();
            match std::fs::remove_file(&path) {
                Ok(()) => {
                    if moving
                        && let Err(e) =
                            contactpro::shard::write_marker(&dir, &org, Some(contactpro::shard::MoveState::Moved))
                    {
                        eprintln!("contactpro: warning: {e}");
                    }
                    println!("deleted organization {org}");
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("contactpro: {e}");
                    ExitCode::FAILURE
                }
            }
        }
    }
}

fn parse_org_arg(tid: &str) -> Option<contactpro::model::OrgId> {
    let org = contactpro::model::OrgId::parse(tid);
    if org.is_none() {
        eprintln!("contactpro: {tid:?} is not a lowercase GUID");
    }
    org
}

fn org_export(cfg: &config::Config, tid: &str, out: &std::path::Path) -> ExitCode {
    let Some(org) = parse_org_arg(tid) else { return ExitCode::from(2) };
    let dir = &cfg.storage.data_dir;
    let now = clock::system().now().to_rfc3339();
    let started = std::time::Instant::now();
    let result = match contactpro::backup::socket::connect(dir) {
        Ok(Some(server)) => {
            println!("a server is running on {}: organization {org} is read-only there from now on", dir.display());
            contactpro::backup::socket::export_via_server(server, dir, &org, out, &now).map_err(|e| e.to_string())
        }
        Ok(None) => contactpro::shard::export_closed(dir, &org, out, &now).map_err(|e| e.to_string()),
        Err(e) => Err(e.to_string()),
    };
    match result {
        Ok(bytes) => {
            println!(
                "exported organization {org} to {}: {bytes} bytes, {:.1} s. It stays read-only here until \
                 `contactpro org delete {org}` (moved) or `contactpro org resume {org}` (cancelled)",
                out.display(),
                started.elapsed().as_secs_f64()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("contactpro: export failed: {e}");
            ExitCode::FAILURE
        }
    }
}

fn org_import(cfg: &config::Config, file: &std::path::Path) -> ExitCode {
    let dir = &cfg.storage.data_dir;
    let (org, bytes) = match contactpro::shard::import_file(dir, file) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("contactpro: import refused: {e}");
            return ExitCode::FAILURE;
        }
    };
    // A running server may remember the organization as moved away (moving back): tell it.
    match contactpro::backup::socket::connect(dir) {
        Ok(Some(server)) => {
            if let Err(e) = contactpro::backup::socket::org_op_via_server(server, "resume", &org) {
                eprintln!("contactpro: warning: imported, but the running server did not clear its marks: {e}");
            }
        }
        Ok(None) => {}
        Err(e) => eprintln!("contactpro: warning: {e}"),
    }
    println!("imported organization {org} into {}: {bytes} bytes", dir.join("orgs").display());
    ExitCode::SUCCESS
}

fn backup_command(cfg: &config::Config, args: &BackupArgs) -> ExitCode {
    use contactpro::backup;
    let dir = &cfg.storage.data_dir;
    if !dir.join("orgs").is_dir() {
        eprintln!("contactpro: {} is not a contactpro data directory (it has no orgs folder)", dir.display());
        return ExitCode::FAILURE;
    }
    let started = std::time::Instant::now();
    let now = clock::system().now();
    let result = match backup::socket::connect(dir) {
        Ok(Some(server)) => {
            println!("a server is running on {}: it copies each organization between two writes", dir.display());
            backup::socket::backup_via_server(server, dir, &args.out, now)
        }
        Ok(None) => backup::backup_closed_dir(dir, &args.out, now),
        Err(e) => Err(e),
    };
    match result {
        Ok(m) => {
            println!(
                "backup written to {}: {} organizations, {} bytes, {:.1} s",
                args.out.display(),
                m.orgs.len(),
                m.total_bytes(),
                started.elapsed().as_secs_f64()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("contactpro: backup failed: {e}");
            ExitCode::FAILURE
        }
    }
}

fn restore_command(cfg: &config::Config, args: &RestoreArgs) -> ExitCode {
    let only = match &args.org {
        Some(tid) => match contactpro::model::OrgId::parse(tid) {
            Some(o) => Some(o),
            None => {
                eprintln!("contactpro: {tid:?} is not a lowercase GUID");
                return ExitCode::from(2);
            }
        },
        None => None,
    };
    let dir = &cfg.storage.data_dir;
    match contactpro::backup::restore::restore(dir, &args.from, only.as_ref()) {
        Ok(r) => {
            for o in &r.orgs {
                println!("restored organization {o}");
            }
            for k in &r.keys {
                println!("restored {}", dir.join(k).display());
            }
            for o in &r.untouched {
                println!("organization {o} is not in the backup: left as it is");
            }
            for w in &r.warnings {
                eprintln!("contactpro: warning: {w}");
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("contactpro: restore refused: {e}");
            ExitCode::FAILURE
        }
    }
}
