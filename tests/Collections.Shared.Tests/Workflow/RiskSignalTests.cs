using Collections.Shared.Domain;
using Collections.Shared.Workflow.Risk;
using NodaTime;

namespace Collections.Shared.Tests.Workflow;

public sealed class RiskSignalTests
{
    private static readonly Instant Now = Instant.FromUtc(2025, 6, 1, 0, 0);

    private static Payment Paid(int day, PaymentMethod method, string? iban) => new()
    {
        AccountId = new AccountId(Guid.Empty),
        Amount = 50m,
        Currency = "EUR",
        ReceivedOn = new LocalDate(2025, 5, day),
        Method = method,
        PayerAccount = iban,
    };

    private static DebtorAddress MovedIn(int daysAgo) => new() { Street = "s", PostalCode = "1", City = "c", Country = "DE", ValidFrom = Now - Duration.FromDays(daysAgo) };

    [Fact]
    public void Steady_history_raises_nothing()
    {
        var flags = RiskSignals.Evaluate(
            [Paid(1, PaymentMethod.BankTransfer, "DE89 3704 0044 0532 0130 00"), Paid(15, PaymentMethod.BankTransfer, "DE89370400440532013000")],
            [MovedIn(2000), MovedIn(100)], Now, 3, 180);

        Assert.Empty(flags);
    }

    // Seed 000: "change of payment method (transfer to cheque or cash), new bank details".
    [Fact]
    public void Switch_from_transfer_to_cash_and_an_unknown_payer_account_raise_flags()
    {
        var flags = RiskSignals.Evaluate(
            [Paid(1, PaymentMethod.BankTransfer, "DE89370400440532013000"), Paid(20, PaymentMethod.Cash, null)], [], Now, 3, 180);
        Assert.Equal([RiskSignals.PaymentMethodChange], flags);

        flags = RiskSignals.Evaluate(
            [Paid(1, PaymentMethod.BankTransfer, "DE89370400440532013000"), Paid(20, PaymentMethod.BankTransfer, "HU42117730161111101800000000")], [], Now, 3, 180);
        Assert.Equal([RiskSignals.NewBankDetails], flags);
    }

    // Three moves within 180 days raise the flag; the same three spread over two years do not.
    [Fact]
    public void Frequent_address_changes_raise_a_flag_only_within_the_window()
    {
        Assert.Equal([RiskSignals.AddressChanges], RiskSignals.Evaluate([], [MovedIn(900), MovedIn(150), MovedIn(90), MovedIn(10)], Now, 3, 180));
        Assert.Empty(RiskSignals.Evaluate([], [MovedIn(900), MovedIn(600), MovedIn(400), MovedIn(10)], Now, 3, 180));
    }
}
