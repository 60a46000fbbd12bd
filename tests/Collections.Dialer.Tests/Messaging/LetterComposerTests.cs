using Collections.Dialer.Messaging;
using Collections.Dialer.Messaging.Letters;
using Collections.Shared.Domain;
using Collections.Shared.Interest;
using Collections.Shared.Persistence;
using Collections.Testing;
using NodaTime;

namespace Collections.Dialer.Tests.Messaging;

public sealed class LetterComposerTests
{
    [Fact]
    public async Task A_final_demand_cites_the_invoices_and_earlier_messages_and_calculates_statutory_interest_per_invoice()
    {
        var options = await TestDatabases.NewSqlite().MigrateAsync();
        var (accountId, _) = await SeedAsync(options);
        var calculator = new StatutoryInterestCalculator(InterestRuleBook.Load(RepositoryRoot.Combine("config", "interest")));
        var composer = new LetterComposer(() => DatabaseSetup.CreateContext(options), calculator, new AgencyDetails());

        var model = await composer.ComposeAsync(accountId, LetterKind.FinalDemand, new LocalDate(2026, 3, 31), TestContext.Current.CancellationToken);

        Assert.NotNull(model);
        Assert.Equal("de", model.Language);
        Assert.Equal(["R-1", "R-2"], model.Invoices.Select(i => i.Number));
        Assert.Equal(["Am Markt 3", "04109 Leipzig", "DE"], model.DebtorAddress);
        Assert.Equal(new LocalDate(2026, 4, 14), model.PayBy);
        // BGB § 288 (1): base rate + 5 points on each invoice from the day after its due date.
        Assert.NotEmpty(model.InterestPeriods);
        Assert.Equal(new LocalDate(2026, 1, 28), model.InterestPeriods[0].From);
        Assert.All(model.InterestPeriods, p => Assert.True(p.RatePercent > 5m));
        Assert.Equal(model.InterestPeriods.Sum(p => p.Amount), model.Interest);
        Assert.True(model.Interest > 0m);
        Assert.Equal(200m + model.Interest + 7.5m, model.Total);
        var notice = Assert.Single(model.EarlierNotices);
        Assert.Equal(new LocalDate(2026, 3, 2), notice.Date);
        Assert.Contains("sms.first-reminder", notice.Description);
        Assert.Equal("%PDF"u8.ToArray(), new LetterRenderer().Render(model)[..4]);
    }

    [Fact]
    public async Task Without_a_statutory_table_the_booked_interest_is_printed_without_a_calculation()
    {
        var options = await TestDatabases.NewSqlite().MigrateAsync();
        var (accountId, _) = await SeedAsync(options);
        var composer = new LetterComposer(() => DatabaseSetup.CreateContext(options), null, new AgencyDetails());

        var model = await composer.ComposeAsync(accountId, LetterKind.Reminder, new LocalDate(2026, 3, 31), TestContext.Current.CancellationToken);

        Assert.Equal(2.5m, model!.Interest);
        Assert.Empty(model.InterestPeriods);
        Assert.Null(await composer.ComposeAsync(AccountId.New(), LetterKind.Reminder, new LocalDate(2026, 3, 31), TestContext.Current.CancellationToken));
    }

    private static async Task<(AccountId, DebtorId)> SeedAsync(DatabaseOptions options)
    {
        await using var db = DatabaseSetup.CreateContext(options);
        var creditor = new Creditor { Code = "STROM", Name = "Stadtwerke Leipzig GmbH", Country = "DE" };
        var portfolio = new Portfolio { CreditorId = creditor.Id, Name = "2026", CreatedAt = Instant.FromUtc(2026, 1, 1, 0, 0) };
        var debtor = new Debtor
        {
            Kind = Collections.Shared.Domain.DebtorKind.Consumer, FirstName = "Erika", LastName = "Musterfrau", PreferredLanguage = "de",
            Addresses = [new DebtorAddress { Street = "Am Markt 3", PostalCode = "04109", City = "Leipzig", Country = "DE", ValidFrom = Instant.FromUtc(2020, 1, 1, 0, 0) }],
        };
        var account = new Account
        {
            CreditorId = creditor.Id, PortfolioId = portfolio.Id, DebtorId = debtor.Id, CreditorReference = "STROM-77", Currency = "EUR",
            Origin = "Stromliefervertrag", Principal = 200m, Interest = 2.5m, Fees = 7.5m, DueDate = new LocalDate(2026, 1, 27),
            Invoices =
            [
                new Invoice { Number = "R-1", IssuedOn = new LocalDate(2026, 1, 13), DueOn = new LocalDate(2026, 1, 27), Amount = 100m },
                new Invoice { Number = "R-2", IssuedOn = new LocalDate(2026, 2, 13), DueOn = new LocalDate(2026, 2, 27), Amount = 100m },
            ],
        };
        db.AddRange(creditor, portfolio, debtor, account);
        db.OutboundMessages.Add(new OutboundMessage
        {
            IdempotencyKey = "sms-1", AccountId = account.Id, DebtorId = debtor.Id, Channel = ContactChannel.Sms, To = "+4915112345678",
            Template = "sms.first-reminder", Language = "de", Body = "...", State = OutboundMessageState.Delivered, CreatedAt = Instant.FromUtc(2026, 3, 2, 9, 0),
        });
        await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        return (account.Id, debtor.Id);
    }
}
