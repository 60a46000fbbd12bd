using Collections.Dialer.Messaging;
using Collections.Dialer.Messaging.Letters;
using NodaTime;

namespace Collections.Dialer.Tests.Messaging;

/// <summary>One claim as a letter in a language: two invoices, statutory interest in two periods, costs, an earlier notice.</summary>
internal static class LetterSamples
{
    public static LetterModel Claim(LetterKind kind, string language)
    {
        var (debtor, address, creditor, creditorAddress, reason, currency) = language switch
        {
            "de" => ("Max Mustermann", new[] { "Musterstraße 12", "10115 Berlin" }, "Telco Deutschland GmbH", "Hauptstraße 1, 80331 München", "Mobilfunkvertrag Nr. 55-1234 (Grundgebühren und Verbindungen)", "EUR"),
            "hu" => ("Szabó Zoltán", new[] { "Petőfi utca 7.", "1052 Budapest" }, "Magyar Energia Zrt.", "Váci út 10., 1132 Budapest", "Villamosenergia-szolgáltatási szerződés (2. negyedév)", "HUF"),
            _ => ("Jane Doe", new[] { "2 Deansgate", "Manchester M3 2BW" }, "Acme Telecom Ltd", "1 King Street, London EC2V 8AU", "Mobile phone contract no. 55-1234 (line rental and calls)", "GBP"),
        };
        var scale = currency == "HUF" ? 400m : 1m;
        var notices = new List<EarlierNotice> { new(new LocalDate(2026, 3, 2), Describe(language, "statement")) };
        if (kind >= LetterKind.SecondReminder)
        {
            notices.Add(new(new LocalDate(2026, 4, 1), Describe(language, "reminder")));
        }

        if (kind == LetterKind.FinalDemand)
        {
            notices.Add(new(new LocalDate(2026, 5, 4), Describe(language, "second")));
        }

        return new LetterModel(
            kind, language, new LocalDate(2026, 6, 30), new AgencyDetails(), creditor, creditorAddress, debtor, address,
            "DE-4711", reason, new LocalDate(2024, 5, 17), currency,
            [new("R-2026-0113", new LocalDate(2026, 1, 13), new LocalDate(2026, 1, 27), 79.90m * scale), new("R-2026-0213", new LocalDate(2026, 2, 13), new LocalDate(2026, 2, 27), 79.90m * scale)],
            159.80m * scale, 3.12m * scale, kind == LetterKind.Reminder ? 0m : 5.00m * scale, 0m,
            [new(new LocalDate(2026, 1, 28), new LocalDate(2026, 2, 27), 31, 6.27m, 0.43m * scale), new(new LocalDate(2026, 2, 28), new LocalDate(2026, 6, 30), 123, 6.27m, 2.69m * scale)],
            language == "hu" ? "Ptk. 6:48. §" : language == "de" ? "BGB § 288 Abs. 1, § 247" : "Late Payment of Commercial Debts (Interest) Act 1998 / contract terms",
            notices, new LocalDate(2026, 7, 14));
    }

    private static string Describe(string language, string what) => (language, what) switch
    {
        ("de", "statement") => "Kontoauszug des Gläubigers mit Rechnungen R-2026-0113 und R-2026-0213",
        ("de", "reminder") => "Unsere Zahlungserinnerung",
        ("de", _) => "Unsere zweite Mahnung",
        ("hu", "statement") => "A jogosult egyenlegközlője (R-2026-0113, R-2026-0213 számlák)",
        ("hu", "reminder") => "Fizetési emlékeztetőnk",
        ("hu", _) => "Második fizetési felszólításunk",
        (_, "statement") => "Creditor's statement with invoices R-2026-0113 and R-2026-0213",
        (_, "reminder") => "Our payment reminder",
        _ => "Our second reminder",
    };
}
