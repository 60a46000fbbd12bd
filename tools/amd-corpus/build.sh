#!/usr/bin/env bash
# Builds the labelled answering-machine-detection corpus in tests/corpus/amd (see docs/amd.md).
#
# Deterministic: every random choice comes from a small LCG seeded with the clip id (so a clip does not
# change when others are added), sox runs with -R (fixed noise seed) and -D (no dither), and espeak-ng
# output depends only on its version (1.51 in Debian 12). Needs espeak-ng and sox from Debian.
#
# Each clip is 6 s of 8 kHz mono "call audio from answer": humans answering with 1-3 words (some then
# silent, some speaking again, some with a long sentence), machines with personal greetings, carrier
# voicemail announcements, short greetings, with and without a beep; speech levels and background noise
# vary; every clip goes through G.711 (stored as A-law or mu-law WAV, or decoded back to 16-bit PCM).
#
# Split, decided before any tuning: a clip is "heldout" when the first 4 hex digits of md5(id) form an
# odd number, otherwise "tune". Only the held-out figures are reported in docs/performance.md.
set -euo pipefail
export LC_ALL=C.UTF-8

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=${1:-$root/tests/corpus/amd}
for tool in espeak-ng sox soxi md5sum; do
  command -v "$tool" >/dev/null || { echo "build.sh: $tool is missing (apt-get install espeak-ng sox)" >&2; exit 2; }
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
rm -rf "$out/human" "$out/machine"
mkdir -p "$out/human" "$out/machine"
manifest="$out/manifest.csv"
echo "id,file,label,split,language,kind,encoding,voice,leadingSilenceMs,firstWordsEndMs,speechEndMs,beepHz,beepStartMs,speechLevel,noise,text" >"$manifest"

readonly RATE=8000 CLIP_SECONDS=6

# --- deterministic random numbers (LCG from Numerical Recipes, 31 bits) -------------------------------
seed=1
seed_from() { local h; h=$(printf '%s' "$1" | md5sum); seed=$((16#${h:8:7})); }
rnd() { seed=$(( (seed * 1103515245 + 12345) & 0x7fffffff )); R=$(( (seed >> 8) % $1 )); }
between() { rnd $(( $2 - $1 + 1 )); R=$(( $1 + R )); }             # integer in [$1, $2]
pick() { local -a a=("$@"); rnd ${#a[@]}; P=${a[$R]}; }
ms_to_s() { printf '%d.%03d' $(( $1 / 1000 )) $(( $1 % 1000 )); }

# --- audio building blocks (16-bit 8 kHz mono, intermediate files in $tmp) -----------------------------
silence() { sox -D -R -n -r $RATE -c 1 -b 16 "$2" trim 0 "$(ms_to_s "$1")"; }        # ms file
# say voice speed pitch level text file -> SAY_MS: speech with espeak's own leading/trailing silence trimmed
say() {
  espeak-ng -v "$1" -s "$2" -p "$3" -w "$tmp/raw.wav" "$5"
  sox -D -R "$tmp/raw.wav" -r $RATE -c 1 -b 16 "$6" \
    silence 1 0.02 -45d reverse silence 1 0.02 -45d reverse vol "$4"
  SAY_MS=$(( $(soxi -s "$6") / 8 ))
}
beep() { sox -D -R -n -r $RATE -c 1 -b 16 "$4" synth "$(ms_to_s "$2")" sine "$1" vol "$3" fade t 0.01 "$(ms_to_s "$2")" 0.01; }

# finish label id parts... : concatenates the parts, pads/trims to 6 s, adds noise, band-limits to the
# telephone band, passes through G.711 and stores the clip; appends the manifest row.
finish() {
  local label=$1 id=$2; shift 2
  sox -V1 -D -R "$@" "$tmp/clean.wav" pad 0 $CLIP_SECONDS trim 0 $CLIP_SECONDS
  pick none white pink brown pink; local noise=$P nvol=0
  if [[ $noise != none ]]; then
    between "${NOISE_MIN:-3}" "${NOISE_MAX:-30}"; nvol=$(ms_to_s "$R")
    sox -D -R -n -r $RATE -c 1 -b 16 "$tmp/noise.wav" synth $CLIP_SECONDS "${noise}noise" vol "$nvol"
    sox -D -R -m -v 1 "$tmp/clean.wav" -v 1 "$tmp/noise.wav" "$tmp/mixed.wav" sinc 250-3400 2>/dev/null
  else
    sox -D -R "$tmp/clean.wav" "$tmp/mixed.wav" sinc 250-3400
  fi
  rnd 20
  local enc file="$label/$id.wav"
  if ((R < 9)); then enc=alaw; sox -D -R "$tmp/mixed.wav" -e a-law -b 8 "$out/$file"
  elif ((R < 17)); then enc=ulaw; sox -D -R "$tmp/mixed.wav" -e u-law -b 8 "$out/$file"
  else
    enc=pcm16-via-alaw
    sox -D -R "$tmp/mixed.wav" -t raw -e a-law -b 8 "$tmp/g711.raw"
    sox -D -R -t raw -r $RATE -c 1 -e a-law -b 8 "$tmp/g711.raw" -e signed -b 16 "$out/$file"
  fi
  local h split; h=$(printf '%s' "$id" | md5sum); split=tune
  (( 16#${h:0:4} % 2 == 1 )) && split=heldout
  printf '%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,"%s"\n' "$id" "$file" "$label" "$split" "$LANG_CODE" "$KIND" \
    "$enc" "$VOICE" "$LEAD" "${FIRST_END:-}" "$SPEECH_END" "${BEEP_HZ:-}" "${BEEP_AT:-}" "$LEVEL" "$noise:$nvol" "$TEXT" >>"$manifest"
}

# --- phrases per language -----------------------------------------------------------------------------
declare -A VOICES SHORT AGAIN LONG MLONG MMED CARRIER MSHORT
VOICES[en]="en-us en en-us"
SHORT[en]="Hello?|Yes?|Hello, who's calling?|Yeah, hello.|Speaking.|Hi, who is this?"
AGAIN[en]="Hello? Is anyone there?|Hello? Can you hear me?"
LONG[en]="Hello, this is Peter Smith speaking, how can I help you today?|Yes, good morning, Smith and Partners, Mary speaking."
MLONG[en]="Hi, you have reached Peter Smith. I can't take your call right now. Please leave your name and number after the tone and I will call you back as soon as I can.|Hello, this is Mary. Sorry I missed your call. Leave me a message and I'll get back to you."
MMED[en]="You have reached Peter. Please leave a message after the tone.|Hi, this is Mary, please leave a message."
CARRIER[en]="The person you are calling is not available. Please leave a message after the tone.|The mobile number you have called is switched off. Please leave a message after the tone."
MSHORT[en]="Peter here, leave a message.|Mary, leave a message."

VOICES[de]="de"
SHORT[de]="Hallo?|Ja, bitte?|Wer ist da?|Ja, hallo.|Schneider.|Ja, Müller hier."
AGAIN[de]="Hallo? Ist da jemand?|Hallo? Hören Sie mich?"
LONG[de]="Guten Tag, hier spricht Anna Schneider, was kann ich für Sie tun?|Ja, guten Morgen, Firma Müller und Söhne, Sie sprechen mit Peter."
MLONG[de]="Hallo, hier ist der Anschluss von Anna Schneider. Ich bin leider gerade nicht erreichbar. Bitte hinterlassen Sie Ihren Namen und Ihre Nummer nach dem Signalton, ich rufe zurück.|Guten Tag, Sie sind verbunden mit der Mailbox von Peter Müller. Bitte sprechen Sie nach dem Ton."
MMED[de]="Hier ist Anna. Bitte hinterlassen Sie eine Nachricht.|Mailbox von Peter Müller, bitte sprechen Sie jetzt."
CARRIER[de]="Der gewünschte Gesprächspartner ist zurzeit nicht erreichbar. Bitte hinterlassen Sie eine Nachricht nach dem Signalton.|Die Person, die Sie anrufen, ist im Moment nicht erreichbar. Sie können eine Nachricht hinterlassen."
MSHORT[de]="Anna hier, bitte Nachricht.|Müller, Nachricht bitte."

VOICES[hu]="hu"
SHORT[hu]="Halló?|Igen?|Tessék?|Ki beszél?|Igen, halló.|Kovács, tessék."
AGAIN[hu]="Halló? Van ott valaki?|Halló? Hall engem?"
LONG[hu]="Jó napot kívánok, Kovács Péter vagyok, miben segíthetek önnek?|Igen, jó reggelt, Nagy és Társa, Szabó Anna beszél."
MLONG[hu]="Szia, Kovács Péter vagyok. Most nem tudom felvenni a telefont. Kérlek, hagyj üzenetet a sípszó után, és visszahívlak, amint tudlak.|Jó napot, Szabó Anna hangpostáját hívta. Kérem, hagyjon üzenetet a hangjelzés után."
MMED[hu]="Péter vagyok, hagyj üzenetet a sípszó után.|Szabó Anna, kérem hagyjon üzenetet."
CARRIER[hu]="A hívott szám jelenleg nem elérhető. Kérjük, hagyjon üzenetet a sípszó után.|Az ön által hívott előfizető jelenleg nem kapcsolható. Üzenetet hagyhat a hangjelzés után."
MSHORT[hu]="Péter, hagyj üzenetet.|Anna vagyok, üzenetet kérek."

VOICES[lv]="lv"
SHORT[lv]="Hallo?|Jā?|Klausos.|Kas zvana?|Jā, lūdzu.|Bērziņš klausās."
AGAIN[lv]="Hallo? Vai kāds ir?|Hallo? Vai jūs mani dzirdat?"
LONG[lv]="Labdien, šeit runā Jānis Bērziņš, kā es varu jums palīdzēt?|Jā, labrīt, uzņēmums Bērziņš un partneri, jūs runājat ar Annu."
MLONG[lv]="Sveiki, jūs esat sazvanījis Jāni Bērziņu. Pašlaik nevaru atbildēt uz zvanu. Lūdzu, atstājiet savu vārdu un numuru pēc signāla, un es jums atzvanīšu.|Labdien, šī ir Annas balss pasta kaste. Lūdzu, atstājiet ziņu pēc signāla."
MMED[lv]="Šeit Jānis, atstājiet ziņu pēc signāla.|Anna, lūdzu atstājiet ziņu."
CARRIER[lv]="Abonents pašlaik nav sasniedzams. Lūdzu, atstājiet ziņu pēc signāla.|Jūsu izsauktais numurs ir izslēgts. Jūs varat atstāt ziņu balss pastā."
MSHORT[lv]="Jānis, atstājiet ziņu.|Anna, ziņu lūdzu."

VOICES[sl]="sl"
SHORT[sl]="Halo?|Prosim?|Ja?|Kdo kliče?|Ja, prosim.|Novak, prosim."
AGAIN[sl]="Halo? Je kdo tam?|Halo? Me slišite?"
LONG[sl]="Dober dan, tukaj Marko Novak, kako vam lahko pomagam danes?|Ja, dobro jutro, podjetje Novak in partnerji, pri telefonu Ana."
MLONG[sl]="Pozdravljeni, dobili ste Marka Novaka. Trenutno nisem dosegljiv. Prosim, pustite svoje ime in številko po zvočnem signalu in poklical vas bom nazaj.|Dober dan, to je glasovna pošta Ane Kovač. Prosim, pustite sporočilo po pisku."
MMED[sl]="Marko tukaj, pustite sporočilo po pisku.|Ana, prosim pustite sporočilo."
CARRIER[sl]="Klicani naročnik trenutno ni dosegljiv. Prosimo, pustite sporočilo po pisku.|Številka, ki ste jo klicali, je izklopljena. Sporočilo lahko pustite v glasovni pošti."
MSHORT[sl]="Marko, pustite sporočilo.|Ana, sporočilo prosim."

VOICES[sq]="sq"
SHORT[sq]="Alo?|Po?|Kush është?|Po, urdhëro.|Alo, po.|Hoxha, urdhëroni."
AGAIN[sq]="Alo? A është dikush?|Alo? Më dëgjoni?"
LONG[sq]="Mirëdita, jam Arben Hoxha, si mund t'ju ndihmoj sot?|Po, mirëmëngjes, kompania Hoxha dhe partnerët, flet Ana."
MLONG[sq]="Përshëndetje, keni telefonuar Arben Hoxhën. Tani nuk mund të përgjigjem. Ju lutem lini emrin dhe numrin tuaj pas sinjalit dhe do t'ju telefonoj.|Mirëdita, kjo është kutia postare zanore e Anës. Ju lutem lini një mesazh pas sinjalit."
MMED[sq]="Arbeni këtu, lini një mesazh pas sinjalit.|Ana, ju lutem lini mesazh."
CARRIER[sq]="Numri që kërkuat nuk është i disponueshëm. Ju lutem lini një mesazh pas sinjalit.|Abonenti që thirrët është i fikur. Mund të lini një mesazh zanor."
MSHORT[sq]="Arbeni, lini mesazh.|Ana, mesazh ju lutem."

VARIANTS=(m1 m2 m3 m4 m5 m6 m7 f1 f2 f3 f4 f5 klatt klatt2 klatt3)
phrase() { local IFS='|'; local -a a; read -r -a a <<<"$1"; pick "${a[@]}"; }
voice() { local -a v; read -r -a v <<<"${VOICES[$LANG_CODE]}"; pick "${v[@]}"; local base=$P; pick "${VARIANTS[@]}"; VOICE="$base+$P"; }

# --- humans: 16 per language ------------------------------------------------------------------------
human() { # kind index
  KIND=$1; local id="h-$LANG_CODE-$1-$2"; seed_from "$id"
  voice; between 140 200; local speed=$R; between 25 75; local pitch=$R
  NOISE_MIN=3 NOISE_MAX=30; between 15 90; LEVEL=$(ms_to_s $((R * 10)))
  case $KIND in
    late) between 1800 2300 ;;
    *) between 250 1600 ;;
  esac
  LEAD=$R; silence "$LEAD" "$tmp/lead.wav"
  case $KIND in
    long) phrase "${LONG[$LANG_CODE]}" ;;
    *) phrase "${SHORT[$LANG_CODE]}" ;;
  esac
  TEXT=$P
  if [[ $KIND == quiet ]]; then between 12 20; LEVEL=$(ms_to_s $((R * 10))); NOISE_MIN=25 NOISE_MAX=45; fi
  say "$VOICE" "$speed" "$pitch" "$LEVEL" "$TEXT" "$tmp/s1.wav"
  FIRST_END=$((LEAD + SAY_MS)); SPEECH_END=$FIRST_END; BEEP_HZ=""; BEEP_AT=""
  local parts=("$tmp/lead.wav" "$tmp/s1.wav")
  if [[ $KIND == again ]]; then
    between 1000 2500; silence "$R" "$tmp/gap.wav"; local gap=$R
    phrase "${AGAIN[$LANG_CODE]}"; TEXT="$TEXT / $P"
    say "$VOICE" "$speed" "$pitch" "$LEVEL" "$P" "$tmp/s2.wav"
    SPEECH_END=$((FIRST_END + gap + SAY_MS)); parts+=("$tmp/gap.wav" "$tmp/s2.wav")
  fi
  finish human "$id" "${parts[@]}"
}

# --- machines: 14 per language ----------------------------------------------------------------------
machine() { # kind index
  KIND=$1; local id="m-$LANG_CODE-$1-$2"; seed_from "$id"
  voice; between 150 190; local speed=$R; between 30 70; local pitch=$R
  NOISE_MIN=2 NOISE_MAX=25; between 20 90; LEVEL=$(ms_to_s $((R * 10)))
  case $KIND in
    late) between 1500 2400 ;;
    *) between 200 1200 ;;
  esac
  LEAD=$R; silence "$LEAD" "$tmp/lead.wav"
  local withBeep=0
  case $KIND in
    greeting|late) phrase "${MLONG[$LANG_CODE]}" ;;
    medium) phrase "${MMED[$LANG_CODE]}"; withBeep=1; between 170 200; speed=$R ;;
    carrier) phrase "${CARRIER[$LANG_CODE]}"; rnd 2; withBeep=$R; between 150 175; speed=$R ;;
    shortbeep) phrase "${MSHORT[$LANG_CODE]}"; withBeep=1 ;;
    short) phrase "${MSHORT[$LANG_CODE]}" ;;
  esac
  TEXT=$P; FIRST_END=""
  say "$VOICE" "$speed" "$pitch" "$LEVEL" "$TEXT" "$tmp/s1.wav"
  SPEECH_END=$((LEAD + SAY_MS)); BEEP_HZ=""; BEEP_AT=""
  local parts=("$tmp/lead.wav" "$tmp/s1.wav")
  if ((withBeep)); then
    between 150 800; local gap=$R; silence "$gap" "$tmp/gap.wav"
    pick 600 800 850 1000 1000 1200 1400 1800; BEEP_HZ=$P
    between 250 800; local dur=$R; between 20 50
    beep "$BEEP_HZ" "$dur" "$(ms_to_s $((R * 10)))" "$tmp/beep.wav"
    BEEP_AT=$((SPEECH_END + gap))
    if ((BEEP_AT >= CLIP_SECONDS * 1000)); then BEEP_HZ=""; BEEP_AT=""; fi
    parts+=("$tmp/gap.wav" "$tmp/beep.wav")
  fi
  finish machine "$id" "${parts[@]}"
}

count=0
for LANG_CODE in en de hu lv sl sq; do
  for i in 1 2 3 4 5 6; do human silent "$i"; human again "$i"; done
  human long 1; human long 2; human late 1; human quiet 1
  for i in 1 2 3 4; do machine greeting "$i"; done
  for i in 1 2 3; do machine medium "$i"; machine carrier "$i"; done
  machine shortbeep 1; machine shortbeep 2; machine short 1; machine late 1
  count=$((count + 30))
  echo "build.sh: $LANG_CODE done ($count clips)" >&2
done
echo "build.sh: wrote $count clips and $manifest" >&2
