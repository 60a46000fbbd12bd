using Collections.Shared.Domain;
using Collections.Shared.Persistence;
using NodaTime;

namespace Collections.Testing.Workflow;

/// <summary>Seeds one creditor, debtor and account for workflow tests.</summary>
public static class WorkflowData
{
    /// <summary>A German consumer (Europe/Berlin, mobile number) owing a German telecom <paramref name="principal"/> EUR due on
    /// <paramref name="dueDate"/>. Returns the account.</summary>
    public static async Task<Account> SeedAccountAsync(
        DatabaseOptions options,
        LocalDate dueDate,
        decimal principal = 500m,
        string reference = "TEL-1001",
        DebtorKind kind = DebtorKind.Consumer,
        Action<CreditorPolicy>? policy = null,
        Instant? createdAt = null)
    {
        await using var db = DatabaseSetup.CreateContext(options);
        var now = createdAt ?? Instant.FromUtc(2025, 1, 1, 0, 0);
        var creditor = db.Creditors.FirstOrDefault();
        if (creditor is null)
        {
            creditor = new Creditor { Code = "TELCO-DE", Name = "Telco Deutschland", Country = "DE", ReportEmail = "claims@telco.example" };
            creditor.Policy.MaxSettlementDiscountPercent = 10m;
            creditor.Policy.PromiseTolerance = 1m;
            policy?.Invoke(creditor.Policy);
            db.Creditors.Add(creditor);
        }

        var portfolio = new Portfolio { CreditorId = creditor.Id, Name = $"test-{reference}", CreatedAt = now };
        var debtor = new Debtor
        {
            Kind = kind,
            FirstName = "Max",
            LastName = "Mustermann",
            CompanyName = kind == DebtorKind.Business ? "Muster GmbH" : null,
            PreferredLanguage = "de",
            TimeZoneId = "Europe/Berlin",
        };
        debtor.Addresses.Add(new DebtorAddress { DebtorId = debtor.Id, Street = "Hauptstr. 1", PostalCode = "10115", City = "Berlin", Country = "DE", ValidFrom = now - Duration.FromDays(2000) });
        debtor.Phones.Add(new PhoneNumber { DebtorId = debtor.Id, E164 = "+4915112345678", Region = "DE", Kind = PhoneKind.Mobile, AutodialConsent = true });
        var account = new Account
        {
            CreditorId = creditor.Id,
            PortfolioId = portfolio.Id,
            DebtorId = debtor.Id,
            CreditorReference = reference,
            Industry = Industry.Telecom,
            Currency = "EUR",
            Principal = principal,
            DueDate = dueDate,
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.Portfolios.Add(portfolio);
        db.Debtors.Add(debtor);
        db.Accounts.Add(account);
        await db.SaveChangesAsync();
        return account;
    }
}
