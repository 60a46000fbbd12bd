using System.Globalization;
using Collections.Shared.Domain;
using Collections.Shared.Legal;
using NodaTime;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Collections.Shared.Compliance;

/// <summary>Reads rule packs from YAML and checks them, naming the file and rule at fault.</summary>
public static class RulePackLoader
{
    private static readonly IDeserializer Deserializer = new DeserializerBuilder()
        .WithNamingConvention(CamelCaseNamingConvention.Instance)
        .Build();

    /// <summary>Loads every <c>*.yaml</c> pack in <paramref name="directory"/>, keyed by jurisdiction.</summary>
    public static IReadOnlyDictionary<string, RulePack> LoadDirectory(string directory)
    {
        if (!Directory.Exists(directory))
        {
            throw new RulePackException($"Rule pack directory '{directory}' does not exist.");
        }

        var packs = new Dictionary<string, RulePack>(StringComparer.OrdinalIgnoreCase);
        foreach (var file in Directory.EnumerateFiles(directory, "*.yaml").Order(StringComparer.Ordinal))
        {
            var pack = LoadFile(file);
            if (!packs.TryAdd(pack.Jurisdiction, pack))
            {
                throw new RulePackException($"{file}: jurisdiction '{pack.Jurisdiction}' is already defined by {packs[pack.Jurisdiction].File}.");
            }
        }

        if (packs.Count == 0)
        {
            throw new RulePackException($"Rule pack directory '{directory}' holds no *.yaml pack.");
        }

        return packs;
    }

    /// <summary>Loads one pack file.</summary>
    public static RulePack LoadFile(string file) => Parse(File.ReadAllText(file), file);

    /// <summary>Parses pack YAML; <paramref name="file"/> names the origin in messages.</summary>
    public static RulePack Parse(string yaml, string file)
    {
        PackDto dto;
        try
        {
            dto = Deserializer.Deserialize<PackDto>(yaml) ?? throw new RulePackException($"{file}: empty pack.");
        }
        catch (YamlException ex)
        {
            throw new RulePackException($"{file}:{ex.Start.Line}: {ex.Message}", ex);
        }

        if (string.IsNullOrWhiteSpace(dto.Jurisdiction) || dto.Jurisdiction.Length != 2)
        {
            throw new RulePackException($"{file}: 'jurisdiction' must be an ISO 3166-1 alpha-2 code.");
        }

        var rules = new List<RuleDefinition>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var rule in dto.Rules ?? [])
        {
            var where = $"{file}: rule '{rule.Id ?? "(no id)"}'";
            if (string.IsNullOrWhiteSpace(rule.Id) || !ids.Add(rule.Id))
            {
                throw new RulePackException($"{where}: every rule needs a unique 'id'.");
            }

            rules.Add(ToRule(rule, where));
        }

        AbandonmentLimit? abandonment = null;
        if (dto.Abandonment is { } a)
        {
            if (a.MaxRate is <= 0 or > 1 || a.WindowHours <= 0 || string.IsNullOrWhiteSpace(a.Source))
            {
                throw new RulePackException($"{file}: 'abandonment' needs maxRate in (0, 1], windowHours > 0 and a source.");
            }

            abandonment = new AbandonmentLimit(a.MaxRate, a.WindowHours, a.Source);
        }

        CallerIdentificationRule? identification = null;
        if (dto.CallerIdentification is { } ci)
        {
            var methods = ParseSet<CallerIdentificationMethod>(ci.Methods, $"{file}: callerIdentification", "methods");
            if (methods.Count == 0 || string.IsNullOrWhiteSpace(ci.Source))
            {
                throw new RulePackException($"{file}: 'callerIdentification' needs at least one of 'methods' ({string.Join(", ", Enum.GetNames<CallerIdentificationMethod>())}) and a 'source'.");
            }

            identification = new CallerIdentificationRule(methods, ci.Source);
        }

        return new RulePack
        {
            CallerIdentification = identification,
            Limitation = dto.Limitation is null ? null : ToLimitation(dto.Limitation, $"{file}: limitation"),
            Jurisdiction = dto.Jurisdiction.ToUpperInvariant(),
            Name = dto.Name ?? dto.Jurisdiction,
            File = file,
            HolidayCalendar = (dto.HolidayCalendar ?? dto.Jurisdiction).ToUpperInvariant(),
            Abandonment = abandonment,
            Rules = rules,
        };
    }

    private static LimitationRule ToLimitation(LimitationDto dto, string where)
    {
        if (dto.Years is < 1 or > 30)
        {
            throw new RulePackException($"{where}: 'years' must be between 1 and 30.");
        }

        if (string.IsNullOrWhiteSpace(dto.Source))
        {
            throw new RulePackException($"{where}: the period must cite its 'source'.");
        }

        if (!Enum.TryParse<LimitationStart>(dto.Start, ignoreCase: true, out var start) || !Enum.IsDefined(start) || int.TryParse(dto.Start, out _))
        {
            throw new RulePackException($"{where}: 'start' must be one of {string.Join(", ", Enum.GetNames<LimitationStart>())}.");
        }

        if (dto.WarnDays is < 1 or > 3650)
        {
            throw new RulePackException($"{where}: 'warnDays' must be between 1 and 3650.");
        }

        var restarts = new List<LimitationEventRule>();
        foreach (var r in dto.Restarts ?? [])
        {
            if (!Enum.TryParse<LimitationEventKind>(r.Kind, ignoreCase: true, out var kind) || !Enum.IsDefined(kind) || int.TryParse(r.Kind, out _))
            {
                throw new RulePackException($"{where}: restart '{r.Kind}' is not one of {string.Join(", ", Enum.GetNames<LimitationEventKind>())}.");
            }

            if (string.IsNullOrWhiteSpace(r.Source))
            {
                throw new RulePackException($"{where}: restart '{r.Kind}' must cite its 'source'.");
            }

            if (restarts.Any(x => x.Kind == kind))
            {
                throw new RulePackException($"{where}: restart '{r.Kind}' is given twice.");
            }

            LocalDate? before = null;
            if (r.ClaimsArisenBefore is not null)
            {
                if (!DateOnly.TryParseExact(r.ClaimsArisenBefore, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
                {
                    throw new RulePackException($"{where}: restart '{r.Kind}': 'claimsArisenBefore' must be a date (yyyy-MM-dd).");
                }

                before = LocalDate.FromDateOnly(d);
            }

            restarts.Add(new LimitationEventRule(kind, r.Source, before));
        }

        return new LimitationRule { Years = dto.Years, Start = start, Source = dto.Source, Note = dto.Note, WarnDays = dto.WarnDays, Restarts = restarts };
    }

    private static RuleDefinition ToRule(RuleDto dto, string where)
    {
        if (!Enum.TryParse<RuleKind>(dto.Kind, ignoreCase: true, out var kind) || !Enum.IsDefined(kind) || int.TryParse(dto.Kind, out _))
        {
            throw new RulePackException($"{where}: unknown kind '{dto.Kind}'; use one of {string.Join(", ", Enum.GetNames<RuleKind>())}.");
        }

        if (string.IsNullOrWhiteSpace(dto.Source))
        {
            throw new RulePackException($"{where}: every rule must cite its 'source'.");
        }

        var basis = RuleBasis.HousePolicy;
        if (dto.Basis is not null && (!Enum.TryParse(dto.Basis, ignoreCase: true, out basis) || !Enum.IsDefined(basis)))
        {
            throw new RulePackException($"{where}: unknown basis '{dto.Basis}'; use one of {string.Join(", ", Enum.GetNames<RuleBasis>())}.");
        }

        var channels = ParseSet<ContactChannel>(dto.Channels, where, "channels");
        if (channels.Count == 0)
        {
            throw new RulePackException($"{where}: 'channels' must name at least one channel.");
        }

        var rule = new RuleDefinition
        {
            Id = dto.Id!,
            Kind = kind,
            Source = dto.Source,
            Basis = basis,
            Note = dto.Note,
            Channels = channels,
            Windows = ParseWindows(dto.Windows, where),
            ClosedOnPublicHolidays = dto.ClosedOnPublicHolidays,
            WorkingDaysOnly = dto.WorkingDaysOnly,
            Max = dto.Max,
            Days = dto.Days,
            Hours = dto.Hours,
            ExcludedOutcomes = ParseSet<ContactOutcome>(dto.ExcludedOutcomes, where, "excludedOutcomes"),
            PhoneKinds = ParseSet<PhoneKind>(dto.PhoneKinds, where, "phoneKinds"),
            UnlessOperatorGuaranteed = dto.UnlessOperatorGuaranteed,
        };

        var problem = kind switch
        {
            RuleKind.CallingHours when rule.Windows.Count == 0 => "'windows' must give at least one weekday",
            RuleKind.CallFrequency when rule.Max < 1 || rule.Days < 1 => "'max' and 'days' must be at least 1",
            RuleKind.QuietAfterConversation when rule.Days < 1 => "'days' must be at least 1",
            RuleKind.AbandonedCallRepeat or RuleKind.AmdRepeat when rule.Hours < 1 => "'hours' must be at least 1",
            RuleKind.AutodialConsent when rule.PhoneKinds.Count == 0 => "'phoneKinds' must name at least one kind",
            RuleKind.MaxAttemptsPerNumberPerDay when rule.Max < 1 => "'max' must be at least 1",
            _ => null,
        };
        return problem is null ? rule : throw new RulePackException($"{where}: {problem}.");
    }

    private static Dictionary<IsoDayOfWeek, IReadOnlyList<TimeWindow>> ParseWindows(Dictionary<string, List<string>>? windows, string where)
    {
        var result = new Dictionary<IsoDayOfWeek, IReadOnlyList<TimeWindow>>();
        foreach (var (day, ranges) in windows ?? [])
        {
            if (!Enum.TryParse<IsoDayOfWeek>(day, ignoreCase: true, out var weekday) || weekday == IsoDayOfWeek.None || int.TryParse(day, out _))
            {
                throw new RulePackException($"{where}: '{day}' is not a weekday name.");
            }

            result[weekday] = (ranges ?? []).Select(r => ParseWindow(r, where)).ToList();
        }

        return result;
    }

    private static TimeWindow ParseWindow(string range, string where)
    {
        var parts = range.Split('-', StringSplitOptions.TrimEntries);
        if (parts.Length != 2 || !TryParseTime(parts[0], out var start, out var startMidnight) || startMidnight
            || !TryParseTime(parts[1], out var end, out var endsAtMidnight) || (!endsAtMidnight && end <= start))
        {
            throw new RulePackException($"{where}: window '{range}' must read 'HH:mm-HH:mm' with the end after the start (24:00 allowed as end).");
        }

        return new TimeWindow(start, end, endsAtMidnight);
    }

    private static bool TryParseTime(string text, out LocalTime time, out bool midnight)
    {
        midnight = text == "24:00";
        if (midnight)
        {
            time = LocalTime.Midnight;
            return true;
        }

        var ok = TimeOnly.TryParseExact(text, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed);
        time = ok ? LocalTime.FromTimeOnly(parsed) : default;
        return ok;
    }

    private static HashSet<T> ParseSet<T>(List<string>? values, string where, string key)
        where T : struct, Enum
    {
        var set = new HashSet<T>();
        foreach (var value in values ?? [])
        {
            if (!Enum.TryParse<T>(value, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed) || int.TryParse(value, out _))
            {
                throw new RulePackException($"{where}: '{value}' in '{key}' is not one of {string.Join(", ", Enum.GetNames<T>())}.");
            }

            set.Add(parsed);
        }

        return set;
    }

    // YAML shapes; YamlDotNet fills them through their setters.
    private sealed class PackDto
    {
        public string? Jurisdiction { get; set; }

        public string? Name { get; set; }

        public string? HolidayCalendar { get; set; }

        public AbandonmentDto? Abandonment { get; set; }

        public LimitationDto? Limitation { get; set; }

        public List<RuleDto>? Rules { get; set; }

        public CallerIdentificationDto? CallerIdentification { get; set; }
    }

    private sealed class CallerIdentificationDto
    {
        public List<string>? Methods { get; set; }

        public string? Source { get; set; }
    }

    private sealed class LimitationDto
    {
        public int Years { get; set; }

        public string? Start { get; set; }

        public string? Source { get; set; }

        public string? Note { get; set; }

        public int WarnDays { get; set; } = 180;

        public List<RestartDto>? Restarts { get; set; }
    }

    private sealed class RestartDto
    {
        public string? Kind { get; set; }

        public string? Source { get; set; }

        public string? ClaimsArisenBefore { get; set; }
    }

    private sealed class AbandonmentDto
    {
        public double MaxRate { get; set; }

        public int WindowHours { get; set; }

        public string? Source { get; set; }
    }

    private sealed class RuleDto
    {
        public string? Id { get; set; }

        public string? Kind { get; set; }

        public string? Source { get; set; }

        public string? Basis { get; set; }

        public string? Note { get; set; }

        public List<string>? Channels { get; set; }

        public Dictionary<string, List<string>>? Windows { get; set; }

        public bool ClosedOnPublicHolidays { get; set; }

        public bool WorkingDaysOnly { get; set; }

        public int Max { get; set; }

        public int Days { get; set; }

        public int Hours { get; set; }

        public List<string>? ExcludedOutcomes { get; set; }

        public List<string>? PhoneKinds { get; set; }

        public bool UnlessOperatorGuaranteed { get; set; }
    }
}

/// <summary>A rule pack that cannot be used; the message names the file and the rule.</summary>
public sealed class RulePackException : Exception
{
    public RulePackException(string message)
        : base(message)
    {
    }

    public RulePackException(string message, Exception inner)
        : base(message, inner)
    {
    }

    public RulePackException()
    {
    }
}
