using Collections.Shared.Domain;

namespace Collections.Shared.Demo;

/// <summary>One generated demo data set: creditors, debtors, claims and their history, operators and campaigns.</summary>
public sealed class DemoData
{
    public required IReadOnlyList<Creditor> Creditors { get; init; }

    public required IReadOnlyList<Portfolio> Portfolios { get; init; }

    /// <summary>Debtors with their addresses (history included) and phone numbers.</summary>
    public required IReadOnlyList<Debtor> Debtors { get; init; }

    public required IReadOnlyList<OptOut> OptOuts { get; init; }

    /// <summary>Accounts with their invoices.</summary>
    public required IReadOnlyList<Account> Accounts { get; init; }

    public required IReadOnlyList<Case> Cases { get; init; }

    public required IReadOnlyList<Agent> Agents { get; init; }

    public required IReadOnlyList<Campaign> Campaigns { get; init; }

    public required IReadOnlyList<ContactAttempt> ContactAttempts { get; init; }

    public required IReadOnlyList<Disposition> Dispositions { get; init; }

    public required IReadOnlyList<PromiseToPay> Promises { get; init; }

    /// <summary>Instalment plans with their instalments.</summary>
    public required IReadOnlyList<InstalmentPlan> InstalmentPlans { get; init; }

    public required IReadOnlyList<Payment> Payments { get; init; }

    public required IReadOnlyList<Hold> Holds { get; init; }

    /// <summary>Calls queued for the cases (scheduled_contacts): what the campaigns dial.</summary>
    public IReadOnlyList<Workflow.ScheduledContact> ScheduledContacts { get; init; } = [];
}
