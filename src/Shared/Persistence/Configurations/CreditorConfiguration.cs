using Collections.Shared.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Collections.Shared.Persistence.Configurations;

internal sealed class CreditorConfiguration : IEntityTypeConfiguration<Creditor>
{
    public void Configure(EntityTypeBuilder<Creditor> builder)
    {
        builder.ToTable("creditors");
        builder.HasKey(c => c.Id);
        builder.Property(c => c.Code).HasMaxLength(64);
        builder.HasIndex(c => c.Code).IsUnique();
        builder.Property(c => c.Name).HasMaxLength(200);
        builder.Property(c => c.Country).HasMaxLength(2).IsFixedLength();
        builder.Property(c => c.ReportEmail).HasMaxLength(254);
        builder.OwnsOne(c => c.Policy, policy =>
        {
            policy.Property(p => p.MaxInstalments).HasColumnName("policy_max_instalments");
            policy.Property(p => p.MinInstalment).HasColumnName("policy_min_instalment");
            policy.Property(p => p.MaxSettlementDiscountPercent).HasColumnName("policy_max_settlement_discount_percent");
            policy.Property(p => p.PromiseTolerance).HasColumnName("policy_promise_tolerance");
            policy.Property(p => p.AllowsSms).HasColumnName("policy_allows_sms");
            policy.Property(p => p.AllowsWhatsApp).HasColumnName("policy_allows_whatsapp");
            policy.Property(p => p.AllowsAutomatedDialing).HasColumnName("policy_allows_automated_dialing");
            // Existing creditors keep the supervisors' decision they had; the sentinel no value has makes EF always write the
            // value on insert, so the default serves only the rows that existed before the column.
            policy.Property(p => p.SettlementApproval).HasColumnName("policy_settlement_approval")
                .HasDefaultValue(SettlementApproval.Supervisor).HasSentinel((SettlementApproval)(-1));
            policy.Property(p => p.LegalActionNeedsConsent).HasColumnName("policy_legal_action_needs_consent");
            // Mandates (issue 20): null columns mean "no restriction", so creditors that existed before them keep every channel.
            policy.Property(p => p.MandateChannels).HasColumnName("policy_mandate_channels").HasMaxLength(100);
            policy.Property(p => p.ChannelLimits).HasColumnName("policy_channel_limits").HasMaxLength(200);
            policy.Property(p => p.NoSmsBeforeFirstLetter).HasColumnName("policy_no_sms_before_first_letter");
            policy.Property(p => p.TemplateVariants).HasColumnName("policy_template_variants").HasMaxLength(500);
        });
        builder.Navigation(c => c.Policy).IsRequired();
        builder.OwnsOne(c => c.Terms, terms =>
        {
            terms.Property(t => t.CommissionPercent).HasColumnName("terms_commission_percent").HasPrecision(5, 2);
            terms.Property(t => t.ReportFrequency).HasColumnName("terms_report_frequency");
            terms.Property(t => t.ReportedUntil).HasColumnName("terms_reported_until");
        });
        builder.Navigation(c => c.Terms).IsRequired();
    }
}
