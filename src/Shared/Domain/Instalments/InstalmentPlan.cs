using NodaTime;

namespace Collections.Shared.Domain;

/// <summary>The life of an instalment plan.</summary>
public enum InstalmentPlanStatus { Active = 0, Completed = 1, Defaulted = 2, Cancelled = 3 }

/// <summary>How often instalments fall due.</summary>
public enum InstalmentFrequency { Weekly = 1, Fortnightly = 2, Monthly = 3 }

/// <summary>Where one instalment stands.</summary>
public enum InstalmentStatus { Due = 0, Paid = 1, PartlyPaid = 2, Missed = 3 }

/// <summary>An agreement to pay the balance in instalments, with a reminder call before each falls due (seed 004).</summary>
public sealed class InstalmentPlan
{
    public InstalmentPlanId Id { get; set; } = InstalmentPlanId.New();

    public AccountId AccountId { get; set; }

    public AgentId? AgentId { get; set; }

    public required string Currency { get; set; }

    public decimal Total { get; set; }

    public decimal DownPayment { get; set; }

    public InstalmentFrequency Frequency { get; set; }

    public InstalmentPlanStatus Status { get; set; }

    public Instant CreatedAt { get; set; }

    public List<Instalment> Instalments { get; set; } = [];
}

/// <summary>One instalment of a plan.</summary>
public sealed class Instalment
{
    public InstalmentId Id { get; set; } = InstalmentId.New();

    public InstalmentPlanId PlanId { get; set; }

    /// <summary>1-based position in the plan.</summary>
    public int Number { get; set; }

    public LocalDate DueDate { get; set; }

    public decimal Amount { get; set; }

    public decimal PaidAmount { get; set; }

    public InstalmentStatus Status { get; set; }

    /// <summary>When the reminder before it was queued (seed 004: a reminder call before each instalment falls due); null
    /// until then. The due-work sweep selects instalments still to be reminded by it.</summary>
    public Instant? RemindedAt { get; set; }
}
