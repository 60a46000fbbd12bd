using Collections.Scripts.Model;
using Collections.Scripts.Validation;

namespace Collections.Scripts.Selection;

/// <summary>What a call needs a script for: the account's industry, the debtor type, the case stage and the languages.</summary>
/// <param name="Industry">The creditor's industry.</param>
/// <param name="DebtorType">Consumer or business.</param>
/// <param name="Stage">The case stage; never relaxed by the fallback.</param>
/// <param name="DebtorLanguage">The debtor's language (ISO 639-1, or a culture name such as de-AT).</param>
/// <param name="RequestedLanguage">A language chosen for this call (e.g. by the operator), tried before the debtor's; null for none.</param>
public sealed record ScriptRequest(Industry Industry, DebtorType DebtorType, ScriptStage Stage, string DebtorLanguage, string? RequestedLanguage = null);

/// <summary>How closely a selected script matches the request.</summary>
public enum ScriptMatch
{
    /// <summary>Same industry, debtor type and stage.</summary>
    Exact,

    /// <summary>A generic-industry script for the same debtor type and stage (industry, then generic).</summary>
    GenericIndustry,

    /// <summary>Same industry and stage, written for the other debtor type: only when no script for the debtor's own type
    /// exists in this language (verification and wording differ between a person and a company).</summary>
    SameIndustryOtherDebtorType,

    /// <summary>A generic-industry script for the same stage, written for the other debtor type.</summary>
    GenericIndustryOtherDebtorType,
}

/// <summary>The script chosen for a call, the language to run it in, and how it was found.</summary>
public sealed record ScriptSelection(Script Script, string Language, ScriptMatch Match, bool LanguageFellBack);

/// <summary>The loaded scripts, and the choice of one for a call by industry x debtor type x stage x language (see docs/scripts.md).</summary>
public sealed class ScriptCatalog
{
    /// <summary>The language every selection falls back to last.</summary>
    public const string FallbackLanguage = "en";

    private readonly IReadOnlyList<Script> _scripts;

    /// <summary>A catalog of <paramref name="scripts"/>, which should be valid (see <see cref="ScriptSet"/>).</summary>
    public ScriptCatalog(IEnumerable<Script> scripts)
    {
        ArgumentNullException.ThrowIfNull(scripts);
        _scripts = [.. scripts.OrderBy(s => s.Id, StringComparer.Ordinal)];
    }

    /// <summary>Every script, ordered by id.</summary>
    public IReadOnlyList<Script> Scripts => _scripts;

    /// <summary>Loads the scripts under <paramref name="directory"/>; throws when any of them has a problem.</summary>
    /// <exception cref="InvalidDataException">A script has problems; the message lists the first few with file and line.</exception>
    public static ScriptCatalog Load(string directory)
    {
        var result = ScriptSet.Check([directory]);
        if (!result.IsValid)
        {
            var first = string.Join("; ", result.Problems.Take(5).Select(p => $"{p.File}:{p.Line}: {p.Error}"));
            throw new InvalidDataException($"{result.Problems.Count} problem(s) in scripts under {directory}: {first}");
        }

        return new ScriptCatalog(result.Scripts);
    }

    /// <summary>The script and language for <paramref name="request"/>, or null when no script serves the stage in any candidate language.</summary>
    /// <remarks>
    /// Languages are tried in order (requested, debtor's, English; each also by its primary subtag), and for each
    /// language the script tiers in <see cref="ScriptMatch"/> order: a script the debtor understands beats a more
    /// specific one they do not. Ties inside a tier go to the lowest id, so the choice is deterministic.
    /// </remarks>
    public ScriptSelection? Select(ScriptRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var languages = CandidateLanguages(request);
        foreach (var language in languages)
        {
            foreach (var match in Enum.GetValues<ScriptMatch>())
            {
                var script = _scripts.FirstOrDefault(s => s.Stage == request.Stage
                    && s.Languages.Contains(language, StringComparer.Ordinal)
                    && Fits(s, request, match));
                if (script is not null)
                {
                    return new ScriptSelection(script, language, match, LanguageFellBack: !IsRequested(language, request));
                }
            }
        }

        return null;
    }

    /// <summary>The languages tried for <paramref name="request"/>, in order.</summary>
    public static IReadOnlyList<string> CandidateLanguages(ScriptRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var result = new List<string>();
        foreach (var tag in new[] { request.RequestedLanguage, request.DebtorLanguage, FallbackLanguage })
        {
            if (string.IsNullOrWhiteSpace(tag))
            {
                continue;
            }

            var full = tag.Trim().ToLowerInvariant().Replace('_', '-');
            var primary = full.Split('-')[0];
            foreach (var candidate in new[] { full, primary })
            {
                if (!result.Contains(candidate))
                {
                    result.Add(candidate);
                }
            }
        }

        return result;
    }

    // The first language asked for (requested, else the debtor's), full tag and primary subtag: anything else is a fallback.
    private static bool IsRequested(string language, ScriptRequest request)
    {
        var first = (request.RequestedLanguage ?? request.DebtorLanguage).Trim().ToLowerInvariant().Replace('_', '-');
        return language == first || language == first.Split('-')[0];
    }

    private static bool Fits(Script script, ScriptRequest request, ScriptMatch match) => match switch
    {
        ScriptMatch.Exact => script.Industry == request.Industry && script.DebtorType == request.DebtorType,
        ScriptMatch.SameIndustryOtherDebtorType => script.Industry == request.Industry && script.DebtorType != request.DebtorType,
        ScriptMatch.GenericIndustry => script.Industry == Industry.Generic && script.DebtorType == request.DebtorType,
        ScriptMatch.GenericIndustryOtherDebtorType => script.Industry == Industry.Generic && script.DebtorType != request.DebtorType,
        _ => false,
    };
}
