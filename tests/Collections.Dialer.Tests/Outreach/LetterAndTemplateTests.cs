using System.Diagnostics;
using Collections.Dialer.Messaging.Letters;
using Collections.Dialer.Messaging.Templates;
using Collections.Dialer.Outreach.Dispatch;
using Collections.Dialer.Tests.Messaging;
using Collections.Shared.Domain;
using Collections.Shared.Workflow.Strategies;
using Collections.Testing;
using NodaTime;

namespace Collections.Dialer.Tests.Outreach;

/// <summary>The texts the dispatcher needs: every template a strategy names, the confirmation letters, and the rule that a
/// missing text is never replaced by another language's.</summary>
public sealed class LetterAndTemplateTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void Every_message_and_letter_a_shipped_strategy_names_exists_in_English()
    {
        var catalog = new StrategyCatalog(StrategyLoader.LoadDirectory(RepositoryRoot.Combine("config", "strategies")));

        Assert.Empty(TemplateCoverage.Check(catalog, MessageTemplates.Load(RepositoryRoot.Combine("config", "templates"))));
    }

    [Fact]
    public void A_strategy_naming_a_template_that_does_not_exist_is_reported_with_its_file_step_and_template()
    {
        var folder = Directory.CreateTempSubdirectory("strategies-").FullName;
        File.WriteAllText(Path.Combine(folder, "typo.yaml"), """
            id: typo
            name: Typo
            priority: 1
            steps:
              - id: sms-reminder
                phase: phone-and-messages
                channel: sms
                campaign: reminder-messages
                template: paymnet-reminder-sms
                days: 1
              - id: letter
                phase: written-reminder
                channel: letter
                campaign: letters
                template: first-remindr
                days: 2
            """);

        var problems = TemplateCoverage.Check(new StrategyCatalog(StrategyLoader.LoadDirectory(folder)), MessageTemplates.Load(RepositoryRoot.Combine("config", "templates")));

        Assert.Equal(
            ["typo.yaml: step 'sms-reminder' (Sms): no English Sms template 'paymnet-reminder-sms' in the template folder", "typo.yaml: step 'letter' (Letter): no English letter 'first-remindr'"],
            problems);
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public async Task A_settlement_confirmation_states_the_sum_the_date_and_what_happens_if_it_is_not_paid()
    {
        var model = LetterSamples.Claim(LetterKind.Reminder, "en") with { Kind = LetterKind.SettlementConfirmation, Settlement = new LetterSettlement(120m, new LocalDate(2026, 7, 14)) };

        var text = await PdfTextAsync(new LetterRenderer().Render(model));

        Assert.Contains("Confirmation of your settlement", text);
        Assert.Contains("When £120.00 is received by 14/07/2026", text);
        Assert.Contains("settled in full", text);
        Assert.Contains("the full balance of £162.92 remains due", text);
        Assert.DoesNotContain("R-2026-0213", text); // a confirmation states the agreement, not the demand's invoices
    }

    [Fact]
    public async Task An_instalment_plan_confirmation_lists_every_instalment()
    {
        var model = LetterSamples.Claim(LetterKind.Reminder, "en") with
        {
            Kind = LetterKind.InstalmentPlanConfirmation,
            Instalments = [new(1, new LocalDate(2026, 7, 15), 60m), new(2, new LocalDate(2026, 8, 15), 60m), new(3, new LocalDate(2026, 9, 15), 42.92m)],
        };

        var text = await PdfTextAsync(new LetterRenderer().Render(model));

        Assert.Contains("Confirmation of your payment plan", text);
        Assert.Contains("Your instalments", text);
        Assert.Contains("3 15/09/2026 £42.92", text);
        Assert.Contains("We will remind you a few days before each one", text);
    }

    [Theory]
    [InlineData("de", LetterKind.SettlementConfirmation, "no 'de' text for the SettlementConfirmation letter")]
    [InlineData("lv", LetterKind.Reminder, "letters are not written in 'lv'")]
    public void A_letter_without_its_text_in_the_language_is_refused_rather_than_printed_in_another(string language, LetterKind kind, string error)
    {
        var model = LetterSamples.Claim(LetterKind.Reminder, "en") with { Language = language, Kind = kind, Settlement = new LetterSettlement(1m, new LocalDate(2026, 7, 14)) };

        Assert.Contains(error, Assert.Throws<LetterTextException>(() => new LetterRenderer().Render(model)).Message);
    }

    [Fact]
    public async Task A_business_final_demand_has_no_service_suspension_warning()
    {
        var consumer = await PdfTextAsync(new LetterRenderer().Render(LetterSamples.Claim(LetterKind.FinalDemand, "en")));
        var business = await PdfTextAsync(new LetterRenderer().Render(LetterSamples.Claim(LetterKind.FinalDemand, "en") with { SuspensionWarning = false }));

        Assert.Contains("will suspend the service", consumer);
        Assert.DoesNotContain("will suspend the service", business);
        Assert.Contains("Final demand – DE-4711", business);
    }

    [Fact]
    public void Only_a_language_we_do_not_write_in_gets_English()
    {
        var templates = MessageTemplates.Load(RepositoryRoot.Combine("config", "templates"));
        var values = new Dictionary<string, string> { ["agencyName"] = "A", ["creditorName"] = "C", ["debtorName"] = "D", ["reference"] = "R", ["amount"] = "1", ["agencyPhone"] = "P" };

        Assert.Equal("en", templates.RenderSms("payment-reminder-sms", "fr", values).Language);
        Assert.Equal("en", templates.LanguageFor("fr"));
        Assert.Equal("de", templates.LanguageFor("de-AT"));
        Assert.True(templates.Has(ContactChannel.Sms, "payment-reminder-sms", "en"));
    }

    private static async Task<string> PdfTextAsync(byte[] pdf)
    {
        var path = Path.Combine(Path.GetTempPath(), $"letter-{Guid.NewGuid():N}.pdf");
        await File.WriteAllBytesAsync(path, pdf, Ct);
        try
        {
            using var process = Process.Start(new ProcessStartInfo("pdftotext", ["-layout", path, "-"]) { RedirectStandardOutput = true })!;
            var text = await process.StandardOutput.ReadToEndAsync(Ct);
            await process.WaitForExitAsync(Ct);
            return string.Join(' ', text.Split((char[])[' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
