using System.Globalization;
using Collections.Shared.Domain;
using NodaTime;

namespace Collections.Shared.Demo;

// The situations a demo should show besides plain arrears: promises, plans, payments, holds, opt-outs and call history.
public static partial class DemoDataGenerator
{
    private sealed partial class Builder
    {
        private void AddScenarios()
        {
            // Each scenario takes the first unused claim that fits, so the same seed always picks the same claims.
            var disputed = Take(c => c.Spec.Code == "TELCO-DE" && c.Debtor.Kind == DebtorKind.Consumer && c.DaysPastDue >= 30, activeForDays: 6);
            if (disputed is not null)
            {
                var from = LocalAttemptTime(disputed, 6);
                var attempt = AddAttempt(disputed, from, ContactOutcome.Answered, rightParty: true, agent: AgentFor(disputed));
                AddDisposition(disputed, attempt, DispositionCode.Dispute, "Debtor disputes the roaming charges; itemised bill and contract copy requested.");
                holds.Add(new Hold
                {
                    Id = new HoldId(guids.Next()),
                    AccountId = disputed.Account.Id,
                    Kind = HoldKind.Dispute,
                    Reason = string.Create(CultureInfo.InvariantCulture, $"Disputes the roaming charges on invoice {disputed.Account.Invoices[^1].Number}; itemised bill requested from the creditor."),
                    From = attempt.EndedAt!.Value,
                });
                disputed.Case.NextStep = "dispute-review";
                disputed.Case.NextStepDueAt = now + Duration.FromDays(8);
            }

            var smsStop = Take(c => c.Spec.Code == "UTIL-HU" && c.Debtor.Kind == DebtorKind.Consumer && c.Mobile is not null, activeForDays: 12);
            if (smsStop is not null)
            {
                var sent = LocalAttemptTime(smsStop, 12);
                var sms = AddAttempt(smsStop, sent, ContactOutcome.Delivered, rightParty: false, agent: null, channel: ContactChannel.Sms, address: smsStop.Mobile!.E164);
                optOuts.Add(new OptOut
                {
                    Id = new OptOutId(guids.Next()),
                    DebtorId = smsStop.Debtor.Id,
                    Channel = ContactChannel.Sms,
                    Address = smsStop.Mobile.E164,
                    At = sms.StartedAt + Duration.FromMinutes(7),
                    Source = "sms:STOP",
                });
            }

            var cease = Take(c => c.Spec.Code == "RETAIL-US" && c.Debtor.Kind == DebtorKind.Consumer, activeForDays: 20);
            if (cease is not null)
            {
                // FDCPA 15 U.S.C. 1692c(c): after a written refusal the collector must cease communication on every channel.
                optOuts.Add(new OptOut
                {
                    Id = new OptOutId(guids.Next()),
                    DebtorId = cease.Debtor.Id,
                    Channel = null,
                    Address = null,
                    At = AtLocal(cease.Today.PlusDays(-20), 11, 0, cease.Zone),
                    Source = "letter",
                });
                cease.Case.NextStep = "cease-communication-review";
            }

            AddPromise(c => c.Spec.Code == "TELCO-DE" && c.Debtor.Kind == DebtorKind.Consumer, PromiseStatus.Pending, share: 1m, dueInDays: 7, "bank-transfer");
            AddPromise(c => c.Spec.Code == "HEALTH-AL" && c.Debtor.Kind == DebtorKind.Consumer, PromiseStatus.Kept, share: 0.4m, dueInDays: -10, "cash");
            AddPromise(c => c.Spec.Code == "RETAIL-US" && c.Debtor.Kind == DebtorKind.Consumer, PromiseStatus.Broken, share: 0.5m, dueInDays: -14, "card");
            AddPromise(c => c.Spec.Code == "CREDIT-LV" && c.Debtor.Kind == DebtorKind.Consumer, PromiseStatus.PartlyKept, share: 0.5m, dueInDays: -5, "bank-transfer");
            AddPromise(c => c.Spec.Code == "WHOLESALE-SI", PromiseStatus.Pending, share: 0.3m, dueInDays: 3, "bank-transfer");

            AddPlan(c => c.Spec.Code == "UTIL-HU" && c.Debtor.Kind == DebtorKind.Consumer && c.Balance >= 8 * c.Spec.Policy.MinInstalment,
                instalments: 6, daysAgo: 70, downPaymentShare: 0.1m, missed: 0, PaymentMethod.BankTransfer);
            AddPlan(c => c.Spec.Code == "CREDIT-GB" && c.Debtor.Kind == DebtorKind.Consumer && c.Balance >= 14 * c.Spec.Policy.MinInstalment,
                instalments: 12, daysAgo: 100, downPaymentShare: 0m, missed: 1, PaymentMethod.DirectDebit);

            var settled = Take(c => c.Spec.Code == "CREDIT-LV" && c.Debtor.Kind == DebtorKind.Consumer && c.DaysPastDue > 60, activeForDays: 4);
            if (settled is not null)
            {
                AddPayment(settled, settled.Balance, settled.Today.PlusDays(-4), PaymentMethod.BankTransfer, DemoIban.Create(rng, "LV"));
                settled.Case.Phase = CasePhase.Closed;
                settled.Case.NextStep = null;
                settled.Case.NextStepDueAt = null;
                settled.Case.ClosedAt = now - Duration.FromDays(3);
            }

            // Seed 000: new bank details and a change of payment method are warning signs.
            var newBank = Take(c => c.Spec.Code == "WHOLESALE-SI" && c.Balance > 2000m, activeForDays: 40);
            if (newBank is not null)
            {
                AddPayment(newBank, Round(newBank.Spec, newBank.Balance * 0.2m), newBank.Today.PlusDays(-40), PaymentMethod.BankTransfer, DemoIban.Create(rng, "SI"));
                AddPayment(newBank, Round(newBank.Spec, newBank.Balance * 0.1m), newBank.Today.PlusDays(-9), PaymentMethod.BankTransfer, DemoIban.Create(rng, "SI"));
                AddRiskFlag(newBank.Case, "new-bank-details");
            }

            var methodChange = Take(c => c.Spec.Code == "HEALTH-AL", activeForDays: 30);
            if (methodChange is not null)
            {
                AddPayment(methodChange, Round(methodChange.Spec, methodChange.Balance * 0.25m), methodChange.Today.PlusDays(-30), PaymentMethod.BankTransfer, DemoIban.Create(rng, "AL"));
                AddPayment(methodChange, Round(methodChange.Spec, methodChange.Balance * 0.1m), methodChange.Today.PlusDays(-6), PaymentMethod.Cash, null);
                AddRiskFlag(methodChange.Case, "payment-method-change");
            }

            var vulnerable = Take(c => c.Spec.Code == "CREDIT-GB" && c.Debtor.Kind == DebtorKind.Consumer, activeForDays: 4);
            if (vulnerable is not null)
            {
                vulnerable.Debtor.Vulnerable = true;
                var attempt = AddAttempt(vulnerable, LocalAttemptTime(vulnerable, 4), ContactOutcome.Answered, rightParty: true, agent: AgentFor(vulnerable));
                AddDisposition(vulnerable, attempt, DispositionCode.Vulnerable, "Recently bereaved; asked for 30 days before discussing payment. Trained operators only.");
                vulnerable.Case.NextStep = "vulnerability-review";
                vulnerable.Case.NextStepDueAt = now + Duration.FromDays(30);
            }

            var callback = Take(c => c.Spec.Code == "WHOLESALE-SI", activeForDays: 1);
            if (callback is not null)
            {
                var attempt = AddAttempt(callback, LocalAttemptTime(callback, 1), ContactOutcome.Answered, rightParty: true, agent: AgentFor(callback));
                var at = AtLocal(WorkingDay(callback.Today.PlusDays(1)), 10, 30, callback.Zone);
                AddDisposition(callback, attempt, DispositionCode.Callback, "Bookkeeper asks to call back when the director is in.", at);
                callback.Case.NextStep = "callback";
                callback.Case.NextStepDueAt = at;
            }

            // A payment whose reference matches no account waits for a person.
            var german = claims.FirstOrDefault(c => c.Spec.Code == "TELCO-DE");
            if (german is not null)
            {
                var receivedOn = german.Today.PlusDays(-3);
                payments.Add(new Payment
                {
                    Id = new PaymentId(guids.Next()),
                    AccountId = null,
                    Amount = 49.90m,
                    Currency = "EUR",
                    ReceivedOn = receivedOn,
                    Reference = "Rechnung Mai Mueller Kd-Nr fehlt",
                    Method = PaymentMethod.BankTransfer,
                    PayerAccount = DemoIban.Create(rng, "DE"),
                    RecordedAt = AtLocal(receivedOn, 9, 15, german.Zone),
                });
            }
        }

        private void AddPromise(Func<Claim, bool> fits, PromiseStatus status, decimal share, int dueInDays, string method)
        {
            var madeOn = dueInDays > 0 ? 2 : 3 - dueInDays;
            var claim = Take(fits, activeForDays: madeOn);
            if (claim is null)
            {
                return;
            }

            var dueDate = WorkingDay(claim.Today.PlusDays(dueInDays));
            var agent = AgentFor(claim);
            var attempt = AddAttempt(claim, LocalAttemptTime(claim, madeOn), ContactOutcome.Answered, rightParty: true, agent: agent);
            var amount = Round(claim.Spec, claim.Balance * share);
            AddDisposition(claim, attempt, DispositionCode.PromiseToPay, string.Create(CultureInfo.InvariantCulture, $"Promised {amount} {claim.Account.Currency} by {dueDate:yyyy-MM-dd} ({method})."));
            var received = status switch
            {
                PromiseStatus.Kept => amount,
                PromiseStatus.PartlyKept => Round(claim.Spec, amount * 0.6m),
                _ => 0m,
            };
            if (received > 0)
            {
                var paymentMethod = method switch { "cash" => PaymentMethod.Cash, "card" => PaymentMethod.Card, _ => PaymentMethod.BankTransfer };
                AddPayment(claim, received, dueDate.PlusDays(-1), paymentMethod, paymentMethod == PaymentMethod.BankTransfer ? DemoIban.Create(rng, claim.Debtor.Addresses[^1].Country) : null);
            }

            promises.Add(new PromiseToPay
            {
                Id = new PromiseId(guids.Next()),
                AccountId = claim.Account.Id,
                AgentId = agent.Id,
                Amount = amount,
                Currency = claim.Account.Currency,
                DueDate = dueDate,
                PaymentMethod = method,
                Channel = ContactChannel.Call,
                Status = status,
                AmountReceived = received,
                CreatedAt = attempt.EndedAt!.Value,
            });
            claim.Case.NextStep = status == PromiseStatus.Pending ? "promise-follow-up" : status == PromiseStatus.Kept ? "reminder-letter" : "call";
            claim.Case.NextStepDueAt = status == PromiseStatus.Pending ? AtLocal(dueDate.PlusDays(1), 10, 0, claim.Zone) : now + Duration.FromHours(2);
        }

        private void AddPlan(Func<Claim, bool> fits, int instalments, int daysAgo, decimal downPaymentShare, int missed, PaymentMethod method)
        {
            var claim = Take(fits, activeForDays: daysAgo);
            if (claim is null)
            {
                return;
            }

            var spec = claim.Spec;
            var count = Math.Min(instalments, spec.Policy.MaxInstalments);
            var createdOn = WorkingDay(claim.Today.PlusDays(-daysAgo));
            var agent = AgentFor(claim);
            var attempt = AddAttempt(claim, AtLocal(createdOn, 11, 20, claim.Zone), ContactOutcome.Answered, rightParty: true, agent: agent);
            AddDisposition(claim, attempt, DispositionCode.InstalmentPlan, string.Create(CultureInfo.InvariantCulture, $"Agreed {count} monthly instalments."));

            var total = claim.Balance;
            var downPayment = Round(spec, total * downPaymentShare);
            var instalment = Round(spec, (total - downPayment) / count);
            var payer = DemoIban.Create(rng, claim.Debtor.Addresses[^1].Country);
            var plan = new InstalmentPlan
            {
                Id = new InstalmentPlanId(guids.Next()),
                AccountId = claim.Account.Id,
                AgentId = agent.Id,
                Currency = claim.Account.Currency,
                Total = total,
                DownPayment = downPayment,
                Frequency = InstalmentFrequency.Monthly,
                Status = InstalmentPlanStatus.Active,
                CreatedAt = attempt.EndedAt!.Value,
            };
            if (downPayment > 0)
            {
                AddPayment(claim, downPayment, createdOn.PlusDays(1), method, payer);
            }

            // The last `missed` instalments that fell due were not paid; the ones before were.
            var fallenDue = Enumerable.Range(1, count).Count(n => createdOn.PlusMonths(n) < claim.Today);
            for (var n = 1; n <= count; n++)
            {
                var amount = n == count ? total - downPayment - (instalment * (count - 1)) : instalment;
                var dueDate = createdOn.PlusMonths(n);
                var row = new Instalment { Id = new InstalmentId(guids.Next()), PlanId = plan.Id, Number = n, DueDate = dueDate, Amount = amount };
                if (n <= fallenDue - missed)
                {
                    AddPayment(claim, amount, dueDate.PlusDays(-1), method, payer);
                    row.PaidAmount = amount;
                    row.Status = InstalmentStatus.Paid;
                }
                else if (n <= fallenDue)
                {
                    row.Status = InstalmentStatus.Missed;
                }

                plan.Instalments.Add(row);
            }

            plans.Add(plan);
            claim.Case.Phase = CasePhase.PaymentArrangement;
            claim.Case.NextStep = "instalment-reminder-call";
            var next = plan.Instalments.FirstOrDefault(i => i.Status == InstalmentStatus.Due);
            // Seed 004: a reminder call before each instalment falls due.
            claim.Case.NextStepDueAt = next is null ? null : AtLocal(WorkingDay(next.DueDate.PlusDays(-2)), 10, 0, claim.Zone);
        }

        /// <summary>Books a payment on a claim, costs first, then interest, then principal (BGB § 367(1)).</summary>
        private void AddPayment(Claim claim, decimal amount, LocalDate receivedOn, PaymentMethod method, string? payerAccount)
        {
            // Transfers and debits are booked on banking days.
            receivedOn = WorkingDay(receivedOn);
            var account = claim.Account;
            var fees = Math.Min(amount, account.Fees - claim.FeesPaid);
            var interest = Math.Min(amount - fees, account.Interest - claim.InterestPaid);
            var principal = amount - fees - interest;
            claim.FeesPaid += fees;
            claim.InterestPaid += interest;
            account.Paid += amount;
            var recordedAt = AtLocal(receivedOn.PlusDays(1), 8, 30, claim.Zone);
            if (recordedAt > now)
            {
                recordedAt = now - Duration.FromHours(1);
            }

            account.UpdatedAt = Instant.Max(account.UpdatedAt, recordedAt);
            payments.Add(new Payment
            {
                Id = new PaymentId(guids.Next()),
                AccountId = account.Id,
                Amount = amount,
                Currency = account.Currency,
                ReceivedOn = receivedOn,
                Reference = account.CreditorReference,
                Method = method,
                PayerAccount = payerAccount,
                AllocatedFees = fees,
                AllocatedInterest = interest,
                AllocatedPrincipal = principal,
                RecordedAt = recordedAt,
            });
        }

        private void AddCallHistory()
        {
            // A few unanswered attempts on every third claim that has no hold, no opt-out and is still open,
            // so the ledger and the wallboard have history (at most three per claim: well under 7 in 7 days, 12 CFR 1006.14(b)(2)).
            var blockedDebtors = optOuts.Select(o => o.DebtorId).ToHashSet();
            var heldAccounts = holds.Select(h => h.AccountId).ToHashSet();
            for (var i = 0; i < claims.Count; i += 3)
            {
                var claim = claims[i];
                if (claim.Used || blockedDebtors.Contains(claim.Debtor.Id) || heldAccounts.Contains(claim.Account.Id) || claim.Case.Phase == CasePhase.Closed)
                {
                    continue;
                }

                var count = 1 + rng.Next(3);
                for (var n = 0; n < count; n++)
                {
                    var outcome = rng.Next(4) switch
                    {
                        0 => ContactOutcome.Busy,
                        1 => ContactOutcome.Machine,
                        _ => ContactOutcome.NoAnswer,
                    };
                    var startedAt = LocalAttemptTime(claim, 1 + (n * 3) + rng.Next(3));
                    if (startedAt < claim.Account.CreatedAt)
                    {
                        continue;
                    }

                    var attempt = AddAttempt(claim, startedAt, outcome, rightParty: false, agent: null);
                    attempt.AmdFlagged = outcome == ContactOutcome.Machine;
                }
            }
        }

        private ContactAttempt AddAttempt(Claim claim, Instant startedAt, ContactOutcome outcome, bool rightParty, Agent? agent, ContactChannel channel = ContactChannel.Call, string? address = null)
        {
            var seconds = outcome switch
            {
                ContactOutcome.Answered => rng.Next(120, 540),
                ContactOutcome.Machine => rng.Next(8, 30),
                ContactOutcome.Busy => rng.Next(2, 6),
                ContactOutcome.Delivered => 4,
                _ => 25,
            };
            var campaign = channel == ContactChannel.Call ? campaigns.FirstOrDefault(c => c.Industry == claim.Spec.Industry) : null;
            var attempt = new ContactAttempt
            {
                Id = new ContactAttemptId(guids.Next()),
                AccountId = claim.Account.Id,
                DebtorId = claim.Debtor.Id,
                Channel = channel,
                Address = address ?? claim.FirstPhone.E164,
                CampaignId = campaign?.Id,
                AgentId = agent?.Id,
                StartedAt = startedAt,
                EndedAt = startedAt + Duration.FromSeconds(seconds),
                Outcome = outcome,
                RightPartyContact = rightParty,
                ExternalId = channel == ContactChannel.Sms
                    ? "SM" + guids.Next().ToString("N", CultureInfo.InvariantCulture)
                    : guids.Next().ToString("N", CultureInfo.InvariantCulture) + "@demo.invalid",
            };
            attempts.Add(attempt);
            return attempt;
        }

        private void AddDisposition(Claim claim, ContactAttempt attempt, DispositionCode code, string note, Instant? callbackAt = null) =>
            dispositions.Add(new Disposition
            {
                Id = new DispositionId(guids.Next()),
                AccountId = claim.Account.Id,
                ContactAttemptId = attempt.Id,
                AgentId = attempt.AgentId,
                Code = code,
                Note = note,
                CallbackAt = callbackAt,
                At = attempt.EndedAt!.Value,
            });

        /// <summary>The first unused claim that fits and was handed over at least <paramref name="activeForDays"/> days ago
        /// (plus two, as events move back from a weekend to the Friday before).</summary>
        private Claim? Take(Func<Claim, bool> fits, int activeForDays)
        {
            var since = now - Duration.FromDays(activeForDays + 2);
            var claim = claims.FirstOrDefault(c => !c.Used && c.Account.CreatedAt <= since && fits(c));
            claim?.Used = true;
            return claim;
        }

        private Agent AgentFor(Claim claim) =>
            agents.Where(a => a.Active && a.Speaks(claim.Debtor.PreferredLanguage)).ElementAtOrDefault(rng.Next(2))
            ?? agents.First(a => a.Active && a.Speaks(claim.Debtor.PreferredLanguage));

        /// <summary>A weekday <paramref name="daysAgo"/> days back, between 09:00 and 19:00 in the debtor's zone.</summary>
        private Instant LocalAttemptTime(Claim claim, int daysAgo)
        {
            var date = WorkingDay(claim.Today.PlusDays(-Math.Max(1, daysAgo)));
            return AtLocal(date, 9 + rng.Next(10), rng.Next(60), claim.Zone);
        }
    }
}
