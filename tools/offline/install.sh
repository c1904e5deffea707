#!/bin/sh
# 内网安装（Linux：麒麟、统信等）：用本安装包中的 wheel 安装 workreport，不需要联网。
# 用法：sh install.sh [安装目录]（默认 ~/.workreport）
set -eu
cd "$(dirname "$0")"
TARGET=${1:-"$HOME/.workreport"}

PY=""
for candidate in python3.12 python3.11 python3; do
  if command -v "$candidate" >/dev/null 2>&1 &&
     "$candidate" -c 'import sys; sys.exit(0 if sys.version_info[:2] in ((3, 11), (3, 12)) else 1)'; then
    PY=$candidate
    break
  fi
done
if [ -z "$PY" ]; then
  echo "未找到 Python 3.11 或 3.12。本安装包不含 Python，请先安装：" >&2
  echo "  麒麟/统信：sudo apt install python3.11 python3.11-venv（内网请用单位的软件源，或向信息中心索取安装包）" >&2
  echo "安装好后再运行：sh install.sh" >&2
  exit 1
fi

if ! "$PY" -m venv "$TARGET"; then
  rm -rf "$TARGET"
  echo "无法创建虚拟环境：系统缺少 venv 模块。请先安装 python3-venv：" >&2
  echo "  sudo apt install python3-venv（或与 Python 版本对应的 python3.11-venv / python3.12-venv）" >&2
  echo "安装好后再运行：sh install.sh" >&2
  exit 1
fi

"$TARGET/bin/python" -m pip install --no-index --find-links wheels \
  -c constraints-offline.txt workreport
echo "安装完成。运行：$TARGET/bin/workreport --help"
echo "（可把 $TARGET/bin 加入 PATH，以后直接输入 workreport）"
