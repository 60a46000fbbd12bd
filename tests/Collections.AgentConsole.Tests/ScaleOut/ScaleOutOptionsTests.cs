using Collections.AgentConsole.Features.ScaleOut;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Collections.AgentConsole.Tests.ScaleOut;

/// <summary>A malformed backplane setting stops the host at start and names the key.</summary>
public sealed class ScaleOutOptionsTests
{
    [Theory]
    [InlineData("127.0.0.1:6379,nosuchoption=1", "Collections:SignalR:Redis")]
    [InlineData(",", "Collections:SignalR:Redis")]
    [InlineData("127.0.0.1:6379,connectTimeout=soon", "Collections:SignalR:Redis")]
    public async Task A_malformed_setting_stops_the_host_naming_the_key(string redis, string key)
    {
        using var host = Build(("Collections:SignalR:Redis", redis));
        var refused = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(TestContext.Current.CancellationToken));
        Assert.Contains(key, refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("nosuchoption=1", refused.Message, StringComparison.Ordinal);   // the value may hold a password
    }

    [Fact]
    public async Task An_empty_channel_prefix_is_refused()
    {
        using var host = Build(("Collections:SignalR:ChannelPrefix", " "));
        var refused = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(TestContext.Current.CancellationToken));
        Assert.Contains("Collections:SignalR:ChannelPrefix", refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("00:00:01")]
    [InlineData("01:00:00")]
    public async Task A_wallboard_node_timeout_outside_2_s_to_5_min_is_refused(string timeout)
    {
        using var host = Build(("Collections:SignalR:WallboardNodeTimeout", timeout));
        var refused = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(TestContext.Current.CancellationToken));
        Assert.Contains("Collections:SignalR:WallboardNodeTimeout", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_node_name_defaults_to_the_hoppers_node_id()
    {
        using var host = Build(("Collections:Hopper:NodeId", "node-7"));
        Assert.Equal("node-7", host.Services.GetRequiredService<IOptions<SignalRScaleOutOptions>>().Value.NodeName);
        using var named = Build(("Collections:Hopper:NodeId", "node-7"), ("Collections:SignalR:NodeName", "floor-2"));
        Assert.Equal("floor-2", named.Services.GetRequiredService<IOptions<SignalRScaleOutOptions>>().Value.NodeName);
    }

    [Fact]
    public void The_redis_configuration_carries_the_prefix_survives_redis_being_down_at_start_and_fails_sends_fast()
    {
        var configuration = RedisBackplane.Configuration(new SignalRScaleOutOptions { Redis = "10.0.0.5:6380,password=secret", ChannelPrefix = "site-b" });
        Assert.Equal("10.0.0.5:6380", Assert.Single(configuration.EndPoints).ToString());
        Assert.Equal("site-b", configuration.ChannelPrefix.ToString());
        Assert.False(configuration.AbortOnConnectFail);
        Assert.Same(StackExchange.Redis.BacklogPolicy.FailFast, configuration.BacklogPolicy);
        Assert.Equal("secret", configuration.Password);
    }

    private static IHost Build(params (string Key, string Value)[] settings)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value)));
        builder.AddScaleOut();
        return builder.Build();
    }
}
