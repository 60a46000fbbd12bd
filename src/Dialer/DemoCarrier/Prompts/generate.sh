#!/usr/bin/env bash
# Regenerates the demo carrier's prompts (8 kHz mono 16-bit PCM) with espeak-ng and sox (Debian packages).
set -euo pipefail
cd "$(dirname "$0")"
t=$(mktemp -d); trap 'rm -rf "$t"' EXIT
say() { espeak-ng -v en-us -s "$2" -w "$t/x.wav" "$3"; sox "$t/x.wav" -r 8000 -c 1 -b 16 -e signed-integer "$1"; }
say human-greeting.wav 160 "Hello? Yes, speaking."
say human-speech.wav 160 "I know, I know. I was going to pay it this week. Can we talk about a payment plan?"
say abandoned-info.wav 155 "Sorry, all our advisers are busy at the moment. We will call you back shortly. Goodbye."
say "$t/m.wav" 150 "Hi, you have reached the voicemail of Anna. I cannot take your call right now. Please leave your name, number and a short message after the tone, and I will call you back."
sox -n -r 8000 -c 1 -b 16 -e signed-integer "$t/beep.wav" synth 0.6 sine 1000 vol 0.5
sox "$t/m.wav" "$t/beep.wav" machine-greeting.wav
