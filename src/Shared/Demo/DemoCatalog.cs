using Collections.Shared.Domain;

namespace Collections.Shared.Demo;

/// <summary>A block of phone numbers: a fixed E.164 prefix (digits after '+') followed by <see cref="Digits"/> free digits.</summary>
internal sealed record PhoneBlock(string Prefix, int Digits);

/// <summary>A city of the demo: its postal codes, streets, landline block and time zone.</summary>
internal sealed record DemoCity(string Name, string[] PostalCodes, string[] Streets, PhoneBlock[] Landlines, string TimeZone, PhoneBlock[]? Mobiles = null);

/// <summary>A country of the demo: language, names, company names, places and how it writes an address.</summary>
internal sealed record DemoCountry(
    string Code,
    string Language,
    string[] MaleFirstNames,
    string[] FemaleFirstNames,
    (string Male, string Female)[] LastNames,
    string[] Companies,
    DemoCity[] Cities,
    PhoneBlock[] Mobiles,
    Func<Random, string, string> FormatStreet,
    string[]? SoleTraderTrades = null);

/// <summary>A creditor of the demo with its policy and the shape of its claims.</summary>
internal sealed record DemoCreditorSpec(
    string Code,
    string Name,
    string Country,
    string Currency,
    Industry Industry,
    CreditorPolicy Policy,
    string ReportEmail,
    int BusinessEvery,
    decimal MinPrincipal,
    decimal MaxPrincipal,
    bool WholeUnits,
    decimal ConsumerRatePercent,
    decimal BusinessRatePercent,
    decimal ConsumerReminderFee,
    decimal BusinessFlatFee,
    string ReferencePrefix,
    string InvoicePrefix,
    string[] Origins);

/// <summary>The fixed material the demo generator draws from: real name lists, places and numbering plans.</summary>
internal static class DemoCatalog
{
    // Phone blocks: every block below was checked with libphonenumber-csharp 9.0.x (valid for its region, of the
    // expected type); DemoDataGeneratorTests checks every generated number again.
    // GB: Ofcom reserves 020 7946 0xxx, 0113 496 0xxx, 0161 496 0xxx, 0121 496 0xxx, 0131 496 0xxx and
    // 028 9018 0xxx for drama (Ofcom "Telephone numbers for drama purposes"), so no real line is dialled.
    // Ofcom's drama mobile block 07700 900xxx is NOT valid in libphonenumber, so GB debtors get landlines only.
    // US: 555-0100..555-0199 is reserved for fictional use in every area code (NANPA).
    internal static readonly DemoCountry Albania = new(
        "AL", "sq",
        ["Ardit", "Erion", "Besnik", "Dritan", "Gëzim", "Ilir", "Klodian", "Artan", "Fatmir", "Endrit", "Arbër", "Ylli"],
        ["Elira", "Blerta", "Dorina", "Mirela", "Anila", "Jonida", "Ermira", "Xhensila", "Fjolla", "Rozafa", "Lindita", "Mimoza"],
        [("Hoxha", "Hoxha"), ("Shehu", "Shehu"), ("Krasniqi", "Krasniqi"), ("Gashi", "Gashi"), ("Leka", "Leka"), ("Dervishi", "Dervishi"),
         ("Çela", "Çela"), ("Kola", "Kola"), ("Prifti", "Prifti"), ("Mema", "Mema"), ("Çuka", "Çuka"), ("Bushati", "Bushati"), ("Gjoka", "Gjoka"), ("Dëshira", "Dëshira")],
        ["Ndërtimi Dajti sh.p.k.", "Farmacia Rozafa sh.p.k.", "Auto Servis Çela sh.p.k.", "Kafe Skënderbeu sh.p.k.", "Agro Myzeqe sh.p.k.", "Transporti Adriatik sh.p.k."],
        [
            new("Tiranë", ["1001", "1010", "1019", "1023", "1044"],
                ["Rruga Myslym Shyri", "Rruga e Kavajës", "Rruga Sami Frashëri", "Rruga Pjetër Bogdani", "Rruga e Durrësit", "Rruga Ismail Qemali"],
                [new("355422", 5), new("355423", 5), new("355424", 5), new("355425", 5)], "Europe/Tirane"),
            new("Durrës", ["2001", "2003"], ["Rruga Egnatia", "Rruga Aleksandër Goga", "Rruga Tregtare"], [new("355522", 5)], "Europe/Tirane"),
            new("Shkodër", ["4001", "4006"], ["Rruga Kolë Idromeno", "Rruga Gjuhadol", "Rruga Marin Barleti"], [new("355222", 5)], "Europe/Tirane"),
            new("Vlorë", ["9401", "9402"], ["Rruga Ismail Qemali", "Lagjja Pavarësia", "Rruga Sadik Zotaj"], [new("355332", 5)], "Europe/Tirane"),
            new("Korçë", ["7001", "7002"], ["Bulevardi Republika", "Rruga Fan Noli", "Rruga Mihal Grameno"], [new("355822", 5)], "Europe/Tirane"),
        ],
        [new("355672", 6), new("355682", 6), new("355692", 6)],
        (rng, street) => rng.Next(3) == 0
            ? $"{street}, Pallati {rng.Next(1, 60)}, Ap. {rng.Next(1, 40)}"
            : $"{street}, Nr. {rng.Next(1, 180)}");

    internal static readonly DemoCountry Latvia = new(
        "LV", "lv",
        ["Jānis", "Andris", "Mārtiņš", "Edgars", "Kārlis", "Raimonds", "Artūrs", "Uldis", "Gints", "Roberts", "Oskars", "Valdis"],
        ["Elīna", "Anna", "Ilze", "Līga", "Inese", "Kristīne", "Dace", "Zane", "Laura", "Māra", "Sanita", "Ieva"],
        // Latvian family names take a masculine or feminine ending.
        [("Bērziņš", "Bērziņa"), ("Kalniņš", "Kalniņa"), ("Ozoliņš", "Ozoliņa"), ("Jansons", "Jansone"), ("Liepiņš", "Liepiņa"), ("Krūmiņš", "Krūmiņa"),
         ("Balodis", "Balode"), ("Zariņš", "Zariņa"), ("Pētersons", "Pētersone"), ("Vītols", "Vītola"), ("Kļaviņš", "Kļaviņa"), ("Eglītis", "Eglīte")],
        ["SIA \"Kurzemes Būvnieks\"", "SIA \"Rīgas Kafejnīca\"", "SIA \"Zaļā Dārzniecība\"", "SIA \"Daugavas Loģistika\"", "SIA \"Vidzemes Mēbeles\""],
        [
            new("Rīga", ["LV-1010", "LV-1011", "LV-1050", "LV-1084", "LV-1001"],
                ["Brīvības iela", "Krišjāņa Barona iela", "Elizabetes iela", "Tērbatas iela", "Lāčplēša iela", "Maskavas iela", "Ganību dambis"],
                [new("37167", 6)], "Europe/Riga"),
            new("Daugavpils", ["LV-5401", "LV-5404"], ["Rīgas iela", "Saules iela", "Cietokšņa iela"], [new("37165", 6)], "Europe/Riga"),
            new("Liepāja", ["LV-3401", "LV-3405"], ["Graudu iela", "Kuršu iela", "Zivju iela"], [new("37163", 6)], "Europe/Riga"),
            new("Jelgava", ["LV-3001", "LV-3002"], ["Lielā iela", "Katoļu iela", "Dobeles šoseja"], [new("37163", 6)], "Europe/Riga"),
        ],
        [new("37120", 6), new("37122", 6), new("37126", 6), new("37127", 6), new("37129", 6)],
        (rng, street) => rng.Next(2) == 0 ? $"{street} {rng.Next(1, 120)}-{rng.Next(1, 60)}" : $"{street} {rng.Next(1, 120)}");

    internal static readonly DemoCountry Germany = new(
        "DE", "de",
        ["Jürgen", "Thomas", "Michael", "Stefan", "Andreas", "Klaus", "Lukas", "Jörg", "Matthias", "Günter", "Sören", "Björn"],
        ["Sabine", "Ursula", "Claudia", "Jana", "Anja", "Katharina", "Bärbel", "Jutta", "Petra", "Monika", "Lena", "Käthe"],
        [("Weiß", "Weiß"), ("Müller", "Müller"), ("Schäfer", "Schäfer"), ("Schröder", "Schröder"), ("Köhler", "Köhler"), ("Hoffmann", "Hoffmann"),
         ("Krüger", "Krüger"), ("Becker", "Becker"), ("Wagner", "Wagner"), ("Groß", "Groß"), ("Meißner", "Meißner"), ("Jäger", "Jäger")],
        ["Bäckerei Köhler GmbH", "Schäfer Haustechnik GmbH", "Grünwald Logistik GmbH", "Weißenburger Druckerei GmbH", "Brückner & Söhne Metallbau GmbH"],
        [
            new("Berlin", ["10115", "10405", "10961", "12043", "13347"],
                ["Schönhauser Allee", "Müllerstraße", "Sonnenallee", "Kastanienallee", "Bergmannstraße", "Greifswalder Straße"],
                [new("4930", 8)], "Europe/Berlin"),
            new("München", ["80331", "80469", "81667", "80796"], ["Leopoldstraße", "Lindwurmstraße", "Rosenheimer Straße", "Türkenstraße"], [new("4989", 8)], "Europe/Berlin"),
            new("Köln", ["50667", "50823", "51063"], ["Venloer Straße", "Aachener Straße", "Zülpicher Straße", "Frankfurter Straße"], [new("49221", 7)], "Europe/Berlin"),
            new("Hamburg", ["20095", "22765", "22083"], ["Große Bergstraße", "Mühlenkamp", "Osterstraße", "Fuhlsbüttler Straße"], [new("4940", 8)], "Europe/Berlin"),
            new("Leipzig", ["04103", "04109", "04277"], ["Karl-Liebknecht-Straße", "Georg-Schwarz-Straße", "Eisenbahnstraße"], [new("49341", 7)], "Europe/Berlin"),
        ],
        [new("49151", 8), new("49152", 8), new("49160", 7), new("49170", 7), new("49176", 8)],
        (rng, street) => rng.Next(4) == 0 ? $"{street} {rng.Next(1, 200)}{(char)('a' + rng.Next(3))}" : $"{street} {rng.Next(1, 200)}");

    internal static readonly DemoCountry Slovenia = new(
        "SI", "sl",
        ["Marko", "Luka", "Matej", "Gregor", "Jože", "Tomaž", "Primož", "Boštjan", "Andrej", "Žiga", "Rok", "Blaž"],
        ["Nataša", "Maja", "Petra", "Mojca", "Špela", "Tjaša", "Urška", "Nina", "Barbara", "Mateja", "Alenka", "Katarina"],
        [("Kovačič", "Kovačič"), ("Novak", "Novak"), ("Horvat", "Horvat"), ("Krajnc", "Krajnc"), ("Zupančič", "Zupančič"), ("Potočnik", "Potočnik"),
         ("Kovač", "Kovač"), ("Mlakar", "Mlakar"), ("Vidmar", "Vidmar"), ("Golob", "Golob"), ("Žagar", "Žagar"), ("Jerič", "Jerič")],
        ["Gradnje Zupančič d.o.o.", "Pekarna Žagar d.o.o.", "Gostilna Pri Jožetu d.o.o.", "Mizarstvo Kos d.o.o.", "Elektro Potočnik d.o.o.",
         "Trgovina Kovačič d.o.o.", "Vinoteka Štajerc d.o.o.", "Keramika Jerič d.o.o.", "Gradbeništvo Vidmar d.o.o."],
        [
            new("Ljubljana", ["1000", "1231", "1260"],
                ["Slovenska cesta", "Trubarjeva cesta", "Tržaška cesta", "Dunajska cesta", "Celovška cesta", "Zaloška cesta"],
                [new("38612", 6), new("38614", 6), new("38615", 6)], "Europe/Ljubljana"),
            new("Maribor", ["2000", "2204"], ["Gosposka ulica", "Partizanska cesta", "Ulica Vita Kraigherja", "Tržaška cesta"], [new("38622", 6), new("38623", 6)], "Europe/Ljubljana"),
            new("Kranj", ["4000"], ["Prešernova ulica", "Koroška cesta", "Cesta Staneta Žagarja"], [new("38642", 6)], "Europe/Ljubljana"),
            new("Celje", ["3000"], ["Mariborska cesta", "Ljubljanska cesta", "Stanetova ulica"], [new("38634", 6)], "Europe/Ljubljana"),
            new("Koper", ["6000"], ["Pristaniška ulica", "Kidričeva ulica", "Ankaranska cesta"], [new("38656", 6)], "Europe/Ljubljana"),
        ],
        [new("38631", 6), new("38640", 6), new("38641", 6), new("38651", 6), new("38670", 6)],
        (rng, street) => rng.Next(4) == 0 ? $"{street} {rng.Next(1, 150)}{(char)('a' + rng.Next(3))}" : $"{street} {rng.Next(1, 150)}",
        // A "samostojni podjetnik" trades under the owner's name: "Avtoservis Marko Mlakar s.p." (ZGD-1).
        ["Avtoservis", "Frizerski salon", "Računovodstvo", "Slikopleskarstvo", "Čebelarstvo", "Gostinstvo"]);

    internal static readonly DemoCountry Hungary = new(
        "HU", "hu",
        ["Zoltán", "László", "István", "Gábor", "Péter", "Tamás", "Attila", "János", "Ferenc", "Gergő", "Bence", "Ákos"],
        ["Erzsébet", "Katalin", "Ágnes", "Zsuzsanna", "Éva", "Krisztina", "Ildikó", "Eszter", "Réka", "Anikó", "Tünde", "Dóra"],
        [("Szabó", "Szabó"), ("Nagy", "Nagy"), ("Kovács", "Kovács"), ("Tóth", "Tóth"), ("Horváth", "Horváth"), ("Kiss", "Kiss"),
         ("Molnár", "Molnár"), ("Németh", "Németh"), ("Farkas", "Farkas"), ("Balogh", "Balogh"), ("Lukács", "Lukács"), ("Pásztor", "Pásztor"), ("Győri", "Győri"), ("Szőke", "Szőke")],
        ["Pannon Építőipari Kft.", "Tisza-parti Vendéglátó Kft.", "Alföld Agrár Kft.", "Kovács és Társa Bt.", "Dunakanyar Pékség Kft.", "Bükki Faipari Kft."],
        [
            new("Budapest", ["1052", "1065", "1114", "1137", "1087"],
                ["Váci út", "Andrássy út", "Kossuth Lajos utca", "Petőfi Sándor utca", "Rákóczi út", "Bartók Béla út", "Üllői út"],
                [new("361", 7)], "Europe/Budapest"),
            new("Szeged", ["6720", "6724"], ["Kárász utca", "Tisza Lajos körút", "Mérey utca"], [new("3662", 6)], "Europe/Budapest"),
            new("Debrecen", ["4024", "4026"], ["Piac utca", "Kálvin tér", "Böszörményi út"], [new("3652", 6)], "Europe/Budapest"),
            new("Pécs", ["7621", "7624"], ["Király utca", "Ferencesek utcája", "Szigeti út"], [new("3672", 6)], "Europe/Budapest"),
            new("Győr", ["9021", "9024"], ["Baross Gábor út", "Szent István út", "Kodály Zoltán utca"], [new("3696", 6)], "Europe/Budapest"),
        ],
        [new("3620", 7), new("3630", 7), new("3670", 7)],
        // Hungarian house numbers carry a full stop; flats add floor ("em.") and door: "Váci út 45. 3. em. 12."
        (rng, street) => rng.Next(2) == 0 ? $"{street} {rng.Next(1, 160)}. {rng.Next(1, 8)}. em. {rng.Next(1, 20)}." : $"{street} {rng.Next(1, 160)}.");

    internal static readonly DemoCountry UnitedKingdom = new(
        "GB", "en",
        ["James", "Oliver", "Harry", "George", "Thomas", "Daniel", "Callum", "Rhys", "Liam", "Owen"],
        ["Charlotte", "Emily", "Sophie", "Olivia", "Hannah", "Chloe", "Megan", "Siobhan", "Niamh", "Bethany"],
        [("Bennett", "Bennett"), ("Hughes", "Hughes"), ("Clarke", "Clarke"), ("Walsh", "Walsh"), ("Patel", "Patel"), ("O'Connor", "O'Connor"),
         ("Davies", "Davies"), ("Robinson", "Robinson"), ("Fletcher", "Fletcher"), ("Turner", "Turner"), ("MacLeod", "MacLeod"), ("Whitfield", "Whitfield")],
        ["Pennine Plumbing Ltd", "Northern Lights Catering Ltd", "Hughes & Clarke Joinery Ltd", "Thames Valley Scaffolding Ltd"],
        [
            new("London", ["E8 3PH", "N1 9GU", "SE15 4QL", "NW6 7RT", "SW9 8BJ"],
                ["Chapel Street", "Victoria Road", "Mare Street", "Rye Lane", "Kilburn High Road"], [new("442079460", 3)], "Europe/London"),
            new("Leeds", ["LS6 2AB", "LS11 5DQ"], ["Otley Road", "Dewsbury Road", "Kirkstall Lane"], [new("441134960", 3)], "Europe/London"),
            new("Manchester", ["M14 5RP", "M20 2LS"], ["Wilmslow Road", "Burton Road", "Mauldeth Road"], [new("441614960", 3)], "Europe/London"),
            new("Birmingham", ["B29 6BD", "B13 9HD"], ["Bristol Road", "Alcester Road", "Pershore Road"], [new("441214960", 3)], "Europe/London"),
            new("Edinburgh", ["EH6 8JN", "EH11 1BX"], ["Leith Walk", "Dalry Road", "Easter Road"], [new("441314960", 3)], "Europe/London"),
            new("Belfast", ["BT7 1NN", "BT9 6AW"], ["Ormeau Road", "Lisburn Road", "Botanic Avenue"], [new("442890180", 3)], "Europe/London"),
        ],
        [],
        (rng, street) => rng.Next(3) == 0 ? $"Flat {rng.Next(1, 12)}, {rng.Next(1, 240)} {street}" : $"{rng.Next(1, 240)} {street}");

    // The address model has no state field: US cities carry the state's USPS code ("Chicago, IL") so a letter reads right.
    internal static readonly DemoCountry UnitedStates = new(
        "US", "en",
        ["Michael", "Christopher", "Joshua", "Tyler", "Brandon", "Marcus", "Kevin", "Jason", "Andrew", "Ryan"],
        ["Jessica", "Ashley", "Brittany", "Megan", "Danielle", "Tiffany", "Courtney", "Amber", "Kayla", "Lauren"],
        [("Johnson", "Johnson"), ("Williams", "Williams"), ("Rodriguez", "Rodriguez"), ("Martinez", "Martinez"), ("Anderson", "Anderson"), ("Thompson", "Thompson"),
         ("Nguyen", "Nguyen"), ("Jackson", "Jackson"), ("Miller", "Miller"), ("Kowalski", "Kowalski"), ("Washington", "Washington"), ("O'Brien", "O'Brien")],
        ["Lakeshore Auto Repair LLC", "Hudson Street Deli LLC", "Prairie Lawn Care LLC", "Bronx Bodega Supply LLC"],
        [
            new("New York, NY", ["10027", "10031", "10467"], ["Amsterdam Ave", "W 145th St", "Broadway", "Jerome Ave"],
                [new("121255501", 2)], "America/New_York", [new("191755501", 2), new("164655501", 2)]),
            new("Brooklyn, NY", ["11215", "11221", "11235"], ["7th Ave", "Myrtle Ave", "Brighton Beach Ave", "Flatbush Ave"],
                [new("171855501", 2)], "America/New_York", [new("134755501", 2), new("191755501", 2)]),
            new("Chicago, IL", ["60614", "60618", "60657", "60623"], ["W Belmont Ave", "N Milwaukee Ave", "W 26th St", "N Clark St"],
                [new("131255501", 2), new("177355501", 2)], "America/Chicago", [new("187255501", 2)]),
        ],
        [],
        (rng, street) => rng.Next(3) == 0 ? $"{rng.Next(100, 5000)} {street}, Apt {rng.Next(1, 9)}{(char)('A' + rng.Next(4))}" : $"{rng.Next(100, 5000)} {street}");

    internal static readonly DemoCountry[] Countries = [Albania, Latvia, Germany, Slovenia, Hungary, UnitedKingdom, UnitedStates];

    internal static DemoCountry Country(string code) => Countries.First(c => c.Code == code);

    // Interest rates are illustrative figures for the demo, not a statutory calculation (the `interest` verb does that).
    internal static readonly DemoCreditorSpec[] Creditors =
    [
        new("TELCO-DE", "Nordwelle Telekom GmbH", "DE", "EUR", Industry.Telecom,
            new CreditorPolicy { MaxInstalments = 12, MinInstalment = 25m, MaxSettlementDiscountPercent = 10m, PromiseTolerance = 1m, AllowsSms = true, AllowsWhatsApp = true, AllowsAutomatedDialing = true,
                // The demo creditor user's creditor decides larger discounts in the portal (or a supervisor does) and consents to legal action.
                SettlementApproval = SettlementApproval.CreditorOrSupervisor, LegalActionNeedsConsent = true },
            "forderungen@nordwelle-telekom.example", BusinessEvery: 5, MinPrincipal: 39m, MaxPrincipal: 890m, WholeUnits: false,
            // BGB § 288(1) and (2): base rate (1.27 % from 2025-07-01) plus 5 points for consumers, 9 for businesses; § 288(5): EUR 40 flat fee from businesses.
            ConsumerRatePercent: 6.27m, BusinessRatePercent: 10.27m, ConsumerReminderFee: 2.50m, BusinessFlatFee: 40m,
            "NWT", "RE", ["unpaid mobile subscription", "unpaid fibre broadband invoices", "early termination fee", "handset instalments"]),
        new("UTIL-HU", "Tiszamenti Energiaszolgáltató Zrt.", "HU", "HUF", Industry.Utilities,
            new CreditorPolicy { MaxInstalments = 6, MinInstalment = 5000m, MaxSettlementDiscountPercent = 0m, PromiseTolerance = 100m, AllowsSms = true, AllowsWhatsApp = false, AllowsAutomatedDialing = true },
            "behajtas@tiszamenti-energia.example", BusinessEvery: 4, MinPrincipal: 12000m, MaxPrincipal: 480000m, WholeUnits: true,
            ConsumerRatePercent: 6.5m, BusinessRatePercent: 14.5m, ConsumerReminderFee: 0m, BusinessFlatFee: 15600m,
            "TME", "E", ["unpaid electricity bills", "unpaid gas bills", "annual settlement balance"]),
        new("CREDIT-LV", "SIA \"Daugavas Kredīts\"", "LV", "EUR", Industry.ConsumerCredit,
            new CreditorPolicy { MaxInstalments = 24, MinInstalment = 15m, MaxSettlementDiscountPercent = 20m, PromiseTolerance = 1m, AllowsSms = true, AllowsWhatsApp = true, AllowsAutomatedDialing = true },
            "parades@daugavas-kredits.example", BusinessEvery: 6, MinPrincipal: 150m, MaxPrincipal: 4800m, WholeUnits: false,
            ConsumerRatePercent: 18.25m, BusinessRatePercent: 18.25m, ConsumerReminderFee: 7m, BusinessFlatFee: 40m,
            "DK", "LV", ["consumer loan", "credit line", "short-term loan"]),
        new("WHOLESALE-SI", "Savinja Veletrgovina d.o.o.", "SI", "EUR", Industry.B2BTradeCredit,
            new CreditorPolicy { MaxInstalments = 6, MinInstalment = 200m, MaxSettlementDiscountPercent = 5m, PromiseTolerance = 5m, AllowsSms = false, AllowsWhatsApp = false, AllowsAutomatedDialing = false },
            "terjatve@savinja-veletrgovina.example", BusinessEvery: 1, MinPrincipal: 850m, MaxPrincipal: 42000m, WholeUnits: false,
            ConsumerRatePercent: 10.15m, BusinessRatePercent: 10.15m, ConsumerReminderFee: 0m, BusinessFlatFee: 40m,
            "SV", "", ["goods delivered: building materials", "goods delivered: food and beverages", "goods delivered: electrical supplies"]),
        new("HEALTH-AL", "Klinika Shëndeti Plus sh.p.k.", "AL", "ALL", Industry.Healthcare,
            new CreditorPolicy { MaxInstalments = 10, MinInstalment = 2000m, MaxSettlementDiscountPercent = 15m, PromiseTolerance = 100m, AllowsSms = true, AllowsWhatsApp = true, AllowsAutomatedDialing = true },
            "arketimi@shendeti-plus.example", BusinessEvery: 5, MinPrincipal: 8000m, MaxPrincipal: 380000m, WholeUnits: true,
            ConsumerRatePercent: 6m, BusinessRatePercent: 6m, ConsumerReminderFee: 500m, BusinessFlatFee: 0m,
            "KSP", "FAT", ["outpatient treatment", "dental treatment", "diagnostic imaging (MRI)", "maternity care"]),
        new("CREDIT-GB", "Thistle Consumer Finance Ltd", "GB", "GBP", Industry.ConsumerCredit,
            new CreditorPolicy { MaxInstalments = 36, MinInstalment = 5m, MaxSettlementDiscountPercent = 30m, PromiseTolerance = 0.5m, AllowsSms = true, AllowsWhatsApp = false, AllowsAutomatedDialing = true },
            "recoveries@thistle-finance.example", BusinessEvery: 6, MinPrincipal: 250m, MaxPrincipal: 7500m, WholeUnits: false,
            // Interest frozen once the account defaulted, as UK lenders commonly do; a £12 default fee per missed payment.
            ConsumerRatePercent: 0m, BusinessRatePercent: 0m, ConsumerReminderFee: 12m, BusinessFlatFee: 40m,
            "TCF", "STM", ["credit card", "personal loan", "catalogue credit"]),
        new("RETAIL-US", "Prairie Home Furnishings LLC", "US", "USD", Industry.Retail,
            new CreditorPolicy { MaxInstalments = 12, MinInstalment = 25m, MaxSettlementDiscountPercent = 25m, PromiseTolerance = 1m, AllowsSms = true, AllowsWhatsApp = false, AllowsAutomatedDialing = true },
            "collections@prairie-home.example", BusinessEvery: 6, MinPrincipal: 180m, MaxPrincipal: 4200m, WholeUnits: false,
            // FDCPA 15 U.S.C. 1692f(1): no fee or interest beyond what the agreement or law allows; the demo claims none.
            ConsumerRatePercent: 0m, BusinessRatePercent: 0m, ConsumerReminderFee: 0m, BusinessFlatFee: 0m,
            "PHF", "INV", ["furniture bought on store credit", "mattress financing", "appliance purchase"]),
    ];
}
