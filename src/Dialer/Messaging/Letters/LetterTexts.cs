namespace Collections.Dialer.Messaging.Letters;

/// <summary>The fixed wording of letters in one language.</summary>
internal sealed record LetterTexts(
    string Culture,
    string ReminderTitle,
    string SecondReminderTitle,
    string FinalDemandTitle,
    string Salutation,
    string ReminderIntro,
    string SecondReminderIntro,
    string FinalDemandIntro,
    string ClaimHeading,
    string Creditor,
    string Reason,
    string ContractDate,
    string Reference,
    string InvoicesHeading,
    string Invoice,
    string Issued,
    string Due,
    string Amount,
    string Principal,
    string Interest,
    string Costs,
    string Paid,
    string Total,
    string InterestHeading,
    string Period,
    string Days,
    string Rate,
    string EarlierHeading,
    string PayBy,
    string Suspension,
    string Closing,
    string OnBehalf,
    string Page)
{
    /// <summary>The texts of <paramref name="language"/>, or null when letters are not written in it: a letter is never
    /// printed in another language than the one it was asked in.</summary>
    public static LetterTexts? For(string language) => language.Split('-')[0].ToLowerInvariant() switch
    {
        "en" => English,
        "de" => German,
        "hu" => Hungarian,
        _ => null,
    };

    /// <summary>Title of a final demand without the service-suspension warning (business claims).</summary>
    public string? FinalDemandPlainTitle { get; init; }

    /// <summary>Title, opening ({0}: creditor) and terms ({0}: amount, {1}: pay-by date, {2}: IBAN, {3}: reference, {4}: full
    /// balance) of the confirmation of an agreed settlement.</summary>
    public string? SettlementTitle { get; init; }

    public string? SettlementIntro { get; init; }

    public string? SettlementTerms { get; init; }

    /// <summary>Title, opening ({0}: creditor), schedule heading and terms ({0}: IBAN, {1}: reference, {2}: agency phone) of
    /// the confirmation of an instalment plan.</summary>
    public string? PlanTitle { get; init; }

    public string? PlanIntro { get; init; }

    public string? PlanHeading { get; init; }

    public string? PlanTerms { get; init; }

    /// <summary>The title of a <paramref name="kind"/> letter; null when this language has no text for it yet.</summary>
    public string? Title(LetterKind kind, bool suspensionWarning = true) => kind switch
    {
        LetterKind.Reminder => ReminderTitle,
        LetterKind.SecondReminder => SecondReminderTitle,
        LetterKind.FinalDemand => suspensionWarning ? FinalDemandTitle : FinalDemandPlainTitle,
        LetterKind.SettlementConfirmation => SettlementTitle,
        _ => PlanTitle,
    };

    /// <summary>The opening paragraph of a <paramref name="kind"/> letter; null when this language has no text for it yet.</summary>
    public string? Intro(LetterKind kind) => kind switch
    {
        LetterKind.Reminder => ReminderIntro,
        LetterKind.SecondReminder => SecondReminderIntro,
        LetterKind.FinalDemand => FinalDemandIntro,
        LetterKind.SettlementConfirmation => SettlementIntro,
        _ => PlanIntro,
    };

    /// <summary>True when every text a <paramref name="kind"/> letter prints exists in this language.</summary>
    public bool Covers(LetterKind kind, bool suspensionWarning = true) =>
        Title(kind, suspensionWarning) is not null && Intro(kind) is not null && kind switch
        {
            LetterKind.SettlementConfirmation => SettlementTerms is not null,
            LetterKind.InstalmentPlanConfirmation => PlanHeading is not null && PlanTerms is not null,
            _ => true,
        };

    private static readonly LetterTexts English = new(
        "en-GB",
        "Payment reminder", "Second reminder", "Final demand before service suspension",
        "Dear {0},",
        "we act for {0}, who has instructed us to collect the claim below. Our records show it is still unpaid. The claim is made up as follows.",
        "our payment reminder has not been answered and the claim below is still unpaid. We ask you once more to settle it.",
        "despite our earlier letters the claim below is still unpaid. This is our final demand before further steps.",
        "The claim", "Creditor", "Reason of the claim", "Date of the contract", "Our reference",
        "Invoices and statements", "Invoice", "Issued", "Due", "Amount",
        "Principal", "Interest", "Collection costs", "Paid so far", "Amount now due",
        "How the interest is calculated", "Period", "Days", "Rate", "Earlier notices",
        "Please pay {0} by {1} to {2}, quoting reference {3}. If you cannot pay in one sum, call us on {4}: we will agree instalments with you.",
        "If the amount is not received by {0}, {1} will suspend the service under the contract and we will advise them on legal action. The suspension can be avoided by paying or by agreeing a payment plan with us before that date.",
        "Yours sincerely,", "on behalf of {0}", "Page")
    {
        FinalDemandPlainTitle = "Final demand",
        SettlementTitle = "Confirmation of your settlement",
        SettlementIntro = "we confirm the settlement agreed with you on behalf of {0} for the claim below.",
        SettlementTerms = "When {0} is received by {1} on account {2}, quoting reference {3}, the claim is settled in full and nothing more will be asked of you for it. If the amount is not received by that date, the settlement lapses and the full balance of {4} remains due.",
        PlanTitle = "Confirmation of your payment plan",
        PlanIntro = "we confirm the payment plan agreed with you on behalf of {0} for the claim below.",
        PlanHeading = "Your instalments",
        PlanTerms = "Please pay each instalment by its date to {0}, quoting reference {1}. We will remind you a few days before each one. If you cannot pay an instalment, call us on {2} before its date.",
    };

    private static readonly LetterTexts German = new(
        "de-DE",
        "Zahlungserinnerung", "Zweite Mahnung", "Letzte Mahnung vor Leistungssperre",
        "Guten Tag {0},",
        "wir sind von {0} mit dem Einzug der folgenden Forderung beauftragt. Nach unseren Unterlagen ist sie noch offen. Die Forderung setzt sich wie folgt zusammen (§ 13a RDG).",
        "auf unsere Zahlungserinnerung haben wir keine Antwort erhalten; die folgende Forderung ist weiterhin offen. Wir bitten Sie nochmals um Ausgleich.",
        "trotz unserer Schreiben ist die folgende Forderung weiterhin offen. Dies ist unsere letzte Mahnung vor weiteren Schritten.",
        "Die Forderung", "Auftraggeber (Gläubiger)", "Forderungsgrund", "Datum des Vertragsschlusses", "Unser Zeichen",
        "Rechnungen und Kontoauszüge", "Rechnung", "Datum", "Fällig", "Betrag",
        "Hauptforderung", "Zinsen", "Inkassokosten", "Bereits gezahlt", "Jetzt fälliger Betrag",
        "Zinsberechnung", "Zeitraum", "Tage", "Zinssatz", "Frühere Schreiben",
        "Bitte überweisen Sie {0} bis zum {1} auf das Konto {2} unter Angabe des Zeichens {3}. Können Sie nicht in einer Summe zahlen, rufen Sie uns an ({4}): Wir vereinbaren gern eine Ratenzahlung.",
        "Geht der Betrag nicht bis zum {0} ein, wird {1} die vertragliche Leistung sperren, und wir werden ihm gerichtliche Schritte empfehlen. Die Sperre lässt sich durch Zahlung oder eine Ratenvereinbarung mit uns vor diesem Datum abwenden.",
        "Mit freundlichen Grüßen", "im Auftrag von {0}", "Seite");

    private static readonly LetterTexts Hungarian = new(
        "hu-HU",
        "Fizetési emlékeztető", "Második fizetési felszólítás", "Végső fizetési felszólítás a szolgáltatás felfüggesztése előtt",
        "Tisztelt {0}!",
        "A(z) {0} megbízásából eljárva az alábbi követelés behajtását végezzük. Nyilvántartásunk szerint a követelés még nincs kiegyenlítve. A követelés összetétele a következő.",
        "Fizetési emlékeztetőnkre nem kaptunk választ, az alábbi követelés továbbra is rendezetlen. Ismételten kérjük annak kiegyenlítését.",
        "Korábbi leveleink ellenére az alábbi követelés továbbra is rendezetlen. Ez a végső felszólításunk a további lépések előtt.",
        "A követelés", "Jogosult (megbízó)", "A követelés jogcíme", "A szerződés kelte", "Ügyszámunk",
        "Számlák és egyenlegközlők", "Számla", "Kelt", "Esedékes", "Összeg",
        "Tőke", "Kamat", "Behajtási költség", "Eddig befizetve", "Most fizetendő",
        "A kamat számítása", "Időszak", "Nap", "Kamatláb", "Korábbi értesítések",
        "Kérjük, {1} napjáig fizesse meg a(z) {0} összeget a(z) {2} számlára, a(z) {3} ügyszám feltüntetésével. Ha egy összegben nem tud fizetni, hívjon minket ({4}): részletfizetésben is megállapodhatunk.",
        "Ha az összeg {0} napjáig nem érkezik meg, a(z) {1} a szerződés szerinti szolgáltatást felfüggeszti, és javasolni fogjuk a jogi út igénybevételét. A felfüggesztés elkerülhető, ha eddig az időpontig fizet, vagy részletfizetésben állapodik meg velünk.",
        "Tisztelettel:", "a(z) {0} megbízásából", "Oldal");
}
