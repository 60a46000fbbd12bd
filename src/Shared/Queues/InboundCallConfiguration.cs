using Collections.Shared.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Collections.Shared.Queues;

internal sealed class InboundCallConfiguration : IEntityTypeConfiguration<InboundCall>
{
    public void Configure(EntityTypeBuilder<InboundCall> builder)
    {
        builder.ToTable("inbound_calls");
        builder.HasKey(c => c.Id);
        builder.Property(c => c.From).HasMaxLength(64);
        builder.Property(c => c.Did).HasMaxLength(32);
        builder.Property(c => c.SipCallId).HasMaxLength(256);
        builder.Property(c => c.Language).HasMaxLength(16);
        builder.Property(c => c.VoicemailPath).HasMaxLength(500);
        builder.Property(c => c.Node).HasMaxLength(128);
        // The activity verb lists calls by time; supervisors read unhandled messages from unknown numbers.
        builder.HasIndex(c => c.ReceivedAt);
        builder.HasIndex(c => new { c.HandledAt, c.Outcome });
        builder.HasOne<Debtor>().WithMany().HasForeignKey(c => c.DebtorId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Account>().WithMany().HasForeignKey(c => c.AccountId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Agent>().WithMany().HasForeignKey(c => c.AgentId).OnDelete(DeleteBehavior.Restrict);
    }
}
