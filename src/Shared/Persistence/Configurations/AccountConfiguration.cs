using Collections.Shared.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Collections.Shared.Persistence.Configurations;

internal sealed class AccountConfiguration : IEntityTypeConfiguration<Account>
{
    public void Configure(EntityTypeBuilder<Account> builder)
    {
        builder.ToTable("accounts");
        builder.HasKey(a => a.Id);
        builder.Property(a => a.CreditorReference).HasMaxLength(64);
        // Re-imports upsert on (creditor, reference): the same claim is never loaded twice.
        builder.HasIndex(a => new { a.CreditorId, a.CreditorReference }).IsUnique();
        builder.HasIndex(a => a.DebtorId);
        builder.HasIndex(a => a.PortfolioId);
        builder.Property(a => a.Origin).HasMaxLength(200);
        builder.Property(a => a.Currency).HasMaxLength(3).IsFixedLength();
        builder.Property(a => a.ImportHash).HasMaxLength(64);
        builder.Ignore(a => a.Balance);
        builder.HasOne<Creditor>().WithMany().HasForeignKey(a => a.CreditorId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Portfolio>().WithMany().HasForeignKey(a => a.PortfolioId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Debtor>().WithMany().HasForeignKey(a => a.DebtorId).OnDelete(DeleteBehavior.Restrict);
        builder.HasMany(a => a.Invoices).WithOne().HasForeignKey(i => i.AccountId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class InvoiceConfiguration : IEntityTypeConfiguration<Invoice>
{
    public void Configure(EntityTypeBuilder<Invoice> builder)
    {
        builder.ToTable("invoices");
        builder.HasKey(i => i.Id);
        builder.Property(i => i.Number).HasMaxLength(64);
        builder.HasIndex(i => new { i.AccountId, i.Number }).IsUnique();
    }
}

internal sealed class CaseConfiguration : IEntityTypeConfiguration<Case>
{
    public void Configure(EntityTypeBuilder<Case> builder)
    {
        builder.ToTable("cases");
        builder.HasKey(c => c.Id);
        builder.HasIndex(c => c.AccountId).IsUnique();
        builder.HasIndex(c => c.NextStepDueAt);
        builder.HasIndex(c => c.LimitationWarnFrom);
        builder.Property(c => c.StrategyId).HasMaxLength(64);
        builder.Property(c => c.Arm).HasMaxLength(64);
        builder.Property(c => c.NextStep).HasMaxLength(64);
        builder.Property(c => c.RiskFlags).HasMaxLength(200);
        builder.Property(c => c.StrategyReason).HasMaxLength(500);
        builder.HasOne<Account>().WithOne().HasForeignKey<Case>(c => c.AccountId).OnDelete(DeleteBehavior.Cascade);
    }
}
