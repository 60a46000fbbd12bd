using System.Globalization;
using Collections.Shared.Domain;
using Collections.Shared.Workflow.Strategies;
using NodaTime;

namespace Collections.Shared.Workflow.Mandates;

/// <summary>At most <paramref name="Max"/> contacts on <paramref name="Channel"/> within <paramref name="Days"/> days.</summary>
public sealed record ChannelLimit(ContactChannel Channel, int Max, int Days)
{
    /// <summary>"letter:1/14".</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Mandate.Name(Channel)}:{Max}/{Days}");
}

/// <summary>What the mandate decides about a strategy step that fell due: run it, wait until <see cref="Until"/>, or skip it.</summary>
/// <param name="Until">When the step may run; null: it is skipped.</param>
/// <param name="Reason">"held back by the mandate: ...", shown in the case's plan and by <c>explain</c>.</param>
/// <param name="Alone">The step moves alone (it waits for a later step of the plan); otherwise the steps after it keep their spacing.</param>
public sealed record MandateHold(Instant? Until, string Reason, bool Alone = false);

/// <summary>
/// The creditor's mandate applied to strategy steps (seed 004: "demand letters whose content and frequency fit each mandate"):
/// the channels it allows, the maximum frequency per channel, and no SMS before the first letter. Pure: the workflow asks it
/// for each step that falls due, and <c>explain</c> asks it for the case's next step.
/// </summary>
public static class Mandate
{
    /// <summary>Every note of a step the mandate held back starts with this.</summary>
    public const string HeldPrefix = "held back by the mandate: ";

    /// <summary>Parses "letter:1/14,sms:2/7"; throws <see cref="FormatException"/> naming the part at fault.</summary>
    public static IReadOnlyList<ChannelLimit> ParseLimits(string? text)
    {
        var limits = new List<ChannelLimit>();
        foreach (var part in (text ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var colon = part.IndexOf(':', StringComparison.Ordinal);
            var slash = part.IndexOf('/', StringComparison.Ordinal);
            if (colon < 1 || slash < colon
                || !int.TryParse(part[(colon + 1)..slash], NumberStyles.None, CultureInfo.InvariantCulture, out var max) || max < 1
                || !int.TryParse(part[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var days) || days < 1 || days > 366)
            {
                throw new FormatException($"'{part}' is not <channel>:<max>/<days>, e.g. letter:1/14 (max and days whole numbers from 1, days at most 366)");
            }

            var channel = ParseChannel(part[..colon]);
            if (limits.Exists(l => l.Channel == channel))
            {
                throw new FormatException($"'{part}': {Name(channel)} is limited twice");
            }

            limits.Add(new ChannelLimit(channel, max, days));
        }

        return limits;
    }

    /// <summary>Parses "letter,email,call"; throws <see cref="FormatException"/> naming the value at fault.</summary>
    public static IReadOnlySet<ContactChannel> ParseChannels(string? text) =>
        (text ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(ParseChannel).ToHashSet();

    /// <summary>The channel's name in configuration and messages ("sms", "whatsapp", "letter").</summary>
    public static string Name(ContactChannel channel) => channel.ToString().ToLowerInvariant();

    /// <summary>Whether the mandate lets strategy steps use <paramref name="channel"/>, and if not, why.</summary>
    public static string? Forbids(CreditorPolicy policy, ContactChannel channel)
    {
        ArgumentNullException.ThrowIfNull(policy);
        if (policy.MandateChannels is { } listed && !ParseChannels(listed).Contains(channel))
        {
            return $"the creditor's mandate allows only {listed}, not {Name(channel)}";
        }

        return channel switch
        {
            ContactChannel.Sms when !policy.AllowsSms => "the creditor does not allow SMS",
            ContactChannel.WhatsApp when !policy.AllowsWhatsApp => "the creditor does not allow WhatsApp",
            _ => null,
        };
    }

    /// <summary>Parses "final-demand-service-suspension-warning=final-demand-business,payment-reminder-sms=reminder": each template
    /// a strategy names, and the variant the mandate sends instead; throws <see cref="FormatException"/> naming the part at fault.
    /// Whether the names exist, and in the same channel, is checked by the caller that knows the templates.</summary>
    public static IReadOnlyDictionary<string, string> ParseVariants(string? text)
    {
        var variants = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var part in (text ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var pair = part.Split('=', StringSplitOptions.TrimEntries);
            if (pair.Length != 2 || pair[0].Length == 0 || pair[1].Length == 0)
            {
                throw new FormatException($"'{part}' is not <template>=<variant>, e.g. final-demand-service-suspension-warning=final-demand-business");
            }

            if (pair[0] == pair[1])
            {
                throw new FormatException($"'{part}': a template is its own variant");
            }

            if (!variants.TryAdd(pair[0], pair[1]))
            {
                throw new FormatException($"'{part}': {pair[0]} has two variants");
            }
        }

        return variants;
    }

    /// <summary>The template the mandate sends for <paramref name="template"/>: its variant, or the template itself.</summary>
    public static string? VariantOf(CreditorPolicy policy, string? template)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return template is not null && !string.IsNullOrWhiteSpace(policy.TemplateVariants) && ParseVariants(policy.TemplateVariants).TryGetValue(template, out var variant)
            ? variant
            : template;
    }

    /// <summary>True when a rule of the mandate reads the case's earlier steps (frequency, letter first).</summary>
    public static bool ReadsHistory(CreditorPolicy policy) =>
        policy is not null && (policy.NoSmsBeforeFirstLetter || !string.IsNullOrWhiteSpace(policy.ChannelLimits));

    /// <summary>
    /// Whether the mandate holds back <paramref name="step"/> of a case whose steps are <paramref name="steps"/> at
    /// <paramref name="now"/>; null: it may run. A channel the mandate does not allow skips the step. No SMS before the first
    /// letter: the SMS waits for the case's next planned letter (a minute after it), or is skipped when none is planned.
    /// A channel at its maximum frequency waits until the oldest contact in the window leaves it. Contacts are the case's
    /// steps that ran on the channel (strategy steps and follow-up calls), counted when they were run.
    /// </summary>
    public static MandateHold? Check(CreditorPolicy policy, CaseStep step, IReadOnlyCollection<CaseStep> steps, Instant now)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(step);
        ArgumentNullException.ThrowIfNull(steps);
        if (step.Channel is not { } channel)
        {
            return null;
        }

        if (Forbids(policy, channel) is { } forbidden)
        {
            return new MandateHold(null, HeldPrefix + forbidden);
        }

        if (channel == ContactChannel.Sms && policy.NoSmsBeforeFirstLetter
            && !steps.Any(s => s.Channel == ContactChannel.Letter && s.Status == CaseStepStatus.Done && s.ExecutedAt <= now))
        {
            var letter = steps.Where(s => s.Channel == ContactChannel.Letter && s.Status == CaseStepStatus.Planned && s != step).MinBy(s => s.DueAt);
            return new MandateHold(letter is null ? null : Later(letter.DueAt, now) + Duration.FromMinutes(1),
                HeldPrefix + (letter is null
                    ? "no SMS before the first letter, and no letter is planned"
                    : $"no SMS before the first letter ({letter.StepKey} is due {letter.DueAt})"), Alone: true);
        }

        if (ParseLimits(policy.ChannelLimits).FirstOrDefault(l => l.Channel == channel) is { } limit)
        {
            var window = Duration.FromDays(limit.Days);
            var recent = steps.Where(s => s.Channel == channel && s.Status == CaseStepStatus.Done && s.ExecutedAt is { } at && at > now - window && at <= now)
                .Select(s => s.ExecutedAt!.Value).OrderDescending().ToList();
            if (recent.Count >= limit.Max)
            {
                var until = recent[limit.Max - 1] + window;
                return new MandateHold(until, HeldPrefix + string.Create(CultureInfo.InvariantCulture,
                    $"at most {limit.Max} {Name(channel)} in {limit.Days} days ({recent.Count} since {now - window})"));
            }
        }

        return null;
    }

    private static Instant Later(Instant a, Instant b) => a > b ? a : b;

    private static ContactChannel ParseChannel(string name)
    {
        try
        {
            return StrategyLoader.ParseEnum<ContactChannel>(name, "channel");
        }
        catch (StrategyException)
        {
            throw new FormatException($"'{name}' is not a channel: call, sms, whatsapp, email, letter or visit");
        }
    }
}
