#!/usr/bin/env bash
# Pacing benchmark (not a test): runs every scenario in config/scenarios with predictive, progressive and
# adaptive pacing and prints the Markdown table kept in docs/performance.md under "## Pacing".
# Usage: tools/pacing-table.sh [--seeds N]   (a few minutes on two cores; --seeds 10 adds about fifteen)
# "predictive, told the truth" is simulate --oracle: the same pacer and gate reviewing every MACHINE verdict at once (a
# comparison only a simulation can make; docs/simulation.md).
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
  for run in progressive predictive "predictive --oracle" adaptive; do
    read -r pacing oracle <<<"$run"
    line=$("${dialer[@]}" simulate "$file" --pacing "$pacing" $oracle)
    [[ -n $oracle ]] && line=$(jq -c '.pacing = "predictive, told the truth"' <<<"$line")
    talk=$(jq -r .talkMinutesPerAgentHour <<<"$line")
    [[ $pacing == progressive ]] && progressive=$talk
    jq -r --arg name "$name" --arg bound "$bound" --arg target "$target" --arg prog "$progressive" '
      def pct: (. * 10000 | round) / 100 | tostring + " %";
      "| \($name) | \(.agents) | \(.hours) | \(.pacing) | \(.talkMinutesPerAgentHour) | \(.utilization * 1000 | round / 10) % | \(.abandonRate|pct) | \(.maxAbandonRate24h|pct) | \($target|tonumber|pct) | \($bound) | \((.talkMinutesPerAgentHour / ($prog|tonumber) * 100 | round) / 100)x |"' <<<"$line"
  done
done

# --seeds N: the same scenarios with seeds 1..N, predictive and progressive: mean talk, the worst window
# over all seeds and how many seeds went above the target (robustness, not the shipped seed's luck).
if [[ ${1:-} == --seeds ]]; then
  n=${2:-10}
  tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
  echo
  echo "| scenario | pacing | seeds | mean talk min / agent-h | worst 24 h window | seeds above target |"
  echo "| --- | --- | ---: | ---: | ---: | ---: |"
  for file in config/scenarios/*.json; do
    name=$(basename "$file" .json)
    target=$(jq -r '.targetAbandonRate // 0.03' "$file")
    for run in progressive predictive "predictive --oracle"; do
      read -r pacing oracle <<<"$run"
      label=$pacing; [[ -n $oracle ]] && label="predictive, told the truth"
      for seed in $(seq 1 "$n"); do
        jq ".seed = $seed" "$file" > "$tmp/$name.json"
        "${dialer[@]}" simulate "$tmp/$name.json" --pacing "$pacing" $oracle
      done | jq -rs --arg name "$name" --arg pacing "$label" --argjson target "$target" '
        "| \($name) | \($pacing) | \(length) | \((map(.talkMinutesPerAgentHour) | add / length * 100 | round) / 100) | \((map(.maxAbandonRate24h) | max) * 10000 | round / 100) % | \(map(select(.maxAbandonRate24h > $target)) | length) |"'
    done
  done
fi
