using System.Globalization;
using NodaTime;
using NodaTime.Text;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Collections.Shared.Interest;

/// <summary>A configuration file under config/interest that cannot be used; the message names the file and the key.</summary>
public sealed class InterestConfigException(string message) : Exception(message);

/// <summary>All jurisdictions' interest rules, read from the YAML files of one folder (config/interest).</summary>
public sealed class InterestRuleBook
{
    /// <summary>The folder, relative to the working directory, where the rule files live by default.</summary>
    public const string DefaultDirectory = "config/interest";

    private readonly Dictionary<string, JurisdictionRules> _rules;

    /// <summary>Creates a rule book from rules already loaded (tests build them in code).</summary>
    public InterestRuleBook(IEnumerable<JurisdictionRules> rules)
    {
        _rules = new Dictionary<string, JurisdictionRules>(StringComparer.OrdinalIgnoreCase);
        foreach (var rule in rules)
        {
            if (!_rules.TryAdd(rule.Code, rule))
            {
                throw new InterestConfigException($"{rule.SourceFile}: jurisdiction '{rule.Code}' is defined twice (also in {_rules[rule.Code].SourceFile}).");
            }
        }
    }

    /// <summary>Jurisdiction codes with rules, sorted.</summary>
    public IReadOnlyList<string> Jurisdictions => [.. _rules.Keys.Order(StringComparer.Ordinal)];

    /// <summary>Looks up the rules of <paramref name="code"/> (case-insensitive): its own file, else a file that is the default for it.</summary>
    public bool TryGet(string code, out JurisdictionRules rules)
    {
        if (_rules.TryGetValue(code, out rules!))
        {
            return true;
        }

        rules = _rules.Values.FirstOrDefault(r => r.DefaultFor?.Contains(code, StringComparer.OrdinalIgnoreCase) == true)!;
        return rules is not null;
    }

    /// <summary>Reads every *.yaml and *.yml file of <paramref name="directory"/>; throws <see cref="InterestConfigException"/> naming the file and key at fault.</summary>
    public static InterestRuleBook Load(string directory)
    {
        if (!Directory.Exists(directory))
        {
            throw new InterestConfigException($"Interest rule folder '{Path.GetFullPath(directory)}' does not exist.");
        }

        var files = Directory.EnumerateFiles(directory, "*.yaml")
            .Concat(Directory.EnumerateFiles(directory, "*.yml"))
            .Order(StringComparer.Ordinal)
            .ToList();
        if (files.Count == 0)
        {
            throw new InterestConfigException($"Interest rule folder '{Path.GetFullPath(directory)}' holds no .yaml file.");
        }

        // Two passes: a file may borrow another's reference-rate table (referenceRate.sameAs: EU), so the ones that own a
        // table are read first and the borrowers then look theirs up by jurisdiction code.
        var read = files.Select(f => (Name: Path.GetFileName(f), File: Read(File.ReadAllText(f), Path.GetFileName(f)))).ToList();
        var owners = read.Where(r => r.File.ReferenceRate?.SameAs is null).Select(r => Build(r.File, r.Name, null)).ToList();
        var borrowers = read.Where(r => r.File.ReferenceRate?.SameAs is not null).Select(r => Build(r.File, r.Name, code =>
            owners.FirstOrDefault(o => o.Code.Equals(code, StringComparison.OrdinalIgnoreCase))?.ReferenceRate));
        return new InterestRuleBook([.. owners, .. borrowers]);
    }

    /// <summary>Parses one rule file's text; <paramref name="fileName"/> is used in error messages. A file that borrows
    /// another's table (<c>sameAs</c>) needs the folder: use <see cref="Load"/>.</summary>
    public static JurisdictionRules Parse(string yaml, string fileName) => Build(Read(yaml, fileName), fileName, null);

    private static RuleFile Read(string yaml, string fileName)
    {
        try
        {
            return Deserializer.Deserialize<RuleFile?>(yaml) ?? throw new InterestConfigException($"{fileName}: the file is empty.");
        }
        catch (YamlException ex)
        {
            throw new InterestConfigException($"{fileName}: line {ex.Start.Line}: {ex.InnerException?.Message ?? ex.Message}");
        }
    }

    private static JurisdictionRules Build(RuleFile file, string fileName, Func<string, ReferenceRateSeries?>? borrow)
    {
        var code = Required(file.Jurisdiction, fileName, "jurisdiction").Trim().ToUpperInvariant();
        var rate = file.ReferenceRate ?? throw new InterestConfigException($"{fileName}: 'referenceRate' is missing.");
        var series = rate.SameAs is { } sameAs
            ? (borrow ?? throw new InterestConfigException($"{fileName}: referenceRate.sameAs '{sameAs}' can only be read with the folder of rule files."))(sameAs)
                ?? throw new InterestConfigException($"{fileName}: referenceRate.sameAs '{sameAs}' names no rule file with its own table.")
            : Series(rate, fileName);
        return new JurisdictionRules(code, file.Name ?? code, series, Debtors(file, fileName), AllowedCurrencies(file, fileName), fileName,
            file.DefaultFor?.Select(c => c.Trim().ToUpperInvariant()).ToList());
    }

    private static ReferenceRateSeries Series(RateFile rate, string fileName)
    {
        var fixing = Required(rate.Fixing, fileName, "referenceRate.fixing") switch
        {
            "continuous" => RateFixing.Continuous,
            "halfYear" => RateFixing.HalfYear,
            var other => throw new InterestConfigException($"{fileName}: referenceRate.fixing '{other}' must be 'continuous' or 'halfYear'."),
        };
        // A table with no verified value yet (changes: [] and no knownThrough) loads, and refuses every request that needs it.
        if (rate.Changes is not { Count: > 0 })
        {
            return rate.KnownThrough is null
                ? new ReferenceRateSeries(Required(rate.Name, fileName, "referenceRate.name"), fixing, LocalDate.MinIsoValue, []) { File = fileName }
                : throw new InterestConfigException($"{fileName}: referenceRate.changes needs at least one entry (or no knownThrough while no value is verified).");
        }

        var knownThrough = Date(Required(rate.KnownThrough, fileName, "referenceRate.knownThrough"), fileName, "referenceRate.knownThrough");
        var changes = new List<ReferenceRateChange>();
        for (var i = 0; i < rate.Changes.Count; i++)
        {
            var key = $"referenceRate.changes[{i}]";
            var entry = rate.Changes[i];
            var from = Date(Required(entry.From, fileName, key + ".from"), fileName, key + ".from");
            var percent = entry.Percent ?? throw new InterestConfigException($"{fileName}: {key}.percent is missing.");
            if (changes.Count > 0 && from <= changes[^1].From)
            {
                throw new InterestConfigException($"{fileName}: {key}.from {from:yyyy-MM-dd} is not after the entry before it; keep changes in date order.");
            }

            changes.Add(new ReferenceRateChange(from, percent, Required(entry.Source, fileName, key + ".source")));
        }

        if (knownThrough < changes[^1].From)
        {
            throw new InterestConfigException($"{fileName}: referenceRate.knownThrough {knownThrough:yyyy-MM-dd} is before the last change.");
        }

        return new ReferenceRateSeries(Required(rate.Name, fileName, "referenceRate.name"), fixing, knownThrough, changes) { File = fileName };
    }

    private static Dictionary<DebtorKind, DebtorRule> Debtors(RuleFile file, string fileName)
    {
        if (file.Debtors is not { Count: > 0 })
        {
            throw new InterestConfigException($"{fileName}: 'debtors' needs 'consumer' and/or 'business'.");
        }

        var debtors = new Dictionary<DebtorKind, DebtorRule>();
        foreach (var (name, debtor) in file.Debtors)
        {
            var kind = name switch
            {
                "consumer" => DebtorKind.Consumer,
                "business" => DebtorKind.Business,
                _ => throw new InterestConfigException($"{fileName}: debtors.{name} is not 'consumer' or 'business'."),
            };
            var key = "debtors." + name;
            if (debtor.MarginPoints is null == debtor.FixedPercent is null)
            {
                throw new InterestConfigException($"{fileName}: {key} needs either marginPoints (over the reference rate) or fixedPercent (a rate the law fixes), not both.");
            }
            FlatFeeRule? fee = null;
            if (debtor.FlatFee is { } f)
            {
                var amount = f.Amount ?? throw new InterestConfigException($"{fileName}: {key}.flatFee.amount is missing.");
                var currency = Required(f.Currency, fileName, key + ".flatFee.currency");
                if (amount < 0 || !Currencies.IsKnown(currency))
                {
                    throw new InterestConfigException($"{fileName}: {key}.flatFee needs a non-negative amount and a known ISO 4217 currency.");
                }

                fee = new FlatFeeRule(amount, currency, Required(f.Law, fileName, key + ".flatFee.law"));
            }

            debtors[kind] = new DebtorRule(debtor.MarginPoints ?? 0m, Required(debtor.Law, fileName, key + ".law"), fee, debtor.FixedPercent);
        }

        return debtors;
    }

    private static List<string>? AllowedCurrencies(RuleFile file, string fileName) =>
        file.Currencies is { } allowed && allowed.FirstOrDefault(c => !Currencies.IsKnown(c)) is { } unknown
            ? throw new InterestConfigException($"{fileName}: currencies lists unknown ISO 4217 code '{unknown}'.")
            : file.Currencies;

    private static readonly IDeserializer Deserializer = new DeserializerBuilder()
        .WithNamingConvention(CamelCaseNamingConvention.Instance)
        .Build();

    private static string Required(string? value, string file, string key) =>
        string.IsNullOrWhiteSpace(value) ? throw new InterestConfigException($"{file}: '{key}' is missing.") : value;

    private static LocalDate Date(string value, string file, string key)
    {
        var result = LocalDatePattern.Iso.Parse(value.Trim());
        return result.Success ? result.Value : throw new InterestConfigException($"{file}: {key} '{value}' is not a date (yyyy-MM-dd).");
    }

    // YAML shape of a rule file; see config/interest/de.yaml.
    private sealed class RuleFile
    {
        public string? Jurisdiction { get; set; }

        public string? Name { get; set; }

        public List<string>? Currencies { get; set; }

        public List<string>? DefaultFor { get; set; }

        public RateFile? ReferenceRate { get; set; }

        public Dictionary<string, DebtorFile>? Debtors { get; set; }
    }

    private sealed class RateFile
    {
        public string? SameAs { get; set; }

        public string? Name { get; set; }

        public string? Fixing { get; set; }

        public string? KnownThrough { get; set; }

        public List<ChangeFile>? Changes { get; set; }
    }

    private sealed class ChangeFile
    {
        public string? From { get; set; }

        public decimal? Percent { get; set; }

        public string? Source { get; set; }
    }

    private sealed class DebtorFile
    {
        public decimal? MarginPoints { get; set; }

        public decimal? FixedPercent { get; set; }

        public string? Law { get; set; }

        public FeeFile? FlatFee { get; set; }
    }

    private sealed class FeeFile
    {
        public decimal? Amount { get; set; }

        public string? Currency { get; set; }

        public string? Law { get; set; }
    }
}
