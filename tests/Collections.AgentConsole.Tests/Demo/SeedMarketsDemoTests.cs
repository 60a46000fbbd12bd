using Collections.Scripts.Selection;
using Collections.Shared.Compliance;
using Collections.Shared.Demo;
using Collections.Shared.Domain;
using NodaTime;
using ScriptModel = Collections.Scripts.Model;

namespace Collections.AgentConsole.Tests.Demo;

/// <summary>The demo serves every seed market: a debtor in Albania, Latvia, Germany, Slovenia and Hungary may be called
/// during their local hours (and not after), an active operator speaks their language, and the call's script is in it.</summary>
public sealed class SeedMarketsDemoTests
{
    // Wednesday 21 October 2026, 08:00 UTC: 10:00 in Tirana, Berlin, Ljubljana and Budapest, 11:00 in Riga.
    private static readonly Instant Morning = Instant.FromUtc(2026, 10, 21, 8, 0);

    private static readonly Lazy<ComplianceEngine> Engine = new(() => ComplianceSetup.CreateEngine(new ComplianceOptions()));

    private static readonly Lazy<ScriptCatalog> Scripts = new(() => ScriptCatalog.Load(Path.Combine(RepoRoot(), "config", "scripts")));

    [Theory]
    [InlineData("AL", "sq")]
    [InlineData("LV", "lv")]
    [InlineData("DE", "de")]
    [InlineData("SI", "sl")]
    [InlineData("HU", "hu")]
    public void A_seed_market_debtor_is_called_in_their_hours_by_an_operator_who_speaks_their_language_with_a_script_in_it(string country, string language)
    {
        var data = DemoDataGenerator.Generate(Morning);
        var callable = data.Accounts
            .Select(a => (Account: a, Debtor: data.Debtors.Single(d => d.Id == a.DebtorId)))
            .Where(x => x.Debtor.CurrentAddress?.Country == country)
            .Select(x => (x.Account, x.Debtor, Subject: new ComplianceSubject
            {
                Account = x.Account,
                Debtor = x.Debtor,
                Ledger = [.. data.ContactAttempts.Where(c => c.AccountId == x.Account.Id)],
                OptOuts = [.. data.OptOuts.Where(o => o.DebtorId == x.Debtor.Id)],
            }))
            .Where(x => Engine.Value.EvaluateChannel(x.Subject, ContactChannel.Call, CampaignContext.Predictive, Morning).Allowed)
            .ToList();
        Assert.True(callable.Count > 0, $"no demo debtor in {country} may be called at {Morning}");

        var (account, debtor, subject) = callable[0];
        var zone = DateTimeZoneProviders.Tzdb[debtor.TimeZoneId ?? Engine.Value.EvaluateChannel(subject, ContactChannel.Call, CampaignContext.Predictive, Morning).Zone!.Primary.Id];
        var evening = new LocalDateTime(2026, 10, 21, 21, 30).InZoneStrictly(zone).ToInstant();
        var late = Engine.Value.EvaluateChannel(subject, ContactChannel.Call, CampaignContext.Predictive, evening);
        Assert.False(late.Allowed);
        Assert.Equal(country, late.Jurisdiction);
        Assert.Equal(new LocalDateTime(2026, 10, 22, 8, 0).InZoneStrictly(zone).ToInstant(), late.NextAllowedAt);

        Assert.Equal(language, debtor.PreferredLanguage);
        Assert.Contains(data.Agents, a => a.Active && a.Speaks(debtor.PreferredLanguage));

        var industry = Enum.TryParse<ScriptModel.Industry>(account.Industry.ToString(), out var parsed) ? parsed : ScriptModel.Industry.Generic;
        var type = debtor.Kind == DebtorKind.Business ? ScriptModel.DebtorType.Business : ScriptModel.DebtorType.Consumer;
        foreach (var stage in Enum.GetValues<ScriptModel.ScriptStage>())
        {
            var pick = Scripts.Value.Select(new ScriptRequest(industry, type, stage, debtor.PreferredLanguage));
            Assert.NotNull(pick);
            Assert.Equal((language, false), (pick.Language, pick.LanguageFellBack));
            Assert.Equal(type, pick.Script.DebtorType);
        }
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Collections.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Collections.sln not found");
    }
}
