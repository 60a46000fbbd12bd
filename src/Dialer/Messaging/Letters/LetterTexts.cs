namespace Collections.Dialer.Messaging.Letters;

/// <summary>The fixed wording of letters in one language. Placeholders: {0}, {1}, ... as each property's comment says.
/// What every letter carries, as the debtor's law asks (RDG § 13a in Germany, PĀAL 7 in Latvia, the MNB recommendation
/// in Hungary, consumer-protection law in Slovenia and Albania): who the creditor is, the claim and how it arose, the
/// amount split into principal, interest and costs, how to pay, and how to dispute it.</summary>
internal sealed class LetterTexts
{
    public required string Culture { get; init; }

    public required string ReminderTitle { get; init; }

    public required string SecondReminderTitle { get; init; }

    public required string FinalDemandTitle { get; init; }

    /// <summary>Title of a final demand without the service-suspension warning (business claims, strategy template
    /// final-demand-business). Every language has one (a test renders each); null would make such a letter fail rather than carry
    /// the warning.</summary>
    public string? FinalDemandPlainTitle { get; init; }

    public required string PreInstalmentTitle { get; init; }

    public required string SettlementTitle { get; init; }

    public required string PlanTitle { get; init; }

    /// <summary>{0}: the debtor's name.</summary>
    public required string Salutation { get; init; }

    /// <summary>Intros, {0}: the creditor.</summary>
    public required string ReminderIntro { get; init; }

    public required string SecondReminderIntro { get; init; }

    public required string FinalDemandIntro { get; init; }

    public required string PreInstalmentIntro { get; init; }

    public required string SettlementIntro { get; init; }

    public required string PlanIntro { get; init; }

    public required string ClaimHeading { get; init; }

    public required string Creditor { get; init; }

    public required string Reason { get; init; }

    public required string ContractDate { get; init; }

    public required string Reference { get; init; }

    public required string InvoicesHeading { get; init; }

    public required string Invoice { get; init; }

    public required string Issued { get; init; }

    public required string Due { get; init; }

    public required string Amount { get; init; }

    public required string Principal { get; init; }

    public required string Interest { get; init; }

    public required string Costs { get; init; }

    public required string Paid { get; init; }

    public required string Total { get; init; }

    public required string InterestHeading { get; init; }

    public required string Period { get; init; }

    public required string Days { get; init; }

    public required string Rate { get; init; }

    public required string EarlierHeading { get; init; }

    public required string AgreementHeading { get; init; }

    /// <summary>{0}: settlement amount, {1}: pay by, {2}: the full balance.</summary>
    public required string SettlementTerms { get; init; }

    /// <summary>{0}: number of instalments, {1}: total.</summary>
    public required string PlanTerms { get; init; }

    public required string InstalmentNumber { get; init; }

    public required string HowToPayHeading { get; init; }

    /// <summary>{0}: amount, {1}: pay by, {2}: IBAN, {3}: reference, {4}: agency phone.</summary>
    public required string PayBy { get; init; }

    /// <summary>For agreements, {0}: IBAN, {1}: reference, {2}: agency phone.</summary>
    public required string PayAgreed { get; init; }

    public required string DisputeHeading { get; init; }

    /// <summary>{0}: agency phone, {1}: agency e-mail, {2}: the date objections are expected by (21 days on, PĀAL 7 for Latvia).</summary>
    public required string Dispute { get; init; }

    /// <summary>{0}: pay by, {1}: the creditor.</summary>
    public required string Suspension { get; init; }

    public required string Closing { get; init; }

    /// <summary>{0}: the creditor.</summary>
    public required string OnBehalf { get; init; }

    public required string Page { get; init; }

    public static LetterTexts For(string language) => language.Split('-')[0].ToLowerInvariant() switch
    {
        "de" => German,
        "hu" => Hungarian,
        "lv" => Latvian,
        "sl" => Slovenian,
        "sq" => Albanian,
        _ => English,
    };

    /// <summary>The languages with their own wording; any other falls back to English.</summary>
    public static IReadOnlyList<string> Languages { get; } = ["en", "de", "hu", "lv", "sl", "sq"];

    /// <summary>The title of a <paramref name="kind"/> letter; null when this language has none for a final demand without the warning.</summary>
    public string? Title(LetterKind kind, bool suspensionWarning) => kind == LetterKind.FinalDemand && !suspensionWarning ? FinalDemandPlainTitle : Title(kind);

    public string Title(LetterKind kind) => kind switch
    {
        LetterKind.Reminder => ReminderTitle,
        LetterKind.SecondReminder => SecondReminderTitle,
        LetterKind.PreInstalmentReminder => PreInstalmentTitle,
        LetterKind.SettlementConfirmation => SettlementTitle,
        LetterKind.InstalmentPlanConfirmation => PlanTitle,
        _ => FinalDemandTitle,
    };

    public string Intro(LetterKind kind) => kind switch
    {
        LetterKind.Reminder => ReminderIntro,
        LetterKind.SecondReminder => SecondReminderIntro,
        LetterKind.PreInstalmentReminder => PreInstalmentIntro,
        LetterKind.SettlementConfirmation => SettlementIntro,
        LetterKind.InstalmentPlanConfirmation => PlanIntro,
        _ => FinalDemandIntro,
    };

    private static readonly LetterTexts English = new()
    {
        Culture = "en-GB",
        ReminderTitle = "Payment reminder",
        SecondReminderTitle = "Second reminder",
        FinalDemandTitle = "Final demand before service suspension",
        FinalDemandPlainTitle = "Final demand",
        PreInstalmentTitle = "Your next instalment",
        SettlementTitle = "Confirmation of our settlement",
        PlanTitle = "Confirmation of your instalment plan",
        Salutation = "Dear {0},",
        ReminderIntro = "we act for {0}, who has instructed us to collect the claim below. Our records show it is still unpaid. Perhaps it was simply overlooked; the claim is made up as follows.",
        SecondReminderIntro = "our payment reminder has not been answered and the claim below is still unpaid. We ask you once more to settle it, or to contact us so that we can find a way together.",
        FinalDemandIntro = "despite our earlier letters the claim below is still unpaid. This is our final demand before further steps; we would still much rather agree a solution with you.",
        PreInstalmentIntro = "thank you for keeping to the payment plan agreed with {0}. This is a friendly reminder of your next instalment; nothing else is needed if it is already on its way.",
        SettlementIntro = "thank you for the conversation. As agreed, and with the consent of {0}, the claim below will be settled in full by the reduced payment stated here.",
        PlanIntro = "thank you for the conversation. As agreed with you on behalf of {0}, the claim below will be paid in the instalments stated here.",
        ClaimHeading = "The claim",
        Creditor = "Creditor",
        Reason = "How the claim arose",
        ContractDate = "Date of the contract",
        Reference = "Our reference",
        InvoicesHeading = "Invoices and statements",
        Invoice = "Invoice",
        Issued = "Issued",
        Due = "Due",
        Amount = "Amount",
        Principal = "Principal",
        Interest = "Interest",
        Costs = "Collection costs",
        Paid = "Paid so far",
        Total = "Amount now due",
        InterestHeading = "How the interest is calculated",
        Period = "Period",
        Days = "Days",
        Rate = "Rate",
        EarlierHeading = "Earlier notices",
        AgreementHeading = "What we agreed",
        SettlementTerms = "If {0} reaches us by {1}, the claim of {2} is settled in full and nothing more is owed. If the payment does not arrive in time, the full claim remains due.",
        PlanTerms = "{0} instalments, {1} in total:",
        InstalmentNumber = "Instalment",
        HowToPayHeading = "How to pay",
        PayBy = "Please pay {0} by {1} to {2}, quoting reference {3}. If you cannot pay in one sum, call us on {4}: we will agree instalments with you.",
        PayAgreed = "Please pay each amount to {0}, quoting reference {1}, so that it arrives by its date. If something changes, call us on {2} before the date: we will find a way together.",
        DisputeHeading = "If you disagree",
        Dispute = "If you believe the claim or its amount is not correct, please tell us by {2}, by phone on {0}, by e-mail to {1} or by letter, and say why. We will pause collection of the disputed amount, check it with the creditor and answer you in writing.",
        Suspension = "If the amount is not received by {0}, {1} will suspend the service under the contract and we will advise them on legal action. The suspension can be avoided by paying or by agreeing a payment plan with us before that date.",
        Closing = "Yours sincerely,",
        OnBehalf = "on behalf of {0}",
        Page = "Page",
    };

    private static readonly LetterTexts German = new()
    {
        Culture = "de-DE",
        ReminderTitle = "Zahlungserinnerung",
        SecondReminderTitle = "Zweite Mahnung",
        FinalDemandTitle = "Letzte Mahnung vor Leistungssperre",
        FinalDemandPlainTitle = "Letzte Mahnung",
        PreInstalmentTitle = "Ihre nächste Rate",
        SettlementTitle = "Bestätigung unseres Vergleichs",
        PlanTitle = "Bestätigung Ihrer Ratenvereinbarung",
        Salutation = "Guten Tag {0},",
        ReminderIntro = "wir sind von {0} mit dem Einzug der folgenden Forderung beauftragt. Nach unseren Unterlagen ist sie noch offen; vielleicht ist die Zahlung einfach untergegangen. Die Forderung setzt sich wie folgt zusammen (§ 13a RDG).",
        SecondReminderIntro = "auf unsere Zahlungserinnerung haben wir keine Antwort erhalten; die folgende Forderung ist weiterhin offen. Wir bitten Sie nochmals um Ausgleich oder um einen Anruf, damit wir gemeinsam eine Lösung finden.",
        FinalDemandIntro = "trotz unserer Schreiben ist die folgende Forderung weiterhin offen. Dies ist unsere letzte Mahnung vor weiteren Schritten; eine gemeinsame Lösung ist uns nach wie vor lieber.",
        PreInstalmentIntro = "vielen Dank, dass Sie die mit {0} vereinbarten Raten einhalten. Wir erinnern Sie freundlich an Ihre nächste Rate; ist sie schon unterwegs, ist nichts weiter zu tun.",
        SettlementIntro = "vielen Dank für das Gespräch. Wie vereinbart und mit Zustimmung von {0} ist die folgende Forderung mit der hier genannten reduzierten Zahlung vollständig erledigt.",
        PlanIntro = "vielen Dank für das Gespräch. Wie mit Ihnen im Auftrag von {0} vereinbart, wird die folgende Forderung in den hier genannten Raten beglichen.",
        ClaimHeading = "Die Forderung",
        Creditor = "Auftraggeber (Gläubiger)",
        Reason = "Forderungsgrund",
        ContractDate = "Datum des Vertragsschlusses",
        Reference = "Unser Zeichen",
        InvoicesHeading = "Rechnungen und Kontoauszüge",
        Invoice = "Rechnung",
        Issued = "Datum",
        Due = "Fällig",
        Amount = "Betrag",
        Principal = "Hauptforderung",
        Interest = "Zinsen",
        Costs = "Inkassokosten",
        Paid = "Bereits gezahlt",
        Total = "Jetzt fälliger Betrag",
        InterestHeading = "Zinsberechnung",
        Period = "Zeitraum",
        Days = "Tage",
        Rate = "Zinssatz",
        EarlierHeading = "Frühere Schreiben",
        AgreementHeading = "Unsere Vereinbarung",
        SettlementTerms = "Gehen {0} bis zum {1} bei uns ein, ist die Forderung von {2} vollständig erledigt, und es ist nichts weiter zu zahlen. Geht die Zahlung nicht rechtzeitig ein, bleibt die volle Forderung bestehen.",
        PlanTerms = "{0} Raten, insgesamt {1}:",
        InstalmentNumber = "Rate",
        HowToPayHeading = "So zahlen Sie",
        PayBy = "Bitte überweisen Sie {0} bis zum {1} auf das Konto {2} unter Angabe des Zeichens {3}. Können Sie nicht in einer Summe zahlen, rufen Sie uns an ({4}): Wir vereinbaren gern eine Ratenzahlung.",
        PayAgreed = "Bitte überweisen Sie jeden Betrag auf das Konto {0} unter Angabe des Zeichens {1}, sodass er zum Termin eingeht. Ändert sich etwas, rufen Sie uns bitte vorher an ({2}): Wir finden gemeinsam einen Weg.",
        DisputeHeading = "Wenn Sie nicht einverstanden sind",
        Dispute = "Halten Sie die Forderung oder ihre Höhe für unrichtig, teilen Sie uns dies bitte bis zum {2} mit, telefonisch unter {0}, per E-Mail an {1} oder per Brief, mit kurzer Begründung. Wir setzen den Einzug des bestrittenen Betrags aus, klären ihn mit dem Auftraggeber und antworten Ihnen schriftlich.",
        Suspension = "Geht der Betrag nicht bis zum {0} ein, wird {1} die vertragliche Leistung sperren, und wir werden ihm gerichtliche Schritte empfehlen. Die Sperre lässt sich durch Zahlung oder eine Ratenvereinbarung mit uns vor diesem Datum abwenden.",
        Closing = "Mit freundlichen Grüßen",
        OnBehalf = "im Auftrag von {0}",
        Page = "Seite",
    };

    private static readonly LetterTexts Hungarian = new()
    {
        Culture = "hu-HU",
        ReminderTitle = "Fizetési emlékeztető",
        SecondReminderTitle = "Második fizetési felszólítás",
        FinalDemandTitle = "Végső fizetési felszólítás a szolgáltatás felfüggesztése előtt",
        FinalDemandPlainTitle = "Végső fizetési felszólítás",
        PreInstalmentTitle = "A következő részlet",
        SettlementTitle = "Egyezségünk visszaigazolása",
        PlanTitle = "Részletfizetési megállapodásának visszaigazolása",
        Salutation = "Tisztelt {0}!",
        ReminderIntro = "A(z) {0} megbízásából eljárva az alábbi követelés behajtását végezzük. Nyilvántartásunk szerint a követelés még nincs kiegyenlítve; lehet, hogy a befizetés egyszerűen elkerülte a figyelmét. A követelés összetétele a következő.",
        SecondReminderIntro = "Fizetési emlékeztetőnkre nem kaptunk választ, az alábbi követelés továbbra is rendezetlen. Ismételten kérjük annak kiegyenlítését, vagy keressen minket, hogy közösen találjunk megoldást.",
        FinalDemandIntro = "Korábbi leveleink ellenére az alábbi követelés továbbra is rendezetlen. Ez a végső felszólításunk a további lépések előtt; továbbra is szívesebben állapodnánk meg Önnel.",
        PreInstalmentIntro = "Köszönjük, hogy tartja a(z) {0} megbízásából kötött részletfizetési megállapodást. Barátságosan emlékeztetjük a következő részletre; ha már úton van, nincs további teendője.",
        SettlementIntro = "Köszönjük a beszélgetést. A megállapodás szerint és a(z) {0} hozzájárulásával az alábbi követelés az itt megadott csökkentett összeg megfizetésével teljes egészében rendeződik.",
        PlanIntro = "Köszönjük a beszélgetést. A(z) {0} megbízásából Önnel kötött megállapodás szerint az alábbi követelést az itt megadott részletekben fizeti meg.",
        ClaimHeading = "A követelés",
        Creditor = "Jogosult (megbízó)",
        Reason = "A követelés jogcíme",
        ContractDate = "A szerződés kelte",
        Reference = "Ügyszámunk",
        InvoicesHeading = "Számlák és egyenlegközlők",
        Invoice = "Számla",
        Issued = "Kelt",
        Due = "Esedékes",
        Amount = "Összeg",
        Principal = "Tőke",
        Interest = "Kamat",
        Costs = "Behajtási költség",
        Paid = "Eddig befizetve",
        Total = "Most fizetendő",
        InterestHeading = "A kamat számítása",
        Period = "Időszak",
        Days = "Nap",
        Rate = "Kamatláb",
        EarlierHeading = "Korábbi értesítések",
        AgreementHeading = "Megállapodásunk",
        SettlementTerms = "Ha {1} napjáig {0} beérkezik hozzánk, a(z) {2} összegű követelés teljes egészében rendeződik, és több fizetnivalója nincs. Ha a befizetés nem érkezik meg időben, a teljes követelés fennmarad.",
        PlanTerms = "{0} részlet, összesen {1}:",
        InstalmentNumber = "Részlet",
        HowToPayHeading = "A fizetés módja",
        PayBy = "Kérjük, {1} napjáig fizesse meg a(z) {0} összeget a(z) {2} számlára, a(z) {3} ügyszám feltüntetésével. Ha egy összegben nem tud fizetni, hívjon minket ({4}): részletfizetésben is megállapodhatunk.",
        PayAgreed = "Kérjük, minden részletet a(z) {0} számlára utaljon, a(z) {1} ügyszám feltüntetésével, úgy, hogy határidőre beérkezzen. Ha valami változik, a határidő előtt hívjon minket ({2}): közösen megoldást találunk.",
        DisputeHeading = "Ha nem ért egyet",
        Dispute = "Ha a követelést vagy annak összegét nem tartja helytállónak, kérjük, {2} napjáig jelezze nekünk telefonon ({0}), e-mailben ({1}) vagy levélben, indoklással. A vitatott összeg behajtását felfüggesztjük, a megbízóval tisztázzuk, és írásban válaszolunk. Panaszával a Magyar Nemzeti Bankhoz vagy a Pénzügyi Békéltető Testülethez is fordulhat.",
        Suspension = "Ha az összeg {0} napjáig nem érkezik meg, a(z) {1} a szerződés szerinti szolgáltatást felfüggeszti, és javasolni fogjuk a jogi út igénybevételét. A felfüggesztés elkerülhető, ha eddig az időpontig fizet, vagy részletfizetésben állapodik meg velünk.",
        Closing = "Tisztelettel:",
        OnBehalf = "a(z) {0} megbízásából",
        Page = "Oldal",
    };

    // PĀAL 7: the first notice states the debt and how it arose, and gives at least 21 days to object in writing to its
    // existence, amount and due date (receipt is presumed on the 7th day after posting, so 28 days from the letter's date).
    private static readonly LetterTexts Latvian = new()
    {
        Culture = "lv-LV",
        ReminderTitle = "Atgādinājums par maksājumu",
        SecondReminderTitle = "Otrais atgādinājums",
        FinalDemandTitle = "Pēdējais brīdinājums pirms pakalpojuma pārtraukšanas",
        FinalDemandPlainTitle = "Pēdējais brīdinājums",
        PreInstalmentTitle = "Jūsu nākamais maksājums",
        SettlementTitle = "Izlīguma apstiprinājums",
        PlanTitle = "Maksājumu grafika apstiprinājums",
        Salutation = "Labdien, {0}!",
        ReminderIntro = "{0} mums ir uzdevis atgūt tālāk norādīto parādu. Mūsu dati liecina, ka tas vēl nav samaksāts; iespējams, maksājums vienkārši palicis nepamanīts. Parāds veidojas šādi.",
        SecondReminderIntro = "uz mūsu atgādinājumu neesam saņēmuši atbildi, un tālāk norādītais parāds joprojām nav samaksāts. Vēlreiz lūdzam to samaksāt vai sazināties ar mums, lai kopā atrastu risinājumu.",
        FinalDemandIntro = "neraugoties uz mūsu iepriekšējām vēstulēm, tālāk norādītais parāds joprojām nav samaksāts. Šis ir mūsu pēdējais brīdinājums pirms turpmākiem soļiem; mēs joprojām labprātāk vienotos ar Jums.",
        PreInstalmentIntro = "paldies, ka ievērojat ar {0} saskaņoto maksājumu grafiku. Draudzīgi atgādinām par nākamo maksājumu; ja tas jau ir ceļā, nekas vairs nav jādara.",
        SettlementIntro = "paldies par sarunu. Kā norunāts un ar {0} piekrišanu, tālāk norādītais parāds tiks pilnībā nokārtots ar šeit norādīto samazināto maksājumu.",
        PlanIntro = "paldies par sarunu. Kā ar Jums norunāts {0} uzdevumā, tālāk norādītais parāds tiks samaksāts šeit norādītajos maksājumos.",
        ClaimHeading = "Parāds",
        Creditor = "Kreditors",
        Reason = "Parāda rašanās pamats",
        ContractDate = "Līguma datums",
        Reference = "Mūsu atsauce",
        InvoicesHeading = "Rēķini un pārskati",
        Invoice = "Rēķins",
        Issued = "Izrakstīts",
        Due = "Termiņš",
        Amount = "Summa",
        Principal = "Pamatparāds",
        Interest = "Procenti",
        Costs = "Parāda atgūšanas izdevumi",
        Paid = "Jau samaksāts",
        Total = "Pašlaik maksājamā summa",
        InterestHeading = "Procentu aprēķins",
        Period = "Periods",
        Days = "Dienas",
        Rate = "Likme",
        EarlierHeading = "Iepriekšējie paziņojumi",
        AgreementHeading = "Mūsu vienošanās",
        SettlementTerms = "Ja {0} tiks saņemti līdz {1}, parāds {2} apmērā ir pilnībā nokārtots un nekas vairs nav jāmaksā. Ja maksājums netiks saņemts laikā, paliek spēkā viss parāds.",
        PlanTerms = "{0} maksājumi, kopā {1}:",
        InstalmentNumber = "Maksājums",
        HowToPayHeading = "Kā samaksāt",
        PayBy = "Lūdzam samaksāt {0} līdz {1} uz kontu {2}, norādot atsauci {3}. Ja nevarat samaksāt visu uzreiz, zvaniet mums ({4}): vienosimies par maksājumu grafiku.",
        PayAgreed = "Lūdzam katru summu pārskaitīt uz kontu {0}, norādot atsauci {1}, lai tā tiktu saņemta līdz termiņam. Ja kaut kas mainās, pirms termiņa zvaniet mums ({2}): kopā atradīsim risinājumu.",
        DisputeHeading = "Ja nepiekrītat",
        Dispute = "Jums ir tiesības līdz {2} (21 dienas laikā no šīs vēstules saņemšanas) rakstiski izteikt pamatotus iebildumus pret parāda esību, apmēru un samaksas termiņu: pa e-pastu {1} vai pa pastu; jautājumus varat uzdot arī pa tālruni {0}. Mēs pārbaudīsim iebildumus kopā ar kreditoru un atbildēsim rakstiski (Parādu ārpustiesas atgūšanas likuma 7. pants).",
        Suspension = "Ja summa netiks saņemta līdz {0}, {1} pārtrauks līgumā paredzētā pakalpojuma sniegšanu, un mēs ieteiksim vērsties tiesā. Pārtraukšanu var novērst, samaksājot vai vienojoties ar mums par maksājumu grafiku līdz šim datumam.",
        Closing = "Ar cieņu",
        OnBehalf = "{0} uzdevumā",
        Page = "Lapa",
    };

    private static readonly LetterTexts Slovenian = new()
    {
        Culture = "sl-SI",
        ReminderTitle = "Opomin za plačilo",
        SecondReminderTitle = "Drugi opomin",
        FinalDemandTitle = "Zadnji opomin pred prekinitvijo storitve",
        FinalDemandPlainTitle = "Zadnji opomin",
        PreInstalmentTitle = "Vaš naslednji obrok",
        SettlementTitle = "Potrditev poravnave",
        PlanTitle = "Potrditev obročnega plačila",
        Salutation = "Spoštovani {0},",
        ReminderIntro = "podjetje {0} nam je naročilo izterjavo spodnje terjatve. Po naših podatkih še ni plačana; morda ste plačilo preprosto spregledali. Terjatev sestavljajo naslednji zneski.",
        SecondReminderIntro = "na naš opomin nismo prejeli odgovora in spodnja terjatev še vedno ni plačana. Ponovno vas prosimo, da jo poravnate ali se obrnete na nas, da skupaj najdemo rešitev.",
        FinalDemandIntro = "kljub našim dopisom spodnja terjatev še vedno ni plačana. To je naš zadnji opomin pred nadaljnjimi koraki; še vedno bi se raje dogovorili z vami.",
        PreInstalmentIntro = "hvala, ker se držite obročnega načrta, dogovorjenega s podjetjem {0}. Prijazno vas opominjamo na naslednji obrok; če je plačilo že na poti, vam ni treba storiti ničesar.",
        SettlementIntro = "hvala za pogovor. Kot smo se dogovorili in s soglasjem podjetja {0}, bo spodnja terjatev v celoti poravnana z znižanim plačilom, navedenim v tem dopisu.",
        PlanIntro = "hvala za pogovor. Kot smo se z vami dogovorili v imenu podjetja {0}, bo spodnja terjatev plačana v obrokih, navedenih v tem dopisu.",
        ClaimHeading = "Terjatev",
        Creditor = "Upnik",
        Reason = "Pravni temelj terjatve",
        ContractDate = "Datum pogodbe",
        Reference = "Naš sklic",
        InvoicesHeading = "Računi in izpiski",
        Invoice = "Račun",
        Issued = "Izdan",
        Due = "Zapadlost",
        Amount = "Znesek",
        Principal = "Glavnica",
        Interest = "Zamudne obresti",
        Costs = "Stroški izterjave",
        Paid = "Že plačano",
        Total = "Znesek za plačilo",
        InterestHeading = "Izračun obresti",
        Period = "Obdobje",
        Days = "Dni",
        Rate = "Obrestna mera",
        EarlierHeading = "Prejšnja obvestila",
        AgreementHeading = "Naš dogovor",
        SettlementTerms = "Če {0} prejmemo do {1}, je terjatev v znesku {2} v celoti poravnana in ne dolgujete ničesar več. Če plačilo ne prispe pravočasno, ostane v veljavi celotna terjatev.",
        PlanTerms = "{0} obrokov, skupaj {1}:",
        InstalmentNumber = "Obrok",
        HowToPayHeading = "Kako plačati",
        PayBy = "Prosimo, plačajte {0} do {1} na račun {2} s sklicem {3}. Če ne morete plačati v enem znesku, nas pokličite ({4}): dogovorili se bomo za obroke.",
        PayAgreed = "Prosimo, vsak znesek nakažite na račun {0} s sklicem {1}, tako da prispe do roka. Če se kaj spremeni, nas pred rokom pokličite ({2}): skupaj bomo našli rešitev.",
        DisputeHeading = "Če se ne strinjate",
        Dispute = "Če menite, da terjatev ali njen znesek ni pravilen, nam to sporočite do {2} po telefonu {0}, po e-pošti {1} ali pisno, z obrazložitvijo. Izterjavo spornega zneska bomo začasno ustavili, ga preverili z upnikom in vam pisno odgovorili.",
        Suspension = "Če zneska ne prejmemo do {0}, bo {1} prekinil storitev po pogodbi, mi pa mu bomo svetovali sodno izterjavo. Prekinitvi se lahko izognete s plačilom ali z dogovorom o obročnem plačilu pred tem datumom.",
        Closing = "Lep pozdrav,",
        OnBehalf = "v imenu podjetja {0}",
        Page = "Stran",
    };

    private static readonly LetterTexts Albanian = new()
    {
        Culture = "sq-AL",
        ReminderTitle = "Kujtesë për pagesë",
        SecondReminderTitle = "Kujtesa e dytë",
        FinalDemandTitle = "Kërkesa e fundit para pezullimit të shërbimit",
        FinalDemandPlainTitle = "Kërkesa e fundit për pagesë",
        PreInstalmentTitle = "Kësti juaj i radhës",
        SettlementTitle = "Konfirmim i marrëveshjes së shlyerjes",
        PlanTitle = "Konfirmim i planit tuaj me këste",
        Salutation = "I/E nderuar {0},",
        ReminderIntro = "{0} na ka ngarkuar me arkëtimin e detyrimit të mëposhtëm. Sipas të dhënave tona, ai ende nuk është paguar; ndoshta pagesa thjesht ju ka shpëtuar. Detyrimi përbëhet si më poshtë.",
        SecondReminderIntro = "nuk kemi marrë përgjigje për kujtesën tonë dhe detyrimi i mëposhtëm mbetet i papaguar. Ju lutemi edhe një herë ta shlyeni ose të na kontaktoni, që të gjejmë një zgjidhje së bashku.",
        FinalDemandIntro = "pavarësisht letrave tona të mëparshme, detyrimi i mëposhtëm mbetet i papaguar. Kjo është kërkesa jonë e fundit para hapave të mëtejshëm; ne ende preferojmë të merremi vesh me ju.",
        PreInstalmentIntro = "ju faleminderit që respektoni planin e pagesave të rënë dakord me {0}. Ju kujtojmë me mirësjellje këstin e radhës; nëse pagesa është tashmë në rrugë, nuk keni nevojë të bëni asgjë.",
        SettlementIntro = "ju faleminderit për bisedën. Siç ramë dakord, dhe me pëlqimin e {0}, detyrimi i mëposhtëm shlyhet plotësisht me pagesën e reduktuar të shënuar këtu.",
        PlanIntro = "ju faleminderit për bisedën. Siç ramë dakord me ju në emër të {0}, detyrimi i mëposhtëm do të paguhet me këstet e shënuara këtu.",
        ClaimHeading = "Detyrimi",
        Creditor = "Kreditori",
        Reason = "Si lindi detyrimi",
        ContractDate = "Data e kontratës",
        Reference = "Referenca jonë",
        InvoicesHeading = "Faturat dhe pasqyrat",
        Invoice = "Fatura",
        Issued = "Lëshuar",
        Due = "Afati",
        Amount = "Shuma",
        Principal = "Kryegjëja",
        Interest = "Interesi",
        Costs = "Shpenzimet e arkëtimit",
        Paid = "Paguar deri tani",
        Total = "Shuma që duhet paguar tani",
        InterestHeading = "Si llogaritet interesi",
        Period = "Periudha",
        Days = "Ditë",
        Rate = "Norma",
        EarlierHeading = "Njoftimet e mëparshme",
        AgreementHeading = "Çfarë ramë dakord",
        SettlementTerms = "Nëse {0} na mbërrijnë deri më {1}, detyrimi prej {2} shlyhet plotësisht dhe nuk keni më asgjë për të paguar. Nëse pagesa nuk mbërrin në kohë, mbetet në fuqi i gjithë detyrimi.",
        PlanTerms = "{0} këste, gjithsej {1}:",
        InstalmentNumber = "Kësti",
        HowToPayHeading = "Si të paguani",
        PayBy = "Ju lutemi paguani {0} deri më {1} në llogarinë {2}, duke shënuar referencën {3}. Nëse nuk mund të paguani të gjithën njëherësh, na telefononi në {4}: do të bëjmë marrëveshje për këste.",
        PayAgreed = "Ju lutemi transferoni çdo shumë në llogarinë {0}, duke shënuar referencën {1}, që të mbërrijë deri në afatin e saj. Nëse ndryshon diçka, na telefononi para afatit në {2}: do të gjejmë një zgjidhje së bashku.",
        DisputeHeading = "Nëse nuk jeni dakord",
        Dispute = "Nëse mendoni se detyrimi ose shuma e tij nuk është e saktë, ju lutemi na njoftoni deri më {2}, me telefon në {0}, me email në {1} ose me letër, duke shpjeguar arsyen. Do ta pezullojmë arkëtimin e shumës së kundërshtuar, do ta verifikojmë me kreditorin dhe do t'ju përgjigjemi me shkrim.",
        Suspension = "Nëse shuma nuk mbërrin deri më {0}, {1} do ta pezullojë shërbimin sipas kontratës dhe ne do t'i rekomandojmë veprime ligjore. Pezullimi mund të shmanget duke paguar ose duke rënë dakord me ne për një plan pagesash para kësaj date.",
        Closing = "Me respekt,",
        OnBehalf = "në emër të {0}",
        Page = "Faqe",
    };
}
