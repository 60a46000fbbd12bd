namespace Collections.Scripts.Model;

/// <summary>The fixed set of placeholders a script text may use, and which of them disclose the debt.</summary>
public static class Placeholders
{
    /// <summary>Every placeholder name (without braces) with whether saying it discloses the debt to the listener.</summary>
    /// <remarks>
    /// FDCPA 15 U.S.C. 1692c(b) forbids communicating with a third party about the debt, and 1692b(2) forbids
    /// telling anyone but the consumer that the consumer owes a debt. Anything naming the creditor, the account
    /// or an amount therefore counts as disclosure; the agent's and agency's names and the debtor's own name do not.
    /// </remarks>
    public static readonly IReadOnlyDictionary<string, PlaceholderInfo> All = new Dictionary<string, PlaceholderInfo>(StringComparer.Ordinal)
    {
        ["agent.name"] = new("agent.name", false, "The operator's name as they introduce themselves."),
        ["agency.name"] = new("agency.name", false, "The collection agency's trading name."),
        ["agency.phone"] = new("agency.phone", false, "The agency's call-back number."),
        ["debtor.firstName"] = new("debtor.firstName", false, "The debtor's first name (business: the contact person's)."),
        ["debtor.lastName"] = new("debtor.lastName", false, "The debtor's last name (business: the contact person's)."),
        ["debtor.companyName"] = new("debtor.companyName", false, "The debtor company's name (business debtors)."),
        ["creditor.name"] = new("creditor.name", true, "The creditor the debt is owed to."),
        ["account.reference"] = new("account.reference", true, "The creditor's account or contract reference."),
        ["account.balance"] = new("account.balance", true, "The outstanding balance, in the debtor's locale and the account's currency."),
        ["account.dueDate"] = new("account.dueDate", true, "The date the balance fell due, in the debtor's locale."),
        ["instalment.amount"] = new("instalment.amount", true, "The next agreed instalment's amount."),
        ["instalment.dueDate"] = new("instalment.dueDate", true, "The next agreed instalment's due date."),
        ["promise.amount"] = new("promise.amount", true, "The amount of the last promise to pay (the broken one)."),
        ["promise.date"] = new("promise.date", true, "The date the last promise to pay was due."),
    };

    /// <summary>Splits <paramref name="text"/> into the placeholder names it uses, and reports malformed braces.</summary>
    public static PlaceholderScan Scan(string text)
    {
        var names = new List<string>();
        string? malformed = null;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '}')
            {
                malformed ??= $"'}}' without '{{' at column {i + 1}";
                continue;
            }

            if (text[i] != '{')
            {
                continue;
            }

            var close = text.IndexOfAny(['{', '}'], i + 1);
            if (close < 0 || text[close] != '}')
            {
                malformed ??= $"'{{' without '}}' at column {i + 1}";
                continue;
            }

            names.Add(text[(i + 1)..close]);
            i = close;
        }

        return new PlaceholderScan(names, malformed);
    }
}

/// <summary>A placeholder's name, whether it discloses the debt, and what it stands for.</summary>
public sealed record PlaceholderInfo(string Name, bool DisclosesDebt, string Description);

/// <summary>The placeholder names found in a text and the first brace error, if any.</summary>
public sealed record PlaceholderScan(IReadOnlyList<string> Names, string? Malformed);
