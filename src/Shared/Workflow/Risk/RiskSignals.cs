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
