using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Collections.Shared.Creditors;
using Collections.Shared.Domain;
using Collections.Testing;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Collections.AgentConsole.Tests.Creditors;

/// <summary>Issue 15, item 2: events reach the creditor's system signed with its secret, and a refused delivery is retried.</summary>
public sealed class CreditorWebhookTests(CreditorApiHost host) : IClassFixture<CreditorApiHost>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Payments_promises_and_phase_changes_are_delivered_signed_and_retried_after_a_refusal()
    {
        var port = FreePorts.UdpAndTcp();
        using var listener = new HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/hook/");
        listener.Start();
        var received = new ConcurrentQueue<(string Body, string Signature, string Delivery)>();
        var refusedOnce = new ConcurrentDictionary<string, bool>();
        var receiving = Task.Run(async () =>
        {
            while (listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await listener.GetContextAsync();
                }
                catch (Exception) when (!listener.IsListening)
                {
                    return;
                }

                using var reader = new StreamReader(context.Request.InputStream);
                var body = await reader.ReadToEndAsync();
                var delivery = context.Request.Headers["Collections-Delivery"] ?? "";
                // Every event is refused the first time: each must be retried to arrive.
                context.Response.StatusCode = refusedOnce.TryAdd(delivery, true) ? 503 : 200;
                if (context.Response.StatusCode == 200)
                {
                    received.Enqueue((body, context.Request.Headers["Collections-Signature"] ?? "", delivery));
                }

                context.Response.Close();
            }
        }, Ct);

        string secret = CreditorWebhookEvents.NewSecret();
        var reference = "API-HOOK-1";
        (await host.KeyA.PostAsJsonAsync("/api/creditor/v1/accounts", new[]
        {
            new Dictionary<string, object> { ["account_ref"] = reference, ["debtor_type"] = "consumer", ["last_name"] = "Hook", ["country"] = "DE", ["currency"] = "EUR", ["principal"] = 300, ["due_date"] = "2026-06-01" },
        }, Ct)).EnsureSuccessStatusCode();
        await using (var db = host.Factory.OpenDatabase())
        {
            var creditor = await db.Creditors.SingleAsync(c => c.Code == CreditorApiHost.A, Ct);
            db.CreditorWebhooks.Add(new CreditorWebhook { CreditorId = creditor.Id, Url = $"http://127.0.0.1:{port}/hook/", Secret = secret, ScannedUntil = SystemClock.Instance.GetCurrentInstant() });
            var account = await db.Accounts.SingleAsync(a => a.CreditorReference == reference, Ct);
            var @case = await db.Cases.SingleAsync(c => c.AccountId == account.Id, Ct);
            var now = SystemClock.Instance.GetCurrentInstant();
            // What the workflow writes when an operator records a promise and a step moves the case on.
            db.Promises.Add(new PromiseToPay { AccountId = account.Id, Amount = 100, Currency = "EUR", DueDate = new LocalDate(2026, 12, 20), Channel = ContactChannel.Call, CreatedAt = now });
            db.CaseSteps.Add(new Collections.Shared.Workflow.CaseStep { CaseId = @case.Id, Sequence = 99, StepKey = "webhook-test-step", Phase = CasePhase.WrittenReminder, DueAt = now, ExecutedAt = now, Status = Collections.Shared.Workflow.CaseStepStatus.Done });
            await db.SaveChangesAsync(Ct);
        }

        (await host.KeyA.PostAsJsonAsync($"/api/creditor/v1/accounts/{reference}/payments", new { amount = 50, currency = "EUR", receivedOn = "2026-12-01" }, Ct)).EnsureSuccessStatusCode();

        var wanted = new[] { "payment.received", "promise.created", "case.phase-changed" };
        var deadline = DateTime.UtcNow.AddSeconds(120);
        List<JsonElement> events;
        do
        {
            await Task.Delay(250, Ct);
            events = [.. received.Select(r => JsonDocument.Parse(r.Body).RootElement).Where(e => e.GetProperty("data").GetProperty("reference").GetString() == reference)];
        }
        while (wanted.Except(events.Select(e => e.GetProperty("type").GetString())).Any() && DateTime.UtcNow < deadline);

        listener.Stop();
        Assert.Equal(wanted.Order(), events.Select(e => e.GetProperty("type").GetString()!).Distinct().Order());
        var payment = events.Single(e => e.GetProperty("type").GetString() == "payment.received");
        Assert.Equal(50m, payment.GetProperty("data").GetProperty("amount").GetDecimal());
        var phase = events.Single(e => e.GetProperty("type").GetString() == "case.phase-changed");
        Assert.Equal("written-reminder", phase.GetProperty("data").GetProperty("to").GetString());

        // Each body is signed with the creditor's secret over its time and body; a wrong secret does not verify.
        foreach (var (body, signature, _) in received)
        {
            var t = long.Parse(signature.Split(',')[0]["t=".Length..], System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(CreditorWebhookEvents.Signature(secret, t, body), signature);
            Assert.NotEqual(CreditorWebhookEvents.Signature(secret + "x", t, body), signature);
        }

        // The sender records the delivery once the answer is in: wait for that write, not only for the request.
        var paymentKey = payment.GetProperty("id").GetString();
        CreditorWebhookDelivery row;
        do
        {
            await Task.Delay(100, Ct);
            await using var db = host.Factory.OpenDatabase();
            row = await db.CreditorWebhookDeliveries.AsNoTracking().SingleAsync(d => d.EventKey == paymentKey, Ct);
        }
        while (row.Status == WebhookDeliveryStatus.Pending && DateTime.UtcNow < deadline);

        Assert.Equal(WebhookDeliveryStatus.Delivered, row.Status);
        Assert.Equal(2, row.Attempts);
    }
}
