using Collections.Dialer.Messaging.Letters;

namespace Collections.Dialer.Outreach.Letters;

/// <summary>A letter template a strategy step or the workflow names: which letter it prints.</summary>
/// <param name="Name">The name in <c>config/strategies</c> (<c>template:</c>) or on the queue entry.</param>
/// <param name="SuspensionWarning">A final demand that warns of the service's suspension (seed 001).</param>
public sealed record LetterTemplate(string Name, LetterKind Kind, bool SuspensionWarning = false);

/// <summary>The printed letters by template name. The wording of each kind, per language, is in <see cref="LetterRenderer"/>'s texts.</summary>
public static class LetterTemplates
{
    private static readonly Dictionary<string, LetterTemplate> ByName = new LetterTemplate[]
    {
        new("first-reminder", LetterKind.Reminder),
        new("first-reminder-business", LetterKind.Reminder),
        new("second-reminder", LetterKind.SecondReminder),
        new("final-demand-service-suspension-warning", LetterKind.FinalDemand, SuspensionWarning: true),
        new("final-demand-business", LetterKind.FinalDemand),
        new("pre-instalment-reminder", LetterKind.PreInstalmentReminder),
        new("settlement-confirmation", LetterKind.SettlementConfirmation),
        new("instalment-plan-confirmation", LetterKind.InstalmentPlanConfirmation),
    }.ToDictionary(t => t.Name, StringComparer.Ordinal);

    /// <summary>Every letter template.</summary>
    public static IReadOnlyCollection<LetterTemplate> All => ByName.Values;

    /// <summary>The template named <paramref name="name"/>, or null when no letter has that name.</summary>
    public static LetterTemplate? Find(string name) => ByName.GetValueOrDefault(name);
}
