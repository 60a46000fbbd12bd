using System.ComponentModel.DataAnnotations;
using System.Net.Http.Headers;
using System.Text;
using Collections.Shared.Creditors;
using Collections.Shared.Domain;
using Collections.Shared.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NodaTime;

namespace Collections.Dialer.Outreach.CreditorWebhooks;

/// <summary>Webhook delivery settings, bound from <c>Collections:CreditorApi:Webhooks</c>.</summary>
public sealed class CreditorWebhookOptions
{
    public const string Section = "Collections:CreditorApi:Webhooks";

    /// <summary>Scan for events and deliver them on this node.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Seconds between two rounds (scan, then deliver what is due).</summary>
    [Range(1, 3600)]
    public int IntervalSeconds { get; set; } = 10;

    /// <summary>Seconds before the first retry; each further retry waits twice as long (capped at six hours).</summary>
    [Range(1, 86400)]
    public int RetryBaseSeconds { get; set; } = 30;

    /// <summary>Attempts before an event is given up (marked failed, kept for a person to see).</summary>
    [Range(1, 50)]
    public int MaxAttempts { get; set; } = 10;

    /// <summary>Seconds the creditor's system has to answer one delivery.</summary>
    [Range(1, 120)]
    public int TimeoutSeconds { get; set; } = 10;
}

/// <summary>Delivers the queued webhook events: POSTs each to its creditor's URL, signed (<see cref="CreditorWebhookEvents.Signature"/>),
/// and retries with doubling waits until a 2xx answer or <see cref="CreditorWebhookOptions.MaxAttempts"/>. Events of one creditor
/// go out in the order they happened.</summary>
public sealed partial class CreditorWebhookSender(
    ICollectionsDbContextFactory contexts, IHttpClientFactory clients, IOptions<CreditorWebhookOptions> options, TimeProvider time, ILogger<CreditorWebhookSender> logger)
{
    /// <summary>The name of the HTTP client the sender uses.</summary>
    public const string Client = "creditor-webhooks";

    /// <summary>One round: queue new events, then attempt every delivery that is due; returns how many were delivered.</summary>
    public async Task<int> RunOnceAsync(CancellationToken ct)
    {
        await using (var db = contexts.CreateDbContext())
        {
            await new CreditorWebhookEvents(db, time).QueueNewAsync(ct);
        }

        var delivered = 0;
        await using var work = contexts.CreateDbContext();
        var now = Instant.FromDateTimeOffset(time.GetUtcNow());
        var due = await work.CreditorWebhookDeliveries
            .Where(d => d.Status == WebhookDeliveryStatus.Pending && d.NextAttemptAt <= now)
            .OrderBy(d => d.OccurredAt).Take(200).ToListAsync(ct);
        var hooks = await work.CreditorWebhooks.AsNoTracking().ToDictionaryAsync(h => h.CreditorId, ct);
        var http = clients.CreateClient(Client);
        http.Timeout = TimeSpan.FromSeconds(options.Value.TimeoutSeconds);
        var blocked = new HashSet<CreditorId>();
        foreach (var delivery in due)
        {
            // Once one event of a creditor fails this round, its later events wait too, so they arrive in order.
            if (!hooks.TryGetValue(delivery.CreditorId, out var hook) || blocked.Contains(delivery.CreditorId))
            {
                continue;
            }

            var error = await SendAsync(http, hook, delivery, ct);
            var at = Instant.FromDateTimeOffset(time.GetUtcNow());
            delivery.Attempts++;
            if (error is null)
            {
                delivery.Status = WebhookDeliveryStatus.Delivered;
                delivery.DeliveredAt = at;
                delivery.LastError = null;
                delivered++;
            }
            else
            {
                blocked.Add(delivery.CreditorId);
                delivery.LastError = error.Length > 500 ? error[..500] : error;
                if (delivery.Attempts >= options.Value.MaxAttempts)
                {
                    delivery.Status = WebhookDeliveryStatus.Failed;
                    LogGaveUp(logger, delivery.EventKey, delivery.Attempts, error);
                }
                else
                {
                    var wait = Math.Min(options.Value.RetryBaseSeconds * Math.Pow(2, delivery.Attempts - 1), 6 * 3600);
                    delivery.NextAttemptAt = at + Duration.FromSeconds(wait);
                    LogRetry(logger, delivery.EventKey, delivery.Attempts, wait, error);
                }
            }

            await work.SaveChangesAsync(ct);
        }

        return delivered;
    }

    private async Task<string?> SendAsync(HttpClient http, CreditorWebhook hook, CreditorWebhookDelivery delivery, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, hook.Url)
        {
            Content = new StringContent(delivery.Payload, Encoding.UTF8, new MediaTypeHeaderValue("application/json")),
        };
        request.Headers.Add("Collections-Event", delivery.Type);
        request.Headers.Add("Collections-Delivery", delivery.Id.ToString());
        request.Headers.Add("Collections-Signature", CreditorWebhookEvents.Signature(hook.Secret, time.GetUtcNow().ToUnixTimeSeconds(), delivery.Payload));
        try
        {
            using var response = await http.SendAsync(request, ct);
            return response.IsSuccessStatusCode ? null : $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}";
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            return ex.Message;
        }
    }

    [LoggerMessage(EventId = 5301, Level = LogLevel.Warning, Message = "Webhook {Event} failed (attempt {Attempt}), retried in {Seconds} s: {Error}")]
    private static partial void LogRetry(ILogger logger, string @event, int attempt, double seconds, string error);

    [LoggerMessage(EventId = 5302, Level = LogLevel.Error, Message = "Webhook {Event} given up after {Attempts} attempts: {Error}")]
    private static partial void LogGaveUp(ILogger logger, string @event, int attempts, string error);

    [LoggerMessage(EventId = 5303, Level = LogLevel.Error, Message = "Webhook round failed")]
    internal static partial void LogRoundFailed(ILogger logger, Exception exception);
}

/// <summary>Runs <see cref="CreditorWebhookSender"/> every <see cref="CreditorWebhookOptions.IntervalSeconds"/> seconds.</summary>
internal sealed class CreditorWebhookService(CreditorWebhookSender sender, IOptions<CreditorWebhookOptions> options, TimeProvider time, ILogger<CreditorWebhookSender> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.IntervalSeconds), time);
        do
        {
            try
            {
                await sender.RunOnceAsync(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                CreditorWebhookSender.LogRoundFailed(logger, ex);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }
}

/// <summary>Registers webhook delivery for a host.</summary>
public static class CreditorWebhookSetup
{
    /// <summary>Adds <see cref="CreditorWebhookOptions"/> (validated at start), the sender and, when enabled, its loop.
    /// Needs <c>AddCollectionsDatabase</c>.</summary>
    public static IHostApplicationBuilder AddCreditorWebhooks(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<CreditorWebhookOptions>().BindConfiguration(CreditorWebhookOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddHttpClient(CreditorWebhookSender.Client);
        builder.Services.AddSingleton<CreditorWebhookSender>();
        if (builder.Configuration.GetSection(CreditorWebhookOptions.Section).Get<CreditorWebhookOptions>()?.Enabled ?? true)
        {
            builder.Services.AddHostedService<CreditorWebhookService>();
        }

        return builder;
    }
}
