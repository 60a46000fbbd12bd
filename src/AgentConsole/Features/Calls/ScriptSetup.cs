using Collections.Scripts.Model;
using Collections.Scripts.Runtime;
using Collections.Scripts.Selection;
using Collections.Shared.Contracts;
using Microsoft.Extensions.Options;

namespace Collections.AgentConsole.Features.Calls;

/// <summary>Loads the conversation scripts once at start (a broken script stops the host) and turns a run into what the page shows.</summary>
public static class ScriptSetup
{
    /// <summary>Finds <c>config/scripts</c>: the configured folder, else the first one above the content root or the binaries.</summary>
    public static string FindScripts(string? configured, string contentRoot)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return Path.GetFullPath(configured, contentRoot);
        }

        foreach (var start in new[] { contentRoot, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "config", "scripts");
                if (Directory.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        throw new InvalidOperationException($"{ConsoleOptions.Section}:{nameof(ConsoleOptions.ScriptsPath)} is empty and no config/scripts folder was found above {contentRoot}");
    }

    public static IServiceCollection AddScriptCatalog(this IServiceCollection services) =>
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<ConsoleOptions>>().Value;
            var env = sp.GetRequiredService<IHostEnvironment>();
            return ScriptCatalog.Load(FindScripts(options.ScriptsPath, env.ContentRootPath));
        });

    /// <summary>What the operator sees of the run now.</summary>
    public static ScriptViewDto View(ScriptRun run, string? refusal = null)
    {
        var text = run.Text;
        return new ScriptViewDto(
            run.Script.Id,
            run.Language,
            run.Current.Id,
            text.Text,
            [.. run.Answers.Select(a => new ScriptAnswerDto(a.Id, a.Label))],
            CanContinue: !run.IsFinished && run.Current.Next is not null && run.PendingAction is null,
            run.PendingAction is { } p ? ScriptVocabulary.Name(p) : null,
            run.RightPartyVerified,
            run.IsFinished,
            [.. run.Events.Where(e => e is not (NodeEntered or AnswerChosen)).Select(Describe)],
            refusal);
    }

    private static string Describe(ScriptEvent e) => e switch
    {
        RightPartyChecked r => r.Verified ? "right party verified" : "right party not verified",
        PromiseRecorded p => $"promise {p.Amount.Amount} {p.Amount.Currency} by {p.Date:yyyy-MM-dd}",
        InstalmentPlanAgreed i => $"plan {i.Plan.Instalments} x {i.Plan.InstalmentAmount.Amount} {i.Plan.InstalmentAmount.Currency} from {i.Plan.FirstDueDate:yyyy-MM-dd}",
        SettlementAgreed s => $"settlement {s.Amount.Amount} {s.Amount.Currency} by {s.PayBy:yyyy-MM-dd}",
        CallbackScheduled c => $"callback {c.When:yyyy-MM-dd HH:mm}" + (c.Note is null ? "" : $" ({c.Note})"),
        DisputeFlagged d => $"dispute: {d.Reason}",
        VulnerabilityFlagged v => $"vulnerable: {v.Reason}",
        HandedOverToSupervisor h => $"handed over: {h.Reason}",
        ActionDeclined a => $"{ScriptVocabulary.Name(a.Action)} declined: {a.Reason}",
        CallEnded => "script ended",
        _ => e.GetType().Name,
    };
}
