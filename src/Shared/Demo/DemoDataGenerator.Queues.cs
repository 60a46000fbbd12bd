using System.Globalization;
using Collections.Shared.Domain;
using Collections.Shared.Workflow;
using NodaTime;

namespace Collections.Shared.Demo;

public static partial class DemoDataGenerator
{
    /// <summary>The workflow's defaults: queue keys, a callback's grace period and expiry.</summary>
    private static readonly WorkflowOptions WorkflowDefaults = new();

    private sealed partial class Builder
    {
        private readonly List<ScheduledContact> scheduledContacts = [];

        /// <summary>One progressive campaign for each queue of due calls the workflow fills besides the strategies' own
        /// (WorkflowOptions: instalment reminders, follow-up calls, callbacks), over every portfolio.</summary>
        private void AddQueueCampaigns()
        {
            foreach (var (name, queue) in new[]
            {
                ("All portfolios - instalment reminders", WorkflowDefaults.ReminderCampaign),
                ("All portfolios - follow-up calls", WorkflowDefaults.FollowUpCampaign),
                ("All portfolios - callbacks", WorkflowDefaults.CallbackCampaign),
            })
            {
                campaigns.Add(new Campaign
                {
                    Id = new CampaignId(guids.Next()),
                    Name = name,
                    Queue = queue,
                    Mode = DialMode.Progressive,
                    Status = CampaignStatus.Running,
                    MaxLinesPerAgent = 1.0,
                    RingTimeoutSeconds = 25,
                    MachinePolicy = MachinePolicy.HangUp,
                    CreatedAt = now - Duration.FromDays(30),
                });
            }
        }

        /// <summary>
        /// The calls the workflow would have queued for the demo's cases (scheduled_contacts, the one queue the dialers read):
        /// a call for each case of a phone phase whose step is due, the follow-up of a broken promise, a reminder before each
        /// active plan's next instalment (it expires when the instalment falls due), and the callback an operator agreed,
        /// theirs alone for a grace period.
        /// A pending promise queues nothing: its check decides whether a follow-up is due.
        /// </summary>
        private void AddQueuedCalls()
        {
            foreach (var claim in claims)
            {
                var @case = claim.Case;
                if (@case.NextStepDueAt is not { } dueAt || @case.ClosedAt is not null)
                {
                    continue;
                }

                switch (@case.NextStep)
                {
                    case "callback" when dispositions.LastOrDefault(d => d.AccountId == claim.Account.Id && d.Code == DispositionCode.Callback) is { } agreed:
                        Queue(claim, WorkflowDefaults.CallbackCampaign, ContactPurpose.Callback, "first-contact", dueAt, "callback", agreed.At,
                            agent: agreed.AgentId, agentOnlyUntil: dueAt + Duration.FromMinutes(WorkflowDefaults.CallbackGraceMinutes),
                            expiresAt: dueAt + Duration.FromHours(WorkflowDefaults.CallbackExpiryHours));
                        break;
                    case "instalment-reminder-call" when plans.FirstOrDefault(p => p.AccountId == claim.Account.Id)?.Instalments
                        .FirstOrDefault(i => i.Status == InstalmentStatus.Due) is { } next:
                        Queue(claim, WorkflowDefaults.ReminderCampaign, ContactPurpose.PreInstalment, InstalmentWorkflow.ReminderStage, dueAt,
                            string.Create(CultureInfo.InvariantCulture, $"instalment-reminder:{next.Id}"), dueAt - Duration.FromDays(3),
                            expiresAt: next.DueDate.AtStartOfDayInZone(claim.Zone).ToInstant());
                        break;
                    case "call" when promises.Any(p => p.AccountId == claim.Account.Id && p.Status == PromiseStatus.Broken):
                        Queue(claim, WorkflowDefaults.FollowUpCampaign, ContactPurpose.PromiseFollowUp, PromiseWorkflow.BrokenPromiseStage, dueAt, "broken-promise", dueAt);
                        break;
                    case "call" or "second-reminder" or "final-demand" when @case.Phase is CasePhase.PhoneAndMessages or CasePhase.SecondReminder or CasePhase.FinalDemand:
                        Queue(claim, Campaign.DefaultQueue, @case.NextStep == "call" ? ContactPurpose.FirstContact : ContactPurpose.StrategyStep,
                            @case.NextStep == "call" ? "first-contact" : null, dueAt, $"strategy:{@case.NextStep}", dueAt);
                        break;
                }
            }
        }

        private void Queue(Claim claim, string queue, ContactPurpose purpose, string? stage, Instant dueAt, string reason, Instant queuedAt,
            AgentId? agent = null, Instant? agentOnlyUntil = null, Instant? expiresAt = null) => scheduledContacts.Add(new ScheduledContact
            {
                Id = guids.Next(),
                AccountId = claim.Account.Id,
                CaseId = claim.Case.Id,
                Channel = ContactChannel.Call,
                Campaign = queue,
                ScriptStage = stage,
                DueAt = dueAt,
                NextAttemptAt = dueAt,
                ExpiresAt = expiresAt,
                Reason = reason,
                IdempotencyKey = $"demo:{claim.Case.Id}:{reason}",
                CreatedAt = Min(queuedAt, now),
                Purpose = purpose,
                AgentId = agent,
                AgentOnlyUntil = agent is null ? null : agentOnlyUntil,
            });

        private static Instant Min(Instant a, Instant b) => a < b ? a : b;
    }
}
