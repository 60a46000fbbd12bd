using System.Text.Json;
using Collections.Dialer.Cli;
using Collections.Dialer.CreditorCli;
using Collections.Shared.Creditors;
using Collections.Shared.Domain;
using Collections.Shared.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Collections.Dialer.Tests.CreditorCli;

/// <summary>The stable contract of <c>creditor key create</c> and <c>creditor key revoke</c> (docs/creditor-api.md).</summary>
public sealed class CreditorCommandTests : IDisposable
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"creditor-cli-{Guid.NewGuid():N}.db");

    private DatabaseOptions Database => new() { ConnectionString = $"Data Source={_file};Pooling=false" };

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Create_prints_exactly_creditor_keyId_and_key_the_key_works_until_revoked()
    {
        await using (var db = DatabaseSetup.CreateContext(Database))
        {
            await db.Database.MigrateAsync(Ct);
            db.Creditors.Add(new Creditor { Code = "ACME-DE", Name = "Acme", Country = "DE" });
            await db.SaveChangesAsync(Ct);
        }

        var stdout = new StringWriter();
        Assert.Equal(CliOutput.Ok, await CreditorCommand.KeyCreateAsync(Database, TimeProvider.System, "ACME-DE", stdout, TextWriter.Null, Ct));
        var line = JsonDocument.Parse(stdout.ToString()).RootElement;
        Assert.Equal(["creditor", "keyId", "key"], line.EnumerateObject().Select(p => p.Name));
        Assert.Equal("ACME-DE", line.GetProperty("creditor").GetString());
        var keyId = line.GetProperty("keyId").GetString()!;
        var key = line.GetProperty("key").GetString()!;
        Assert.StartsWith(keyId + ".", key, StringComparison.Ordinal);

        await using (var db = DatabaseSetup.CreateContext(Database))
        {
            // Only the hash is stored.
            Assert.DoesNotContain(key[(keyId.Length + 1)..], (await db.CreditorApiKeys.SingleAsync(Ct)).Hash, StringComparison.Ordinal);
            Assert.Equal("ACME-DE", (await new CreditorKeys(db, TimeProvider.System).AuthenticateAsync(key, Ct))?.CreditorCode);
            Assert.Null(await new CreditorKeys(db, TimeProvider.System).AuthenticateAsync(key[..^1] + (key[^1] == 'A' ? 'B' : 'A'), Ct));
        }

        var revoked = new StringWriter();
        Assert.Equal(CliOutput.Ok, await CreditorCommand.KeyRevokeAsync(Database, TimeProvider.System, keyId, revoked, TextWriter.Null, Ct));
        Assert.Equal($"{{\"keyId\":\"{keyId}\",\"revoked\":true}}", revoked.ToString().Trim());
        await using (var db = DatabaseSetup.CreateContext(Database))
        {
            Assert.Null(await new CreditorKeys(db, TimeProvider.System).AuthenticateAsync(key, Ct));
        }
    }

    [Fact]
    public async Task An_unknown_creditor_or_key_exits_2_naming_it()
    {
        var stderr = new StringWriter();
        Assert.Equal(CliOutput.BadInput, await CreditorCommand.KeyCreateAsync(Database, TimeProvider.System, "NOPE", TextWriter.Null, stderr, Ct));
        Assert.Contains("--creditor: no creditor 'NOPE'", stderr.ToString(), StringComparison.Ordinal);
        stderr = new StringWriter();
        Assert.Equal(CliOutput.BadInput, await CreditorCommand.KeyRevokeAsync(Database, TimeProvider.System, "ck_0000", TextWriter.Null, stderr, Ct));
        Assert.Contains("no key 'ck_0000'", stderr.ToString(), StringComparison.Ordinal);
        stderr = new StringWriter();
        Assert.Equal(CliOutput.BadInput, await CreditorCommand.WebhookSetAsync(Database, TimeProvider.System, "NOPE", "ftp://x", TextWriter.Null, stderr, Ct));
        Assert.Contains("--url", stderr.ToString(), StringComparison.Ordinal);
    }

    public void Dispose() => File.Delete(_file);
}
