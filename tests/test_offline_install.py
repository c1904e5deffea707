"""The offline bundle's install scripts (README, 内网安装): install.sh run with sh on a
bundle of a tiny stand-in workreport wheel; install.bat read as text, since Windows
cannot run here."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

OFFLINE = Path(__file__).parents[1] / "tools" / "offline"

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="install.sh is for Linux")


def bundle(folder: Path, version: str, mark: str) -> Path:
    """An unpacked offline bundle whose workreport wheel says ``mark``."""
    folder.mkdir()
    shutil.copy(OFFLINE / "install.sh", folder)
    (folder / "constraints-offline.txt").write_text("")
    (folder / "wheels").mkdir()
    info = f"workreport-{version}.dist-info"
    files = {
        "workreport/__init__.py": f"MARK = {mark!r}\n",
        f"{info}/METADATA": f"Metadata-Version: 2.1\nName: workreport\nVersion: {version}\n",
        f"{info}/WHEEL": "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\n"
        "Tag: py3-none-any\n",
    }
    files[f"{info}/RECORD"] = "".join(f"{n},,\n" for n in [*files, f"{info}/RECORD"])
    with zipfile.ZipFile(folder / "wheels" / f"workreport-{version}-py3-none-any.whl", "w") as z:
        for name, text in files.items():
            z.writestr(name, text)
    return folder


def fake_python(bin_folder: Path) -> dict:
    """A PATH whose Python 3.11/3.12 passes the version check but cannot make a venv,
    as on a Debian-based desktop without python3-venv."""
    bin_folder.mkdir()
    for name in ("python3.12", "python3.11", "python3"):
        script = bin_folder / name
        script.write_text('#!/bin/sh\n[ "$1" = "-m" ] && exit 1\nexit 0\n')
        script.chmod(0o755)
    return {**os.environ, "PATH": f"{bin_folder}{os.pathsep}{os.environ['PATH']}"}


def install(folder: Path, target: Path, env=None) -> subprocess.CompletedProcess:
    env = {**(env or os.environ), "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    env.pop("PYTHONPATH", None)  # the installed environment only, not this checkout
    return subprocess.run(
        ["sh", str(folder / "install.sh"), str(target)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )


def test_a_failed_venv_leaves_an_existing_folder_alone(tmp_path):
    env = fake_python(tmp_path / "bin")
    folder = bundle(tmp_path / "bundle", "0.1.0", "v1")
    empty = tmp_path / "空文件夹"
    empty.mkdir()
    result = install(folder, empty, env)
    assert result.returncode == 1
    assert "无法创建虚拟环境" in result.stderr
    assert empty.is_dir()  # made by the user, not by the script


def test_a_failed_venv_removes_only_what_it_made(tmp_path):
    env = fake_python(tmp_path / "bin")
    folder = bundle(tmp_path / "bundle", "0.1.0", "v1")
    target = tmp_path / "新目录"
    result = install(folder, target, env)
    assert result.returncode == 1
    assert not target.exists()


def test_a_folder_with_the_users_files_is_refused(tmp_path):
    """``sh install.sh ~``: the home folder is neither emptied nor filled with a venv."""
    env = fake_python(tmp_path / "bin")
    folder = bundle(tmp_path / "bundle", "0.1.0", "v1")
    home = tmp_path / "home"
    home.mkdir()
    (home / "台账.xlsx").write_bytes(b"the user's own")
    result = install(folder, home, env)
    assert result.returncode == 1
    assert "已有别的文件" in result.stderr
    assert sorted(p.name for p in home.iterdir()) == ["台账.xlsx"]
    assert (home / "台账.xlsx").read_bytes() == b"the user's own"


def installed_mark(target: Path) -> str:
    return subprocess.run(
        [str(target / "bin" / "python"), "-I", "-c", "import workreport; print(workreport.MARK)"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


def test_a_newer_bundle_upgrades_an_older_install(tmp_path):
    target = tmp_path / "安装"
    # a folder holding only workreport's own key (made by an earlier run) is installed into
    target.mkdir()
    (target / "cache-key").write_bytes(b"k" * 32)
    first = install(bundle(tmp_path / "一", "0.1.0", "v1"), target)
    assert first.returncode == 0, first.stderr
    assert installed_mark(target) == "v1"
    # rebuilt from a later commit with the same version number
    again = install(bundle(tmp_path / "二", "0.1.0", "v2"), target)
    assert again.returncode == 0, again.stderr
    assert installed_mark(target) == "v2"
    assert "安装完成" in again.stdout
    assert (target / "cache-key").read_bytes() == b"k" * 32


def test_install_bat_deletes_nothing_and_upgrades():
    """Static: Windows cannot run install.bat here."""
    text = (OFFLINE / "install.bat").read_text(encoding="utf-8")
    lines = [ln.strip().lower() for ln in text.splitlines()]
    commands = [ln for ln in lines if not ln.startswith("rem ")]
    assert not [ln for ln in commands if ln.split(" ")[0] in ("rd", "rmdir", "del", "erase")]
    assert any('not exist "%target%\\pyvenv.cfg"' in ln for ln in commands)
    assert any("--upgrade workreport" in ln for ln in commands)
    assert any("--force-reinstall" in ln and "wheels\\workreport-*.whl" in ln for ln in commands)
