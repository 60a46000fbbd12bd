using Collections.Shared.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Collections.Shared.Persistence.Configurations;

internal sealed class DebtorConfiguration : IEntityTypeConfiguration<Debtor>
{
    public void Configure(EntityTypeBuilder<Debtor> builder)
    {
        builder.ToTable("debtors");
        builder.HasKey(d => d.Id);
        builder.Property(d => d.FirstName).HasMaxLength(100);
        builder.Property(d => d.LastName).HasMaxLength(100);
        builder.Property(d => d.CompanyName).HasMaxLength(200);
        builder.Property(d => d.PreferredLanguage).HasMaxLength(16);
        builder.Property(d => d.TimeZoneId).HasMaxLength(64);
        builder.Property(d => d.Email).HasMaxLength(254);
        builder.Ignore(d => d.DisplayName);
        builder.Ignore(d => d.CurrentAddress);
        builder.HasMany(d => d.Addresses).WithOne().HasForeignKey(a => a.DebtorId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(d => d.Phones).WithOne().HasForeignKey(p => p.DebtorId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class DebtorAddressConfiguration : IEntityTypeConfiguration<DebtorAddress>
{
    public void Configure(EntityTypeBuilder<DebtorAddress> builder)
    {
        builder.ToTable("debtor_addresses");
        builder.HasKey(a => a.Id);
        builder.Property(a => a.Street).HasMaxLength(200);
        builder.Property(a => a.PostalCode).HasMaxLength(20);
        builder.Property(a => a.City).HasMaxLength(100);
        builder.Property(a => a.Country).HasMaxLength(2).IsFixedLength();
        builder.HasIndex(a => a.DebtorId);
    }
}

internal sealed class PhoneNumberConfiguration : IEntityTypeConfiguration<PhoneNumber>
{
    public void Configure(EntityTypeBuilder<PhoneNumber> builder)
    {
        builder.ToTable("phone_numbers");
        builder.HasKey(p => p.Id);
        builder.Property(p => p.E164).HasMaxLength(16);
        builder.Property(p => p.Region).HasMaxLength(2).IsFixedLength();
        builder.Property(p => p.ConsentSource).HasMaxLength(200);
        builder.HasIndex(p => p.DebtorId);
        // Inbound calls and messages are matched to debtors by number.
        builder.HasIndex(p => p.E164);
    }
}

internal sealed class OptOutConfiguration : IEntityTypeConfiguration<OptOut>
{
    public void Configure(EntityTypeBuilder<OptOut> builder)
    {
        builder.ToTable("opt_outs");
        builder.HasKey(o => o.Id);
        builder.Property(o => o.Address).HasMaxLength(254);
        builder.Property(o => o.Source).HasMaxLength(64);
        builder.HasIndex(o => o.DebtorId);
        builder.HasIndex(o => o.Address);
        builder.HasOne<Debtor>().WithMany().HasForeignKey(o => o.DebtorId).OnDelete(DeleteBehavior.Cascade);
    }
}
