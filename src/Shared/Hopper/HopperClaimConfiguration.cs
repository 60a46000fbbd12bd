using Collections.Shared.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Collections.Shared.Hopper;

internal sealed class HopperClaimConfiguration : IEntityTypeConfiguration<HopperClaim>
{
    /// <summary>The table name the claim SQL of each provider uses.</summary>
    public const string Table = "hopper_claims";

    public void Configure(EntityTypeBuilder<HopperClaim> builder)
    {
        builder.ToTable(Table);
        builder.HasKey(c => c.AccountId);
        builder.Property(c => c.ClaimedBy).HasMaxLength(64);
        builder.Property(c => c.Phone).HasMaxLength(32);
        // A database default, so the PostgreSQL and SQL Server claim SQL can insert a row with its key alone.
        builder.Property(c => c.ClaimCount).HasDefaultValue(0);
        // Candidate queries skip accounts under an unexpired lease; nodes renew and release their own claims.
        builder.HasIndex(c => c.ClaimedUntil);
        builder.HasIndex(c => c.ClaimedBy);
        builder.HasOne<Account>().WithOne().HasForeignKey<HopperClaim>(c => c.AccountId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Campaign>().WithMany().HasForeignKey(c => c.CampaignId).OnDelete(DeleteBehavior.SetNull);
    }
}
