using System.Globalization;
using System.Text;
using Collections.Scripts.Model;
using Collections.Scripts.Runtime;
using NodaTime;
using NodaTime.Text;

namespace Collections.Scripts.Formatting;

/// <summary>Fills a script text's placeholders from a call's context, in the debtor's locale.</summary>
public static class TextRenderer
{
    /// <summary>Renders <paramref name="template"/>; refuses debt placeholders until the right party is verified.</summary>
    /// <exception cref="InvalidOperationException">A placeholder discloses the debt and <paramref name="rightPartyVerified"/> is false (FDCPA 15 U.S.C. 1692c(b)).</exception>
    public static RenderedText Render(string template, ScriptContext context, bool rightPartyVerified)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(context);
        var output = new StringBuilder(template.Length + 32);
        var missing = new List<string>();
        var i = 0;
        while (i < template.Length)
        {
            var open = template.IndexOf('{', i);
            var close = open < 0 ? -1 : template.IndexOf('}', open + 1);
            if (open < 0 || close < 0)
            {
                output.Append(template, i, template.Length - i);
                break;
            }

            output.Append(template, i, open - i);
            var name = template[(open + 1)..close];
            if (!Placeholders.All.TryGetValue(name, out var info))
            {
                throw new InvalidOperationException($"unknown placeholder {{{name}}}: validate the script before running it");
            }

            if (info.DisclosesDebt && !rightPartyVerified)
            {
                throw new InvalidOperationException($"{{{name}}} discloses the debt and the right party is not verified (FDCPA 15 U.S.C. 1692c(b))");
            }

            var value = Value(name, context);
            if (value is null)
            {
                missing.Add(name);
                output.Append('[').Append(name).Append(']');
            }
            else
            {
                output.Append(value);
            }

            i = close + 1;
        }

        return new RenderedText(output.ToString(), missing);
    }

    /// <summary>Formats a calendar date as the debtor's locale writes it in full, e.g. "Montag, 1. Dezember 2025" in de-DE.</summary>
    public static string FormatDate(LocalDate date, CultureInfo culture) =>
        LocalDatePattern.Create("D", culture).Format(date);

    private static string? Value(string name, ScriptContext c) => name switch
    {
        "agent.name" => c.AgentName,
        "agency.name" => c.AgencyName,
        "agency.phone" => c.AgencyPhone,
        "debtor.firstName" => c.DebtorFirstName,
        "debtor.lastName" => c.DebtorLastName,
        "debtor.companyName" => c.DebtorCompanyName,
        "creditor.name" => c.CreditorName,
        "account.reference" => c.AccountReference,
        "account.balance" => MoneyFormatter.Format(c.Balance, c.Culture),
        "account.dueDate" => c.DueDate is { } due ? FormatDate(due, c.Culture) : null,
        "instalment.amount" => c.NextInstalmentAmount is { } amount ? MoneyFormatter.Format(amount, c.Culture) : null,
        "instalment.dueDate" => c.NextInstalmentDueDate is { } date ? FormatDate(date, c.Culture) : null,
        "promise.amount" => c.LastPromiseAmount is { } promised ? MoneyFormatter.Format(promised, c.Culture) : null,
        "promise.date" => c.LastPromiseDate is { } promisedOn ? FormatDate(promisedOn, c.Culture) : null,
        _ => throw new InvalidOperationException($"placeholder {{{name}}} has no value source"),
    };
}

/// <summary>A rendered text and the placeholders the context had no value for (shown as <c>[name]</c>).</summary>
public sealed record RenderedText(string Text, IReadOnlyList<string> Missing);
