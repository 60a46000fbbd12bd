using System.CommandLine;
using Collections.Dialer.Cli;
using Collections.Dialer.Messaging;
using Collections.Dialer.Messaging.Templates;
using Collections.Dialer.Outreach.Dispatch;
using Collections.Shared.Creditors;
using Collections.Shared.Domain;
using Collections.Shared.Persistence;
using Collections.Shared.Workflow.Mandates;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;

namespace Collections.Dialer.CreditorCli;

/// <summary>
/// The <c>creditor</c> verbs (docs/creditor-api.md; stable contracts):
/// <c>creditor key create --creditor &lt;code&gt;</c> prints <c>{"creditor","keyId","key"}</c> (the key is shown this once);
/// <c>creditor key revoke &lt;keyId&gt;</c> prints <c>{"keyId","revoked":true}</c>;
/// <c>creditor webhook set --creditor &lt;code&gt; --url &lt;url&gt;</c> prints <c>{"creditor","url","secret"}</c>;
/// <c>creditor user add --creditor &lt;code&gt; --user &lt;name&gt;</c> prints <c>{"user","creditors","created"}</c>;
/// <c>creditor terms set --creditor &lt;code&gt; [options]</c> prints the creditor's terms and policy (docs/creditor-portal.md).
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

        var userCreditor = new Option<string>("--creditor") { Description = "The creditor's code the user may see.", Required = true };
        var userName = new Option<string>("--user") { Description = "The sign-in name.", Required = true };
        var displayName = new Option<string?>("--display-name") { Description = "The name shown in the portal (default: the creditor's name)." };
        var passwordStdin = new Option<bool>("--password-stdin") { Description = $"Read the password from the first line of stdin (else ${PasswordVariable}, else a prompt)." };
        var userAdd = new Command("add", "Create a creditor portal sign-in bound to a creditor, or bind an existing one to another creditor.") { userCreditor, userName, displayName, passwordStdin };
        userAdd.SetAction((ParseResult p, CancellationToken ct) => FromEnvironmentAsync((database, _) =>
        {
            var exists = p.GetValue(passwordStdin) ? Console.In.ReadLine() : Environment.GetEnvironmentVariable(PasswordVariable);
            return UserAddAsync(database, p.GetValue(userCreditor)!, p.GetValue(userName)!, p.GetValue(displayName), exists ?? (Console.IsInputRedirected ? null : PromptPassword()), Console.Out, Console.Error, ct);
        }));

        var termsCreditor = new Option<string>("--creditor") { Description = "The creditor's code.", Required = true };
        var commission = new Option<decimal?>("--commission") { Description = "The agency's commission in percent of every amount collected." };
        var report = new Option<string?>("--report") { Description = "How often the report and remittance are e-mailed: none, weekly or monthly." };
        var reportEmail = new Option<string?>("--report-email") { Description = "Who receives them: addresses separated by commas (empty: nobody)." };
        var maxDiscount = new Option<decimal?>("--max-discount") { Description = "The settlement discount, in percent of the balance, the agency may grant without asking." };
        var approval = new Option<string?>("--settlement-approval") { Description = "Who decides a larger discount: supervisor, creditor or creditor-or-supervisor." };
        var legalConsent = new Option<bool?>("--legal-consent") { Description = "true: legal action waits for the creditor's consent in the portal." };
        var channels = new Option<string?>("--channels") { Description = "Mandate: the channels strategy steps may use, comma separated (call, sms, whatsapp, email, letter, visit), or 'all'." };
        var limits = new Option<string?>("--channel-limits") { Description = "Mandate: maximum frequency per channel, e.g. letter:1/14,sms:2/7 (at most 1 letter in 14 days); empty: none." };
        var smsAfterLetter = new Option<bool?>("--no-sms-before-letter") { Description = "Mandate: true: no SMS before the case's first letter." };
        var variants = new Option<string?>("--template-variants") { Description = "Mandate: the wording sent instead of a strategy's template, e.g. final-demand-service-suspension-warning=final-demand-business (same channel); empty: none." };
        var termsSet = new Command("set", "Set a creditor's terms, policy and mandate; options left out keep their value. Prints them all.")
        {
            termsCreditor, commission, report, reportEmail, maxDiscount, approval, legalConsent, channels, limits, smsAfterLetter, variants,
        };
        termsSet.SetAction((ParseResult p, CancellationToken ct) => FromEnvironmentAsync((database, _) => TermsSetAsync(database, p.GetValue(termsCreditor)!,
            new TermsChange(p.GetValue(commission), p.GetValue(report), p.GetValue(reportEmail), p.GetValue(maxDiscount), p.GetValue(approval), p.GetValue(legalConsent))
            {
                Channels = p.GetValue(channels),
                ChannelLimits = p.GetValue(limits),
                NoSmsBeforeFirstLetter = p.GetValue(smsAfterLetter),
                TemplateVariants = p.GetValue(variants),
            }, Console.Out, Console.Error, ct)));

        return new Command("creditor", "Creditor API keys, webhooks, portal sign-ins, terms and policy.")
        {
            new Command("key", "Creditor API keys.") { create, revoke },
            new Command("webhook", "Where a creditor's events are sent.") { set },
            new Command("user", "Creditor portal sign-ins.") { userAdd },
            new Command("terms", "A creditor's commercial terms and the policy it consented to.") { termsSet },
        };
    }

    /// <summary>The environment variable <c>creditor user add</c> reads the password from (when not --password-stdin).</summary>
    public const string PasswordVariable = "COLLECTIONS_USER_PASSWORD";

    /// <summary>What <c>creditor terms set</c> changes; null: unchanged.</summary>
    internal sealed record TermsChange(decimal? Commission, string? Report, string? ReportEmail, decimal? MaxDiscount, string? Approval, bool? LegalConsent)
    {
        /// <summary>The mandate's allowed channels ("letter,email,call"; "all": every channel).</summary>
        public string? Channels { get; init; }

        /// <summary>The mandate's maximum frequency per channel ("letter:1/14"; empty: none).</summary>
        public string? ChannelLimits { get; init; }

        /// <summary>The mandate allows no SMS before the case's first letter.</summary>
        public bool? NoSmsBeforeFirstLetter { get; init; }

        /// <summary>The mandate's content variants ("a=b,c=d"; empty: none).</summary>
        public string? TemplateVariants { get; init; }
    }

    /// <summary><c>creditor user add</c>; returns the exit code.</summary>
    internal static Task<int> UserAddAsync(DatabaseOptions database, string creditor, string login, string? displayName, string? password, TextWriter stdout, TextWriter stderr, CancellationToken ct) =>
        WithDatabaseAsync(database, async db =>
        {
            var code = creditor.Trim();
            var name = login.Trim();
            var found = await db.Creditors.AsNoTracking().FirstOrDefaultAsync(c => c.Code == code, ct);
            if (found is null)
            {
                return CliOutput.Fail($"--creditor: no creditor '{code}'", stderr);
            }

            if (name.Length == 0)
            {
                return CliOutput.Fail("--user: required, the sign-in name", stderr);
            }

            var services = new ServiceCollection();
            services.AddLogging();
            services.AddSingleton(db);
            services.AddIdentityCore<ConsoleUser>(ConsoleIdentity.Configure).AddRoles<IdentityRole>().AddEntityFrameworkStores<CollectionsDbContext>();
            await using var provider = services.BuildServiceProvider();
            var users = provider.GetRequiredService<UserManager<ConsoleUser>>();
            var roles = provider.GetRequiredService<RoleManager<IdentityRole>>();
            var user = await users.FindByNameAsync(name);
            var created = user is null;
            if (user is null)
            {
                if (string.IsNullOrEmpty(password))
                {
                    return CliOutput.Fail($"password: required for a new user (--password-stdin, ${PasswordVariable} or the prompt)", stderr);
                }

                if (!await roles.RoleExistsAsync(ConsoleRoles.Creditor) && Failed(await roles.CreateAsync(new IdentityRole(ConsoleRoles.Creditor)), "role", stderr) is { } roleFailure)
                {
                    return roleFailure;
                }

                user = new ConsoleUser { UserName = name, DisplayName = string.IsNullOrWhiteSpace(displayName) ? found.Name : displayName.Trim() };
                var made = await users.CreateAsync(user, password);
                if (Failed(made, made.Errors.All(e => e.Code.StartsWith("Password", StringComparison.Ordinal)) ? "password" : "--user", stderr) is { } failure)
                {
                    return failure;
                }

                if (Failed(await users.AddToRoleAsync(user, ConsoleRoles.Creditor), "--user", stderr) is { } notInRole)
                {
                    return notInRole;
                }
            }
            else if (!await users.IsInRoleAsync(user, ConsoleRoles.Creditor))
            {
                // An agency sign-in never becomes a creditor's: it would see the floor and the creditor's data both.
                return CliOutput.Fail($"--user: '{name}' is a sign-in of the agency's staff, not of a creditor", stderr);
            }

            if (!await db.CreditorUsers.AnyAsync(u => u.UserId == user.Id && u.CreditorId == found.Id, ct))
            {
                db.CreditorUsers.Add(new CreditorUser { UserId = user.Id, CreditorId = found.Id });
                await db.SaveChangesAsync(ct);
            }

            var bound = await (from u in db.CreditorUsers join c in db.Creditors on u.CreditorId equals c.Id where u.UserId == user.Id orderby c.Code select c.Code).ToListAsync(ct);
            CliOutput.WriteLine(new { user = name, creditors = bound, created }, stdout);
            return CliOutput.Ok;
        }, ct);

    /// <summary><c>creditor terms set</c>; returns the exit code.</summary>
    /// <remarks>Content variants are checked against <paramref name="templates"/> (default: the configured template folder).</remarks>
    internal static Task<int> TermsSetAsync(DatabaseOptions database, string creditor, TermsChange change, TextWriter stdout, TextWriter stderr, CancellationToken ct, MessageTemplates? templates = null) =>
        WithDatabaseAsync(database, async db =>
        {
            var code = creditor.Trim();
            var found = await db.Creditors.FirstOrDefaultAsync(c => c.Code == code, ct);
            if (found is null)
            {
                return CliOutput.Fail($"--creditor: no creditor '{code}'", stderr);
            }

            if (change.Commission is { } percent)
            {
                if (percent is < 0 or > 100 || decimal.Round(percent, 2) != percent)
                {
                    return CliOutput.Fail($"--commission: {percent} is not a percentage from 0 to 100 with at most 2 decimals", stderr);
                }

                found.Terms.CommissionPercent = percent;
            }

            if (change.Report is { } frequency)
            {
                if (!Enum.TryParse<ReportFrequency>(frequency, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed) || int.TryParse(frequency, out _))
                {
                    return CliOutput.Fail($"--report: '{frequency}' is not none, weekly or monthly", stderr);
                }

                found.Terms.ReportFrequency = parsed;
            }

            if (change.ReportEmail is { } mail)
            {
                var addresses = Outreach.Reports.CreditorReportMailer.Recipients(mail);
                if (addresses.FirstOrDefault(a => !System.Net.Mail.MailAddress.TryCreate(a, out _)) is { } bad)
                {
                    return CliOutput.Fail($"--report-email: '{bad}' is not an e-mail address", stderr);
                }

                found.ReportEmail = addresses.Count == 0 ? null : string.Join(", ", addresses);
            }

            if (change.MaxDiscount is { } discount)
            {
                if (discount is < 0 or >= 100 || decimal.Round(discount, 2) != discount)
                {
                    return CliOutput.Fail($"--max-discount: {discount} is not a percentage from 0 to below 100 with at most 2 decimals", stderr);
                }

                found.Policy.MaxSettlementDiscountPercent = discount;
            }

            if (change.Approval is { } who)
            {
                if (!Enum.TryParse<SettlementApproval>(who.Replace("-", "", StringComparison.Ordinal), ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed) || int.TryParse(who, out _))
                {
                    return CliOutput.Fail($"--settlement-approval: '{who}' is not supervisor, creditor or creditor-or-supervisor", stderr);
                }

                found.Policy.SettlementApproval = parsed;
            }

            if (change.LegalConsent is { } consent)
            {
                found.Policy.LegalActionNeedsConsent = consent;
            }

            if (change.Channels is { } allowed)
            {
                try
                {
                    var parsed = allowed.Trim() == "all" ? null : Mandate.ParseChannels(allowed);
                    found.Policy.MandateChannels = parsed is null ? null
                        : parsed.Count == 0 ? throw new FormatException("name at least one channel, or 'all'")
                        : string.Join(",", parsed.Order().Select(Mandate.Name));
                }
                catch (FormatException ex)
                {
                    return CliOutput.Fail($"--channels: {ex.Message}", stderr);
                }
            }

            if (change.ChannelLimits is { } text)
            {
                try
                {
                    var parsed = Mandate.ParseLimits(text);
                    found.Policy.ChannelLimits = parsed.Count == 0 ? null : string.Join(",", parsed);
                }
                catch (FormatException ex)
                {
                    return CliOutput.Fail($"--channel-limits: {ex.Message}", stderr);
                }
            }

            if (change.NoSmsBeforeFirstLetter is { } letterFirst)
            {
                found.Policy.NoSmsBeforeFirstLetter = letterFirst;
            }

            if (change.TemplateVariants is { } wording)
            {
                try
                {
                    var parsed = Mandate.ParseVariants(wording);
                    templates ??= MessageTemplates.Load(CliHost.Configuration()[$"{MessagingOptions.Section}:{nameof(MessagingOptions.TemplateDirectory)}"] ?? new MessagingOptions().TemplateDirectory);
                    if (parsed.Select(v => TemplateVariantCheck.Problem(v.Key, v.Value, templates)).FirstOrDefault(p => p is not null) is { } problem)
                    {
                        throw new FormatException(problem);
                    }

                    found.Policy.TemplateVariants = parsed.Count == 0 ? null : string.Join(",", parsed.Select(v => $"{v.Key}={v.Value}"));
                }
                catch (Exception ex) when (ex is FormatException or TemplateException)
                {
                    return CliOutput.Fail($"--template-variants: {ex.Message}", stderr);
                }
            }

            await db.SaveChangesAsync(ct);
            CliOutput.WriteLine(new
            {
                creditor = found.Code,
                commissionPercent = found.Terms.CommissionPercent,
                report = found.Terms.ReportFrequency.ToString().ToLowerInvariant(),
                reportEmail = found.ReportEmail,
                maxSettlementDiscountPercent = found.Policy.MaxSettlementDiscountPercent,
                settlementApproval = Kebab(found.Policy.SettlementApproval.ToString()),
                legalActionNeedsConsent = found.Policy.LegalActionNeedsConsent,
                channels = found.Policy.MandateChannels ?? "all",
                channelLimits = found.Policy.ChannelLimits,
                noSmsBeforeFirstLetter = found.Policy.NoSmsBeforeFirstLetter,
                templateVariants = found.Policy.TemplateVariants,
            }, stdout);
            return CliOutput.Ok;
        }, ct);

    private static string Kebab(string pascal) => string.Concat(pascal.Select((c, i) => char.IsUpper(c) && i > 0 ? $"-{char.ToLowerInvariant(c)}" : char.ToLowerInvariant(c).ToString()));

    private static int? Failed(IdentityResult result, string field, TextWriter stderr) =>
        result.Succeeded ? null : CliOutput.Fail($"{field}: {string.Join(" ", result.Errors.Select(e => e.Description))}", stderr);

    // Reads a password at the terminal without echoing it.
    private static string PromptPassword()
    {
        Console.Error.Write("Password: ");
        var password = new System.Text.StringBuilder();
        for (var key = Console.ReadKey(intercept: true); key.Key != ConsoleKey.Enter; key = Console.ReadKey(intercept: true))
        {
            if (key.Key == ConsoleKey.Backspace && password.Length > 0)
            {
                password.Length--;
            }
            else if (!char.IsControl(key.KeyChar))
            {
                password.Append(key.KeyChar);
            }
        }

        Console.Error.WriteLine();
        return password.ToString();
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
