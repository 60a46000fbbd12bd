#!/usr/bin/env bash
# Runs every test of the solution on a fresh machine: installs the real servers and tools the tests
# start (from Debian), builds in Release with warnings as errors, runs all test projects, and ends with
# one line "N passed, N failed, N skipped".
set -euo pipefail
cd "$(dirname "$0")"

# --- Debian packages the tests need: "<command or path to test> <package>" ---------------------------
need=(
  "/usr/lib/postgresql postgresql"
  "espeak-ng espeak-ng"
  "sox sox"
  "sipp sip-tester"
  "baresip baresip-core"
  "kamailio kamailio"
  "/usr/lib/x86_64-linux-gnu/kamailio/modules/tls.so kamailio-tls-modules"
  "tshark tshark"
  "/usr/lib/python3/dist-packages/aiosmtpd python3-aiosmtpd"
  "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf fonts-dejavu-core"
  "pdftotext poppler-utils"
  "chromium chromium"
  "npm npm"
  "redis-server redis-server"
  "/usr/sbin/haproxy haproxy"
  "afl-fuzz afl++"
)
missing=()
for item in "${need[@]}"; do
  probe=${item%% *}; pkg=${item#* }
  if [[ $probe == /* ]]; then [[ -e $probe ]] || missing+=("$pkg")
  else command -v "$probe" >/dev/null 2>&1 || missing+=("$pkg"); fi
done
if ((${#missing[@]})); then
  echo "test.sh: installing ${missing[*]} from Debian"
  SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

dotnet build Collections.sln -c Release -nologo -v q

log=$(mktemp)
trap 'rm -f "$log"' EXIT
set +e
dotnet test --solution Collections.sln -c Release --no-build "$@" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
set -e

# The summary of Microsoft.Testing.Platform lists total/failed/succeeded/skipped for the whole run.
count() { grep -E "^\s+$1: [0-9]+" "$log" | tail -n 1 | grep -oE '[0-9]+' || echo 0; }
passed=$(count succeeded); failed=$(count failed); skipped=$(count skipped)
# Name what failed right above the summary, where a CI log's tail shows it.
grep -E "^\s*failed [A-Za-z_]" "$log" | sed -E 's/^\s+//' | sort -u | head -n 40 || true
grep -E "Foreground threads were left running|Test host process crashed|exited with error" "$log" | sed -E 's/^\s+//' | sort -u || true
if [[ $rc -ne 0 && $failed -eq 0 ]]; then failed=1; fi   # a crashed or empty test host counts as a failure
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
exit "$rc"
