using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Collections.Shared.Compliance;
using Collections.Shared.Domain;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Collections.Dialer.Messaging.Templates;

/// <summary>One language's templates as written in <c>config/templates/{language}.yaml</c>.</summary>
public sealed class TemplateFile
{
    public string Language { get; set; } = "";

    /// <summary>Culture used when the debtor's country gives none (for example "de-DE").</summary>
    public string Culture { get; set; } = "";

    /// <summary>Appended to every SMS: how to opt out (Regulation F, 12 CFR 1006.6(e)).</summary>
    public string OptOutNotice { get; set; } = "";

    /// <summary>Appended to every e-mail.</summary>
    public string EmailOptOutNotice { get; set; } = "";

    public Dictionary<string, string> Sms { get; set; } = [];

    [YamlMember(Alias = "whatsapp")]
    public Dictionary<string, WhatsAppTemplate> WhatsApp { get; set; } = [];

    public Dictionary<string, EmailTemplate> Email { get; set; } = [];
}

/// <summary>A WhatsApp text: free-form inside the 24 h session window, else the approved content template with variables.</summary>
public sealed class WhatsAppTemplate
{
    public string Body { get; set; } = "";

    public string? ContentSid { get; set; }

    /// <summary>Placeholders passed as the content template's variables "1", "2", ... in this order.</summary>
    public List<string> Variables { get; set; } = [];
}

/// <summary>An e-mail's subject and plain-text body.</summary>
public sealed class EmailTemplate
{
    public string Subject { get; set; } = "";

    public string Body { get; set; } = "";
}

/// <summary>A rendered message ready to send.</summary>
public sealed record RenderedMessage(string Template, string Language, string Body, string? Subject = null, string? ContentSid = null, string? ContentVariables = null);

/// <summary>A template file that cannot be used: named by file and key.</summary>
public sealed class TemplateException(string message) : Exception(message);

/// <summary>The message templates of every language, loaded and checked once; renders a stage for a debtor's language.</summary>
public sealed partial class MessageTemplates
{
    /// <summary>Placeholders a template may use.</summary>
    public static readonly IReadOnlySet<string> Placeholders = new HashSet<string>(StringComparer.Ordinal)
    {
        "debtorName", "creditorName", "reference", "amount", "dueDate", "agencyName", "agencyPhone", "agencyEmail",
        "instalmentNumber", "instalmentAmount", "instalmentDate", "deadline", "period", "accounts", "collected",
        "settlementAmount", "payBy", "instalmentCount", "planTotal", "instalmentSchedule",
    };

    private const string Fallback = "en";
    private readonly Dictionary<string, TemplateFile> files;

    private MessageTemplates(Dictionary<string, TemplateFile> files) => this.files = files;

    /// <summary>Languages with a template file.</summary>
    public IReadOnlyCollection<string> Languages => files.Keys;

    /// <summary>The language a debtor is written to in: their own when we write in it (a template file exists), else
    /// English. A language we write in never falls back: a text missing in it fails rather than going out in another.</summary>
    public string LanguageFor(string language) => FileFor(language).Language;

    /// <summary>True when the language <paramref name="language"/> is written in has the <paramref name="channel"/> template <paramref name="stage"/>.</summary>
    public bool Has(ContactChannel channel, string stage, string language)
    {
        var file = FileFor(language);
        return channel switch
        {
            ContactChannel.Sms => file.Sms.ContainsKey(stage),
            ContactChannel.WhatsApp => file.WhatsApp.ContainsKey(stage),
            ContactChannel.Email => file.Email.ContainsKey(stage),
            _ => false,
        };
    }

    /// <summary>Loads every <c>*.yaml</c> of <paramref name="directory"/>; a missing placeholder, notice or culture fails naming the file.</summary>
    public static MessageTemplates Load(string directory)
    {
        var resolved = ComplianceOptions.ResolveDirectory(directory);
        if (!Directory.Exists(resolved))
        {
            throw new TemplateException($"template folder '{directory}' does not exist");
        }

        var deserializer = new DeserializerBuilder().WithNamingConvention(CamelCaseNamingConvention.Instance).Build();
        var result = new Dictionary<string, TemplateFile>(StringComparer.OrdinalIgnoreCase);
        foreach (var path in Directory.EnumerateFiles(resolved, "*.yaml").Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(path);
            TemplateFile file;
            try
            {
                file = deserializer.Deserialize<TemplateFile>(File.ReadAllText(path)) ?? throw new TemplateException($"{name}: empty file");
            }
            catch (YamlException ex)
            {
                throw new TemplateException($"{name}: line {ex.Start.Line}: {ex.InnerException?.Message ?? ex.Message}");
            }

            Check(name, file);
            result[file.Language] = file;
        }

        if (!result.ContainsKey(Fallback))
        {
            throw new TemplateException($"{directory}: no '{Fallback}.yaml', the fallback language");
        }

        return new MessageTemplates(result);
    }

    /// <summary>The culture to format amounts and dates in: the language in the debtor's country when that culture exists, else the file's default.</summary>
    public CultureInfo CultureFor(string language, string? country)
    {
        var file = FileFor(language);
        if (country is { Length: 2 })
        {
            try
            {
                return CultureInfo.GetCultureInfo($"{file.Language}-{country.ToUpperInvariant()}", predefinedOnly: true);
            }
            catch (CultureNotFoundException)
            {
                // No such culture (for example Hungarian in Austria): the language's own culture formats the amounts.
            }
        }

        return CultureInfo.GetCultureInfo(file.Culture);
    }

    /// <summary>Renders the SMS of <paramref name="stage"/>, ending with the language's opt-out notice.</summary>
    public RenderedMessage RenderSms(string stage, string language, IReadOnlyDictionary<string, string> values)
    {
        var file = FileFor(language);
        var template = file.Sms.GetValueOrDefault(stage) ?? throw new TemplateException($"{file.Language}.yaml: no SMS template '{stage}'");
        var body = Fill(template, values);
        // Regulation F 12 CFR 1006.6(e): each electronic communication carries a clear and conspicuous statement of a
        // reasonable way to opt out; appended here so no template can forget it.
        return new RenderedMessage($"sms.{stage}", file.Language, $"{body} {file.OptOutNotice}");
    }

    /// <summary>Renders the WhatsApp text of <paramref name="stage"/>; outside the session window, the content template and its variables.</summary>
    public RenderedMessage RenderWhatsApp(string stage, string language, IReadOnlyDictionary<string, string> values, bool sessionOpen)
    {
        var file = FileFor(language);
        var template = file.WhatsApp.GetValueOrDefault(stage) ?? throw new TemplateException($"{file.Language}.yaml: no WhatsApp template '{stage}'");
        var body = $"{Fill(template.Body, values)} {file.OptOutNotice}";
        if (sessionOpen || template.ContentSid is null)
        {
            return new RenderedMessage($"whatsapp.{stage}", file.Language, body);
        }

        // Business-initiated WhatsApp messages outside the 24-hour customer service window must use a template approved
        // by WhatsApp; Twilio takes it as ContentSid with ContentVariables {"1": ..., "2": ...}.
        var variables = template.Variables.Select((name, i) => (Key: (i + 1).ToString(CultureInfo.InvariantCulture), Value: values.GetValueOrDefault(name, "")))
            .ToDictionary(v => v.Key, v => v.Value);
        return new RenderedMessage($"whatsapp.{stage}", file.Language, body, ContentSid: template.ContentSid, ContentVariables: JsonSerializer.Serialize(variables));
    }

    /// <summary>Renders the e-mail of <paramref name="stage"/>, with the opt-out notice as the last paragraph.</summary>
    public RenderedMessage RenderEmail(string stage, string language, IReadOnlyDictionary<string, string> values)
    {
        var file = FileFor(language);
        var template = file.Email.GetValueOrDefault(stage) ?? throw new TemplateException($"{file.Language}.yaml: no e-mail template '{stage}'");
        var body = Fill(template.Body, values).TrimEnd() + "\n\n-- \n" + file.EmailOptOutNotice + "\n";
        return new RenderedMessage($"email.{stage}", file.Language, body, Fill(template.Subject, values));
    }

    private TemplateFile FileFor(string language)
    {
        var primary = language.Split('-', '_')[0];
        return files.GetValueOrDefault(primary) ?? files[Fallback];
    }

    private static string Fill(string template, IReadOnlyDictionary<string, string> values) =>
        PlaceholderPattern().Replace(template, m => values.TryGetValue(m.Groups[1].Value, out var value)
            ? value
            : throw new TemplateException($"no value for placeholder {{{m.Groups[1].Value}}}"));

    private static void Check(string name, TemplateFile file)
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(file.Language) || !name.StartsWith(file.Language + ".", StringComparison.OrdinalIgnoreCase))
        {
            problems.Add($"language '{file.Language}' does not match the file name");
        }

        if (string.IsNullOrWhiteSpace(file.OptOutNotice))
        {
            problems.Add("optOutNotice is required: every SMS must say how to opt out (12 CFR 1006.6(e))");
        }

        try
        {
            _ = CultureInfo.GetCultureInfo(file.Culture, predefinedOnly: true);
        }
        catch (CultureNotFoundException)
        {
            problems.Add($"culture '{file.Culture}' is not a known culture");
        }

        var texts = file.Sms.Select(s => ($"sms.{s.Key}", s.Value))
            .Concat(file.WhatsApp.Select(w => ($"whatsapp.{w.Key}", w.Value.Body)))
            .Concat(file.WhatsApp.SelectMany(w => w.Value.Variables.Select(v => ($"whatsapp.{w.Key}.variables", "{" + v + "}"))))
            .Concat(file.Email.SelectMany(e => new[] { ($"email.{e.Key}.subject", e.Value.Subject), ($"email.{e.Key}.body", e.Value.Body) }));
        foreach (var (key, text) in texts)
        {
            foreach (Match m in PlaceholderPattern().Matches(text))
            {
                if (!Placeholders.Contains(m.Groups[1].Value))
                {
                    problems.Add($"{key}: unknown placeholder {{{m.Groups[1].Value}}}");
                }
            }
        }

        if (problems.Count > 0)
        {
            throw new TemplateException($"{name}: " + string.Join("; ", problems));
        }
    }

    [GeneratedRegex(@"\{([A-Za-z]+)\}")]
    private static partial Regex PlaceholderPattern();
}

/// <summary>Fills the placeholders for one account from the database rows, formatted in the debtor's culture.</summary>
public static class TemplateValues
{
    /// <summary>The values every stage can use, plus the next unpaid instalment when the account has a plan, the plan's
    /// schedule for its confirmation, and the agreed settlement for its confirmation.</summary>
    public static Dictionary<string, string> For(Account account, Debtor debtor, Creditor creditor, AgencyDetails agency, CultureInfo culture, Instalment? nextInstalment,
        InstalmentPlan? plan = null, Collections.Shared.Workflow.SettlementOffer? settlement = null)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["debtorName"] = debtor.DisplayName,
            ["creditorName"] = creditor.Name,
            ["reference"] = account.CreditorReference,
            ["amount"] = account.Balance.Format(culture),
            ["dueDate"] = account.DueDate.ToString("d", culture),
            ["agencyName"] = agency.Name,
            ["agencyPhone"] = agency.Phone,
            ["agencyEmail"] = agency.Email,
        };
        if (nextInstalment is not null)
        {
            values["instalmentNumber"] = nextInstalment.Number.ToString(culture);
            values["instalmentAmount"] = new Money(nextInstalment.Amount, account.Currency).Format(culture);
            values["instalmentDate"] = nextInstalment.DueDate.ToString("d", culture);
        }

        if (plan is { Instalments.Count: > 0 })
        {
            var instalments = plan.Instalments.OrderBy(i => i.Number).ToList();
            values["instalmentCount"] = instalments.Count.ToString(culture);
            values["planTotal"] = new Money(plan.Total, plan.Currency).Format(culture);
            values["instalmentSchedule"] = string.Join("\n", instalments.Select(i =>
                $"{i.Number.ToString(culture)}. {i.DueDate.ToString("d", culture)}: {new Money(i.Amount, plan.Currency).Format(culture)}"));
            values.TryAdd("instalmentNumber", instalments[0].Number.ToString(culture));
            values.TryAdd("instalmentAmount", new Money(instalments[0].Amount, plan.Currency).Format(culture));
            values.TryAdd("instalmentDate", instalments[0].DueDate.ToString("d", culture));
        }

        if (settlement is not null)
        {
            values["settlementAmount"] = new Money(settlement.Amount, settlement.Currency).Format(culture);
            values["payBy"] = settlement.PayBy.ToString("d", culture);
        }

        return values;
    }
}
