using System.ComponentModel.DataAnnotations;
using System.Text.Json.Nodes;
using System.Threading.RateLimiting;
using Collections.Dialer.Outreach.CreditorWebhooks;
using Collections.Shared.Creditors;
using Collections.Shared.Persistence;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.Options;

namespace Collections.AgentConsole.Features.Creditors;

/// <summary>Creditor API settings, bound from <c>Collections:CreditorApi</c>.</summary>
public sealed class CreditorApiOptions
{
    public const string Section = "Collections:CreditorApi";

    /// <summary>Requests one key (or one creditor user) may make per <see cref="PeriodSeconds"/> on average.</summary>
    [Range(1, 100_000)]
    public int RequestsPerPeriod { get; set; } = 20;

    /// <summary>The period the average is taken over, in seconds.</summary>
    [Range(1, 86_400)]
    public int PeriodSeconds { get; set; } = 1;

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

        builder.Services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.OnRejected = (context, _) =>
            {
                // RFC 6585 section 4: 429 may say when to try again (RFC 9110 section 10.2.3: in seconds).
                var wait = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? Math.Max(1, (int)Math.Ceiling(after.TotalSeconds)) : 1;
                context.HttpContext.Response.Headers.RetryAfter = wait.ToString(System.Globalization.CultureInfo.InvariantCulture);
                return ValueTask.CompletedTask;
            };
            // The options are read when a caller's bucket is made (not while the host is composed), so they are the bound ones.
            o.AddPolicy(RateLimitPolicy, http => RateLimitPartition.GetTokenBucketLimiter(CreditorScope.CallerOf(http.User),
                _ => Bucket(http.RequestServices.GetRequiredService<IOptions<CreditorApiOptions>>().Value)));
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

    private static TokenBucketRateLimiterOptions Bucket(CreditorApiOptions limits) => new()
    {
        TokenLimit = limits.Burst,
        TokensPerPeriod = limits.RequestsPerPeriod,
        ReplenishmentPeriod = TimeSpan.FromSeconds(limits.PeriodSeconds),
        QueueLimit = 0,
        AutoReplenishment = true,
    };
}
