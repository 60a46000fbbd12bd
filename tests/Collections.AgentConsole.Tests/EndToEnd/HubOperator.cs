using System.Diagnostics;
using System.Threading.Channels;
using Collections.Shared.Contracts;
using Microsoft.AspNetCore.SignalR.Client;

namespace Collections.AgentConsole.Tests.EndToEnd;

/// <summary>An operator working through the agent hub as the page does (typed calls by name, the same DTOs): signs in, goes
/// ready, receives screen-pops, walks the script and saves the outcome.</summary>
internal sealed class HubOperator : IAsyncDisposable
{
    private readonly HttpClient _http;
    private readonly HubConnection _hub;
    private readonly Channel<ScreenPopDto> _pops = Channel.CreateUnbounded<ScreenPopDto>();

    private HubOperator(string login, HttpClient http, HubConnection hub)
    {
        Login = login;
        _http = http;
        _hub = hub;
        _hub.On<ScreenPopDto>(nameof(IAgentClient.ScreenPop), pop => _pops.Writer.TryWrite(pop));
    }

    public string Login { get; }

    /// <summary>Every screen-pop this operator received, in order.</summary>
    public List<ScreenPopDto> Received { get; } = [];

    public static async Task<HubOperator> ConnectAsync(CollectionWorld world, string login, CancellationToken ct)
    {
        var (http, cookie) = await world.SignInAsync(login, ct);
        var hub = new HubConnectionBuilder().WithUrl(new Uri(world.BaseAddress, ConsoleHubs.AgentPath), o => o.Headers["Cookie"] = cookie).Build();
        var op = new HubOperator(login, http, hub);
        await hub.StartAsync(ct);
        return op;
    }

    public Task<AgentStatusDto> ReadyAsync(CancellationToken ct) => _hub.InvokeAsync<AgentStatusDto>("SetState", AgentState.Ready, null, ct);

    public Task<AgentStatusDto> PauseAsync(CancellationToken ct) => _hub.InvokeAsync<AgentStatusDto>("SetState", AgentState.Paused, "Break", ct);

    /// <summary>The next screen-pop, waiting up to <paramref name="timeout"/> (a wait on a loaded machine, not a speed limit).</summary>
    public async Task<ScreenPopDto> NextPopAsync(TimeSpan timeout, CancellationToken ct, Func<string>? context = null)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(ct);
        wait.CancelAfter(timeout);
        try
        {
            var pop = await _pops.Reader.ReadAsync(wait.Token);
            Received.Add(pop);
            return pop;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            Assert.Fail($"{Login} got no call within {timeout.TotalSeconds:0} s. {context?.Invoke()}");
            throw;
        }
    }

    /// <summary>The next screen-pop any of <paramref name="operators"/> receives.</summary>
    public static async Task<(HubOperator Operator, ScreenPopDto Pop)> NextPopOfAnyAsync(IReadOnlyList<HubOperator> operators, TimeSpan timeout, CancellationToken ct, Func<string>? context = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            foreach (var op in operators)
            {
                if (op._pops.Reader.TryRead(out var pop))
                {
                    op.Received.Add(pop);
                    return (op, pop);
                }
            }

            await Task.Delay(100, ct);
        }

        Assert.Fail($"none of {string.Join(", ", operators.Select(o => o.Login))} got a call within {timeout.TotalSeconds:0} s. {context?.Invoke()}");
        throw new UnreachableException();
    }

    /// <summary>True when a screen-pop arrived that was not read yet.</summary>
    public bool HasPendingPop => _pops.Reader.TryPeek(out _);

    /// <summary>Chooses the answers in order, each from the node the previous one led to.</summary>
    public async Task<ScriptViewDto> AnswerAsync(Guid callId, CancellationToken ct, params string[] answers)
    {
        ScriptViewDto? view = null;
        foreach (var answer in answers)
        {
            view = await _hub.InvokeAsync<ScriptViewDto>("Choose", callId, answer, ct);
        }

        return view!;
    }

    public Task<ScriptViewDto> ActAsync(Guid callId, ScriptActionDto action, CancellationToken ct) => _hub.InvokeAsync<ScriptViewDto>("Act", callId, action, ct);

    public Task<OutcomeSavedDto> SaveAsync(ScreenPopDto pop, string disposition, string note, CancellationToken ct) =>
        _hub.InvokeAsync<OutcomeSavedDto>("SaveOutcome", new SaveOutcomeDto(pop.CallId, pop.Account.Id, disposition, note), ct);

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _hub.DisposeAsync();
        }
        catch (Exception ex) when (ex is HttpRequestException or InvalidOperationException or OperationCanceledException)
        {
            // The host may be gone (killed by the test): nothing to close.
        }

        _http.Dispose();
    }
}
