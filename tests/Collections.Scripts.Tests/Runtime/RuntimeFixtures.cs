using System.Globalization;
using Collections.Scripts.Model;
using Collections.Scripts.Runtime;
using Collections.Scripts.Selection;
using Microsoft.Extensions.Time.Testing;
using NodaTime;

namespace Collections.Scripts.Tests;

internal static class RuntimeFixtures
{
    /// <summary>09:00 UTC on 10 January 2026: 10:00 in Berlin, so "today" for the debtor is 2026-01-10.</summary>
    public static FakeTimeProvider Clock() => new(new DateTimeOffset(2026, 1, 10, 9, 0, 0, TimeSpan.Zero));

    public static readonly LocalDate Today = new(2026, 1, 10);

    public static ScriptContext Context() => new()
    {
        AgentName = "Eva",
        AgencyName = "Danubia Services",
        AgencyPhone = "+49 30 1234567",
        DebtorFirstName = "Anna",
        DebtorLastName = "Kovács",
        CreditorName = "Netz Mobil GmbH",
        AccountReference = "NM-4711",
        Balance = new ScriptMoney(1234.50m, "EUR"),
        DueDate = new LocalDate(2025, 12, 1),
        Culture = CultureInfo.GetCultureInfo("de-DE"),
        TimeZone = DateTimeZoneProviders.Tzdb["Europe/Berlin"],
        InstalmentPolicy = new InstalmentPolicy(MaxInstalments: 6, MinimumInstalment: 100m, MaxDaysToFirstInstalment: 30),
        SettlementConsent = new SettlementConsent(MinimumPercent: 70m, PayByLatest: new LocalDate(2026, 1, 31)),
        MaxDaysToPromise = 30,
    };

    private static readonly Lazy<ScriptCatalog> Shipped = new(() => ScriptCatalog.Load(RepoPaths.ScriptsDirectory));

    public static Script ShippedScript(string id) => Shipped.Value.Scripts.Single(s => s.Id == id);
}
