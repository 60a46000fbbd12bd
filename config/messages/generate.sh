#!/usr/bin/env bash
# Regenerates the voicemail left on answering machines (8 kHz mono 16-bit PCM) with espeak-ng and sox (Debian packages).
#
# limited-content-en-us.wav is a "limited-content message" as Regulation F defines it (12 CFR 1006.2(j)): (1) a business
# name for the debt collector that does not say it collects debts, (2) a request that the consumer reply, (3) the name of a
# natural person to reply to, (4) a telephone number to reply on; and of the optional content only (j)(2)(iv), that the
# consumer may speak to any of the company's representatives. Nothing else: no debt, no creditor, no amount, no "debt
# collector" disclosure, so a roommate or family member who plays the tape learns nothing about a debt (12 CFR 1006.6(d),
# FDCPA 15 U.S.C. 1692c(b)). Such a message is not a "communication" (12 CFR 1006.2(d) and (j)), which is why it may be
# left at all. The name, business and number below are the demo's (555-01xx numbers are reserved for fiction): record
# your own with the same four elements. Outside the US the same content keeps the debt from third parties (GDPR Art. 5(1)(f)).
set -euo pipefail
cd "$(dirname "$0")"
t=$(mktemp -d); trap 'rm -rf "$t"' EXIT
say() { espeak-ng -v "$2" -s 145 -w "$t/x.wav" "$3"; sox "$t/x.wav" -r 8000 -c 1 -b 16 -e signed-integer "$1" norm -3; }

say limited-content-en-us.wav en-us "Hello, this is Anna Schneider from Lakeside Services. Please call me back at 2 0 2, 5 5 5, 0 1 4 2. When you call, you can speak to any of our representatives. Thank you."
