using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Collections.AgentConsole.Features.Payments;
using Collections.AgentConsole.Tests.Console;
using Collections.Shared.Calendars;
using Collections.Shared.Contracts;
using Collections.Shared.Domain;
using Collections.Shared.Persistence;
using Collections.Shared.Workflow;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using NodaTime;

namespace Collections.AgentConsole.Tests.EndToEnd;

/// <summary>
/// The collection process end to end in the main job a user starts (issue 12, "Done when"): the real console in a child
/// process, on a clock the test moves through days and months, with the demo carrier for calls and the demo messaging
/// provider (Twilio's API on loopback) for SMS, killed with SIGKILL in the middle and started again on the same database.
/// Every arrow is asserted against the database (the queue of due contacts, the contact ledger, the messages, the plan), the
/// print queue and the demo provider's journal of what it accepted.
/// </summary>
public abstract class CollectionProcessTests(CollectionWorld world)
{
    private static readonly DateTimeZone Berlin = DateTimeZoneProviders.Tzdb["Europe/Berlin"];
    private static readonly DateTimeZone Riga = DateTimeZoneProviders.Tzdb["Europe/Riga"];
    private static readonly TimeSpan CallWait = TimeSpan.FromSeconds(120);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_account_placed_gets_its_letter_SMS_and_call_a_plan_reminders_before_each_instalment_and_a_follow_up_of_the_missed_one_across_two_kills()
    {
        // A Monday morning in Berlin, chosen so that every day the case is worked on is a German working day.
        var calendar = WorkingDayCalendars.For("DE");
        var (monday, first) = ChooseWeek(calendar);
        var instalmentDates = new[] { first, first.PlusMonths(1), first.PlusMonths(2) };
        world.MoveTo(At(Berlin, monday, 9, 0));

        // Placed: import accounts opens the case with the strategy and its steps (claim analysis at placement).
        const string reference = "E2E-DE-1001";
        var import = await world.ImportAccountsAsync("placement-de.csv", Csv(reference, "Max", "Mustermann", "de", "+49 151 23456789", "Hauptstraße 1", "10115", "Berlin", "DE", "EUR", "300.00", monday.PlusDays(-35)));
        Assert.True(import.Exit == 0, import.Stdout + import.Stderr);
        Assert.Contains("\"casesPlanned\":1", import.Stdout);
        var account = await AccountAsync(reference);
        await using (var db = world.OpenDatabase())
        {
            var opened = await db.Cases.AsNoTracking().SingleAsync(c => c.AccountId == account, Ct);
            Assert.Equal(CollectionWorld.StrategyId, opened.StrategyId);
            var steps = await db.CaseSteps.AsNoTracking().Where(s => s.CaseId == opened.Id).OrderBy(s => s.Sequence).ToListAsync(Ct);
            Assert.Equal(new[] { "letter", "sms", "call" }, steps.Select(s => s.StepKey));
            Assert.Equal(At(Berlin, monday.PlusDays(1), 10, 0), steps[1].DueAt);
            Assert.Equal(At(Berlin, monday.PlusDays(3), 10, 0), steps[2].DueAt);
        }

        // The reminder letter: a PDF in the print queue, counted as sent in the ledger.
        var letter = await world.WaitForAsync("the strategy's letter handed to the print queue", db => db.OutboundMessages.AsNoTracking()
            .FirstOrDefaultAsync(m => m.AccountId == account && m.Channel == ContactChannel.Letter && m.State == OutboundMessageState.Sent, Ct), Ct);
        var pdf = Path.Combine(world.PrintQueue, letter.DocumentPath!);
        Assert.True(File.Exists(pdf), pdf);
        Assert.Equal("%PDF"u8.ToArray(), (await File.ReadAllBytesAsync(pdf, Ct))[..4]);

        // The next day at 10:00: the SMS, through the real Twilio client to the demo provider, delivered by its signed callback.
        world.MoveTo(At(Berlin, monday.PlusDays(1), 10, 0, 30));
        var sms = await world.WaitForAsync("the strategy's SMS delivered", db => db.OutboundMessages.AsNoTracking()
            .FirstOrDefaultAsync(m => m.AccountId == account && m.Channel == ContactChannel.Sms && m.State == OutboundMessageState.Delivered, Ct), Ct);
        Assert.Equal("+4915123456789", sms.To);
        Assert.Contains(reference, sms.Body);

        // Thursday at 10:00: the strategy's call reaches the operator in Chromium, who records a three-instalment plan.
        var planSaved = await FirstCallInChromiumAsync(monday.PlusDays(3), reference, first);
        InstalmentPlan plan;
        await using (var db = world.OpenDatabase())
        {
            plan = await db.InstalmentPlans.AsNoTracking().Include(p => p.Instalments).SingleAsync(p => p.AccountId == account, Ct);
            Assert.Equal(planSaved, plan.Id.Value);
            Assert.Equal(InstalmentPlanStatus.Active, plan.Status);
            Assert.Equal(instalmentDates, plan.Instalments.OrderBy(i => i.Number).Select(i => i.DueDate));
            Assert.Equal(100m, plan.Instalments.Single(i => i.Number == 1).Amount);
            Assert.Equal(CasePhase.PaymentArrangement, (await db.Cases.AsNoTracking().SingleAsync(c => c.AccountId == account, Ct)).Phase);
        }

        // Killed right after the plan was saved, and started again: nothing lost, nothing done twice.
        await KillAndRestartAsync(account);

        // Before each instalment, a reminder call is dialed through the demo carrier and pops the pre-instalment script.
        var anna = await HubOperator.ConnectAsync(world, "e2e.anna", Ct);
        await anna.ReadyAsync(Ct);
        var firstReminder = await ReminderCallAsync(anna, account, instalmentDates[0]);
        // The debtor confirms: the operator records the promise to pay the instalment on its date.
        await anna.AnswerAsync(firstReminder.CallId, Ct, "speaking", "confirmed", "on-track");
        var promised = await anna.ActAsync(firstReminder.CallId, new ScriptActionDto("record-promise", 100m, instalmentDates[0].ToDateOnly(), null, null, null), Ct);
        Assert.Null(promised.Refusal);
        await anna.SaveAsync(firstReminder, "PromiseToPay", "will pay the first instalment on its date", Ct);
        await anna.ReadyAsync(Ct);

        // The payment file of the first instalment's day books it: the instalment is paid and the promise kept at once.
        world.MoveTo(At(Berlin, instalmentDates[0], 12, 0));
        var upload = await ImportPaymentsAsync($"received_on,amount,currency,reference,payer_name,bank_reference\n{instalmentDates[0]:yyyy-MM-dd},100.00,EUR,{reference},Max Mustermann,E2E-BANK-1\n");
        Assert.Equal((1, 1, 0), (upload.Rows, upload.Matched, upload.Rejected));
        await using (var db = world.OpenDatabase())
        {
            var instalments = await db.Instalments.AsNoTracking().Where(i => i.PlanId == plan.Id).OrderBy(i => i.Number).ToListAsync(Ct);
            Assert.Equal(new[] { InstalmentStatus.Paid, InstalmentStatus.Due, InstalmentStatus.Due }, instalments.Select(i => i.Status));
            Assert.Equal(PromiseStatus.Kept, (await db.Promises.AsNoTracking().SingleAsync(p => p.AccountId == account, Ct)).Status);
        }

        // The second reminder: someone else answers; the operator records that and nothing else.
        await PartnerAnswersAsync(anna, await ReminderCallAsync(anna, account, instalmentDates[1]));
        await anna.DisposeAsync();

        // No payment for the second instalment: the morning after it is missed, and the missed-instalment SMS and follow-up
        // call are queued (to go out when calling hours open at 08:00).
        world.MoveTo(At(Berlin, instalmentDates[1].PlusDays(1), 6, 0, 30));
        var missedKey = await world.WaitForAsync("the second instalment missed", async db =>
        {
            var second = await db.Instalments.AsNoTracking().SingleAsync(i => i.PlanId == plan.Id && i.Number == 2, Ct);
            return second.Status == InstalmentStatus.Missed ? $"instalment-missed:{second.Id}" : null;
        }, Ct);
        await world.WaitForAsync("the missed instalment's follow-up call and SMS queued", async db =>
            await db.ScheduledContacts.AsNoTracking().CountAsync(c => c.IdempotencyKey.StartsWith(missedKey), Ct) == 2 ? "queued" : null, Ct);

        // Killed between the morning check and the dispatch, and started again. The SMS waits for calling hours (08:00); the
        // operator starts work at 08:00.
        await KillAndRestartAsync(account);
        var opening = At(Berlin, instalmentDates[1].PlusDays(1), 8, 0);
        await world.WaitForAsync("the missed-instalment SMS held until calling hours open", db => db.ScheduledContacts.AsNoTracking()
            .FirstOrDefaultAsync(c => c.IdempotencyKey == missedKey + ":sms" && c.Status == ScheduledContactStatus.Queued && c.NextAttemptAt == opening, Ct), Ct);
        world.MoveTo(opening + Duration.FromSeconds(30));
        anna = await HubOperator.ConnectAsync(world, "e2e.anna", Ct);
        await anna.ReadyAsync(Ct);
        var followUp = await anna.NextPopAsync(CallWait, Ct, () => world.Host.Tail());
        Assert.Equal(account.Value, followUp.Account.Id);
        Assert.Equal(("instalment-follow-up", "missed-instalment"), (followUp.Reason?.Purpose, followUp.Reason?.ScriptStage));
        Assert.Contains("missed-instalment", followUp.Script!.ScriptId);
        // The debtor cannot name a date yet: no promise this time (one would be checked and followed up on its own).
        await anna.AnswerAsync(followUp.CallId, Ct, "speaking", "confirmed", "pay-now");
        await anna.ActAsync(followUp.CallId, new ScriptActionDto("decline", null, null, null, null, "cannot name a date yet"), Ct);
        await anna.SaveAsync(followUp, "RefusedToPay", "cannot pay the missed instalment yet", Ct);
        await world.WaitForAsync("the missed-instalment SMS delivered", db => DeliveredAsync(db, account, missedKey + ":sms"), Ct);
        await anna.ReadyAsync(Ct);

        // The third instalment's reminder.
        await PartnerAnswersAsync(anna, await ReminderCallAsync(anna, account, instalmentDates[2]));
        await anna.DisposeAsync();

        // Once each: every queued contact has its own key; each was carried out once (one ledger row, one message, one letter
        // in the print queue, one message accepted by the provider per SMS).
        await AssertEachDoneOnceAsync(account, reference);

        // The case's life as the ops verbs tell it (stable contracts): every contact made, by day, channel, purpose and outcome.
        Assert.Equal(
            new[]
            {
                $"{Day(monday)} letter reminder sent",
                $"{Day(monday.PlusDays(1))} sms reminder delivered",
                $"{Day(monday.PlusDays(3))} call first-contact answered",
                $"{Day(instalmentDates[0].PlusDays(-3))} call pre-instalment answered",
                $"{Day(instalmentDates[0].PlusDays(-3))} sms pre-instalment delivered",
                $"{Day(instalmentDates[1].PlusDays(-3))} call pre-instalment answered",
                $"{Day(instalmentDates[1].PlusDays(-3))} sms pre-instalment delivered",
                $"{Day(instalmentDates[1].PlusDays(1))} call instalment-follow-up answered",
                $"{Day(instalmentDates[1].PlusDays(1))} sms instalment-follow-up delivered",
                $"{Day(instalmentDates[2].PlusDays(-3))} call pre-instalment answered",
                $"{Day(instalmentDates[2].PlusDays(-3))} sms pre-instalment delivered",
            }.Order(StringComparer.Ordinal).Aggregate((a, b) => a + "\n" + b),
            await ActivityAsync(reference, At(Berlin, monday, 0, 0), Berlin));
        var @case = await world.CliAsync("case", reference);
        Assert.True(@case.Exit == 0, @case.Stderr);
        using var json = JsonDocument.Parse(@case.Stdout);
        Assert.Equal(CollectionWorld.StrategyId, json.RootElement.GetProperty("strategy").GetString());
        var scheduled = json.RootElement.GetProperty("plans")[0].GetProperty("instalments").EnumerateArray().ToList();
        Assert.Equal(instalmentDates.Select(d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)), scheduled.Select(i => i.GetProperty("due").GetString()));
        Assert.NotEqual(JsonValueKind.Null, scheduled[0].GetProperty("paidAt").ValueKind);
        Assert.Equal(JsonValueKind.Null, scheduled[1].GetProperty("paidAt").ValueKind);
    }

    [Fact]
    public async Task A_callback_is_dialed_at_its_time_to_the_operator_who_agreed_it_and_the_promise_then_made_and_not_kept_is_broken_next_morning_and_followed_up()
    {
        // A Latvian case worked by the two Latvian-speaking operators: a Monday whose Thursday and Friday are working days.
        var calendar = WorkingDayCalendars.For("LV");
        var monday = world.Now.InZone(Riga).Date.PlusDays(1).Next(IsoDayOfWeek.Monday);
        while (!new[] { 0, 3, 4 }.All(d => calendar.IsWorkingDay(monday.PlusDays(d))))
        {
            monday = monday.PlusWeeks(1);
        }

        var (thursday, friday) = (monday.PlusDays(3), monday.PlusDays(4));
        world.MoveTo(At(Riga, monday, 9, 0));
        const string reference = "E2E-LV-2001";
        var import = await world.ImportAccountsAsync("placement-lv.csv", Csv(reference, "Elīna", "Bērziņa", "lv", "+371 21234567", "Brīvības iela 21", "LV-1010", "Rīga", "LV", "EUR", "200.00", monday.PlusDays(-35)));
        Assert.True(import.Exit == 0, import.Stdout + import.Stderr);
        var account = await AccountAsync(reference);
        await world.WaitForAsync("the strategy's letter handed to the print queue", db => db.OutboundMessages.AsNoTracking()
            .FirstOrDefaultAsync(m => m.AccountId == account && m.Channel == ContactChannel.Letter && m.State == OutboundMessageState.Sent, Ct), Ct);
        await using var liga = await HubOperator.ConnectAsync(world, "e2e.liga", Ct);
        await using var janis = await HubOperator.ConnectAsync(world, "e2e.janis", Ct);

        // Thursday 10:00, the strategy's call: the debtor asks to be called back at 14:00.
        world.MoveTo(At(Riga, thursday, 10, 0, 30));
        await liga.ReadyAsync(Ct);
        var first = await liga.NextPopAsync(CallWait, Ct, () => world.Host.Tail());
        Assert.Equal((account.Value, "first-contact"), (first.Account.Id, first.Reason?.Purpose));
        await liga.AnswerAsync(first.CallId, Ct, "speaking", "confirmed", "call-later");
        var agreed = await liga.ActAsync(first.CallId, new ScriptActionDto("schedule-callback", null, null, null, (thursday + new LocalTime(14, 0)).ToDateTimeUnspecified(), "after her shift"), Ct);
        Assert.Null(agreed.Refusal);
        var saved = await liga.SaveAsync(first, "Callback", "call back at 14:00", Ct);
        Assert.Equal(At(Riga, thursday, 14, 0).ToDateTimeOffset(), saved.CallbackAt);
        AgentId ligaId;
        await using (var db = world.OpenDatabase())
        {
            ligaId = await db.Agents.Where(a => a.Login == "e2e.liga").Select(a => a.Id).SingleAsync(Ct);
            var callback = await db.ScheduledContacts.AsNoTracking().SingleAsync(c => c.AccountId == account && c.Purpose == ContactPurpose.Callback, Ct);
            Assert.Equal(("callbacks", (AgentId?)ligaId, At(Riga, thursday, 14, 0), ScheduledContactStatus.Queued), (callback.Campaign, callback.AgentId, callback.DueAt, callback.Status));
        }

        // Both Latvian speakers are ready, Jānis the longer: at 14:00 the callback still goes to Līga, who agreed it.
        await janis.ReadyAsync(Ct);
        await liga.ReadyAsync(Ct);
        world.MoveTo(At(Riga, thursday, 14, 0, 30));
        var callBack = await liga.NextPopAsync(CallWait, Ct, () => world.Host.Tail());
        Assert.Equal((account.Value, "callback"), (callBack.Account.Id, callBack.Reason?.Purpose));
        Assert.False(janis.HasPendingPop);

        // The debtor promises to pay the whole balance today.
        await liga.AnswerAsync(callBack.CallId, Ct, "speaking", "confirmed", "will-pay");
        var promised = await liga.ActAsync(callBack.CallId, new ScriptActionDto("record-promise", 200m, thursday.ToDateOnly(), null, null, null), Ct);
        Assert.Null(promised.Refusal);
        var promise = await liga.SaveAsync(callBack, "PromiseToPay", "will pay today", Ct);
        // Issue 19, item 5: the promise is a change in the audit trail by Līga's sign-in, from her connection's address, naming
        // what the outcome carried; the placement before it is the import's one entry with its counts.
        var audited = await world.WaitForAsync("the promise in the audit trail", db => db.AuditEntries.AsNoTracking()
            .FirstOrDefaultAsync(e => e.Action == "change" && e.Subject == $"account:{account.Value}" && e.Detail.StartsWith("call outcome PromiseToPay"), Ct), Ct);
        Assert.Equal(("e2e.liga", "call outcome PromiseToPay: promise, note"), (audited.Actor, audited.Detail));
        Assert.NotNull(audited.From);
        await world.WaitForAsync("the import in the audit trail", db => db.AuditEntries.AsNoTracking()
            .FirstOrDefaultAsync(e => e.Action == "change" && e.Detail == "account import" && e.Subject.StartsWith("account file placement-lv.csv"), Ct), Ct);
        await using (var db = world.OpenDatabase())
        {
            // The call carried the callback's queue entry and was Līga's (her disposition on its ledger row).
            var row = await db.ContactAttempts.AsNoTracking().SingleAsync(c => c.Id == new ContactAttemptId(callBack.CallId), Ct);
            var entry = await db.ScheduledContacts.AsNoTracking().SingleAsync(c => c.Id == row.ScheduledContactId, Ct);
            Assert.Equal((ContactPurpose?)ContactPurpose.Callback, row.Purpose);
            Assert.Equal((ContactPurpose.Callback, (AgentId?)ligaId), (entry.Purpose, entry.AgentId));
            var disposition = await db.Dispositions.AsNoTracking().SingleAsync(d => d.ContactAttemptId == (ContactAttemptId?)row.Id, Ct);
            Assert.Equal((AgentId?)ligaId, disposition.AgentId);
        }

        // Nothing arrives. Friday 06:00 the promise due yesterday is broken and its follow-up call queued; at 08:00, when calling
        // hours open and the operators start work, it is dialed and pops the broken-promise script.
        await janis.PauseAsync(Ct);
        await liga.PauseAsync(Ct);
        world.MoveTo(At(Riga, friday, 6, 0, 30));
        var followUp = await world.WaitForAsync("the broken promise's follow-up queued", async db =>
        {
            var decided = await db.Promises.AsNoTracking().SingleAsync(p => p.Id == new PromiseId(promise.PromiseId!.Value), Ct);
            return decided.Status == PromiseStatus.Broken
                ? await db.ScheduledContacts.AsNoTracking().SingleOrDefaultAsync(c => c.IdempotencyKey == $"broken-promise:{decided.Id}", Ct)
                : null;
        }, Ct);
        Assert.Equal(("follow-up-calls", ContactPurpose.PromiseFollowUp, PromiseWorkflow.BrokenPromiseStage), (followUp.Campaign, followUp.Purpose, followUp.ScriptStage));

        world.MoveTo(At(Riga, friday, 8, 0, 30));
        await janis.ReadyAsync(Ct);
        await liga.ReadyAsync(Ct);
        var (taker, call) = await HubOperator.NextPopOfAnyAsync([liga, janis], CallWait, Ct, () => world.Host.Tail());
        Assert.Equal((account.Value, "promise-follow-up", PromiseWorkflow.BrokenPromiseStage), (call.Account.Id, call.Reason?.Purpose, call.Reason?.ScriptStage));
        Assert.Contains("broken-promise", call.Script!.ScriptId);
        await taker.SaveAsync(call, "RefusedToPay", "cannot pay this week", Ct);
        await world.WaitForAsync("the follow-up entry carried out", db => db.ScheduledContacts.AsNoTracking()
            .FirstOrDefaultAsync(c => c.Id == followUp.Id && c.Status == ScheduledContactStatus.Done, Ct), Ct);

        Assert.Equal(
            new[]
            {
                $"{Day(monday)} letter reminder sent",
                $"{Day(thursday)} sms reminder delivered",
                $"{Day(thursday)} call callback answered",
                $"{Day(thursday)} call first-contact answered",
                $"{Day(friday)} call promise-follow-up answered",
            }.Order(StringComparer.Ordinal).Aggregate((a, b) => a + "\n" + b),
            await ActivityAsync(reference, At(Riga, monday, 0, 0), Riga));
    }

    /// <summary>The <c>activity</c> verb's lines for <paramref name="reference"/> since <paramref name="since"/>: "local date channel
    /// purpose outcome", sorted (contacts made in the same minute have no fixed order), one per line.</summary>
    private async Task<string> ActivityAsync(string reference, Instant since, DateTimeZone zone)
    {
        var activity = await world.CliAsync("activity", "--since", since.ToString());
        Assert.True(activity.Exit == 0, activity.Stderr);
        return string.Join('\n', activity.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonDocument.Parse(line).RootElement)
            .Where(e => e.GetProperty("accountRef").GetString() == reference)
            .Select(e => $"{Day(Instant.FromDateTimeOffset(e.GetProperty("at").GetDateTimeOffset()).InZone(zone).Date)} {e.GetProperty("channel").GetString()} {e.GetProperty("purpose").GetString()} {e.GetProperty("outcome").GetString()}")
            .Order(StringComparer.Ordinal));
    }

    /// <summary>The first call of the case, in Chromium: the operator signs in, goes ready with the keyboard, gets the screen-pop
    /// of the strategy's call, walks the script to an instalment plan (3 x 100.00 from <paramref name="firstInstalment"/>) and
    /// saves it. Returns the plan's id as the page's save reported it.</summary>
    private async Task<Guid> FirstCallInChromiumAsync(LocalDate day, string reference, LocalDate firstInstalment)
    {
        // The call is due at 10:00; no operator is ready yet, so nothing is dialed before the operator signs in (after the clock
        // moved: a sign-in lasts 10 hours on the host's clock).
        world.MoveTo(At(Berlin, day, 10, 0, 30));
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await DebianChromium.LaunchAsync(playwright);
        var context = await browser.NewContextAsync(new() { BaseURL = world.BaseAddress.ToString(), ViewportSize = new() { Width = 1400, Height = 900 } });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/");
        await page.Locator("#login").FillAsync("e2e.anna");
        await page.Locator("#password").FillAsync(CollectionWorld.Password);
        await page.Locator("#password").PressAsync("Enter");
        await page.WaitForURLAsync("**/operator.html");
        // The page speaks the operator's language (German here): states are read from their data attributes.
        await Assertions.Expect(page.Locator("body")).ToHaveAttributeAsync("data-ready", "true");
        await Assertions.Expect(page.Locator("#conn")).ToHaveAttributeAsync("data-state", "connected");
        await page.Keyboard.PressAsync("r");
        await Assertions.Expect(page.Locator("#state")).ToHaveAttributeAsync("data-state", "ready");

        await Assertions.Expect(page.Locator("#account-ref")).ToHaveTextAsync(reference, new() { Timeout = (float)CallWait.TotalMilliseconds });
        await Assertions.Expect(page.Locator("#call-reason .purpose")).ToHaveAttributeAsync("data-purpose", "first-contact");
        foreach (var answer in new[] { "speaking", "confirmed", "needs-instalments" })
        {
            await page.Locator($"#answers button[data-answer='{answer}']").ClickAsync();
        }

        await Assertions.Expect(page.Locator("#action-title")).ToHaveAttributeAsync("data-action", "offer-instalment-plan");
        await page.Locator("#action-amount").FillAsync("100.00");
        await page.Locator("#action-instalments").FillAsync("3");
        await page.Locator("#action-date").FillAsync(firstInstalment.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        await page.Locator("#action-submit").ClickAsync();
        await Assertions.Expect(page.Locator("#disposition")).ToHaveValueAsync("InstalmentPlan");
        await page.Locator("#note").FillAsync("three monthly instalments agreed");
        await page.Locator("#note").PressAsync("Escape");
        await page.Keyboard.PressAsync("Alt+s");
        await Assertions.Expect(page.Locator("#outcome-message")).ToHaveAttributeAsync("data-saved", new System.Text.RegularExpressions.Regex("^[0-9a-f-]{36}$"));
        await page.ScreenshotAsync(new() { Path = Path.Combine(world.Artifacts, "operator-plan.png") });
        await using var db = world.OpenDatabase();
        var saved = Guid.Parse((await page.Locator("#outcome-message").GetAttributeAsync("data-saved"))!);
        var disposition = await db.Dispositions.AsNoTracking().SingleAsync(d => d.Id == new DispositionId(saved), Ct);
        Assert.Equal(DispositionCode.InstalmentPlan, disposition.Code);
        return (await db.InstalmentPlans.AsNoTracking().SingleAsync(p => p.AccountId == disposition.AccountId, Ct)).Id.Value;
    }

    /// <summary>Moves to 10:00 three days before <paramref name="due"/> (the reminder's time) and waits for the reminder call's
    /// screen-pop: the pre-instalment purpose and script, on this account; the reminder SMS goes out beside it.</summary>
    private async Task<ScreenPopDto> ReminderCallAsync(HubOperator op, AccountId account, LocalDate due)
    {
        world.MoveTo(At(Berlin, due.PlusDays(-3), 10, 0, 30));
        var pop = await op.NextPopAsync(CallWait, Ct, () => world.Host.Tail());
        Assert.Equal(account.Value, pop.Account.Id);
        Assert.Equal(("pre-instalment", "pre-instalment-reminder"), (pop.Reason?.Purpose, pop.Reason?.ScriptStage));
        Assert.Contains("pre-instalment-reminder", pop.Script!.ScriptId);
        await world.WaitForAsync($"the reminder SMS before {due} delivered", async db =>
        {
            var instalment = await db.Instalments.AsNoTracking().Where(i => i.DueDate == due).Join(db.InstalmentPlans.Where(p => p.AccountId == account), i => i.PlanId, p => p.Id, (i, p) => i).SingleAsync(Ct);
            return await DeliveredAsync(db, account, $"instalment-reminder:{instalment.Id}:sms");
        }, Ct);
        return pop;
    }

    /// <summary>The debtor's partner answers the reminder and wants no call-back: the operator saves WrongParty and goes ready.</summary>
    private static async Task PartnerAnswersAsync(HubOperator op, ScreenPopDto pop)
    {
        await op.AnswerAsync(pop.CallId, Ct, "not-available");
        await op.ActAsync(pop.CallId, new ScriptActionDto("decline", null, null, null, null, "no call-back wanted"), Ct);
        await op.SaveAsync(pop, "WrongParty", "the debtor's partner answered", Ct);
        await op.ReadyAsync(Ct);
    }

    /// <summary>The message of the queue entry keyed <paramref name="key"/>, once its delivery was reported; else null. An entry
    /// that failed or was cancelled fails the test at once with its outcome.</summary>
    private static async Task<OutboundMessage?> DeliveredAsync(CollectionsDbContext db, AccountId account, string key)
    {
        var entry = await db.ScheduledContacts.AsNoTracking().FirstOrDefaultAsync(c => c.AccountId == account && c.IdempotencyKey == key, Ct);
        Assert.False(entry?.Status is ScheduledContactStatus.Failed or ScheduledContactStatus.Cancelled or ScheduledContactStatus.Expired, $"{key}: {entry?.Status} ({entry?.Outcome})");
        return entry is null
            ? null
            : await db.OutboundMessages.AsNoTracking().FirstOrDefaultAsync(m => m.ScheduledContactId == entry.Id && m.State == OutboundMessageState.Delivered, Ct);
    }

    private async Task<PaymentUploadDto> ImportPaymentsAsync(string csv)
    {
        var (http, _) = await world.SignInAsync(CollectionWorld.AdminLogin, Ct);
        using var _ = http;
        using var content = new MultipartFormDataContent();
        var file = new ByteArrayContent(System.Text.Encoding.UTF8.GetBytes(csv));
        file.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        content.Add(file, "file", "statement.csv");
        var response = await http.PostAsync("/api/payments/import", content, Ct);
        // The status too: a failure in the full run answered with an empty body, and the status is what tells it apart.
        Assert.True(response.IsSuccessStatusCode, $"HTTP {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(Ct)}\nhost log:\n{world.Host.Tail()}");
        return (await response.Content.ReadFromJsonAsync<PaymentUploadDto>(Ct))!;
    }

    /// <summary>What a crash must not lose: the promises, plans and dispositions with their states, the entries of the queue of
    /// due contacts by key, the ledger's rows by channel, purpose and entry, the messages by key.</summary>
    private async Task<Snapshot> SnapshotAsync(AccountId account)
    {
        await using var db = world.OpenDatabase();
        var promises = await db.Promises.AsNoTracking().Where(p => p.AccountId == account).Select(p => $"{p.Amount}@{p.DueDate}:{p.Status}").ToListAsync(Ct);
        var plans = await db.InstalmentPlans.AsNoTracking().Include(p => p.Instalments).Where(p => p.AccountId == account).ToListAsync(Ct);
        var dispositions = await db.Dispositions.AsNoTracking().Where(d => d.AccountId == account).Select(d => d.Code.ToString()).ToListAsync(Ct);
        var queue = await db.ScheduledContacts.AsNoTracking().Where(c => c.AccountId == account).ToDictionaryAsync(c => c.Id, c => c.IdempotencyKey, Ct);
        var ledger = (await db.ContactAttempts.AsNoTracking().Where(c => c.AccountId == account).ToListAsync(Ct))
            .Select(c => $"{c.Channel}/{c.Purpose}/{(c.ScheduledContactId is { } entry ? queue[entry] : "-")}").ToList();
        var messages = await db.OutboundMessages.AsNoTracking().Where(m => m.AccountId == account).Select(m => m.IdempotencyKey).ToListAsync(Ct);
        var facts = string.Join('\n', [
            "promises: " + string.Join(", ", promises.Order(StringComparer.Ordinal)),
            "plans: " + string.Join(", ", plans.Select(p => $"{p.Status} {string.Join(" ", p.Instalments.OrderBy(i => i.Number).Select(i => $"{i.DueDate}:{i.Amount}:{i.Status}"))}")),
            "dispositions: " + string.Join(", ", dispositions.Order(StringComparer.Ordinal)),
        ]);
        return new Snapshot(facts, [.. queue.Values.Select(k => "queue " + k), .. ledger.Select(l => "ledger " + l), .. messages.Select(m => "message " + m)]);
    }

    /// <summary>Kills the host with SIGKILL, starts it again on the same database, and checks that nothing was lost: the
    /// promises, plans and dispositions are as they were, and every queue entry, ledger row and message is still there. Work in
    /// progress at the kill (an entry claimed and deferred to calling hours) may add its rows after the restart; that nothing
    /// was done twice is checked at the end (<see cref="AssertEachDoneOnceAsync"/>).</summary>
    private async Task KillAndRestartAsync(AccountId account)
    {
        var before = await SnapshotAsync(account);
        await world.KillAndRestartAsync(Ct);
        var after = await SnapshotAsync(account);
        Assert.Equal(before.Facts, after.Facts);
        var left = after.Rows.ToList();
        Assert.All(before.Rows, row => Assert.True(left.Remove(row), $"lost in the crash: {row}"));
    }

    private sealed record Snapshot(string Facts, IReadOnlyList<string> Rows);

    /// <summary>Nothing sent or dialed twice: one queue entry per business key, at most one ledger row per entry, one message per
    /// message entry, each message accepted once by the provider (its journal survives restarts), one PDF per letter.</summary>
    private async Task AssertEachDoneOnceAsync(AccountId account, string reference)
    {
        await using var db = world.OpenDatabase();
        var entries = await db.ScheduledContacts.AsNoTracking().Where(c => c.AccountId == account).ToListAsync(Ct);
        Assert.Equal(entries.Count, entries.Select(e => e.IdempotencyKey).Distinct().Count());
        var ledger = await db.ContactAttempts.AsNoTracking().Where(c => c.AccountId == account).ToListAsync(Ct);
        foreach (var group in ledger.Where(l => l.ScheduledContactId is not null && l.Outcome != ContactOutcome.Cancelled).GroupBy(l => l.ScheduledContactId))
        {
            Assert.True(group.Count() == 1, $"entry {entries.Single(e => e.Id == group.Key).IdempotencyKey} was carried out {group.Count()} times");
        }

        var messages = await db.OutboundMessages.AsNoTracking().Where(m => m.AccountId == account).ToListAsync(Ct);
        Assert.Equal(messages.Count, messages.Select(m => m.ScheduledContactId).Distinct().Count());
        var accepted = File.ReadAllLines(Path.Combine(world.MessagingFolder, "twilio.jsonl"));
        foreach (var sms in messages.Where(m => m.Channel == ContactChannel.Sms))
        {
            Assert.Single(accepted, line => line.Contains(sms.ProviderId!, StringComparison.Ordinal) && line.Contains("\"status\":\"queued\"", StringComparison.Ordinal));
        }

        Assert.Single(Directory.GetFiles(world.PrintQueue, $"*{reference}*.pdf"));
    }

    private async Task<AccountId> AccountAsync(string reference)
    {
        await using var db = world.OpenDatabase();
        return await db.Accounts.AsNoTracking().Where(a => a.CreditorReference == reference).Select(a => a.Id).SingleAsync(Ct);
    }

    /// <summary>A Monday at least a day after the host's today whose week's Monday, Tuesday and Thursday are working days, and the
    /// first instalment's date (a week after that Thursday, at most) such that the reminders three days before each of three
    /// monthly instalments and the morning after the second are working days too, none at a month's end.</summary>
    private (LocalDate Monday, LocalDate FirstInstalment) ChooseWeek(WorkingDayCalendar calendar)
    {
        var today = world.Now.InZone(Berlin).Date;
        for (var monday = today.PlusDays(1).Next(IsoDayOfWeek.Monday); ; monday = monday.PlusWeeks(1))
        {
            if (!new[] { 0, 1, 3 }.All(d => calendar.IsWorkingDay(monday.PlusDays(d))))
            {
                continue;
            }

            for (var first = monday.PlusDays(7); first <= monday.PlusDays(20); first = first.PlusDays(1))
            {
                var dates = new[] { first, first.PlusMonths(1), first.PlusMonths(2) };
                if (first.Day <= 28 && dates.All(d => calendar.IsWorkingDay(d.PlusDays(-3))) && calendar.IsWorkingDay(dates[1].PlusDays(1)))
                {
                    return (monday, first);
                }
            }
        }
    }

    private static string Day(LocalDate date) => date.ToString("uuuu-MM-dd", CultureInfo.InvariantCulture);

    private static Instant At(DateTimeZone zone, LocalDate date, int hour, int minute, int second = 0) =>
        (date + new LocalTime(hour, minute, second)).InZoneLeniently(zone).ToInstant();

    private static string Csv(string reference, string first, string last, string language, string phone, string street, string postalCode, string city, string country, string currency, string principal, LocalDate due) =>
        "creditor,account_ref,debtor_type,first_name,last_name,language,phone,phone_consent,street,postal_code,city,country,industry,origin,currency,principal,due_date\n"
        + $"E2E-{country},{reference},consumer,{first},{last},{language},{phone},yes,{street},{postalCode},{city},{country},other,unpaid invoice,{currency},{principal},{due:yyyy-MM-dd}\n";
}

/// <summary>The end-to-end run on SQLite.</summary>
[Trait("Category", "Integration")]
[Collection(EndToEndCollection.Name)]
public sealed class SqliteCollectionProcessTests(SqliteCollectionWorld world) : CollectionProcessTests(world), IClassFixture<SqliteCollectionWorld>;

/// <summary>The end-to-end run on PostgreSQL.</summary>
[Trait("Category", "Integration")]
[Collection(EndToEndCollection.Name)]
public sealed class PostgresCollectionProcessTests(PostgresCollectionWorld world) : CollectionProcessTests(world), IClassFixture<PostgresCollectionWorld>;

/// <summary>One end-to-end host at a time: each runs a whole main job (dialer, scheduler, dispatcher) and a browser.</summary>
public static class EndToEndCollection
{
    public const string Name = "end-to-end main job";
}
