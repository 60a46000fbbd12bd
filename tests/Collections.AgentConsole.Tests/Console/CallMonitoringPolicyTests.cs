using System.Collections.Concurrent;
using Collections.Shared.Contracts;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace Collections.AgentConsole.Tests.Console;

/// <summary>Listen, whisper, barge with the operators' badge policy off and no supervisor's phone registered (a class of its
/// own, so it runs beside <see cref="CallMonitoringTests"/>).</summary>
[Trait("Category", "Integration")]
public sealed class CallMonitoringPolicyTests
{
    private const string Operator = "harriet.collins";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Where the policy does not tell operators, the operator gets no badge while supervisors still see who is on
    /// which call; a supervisor with no phone registered gets the demo phone; the call's end ends the supervisor's leg.</summary>
    [Fact]
    public async Task With_the_policy_off_the_operator_is_not_told_and_the_calls_end_ends_the_supervisors_demo_phone_leg()
    {
        using var console = new KestrelConsole(("Collections:Console:TellOperatorWhenMonitored", "false"));
        var (http, cookie) = await console.SignInAsync(Operator, Ct);
        using var _ = http;
        await using var agentHub = console.Hub(ConsoleHubs.AgentPath, cookie);
        var pop = new TaskCompletionSource<ScreenPopDto>(TaskCreationOptions.RunContinuationsAsynchronously);
        var told = new ConcurrentQueue<MonitoringDto>();
        agentHub.On<ScreenPopDto>(nameof(IAgentClient.ScreenPop), p => pop.TrySetResult(p));
        agentHub.On<MonitoringDto>(nameof(IAgentClient.Monitored), told.Enqueue);
        await agentHub.StartAsync(Ct);
        await agentHub.InvokeAsync<AgentStatusDto>("SetState", AgentState.Ready, null, Ct);

        var (supervisorHttp, supervisorCookie) = await console.SignInAsync("supervisor", Ct);
        using var __ = supervisorHttp;
        await using var board = console.Hub(ConsoleHubs.SupervisorPath, supervisorCookie);
        var seen = new ConcurrentQueue<MonitoringDto>();
        board.On<MonitoringDto>(nameof(ISupervisorClient.Monitoring), seen.Enqueue);
        await board.StartAsync(Ct);
        var call = await pop.Task.WaitAsync(TimeSpan.FromSeconds(90), Ct);

        await Assert.ThrowsAsync<HubException>(() => board.InvokeAsync<MonitoringDto>("Monitor", Guid.NewGuid(), MonitorMode.Listen, Ct));
        var joined = await board.InvokeAsync<MonitoringDto>("Monitor", call.CallId, MonitorMode.Whisper, Ct);
        Assert.Equal((MonitorMode?)MonitorMode.Whisper, joined.Mode);
        Assert.Equal("DemoPhone", joined.Phone);   // extension 1090 is not registered in this run
        Assert.Equal(joined, Assert.Single(await board.InvokeAsync<IReadOnlyList<MonitoringDto>>("Monitorings", Ct)));
        Assert.Null(await agentHub.InvokeAsync<MonitoringDto?>("Monitoring", Ct));

        // The operator ends the call: the supervisor's leg goes with it, and the wallboards are told.
        await agentHub.InvokeAsync<OutcomeSavedDto>("SaveOutcome", new SaveOutcomeDto(call.CallId, call.Account.Id, "RefusedToPay", "policy off"), Ct);
        await CallMonitoringTests.WaitForAsync(() => seen.Any(m => m.CallId == call.CallId && m.Mode is null), "the supervisors were not told the monitoring ended with the call");
        Assert.Empty(await board.InvokeAsync<IReadOnlyList<MonitoringDto>>("Monitorings", Ct));
        Assert.Empty(told);
        var entries = await CallMonitoringTests.WaitForAuditAsync(console, 2);
        Assert.Equal([$"call monitoring: whisper (call {call.CallId:D})", $"call monitoring: left (call {call.CallId:D})"], entries.Select(e => e.Detail));
    }
}
