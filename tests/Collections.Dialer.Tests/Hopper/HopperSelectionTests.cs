using Collections.Dialer.Hopper;
using Collections.Shared.Domain;
using Collections.Shared.Workflow;
using Collections.Testing;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Collections.Dialer.Tests.Hopper;

/// <summary>Which queued calls a campaign's hopper offers, in which order, on which number, on SQLite with a fake clock.</summary>
public sealed class HopperSelectionTests
{
    private static async Task<HopperWorld> World(Action<Campaign>? campaign = null) =>
        await HopperWorld.CreateAsync(await TestDatabases.NewSqlite().MigrateAsync(), campaign);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<List<string>> Peek(HopperWorld world, int limit = 50) =>
        (await world.Hopper().PeekAsync(world.Campaign, limit, null, Ct)).Select(e => e.AccountReference).ToList();

    [Fact]
    public async Task Only_calls_due_in_the_campaigns_queue_on_accounts_matching_its_industry_are_offered()
    {
        var world = await World();
        var due = world.NewAccount("DUE");
        var future = world.NewAccount("FUTURE", dueAgo: TimeSpan.FromHours(-1));
        var otherQueue = world.NewAccount("OTHER-QUEUE", queue: "instalment-reminders");
        var otherIndustry = world.NewAccount("UTILITY", industry: Industry.Utilities);
        var sms = world.NewAccount("SMS");
        sms.Call.Channel = ContactChannel.Sms;
        var cancelled = world.NewAccount("CANCELLED");
        cancelled.Call.Status = ScheduledContactStatus.Cancelled;
        var done = world.NewAccount("DONE");
        done.Call.Status = ScheduledContactStatus.Done;
        var expired = world.NewAccount("EXPIRED");
        expired.Call.ExpiresAt = HopperWorld.Start - Duration.FromMinutes(1);
        var retried = world.NewAccount("RETRIED");
        retried.Call.NextAttemptAt = HopperWorld.Start + Duration.FromMinutes(30);   // retried after a busy line: not yet
        var noCall = world.NewAccount("CASE-ONLY");
        noCall.Call.Channel = ContactChannel.Letter;   // a case due with no call queued: the hopper no longer reads cases
        await world.SaveAsync([due, future, otherQueue, otherIndustry, sms, cancelled, done, expired, retried, noCall]);

        Assert.Equal(["DUE"], await Peek(world));
        var entry = Assert.Single(await world.Hopper().PeekAsync(world.Campaign, 5, null, Ct));
        Assert.Equal(due.Call.Id, entry.EntryId);
        Assert.Equal(ContactPurpose.StrategyStep, entry.Purpose);

        // Two hours later the future call and the retried one are due too.
        world.Clock.Advance(TimeSpan.FromHours(2));
        Assert.Equal(["DUE", "FUTURE", "RETRIED"], (await Peek(world)).Order().ToList());

        // A campaign serving another queue sees that queue's calls.
        world.Campaign.Queue = "instalment-reminders";
        Assert.Equal(["OTHER-QUEUE"], await Peek(world));
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
    public async Task A_number_on_the_suppression_list_of_an_erased_debtor_is_not_offered()
    {
        var world = await World();
        var fine = world.NewAccount("FINE");
        var suppressed = world.NewAccount("SUPPRESSED");
        var smsOnly = world.NewAccount("SMS-ONLY");
        await world.SaveAsync([fine, suppressed, smsOnly]);
        // An earlier debtor with these numbers opted out of calls, of texts, and was erased (docs/privacy.md).
        await world.AddAsync(
            new Collections.Shared.Privacy.SuppressedAddress
            {
                Hash = Collections.Shared.Privacy.SuppressionList.Hash(suppressed.Debtor.Phones[0].E164), Channel = ContactChannel.Call, At = HopperWorld.Start - Duration.FromDays(400), Source = "call",
            },
            new Collections.Shared.Privacy.SuppressedAddress
            {
                Hash = Collections.Shared.Privacy.SuppressionList.Hash(smsOnly.Debtor.Phones[0].E164), Channel = ContactChannel.Sms, At = HopperWorld.Start - Duration.FromDays(400), Source = "sms:STOP",
            });

        Assert.Equal(["FINE", "SMS-ONLY"], (await Peek(world)).Order().ToList());
    }

    [Fact]
    public async Task Callbacks_come_first_then_pre_instalment_reminders_follow_ups_and_strategy_calls_each_longest_overdue_first()
    {
        var world = await World();
        var old = world.NewAccount("OLD", dueAgo: TimeSpan.FromDays(3));
        var recent = world.NewAccount("RECENT", dueAgo: TimeSpan.FromMinutes(5));
        var callback = world.NewAccount("CALLBACK", dueAgo: TimeSpan.FromMinutes(1), purpose: ContactPurpose.Callback);
        var reminder = world.NewAccount("REMINDER", dueAgo: TimeSpan.FromMinutes(1), purpose: ContactPurpose.PreInstalment);
        var broken = world.NewAccount("BROKEN", dueAgo: TimeSpan.FromMinutes(1), purpose: ContactPurpose.PromiseFollowUp);
        var missed = world.NewAccount("MISSED", dueAgo: TimeSpan.FromMinutes(2), purpose: ContactPurpose.InstalmentFollowUp);
        await world.SaveAsync([recent, old, callback, reminder, broken, missed]);

        var entries = await world.Hopper().PeekAsync(world.Campaign, 10, null, Ct);

        Assert.Equal(["CALLBACK", "REMINDER", "MISSED", "BROKEN", "OLD", "RECENT"], entries.Select(e => e.AccountReference));
        Assert.Equal([30, 20, 10, 10, 0, 0], entries.Select(e => e.Priority));
        Assert.Contains("purpose callback +30", entries[0].Reason, StringComparison.Ordinal);
        Assert.Contains("never called", entries[4].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Strategy_and_purpose_priorities_come_from_the_options_and_add_up()
    {
        var world = await World();
        world.Options.StrategyPriorities["vip-strategy"] = 50;
        world.Options.PurposePriorities["callback"] = 5;
        var callback = world.NewAccount("CALLBACK", dueAgo: TimeSpan.FromDays(1), purpose: ContactPurpose.Callback);
        var vip = world.NewAccount("VIP", dueAgo: TimeSpan.FromMinutes(2));
        vip.Case.StrategyId = "vip-strategy";
        var vipReminder = world.NewAccount("VIP-REMINDER", dueAgo: TimeSpan.FromMinutes(1), purpose: ContactPurpose.PreInstalment);
        vipReminder.Case.StrategyId = "vip-strategy";
        await world.SaveAsync([callback, vip, vipReminder]);

        var entries = await world.Hopper().PeekAsync(world.Campaign, 10, null, Ct);

        Assert.Equal(["VIP-REMINDER", "VIP", "CALLBACK"], entries.Select(e => e.AccountReference));
        Assert.Equal([70, 50, 5], entries.Select(e => e.Priority));
        Assert.Contains("purpose pre-instalment +20, strategy vip-strategy +50", entries[0].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_account_with_several_calls_due_is_offered_once_with_its_best()
    {
        var world = await World();
        var account = world.NewAccount("TWO-CALLS", dueAgo: TimeSpan.FromDays(2));
        await world.SaveAsync([account]);
        var reminder = world.QueuedCall(account.Account, account.Case, world.Now - Duration.FromMinutes(5), ContactPurpose.PreInstalment);
        await world.AddAsync(reminder);

        var entry = Assert.Single(await world.Hopper().PeekAsync(world.Campaign, 10, null, Ct));
        Assert.Equal(reminder.Id, entry.EntryId);
        Assert.Equal(ContactPurpose.PreInstalment, entry.Purpose);
        Assert.Equal("pre-instalment", entry.ScriptStage);
    }

    [Fact]
    public async Task A_conversation_holds_back_calls_queued_before_it_but_not_the_callback_agreed_in_it()
    {
        var world = await World();
        var earlier = world.NewAccount("QUEUED-BEFORE");
        var agreed = world.NewAccount("CALLBACK", purpose: ContactPurpose.Callback);
        var t0 = world.Now - Duration.FromMinutes(20);

        // The operator agreed the callback during the call (the entry is written before the dialer completes the ledger row).
        agreed.Call.CreatedAt = t0 + Duration.FromMinutes(2);
        agreed.Call.DueAt = agreed.Call.NextAttemptAt = world.Now;
        await world.SaveAsync([earlier, agreed]);
        await world.AddAsync(
            HopperWorld.Call(earlier, earlier.Phone(1), t0, ContactOutcome.Answered, rightParty: true),
            HopperWorld.Call(agreed, agreed.Phone(1), t0, ContactOutcome.Answered, rightParty: true));

        // The retry table holds a conversation's account for 24 h; the callback was queued in knowledge of it.
        var entry = Assert.Single(await world.Hopper().PeekAsync(world.Campaign, 10, null, Ct));
        Assert.Equal("CALLBACK", entry.AccountReference);
        Assert.Contains("last call Answered", entry.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_callback_is_its_operators_alone_until_the_grace_period_ends()
    {
        var world = await World();
        var promisedBy = new Agent { Login = "harriet.collins", DisplayName = "Harriet Collins", Languages = "de,en" };
        await world.AddAsync(promisedBy);
        var operatorId = promisedBy.Id;
        var callback = world.NewAccount("CALLBACK", purpose: ContactPurpose.Callback);
        callback.Call.AgentId = operatorId;
        callback.Call.AgentOnlyUntil = world.Now + Duration.FromMinutes(15);
        await world.SaveAsync([callback]);

        var reserved = Assert.Single(await world.Hopper().PeekAsync(world.Campaign, 10, null, Ct));
        Assert.Equal(operatorId, reserved.Operator);
        Assert.Equal(world.Now + Duration.FromMinutes(15), reserved.OperatorOnlyUntil);
        Assert.Contains($"for operator {operatorId} only until", reserved.Reason, StringComparison.Ordinal);

        world.Clock.Advance(TimeSpan.FromMinutes(15));
        var anyone = Assert.Single(await world.Hopper().PeekAsync(world.Campaign, 10, null, Ct));
        Assert.Null(anyone.Operator);
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
    public async Task A_number_an_operator_marked_wrong_is_never_dialed_again_the_next_one_is()
    {
        var world = await World();
        var account = world.NewAccount("WRONG", phones: 2);
        account.Debtor.Phones.Single(p => p.Priority == 1).WrongNumberAt = world.Now - Duration.FromHours(1);
        await world.SaveAsync([account]);

        var entry = Assert.Single(await world.Hopper().PeekAsync(world.Campaign, 10, null, Ct));
        Assert.Equal(account.Phone(2), entry.Phone);
        Assert.Contains("number 1 skipped: marked wrong number", entry.Reason, StringComparison.Ordinal);

        // With its only other number marked too, the debtor is not dialed at all.
        await using (var db = world.CreateContext())
        {
            var second = await db.PhoneNumbers.SingleAsync(p => p.DebtorId == account.Debtor.Id && p.Priority == 2, Ct);
            second.WrongNumberAt = world.Now;
            await db.SaveChangesAsync(Ct);
        }

        Assert.Empty(await world.Hopper().PeekAsync(world.Campaign, 10, null, Ct));
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
