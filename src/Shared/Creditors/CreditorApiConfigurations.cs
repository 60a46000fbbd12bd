using Collections.Shared.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Collections.Shared.Creditors;

internal sealed class CreditorApiKeyConfiguration : IEntityTypeConfiguration<CreditorApiKey>
{
    public void Configure(EntityTypeBuilder<CreditorApiKey> builder)
    {
        builder.ToTable("creditor_api_keys");
        builder.HasKey(k => k.Id);
        builder.Property(k => k.KeyId).HasMaxLength(32);
        builder.HasIndex(k => k.KeyId).IsUnique();
        builder.Property(k => k.Hash).HasMaxLength(64);
        builder.HasOne<Creditor>().WithMany().HasForeignKey(k => k.CreditorId);
    }
}

internal sealed class CreditorUserConfiguration : IEntityTypeConfiguration<CreditorUser>
{
    public void Configure(EntityTypeBuilder<CreditorUser> builder)
    {
        builder.ToTable("creditor_users");
        builder.HasKey(u => new { u.UserId, u.CreditorId });
        builder.Property(u => u.UserId).HasMaxLength(450);
        builder.HasOne<ConsoleUser>().WithMany().HasForeignKey(u => u.UserId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Creditor>().WithMany().HasForeignKey(u => u.CreditorId);
    }
}

internal sealed class CreditorWebhookConfiguration : IEntityTypeConfiguration<CreditorWebhook>
{
    public void Configure(EntityTypeBuilder<CreditorWebhook> builder)
    {
        builder.ToTable("creditor_webhooks");
        builder.HasKey(w => w.CreditorId);
        builder.Property(w => w.Url).HasMaxLength(2000);
        builder.Property(w => w.Secret).HasMaxLength(128);
        builder.HasOne<Creditor>().WithOne().HasForeignKey<CreditorWebhook>(w => w.CreditorId);
    }
}

internal sealed class CreditorWebhookDeliveryConfiguration : IEntityTypeConfiguration<CreditorWebhookDelivery>
{
    public void Configure(EntityTypeBuilder<CreditorWebhookDelivery> builder)
    {
        builder.ToTable("creditor_webhook_deliveries");
        builder.HasKey(d => d.Id);
        builder.Property(d => d.EventKey).HasMaxLength(128);
        builder.HasIndex(d => new { d.CreditorId, d.EventKey }).IsUnique();
        builder.Property(d => d.Type).HasMaxLength(64);
        builder.Property(d => d.LastError).HasMaxLength(500);
        builder.HasIndex(d => new { d.Status, d.NextAttemptAt });
        builder.HasOne<Creditor>().WithMany().HasForeignKey(d => d.CreditorId);
    }
}

internal sealed class CreditorIdempotentRequestConfiguration : IEntityTypeConfiguration<CreditorIdempotentRequest>
{
    public void Configure(EntityTypeBuilder<CreditorIdempotentRequest> builder)
    {
        builder.ToTable("creditor_idempotent_requests");
        builder.HasKey(r => r.Id);
        builder.Property(r => r.Caller).HasMaxLength(500);
        builder.Property(r => r.IdempotencyKey).HasMaxLength(255);
        builder.HasIndex(r => new { r.Caller, r.IdempotencyKey }).IsUnique();
        builder.Property(r => r.RequestHash).HasMaxLength(64);
    }
}

internal sealed class LegalActionConsentConfiguration : IEntityTypeConfiguration<LegalActionConsent>
{
    public void Configure(EntityTypeBuilder<LegalActionConsent> builder)
    {
        builder.ToTable("legal_action_consents");
        builder.HasKey(c => c.CaseId);
        builder.Property(c => c.DecidedBy).HasMaxLength(500);
        builder.Property(c => c.Note).HasMaxLength(500);
        builder.Property(c => c.Filing).HasMaxLength(32);
        builder.Property(c => c.RequestedBy).HasMaxLength(500);
        builder.Property(c => c.RequestNote).HasMaxLength(500);
        builder.HasIndex(c => c.AccountId);
        builder.HasOne<Case>().WithOne().HasForeignKey<LegalActionConsent>(c => c.CaseId);
    }
}
