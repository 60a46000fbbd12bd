namespace Collections.Shared.Domain;

// Typed ids: a CreditorId can never be passed where an AccountId is expected (STYLE.md habit 9).
// Version 7 GUIDs are time-ordered, so inserts append to the primary-key index instead of scattering.

/// <summary>Identifies a creditor (a client of the agency).</summary>
public readonly record struct CreditorId(Guid Value) { public static CreditorId New() => new(Guid.CreateVersion7()); public override string ToString() => Value.ToString(); }

/// <summary>Identifies a portfolio of claims loaded for a creditor.</summary>
public readonly record struct PortfolioId(Guid Value) { public static PortfolioId New() => new(Guid.CreateVersion7()); public override string ToString() => Value.ToString(); }

/// <summary>Identifies a debtor, a person or a business.</summary>
public readonly record struct DebtorId(Guid Value) { public static DebtorId New() => new(Guid.CreateVersion7()); public override string ToString() => Value.ToString(); }

/// <summary>Identifies one phone number of a debtor.</summary>
public readonly record struct PhoneNumberId(Guid Value) { public static PhoneNumberId New() => new(Guid.CreateVersion7()); public override string ToString() => Value.ToString(); }

/// <summary>Identifies one postal address of a debtor.</summary>
public readonly record struct AddressId(Guid Value) { public static AddressId New() => new(Guid.CreateVersion7()); public override string ToString() => Value.ToString(); }

/// <summary>Identifies an account (a claim) owed by a debtor to a creditor.</summary>
public readonly record struct AccountId(Guid Value) { public static AccountId New() => new(Guid.CreateVersion7()); public override string ToString() => Value.ToString(); }

/// <summary>Identifies an invoice that makes up a claim.</summary>
public readonly record struct InvoiceId(Guid Value) { public static InvoiceId New() => new(Guid.CreateVersion7()); public override string ToString() => Value.ToString(); }

/// <summary>Identifies the collection case that works an account.</summary>
public readonly record struct CaseId(Guid Value) { public static CaseId New() => new(Guid.CreateVersion7()); public override string ToString() => Value.ToString(); }

/// <summary>Identifies one row of the contact ledger.</summary>
public readonly record struct ContactAttemptId(Guid Value) { public static ContactAttemptId New() => new(Guid.CreateVersion7()); public override string ToString() => Value.ToString(); }

/// <summary>Identifies a disposition saved at the end of a contact.</summary>
public readonly record struct DispositionId(Guid Value) { public static DispositionId New() => new(Guid.CreateVersion7()); public override string ToString() => Value.ToString(); }

/// <summary>Identifies a promise to pay.</summary>
public readonly record struct PromiseId(Guid Value) { public static PromiseId New() => new(Guid.CreateVersion7()); public override string ToString() => Value.ToString(); }

/// <summary>Identifies an instalment plan.</summary>
public readonly record struct InstalmentPlanId(Guid Value) { public static InstalmentPlanId New() => new(Guid.CreateVersion7()); public override string ToString() => Value.ToString(); }

/// <summary>Identifies one instalment of a plan.</summary>
public readonly record struct InstalmentId(Guid Value) { public static InstalmentId New() => new(Guid.CreateVersion7()); public override string ToString() => Value.ToString(); }

/// <summary>Identifies a payment received.</summary>
public readonly record struct PaymentId(Guid Value) { public static PaymentId New() => new(Guid.CreateVersion7()); public override string ToString() => Value.ToString(); }

/// <summary>Identifies a dispute or hold on an account.</summary>
public readonly record struct HoldId(Guid Value) { public static HoldId New() => new(Guid.CreateVersion7()); public override string ToString() => Value.ToString(); }

/// <summary>Identifies an opt-out or cease-communication request.</summary>
public readonly record struct OptOutId(Guid Value) { public static OptOutId New() => new(Guid.CreateVersion7()); public override string ToString() => Value.ToString(); }

/// <summary>Identifies an operator.</summary>
public readonly record struct AgentId(Guid Value) { public static AgentId New() => new(Guid.CreateVersion7()); public override string ToString() => Value.ToString(); }

/// <summary>Identifies a dialing campaign.</summary>
public readonly record struct CampaignId(Guid Value) { public static CampaignId New() => new(Guid.CreateVersion7()); public override string ToString() => Value.ToString(); }

/// <summary>Identifies an outbound message (SMS, WhatsApp, e-mail).</summary>
public readonly record struct OutboundMessageId(Guid Value) { public static OutboundMessageId New() => new(Guid.CreateVersion7()); public override string ToString() => Value.ToString(); }

/// <summary>Identifies an inbound message from a debtor.</summary>
public readonly record struct InboundMessageId(Guid Value) { public static InboundMessageId New() => new(Guid.CreateVersion7()); public override string ToString() => Value.ToString(); }
