#!/usr/bin/env bash
# Regenerates the inbound IVR's prompts (8 kHz mono 16-bit PCM) with espeak-ng and sox (Debian packages), one set per
# language the console speaks. The prompts name no debtor and no debt: the person calling from a debtor's number may not be
# the debtor (FDCPA 15 U.S.C. 1692c(b), Reg F 12 CFR 1006.6(d); GDPR Art. 5(1)(f)).
set -euo pipefail
cd "$(dirname "$0")"
t=$(mktemp -d); trap 'rm -rf "$t"' EXIT
say() { espeak-ng -v "$2" -s 150 -w "$t/x.wav" "$3"; sox "$t/x.wav" -r 8000 -c 1 -b 16 -e signed-integer "$1" norm -3; }
beep() { sox -n -r 8000 -c 1 -b 16 -e signed-integer "$t/beep.wav" synth 0.5 sine 1000 vol 0.5; sox "$1" "$t/beep.wav" "$t/y.wav"; mv "$t/y.wav" "$1"; }

say welcome-en.wav en-gb "Thank you for calling. To speak to an adviser, press 1."
say welcome-de.wav de "Vielen Dank für Ihren Anruf. Um mit einem Berater zu sprechen, drücken Sie die 1."
say welcome-hu.wav hu "Köszönjük hívását. Ha ügyintézőnkkel szeretne beszélni, nyomja meg az egyes gombot."
say welcome-lv.wav lv "Paldies par zvanu. Lai runātu ar konsultantu, nospiediet vieninieku."
say welcome-sl.wav sl "Hvala za vaš klic. Za pogovor s svetovalcem pritisnite ena."
say welcome-sq.wav sq "Faleminderit që na telefonuat. Për të folur me një këshilltar, shtypni një."

say hold-en.wav en-gb "All our advisers are busy. Please hold, you will be connected shortly."
say hold-de.wav de "Alle unsere Berater sind im Gespräch. Bitte bleiben Sie in der Leitung, Sie werden gleich verbunden."
say hold-hu.wav hu "Minden ügyintézőnk foglalt. Kérjük, tartsa a vonalat, hamarosan kapcsoljuk."
say hold-lv.wav lv "Visi mūsu konsultanti ir aizņemti. Lūdzu, uzgaidiet, jūs drīz savienos."
say hold-sl.wav sl "Vsi naši svetovalci so zasedeni. Prosimo, počakajte, kmalu vas bomo povezali."
say hold-sq.wav sq "Të gjithë këshilltarët tanë janë të zënë. Ju lutemi prisni, do t'ju lidhim së shpejti."

say closed-en.wav en-gb "Our lines are closed at the moment."
say closed-de.wav de "Wir sind zurzeit nicht erreichbar."
say closed-hu.wav hu "Jelenleg zárva vagyunk."
say closed-lv.wav lv "Pašlaik mēs nestrādājam."
say closed-sl.wav sl "Trenutno smo zaprti."
say closed-sq.wav sq "Tani jemi të mbyllur."

say voicemail-en.wav en-gb "Please leave your name and a short message after the tone, and we will call you back."
say voicemail-de.wav de "Bitte hinterlassen Sie nach dem Signalton Ihren Namen und eine kurze Nachricht, wir rufen Sie zurück."
say voicemail-hu.wav hu "Kérjük, a sípszó után hagyja meg nevét és rövid üzenetét, és visszahívjuk."
say voicemail-lv.wav lv "Lūdzu, pēc signāla atstājiet savu vārdu un īsu ziņu, un mēs jums atzvanīsim."
say voicemail-sl.wav sl "Po zvočnem signalu pustite svoje ime in kratko sporočilo, poklicali vas bomo nazaj."
say voicemail-sq.wav sq "Ju lutemi lini emrin dhe një mesazh të shkurtër pas sinjalit, dhe do t'ju telefonojmë."
for f in voicemail-*.wav; do beep "$f"; done

# Music on hold: a slow arpeggio of sine tones, 8 s, looped by the queue.
notes=""
for f in 262 330 392 523 392 330 294 349 440 587 440 349; do
  sox -n -r 8000 -c 1 -b 16 -e signed-integer "$t/n$f-${#notes}.wav" synth 0.66 sine "$f" fade 0.05 0.66 0.2 vol 0.3
  notes="$notes $t/n$f-${#notes}.wav"
done
# shellcheck disable=SC2086
sox $notes music.wav
