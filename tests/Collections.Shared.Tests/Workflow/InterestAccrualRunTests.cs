using Collections.Shared.Domain;
using Collections.Shared.Interest;
using Collections.Shared.Persistence;
using Collections.Shared.Workflow;
using Collections.Shared.Workflow.Accrual;
using Collections.Testing;
using Collections.Testing.Workflow;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using NodaTime;
using DebtorKind = Collections.Shared.Domain.DebtorKind;

namespace Collections.Shared.Tests.Workflow;

/// <summary>The nightly accrual on a database: what it writes on each account, and why nothing on some (figures worked in
/// <c>Interest/InterestAccrualTests</c>: German consumer, 1000.00 due 31 January 2025, 7.27 % to 30 June, 6.27 % after).</summary>
public sealed class InterestAccrualRunTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly StatutoryInterestCalculator Calculator = new(InterestRuleBook.Load(RepositoryRoot.Combine("config", "interest")));

    [Fact]
    public async Task Nightly_runs_accrue_by_jurisdiction_pause_for_a_kept_plan_and_name_why_nothing_accrues()
    {
        var db = await TestDatabases.NewSqlite().MigrateAsync();
        var clock = new FakeTimeProvider(new DateTimeOffset(2025, 3, 1, 9, 0, 0, TimeSpan.Zero));
        var due = new LocalDate(2025, 1, 31);
        var paying = await WorkflowData.SeedAccountAsync(db, due, 1000m, "TEL-PAY");
        var waived = await WorkflowData.SeedAccountAsync(db, due, 1000m, "TEL-WAIVED");
        var british = await WorkflowData.SeedAccountAsync(db, due, 1000m, "TEL-GB");
        var planned = await WorkflowData.SeedAccountAsync(db, due, 1000m, "TEL-PLAN");
        var paid = await WorkflowData.SeedAccountAsync(db, due, 100m, "TEL-PAID");
        await using (var context = DatabaseSetup.CreateContext(db))
        {
            var generous = new Creditor { Code = "WAIVE-DE", Name = "Waives interest", Country = "DE", Policy = { WaivesStatutoryInterest = true } };
            context.Creditors.Add(generous);
            (await context.Accounts.SingleAsync(a => a.Id == waived.Id, Ct)).CreditorId = generous.Id;
            var moved = await context.Addresses.SingleAsync(a => a.DebtorId == british.DebtorId, Ct);
            (moved.Country, moved.City, moved.PostalCode) = ("GB", "London", "SW1A 1AA");
            await context.SaveChangesAsync(Ct);
        }

        var driver = new WorkDriver(db, clock);
        await driver.WithAsync(s => s.Instalments.CreateAsync(planned.Id, new InstalmentRequest(1000m, 5, InstalmentFrequency.Monthly, new LocalDate(2025, 4, 1)), ct: Ct));
        clock.SetUtcNow(new DateTimeOffset(2025, 4, 1, 10, 0, 0, TimeSpan.Zero));
        // Paid before any accrual ran: all 400.00 to principal (nothing else was owed yet).
        await ImportAsync(driver, "2025-03-31,400.00,EUR,TEL-PAY\n2025-03-15,100.00,EUR,TEL-PAID\n");
        var accrual = new StatutoryInterestAccrual(db.Contexts(), Calculator, clock, NullLogger<StatutoryInterestAccrual>.Instance);

        clock.SetUtcNow(new DateTimeOffset(2025, 6, 30, 10, 0, 0, TimeSpan.Zero));
        var first = await accrual.RunAsync(ct: Ct);

        Assert.Equal((22.63m, (LocalDate?)new LocalDate(2025, 6, 30)), await FigureAsync(db, paying.Id));
        Assert.Equal((0m, (LocalDate?)null), await FigureAsync(db, waived.Id));
        Assert.Equal((0m, (LocalDate?)null), await FigureAsync(db, british.Id));
        Assert.Equal((5.58m, (LocalDate?)new LocalDate(2025, 6, 30)), await FigureAsync(db, planned.Id));
        Assert.Equal((0m, (LocalDate?)null), await FigureAsync(db, paid.Id));
        Assert.Equal(2, first.Updated);
        Assert.Equal(1, first.States["NoRule GB"]);
        Assert.Equal((1, 1, 1, 1), (first.States["Accrued"], first.States["Waived"], first.States["Paused"], first.States["Paid"]));
        // The reasons are there to be shown, not silence.
        Assert.Contains("unknown jurisdiction 'GB'", (await accrual.ExplainAsync(british.Id, Ct))!.Note, StringComparison.Ordinal);
        Assert.Equal(AccrualState.Waived, (await accrual.ExplainAsync(waived.Id, Ct))!.State);
        Assert.Contains("2025-03-01", (await accrual.ExplainAsync(planned.Id, Ct))!.Note, StringComparison.Ordinal);

        // A second run the same night changes nothing.
        Assert.Equal(0, (await accrual.RunAsync(ct: Ct)).Updated);

        // Next day: one more day at 6.27 % on 600.00 (600 x 0.0627 / 365 = 0.1031 -> 0.10): 22.73.
        clock.SetUtcNow(new DateTimeOffset(2025, 7, 1, 10, 0, 0, TimeSpan.Zero));
        await accrual.RunAsync(ct: Ct);
        Assert.Equal((22.73m, (LocalDate?)new LocalDate(2025, 7, 1)), await FigureAsync(db, paying.Id));

        // A payment of 50.00 goes to the statutory interest first (BGB § 367 (1): costs, interest, principal): 22.73 to
        // interest, 27.27 to principal; interest for 1 July still runs on 600.00, so today's figure does not move.
        await ImportAsync(driver, "2025-07-01,50.00,EUR,TEL-PAY\n");
        await using (var context = DatabaseSetup.CreateContext(db))
        {
            var payment = await context.Payments.AsNoTracking().SingleAsync(p => p.AccountId == paying.Id && p.Amount == 50m, Ct);
            Assert.Equal((22.73m, 27.27m), (payment.AllocatedInterest, payment.AllocatedPrincipal));
        }

        Assert.Equal(0, (await accrual.RunAsync(ct: Ct)).Updated);
        // 2 July: 572.73 x 0.0627 / 365 = 0.0984 -> 0.10 on the new principal: 22.83.
        clock.SetUtcNow(new DateTimeOffset(2025, 7, 2, 10, 0, 0, TimeSpan.Zero));
        await accrual.RunAsync(ct: Ct);
        Assert.Equal((22.83m, (LocalDate?)new LocalDate(2025, 7, 2)), await FigureAsync(db, paying.Id));
        await using var check = DatabaseSetup.CreateContext(db);
        Assert.Equal(1000m + 22.83m - 450m, (await check.Accounts.AsNoTracking().SingleAsync(a => a.Id == paying.Id, Ct)).Balance.Amount);
    }

    private static Task ImportAsync(WorkDriver driver, string lines) =>
        driver.WithAsync(s => s.Payments.ImportAsync(new StringReader("received_on,amount,currency,reference\n" + lines), "p.csv", "csv", _ => { }, Ct));

    private static async Task<(decimal, LocalDate?)> FigureAsync(DatabaseOptions db, AccountId id)
    {
        await using var context = DatabaseSetup.CreateContext(db);
        var account = await context.Accounts.AsNoTracking().SingleAsync(a => a.Id == id, Ct);
        return (account.StatutoryInterest, account.InterestAccruedUntil);
    }
}
