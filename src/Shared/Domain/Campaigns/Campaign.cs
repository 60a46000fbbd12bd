using System.ComponentModel.DataAnnotations;
using NodaTime;

namespace Collections.Shared.Domain;

/// <summary>How a campaign places calls.</summary>
public enum DialMode { Preview = 1, Progressive = 2, Predictive = 3 }

/// <summary>What happens when the answering-machine detector says MACHINE.</summary>
public enum MachinePolicy { HangUp = 1, LeaveMessage = 2, SendToAgent = 3 }

/// <summary>Whether a campaign is dialing.</summary>
public enum CampaignStatus { Draft = 0, Running = 1, Paused = 2, Finished = 3 }

/// <summary>A dialing campaign: which accounts, how they are dialed and within which limits.</summary>
public sealed class Campaign
{
    public CampaignId Id { get; set; } = CampaignId.New();

    public required string Name { get; set; }

    public DialMode Mode { get; set; } = DialMode.Predictive;

    public CampaignStatus Status { get; set; }

    /// <summary>Filter on industry; null for all.</summary>
    public Industry? Industry { get; set; }

    /// <summary>The queue of due calls the campaign works (scheduled_contacts.campaign): the strategies' and the workflow's
    /// campaign keys, such as "collections-phone", "instalment-reminders", "follow-up-calls", "callbacks". Several
    /// campaigns may serve one queue, split by <see cref="Industry"/>.</summary>
    public string Queue { get; set; } = DefaultQueue;

    /// <summary>The queue of the strategies' phone steps.</summary>
    public const string DefaultQueue = "collections-phone";

    /// <summary>Filter on strategy step; null for all accounts whose strategy says "call now".</summary>
    public string? StrategyStep { get; set; }

    /// <summary>Abandoned calls over calls answered by a person, as a fraction (Ofcom and FTC: 3 %).</summary>
    [Range(0.0, 0.05)]
    public double TargetAbandonRate { get; set; } = 0.03;

    [Range(1.0, 5.0)]
    public double MaxLinesPerAgent { get; set; } = 3.0;

    /// <summary>Seconds to let a number ring: at least 15 (FTC Telemarketing Sales Rule safe harbour, 16 CFR 310.4(b)(4)(ii); Ofcom).</summary>
    [Range(15, 120)]
    public int RingTimeoutSeconds { get; set; } = 25;

    /// <summary>WAV file of the information message played on an abandoned call (who called, number to call back).</summary>
    public string? InformationMessage { get; set; }

    public MachinePolicy MachinePolicy { get; set; } = MachinePolicy.HangUp;

    /// <summary>WAV file left on answering machines when <see cref="MachinePolicy"/> is LeaveMessage.</summary>
    public string? MachineMessage { get; set; }

    public Instant CreatedAt { get; set; }
}
