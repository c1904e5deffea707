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

# 只删除本脚本自己建的东西：目标文件夹原本就有的（哪怕是空的）一律不动
CREATED=""
if [ -e "$TARGET" ] || [ -L "$TARGET" ]; then
  if [ ! -d "$TARGET" ]; then
    echo "安装目录 $TARGET 已存在，但不是文件夹。请另选一个目录：sh install.sh 目录" >&2
    exit 1
  fi
  # 装过的（有 pyvenv.cfg）就升级；只有 workreport 自己的密钥文件 cache-key 的也可以装
  if [ ! -f "$TARGET/pyvenv.cfg" ] &&
     [ -n "$(ls -A "$TARGET" | grep -v '^cache-key$' || true)" ]; then
    echo "安装目录 $TARGET 中已有别的文件，不是 workreport 的安装，为免影响这些文件，不安装到这里。" >&2
    echo "请另选一个新的或空的目录：sh install.sh 目录" >&2
    exit 1
  fi
else
  CREATED=1
fi

if ! "$PY" -m venv "$TARGET"; then
  if [ -n "$CREATED" ]; then
    rm -rf "$TARGET"
  fi
  echo "无法创建虚拟环境：系统缺少 venv 模块。请先安装 python3-venv：" >&2
  echo "  sudo apt install python3-venv（或与 Python 版本对应的 python3.11-venv / python3.12-venv）" >&2
  echo "安装好后再运行：sh install.sh" >&2
  exit 1
fi

# 已装过旧版时升级：依赖按约束文件换成本安装包的版本，workreport 本身总是换成包内的 wheel
# （版本号相同也重装）
"$TARGET/bin/python" -m pip install --no-index --find-links wheels \
  -c constraints-offline.txt --upgrade workreport
"$TARGET/bin/python" -m pip install --no-index --no-deps --force-reinstall wheels/workreport-*.whl
echo "安装完成。运行：$TARGET/bin/workreport --help"
echo "（可把 $TARGET/bin 加入 PATH，以后直接输入 workreport）"
