using Collections.Shared.Domain;
using NodaTime;

namespace Collections.Shared.Workflow.Risk;

/// <summary>Warning signs from an account's history (seed 000): a change of payment method, new bank details, frequent moves.</summary>
public static class RiskSignals
{
    /// <summary>The payer switched method, for example from transfer to cheque or cash.</summary>
    public const string PaymentMethodChange = "payment-method-change";

    /// <summary>A payment came from a bank account not seen on earlier payments.</summary>
    public const string NewBankDetails = "new-bank-details";

    /// <summary>Several address changes within a short time.</summary>
    public const string AddressChanges = "address-changes";

    /// <summary>
    /// The flags raised by <paramref name="payments"/> (any order) and <paramref name="addresses"/>: the latest payment's method
    /// or payer account against all earlier ones, and the addresses that started within the window before <paramref name="now"/>.
    /// </summary>
    public static IReadOnlySet<string> Evaluate(IEnumerable<Payment> payments, IEnumerable<DebtorAddress> addresses, Instant now, int addressThreshold, int addressWindowDays)
    {
        var flags = new SortedSet<string>(StringComparer.Ordinal);
        var ordered = payments.OrderBy(p => p.ReceivedOn).ThenBy(p => p.RecordedAt).ToList();
        if (ordered.Count >= 2)
        {
            var latest = ordered[^1];
            var earlier = ordered[..^1];
            if (latest.Method != earlier[^1].Method)
            {
                flags.Add(PaymentMethodChange);
            }

            var known = earlier.Where(p => !string.IsNullOrWhiteSpace(p.PayerAccount)).Select(p => Normalize(p.PayerAccount!)).ToHashSet(StringComparer.Ordinal);
            if (known.Count > 0 && !string.IsNullOrWhiteSpace(latest.PayerAccount) && !known.Contains(Normalize(latest.PayerAccount)))
            {
                flags.Add(NewBankDetails);
            }
        }

        var since = now - Duration.FromDays(addressWindowDays);
        // An address that starts replaces the one before it: each start inside the window is one change.
        var moves = addresses.OrderBy(a => a.ValidFrom).Skip(1).Count(a => a.ValidFrom >= since);
        if (moves >= addressThreshold)
        {
            flags.Add(AddressChanges);
        }

        return flags;
    }

    /// <summary>Each flag <see cref="Evaluate"/> raises, with what triggered it in words ("cash on 2026-11-02 after bank
    /// transfer on 2026-10-01"), for the operator and the supervisor.</summary>
    public static IReadOnlyList<(string Flag, string Trigger)> Explain(IEnumerable<Payment> payments, IEnumerable<DebtorAddress> addresses, Instant now, int addressThreshold, int addressWindowDays)
    {
        var list = new List<(string, string)>();
        var ordered = payments.OrderBy(p => p.ReceivedOn).ThenBy(p => p.RecordedAt).ToList();
        var flags = Evaluate(ordered, addresses, now, addressThreshold, addressWindowDays);
        if (ordered.Count >= 2)
        {
            var latest = ordered[^1];
            var before = ordered[^2];
            if (flags.Contains(PaymentMethodChange))
            {
                list.Add((PaymentMethodChange, $"{Words(latest.Method)} on {latest.ReceivedOn:uuuu-MM-dd} after {Words(before.Method)} on {before.ReceivedOn:uuuu-MM-dd}"));
            }

            if (flags.Contains(NewBankDetails))
            {
                list.Add((NewBankDetails, $"payment on {latest.ReceivedOn:uuuu-MM-dd} from account {MaskAccount(latest.PayerAccount!)}, not seen on earlier payments"));
            }
        }

        if (flags.Contains(AddressChanges))
        {
            var since = now - Duration.FromDays(addressWindowDays);
            var moves = addresses.OrderBy(a => a.ValidFrom).Skip(1).Where(a => a.ValidFrom >= since).ToList();
            list.Add((AddressChanges, $"{moves.Count} moves within {addressWindowDays} days: {string.Join(", ", moves.Select(a => $"{a.City} from {a.ValidFrom.InUtc().Date:uuuu-MM-dd}"))}"));
        }

        return list;
    }

    private static string Words(PaymentMethod method) => method switch
    {
        PaymentMethod.BankTransfer => "bank transfer",
        PaymentMethod.DirectDebit => "direct debit",
        _ => method.ToString().ToLowerInvariant(),
    };

    // Account numbers are personal data: the last four characters are enough to tell accounts apart on a screen.
    private static string MaskAccount(string account)
    {
        var plain = Normalize(account);
        return plain.Length <= 4 ? "****" : $"****{plain[^4..]}";
    }

    /// <summary>Parses the comma separated flags stored on a case.</summary>
    public static IReadOnlySet<string> Parse(string? stored) =>
        new HashSet<string>((stored ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), StringComparer.Ordinal);

    /// <summary>Formats flags for <see cref="Case.RiskFlags"/>; null when there are none.</summary>
    public static string? Format(IEnumerable<string> flags)
    {
        var text = string.Join(',', flags.Order(StringComparer.Ordinal));
        return text.Length == 0 ? null : text;
    }

    private static string Normalize(string account) => account.Replace(" ", string.Empty, StringComparison.Ordinal).ToUpperInvariant();
}
