using System.Diagnostics;
using Collections.Dialer.Messaging.Letters;

namespace Collections.Dialer.Tests.Messaging;

public sealed class LetterRendererTests
{
    [Theory]
    [InlineData(LetterKind.Reminder, "en", "Payment reminder", "How the claim arose")]
    [InlineData(LetterKind.SecondReminder, "en", "Second reminder", "Our payment reminder")]
    [InlineData(LetterKind.FinalDemand, "en", "Final demand before service suspension", "will suspend the service")]
    [InlineData(LetterKind.Reminder, "de", "Zahlungserinnerung", "Datum des Vertragsschlusses")]
    [InlineData(LetterKind.SecondReminder, "de", "Zweite Mahnung", "Unsere Zahlungserinnerung")]
    [InlineData(LetterKind.FinalDemand, "de", "Letzte Mahnung vor Leistungssperre", "Leistung sperren")]
    [InlineData(LetterKind.Reminder, "hu", "Fizetési emlékeztető", "A követelés jogcíme")]
    [InlineData(LetterKind.SecondReminder, "hu", "Második fizetési felszólítás", "Fizetési emlékeztetőnk")]
    [InlineData(LetterKind.FinalDemand, "hu", "Végső fizetési felszólítás", "szolgáltatást felfüggeszti")]
    public async Task Letters_render_to_PDF_with_the_claim_itemised_in_the_debtors_language(LetterKind kind, string language, string title, string phrase)
    {
        var pdf = new LetterRenderer().Render(LetterSamples.Claim(kind, language));

        Assert.Equal("%PDF"u8.ToArray(), pdf[..4]);
        // COLLECTIONS_LETTER_OUT=<folder> keeps the PDFs (docs/messaging.md renders the page images from them).
        if (Environment.GetEnvironmentVariable("COLLECTIONS_LETTER_OUT") is { Length: > 0 } folder)
        {
            Directory.CreateDirectory(folder);
            await File.WriteAllBytesAsync(Path.Combine(folder, $"{kind.ToString().ToLowerInvariant()}-{language}.pdf"), pdf, TestContext.Current.CancellationToken);
        }

        var text = await PdfTextAsync(pdf);
        Assert.Contains(title, text);
        Assert.Contains(phrase, text);
        Assert.Contains("R-2026-0213", text);        // the invoices are cited
        Assert.Contains("Collections Demo Agency", text);
        var expectedTotal = language switch { "de" => "167,92 €", "hu" => "67 168,00 Ft", _ => "£167.92" };
        if (kind != LetterKind.Reminder)
        {
            Assert.Contains(expectedTotal.Replace(' ', '\u00a0'), text.Replace(' ', '\u00a0').Replace('\u202f', '\u00a0'));
        }
    }

    public static TheoryData<LetterKind, string> EveryKindInEveryLanguage()
    {
        var data = new TheoryData<LetterKind, string>();
        foreach (var kind in Enum.GetValues<LetterKind>())
        {
            foreach (var language in LetterTexts.Languages)
            {
                data.Add(kind, language);
            }
        }

        return data;
    }

    // What the debtor's law asks every letter to say (RDG § 13a, PĀAL 7, MNB 2/2019, consumer law in SI and AL): the
    // creditor, how the claim arose, principal / interest / costs, how to pay, and (except in a settlement confirmation or
    // a friendly pre-instalment reminder, which ask for nothing disputed) how to dispute it.
    [Theory]
    [MemberData(nameof(EveryKindInEveryLanguage))]
    public async Task Every_letter_in_every_language_names_the_creditor_the_claim_its_parts_how_to_pay_and_how_to_dispute(LetterKind kind, string language)
    {
        var model = LetterSamples.Claim(kind, language);
        var pdf = new LetterRenderer().Render(model);
        if (Environment.GetEnvironmentVariable("COLLECTIONS_LETTER_OUT") is { Length: > 0 } folder)
        {
            Directory.CreateDirectory(folder);
            await File.WriteAllBytesAsync(Path.Combine(folder, $"{kind.ToString().ToLowerInvariant()}-{language}.pdf"), pdf, TestContext.Current.CancellationToken);
        }

        var text = await PdfTextAsync(pdf);
        var texts = LetterTexts.For(language);
        Assert.Contains(texts.Title(kind), text);
        Assert.Contains(model.CreditorName, text);
        Assert.Contains(model.ClaimReason, text);
        foreach (var part in new[] { texts.Principal, texts.Interest, texts.Costs, texts.Total, texts.HowToPayHeading })
        {
            Assert.Contains(part, text);
        }

        Assert.Contains(model.Agency.Iban!, text);
        var asksNothingDisputed = kind is LetterKind.SettlementConfirmation or LetterKind.PreInstalmentReminder;
        Assert.Equal(!asksNothingDisputed, text.Contains(texts.DisputeHeading, StringComparison.Ordinal));
        if (kind == LetterKind.InstalmentPlanConfirmation)
        {
            Assert.Contains(texts.AgreementHeading, text);
            Assert.Contains(texts.InstalmentNumber, text);
        }
    }

    // A business claim's final demand (strategy template final-demand-business) carries no service-suspension warning; before
    // every language had its title, such a letter to a non-English debtor failed to render and the step failed.
    [Theory]
    [MemberData(nameof(EveryLanguage))]
    public async Task A_final_demand_without_the_suspension_warning_renders_in_every_language_with_its_own_title(string language)
    {
        var model = LetterSamples.Claim(LetterKind.FinalDemand, language) with { SuspensionWarning = false };
        var text = await PdfTextAsync(new LetterRenderer().Render(model));
        var texts = LetterTexts.For(language);
        Assert.Contains(texts.FinalDemandPlainTitle!, text);
        Assert.DoesNotContain(texts.FinalDemandTitle, text);
    }

    public static TheoryData<string> EveryLanguage() => [.. LetterTexts.Languages];

    // PĀAL 7: at least 21 days from receipt to object in writing, receipt presumed on the 7th day after posting: a letter of
    // 30 June 2026 gives until 28 July 2026.
    [Fact]
    public async Task A_Latvian_letter_gives_21_days_from_receipt_to_object()
    {
        var text = await PdfTextAsync(new LetterRenderer().Render(LetterSamples.Claim(LetterKind.Reminder, "lv")));

        Assert.Contains("Jums ir tiesības līdz 28.07.2026 (21 dienas laikā", text);
        Assert.Contains("Parādu ārpustiesas atgūšanas likuma 7. pants", text);
    }

    // 12 CFR 1006.34: a US debtor's first letter carries the validation information. Sent Tuesday 30 June 2026; receipt
    // assumed 5 US working days later, skipping Friday 3 July (Independence Day observed) and the weekend: Wednesday 8 July;
    // the validation period ends 30 days after that, on Friday 7 August 2026.
    [Fact]
    public async Task A_US_debtors_first_letter_carries_the_Regulation_F_validation_notice()
    {
        var model = LetterSamples.Claim(LetterKind.Reminder, "us");
        Assert.Equal(new NodaTime.LocalDate(2026, 8, 7), LetterRenderer.ValidationPeriodEnd(model.Date));
        var text = await PdfTextAsync(new LetterRenderer().Render(model));

        Assert.Contains("is a debt collector. We are trying to collect a debt that you owe to Prairie Home Furnishings LLC", text);
        Assert.Contains("Call or write to us by 8/7/2026 to dispute all or part of the debt", text);
        Assert.Contains("Total amount of the debt now: $162.92", text);
        Assert.Contains("www.cfpb.gov/debt-collection", text);

        var british = await PdfTextAsync(new LetterRenderer().Render(LetterSamples.Claim(LetterKind.Reminder, "en")));
        Assert.DoesNotContain("is a debt collector", british);
    }

    // A settlement confirmation states the reduced sum, its date and what happens if it does not arrive (seed 001: a
    // discount with the creditor's consent).
    [Fact]
    public async Task A_settlement_confirmation_states_the_reduced_sum_and_its_date()
    {
        var text = await PdfTextAsync(new LetterRenderer().Render(LetterSamples.Claim(LetterKind.SettlementConfirmation, "de")));

        Assert.Contains("Gehen 140,00 € bis zum 15.07.2026 bei uns ein, ist die Forderung von 167,92 € vollständig erledigt", text.Replace('\u00a0', ' '));
    }

    /// <summary>The text of the PDF as poppler's pdftotext reads it (Debian poppler-utils), layout preserved per line.</summary>
    private static async Task<string> PdfTextAsync(byte[] pdf)
    {
        var path = Path.Combine(Path.GetTempPath(), $"letter-{Guid.NewGuid():N}.pdf");
        await File.WriteAllBytesAsync(path, pdf, TestContext.Current.CancellationToken);
        try
        {
            var start = new ProcessStartInfo("pdftotext", ["-layout", path, "-"]) { RedirectStandardOutput = true };
            using var process = Process.Start(start)!;
            var text = await process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
            await process.WaitForExitAsync(TestContext.Current.CancellationToken);
            Assert.Equal(0, process.ExitCode);
            return string.Join(' ', text.Split((char[])[' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
