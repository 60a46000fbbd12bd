using Collections.Shared.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Collections.Shared.Persistence.Configurations;

internal sealed class PromiseToPayConfiguration : IEntityTypeConfiguration<PromiseToPay>
{
    public void Configure(EntityTypeBuilder<PromiseToPay> builder)
    {
        builder.ToTable("promises_to_pay");
        builder.HasKey(p => p.Id);
        builder.Property(p => p.Currency).HasMaxLength(3).IsFixedLength();
        builder.Property(p => p.PaymentMethod).HasMaxLength(32);
        builder.Ignore(p => p.Promised);
        builder.HasIndex(p => new { p.Status, p.DueDate });
        builder.HasIndex(p => p.AccountId);
        builder.HasOne<Account>().WithMany().HasForeignKey(p => p.AccountId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Agent>().WithMany().HasForeignKey(p => p.AgentId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class InstalmentPlanConfiguration : IEntityTypeConfiguration<InstalmentPlan>
{
    public void Configure(EntityTypeBuilder<InstalmentPlan> builder)
    {
        builder.ToTable("instalment_plans");
        builder.HasKey(p => p.Id);
        builder.Property(p => p.Currency).HasMaxLength(3).IsFixedLength();
        builder.HasIndex(p => p.AccountId);
        builder.HasOne<Account>().WithMany().HasForeignKey(p => p.AccountId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Agent>().WithMany().HasForeignKey(p => p.AgentId).OnDelete(DeleteBehavior.Restrict);
        builder.HasMany(p => p.Instalments).WithOne().HasForeignKey(i => i.PlanId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class InstalmentConfiguration : IEntityTypeConfiguration<Instalment>
{
    public void Configure(EntityTypeBuilder<Instalment> builder)
    {
        builder.ToTable("instalments");
        builder.HasKey(i => i.Id);
        builder.HasIndex(i => new { i.PlanId, i.Number }).IsUnique();
        builder.HasIndex(i => new { i.Status, i.DueDate });
    }
}

internal sealed class PaymentConfiguration : IEntityTypeConfiguration<Payment>
{
    public void Configure(EntityTypeBuilder<Payment> builder)
    {
        builder.ToTable("payments");
        builder.HasKey(p => p.Id);
        builder.Property(p => p.Currency).HasMaxLength(3).IsFixedLength();
        builder.Property(p => p.Reference).HasMaxLength(140);
        builder.Property(p => p.PayerAccount).HasMaxLength(34);
        builder.HasIndex(p => p.AccountId);
        builder.HasOne<Account>().WithMany().HasForeignKey(p => p.AccountId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class AgentConfiguration : IEntityTypeConfiguration<Agent>
{
    public void Configure(EntityTypeBuilder<Agent> builder)
    {
        builder.ToTable("agents");
        builder.HasKey(a => a.Id);
        builder.Property(a => a.Login).HasMaxLength(64);
        builder.HasIndex(a => a.Login).IsUnique();
        builder.Property(a => a.DisplayName).HasMaxLength(100);
        builder.Property(a => a.Languages).HasMaxLength(100);
        builder.Property(a => a.SipExtension).HasMaxLength(32);
        builder.Ignore(a => a.LanguageList);
    }
}

internal sealed class CampaignConfiguration : IEntityTypeConfiguration<Campaign>
{
    public void Configure(EntityTypeBuilder<Campaign> builder)
    {
        builder.ToTable("campaigns");
        builder.HasKey(c => c.Id);
        builder.Property(c => c.Name).HasMaxLength(100);
        builder.HasIndex(c => c.Name).IsUnique();
        builder.Property(c => c.StrategyStep).HasMaxLength(64);
        builder.Property(c => c.Queue).HasMaxLength(100).HasDefaultValue(Campaign.DefaultQueue);
        builder.Property(c => c.InformationMessage).HasMaxLength(260);
        builder.Property(c => c.MachineMessage).HasMaxLength(260);
    }
}
