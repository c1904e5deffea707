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
rem 只往新的、空的或已装过 workreport 的文件夹里装；本脚本从不删除任何文件
if exist "%TARGET%\" if not exist "%TARGET%\pyvenv.cfg" (
  dir /b /a "%TARGET%" 2>nul | findstr "^" >nul && (
    echo 安装目录 %TARGET% 中已有别的文件，不是 workreport 的安装，为免影响这些文件，不安装到这里。
    echo 请把这个文件夹改名或移走后再运行 install.bat。
    pause
    exit /b 1
  )
)
%PY% -m venv "%TARGET%"
if errorlevel 1 (
  echo 无法创建虚拟环境，请确认 Python 安装完整后重试。
  pause
  exit /b 1
)
rem 已装过旧版时升级：依赖按约束文件换成本安装包的版本，workreport 本身总是换成包内的 wheel（版本号相同也重装）
"%TARGET%\Scripts\python.exe" -m pip install --no-index --find-links wheels -c constraints-offline.txt --upgrade workreport
if errorlevel 1 (
  echo 安装失败，请把上面的信息发给技术支持。
  pause
  exit /b 1
)
for %%W in (wheels\workreport-*.whl) do "%TARGET%\Scripts\python.exe" -m pip install --no-index --no-deps --force-reinstall "%%W"
if errorlevel 1 (
  echo 安装失败，请把上面的信息发给技术支持。
  pause
  exit /b 1
)
echo 安装完成。运行："%TARGET%\Scripts\workreport.exe" --help
pause
