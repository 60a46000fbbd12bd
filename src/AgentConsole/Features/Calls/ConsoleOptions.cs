using System.ComponentModel.DataAnnotations;

namespace Collections.AgentConsole.Features.Calls;

/// <summary>Console settings, bound from <c>Collections:Console</c>.</summary>
public sealed class ConsoleOptions
{
    public const string Section = "Collections:Console";

    /// <summary>The agency's trading name operators introduce themselves with (it must not say "collection": FDCPA 1692b(5)).</summary>
    [Required]
    public string AgencyName { get; set; } = "Meridian Receivables";

    /// <summary>The agency's call-back number quoted by scripts.</summary>
    public string? AgencyPhone { get; set; } = "+44 20 7946 0000";

    /// <summary>Folder of the conversation scripts; empty to look for <c>config/scripts</c> above the content root.</summary>
    public string? ScriptsPath { get; set; }

    /// <summary>Wrap-up time the operator's timer counts down from, in seconds.</summary>
    [Range(5, 600)]
    public int WrapUpSeconds { get; set; } = 30;

    /// <summary>How long a preview campaign shows an account before the operator must dial or skip it, in seconds; when it
    /// lapses the account goes back to the queue and the operator is paused (an absent operator gets no more calls).</summary>
    [Range(5, 3600)]
    public int PreviewSeconds { get; set; } = 60;

    /// <summary>The latest a promise to pay may fall, in days from today.</summary>
    [Range(1, 365)]
    public int MaxDaysToPromise { get; set; } = 30;

    /// <summary>How many days from today the first instalment of a plan may fall.</summary>
    [Range(1, 90)]
    public int MaxDaysToFirstInstalment { get; set; } = 30;

    /// <summary>Whether the operator's page shows a badge while a supervisor listens to, whispers into or barges into their
    /// call. Where works councils or national law require that staff know when they are monitored (Germany's BetrVG 87(1)6
    /// co-determination on monitoring; GDPR Art. 13 transparency) this stays true; an agency that has informed its staff
    /// otherwise (contract, policy) may set it false.</summary>
    public bool TellOperatorWhenMonitored { get; set; } = true;

    /// <summary>Each supervisor's SIP extension by login (<c>"supervisor": "1090"</c>): joining a call rings the phone registered
    /// under it with the dialer's registrar; a supervisor without one (or whose phone is not registered) gets the demo phone
    /// when the demo carrier is in use, else cannot join.</summary>
    public Dictionary<string, string> SupervisorExtensions { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}
