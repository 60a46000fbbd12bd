using Collections.Scripts.Model;

namespace Collections.Scripts.Selection;

/// <summary>One industry x debtor type x stage x language, and the script a call in it gets (null: none).</summary>
/// <param name="Script">The script <see cref="ScriptCatalog.Select"/> picks in that very language for that debtor type, or null.</param>
/// <param name="Match">How it was found (<see cref="ScriptMatch.Exact"/> or <see cref="ScriptMatch.GenericIndustry"/>), or null.</param>
public sealed record CoverageRow(Industry Industry, DebtorType DebtorType, ScriptStage Stage, string Language, Script? Script, ScriptMatch? Match)
{
    /// <summary>True when a call in this combination pops with a script written for it (industry or generic).</summary>
    public bool Covered => Script is not null;
}

/// <summary>Which script serves every combination a call can come in, after the selection's fallback: the industry's own
/// script, else the generic one, for the same stage, debtor type and language. A combination served only by a script in
/// another language or for the other debtor type counts as uncovered: the operator could not read it to this debtor.</summary>
public static class ScriptCoverage
{
    /// <summary>The languages the operators speak (the seed markets' and English): every stage needs a script in each.</summary>
    public static readonly IReadOnlyList<string> Languages = ["sq", "lv", "de", "sl", "hu", "en"];

    /// <summary>Every industry x debtor type x stage x language with the script it gets, in that order.</summary>
    public static IReadOnlyList<CoverageRow> Report(ScriptCatalog catalog, IReadOnlyList<string>? languages = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        var rows = new List<CoverageRow>();
        foreach (var industry in Enum.GetValues<Industry>())
        {
            foreach (var debtorType in Enum.GetValues<DebtorType>())
            {
                foreach (var stage in Enum.GetValues<ScriptStage>())
                {
                    foreach (var language in languages ?? Languages)
                    {
                        var pick = catalog.Select(new ScriptRequest(industry, debtorType, stage, language));
                        var fits = pick is { LanguageFellBack: false, Match: ScriptMatch.Exact or ScriptMatch.GenericIndustry };
                        rows.Add(new CoverageRow(industry, debtorType, stage, language, fits ? pick!.Script : null, fits ? pick!.Match : null));
                    }
                }
            }
        }

        return rows;
    }
}
