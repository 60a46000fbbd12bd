using System.ComponentModel.DataAnnotations;
using System.Text.Json.Nodes;
using System.Threading.RateLimiting;
using Collections.Dialer.Outreach.CreditorWebhooks;
using Collections.Shared.Creditors;
using Collections.Shared.Persistence;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.OpenApi;

namespace Collections.AgentConsole.Features.Creditors;

/// <summary>Creditor API settings, bound from <c>Collections:CreditorApi</c>.</summary>
public sealed class CreditorApiOptions
{
    public const string Section = "Collections:CreditorApi";

    /// <summary>Requests per second one key (or one creditor user) may make on average.</summary>
    [Range(1, 100_000)]
    public int RequestsPerSecond { get; set; } = 20;

    /// <summary>Requests one key may make at once above the average (the token bucket's size).</summary>
    [Range(1, 100_000)]
    public int Burst { get; set; } = 40;

    /// <summary>Accounts one placement request may carry; a batch up to the importer's batch (5,000) is one transaction.</summary>
    [Range(1, 5_000)]
    public int MaxAccountsPerRequest { get; set; } = 5_000;
}

/// <summary>An example request and answer body of a creditor API endpoint, shown in the OpenAPI document.</summary>
public sealed record CreditorApiExample(string? Request, string? Response);

/// <summary>The creditor API: key authentication, the Creditor policy, the rate limit per key, OpenAPI examples, and
/// webhook delivery.</summary>
public static class CreditorApiSetup
{
    /// <summary>The policy of every creditor route: a creditor key, or a signed-in user bound to a creditor.</summary>
    public const string Policy = "creditor";

    /// <summary>The rate limit policy of the creditor routes: a token bucket per key (or user).</summary>
    public const string RateLimitPolicy = "creditor-key";

    public static IHostApplicationBuilder AddCreditorApi(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<CreditorApiOptions>().BindConfiguration(CreditorApiOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddScoped(sp => new CreditorKeys(sp.GetRequiredService<CollectionsDbContext>(), sp.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton<AccountsFactory>();
        builder.Services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, CreditorKeyAuthentication>(CreditorKeyAuthentication.SchemeName, null);
        builder.Services.AddAuthorizationBuilder().AddPolicy(Policy, p => p
            .AddAuthenticationSchemes(IdentityConstants.ApplicationScheme, CreditorKeyAuthentication.SchemeName)
            .RequireClaim(CreditorScope.CreditorClaim));

        var limits = builder.Configuration.GetSection(CreditorApiOptions.Section).Get<CreditorApiOptions>() ?? new CreditorApiOptions();
        builder.Services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.OnRejected = (context, _) =>
            {
                // RFC 6585 section 4: 429 may say when to try again.
                context.HttpContext.Response.Headers.RetryAfter = "1";
                return ValueTask.CompletedTask;
            };
            o.AddPolicy(RateLimitPolicy, http => RateLimitPartition.GetTokenBucketLimiter(CreditorScope.CallerOf(http.User), _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = limits.Burst,
                TokensPerPeriod = limits.RequestsPerSecond,
                ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                QueueLimit = 0,
                AutoReplenishment = true,
            }));
        });

        builder.Services.Configure<OpenApiOptions>("v1", o => o.AddOperationTransformer((operation, context, _) =>
        {
            if (context.Description.ActionDescriptor.EndpointMetadata.OfType<CreditorApiExample>().FirstOrDefault() is not { } example)
            {
                return Task.CompletedTask;
            }

            if (example.Request is not null && operation.RequestBody?.Content is { } request && request.TryGetValue("application/json", out var requestType))
            {
                requestType.Example = JsonNode.Parse(example.Request);
            }

            if (example.Response is not null && operation.Responses?.TryGetValue("200", out var ok) == true && ok.Content is { } response && response.TryGetValue("application/json", out var responseType))
            {
                responseType.Example = JsonNode.Parse(example.Response);
            }

            return Task.CompletedTask;
        }));

        builder.AddCreditorWebhooks();
        return builder;
    }
}
