using System.Text.Json;
using Collections.Dialer.Hopper;
using Collections.Shared.Domain;
using Collections.Testing;
using Microsoft.Extensions.Configuration;
using NodaTime;

namespace Collections.Dialer.Tests.Hopper;

/// <summary>The <c>hopper peek</c> verb against a migrated SQLite file.</summary>
public sealed class HopperCommandTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<(HopperWorld World, IConfiguration Configuration)> Setup()
    {
        var world = await HopperWorld.CreateAsync(await TestDatabases.NewSqlite().MigrateAsync());
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Collections:Database:Provider"] = "Sqlite",
            ["Collections:Database:ConnectionString"] = world.Database.ConnectionString,
            ["Collections:Hopper:PurposePriorities:promise-follow-up"] = "40",
        }).Build();
        return (world, configuration);
    }

    private static async Task<(int Exit, List<JsonElement> Lines, string Stderr)> Run(IConfiguration configuration, HopperWorld world, string? campaign, int limit, string? at)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = await HopperCommand.PeekAsync(new HopperCommand.PeekArguments(campaign, limit, at), configuration, world.Clock, stdout, stderr, Ct);
        var lines = stdout.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
        return (exit, lines, stderr.ToString());
    }

    [Fact]
    public async Task Peek_prints_the_next_queued_calls_best_first_with_their_purpose_and_reason()
    {
        var (world, configuration) = await Setup();
        var plain = world.NewAccount("PLAIN", dueAgo: TimeSpan.FromDays(1));
        var urgent = world.NewAccount("URGENT", purpose: ContactPurpose.PromiseFollowUp);
        var third = world.NewAccount("THIRD", dueAgo: TimeSpan.FromHours(2));
        await world.SaveAsync([plain, urgent, third]);

        var (exit, lines, stderr) = await Run(configuration, world, "Telecom DE", 2, null);

        Assert.True(exit == 0, stderr);
        Assert.Equal(["URGENT", "PLAIN"], lines.Select(l => l.GetProperty("account").GetString()));
        var first = lines[0];
        Assert.Equal("Telecom DE", first.GetProperty("campaign").GetString());
        Assert.Equal(40, first.GetProperty("priority").GetInt32());
        Assert.Equal("Tue 10:00", first.GetProperty("localHour").GetString());
        Assert.Equal(1, first.GetProperty("phonePriority").GetInt32());
        // Numbers are masked to their last three digits.
        Assert.EndsWith(urgent.Phone(1)[^3..], first.GetProperty("phone").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("***", first.GetProperty("phone").GetString(), StringComparison.Ordinal);
        Assert.Contains("purpose promise-follow-up +40", first.GetProperty("reason").GetString(), StringComparison.Ordinal);
        // The queue entry the call would carry out, and why it is made.
        Assert.Equal("promise-follow-up", first.GetProperty("purpose").GetString());
        Assert.Equal(urgent.Call.Id, first.GetProperty("scheduledContactId").GetGuid());
        Assert.Equal("strategy-step", lines[1].GetProperty("purpose").GetString());
        Assert.Equal(JsonValueKind.Null, first.GetProperty("retryAt").ValueKind);

        // Peeking claims nothing: a node can still claim all three.
        Assert.Equal(3, (await world.Hopper().ClaimAsync(world.Campaign, 10, Ct)).Count);
    }

    [Fact]
    public async Task Peek_at_an_instant_outside_calling_hours_prints_nothing_and_bad_input_exits_2()
    {
        var (world, configuration) = await Setup();
        await world.SaveAsync([world.NewAccount("ONE")]);

        // 21:00 in Berlin is after the DE pack's 20:00.
        var (exit, lines, _) = await Run(configuration, world, null, 5, "2026-03-10T20:00:00Z");
        Assert.Equal(0, exit);
        Assert.Empty(lines);

        var unknown = await Run(configuration, world, "Nope", 5, null);
        Assert.Equal(2, unknown.Exit);
        Assert.Contains("unknown campaign 'Nope'", unknown.Stderr, StringComparison.Ordinal);
        Assert.Equal(2, (await Run(configuration, world, null, 0, null)).Exit);
        Assert.Equal(2, (await Run(configuration, world, null, 5, "tomorrow")).Exit);
    }
}
