using Collections.Dialer.Hopper;
using Collections.Shared.Domain;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Collections.Dialer.Tests.Hopper;

/// <summary>Hopper options: bound from <c>Collections:Hopper</c>, a bad value stops with a message naming the key.</summary>
public sealed class HopperOptionsTests
{
    private static IConfiguration Config(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>($"Collections:Hopper:{v.Key}", v.Value))).Build();

    [Fact]
    public void Retry_rules_and_priorities_bind_over_the_defaults()
    {
        var options = HopperSetup.ReadOptions(Config(("Retry:Busy:Delay", "00:05:00"), ("StrategyPriorities:vip", "50"), ("LeaseDuration", "00:02:00")));
        Assert.Equal(TimeSpan.FromMinutes(5), options.RetryFor(ContactOutcome.Busy).Delay);
        Assert.True(options.RetryFor(ContactOutcome.Busy).SameNumber);
        // Defaults not named in configuration stay: no answer waits two hours and moves to the next number.
        Assert.Equal(TimeSpan.FromHours(2), options.RetryFor(ContactOutcome.NoAnswer).Delay);
        Assert.False(options.RetryFor(ContactOutcome.NoAnswer).SameNumber);
        Assert.Equal(50, options.StrategyPriorities["vip"]);
        Assert.Equal(20, options.PurposePriorities["pre-instalment"]);
        Assert.Equal(30, options.PriorityOf(ContactPurpose.Callback));
        Assert.Equal(0, options.PriorityOf(ContactPurpose.StrategyStep));
        Assert.Equal(TimeSpan.FromMinutes(2), options.LeaseDuration);
    }

    [Theory]
    [InlineData("Retry:NoAnswer:Delay", "-00:01:00", "Collections:Hopper:Retry:NoAnswer:Delay")]
    [InlineData("LeaseDuration", "00:00:00", "Collections:Hopper:LeaseDuration")]
    [InlineData("PageSize", "1", "Collections:Hopper:PageSize")]
    [InlineData("PurposePriorities:call-back", "10", "Collections:Hopper:PurposePriorities:call-back")]
    [InlineData("RefusalDelay", "00:00:00", "Collections:Hopper:RefusalDelay")]
    public void A_bad_value_names_its_key(string key, string value, string named)
    {
        var ex = Assert.Throws<OptionsValidationException>(() => HopperSetup.ReadOptions(Config((key, value))));
        Assert.Contains(named, ex.Message, StringComparison.Ordinal);
    }
}
