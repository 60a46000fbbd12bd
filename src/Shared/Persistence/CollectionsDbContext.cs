using Collections.Shared.Domain;
using Collections.Shared.Hopper;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Collections.Shared.Workflow;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Collections.Shared.Persistence;

/// <summary>The one database context of the platform, console sign-ins (ASP.NET Core Identity) included; one subclass per
/// provider carries that provider's migrations.</summary>
public abstract class CollectionsDbContext(DbContextOptions options) : IdentityDbContext<ConsoleUser>(options)
{
    public DbSet<Creditor> Creditors => Set<Creditor>();
    public DbSet<Portfolio> Portfolios => Set<Portfolio>();
    public DbSet<Debtor> Debtors => Set<Debtor>();
    public DbSet<DebtorAddress> Addresses => Set<DebtorAddress>();
    public DbSet<PhoneNumber> PhoneNumbers => Set<PhoneNumber>();
    public DbSet<OptOut> OptOuts => Set<OptOut>();
    public DbSet<Account> Accounts => Set<Account>();
    public DbSet<Invoice> Invoices => Set<Invoice>();
    public DbSet<Case> Cases => Set<Case>();
    public DbSet<ContactAttempt> ContactAttempts => Set<ContactAttempt>();
    public DbSet<Disposition> Dispositions => Set<Disposition>();
    public DbSet<PromiseToPay> Promises => Set<PromiseToPay>();
    public DbSet<InstalmentPlan> InstalmentPlans => Set<InstalmentPlan>();
    public DbSet<Instalment> Instalments => Set<Instalment>();
    public DbSet<Payment> Payments => Set<Payment>();
    public DbSet<Hold> Holds => Set<Hold>();
    public DbSet<Agent> Agents => Set<Agent>();
    public DbSet<Campaign> Campaigns => Set<Campaign>();
    public DbSet<HopperClaim> HopperClaims => Set<HopperClaim>();
    public DbSet<OutboundMessage> OutboundMessages => Set<OutboundMessage>();
    public DbSet<InboundMessage> InboundMessages => Set<InboundMessage>();
    public DbSet<Queues.InboundCall> InboundCalls => Set<Queues.InboundCall>();
    public DbSet<CaseStep> CaseSteps => Set<CaseStep>();
    public DbSet<ScheduledContact> ScheduledContacts => Set<ScheduledContact>();
    public DbSet<SettlementOffer> SettlementOffers => Set<SettlementOffer>();
    public DbSet<PaymentImportBatch> PaymentImportBatches => Set<PaymentImportBatch>();
    public DbSet<PaymentImportEntry> PaymentImportEntries => Set<PaymentImportEntry>();
    public DbSet<CreditorApiKey> CreditorApiKeys => Set<CreditorApiKey>();
    public DbSet<CreditorUser> CreditorUsers => Set<CreditorUser>();
    public DbSet<CreditorWebhook> CreditorWebhooks => Set<CreditorWebhook>();
    public DbSet<CreditorWebhookDelivery> CreditorWebhookDeliveries => Set<CreditorWebhookDelivery>();
    public DbSet<CreditorIdempotentRequest> CreditorIdempotentRequests => Set<CreditorIdempotentRequest>();
    public DbSet<LegalActionConsent> LegalActionConsents => Set<LegalActionConsent>();
    public DbSet<Legal.DebtAcknowledgement> DebtAcknowledgements => Set<Legal.DebtAcknowledgement>();
    public DbSet<Compliance.LedgerNode> LedgerNodes => Set<Compliance.LedgerNode>();
    public DbSet<Audit.AuditEntry> AuditEntries => Set<Audit.AuditEntry>();
    public DbSet<Workflow.Strategies.StrategyArmChange> StrategyArmChanges => Set<Workflow.Strategies.StrategyArmChange>();
    public DbSet<FieldVisits.FieldVisitOutcome> FieldVisitOutcomes => Set<FieldVisits.FieldVisitOutcome>();
    public DbSet<Privacy.SuppressedAddress> Suppressions => Set<Privacy.SuppressedAddress>();

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        configurationBuilder.Properties<LocalDate>().HaveConversion<LocalDateConverter>();
        configurationBuilder.Properties<Instant>().HaveConversion<InstantConverter>();
        // Money columns: 18 digits with 4 decimals holds any claim and keeps sub-cent interest exact.
        configurationBuilder.Properties<decimal>().HavePrecision(18, 4);
        // Enums are stored by name: a reader of the database or a report sees "Broken", not 3.
        configurationBuilder.Properties<Enum>().HaveConversion<string>().HaveMaxLength(32);
        configurationBuilder.Properties<CreditorId>().HaveConversion<CreditorIdConverter>();
        configurationBuilder.Properties<PortfolioId>().HaveConversion<PortfolioIdConverter>();
        configurationBuilder.Properties<DebtorId>().HaveConversion<DebtorIdConverter>();
        configurationBuilder.Properties<PhoneNumberId>().HaveConversion<PhoneNumberIdConverter>();
        configurationBuilder.Properties<AddressId>().HaveConversion<AddressIdConverter>();
        configurationBuilder.Properties<AccountId>().HaveConversion<AccountIdConverter>();
        configurationBuilder.Properties<InvoiceId>().HaveConversion<InvoiceIdConverter>();
        configurationBuilder.Properties<CaseId>().HaveConversion<CaseIdConverter>();
        configurationBuilder.Properties<ContactAttemptId>().HaveConversion<ContactAttemptIdConverter>();
        configurationBuilder.Properties<DispositionId>().HaveConversion<DispositionIdConverter>();
        configurationBuilder.Properties<PromiseId>().HaveConversion<PromiseIdConverter>();
        configurationBuilder.Properties<InstalmentPlanId>().HaveConversion<InstalmentPlanIdConverter>();
        configurationBuilder.Properties<InstalmentId>().HaveConversion<InstalmentIdConverter>();
        configurationBuilder.Properties<PaymentId>().HaveConversion<PaymentIdConverter>();
        configurationBuilder.Properties<HoldId>().HaveConversion<HoldIdConverter>();
        configurationBuilder.Properties<OptOutId>().HaveConversion<OptOutIdConverter>();
        configurationBuilder.Properties<AgentId>().HaveConversion<AgentIdConverter>();
        configurationBuilder.Properties<CampaignId>().HaveConversion<CampaignIdConverter>();
        configurationBuilder.Properties<OutboundMessageId>().HaveConversion<OutboundMessageIdConverter>();
        configurationBuilder.Properties<InboundMessageId>().HaveConversion<InboundMessageIdConverter>();
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        // Identity's own model first; our configurations then rename its tables (Configurations/IdentityConfiguration.cs).
        base.OnModelCreating(modelBuilder);
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(CollectionsDbContext).Assembly);

        // snake_case columns on every provider, so hand-written SQL and reports read the same everywhere.
        foreach (var entity in modelBuilder.Model.GetEntityTypes())
        {
            foreach (var property in entity.GetProperties())
            {
                if (entity.IsOwned() && property.IsPrimaryKey())
                {
                    // An owned type shares its owner's row: its key is the owner's "id" column.
                    property.SetColumnName("id");
                }
                else if (property.GetColumnName() == property.Name)
                {
                    property.SetColumnName(SnakeCase(property.Name));
                }
            }
        }
    }

    private static string SnakeCase(string name)
    {
        var builder = new System.Text.StringBuilder(name.Length + 8);
        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0 && (char.IsLower(name[i - 1]) || (i + 1 < name.Length && char.IsLower(name[i + 1]))))
            {
                builder.Append('_');
            }

            builder.Append(char.ToLowerInvariant(name[i]));
        }

        return builder.ToString();
    }
}

/// <summary>The context on SQLite, the embedded default.</summary>
public sealed class SqliteCollectionsDbContext(DbContextOptions<SqliteCollectionsDbContext> options) : CollectionsDbContext(options);

/// <summary>The context on PostgreSQL.</summary>
public sealed class PostgresCollectionsDbContext(DbContextOptions<PostgresCollectionsDbContext> options) : CollectionsDbContext(options);

/// <summary>The context on SQL Server (migrations generated; no server runs in this project's CI).</summary>
public sealed class SqlServerCollectionsDbContext(DbContextOptions<SqlServerCollectionsDbContext> options) : CollectionsDbContext(options);
