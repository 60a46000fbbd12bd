using System.ComponentModel.DataAnnotations;
using System.Net;
using NodaTime;
using NodaTime.Text;
using PhoneNumbers;

namespace Collections.Dialer.Inbound;

/// <summary>Our inbound numbers and how calls to them are taken (<c>Dialer:Inbound</c>): the DIDs, the IVR's default language,
/// opening hours, the queue's service-level target and longest wait, and the voicemail box.</summary>
public sealed class InboundOptions
{
    public const string Section = "Dialer:Inbound";

    /// <summary>The numbers (DIDs, E.164) callers dial; an INVITE whose Request-URI user part is one of them is taken. Empty:
    /// inbound calls are refused (480).</summary>
    public List<string> Numbers { get; set; } = [];

    /// <summary>Addresses besides loopback and the trunk's proxy (and the demo carrier) that may send us inbound calls; any
    /// other source is refused with 403 (a stranger cannot make our IVR ring an operator).</summary>
    public List<string> AllowedSources { get; set; } = [];

    /// <summary>The IVR's language for a caller no debtor matches (one of the prompt languages).</summary>
    [Required]
    public string DefaultLanguage { get; set; } = "en";

    /// <summary>Opening time, local to <see cref="TimeZone"/> ("08:00").</summary>
    [Required]
    public string Opens { get; set; } = "08:00";

    /// <summary>Closing time, local to <see cref="TimeZone"/> ("20:00"; "24:00" for midnight).</summary>
    [Required]
    public string Closes { get; set; } = "20:00";

    /// <summary>The days the lines are open (ISO names: Monday ... Sunday).</summary>
    public List<IsoDayOfWeek> Days { get; set; } = [];

    /// <summary>The IANA time zone of the opening hours ("Europe/London").</summary>
    [Required]
    public string TimeZone { get; set; } = "Europe/London";

    /// <summary>The service-level target: a call answered within this many seconds of joining the queue counts as in time.</summary>
    [Range(1, 600)]
    public int ServiceLevelSeconds { get; set; } = 20;

    /// <summary>After this long in the queue the caller is offered the voicemail box instead.</summary>
    [Range(10, 3600)]
    public int MaxWaitSeconds { get; set; } = 300;

    /// <summary>Seconds the IVR waits for a key after its menu before playing it again; after the second time the call queues.</summary>
    [Range(1, 60)]
    public int MenuTimeoutSeconds { get; set; } = 6;

    /// <summary>Seconds of music between announcements of the caller's place in the queue ("you are number 3"); 0: none.</summary>
    [Range(0, 600)]
    public int PositionAnnounceSeconds { get; set; } = 30;

    /// <summary>Tries a caller has to identify (date of birth or reference, as the debtor's rule pack allows) before the IVR
    /// puts them through to an operator instead of stating the balance.</summary>
    [Range(1, 5)]
    public int IdentificationAttempts { get; set; } = 3;

    /// <summary>Folder for voicemail recordings (one WAV per call, named by the call's id).</summary>
    [Required]
    public string VoicemailDirectory { get; set; } = "data/voicemail";

    /// <summary>Longest voicemail message.</summary>
    [Range(5, 600)]
    public int VoicemailMaxSeconds { get; set; } = 60;

    /// <summary>Folder with the IVR prompts (<c>welcome-&lt;lang&gt;.wav</c>, <c>closed-&lt;lang&gt;.wav</c>, <c>hold-&lt;lang&gt;.wav</c>,
    /// <c>music.wav</c>); defaults to the shipped ones (<c>Inbound/Prompts</c>, generated with espeak-ng).</summary>
    public string? PromptsDirectory { get; set; }

    /// <summary>Blending: how many ready operators outbound pacing leaves for this queue (<c>Dialer:Inbound:Blending</c>).</summary>
    public BlendingOptions Blending { get; set; } = new();

    /// <summary>The problems with these options, one line each naming the key; empty when they are usable.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        for (var i = 0; i < Numbers.Count; i++)
        {
            if (E164(Numbers[i]) is null)
            {
                problems.Add($"{Section}:{nameof(Numbers)}:{i}: '{Numbers[i]}' is not an E.164 number (write it with its country code, +442079460000).");
            }
        }

        for (var i = 0; i < AllowedSources.Count; i++)
        {
            if (!IPAddress.TryParse(AllowedSources[i], out _))
            {
                problems.Add($"{Section}:{nameof(AllowedSources)}:{i}: '{AllowedSources[i]}' is not an IP address.");
            }
        }

        if (Time(Opens) is null)
        {
            problems.Add($"{Section}:{nameof(Opens)}: '{Opens}' is not a time of day (HH:mm).");
        }

        if (Time(Closes) is null)
        {
            problems.Add($"{Section}:{nameof(Closes)}: '{Closes}' is not a time of day (HH:mm, or 24:00).");
        }

        if (DateTimeZoneProviders.Tzdb.GetZoneOrNull(TimeZone) is null)
        {
            problems.Add($"{Section}:{nameof(TimeZone)}: '{TimeZone}' is not an IANA time zone.");
        }

        if (!InboundPrompts.Languages.Contains(DefaultLanguage))
        {
            problems.Add($"{Section}:{nameof(DefaultLanguage)}: '{DefaultLanguage}' has no prompts (one of {string.Join(", ", InboundPrompts.Languages)}).");
        }

        if (PositionAnnounceSeconds is > 0 and < 10)
        {
            problems.Add($"{Section}:{nameof(PositionAnnounceSeconds)}: '{PositionAnnounceSeconds}' is too often; 0 (no announcements) or 10 to 600 seconds.");
        }

        if (Blending.ServiceLevelPercent is <= 0 or >= 100)
        {
            problems.Add($"{Section}:{nameof(Blending)}:{nameof(BlendingOptions.ServiceLevelPercent)}: '{Blending.ServiceLevelPercent}' must be above 0 and below 100 (80 means 80 % answered within {nameof(ServiceLevelSeconds)}).");
        }

        if (Blending.ArrivalWindowMinutes is < 1 or > 240)
        {
            problems.Add($"{Section}:{nameof(Blending)}:{nameof(BlendingOptions.ArrivalWindowMinutes)}: '{Blending.ArrivalWindowMinutes}' must be 1 to 240 minutes.");
        }

        if (Blending.HandleTimeSeconds is < 10 or > 3600)
        {
            problems.Add($"{Section}:{nameof(Blending)}:{nameof(BlendingOptions.HandleTimeSeconds)}: '{Blending.HandleTimeSeconds}' must be 10 to 3600 seconds.");
        }

        return problems;
    }

    /// <summary>Whether the lines are open at <paramref name="at"/>.</summary>
    public bool IsOpen(Instant at)
    {
        var local = at.InZone(DateTimeZoneProviders.Tzdb[TimeZone]).LocalDateTime;
        var opens = Time(Opens)!.Value;
        var closes = Time(Closes)!.Value;
        var days = Days.Count == 0 ? [IsoDayOfWeek.Monday, IsoDayOfWeek.Tuesday, IsoDayOfWeek.Wednesday, IsoDayOfWeek.Thursday, IsoDayOfWeek.Friday] : Days;
        var minutes = (local.Hour * 60) + local.Minute;
        return days.Contains(local.DayOfWeek) && minutes >= opens && minutes < closes;
    }

    /// <summary>The number as E.164, or null when it is not one.</summary>
    internal static string? E164(string number)
    {
        if (!number.TrimStart().StartsWith('+'))
        {
            return null;
        }

        var util = PhoneNumberUtil.GetInstance();
        try
        {
            var parsed = util.Parse(number, null);
            return util.IsPossibleNumber(parsed) ? util.Format(parsed, PhoneNumberFormat.E164) : null;
        }
        catch (NumberParseException)
        {
            return null;
        }
    }

    /// <summary>Minutes after midnight of "HH:mm" (24:00 allowed), or null.</summary>
    private static int? Time(string text) => text == "24:00" ? 24 * 60
        : LocalTimePattern.CreateWithInvariantCulture("HH:mm").Parse(text) is { Success: true } r ? (r.Value.Hour * 60) + r.Value.Minute : null;
}

/// <summary>Blending (<c>Dialer:Inbound:Blending</c>): operators take inbound and outbound calls; outbound pacing holds back as many
/// ready operators as the inbound service-level target needs (Erlang C on the recent arrivals, see docs/inbound.md).</summary>
public sealed class BlendingOptions
{
    /// <summary>False: outbound pacing counts every ready operator (the queue takes whoever is free first).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The target's share: this percentage of callers answered within <see cref="InboundOptions.ServiceLevelSeconds"/>.</summary>
    public double ServiceLevelPercent { get; set; } = 80;

    /// <summary>The window over which the arrival rate is measured (callers who joined the queue per hour).</summary>
    public int ArrivalWindowMinutes { get; set; } = 15;

    /// <summary>The handle time assumed until <see cref="InboundTrafficMeter.MeasuredCallsNeeded"/> inbound calls have been
    /// measured on this node; then the mean of the recent ones.</summary>
    public int HandleTimeSeconds { get; set; } = 300;
}
