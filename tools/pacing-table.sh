#!/usr/bin/env bash
# Pacing benchmark (not a test): runs every scenario in config/scenarios with predictive, progressive and
# adaptive pacing and prints the Markdown table kept in docs/performance.md under "## Pacing".
# Usage: tools/pacing-table.sh            (about a minute on two cores, most of it the 48 h scenario)
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build src/Dialer -c Release -nologo -v q >/dev/null
dialer=(dotnet src/Dialer/bin/Release/net10.0/collections-dialer.dll)

# Mean of a scenario distribution (fixed, uniform, exponential, lognormal).
mean='def m: if .dist == "fixed" then .value elif .dist == "uniform" then (.min + .max) / 2 else .mean end;'

echo "| scenario | agents | hours | pacing | talk min / agent-h | utilization | abandoned overall | worst 24 h | target | bound 60T/(T+W+A) | vs progressive |"
echo "| --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
for file in config/scenarios/*.json; do
  name=$(basename "$file" .json)
  bound=$(jq -r "$mean"' (.talkSeconds|m) as $t | (.wrapSeconds|m) as $w | (.amdSeconds|m) as $a | 60*$t/($t+$w+$a) | .*100|round/100' "$file")
  target=$(jq -r '.targetAbandonRate // 0.03' "$file")
  progressive=""
  for pacing in progressive predictive adaptive; do
    line=$("${dialer[@]}" simulate "$file" --pacing "$pacing")
    talk=$(jq -r .talkMinutesPerAgentHour <<<"$line")
    [[ $pacing == progressive ]] && progressive=$talk
    jq -r --arg name "$name" --arg bound "$bound" --arg target "$target" --arg prog "$progressive" '
      def pct: (. * 10000 | round) / 100 | tostring + " %";
      "| \($name) | \(.agents) | \(.hours) | \(.pacing) | \(.talkMinutesPerAgentHour) | \(.utilization * 1000 | round / 10) % | \(.abandonRate|pct) | \(.maxAbandonRate24h|pct) | \($target|tonumber|pct) | \($bound) | \((.talkMinutesPerAgentHour / ($prog|tonumber) * 100 | round) / 100)x |"' <<<"$line"
  done
done
