using System.Security.Claims;
using Collections.AgentConsole.Features.Auth;
using Collections.AgentConsole.Features.Floor;
using Collections.Shared.Contracts;
using Collections.Shared.Domain;
using Collections.Shared.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Collections.AgentConsole.Features.Calls;

/// <summary>The console's call features: the floor, the router of the dialer's events, the agent hub and its REST twins.</summary>
public static class CallsApi
{
    public static IHostApplicationBuilder AddCalls(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ConsoleOptions>().BindConfiguration(ConsoleOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddScriptCatalog();
        builder.Services.AddSingleton<IFloorEvents, HubFloorEvents>();
        builder.Services.AddSingleton<AgentFloor>();
        builder.Services.AddSingleton<IAgentAvailability>(sp => sp.GetRequiredService<AgentFloor>());
        builder.Services.AddSingleton<ScreenPopBuilder>();
        builder.Services.AddSingleton<OutcomeWriter>();
        builder.Services.AddSingleton<CallbackQueries>();
        builder.Services.AddSingleton<CallRouter>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<CallRouter>());
        return builder;
    }

    public static IEndpointRouteBuilder MapCallsApi(this IEndpointRouteBuilder app)
    {
        app.MapHub<AgentHub>(ConsoleHubs.AgentPath);
        var group = app.MapGroup("/api").WithTags("Calls").RequireAuthorization();

        // An operator reads only the account on their current call; supervisors and administrators read any.
        group.MapGet("/accounts/{id:guid}", async Task<Results<Ok<AccountDto>, NotFound, ForbidHttpResult>> (Guid id, ClaimsPrincipal user, AgentFloor floor, ScreenPopBuilder pops, CancellationToken ct) =>
        {
            if (!AccountAccess.MayRead(user, floor, id))
            {
                return TypedResults.Forbid();
            }

            var loaded = await pops.LoadAsync(new AccountId(id), ct);
            return loaded is null ? TypedResults.NotFound() : TypedResults.Ok(loaded.Account);
        });

        // Operators find accounts to dial by hand (name, reference, phone, e-mail, postal code); supervisors too.
        group.MapGet("/search", async Task<Results<Ok<IReadOnlyList<AccountHitDto>>, ValidationProblem>> (string? q, ICollectionsDbContextFactory databases, CancellationToken ct) =>
        {
            await using var db = databases.CreateDbContext();
            var (hits, error) = await AccountSearch.FindAsync(db, q, ct);
            return error is null
                ? TypedResults.Ok<IReadOnlyList<AccountHitDto>>([.. hits.Select(AgentHub.ToDto)])
                : TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["q"] = [error] });
        });

        group.MapGet("/callbacks", async Task<Results<Ok<IReadOnlyList<CallbackDto>>, ForbidHttpResult>> (ClaimsPrincipal user, CallbackQueries callbacks, CancellationToken ct) =>
            AuthSetup.AgentIdOf(user) is { } agent
                ? TypedResults.Ok(await callbacks.ForAsync(agent, ct))
                : TypedResults.Forbid());
        return app;
    }
}
