"""The wheel is the product: it carries the compiled catalogs, the templates, the static assets
and the migrations, and an installed copy upgrades a database, loads the demo and speaks Chinese.

Both tests build a wheel from a copy of the checkout without any `.mo` file, so the catalogs in it
can only come from the build hook (setup.py). They are marked `slow` (about 10 s and 15 s).
"""

from __future__ import annotations

import gettext
import io
import os
import shutil
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
#: What a source distribution would not carry either: build output and local state.
NOT_SOURCE = shutil.ignore_patterns(
    ".git",
    ".venv",
    "instance",
    "build",
    "dist",
    "*.egg-info",
    "*.mo",
    "__pycache__",
    "*.pyc",
    ".pytest_cache",
    ".ruff_cache",
    "test-results",
    "tests",
)

pytestmark = pytest.mark.slow


def build_wheel(destination: Path) -> Path:
    """Copy the checkout (without compiled catalogs) and build its wheel; return the wheel."""
    source = destination / "source"
    shutil.copytree(ROOT, source, ignore=NOT_SOURCE)
    assert not list(source.rglob("*.mo"))
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q"]
        + ["--wheel-dir", str(destination / "dist"), str(source)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    (wheel,) = (destination / "dist").glob("tracker-*.whl")
    return wheel


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    return build_wheel(tmp_path_factory.mktemp("wheel"))


def _files_under(folder: Path) -> set[str]:
    return {
        path.relative_to(folder).as_posix()
        for path in folder.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }


def test_wheel_carries_catalogs_templates_static_and_migrations(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    # the compiled catalog, built from the .po by the build hook, translates
    mo_name = "tracker/translations/zh_Hans_CN/LC_MESSAGES/messages.mo"
    assert mo_name in names
    catalog = gettext.GNUTranslations(io.BytesIO(zipfile.ZipFile(wheel).read(mo_name)))
    assert catalog.gettext("Log in to Duban") == "登录督办系统"
    # every template, migration and static asset of the checkout
    for folder, prefix in (
        (ROOT / "templates", "tracker/templates/"),
        (ROOT / "migrations", "tracker/migrations/"),
        (ROOT / "tracker" / "static", "tracker/static/"),
    ):
        missing = {prefix + name for name in _files_under(folder)} - names
        assert not missing, missing
    assert "tracker/accounts/common_passwords.txt" in names
    assert "wsgi.py" in names
    assert not [name for name in names if name.startswith("tests/")]


def test_installed_wheel_upgrades_loads_the_demo_and_answers_in_chinese(wheel, tmp_path):
    target = tmp_path / "venv"
    venv.create(target, with_pip=False)
    python = target / "bin" / "python"
    result = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "-q"]
        + ["--no-deps", "--no-index", str(wheel)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    # The dependencies come from the test environment (appended after the fresh venv's own
    # site-packages, so the installed `tracker` wins); the offline bundle installs them for real.
    site_packages = Path(
        subprocess.check_output(
            [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], text=True
        ).strip()
    )
    (site_packages / "zz_test_dependencies.pth").write_text(sysconfig.get_paths()["purelib"])

    work = tmp_path / "run"  # not the checkout: nothing may come from it
    work.mkdir()
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("TRACKER_") and key not in {"PYTHONPATH", "VIRTUAL_ENV"}
    }
    env.update(
        TRACKER_INSTANCE_DIR=str(work / "instance"),
        TRACKER_DATABASE_URL=f"sqlite:///{work / 'duban.sqlite3'}",
        TRACKER_LOG_LEVEL="WARNING",
    )

    def run(*args: str) -> str:
        completed = subprocess.run(
            args, cwd=work, env=env, capture_output=True, text=True, timeout=300
        )
        assert completed.returncode == 0, completed.stdout + completed.stderr
        return completed.stdout

    tracker = str(target / "bin" / "tracker")
    run(tracker, "db", "upgrade")
    run(tracker, "demo", "load")
    probe = """
import re, tracker, wsgi
from pathlib import Path
print("package:", Path(tracker.__file__).resolve())
print("templates:", Path(wsgi.app.template_folder).resolve())
client = wsgi.app.test_client()
page = client.get("/login").text
token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
client.post("/login", data={"username": "office", "password": "duban-demo", "csrf_token": token})
print(page)
print(client.get("/").text)
"""
    output = run(str(python), "-c", probe)
    installed = site_packages.resolve() / "tracker"
    assert f"package: {installed / '__init__.py'}" in output
    assert f"templates: {installed / 'templates'}" in output
    assert "登录督办系统" in output and 'lang="zh-CN"' in output
    assert "我的工作" in output and "My work" not in output


def test_offline_bundle_installs_with_no_index_and_runs(tmp_path):
    """`make bundle`'s archive installs into a fresh virtualenv with `pip --no-index` (every
    dependency is in it) and the installed `tracker` upgrades a database and speaks Chinese.
    Building it needs the package index (or pip's cache); installing it needs nothing."""
    source = tmp_path / "source"
    shutil.copytree(ROOT, source, ignore=NOT_SOURCE)
    built = subprocess.run(
        ["bash", str(source / "scripts" / "bundle.sh"), sys.executable, str(tmp_path / "out")],
        cwd=source,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert built.returncode == 0, built.stdout + built.stderr
    (archive,) = (tmp_path / "out").glob("duban-*-offline-*.tar.gz")
    shutil.unpack_archive(archive, tmp_path / "unpacked")
    (bundle,) = (tmp_path / "unpacked").iterdir()
    assert "fonts-noto-cjk" in (bundle / "debian-packages.txt").read_text()
    wheels = {path.name.split("-")[0].lower() for path in (bundle / "wheels").glob("*.whl")}
    assert {"tracker", "flask", "sqlalchemy", "weasyprint", "gunicorn", "psycopg_binary"} <= wheels

    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("TRACKER_", "PIP_")) and key not in {"PYTHONPATH", "VIRTUAL_ENV"}
    }
    # an index that does not exist: any download attempt would fail the install
    env.update(PIP_INDEX_URL="http://127.0.0.1:9/simple", PIP_NO_CACHE_DIR="1")
    target = tmp_path / "venv"
    installed = subprocess.run(
        ["sh", str(bundle / "install.sh"), str(target)],
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert installed.returncode == 0, installed.stdout + installed.stderr
    work = tmp_path / "run"
    work.mkdir()
    env.update(
        TRACKER_INSTANCE_DIR=str(work / "instance"),
        TRACKER_DATABASE_URL=f"sqlite:///{work / 'duban.sqlite3'}",
        TRACKER_LOG_LEVEL="WARNING",
    )
    upgraded = subprocess.run(
        [str(target / "bin" / "tracker"), "db", "upgrade"],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert upgraded.returncode == 0, upgraded.stdout + upgraded.stderr
    page = subprocess.run(
        [
            str(target / "bin" / "python"),
            "-c",
            "import wsgi; print(wsgi.app.test_client().get('/login').text)",
        ],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert page.returncode == 0, page.stderr
    assert "登录督办系统" in page.stdout
