"""The shipped deployment files: the nginx site nginx accepts, an example of every setting."""

import re
import subprocess
from pathlib import Path

from deploy import cluster

ROOT = Path(__file__).resolve().parent.parent


def test_the_site_renders_to_a_configuration_nginx_accepts(tmp_path):
    site = cluster.render_site([8001, 8002], root=Path("/srv/passerelle"), listen="8080")
    assert not re.search(r"\$\{PASSERELLE_[A-Z_]+\}", site)  # every blank filled in
    assert "server 127.0.0.1:8001" in site and "server 127.0.0.1:8002" in site
    assert "alias /srv/passerelle/static/;" in site
    # nginx's own variables are left for nginx
    assert "proxy_set_header X-Request-ID $request_id;" in site
    # a POST already sent is never sent again by nginx (the outbox replays with its client id)
    assert "non_idempotent" not in site.split("proxy_next_upstream ", 1)[1].split(";")[0]
    running = cluster.Cluster(folder=tmp_path, port=8080, ports=[8001, 8002], env={}, site=site)
    (tmp_path / "passerelle.conf").write_text(site)
    main = tmp_path / "nginx.conf"
    main.write_text(cluster.MAIN.format(folder=tmp_path, error_log=tmp_path / "error.log"))
    checked = subprocess.run(
        [cluster.NGINX, "-t", "-c", str(main), "-p", str(tmp_path)],
        capture_output=True,
        text=True,
    )
    assert checked.returncode == 0, checked.stderr
    assert running.url == "http://127.0.0.1:8080"


def test_the_example_environment_names_every_setting_the_app_reads():
    read = set()
    for path in (ROOT / "webapp").rglob("*.py"):
        read |= set(re.findall(r'os\.environ\.get\("([A-Z_]+)"', path.read_text()))
    read |= set(
        re.findall(r'os\.environ\.get\("([A-Z_]+)"', (ROOT / "deploy/gunicorn.conf.py").read_text())
    )
    example = (ROOT / "deploy/passerelle.env.example").read_text()
    named = set(re.findall(r"^#?([A-Z_]+)=", example, flags=re.MULTILINE))
    assert read - named == set()
