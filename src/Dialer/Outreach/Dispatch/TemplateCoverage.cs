using Collections.Dialer.Messaging.Letters;
using Collections.Dialer.Messaging.Templates;
using Collections.Dialer.Outreach.Letters;
using Collections.Shared.Domain;
using Collections.Shared.Workflow.Strategies;

namespace Collections.Dialer.Outreach.Dispatch;

/// <summary>Every message and letter a strategy step names must exist in English, the language of debtors we do not write
/// to in their own; a strategy naming a missing one stops the host at start, naming the file, the step and the template.
/// (Other languages are checked when the entry is due: a missing text fails that entry, it never goes out in another.)</summary>
public static class TemplateCoverage
{
    /// <summary>The problems, one line each; empty when every step is covered.</summary>
    public static IReadOnlyList<string> Check(StrategyCatalog catalog, MessageTemplates templates)
    {
        var problems = new List<string>();
        foreach (var (strategy, arm) in catalog.Strategies.SelectMany(s => s.Arms.Select(a => (s, a))))
        {
            foreach (var step in arm.Steps.Where(s => s.Channel is ContactChannel.Sms or ContactChannel.WhatsApp or ContactChannel.Email or ContactChannel.Letter))
            {
                var name = step.Template ?? step.ScriptStage;
                var missing = name is null ? "no template or stage"
                    : step.Channel == ContactChannel.Letter
                        ? LetterTemplates.Find(name) is { } letter && LetterCovered(letter) ? null : $"no English letter '{name}'"
                        : templates.Has(step.Channel!.Value, name, "en") ? null : $"no English {step.Channel} template '{name}' in the template folder";
                if (missing is not null)
                {
                    problems.Add($"{Path.GetFileName(strategy.File)}: {(arm.Id == Strategy.Champion ? string.Empty : $"challenger '{arm.Id}', ")}step '{step.Id}' ({step.Channel}): {missing}");
                }
            }
        }

        return problems;
    }

    private static bool LetterCovered(LetterTemplate letter) => LetterTexts.For("en").Title(letter.Kind, letter.SuspensionWarning) is not null;
}
