using Collections.Shared.Compliance;
using Collections.Shared.Domain;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using static Collections.Shared.Tests.Compliance.ComplianceTestData;

namespace Collections.Shared.Tests.Compliance;

/// <summary>How the debtor's zone is chosen, and that the shipped packs load and cite a source for every rule.</summary>
public sealed class ZoneAndPackTests
{
    [Fact]
    public void Stored_time_zone_wins()
    {
        var debtor = Debtor("US", UsMobile, timeZoneId: "America/Los_Angeles");
        var zone = DebtorZoneResolver.Resolve(debtor)!;
        Assert.Equal(["America/Los_Angeles"], zone.Zones.Select(z => z.Id));
        Assert.Equal("US", zone.Country);
    }

    [Fact]
    public void Single_zone_country_of_the_current_address_is_used()
    {
        var debtor = Debtor("DE", UkMobile);
        var zone = DebtorZoneResolver.Resolve(debtor)!;
        Assert.Equal(["Europe/Berlin"], zone.Zones.Select(z => z.Id));
        Assert.Equal("DE", zone.Country);
    }

    [Fact]
    public void Several_zone_country_is_narrowed_by_the_phone_area_code()
    {
        // A 212 number is in New York City: the US address alone would leave every US zone.
        var debtor = Debtor("US", UsMobile);
        var zone = DebtorZoneResolver.Resolve(debtor)!;
        Assert.Equal(["America/New_York"], zone.Zones.Select(z => z.Id));
    }

    [Fact]
    public void Without_an_address_the_phone_region_decides()
    {
        var debtor = Debtor("HU", "+36301234567");
        debtor.Addresses.Clear();
        var zone = DebtorZoneResolver.Resolve(debtor)!;
        Assert.Equal("HU", zone.Country);
        Assert.Equal(["Europe/Budapest"], zone.Zones.Select(z => z.Id));
    }

    [Fact]
    public void Ambiguous_zones_require_the_window_in_every_zone()
    {
        // A US address with a non-US number: every US zone is kept, so 08:00 in New York (05:00 in Los Angeles) is refused.
        var debtor = Debtor("US", UkMobile, kind: PhoneKind.Landline);
        var account = Account(debtor);
        var decision = Engine.Evaluate(Subject(debtor, account), new ContactTarget(ContactChannel.Call, UkMobile), CampaignContext.Predictive, Local(NewYork, 2026, 1, 6, 8));
        Assert.True(decision.Zone!.Zones.Count > 3);
        Assert.False(decision.Allowed);
        Assert.NotNull(decision.NextAllowedAt);
        Assert.True(Engine.Evaluate(Subject(debtor, account), new ContactTarget(ContactChannel.Call, UkMobile), CampaignContext.Predictive, decision.NextAllowedAt!.Value).Allowed);
    }

    [Fact]
    public void Debtor_in_a_country_without_a_pack_is_refused()
    {
        var debtor = Debtor("FR", "+33612345678");
        var decision = Engine.Evaluate(Subject(debtor, Account(debtor)), new ContactTarget(ContactChannel.Call, "+33612345678"), CampaignContext.Manual, Instant.FromUtc(2026, 1, 6, 10, 0));
        Assert.False(decision.Allowed);
        Assert.Equal("jurisdiction", Assert.Single(decision.Rules).Rule);
    }

    [Fact]
    public void Shipped_packs_cover_us_gb_de_hu_and_every_rule_cites_a_source()
    {
        var packs = Engine.Packs;
        foreach (var code in new[] { "US", "GB", "DE", "HU" })
        {
            Assert.True(packs.ContainsKey(code), $"no pack for {code}");
        }

        Assert.All(packs.Values.SelectMany(p => p.Rules), r => Assert.False(string.IsNullOrWhiteSpace(r.Source)));
        Assert.Equal(0.03, packs["GB"].Abandonment!.MaxRate);
        Assert.Equal(24, packs["GB"].Abandonment!.WindowHours);
    }

    [Fact]
    public void Pack_without_a_source_is_rejected_naming_file_and_rule()
    {
        const string yaml = """
            jurisdiction: US
            rules:
              - id: no-source
                kind: hold
                channels: [call]
            """;
        var ex = Assert.Throws<RulePackException>(() => RulePackLoader.Parse(yaml, "bad.yaml"));
        Assert.Contains("bad.yaml", ex.Message, StringComparison.Ordinal);
        Assert.Contains("no-source", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Pack_with_a_malformed_window_is_rejected()
    {
        const string yaml = """
            jurisdiction: US
            rules:
              - id: hours
                kind: callingHours
                source: test
                channels: [call]
                windows:
                  monday: ["21:00-08:00"]
            """;
        var ex = Assert.Throws<RulePackException>(() => RulePackLoader.Parse(yaml, "bad.yaml"));
        Assert.Contains("21:00-08:00", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Host_with_a_missing_pack_folder_stops_at_start_naming_the_key()
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Configuration["Collections:Compliance:RulePackDirectory"] = Path.Combine(Path.GetTempPath(), "no-such-packs-" + Guid.NewGuid().ToString("N"));
        builder.AddCompliance();
        using var host = builder.Build();
        var ex = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<ComplianceOptions>>().Value);
        Assert.Contains("Collections:Compliance:RulePackDirectory", ex.Message, StringComparison.Ordinal);
    }
}
