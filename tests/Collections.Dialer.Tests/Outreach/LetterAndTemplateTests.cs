using System.Diagnostics;
using Collections.Dialer.Messaging.Letters;
using Collections.Dialer.Messaging.Templates;
using Collections.Dialer.Outreach.Dispatch;
using Collections.Dialer.Tests.Messaging;
using Collections.Shared.Domain;
using Collections.Shared.Workflow.Strategies;
using Collections.Testing;

namespace Collections.Dialer.Tests.Outreach;

/// <summary>The texts the dispatcher needs: every template a strategy names, the business final demand, and the rule that
/// only a language we do not write in gets English.</summary>
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
