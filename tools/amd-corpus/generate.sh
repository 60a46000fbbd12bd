#!/usr/bin/env bash
# Generates the second AMD corpus (docs/amd.md, "The second corpus") into .cache/amd-corpus (not in git: ~120 MB,
# about 10 minutes on two cores), then copies the small held-out sample the tests use into tests/corpus/amd2.
#
# Engines (Debian bookworm): espeak-ng 1.51 (47 voice variants in six languages), festival 2.5 (English, Czech,
# Italian and Finnish voices; the foreign ones read Slovenian, Latvian, German, Albanian and Hungarian text), flite 2.2
# (five English voices, never used for training: the held-out engine). pico2wave and mbrola are not in Debian main.
# The generator is tests/Collections.Benchmarks/Amd/AmdCorpusGenerator.cs; the same command gives the same bytes
# (the corpus manifest lists each clip's SHA-256; tests/corpus/amd2/corpus-manifest.csv is the committed copy).
set -euo pipefail
cd "$(dirname "$0")/../.."
pkgs=(espeak-ng sox flite festival festvox-kallpc16k festvox-kdlpc16k festvox-us-slt-hts festvox-czech-dita festvox-czech-ph festvox-italp16k festvox-itapc16k festvox-suopuhe-mv)
missing=()
for p in "${pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if ((${#missing[@]})); then
  echo "generate.sh: installing ${missing[*]}" >&2
  SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

out=${1:-.cache/amd-corpus}
dotnet build -c Release tests/Collections.Benchmarks -nologo -v q
nice dotnet tests/Collections.Benchmarks/bin/Release/net10.0/Collections.Benchmarks.dll amd-corpus "$out" || echo "generate.sh: some clips failed (listed above) and are left out" >&2

# The committed sample: per kind, the first 3 held-out-voice clips and the first held-out-engine clip.
sample=tests/corpus/amd2
mkdir -p "$sample/human" "$sample/machine"
cp "$out/manifest.csv" "$sample/corpus-manifest.csv"
awk -F, 'NR == 1 { print; next }
  $4 == "heldout" && n[$3 "/" $6]++ < 3 { print; next }
  $4 == "heldout-engine" && e[$3 "/" $6]++ < 1 { print }' "$out/manifest.csv" > "$sample/manifest.csv"
rm -f "$sample"/human/*.wav "$sample"/machine/*.wav
tail -n +2 "$sample/manifest.csv" | cut -d, -f2 | while read -r f; do cp "$out/$f" "$sample/$f"; done
echo "generate.sh: $(($(wc -l < "$sample/manifest.csv") - 1)) sample clips in $sample" >&2
