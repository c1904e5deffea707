"""``final``: the copy of a draft that is sent (报送稿).

Our figure marks turned into plain text, our properties (the stamp, fingerprints,
input hashes) removed, nothing else changed; refused while ``check`` finds
something that must be fixed, unless forced; optionally a PDF through LibreOffice.
The draft itself is never modified (docs/drafts.md).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

from .check import Finding, check_draft
from .errors import OutputError, Terminated, UsageError, reason
from .write import ensure_not_open, refuse_existing, write_atomic

# where LibreOffice installs itself on Windows, which puts nothing on PATH
_WINDOWS_SOFFICE = (
    r"C:\Program Files\LibreOffice\program\soffice.exe",
    r"C:\Program Files (x86)\LibreOffice\program\soffice.exe",
)


@dataclass(kw_only=True)
class FinalResult:
    output: Path
    forced: list[Finding] = field(default_factory=list)  # must-fix findings gone past
    pdf: Path | None = None
    pdf_missing: str = ""  # why no PDF was written when one was asked for
    backups: list[Path] = field(default_factory=list)  # what --overwrite kept of the old files


def final_copy(
    path: str | Path,
    output: str | Path,
    *,
    pdf: bool = False,
    force: bool = False,
    overwrite: bool = False,
) -> FinalResult:
    """Write the copy of the draft at ``path`` that is sent, to ``output``.

    ``force`` goes on despite what ``check`` says must be fixed; ``overwrite`` replaces
    an existing output (and its PDF), after a numbered backup.  Two options, because
    one must never imply the other (docs/drafts.md, 报送稿)."""
    from .draft import Draft

    path, output = Path(path), Path(output)
    if not path.is_file():
        raise UsageError(f"稿件不存在：{path}")
    if output.suffix.lower() != ".docx":
        raise UsageError(f"报送稿应以 .docx 结尾：{output}")
    if output.resolve() == path.resolve():
        raise UsageError("报送稿不能覆盖稿件本身：请用 -o 另给一个文件名，如 -o 报送稿.docx")
    # an existing 报送稿 may be the copy a person corrected by hand after the last final:
    # like build, never replaced silently (docs/drafts.md); both refused before either is written
    targets = [output, output.with_suffix(".pdf")] if pdf else [output]
    for target in targets:
        ensure_not_open(target)
    if not overwrite:
        for target in targets:
            refuse_existing(target, force=False, what="可能是改过的报送稿", option="--overwrite")
    must_fix = check_draft(path).must_fix
    if must_fix and not force:
        lines = "\n".join(f"  {f.code} {f.place}：{f.message}" for f in must_fix)
        raise OutputError(
            f"{path.name} 还有 {len(must_fix)} 处必须修改的问题，未生成报送稿"
            f"（改好后再运行，或加 --force 仍然生成）：\n{lines}"
        )
    data = Draft.open(path).plain_bytes()
    backups = [refuse_existing(t, force=True, what="") for t in targets if t.exists()]
    write_atomic(output, data)
    result = FinalResult(output=output, forced=must_fix, backups=backups)
    if pdf:
        result.pdf, result.pdf_missing = to_pdf(output)
    return result


def find_soffice() -> str | None:
    """LibreOffice's command, on PATH or where its Windows installer puts it."""
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None and os.name == "nt":
        found = next((p for p in _WINDOWS_SOFFICE if Path(p).is_file()), None)
    return found


# LibreOffice's settings for the conversion, in its own throwaway profile: fetch nothing a
# document links to (linked images, templates, objects: BlockUntrustedRefererLinks, with
# no trusted location), never update links on loading (Writer's Update/Link 0 = never),
# no update check.  The copy it converts has no such link left anyway (draft.py).
_OFFLINE_PROFILE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" \
xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Common/Security/Scripting">\
<prop oor:name="BlockUntrustedRefererLinks" oor:op="fuse"><value>true</value></prop></item>
<item oor:path="/org.openoffice.Office.Writer/Content/Update">\
<prop oor:name="Link" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Jobs/Jobs/org.openoffice.Office.Jobs:Job['UpdateCheck']/Arguments">\
<prop oor:name="AutoCheckEnabled" oor:op="fuse"><value>false</value></prop></item>
</oor:items>
"""


def offline_profile(folder: Path) -> str:
    """A LibreOffice user profile in ``folder`` that fetches nothing; its URI for
    ``-env:UserInstallation``."""
    settings = folder / "user" / "registrymodifications.xcu"
    settings.parent.mkdir(parents=True, exist_ok=True)
    settings.write_text(_OFFLINE_PROFILE, encoding="utf-8")
    return folder.as_uri()


def to_pdf(docx: Path) -> tuple[Path | None, str]:
    """``docx`` converted to PDF beside it by LibreOffice in a profile that fetches
    nothing; (None, why) when it cannot be."""
    soffice = find_soffice()
    if soffice is None:
        return (
            None,
            "本机没有安装 LibreOffice（找不到 soffice），未生成 PDF；可在 WPS 或 Word 中另存为 PDF。",
        )
    target = docx.with_suffix(".pdf")
    ensure_not_open(target)
    with tempfile.TemporaryDirectory(prefix="workreport-pdf-") as tmp, _stopped_on_terminate():
        try:
            # its own profile: a running LibreOffice is not disturbed, and nothing is fetched
            profile = offline_profile(Path(tmp, "profile"))
            # LibreOffice's own temporary files go inside ours: removed with it, whatever
            scratch = Path(tmp, "tmp")
            scratch.mkdir()
            _convert(
                [
                    soffice,
                    f"-env:UserInstallation={profile}",
                    "--headless",
                    "--convert-to",
                    "pdf",
                    "--outdir",
                    tmp,
                    str(docx),
                ],
                {**os.environ, "TMPDIR": str(scratch), "TEMP": str(scratch), "TMP": str(scratch)},
            )
            made = Path(tmp, docx.with_suffix(".pdf").name)
            data = made.read_bytes()
        except (OSError, subprocess.SubprocessError) as e:
            return None, f"LibreOffice 转换 PDF 失败，未生成 PDF：{reason(e)}"
    write_atomic(target, data)
    return target, ""


CONVERT_SECONDS = 300


def _convert(command: list[str], env: dict[str, str]) -> None:
    """Run LibreOffice in a process group of its own and, however this ends (done, failed,
    timed out, interrupted, terminated), leave none of its processes behind: soffice starts
    soffice.bin, which outlives a plain kill of soffice (docs/drafts.md, 报送稿)."""
    if os.name == "nt":
        options = {"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP}
    else:
        options = {"start_new_session": True}
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        env=env,
        **options,
    )
    try:
        _, err = process.communicate(timeout=CONVERT_SECONDS)
    finally:
        _kill_group(process)
    if process.returncode != 0:
        raise subprocess.CalledProcessError(process.returncode, command, stderr=err)


def _kill_group(process: subprocess.Popen) -> None:
    if os.name == "nt":
        # the tree of soffice.exe, soffice.bin included
        subprocess.run(
            ["taskkill", "/F", "/T", "/PID", str(process.pid)], capture_output=True, check=False
        )
    else:
        import signal

        with suppress(ProcessLookupError, PermissionError):  # all gone already
            os.killpg(process.pid, signal.SIGKILL)
    process.kill()
    process.wait()


@contextmanager
def _stopped_on_terminate():
    """SIGTERM and SIGHUP become :class:`Terminated` while inside (main thread only:
    elsewhere Python cannot set a handler, and the default stays)."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    kinds = [signal.SIGTERM, *([signal.SIGHUP] if hasattr(signal, "SIGHUP") else [])]

    def stop(number, frame):
        raise Terminated(signal.Signals(number).name)

    before = {kind: signal.signal(kind, stop) for kind in kinds}
    try:
        yield
    finally:
        for kind, handler in before.items():
            signal.signal(kind, handler)
