"""Passerelle on one machine as on a server: Debian's nginx in front of N gunicorn instances.

The nginx site is deploy/nginx/passerelle.conf and the instances' settings deploy/gunicorn.conf.py,
the very files a deployment uses: this module renders the one and starts gunicorn with the other.
benchmarks/live.py, benchmarks/faults.py and tests/test_graceful_shutdown.py start their
clusters with it too.

    make cluster                       # 2 instances on PostgreSQL + Redis; Ctrl-C stops all
    make cluster INSTANCES=3 CLUSTER_PORT=8000
    .venv/bin/python deploy/cluster.py site --ports 8001,8002 --root /srv/passerelle \\
        --listen 80 --server-name passerelle.example.org     # the site for a server's nginx

`run` (make cluster) creates the database if missing, migrates it and loads the lessons, the
bank, the steps and the demo accounts, then serves until Ctrl-C: nginx stops first, then each
instance gracefully. An instance that dies is started again after a second, as systemd's
Restart=on-failure does (passerelle@.service).
"""

import argparse
import os
import signal
import socket
import string
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "deploy" / "nginx" / "passerelle.conf"
GUNICORN_CONF = ROOT / "deploy" / "gunicorn.conf.py"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
FLASK = ROOT / ".venv" / "bin" / "flask"
NGINX = "/usr/sbin/nginx"
DEFAULT_DATABASE = "postgresql+psycopg://postgres@127.0.0.1:5432/passerelle_cluster"
DEFAULT_REDIS = "redis://127.0.0.1:6379"

# nginx's main file around the site when it does not run as Debian's service (whose
# /etc/nginx/nginx.conf plays this part): its pid, temporary files and error log in a folder.
MAIN = """
worker_processes 1;
pid {folder}/nginx.pid;
error_log {error_log} warn;
worker_rlimit_nofile 16384;
events {{ worker_connections 8192; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    include {folder}/passerelle.conf;
}}
"""


def render_site(
    ports: list[int],
    *,
    root: Path = ROOT,
    listen: str = "80",
    server_name: str = "_",
    access_log: str = "/var/log/nginx/passerelle-access.log passerelle",
    host: str = "127.0.0.1",
) -> str:
    """The nginx site from its template, for instances on these ports."""
    servers = "\n".join(
        # Out of the rotation for 5 s after one failure (a refused connection, a reset): a
        # killed instance costs one retried request, not one per request until it is back.
        f"    server {host}:{port} max_fails=1 fail_timeout=5s;"
        for port in ports
    )
    # safe_substitute: only the ${PASSERELLE_...} names; nginx's $host, $request_id... stay.
    return string.Template(SITE.read_text()).safe_substitute(
        PASSERELLE_SERVERS=servers,
        PASSERELLE_ROOT=str(root),
        PASSERELLE_LISTEN=listen,
        PASSERELLE_SERVER_NAME=server_name,
        PASSERELLE_ACCESS_LOG=access_log,
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(url: str, seconds: float = 60) -> None:
    """Until the address answers 200 (an instance has started, nginx listens)."""
    # urllib, not httpx: `make cluster` needs only the app's own packages.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with opener.open(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:  # refused, reset, or an HTTP error status (URLError is an OSError)
            pass
        time.sleep(0.2)
    raise RuntimeError(f"no answer from {url} in {seconds:.0f} s")


@dataclass
class Cluster:
    """nginx on `port` in front of gunicorn instances on `ports`, files in `folder`."""

    folder: Path
    port: int
    ports: list[int]
    env: dict
    hooks: str = ""  # gunicorn settings or hooks added to deploy/gunicorn.conf.py (benchmarks)
    args: list[str] = field(default_factory=list)  # more gunicorn options (--workers 1...)
    access_log: str = "off"  # or "PATH passerelle"
    site: str = ""  # the rendered site, when a caller changed it (faults: no retries)
    log_to_files: bool = False  # each instance's stderr to instance-PORT.log in folder
    instances: dict[int, subprocess.Popen] = field(default_factory=dict)
    proxy: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> "Cluster":
        """Start every instance, wait for them, then nginx; stop all if one fails."""
        try:
            for port in self.ports:
                self.start_instance(port)
            for port in self.ports:
                wait_for(f"http://127.0.0.1:{port}/healthz")
            self.start_proxy()
            wait_for(f"{self.url}/healthz")
        except BaseException:
            self.stop()
            raise
        return self

    def start_instance(self, port: int) -> subprocess.Popen:
        config = GUNICORN_CONF
        if self.hooks:
            config = self.folder / "gunicorn.conf.py"
            config.write_text(GUNICORN_CONF.read_text() + "\n" + self.hooks)
        output = (
            open(self.folder / f"instance-{port}.log", "ab")  # noqa: SIM115 (the child keeps it)
            if self.log_to_files
            else None
        )
        # A process group of its own: a terminal's Ctrl-C reaches this script only, which
        # stops the instances in order; a kill -9 drill can take the whole instance down.
        process = subprocess.Popen(
            [
                str(GUNICORN),
                *("--config", str(config), "--bind", f"127.0.0.1:{port}"),
                *self.args,
                "webapp:create_app()",
            ],
            cwd=ROOT,
            # Each instance's workers share their metrics in a folder of its own, as systemd's
            # RuntimeDirectory gives each (deploy/systemd/passerelle@.service): a scrape of the
            # instance sums its workers.
            env={**self.env, "PROMETHEUS_MULTIPROC_DIR": str(self.folder / f"metrics-{port}")},
            stdout=output,
            stderr=output,
            start_new_session=True,
        )
        if output:
            output.close()
        self.instances[port] = process
        return process

    def start_proxy(self) -> None:
        self.folder.chmod(0o755)  # nginx's workers (nobody when started as root) read it
        for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (self.folder / sub).mkdir(exist_ok=True)
        site = self.site or render_site(
            self.ports, listen=f"127.0.0.1:{self.port}", access_log=self.access_log
        )
        (self.folder / "passerelle.conf").write_text(site)
        error_log = f"{self.folder}/nginx-error.log"
        main = self.folder / "nginx.conf"
        main.write_text(MAIN.format(folder=self.folder, error_log=error_log))
        self.proxy = subprocess.Popen(
            [NGINX, "-c", str(main), "-p", str(self.folder), "-g", "daemon off;"],
            start_new_session=True,
        )

    def kill(self, port: int) -> None:
        """kill -9 a whole instance, master and workers: a crash, the OOM killer."""
        os.killpg(self.instances[port].pid, signal.SIGKILL)
        self.instances[port].wait()

    def terminate(self, port: int) -> int:
        """SIGTERM to an instance's master, as systemctl stop; its exit code."""
        process = self.instances[port]
        process.send_signal(signal.SIGTERM)
        return process.wait(timeout=60)

    def restart_dead(self) -> list[int]:
        """Start again the instances that exited; returns their ports."""
        dead = [port for port, process in self.instances.items() if process.poll() is not None]
        for port in dead:
            self.start_instance(port)
        return dead

    def stop(self) -> None:
        """nginx first (it finishes the requests it holds), then each instance gracefully."""
        if self.proxy and self.proxy.poll() is None:
            self.proxy.send_signal(signal.SIGQUIT)  # graceful: in-flight requests finish
            _wait_or_kill(self.proxy, 35)
        for process in self.instances.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.instances.values():
            _wait_or_kill(process, 40)  # graceful_timeout 30 s, then whatever is left goes


def _wait_or_kill(process: subprocess.Popen, seconds: float) -> None:
    try:
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


# --- make cluster -----------------------------------------------------------------------------


def ensure_database(url: str) -> None:
    """Create the PostgreSQL database if it is missing (kept between runs)."""
    import sqlalchemy as sa

    target = sa.make_url(url)
    if not target.drivername.startswith("postgresql"):
        return
    engine = sa.create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        found = connection.execute(
            sa.text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": target.database}
        ).scalar()
        if not found:
            connection.execute(sa.text(f'CREATE DATABASE "{target.database}"'))
    engine.dispose()


def prepare(env: dict) -> None:
    """Migrate and load the content and the demo accounts (each step does nothing twice)."""
    ensure_database(env["DATABASE_URL"])
    for command in (
        ["db", "upgrade"],
        ["lessons", "load"],
        ["bank", "load"],
        ["steps", "load"],
        ["demo", "load"],
    ):
        subprocess.run([str(FLASK), "--app", "webapp", *command], cwd=ROOT, env=env, check=True)


def cluster_environment(port: int) -> dict:
    """The environment every instance shares: the same secrets, database and Redis."""
    instance = Path(os.environ.get("PASSERELLE_INSTANCE", ROOT / "instance"))
    env = {
        **os.environ,
        "PASSERELLE_INSTANCE": str(instance),
        "DATABASE_URL": os.environ.get("DATABASE_URL") or DEFAULT_DATABASE,
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI") or DEFAULT_REDIS,
        "TRUSTED_PROXIES": "1",  # nginx in front
        "PUBLIC_URL": os.environ.get("PUBLIC_URL") or f"http://127.0.0.1:{port}",
    }
    key_file = instance / "papers_master_key"  # made by `make cluster`, as by `make run`
    if not env.get("PAPERS_MASTER_KEY") and not env.get("PAPERS_MASTER_KEY_FILE"):
        if not key_file.exists():
            raise SystemExit(f"No papers master key: `make {key_file.relative_to(ROOT)}`")
        env["PAPERS_MASTER_KEY_FILE"] = str(key_file)
    return env


def serve(instances: int, port: int) -> None:
    env = cluster_environment(port)
    # The secret every instance signs sessions with: made once before any starts (two
    # instances making it at once could each keep their own).
    prepare(env)
    folder = Path(env["PASSERELLE_INSTANCE"]) / "cluster"
    folder.mkdir(parents=True, exist_ok=True)
    cluster = Cluster(
        folder=folder,
        port=port,
        ports=[port + 1 + n for n in range(instances)],
        env=env,
        access_log=f"{folder}/access.log passerelle",
        log_to_files=True,
    )
    stopping = []
    # Ctrl-C or a SIGTERM: leave the loop, then stop in order (never twice).
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stopping.append(True))
    cluster.start()
    print(f"Passerelle cluster: {cluster.url}  (nginx in front of {instances} instances)")
    print(f"  instances: {', '.join(f'127.0.0.1:{p}' for p in cluster.ports)}")
    print(f"  database: {env['DATABASE_URL']}  redis: {env['RATELIMIT_STORAGE_URI']}")
    print(f"  logs: {folder}/instance-PORT.log (JSON per request), {folder}/access.log")
    print("  Ctrl-C stops everything.", flush=True)
    try:
        while not stopping:
            for dead in cluster.restart_dead():
                print(f"instance 127.0.0.1:{dead} exited: started again", flush=True)
            time.sleep(1)  # systemd's RestartSec=1
    finally:
        print("stopping: nginx, then each instance (requests in flight finish)", flush=True)
        cluster.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    commands = parser.add_subparsers(dest="command")
    run = commands.add_parser("run", help="nginx + N instances here, until Ctrl-C")
    run.add_argument("--instances", type=int, default=int(os.environ.get("INSTANCES", 2)))
    run.add_argument("--port", type=int, default=int(os.environ.get("CLUSTER_PORT", 8000)))
    site = commands.add_parser("site", help="print the nginx site for a server")
    site.add_argument("--ports", default="8001,8002", help="the instances' ports")
    site.add_argument("--root", default="/srv/passerelle", help="the checkout (static/)")
    site.add_argument("--listen", default="80")
    site.add_argument("--server-name", default="_")
    options = parser.parse_args()
    if options.command == "site":
        sys.stdout.write(
            render_site(
                [int(port) for port in options.ports.split(",")],
                root=Path(options.root),
                listen=options.listen,
                server_name=options.server_name,
            )
        )
    else:
        serve(
            getattr(options, "instances", int(os.environ.get("INSTANCES", 2))),
            getattr(options, "port", int(os.environ.get("CLUSTER_PORT", 8000))),
        )


if __name__ == "__main__":
    main()
