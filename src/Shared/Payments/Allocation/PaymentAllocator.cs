namespace Collections.Shared.Payments.Allocation;

/// <summary>
/// Applies a payment that does not settle the whole claim to costs, interest and principal in the order the debtor's
/// jurisdiction prescribes. Pure: no clock, no database. It covers one claim; which of several claims a payment goes
/// to (BGB § 366, Ptk. 6:45) and a debtor's own designation (BGB § 367 (2)) are decided before calling it.
/// </summary>
public static class PaymentAllocator
{
    private static readonly ClaimComponent[] CostsInterestPrincipal = [ClaimComponent.Costs, ClaimComponent.Interest, ClaimComponent.Principal];

    /// <summary>Jurisdictions with a statutory order here: DE, HU, SI.</summary>
    public static IReadOnlyList<string> Jurisdictions { get; } = ["DE", "HU", "SI"];

    /// <summary>
    /// The statutory order for <paramref name="jurisdiction"/>; <paramref name="consumerCredit"/> selects the German
    /// consumer-credit rule of BGB § 497 (3). Throws <see cref="ArgumentException"/> where no order is implemented.
    /// </summary>
    public static AllocationOrder OrderFor(string jurisdiction, bool consumerCredit = false) => jurisdiction.ToUpperInvariant() switch
    {
        // BGB § 497 (3) sentence 1: for a consumer credit agreement in default, payments go to the costs of legal
        // pursuit, then to the remaining amount owed, and only last to the default interest, "abweichend von § 367 (1)".
        "DE" when consumerCredit => new AllocationOrder(
            [ClaimComponent.Costs, ClaimComponent.Principal, ClaimComponent.Interest], "BGB § 497 (3) sentence 1"),
        // BGB § 367 (1): "zunächst auf die Kosten, dann auf die Zinsen und zuletzt auf die Hauptleistung".
        "DE" => new AllocationOrder(CostsInterestPrincipal, "BGB § 367 (1)"),
        // Ptk. 6:46: an amount short of the whole money debt is accounted first to costs, then interest, then principal,
        // unless the creditor (jogosult) has determined otherwise; a different order is passed as an AllocationOrder.
        "HU" => new AllocationOrder(CostsInterestPrincipal, "Ptk. 6:46"),
        // Obligacijski zakonik (OZ) Art. 288 (1): costs first, then interest, principal last.
        "SI" => new AllocationOrder(CostsInterestPrincipal, "Obligacijski zakonik Art. 288 (1)"),
        _ => throw new ArgumentException(
            $"No statutory allocation order implemented for '{jurisdiction}'; implemented: {string.Join(", ", Jurisdictions)}.",
            nameof(jurisdiction)),
    };

    /// <summary>Allocates <paramref name="payment"/> by the statutory order of <paramref name="jurisdiction"/>.</summary>
    public static PaymentAllocationResult Allocate(decimal payment, OutstandingBalance balance, string jurisdiction, bool consumerCredit = false) =>
        Allocate(payment, balance, OrderFor(jurisdiction, consumerCredit));

    /// <summary>Allocates <paramref name="payment"/> (in the balance's currency) to the components in <paramref name="order"/>.</summary>
    public static PaymentAllocationResult Allocate(decimal payment, OutstandingBalance balance, AllocationOrder order)
    {
        ArgumentNullException.ThrowIfNull(balance);
        ArgumentNullException.ThrowIfNull(order);
        ArgumentOutOfRangeException.ThrowIfNegative(payment);
        if (balance.Costs < 0 || balance.Interest < 0 || balance.Principal < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(balance), "Outstanding amounts must not be negative.");
        }

        if (order.Order.Count != 3 || order.Order.Distinct().Count() != 3)
        {
            throw new ArgumentException("An allocation order names costs, interest and principal once each.", nameof(order));
        }

        var left = payment;
        var applied = new Dictionary<ClaimComponent, decimal>();
        foreach (var component in order.Order)
        {
            var part = Math.Min(left, balance.Of(component));
            applied[component] = part;
            left -= part;
        }

        return new PaymentAllocationResult(
            applied[ClaimComponent.Costs],
            applied[ClaimComponent.Interest],
            applied[ClaimComponent.Principal],
            left,
            balance with
            {
                Costs = balance.Costs - applied[ClaimComponent.Costs],
                Interest = balance.Interest - applied[ClaimComponent.Interest],
                Principal = balance.Principal - applied[ClaimComponent.Principal],
            },
            order.Order,
            order.Law);
    }
}
