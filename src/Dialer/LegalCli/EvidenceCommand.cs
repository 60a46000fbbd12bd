using System.CommandLine;
using Collections.Dialer.CaseCli;
using Collections.Dialer.Calls;
using Collections.Dialer.Cli;
using Collections.Dialer.Legal.Evidence;
using Collections.Dialer.Messaging;
using Collections.Dialer.Outreach;
using Collections.Dialer.Outreach.Letters;
using Microsoft.Extensions.Configuration;

namespace Collections.Dialer.LegalCli;

/// <summary>
/// The <c>evidence &lt;account-ref&gt; --out &lt;file.zip&gt;</c> verb (docs/legal.md): writes the claim's evidence pack and prints
/// <c>{"accountRef","files":n,"sha256":"..."}</c> (the SHA-256 of its manifest); and <c>evidence verify &lt;file.zip&gt;</c>:
/// exit 0 with <c>{"file","intact":true,"files","sha256"}</c> when every file matches the manifest, exit 2 naming each file
/// that changed, is missing or was added.
/// </summary>
public static class EvidenceCommand
{
    /// <summary>Builds the verb and its <c>verify</c> sub-verb.</summary>
    public static Command Create()
    {
        var account = new Argument<string>("account-ref") { Description = "The account's id (GUID) or the creditor's reference." };
        var output = new Option<FileInfo>("--out") { Description = "The ZIP file to write (replaced if it exists).", Required = true };
        var creditor = new Option<string?>("--creditor") { Description = "Creditor code, when the reference exists for several creditors." };
        var language = new Option<string?>("--language") { Description = "Language of the cover (de, hu, lv, sl, sq, en); default: the court's language of the debtor's country." };
        var command = new Command("evidence", "A claim's evidence pack for a court or lawyer: cover PDF, invoices, letters, contacts, promises, plans, payments, acknowledgements, recordings, and a manifest of SHA-256 hashes.")
        {
            account, output, creditor, language,
        };
        command.SetAction((ParseResult p, CancellationToken ct) => CliHost.TryClock(out var time, out var error)
            ? RunAsync(p.GetValue(account)!, p.GetValue(output)!, p.GetValue(creditor), p.GetValue(language), CliHost.Configuration(), time, Console.Out, Console.Error, ct)
            : Task.FromResult(CliOutput.Fail(error!)));

        var file = new Argument<FileInfo>("file.zip") { Description = "The evidence pack to check." };
        var verify = new Command("verify", "Checks an evidence pack against its manifest: exit 0 when intact, 2 naming each file that changed.") { file };
        verify.SetAction((ParseResult p, CancellationToken ct) => Task.FromResult(Verify(p.GetValue(file)!, Console.Out, Console.Error)));
        command.Subcommands.Add(verify);

        var orderAccount = new Argument<string>("account-ref") { Description = "The account's id (GUID) or the creditor's reference." };
        var orderCreditor = new Option<string?>("--creditor") { Description = "Creditor code, when the reference exists for several creditors." };
        var order = new Command("payment-order", "The data of a court payment order application for the claim (DE: Mahnverfahren, HU: fizetési meghagyás), as JSON for a lawyer's software.")
        {
            orderAccount, orderCreditor,
        };
        order.SetAction((ParseResult p, CancellationToken ct) => CliHost.TryClock(out var time, out var error)
            ? PaymentOrderAsync(p.GetValue(orderAccount)!, p.GetValue(orderCreditor), CliHost.Configuration(), time, Console.Out, Console.Error, ct)
            : Task.FromResult(CliOutput.Fail(error!)));
        command.Subcommands.Add(order);
        return command;
    }

    /// <summary>Writes the pack; returns the exit code.</summary>
    internal static async Task<int> RunAsync(string reference, FileInfo output, string? creditor, string? language, IConfiguration configuration, TimeProvider time, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        if (language is not null && language.ToLowerInvariant() is not ("de" or "hu" or "lv" or "sl" or "sq" or "en"))
        {
            return CliOutput.Fail($"--language: '{language}' is not one of de, hu, lv, sl, sq, en", stderr);
        }

        if (output.Directory is { Exists: false } folder)
        {
            return CliOutput.Fail($"--out: the folder '{folder.FullName}' does not exist", stderr);
        }

        var (accountId, timelines, contexts, problem) = await CaseCommand.TimelineQueryAsync(reference, creditor, configuration, time, ct);
        if (accountId is null)
        {
            return CliOutput.Fail(problem!, stderr);
        }

        var files = await Collector(configuration, time, timelines, contexts).CollectAsync(accountId.Value, language, ct);
        if (files is null)
        {
            return CliOutput.Fail($"unknown account '{reference}'", stderr);
        }

        // Written beside the target and moved into place, so a failure never leaves half a pack under the requested name.
        var temporary = output.FullName + ".tmp";
        EvidencePackSummary summary;
        await using (var stream = File.Create(temporary))
        {
            summary = EvidencePack.Write(stream, reference, time.GetUtcNow(), files);
        }

        File.Move(temporary, output.FullName, overwrite: true);
        // The pack holds the debtor's data, contacts and recordings: making it is a read like any other (issue 19, item 5).
        if (CaseCommand.TryDatabase(configuration, out var database, out _))
        {
            await AuditCli.AuditCommand.RecordAsync(database, configuration, time, "read", $"account:{accountId.Value.Value}", "evidence pack", ct);
        }

        CliOutput.WriteLine(new { accountRef = reference, files = summary.Files, sha256 = summary.Sha256 }, stdout);
        return CliOutput.Ok;
    }

    private static EvidenceCollector Collector(IConfiguration configuration, TimeProvider time, Collections.Shared.Cases.CaseTimelineQuery timelines, Collections.Shared.Persistence.ICollectionsDbContextFactory contexts)
    {
        var outreach = configuration.GetSection(OutreachOptions.Section).Get<OutreachOptions>() ?? new OutreachOptions();
        var messaging = configuration.GetSection(MessagingOptions.Section).Get<MessagingOptions>() ?? new MessagingOptions();
        var recording = configuration.GetSection(RecordingOptions.Section).Get<RecordingOptions>() ?? new RecordingOptions();
        return new EvidenceCollector(contexts, timelines, CaseCommand.Accrual(configuration, contexts, time),
            CaseCommand.Calculator(configuration), messaging.Agency,
            new EvidenceSources(PrintQueue.DirectoryFor(outreach, configuration), recording.Directory, recording.Keys()), time);
    }

    /// <summary>Prints the claim's payment-order data (the pack's <c>payment-order.json</c>); returns the exit code.</summary>
    internal static async Task<int> PaymentOrderAsync(string reference, string? creditor, IConfiguration configuration, TimeProvider time, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        var (accountId, timelines, contexts, problem) = await CaseCommand.TimelineQueryAsync(reference, creditor, configuration, time, ct);
        if (accountId is null)
        {
            return CliOutput.Fail(problem!, stderr);
        }

        var files = await Collector(configuration, time, timelines, contexts).CollectAsync(accountId.Value, null, ct);
        if (files?.FirstOrDefault(f => f.Path == "payment-order.json") is not { } order)
        {
            return CliOutput.Fail($"account '{reference}': no payment-order export for its debtor's country (exports exist for {string.Join(", ", PaymentOrderExport.Jurisdictions.Order())})", stderr);
        }

        await stdout.WriteLineAsync(System.Text.Encoding.UTF8.GetString(order.Content));
        return CliOutput.Ok;
    }

    /// <summary>Checks a pack; returns the exit code.</summary>
    internal static int Verify(FileInfo file, TextWriter stdout, TextWriter stderr)
    {
        if (!file.Exists)
        {
            return CliOutput.Fail($"file.zip: '{file.FullName}' does not exist", stderr);
        }

        EvidenceVerification result;
        try
        {
            using var stream = file.OpenRead();
            result = EvidencePack.Verify(stream);
        }
        catch (InvalidDataException ex)
        {
            return CliOutput.Fail($"{file.Name}: {ex.Message}", stderr);
        }

        if (result.Intact)
        {
            CliOutput.WriteLine(new { file = file.Name, intact = true, files = result.Files, sha256 = result.Sha256 }, stdout);
            return CliOutput.Ok;
        }

        CliOutput.WriteLine(new { file = file.Name, intact = false, problems = result.Problems.Select(p => new { path = p.Path, problem = p.Problem }) }, stdout);
        return CliOutput.Fail(string.Join("; ", result.Problems.Select(p => $"{p.Path}: {p.Problem}")), stderr);
    }
}
