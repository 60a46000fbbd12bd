using System.CommandLine;
using System.Globalization;
using Collections.Dialer.Cli;
using Collections.Shared.Interest;
using NodaTime;
using NodaTime.Text;

namespace Collections.Dialer.InterestCli;

/// <summary>
/// The <c>interest</c> verb (DESIGN.md section 5): statutory default interest and flat fee for one claim, split into
/// periods where the rate changes. Rules and reference rates come from <c>config/interest/*.yaml</c> under the current
/// directory, or from the folder given with <c>--config</c>.
/// </summary>
public static class InterestCommand
{
    /// <summary>Builds the verb.</summary>
    public static Command Create()
    {
        var jurisdiction = new Option<string>("--jurisdiction") { Description = "Rule set: DE, HU or EU (a file in config/interest).", Required = true };
        var debtor = new Option<string>("--debtor") { Description = "consumer or business.", Required = true };
        var principal = new Option<string>("--principal") { Description = "Unpaid principal, e.g. 1000.00 (dot as decimal separator).", Required = true };
        var currency = new Option<string>("--currency") { Description = "ISO 4217 code of the claim, e.g. EUR.", Required = true };
        var due = new Option<string>("--due") { Description = "Due date yyyy-MM-dd; interest runs from the day after.", Required = true };
        var until = new Option<string>("--until") { Description = "Last day of interest yyyy-MM-dd (inclusive), e.g. the payment date.", Required = true };
        var config = new Option<string?>("--config") { Description = $"Folder of interest rule files (default: ./{InterestRuleBook.DefaultDirectory})." };
        var feeRate = new Option<string?>("--fee-exchange-rate") { Description = "Claim-currency units per unit of the flat fee's currency (e.g. HUF per EUR), when they differ." };

        var command = new Command("interest", "Statutory default interest and flat fee for one claim, split where the rate changes.")
        {
            jurisdiction, debtor, principal, currency, due, until, config, feeRate,
        };
        command.SetAction((ParseResult p, CancellationToken _) => Task.FromResult(Run(
            new Arguments(
                p.GetValue(jurisdiction)!,
                p.GetValue(debtor)!,
                p.GetValue(principal)!,
                p.GetValue(currency)!,
                p.GetValue(due)!,
                p.GetValue(until)!,
                p.GetValue(config),
                p.GetValue(feeRate)),
            Console.Out,
            Console.Error)));
        return command;
    }

    /// <summary>The verb's raw option values.</summary>
    internal sealed record Arguments(
        string Jurisdiction,
        string Debtor,
        string Principal,
        string Currency,
        string Due,
        string Until,
        string? Config,
        string? FeeExchangeRate);

    /// <summary>Runs the verb; returns the exit code. Separate from <see cref="Create"/> so tests can capture both streams.</summary>
    internal static int Run(Arguments args, TextWriter stdout, TextWriter stderr)
    {
        if (args.Debtor.Trim().ToLowerInvariant() is not ("consumer" or "business"))
        {
            return CliOutput.Fail($"--debtor: '{args.Debtor}' must be consumer or business", stderr);
        }

        var debtorKind = args.Debtor.Trim().Equals("consumer", StringComparison.OrdinalIgnoreCase) ? DebtorKind.Consumer : DebtorKind.Business;
        if (!decimal.TryParse(args.Principal, NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var principalValue))
        {
            return CliOutput.Fail($"--principal: '{args.Principal}' is not an amount (use a dot as decimal separator, e.g. 1000.00)", stderr);
        }

        var currencyCode = args.Currency.Trim().ToUpperInvariant();
        if (!TryDate(args.Due, out var dueDate))
        {
            return CliOutput.Fail($"--due: '{args.Due}' is not a date (yyyy-MM-dd)", stderr);
        }

        if (!TryDate(args.Until, out var untilDate))
        {
            return CliOutput.Fail($"--until: '{args.Until}' is not a date (yyyy-MM-dd)", stderr);
        }

        if (untilDate < dueDate)
        {
            return CliOutput.Fail($"--until: {untilDate:yyyy-MM-dd} is before --due {dueDate:yyyy-MM-dd}", stderr);
        }

        decimal? feeRate = null;
        if (args.FeeExchangeRate is not null)
        {
            if (!decimal.TryParse(args.FeeExchangeRate, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var parsed) || parsed <= 0)
            {
                return CliOutput.Fail($"--fee-exchange-rate: '{args.FeeExchangeRate}' is not a positive number", stderr);
            }

            feeRate = parsed;
        }

        InterestRuleBook rules;
        try
        {
            rules = InterestRuleBook.Load(args.Config ?? InterestRuleBook.DefaultDirectory);
        }
        catch (InterestConfigException ex)
        {
            return CliOutput.Fail($"--config: {ex.Message}", stderr);
        }

        InterestResult result;
        try
        {
            result = new StatutoryInterestCalculator(rules).Calculate(new InterestRequest(
                args.Jurisdiction.Trim(), debtorKind, principalValue, currencyCode, dueDate, untilDate, feeRate));
        }
        catch (InterestInputException ex)
        {
            return CliOutput.Fail($"{OptionName(ex.Input)}: {ex.Message}", stderr);
        }

        CliOutput.WriteLine(
            new Output(
                result.Interest,
                result.FlatFee,
                [.. result.Periods.Select(p => new OutputPeriod(Iso(p.From), Iso(p.To), p.RatePercent, p.Amount))]),
            stdout);
        return CliOutput.Ok;
    }

    private static bool TryDate(string text, out LocalDate date)
    {
        var parsed = LocalDatePattern.Iso.Parse(text.Trim());
        date = parsed.Success ? parsed.Value : default;
        return parsed.Success;
    }

    private static string Iso(LocalDate date) => LocalDatePattern.Iso.Format(date);

    private static string OptionName(InterestInput input) => input switch
    {
        InterestInput.Jurisdiction => "--jurisdiction",
        InterestInput.Debtor => "--debtor",
        InterestInput.Principal => "--principal",
        InterestInput.Currency => "--currency",
        InterestInput.Due => "--due",
        InterestInput.Until => "--until",
        InterestInput.FeeExchangeRate => "--fee-exchange-rate",
        _ => "interest",
    };

    // The output contract of DESIGN.md section 5: {"interest","flatFee","periods":[{"from","to","ratePercent","amount"}]}.
    private sealed record Output(decimal Interest, decimal FlatFee, IReadOnlyList<OutputPeriod> Periods);

    private sealed record OutputPeriod(string From, string To, decimal RatePercent, decimal Amount);
}
