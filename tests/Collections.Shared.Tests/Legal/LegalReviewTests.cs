using System.Text.Json;
using Collections.Shared.Compliance;
using Collections.Shared.Domain;
using Collections.Shared.Legal;
using Collections.Shared.Persistence;
using Collections.Shared.Workflow;
using Collections.Testing;
using Collections.Testing.Workflow;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using NodaTime;

namespace Collections.Shared.Tests.Legal;

/// <summary>Issue 16, item 1: the legal review's checklist computed from the record, and the decisions with the creditor's
/// consent (<see cref="CreditorPolicy.LegalActionNeedsConsent"/>) through the case workflow.</summary>
public sealed class LegalReviewTests
{
    private static readonly Instant Now = Instant.FromUtc(2026, 12, 4, 10, 0);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    // ---- The checklist's rules -------------------------------------------------------------------------------------------

    private static ChecklistFacts Facts(
        decimal principal = 500m, decimal outstanding = 540m, string currency = "EUR", string jurisdiction = "DE", IReadOnlyList<Invoice>? invoices = null,
        DebtorAddress? address = null, IReadOnlyList<(Instant, OutboundMessageState)>? letters = null, IReadOnlyList<Hold>? holds = null,
        IReadOnlySet<string>? flags = null, IReadOnlyList<DebtAcknowledgement>? acknowledgements = null, LimitationStatus? limitation = null) =>
        new(jurisdiction, principal, outstanding, currency,
            invoices ?? [new Invoice { Number = "R-1", IssuedOn = new LocalDate(2026, 1, 1), DueOn = new LocalDate(2026, 1, 15), Amount = principal }],
            address ?? Address(Instant.FromUtc(2024, 1, 1, 0, 0)), letters ?? [], holds ?? [], flags ?? new HashSet<string>(), acknowledgements ?? [], limitation, Now);

    private static DebtorAddress Address(Instant from) =>
        new() { Street = "Hauptstr. 1", PostalCode = "10115", City = "Berlin", Country = "DE", ValidFrom = from };

    /// <summary>The cost tables the console ships (src/AgentConsole/appsettings.json, Collections:Legal).</summary>
    private static LegalReviewOptions Shipped()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(RepositoryRoot.Combine("src", "AgentConsole", "appsettings.json")));
        var section = json.RootElement.GetProperty("Collections").GetProperty("Legal");
        var options = section.Deserialize<LegalReviewOptions>(new JsonSerializerOptions { PropertyNameCaseInsensitive = true })!;
        options.CourtCosts = new(options.CourtCosts, StringComparer.OrdinalIgnoreCase);
        return options;
    }

    [Fact]
    public void The_shipped_cost_tables_are_valid_and_each_cites_its_source()
    {
        var options = Shipped();
        Assert.Empty(options.Problems());
        Assert.Equal(["DE", "GB", "HU"], options.CourtCosts.Keys.Order(StringComparer.Ordinal));
        Assert.All(options.CourtCosts.Values, t => Assert.False(string.IsNullOrWhiteSpace(t.Source)));
    }

    [Fact]
    public void A_cost_table_without_source_or_with_bands_out_of_order_is_named()
    {
        var options = new LegalReviewOptions { MaxCostShare = 2m };
        options.CourtCosts["XX"] = new CourtCostTable { Currency = "EUR", Bands = [new() { UpTo = 1000m, Fee = 10m }, new() { UpTo = 500m, Fee = 20m }] };
        Assert.Equal(
            ["Collections:Legal:MaxCostShare must be above 0 and at most 1", "Collections:Legal:CourtCosts:XX:Source must cite where the fees come from", "Collections:Legal:CourtCosts:XX:Bands:1:UpTo must be above the band before it"],
            options.Problems());
    }

    [Theory]
    // GKG KV Nr. 1100: half a fee of the GKG § 34 table, at least 36 EUR. 540 EUR -> band up to 1 000 -> 36 EUR = 7 %.
    [InlineData("DE", "EUR", 540, CheckVerdict.Pass, "court fee 36.00 EUR = 7 %")]
    // 100 EUR: the minimum fee of 36 EUR is 36 % of the claim, above the 25 % limit.
    [InlineData("DE", "EUR", 100, CheckVerdict.Fail, "court fee 36.00 EUR = 36 %")]
    // Band edge: 1 500 EUR is still in the band up to 1 500 (39 EUR).
    [InlineData("DE", "EUR", 1500, CheckVerdict.Pass, "court fee 39.00 EUR")]
    // HU payment order: 3 %, at least 8 000 Ft: 100 000 Ft -> 8 000 Ft (8 %); 20 000 000 Ft -> capped at 300 000 Ft.
    [InlineData("HU", "HUF", 100000, CheckVerdict.Pass, "court fee 8000.00 HUF = 8 %")]
    [InlineData("HU", "HUF", 20000000, CheckVerdict.Pass, "court fee 300000.00 HUF")]
    [InlineData("LV", "EUR", 540, CheckVerdict.Unknown, "no court-fee table for LV")]
    [InlineData("HU", "EUR", 540, CheckVerdict.Unknown, "the HU fee table is in HUF, the claim in EUR")]
    [InlineData("DE", "EUR", 30000, CheckVerdict.Unknown, "does not reach 30000.00 EUR")]
    public void Cost_item_weighs_the_court_fee_against_the_claim(string jurisdiction, string currency, decimal outstanding, CheckVerdict verdict, string why)
    {
        var item = LegalChecklistRules.Cost(Facts(jurisdiction: jurisdiction, currency: currency, outstanding: outstanding, principal: outstanding), Shipped());
        Assert.Equal(("cost", verdict), (item.Key, item.Verdict));
        Assert.Contains(why, item.Why, StringComparison.Ordinal);
    }

    [Fact]
    public void Claim_is_documented_only_by_invoices_adding_up_to_the_principal()
    {
        Assert.Equal(CheckVerdict.Pass, LegalChecklistRules.Claim(Facts()).Verdict);
        var none = LegalChecklistRules.Claim(Facts(invoices: []));
        Assert.Equal((CheckVerdict.Fail, "no invoice is recorded for the claim"), (none.Verdict, none.Why));
        var short1 = LegalChecklistRules.Claim(Facts(principal: 500m, invoices: [new Invoice { Number = "R-1", Amount = 300m }]));
        Assert.Equal((CheckVerdict.Fail, "1 invoice(s) totalling 300.00 EUR, but the principal is 500.00 EUR"), (short1.Verdict, short1.Why));
    }

    [Fact]
    public void Address_is_current_when_mail_went_there_since_it_was_recorded_and_none_came_back()
    {
        var from = Instant.FromUtc(2026, 3, 1, 0, 0);
        var address = Address(from);
        var before = from - Duration.FromDays(10);
        var after = from + Duration.FromDays(10);
        Assert.Equal(CheckVerdict.Fail, LegalChecklistRules.Address(Facts(address: null) with { CurrentAddress = null }).Verdict);
        // A letter before the address was recorded says nothing about it.
        Assert.Equal(CheckVerdict.Unknown, LegalChecklistRules.Address(Facts(address: address, letters: [(before, OutboundMessageState.Delivered)])).Verdict);
        Assert.Equal(CheckVerdict.Pass, LegalChecklistRules.Address(Facts(address: address, letters: [(after, OutboundMessageState.Sent)])).Verdict);
        var returned = LegalChecklistRules.Address(Facts(address: address, letters: [(after, OutboundMessageState.Sent), (after + Duration.FromDays(1), OutboundMessageState.Undelivered)]));
        Assert.Equal(CheckVerdict.Fail, returned.Verdict);
        Assert.Contains("a letter of 2026-03-12 came back undelivered", returned.Why, StringComparison.Ordinal);
        Assert.Equal(CheckVerdict.Unknown, LegalChecklistRules.Address(Facts(address: address, letters: [(after, OutboundMessageState.Sent)], flags: new HashSet<string> { "address-changes" })).Verdict);
    }

    [Fact]
    public void Deceased_and_insolvency_holds_fail_while_active_and_pass_once_lifted()
    {
        var from = Instant.FromUtc(2026, 5, 1, 0, 0);
        var items = LegalChecklistRules.Compute(Facts(holds:
        [
            new Hold { Kind = HoldKind.Deceased, Reason = "death certificate received", From = from },
            new Hold { Kind = HoldKind.Bankruptcy, Reason = "insolvency proceedings ended", From = from, Until = from + Duration.FromDays(30) },
        ]), new LegalReviewOptions()).ToDictionary(i => i.Key);
        Assert.Equal((CheckVerdict.Fail, "deceased since 2026-05-01: death certificate received"), (items["not-deceased"].Verdict, items["not-deceased"].Why));
        Assert.Equal(CheckVerdict.Pass, items["not-insolvent"].Verdict);
        Assert.Equal(["claim-documented", "address-current", "not-deceased", "not-insolvent", "acknowledgements", "limitation", "cost"], items.Keys);
    }

    [Fact]
    public void A_time_barred_claim_fails_limitation_and_acknowledgements_pass_when_signed()
    {
        // BGB § 214(1): once barred the debtor may refuse; 12 CFR 1006.26(b): no suit on a time-barred debt.
        var barred = new LimitationStatus("DE", LimitationState.TimeBarred, new LocalDate(2025, 12, 31), new LocalDate(2025, 7, 4), -338, null, null);
        Assert.Equal((CheckVerdict.Fail, "time-barred since 2025-12-31 (DE)"), (LegalChecklistRules.Limitation(Facts(limitation: barred)).Verdict, LegalChecklistRules.Limitation(Facts(limitation: barred)).Why));
        Assert.Equal(CheckVerdict.Unknown, LegalChecklistRules.Limitation(Facts(limitation: null)).Verdict);
        Assert.Equal(CheckVerdict.Unknown, LegalChecklistRules.Acknowledgements(Facts()).Verdict);
        var signed = LegalChecklistRules.Acknowledgements(Facts(acknowledgements:
            [new DebtAcknowledgement { SignedOn = new LocalDate(2026, 6, 1), Text = "anerkannt", Amount = 540m, SignedBy = "Max", RecordedBy = "field-1" }]));
        Assert.Equal((CheckVerdict.Pass, "1 signed, the last on 2026-06-01 for 540.00 EUR"), (signed.Verdict, signed.Why));
    }

    // ---- The decisions on a database ------------------------------------------------------------------------------------

    private sealed record Seeded(DatabaseOptions Db, Account Account, FakeTimeProvider Clock);

    private static async Task<Seeded> SeedAsync(bool consent, CasePhase phase = CasePhase.LegalReview)
    {
        var db = await TestDatabases.NewSqlite().MigrateAsync();
        var account = await WorkflowData.SeedAccountAsync(db, new LocalDate(2026, 1, 15), 540m, "DE-LEGAL", policy: p => p.LegalActionNeedsConsent = consent);
        await using var context = DatabaseSetup.CreateContext(db);
        var @case = new Case { AccountId = account.Id, Phase = phase, OpenedAt = Instant.FromUtc(2026, 2, 1, 0, 0), StrategyId = null };
        context.Cases.Add(@case);
        // A step the strategy still has planned: filing and legal review stop it.
        context.CaseSteps.Add(new CaseStep { CaseId = @case.Id, Sequence = 1, StepKey = "monitor", Phase = CasePhase.Hibernation, DueAt = Now + Duration.FromDays(30) });
        await context.SaveChangesAsync(Ct);
        return new(db, account, new FakeTimeProvider(Now.ToDateTimeOffset()));
    }

    private static async Task<T> WithWorkflowAsync<T>(Seeded s, Func<CaseWorkflow, Task<T>> act)
    {
        await using var context = DatabaseSetup.CreateContext(s.Db);
        return await act(new CaseWorkflow(context, ShippedStrategies.Champions(), new WorkflowOptions(), s.Clock));
    }

    private static async Task<(Case Case, LegalActionConsent? Consent, List<CaseStep> Steps)> ReadAsync(Seeded s)
    {
        await using var context = DatabaseSetup.CreateContext(s.Db);
        var @case = await context.Cases.AsNoTracking().SingleAsync(c => c.AccountId == s.Account.Id, Ct);
        var consent = await context.LegalActionConsents.AsNoTracking().SingleOrDefaultAsync(k => k.CaseId == @case.Id, Ct);
        var steps = await context.CaseSteps.AsNoTracking().Where(x => x.CaseId == @case.Id).OrderBy(x => x.Sequence).ToListAsync(Ct);
        return (@case, consent, steps);
    }

    [Fact]
    public async Task Filing_asks_the_creditor_a_refusal_returns_the_case_to_the_legal_queue_and_only_an_approval_files_it()
    {
        var s = await SeedAsync(consent: true);

        var asked = await WithWorkflowAsync(s, w => w.DecideLegalAsync(s.Account.Id, LegalDecision.File, LegalFiling.PaymentOrder, "legal:legal", "invoices and letters complete", Ct));
        Assert.Equal(("consent-requested", CasePhase.LegalReview), (asked.Outcome, asked.Phase));
        var (_, consent, _) = await ReadAsync(s);
        Assert.Equal(("payment-order", "legal:legal", (bool?)null, Now), (consent!.Filing, consent.RequestedBy, consent.Approved, consent.RequestedAt!.Value));
        var again = await Assert.ThrowsAsync<LegalDecisionRefusedException>(() => WithWorkflowAsync(s, w => w.DecideLegalAsync(s.Account.Id, LegalDecision.File, LegalFiling.CourtClaim, "legal:legal", null, Ct)));
        Assert.Equal("the creditor's consent to filing is awaited", again.Message);

        // The creditor refuses with a comment: the case stays in legal review, on the legal queue, with the comment.
        var refused = await WithWorkflowAsync(s, w => w.AnswerLegalConsentAsync(s.Account.Id, false, "creditor:telco", "we are negotiating with the debtor", Ct));
        Assert.Equal(("consent-refused", CasePhase.LegalReview), (refused.Outcome, refused.Phase));
        var (afterRefusal, refusal, steps) = await ReadAsync(s);
        Assert.Equal((false, "creditor:telco", "we are negotiating with the debtor"), (refusal!.Approved!.Value, refusal.DecidedBy, refusal.Note));
        Assert.Contains(steps, x => x.StepKey.StartsWith("legal-consent-refused@", StringComparison.Ordinal) && x.Note == "creditor:telco refuses the payment-order: we are negotiating with the debtor" && x.ExecutedAt == Now);
        Assert.Equal(CasePhase.LegalReview, afterRefusal.Phase);
        var queue = await new LegalQueue(s.Db.Contexts(), s.Clock).LoadAsync(ct: Ct);
        Assert.Equal([("DE-LEGAL", LegalQueueReason.LegalReview)], queue.Select(r => (r.Reference, r.Reason)));
        await Assert.ThrowsAsync<LegalDecisionRefusedException>(() => WithWorkflowAsync(s, w => w.AnswerLegalConsentAsync(s.Account.Id, true, "creditor:telco", null, Ct)));

        // Asked again, approved: the case is filed, the strategy's planned step cancelled, the case off the legal queue.
        s.Clock.Advance(TimeSpan.FromDays(2));
        await WithWorkflowAsync(s, w => w.DecideLegalAsync(s.Account.Id, LegalDecision.File, LegalFiling.CourtClaim, "legal:legal", null, Ct));
        var approved = await WithWorkflowAsync(s, w => w.AnswerLegalConsentAsync(s.Account.Id, true, "creditor:telco", "go ahead", Ct));
        Assert.Equal(("filed", CasePhase.Filed), (approved.Outcome, approved.Phase));
        var (filed, consented, filedSteps) = await ReadAsync(s);
        Assert.Equal((CasePhase.Filed, (Instant?)null, (string?)null), (filed.Phase, filed.ClosedAt, filed.NextStep));
        Assert.Equal((true, "court-claim", "go ahead"), (consented!.Approved!.Value, consented.Filing, consented.Note));
        Assert.Equal(CaseStepStatus.Cancelled, filedSteps.Single(x => x.StepKey == "monitor").Status);
        Assert.Contains(filedSteps, x => x.StepKey.StartsWith("legal-filed@", StringComparison.Ordinal) && x.Phase == CasePhase.Filed && x.Note == "legal:legal filed a court-claim with the creditor's consent");
        Assert.Empty(await new LegalQueue(s.Db.Contexts(), s.Clock).LoadAsync(ct: Ct));
        var late = await Assert.ThrowsAsync<LegalDecisionRefusedException>(() => WithWorkflowAsync(s, w => w.AnswerLegalConsentAsync(s.Account.Id, false, "creditor:telco", null, Ct)));
        Assert.Equal("no legal action awaits your consent on this account", late.Message);
    }

    [Fact]
    public async Task Without_the_creditors_consent_policy_filing_files_at_once_and_needs_a_filing_kind()
    {
        var s = await SeedAsync(consent: false);
        var missing = await Assert.ThrowsAsync<LegalDecisionRefusedException>(() => WithWorkflowAsync(s, w => w.DecideLegalAsync(s.Account.Id, LegalDecision.File, null, "legal:legal", null, Ct)));
        Assert.Equal("filing: court-claim or payment-order is required to file", missing.Message);
        var filed = await WithWorkflowAsync(s, w => w.DecideLegalAsync(s.Account.Id, LegalDecision.File, LegalFiling.PaymentOrder, "legal:legal", null, Ct));
        Assert.Equal(("filed", CasePhase.Filed), (filed.Outcome, filed.Phase));
        var (_, consent, _) = await ReadAsync(s);
        Assert.Null(consent);
        var twice = await Assert.ThrowsAsync<LegalDecisionRefusedException>(() => WithWorkflowAsync(s, w => w.DecideLegalAsync(s.Account.Id, LegalDecision.File, LegalFiling.PaymentOrder, "legal:legal", null, Ct)));
        Assert.Equal("the case is not in legal review (phase Filed)", twice.Message);
    }

    [Fact]
    public async Task Return_to_amicable_needs_a_note_and_queues_a_call_closing_withdraws_a_pending_consent_request()
    {
        var s = await SeedAsync(consent: true);
        var bare = await Assert.ThrowsAsync<LegalDecisionRefusedException>(() => WithWorkflowAsync(s, w => w.DecideLegalAsync(s.Account.Id, LegalDecision.ReturnToAmicable, null, "legal:legal", "  ", Ct)));
        Assert.Equal("note: say why the case goes back to amicable collection", bare.Message);
        var back = await WithWorkflowAsync(s, w => w.DecideLegalAsync(s.Account.Id, LegalDecision.ReturnToAmicable, null, "legal:legal", "debtor offered instalments", Ct));
        Assert.Equal(("returned-to-amicable", CasePhase.PhoneAndMessages), (back.Outcome, back.Phase));
        await using (var context = DatabaseSetup.CreateContext(s.Db))
        {
            var call = await context.ScheduledContacts.SingleAsync(c => c.AccountId == s.Account.Id, Ct);
            Assert.Equal((ContactChannel.Call, ScheduledContactStatus.Queued), (call.Channel, call.Status));
        }

        var (_, _, steps) = await ReadAsync(s);
        Assert.Contains(steps, x => x.StepKey.StartsWith("legal-returned@", StringComparison.Ordinal) && x.Note == "legal:legal returned to amicable collection: debtor offered instalments");
        Assert.Equal(CaseStepStatus.Planned, steps.Single(x => x.StepKey == "monitor").Status);

        // Back in legal review (a supervisor's action), filed with consent asked, then closed: the request is withdrawn.
        var review = await WithWorkflowAsync(s, w => w.RequestLegalReviewAsync(s.Account.Id, "supervisor:sam", "third broken promise", Ct));
        Assert.Equal(CasePhase.LegalReview, review.Phase);
        Assert.Equal(CaseStepStatus.Cancelled, (await ReadAsync(s)).Steps.Single(x => x.StepKey == "monitor").Status);
        await WithWorkflowAsync(s, w => w.DecideLegalAsync(s.Account.Id, LegalDecision.File, LegalFiling.PaymentOrder, "legal:legal", null, Ct));
        var closed = await WithWorkflowAsync(s, w => w.DecideLegalAsync(s.Account.Id, LegalDecision.CloseUncollectable, null, "legal:legal", "no assets", Ct));
        Assert.Equal(("closed-uncollectable", CasePhase.Closed), (closed.Outcome, closed.Phase));
        var (after, consent, _) = await ReadAsync(s);
        Assert.Equal((CasePhase.Closed, (Instant?)Now), (after.Phase, after.ClosedAt));
        Assert.Null(consent);
        await Assert.ThrowsAsync<LegalDecisionRefusedException>(() => WithWorkflowAsync(s, w => w.RequestLegalReviewAsync(s.Account.Id, "creditor:telco", null, Ct)));
    }

    [Fact]
    public async Task The_checklist_service_reads_the_record_and_the_consent_state()
    {
        var s = await SeedAsync(consent: true);
        await using (var context = DatabaseSetup.CreateContext(s.Db))
        {
            context.Invoices.Add(new Invoice { AccountId = s.Account.Id, Number = "R-1", IssuedOn = new LocalDate(2026, 1, 1), DueOn = new LocalDate(2026, 1, 15), Amount = 540m });
            context.Holds.Add(new Hold { AccountId = s.Account.Id, Kind = HoldKind.Bankruptcy, Reason = "insolvency filed", From = Now - Duration.FromDays(3) });
            await context.SaveChangesAsync(Ct);
        }

        await WithWorkflowAsync(s, w => w.DecideLegalAsync(s.Account.Id, LegalDecision.File, LegalFiling.PaymentOrder, "legal:legal", null, Ct));
        var limitation = new LimitationService(s.Db.Contexts(), ComplianceSetup.CreateEngine(new ComplianceOptions()), s.Clock,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<LimitationService>.Instance);
        var sheet = await new LegalChecklistService(s.Db.Contexts(), limitation, Microsoft.Extensions.Options.Options.Create(Shipped()), s.Clock).LoadAsync(s.Account.Id, Ct);

        var items = sheet!.Items.ToDictionary(i => i.Key, i => i.Verdict);
        Assert.Equal(CheckVerdict.Pass, items["claim-documented"]);
        Assert.Equal(CheckVerdict.Unknown, items["address-current"]);
        Assert.Equal(CheckVerdict.Fail, items["not-insolvent"]);
        // DE, due 15 January 2026: BGB §§ 195, 199(1) -> 31 December 2029.
        Assert.Equal(CheckVerdict.Pass, items["limitation"]);
        Assert.Contains("last day 2029-12-31", sheet.Items.Single(i => i.Key == "limitation").Why, StringComparison.Ordinal);
        Assert.Equal(CheckVerdict.Pass, items["cost"]);
        Assert.Equal(("awaiting", "payment-order", true), (sheet.ConsentStatus, sheet.Filing, sheet.ConsentRequired));
    }
}
