using Collections.Shared.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using NodaTime;

namespace Collections.Shared.FieldVisits;

/// <summary>What a field agent found at the door.</summary>
public enum VisitResult
{
    /// <summary>The debtor (or their representative) was met.</summary>
    Met = 1,

    /// <summary>Nobody answered, or the debtor was out.</summary>
    NotMet = 2,

    /// <summary>The debtor no longer lives there; the new address, when known, becomes their current one (a warning sign, seed 000).</summary>
    Moved = 3,

    /// <summary>The debtor was met and refused to talk or to pay.</summary>
    Refused = 4,
}

/// <summary>One outcome a field agent recorded on a visit, stored once per <see cref="IdempotencyKey"/> (the phone makes the key
/// when the agent saves, so an outcome sent again after a lost answer or from the offline outbox is not recorded twice).</summary>
public sealed class FieldVisitOutcome
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    /// <summary>The key the phone made for this outcome; unique.</summary>
    public required string IdempotencyKey { get; set; }

    public AccountId AccountId { get; set; }

    /// <summary>The visit task (a scheduled contact on the Visit channel) the outcome closes; null for an unplanned visit.</summary>
    public Guid? ScheduledContactId { get; set; }

    public VisitResult Result { get; set; }

    /// <summary>The field agent's login.</summary>
    public required string Agent { get; set; }

    /// <summary>When the agent was at the door (the phone's time, corrected to the server's clock).</summary>
    public Instant VisitedAt { get; set; }

    /// <summary>When the server stored it (later than <see cref="VisitedAt"/> for an outcome kept offline).</summary>
    public Instant RecordedAt { get; set; }

    public string? Note { get; set; }

    /// <summary>The visit's row in the contact ledger.</summary>
    public ContactAttemptId ContactAttemptId { get; set; }

    public PromiseId? PromiseId { get; set; }

    public InstalmentPlanId? PlanId { get; set; }

    public PaymentId? PaymentId { get; set; }

    /// <summary>The acknowledgement of debt signed on the phone (<see cref="Legal.DebtAcknowledgement"/>).</summary>
    public Guid? AcknowledgementId { get; set; }
}

internal sealed class FieldVisitOutcomeConfiguration : IEntityTypeConfiguration<FieldVisitOutcome>
{
    public void Configure(EntityTypeBuilder<FieldVisitOutcome> builder)
    {
        builder.ToTable("field_visit_outcomes");
        builder.HasKey(o => o.Id);
        // The server's half of "never doubled": a second insert with the same key fails, whatever the client did.
        builder.HasIndex(o => o.IdempotencyKey).IsUnique();
        builder.HasIndex(o => o.AccountId);
        builder.Property(o => o.IdempotencyKey).HasMaxLength(64);
        builder.Property(o => o.Agent).HasMaxLength(200);
        builder.Property(o => o.Note).HasMaxLength(2000);
        builder.HasOne<Account>().WithMany().HasForeignKey(o => o.AccountId).OnDelete(DeleteBehavior.Cascade);
    }
}
