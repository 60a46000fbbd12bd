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
            "lv" => ("Līga Bērziņa", new[] { "Brīvības iela 12-4", "Rīga, LV-1010" }, "SIA \"Daugavas Kredīts\"", "Elizabetes iela 2, Rīga", "Patēriņa kredīta līgums Nr. 55-1234 (nokavētie maksājumi)", "EUR"),
            "sl" => ("Špela Novak", new[] { "Trubarjeva cesta 7", "1000 Ljubljana" }, "Savinja Veletrgovina d.o.o.", "Mariborska cesta 3, Celje", "Mobilna naročnina št. 55-1234 (mesečna naročnina in klici)", "EUR"),
            "sq" => ("Erion Hoxha", new[] { "Rruga Myslym Shyri, Nr. 21", "1001 Tiranë" }, "Klinika Shëndeti Plus sh.p.k.", "Rruga e Kavajës 5, Tiranë", "Trajtim dentar, kontrata nr. 55-1234", "ALL"),
            "us" => ("Jane Doe", new[] { "1 Main Street", "New York, NY 10001" }, "Prairie Home Furnishings LLC", "200 W Madison St, Chicago, IL", "Furniture bought on store credit, agreement no. 55-1234", "USD"),
            _ => ("Jane Doe", new[] { "2 Deansgate", "Manchester M3 2BW" }, "Acme Telecom Ltd", "1 King Street, London EC2V 8AU", "Mobile phone contract no. 55-1234 (line rental and calls)", "GBP"),
        };
        var scale = currency switch { "HUF" => 400m, "ALL" => 100m, _ => 1m };
        var notices = new List<EarlierNotice> { new(new LocalDate(2026, 3, 2), Describe(language, "statement")) };
        if (kind >= LetterKind.SecondReminder)
        {
            notices.Add(new(new LocalDate(2026, 4, 1), Describe(language, "reminder")));
        }

        if (kind == LetterKind.FinalDemand)
        {
            notices.Add(new(new LocalDate(2026, 5, 4), Describe(language, "second")));
        }

        var arrangement = kind switch
        {
            LetterKind.SettlementConfirmation => new LetterArrangement(140.00m * scale, new LocalDate(2026, 7, 15), []),
            LetterKind.InstalmentPlanConfirmation or LetterKind.PreInstalmentReminder => new LetterArrangement(null, null,
                [new(1, new LocalDate(2026, 7, 15), 56.00m * scale), new(2, new LocalDate(2026, 8, 15), 56.00m * scale), new(3, new LocalDate(2026, 9, 15), 55.92m * scale)]),
            _ => null,
        };
        return new LetterModel(
            kind, language == "us" ? "en" : language, new LocalDate(2026, 6, 30), new AgencyDetails(), creditor, creditorAddress, debtor, address,
            "DE-4711", reason, new LocalDate(2024, 5, 17), currency,
            [new("R-2026-0113", new LocalDate(2026, 1, 13), new LocalDate(2026, 1, 27), 79.90m * scale), new("R-2026-0213", new LocalDate(2026, 2, 13), new LocalDate(2026, 2, 27), 79.90m * scale)],
            159.80m * scale, 3.12m * scale, kind == LetterKind.Reminder ? 0m : 5.00m * scale, 0m,
            [new(new LocalDate(2026, 1, 28), new LocalDate(2026, 2, 27), 31, 6.27m, 0.43m * scale), new(new LocalDate(2026, 2, 28), new LocalDate(2026, 6, 30), 123, 6.27m, 2.69m * scale)],
            language == "hu" ? "Ptk. 6:48. §" : language == "de" ? "BGB § 288 Abs. 1, § 247" : "Late Payment of Commercial Debts (Interest) Act 1998 / contract terms",
            notices, new LocalDate(2026, 7, 14), language == "us" ? "US" : language.ToUpperInvariant() switch { "EN" => "GB", "SL" => "SI", "SQ" => "AL", var c => c }, arrangement);
    }

    private static string Describe(string language, string what) => (language, what) switch
    {
        ("de", "statement") => "Kontoauszug des Gläubigers mit Rechnungen R-2026-0113 und R-2026-0213",
        ("de", "reminder") => "Unsere Zahlungserinnerung",
        ("de", _) => "Unsere zweite Mahnung",
        ("hu", "statement") => "A jogosult egyenlegközlője (R-2026-0113, R-2026-0213 számlák)",
        ("hu", "reminder") => "Fizetési emlékeztetőnk",
        ("hu", _) => "Második fizetési felszólításunk",
        ("lv", "statement") => "Kreditora konta pārskats ar rēķiniem R-2026-0113 un R-2026-0213",
        ("lv", "reminder") => "Mūsu atgādinājums par maksājumu",
        ("lv", _) => "Mūsu otrais atgādinājums",
        ("sl", "statement") => "Upnikov izpisek z računoma R-2026-0113 in R-2026-0213",
        ("sl", "reminder") => "Naš opomin za plačilo",
        ("sl", _) => "Naš drugi opomin",
        ("sq", "statement") => "Pasqyra e kreditorit me faturat R-2026-0113 dhe R-2026-0213",
        ("sq", "reminder") => "Kujtesa jonë për pagesë",
        ("sq", _) => "Kujtesa jonë e dytë",
        (_, "statement") => "Creditor's statement with invoices R-2026-0113 and R-2026-0213",
        (_, "reminder") => "Our payment reminder",
        _ => "Our second reminder",
    };
}
