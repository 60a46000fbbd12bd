using System.Globalization;
using Collections.Shared.Domain;
using NodaTime;
using NodaTime.Text;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Collections.Shared.Workflow.Strategies;

/// <summary>A strategy file that cannot be used; the message names the file and the step.</summary>
public sealed class StrategyException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>Reads and checks the strategy files of <c>config/strategies</c> (docs/workflow.md).</summary>
public static class StrategyLoader
{
    /// <summary>The folder strategies are read from by default, relative to the content root.</summary>
    public const string DefaultDirectory = "config/strategies";

    private static readonly IDeserializer Deserializer = new DeserializerBuilder()
        .WithNamingConvention(CamelCaseNamingConvention.Instance)
        .Build();

    /// <summary>Loads every <c>*.yaml</c> in <paramref name="directory"/>, ordered by priority then id.</summary>
    public static IReadOnlyList<Strategy> LoadDirectory(string directory)
    {
        if (!Directory.Exists(directory))
        {
            throw new StrategyException($"Strategy directory '{directory}' does not exist.");
        }

        var strategies = new List<Strategy>();
        foreach (var file in Directory.EnumerateFiles(directory, "*.yaml").Order(StringComparer.Ordinal))
        {
            var strategy = Parse(File.ReadAllText(file), file);
            if (strategies.FirstOrDefault(s => s.Id == strategy.Id) is { } twin)
            {
                throw new StrategyException($"{file}: strategy id '{strategy.Id}' is already defined by {twin.File}.");
            }

            strategies.Add(strategy);
        }

        if (strategies.Count == 0)
        {
            throw new StrategyException($"Strategy directory '{directory}' holds no *.yaml strategy.");
        }

        return [.. strategies.OrderBy(s => s.Priority).ThenBy(s => s.Id, StringComparer.Ordinal)];
    }

    /// <summary>Parses one strategy; <paramref name="file"/> names the origin in messages.</summary>
    public static Strategy Parse(string yaml, string file)
    {
        StrategyDto dto;
        try
        {
            dto = Deserializer.Deserialize<StrategyDto>(yaml) ?? throw new StrategyException($"{file}: empty strategy.");
        }
        catch (YamlException ex)
        {
            throw new StrategyException($"{file}:{ex.Start.Line}: {ex.Message}", ex);
        }

        if (string.IsNullOrWhiteSpace(dto.Id))
        {
            throw new StrategyException($"{file}: 'id' is required.");
        }

        var when = dto.When ?? new WhenDto();
        var rule = new StrategyRule(
            Set(when.Industries, v => ParseEnum<Industry>(v, $"{file}: when.industries")),
            Set(when.DebtorTypes, v => ParseEnum<DebtorKind>(v, $"{file}: when.debtorTypes")),
            when.Balance?.Min,
            when.Balance?.Max,
            when.DaysPastDue?.Min is { } dmin ? (int)dmin : null,
            when.DaysPastDue?.Max is { } dmax ? (int)dmax : null,
            Flags(when.RiskFlags?.Any),
            Flags(when.RiskFlags?.None),
            when.History?.MinBrokenPromises,
            when.History?.MaxBrokenPromises);

        var steps = ParseSteps(dto.Steps, $"{file}: ");
        var challengers = new List<StrategyArm>();
        foreach (var arm in dto.Challengers ?? [])
        {
            var where = $"{file}: challenger '{arm.Id ?? "(no id)"}'";
            if (string.IsNullOrWhiteSpace(arm.Id) || arm.Id.Length > 64 || !arm.Id.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-'))
            {
                throw new StrategyException($"{where}: 'id' is required: lower-case letters, digits and '-', at most 64 characters.");
            }

            if (arm.Id == Strategy.Champion || challengers.Any(c => c.Id == arm.Id))
            {
                throw new StrategyException($"{where}: the id is taken ('{Strategy.Champion}' is the strategy's own steps).");
            }

            if (arm.Share is not { } share || share <= 0 || share >= 100)
            {
                throw new StrategyException($"{where}: 'share' is required, a percent of new cases above 0 and below 100.");
            }

            challengers.Add(new StrategyArm(arm.Id, share, ParseSteps(arm.Steps, $"{where}, ")));
        }

        if (challengers.Sum(c => c.SharePercent) >= 100)
        {
            throw new StrategyException($"{file}: the challengers' shares add up to {challengers.Sum(c => c.SharePercent)}%, which leaves the champion none; keep them below 100.");
        }

        return new Strategy(dto.Id, dto.Name ?? dto.Id, dto.Priority ?? 100, rule, steps, file) { Challengers = challengers, ArmSeed = dto.ArmSeed ?? string.Empty };
    }

    private static List<StrategyStep> ParseSteps(List<StepDto>? dtos, string prefix)
    {
        var steps = new List<StrategyStep>();
        foreach (var step in dtos ?? [])
        {
            var where = $"{prefix}step '{step.Id ?? "(no id)"}'";
            if (string.IsNullOrWhiteSpace(step.Id) || steps.Any(s => s.Id == step.Id))
            {
                throw new StrategyException($"{where}: every step needs a unique 'id'.");
            }

            if (step.Phase is null)
            {
                throw new StrategyException($"{where}: 'phase' is required.");
            }

            var anchor = step.Anchor switch
            {
                null or "previous" => StepAnchor.Previous,
                "due-date" => StepAnchor.DueDate,
                _ => throw new StrategyException($"{where}: anchor '{step.Anchor}' is neither 'previous' nor 'due-date'."),
            };
            var time = new LocalTime(9, 0);
            if (step.Time is not null)
            {
                var parsed = LocalTimePattern.CreateWithInvariantCulture("HH:mm").Parse(step.Time);
                time = parsed.Success ? parsed.Value : throw new StrategyException($"{where}: time '{step.Time}' is not HH:mm.");
            }

            ContactChannel? channel = step.Channel is null ? null : ParseEnum<ContactChannel>(step.Channel, $"{where}: channel");
            if (channel is not null && string.IsNullOrWhiteSpace(step.Campaign))
            {
                throw new StrategyException($"{where}: a step with a channel needs a 'campaign' to queue to.");
            }

            if (step.RepeatEveryDays is <= 0)
            {
                throw new StrategyException($"{where}: repeatEveryDays must be positive.");
            }

            var condition = step.When is null
                ? StepCondition.None
                : new StepCondition(step.When.MinBalance, Flags(step.When.RiskFlags?.Any), Flags(step.When.RiskFlags?.None), CheckConsent(step.When.CreditorAllows, where));
            steps.Add(new StrategyStep(
                step.Id, ParseEnum<CasePhase>(step.Phase, $"{where}: phase"), channel, step.Campaign, step.Stage, step.Template,
                anchor, step.Days ?? 0, step.WorkingDays, time, step.OnWorkingDay ?? channel is ContactChannel.Letter or ContactChannel.Call,
                condition, step.RepeatEveryDays));
        }

        if (steps.Count == 0)
        {
            throw new StrategyException($"{prefix}needs at least one step.");
        }

        return steps;
    }

    /// <summary>Parses a kebab-case name ("consumer-credit", "pre-due-reminder", "whatsapp") into an enum value.</summary>
    internal static T ParseEnum<T>(string value, string where)
        where T : struct, Enum =>
        Enum.TryParse<T>(value.Replace("-", string.Empty, StringComparison.Ordinal), ignoreCase: true, out var parsed)
        && !int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _)
            ? parsed
            : throw new StrategyException($"{where}: '{value}' is not one of {string.Join(", ", Enum.GetNames<T>())}.");

    private static string? CheckConsent(string? value, string where) => value switch
    {
        null or "sms" or "whatsapp" or "automated-dialing" => value,
        _ => throw new StrategyException($"{where}: creditorAllows '{value}' is not sms, whatsapp or automated-dialing."),
    };

    private static HashSet<T> Set<T>(List<string>? values, Func<string, T> parse) => [.. (values ?? []).Select(parse)];

    private static HashSet<string> Flags(List<string>? values) => new(values ?? [], StringComparer.Ordinal);

    // YamlDotNet fills these by reflection; the setters are used.
#pragma warning disable CA1812
    private sealed class StrategyDto
    {
        public string? Id { get; set; }
        public string? Name { get; set; }
        public int? Priority { get; set; }
        public WhenDto? When { get; set; }
        public List<StepDto>? Steps { get; set; }
        public List<ArmDto>? Challengers { get; set; }
        public string? ArmSeed { get; set; }
    }

    private sealed class ArmDto
    {
        public string? Id { get; set; }
        public decimal? Share { get; set; }
        public List<StepDto>? Steps { get; set; }
    }

    private sealed class WhenDto
    {
        public List<string>? Industries { get; set; }
        public List<string>? DebtorTypes { get; set; }
        public RangeDto? Balance { get; set; }
        public RangeDto? DaysPastDue { get; set; }
        public FlagsDto? RiskFlags { get; set; }
        public HistoryDto? History { get; set; }
    }

    private sealed class RangeDto
    {
        public decimal? Min { get; set; }
        public decimal? Max { get; set; }
    }

    private sealed class FlagsDto
    {
        public List<string>? Any { get; set; }
        public List<string>? None { get; set; }
    }

    private sealed class HistoryDto
    {
        public int? MinBrokenPromises { get; set; }
        public int? MaxBrokenPromises { get; set; }
    }

    private sealed class StepDto
    {
        public string? Id { get; set; }
        public string? Phase { get; set; }
        public string? Channel { get; set; }
        public string? Campaign { get; set; }
        public string? Stage { get; set; }
        public string? Template { get; set; }
        public string? Anchor { get; set; }
        public int? Days { get; set; }
        public int? WorkingDays { get; set; }
        public string? Time { get; set; }
        public bool? OnWorkingDay { get; set; }
        public StepWhenDto? When { get; set; }
        public int? RepeatEveryDays { get; set; }
    }

    private sealed class StepWhenDto
    {
        public decimal? MinBalance { get; set; }
        public FlagsDto? RiskFlags { get; set; }
        public string? CreditorAllows { get; set; }
    }
#pragma warning restore CA1812
}
