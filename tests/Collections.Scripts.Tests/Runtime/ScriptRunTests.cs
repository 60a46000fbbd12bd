using System.Globalization;
using Collections.Scripts.Model;
using Collections.Scripts.Runtime;
using NodaTime;

namespace Collections.Scripts.Tests.Runtime;

public sealed class ScriptRunTests
{
    private static readonly ScriptMoney Eur1234 = new(1234.50m, "EUR");

    private static ScriptRun Telecom(string language = "de", ScriptContext? context = null) =>
        ScriptRun.Start(RuntimeFixtures.ShippedScript("telecom-consumer-first-contact"), language, context ?? RuntimeFixtures.Context(), RuntimeFixtures.Clock());

    private static ScriptRun AtDisclosure(ScriptContext? context = null)
    {
        var run = Telecom(context: context);
        run.Choose("speaking");
        run.Choose("confirmed");
        return run;
    }

    [Fact]
    public void Walk_VerifiedDebtorPromisesToPay_RecordsEverythingAndEnds()
    {
        var run = Telecom();
        Assert.Equal("greeting", run.Current.Id);
        Assert.StartsWith("Guten Tag, mein Name ist Eva, ich rufe von Danubia Services an.", run.Text.Text, StringComparison.Ordinal);
        Assert.Equal(["speaking", "not-available", "wrong-number"], run.Answers.Select(a => a.Id));
        Assert.Equal("Am Apparat", run.Answers[0].Label);
        Assert.Null(run.PendingAction);

        run.Choose("speaking");
        Assert.Equal(ScriptActionKind.VerifyRightParty, run.PendingAction);
        Assert.False(run.RightPartyVerified);

        run.Choose("confirmed");
        Assert.True(run.RightPartyVerified);
        Assert.Equal("disclose", run.Current.Id);
        Assert.Contains("ist ein Betrag von 1.234,50 € offen, der am Montag, 1. Dezember 2025 fällig war", run.Text.Text, StringComparison.Ordinal);
        Assert.Contains("Netz Mobil GmbH", run.Text.Text, StringComparison.Ordinal);

        run.Choose("will-pay");
        Assert.Equal(ScriptActionKind.RecordPromise, run.PendingAction);
        Assert.Throws<InvalidOperationException>(run.Continue);

        Assert.False(run.RecordPromise(Eur1234, RuntimeFixtures.Today.PlusDays(-1)).Accepted);
        Assert.False(run.RecordPromise(Eur1234, RuntimeFixtures.Today.PlusDays(31)).Accepted);
        Assert.False(run.RecordPromise(new ScriptMoney(1234.50m, "HUF"), RuntimeFixtures.Today).Accepted);
        Assert.False(run.RecordPromise(new ScriptMoney(2000m, "EUR"), RuntimeFixtures.Today).Accepted);
        Assert.Equal(ScriptActionKind.RecordPromise, run.PendingAction);
        Assert.Equal(ActionResult.Ok, run.RecordPromise(Eur1234, new LocalDate(2026, 1, 20)));
        Assert.Null(run.PendingAction);

        run.Continue();
        Assert.Equal("close", run.Current.Id);
        Assert.True(run.IsFinished);
        Assert.Throws<InvalidOperationException>(run.Continue);

        Assert.Equal(
            ["NodeEntered greeting", "AnswerChosen greeting", "NodeEntered verify", "AnswerChosen verify", "RightPartyChecked verify",
             "NodeEntered disclose", "AnswerChosen disclose", "NodeEntered promise", "PromiseRecorded promise", "NodeEntered close", "CallEnded close"],
            run.Events.Select(e => $"{e.GetType().Name} {e.NodeId}"));
        Assert.Equal(new PromiseRecorded(new DateTimeOffset(2026, 1, 10, 9, 0, 0, TimeSpan.Zero), "promise", Eur1234, new LocalDate(2026, 1, 20)), run.Events.OfType<PromiseRecorded>().Single());
        Assert.Equal(["speaking", "confirmed", "will-pay"], run.Events.OfType<AnswerChosen>().Select(a => a.AnswerId));
    }

    [Fact]
    public void Walk_IdentityNotConfirmed_EndsWithoutDisclosure()
    {
        var run = Telecom("lv");
        run.Choose("speaking");
        run.Choose("not-confirmed");

        Assert.Equal("not-verified", run.Current.Id);
        Assert.True(run.IsFinished);
        Assert.False(run.RightPartyVerified);
        Assert.DoesNotContain("1 234,50", run.Text.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("Netz Mobil", run.Text.Text, StringComparison.Ordinal);
        Assert.Contains("+49 30 1234567", run.Text.Text, StringComparison.Ordinal);
        Assert.False(run.Events.OfType<RightPartyChecked>().Single().Verified);
    }

    [Fact]
    public void InstalmentPlan_OutsidePolicy_IsRefused_InsidePolicy_IsRecorded()
    {
        var run = AtDisclosure();
        run.Choose("needs-instalments");
        Assert.Equal(ScriptActionKind.OfferInstalmentPlan, run.PendingAction);
        var firstDue = RuntimeFixtures.Today.PlusDays(14);
        ScriptMoney Eur(decimal amount) => new(amount, "EUR");

        Assert.Contains("2 to 6", run.OfferInstalmentPlan(new(7, Eur(200m), firstDue)).Reason, StringComparison.Ordinal);
        Assert.Contains("at least", run.OfferInstalmentPlan(new(6, Eur(90m), firstDue)).Reason, StringComparison.Ordinal);
        Assert.Contains("do not cover", run.OfferInstalmentPlan(new(5, Eur(200m), firstDue)).Reason, StringComparison.Ordinal);
        Assert.Contains("more instalments than", run.OfferInstalmentPlan(new(6, Eur(250m), firstDue)).Reason, StringComparison.Ordinal);
        Assert.Contains("within 30 days", run.OfferInstalmentPlan(new(5, Eur(250m), RuntimeFixtures.Today.PlusDays(31))).Reason, StringComparison.Ordinal);
        Assert.False(run.OfferInstalmentPlan(new(5, new ScriptMoney(250m, "USD"), firstDue)).Accepted);
        Assert.Empty(run.Events.OfType<InstalmentPlanAgreed>());

        Assert.True(run.OfferInstalmentPlan(new(5, Eur(250m), firstDue)).Accepted);
        Assert.Equal(new InstalmentPlanProposal(5, Eur(250m), firstDue), run.Events.OfType<InstalmentPlanAgreed>().Single().Plan);
        run.Continue();
        Assert.True(run.IsFinished);
    }

    [Fact]
    public void InstalmentPlan_CreditorAllowsNone_IsRefused_AndCanBeDeclined()
    {
        var run = AtDisclosure(RuntimeFixtures.Context() with { InstalmentPolicy = null });
        run.Choose("needs-instalments");

        var result = run.OfferInstalmentPlan(new(5, new ScriptMoney(250m, "EUR"), RuntimeFixtures.Today.PlusDays(7)));

        Assert.Equal("the creditor allows no instalment plans for this account", result.Reason);
        Assert.True(run.Decline("creditor allows no plan; debtor will call back").Accepted);
        Assert.Equal(ScriptActionKind.OfferInstalmentPlan, run.Events.OfType<ActionDeclined>().Single().Action);
        run.Continue();
        Assert.Equal("close", run.Current.Id);
    }

    [Fact]
    public void Settlement_OnlyInsideTheCreditorsConsent()
    {
        var context = RuntimeFixtures.Context() with { Culture = CultureInfo.GetCultureInfo("en-IE"), LastPromiseAmount = new ScriptMoney(500m, "EUR"), LastPromiseDate = new LocalDate(2026, 1, 5) };
        var run = ScriptRun.Start(RuntimeFixtures.ShippedScript("consumer-credit-consumer-broken-promise"), "en", context, RuntimeFixtures.Clock());
        run.Choose("speaking");
        run.Choose("confirmed");
        Assert.Contains("agreed to pay €500.00 by Monday", run.Text.Text, StringComparison.Ordinal);
        Assert.Contains("5 January 2026", run.Text.Text, StringComparison.Ordinal);
        Assert.Contains("The open balance is now €1,234.50.", run.Text.Text, StringComparison.Ordinal);
        run.Choose("one-off-reduced");
        Assert.Equal(ScriptActionKind.OfferSettlement, run.PendingAction);

        // 70 % of 1,234.50 is 864.15 (seed 001: a discount only with the creditor's consent).
        Assert.Contains("no less than 70%", run.OfferSettlement(new ScriptMoney(864.14m, "EUR"), new LocalDate(2026, 1, 20)).Reason, StringComparison.Ordinal);
        Assert.False(run.OfferSettlement(new ScriptMoney(900m, "EUR"), new LocalDate(2026, 2, 1)).Accepted);
        Assert.True(run.OfferSettlement(new ScriptMoney(864.15m, "EUR"), new LocalDate(2026, 1, 31)).Accepted);
        Assert.Equal(new ScriptMoney(864.15m, "EUR"), run.Events.OfType<SettlementAgreed>().Single().Amount);
    }

    [Fact]
    public void Settlement_WithoutConsent_IsRefused()
    {
        var context = RuntimeFixtures.Context() with { SettlementConsent = null, LastPromiseAmount = new ScriptMoney(500m, "EUR"), LastPromiseDate = new LocalDate(2026, 1, 5) };
        var run = ScriptRun.Start(RuntimeFixtures.ShippedScript("consumer-credit-consumer-broken-promise"), "hu", context, RuntimeFixtures.Clock());
        run.Choose("speaking");
        run.Choose("confirmed");
        run.Choose("one-off-reduced");

        Assert.Equal("the creditor has not consented to a settlement for this account", run.OfferSettlement(new ScriptMoney(1000m, "EUR"), RuntimeFixtures.Today).Reason);
    }

    [Fact]
    public void Vulnerable_FlagsThenHandsOver()
    {
        var run = AtDisclosure();
        run.Choose("hardship");
        Assert.Equal(ScriptActionKind.FlagVulnerable, run.PendingAction);
        Assert.Throws<InvalidOperationException>(() => run.FlagDispute("wrong form"));
        Assert.False(run.FlagVulnerable("  ").Accepted);
        Assert.True(run.FlagVulnerable("recent bereavement").Accepted);
        run.Continue();
        Assert.Equal(ScriptActionKind.HandOverToSupervisor, run.PendingAction);
        Assert.Throws<InvalidOperationException>(() => run.Decline("no"));
        Assert.True(run.HandOverToSupervisor("vulnerable customer").Accepted);
        run.Continue();

        Assert.True(run.IsFinished);
        Assert.Equal("recent bereavement", run.Events.OfType<VulnerabilityFlagged>().Single().Reason);
        Assert.Single(run.Events.OfType<HandedOverToSupervisor>());
    }

    [Fact]
    public void Callback_MustBeInTheFutureInTheDebtorsZone()
    {
        var run = AtDisclosure();
        run.Choose("call-later");

        // 09:00 UTC is 10:00 in Berlin: 09:30 local is already past.
        Assert.False(run.ScheduleCallback(new LocalDateTime(2026, 1, 10, 9, 30), null).Accepted);
        Assert.True(run.ScheduleCallback(new LocalDateTime(2026, 1, 10, 10, 30), "after lunch").Accepted);
        Assert.Equal(new LocalDateTime(2026, 1, 10, 10, 30), run.Events.OfType<CallbackScheduled>().Single().When);
    }

    [Fact]
    public void Choose_UnknownAnswer_Throws() =>
        Assert.Throws<ArgumentException>(() => Telecom().Choose("maybe"));

    [Fact]
    public void Start_LanguageNotInScript_Throws() =>
        Assert.Throws<ArgumentException>(() => ScriptRun.Start(RuntimeFixtures.ShippedScript("healthcare-consumer-inbound"), "sq", RuntimeFixtures.Context(), RuntimeFixtures.Clock()));

    [Fact]
    public void Start_InvalidScript_Throws()
    {
        var broken = Fixtures.Load(Fixtures.ValidYaml.Edit("next: disclose", "next: nowhere"));

        var error = Assert.Throws<ArgumentException>(() => ScriptRun.Start(broken, "en", RuntimeFixtures.Context(), RuntimeFixtures.Clock()));

        Assert.Contains("unknown node 'nowhere'", error.Message, StringComparison.Ordinal);
    }
}
