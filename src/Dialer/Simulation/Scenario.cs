using System.Text.Json;

namespace Collections.Dialer.Simulation;

/// <summary>What AMD does with answered calls in a scenario, and what the campaign believes of it.</summary>
/// <param name="MachineDetected">P(verdict machine | a machine answered).</param>
/// <param name="HumanCalledMachine">P(verdict machine | a person answered): those persons are abandoned when the verdict is acted on.</param>
public sealed record AmdBehaviour(double MachineDetected, double HumanCalledMachine)
{
    /// <summary>
    /// The campaign's configured share of MACHINE verdicts that are people (what its AMD evaluation says), or null for the
    /// share this detector gives on this population at the scenario's nominal answer rates.
    /// </summary>
    public double? FalsePositiveShare { get; init; }

    /// <summary>Share of MACHINE verdicts passed to operators as a sample (<see cref="Pacing.PacingOptions.AmdAuditShare"/>).</summary>
    public double AuditShare { get; init; } = 0.1;

    /// <summary>The share the campaign is configured with.</summary>
    public double ConfiguredShare(double humanAnswer, double machineAnswer) =>
        FalsePositiveShare ?? (humanAnswer * HumanCalledMachine) / Math.Max(1e-12, (humanAnswer * HumanCalledMachine) + (machineAnswer * MachineDetected));
}

/// <summary>A simulated call population and team (the format is documented in docs/simulation.md).</summary>
public sealed record Scenario
{
    /// <summary>Agents logged in for the whole run.</summary>
    public required int Agents { get; init; }

    /// <summary>Length of the run in hours.</summary>
    public required double Hours { get; init; }

    /// <summary>Seed of the random streams: same seed, same output.</summary>
    public required int Seed { get; init; }

    /// <summary>P(a person answers) when <see cref="HumanAnswerByHour"/> is absent.</summary>
    public required double HumanAnswer { get; init; }

    /// <summary>P(a machine answers).</summary>
    public required double MachineAnswer { get; init; }

    /// <summary>P(busy).</summary>
    public required double Busy { get; init; }

    /// <summary>P(a person answers) per hour of the run, repeated when the run is longer; overrides <see cref="HumanAnswer"/>.</summary>
    public IReadOnlyList<double>? HumanAnswerByHour { get; init; }

    /// <summary>Time from dial to answer or busy.</summary>
    public required Distribution RingSeconds { get; init; }

    /// <summary>The dialer gives up after this long: no answer.</summary>
    public required double NoAnswerTimeoutSeconds { get; init; }

    /// <summary>Talk time of a person connected to an agent.</summary>
    public required Distribution TalkSeconds { get; init; }

    /// <summary>Wrap-up after each talk.</summary>
    public required Distribution WrapSeconds { get; init; }

    /// <summary>Time from answer to the AMD verdict.</summary>
    public required Distribution AmdSeconds { get; init; }

    /// <summary>
    /// Time from the end of the answering party's greeting, as the detector reports it, to the verdict (at most
    /// <see cref="AmdSeconds"/>' draw); null: the detector reports no greeting end and the connect limit runs from the verdict.
    /// </summary>
    public Distribution? GreetingToVerdictSeconds { get; init; }

    /// <summary>AMD's accuracy.</summary>
    public required AmdBehaviour Amd { get; init; }

    /// <summary>Highest abandonment rate allowed.</summary>
    public double TargetAbandonRate { get; init; } = 0.03;

    /// <summary>A person must reach an agent within this long of the end of their greeting (of the verdict, without
    /// <see cref="GreetingToVerdictSeconds"/>), else the call is abandoned.</summary>
    public double ConnectLimitSeconds { get; init; } = 2;

    /// <summary>P(a person answers) during the hour that contains <paramref name="seconds"/>.</summary>
    public double HumanAnswerAt(double seconds)
    {
        if (HumanAnswerByHour is not { Count: > 0 } byHour)
        {
            return HumanAnswer;
        }

        var hour = (int)(seconds / 3600);
        return byHour[hour % byHour.Count];
    }

    /// <summary>The talk-time bound 60 T / (T + W + A) in minutes per agent-hour.</summary>
    public double TalkBoundMinutesPerAgentHour =>
        60 * TalkSeconds.Mean / (TalkSeconds.Mean + WrapSeconds.Mean + AmdSeconds.Mean);
}

/// <summary>A scenario file that does not describe a valid scenario; <see cref="Field"/> names the culprit.</summary>
public sealed class ScenarioException(string field, string problem)
    : Exception($"scenario field '{field}': {problem}")
{
    /// <summary>The JSON path of the bad field (for example talkSeconds.sd).</summary>
    public string Field { get; } = field;
}

/// <summary>Reads and validates scenario files.</summary>
public static class ScenarioReader
{
    private static readonly HashSet<string> TopLevel =
    [
        "agents", "hours", "seed", "humanAnswer", "machineAnswer", "busy", "humanAnswerByHour", "ringSeconds",
        "noAnswerTimeoutSeconds", "talkSeconds", "wrapSeconds", "amdSeconds", "greetingToVerdictSeconds", "amd", "targetAbandonRate",
        "connectLimitSeconds", "description",
    ];

    /// <summary>Parses scenario JSON; throws <see cref="ScenarioException"/> naming the bad field.</summary>
    public static Scenario Parse(string json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException ex)
        {
            throw new ScenarioException("(file)", $"not valid JSON: {ex.Message}");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new ScenarioException("(file)", "must be a JSON object");
            }

            RejectUnknown(root, TopLevel, "");
            var human = Probability(root, "humanAnswer", required: true);
            var machine = Probability(root, "machineAnswer", required: true);
            var busy = Probability(root, "busy", required: true);
            if (human + machine + busy > 1 + 1e-9)
            {
                throw new ScenarioException("busy", "humanAnswer + machineAnswer + busy must not exceed 1");
            }

            var byHour = ByHour(root, machine + busy);
            var timeout = Number(root, "noAnswerTimeoutSeconds", 0, 600, required: true);
            if (timeout < 15)
            {
                // FTC Telemarketing Sales Rule 16 CFR 310.4(b)(4)(ii): ring at least 15 s (or four rings); Ofcom likewise.
                throw new ScenarioException("noAnswerTimeoutSeconds", "must be at least 15 (16 CFR 310.4(b)(4)(ii))");
            }

            return new Scenario
            {
                Agents = Integer(root, "agents", 1, 10_000),
                Hours = Number(root, "hours", 0, 24 * 366, required: true, exclusiveMin: true),
                Seed = root.TryGetProperty("seed", out _) ? Integer(root, "seed", int.MinValue, int.MaxValue) : 1,
                HumanAnswer = human,
                MachineAnswer = machine,
                Busy = busy,
                HumanAnswerByHour = byHour,
                RingSeconds = Dist(root, "ringSeconds"),
                NoAnswerTimeoutSeconds = timeout,
                TalkSeconds = Dist(root, "talkSeconds"),
                WrapSeconds = Dist(root, "wrapSeconds"),
                AmdSeconds = Dist(root, "amdSeconds"),
                GreetingToVerdictSeconds = root.TryGetProperty("greetingToVerdictSeconds", out _) ? Dist(root, "greetingToVerdictSeconds") : null,
                Amd = Amd(root),
                TargetAbandonRate = root.TryGetProperty("targetAbandonRate", out _)
                    ? Number(root, "targetAbandonRate", 0, 0.5, required: true, exclusiveMin: true)
                    : 0.03,
                ConnectLimitSeconds = root.TryGetProperty("connectLimitSeconds", out _)
                    ? Number(root, "connectLimitSeconds", 0, 60, required: true, exclusiveMin: true)
                    : 2,
            };
        }
    }

    private static List<double>? ByHour(JsonElement root, double machineAndBusy)
    {
        if (!root.TryGetProperty("humanAnswerByHour", out var array))
        {
            return null;
        }

        if (array.ValueKind != JsonValueKind.Array || array.GetArrayLength() == 0)
        {
            throw new ScenarioException("humanAnswerByHour", "must be a non-empty array of probabilities");
        }

        var values = new List<double>();
        var i = 0;
        foreach (var item in array.EnumerateArray())
        {
            var field = $"humanAnswerByHour[{i}]";
            if (item.ValueKind != JsonValueKind.Number || item.GetDouble() is < 0 or > 1)
            {
                throw new ScenarioException(field, "must be a number from 0 to 1");
            }

            if (item.GetDouble() + machineAndBusy > 1 + 1e-9)
            {
                throw new ScenarioException(field, "with machineAnswer + busy must not exceed 1");
            }

            values.Add(item.GetDouble());
            i++;
        }

        return values;
    }

    private static AmdBehaviour Amd(JsonElement root)
    {
        if (!root.TryGetProperty("amd", out var amd) || amd.ValueKind != JsonValueKind.Object)
        {
            throw new ScenarioException("amd", "must be an object {\"machineDetected\": p, \"humanCalledMachine\": p[, \"falsePositiveShare\": p, \"auditShare\": p]}");
        }

        RejectUnknown(amd, ["machineDetected", "humanCalledMachine", "falsePositiveShare", "auditShare"], "amd.");
        return new AmdBehaviour(
            Probability(amd, "machineDetected", required: true, prefix: "amd."),
            Probability(amd, "humanCalledMachine", required: true, prefix: "amd."))
        {
            FalsePositiveShare = amd.TryGetProperty("falsePositiveShare", out _) ? Probability(amd, "falsePositiveShare", required: true, prefix: "amd.") : null,
            AuditShare = amd.TryGetProperty("auditShare", out _) ? Probability(amd, "auditShare", required: true, prefix: "amd.") : 0.1,
        };
    }

    private static Distribution Dist(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var d) || d.ValueKind != JsonValueKind.Object)
        {
            throw new ScenarioException(name, "must be an object such as {\"dist\": \"lognormal\", \"mean\": 180, \"sd\": 120}");
        }

        if (!d.TryGetProperty("dist", out var kind) || kind.ValueKind != JsonValueKind.String)
        {
            throw new ScenarioException($"{name}.dist", "must be one of fixed, uniform, exponential, lognormal");
        }

        var prefix = name + ".";
        const double max = 86_400;
        switch (kind.GetString())
        {
            case "fixed":
                RejectUnknown(d, ["dist", "value"], prefix);
                return new FixedDistribution(Number(d, "value", 0, max, required: true, prefix: prefix));
            case "uniform":
                RejectUnknown(d, ["dist", "min", "max"], prefix);
                var low = Number(d, "min", 0, max, required: true, prefix: prefix);
                var high = Number(d, "max", 0, max, required: true, prefix: prefix);
                if (high < low)
                {
                    throw new ScenarioException($"{name}.max", "must not be below min");
                }

                return new UniformDistribution(low, high);
            case "exponential":
                RejectUnknown(d, ["dist", "mean"], prefix);
                return new ExponentialDistribution(Number(d, "mean", 0, max, required: true, prefix: prefix, exclusiveMin: true));
            case "lognormal":
                RejectUnknown(d, ["dist", "mean", "sd"], prefix);
                return new LognormalDistribution(
                    Number(d, "mean", 0, max, required: true, prefix: prefix, exclusiveMin: true),
                    Number(d, "sd", 0, max, required: true, prefix: prefix, exclusiveMin: true));
            default:
                throw new ScenarioException($"{name}.dist", $"must be one of fixed, uniform, exponential, lognormal, not '{kind.GetString()}'");
        }
    }

    private static void RejectUnknown(JsonElement element, IReadOnlyCollection<string> known, string prefix)
    {
        foreach (var property in element.EnumerateObject())
        {
            if (!known.Contains(property.Name))
            {
                throw new ScenarioException(prefix + property.Name, "is not a known field");
            }
        }
    }

    private static double Probability(JsonElement element, string name, bool required, string prefix = "") =>
        Number(element, name, 0, 1, required, prefix);

    private static int Integer(JsonElement element, string name, int min, int max)
    {
        if (!element.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.Number
            || !value.TryGetInt32(out var n) || n < min || n > max)
        {
            throw new ScenarioException(name, $"must be a whole number from {min} to {max}");
        }

        return n;
    }

    private static double Number(
        JsonElement element, string name, double min, double max, bool required, string prefix = "", bool exclusiveMin = false)
    {
        var field = prefix + name;
        if (!element.TryGetProperty(name, out var value))
        {
            if (required)
            {
                throw new ScenarioException(field, "is required");
            }

            return 0;
        }

        if (value.ValueKind != JsonValueKind.Number)
        {
            throw new ScenarioException(field, "must be a number");
        }

        var x = value.GetDouble();
        if (x > max || x < min || (exclusiveMin && x <= min))
        {
            var low = exclusiveMin ? $"above {min}" : $"at least {min}";
            throw new ScenarioException(field, $"must be {low} and at most {max}, not {x}");
        }

        return x;
    }
}
