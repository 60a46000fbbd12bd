using Collections.Dialer.Hopper;
using Collections.Shared.Domain;
using Collections.Testing;
using NodaTime;

namespace Collections.Dialer.Tests.Hopper;

/// <summary>Which accounts a campaign's hopper offers, in which order, on which number, on SQLite with a fake clock.</summary>
public sealed class HopperSelectionTests
{
    private static async Task<HopperWorld> World(Action<Campaign>? campaign = null) =>
        await HopperWorld.CreateAsync(await TestDatabases.NewSqlite().MigrateAsync(), campaign);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<List<string>> Peek(HopperWorld world, int limit = 50) =>
        (await world.Hopper().PeekAsync(world.Campaign, limit, null, Ct)).Select(e => e.AccountReference).ToList();

    [Fact]
    public async Task Only_due_cases_in_a_calling_phase_matching_the_campaign_filters_are_offered()
    {
        var world = await World(c => c.StrategyStep = "call");
        var due = world.NewAccount("DUE");
        var future = world.NewAccount("FUTURE", dueAgo: TimeSpan.FromHours(-1));
        var closed = world.NewAccount("CLOSED");
        closed.Case.ClosedAt = HopperWorld.Start - Duration.FromDays(1);
        var letterPhase = world.NewAccount("LETTER");
        letterPhase.Case.Phase = CasePhase.WrittenReminder;
        var otherStep = world.NewAccount("OTHER-STEP", nextStep: "promise-follow-up");
        var otherIndustry = world.NewAccount("UTILITY", industry: Industry.Utilities);
        var noDate = world.NewAccount("NO-DATE");
        noDate.Case.NextStepDueAt = null;
        await world.SaveAsync([due, future, closed, letterPhase, otherStep, otherIndustry, noDate]);

        Assert.Equal(["DUE"], await Peek(world));

        // Two hours later the future case is due too.
        world.Clock.Advance(TimeSpan.FromHours(2));
        Assert.Equal(["DUE", "FUTURE"], await Peek(world));
    }

    [Fact]
    public async Task Accounts_the_compliance_engine_refuses_now_are_skipped()
    {
        var world = await World();
        var fine = world.NewAccount("FINE");
        var held = world.NewAccount("HELD");
        var ceased = world.NewAccount("CEASED");
        var noConsent = world.NewAccount("NO-CONSENT");
        noConsent.Debtor.Phones[0].AutodialConsent = false;
        var optedOut = world.NewAccount("OPTED-OUT");
        await world.SaveAsync([fine, held, ceased, noConsent, optedOut]);
        await world.AddAsync(
            new Hold { AccountId = held.Account.Id, Kind = HoldKind.Dispute, Reason = "invoice disputed", From = HopperWorld.Start - Duration.FromDays(2) },
            new OptOut { DebtorId = ceased.Debtor.Id, Source = "letter", At = HopperWorld.Start - Duration.FromDays(3) },
            new OptOut { DebtorId = optedOut.Debtor.Id, Channel = ContactChannel.Call, Source = "call", At = HopperWorld.Start - Duration.FromDays(3) });

        Assert.Equal(["FINE"], await Peek(world));

        // A preview campaign dials by hand: no autodialer consent needed (DE pack, UWG § 7 applied to autodialing only).
        world.Campaign.Mode = DialMode.Preview;
        Assert.Equal(["FINE", "NO-CONSENT"], (await Peek(world)).Order().ToList());

        // Sunday: the DE pack allows no calls at all, so nothing is offered.
        world.Clock.SetUtcNow(HopperWorld.Berlin(2026, 3, 15, 11, 0).ToDateTimeOffset());
        Assert.Empty(await Peek(world));
    }

    [Fact]
    public async Task Strategy_priority_comes_first_then_the_longest_overdue()
    {
        var world = await World();
        world.Options.StrategyPriorities["vip-strategy"] = 50;
        var old = world.NewAccount("OLD", dueAgo: TimeSpan.FromDays(3));
        var recent = world.NewAccount("RECENT", dueAgo: TimeSpan.FromMinutes(5));
        var callback = world.NewAccount("CALLBACK", dueAgo: TimeSpan.FromMinutes(1), nextStep: "callback");
        var vip = world.NewAccount("VIP", dueAgo: TimeSpan.FromMinutes(2));
        vip.Case.StrategyId = "vip-strategy";
        await world.SaveAsync([recent, old, callback, vip]);

        var entries = await world.Hopper().PeekAsync(world.Campaign, 10, null, Ct);

        Assert.Equal(["VIP", "CALLBACK", "OLD", "RECENT"], entries.Select(e => e.AccountReference));
        Assert.Equal([50, 30, 0, 0], entries.Select(e => e.Priority));
        Assert.Contains("strategy vip-strategy +50", entries[0].Reason, StringComparison.Ordinal);
        Assert.Contains("never called", entries[2].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Debtors_whose_best_hour_is_now_come_before_those_reached_at_other_hours()
    {
        var world = await World();
        var morning = world.NewAccount("MORNING", dueAgo: TimeSpan.FromMinutes(1));
        var evening = world.NewAccount("EVENING", dueAgo: TimeSpan.FromDays(2));
        await world.SaveAsync([morning, evening]);

        // Six weeks of history, outside the 14-day compliance and retry look-back: MORNING answers on Tuesdays at 10:00 and
        // not at 18:00; EVENING the other way round.
        var history = new List<object>();
        for (var week = 3; week <= 8; week++)
        {
            var tuesday = HopperWorld.Start - Duration.FromDays(7 * week);
            var tenToSix = Duration.FromHours(8);
            history.Add(HopperWorld.Call(morning, morning.Phone(1), tuesday, ContactOutcome.Answered, rightParty: true));
            history.Add(HopperWorld.Call(morning, morning.Phone(1), tuesday + tenToSix, ContactOutcome.NoAnswer));
            history.Add(HopperWorld.Call(evening, evening.Phone(1), tuesday, ContactOutcome.NoAnswer));
            history.Add(HopperWorld.Call(evening, evening.Phone(1), tuesday + tenToSix, ContactOutcome.Answered, rightParty: true));
        }

        await world.AddAsync([.. history]);

        var at10 = await world.Hopper().PeekAsync(world.Campaign, 10, null, Ct);
        Assert.Equal(["MORNING", "EVENING"], at10.Select(e => e.AccountReference));
        Assert.Equal("Tue 10:00", at10[0].Now.Label);
        Assert.Equal("Tue 10:00", at10[0].Best.Label);
        Assert.Equal(1.0, at10[0].Reach, 3);
        Assert.True(at10[0].Now.Rate > at10[1].Now.Rate);
        Assert.Equal("Tue 18:00", at10[1].Best.Label);

        // A fresh hopper at 18:00 (the learned rates are cached per node): the order turns round.
        world.Clock.SetUtcNow(HopperWorld.Berlin(2026, 3, 10, 18, 0).ToDateTimeOffset());
        var at18 = await world.Hopper().PeekAsync(world.Campaign, 10, null, Ct);
        Assert.Equal(["EVENING", "MORNING"], at18.Select(e => e.AccountReference));
    }

    [Fact]
    public async Task Busy_is_retried_sooner_than_no_answer_and_on_the_same_number()
    {
        var world = await World();
        var busy = world.NewAccount("BUSY", phones: 2);
        var noAnswer = world.NewAccount("NO-ANSWER", phones: 2);
        await world.SaveAsync([busy, noAnswer]);
        var t0 = world.Now;
        await world.AddAsync(
            HopperWorld.Call(busy, busy.Phone(1), t0, ContactOutcome.Busy),
            HopperWorld.Call(noAnswer, noAnswer.Phone(1), t0, ContactOutcome.NoAnswer));

        // Calls ended at t0 + 30 s. Busy: 15 minutes; no answer: 2 hours.
        world.Clock.Advance(TimeSpan.FromMinutes(15));
        Assert.Empty(await Peek(world));
        world.Clock.Advance(TimeSpan.FromSeconds(30));
        var entries = await world.Hopper().PeekAsync(world.Campaign, 10, null, Ct);
        var entry = Assert.Single(entries);
        Assert.Equal("BUSY", entry.AccountReference);
        Assert.Equal(busy.Phone(1), entry.Phone);
        Assert.Equal(t0 + Duration.FromSeconds(30) + Duration.FromMinutes(15), entry.RetryAt);
        Assert.Contains("last call Busy", entry.Reason, StringComparison.Ordinal);

        world.Clock.SetUtcNow((t0 + Duration.FromHours(2) + Duration.FromSeconds(29)).ToDateTimeOffset());
        Assert.Equal(["BUSY"], await Peek(world));
        world.Clock.Advance(TimeSpan.FromSeconds(1));
        var later = await world.Hopper().PeekAsync(world.Campaign, 10, null, Ct);
        Assert.Equal(["BUSY", "NO-ANSWER"], later.Select(e => e.AccountReference).Order());
        // No answer moves on to the alternate number.
        Assert.Equal(noAnswer.Phone(2), later.Single(e => e.AccountReference == "NO-ANSWER").Phone);
    }

    [Fact]
    public async Task Retry_delays_come_from_the_options()
    {
        var world = await World();
        world.Options.Retry[ContactOutcome.Machine] = new RetryRule { Delay = TimeSpan.FromMinutes(30), SameNumber = true };
        var machine = world.NewAccount("MACHINE", phones: 2);
        await world.SaveAsync([machine]);
        await world.AddAsync(HopperWorld.Call(machine, machine.Phone(1), world.Now, ContactOutcome.Machine));

        world.Clock.Advance(TimeSpan.FromMinutes(30));
        Assert.Empty(await Peek(world));
        world.Clock.Advance(TimeSpan.FromSeconds(30));
        var entry = Assert.Single(await world.Hopper().PeekAsync(world.Campaign, 10, null, Ct));
        Assert.Equal(machine.Phone(1), entry.Phone);
    }

    [Fact]
    public async Task Alternate_numbers_go_in_priority_order_skipping_opted_out_and_invalid_ones()
    {
        var world = await World();
        var account = world.NewAccount("ALT", phones: 3);
        account.Debtor.Phones.Single(p => p.Priority == 2).E164 = "+4915"; // too short to be a German number
        await world.SaveAsync([account]);
        await world.AddAsync(new OptOut
        {
            DebtorId = account.Debtor.Id, Channel = ContactChannel.Call, Address = account.Phone(1), Source = "call", At = world.Now - Duration.FromDays(1),
        });

        var entry = Assert.Single(await world.Hopper().PeekAsync(world.Campaign, 10, null, Ct));
        Assert.Equal(account.Phone(3), entry.Phone);
        Assert.Equal(3, entry.PhonePriority);
        Assert.Contains("number 1 refused by de.opt-out", entry.Reason, StringComparison.Ordinal);
        Assert.Contains("number 2 skipped: not a valid number", entry.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task After_no_answer_on_the_last_number_the_first_is_tried_again()
    {
        var world = await World();
        var account = world.NewAccount("WRAP", phones: 2);
        await world.SaveAsync([account]);
        await world.AddAsync(HopperWorld.Call(account, account.Phone(2), world.Now - Duration.FromHours(3), ContactOutcome.NoAnswer));

        var entry = Assert.Single(await world.Hopper().PeekAsync(world.Campaign, 10, null, Ct));
        Assert.Equal(account.Phone(1), entry.Phone);
    }

    [Fact]
    public void Trial_order_rotates_after_the_last_number_unless_the_outcome_asks_for_the_same_one()
    {
        var phones = Enumerable.Range(1, 3).Select(i => new PhoneNumber { E164 = $"+4915100000{i}", Region = "DE", Priority = i }).ToList();
        Assert.Equal([1, 2, 3], DialerHopper.TrialOrder(phones, null, sameNumber: false).Select(p => p.Priority));
        Assert.Equal([2, 3, 1], DialerHopper.TrialOrder(phones, "+4915100000" + "1", sameNumber: false).Select(p => p.Priority));
        Assert.Equal([1, 2, 3], DialerHopper.TrialOrder(phones, "+4915100000" + "1", sameNumber: true).Select(p => p.Priority));
        Assert.Equal([1, 2, 3], DialerHopper.TrialOrder(phones, "+4915100000" + "3", sameNumber: false).Select(p => p.Priority));
        // A number no longer on file: priority order.
        Assert.Equal([1, 2, 3], DialerHopper.TrialOrder(phones, "+4930123456", sameNumber: false).Select(p => p.Priority));
    }
}
