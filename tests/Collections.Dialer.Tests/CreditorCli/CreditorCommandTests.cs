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

    [Fact]
    public async Task User_add_makes_a_creditor_sign_in_with_a_hashed_password_and_binds_it_to_more_creditors()
    {
        await using (var db = DatabaseSetup.CreateContext(Database))
        {
            await db.Database.MigrateAsync(Ct);
            db.Creditors.AddRange(new Creditor { Code = "ACME-DE", Name = "Acme", Country = "DE" }, new Creditor { Code = "ACME-AT", Name = "Acme AT", Country = "AT" });
            await db.SaveChangesAsync(Ct);
        }

        var stdout = new StringWriter();
        Assert.Equal(CliOutput.Ok, await CreditorCommand.UserAddAsync(Database, "ACME-DE", "anna", null, "Str0ng-portal-pass", stdout, TextWriter.Null, Ct));
        Assert.Equal("""{"user":"anna","creditors":["ACME-DE"],"created":true}""", stdout.ToString().Trim());
        stdout = new StringWriter();
        Assert.Equal(CliOutput.Ok, await CreditorCommand.UserAddAsync(Database, "ACME-AT", "anna", null, null, stdout, TextWriter.Null, Ct));
        Assert.Equal("""{"user":"anna","creditors":["ACME-AT","ACME-DE"],"created":false}""", stdout.ToString().Trim());

        await using (var db = DatabaseSetup.CreateContext(Database))
        {
            var user = await db.Users.SingleAsync(u => u.UserName == "anna", Ct);
            Assert.Equal("Acme", user.DisplayName);
            Assert.DoesNotContain("Str0ng-portal-pass", user.PasswordHash!, StringComparison.Ordinal);
            var hasher = new Microsoft.AspNetCore.Identity.PasswordHasher<ConsoleUser>();
            Assert.NotEqual(Microsoft.AspNetCore.Identity.PasswordVerificationResult.Failed, hasher.VerifyHashedPassword(user, user.PasswordHash!, "Str0ng-portal-pass"));
            var role = await (from ur in db.UserRoles join r in db.Roles on ur.RoleId equals r.Id where ur.UserId == user.Id select r.Name).SingleAsync(Ct);
            Assert.Equal(ConsoleRoles.Creditor, role);
        }

        // A weak password names the password; a new user without one is refused; nothing is created.
        var stderr = new StringWriter();
        Assert.Equal(CliOutput.BadInput, await CreditorCommand.UserAddAsync(Database, "ACME-DE", "bob", null, "short", TextWriter.Null, stderr, Ct));
        Assert.StartsWith("password: ", stderr.ToString(), StringComparison.Ordinal);
        Assert.Equal(CliOutput.BadInput, await CreditorCommand.UserAddAsync(Database, "ACME-DE", "bob", null, null, TextWriter.Null, TextWriter.Null, Ct));
        await using (var db = DatabaseSetup.CreateContext(Database))
        {
            Assert.False(await db.Users.AnyAsync(u => u.UserName == "bob", Ct));
        }
    }

    [Fact]
    public async Task Terms_set_changes_the_options_given_keeps_the_others_and_names_a_bad_value()
    {
        await using (var db = DatabaseSetup.CreateContext(Database))
        {
            await db.Database.MigrateAsync(Ct);
            db.Creditors.Add(new Creditor { Code = "ACME-DE", Name = "Acme", Country = "DE", Terms = new CreditorTerms { CommissionPercent = 12.5m } });
            await db.SaveChangesAsync(Ct);
        }

        var stdout = new StringWriter();
        Assert.Equal(CliOutput.Ok, await CreditorCommand.TermsSetAsync(Database, "ACME-DE",
            new(null, "weekly", "a@acme.example; b@acme.example", 10m, "creditor-or-supervisor", true), stdout, TextWriter.Null, Ct));
        Assert.Equal("""{"creditor":"ACME-DE","commissionPercent":12.5,"report":"weekly","reportEmail":"a@acme.example, b@acme.example","maxSettlementDiscountPercent":10,"settlementApproval":"creditor-or-supervisor","legalActionNeedsConsent":true,"channels":"all","channelLimits":null,"noSmsBeforeFirstLetter":false,"templateVariants":null}""",
            stdout.ToString().Trim());
        await using (var db = DatabaseSetup.CreateContext(Database))
        {
            var creditor = await db.Creditors.SingleAsync(Ct);
            Assert.Equal((SettlementApproval.CreditorOrSupervisor, true, 10m, ReportFrequency.Weekly), (creditor.Policy.SettlementApproval, creditor.Policy.LegalActionNeedsConsent, creditor.Policy.MaxSettlementDiscountPercent, creditor.Terms.ReportFrequency));
        }

        foreach (var (change, field) in new (CreditorCommand.TermsChange, string)[]
        {
            (new(101m, null, null, null, null, null), "--commission"),
            (new(null, "daily", null, null, null, null), "--report"),
            (new(null, null, "not-an-address", null, null, null), "--report-email"),
            (new(null, null, null, 100m, null, null), "--max-discount"),
            (new(null, null, null, null, "boss", null), "--settlement-approval"),
            (new(null, null, null, null, null, null) { Channels = "letter,fax" }, "--channels"),
            (new(null, null, null, null, null, null) { Channels = " " }, "--channels"),
            (new(null, null, null, null, null, null) { ChannelLimits = "letter:1/0" }, "--channel-limits"),
        })
        {
            var stderr = new StringWriter();
            Assert.Equal(CliOutput.BadInput, await CreditorCommand.TermsSetAsync(Database, "ACME-DE", change, TextWriter.Null, stderr, Ct));
            Assert.StartsWith(field + ":", stderr.ToString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Terms_set_stores_the_mandate_and_all_lifts_the_channel_restriction()
    {
        await using (var db = DatabaseSetup.CreateContext(Database))
        {
            await db.Database.MigrateAsync(Ct);
            db.Creditors.Add(new Creditor { Code = "ACME-DE", Name = "Acme", Country = "DE" });
            await db.SaveChangesAsync(Ct);
        }

        var stdout = new StringWriter();
        Assert.Equal(CliOutput.Ok, await CreditorCommand.TermsSetAsync(Database, "ACME-DE",
            new(null, null, null, null, null, null) { Channels = "Letter, email,call", ChannelLimits = "letter:1/14, sms:2/7", NoSmsBeforeFirstLetter = true }, stdout, TextWriter.Null, Ct));
        Assert.EndsWith(""","channels":"call,email,letter","channelLimits":"letter:1/14,sms:2/7","noSmsBeforeFirstLetter":true,"templateVariants":null}""", stdout.ToString().Trim(), StringComparison.Ordinal);

        Assert.Equal(CliOutput.Ok, await CreditorCommand.TermsSetAsync(Database, "ACME-DE", new(null, null, null, null, null, null) { Channels = "all", ChannelLimits = "" }, TextWriter.Null, TextWriter.Null, Ct));
        await using (var db = DatabaseSetup.CreateContext(Database))
        {
            var policy = (await db.Creditors.SingleAsync(Ct)).Policy;
            Assert.Equal((null, null, true), (policy.MandateChannels, policy.ChannelLimits, policy.NoSmsBeforeFirstLetter));
        }
    }

    [Fact]
    public async Task Terms_set_stores_content_variants_of_the_same_channel_and_names_a_bad_one()
    {
        await using (var db = DatabaseSetup.CreateContext(Database))
        {
            await db.Database.MigrateAsync(Ct);
            db.Creditors.Add(new Creditor { Code = "ACME-DE", Name = "Acme", Country = "DE" });
            await db.SaveChangesAsync(Ct);
        }

        var templates = Collections.Dialer.Messaging.Templates.MessageTemplates.Load(Collections.Testing.RepositoryRoot.Combine("config", "templates"));
        Task<int> Set(string text, TextWriter stdout, TextWriter stderr) =>
            CreditorCommand.TermsSetAsync(Database, "ACME-DE", new(null, null, null, null, null, null) { TemplateVariants = text }, stdout, stderr, Ct, templates);

        var stdout = new StringWriter();
        Assert.Equal(CliOutput.Ok, await Set("final-demand-service-suspension-warning = final-demand-business, payment-reminder-sms=reminder", stdout, TextWriter.Null));
        Assert.EndsWith(""","templateVariants":"final-demand-service-suspension-warning=final-demand-business,payment-reminder-sms=reminder"}""", stdout.ToString().Trim(), StringComparison.Ordinal);

        foreach (var (text, expected) in new[]
        {
            ("first-reminder=payment-reminder-sms", "'payment-reminder-sms' is a sms template, 'first-reminder' a letter template"),
            ("first-reminder=friendly-reminder", "'friendly-reminder' is no letter or message template"),
            ("no-such=first-reminder", "'no-such' is no letter or message template"),
            ("first-reminder", "is not <template>=<variant>"),
        })
        {
            var stderr = new StringWriter();
            Assert.Equal(CliOutput.BadInput, await Set(text, TextWriter.Null, stderr));
            Assert.StartsWith("--template-variants: ", stderr.ToString(), StringComparison.Ordinal);
            Assert.Contains(expected, stderr.ToString(), StringComparison.Ordinal);
        }

        // The bad ones changed nothing; an empty value clears the variants.
        Assert.Equal(CliOutput.Ok, await Set(string.Empty, TextWriter.Null, TextWriter.Null));
        await using var check = DatabaseSetup.CreateContext(Database);
        Assert.Null((await check.Creditors.SingleAsync(Ct)).Policy.TemplateVariants);
    }

    public void Dispose() => File.Delete(_file);
}
