using Collections.Shared.Domain;
using NodaTime;

namespace Collections.Dialer.Hopper;

/// <summary>One queued call (an entry of scheduled_contacts) the hopper offers for dialing now: which account and number,
/// why the call is made, and why it ranks where it does.</summary>
/// <param name="EntryId">The queue entry (ScheduledContact.Id) the call carries out.</param>
/// <param name="Purpose">Why the call is made (callback, pre-instalment reminder, follow-up, strategy step).</param>
/// <param name="ScriptStage">The script stage the entry asks for; null for the case's own.</param>
/// <param name="Operator">The operator a callback is reserved for while its grace period runs (null otherwise).</param>
/// <param name="OperatorOnlyUntil">When the callback's grace period ends (null when the entry names no operator).</param>
/// <param name="Priority">Purpose priority plus strategy priority (higher first).</param>
/// <param name="Now">The debtor's estimated contact rate in the current debtor-local hour of week.</param>
/// <param name="Best">The debtor's best hour of the week and its rate.</param>
/// <param name="DueAt">When the entry fell due.</param>
/// <param name="RetryAt">When the retry delay after the last call ended; null when the account was never called.</param>
/// <param name="Reason">The ordering and number choice in words, for the peek verb and logs.</param>
public sealed record HopperEntry(
    CampaignId CampaignId,
    AccountId AccountId,
    string AccountReference,
    DebtorId DebtorId,
    Guid EntryId,
    ContactPurpose Purpose,
    string? ScriptStage,
    AgentId? Operator,
    Instant? OperatorOnlyUntil,
    PhoneNumberId PhoneId,
    string Phone,
    int PhonePriority,
    int Priority,
    HourRate Now,
    HourRate Best,
    Instant DueAt,
    Instant? RetryAt,
    string Reason)
{
    /// <summary>How good now is for this debtor against their best hour: 1 means now is their best hour.</summary>
    public double Reach => Best.Rate <= 0 ? 0 : Math.Min(1.0, Now.Rate / Best.Rate);

    /// <summary>Keeps the last three digits of a number for output and logs (STYLE.md habit 11).</summary>
    public static string Mask(string number) => number.Length <= 3 ? "***" : new string('*', number.Length - 3) + number[^3..];
}
