using System.Globalization;
using Collections.Dialer.Messaging;
using Collections.Dialer.Messaging.Letters;
using Collections.Shared.Domain;
using NodaTime;
using PdfSharp.Drawing;
using PdfSharp.Pdf;

namespace Collections.Dialer.Legal.Evidence;

/// <summary>A stretch of statutory interest with its rate, for the claim statement.</summary>
public sealed record CoverInterestRow(LocalDate From, LocalDate To, decimal Principal, decimal RatePercent, decimal Amount);

/// <summary>A payment, for the claim statement.</summary>
public sealed record CoverPayment(LocalDate ReceivedOn, decimal Amount, string Method, string? Reference);

/// <summary>One line of the chronology.</summary>
public sealed record CoverEvent(Instant At, string Kind, string Text);

/// <summary>What the evidence pack's cover states.</summary>
public sealed record EvidenceCoverModel(
    string Language,
    string Reference,
    AgencyDetails Agency,
    string CreditorName,
    string CreditorCountry,
    string DebtorName,
    IReadOnlyList<string> DebtorAddress,
    string Origin,
    string Currency,
    decimal Principal,
    decimal ContractualInterest,
    decimal StatutoryInterest,
    decimal Fees,
    decimal Paid,
    decimal Outstanding,
    IReadOnlyList<CoverInterestRow> Interest,
    string? InterestLaw,
    IReadOnlyList<CoverPayment> Payments,
    string? Limitation,
    IReadOnlyList<CoverEvent> Chronology,
    IReadOnlyList<string> Contents,
    LocalDate PreparedOn,
    DateTimeZone Zone);

/// <summary>Renders the cover of an evidence pack in the court's language with the letters' PDF layout
/// (<see cref="LetterRenderer.Canvas"/>): parties, the claim statement with interest by period, payments, balance,
/// limitation, the chronology of every contact, and the list of documents.</summary>
public sealed class EvidenceCover
{
    private readonly LetterRenderer renderer = new();
    private readonly XFont titleFont = new(DejaVuFontResolver.Family, 13, XFontStyleEx.Bold);
    private readonly XFont smallFont = new(DejaVuFontResolver.Family, 7.5);

    /// <summary>The court's language for a jurisdiction: its official language, English elsewhere.</summary>
    public static string LanguageOf(string jurisdiction) => jurisdiction.ToUpperInvariant() switch
    {
        "DE" or "AT" => "de",
        "HU" => "hu",
        "LV" => "lv",
        "SI" => "sl",
        "AL" => "sq",
        _ => "en",
    };

    public byte[] Render(EvidenceCoverModel m)
    {
        var letter = LetterTexts.For(m.Language);
        var texts = EvidenceTexts.For(m.Language);
        var culture = CultureInfo.GetCultureInfo(letter.Culture);
        string Money(decimal amount) => new Money(amount, m.Currency).Format(culture);
        string Date(LocalDate d) => d.ToString("d", culture);

        using var document = new PdfDocument();
        document.Info.Title = $"{texts.Title} {m.Reference}";
        document.Info.Author = m.Agency.Name;
        var c = new LetterRenderer.Canvas(renderer, document) { Y = 60 };
        c.Paragraph($"{texts.Title} – {m.Reference}", titleFont);
        c.Paragraph(string.Format(culture, texts.Prepared, Date(m.PreparedOn), m.Agency.Name), smallFont, XBrushes.Gray);

        c.Heading(texts.Parties);
        c.Row((letter.Creditor, 0), ($"{m.CreditorName} ({m.CreditorCountry})", 170));
        c.Row((texts.Debtor, 0), (m.DebtorName, 170));
        foreach (var line in m.DebtorAddress)
        {
            c.Row((line, 170));
        }

        // The agency's label is long in some languages: its details go on the lines below it.
        c.Row((texts.Agency, 0));
        c.Row(($"{m.Agency.Name}, {m.Agency.Street}, {m.Agency.PostalCode} {m.Agency.City}", 170));
        if (m.Agency.Registration is { Length: > 0 } registration)
        {
            c.Row((registration, 170));
        }

        c.Heading(letter.ClaimHeading);
        c.Row((letter.Reason, 0), (m.Origin, 170));
        c.Row((letter.Principal, 0), (Money(m.Principal), -1));
        c.Row((letter.Interest, 0), (Money(m.ContractualInterest), -1));
        c.Row((texts.StatutoryInterest, 0), (Money(m.StatutoryInterest), -1));
        c.Row((letter.Costs, 0), (Money(m.Fees), -1));
        c.Row((letter.Paid, 0), ($"- {Money(m.Paid)}", -1));
        c.Row((texts.Outstanding, 0), (Money(m.Outstanding), -1));

        if (m.Interest.Count > 0)
        {
            c.Heading(letter.InterestHeading);
            c.Row((letter.Period, 0), (letter.Principal, 190), (letter.Rate, 300), (letter.Amount, -1));
            foreach (var row in m.Interest)
            {
                c.Row(($"{Date(row.From)} – {Date(row.To)}", 0), (Money(row.Principal), 190), ($"{row.RatePercent.ToString("0.00", culture)} %", 300), (Money(row.Amount), -1));
            }

            if (m.InterestLaw is { Length: > 0 } law)
            {
                c.Paragraph(string.Format(culture, texts.Basis, law), smallFont);
            }
        }

        c.Heading(texts.Payments);
        if (m.Payments.Count == 0)
        {
            c.Row((texts.None, 0));
        }

        foreach (var p in m.Payments)
        {
            c.Row((Date(p.ReceivedOn), 0), (p.Method, 110), (p.Reference ?? string.Empty, 220), (Money(p.Amount), -1));
        }

        if (m.Limitation is { Length: > 0 } limitation)
        {
            c.Heading(texts.LimitationHeading);
            c.Paragraph(limitation);
        }

        c.Heading(texts.Chronology);
        foreach (var e in m.Chronology)
        {
            c.Paragraph($"{e.At.InZone(m.Zone).LocalDateTime.ToString("g", culture)} · {e.Kind} · {e.Text}");
        }

        c.Heading(texts.Contents);
        foreach (var file in m.Contents)
        {
            c.Row((file, 0));
        }

        c.NumberPages($"{letter.Page} {{0}}/{{1}}");
        using var output = new MemoryStream();
        document.Save(output);
        return output.ToArray();
    }
}

/// <summary>The cover's own headings; the claim's labels come from the letters (<see cref="LetterTexts"/>).</summary>
internal sealed record EvidenceTexts(
    string Title,
    string Prepared,
    string Parties,
    string Debtor,
    string Agency,
    string StatutoryInterest,
    string Outstanding,
    string Basis,
    string Payments,
    string None,
    string LimitationHeading,
    string Chronology,
    string Contents)
{
    public static EvidenceTexts For(string language) => language switch
    {
        "de" => new("Beweismittelakte", "Erstellt am {0} von {1}", "Parteien", "Schuldner", "Inkassodienstleister (im Auftrag des Gläubigers)",
            "Gesetzliche Verzugszinsen", "Offener Betrag", "Rechtsgrundlage: {0}", "Zahlungseingänge", "keine", "Verjährung",
            "Chronologie aller Kontakte und Ereignisse", "Inhalt dieser Akte"),
        "hu" => new("Bizonyítéki csomag", "Készült: {0}, készítette: {1}", "Felek", "Adós", "Követeléskezelő (a jogosult megbízásából)",
            "Törvényes késedelmi kamat", "Fennálló tartozás", "Jogalap: {0}", "Befizetések", "nincs", "Elévülés",
            "A kapcsolatfelvételek és események időrendje", "A csomag tartalma"),
        "lv" => new("Pierādījumu kopums", "Sagatavots {0}, sagatavoja {1}", "Puses", "Parādnieks", "Parādu piedziņas pakalpojumu sniedzējs (kreditora uzdevumā)",
            "Likumiskie nokavējuma procenti", "Nenomaksātā summa", "Juridiskais pamats: {0}", "Saņemtie maksājumi", "nav", "Noilgums",
            "Visu kontaktu un notikumu hronoloģija", "Kopuma saturs"),
        "sl" => new("Dokazno gradivo", "Pripravljeno {0}, pripravil {1}", "Stranki", "Dolžnik", "Izterjevalec (po naročilu upnika)",
            "Zakonske zamudne obresti", "Odprti znesek", "Pravna podlaga: {0}", "Prejeta plačila", "ni", "Zastaranje",
            "Kronologija vseh stikov in dogodkov", "Vsebina gradiva"),
        "sq" => new("Dosja e provave", "Përgatitur më {0} nga {1}", "Palët", "Debitori", "Agjencia e arkëtimit (në emër të kreditorit)",
            "Interesi ligjor i vonesës", "Shuma e papaguar", "Baza ligjore: {0}", "Pagesat e marra", "asnjë", "Parashkrimi",
            "Kronologjia e të gjitha kontakteve dhe ngjarjeve", "Përmbajtja e dosjes"),
        _ => new("Evidence file", "Prepared on {0} by {1}", "Parties", "Debtor", "Collection agency (on behalf of the creditor)",
            "Statutory default interest", "Balance outstanding", "Legal basis: {0}", "Payments received", "none", "Limitation",
            "Chronology of every contact and event", "Documents in this pack"),
    };
}
