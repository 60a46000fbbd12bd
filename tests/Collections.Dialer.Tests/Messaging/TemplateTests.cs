using System.Globalization;
using Collections.Dialer.Messaging.Templates;

namespace Collections.Dialer.Tests.Messaging;

public sealed class TemplateTests
{
    private static readonly MessageTemplates Templates = MessageTemplates.Load("config/templates");

    private static Dictionary<string, string> Values(CultureInfo culture) => new()
    {
        ["debtorName"] = "Anna", ["creditorName"] = "Acme", ["reference"] = "R-1", ["amount"] = new Collections.Shared.Domain.Money(1234.5m, "EUR").Format(culture),
        ["dueDate"] = "1.1.2026", ["agencyName"] = "Agency", ["agencyPhone"] = "+49 30 1", ["agencyEmail"] = "a@b.c",
        ["instalmentNumber"] = "2", ["instalmentAmount"] = "50", ["instalmentDate"] = "1.2.2026",
        ["deadline"] = "15.2.2026", ["settlementAmount"] = "900", ["payBy"] = "15.2.2026",
    };

    public static TheoryData<string, string> DebtorMessagesInEveryLanguage()
    {
        var data = new TheoryData<string, string>();
        foreach (var language in new[] { "sq", "lv", "de", "sl", "hu", "en" })
        {
            foreach (var stage in new[] { "first-reminder", "reminder", "pre-instalment-reminder", "final-demand", "settlement-confirmation", "instalment-plan-confirmation" })
            {
                data.Add(language, stage);
            }
        }

        return data;
    }

    // Every message the strategies and the workflow send to a debtor exists in each of the six languages itself, not by
    // falling back to English: the SMS differs from the English one, the e-mail is rendered from the language's own file.
    [Theory]
    [MemberData(nameof(DebtorMessagesInEveryLanguage))]
    public void Every_debtor_message_is_written_in_every_language(string language, string stage)
    {
        var culture = Templates.CultureFor(language, null);
        var sms = Templates.RenderSms(stage, language, Values(culture));
        var email = Templates.RenderEmail(stage == "final-demand" ? "demand" : stage, language, Values(culture));

        if (language != "en")
        {
            Assert.NotEqual(Templates.RenderSms(stage, "en", Values(culture)).Body.Replace("Reply STOP to opt out.", ""), sms.Body[..^1]);
        }

        Assert.Equal(language, email.Language);
        Assert.DoesNotContain("{", sms.Body + email.Body + email.Subject);
        Assert.Contains("R-1", sms.Body);
    }

    // The SMS the workflow sends beside the follow-up call of a missed instalment (seed 004: "late or missed payments flagged at
    // once") exists in every language; without it the dispatcher fails the entry ("de.yaml: no SMS template 'missed-instalment'").
    [Theory]
    [InlineData("sq")]
    [InlineData("lv")]
    [InlineData("de")]
    [InlineData("sl")]
    [InlineData("hu")]
    [InlineData("en")]
    public void The_missed_instalment_SMS_is_written_in_every_language(string language)
    {
        var culture = Templates.CultureFor(language, null);
        var sms = Templates.RenderSms(Collections.Shared.Workflow.InstalmentWorkflow.MissedStage, language, Values(culture));

        if (language != "en")
        {
            Assert.NotEqual(Templates.RenderSms(Collections.Shared.Workflow.InstalmentWorkflow.MissedStage, "en", Values(culture)).Body.Replace("Reply STOP to opt out.", ""), sms.Body[..^1]);
        }

        Assert.DoesNotContain("{", sms.Body);
        Assert.Contains("R-1", sms.Body);
    }

    [Theory]
    [InlineData("en", "Reply STOP to opt out.", "€1,234.50")]
    [InlineData("de", "Antworten Sie STOPP.", "1.234,50 €")]
    [InlineData("hu", "válaszoljon STOP szöveggel.", "1 234,50 €")]
    [InlineData("lv", "atbildiet STOP.", "1 234,50 €")]
    [InlineData("sl", "odgovorite STOP.", "1.234,50 €")]
    [InlineData("sq", "përgjigjuni NDALO.", "1 234,50 €")]
    public void Every_language_has_both_SMS_stages_ending_with_its_opt_out_notice(string language, string notice, string amount)
    {
        var culture = Templates.CultureFor(language, null);
        var first = Templates.RenderSms("first-reminder", language, Values(culture));
        var instalment = Templates.RenderSms("pre-instalment-reminder", language, Values(culture));

        Assert.Equal(language, first.Language);
        Assert.EndsWith(notice, first.Body);
        Assert.EndsWith(notice, instalment.Body);
        Assert.Contains(amount.Replace(' ', '\u00a0'), first.Body.Replace(' ', '\u00a0').Replace('\u202f', '\u00a0'));
        Assert.DoesNotContain("{", first.Body + instalment.Body);
    }

    [Fact]
    public void A_language_without_a_file_falls_back_to_English_and_the_culture_follows_the_country()
    {
        Assert.Equal("en", Templates.RenderSms("first-reminder", "fr", Values(CultureInfo.InvariantCulture)).Language);
        Assert.Equal("de-AT", Templates.CultureFor("de", "AT").Name);
        Assert.Equal("en-US", Templates.CultureFor("en", "US").Name);
        Assert.Equal("hu-HU", Templates.CultureFor("hu", "AT").Name);
    }

    [Fact]
    public void A_template_with_an_unknown_placeholder_fails_to_load_naming_the_file_and_key()
    {
        var folder = Directory.CreateTempSubdirectory("templates-").FullName;
        File.WriteAllText(Path.Combine(folder, "en.yaml"), "language: en\nculture: en-GB\noptOutNotice: Reply STOP.\nsms:\n  first-reminder: \"Pay {amout} now\"\n");
        var error = Assert.Throws<TemplateException>(() => MessageTemplates.Load(folder));
        Assert.Contains("en.yaml", error.Message);
        Assert.Contains("sms.first-reminder: unknown placeholder {amout}", error.Message);
    }
}
