using Collections.AgentConsole.Features.Calls;
using Collections.AgentConsole.Features.Floor;
using Collections.Shared.Contracts;
using Collections.Shared.Domain;
using Collections.Shared.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Collections.AgentConsole.Features.Demo;

/// <summary>A few simulated operators keep the demo wallboard busy (docs/console.md): they go ready, take the dialer's
/// calls, talk, save a plain outcome (no promise: nothing a person would have to honour), wrap up and now and then take a break after a call.
/// They are chosen so that every debtor's language is spoken (<see cref="DemoOperatorChoice"/>); a person who signs in as one of
/// them takes over at once.</summary>
public sealed partial class DemoOperators(
    AgentFloor floor,
    ICallEvents dialer,
    OutcomeWriter outcomes,
    ICollectionsDbContextFactory databases,
    TimeProvider time,
    IOptions<DemoCallOptions> options,
    IOptions<DemoOptions> demo,
    ILogger<DemoOperators> logger,
    Dialing.OperatorDesk? desk = null) : BackgroundService
{
    // What a simulated operator saves when it does not walk the script: no wrong numbers (the workflow would never dial that
    // number again, and the demo would run out of numbers), rarely "paid already" (the workflow holds the case for the bank).
    private static readonly DispositionCode[] Outcomes =
        [DispositionCode.NoContact, DispositionCode.NoContact, DispositionCode.RefusedToPay, DispositionCode.RefusedToPay, DispositionCode.LeftMessage, DispositionCode.LeftMessage, DispositionCode.PaidAlready];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var count = options.Value.SimulatedOperators;
        if (count == 0 || !options.Value.Enabled || !demo.Value.Enabled)
        {
            return;
        }

        IReadOnlyList<Agent> agents;
        try
        {
            await using var db = databases.CreateDbContext();
            var active = await db.Agents.AsNoTracking().Where(a => a.Active).ToListAsync(stoppingToken);
            var languages = await db.Debtors.AsNoTracking().Where(d => d.ErasedAt == null).Select(d => d.PreferredLanguage).ToListAsync(stoppingToken);
            agents = DemoOperatorChoice.Pick(active, languages, count);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogFailed(logger, "(start)", ex);
            return;
        }

        LogStarted(logger, string.Join(", ", agents.Select(a => a.Login)));
        await Task.WhenAll(agents.Select((a, i) => RunAsync(a, new Random(options.Value.Seed + i), stoppingToken)));
    }

    private async Task RunAsync(Agent agent, Random random, CancellationToken ct)
    {
        floor.Connect(agent.Id, agent.DisplayName, agent.LanguageList);
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(random.Next(2, 8)), time, ct);
                if (floor.Connections(agent.Id) > 1)
                {
                    continue;   // a person is signed in as this operator: hands off
                }

                var status = floor.Status(agent.Id);
                switch (status?.State)
                {
                    case AgentState.LoggedOut or AgentState.Paused:
                        floor.Request(agent.Id, AgentState.Ready, null);
                        break;
                    case AgentState.Ready when desk?.OfferOf(agent.Id) is { } preview:
                        // A preview campaign shows an account: the simulated operator reads it for a moment and dials.
                        desk.Answer(agent.Id, preview.OfferId, dial: true, null);
                        break;
                    case AgentState.OnCall when floor.CurrentCall(agent.Id) is { } call:
                        await Task.Delay(TimeSpan.FromSeconds(random.Next(15, 75)), time, ct);
                        if (floor.Connections(agent.Id) == 1)
                        {
                            await outcomes.SaveAsync(call, Outcomes[random.Next(Outcomes.Length)], "simulated operator", ct);
                            await dialer.HangUpAsync(call.CallId, ct);
                        }

                        break;
                    case AgentState.WrapUp:
                        await Task.Delay(TimeSpan.FromSeconds(random.Next(3, 12)), time, ct);
                        if (floor.Connections(agent.Id) == 1)
                        {
                            if (floor.CurrentCall(agent.Id) is { OutcomeSaved: false } open)
                            {
                                await outcomes.SaveAsync(open, Outcomes[random.Next(Outcomes.Length)], "simulated operator", ct);
                            }

                            // Now and then a break after a call (not while ready: the dialer may be holding them for a line).
                            if (random.Next(12) == 0)
                            {
                                floor.Request(agent.Id, AgentState.Paused, random.Next(2) == 0 ? "Break" : "Coaching");
                                await Task.Delay(TimeSpan.FromSeconds(random.Next(20, 60)), time, ct);
                            }

                            floor.Request(agent.Id, AgentState.Ready, null);
                        }

                        break;
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogFailed(logger, agent.Login, ex);
            }
        }
    }

    [LoggerMessage(EventId = 2503, Level = LogLevel.Information, Message = "Simulated demo operators: {Logins} (sign in as one to take over)")]
    private static partial void LogStarted(ILogger logger, string logins);

    [LoggerMessage(EventId = 2504, Level = LogLevel.Warning, Message = "Simulated operator {Login} failed a step")]
    private static partial void LogFailed(ILogger logger, string login, Exception ex);
}
