#!/usr/bin/env bash
# Fuzzes one parser for a bounded time with afl-fuzz and SharpFuzz (docs/fuzzing.md).
#
#   tools/fuzz.sh <target> [seconds] [--no-build]
#   targets: sip sdp csv camt053 script-yaml twilio-webhook
#
# Installs afl++ from Debian and SharpFuzz.CommandLine from NuGet (dotnet-tools.json) when missing, copies the built
# tests/Collections.Fuzz output to artifacts/fuzz/<target>/bin, instruments there only the assemblies (and namespaces) of the
# parser under test, and runs afl-fuzz for <seconds> (default 60) on the seeds of tests/corpus/fuzz/seeds/<target> plus the
# inputs that once broke it (tests/corpus/fuzz/regressions/<target>). Nothing listens on a network: afl talks to the target
# through a pipe and shared memory.
#
# Ends with one line "fuzz <target>: ..." (execs, paths, crashes, hangs) and exits 0 when no crash or hang was found,
# 1 when one was (each input is replayed on the uninstrumented build and saved under artifacts/fuzz/<target>/crashes),
# 2 when the fuzzer could not run at all.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

target=${1:-}; seconds=${2:-60}; build=1
[[ ${3:-} == --no-build || ${2:-} == --no-build ]] && build=0
[[ ${2:-} == --no-build ]] && seconds=60

# Which assemblies and namespaces carry the parser of each target: only they feed afl's coverage map.
declare -A instrument=(
  [sip]="collections-dialer.dll:Collections.Dialer.Sip"
  [sdp]="collections-dialer.dll:Collections.Dialer.Media.Sdp"
  [csv]="Collections.Shared.dll:Collections.Shared.Import:Collections.Shared.Workflow.PaymentFileParsers"
  [camt053]="Collections.Shared.dll:Collections.Shared.Workflow.PaymentFileParsers"
  [script-yaml]="Collections.Scripts.dll:Collections.Scripts.Loading:Collections.Scripts.Validation YamlDotNet.dll"
  [twilio-webhook]="Collections.AgentConsole.dll:Collections.AgentConsole.Features.Webhooks collections-dialer.dll:Collections.Dialer.Messaging.Twilio.TwilioSignature"
)
if [[ -z $target || -z ${instrument[$target]:-} || ! $seconds =~ ^[0-9]+$ ]]; then
  echo "usage: tools/fuzz.sh <target> [seconds] [--no-build]; targets: ${!instrument[*]}" >&2
  exit 2
fi

fail() { echo "fuzz $target: cannot run: $*" >&2; exit 2; }

# --- tools: afl++ from Debian, sharpfuzz from NuGet --------------------------------------------------------------------
if ! command -v afl-fuzz >/dev/null 2>&1; then
  echo "fuzz.sh: installing afl++ from Debian"
  SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends afl++ >/dev/null || fail "apt-get install afl++ failed"
fi
dotnet tool restore >/dev/null || fail "dotnet tool restore (SharpFuzz.CommandLine) failed"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
built=tests/Collections.Fuzz/bin/Release/net10.0
if ((build)); then
  dotnet build tests/Collections.Fuzz -c Release -nologo -v q >/dev/null || fail "dotnet build tests/Collections.Fuzz failed"
fi
[[ -f $built/Collections.Fuzz.dll ]] || fail "$built/Collections.Fuzz.dll is missing (build the solution in Release)"

# --- an instrumented copy of the build -----------------------------------------------------------------------------------
work=$root/artifacts/fuzz/$target
rm -rf "$work"; mkdir -p "$work/in" "$work/crashes"
# Hard links (the build is ~450 MB); each assembly sharpfuzz rewrites is first made a file of its own.
cp -al "$built" "$work/bin" 2>/dev/null || { rm -rf "$work/bin"; cp -a "$built" "$work/bin"; }
for spec in ${instrument[$target]}; do
  IFS=: read -r dll prefixes <<<"$spec"
  rm -f "$work/bin/$dll"; cp "$built/$dll" "$work/bin/$dll"
  # shellcheck disable=SC2086 # prefixes are separate arguments
  dotnet tool run sharpfuzz "$work/bin/$dll" ${prefixes//:/ } >"$work/instrument.log" 2>&1 || { cat "$work/instrument.log" >&2; fail "sharpfuzz could not instrument $dll"; }
done

cp tests/corpus/fuzz/seeds/"$target"/* "$work/in/"
if compgen -G "tests/corpus/fuzz/regressions/$target/*" >/dev/null; then
  cp tests/corpus/fuzz/regressions/"$target"/* "$work/in/"
fi

# --- afl-fuzz for a bounded time ------------------------------------------------------------------------------------------
# The target is the dotnet host, which carries no afl instrumentation of its own (SharpFuzz's managed instrumentation
# writes the map): hence AFL_SKIP_BIN_CHECK. The CPU-frequency and affinity checks are for dedicated fuzzing machines;
# CI shares its cores. A dotnet start is slow, so the fork server gets a minute to say hello.
export AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_NO_AFFINITY=1 AFL_FORKSRV_INIT_TMOUT=60000
if [[ $(cat /proc/sys/kernel/core_pattern 2>/dev/null) == \|* ]]; then
  # Core dumps go to a helper program (systemd-coredump, apport) and this sandbox may not change that; afl then notices
  # crashes late but still notices them.
  export AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1
  echo "fuzz.sh: core_pattern pipes to a program; AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1"
fi

dict=()
[[ -f tests/corpus/fuzz/dictionaries/$target.dict ]] && dict=(-x "tests/corpus/fuzz/dictionaries/$target.dict")

set +e
# -x: tokens of formats whose parsing happens in the (uninstrumented) framework, such as XML element names;
# -t: 5 s per input is a hang for parsers that take microseconds (the slack is for a loaded CI machine);
# -V: stop after <seconds>; the outer timeout only guards against afl itself getting stuck.
timeout --kill-after=10 $((seconds + 180)) afl-fuzz -i "$work/in" -o "$work/findings" "${dict[@]}" -t 5000 -m none -V "$seconds" \
  -- dotnet "$work/bin/Collections.Fuzz.dll" "$target" >"$work/afl.log" 2>&1
afl_rc=$?
set -e

stats=$work/findings/default/fuzzer_stats
if [[ ! -f $stats ]]; then
  tail -n 30 "$work/afl.log" >&2
  fail "afl-fuzz exited with $afl_rc before fuzzing (log: $work/afl.log)"
fi
stat() { sed -nE "s/^$1 *: *([0-9.]+).*/\1/p" "$stats" | head -n 1; }
execs=$(stat execs_done); paths=$(stat corpus_count); crashes=$(stat saved_crashes); hangs=$(stat saved_hangs)
speed=$(stat execs_per_sec); coverage=$(sed -nE 's/^bitmap_cvg *: *(.*)/\1/p' "$stats")

# --- confirm every finding on the uninstrumented build --------------------------------------------------------------------
# (At most 20 of them: each replay starts dotnet, and a time limit is what this script promises.)
found=0; replayed=0
for f in "$work"/findings/default/crashes/id:* "$work"/findings/default/hangs/id:*; do
  [[ -f $f ]] || continue
  ((replayed++ < 20)) || break
  kind=crash; [[ $f == */hangs/* ]] && kind=hang
  name=$kind-$(sha1sum "$f" | cut -c1-12)
  cp "$f" "$work/crashes/$name"
  set +e
  timeout 60 dotnet "$built/Collections.Fuzz.dll" replay "$target" "$work/crashes/$name" >"$work/crashes/$name.txt" 2>&1
  rc=$?
  set -e
  if ((rc == 0)); then
    # afl's time-out was the loaded machine, not the input: it runs clean and quickly on its own.
    echo "fuzz $target: $kind $f did not reproduce (replay ran clean): kept as $work/crashes/$name, not counted"
    continue
  fi
  found=$((found + 1))
  ((found <= 5)) || continue
  echo "fuzz $target: $kind input $work/crashes/$name (replay exit $rc: $(grep -m1 -E 'Exception|Finding|Unhandled|Stack overflow' "$work/crashes/$name.txt" || echo "see $work/crashes/$name.txt"))"
done

((found <= 5)) || echo "fuzz $target: ... and $((found - 5)) more reproduced findings in $work/crashes"
echo "fuzz $target: ${seconds} s, ${execs:-0} execs (${speed:-0}/s), ${paths:-0} paths, map ${coverage:-?}, ${crashes:-0} crashes, ${hangs:-0} hangs, ${found} reproduced"
((found == 0)) || exit 1
