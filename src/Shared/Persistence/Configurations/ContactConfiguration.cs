using Collections.Shared.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Collections.Shared.Persistence.Configurations;

internal sealed class ContactAttemptConfiguration : IEntityTypeConfiguration<ContactAttempt>
{
    public void Configure(EntityTypeBuilder<ContactAttempt> builder)
    {
        builder.ToTable("contact_attempts");
        builder.HasKey(c => c.Id);
        builder.Property(c => c.Address).HasMaxLength(254);
        builder.Property(c => c.ExternalId).HasMaxLength(128);
        // Compliance counts attempts per account and per number over rolling windows.
        builder.HasIndex(c => new { c.AccountId, c.StartedAt });
        builder.HasIndex(c => new { c.Address, c.StartedAt });
        builder.HasIndex(c => c.ExternalId);
        // The activity report reads the ledger by time.
        builder.HasIndex(c => c.StartedAt);
        builder.HasIndex(c => c.ScheduledContactId);
        builder.Property(c => c.Node).HasMaxLength(100);
        // The reconciler looks for calls still open every few seconds: the few rows without an end lead the index, so it never
        // scans the ledger's history.
        builder.HasIndex(c => new { c.EndedAt, c.Node });
        builder.HasOne<Account>().WithMany().HasForeignKey(c => c.AccountId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Debtor>().WithMany().HasForeignKey(c => c.DebtorId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Campaign>().WithMany().HasForeignKey(c => c.CampaignId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Agent>().WithMany().HasForeignKey(c => c.AgentId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class DispositionConfiguration : IEntityTypeConfiguration<Disposition>
{
    public void Configure(EntityTypeBuilder<Disposition> builder)
    {
        builder.ToTable("dispositions");
        builder.HasKey(d => d.Id);
        builder.Property(d => d.Note).HasMaxLength(2000);
        builder.HasIndex(d => new { d.AccountId, d.At });
        builder.HasIndex(d => new { d.AgentId, d.CallbackAt });
        builder.HasOne<Account>().WithMany().HasForeignKey(d => d.AccountId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<ContactAttempt>().WithMany().HasForeignKey(d => d.ContactAttemptId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Agent>().WithMany().HasForeignKey(d => d.AgentId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class HoldConfiguration : IEntityTypeConfiguration<Hold>
{
    public void Configure(EntityTypeBuilder<Hold> builder)
    {
        builder.ToTable("holds");
        builder.HasKey(h => h.Id);
        builder.Property(h => h.Reason).HasMaxLength(500);
        builder.HasIndex(h => h.AccountId);
        builder.HasOne<Account>().WithMany().HasForeignKey(h => h.AccountId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class LedgerNodeConfiguration : IEntityTypeConfiguration<Compliance.LedgerNode>
{
    public void Configure(EntityTypeBuilder<Compliance.LedgerNode> builder)
    {
        builder.ToTable("ledger_nodes");
        builder.HasKey(n => n.Id);
        builder.Property(n => n.Id).HasMaxLength(100);
    }
}

internal sealed class AuditEntryConfiguration : IEntityTypeConfiguration<Audit.AuditEntry>
{
    public void Configure(EntityTypeBuilder<Audit.AuditEntry> builder)
    {
        builder.ToTable("audit_entries");
        builder.HasKey(e => e.Id);
        // The trail assigns ids itself (the position in the hash chain), never the database.
        builder.Property(e => e.Id).ValueGeneratedNever();
        builder.Property(e => e.Actor).HasMaxLength(128);
        builder.Property(e => e.Action).HasMaxLength(16);
        builder.Property(e => e.Subject).HasMaxLength(400);
        builder.Property(e => e.Detail).HasMaxLength(100);
        builder.Property(e => e.From).HasMaxLength(64);
        builder.Property(e => e.PreviousHash).HasMaxLength(64);
        builder.Property(e => e.Hash).HasMaxLength(64);
        builder.HasIndex(e => e.At);
    }
}
