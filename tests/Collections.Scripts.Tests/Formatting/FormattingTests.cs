using System.Globalization;
using Collections.Scripts.Formatting;
using Collections.Scripts.Runtime;
using NodaTime;

namespace Collections.Scripts.Tests.Formatting;

public sealed class FormattingTests
{
    private const char Nbsp = '\u00A0';

    [Fact]
    public void Money_EuroInGerman_UsesGermanSeparatorsAndEuroSign() =>
        Assert.Equal("1.234,50 €", MoneyFormatter.Format(new ScriptMoney(1234.5m, "EUR"), CultureInfo.GetCultureInfo("de-DE")));

    [Fact]
    public void Money_ForintInHungarian_UsesFtAndSpaceGrouping() =>
        Assert.Equal($"1{Nbsp}234{Nbsp}567,00 Ft", MoneyFormatter.Format(new ScriptMoney(1234567m, "HUF"), CultureInfo.GetCultureInfo("hu-HU")));

    [Fact]
    public void Money_DollarInGerman_KeepsGermanFormatWithDollarSign() =>
        Assert.Equal("1.234,50 $", MoneyFormatter.Format(new ScriptMoney(1234.5m, "USD"), CultureInfo.GetCultureInfo("de-DE")));

    [Fact]
    public void Money_DollarInUs() =>
        Assert.Equal("$1,234.50", MoneyFormatter.Format(new ScriptMoney(1234.5m, "usd"), CultureInfo.GetCultureInfo("en-US")));

    [Fact]
    public void Money_YenHasNoMinorUnits()
    {
        var text = MoneyFormatter.Format(new ScriptMoney(1234.5m, "JPY"), CultureInfo.GetCultureInfo("en-US"));

        Assert.EndsWith("1,235", text, StringComparison.Ordinal);
        Assert.DoesNotContain(".", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Money_EuroInLatvianAndSlovenian() =>
        Assert.Equal(
            ($"1{Nbsp}234,50 €", "1.234,50 €"),
            (MoneyFormatter.Format(new ScriptMoney(1234.5m, "EUR"), CultureInfo.GetCultureInfo("lv-LV")),
             MoneyFormatter.Format(new ScriptMoney(1234.5m, "EUR"), CultureInfo.GetCultureInfo("sl-SI"))));

    [Fact]
    public void Date_GermanLongForm() =>
        Assert.Equal("Montag, 1. Dezember 2025", TextRenderer.FormatDate(new LocalDate(2025, 12, 1), CultureInfo.GetCultureInfo("de-DE")));

    [Fact]
    public void Render_FillsPlaceholdersInTheDebtorsLocale()
    {
        var context = RuntimeFixtures.Context() with { Culture = CultureInfo.GetCultureInfo("de-DE") };

        var rendered = TextRenderer.Render("{debtor.firstName}, offen sind {account.balance} seit {account.dueDate}.", context, rightPartyVerified: true);

        Assert.Equal("Anna, offen sind 1.234,50 € seit Montag, 1. Dezember 2025.", rendered.Text);
        Assert.Empty(rendered.Missing);
    }

    [Fact]
    public void Render_MissingValue_IsMarkedAndListed()
    {
        var rendered = TextRenderer.Render("Next: {instalment.amount}", RuntimeFixtures.Context(), rightPartyVerified: true);

        Assert.Equal("Next: [instalment.amount]", rendered.Text);
        Assert.Equal(["instalment.amount"], rendered.Missing);
    }

    [Fact]
    public void Render_DebtPlaceholderBeforeVerification_IsRefused()
    {
        var error = Assert.Throws<InvalidOperationException>(() => TextRenderer.Render("You owe {account.balance}", RuntimeFixtures.Context(), rightPartyVerified: false));

        Assert.Contains("1692c(b)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_NonDebtPlaceholderBeforeVerification_IsAllowed() =>
        Assert.Equal("Hello Anna Kovács", TextRenderer.Render("Hello {debtor.firstName} {debtor.lastName}", RuntimeFixtures.Context(), rightPartyVerified: false).Text);
}
