using Collections.Shared.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Collections.Shared.Workflow;

internal sealed class CaseStepConfiguration : IEntityTypeConfiguration<CaseStep>
{
    public void Configure(EntityTypeBuilder<CaseStep> builder)
    {
        builder.ToTable("case_steps");
        builder.HasKey(s => s.Id);
        builder.Property(s => s.StepKey).HasMaxLength(64);
        builder.Property(s => s.Campaign).HasMaxLength(100);
        builder.Property(s => s.ScriptStage).HasMaxLength(64);
        builder.Property(s => s.Note).HasMaxLength(500);
        // One row per step of a case: executing a step twice finds the row Done (idempotent job bodies key on this).
        builder.HasIndex(s => new { s.CaseId, s.StepKey }).IsUnique();
        // A case's planned steps in the order they fall due: the due-work sweep reads, per case of a batch, those due now and the
        // first after now (SetBasedSteps). Partial (planned only): a step carried out leaves it, and the done steps, most of a
        // portfolio's rows in time, are not in it. With the id the probe for a case's next step reads the index alone. The filter is plain SQL that SQLite, PostgreSQL and SQL Server all accept;
        // the enum is stored by name.
        builder.HasIndex(s => new { s.CaseId, s.DueAt, s.Sequence, s.Id }).HasDatabaseName("IX_case_steps_planned").HasFilter("status = 'Planned'");
        // Steps carried out by when: the creditor webhooks' phase changes since the last poll (CreditorWebhookEvents).
        builder.HasIndex(s => s.ExecutedAt).HasDatabaseName("IX_case_steps_done_executed_at").HasFilter("status = 'Done'");
        builder.HasOne<Case>().WithMany().HasForeignKey(s => s.CaseId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ScheduledContactConfiguration : IEntityTypeConfiguration<ScheduledContact>
{
    public void Configure(EntityTypeBuilder<ScheduledContact> builder)
    {
        builder.ToTable("scheduled_contacts");
        builder.HasKey(c => c.Id);
        builder.Property(c => c.Campaign).HasMaxLength(100);
        builder.Property(c => c.ScriptStage).HasMaxLength(64);
        builder.Property(c => c.Reason).HasMaxLength(100);
        builder.Property(c => c.IdempotencyKey).HasMaxLength(200);
        builder.Property(c => c.Template).HasMaxLength(100);
        builder.Property(c => c.ClaimedBy).HasMaxLength(64);
        builder.Property(c => c.Outcome).HasMaxLength(300);
        builder.HasIndex(c => c.IdempotencyKey).IsUnique();
        // The dialers and the dispatcher read "queued, due, of this campaign/channel" in time order.
        builder.HasIndex(c => new { c.Campaign, c.Status, c.NextAttemptAt });
        builder.HasIndex(c => new { c.Channel, c.Status, c.NextAttemptAt });
        builder.HasIndex(c => new { c.AccountId, c.Status });
        builder.HasOne<Agent>().WithMany().HasForeignKey(c => c.AgentId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Account>().WithMany().HasForeignKey(c => c.AccountId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Case>().WithMany().HasForeignKey(c => c.CaseId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class SettlementOfferConfiguration : IEntityTypeConfiguration<SettlementOffer>
{
    public void Configure(EntityTypeBuilder<SettlementOffer> builder)
    {
        builder.ToTable("settlement_offers");
        builder.HasKey(o => o.Id);
        builder.Property(o => o.Currency).HasMaxLength(3).IsFixedLength();
        builder.Property(o => o.DecidedBy).HasMaxLength(100);
        builder.Property(o => o.Note).HasMaxLength(500);
        builder.HasIndex(o => new { o.AccountId, o.Status });
        builder.HasOne<Account>().WithMany().HasForeignKey(o => o.AccountId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class PaymentImportBatchConfiguration : IEntityTypeConfiguration<PaymentImportBatch>
{
    public void Configure(EntityTypeBuilder<PaymentImportBatch> builder)
    {
        builder.ToTable("payment_import_batches");
        builder.HasKey(b => b.Id);
        builder.Property(b => b.FileName).HasMaxLength(260);
        builder.Property(b => b.Format).HasMaxLength(16);
    }
}

internal sealed class PaymentImportEntryConfiguration : IEntityTypeConfiguration<PaymentImportEntry>
{
    public void Configure(EntityTypeBuilder<PaymentImportEntry> builder)
    {
        builder.ToTable("payment_import_entries");
        builder.HasKey(e => e.Id);
        builder.Property(e => e.DedupKey).HasMaxLength(100);
        builder.Property(e => e.UnmatchedReason).HasMaxLength(200);
        builder.HasIndex(e => e.DedupKey).IsUnique();
        builder.HasIndex(e => e.PaymentId).IsUnique();
        builder.HasOne<PaymentImportBatch>().WithMany().HasForeignKey(e => e.BatchId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Payment>().WithMany().HasForeignKey(e => e.PaymentId).OnDelete(DeleteBehavior.Cascade);
    }
}
