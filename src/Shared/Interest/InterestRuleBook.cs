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

        return new InterestRuleBook(files.Select(f => Parse(File.ReadAllText(f), Path.GetFileName(f))));
    }

    /// <summary>Parses one rule file's text; <paramref name="fileName"/> is used in error messages.</summary>
    public static JurisdictionRules Parse(string yaml, string fileName)
    {
        RuleFile file;
        try
        {
            file = Deserializer.Deserialize<RuleFile?>(yaml) ?? throw new InterestConfigException($"{fileName}: the file is empty.");
        }
        catch (YamlException ex)
        {
            throw new InterestConfigException($"{fileName}: line {ex.Start.Line}: {ex.InnerException?.Message ?? ex.Message}");
        }

        var code = Required(file.Jurisdiction, fileName, "jurisdiction").Trim().ToUpperInvariant();
        var rate = file.ReferenceRate ?? throw new InterestConfigException($"{fileName}: 'referenceRate' is missing.");
        var fixing = Required(rate.Fixing, fileName, "referenceRate.fixing") switch
        {
            "continuous" => RateFixing.Continuous,
            "halfYear" => RateFixing.HalfYear,
            var other => throw new InterestConfigException($"{fileName}: referenceRate.fixing '{other}' must be 'continuous' or 'halfYear'."),
        };
        var knownThrough = Date(Required(rate.KnownThrough, fileName, "referenceRate.knownThrough"), fileName, "referenceRate.knownThrough");
        if (rate.Changes is not { Count: > 0 })
        {
            throw new InterestConfigException($"{fileName}: referenceRate.changes needs at least one entry.");
        }

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
            var margin = debtor.MarginPoints ?? throw new InterestConfigException($"{fileName}: {key}.marginPoints is missing.");
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

            debtors[kind] = new DebtorRule(margin, Required(debtor.Law, fileName, key + ".law"), fee);
        }

        if (file.Currencies is { } allowed && allowed.FirstOrDefault(c => !Currencies.IsKnown(c)) is { } unknown)
        {
            throw new InterestConfigException($"{fileName}: currencies lists unknown ISO 4217 code '{unknown}'.");
        }

        return new JurisdictionRules(
            code,
            file.Name ?? code,
            new ReferenceRateSeries(Required(rate.Name, fileName, "referenceRate.name"), fixing, knownThrough, changes),
            debtors,
            file.Currencies,
            fileName,
            file.DefaultFor?.Select(c => c.Trim().ToUpperInvariant()).ToList());
    }

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
