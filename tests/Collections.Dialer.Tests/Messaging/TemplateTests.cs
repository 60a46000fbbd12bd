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
    };

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
