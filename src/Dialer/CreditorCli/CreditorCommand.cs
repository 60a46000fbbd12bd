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
        create.SetAction((ParseResult p, CancellationToken ct) => FromEnvironmentAsync((database, time) => KeyCreateAsync(database, time, p.GetValue(creditorOption)!, Console.Out, Console.Error, ct)));

        var keyId = new Argument<string>("keyId") { Description = "The key's id (ck_...), as create printed it." };
        var revoke = new Command("revoke", "Revoke an API key: it is refused from now on.") { keyId };
        revoke.SetAction((ParseResult p, CancellationToken ct) => FromEnvironmentAsync((database, time) => KeyRevokeAsync(database, time, p.GetValue(keyId)!, Console.Out, Console.Error, ct)));

        var webhookCreditor = new Option<string>("--creditor") { Description = "The creditor's code.", Required = true };
        var url = new Option<string>("--url") { Description = "Absolute http(s) URL the creditor's system receives events on.", Required = true };
        var set = new Command("set", "Send the creditor's events to a URL; prints the new signing secret.") { webhookCreditor, url };
        set.SetAction((ParseResult p, CancellationToken ct) => FromEnvironmentAsync((database, time) => WebhookSetAsync(database, time, p.GetValue(webhookCreditor)!, p.GetValue(url)!, Console.Out, Console.Error, ct)));

        return new Command("creditor", "Creditor API keys and webhooks.")
        {
            new Command("key", "Creditor API keys.") { create, revoke },
            new Command("webhook", "Where a creditor's events are sent.") { set },
        };
    }

    /// <summary><c>creditor key create</c>; returns the exit code.</summary>
    internal static Task<int> KeyCreateAsync(DatabaseOptions database, TimeProvider time, string creditor, TextWriter stdout, TextWriter stderr, CancellationToken ct) =>
        WithDatabaseAsync(database, async db =>
        {
            var code = creditor.Trim();
            var key = await new CreditorKeys(db, time).CreateAsync(code, ct);
            if (key is null)
            {
                return CliOutput.Fail($"--creditor: no creditor '{code}'", stderr);
            }

            CliOutput.WriteLine(new { creditor = key.Creditor, keyId = key.KeyId, key = key.Key }, stdout);
            return CliOutput.Ok;
        }, ct);

    /// <summary><c>creditor key revoke</c>; returns the exit code.</summary>
    internal static Task<int> KeyRevokeAsync(DatabaseOptions database, TimeProvider time, string keyId, TextWriter stdout, TextWriter stderr, CancellationToken ct) =>
        WithDatabaseAsync(database, async db =>
        {
            var id = keyId.Trim();
            if (!await new CreditorKeys(db, time).RevokeAsync(id, ct))
            {
                return CliOutput.Fail($"keyId: no key '{id}'", stderr);
            }

            CliOutput.WriteLine(new { keyId = id, revoked = true }, stdout);
            return CliOutput.Ok;
        }, ct);

    /// <summary><c>creditor webhook set</c>; returns the exit code.</summary>
    internal static Task<int> WebhookSetAsync(DatabaseOptions database, TimeProvider time, string creditor, string url, TextWriter stdout, TextWriter stderr, CancellationToken ct) =>
        WithDatabaseAsync(database, async db =>
        {
            var code = creditor.Trim();
            var target = url.Trim();
            if (!Uri.TryCreate(target, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                return CliOutput.Fail($"--url: '{target}' is not an absolute http or https URL", stderr);
            }

            var found = await db.Creditors.AsNoTracking().FirstOrDefaultAsync(c => c.Code == code, ct);
            if (found is null)
            {
                return CliOutput.Fail($"--creditor: no creditor '{code}'", stderr);
            }

            var hook = await db.CreditorWebhooks.FirstOrDefaultAsync(h => h.CreditorId == found.Id, ct);
            var secret = CreditorWebhookEvents.NewSecret();
            if (hook is null)
            {
                // Events from now on: a new webhook does not replay the creditor's whole history.
                db.CreditorWebhooks.Add(new CreditorWebhook { CreditorId = found.Id, Url = uri.AbsoluteUri, Secret = secret, ScannedUntil = Instant.FromDateTimeOffset(time.GetUtcNow()) });
            }
            else
            {
                (hook.Url, hook.Secret) = (uri.AbsoluteUri, secret);
            }

            await db.SaveChangesAsync(ct);
            CliOutput.WriteLine(new { creditor = found.Code, url = uri.AbsoluteUri, secret }, stdout);
            return CliOutput.Ok;
        }, ct);

    private static Task<int> FromEnvironmentAsync(Func<DatabaseOptions, TimeProvider, Task<int>> run) =>
        !CliHost.TryDatabase(out var options, out var error) || !CliHost.TryClock(out var time, out error)
            ? Task.FromResult(CliOutput.Fail(error!))
            : run(options, time);

    private static async Task<int> WithDatabaseAsync(DatabaseOptions options, Func<CollectionsDbContext, Task<int>> run, CancellationToken ct)
    {
        await using var db = DatabaseSetup.CreateContext(options);
        await db.Database.MigrateAsync(ct);
        return await run(db);
    }
}
