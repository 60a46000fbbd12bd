using Collections.Shared.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Collections.Shared.Persistence.Configurations;

internal sealed class OutboundMessageConfiguration : IEntityTypeConfiguration<OutboundMessage>
{
    public void Configure(EntityTypeBuilder<OutboundMessage> builder)
    {
        builder.ToTable("outbound_messages");
        builder.HasKey(m => m.Id);
        builder.Property(m => m.IdempotencyKey).HasMaxLength(200);
        builder.Property(m => m.To).HasMaxLength(254);
        builder.Property(m => m.From).HasMaxLength(254);
        builder.Property(m => m.Template).HasMaxLength(100);
        builder.Property(m => m.Language).HasMaxLength(16);
        builder.Property(m => m.Body).HasMaxLength(4000);
        builder.Property(m => m.Subject).HasMaxLength(500);
        builder.Property(m => m.ContentSid).HasMaxLength(64);
        builder.Property(m => m.ContentVariables).HasMaxLength(2000);
        builder.Property(m => m.ProviderId).HasMaxLength(128);
        builder.Property(m => m.ErrorMessage).HasMaxLength(1000);
        builder.Property(m => m.DocumentPath).HasMaxLength(500);
        builder.HasIndex(m => m.CreatedAt);
        // The idempotency key is the guarantee: a second insert with the same key fails instead of sending twice.
        builder.HasIndex(m => m.IdempotencyKey).IsUnique();
        // Status callbacks find the message by the provider's id; reconciliation scans by state.
        builder.HasIndex(m => m.ProviderId);
        builder.HasIndex(m => new { m.State, m.SendingAt });
        builder.HasIndex(m => new { m.AccountId, m.CreatedAt });
        builder.HasOne<Account>().WithMany().HasForeignKey(m => m.AccountId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Debtor>().WithMany().HasForeignKey(m => m.DebtorId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<ContactAttempt>().WithMany().HasForeignKey(m => m.ContactAttemptId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class InboundMessageConfiguration : IEntityTypeConfiguration<InboundMessage>
{
    public void Configure(EntityTypeBuilder<InboundMessage> builder)
    {
        builder.ToTable("inbound_messages");
        builder.HasKey(m => m.Id);
        builder.Property(m => m.From).HasMaxLength(254);
        builder.Property(m => m.To).HasMaxLength(254);
        builder.Property(m => m.Body).HasMaxLength(4000);
        builder.Property(m => m.ProviderId).HasMaxLength(128);
        builder.HasIndex(m => m.ProviderId).IsUnique();
        // The operators' queue: unhandled text, oldest first.
        builder.HasIndex(m => new { m.HandledAt, m.ReceivedAt });
        builder.HasIndex(m => new { m.From, m.ReceivedAt });
        builder.HasOne<Debtor>().WithMany().HasForeignKey(m => m.DebtorId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Agent>().WithMany().HasForeignKey(m => m.HandledBy).OnDelete(DeleteBehavior.Restrict);
    }
}
