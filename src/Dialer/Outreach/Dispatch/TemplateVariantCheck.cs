using Collections.Dialer.Messaging.Templates;
using Collections.Dialer.Outreach.Letters;
using Collections.Shared.Domain;

namespace Collections.Dialer.Outreach.Dispatch;

/// <summary>
/// Checks a mandate's content variant (<c>creditor terms set --template-variants</c>): the template and its variant must both
/// exist, in the same channel, and a message variant in every language we write in (a letter's wording per language is
/// built in), so a step never goes out with a wording that is missing for its debtor.
/// </summary>
public static class TemplateVariantCheck
{
    /// <summary>Why <paramref name="variant"/> cannot replace <paramref name="template"/>, or null when it can.</summary>
    public static string? Problem(string template, string variant, MessageTemplates templates)
    {
        ArgumentNullException.ThrowIfNull(templates);
        var channel = ChannelOf(template, templates);
        if (channel is null)
        {
            return $"'{template}' is no letter or message template";
        }

        if (ChannelOf(variant, templates) is not { } other)
        {
            return $"'{variant}' is no letter or message template";
        }

        if (other != channel)
        {
            return $"'{variant}' is a {Name(other)} template, '{template}' a {Name(channel.Value)} template: a variant keeps the channel";
        }

        if (channel != ContactChannel.Letter && templates.Languages.FirstOrDefault(l => !templates.Has(channel.Value, variant, l)) is { } language)
        {
            return $"'{variant}' has no {Name(channel.Value)} text in '{language}'";
        }

        return null;
    }

    private static ContactChannel? ChannelOf(string name, MessageTemplates templates) =>
        LetterTemplates.Find(name) is not null ? ContactChannel.Letter
        : new[] { ContactChannel.Sms, ContactChannel.WhatsApp, ContactChannel.Email }.Cast<ContactChannel?>().FirstOrDefault(c => templates.Has(c!.Value, name, "en"));

    private static string Name(ContactChannel channel) => channel.ToString().ToLowerInvariant();
}
