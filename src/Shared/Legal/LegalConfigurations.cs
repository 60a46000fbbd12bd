using Collections.Shared.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Collections.Shared.Legal;

internal sealed class DebtAcknowledgementConfiguration : IEntityTypeConfiguration<DebtAcknowledgement>
{
    public void Configure(EntityTypeBuilder<DebtAcknowledgement> builder)
    {
        builder.ToTable("debt_acknowledgements");
        builder.HasKey(a => a.Id);
        builder.HasIndex(a => a.AccountId);
        builder.Property(a => a.Text).HasMaxLength(4000);
        builder.Property(a => a.SignedBy).HasMaxLength(200);
        builder.Property(a => a.RecordedBy).HasMaxLength(200);
        builder.HasOne<Account>().WithMany().HasForeignKey(a => a.AccountId).OnDelete(DeleteBehavior.Cascade);
    }
}
