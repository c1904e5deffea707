@echo off
rem 内网安装（Windows）：用本安装包中的 wheel 安装 workreport，不需要联网。
chcp 65001 >nul
setlocal
cd /d "%~dp0"
set "TARGET=%LOCALAPPDATA%\workreport"
set "PY="
py -3.12 -c "import sys" >nul 2>&1 && set "PY=py -3.12"
if not defined PY py -3.11 -c "import sys" >nul 2>&1 && set "PY=py -3.11"
if not defined PY python -c "import sys; sys.exit(0 if sys.version_info[:2] in ((3, 11), (3, 12)) else 1)" >nul 2>&1 && set "PY=python"
if not defined PY (
  echo 未找到 Python 3.11 或 3.12。本安装包不含 Python。
  echo 请先安装 Python 3.11 或 3.12 的 Windows 64 位版本（安装时勾选 Add python.exe to PATH），
  echo 内网请向信息中心索取安装程序，然后再双击运行 install.bat。
  pause
  exit /b 1
)
%PY% -m venv "%TARGET%"
if errorlevel 1 (
  echo 无法创建虚拟环境，请确认 Python 安装完整后重试。
  pause
  exit /b 1
)
"%TARGET%\Scripts\python.exe" -m pip install --no-index --find-links wheels -c constraints-offline.txt workreport
if errorlevel 1 (
  echo 安装失败，请把上面的信息发给技术支持。
  pause
  exit /b 1
)
echo 安装完成。运行："%TARGET%\Scripts\workreport.exe" --help
pause
