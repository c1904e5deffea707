"""Build the offline bundle: workreport-offline-<version>.zip (README «内网安装»).

    python tools/offline_bundle.py                      # every target
    python tools/offline_bundle.py --targets linux-x86_64 --python 3.11

The zip holds the wheels of workreport and of every dependency for each target
(Windows x86-64, Linux x86-64, Linux ARM64 on glibc 2.28; Python 3.11 and 3.12), the
one constraints file of exact pins they were chosen by, and install.sh / install.bat,
which install with ``pip --no-index``.  The bundle carries no Python.

pip's ``--platform`` resolution evaluates environment markers for the machine it runs
on, not for the target, so this script does not let pip resolve: it evaluates each
pin's marker for the target itself, downloads exactly those pins with ``--no-deps``,
and then checks, per target, that every requirement of every wheel (markers evaluated
for that target) is pinned and has a wheel the target can install.
"""

from __future__ import annotations

import argparse
import email.parser
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

try:
    from packaging.requirements import Requirement
    from packaging.tags import compatible_tags, cpython_tags
    from packaging.utils import canonicalize_name, parse_wheel_filename
except ImportError:  # a bare venv: pip carries its own copy
    from pip._vendor.packaging.requirements import Requirement
    from pip._vendor.packaging.tags import compatible_tags, cpython_tags
    from pip._vendor.packaging.utils import canonicalize_name, parse_wheel_filename

ROOT = Path(__file__).resolve().parent.parent
CONSTRAINTS = ROOT / "constraints-offline.txt"
SCRIPTS = ROOT / "tools" / "offline"
PYTHONS = ("3.11", "3.12")


@dataclass(frozen=True)
class Platform:
    name: str
    pip_platforms: tuple[str, ...]  # what pip download is told
    environment: dict  # the marker environment of the target, less the Python version

    def tags(self, python: str) -> set:
        """Every wheel tag the target's pip accepts."""
        version = tuple(int(p) for p in python.split("."))
        platforms = _expand(self.pip_platforms)
        return set(cpython_tags(version, platforms=platforms)) | set(
            compatible_tags(version, platforms=platforms)
        )

    def markers(self, python: str) -> dict:
        return {
            **self.environment,
            "python_version": python,
            "python_full_version": f"{python}.0",
            "implementation_name": "cpython",
            "platform_python_implementation": "CPython",
            "implementation_version": f"{python}.0",
            "extra": "",
        }


_LINUX = {"os_name": "posix", "sys_platform": "linux", "platform_system": "Linux"}
PLATFORMS = {
    "win-amd64": Platform(
        "win-amd64",
        ("win_amd64",),
        {
            "os_name": "nt",
            "sys_platform": "win32",
            "platform_system": "Windows",
            "platform_machine": "AMD64",
            "platform_release": "10",
            "platform_version": "",
        },
    ),
    "linux-x86_64": Platform(
        "linux-x86_64",
        ("manylinux_2_28_x86_64", "manylinux2014_x86_64"),
        {**_LINUX, "platform_machine": "x86_64", "platform_release": "", "platform_version": ""},
    ),
    # 麒麟/统信 on ARM64 have glibc 2.28: both tags, or pip finds either an older pandas
    # (manylinux2014 only) or no python-calamine (manylinux_2_28 only)
    "linux-aarch64": Platform(
        "linux-aarch64",
        ("manylinux_2_28_aarch64", "manylinux2014_aarch64"),
        {**_LINUX, "platform_machine": "aarch64", "platform_release": "", "platform_version": ""},
    ),
}


def _expand(platforms: tuple[str, ...]) -> list[str]:
    """manylinux_2_28_x86_64 also accepts every older manylinux wheel (PEP 600)."""
    out: list[str] = []
    for p in platforms:
        out.append(p)
        if p.startswith("manylinux_2_"):
            glibc, arch = p[len("manylinux_2_") :].split("_", 1)
            out += [f"manylinux_2_{m}_{arch}" for m in range(int(glibc) - 1, 4, -1)]
            out += [f"manylinux2014_{arch}"]
            if arch in ("x86_64", "i686"):
                out += [f"manylinux2010_{arch}", f"manylinux1_{arch}"]
    return list(dict.fromkeys(out))


def pins() -> list[Requirement]:
    lines = CONSTRAINTS.read_text(encoding="utf-8").splitlines()
    return [Requirement(line) for line in lines if line.strip() and not line.startswith("#")]


def applies(req: Requirement, env: dict) -> bool:
    return req.marker is None or req.marker.evaluate(env)


def run(*args: str) -> None:
    print("+", " ".join(args), flush=True)
    subprocess.run(args, check=True)


def build_own_wheel(into: Path) -> Path:
    run(
        sys.executable,
        "-m",
        "pip",
        "wheel",
        "--no-deps",
        "-q",
        "-w",
        str(into),
        str(ROOT),
    )
    return next(into.glob("workreport-*.whl"))


def download(platform: Platform, python: str, into: Path) -> None:
    env = platform.markers(python)
    wanted = [str(r).split(";")[0].strip() for r in pins() if applies(r, env)]
    args = [
        sys.executable,
        "-m",
        "pip",
        "download",
        "--no-deps",
        "--only-binary=:all:",
        "--implementation",
        "cp",
        "--python-version",
        python,
        "-q",
        "-d",
        str(into),
    ]
    for p in platform.pip_platforms:
        args += ["--platform", p]
    run(*args, *wanted)


def check(platform: Platform, python: str, wheels: Path) -> list[str]:
    """What the target would miss: requirements with no pin, pins with no usable wheel."""
    env, tags = platform.markers(python), platform.tags(python)
    pinned = {canonicalize_name(r.name): r for r in pins() if applies(r, env)}
    usable: dict[str, Path] = {}
    for wheel in wheels.glob("*.whl"):
        name, version, _, wheel_tags = parse_wheel_filename(wheel.name)
        pin = pinned.get(name)
        if (pin is None or version in pin.specifier) and wheel_tags & tags:
            usable.setdefault(name, wheel)
    problems = [f"{name}: 没有适用的 wheel" for name in pinned if name not in usable]
    own = (
        next(w for n, w in usable.items() if n == "workreport") if "workreport" in usable else None
    )
    if own is None:
        return [*problems, "workreport: 没有 wheel"]
    todo, seen = [own], set()
    while todo:
        wheel = todo.pop()
        for req in _requires(wheel):
            name = canonicalize_name(req.name)
            if not applies(req, env) or name in seen:
                continue
            seen.add(name)
            if name not in pinned:
                problems.append(f"{name}（{wheel.name} 需要）: 约束文件中没有固定版本")
            elif name in usable:
                todo.append(usable[name])
    return problems


def _requires(wheel: Path) -> list[Requirement]:
    with zipfile.ZipFile(wheel) as z:
        meta = next(n for n in z.namelist() if n.endswith(".dist-info/METADATA"))
        message = email.parser.Parser().parsestr(z.read(meta).decode("utf-8"))
    return [Requirement(r) for r in message.get_all("Requires-Dist") or []]


def version() -> str:
    for line in (ROOT / "pyproject.toml").read_text(encoding="utf-8").splitlines():
        if line.startswith("version"):
            return line.split("=", 1)[1].strip().strip('"')
    raise SystemExit("pyproject.toml has no version")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--targets", default=",".join(PLATFORMS), help="comma-separated")
    parser.add_argument("--python", default=",".join(PYTHONS), help="e.g. 3.11,3.12")
    parser.add_argument("--out", type=Path, default=ROOT)
    args = parser.parse_args(argv)
    targets = [PLATFORMS[t] for t in args.targets.split(",")]
    pythons = args.python.split(",")

    with tempfile.TemporaryDirectory() as tmp:
        wheels = Path(tmp) / "wheels"
        wheels.mkdir()
        build_own_wheel(wheels)
        failed = False
        for platform in targets:
            for python in pythons:
                download(platform, python, wheels)
                problems = check(platform, python, wheels)
                label = f"{platform.name} / Python {python}"
                for p in problems:
                    print(f"缺少（{label}）：{p}", file=sys.stderr)
                print(f"{label}：{'不完整' if problems else '齐全'}", flush=True)
                failed |= bool(problems)
        if failed:
            return 1
        args.out.mkdir(parents=True, exist_ok=True)
        target = args.out / f"workreport-offline-{version()}.zip"
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as z:
            for wheel in sorted(wheels.glob("*.whl")):
                z.write(wheel, f"wheels/{wheel.name}")
            z.write(CONSTRAINTS, CONSTRAINTS.name)
            for script in ("install.sh", "install.bat"):
                info = zipfile.ZipInfo(script)
                info.external_attr = 0o755 << 16  # executable after unzip
                info.compress_type = zipfile.ZIP_DEFLATED
                z.writestr(info, (SCRIPTS / script).read_bytes())
            names = "、".join(f"{t.name}" for t in targets)
            z.writestr("目标平台.txt", f"{names}；Python {'、'.join(pythons)}\n")
        print(f"已生成 {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
