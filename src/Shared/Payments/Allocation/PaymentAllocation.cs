namespace Collections.Shared.Payments.Allocation;

/// <summary>The parts of a claim a payment can settle.</summary>
public enum ClaimComponent
{
    /// <summary>Costs and fees: collection and legal costs, the statutory flat fee.</summary>
    Costs,

    /// <summary>Interest (statutory default interest, contractual interest, penalties charged as interest).</summary>
    Interest,

    /// <summary>The principal debt (Hauptleistung, főtartozás, glavnica).</summary>
    Principal,
}

/// <summary>What is still owed on one claim, by component, in one currency.</summary>
/// <param name="Costs">Outstanding costs and fees.</param>
/// <param name="Interest">Outstanding interest.</param>
/// <param name="Principal">Outstanding principal.</param>
/// <param name="Currency">ISO 4217 code of every amount.</param>
public sealed record OutstandingBalance(decimal Costs, decimal Interest, decimal Principal, string Currency)
{
    /// <summary>Sum of the three components.</summary>
    public decimal Total => Costs + Interest + Principal;

    /// <summary>The amount outstanding on <paramref name="component"/>.</summary>
    public decimal Of(ClaimComponent component) => component switch
    {
        ClaimComponent.Costs => Costs,
        ClaimComponent.Interest => Interest,
        _ => Principal,
    };
}

/// <summary>How one payment was applied, and what remains.</summary>
/// <param name="ToCosts">Part applied to costs and fees.</param>
/// <param name="ToInterest">Part applied to interest.</param>
/// <param name="ToPrincipal">Part applied to principal.</param>
/// <param name="Unapplied">Overpayment left after the whole claim is settled (to refund or hold).</param>
/// <param name="Remaining">Balance after the payment.</param>
/// <param name="Order">The order that was applied.</param>
/// <param name="Law">The provision that prescribes the order.</param>
public sealed record PaymentAllocationResult(
    decimal ToCosts,
    decimal ToInterest,
    decimal ToPrincipal,
    decimal Unapplied,
    OutstandingBalance Remaining,
    IReadOnlyList<ClaimComponent> Order,
    string Law);

/// <summary>A statutory order of allocation and the provision it comes from.</summary>
/// <param name="Order">Components in the order a payment settles them.</param>
/// <param name="Law">Citation.</param>
public sealed record AllocationOrder(IReadOnlyList<ClaimComponent> Order, string Law);
