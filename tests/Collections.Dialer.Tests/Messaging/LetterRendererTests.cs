using System.Diagnostics;
using Collections.Dialer.Messaging.Letters;

namespace Collections.Dialer.Tests.Messaging;

public sealed class LetterRendererTests
{
    [Theory]
    [InlineData(LetterKind.Reminder, "en", "Payment reminder", "Reason of the claim")]
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
