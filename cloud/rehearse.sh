#!/usr/bin/env bash
# Rehearse Community Cloud's install of cloud/requirements.txt here, from nothing.
#
# Cloud installs a requirements.txt with uv and falls back to pip (Streamlit docs, Community
# Cloud, app dependencies). download.pytorch.org cannot be reached from the project's machines,
# so this script lays out a copy of the part of the CPU index that matters, from files on disk:
#   whl/cpu/torch/   the local CPU build of torch that pip already finds here (find-links)
#   whl/cpu/numpy/   an older numpy than our pin   } the real CPU index carries its own numpy
#   whl/cpu/pillow/  an older pillow than our pin  } and pillow builds
# and serves it on 127.0.0.1 only, so every requirement line keeps its real shape and only
# https://download.pytorch.org becomes http://127.0.0.1:PORT. Everything else comes from PyPI.
# pip and uv run without the machine's pip/uv configuration (its local mirrors and find-links),
# with empty caches, into fresh venvs under $WORK, never the project's .venv.
#
# It then resolves, with uv and with pip, the Cloud file and the designs it replaced, installs
# the Cloud file for real with each tool, and runs cloud/streamlit_app.py in AppTest from the
# repository root in each new venv. Every step has a time limit. Exit 0 when the Cloud file
# installed and ran with both tools. Results: $WORK/summary.txt (details in $WORK/logs/).
#
#   bash cloud/rehearse.sh            # WORK=/tmp/convscope-rehearsal, UV_VERSION=0.13.9
set -euo pipefail

REPO="$(cd "$(dirname "$0")/.." && pwd)"
WORK="${WORK:-/tmp/convscope-rehearsal}"
UV_VERSION="${UV_VERSION:-0.13.9}"
PY="${PYTHON:-python3}"
# Older than our numpy==2.4.6 and pillow==13.0.0, as the CPU index's own builds are.
CPU_INDEX_EXTRAS=(numpy==2.3.5 pillow==12.3.0)
CPU_HOST="https://download.pytorch.org"

case "$WORK" in /tmp/?*) ;; *) echo "WORK must be a folder under /tmp" >&2; exit 2 ;; esac
rm -rf "$WORK"
mkdir -p "$WORK/logs" "$WORK/req"
SUMMARY="$WORK/summary.txt"
: >"$SUMMARY"
say() { echo "$*" | tee -a "$SUMMARY"; }

SERVER_PID=""
cleanup() { if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; fi; }
trap cleanup EXIT

# pip and uv as on a machine that has only PyPI: none of this machine's pip config or caches.
clean_env=(env -u PIP_FIND_LINKS -u PIP_INDEX_URL -u PIP_EXTRA_INDEX_URL -u PIP_CONSTRAINT
  -u UV_INDEX_URL -u UV_EXTRA_INDEX_URL -u UV_FIND_LINKS -u UV_INDEX -u UV_DEFAULT_INDEX
  -u UV_INDEX_STRATEGY -u VIRTUAL_ENV
  PIP_CONFIG_FILE=/dev/null PIP_CACHE_DIR="$WORK/pip-cache" PIP_DISABLE_PIP_VERSION_CHECK=1
  UV_NO_CONFIG=1 UV_CACHE_DIR="$WORK/uv-cache" UV_PYTHON_DOWNLOADS=never)

# --- the torch wheel pip finds here, and the pins ------------------------------------------
torch_pin="$(sed -n 's/^torch==\([^ ]*\).*/\1/p' "$REPO/cloud/requirements.txt")"
[ -n "$torch_pin" ] || { echo "no torch==... pin in cloud/requirements.txt" >&2; exit 2; }
tag="$("$PY" -c 'import sys; print(f"cp{sys.version_info[0]}{sys.version_info[1]}")')"
links="${PIP_FIND_LINKS:-$(pip config get global.find-links 2>/dev/null || true)}"
wheel=""
for dir in $links; do
  for f in "$dir"/torch-"$torch_pin"-"$tag"-"$tag"-*linux*_x86_64.whl; do
    [ -f "$f" ] && wheel="$f" && break 2
  done
done
[ -n "$wheel" ] || { echo "no torch-$torch_pin-$tag wheel in pip's find-links ($links)" >&2; exit 2; }

say "ConvScope: Community Cloud install rehearsal, $(date -u '+%Y-%m-%d %H:%M UTC')"
say "python: $("$PY" --version 2>&1) ($(command -v "$PY")); torch wheel: $wheel"

# --- a copy of the CPU index (PEP 503 pages, links as the real index writes them) ----------
cpu="$WORK/cpuindex/whl/cpu"
mkdir -p "$cpu"
ln -s "$wheel" "$cpu/$(basename "$wheel")"
timeout 300 "$PY" -m pip download --quiet --no-deps --only-binary :all: \
  -d "$cpu" "${CPU_INDEX_EXTRAS[@]}" >"$WORK/logs/cpuindex-download.log" 2>&1
"$PY" - "$cpu" <<'EOF'
import hashlib, pathlib, sys, urllib.parse
from packaging.utils import canonicalize_name, parse_wheel_filename
root = pathlib.Path(sys.argv[1])
projects: dict[str, list[pathlib.Path]] = {}
for wheel in sorted(root.glob("*.whl")):
    projects.setdefault(canonicalize_name(parse_wheel_filename(wheel.name)[0]), []).append(wheel)
page = "<!DOCTYPE html>\n<html><body>\n{}</body></html>\n"
for name, wheels in projects.items():
    rows = "".join(
        f'<a href="/whl/cpu/{urllib.parse.quote(w.name)}#sha256='
        f'{hashlib.sha256(w.read_bytes()).hexdigest()}">{w.name}</a><br/>\n' for w in wheels)
    (root / name).mkdir()
    (root / name / "index.html").write_text(page.format(rows))
(root / "index.html").write_text(page.format(
    "".join(f'<a href="/whl/cpu/{n}/">{n}</a><br/>\n' for n in sorted(projects))))
EOF
port="$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
"$PY" -m http.server --bind 127.0.0.1 --directory "$WORK/cpuindex" "$port" \
  >"$WORK/logs/cpuindex-server.log" 2>&1 &
SERVER_PID=$!
local_host="http://127.0.0.1:$port"
for _ in $(seq 50); do
  curl -sf "$local_host/whl/cpu/torch/" >/dev/null && break
  sleep 0.2
done
curl -sf "$local_host/whl/cpu/torch/" >/dev/null || { echo "CPU index copy not served" >&2; exit 1; }
say "CPU index copy: $local_host/whl/cpu/ with $(cd "$cpu" && ls ./*.whl | sed 's#^\./##' | tr '\n' ' ')"

# --- uv ----------------------------------------------------------------------------------
"$PY" -m venv "$WORK/tools"
timeout 300 "$WORK/tools/bin/pip" install --quiet "uv==$UV_VERSION" >"$WORK/logs/uv-install.log" 2>&1
UV="$WORK/tools/bin/uv"
"$PY" -m venv "$WORK/venv-probe"
say "uv: $("$UV" --version); pip in a new venv: $("$WORK/venv-probe/bin/pip" --version | cut -d' ' -f1-2)"

# --- the requirement files -----------------------------------------------------------------
localize() { sed "s#$CPU_HOST#$local_host#g" "$1"; }
pins() { grep -v '^[[:space:]]*#' "$REPO/requirements.txt" | grep -v '^[[:space:]]*$'; }
localize "$REPO/cloud/requirements.txt" >"$WORK/req/cloud.txt"
{ echo "--extra-index-url $CPU_HOST/whl/cpu"; pins; } | localize /dev/stdin >"$WORK/req/extra-index.txt"
pypi="$("$PY" -c 'from pip._internal.models.index import PyPI; print(PyPI.simple_url)')"
{ echo "--index-url $CPU_HOST/whl/cpu"; echo "--extra-index-url $pypi"; pins; } \
  | localize /dev/stdin >"$WORK/req/index-url.txt"
{ echo "--index-strategy unsafe-best-match"; echo "--extra-index-url $CPU_HOST/whl/cpu"; pins; } \
  | localize /dev/stdin >"$WORK/req/strategy-line.txt"

# What a resolution picked: the torch, numpy and pillow it would install (uv's "+ name==v"
# lines, pip's "Would install name-v" line), or the reason it failed.
picked() {
  local got
  got="$( { sed -n 's/^ + \(torch\|numpy\|pillow\)==/\1==/p' "$1"
            grep '^Would install' "$1" | tr ' ' '\n' | grep -iE '^(torch|numpy|pillow)-' \
              | sed 's/-/==/'; } | sort -u | tr '\n' ' ')"
  if grep -qE '^ \+ nvidia|^Would install.* nvidia' "$1"; then got="$got+ nvidia-* (CUDA libraries)"; fi
  echo "${got:-nothing}"
}
first_error() {
  { grep -m1 -E '^  cause:' "$1" || grep -m1 -E '^(error|ERROR)' "$1" || tail -1 "$1"; } \
    | sed 's/^ *//' | cut -c1-200
}

# uv_try NAME FILE: a dry-run resolution with uv into a fresh venv.
uv_try() {
  local name="$1" file="$2" log="$WORK/logs/uv-$1.log" rc=0
  "$PY" -m venv "$WORK/venv-dry-uv-$name"
  timeout 300 "${clean_env[@]}" "$UV" pip install --python "$WORK/venv-dry-uv-$name/bin/python" \
    --dry-run -r "$file" >"$log" 2>&1 || rc=$?
  if [ "$rc" = 0 ]; then say "  uv  $name: resolves: $(picked "$log")"
  else say "  uv  $name: FAILS (exit $rc): $(first_error "$log")"; fi
}
# pip_try NAME FILE: the same with pip (which fetches metadata it cannot get otherwise).
pip_try() {
  local name="$1" file="$2" log="$WORK/logs/pip-$1.log" rc=0
  "$PY" -m venv "$WORK/venv-dry-pip-$name"
  timeout 600 "${clean_env[@]}" "$WORK/venv-dry-pip-$name/bin/pip" install --dry-run \
    -r "$file" >"$log" 2>&1 || rc=$?
  if [ "$rc" = 0 ]; then say "  pip $name: resolves: $(picked "$log")"
  else say "  pip $name: FAILS (exit $rc): $(first_error "$log")"; fi
}

say ""
say "Resolutions (dry runs; cloud = cloud/requirements.txt, the others are designs it replaced):"
uv_try cloud "$WORK/req/cloud.txt"
pip_try cloud "$WORK/req/cloud.txt"
uv_try extra-index "$WORK/req/extra-index.txt"
pip_try extra-index "$WORK/req/extra-index.txt"
uv_try index-url "$WORK/req/index-url.txt"   # pip here would fetch the CUDA build's metadata
uv_try strategy-line "$WORK/req/strategy-line.txt"
pip_try strategy-line "$WORK/req/strategy-line.txt"

# --- the Cloud file for real, with each tool, then the app in AppTest ------------------------
apptest='
import sys
from streamlit.testing.v1 import AppTest
at = AppTest.from_file(sys.argv[1], default_timeout=180).run()
assert not at.exception, [e.message for e in at.exception]
import numpy, PIL, streamlit, torch
n = len(at.get("plotly_chart"))
print(f"home page: {at.title[0].value!r}, {n} figures; "
      f"torch {torch.__version__}, numpy {numpy.__version__}, pillow {PIL.__version__}, "
      f"streamlit {streamlit.__version__}")
'
ok=0
install() {
  local tool="$1" venv="$WORK/venv-$1" log="$WORK/logs/install-$1.log" rc=0 start
  "$PY" -m venv "$venv"
  start=$(date +%s)
  if [ "$tool" = uv ]; then
    timeout 900 "${clean_env[@]}" "$UV" pip install --python "$venv/bin/python" \
      -r "$WORK/req/cloud.txt" >"$log" 2>&1 || rc=$?
  else
    timeout 900 "${clean_env[@]}" "$venv/bin/pip" install -r "$WORK/req/cloud.txt" \
      >"$log" 2>&1 || rc=$?
  fi
  if [ "$rc" != 0 ]; then say "  $tool: install FAILS (exit $rc): $(first_error "$log")"; return; fi
  local cuda size
  cuda="$("$venv/bin/python" -m pip list 2>/dev/null | grep -ciE '^nvidia|^triton' || true)"
  size="$(du -sh "$venv" | cut -f1)"
  say "  $tool: installed in $(( $(date +%s) - start )) s (this machine, shared): venv $size, $cuda CUDA packages"
  rc=0
  (cd "$REPO" && timeout 300 "${clean_env[@]}" "$venv/bin/python" -c "$apptest" \
    "$REPO/cloud/streamlit_app.py" >"$WORK/logs/apptest-$tool.log" 2>&1) || rc=$?
  if [ "$rc" = 0 ]; then
    say "  $tool: cloud/streamlit_app.py from the repository root: $(tail -1 "$WORK/logs/apptest-$tool.log")"
    ok=$((ok + 1))
  else
    say "  $tool: AppTest FAILS (exit $rc): $(tail -3 "$WORK/logs/apptest-$tool.log" | tr '\n' ' ')"
  fi
}
say ""
say "cloud/requirements.txt installed for real into fresh venvs:"
install uv
install pip

say ""
if [ "$ok" = 2 ]; then say "OK: the Cloud file installs and runs with uv and with pip."; exit 0; fi
say "NOT OK: see $WORK/logs/"; exit 1
