using System.CommandLine;
using Collections.Dialer.Cli;
using Collections.Shared.Creditors;
using Collections.Shared.Domain;
using Collections.Shared.Persistence;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Collections.Dialer.CreditorCli;

/// <summary>
/// The <c>creditor</c> verbs (docs/creditor-api.md; stable contracts):
/// <c>creditor key create --creditor &lt;code&gt;</c> prints <c>{"creditor","keyId","key"}</c> (the key is shown this once);
/// <c>creditor key revoke &lt;keyId&gt;</c> prints <c>{"keyId","revoked":true}</c>;
/// <c>creditor webhook set --creditor &lt;code&gt; --url &lt;url&gt;</c> prints <c>{"creditor","url","secret"}</c>.
/// Exit code 2 with a message on stderr for an unknown creditor or key.
/// </summary>
public static class CreditorCommand
{
    /// <summary>Builds the verb.</summary>
    public static Command Create()
    {
        var creditorOption = new Option<string>("--creditor") { Description = "The creditor's code.", Required = true };
        var create = new Command("create", "Make an API key for a creditor; prints it once.") { creditorOption };
        create.SetAction((ParseResult p, CancellationToken ct) => WithDatabaseAsync(async (db, time, stdout, stderr) =>
        {
            var code = p.GetValue(creditorOption)!.Trim();
            var key = await new CreditorKeys(db, time).CreateAsync(code, ct);
            if (key is null)
            {
                return CliOutput.Fail($"--creditor: no creditor '{code}'", stderr);
            }

            CliOutput.WriteLine(new { creditor = key.Creditor, keyId = key.KeyId, key = key.Key }, stdout);
            return CliOutput.Ok;
        }, ct));

        var keyId = new Argument<string>("keyId") { Description = "The key's id (ck_...), as create printed it." };
        var revoke = new Command("revoke", "Revoke an API key: it is refused from now on.") { keyId };
        revoke.SetAction((ParseResult p, CancellationToken ct) => WithDatabaseAsync(async (db, time, stdout, stderr) =>
        {
            var id = p.GetValue(keyId)!.Trim();
            if (!await new CreditorKeys(db, time).RevokeAsync(id, ct))
            {
                return CliOutput.Fail($"keyId: no key '{id}'", stderr);
            }

            CliOutput.WriteLine(new { keyId = id, revoked = true }, stdout);
            return CliOutput.Ok;
        }, ct));

        var webhookCreditor = new Option<string>("--creditor") { Description = "The creditor's code.", Required = true };
        var url = new Option<string>("--url") { Description = "Absolute http(s) URL the creditor's system receives events on.", Required = true };
        var set = new Command("set", "Send the creditor's events to a URL; prints the new signing secret.") { webhookCreditor, url };
        set.SetAction((ParseResult p, CancellationToken ct) => WithDatabaseAsync(async (db, time, stdout, stderr) =>
        {
            var code = p.GetValue(webhookCreditor)!.Trim();
            var target = p.GetValue(url)!.Trim();
            if (!Uri.TryCreate(target, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                return CliOutput.Fail($"--url: '{target}' is not an absolute http or https URL", stderr);
            }

            var creditor = await db.Creditors.AsNoTracking().FirstOrDefaultAsync(c => c.Code == code, ct);
            if (creditor is null)
            {
                return CliOutput.Fail($"--creditor: no creditor '{code}'", stderr);
            }

            var hook = await db.CreditorWebhooks.FirstOrDefaultAsync(h => h.CreditorId == creditor.Id, ct);
            var secret = CreditorWebhookEvents.NewSecret();
            if (hook is null)
            {
                // Events from now on: a new webhook does not replay the creditor's whole history.
                db.CreditorWebhooks.Add(new CreditorWebhook { CreditorId = creditor.Id, Url = uri.AbsoluteUri, Secret = secret, ScannedUntil = Instant.FromDateTimeOffset(time.GetUtcNow()) });
            }
            else
            {
                (hook.Url, hook.Secret) = (uri.AbsoluteUri, secret);
            }

            await db.SaveChangesAsync(ct);
            CliOutput.WriteLine(new { creditor = creditor.Code, url = uri.AbsoluteUri, secret }, stdout);
            return CliOutput.Ok;
        }, ct));

        return new Command("creditor", "Creditor API keys and webhooks.")
        {
            new Command("key", "Creditor API keys.") { create, revoke },
            new Command("webhook", "Where a creditor's events are sent.") { set },
        };
    }

    private static async Task<int> WithDatabaseAsync(Func<CollectionsDbContext, TimeProvider, TextWriter, TextWriter, Task<int>> run, CancellationToken ct)
    {
        if (!CliHost.TryDatabase(out var options, out var error) || !CliHost.TryClock(out var time, out error))
        {
            return CliOutput.Fail(error!);
        }

        await using var db = DatabaseSetup.CreateContext(options);
        await db.Database.MigrateAsync(ct);
        return await run(db, time, Console.Out, Console.Error);
    }
}
