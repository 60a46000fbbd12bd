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

# Queue position and balance (issue 17): phrases, numbers and currency names (G.711 mu-law: half the size of 16-bit PCM, and
# what the line carries anyway), trimmed of espeak's silence so the IVR can join them ("your number in the queue is" + "3";
# "the balance of your account is" + "1000" + "200" + "34" + "euros" + "and" + "56" + "cents"). Numbers are spoken whole
# from 0 to 99, as hundreds (100 ... 900) and thousands (1000 ... 9000), plus the word for "thousand" for larger counts of
# thousands: every language's own forms, no grammar assembled here.
clip() { espeak-ng -v "$2" -s 160 -w "$t/x.wav" "$3"; sox "$t/x.wav" -r 8000 -c 1 -b 8 -e u-law "$1" norm -3 silence 1 0.02 0.5% reverse silence 1 0.02 0.5% reverse; }
voice() { case "$1" in en) echo en-gb;; *) echo "$1";; esac; }
declare -A position=(
  [en]="Your number in the queue is" [de]="Ihre Position in der Warteschlange ist" [hu]="Az Ön sorszáma a várakozási sorban:"
  [lv]="Jūsu numurs rindā ir" [sl]="Vaša številka v čakalni vrsti je" [sq]="Numri juaj në radhë është")
declare -A menu2=(
  [en]="For account information, press 2." [de]="Für Informationen zu Ihrem Konto drücken Sie die 2."
  [hu]="Számlainformációért nyomja meg a kettes gombot." [lv]="Lai saņemtu informāciju par kontu, nospiediet divnieku."
  [sl]="Za informacije o računu pritisnite dve." [sq]="Për informacion mbi llogarinë, shtypni dy.")
declare -A iddob=(
  [en]="To protect your privacy, please enter your date of birth as eight digits, day, month and year, then press the hash key."
  [de]="Zum Schutz Ihrer Daten geben Sie bitte Ihr Geburtsdatum als acht Ziffern ein, Tag, Monat und Jahr, und drücken Sie dann die Rautetaste."
  [hu]="Adatai védelme érdekében kérjük, adja meg születési dátumát nyolc számjeggyel, nap, hónap, év sorrendben, majd nyomja meg a kettőskereszt gombot."
  [lv]="Jūsu datu aizsardzībai, lūdzu, ievadiet savu dzimšanas datumu ar astoņiem cipariem, diena, mēnesis un gads, un pēc tam nospiediet restītes taustiņu."
  [sl]="Zaradi varstva vaših podatkov vnesite datum rojstva z osmimi števkami, dan, mesec in leto, nato pritisnite tipko lojtra."
  [sq]="Për të mbrojtur të dhënat tuaja, ju lutemi shkruani datëlindjen me tetë shifra, dita, muaji dhe viti, pastaj shtypni tastin kryqëz.")
declare -A idref=(
  [en]="To protect your privacy, please enter the digits of your account reference, then press the hash key."
  [de]="Zum Schutz Ihrer Daten geben Sie bitte die Ziffern Ihres Aktenzeichens ein und drücken Sie dann die Rautetaste."
  [hu]="Adatai védelme érdekében kérjük, adja meg ügyszámának számjegyeit, majd nyomja meg a kettőskereszt gombot."
  [lv]="Jūsu datu aizsardzībai, lūdzu, ievadiet sava konta numura ciparus un pēc tam nospiediet restītes taustiņu."
  [sl]="Zaradi varstva vaših podatkov vnesite števke sklica vašega računa, nato pritisnite tipko lojtra."
  [sq]="Për të mbrojtur të dhënat tuaja, ju lutemi shkruani shifrat e numrit të referencës së llogarisë, pastaj shtypni tastin kryqëz.")
declare -A ideither=(
  [en]="To protect your privacy, please enter your date of birth as eight digits, day, month and year, or the digits of your account reference, then press the hash key."
  [de]="Zum Schutz Ihrer Daten geben Sie bitte Ihr Geburtsdatum als acht Ziffern ein, Tag, Monat und Jahr, oder die Ziffern Ihres Aktenzeichens, und drücken Sie dann die Rautetaste."
  [hu]="Adatai védelme érdekében kérjük, adja meg születési dátumát nyolc számjeggyel, nap, hónap, év sorrendben, vagy ügyszámának számjegyeit, majd nyomja meg a kettőskereszt gombot."
  [lv]="Jūsu datu aizsardzībai, lūdzu, ievadiet savu dzimšanas datumu ar astoņiem cipariem, diena, mēnesis un gads, vai sava konta numura ciparus, un pēc tam nospiediet restītes taustiņu."
  [sl]="Zaradi varstva vaših podatkov vnesite datum rojstva z osmimi števkami, dan, mesec in leto, ali števke sklica vašega računa, nato pritisnite tipko lojtra."
  [sq]="Për të mbrojtur të dhënat tuaja, ju lutemi shkruani datëlindjen me tetë shifra, dita, muaji dhe viti, ose shifrat e numrit të referencës, pastaj shtypni tastin kryqëz.")
declare -A idretry=(
  [en]="That did not match. Please try again." [de]="Das stimmt leider nicht überein. Bitte versuchen Sie es noch einmal."
  [hu]="A megadott adat nem egyezik. Kérjük, próbálja újra." [lv]="Dati nesakrīt. Lūdzu, mēģiniet vēlreiz."
  [sl]="Podatki se ne ujemajo. Prosimo, poskusite znova." [sq]="Të dhënat nuk përputhen. Ju lutemi provoni përsëri.")
declare -A idfailed=(
  [en]="We could not confirm your identity. Please hold for an adviser."
  [de]="Wir konnten Ihre Identität nicht bestätigen. Bitte bleiben Sie in der Leitung, ein Berater ist gleich für Sie da."
  [hu]="Nem tudtuk megerősíteni személyazonosságát. Kérjük, tartsa a vonalat, ügyintézőnk hamarosan fogadja hívását."
  [lv]="Mēs nevarējām apstiprināt jūsu identitāti. Lūdzu, uzgaidiet, jūs savienos ar konsultantu."
  [sl]="Vaše identitete nismo mogli potrditi. Prosimo, počakajte na svetovalca."
  [sq]="Nuk mundëm të konfirmojmë identitetin tuaj. Ju lutemi prisni për një këshilltar.")
declare -A balance=(
  [en]="The balance of your account is" [de]="Ihr offener Betrag beträgt" [hu]="Az Ön tartozásának összege"
  [lv]="Jūsu parāda atlikums ir" [sl]="Stanje vašega dolga je" [sq]="Shuma e detyrimit tuaj është")
declare -A and=([en]="and" [de]="und" [hu]="és" [lv]="un" [sl]="in" [sq]="e")
declare -A thousand=([en]="thousand" [de]="tausend" [hu]="ezer" [lv]="tūkstoši" [sl]="tisoč" [sq]="mijë")
# Currency names as they follow an amount (code, major unit, minor unit), per language.
declare -A money=(
  [en]="EUR:euros:cents|GBP:pounds:pence|USD:dollars:cents|HUF:forints:fillér|ALL:lek:qindarka|CHF:Swiss francs:centimes"
  [de]="EUR:Euro:Cent|GBP:Pfund:Pence|USD:Dollar:Cent|HUF:Forint:Fillér|ALL:Lek:Qindarka|CHF:Franken:Rappen"
  [hu]="EUR:euró:cent|GBP:font:penny|USD:dollár:cent|HUF:forint:fillér|ALL:lek:qindarka|CHF:svájci frank:centime"
  [lv]="EUR:eiro:centi|GBP:mārciņas:pensi|USD:dolāri:centi|HUF:forinti:fileri|ALL:leki:kindarkas|CHF:Šveices franki:santīmi"
  [sl]="EUR:evrov:centov|GBP:funtov:penijev|USD:dolarjev:centov|HUF:forintov:filerjev|ALL:lekov:kindark|CHF:švicarskih frankov:centimov"
  [sq]="EUR:euro:cent|GBP:paund:peni|USD:dollarë:cent|HUF:forinta:filerë|ALL:lekë:qindarka|CHF:franga zvicerane:centime")
for l in en de hu lv sl sq; do
  v=$(voice "$l")
  clip "position-$l.wav" "$v" "${position[$l]}"
  clip "menu-balance-$l.wav" "$v" "${menu2[$l]}"
  clip "identify-dob-$l.wav" "$v" "${iddob[$l]}"
  clip "identify-reference-$l.wav" "$v" "${idref[$l]}"
  clip "identify-either-$l.wav" "$v" "${ideither[$l]}"
  clip "identify-retry-$l.wav" "$v" "${idretry[$l]}"
  clip "identify-failed-$l.wav" "$v" "${idfailed[$l]}"
  clip "balance-$l.wav" "$v" "${balance[$l]}"
  clip "and-$l.wav" "$v" "${and[$l]}"
  clip "thousand-$l.wav" "$v" "${thousand[$l]}"
  for n in $(seq 0 99) $(seq 100 100 900) $(seq 1000 1000 9000); do clip "n$n-$l.wav" "$v" "$n"; done
  while IFS=: read -r code major minor; do
    clip "currency-$code-$l.wav" "$v" "$major"; clip "minor-$code-$l.wav" "$v" "$minor"
  done < <(tr '|' '\n' <<< "${money[$l]}")
done

# Music on hold: a slow arpeggio of sine tones, 8 s, looped by the queue.
notes=""
for f in 262 330 392 523 392 330 294 349 440 587 440 349; do
  sox -n -r 8000 -c 1 -b 16 -e signed-integer "$t/n$f-${#notes}.wav" synth 0.66 sine "$f" fade 0.05 0.66 0.2 vol 0.3
  notes="$notes $t/n$f-${#notes}.wav"
done
# shellcheck disable=SC2086
sox $notes music.wav
