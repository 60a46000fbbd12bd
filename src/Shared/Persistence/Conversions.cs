using Collections.Shared.Domain;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using NodaTime;

namespace Collections.Shared.Persistence;

// NodaTime types map to portable column types on all three providers: a LocalDate is a DATE, an Instant a
// UTC timestamp. SQLite stores both as ISO 8601 text, so ordering and range filters still work there.
internal sealed class LocalDateConverter() : ValueConverter<LocalDate, DateOnly>(d => d.ToDateOnly(), d => LocalDate.FromDateOnly(d));

internal sealed class InstantConverter() : ValueConverter<Instant, DateTime>(
    i => i.ToDateTimeUtc(),
    d => Instant.FromDateTimeUtc(DateTime.SpecifyKind(d, DateTimeKind.Utc)));

internal sealed class CreditorIdConverter() : ValueConverter<CreditorId, Guid>(v => v.Value, v => new CreditorId(v));
internal sealed class PortfolioIdConverter() : ValueConverter<PortfolioId, Guid>(v => v.Value, v => new PortfolioId(v));
internal sealed class DebtorIdConverter() : ValueConverter<DebtorId, Guid>(v => v.Value, v => new DebtorId(v));
internal sealed class PhoneNumberIdConverter() : ValueConverter<PhoneNumberId, Guid>(v => v.Value, v => new PhoneNumberId(v));
internal sealed class AddressIdConverter() : ValueConverter<AddressId, Guid>(v => v.Value, v => new AddressId(v));
internal sealed class AccountIdConverter() : ValueConverter<AccountId, Guid>(v => v.Value, v => new AccountId(v));
internal sealed class InvoiceIdConverter() : ValueConverter<InvoiceId, Guid>(v => v.Value, v => new InvoiceId(v));
internal sealed class CaseIdConverter() : ValueConverter<CaseId, Guid>(v => v.Value, v => new CaseId(v));
internal sealed class ContactAttemptIdConverter() : ValueConverter<ContactAttemptId, Guid>(v => v.Value, v => new ContactAttemptId(v));
internal sealed class DispositionIdConverter() : ValueConverter<DispositionId, Guid>(v => v.Value, v => new DispositionId(v));
internal sealed class PromiseIdConverter() : ValueConverter<PromiseId, Guid>(v => v.Value, v => new PromiseId(v));
internal sealed class InstalmentPlanIdConverter() : ValueConverter<InstalmentPlanId, Guid>(v => v.Value, v => new InstalmentPlanId(v));
internal sealed class InstalmentIdConverter() : ValueConverter<InstalmentId, Guid>(v => v.Value, v => new InstalmentId(v));
internal sealed class PaymentIdConverter() : ValueConverter<PaymentId, Guid>(v => v.Value, v => new PaymentId(v));
internal sealed class HoldIdConverter() : ValueConverter<HoldId, Guid>(v => v.Value, v => new HoldId(v));
internal sealed class OptOutIdConverter() : ValueConverter<OptOutId, Guid>(v => v.Value, v => new OptOutId(v));
internal sealed class AgentIdConverter() : ValueConverter<AgentId, Guid>(v => v.Value, v => new AgentId(v));
internal sealed class CampaignIdConverter() : ValueConverter<CampaignId, Guid>(v => v.Value, v => new CampaignId(v));
internal sealed class OutboundMessageIdConverter() : ValueConverter<OutboundMessageId, Guid>(v => v.Value, v => new OutboundMessageId(v));
internal sealed class InboundMessageIdConverter() : ValueConverter<InboundMessageId, Guid>(v => v.Value, v => new InboundMessageId(v));
